//! The store conformance suite, the regulator's side: the registry import, a spot check's plan, draw, results,
//! orders and reports on the log, and the facts the dashboard reads with generated activity — on SQLite and on
//! PostgreSQL (see `common`).

use crate::common::*;
use zhian_domain::Tier;
use zhian_domain::spotcheck::{Drawn, Sample, parse_list};
use zhian_store::spotchecks::{NewOrder, NewPlan};

conformance!(
    a_spot_check_is_written_step_by_step_once_and_logged,
    the_dashboard_facts_come_whole_from_a_jurisdiction,
    the_dashboard_sums_follow_records_settings_suspensions_and_scope,
);

fn registry_unit(code: &str, division: &str) -> (UnitInfo, Vec<ProductRef>, Duties) {
    (unit_info(code, division), ccc(), SCOPED)
}

async fn a_spot_check_is_written_step_by_step_once_and_logged(store: &Store, url: &str) {
    let regulator = user(store, "regulator").await;
    let founder = user(store, "founder").await;
    let staffed = unit(store, founder).await;
    let person = store
        .add_person(staffed, &PersonInfo { name: "王芳".into(), id_number: None, phone: String::new() }, now())
        .await
        .unwrap();
    let training = TrainingInfo {
        person_id: person,
        date: day("2026-02-20"),
        content: "法规".into(),
        tenth_hours: 20,
        score: Some(90),
        passed: true,
    };
    store.add_training(staffed, &training, founder, now()).await.unwrap();
    let a = AppointmentInfo {
        person_id: person,
        post: Post::Officer,
        employment: Employment::PartTime,
        from: day("2026-03-01"),
        reason: "任命".into(),
    };
    let rule = |n: &str, x: &[_], t: &[_]| {
        check_appointment(n, Post::Officer, day("2026-03-01"), x, t).map_err(|e| e.to_string())
    };
    store.appoint(staffed, &a, founder, &rule, now()).await.unwrap();
    let (created, known) = store
        .import_registry(
            &[registry_unit("914403001922038216", "440305"), registry_unit("9144030071526726XG", "440305")],
            regulator,
            now(),
        )
        .await
        .unwrap();
    assert_eq!((created.len(), known.len()), (1, 1), "the unit already registered is left alone");
    let empty = created[0];
    let elsewhere =
        store.import_registry(&[registry_unit("91110000802100433B", "110105")], regulator, now()).await.unwrap().0[0];

    let division = DivisionCode::parse("440300").unwrap();
    let candidates = store.spot_candidates(division, &[], day("2026-03-02")).await.unwrap();
    assert_eq!(candidates.len(), 2, "the city's units only");
    let c = candidates.iter().find(|c| c.unit_id == staffed).unwrap();
    assert_eq!(c.people, vec![(person, Post::Officer)]);
    assert!(store.spot_candidates(division, &["licence-01".into()], day("2026-03-02")).await.unwrap().is_empty());
    assert_eq!(store.spot_candidates(division, &["ccc-16".into()], day("2026-03-02")).await.unwrap().len(), 2);

    let seed = [5u8; 32];
    let plan = NewPlan {
        title: "抽查",
        division,
        categories: &[],
        sample: Sample::Count(2),
        people_per_unit: 1,
        blueprint: "{}",
        rectify_days: 30,
        seed: &seed,
        day: day("2026-03-02"),
    };
    let id = store.create_plan(&plan, regulator, now()).await.unwrap();
    let p = store.plan(id).await.unwrap().unwrap();
    assert_eq!(parse_list(&p.candidates).unwrap().len(), 2);
    assert_eq!(p.commitment, zhian_domain::draw::hex(&zhian_domain::draw::commitment(&seed)));
    assert_eq!(store.plan_seed(id).await.unwrap(), seed, "the seed is sealed, not lost");
    assert!(p.seed.is_none());
    assert_eq!(
        store.plans_in(&[DivisionCode::parse("440305").unwrap()]).await.unwrap().len(),
        0,
        "a county sees no city plan"
    );
    assert_eq!(store.plans_in(&[DivisionCode::parse("440000").unwrap()]).await.unwrap().len(), 1);

    let drawn = vec![
        Drawn { unit_id: staffed, credit_code: "9144030071526726XG".into(), people: vec![person] },
        Drawn { unit_id: empty, credit_code: "914403001922038216".into(), people: vec![] },
    ];
    let version = store.import_bank(&[], true, "t", "", None, now()).await.unwrap().version;
    assert_eq!(version, None, "an empty import writes nothing");
    let q = zhian_domain::exam::QuestionText {
        id: "q-001".into(),
        kind: "true_false".into(),
        area: "law".into(),
        categories: vec![],
        difficulty: 1,
        stem: "题".into(),
        options: vec![],
        answer: "正确".into(),
        basis: "依据".into(),
        explanation: "解析文字足够长".into(),
    };
    let version =
        store.import_bank(&[q.check(&[]).unwrap()], true, "t", "", None, now()).await.unwrap().version.unwrap();
    let exam = store.create_exam(None, "抽查", "{}", version, regulator, now()).await.unwrap();
    assert!(store.record_draw(id, &seed, &drawn, exam, now()).await.unwrap());
    assert!(!store.record_draw(id, &[6; 32], &[], exam, now()).await.unwrap(), "drawn once");
    assert_eq!(store.plan(id).await.unwrap().unwrap().drawn, Some(drawn));

    let order = |unit_id, person_id| NewOrder {
        unit_id,
        person_id,
        attempt_id: None,
        reason: "不合格".into(),
        due: day("2026-04-01"),
    };
    assert!(
        store
            .publish_results(id, "[]", &[order(staffed, Some(person)), order(empty, None)], regulator, now())
            .await
            .unwrap()
    );
    assert!(!store.publish_results(id, "[1]", &[], regulator, now()).await.unwrap(), "published once");
    let orders = store.unit_orders(staffed).await.unwrap();
    assert_eq!((orders.len(), orders[0].person_name.as_deref()), (1, Some("王芳")));
    assert_eq!(store.plan_orders(id).await.unwrap().len(), 2);
    assert!(
        !store.report_rectification(orders[0].id, elsewhere, "replaced", "x", None, founder, now()).await.unwrap(),
        "another unit's order"
    );
    assert!(
        store
            .report_rectification(orders[0].id, staffed, "replaced", "已另行任命", None, founder, now())
            .await
            .unwrap()
    );
    assert!(
        !store.report_rectification(orders[0].id, staffed, "replaced", "再报", None, founder, now()).await.unwrap()
    );

    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url).await.unwrap();
    for sql in [
        format!("update spot_check_plans set seed = '00' where id = {id}"),
        format!("update spot_check_plans set candidates = 'x' where id = {id}"),
        format!("update rectification_orders set report_text = 'x' where plan_id = {id}"),
        format!("delete from spot_check_plans where id = {id}"),
    ] {
        assert!(sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone())).execute(&mut conn).await.is_err(), "{sql}");
    }
    let key = log_key();
    store.sign_checkpoint(&key, now()).await.unwrap();
    let audit = store.audit(&key.verifier()).await.unwrap();
    assert_eq!(audit.findings, vec![], "plan, draw, results, orders and the report verify");
    assert!(store.leaf_for("spot_check_draw", id).await.unwrap().unwrap().contains("spot_check_draw"));
}

async fn the_dashboard_facts_come_whole_from_a_jurisdiction(store: &Store, _url: &str) {
    let founder = user(store, "founder").await;
    let id = unit(store, founder).await;
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    let records = vec![
        (Tier::Daily, id, "2026-03-01".to_owned(), at("2026-03-01T10:00:00+08:00")),
        (Tier::Daily, id, "2026-03-02".to_owned(), at("2026-03-02T10:00:00+08:00")),
        (Tier::Weekly, id, "2026-W09".to_owned(), at("2026-03-01T12:00:00+08:00")),
        (Tier::Monthly, id, "2026-02".to_owned(), at("2026-03-01T12:00:00+08:00")),
    ];
    store.insert_generated(&records, founder, now()).await.unwrap();
    store.raise_hazard(id, "标题", "描述", founder, now()).await.unwrap();
    let facts = store
        .jurisdiction_facts(
            DivisionCode::parse("440300").unwrap(),
            at("2026-02-01T00:00:00+08:00"),
            day("2026-03-02"),
            now(),
            None,
        )
        .await
        .unwrap();
    assert_eq!(facts.len(), 1);
    let f = &facts[0];
    assert_eq!(
        (f.unit_id, f.products.clone(), f.open_hazards, f.overdue_hazards),
        (id, vec!["ccc-16".to_owned()], 1, 0)
    );
    assert_eq!(f.submissions.len(), 4);
    assert!(f.submissions.iter().any(|(t, p, _)| *t == Tier::Weekly && p == "2026-W09"));
    assert_eq!(f.tenures.len(), 1, "the founder's principal post");
    assert!(
        store
            .jurisdiction_facts(DivisionCode::parse("110000").unwrap(), now(), day("2026-03-02"), now(), None)
            .await
            .unwrap()
            .is_empty()
    );
    let checks = store.daily_checks(id, 10).await.unwrap();
    assert_eq!(checks.len(), 2);
    assert!(checks.iter().all(|c| c.note.contains("生成的演示数据")), "generated rows say so");
}

async fn the_dashboard_sums_follow_records_settings_suspensions_and_scope(store: &Store, _url: &str) {
    use zhian_domain::time::day_number;
    use zhian_store::oversight::{JurisdictionSums, TallySum};
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    let founder = user(store, "founder").await;
    let f = zhian_store::Founder { user_id: founder, name: "李强", from: day("2026-02-01") };
    let info = unit_info("9144030071526726XG", "440305");
    let id = store.create_unit(&info, &ccc(), SCOPED, &f, at("2026-02-01T09:00:00+08:00")).await.unwrap();
    let records = vec![
        (Tier::Daily, id, "2026-02-02".to_owned(), at("2026-02-02T10:00:00+08:00")),
        (Tier::Daily, id, "2026-02-03".to_owned(), at("2026-02-05T10:00:00+08:00")),
        (Tier::Daily, id, "2026-01-30".to_owned(), at("2026-02-02T10:00:00+08:00")),
        (Tier::Weekly, id, "2026-W06".to_owned(), at("2026-02-06T12:00:00+08:00")),
        (Tier::Monthly, id, "2026-02".to_owned(), at("2026-03-01T12:00:00+08:00")),
    ];
    store.insert_generated(&records, founder, now()).await.unwrap();
    // A second generated record for a period that has one is skipped.
    store.insert_generated(&records[..1], founder, now()).await.unwrap();
    assert_eq!(store.daily_checks(id, 10).await.unwrap().len(), 3);
    let period = (day_number(day("2026-02-01")), day_number(day("2026-02-28")));
    let sums = || async {
        let mut s = store
            .jurisdiction_sums(DivisionCode::parse("440300").unwrap(), period, day("2026-03-02"), now())
            .await
            .unwrap();
        s.tallies.sort_by_key(|(_, t)| (t.tier, t.excusable, t.closed));
        s
    };
    let tally =
        |tier, excusable, done, late| ("440305".to_owned(), TallySum { tier, excusable, closed: true, done, late });
    let s: JurisdictionSums = sums().await;
    // 30 January was before registration: not owed, not counted.
    assert_eq!(
        s.tallies,
        vec![tally(Tier::Daily, false, 1, 1), tally(Tier::Weekly, false, 1, 0), tally(Tier::Monthly, false, 0, 1)]
    );
    assert_eq!(s.staffing.len(), 1);
    let g = &s.staffing[0];
    assert_eq!((g.units, g.director, g.officer, g.assessed, g.duties), (1, false, false, true, SCOPED));
    assert_eq!(s.calendars.len(), 1);
    assert_eq!((s.calendars[0].units, s.calendars[0].registered), (1, period.0), "registered on the first day");

    // Closed on Tuesdays: 3 February, recorded late, would have been excused.
    let mut settings = store.unit_settings(id).await.unwrap();
    settings.closed = settings.closed.with(chrono::Weekday::Tue);
    store.set_unit_settings(id, &settings, now()).await.unwrap();
    assert_eq!(sums().await.tallies[..2], [tally(Tier::Daily, false, 1, 0), tally(Tier::Daily, true, 0, 1)]);
    // Suspended for the week of 2 February: the week and its days are excusable; the unit is a group of its own.
    let week = zhian_domain::DateRange::new(day("2026-02-02"), day("2026-02-08")).unwrap();
    store.add_suspension(id, week, "装修", founder, now()).await.unwrap();
    let s = sums().await;
    assert_eq!(
        s.tallies,
        vec![tally(Tier::Daily, true, 1, 1), tally(Tier::Weekly, true, 1, 0), tally(Tier::Monthly, false, 0, 1)]
    );
    assert_eq!(s.calendars.len(), 1);
    assert_eq!(s.calendars[0].suspensions.len(), 1);
    // Out of scope: nothing of it is summed; back in scope, all of it again, as a rebuild finds it.
    let out = Duties { in_scope: false, ..SCOPED };
    store.update_unit(id, &info, &ccc(), Category3Policy::Seed, out, now()).await.unwrap();
    let s = sums().await;
    assert!(s.tallies.is_empty() && s.staffing.is_empty() && s.calendars.is_empty(), "{s:?}");
    store.set_duties(id, SCOPED, now()).await.unwrap();
    let kept = sums().await.tallies;
    assert_eq!(kept.len(), 3);
    store.rebuild_tallies(now()).await.unwrap();
    assert_eq!(sums().await.tallies, kept);
    assert!(!store.tallies_missing().await.unwrap());
}
