//! `zhian serve`, `init` and `migrate` as a new user runs them: the real process, its printed log-in, requests over a
//! real socket while it logs from its worker threads, and a clean stop on SIGTERM.

use std::process::Command;

use crate::common::{data_dir, http, start, start_with};

#[test]
fn the_server_starts_prints_the_first_log_in_serves_it_and_stops_cleanly() {
    let dir = data_dir("first");
    let (mut server, addr, printed) = start(&dir, &[]);
    let password = printed
        .iter()
        .find_map(|l| l.split("一次性密码 ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_default()
        .to_owned();
    assert!(!addr.is_empty() && password.len() == 16, "addr {addr:?}, password {password:?}");

    let (status, _, body) = http(&addr, "GET", "/healthz", &[], "");
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));
    // A successful log-in writes a log line from a worker thread; the response must still come back.
    let login = format!(r#"{{"username":"admin","password":"{password}"}}"#);
    let (status, head, body) = http(&addr, "POST", "/api/v1/session", &[("Content-Type", "application/json")], &login);
    assert_eq!(status, 200, "{body}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: zhian_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (status, _, body) = http(&addr, "GET", "/api/v1/me", &[("Cookie", &format!("zhian_session={cookie}"))], "");
    assert_eq!(status, 200);
    assert!(body.contains(r#""must_change_password":true"#), "the first password must be changed: {body}");

    let pid = server.0.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = server.0.wait().unwrap();
    assert_eq!(status.code(), Some(0), "a graceful stop");

    let init =
        Command::new(env!("CARGO_BIN_EXE_zhian")).args(["init", "--data-dir", dir.to_str().unwrap()]).output().unwrap();
    assert_eq!(init.status.code(), Some(1), "already initialised");
    let migrate = Command::new(env!("CARGO_BIN_EXE_zhian"))
        .args(["migrate", "--data-dir", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(migrate.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&migrate.stdout).contains("本次执行 0 个迁移"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("data.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the data key is the owner's alone");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn init_prints_a_one_time_password_once_and_bad_settings_are_refused() {
    let dir = data_dir("init");
    let first =
        Command::new(env!("CARGO_BIN_EXE_zhian")).args(["init", "--data-dir", dir.to_str().unwrap()]).output().unwrap();
    assert_eq!(first.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&first.stdout).contains("一次性密码"));
    let bad = Command::new(env!("CARGO_BIN_EXE_zhian"))
        .args(["serve", "--data-dir", dir.to_str().unwrap(), "--database", "mysql://x"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--database"));
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = busy.local_addr().unwrap().to_string();
    let clash = Command::new(env!("CARGO_BIN_EXE_zhian"))
        .args(["serve", "--data-dir", dir.to_str().unwrap(), "--addr", &taken])
        .output()
        .unwrap();
    assert_eq!(clash.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&clash.stderr).contains("无法监听"), "{}", String::from_utf8_lossy(&clash.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_bundle_downloaded_from_the_demo_verifies_with_the_cli_and_the_database_audits_clean() {
    let dir = data_dir("demo");
    let (mut server, addr, printed) = start(&dir, &["--demo"]);
    let password = printed
        .iter()
        .find(|l| l.trim_start().starts_with("ebike.principal"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or_default()
        .to_owned();
    let login = format!(r#"{{"username":"ebike.principal","password":"{password}"}}"#);
    let (status, head, _) = http(&addr, "POST", "/api/v1/session", &[("Content-Type", "application/json")], &login);
    assert_eq!(status, 200);
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: zhian_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let cookie = format!("zhian_session={cookie}");
    let (_, _, list) = http(&addr, "GET", "/api/v1/units/1/appointments", &[("Cookie", &cookie)], "");
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let officer = list.as_array().unwrap().iter().find(|a| a["post"] == "officer").unwrap()["id"].as_i64().unwrap();
    let (status, _, bundle) =
        http(&addr, "GET", &format!("/units/1/records/appointment/{officer}/bundle"), &[("Cookie", &cookie)], "");
    assert_eq!(status, 200);
    let file = dir.join("bundle.json");
    std::fs::write(&file, &bundle).unwrap();
    let verify = Command::new(env!("CARGO_BIN_EXE_zhian")).args(["verify", file.to_str().unwrap()]).output().unwrap();
    assert_eq!(verify.status.code(), Some(0), "{}", String::from_utf8_lossy(&verify.stderr));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("92440305MA5G7K3L2A"));
    let tampered = dir.join("tampered.json");
    assert!(bundle.contains("ebike.principal"), "the author is in the record");
    std::fs::write(&tampered, bundle.replace("ebike.principal", "someone.else")).unwrap();
    let verify =
        Command::new(env!("CARGO_BIN_EXE_zhian")).args(["verify", tampered.to_str().unwrap()]).output().unwrap();
    assert_eq!(verify.status.code(), Some(1));

    let pid = server.0.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    assert_eq!(server.0.wait().unwrap().code(), Some(0));
    let audit = Command::new(env!("CARGO_BIN_EXE_zhian"))
        .args(["audit", "--data-dir", dir.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&audit.stdout);
    assert_eq!(audit.status.code(), Some(0), "{text} {}", String::from_utf8_lossy(&audit.stderr));
    assert!(text.contains("数据库与透明日志一致"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_newer_division_table_is_merged_at_start_and_a_broken_one_stops_it() {
    let dir = data_dir("divisions");
    std::fs::create_dir_all(&dir).unwrap();
    let table = dir.join("gbt2260-new.csv");
    // GB 18030, as spreadsheets in China save it: a new county and a renamed district.
    let (bytes, _, _) =
        encoding_rs::GB18030.encode("code,name,parent\n440399,深汕新区,440300\n440305,南山新区,440300\n");
    std::fs::write(&table, bytes).unwrap();
    let (mut server, _, printed) = start_with(&dir, &[], &[("ZHIAN_DIVISIONS", table.to_str().unwrap())]);
    assert!(printed.iter().any(|l| l.contains("新增 1 个，更名 1 个")), "{printed:?}");
    server.0.kill().unwrap();
    let _ = server.0.wait();
    std::fs::write(&table, "code,name,parent\n469901,某县,469900\n").unwrap();
    let broken = Command::new(env!("CARGO_BIN_EXE_zhian"))
        .args(["serve", "--data-dir", dir.to_str().unwrap(), "--addr", "127.0.0.1:0"])
        .env("ZHIAN_DIVISIONS", &table)
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains("ZHIAN_DIVISIONS") && stderr.contains("469901 的上级不在区划表中"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}
