//! The store conformance suite, the duty cycle: daily checks and their group commit, hazards, and a thousand random
//! submissions of every logged kind — on SQLite and on PostgreSQL (see `common`).

use crate::common::*;

conformance!(
    daily_checks_are_logged_never_overwritten_and_open_hazards,
    concurrent_checks_commit_in_groups_and_a_refused_one_leaves_no_trace,
    a_thousand_random_submissions_of_every_kind_verify_and_an_edit_is_found,
    checks_written_before_items_moved_read_the_same,
    a_hazard_goes_round_its_loop_on_the_log_and_the_director_hears_of_it,
);

async fn daily_checks_are_logged_never_overwritten_and_open_hazards(store: &Store, url: &str) {
    use zhian_domain::duty::{CheckItemForm, DailyCheckForm};
    let founder = user(store, "founder").await;
    let id = unit(store, founder).await;
    let form = |results: &[(&str, &str)], amends: Option<i64>| DailyCheckForm {
        period: "2026-03-02".into(),
        items: results
            .iter()
            .map(|(r, n)| CheckItemForm {
                risk_point: "3C".into(),
                item: "整车3C标志".into(),
                result: (*r).into(),
                note: (*n).into(),
                photos: Vec::new(),
            })
            .collect(),
        note: String::new(),
        amends,
    };
    let written = store
        .submit_daily_check(
            id,
            &form(&[("conforming", ""), ("nonconforming", "两台车无3C标志")], None),
            Vec::new(),
            founder,
            now(),
        )
        .await
        .unwrap();
    let (first, hazards) = (written.id, written.hazards);
    assert_eq!(hazards.len(), 1);
    let again = store.submit_daily_check(id, &form(&[("conforming", "")], None), Vec::new(), founder, now()).await;
    assert!(matches!(&again, Err(StoreError::Refused(m)) if m.contains("已有检查记录")), "{again:?}");
    let wrong =
        store.submit_daily_check(id, &form(&[("conforming", "")], Some(first + 100)), Vec::new(), founder, now()).await;
    assert!(matches!(wrong, Err(StoreError::Refused(_))));
    let amended = store
        .submit_daily_check(
            id,
            &form(&[("conforming", ""), ("conforming", "已下架整改")], Some(first)),
            Vec::new(),
            founder,
            now(),
        )
        .await
        .unwrap();
    let second = amended.id;
    assert!(amended.hazards.is_empty());
    assert_eq!(amended.info.items[1].note, "已下架整改", "the answer is what was written");
    let checks = store.daily_checks(id, 10).await.unwrap();
    assert_eq!(checks.len(), 2, "the original and its amendment both stay");
    let amendment = store.daily_check(id, second).await.unwrap().unwrap();
    assert_eq!((amendment.amends, amendment.zero_risk, amendment.items.len()), (Some(first), true, 2));
    assert!(!store.daily_check(id, first).await.unwrap().unwrap().zero_risk);
    assert!(store.daily_check(id + 1, first).await.unwrap().is_none(), "another unit's check is invisible");
    assert_eq!(store.hazards(id).await.unwrap()[0].description, "两台车无3C标志");
    assert_eq!(store.daily_check_submissions(id, now()).await.unwrap().len(), 2);
    assert_eq!(store.daily_check_submissions(id, now() + chrono::Duration::seconds(1)).await.unwrap().len(), 0);
    let counts = store.dashboard_counts(id, day("2026-03-02"), now()).await.unwrap();
    assert_eq!(
        (counts.passed_assessment, counts.open_hazards, counts.overdue_hazards, counts.vetoes_waiting),
        (false, 1, 0, 0)
    );
    let key = log_key();
    store.sign_checkpoint(&key, now()).await.unwrap();
    let bundle = store.bundle("daily_check", first, &key, now()).await.unwrap();
    assert_eq!(zhian_ledger::bundle::verify_bundle(&bundle).unwrap().record.period, "2026-03-02");
    assert_eq!(store.audit(&key.verifier()).await.unwrap().findings, vec![]);
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url).await.unwrap();
    let changed = sqlx::raw_sql("update daily_checks set items = '[]' where id = 1").execute(&mut conn).await;
    assert!(changed.is_err(), "checks and their items refuse changes");
}

async fn concurrent_checks_commit_in_groups_and_a_refused_one_leaves_no_trace(store: &Store, _url: &str) {
    use zhian_domain::duty::{CheckItemForm, DailyCheckForm};
    let founder = user(store, "founder").await;
    let id = unit(store, founder).await;
    let form = |day: u32, result: &str| DailyCheckForm {
        period: format!("2026-01-{day:02}"),
        items: (0..20)
            .map(|i| CheckItemForm {
                risk_point: format!("点{i}"),
                item: format!("检查项{i}"),
                result: if i == 0 { result.into() } else { "conforming".into() },
                note: if i == 0 { "发现问题".into() } else { String::new() },
                photos: Vec::new(),
            })
            .collect(),
        note: String::new(),
        amends: None,
    };
    let before = store.log_head().await.unwrap().0;
    // 31 days of January, each submitted twice at once: one of each pair is saved, the other refused.
    let mut tasks = tokio::task::JoinSet::new();
    for round in 0..2 {
        for day in 1..=31 {
            let (store, info) = (store.clone(), form(day, if day % 10 == 0 { "nonconforming" } else { "conforming" }));
            tasks.spawn(async move { (round, store.submit_daily_check(id, &info, Vec::new(), founder, now()).await) });
        }
    }
    let (mut saved, mut refused) = (Vec::new(), 0);
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap().1 {
            Ok(written) => saved.push((written.id, written.hazards.len())),
            Err(StoreError::Refused(m)) => {
                assert!(m.contains("已有检查记录"), "{m}");
                refused += 1;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((saved.len(), refused), (31, 31));
    assert_eq!(saved.iter().map(|(_, h)| h).sum::<usize>(), 3, "days 10, 20 and 30 opened a hazard each");
    assert_eq!(store.hazards(id).await.unwrap().len(), 3, "a refused check opens no hazard");
    let checks = store.daily_checks(id, 100).await.unwrap();
    assert_eq!(checks.len(), 31);
    let one = store.daily_check(id, saved[0].0).await.unwrap().unwrap();
    assert_eq!(one.items.len(), 20);
    assert_eq!(one.items[19].item, "检查项19", "items keep their order");
    let key = log_key();
    store.sign_checkpoint(&key, now()).await.unwrap();
    assert_eq!(store.log_head().await.unwrap().0 - before, 31, "one leaf per saved check, none for a refused one");
    let audit = store.audit(&key.verifier()).await.unwrap();
    assert_eq!(audit.findings, vec![]);
    for (check, _) in &saved {
        let bundle = store.bundle("daily_check", *check, &key, now()).await.unwrap();
        zhian_ledger::bundle::verify_bundle(&bundle).unwrap();
    }
}

/// A thousand submissions of every logged kind, drawn at random (seeded), with checkpoints along the way: every
/// record's bundle verifies, consecutive checkpoints are consistent, the audit is clean — until one row is changed
/// behind the log's back (its append-only trigger removed first, as someone with the database could), and then the
/// audit names that row.
async fn a_thousand_random_submissions_of_every_kind_verify_and_an_edit_is_found(store: &Store, url: &str) {
    use rand_chacha::rand_core::{Rng, SeedableRng};
    use zhian_domain::dispatch::{MonthlyMeetingForm, SelfInspectionForm, TaskForm};
    use zhian_domain::duty::{CheckItemForm, DailyCheckForm, WeeklyReviewForm};
    use zhian_domain::hazard::{HazardStep, apply};
    use zhian_domain::veto::{VetoAnswerForm, VetoForm};
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(20_261_127);
    let key = log_key();
    let founder = user(store, "founder").await;
    let id = unit(store, founder).await;
    let late = now() + chrono::Duration::days(400); // everything below is for a past period
    let mut records: Vec<(String, i64)> = vec![("appointment".into(), store.appointments(id).await.unwrap()[0].id)];
    let (mut checks, mut hazards, mut vetoes, mut meetings, mut tasks) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut refused = 0;
    let day_of = |n: u32| (day("2026-01-01") + chrono::Duration::days(i64::from(n))).to_string();
    for i in 0..1000 {
        let at = late + chrono::Duration::seconds(i);
        let pick = rng.next_u32() % 100;
        let outcome: Result<Vec<(&str, i64)>, StoreError> = match pick {
            0..=44 => {
                let n = rng.next_u32() % 450;
                let amends = (rng.next_u32() % 5 == 0).then(|| checks.last().copied()).flatten();
                let form = DailyCheckForm {
                    period: amends.map(|(_, p): (i64, u32)| day_of(p)).unwrap_or_else(|| day_of(n)),
                    items: (0..(1 + rng.next_u32() % 20))
                        .map(|k| {
                            let bad = rng.next_u32() % 15 == 0;
                            CheckItemForm {
                                risk_point: format!("风险点{k}"),
                                item: format!("检查项{k}"),
                                result: if bad { "nonconforming".into() } else { "conforming".into() },
                                note: if bad { format!("问题{i}") } else { String::new() },
                                photos: Vec::new(),
                            }
                        })
                        .collect(),
                    note: String::new(),
                    amends: amends.map(|(c, _)| c),
                };
                let period = amends.map_or(n, |(_, p)| p);
                store.submit_daily_check(id, &form, Vec::new(), founder, at).await.map(|w| {
                    checks.push((w.id, period));
                    hazards.extend(w.hazards);
                    vec![("daily_check", w.id)]
                })
            }
            45..=59 if !hazards.is_empty() => {
                let h = hazards[rng.next_u32() as usize % hazards.len()];
                let step = match rng.next_u32() % 4 {
                    0 => HazardStep::Measure { measure: "下架".into() },
                    1 => HazardStep::Assign { owner: "王芳".into(), deadline: day("2027-06-01") },
                    2 => HazardStep::Rectify { evidence: "已整改".into() },
                    _ => HazardStep::Verify { note: "复核通过".into() },
                };
                let rule =
                    |status| apply(status, &step, &[Post::Principal], day("2027-04-01")).map_err(|e| e.to_string());
                let before = store.log_head().await.unwrap().0;
                match store.hazard_step(id, h, &step, &rule, founder, at).await {
                    Ok(_) => {
                        let (_, event, _) = store.logged_at(before).await.unwrap().unwrap();
                        Ok(vec![("hazard_event", event)])
                    }
                    Err(e) => Err(e),
                }
            }
            60..=69 => {
                let r = rng.next_u32();
                let week = format!("{}-W{:02}", 2025 + r % 2, 1 + (r / 2) % 52);
                let info = WeeklyReviewForm {
                    period: week,
                    analysis: "分析".into(),
                    conclusions: "结论".into(),
                    amends: None,
                }
                .check(zhian_domain::Cadence::Weeks(1))
                .unwrap();
                store.submit_weekly_review(id, &info, "草稿", founder, at).await.map(|r| vec![("weekly_review", r)])
            }
            70..=77 => {
                let r = rng.next_u32();
                let (year, month) = (2025 + r % 2, 1 + (r / 2) % 12);
                let form = MonthlyMeetingForm {
                    period: format!("{year}-{month:02}"),
                    held_at: format!("{year}-{month:02}-20T15:00"),
                    place: "会议室".into(),
                    host: "李强".into(),
                    recorder: "王芳".into(),
                    attendees: "李强、王芳".into(),
                    report: "汇报".into(),
                    summary: "总结".into(),
                    decisions: "决定".into(),
                    tasks: vec![TaskForm {
                        work: format!("工作{i}"), owner: "王芳".into(), due: "2027-12-31".into()
                    }],
                    amends: None,
                };
                let info = form.check(zhian_domain::Cadence::Months(1), at).unwrap();
                store.submit_monthly_meeting(id, &info, "草稿", founder, at).await.map(|m| {
                    meetings.push(m);
                    vec![("monthly_meeting", m)]
                })
            }
            78..=81 if !meetings.is_empty() => {
                let m = meetings[rng.next_u32() as usize % meetings.len()];
                store
                    .confirm_monthly_meeting(id, m, "同意", founder, at)
                    .await
                    .map(|c| vec![("monthly_confirmation", c)])
            }
            82..=84 => {
                if tasks.is_empty() {
                    tasks = store.open_tasks(id).await.unwrap().into_iter().map(|t| t.id).collect();
                }
                match tasks.pop() {
                    Some(t) => store.complete_task(id, t, "已完成", founder, at).await.map(|d| vec![("task_done", d)]),
                    None => Err(StoreError::NotFound),
                }
            }
            85..=89 => {
                let info =
                    VetoForm { product: format!("产品{i}"), defect: "缺陷".into(), proposal: "停售".into() }
                        .check()
                        .unwrap();
                store.propose_veto(id, &info, founder, at).await.map(|v| {
                    vetoes.push(v);
                    vec![("veto", v)]
                })
            }
            90..=93 if !vetoes.is_empty() => {
                let v = vetoes.swap_remove(rng.next_u32() as usize % vetoes.len());
                let answer = VetoAnswerForm {
                    decision: "reject".into(),
                    reasons: "经研判无缺陷".into(),
                    measures: String::new(),
                }
                .check()
                .unwrap();
                store.answer_veto(id, v, &answer, founder, at).await.map(|a| vec![("veto_answer", a)])
            }
            94..=96 => {
                let form = SelfInspectionForm {
                    date: day_of(rng.next_u32() % 300),
                    scope: "进货查验".into(),
                    findings: if rng.next_u32() % 2 == 0 { "缺合格证".into() } else { String::new() },
                    measures: "退货".into(),
                    weekly_review: None,
                    raise_hazard: false,
                };
                let info = form.check(day("2027-01-01")).unwrap();
                store.submit_self_inspection(id, &info, founder, at).await.map(|(s, _)| vec![("self_inspection", s)])
            }
            97 => {
                let from = day("2026-01-01") + chrono::Duration::days(i64::from(rng.next_u32() % 300));
                let range = zhian_domain::DateRange::new(from, from + chrono::Duration::days(2)).unwrap();
                store.add_suspension(id, range, "盘点", founder, at).await.map(|s| vec![("suspension", s)])
            }
            _ => {
                let person = PersonInfo { name: format!("员工{i}"), id_number: None, phone: String::new() };
                let p = store.add_person(id, &person, at).await.unwrap();
                let info = AppointmentInfo {
                    person_id: p,
                    post: Post::Officer,
                    employment: Employment::PartTime,
                    from: day("2026-03-01"),
                    reason: format!("任命{i}"),
                };
                let rule = |_: &str, _: &[_], _: &[_]| Ok(());
                let a = store.appoint(id, &info, founder, &rule, at).await.unwrap();
                let mut logged = vec![("appointment", a)];
                if rng.next_u32() % 2 == 0 {
                    store.end_appointment(id, a, day("2026-06-30"), "调岗", at).await.unwrap();
                    logged.push(("appointment_end", a));
                }
                Ok(logged)
            }
        };
        match outcome {
            Ok(logged) => records.extend(logged.into_iter().map(|(k, r)| (k.to_owned(), r))),
            Err(StoreError::Refused(_) | StoreError::NotFound | StoreError::Conflict(_)) => refused += 1,
            Err(e) => panic!("submission {i}: {e}"),
        }
        if i % 100 == 99 {
            store.sign_checkpoint(&key, at).await.unwrap();
        }
    }
    store.sign_checkpoint(&key, late + chrono::Duration::hours(1)).await.unwrap();
    let kinds: std::collections::BTreeSet<&str> = records.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds.len(), 12, "every logged kind was submitted: {kinds:?}");
    // A second record for a period, a second confirmation or answer: refused by their rules, and not logged.
    assert!(records.len() > 700 && refused > 0, "{} logged, {refused} refused by their rules", records.len());
    assert_eq!(store.log_head().await.unwrap().0 as usize, records.len(), "one leaf per record, none for a refusal");
    for (kind, record) in &records {
        let bundle = store.bundle(kind, *record, &key, late).await.unwrap();
        let report = zhian_ledger::bundle::verify_bundle(&bundle).unwrap_or_else(|e| panic!("{kind} #{record}: {e}"));
        assert_eq!(report.record.tier, *kind);
    }
    let checkpoints = store.checkpoints().await.unwrap();
    assert!(checkpoints.len() >= 10);
    let verifier = key.verifier();
    for pair in checkpoints.windows(2) {
        let (old, _) = zhian_ledger::checkpoint::Checkpoint::open(&pair[0].1, std::slice::from_ref(&verifier)).unwrap();
        let (new, _) = zhian_ledger::checkpoint::Checkpoint::open(&pair[1].1, std::slice::from_ref(&verifier)).unwrap();
        let proof = store.consistency_proof(old.size, new.size).await.unwrap();
        let alg = store.log_alg().await.unwrap();
        zhian_ledger::proof::verify_consistency(alg, old.size, new.size, &old.root, &new.root, &proof).unwrap();
    }
    assert_eq!(store.audit(&verifier).await.unwrap().findings, vec![], "a clean database audits clean");

    // The tallies kept submission by submission are the tallies rebuilt from the records.
    let province = DivisionCode::parse("440000").unwrap();
    let tallies = |sums: zhian_store::oversight::JurisdictionSums| {
        let mut t = sums.tallies;
        t.sort_by_key(|(d, t)| (d.clone(), t.tier, t.excusable, t.closed));
        t
    };
    let kept = tallies(store.jurisdiction_sums(province, (0, 100_000), day("2027-06-01"), late).await.unwrap());
    store.rebuild_tallies(late).await.unwrap();
    let rebuilt = tallies(store.jurisdiction_sums(province, (0, 100_000), day("2027-06-01"), late).await.unwrap());
    assert!(kept.iter().map(|(_, t)| t.done + t.late).sum::<u32>() > 100, "{kept:?}");
    assert_eq!(kept, rebuilt);

    let (victim, _) = checks[checks.len() / 2];
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url).await.unwrap();
    let unlock = if url.starts_with("sqlite") {
        "drop trigger daily_checks_append_only_update"
    } else {
        "alter table daily_checks disable trigger daily_checks_append_only"
    };
    sqlx::raw_sql(unlock).execute(&mut conn).await.unwrap();
    let edit = format!("update daily_checks set items = replace(items, '检查项0', '篡改') where id = {victim}");
    sqlx::raw_sql(sqlx::AssertSqlSafe(edit)).execute(&mut conn).await.unwrap();
    let findings = store.audit(&verifier).await.unwrap().findings;
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0].message.contains(&format!("daily_check #{victim}")), "{findings:?}");
}

/// A check written before its items went into the check's own row (items in `daily_check_items`) reads and counts
/// as one written now, and its leaf is still made from its rows.
async fn checks_written_before_items_moved_read_the_same(store: &Store, url: &str) {
    use zhian_domain::duty::{CheckItemForm, DailyCheckForm};
    let founder = user(store, "founder").await;
    let id = unit(store, founder).await;
    let items = [("3C", "整车3C标志", "nonconforming", "两台车无标志"), ("票据", "进货票据", "conforming", "")];
    let form = DailyCheckForm {
        period: "2026-03-01".into(),
        items: items
            .iter()
            .map(|(p, i, r, n)| CheckItemForm {
                risk_point: (*p).into(),
                item: (*i).into(),
                result: (*r).into(),
                note: (*n).into(),
                photos: Vec::new(),
            })
            .collect(),
        note: String::new(),
        amends: None,
    };
    let now_written = store.submit_daily_check(id, &form, Vec::new(), founder, now()).await.unwrap().id;
    // The same check as the earlier schema kept it.
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url).await.unwrap();
    let legacy: i64 = sqlx::query(
        "insert into daily_checks (unit_id, period, zero_risk, note, risk_list_version, amends, created_by, created_at) \
         values ($1, '2026-03-02', 0, '', 1, null, $2, $3) returning id",
    )
    .bind(id)
    .bind(founder)
    .bind(now().timestamp_micros())
    .fetch_one(&mut conn)
    .await
    .unwrap()
    .try_get("id")
    .unwrap();
    for (position, (p, i, r, n)) in (1_i64..).zip(items) {
        sqlx::query(
            "insert into daily_check_items (check_id, position, risk_point, item, result, note, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(legacy)
        .bind(position)
        .bind(p)
        .bind(i)
        .bind(r)
        .bind(n)
        .bind(now().timestamp_micros())
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let (new, old) = (
        store.daily_check(id, now_written).await.unwrap().unwrap(),
        store.daily_check(id, legacy).await.unwrap().unwrap(),
    );
    assert_eq!(new.items, old.items);
    assert!(store.leaf_for("daily_check", legacy).await.unwrap().is_some(), "its leaf is made from its rows");
    let summary = store.daily_summary(id, day("2026-03-01"), day("2026-03-02")).await.unwrap();
    assert_eq!((summary.checks, summary.failures), (2, vec![("整车3C标志".to_owned(), 2)]), "both are counted");
}

async fn a_hazard_goes_round_its_loop_on_the_log_and_the_director_hears_of_it(store: &Store, _url: &str) {
    use zhian_domain::duty::{CheckItemForm, DailyCheckForm};
    use zhian_domain::hazard::{HazardStatus, HazardStep, apply};
    let founder = user(store, "founder").await;
    let id = unit(store, founder).await;
    let director_account = user(store, "director").await;
    let p = store
        .add_person(id, &PersonInfo { name: "刘洋".into(), id_number: None, phone: String::new() }, now())
        .await
        .unwrap();
    store.link_person(id, p, director_account, now()).await.unwrap();
    let any = |_: &str, _: &[_], _: &[_]| Ok(());
    let info = AppointmentInfo {
        person_id: p,
        post: Post::Director,
        employment: Employment::PartTime,
        from: day("2026-03-01"),
        reason: String::new(),
    };
    store.appoint(id, &info, founder, &any, now()).await.unwrap();
    let form = DailyCheckForm {
        period: "2026-03-02".into(),
        items: vec![CheckItemForm {
            risk_point: "3C".into(),
            item: "充电器3C".into(),
            result: "nonconforming".into(),
            note: "充电器无3C".into(),
            photos: Vec::new(),
        }],
        note: String::new(),
        amends: None,
    };
    let hazards = store.submit_daily_check(id, &form, Vec::new(), founder, now()).await.unwrap().hazards;
    let notes = store.notifications(director_account).await.unwrap();
    assert_eq!(notes.len(), 1, "the director is told at once");
    assert!(notes[0].message.contains("充电器无3C"));
    store.mark_read(director_account, notes[0].id, now()).await.unwrap();
    assert!(store.notifications(director_account).await.unwrap().is_empty());
    assert!(store.mark_read(founder, notes[0].id, now()).await.is_err(), "not someone else's");

    let hazard = hazards[0];
    let today = day("2026-03-02");
    let steps = [
        (HazardStep::Measure { measure: "已下架隔离".into() }, vec![Post::Officer]),
        (HazardStep::Assign { owner: "王芳".into(), deadline: day("2026-03-05") }, vec![Post::Director]),
        (HazardStep::Rectify { evidence: "已退货，补录台账".into() }, vec![Post::Officer]),
        (HazardStep::Verify { note: "现场核实".into() }, vec![Post::Director]),
    ];
    for (step, posts) in &steps {
        let rule = |status: HazardStatus| apply(status, step, posts, today).map_err(|e| e.to_string());
        // The director takes the steps only a manager may; the others are the founder's.
        let by = if posts.contains(&Post::Director) { director_account } else { founder };
        store.hazard_step(id, hazard, step, &rule, by, now()).await.unwrap();
    }
    assert_eq!(store.notifications(director_account).await.unwrap().len(), 2, "told of others' steps, not of its own");
    let refused = {
        let step = HazardStep::Rectify { evidence: "x".into() };
        let rule = |status: HazardStatus| apply(status, &step, &[Post::Officer], today).map_err(|e| e.to_string());
        store.hazard_step(id, hazard, &step, &rule, founder, now()).await
    };
    assert!(matches!(&refused, Err(StoreError::Refused(m)) if m.contains("已闭环")), "{refused:?}");
    let (h, events) = store.hazard(id, hazard).await.unwrap().unwrap();
    assert_eq!((h.status, h.owner.as_deref(), events.len()), (HazardStatus::Closed, Some("王芳"), 4));
    assert_eq!(events.iter().map(|e| e.step.as_str()).collect::<Vec<_>>(), ["measure", "assign", "rectify", "verify"]);
    let key = log_key();
    for e in &events {
        let b = store.bundle("hazard_event", e.id, &key, now()).await.unwrap();
        zhian_ledger::bundle::verify_bundle(&b).unwrap();
    }
    assert_eq!(store.audit(&key.verifier()).await.unwrap().findings, vec![]);
    assert!(store.hazard(id + 1, hazard).await.unwrap().is_none());
}
