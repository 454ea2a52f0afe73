//! Real headless Chromium for the browser tests: chromedriver started on a free port, a phone-sized window, and
//! the few steps every test takes. Shared by the web crate's tests and the binary's (`#[path]`).

#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// chromedriver, stopped on drop.
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts chromedriver and a phone-sized headless Chromium, or says why the test cannot run: `None` when they
/// are not installed (a failure instead when `ZHIAN_REQUIRE_BROWSER` is set).
pub async fn start_driver() -> Option<(Driver, Client, std::path::PathBuf)> {
    let required = std::env::var("ZHIAN_REQUIRE_BROWSER").is_ok();
    let present =
        |bin: &str| Command::new(bin).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if !present("chromedriver") || !present("chromium") {
        assert!(!required, "ZHIAN_REQUIRE_BROWSER is set but chromium or chromedriver is missing");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new("chromedriver")
        .args([format!("--port={port}"), "--allowed-ips=127.0.0.1".into()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let profile = std::env::temp_dir().join(format!("zhian-chromium-{}-{port}", std::process::id()));
    let caps = json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                     format!("--user-data-dir={}", profile.display()), "--window-size=390,844", "--lang=zh-CN"]
        }
    });
    let serde_json::Value::Object(caps) = caps else { unreachable!() };
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector).capabilities(caps.clone()).connect(&url).await {
            Ok(client) => return Some((driver, client, profile)),
            Err(e) if Instant::now() > deadline => panic!("chromedriver did not answer: {e}"),
            Err(_) => tokio::task::yield_now().await,
        }
    }
}

/// Types into a field, replacing what was there.
pub async fn fill(c: &Client, css: &str, value: &str) {
    let e = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

/// Clicks an element once it is there; an element found just before its page went away is looked up again.
pub async fn click(c: &Client, css: &str) {
    for _ in 0..5 {
        let e = c.wait().for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
        match e.click().await {
            Ok(()) => return,
            Err(fantoccini::error::CmdError::Standard(w))
                if w.error == fantoccini::error::ErrorStatus::StaleElementReference => {}
            Err(e) => panic!("{css}: {e}"),
        }
    }
    panic!("{css}: kept going stale");
}

/// Signs in on the log-in page and waits for the signed-in page.
pub async fn sign_in(c: &Client, base: &str, username: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "#username", username).await;
    fill(c, "#password", password).await;
    click(c, "form[action='/login'] button[type=submit]").await;
    c.wait().for_element(Locator::Css("form[action='/logout']")).await.unwrap();
}

/// Signs out and waits for the log-in page.
pub async fn sign_out(c: &Client) {
    click(c, "form[action='/logout'] button").await;
    c.wait().for_element(Locator::Css("#username")).await.unwrap();
}

/// The password `serve --demo` printed for a demo account.
pub fn demo_password(printed: &[String], user: &str) -> String {
    printed
        .iter()
        .find_map(|l| l.trim_start().strip_prefix(user).and_then(|rest| rest.split_whitespace().next()))
        .unwrap_or_else(|| panic!("{user} in {printed:?}"))
        .to_owned()
}
