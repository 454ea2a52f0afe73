//! The store conformance suite, training and assessment: the versioned question bank, exam attempts with answers
//! saved as they go and marked once on the log, the appointment gate reading exam results, training sessions — on
//! SQLite and on PostgreSQL (see `common`).

use crate::common::*;
use zhian_domain::exam::{Area, Choice, Kind, Question};
use zhian_store::exams::{Marked, NewAttempt};

conformance!(
    the_bank_is_versioned_by_import_and_old_rows_stay_readable,
    an_attempt_saves_answers_while_open_and_is_marked_once_on_the_log,
    the_appointment_gate_reads_exam_results,
    a_training_session_is_saved_whole_or_not_at_all,
);

fn question(code: &str, stem: &str) -> Question {
    Question {
        code: code.into(),
        kind: Kind::Single,
        area: Area::Law,
        categories: vec!["e-bike".into()],
        difficulty: 2,
        stem: stem.into(),
        options: vec!["甲".into(), "乙".into(), "丙".into()],
        answer: Choice(0b010),
        basis: "《中华人民共和国产品质量法》第三十三条".into(),
        explanation: "解析".into(),
    }
}

async fn the_bank_is_versioned_by_import_and_old_rows_stay_readable(store: &Store, _url: &str) {
    assert_eq!(store.bank_version().await.unwrap(), None);
    let first = [question("q-001", "一"), question("q-002", "二"), question("q-003", "三")];
    let import = store.import_bank(&first, true, "content", "初始题库", None, now()).await.unwrap();
    assert_eq!((import.version, import.added, import.changed, import.retired), (Some(1), 3, 0, 0));
    let again = store.import_bank(&first, true, "content", "再次导入", None, now()).await.unwrap();
    assert_eq!((again.version, again.unchanged), (None, 3), "nothing changed: no new version");
    let v1 = store.bank(1).await.unwrap();
    assert_eq!(v1.iter().map(|q| q.question.clone()).collect::<Vec<_>>(), first);

    let second = [question("q-001", "一（修订）"), question("q-002", "二"), question("q-004", "四")];
    let import = store.import_bank(&second, true, "bank.xlsx", "修订", None, now()).await.unwrap();
    assert_eq!((import.version, import.added, import.changed, import.retired), (Some(2), 1, 1, 1));
    let v2: Vec<Question> = store.bank(2).await.unwrap().into_iter().map(|q| q.question).collect();
    assert_eq!(v2, second, "q-003 retired, q-001 changed, q-004 added");
    assert_eq!(store.bank(1).await.unwrap(), v1, "version 1 reads as it was");
    let old = store.questions_by_id(&[v1[0].id, v1[2].id]).await.unwrap();
    assert_eq!((old[0].question.stem.as_str(), old[1].question.code.as_str()), ("一", "q-003"));
    assert!(matches!(store.questions_by_id(&[999_999]).await, Err(StoreError::NotFound)));

    let merged = store.import_bank(&[question("q-005", "五")], false, "more.json", "补充", None, now()).await.unwrap();
    assert_eq!((merged.version, merged.added, merged.retired), (Some(3), 1, 0), "a merge retires nothing");
    assert_eq!(store.bank(3).await.unwrap().len(), 4);
    let versions = store.bank_versions().await.unwrap();
    assert_eq!(
        versions.iter().map(|v| (v.version, v.source.as_str())).collect::<Vec<_>>(),
        [(3, "more.json"), (2, "bank.xlsx"), (1, "content")]
    );
}

async fn set_attempt(store: &Store, founder: i64, unit: i64, person: i64, token: &str) -> (i64, i64) {
    let version = match store.bank_version().await.unwrap() {
        Some(v) => v,
        None => {
            store.import_bank(&[question("q-001", "一")], true, "t", "", None, now()).await.unwrap().version.unwrap()
        }
    };
    let exam = store.create_exam(Some(unit), "内部考核", "{}", version, founder, now()).await.unwrap();
    let attempt = NewAttempt {
        exam_id: exam,
        unit_id: unit,
        person_id: person,
        token,
        mode: "online",
        seed: "00",
        paper: "{\"items\":[]}",
        minutes: 60,
    };
    (exam, store.create_attempt(&attempt, founder, now()).await.unwrap())
}

async fn person(store: &Store, unit: i64, name: &str) -> i64 {
    store
        .add_person(unit, &PersonInfo { name: name.into(), id_number: None, phone: String::new() }, now())
        .await
        .unwrap()
}

async fn an_attempt_saves_answers_while_open_and_is_marked_once_on_the_log(store: &Store, url: &str) {
    let founder = user(store, "founder").await;
    let unit = unit(store, founder).await;
    let p = person(store, unit, "王芳").await;
    let (_, id) = set_attempt(store, founder, unit, p, "t1").await;
    let attempt = store.attempt_by_token("t1").await.unwrap().unwrap();
    assert_eq!((attempt.id, attempt.person_name.as_str(), attempt.started_at), (id, "王芳", None));
    assert!(store.attempt_by_token("t2").await.unwrap().is_none());
    let elsewhere = NewAttempt {
        exam_id: attempt.exam_id,
        unit_id: unit + 1,
        person_id: p,
        token: "t3",
        mode: "online",
        seed: "",
        paper: "",
        minutes: 1,
    };
    let stranger = store.create_attempt(&elsewhere, founder, now());
    assert!(matches!(stranger.await, Err(StoreError::NotFound)), "a person of another unit cannot be set an exam");

    let deadline = now() + chrono::Duration::minutes(60);
    assert!(!store.save_answer(id, 0, Choice(1), now(), deadline).await.unwrap(), "not started: not saved");
    assert!(store.start_attempt(id, now(), deadline).await.unwrap());
    assert!(
        !store.start_attempt(id, now() + chrono::Duration::minutes(5), deadline).await.unwrap(),
        "the clock starts once"
    );
    assert!(store.save_answer(id, 0, Choice(1), now(), deadline).await.unwrap());
    assert!(store.save_answer(id, 1, Choice(6), now(), deadline).await.unwrap());
    assert!(store.save_answer(id, 0, Choice(4), now(), deadline).await.unwrap(), "a changed answer replaces the first");
    let late = deadline + chrono::Duration::seconds(1);
    assert!(!store.save_answer(id, 2, Choice(1), late, deadline).await.unwrap(), "after the deadline: not saved");
    assert_eq!(store.answers(id).await.unwrap(), [(0, Choice(4)), (1, Choice(6))]);
    assert_eq!(store.expired_attempts(deadline, 30).await.unwrap(), Vec::<i64>::new());
    assert_eq!(store.expired_attempts(deadline + chrono::Duration::seconds(31), 30).await.unwrap(), [id]);

    let marked = Marked {
        earned: 45,
        possible: 100,
        passed: false,
        areas: "[]",
        answers: "[\"C\",\"BC\"]",
        timed_out: false,
        at: now() + chrono::Duration::minutes(20),
        on_paper: false,
    };
    let index = store.finish_attempt(id, &marked, now()).await.unwrap();
    assert!(index.is_some());
    let again = Marked { earned: 100, passed: true, ..marked.clone() };
    assert_eq!(store.finish_attempt(id, &again, now()).await.unwrap(), None, "a second submission changes nothing");
    assert!(!store.save_answer(id, 2, Choice(1), now(), deadline).await.unwrap(), "submitted: not saved");
    let done = store.attempt(unit, id).await.unwrap();
    assert_eq!((done.earned, done.passed, done.answers.as_deref()), (Some(45), Some(false), Some("[\"C\",\"BC\"]")));
    assert!(store.attempt(unit + 1, id).await.is_err(), "another unit's attempt is invisible");
    assert_eq!(store.attempts(unit).await.unwrap().len(), 1);
    assert!(store.expired_attempts(deadline + chrono::Duration::hours(1), 30).await.unwrap().is_empty());
    let leaf = store.leaf_for("exam_result", id).await.unwrap().unwrap();
    assert!(leaf.contains("\"tier\":\"exam_result\""), "{leaf}");

    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url).await.unwrap();
    let sql = format!("update exam_attempts set passed = 1 where id = {id}");
    assert!(sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.is_err(), "a mark is final");
    let key = log_key();
    store.sign_checkpoint(&key, now()).await.unwrap();
    assert_eq!(store.audit(&key.verifier()).await.unwrap().findings, vec![]);
}

async fn the_appointment_gate_reads_exam_results(store: &Store, _url: &str) {
    let founder = user(store, "founder").await;
    let unit = unit(store, founder).await;
    let p = person(store, unit, "张伟").await;
    let appointment = AppointmentInfo {
        person_id: p,
        post: Post::Officer,
        employment: Employment::PartTime,
        from: day("2026-03-02"),
        reason: "任命".into(),
    };
    let rule = |name: &str, a: &[_], t: &[_]| {
        check_appointment(name, Post::Officer, day("2026-03-02"), a, t).map_err(|e| e.to_string())
    };
    let mark = |passed| Marked {
        earned: if passed { 900 } else { 500 },
        possible: 1000,
        passed,
        areas: "[]",
        answers: "[]",
        timed_out: false,
        at: now(),
        on_paper: false,
    };
    let deadline = now() + chrono::Duration::minutes(60);
    let (_, failed) = set_attempt(store, founder, unit, p, "fail").await;
    store.start_attempt(failed, now(), deadline).await.unwrap();
    store.finish_attempt(failed, &mark(false), now()).await.unwrap();
    let refused = store.appoint(unit, &appointment, founder, &rule, now()).await;
    assert!(matches!(&refused, Err(StoreError::Refused(m)) if m.contains("未通过考核")), "a failed exam: {refused:?}");
    let (_, passed) = set_attempt(store, founder, unit, p, "pass").await;
    store.start_attempt(passed, now(), deadline).await.unwrap();
    store.finish_attempt(passed, &mark(true), now()).await.unwrap();
    store.appoint(unit, &appointment, founder, &rule, now()).await.unwrap();
}

async fn a_training_session_is_saved_whole_or_not_at_all(store: &Store, _url: &str) {
    let founder = user(store, "founder").await;
    let unit = unit(store, founder).await;
    let (a, b) = (person(store, unit, "王芳").await, person(store, unit, "张伟").await);
    let other_founder = user(store, "other").await;
    let other_unit = store
        .create_unit(
            &unit_info("914403001922038216", "440305"),
            &ccc(),
            SCOPED,
            &zhian_store::Founder { user_id: other_founder, name: "赵六", from: day("2026-01-01") },
            now(),
        )
        .await
        .unwrap();
    let stranger = person(store, other_unit, "外人").await;
    let refused = store
        .record_training_session(unit, day("2026-03-01"), "法规", 20, "李讲师", &[a, stranger], founder, now())
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    assert!(store.training_sessions(unit).await.unwrap().is_empty(), "nothing half-saved");
    let id = store
        .record_training_session(unit, day("2026-03-01"), "法规", 20, "李讲师", &[a, b], founder, now())
        .await
        .unwrap();
    let sessions = store.training_sessions(unit).await.unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!((sessions[0].id, sessions[0].tenth_hours, sessions[0].trainer.as_str()), (id, 20, "李讲师"));
    let mut names: Vec<&str> = sessions[0].attendees.iter().map(|(_, n)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["张伟", "王芳"]);
    assert!(store.training_sessions(other_unit).await.unwrap().is_empty());
}
