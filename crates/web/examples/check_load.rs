//! Load for the daily-check write path: many officers submitting typical daily checks (20 items, no photo) over
//! loopback HTTP/1.1 keep-alive connections against a running `zhian serve`, and — in the same run — raw single-row
//! durable commits on a scratch SQLite file for comparison. Driven by `scripts/bench-checks.sh`.
//!
//! Usage: `check_load BASE_URL LOGINS_FILE SECONDS CONNECTIONS [RAW_SQLITE_DIR]`, where each line of LOGINS_FILE is
//! `username password`. Every officer submits checks for distinct past days (late entries, as a unit catching up
//! would), so no submission is refused as a second check of its period.
#![allow(clippy::print_stdout, clippy::print_stderr, missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One keep-alive connection.
struct Conn {
    stream: BufReader<TcpStream>,
    host: String,
}

/// An answer: status, `Set-Cookie` values, body.
struct Answer {
    status: u16,
    cookies: Vec<String>,
    body: Vec<u8>,
}

impl Conn {
    async fn open(addr: &str) -> std::io::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Self { stream: BufReader::new(stream), host: addr.to_owned() })
    }

    async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Answer> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            self.host,
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        // One write per request, as a browser's or wrk's: head and body in one segment.
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        self.stream.get_mut().write_all(&request).await?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status = line.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let (mut length, mut cookies) = (0usize, Vec::new());
        loop {
            line.clear();
            self.stream.read_line(&mut line).await?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                match k.to_ascii_lowercase().as_str() {
                    "content-length" => length = v.trim().parse().unwrap_or(0),
                    "set-cookie" => cookies.push(v.trim().to_owned()),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await?;
        Ok(Answer { status, cookies, body })
    }
}

/// A signed-in officer: the session cookie, the CSRF token, the unit and the next day to check.
struct Officer {
    cookie: String,
    csrf: String,
    unit: i64,
    next_day: AtomicI64,
}

async fn sign_in(addr: &str, username: &str, password: &str) -> Officer {
    let mut c = Conn::open(addr).await.expect("connect");
    let body = json!({"username": username, "password": password}).to_string();
    let a = c.send("POST", "/api/v1/session", &[], body.as_bytes()).await.expect("log in");
    assert_eq!(a.status, 200, "log-in of {username}: {}", String::from_utf8_lossy(&a.body));
    let csrf = serde_json::from_slice::<Value>(&a.body).unwrap()["csrf_token"].as_str().unwrap().to_owned();
    let cookie =
        a.cookies.iter().find(|c| c.starts_with("zhian_session=")).unwrap().split(';').next().unwrap().to_owned();
    let me = c.send("GET", "/api/v1/me", &[("Cookie", &cookie)], b"").await.expect("me");
    let me: Value = serde_json::from_slice(&me.body).unwrap();
    let unit =
        me["posts"].as_array().unwrap().iter().find(|p| p["post"] == "officer").unwrap()["unit_id"].as_i64().unwrap();
    Officer { cookie, csrf, unit, next_day: AtomicI64::new(1) }
}

/// The 20 items of a typical check, as JSON, made once: the client should spend its time sending, not building.
fn items_json() -> String {
    let n: usize = std::env::var("CHECK_ITEMS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let items: Vec<Value> = (0..n)
        .map(|i| json!({"risk_point": format!("风险点{i}"), "item": format!("第{i}项：进货查验与标识"), "result": "conforming", "note": ""}))
        .collect();
    serde_json::to_string(&items).unwrap()
}

fn check_body(items: &str, day: i64) -> Vec<u8> {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() - chrono::Duration::days(day);
    format!(r#"{{"period":"{date}","items":{items},"note":""}}"#).into_bytes()
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(0) as f64 / 1000.0
}

/// Raw single-row commits with `synchronous=FULL` on a scratch SQLite file, one transaction each, for `secs`.
async fn raw_commits(dir: &str, secs: u64) -> f64 {
    use sqlx::{ConnectOptions, Connection, Executor};
    let path = format!("{dir}/raw.db");
    let _ = std::fs::remove_file(&path);
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
        .disable_statement_logging()
        .connect()
        .await
        .expect("scratch SQLite");
    conn.execute("create table t (id integer primary key, v text not null)").await.unwrap();
    let (start, mut n) = (Instant::now(), 0u64);
    while start.elapsed() < Duration::from_secs(secs) {
        let mut tx = conn.begin().await.unwrap();
        sqlx::query("insert into t (v) values ($1)").bind("x").execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, logins, secs, conns, rest @ ..] = args.as_slice() else {
        eprintln!("usage: check_load BASE_URL LOGINS_FILE SECONDS CONNECTIONS [RAW_SQLITE_DIR]");
        std::process::exit(2);
    };
    let addr = base.trim_start_matches("http://").trim_end_matches('/').to_owned();
    let (secs, conns): (u64, usize) = (secs.parse().unwrap(), conns.parse().unwrap());
    let text = std::fs::read_to_string(logins).unwrap();
    let mut officers = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut f = line.split_whitespace();
        let (u, p) = (f.next().unwrap(), f.next().unwrap());
        officers.push(sign_in(&addr, u, p).await);
    }
    let officers = Arc::new(officers);
    let items = Arc::new(items_json());
    let (ok, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let mut workers = Vec::new();
    for w in 0..conns {
        let (officers, ok, failed, addr, items) =
            (officers.clone(), ok.clone(), failed.clone(), addr.clone(), items.clone());
        workers.push(tokio::spawn(async move {
            let mut c = Conn::open(&addr).await.expect("connect");
            let mut latencies = Vec::new();
            let officer = &officers[w % officers.len()];
            let path = format!("/api/v1/units/{}/daily-checks", officer.unit);
            while Instant::now() < deadline {
                let day = officer.next_day.fetch_add(1, Ordering::Relaxed);
                let body = check_body(&items, day);
                let t = Instant::now();
                let a = c
                    .send("POST", &path, &[("Cookie", &officer.cookie), ("X-CSRF-Token", &officer.csrf)], &body)
                    .await
                    .expect("submit");
                latencies.push(u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX));
                if a.status == 201 {
                    ok.fetch_add(1, Ordering::Relaxed);
                } else {
                    if failed.fetch_add(1, Ordering::Relaxed) < 3 {
                        eprintln!("{}: {}", a.status, String::from_utf8_lossy(&a.body));
                    }
                }
            }
            latencies
        }));
    }
    // The rate of each 5 s window, to see whether it holds over the run.
    let ticker = {
        let ok = ok.clone();
        tokio::spawn(async move {
            let mut last = 0;
            let mut windows = Vec::new();
            while Instant::now() + Duration::from_secs(5) <= deadline {
                tokio::time::sleep(Duration::from_secs(5)).await;
                let now = ok.load(Ordering::Relaxed);
                windows.push(format!("{}", (now - last) / 5));
                last = now;
            }
            windows
        })
    };
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let (ok, failed) = (ok.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    let rate = ok as f64 / elapsed;
    println!(
        "daily checks (20 items, logged, durable): {ok} in {elapsed:.1} s = {rate:.0}/s over {conns} connections, \
         {} officers; failed {failed}; latency p50 {:.1} ms, p99 {:.1} ms",
        officers.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );
    println!("checks/s in each 5 s window: {}", ticker.await.unwrap().join(", "));
    if let Some(dir) = rest.first() {
        let raw = raw_commits(dir, secs.min(5)).await;
        println!("raw single-row SQLite commits (synchronous=FULL, WAL): {raw:.0}/s; ratio {:.2}", rate / raw);
    }
}
