//! Reminders: what became due or overdue, told in-app and sent to the unit's webhooks — WeChat Work (企业微信) group
//! robots, DingTalk (钉钉) custom robots, or any receiver of JSON — in the background, with retries.
//!
//! [`scan`] raises each reminder once (the store keeps one per unit and key); [`deliver`] sends what is queued.
//! Neither runs inside a request. A delivery that fails is tried again after 30 s, 1 min, 2 min, … up to an hour
//! between tries, and given up after [`MAX_ATTEMPTS`]; once a receiver has accepted one, it is never sent again.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use zhian_domain::{SlotStatus, Tier};
use zhian_store::reminders::PendingDelivery;

use crate::AppState;
use crate::error::AppError;

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: u32 = 8;

/// How long one attempt may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The kinds of webhook: code and Chinese name.
pub const KINDS: [(&str, &str); 3] =
    [("wecom", "企业微信群机器人"), ("dingtalk", "钉钉自定义机器人"), ("generic", "通用 JSON Webhook")];

/// The wait before the attempt after `attempts` failed ones.
#[must_use]
pub fn backoff(attempts: u32) -> chrono::Duration {
    chrono::Duration::seconds((30_i64 << attempts.min(7)).min(3600))
}

/// Who hears of a tier's record, and where it is kept.
fn tier_post(tier: Tier) -> (&'static str, &'static str) {
    match tier {
        Tier::Daily => ("officer", "checks"),
        Tier::Weekly => ("director", "reviews"),
        Tier::Monthly => ("principal", "meetings"),
    }
}

/// Raises every reminder due at `now` for every unit: each tier's current slot once it has been open a while
/// without a record, the slot before it when it closed with none, hazards past their deadline, vetoes waiting too
/// long and key work past its due date. Returns how many were new.
pub async fn scan(state: &AppState, now: DateTime<Utc>) -> Result<u32, AppError> {
    let mut raised = 0;
    for unit in state.store.unit_ids().await? {
        raised += scan_unit(state, unit, now).await?;
    }
    Ok(raised)
}

async fn scan_unit(state: &AppState, unit: i64, now: DateTime<Utc>) -> Result<u32, AppError> {
    let today = zhian_domain::time::date_of_day(zhian_domain::time::day_of_instant(now)).unwrap_or_default();
    let settings = state.store.unit_settings(unit).await?;
    let calendar =
        crate::usecases::unit_calendar(state, unit, today - chrono::Duration::days(40), today, &Tier::ALL).await?;
    let mut events: Vec<(String, String, String, &str)> = Vec::new();
    for tier in Tier::ALL {
        let (post, list) = tier_post(tier);
        let name = settings.record_name(tier);
        let slots: Vec<_> =
            calendar.slots.iter().filter(|s| s.tier == tier && s.window.start <= now.timestamp()).collect();
        let link = format!("/units/{unit}/{list}");
        if let Some(current) = slots.last()
            && current.status == SlotStatus::Due
            && zhian_domain::duty::reminder_due(&current.window, now)
        {
            let key = format!("due:{}:{}", tier.code(), current.period);
            events.push((key, format!("{}待完成：{}《{name}》", tier.label(), current.period), link.clone(), post));
        }
        if let Some(previous) = slots.iter().rev().nth(1)
            && previous.status == SlotStatus::Missing
        {
            let key = format!("missing:{}:{}", tier.code(), previous.period);
            let message = format!(
                "{}缺失：{}《{name}》未按时完成，请尽快补录（将标注为逾期补录）",
                tier.label(),
                previous.period
            );
            events.push((key, message, link, post));
        }
    }
    for h in state.store.hazards(unit).await? {
        if zhian_domain::hazard::overdue(h.status, h.deadline, today) {
            let deadline = h.deadline.map(|d| d.to_string()).unwrap_or_default();
            let message = format!("风险隐患逾期未整改：{}（期限 {deadline}）", h.title);
            events.push((
                format!("hazard-overdue:{}", h.id),
                message,
                format!("/units/{unit}/hazards/{}", h.id),
                "director",
            ));
        }
    }
    let after = chrono::Duration::hours(state.settings.veto_escalation_hours);
    for v in state.store.vetoes(unit).await? {
        if zhian_domain::veto::escalated(v.created_at, v.answer.is_some(), now, after) {
            let message = format!("否决建议超时未答复：{}——{}", v.product, v.defect);
            events.push((
                format!("veto-escalated:{}", v.id),
                message,
                format!("/units/{unit}/vetoes/{}", v.id),
                "principal",
            ));
        }
    }
    for t in state.store.open_tasks(unit).await? {
        if t.due < today {
            let message = format!("重点工作逾期未完成：{}（{}，{} 前）", t.work, t.owner, t.due);
            let link = format!("/units/{unit}/meetings/{}", t.meeting_id);
            events.push((format!("task-overdue:{}", t.id), message, link, "principal"));
        }
    }
    let mut raised = 0;
    for (key, message, link, post) in events {
        raised += u32::from(state.store.raise_reminder(unit, &key, &message, &link, post, now).await?);
    }
    Ok(raised)
}

/// Sends the deliveries due at `now`; returns how many were accepted by their receivers.
pub async fn deliver(state: &AppState, now: DateTime<Utc>) -> Result<u32, AppError> {
    let mut delivered = 0;
    let pending = state.store.claim_deliveries(now, chrono::Duration::minutes(5), 100).await?;
    for d in pending {
        let outcome = match send(state, &d, now).await {
            Ok(()) => {
                delivered += 1;
                Ok(())
            }
            Err(error) => {
                let attempts = d.attempts + 1;
                tracing::warn!(delivery = d.id, attempts, %error, "webhook delivery failed");
                Err((error, (attempts < MAX_ATTEMPTS).then(|| now + backoff(attempts - 1))))
            }
        };
        state.store.delivery_outcome(d.id, outcome, now).await?;
    }
    Ok(delivered)
}

pub use crate::usecases::exams::mark_expired;

/// Scans, delivers and marks exams whose time ran out every `every` until the process ends.
pub async fn reminder_loop(state: AppState, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = state.clock.now();
        if let Err(e) = scan(&state, now).await {
            tracing::error!(error = %e, "reminder scan failed");
        }
        if let Err(e) = deliver(&state, now).await {
            tracing::error!(error = %e, "webhook delivery failed");
        }
        if let Err(e) = mark_expired(&state).await {
            tracing::error!(error = %e, "marking timed-out exams failed");
        }
    }
}

/// The body a webhook of `kind` is sent: WeChat Work and DingTalk robots take their own markdown messages; the
/// generic receiver gets the facts as JSON.
#[must_use]
pub fn payload(d: &PendingDelivery, public_url: Option<&str>) -> Value {
    let link = public_url.map(|base| format!("{}{}", base.trim_end_matches('/'), d.link));
    let title = format!("质安提醒：{}", d.unit_name);
    let mut text = format!("**{title}**\n\n{}", d.message);
    if let Some(l) = &link {
        text.push_str(&format!("\n\n[查看]({l})"));
    }
    match d.webhook.kind.as_str() {
        "wecom" => json!({"msgtype": "markdown", "markdown": {"content": text}}),
        "dingtalk" => json!({"msgtype": "markdown", "markdown": {"title": title, "text": text}}),
        _ => json!({
            "event": d.event_key, "message": d.message, "link": d.link, "url": link,
            "unit": {"id": d.unit_id, "name": d.unit_name, "credit_code": d.credit_code},
            "raised_at": d.raised_at.to_rfc3339(), "delivery": d.id,
        }),
    }
}

/// The URL to post to: a DingTalk robot with a secret is signed (timestamp and HMAC-SHA256 in the query, as its
/// "加签" setting asks).
fn target(d: &PendingDelivery, now: DateTime<Utc>) -> String {
    let url = d.webhook.url.clone();
    if d.webhook.kind != "dingtalk" || d.webhook.secret.is_empty() {
        return url;
    }
    let timestamp = now.timestamp_millis();
    let sign = hmac_base64(&d.webhook.secret, &format!("{timestamp}\n{}", d.webhook.secret));
    let sign: String = form_urlencoded::byte_serialize(sign.as_bytes()).collect();
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}timestamp={timestamp}&sign={sign}")
}

fn hmac_base64(key: &str, message: &str) -> String {
    use base64::Engine as _;
    use hmac::{KeyInit, Mac};
    // HMAC takes a key of any length, so there is no error to meet.
    match <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key.as_bytes()) {
        Ok(mut mac) => {
            mac.update(message.as_bytes());
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// Sends one delivery; `Err` says why it did not arrive.
async fn send(state: &AppState, d: &PendingDelivery, now: DateTime<Utc>) -> Result<(), String> {
    let body = payload(d, state.settings.public_url.as_deref()).to_string();
    let mut headers = vec![("X-Zhian-Event".to_owned(), d.event_key.clone())];
    if d.webhook.kind == "generic" && !d.webhook.secret.is_empty() {
        headers.push(("X-Zhian-Signature".to_owned(), format!("sha256={}", hmac_base64(&d.webhook.secret, &body))));
    }
    let url = target(d, now);
    let (status, answer) =
        tokio::time::timeout(TIMEOUT, post(&url, &headers, &body, state.settings.webhook_private_hosts))
            .await
            .map_err(|_| format!("{} 秒内无应答", TIMEOUT.as_secs()))??;
    if !(200..300).contains(&status) {
        return Err(format!("接收方返回 HTTP {status}"));
    }
    // The robots answer 200 with their own error code.
    if matches!(d.webhook.kind.as_str(), "wecom" | "dingtalk") {
        let code = serde_json::from_str::<Value>(&answer).ok().and_then(|v| v["errcode"].as_i64());
        if code != Some(0) {
            return Err(format!("机器人返回错误：{}", answer.chars().take(200).collect::<String>()));
        }
    }
    Ok(())
}

/// A URL's parts: TLS, host, port, path with query.
fn parse_url(url: &str) -> Option<(bool, String, u16, String)> {
    let (tls, rest) = match url.split_once("://")? {
        ("https", rest) => (true, rest),
        ("http", rest) => (false, rest),
        _ => return None,
    };
    let (authority, path) = rest.find('/').map_or((rest, "/"), |i| rest.split_at(i));
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (h, p.parse().ok()?),
        _ => (authority, if tls { 443 } else { 80 }),
    };
    (!host.is_empty() && !authority.contains('@')).then(|| (tls, host.to_owned(), port, path.to_owned()))
}

/// Whether a URL can be used for a webhook, in Chinese when not.
pub fn check_url(url: &str) -> Result<(), String> {
    if url.len() > 500 {
        return Err("地址过长".into());
    }
    if url.chars().any(char::is_whitespace) {
        return Err("地址不能含空白字符".into());
    }
    parse_url(url).map(|_| ()).ok_or_else(|| "地址须以 https:// 或 http:// 开头，且包含主机名".into())
}

fn private(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => {
            v4.is_loopback() || v4.is_private() || v4.is_link_local() || v4.is_unspecified() || v4.is_broadcast()
        }
        std::net::IpAddr::V6(v6) => v6.is_loopback() || v6.is_unspecified() || (v6.segments()[0] & 0xfe00) == 0xfc00,
    }
}

/// POSTs JSON over HTTP/1.1 (with TLS for `https`) and reads the answer: (status, body). Addresses inside private
/// networks are refused unless allowed, so a webhook cannot be aimed at the server's own network.
async fn post(
    url: &str,
    headers: &[(String, String)],
    body: &str,
    allow_private: bool,
) -> Result<(u16, String), String> {
    let (tls, host, port, path) = parse_url(url).ok_or("地址无效")?;
    let addrs: Vec<std::net::SocketAddr> =
        tokio::net::lookup_host((host.as_str(), port)).await.map_err(|e| format!("无法解析 {host}：{e}"))?.collect();
    let addr = addrs.into_iter().find(|a| allow_private || !private(a.ip())).ok_or("地址为内网地址，未发送")?;
    let tcp = tokio::net::TcpStream::connect(addr).await.map_err(|e| format!("无法连接 {host}：{e}"))?;
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: zhian\r\nContent-Type: application/json; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    let answer = if tls {
        let name = rustls::pki_types::ServerName::try_from(host.clone()).map_err(|_| "主机名无效")?;
        let mut stream = tls_connector()?.connect(name, tcp).await.map_err(|e| format!("TLS 握手失败：{e}"))?;
        exchange(&mut stream, request.as_bytes()).await?
    } else {
        let mut stream = tcp;
        exchange(&mut stream, request.as_bytes()).await?
    };
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or("应答无法读取")?;
    Ok((status, body.to_owned()))
}

async fn exchange<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    stream: &mut S,
    request: &[u8],
) -> Result<Vec<u8>, String> {
    stream.write_all(request).await.map_err(|e| format!("发送失败：{e}"))?;
    let mut answer = Vec::new();
    // A receiver's answer is short; read at most 64 KiB of it.
    let mut limited = stream.take(64 * 1024);
    match limited.read_to_end(&mut answer).await {
        Ok(_) => Ok(answer),
        // Some servers close TLS without notice once they have answered.
        Err(_) if !answer.is_empty() => Ok(answer),
        Err(e) => Err(format!("读取应答失败：{e}")),
    }
}

/// A TLS client trusting the Mozilla root set (webpki-roots), built once.
fn tls_connector() -> Result<tokio_rustls::TlsConnector, String> {
    static CONFIG: std::sync::OnceLock<Result<Arc<rustls::ClientConfig>, String>> = std::sync::OnceLock::new();
    let config = CONFIG.get_or_init(|| {
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map(|b| Arc::new(b.with_root_certificates(roots).with_no_client_auth()))
            .map_err(|e| format!("TLS 设置失败：{e}"))
    });
    config.clone().map(tokio_rustls::TlsConnector::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_backoff_and_signatures() {
        assert_eq!(
            parse_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
            Some((true, "qyapi.weixin.qq.com".into(), 443, "/cgi-bin/webhook/send?key=k".into()))
        );
        assert_eq!(parse_url("http://127.0.0.1:8081"), Some((false, "127.0.0.1".into(), 8081, "/".into())));
        assert!(
            parse_url("ftp://x/y").is_none()
                && parse_url("https://user@host/").is_none()
                && parse_url("https:///x").is_none()
        );
        assert!(check_url("javascript:alert(1)").is_err());
        let waits: Vec<i64> = (0..9).map(|a| backoff(a).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        // DingTalk's documented example: the signature is base64(HMAC-SHA256(secret, "timestamp\nsecret")).
        assert_eq!(
            hmac_base64("key", "The quick brown fox jumps over the lazy dog"),
            "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg="
        );
        assert!(
            private("10.1.2.3".parse().unwrap())
                && private("127.0.0.1".parse().unwrap())
                && private("::1".parse().unwrap())
        );
        assert!(!private("140.205.1.1".parse().unwrap()));
    }
}
