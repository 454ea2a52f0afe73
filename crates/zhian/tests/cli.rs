//! The command line as other programs see it: the real `zhian` binary, its stdout, stderr and exit status.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn zhian(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhian")).args(args).output().expect("run zhian")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Exit status 2, nothing on stdout, exactly one line on stderr that contains `needle`.
fn assert_bad_input(args: &[&str], needle: &str) {
    let o = zhian(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: one line expected, got {err:?}");
    assert!(err.starts_with("错误："), "{err}");
    assert!(err.contains(needle), "{args:?}: {err:?} should name {needle:?}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.stdout.is_empty(), "{args:?}: nothing on stdout");
}

/// A scenario file in a fresh temporary directory.
fn scenario(name: &str, json: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zhian-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scenario.json");
    std::fs::File::create(&path).unwrap().write_all(json.as_bytes()).unwrap();
    path
}

fn assess_json(args: &[&str]) -> Value {
    let mut all = vec!["assess"];
    all.extend_from_slice(args);
    all.push("--json");
    let o = zhian(&all);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "one JSON object on one line");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn assess_prints_the_documented_json_object() {
    let v = assess_json(&[
        "--channel",
        "wholesale",
        "--employees",
        "5",
        "--revenue-yuan",
        "100000000",
        "--products",
        "ccc",
    ]);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["basis", "director_required", "in_scope", "officer_required", "scale"]);
    assert_eq!(v["in_scope"], true);
    assert_eq!(v["scale"], "medium");
    assert_eq!(v["director_required"], true);
    assert_eq!(v["officer_required"], true);
    assert!(v["basis"].as_array().unwrap().iter().all(Value::is_string));
    assert!(v["basis"][0].as_str().unwrap().contains("中型"));
}

#[test]
fn assess_applies_the_category_3_switch() {
    let small = ["--channel", "retail", "--employees", "3", "--revenue-yuan", "800000", "--products", "gb-safety"];
    let seed = assess_json(&small);
    assert_eq!((seed["in_scope"].as_bool(), seed["director_required"].as_bool()), (Some(true), Some(false)));
    let mut catalogue = small.to_vec();
    catalogue.extend(["--category3", "catalogue"]);
    let v = assess_json(&catalogue);
    assert_eq!((v["in_scope"].as_bool(), v["officer_required"].as_bool()), (Some(false), Some(false)));
    let none = assess_json(&["--channel", "retail", "--employees", "400", "--revenue-yuan", "0", "--products", "none"]);
    assert_eq!((none["in_scope"].as_bool(), none["scale"].as_str()), (Some(false), Some("large")));
}

#[test]
fn assess_without_json_prints_a_chinese_summary() {
    let o = zhian(&[
        "assess",
        "--channel",
        "retail",
        "--employees",
        "300",
        "--revenue-yuan",
        "0",
        "--products",
        "licence,gb-safety",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("适用《规定》：是") && out.contains("大型零售") && out.contains("质量安全总监：须配备"),
        "{out}"
    );
}

#[test]
fn assess_refuses_bad_values_naming_them() {
    let base = ["assess", "--channel", "retail", "--employees", "5", "--revenue-yuan", "100", "--products", "ccc"];
    let with = |i: usize, v: &'static str| {
        let mut a = base.to_vec();
        a[i] = v;
        a
    };
    assert_bad_input(&with(4, "-5"), "\"-5\"");
    assert_bad_input(&with(4, "abc"), "\"abc\"");
    assert_bad_input(&with(4, "5.5"), "--employees");
    assert_bad_input(&with(6, "-1"), "--revenue-yuan");
    assert_bad_input(&with(6, "1e9"), "\"1e9\"");
    assert_bad_input(&with(6, "99999999999999999999999"), "数值过大");
    assert_bad_input(&with(2, "online"), "\"online\"");
    assert_bad_input(&with(8, "food"), "\"food\"");
    assert_bad_input(&with(8, "ccc,"), "\"\"");
    assert_bad_input(&with(8, "none,ccc"), "\"none\"");
    assert_bad_input(&with(8, ""), "--products");
    assert_bad_input(&["assess", "--channel", "retail", "--employees", "5", "--products", "ccc"], "--revenue-yuan");
    let mut policy = base.to_vec();
    policy.extend(["--category3", "strict"]);
    assert_bad_input(&policy, "\"strict\"");
}

#[test]
fn cadence_check_exits_0_1_2() {
    let check = |tier: &str, every: &str| zhian(&["cadence", "check", "--tier", tier, "--every", every]);
    for (tier, every) in [
        ("daily", "1d"),
        ("daily", "shift:3"),
        ("weekly", "2d"),
        ("weekly", "7d"),
        ("monthly", "2w"),
        ("monthly", "28d"),
        ("monthly", "1m"),
    ] {
        let o = check(tier, every);
        assert_eq!(o.status.code(), Some(0), "{tier} {every}");
        assert!(stdout(&o).starts_with("有效"), "{}", stdout(&o));
    }
    for (tier, every) in [
        ("daily", "2d"),
        ("weekly", "8d"),
        ("weekly", "2w"),
        ("weekly", "1m"),
        ("monthly", "29d"),
        ("monthly", "5w"),
        ("monthly", "2m"),
    ] {
        let o = check(tier, every);
        assert_eq!(o.status.code(), Some(1), "{tier} {every}");
        assert!(stdout(&o).starts_with("无效"), "{}", stdout(&o));
    }
    for bad in ["2x", "0d", "-1d", "shift:25", "shift:0", "d", "1.5w"] {
        assert_bad_input(&["cadence", "check", "--tier", "weekly", "--every", bad], &format!("\"{bad}\""));
    }
    assert_bad_input(&["cadence", "check", "--tier", "hourly", "--every", "1d"], "\"hourly\"");
}

#[test]
fn id_check_recognises_and_checks() {
    let o = zhian(&["id", "check", "9144030071526726XG"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("统一社会信用代码"));
    let o = zhian(&["id", "check", "11010519491231002X"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("公民身份号码 110105********002X"), "masked: {}", stdout(&o));
    assert!(!stdout(&o).contains("19491231"), "the date of birth is not shown");
    let o = zhian(&["id", "check", "9144030071526726XA"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("校验位") && stdout(&o).contains("“G”"), "{}", stdout(&o));
    let o = zhian(&["id", "check", "110105194912310021"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("公民身份号码") && stdout(&o).contains("“X”"), "{}", stdout(&o));
    assert_bad_input(&["id", "check", "12345"], "\"12345\"");
    assert_bad_input(&["id", "check", "-5"], "\"-5\"");
}

const FEBRUARY: &str = include_str!("../../../examples/february.json");

#[test]
fn obligations_json_has_every_slot_and_the_summary() {
    let path = scenario("feb", FEBRUARY);
    let o = zhian(&["obligations", "--scenario", path.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let slots = v["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 28 + 5 + 1);
    let first = &slots[0];
    let keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["period", "status", "tier", "window_end", "window_start"]);
    assert_eq!(first["window_start"], "2026-02-01T00:00:00+08:00");
    assert_eq!(first["window_end"], "2026-02-02T00:00:00+08:00");
    assert_eq!(first["status"], "excused", "a closed Sunday");
    let daily = &v["summary"]["daily"];
    assert_eq!(
        [&daily["done"], &daily["late"], &daily["missing"], &daily["excused"], &daily["due"], &daily["upcoming"]],
        [1, 1, 15, 11, 0, 0]
    );
    assert_eq!(v["summary"]["weekly"]["done"], 1);
    assert_eq!(v["summary"]["weekly"]["missing"], 4);
    assert_eq!(v["summary"]["monthly"]["done"], 1);
    let text = zhian(&["obligations", "--scenario", path.to_str().unwrap()]);
    assert!(stdout(&text).contains("缺失（19）"), "{}", stdout(&text));
}

#[test]
fn obligations_refuses_bad_scenarios_naming_the_value() {
    let cases: [(&str, &str); 14] = [
        (r#"{"from":"2026-02-30","to":"2026-03-01","as_of":"2026-03-02T10:00:00+08:00"}"#, "\"2026-02-30\""),
        (r#"{"from":"2026-03-01","to":"2026-02-01","as_of":"2026-03-02T10:00:00+08:00"}"#, "晚于"),
        (r#"{"from":"2026-02-01","to":"2026-02-01","as_of":"2026-03-02 10:00"}"#, "\"2026-03-02 10:00\""),
        (
            r#"{"from":"2026-02-01","to":"2026-02-01","as_of":"2026-03-02T10:00:00+08:00","closed_weekdays":["sunday"]}"#,
            "\"sunday\"",
        ),
        (
            r#"{"from":"2026-02-01","to":"2026-02-01","as_of":"2026-03-02T10:00:00+08:00","cadences":{"weekly":"2x"}}"#,
            "\"2x\"",
        ),
        (
            r#"{"from":"2026-02-01","to":"2026-02-01","as_of":"2026-03-02T10:00:00+08:00","cadences":{"weekly":"2w"}}"#,
            "cadences.weekly",
        ),
        (
            r#"{"from":"2026-02-01","to":"2026-02-01","as_of":"2026-03-02T10:00:00+08:00","cadences":{"hourly":"1d"}}"#,
            "\"hourly\"",
        ),
        (
            r#"{"from":"2026-02-01","to":"2026-02-01","as_of":"2026-03-02T10:00:00+08:00","records":[{"tier":"yearly","period":"2026","submitted_at":"2026-02-01T10:00:00+08:00"}]}"#,
            "\"yearly\"",
        ),
        (
            r#"{"from":"2026-02-01","to":"2026-02-01","as_of":"2026-03-02T10:00:00+08:00","records":[{"tier":"weekly","period":"2025-W53","submitted_at":"2026-02-01T10:00:00+08:00"}]}"#,
            "\"2025-W53\"",
        ),
        (
            r#"{"from":"2026-02-01","to":"2026-02-01","as_of":"2026-03-02T10:00:00+08:00","records":[{"tier":"daily","period":"2026-02-01","submitted_at":"soon"}]}"#,
            "records[0].submitted_at",
        ),
        (
            r#"{"from":"2026-02-01","to":"2026-02-01","as_of":"2026-03-02T10:00:00+08:00","suspensions":[{"from":"2026-02-05","to":"2026-02-01"}]}"#,
            "suspensions[0]",
        ),
        (r#"{"from":"2026-02-01","to":"2026-02-01","as_of":"2026-03-02T10:00:00+08:00","record":[]}"#, "record"),
        (r#"{"from":"2026-02-01","to":"2026-02-01""#, "JSON"),
        (r#"{"from":"2000-01-01","to":"2026-02-01","as_of":"2026-03-02T10:00:00+08:00"}"#, "上限"),
    ];
    for (i, (json, needle)) in cases.iter().enumerate() {
        let path = scenario(&format!("bad{i}"), json);
        assert_bad_input(&["obligations", "--scenario", path.to_str().unwrap()], needle);
    }
    assert_bad_input(&["obligations", "--scenario", "/nonexistent/zhian.json"], "/nonexistent/zhian.json");
}

#[test]
fn usage_errors_are_one_line_with_status_2_and_help_is_status_0() {
    assert_bad_input(&[], "缺少子命令");
    assert_bad_input(&["bogus"], "bogus");
    assert_bad_input(&["assess", "--nope"], "--nope");
    let help = zhian(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("obligations"));
}
