//! Reminders against a local HTTP receiver: what became due or overdue is raised once, told in-app and sent to the
//! unit's WeChat Work, DingTalk and generic webhooks in their own formats (DingTalk's signed URL, the generic
//! receiver's HMAC header); a failed delivery is retried after its backoff, and none is sent twice after success.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::common::{TestApp, pointers, unit_with_officer};
use axum::http::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// What the receiver saw: (path with query, headers, body).
type Seen = Arc<Mutex<Vec<(String, HashMap<String, String>, String)>>>;

/// A receiver answering each path from a script: the first answers of a path, then 200 `{"errcode":0}`.
async fn receiver(script: HashMap<&'static str, Vec<(u16, &'static str)>>) -> (String, Seen) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let script = Arc::new(Mutex::new(script));
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let (log, script) = (log.clone(), script.clone());
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                reader.read_line(&mut line).await.unwrap();
                let path = line.split(' ').nth(1).unwrap_or_default().to_owned();
                let mut headers = HashMap::new();
                loop {
                    line.clear();
                    reader.read_line(&mut line).await.unwrap();
                    let Some((k, v)) = line.trim_end().split_once(':') else { break };
                    headers.insert(k.to_ascii_lowercase(), v.trim().to_owned());
                }
                let length: usize = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
                let mut body = vec![0; length];
                reader.read_exact(&mut body).await.unwrap();
                let route = path.split('?').next().unwrap_or_default().to_owned();
                let (status, answer) = {
                    let mut script = script.lock().unwrap();
                    let queue = script.get_mut(route.as_str());
                    match queue {
                        Some(q) if !q.is_empty() => q.remove(0),
                        _ => (200, r#"{"errcode":0,"errmsg":"ok"}"#),
                    }
                };
                log.lock().unwrap().push((path, headers, String::from_utf8(body).unwrap()));
                let response = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                let mut stream = reader.into_inner();
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (base, seen)
}

fn hmac_b64(key: &str, message: &str) -> String {
    use base64::Engine as _;
    use hmac::{KeyInit, Mac};
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn count(seen: &Seen, route: &str) -> usize {
    seen.lock().unwrap().iter().filter(|(p, _, _)| p.starts_with(route)).count()
}

#[tokio::test]
async fn reminders_reach_each_platform_in_its_format_with_retries_and_no_duplicates() {
    use zhian_domain::time::Clock as _;
    let app = TestApp::new().await;
    let (principal, officer, id) = unit_with_officer(&app).await;
    let (base, seen) = receiver(HashMap::from([
        ("/wecom", vec![(500, "busy"), (500, "busy")]),
        ("/dingtalk", vec![(200, r#"{"errcode":310000,"errmsg":"sign not match"}"#)]),
    ]))
    .await;
    let hooks = format!("/api/v1/units/{id}/webhooks");
    for (kind, path, secret) in [
        ("wecom", "/wecom?key=k1", ""),
        ("dingtalk", "/dingtalk?access_token=t", "SECret"),
        ("generic", "/generic", "g-key"),
    ] {
        let r = app
            .json(
                "POST",
                &hooks,
                Some(&principal),
                json!({"kind": kind, "url": format!("{base}{path}"), "secret": secret}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let bad = app.json("POST", &hooks, Some(&principal), json!({"kind": "fax", "url": "ftp://x"})).await;
    let mut p = pointers(&bad);
    p.sort();
    assert_eq!(p, ["/kind", "/url"]);
    assert_eq!(app.json("POST", &hooks, Some(&officer), json!({})).await.status, StatusCode::FORBIDDEN);

    let mut state = app.state.clone();
    state.settings = Arc::new(zhian_web::Settings { webhook_private_hosts: true, ..(*app.state.settings).clone() });
    let now = app.clock.now(); // Monday 2026-03-02 10:00 Beijing time
    let raised = zhian_web::reminders::scan(&state, now).await.unwrap();
    assert!(raised >= 3, "today's check, this week's and this month's are due, yesterday's is missing: {raised}");
    assert_eq!(zhian_web::reminders::scan(&state, now).await.unwrap(), 0, "each is raised once");
    let inbox = app.get("/api/v1/notifications", Some(&officer)).await.json();
    let messages: Vec<&str> = inbox.as_array().unwrap().iter().map(|n| n["message"].as_str().unwrap()).collect();
    assert!(messages.iter().any(|m| m.contains("日管控待完成：2026-03-02")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("日管控缺失：2026-03-01")), "{messages:?}");
    let principal_inbox = app.get("/api/v1/notifications", Some(&principal)).await.body;
    assert!(
        principal_inbox.contains("周排查待完成：2026-W10"),
        "no director, so the principal hears: {principal_inbox}"
    );

    let first = zhian_web::reminders::deliver(&state, now).await.unwrap();
    let per_hook = raised as usize;
    assert_eq!(count(&seen, "/wecom") + count(&seen, "/dingtalk") + count(&seen, "/generic"), 3 * per_hook);
    assert_eq!(first as usize, 3 * per_hook - 3, "all but WeChat Work's two 500s and DingTalk's refused signature");

    {
        let seen = seen.lock().unwrap();
        let (_, _, wecom) = seen.iter().find(|(p, _, _)| p.starts_with("/wecom")).unwrap();
        let wecom: Value = serde_json::from_str(wecom).unwrap();
        assert_eq!(wecom["msgtype"], "markdown");
        assert!(wecom["markdown"]["content"].as_str().unwrap().contains("质安提醒"), "{wecom}");
        let (path, _, ding) = seen.iter().find(|(p, _, _)| p.starts_with("/dingtalk")).unwrap();
        let ding: Value = serde_json::from_str(ding).unwrap();
        assert_eq!((ding["msgtype"].as_str(), ding["markdown"]["title"].as_str().is_some()), (Some("markdown"), true));
        let query: HashMap<String, String> =
            form_urlencoded::parse(path.split_once('?').unwrap().1.as_bytes()).into_owned().collect();
        assert_eq!(query["access_token"], "t");
        let expected = hmac_b64("SECret", &format!("{}\nSECret", query["timestamp"]));
        assert_eq!(query["sign"], expected, "signed as DingTalk's 加签 asks");
        let (_, headers, generic) = seen.iter().find(|(p, _, _)| p.starts_with("/generic")).unwrap();
        let g: Value = serde_json::from_str(generic).unwrap();
        assert!(g["event"].as_str().unwrap().contains(':') && g["unit"]["credit_code"] == "92440305MA5G7K3L2A", "{g}");
        assert_eq!(headers["x-zhian-signature"], format!("sha256={}", hmac_b64("g-key", generic)));
        assert_eq!(headers["x-zhian-event"], g["event"].as_str().unwrap());
    }

    // Not before the backoff; then WeChat Work fails once more, then everything is through.
    assert_eq!(zhian_web::reminders::deliver(&state, now + chrono::Duration::seconds(10)).await.unwrap(), 0);
    assert_eq!(count(&seen, "/wecom"), per_hook, "nothing is retried before its time");
    zhian_web::reminders::deliver(&state, now + chrono::Duration::seconds(31)).await.unwrap();
    let later = now + chrono::Duration::minutes(5);
    zhian_web::reminders::deliver(&state, later).await.unwrap();
    let status = app.get(&hooks, Some(&principal)).await.json();
    let pending: Vec<&Value> =
        status["deliveries"].as_array().unwrap().iter().filter(|d| d["delivered_at"].is_null()).collect();
    assert!(pending.is_empty(), "all delivered after their retries: {status}");
    let total = seen.lock().unwrap().len();
    assert_eq!(zhian_web::reminders::deliver(&state, later + chrono::Duration::hours(2)).await.unwrap(), 0);
    assert_eq!(seen.lock().unwrap().len(), total, "nothing is sent twice after success");
    assert_eq!(count(&seen, "/wecom"), per_hook + 2, "the two that failed were sent once more, the rest once");
    assert_eq!(count(&seen, "/dingtalk"), per_hook + 1, "an answer 200 with an error code is a failure, retried");

    let page = app.get(&format!("/units/{id}/settings"), Some(&principal)).await;
    assert!(page.body.contains("企业微信群机器人") && page.body.contains("/wecom?…"), "the key is not shown");
    assert!(!page.body.contains("key=k1"));
    // Nor is it stored in the clear: the database file never holds the robot's key or the signing secrets.
    app.state.store.close().await;
    let mut stored = std::fs::read(app.database_file()).unwrap();
    stored.extend(std::fs::read(app.database_file().with_extension("db-wal")).unwrap_or_default());
    let has = |needle: &str| stored.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(has("/wecom?…"), "the address is kept as shown");
    assert!(!has("key=k1") && !has("access_token=t") && !has("SECret") && !has("g-key"), "credentials are sealed");
}

#[tokio::test]
async fn a_receiver_that_never_answers_well_is_given_up_and_private_addresses_are_refused() {
    use zhian_domain::time::Clock as _;
    let app = TestApp::new().await;
    let (principal, _, id) = unit_with_officer(&app).await;
    let (base, seen) = receiver(HashMap::from([("/down", vec![(503, "down"); 200])])).await;
    let hooks = format!("/api/v1/units/{id}/webhooks");
    app.json("POST", &hooks, Some(&principal), json!({"kind": "generic", "url": format!("{base}/down")})).await;
    let now = app.clock.now();
    // By default a webhook may not reach the server's own network.
    let raised = zhian_web::reminders::scan(&app.state, now).await.unwrap() as usize;
    zhian_web::reminders::deliver(&app.state, now).await.unwrap();
    assert_eq!(seen.lock().unwrap().len(), 0, "a private address is not contacted");
    let status = app.get(&hooks, Some(&principal)).await.json();
    assert!(status["deliveries"][0]["last_error"].as_str().unwrap().contains("内网"), "{status}");

    let mut state = app.state.clone();
    state.settings = Arc::new(zhian_web::Settings { webhook_private_hosts: true, ..(*app.state.settings).clone() });
    let mut at = now;
    for _ in 0..zhian_web::reminders::MAX_ATTEMPTS + 2 {
        at += chrono::Duration::hours(2);
        zhian_web::reminders::deliver(&state, at).await.unwrap();
    }
    assert_eq!(
        seen.lock().unwrap().len(),
        raised * (zhian_web::reminders::MAX_ATTEMPTS as usize - 1),
        "tried up to the limit (one attempt went to the refusal), then given up"
    );
    let status = app.get(&hooks, Some(&principal)).await.json();
    assert!(status["deliveries"].as_array().unwrap().iter().all(|d| !d["failed_at"].is_null()), "{status}");
}
