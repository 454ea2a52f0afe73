//! A unit's month archive against the route a user would otherwise take. A shop gets a month of records — a daily
//! check (20 items) every day, five weekly investigations, one set of monthly minutes — then the month's archive is
//! made (every document as PDF, the lists also as XLSX, every record's bundle, the checkpoint, the logged manifest),
//! timed over several runs; then the same month's records as DOCX are converted to PDF by LibreOffice headless.
//! Usage: cargo run --release -p zhian-web --example archive_bench [RUNS]

#![allow(clippy::print_stdout, missing_docs)]

use std::sync::Arc;
use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::json;
use zhian_docs::DocKind;
use zhian_domain::time::{Clock, FixedClock};
use zhian_store::{Sealer, Store};
use zhian_web::{AppState, Settings};

fn at(day: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    // Beijing time, as the shop works.
    Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).unwrap()) - chrono::Duration::hours(8)
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let dir = std::env::temp_dir().join(format!("zhian-archive-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("zhian.db").display());
    let first = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    let clock = Arc::new(FixedClock::new(at(NaiveDate::from_ymd_opt(2026, 2, 20).unwrap(), 9)));
    let entropy = Arc::new(zhian_domain::entropy::Seeded::new(7));
    let store = Store::open(&url, Sealer::new(&[7; 32], entropy.clone()), clock.now()).await.unwrap();
    let key = {
        use rand_chacha::rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
        zhian_ledger::keys::SignerKey::generate(zhian_ledger::keys::SigAlg::Sm2, "zhian.bench/log", &mut rng).unwrap()
    };
    let state = AppState::new(store.clone(), clock.clone(), entropy, key, Settings::default()).unwrap();
    zhian_web::demo::load(&state).await.unwrap();
    let user = |name: &'static str| {
        let store = store.clone();
        async move { store.user_by_username(name).await.unwrap().unwrap().id }
    };
    let (officer, director, principal) =
        (user("market.officer").await, user("market.director").await, user("market.principal").await);
    let unit = store.units_named(&[1, 2, 3]).await.unwrap().into_iter().find(|(_, n)| n.contains("超市")).unwrap().0;

    let items: Vec<_> = (1..=20)
        .map(|i| json!({"risk_point": format!("风险点{i}"), "item": format!("第{i}项：进货查验、标识与合格证明"), "result": "conforming", "note": ""}))
        .collect();
    let mut day = first;
    while day <= last {
        clock.set(at(day, 18));
        let form: zhian_domain::duty::DailyCheckForm =
            serde_json::from_value(json!({"period": day.to_string(), "items": items})).unwrap();
        store.submit_daily_check(unit, &form, Vec::new(), officer, clock.now()).await.unwrap();
        day = day.succ_opt().unwrap();
    }
    let cadences = store.unit_settings(unit).await.unwrap().cadences;
    for week in 9..=13 {
        let monday = NaiveDate::from_isoywd_opt(2026, week, chrono::Weekday::Mon).unwrap();
        clock.set(at(monday + chrono::Duration::days(6), 19));
        let form: zhian_domain::duty::WeeklyReviewForm = serde_json::from_value(json!({
            "period": format!("2026-W{week:02}"), "analysis": "本周日管控按时完成，未发现风险隐患。", "conclusions": "继续按清单检查。"
        }))
        .unwrap();
        let info = form.check(cadences.get(zhian_domain::Tier::Weekly)).unwrap();
        store.submit_weekly_review(unit, &info, "本周汇总", director, clock.now()).await.unwrap();
    }
    clock.set(at(last, 20));
    let minutes: zhian_domain::dispatch::MonthlyMeetingForm = serde_json::from_value(json!({
        "period": "2026-03", "held_at": "2026-03-31T16:00", "place": "店长办公室", "host": "店长", "recorder": "质量安全总监",
        "attendees": "店长、质量安全总监、质量安全员", "report": "三月日管控 31 次，周排查 5 次，未发现风险隐患。",
        "summary": "整体平稳", "decisions": "四月开展一次复训",
        "tasks": [{"work": "组织一次复训", "owner": "质量安全总监", "due": "2026-04-20"}],
    }))
    .unwrap();
    let info = minutes.check(cadences.get(zhian_domain::Tier::Monthly), clock.now()).unwrap();
    store.submit_monthly_meeting(unit, &info, "三月汇总", principal, clock.now()).await.unwrap();
    clock.set(at(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(), 9));

    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let zip = zhian_web::period_archive(&state, unit, first, last, principal, &|_, _| {}).await.unwrap();
        times.push(started.elapsed().as_secs_f64());
        size = zip.len();
        let report = zhian_docs::archive::verify(&zip).unwrap();
        assert!(report.findings.is_empty(), "{:?}", report.findings);
    }
    let first_run = times[0];
    let mut steady = times[1..].to_vec();
    steady.sort_by(f64::total_cmp);
    let median = steady.get(steady.len() / 2).copied().unwrap_or(first_run);
    println!(
        "month archive (31 daily records, 5 weekly reports, 1 set of minutes, the lists; PDF + XLSX + bundles): {size} bytes; \
         first run (fonts loaded) {first_run:.2} s, then median {median:.2} s over {} runs",
        steady.len()
    );

    // The other route: the same month's records as DOCX, converted by LibreOffice.
    let docx_dir = dir.join("docx");
    std::fs::create_dir_all(&docx_dir).unwrap();
    let mut files = Vec::new();
    for c in store.daily_checks(unit, 100).await.unwrap().into_iter().filter(|c| c.period.starts_with("2026-03")) {
        files.push(zhian_web::document(&state, unit, DocKind::DailyRecord, Some(c.id)).await.unwrap());
    }
    for r in store.weekly_reviews(unit).await.unwrap() {
        files.push(zhian_web::document(&state, unit, DocKind::WeeklyReport, Some(r.id)).await.unwrap());
    }
    for m in store.monthly_meetings(unit).await.unwrap() {
        files.push(zhian_web::document(&state, unit, DocKind::MonthlyMinutes, Some(m.id)).await.unwrap());
    }
    for (i, doc) in files.iter().enumerate() {
        std::fs::write(docx_dir.join(format!("{i:03}.docx")), zhian_docs::docx::docx(doc).unwrap()).unwrap();
    }
    let paths: Vec<_> = (0..files.len()).map(|i| docx_dir.join(format!("{i:03}.docx"))).collect();
    let started = Instant::now();
    let status = std::process::Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.join("lo"))
        .args(&paths)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    let lo = started.elapsed().as_secs_f64();
    match status {
        Ok(s) if s.success() => println!(
            "LibreOffice headless, the same month's {} DOCX records to PDF: {lo:.2} s; zhian's whole archive is {:.1}× faster",
            files.len(),
            lo / median
        ),
        _ => println!("LibreOffice (soffice) not available: apt-get install libreoffice-writer-nogui"),
    }
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
