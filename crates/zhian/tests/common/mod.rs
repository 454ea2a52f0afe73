//! Running the real `zhian` binary in tests: a server on a free port in its own data directory, stopped on drop.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Sends one HTTP/1.1 request and returns (status, headers, body).
pub fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("a whole response before the timeout");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_owned(), body.to_owned())
}

pub fn data_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("zhian-serve-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Starts `zhian serve` on a free port with `extra` arguments and reads what it prints until it is ready: the address
/// and every line printed.
pub fn start(dir: &std::path::Path, extra: &[&str]) -> (Server, String, Vec<String>) {
    start_with(dir, extra, &[])
}

/// [`start`] with environment variables set.
pub fn start_with(dir: &std::path::Path, extra: &[&str], vars: &[(&str, &str)]) -> (Server, String, Vec<String>) {
    let mut args = vec!["serve", "--addr", "127.0.0.1:0", "--data-dir", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let child = Command::new(env!("CARGO_BIN_EXE_zhian"))
        .args(&args)
        .env("ZHIAN_LOG", "info")
        .envs(vars.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut printed = Vec::new();
    let mut addr = String::new();
    for line in BufReader::new(server.0.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            addr = rest.trim().to_owned();
        }
        let ready = line.contains("按 Ctrl+C 停止");
        printed.push(line);
        if ready {
            break;
        }
    }
    assert!(!addr.is_empty(), "{printed:?}");
    (server, addr, printed)
}
