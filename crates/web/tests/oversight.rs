//! The regulator's dashboard against the rules engine: for a generated city of 500 units in three counties with a
//! year of records, staffing, hazards and vetoes — some registered during the year, some closed on a weekday, and
//! after their records some suspended, some changing closed days or cadence, some changing scope or county — every
//! figure of the dashboard, for the city and for each county, equals the sum of each unit evaluated on its own
//! through the unit's own pages' code (its obligation calendar, its overview, its counts); and the tallies kept as
//! things changed equal tallies rebuilt from the records. Then the page, its drill-down, its workbook and the
//! jurisdiction check.

use crate::common::{TestApp, credit_code};
use axum::http::StatusCode;
use zhian_domain::access::Post;
use zhian_domain::forms::{AppointmentInfo, PersonInfo, TrainingInfo, UnitInfo};
use zhian_domain::ident::DivisionCode;
use zhian_domain::scope::{Category3Policy, Channel};
use zhian_domain::staffing::{Employment, check_appointment};
use zhian_domain::{SlotStatus, Tier};
use zhian_store::models::{Duties, ProductRef};
use zhian_web::oversight::{Figures, Tally, jurisdiction_dashboard};

const COUNTIES: [&str; 3] = ["440303", "440304", "440305"];

/// The city: 500 units, 440 registered a year before "now" and 60 a hundred days before, a third staffed, a year of
/// generated records, a few hazards and vetoes, and the changes of the module's header. Returns the units' ids.
async fn city(app: &TestApp) -> Vec<i64> {
    let now = app.clock_now();
    app.clock.set(now - chrono::Duration::days(366));
    let registrar = app.user("registrar", false).await;
    let units: Vec<(UnitInfo, Vec<ProductRef>, Duties)> = (0..500)
        .map(|i| {
            let county = COUNTIES[i % 3];
            let info = UnitInfo {
                name: format!("第{i:03}号商行"),
                credit_code: zhian_domain::ident::CreditCode::parse(&credit_code(&format!("92{county}MA5{i:06}")))
                    .unwrap(),
                address: "某路".into(),
                division: DivisionCode::parse(county).unwrap(),
                channel: if i % 5 == 0 { Channel::Wholesale } else { Channel::Retail },
                employees: (i % 60) as u64,
                revenue_yuan: 1_000_000,
            };
            let category = if i % 4 == 0 { "gb-safety-03" } else { "ccc-10" };
            let catalogue = category.rsplit_once('-').unwrap().0.to_owned();
            let products =
                vec![ProductRef { category_code: category.into(), catalogue, catalogue_version: "2023".into() }];
            let duties = zhian_web::duties_of(&app.state, &info, &products, Category3Policy::Seed);
            (info, products, duties)
        })
        .collect();
    let store = &app.state.store;
    let (mut ids, _) = store.import_registry(&units[..440], registrar, app.clock_now()).await.unwrap();
    for &unit in ids.iter().skip(1).step_by(7) {
        let mut settings = store.unit_settings(unit).await.unwrap();
        settings.closed = settings.closed.with(chrono::Weekday::Sun);
        store.set_unit_settings(unit, &settings, app.clock_now()).await.unwrap();
    }
    app.clock.set(now - chrono::Duration::days(100));
    ids.extend(store.import_registry(&units[440..], registrar, app.clock_now()).await.unwrap().0);
    app.clock.set(now - chrono::Duration::days(366));
    for (k, &unit) in ids.iter().enumerate().filter(|(k, _)| k % 3 == 0) {
        for (n, post) in [Post::Officer, Post::Director].into_iter().enumerate().take(if k % 2 == 0 { 2 } else { 1 }) {
            let person = store
                .add_person(
                    unit,
                    &PersonInfo { name: format!("员工{k}-{n}"), id_number: None, phone: String::new() },
                    app.clock_now(),
                )
                .await
                .unwrap();
            let training = TrainingInfo {
                person_id: person,
                date: app.clock_now().date_naive(),
                content: "法规".into(),
                tenth_hours: 20,
                score: Some(90),
                passed: true,
            };
            store.add_training(unit, &training, registrar, app.clock_now()).await.unwrap();
            let from = app.clock_now().date_naive() + chrono::Duration::days(1);
            let a = AppointmentInfo {
                person_id: person,
                post,
                employment: Employment::PartTime,
                from,
                reason: "任命".into(),
            };
            let rule =
                |name: &str, x: &[_], t: &[_]| check_appointment(name, post, from, x, t).map_err(|e| e.to_string());
            store.appoint(unit, &a, registrar, &rule, app.clock_now()).await.unwrap();
        }
    }
    app.clock.set(now);
    let from = (now - chrono::Duration::days(365)).date_naive();
    zhian_web::demo::generate_history(&app.state, &ids, from, now.date_naive(), 7, registrar).await.unwrap();
    changes_after_the_records(app, &ids, &units).await;
    for &unit in ids.iter().step_by(23) {
        store
            .raise_hazard(unit, "头盔无3C标志", "货架上两顶头盔无3C标志", registrar, now - chrono::Duration::days(2))
            .await
            .unwrap();
    }
    for &unit in ids.iter().step_by(37) {
        let form =
            zhian_domain::veto::VetoForm {
                product: "电池".into(), defect: "鼓包".into(), proposal: "停售".into()
            };
        store.propose_veto(unit, &form.check().unwrap(), registrar, now - chrono::Duration::days(3)).await.unwrap();
    }
    ids
}

/// Changes that move records already tallied: closed days, a suspension, a new cadence, a new scope, a new county.
async fn changes_after_the_records(app: &TestApp, ids: &[i64], units: &[(UnitInfo, Vec<ProductRef>, Duties)]) {
    let store = &app.state.store;
    let now = app.clock_now();
    let by = app.user("changes", false).await;
    for &unit in ids.iter().skip(2).step_by(11) {
        let mut settings = store.unit_settings(unit).await.unwrap();
        settings.closed = settings.closed.with(chrono::Weekday::Sat);
        store.set_unit_settings(unit, &settings, now).await.unwrap();
    }
    for &unit in ids.iter().skip(3).step_by(13) {
        let range = zhian_domain::DateRange::new(
            (now - chrono::Duration::days(200)).date_naive(),
            (now - chrono::Duration::days(170)).date_naive(),
        )
        .unwrap();
        store.add_suspension(unit, range, "装修", by, now).await.unwrap();
    }
    for &unit in ids.iter().skip(4).step_by(17) {
        let mut settings = store.unit_settings(unit).await.unwrap();
        settings.cadences.daily = "shift:2".parse().unwrap();
        store.set_unit_settings(unit, &settings, now).await.unwrap();
    }
    for (k, &unit) in ids.iter().enumerate().skip(5).step_by(19) {
        let (mut info, _, _) = units[k].clone();
        // Out of scope with no products for one, into another county for the next.
        let products = if k % 2 == 0 {
            Vec::new()
        } else {
            info.division = DivisionCode::parse(COUNTIES[(k + 1) % 3]).unwrap();
            units[k].1.clone()
        };
        let duties = zhian_web::duties_of(&app.state, &info, &products, Category3Policy::Seed);
        store.update_unit(unit, &info, &products, Category3Policy::Seed, duties, now).await.unwrap();
    }
}

trait Clock {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc>;
}

impl Clock for TestApp {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use zhian_domain::time::Clock as _;
        self.clock.now()
    }
}

/// One unit evaluated on its own, as its own pages do.
async fn by_itself(app: &TestApp, unit: i64, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Figures {
    let overview = zhian_web::overview(&app.state, unit).await.unwrap();
    if !overview.assessment.in_scope {
        return Figures::default();
    }
    let today = app.clock_now().date_naive();
    let calendar = zhian_web::unit_calendar(&app.state, unit, from, to, &[Tier::Daily, Tier::Weekly, Tier::Monthly])
        .await
        .unwrap();
    let tally = |tier| Tally {
        done: calendar.summary.count(tier, SlotStatus::Done),
        late: calendar.summary.count(tier, SlotStatus::Late),
        missing: calendar.summary.count(tier, SlotStatus::Missing),
    };
    let escalate = app.clock_now() - chrono::Duration::hours(app.state.settings.veto_escalation_hours);
    let counts = app.state.store.dashboard_counts(unit, today, escalate).await.unwrap();
    let staffed = overview.staffing.is_staffed();
    Figures {
        units: 1,
        staffed: u32::from(staffed),
        // Every appointment here follows a passed assessment (the gate), so staffed units are assessed.
        assessed: u32::from(staffed && counts.passed_assessment),
        daily: tally(Tier::Daily),
        weekly: tally(Tier::Weekly),
        monthly: tally(Tier::Monthly),
        open_hazards: counts.open_hazards,
        overdue_hazards: counts.overdue_hazards,
        vetoes_waiting: counts.vetoes_waiting,
        vetoes_escalated: counts.vetoes_escalated,
    }
}

fn add(a: &mut Figures, b: &Figures) {
    a.units += b.units;
    a.staffed += b.staffed;
    a.assessed += b.assessed;
    for (x, y) in [(&mut a.daily, b.daily), (&mut a.weekly, b.weekly), (&mut a.monthly, b.monthly)] {
        x.done += y.done;
        x.late += y.late;
        x.missing += y.missing;
    }
    a.open_hazards += b.open_hazards;
    a.overdue_hazards += b.overdue_hazards;
    a.vetoes_waiting += b.vetoes_waiting;
    a.vetoes_escalated += b.vetoes_escalated;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_equals_the_rules_engine_unit_by_unit_for_a_city_of_500_units_over_a_year() {
    let app = TestApp::new().await;
    let ids = city(&app).await;
    let to = app.clock_now().date_naive();
    let from = to - chrono::Duration::days(364);
    let d = jurisdiction_dashboard(&app.state, DivisionCode::parse("440300").unwrap(), from, to, None).await.unwrap();
    let mut expected = Figures::default();
    let mut per_county = [Figures::default(); 3];
    for &unit in &ids {
        let f = by_itself(&app, unit, from, to).await;
        add(&mut expected, &f);
        let division = app.state.store.unit(unit).await.unwrap().unwrap().division.to_string();
        add(&mut per_county[COUNTIES.iter().position(|c| *c == division).unwrap()], &f);
    }
    assert_eq!(d.total, expected);
    assert!(expected.units >= 370 && expected.daily.done > 100_000, "a real year: {expected:?}");
    assert!(
        expected.daily.late > 0
            && expected.daily.missing > 0
            && expected.weekly.late > 0
            && expected.monthly.missing > 0
    );
    assert!(expected.staffed > 0 && expected.staffed < expected.units && expected.vetoes_escalated > 0);
    assert!(expected.open_hazards > 0);
    for (county, want) in COUNTIES.iter().zip(per_county) {
        let row = d.rows.iter().find(|r| r.code == *county).unwrap_or_else(|| panic!("{county} in {:?}", d.rows));
        assert_eq!(row.figures, want, "{county}");
        // The county itself: its whole from the sums, its units one by one, all of them or a page.
        let code = DivisionCode::parse(county).unwrap();
        let all = jurisdiction_dashboard(&app.state, code, from, to, None).await.unwrap();
        assert_eq!(all.total, want, "{county}");
        let mut units = Figures::default();
        for r in &all.rows {
            add(&mut units, &r.figures);
        }
        assert_eq!(units, want, "{county}: its units add up to it");
        let second = jurisdiction_dashboard(&app.state, code, from, to, Some(2)).await.unwrap();
        let paging = second.paging.unwrap();
        assert_eq!((paging.page, paging.pages, paging.units), (2, 2, want.units as usize));
        assert_eq!(second.rows.len(), want.units as usize - 100);
        assert_eq!(second.rows[0].code, all.rows[100].code);
    }
    assert_eq!(d.rows.iter().map(|r| r.figures.units).sum::<u32>(), d.total.units);
    // The tallies kept change by change are the tallies rebuilt from the records.
    app.state.store.rebuild_tallies(app.clock_now()).await.unwrap();
    let rebuilt =
        jurisdiction_dashboard(&app.state, DivisionCode::parse("440300").unwrap(), from, to, None).await.unwrap();
    assert_eq!(rebuilt.total, d.total);
    // A database from before duties and tallies were kept: the start reassesses every unit and builds the tallies.
    sqlx::any::install_default_drivers();
    let db = format!("sqlite://{}", app.database_file().display());
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&db).await.unwrap();
    let older = "delete from slot_tallies; \
                 update units set in_scope = null, director_required = null, officer_required = null";
    sqlx::raw_sql(older).execute(&mut conn).await.unwrap();
    assert_eq!(zhian_web::refresh_duties(&app.state).await.unwrap(), 500);
    assert_eq!(zhian_web::refresh_duties(&app.state).await.unwrap(), 0, "nothing changed since");
    let upgraded = jurisdiction_dashboard(&app.state, DivisionCode::parse("440300").unwrap(), from, to, None).await;
    assert_eq!(upgraded.unwrap().total, d.total);
    // A quarter, a single day, and a range ending before the late registrations: still the rules, unit by unit.
    for (a, b) in [(to - chrono::Duration::days(90), to), (to, to), (from, to - chrono::Duration::days(120))] {
        let d = jurisdiction_dashboard(&app.state, DivisionCode::parse("440300").unwrap(), a, b, None).await.unwrap();
        let mut want = Figures::default();
        for &unit in &ids {
            add(&mut want, &by_itself(&app, unit, a, b).await);
        }
        assert_eq!(d.total, want, "{a} to {b}");
    }

    // The page, drilled down to a county and its units; the workbook; someone else's jurisdiction.
    let regulator = app.user("shenzhen", false).await;
    app.state
        .store
        .grant_jurisdiction(regulator, DivisionCode::parse("440300").unwrap(), app.clock_now())
        .await
        .unwrap();
    let me = app.login(regulator).await;
    let page = app.get(&format!("/regulator/dashboard?from={from}&to={to}"), Some(&me)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&format!("<dd id=\"total-units\">{}</dd>", expected.units)), "{}", page.body);
    assert!(page.body.contains("南山区") && page.body.contains("<svg"), "{}", page.body);
    let county = app.get(&format!("/regulator/dashboard?division=440305&from={from}&to={to}"), Some(&me)).await;
    assert!(county.body.contains("深圳市") && county.body.contains("第002号商行") && county.body.contains("/units/"));
    assert!(county.body.contains("第 1 / 2 页") && county.body.contains("page=2"), "{}", county.body);
    let xlsx = app.get(&format!("/regulator/dashboard.xlsx?division=440300&from={from}&to={to}"), Some(&me)).await;
    let sheets = zhian_docs::sheet::read_xlsx(&xlsx.bytes).unwrap();
    assert_eq!(sheets[0].rows[1][2], expected.units.to_string());
    assert_eq!(sheets[0].rows[1][5], expected.daily.done.to_string());
    let elsewhere = app.get("/regulator/dashboard?division=110105", Some(&me)).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND, "outside the jurisdiction");
    let bad = app.get("/regulator/dashboard?division=440300&from=2026-13-01", Some(&me)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
