//! Training assessment end to end over HTTP: a principal sets an exam, the candidate takes it by its link without
//! signing in — answers saved one by one and surviving a reload — and it is marked on submission (partial credit on
//! multiple-choice as documented, a second submission changing nothing) or when the time runs out; the appointment
//! gate then reads the result; the bank is imported and exported with a per-row error report.

use crate::common::{Login, Reply, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use zhian_domain::exam::{Choice, Kind};
use zhian_domain::time::Clock as _;

/// The candidate's browser: the double-submit cookie the exam page set, and its token.
struct Browser {
    cookie: String,
    csrf: String,
}

async fn open(app: &TestApp, token: &str) -> (Reply, Browser) {
    let r = app.get(&format!("/exam/{token}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let set =
        r.set_cookies().into_iter().find(|c| c.starts_with("zhian_login_csrf=")).expect("the page sets its cookie");
    let value = set.split(';').next().unwrap().trim_start_matches("zhian_login_csrf=").to_owned();
    (r, Browser { cookie: format!("zhian_login_csrf={value}"), csrf: value })
}

async fn post(app: &TestApp, b: &Browser, path: &str, fields: &[(&str, &str)], scripted: bool) -> Reply {
    let mut pairs = fields.to_vec();
    pairs.push(("_csrf", &b.csrf));
    let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    let mut r = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &b.cookie);
    if scripted {
        r = r.header("x-requested-with", "fetch");
    }
    app.send(r.body(Body::from(body)).unwrap()).await
}

/// A unit whose principal sets an exam for 张伟; returns (principal, unit, person, token).
async fn set_exam(app: &TestApp) -> (Login, i64, i64, String) {
    let principal = app.user("liqiang", false).await;
    let me = app.login(principal).await;
    let unit = app.unit(&me, "92440305MA5G7K3L2A", "440305", &["ccc-10"]).await;
    let r =
        app.json("POST", &format!("/api/v1/units/{unit}/people"), Some(&me), serde_json::json!({"name": "张伟"})).await;
    let person = r.json()["id"].as_i64().unwrap();
    let r =
        app.post_form(&format!("/units/{unit}/assessments"), Some(&me), &[("person_id", &person.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let link = r.body.split("id=\"exam-link\" href=\"").nth(1).unwrap().split('"').next().unwrap();
    let token = link.rsplit('/').next().unwrap().to_owned();
    assert_eq!(token.len(), 64, "{link}");
    (me, unit, person, token)
}

/// The paper behind a token: per question (kind, right letters as shown, a wrong single letter as shown).
async fn key(app: &TestApp, token: &str) -> Vec<(Kind, String, String)> {
    let attempt = app.state.store.attempt_by_token(token).await.unwrap().unwrap();
    let paper: serde_json::Value = serde_json::from_str(&attempt.paper).unwrap();
    let items = paper["items"].as_array().unwrap();
    let ids: Vec<i64> = items.iter().map(|i| i["q"].as_i64().unwrap()).collect();
    let questions = app.state.store.questions_by_id(&ids).await.unwrap();
    items
        .iter()
        .zip(questions)
        .map(|(item, q)| {
            let order: Vec<usize> =
                item["o"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
            let shown = order
                .iter()
                .enumerate()
                .filter(|(_, w)| q.question.answer.has(**w))
                .fold(Choice::NONE, |c, (k, _)| c.with(k));
            let wrong = (0..order.len()).find(|k| !shown.has(*k)).unwrap();
            (q.question.kind, shown.letters(), Choice::NONE.with(wrong).letters())
        })
        .collect()
}

#[tokio::test]
async fn a_candidate_takes_an_exam_by_link_and_it_is_marked_as_documented() {
    let app = TestApp::new().await;
    let (me, unit, person, token) = set_exam(&app).await;
    let (page, b) = open(&app, &token).await;
    assert!(page.body.contains("考试须知") && page.body.contains("单选题：30 题，每题 2 分"), "{}", page.body);
    assert!(page.body.contains("张*") && !page.body.contains("张伟"), "the page names the candidate masked");
    let early = post(&app, &b, &format!("/exam/{token}/save"), &[("position", "0"), ("answer", "A")], true).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "not started: {}", early.body);
    assert!(early.body.contains("尚未开始"));

    let r = post(&app, &b, &format!("/exam/{token}/start"), &[], false).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let key = key(&app, &token).await;
    assert_eq!(key.len(), 60);
    let first_multiple = key.iter().position(|(k, _, _)| *k == Kind::Multiple).unwrap();
    let first_single = key.iter().position(|(k, _, _)| *k == Kind::Single).unwrap();
    let mut sent = Vec::new();
    for (i, (_, right, wrong)) in key.iter().enumerate() {
        let answer = if i == first_multiple {
            right[..1].to_owned() // some of the right options, no wrong one: half the points
        } else if i == first_single {
            wrong.clone() // a wrong option: nothing
        } else {
            right.clone()
        };
        sent.push(answer.clone());
        let r =
            post(&app, &b, &format!("/exam/{token}/save"), &[("position", &i.to_string()), ("answer", &answer)], true)
                .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{i}: {}", r.body);
    }
    let bad = post(&app, &b, &format!("/exam/{token}/save"), &[("position", "0"), ("answer", "Z")], true).await;
    assert_eq!(bad.status, StatusCode::CONFLICT);
    assert!(bad.body.contains("不是该题的选项"), "{}", bad.body);
    let two = post(
        &app,
        &b,
        &format!("/exam/{token}/save"),
        &[("position", &first_single.to_string()), ("answer", "AB")],
        true,
    )
    .await;
    assert!(two.body.contains("只能选一个答案"), "{}", two.body);

    // A reload shows every saved answer checked and the clock still running.
    let again = app.get(&format!("/exam/{token}"), None).await;
    assert_eq!(again.body.matches(" checked>").count(), sent.iter().map(String::len).sum::<usize>());
    assert!(again.body.contains("data-seconds-left=\"3600\""), "no time has passed on the fixed clock");

    let r = post(&app, &b, &format!("/exam/{token}/submit"), &[], false).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let result = app.get(&format!("/exam/{token}"), None).await;
    // 100 − 2 (the wrong single) − 1 (half of a 2-point multiple) = 97.
    assert!(result.body.contains("<span id=\"score\">97</span> / 100"), "{}", result.body);
    assert!(result.body.contains("合格") && result.body.contains("答题解析") && result.body.contains("部分正确"));
    assert!(result.body.contains("下载合格证明"));
    let second =
        post(&app, &b, &format!("/exam/{token}/submit"), &[(&format!("q{first_single}"), &key[first_single].1)], false)
            .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert!(
        app.get(&format!("/exam/{token}"), None).await.body.contains("<span id=\"score\">97</span>"),
        "a second submission changes nothing"
    );
    let late = post(&app, &b, &format!("/exam/{token}/save"), &[("position", "0"), ("answer", "A")], true).await;
    assert!(late.body.contains("已交卷"), "{}", late.body);

    // The unit sees the result; the gate now lets the person be appointed.
    let training = app.get(&format!("/units/{unit}/training"), Some(&me)).await;
    assert!(training.body.contains("合格（97 分）"), "{}", training.body);
    let appoint =
        serde_json::json!({"person_id": person, "post": "officer", "employment": "part_time", "from": "2026-03-02"});
    let r = app.json("POST", &format!("/api/v1/units/{unit}/appointments"), Some(&me), appoint).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let audit = app.state.store.audit(&app.state.log_key.verifier()).await.unwrap();
    assert_eq!(audit.findings, vec![], "the mark is on the log");
}

#[tokio::test]
async fn time_runs_out_and_the_saved_answers_are_marked() {
    let app = TestApp::new().await;
    let (me, unit, person, token) = set_exam(&app).await;
    let (_, b) = open(&app, &token).await;
    post(&app, &b, &format!("/exam/{token}/start"), &[], false).await;
    let key = key(&app, &token).await;
    for (i, (_, right, _)) in key.iter().enumerate().take(10) {
        post(&app, &b, &format!("/exam/{token}/save"), &[("position", &i.to_string()), ("answer", right)], true).await;
    }
    let start = app.clock.now();
    app.clock.set(start + chrono::Duration::minutes(60) + chrono::Duration::seconds(29));
    let in_grace =
        post(&app, &b, &format!("/exam/{token}/save"), &[("position", "10"), ("answer", &key[10].1)], true).await;
    assert_eq!(in_grace.status, StatusCode::NO_CONTENT, "a save in flight at the deadline counts");
    app.clock.set(start + chrono::Duration::minutes(61));
    let refused =
        post(&app, &b, &format!("/exam/{token}/save"), &[("position", "11"), ("answer", &key[11].1)], true).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let page = app.get(&format!("/exam/{token}"), None).await;
    assert!(page.body.contains("考试时间已到，系统按已保存的答案自动交卷"), "{}", page.body);
    let expected: u32 = key.iter().take(11).map(|(k, _, _)| if *k == Kind::TrueFalse { 1 } else { 2 }).sum();
    assert!(page.body.contains(&format!("<span id=\"score\">{expected}</span>")), "{}", page.body);
    assert!(page.body.contains("不合格"));
    let appoint =
        serde_json::json!({"person_id": person, "post": "officer", "employment": "part_time", "from": "2026-03-02"});
    let r = app.json("POST", &format!("/api/v1/units/{unit}/appointments"), Some(&me), appoint).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a failed exam keeps the post closed: {}", r.body);
    assert!(r.body.contains("未通过考核"));
}

#[tokio::test]
async fn an_unknown_link_is_not_found_and_sweeping_marks_forgotten_exams() {
    let app = TestApp::new().await;
    assert_eq!(app.get(&format!("/exam/{}", "0".repeat(64)), None).await.status, StatusCode::NOT_FOUND);
    let (_, _, _, token) = set_exam(&app).await;
    let (_, b) = open(&app, &token).await;
    post(&app, &b, &format!("/exam/{token}/start"), &[], false).await;
    app.clock.set(app.clock.now() + chrono::Duration::hours(2));
    let attempt = app.state.store.attempt_by_token(&token).await.unwrap().unwrap();
    assert!(attempt.submitted_at.is_none());
    zhian_web::reminders::mark_expired(&app.state).await.unwrap();
    let attempt = app.state.store.attempt_by_token(&token).await.unwrap().unwrap();
    assert_eq!((attempt.timed_out, attempt.passed, attempt.earned), (true, Some(false), Some(0)));
    assert_eq!(attempt.submitted_at, attempt.deadline_at, "marked at its deadline, not when swept");
}

#[tokio::test]
async fn the_bank_is_imported_with_every_bad_row_named_and_exported_in_both_formats() {
    let app = TestApp::new().await;
    let admin = app.user("admin", true).await;
    let admin = app.login(admin).await;
    let page = app.get("/admin/bank", Some(&admin)).await;
    assert!(page.body.contains("<span id=\"bank-total\">"), "{}", page.body);
    let total = app.state.reference.questions.len();
    assert!(page.body.contains(&format!("<span id=\"bank-total\">{total}</span>")));

    let xlsx = app.get("/admin/bank/export.xlsx", Some(&admin)).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let json = app.get("/admin/bank/export.json", Some(&admin)).await;
    assert_eq!(json.json()["questions"].as_array().unwrap().len(), total);
    // The export imports back unchanged: no new version.
    let r = app
        .post_multipart("/admin/bank", Some(&admin), &[("replace", "true")], &[("file", "bank.xlsx", &xlsx.bytes)])
        .await;
    assert!(r.body.contains("未生成新版本"), "{}", r.body);

    // A workbook with bad rows and a duplicated code: every problem named, nothing imported.
    let mut sheets = zhian_docs::sheet::read_xlsx(&xlsx.bytes).unwrap();
    let rows = &mut sheets[0].rows;
    rows[2][12] = "Z".into(); // answer out of range
    rows[3][1] = "问答题".into(); // unknown kind
    rows[4][0] = rows[5][0].clone(); // duplicate code
    rows[6][3] = "火箭".into(); // unknown category
    let heading: Vec<&str> = rows[0].iter().map(String::as_str).collect();
    let bad = zhian_docs::sheet::write_xlsx("题库", &heading, &rows[1..]).unwrap();
    let r = app.post_multipart("/admin/bank", Some(&admin), &[], &[("file", "bad.xlsx", &bad)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for part in [
        "第 3 行",
        "答案“Z”无效",
        "第 4 行",
        "题型“问答题”无效",
        "在文件中重复",
        "第 7 行",
        "产品类别“火箭”不存在",
        "发现 4 处问题",
    ] {
        assert!(r.body.contains(part), "{part}: {}", r.body);
    }
    assert_eq!(app.state.store.bank_version().await.unwrap(), Some(1), "nothing imported");

    // A workbook without the 题库 sheet.
    let wrong = zhian_docs::sheet::write_xlsx("Sheet1", &["名称"], &[vec!["x".into()]]).unwrap();
    let r = app.post_multipart("/admin/bank", Some(&admin), &[], &[("file", "wrong.xlsx", &wrong)]).await;
    assert!(r.body.contains("找不到“题库”工作表（文件中的工作表：Sheet1）"), "{}", r.body);

    // A JSON file that changes one question: a new version with one revision.
    let mut doc = json.json();
    doc["questions"][0]["explanation"] = "解析：修订后的解析文字。".into();
    let r =
        app.post_multipart("/admin/bank", Some(&admin), &[], &[("file", "fix.json", doc.to_string().as_bytes())]).await;
    assert!(r.body.contains("已导入为第 2 版：新增 0 题，修订 1 题，停用 0 题"), "{}", r.body);
    assert_eq!(app.get("/admin/bank", None).await.status, StatusCode::SEE_OTHER, "signed out: to log-in");
}
