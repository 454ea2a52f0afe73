//! The store conformance suite, accounts to the log: accounts and sessions, units, people and appointments, training,
//! versioned lists, and the transparency log's bundles, checkpoints and audit — on SQLite and on PostgreSQL (see
//! `common`).

use crate::common::*;

conformance!(
    migrations_are_idempotent_and_the_schema_follows_the_house_rules,
    accounts_are_unique_and_password_changes_end_sessions,
    sessions_expire,
    a_unit_is_created_with_its_founder_as_principal,
    credit_codes_are_unique,
    regulators_see_units_inside_their_jurisdiction,
    id_numbers_are_sealed_masked_and_unique_per_unit,
    the_appointment_rule_runs_inside_the_transaction,
    appointments_end_but_stay_in_history,
    training_is_recorded_for_the_units_own_people_only,
    risk_lists_and_duty_texts_are_versioned_never_overwritten,
    every_logged_record_has_a_verifying_bundle_and_checkpoints_stay_consistent,
    the_audit_reports_a_row_changed_behind_the_logs_back,
);

async fn migrations_are_idempotent_and_the_schema_follows_the_house_rules(store: &Store, _url: &str) {
    assert_eq!(store.migrate(now()).await.unwrap(), 0, "already applied");
    assert_eq!(store.schema_problems().await.unwrap(), Vec::<String>::new());
    store.ping().await.unwrap();
}

async fn accounts_are_unique_and_password_changes_end_sessions(store: &Store, _url: &str) {
    let id = user(store, "wangfang").await;
    let again = NewUser {
        username: "wangfang",
        display_name: "x",
        password_hash: "h",
        is_admin: false,
        must_change_password: true,
    };
    assert!(matches!(store.create_user(&again, now()).await, Err(StoreError::Conflict(Conflict::Username))));
    assert_eq!(store.user_by_username("wangfang").await.unwrap().unwrap().id, id);
    assert_eq!(store.count_users().await.unwrap(), 1);
    let s = Session {
        id_hash: "abc".into(),
        user_id: id,
        csrf_token: "t".into(),
        created_at: now(),
        expires_at: now() + chrono::Duration::hours(8),
    };
    store.create_session(&s).await.unwrap();
    assert_eq!(store.session("abc", now()).await.unwrap().unwrap().1.username, "wangfang");
    store.set_password(id, "$argon2id$new", false, now()).await.unwrap();
    assert!(store.session("abc", now()).await.unwrap().is_none(), "sessions end with a password change");
    assert_eq!(store.user(id).await.unwrap().unwrap().password_hash, "$argon2id$new");
    assert!(matches!(store.set_password(9999, "h", false, now()).await, Err(StoreError::NotFound)));
}

async fn sessions_expire(store: &Store, _url: &str) {
    let id = user(store, "a").await;
    let s = Session {
        id_hash: "s1".into(),
        user_id: id,
        csrf_token: "t".into(),
        created_at: now(),
        expires_at: now() + chrono::Duration::minutes(1),
    };
    store.create_session(&s).await.unwrap();
    assert!(store.session("s1", now()).await.unwrap().is_some());
    assert!(store.session("s1", now() + chrono::Duration::minutes(1)).await.unwrap().is_none());
    assert_eq!(store.purge_sessions(now() + chrono::Duration::minutes(2)).await.unwrap(), 1);
    store.create_session(&Session { id_hash: "s2".into(), ..s }).await.unwrap();
    store.delete_session("s2").await.unwrap();
    assert!(store.session("s2", now()).await.unwrap().is_none());
}

async fn a_unit_is_created_with_its_founder_as_principal(store: &Store, _url: &str) {
    let founder = user(store, "liqiang").await;
    let id = unit(store, founder).await;
    let u = store.unit(id).await.unwrap().unwrap();
    assert_eq!((u.credit_code.as_str(), u.employees, u.revenue_yuan), ("9144030071526726XG", 12, 3_000_000));
    assert_eq!(u.products, ccc());
    assert_eq!(store.posts_of_user(founder, day("2026-03-02")).await.unwrap(), [(id, Post::Principal)]);
    assert_eq!(store.posts_of_user(founder, day("2025-12-31")).await.unwrap(), [], "not before the first day");
    let mut info = unit_info("9144030071526726XG", "440305");
    info.employees = 60;
    store.update_unit(id, &info, &[], Category3Policy::Catalogue, SCOPED, now()).await.unwrap();
    let u = store.unit(id).await.unwrap().unwrap();
    assert_eq!((u.employees, u.products.len(), u.category3_policy), (60, 0, Category3Policy::Catalogue));
    assert_eq!(store.unit_ref(id).await.unwrap().unwrap().division.to_string(), "440305");
    assert!(store.unit(id + 100).await.unwrap().is_none());
    assert_eq!(store.units_named(&[id, id]).await.unwrap(), [(id, "单位9144030071526726XG".to_owned())]);
}

async fn credit_codes_are_unique(store: &Store, _url: &str) {
    let founder = user(store, "a").await;
    unit(store, founder).await;
    let f = zhian_store::Founder { user_id: founder, name: "x", from: day("2026-01-01") };
    let again = store.create_unit(&unit_info("9144030071526726XG", "440305"), &[], SCOPED, &f, now()).await;
    assert!(matches!(again, Err(StoreError::Conflict(Conflict::CreditCode))));
    assert_eq!(store.posts_of_user(founder, day("2026-03-02")).await.unwrap().len(), 1, "nothing half-saved");
}

async fn regulators_see_units_inside_their_jurisdiction(store: &Store, _url: &str) {
    let founder = user(store, "a").await;
    let f = zhian_store::Founder { user_id: founder, name: "x", from: day("2026-01-01") };
    store.create_unit(&unit_info("9144030071526726XG", "440305"), &[], SCOPED, &f, now()).await.unwrap();
    store.create_unit(&unit_info("914403001922038216", "440303"), &[], SCOPED, &f, now()).await.unwrap();
    store.create_unit(&unit_info("91110000802100433B", "110105"), &[], SCOPED, &f, now()).await.unwrap();
    let names = |v: Vec<(i64, String, DivisionCode)>| v.into_iter().map(|(_, _, d)| d.to_string()).collect::<Vec<_>>();
    let mut shenzhen = names(store.units_in(DivisionCode::parse("440300").unwrap()).await.unwrap());
    shenzhen.sort();
    assert_eq!(shenzhen, ["440303", "440305"]);
    assert_eq!(names(store.units_in(DivisionCode::parse("440305").unwrap()).await.unwrap()), ["440305"]);
    assert_eq!(names(store.units_in(DivisionCode::parse("110000").unwrap()).await.unwrap()), ["110105"]);
    let regulator = user(store, "reg").await;
    store.grant_jurisdiction(regulator, DivisionCode::parse("440300").unwrap(), now()).await.unwrap();
    assert_eq!(store.jurisdictions(regulator).await.unwrap(), [DivisionCode::parse("440300").unwrap()]);
    assert_eq!(
        store.standing(regulator, day("2026-03-02")).await.unwrap(),
        (vec![DivisionCode::parse("440300").unwrap()], vec![])
    );
    let (none, posts) = store.standing(founder, day("2026-03-02")).await.unwrap();
    assert!(none.is_empty() && posts.len() == 3, "{posts:?}");
}

async fn id_numbers_are_sealed_masked_and_unique_per_unit(store: &Store, _url: &str) {
    let founder = user(store, "a").await;
    let id = unit(store, founder).await;
    let person = PersonInfo {
        name: "王芳".into(),
        id_number: Some(IdNumber::parse("11010519491231002X").unwrap()),
        phone: "13800000000".into(),
    };
    let p = store.add_person(id, &person, now()).await.unwrap();
    let got = store.person(id, p).await.unwrap().unwrap();
    assert_eq!(got.id_number_masked.as_deref(), Some("110105********002X"));
    assert_eq!(store.person_id_number(id, p).await.unwrap().as_deref(), Some("11010519491231002X"));
    assert!(matches!(store.add_person(id, &person, now()).await, Err(StoreError::Conflict(Conflict::PersonIdNumber))));
    let no_id = PersonInfo { name: "赵敏".into(), id_number: None, phone: String::new() };
    store.add_person(id, &no_id, now()).await.unwrap();
    store.add_person(id, &no_id, now()).await.unwrap();
    assert_eq!(store.people(id).await.unwrap().len(), 4, "founder, 王芳 and two without ID numbers");
    assert!(store.person(id + 1, p).await.unwrap().is_none(), "another unit's person is invisible");
}

async fn the_appointment_rule_runs_inside_the_transaction(store: &Store, _url: &str) {
    let founder = user(store, "a").await;
    let id = unit(store, founder).await;
    let p = store
        .add_person(id, &PersonInfo { name: "王芳".into(), id_number: None, phone: String::new() }, now())
        .await
        .unwrap();
    let appointment = AppointmentInfo {
        person_id: p,
        post: Post::Officer,
        employment: Employment::PartTime,
        from: day("2026-03-01"),
        reason: "任命".into(),
    };
    let rule = |name: &str, a: &[_], t: &[_]| {
        check_appointment(name, Post::Officer, day("2026-03-01"), a, t).map_err(|e| e.to_string())
    };
    let refused = store.appoint(id, &appointment, founder, &rule, now()).await;
    assert!(matches!(&refused, Err(StoreError::Refused(m)) if m.contains("未通过考核")), "{refused:?}");
    assert_eq!(store.appointments(id).await.unwrap().len(), 1, "only the founder's post; nothing half-saved");
    let training = TrainingInfo {
        person_id: p,
        date: day("2026-02-20"),
        content: "法规".into(),
        tenth_hours: 20,
        score: Some(90),
        passed: true,
    };
    store.add_training(id, &training, founder, now()).await.unwrap();
    store.appoint(id, &appointment, founder, &rule, now()).await.unwrap();
    let twice = store.appoint(id, &appointment, founder, &rule, now()).await;
    assert!(matches!(&twice, Err(StoreError::Refused(m)) if m.contains("重复任命")), "{twice:?}");
    let all = store.appointments(id).await.unwrap();
    assert_eq!(all.iter().filter(|a| a.post == Post::Officer).count(), 1);
    let other = AppointmentInfo { person_id: p, ..appointment.clone() };
    assert!(matches!(store.appoint(id + 1, &other, founder, &rule, now()).await, Err(StoreError::NotFound)));
}

async fn appointments_end_but_stay_in_history(store: &Store, _url: &str) {
    let founder = user(store, "a").await;
    let id = unit(store, founder).await;
    let a = store.appointments(id).await.unwrap()[0].clone();
    assert!(matches!(
        store.end_appointment(id, a.id, day("2025-12-01"), "早于任职", now()).await,
        Err(StoreError::NotFound)
    ));
    store.end_appointment(id, a.id, day("2026-02-28"), "调任", now()).await.unwrap();
    assert!(matches!(
        store.end_appointment(id, a.id, day("2026-03-01"), "again", now()).await,
        Err(StoreError::NotFound)
    ));
    let after = store.appointments(id).await.unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!((after[0].to, after[0].end_reason.as_deref()), (Some(day("2026-02-28")), Some("调任")));
    assert_eq!(store.posts_of_user(founder, day("2026-03-02")).await.unwrap(), []);
}

async fn training_is_recorded_for_the_units_own_people_only(store: &Store, _url: &str) {
    let founder = user(store, "a").await;
    let id = unit(store, founder).await;
    let p = store
        .add_person(id, &PersonInfo { name: "王芳".into(), id_number: None, phone: String::new() }, now())
        .await
        .unwrap();
    let t = TrainingInfo {
        person_id: p,
        date: day("2026-02-20"),
        content: "标准".into(),
        tenth_hours: 15,
        score: None,
        passed: false,
    };
    store.add_training(id, &t, founder, now()).await.unwrap();
    assert!(matches!(store.add_training(id + 1, &t, founder, now()).await, Err(StoreError::NotFound)));
    let list = store.trainings(id).await.unwrap();
    assert_eq!((list.len(), list[0].tenth_hours, list[0].score, list[0].person_name.as_str()), (1, 15, None, "王芳"));
}

async fn risk_lists_and_duty_texts_are_versioned_never_overwritten(store: &Store, _url: &str) {
    let founder = user(store, "a").await;
    let id = unit(store, founder).await;
    assert!(store.risk_list(id, None).await.unwrap().is_none());
    let row = |point: &str| RiskRow {
        stage: "进货查验".into(),
        risk_point: point.into(),
        description: "d".into(),
        measure: "m".into(),
        target: "t".into(),
        frequency: "每日".into(),
        role: "officer".into(),
        daily_item: Some("是否查验3C证书".into()),
    };
    assert_eq!(store.save_risk_list(id, &[row("a"), row("b")], "初版", founder, now()).await.unwrap(), 1);
    assert_eq!(store.save_risk_list(id, &[row("c")], "修订", founder, now()).await.unwrap(), 2);
    let current = store.risk_list(id, None).await.unwrap().unwrap();
    assert_eq!((current.version, current.rows.len(), current.rows[0].risk_point.as_str()), (2, 1, "c"));
    let first = store.risk_list(id, Some(1)).await.unwrap().unwrap();
    assert_eq!(first.rows.iter().map(|r| r.risk_point.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(store.risk_list_versions(id).await.unwrap().iter().map(|v| v.version).collect::<Vec<_>>(), [2, 1]);
    assert!(store.risk_list(id, Some(3)).await.unwrap().is_none());
    assert_eq!(store.save_duty_text(id, DutyKind::Director, "一、…", founder, now()).await.unwrap(), 1);
    assert_eq!(store.save_duty_text(id, DutyKind::Director, "一、改", founder, now()).await.unwrap(), 2);
    assert_eq!(store.save_duty_text(id, DutyKind::Officer, "守则", founder, now()).await.unwrap(), 1);
    assert_eq!(store.duty_text(id, DutyKind::Director, None).await.unwrap().unwrap().body, "一、改");
    assert_eq!(store.duty_text(id, DutyKind::Director, Some(1)).await.unwrap().unwrap().body, "一、…");
    assert_eq!(store.duty_text_versions(id, DutyKind::Director).await.unwrap().len(), 2);
    let p = store
        .add_person(id, &PersonInfo { name: "王芳".into(), id_number: None, phone: String::new() }, now())
        .await
        .unwrap();
    let t = TrainingInfo {
        person_id: p,
        date: day("2026-02-20"),
        content: "标准".into(),
        tenth_hours: 15,
        score: None,
        passed: false,
    };
    store.add_training(id, &t, founder, now()).await.unwrap();
    assert_eq!(store.append_only_violations().await.unwrap(), Vec::<&str>::new());
    assert_eq!(store.trainings(id).await.unwrap().len(), 1, "the attempts changed nothing");
}

/// Appoints `n` freshly assessed people, ending every third appointment: 1 + n + n/3 logged records.
async fn logged_activity(store: &Store, n: usize, key: &zhian_ledger::keys::SignerKey) -> (i64, Vec<(String, i64)>) {
    let founder = user(store, "founder").await;
    let id = unit(store, founder).await;
    let mut records = vec![("appointment".to_owned(), store.appointments(id).await.unwrap()[0].id)];
    let rule = |_: &str, _: &[_], _: &[_]| Ok(());
    for i in 0..n {
        let p = store
            .add_person(id, &PersonInfo { name: format!("员工{i}"), id_number: None, phone: String::new() }, now())
            .await
            .unwrap();
        let post = if i % 5 == 0 { Post::Director } else { Post::Officer };
        let info = AppointmentInfo {
            person_id: p,
            post,
            employment: Employment::PartTime,
            from: day("2026-03-01"),
            reason: format!("任命{i}"),
        };
        let a = store.appoint(id, &info, founder, &rule, now() + chrono::Duration::seconds(i as i64)).await.unwrap();
        records.push(("appointment".into(), a));
        if i % 3 == 0 {
            store
                .end_appointment(id, a, day("2026-03-02"), "调岗", now() + chrono::Duration::seconds(i as i64))
                .await
                .unwrap();
            records.push(("appointment_end".into(), a));
        }
        if i % 40 == 39 {
            store.sign_checkpoint(key, now()).await.unwrap();
        }
    }
    (id, records)
}

async fn every_logged_record_has_a_verifying_bundle_and_checkpoints_stay_consistent(store: &Store, _url: &str) {
    let key = log_key();
    let (_, records) = logged_activity(store, 150, &key).await;
    let (size, _) = store.log_head().await.unwrap();
    assert_eq!(size as usize, records.len(), "one leaf per record");
    store.sign_checkpoint(&key, now()).await.unwrap();
    assert!(store.sign_checkpoint(&key, now()).await.unwrap().is_none(), "nothing new, no new checkpoint");
    for (kind, id) in &records {
        let bundle = store.bundle(kind, *id, &key, now()).await.unwrap();
        let report = zhian_ledger::bundle::verify_bundle(&bundle).unwrap_or_else(|e| panic!("{kind} #{id}: {e}"));
        assert_eq!(report.record.tier, *kind);
        assert_eq!(report.record.unit, "9144030071526726XG");
    }
    let checkpoints = store.checkpoints().await.unwrap();
    assert!(checkpoints.len() >= 4);
    let verifier = key.verifier();
    for pair in checkpoints.windows(2) {
        let (old, _) = zhian_ledger::checkpoint::Checkpoint::open(&pair[0].1, std::slice::from_ref(&verifier)).unwrap();
        let (new, _) = zhian_ledger::checkpoint::Checkpoint::open(&pair[1].1, std::slice::from_ref(&verifier)).unwrap();
        let proof = store.consistency_proof(old.size, new.size).await.unwrap();
        zhian_ledger::proof::verify_consistency(
            store.log_alg().await.unwrap(),
            old.size,
            new.size,
            &old.root,
            &new.root,
            &proof,
        )
        .unwrap();
    }
    let audit = store.audit(&verifier).await.unwrap();
    assert_eq!(audit.findings, vec![], "a clean database audits clean");
    assert_eq!(audit.leaves as usize, records.len());
}

async fn the_audit_reports_a_row_changed_behind_the_logs_back(store: &Store, url: &str) {
    let key = log_key();
    let (_, records) = logged_activity(store, 12, &key).await;
    store.sign_checkpoint(&key, now()).await.unwrap();
    let victim = records[3].1;
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url).await.unwrap();
    let sql = format!("update appointments set reason = '篡改' where id = {victim}");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.unwrap();
    let audit = store.audit(&key.verifier()).await.unwrap();
    assert_eq!(audit.findings.len(), 1, "{:?}", audit.findings);
    assert!(audit.findings[0].message.contains(&format!("appointment #{victim}")), "{:?}", audit.findings);
    let stranger = {
        use rand_chacha::rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(99);
        zhian_ledger::keys::SignerKey::generate(zhian_ledger::keys::SigAlg::Sm2, "zhian.test/log", &mut rng).unwrap()
    };
    let forged = store.audit(&stranger.verifier()).await.unwrap();
    assert!(
        forged.findings.iter().any(|f| f.message.contains("检查点校验失败")),
        "another key's checkpoints do not verify"
    );
    let tampered_log = sqlx::raw_sql("update log_leaves set leaf = 'x' where idx = 0").execute(&mut conn).await;
    assert!(tampered_log.is_err(), "the log tables refuse changes");
}
