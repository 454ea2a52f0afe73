//! The regulator's dashboard at scale. Generates a city of N units spread over Shenzhen's districts, a tenth of them
//! staffed, with a year of daily, weekly and monthly records (about 85 % on time, 7 % late, the rest missing), then
//! times the city's dashboard for that year over several runs, and the first page of one district, and prints their
//! figures and the generation's cost. Given a database that already holds the city, it only times.
//! Usage: cargo run --release -p zhian-web --example dashboard_bench [UNITS] [RUNS] [postgres://… | sqlite://…]

#![allow(clippy::print_stdout, missing_docs)]

use std::sync::Arc;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use zhian_domain::access::Post;
use zhian_domain::forms::{AppointmentInfo, PersonInfo, TrainingInfo, UnitInfo};
use zhian_domain::ident::{CreditCode, DivisionCode};
use zhian_domain::scope::{Category3Policy, Channel};
use zhian_domain::staffing::{Employment, check_appointment};
use zhian_domain::time::{Clock, FixedClock};
use zhian_store::models::{NewUser, ProductRef};
use zhian_store::{Sealer, Store};
use zhian_web::{AppState, Settings};

const DISTRICTS: [&str; 9] = ["440303", "440304", "440305", "440306", "440307", "440308", "440309", "440310", "440311"];

fn credit_code(base: &str) -> CreditCode {
    "0123456789ABCDEFGHJKLMNPQRTUWXY".chars().find_map(|c| CreditCode::parse(&format!("{base}{c}")).ok()).unwrap()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let units: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10_000);
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let url = args.next().unwrap_or_else(|| {
        let dir = std::env::temp_dir().join(format!("zhian-dashboard-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        format!("sqlite://{}?mode=rwc", dir.join("zhian.db").display())
    });
    let now = Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap();
    let clock = Arc::new(FixedClock::new(now - chrono::Duration::days(366)));
    let entropy = Arc::new(zhian_domain::entropy::Seeded::new(7));
    let store = Store::open(&url, Sealer::new(&[7; 32], entropy.clone()), clock.now()).await.unwrap();
    let key = {
        use rand_chacha::rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
        zhian_ledger::keys::SignerKey::generate(zhian_ledger::keys::SigAlg::Sm2, "zhian.bench/log", &mut rng).unwrap()
    };
    let state = AppState::new(store.clone(), clock.clone(), entropy, key, Settings::default()).unwrap();
    let city = DivisionCode::parse("440300").unwrap();
    if store.units_in_scope(city).await.unwrap().is_empty() {
        generate(&state, &store, &clock, units).await;
    } else {
        println!("timing the city already in {url}");
    }
    clock.set(now);
    time(&state, city, now, runs).await;
}

/// Registers `units` units, a tenth of them staffed, and generates a year of their records.
async fn generate(state: &AppState, store: &Store, clock: &FixedClock, units: usize) {
    let now = clock.now() + chrono::Duration::days(366);
    let new = NewUser {
        username: "registrar",
        display_name: "登记",
        password_hash: "-",
        is_admin: false,
        must_change_password: false,
    };
    let by = store.create_user(&new, clock.now()).await.unwrap();
    let started = Instant::now();
    let list: Vec<_> = (0..units)
        .map(|i| {
            let district = DISTRICTS[i % DISTRICTS.len()];
            let info = UnitInfo {
                name: format!("生成单位{i:06}"),
                credit_code: credit_code(&format!("92{district}MA{i:07}")),
                address: "生成地址".into(),
                division: DivisionCode::parse(district).unwrap(),
                channel: if i % 5 == 0 { Channel::Wholesale } else { Channel::Retail },
                employees: (i % 80) as u64,
                revenue_yuan: 2_000_000,
            };
            let product = ProductRef {
                category_code: "ccc-10".into(),
                catalogue: "ccc".into(),
                catalogue_version: "2023".into(),
            };
            let duties = zhian_web::duties_of(state, &info, std::slice::from_ref(&product), Category3Policy::Seed);
            (info, vec![product], duties)
        })
        .collect();
    let mut ids = Vec::with_capacity(units);
    for chunk in list.chunks(5_000) {
        ids.extend(store.import_registry(chunk, by, clock.now()).await.unwrap().0);
    }
    let from = clock.now().date_naive() + chrono::Duration::days(1);
    for &unit in ids.iter().step_by(10) {
        for post in [Post::Director, Post::Officer] {
            let info = PersonInfo { name: post.label().into(), id_number: None, phone: String::new() };
            let person = store.add_person(unit, &info, clock.now()).await.unwrap();
            let t = TrainingInfo {
                person_id: person,
                date: clock.now().date_naive(),
                content: "法规".into(),
                tenth_hours: 20,
                score: Some(90),
                passed: true,
            };
            store.add_training(unit, &t, by, clock.now()).await.unwrap();
            let a = AppointmentInfo {
                person_id: person,
                post,
                employment: Employment::PartTime,
                from,
                reason: "任命".into(),
            };
            let rule =
                |name: &str, x: &[_], t: &[_]| check_appointment(name, post, from, x, t).map_err(|e| e.to_string());
            store.appoint(unit, &a, by, &rule, clock.now()).await.unwrap();
        }
    }
    let registered = started.elapsed();
    clock.set(now);
    let started = Instant::now();
    let year_from = (now - chrono::Duration::days(365)).date_naive();
    let mut records = 0;
    for chunk in ids.chunks(2_000) {
        records += zhian_web::demo::generate_history(state, chunk, year_from, now.date_naive(), 11, by).await.unwrap();
    }
    let generated = started.elapsed();
    println!(
        "{units} units registered ({} staffed) in {:.1} s; {records} records of a year generated in {:.1} s",
        ids.len().div_ceil(10),
        registered.as_secs_f64(),
        generated.as_secs_f64()
    );
}

/// Times the city's dashboard for the year, then one page of its largest district.
async fn time(state: &AppState, city: DivisionCode, now: chrono::DateTime<Utc>, runs: usize) {
    let to = now.date_naive();
    let from = to - chrono::Duration::days(364);
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let d = zhian_web::oversight::jurisdiction_dashboard(state, city, from, to, None).await.unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(d);
    }
    times.sort_by(f64::total_cmp);
    let d = last.unwrap();
    println!(
        "dashboard of {} over {} to {}: median {:.0} ms, fastest {:.0} ms, slowest {:.0} ms ({runs} runs)",
        d.name,
        d.from,
        d.to,
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
    println!(
        "  units {}, staffed {}, daily {}/{}/{} (on time/late/missing), weekly {}/{}/{}, monthly {}/{}/{}, {} rows",
        d.total.units,
        d.total.staffed,
        d.total.daily.done,
        d.total.daily.late,
        d.total.daily.missing,
        d.total.weekly.done,
        d.total.weekly.late,
        d.total.weekly.missing,
        d.total.monthly.done,
        d.total.monthly.late,
        d.total.monthly.missing,
        d.rows.len()
    );
    let district = DivisionCode::parse(DISTRICTS[0]).unwrap();
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let d = zhian_web::oversight::jurisdiction_dashboard(state, district, from, to, Some(1)).await.unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(d);
    }
    times.sort_by(f64::total_cmp);
    let d = last.unwrap();
    println!(
        "{} ({} units in scope), first page of {} units: median {:.0} ms, fastest {:.0} ms, slowest {:.0} ms",
        d.name,
        d.total.units,
        d.rows.len(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
