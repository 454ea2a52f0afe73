//! A random spot check end to end over HTTP: the regulator publishes a plan (list frozen, seed committed), draws,
//! the drawn people sit the exam (online by link, or scores entered after paper), the results are published with
//! masked names and no ID numbers, failures become rectification orders, and a unit reports its fix; the draw
//! document recomputes, and a changed one does not.

use crate::common;
use crate::common::credit_code as code;
use crate::common::{Login, TestApp};
use axum::http::StatusCode;
use zhian_domain::ident::DivisionCode;
use zhian_domain::spotcheck::{DrawRecord, VerifyError, verify};

/// Five units with an officer each (ID numbers on record) and two registered with no one in post.
async fn county(app: &TestApp) -> (Login, Vec<(Login, i64, i64)>) {
    let regulator = app.user("nanshan", false).await;
    app.state.store.grant_jurisdiction(regulator, DivisionCode::parse("440305").unwrap(), common::now()).await.unwrap();
    let regulator = app.login(regulator).await;
    let mut units = Vec::new();
    for k in 1..=5 {
        let principal = app.user(&format!("p{k}"), false).await;
        let me = app.login(principal).await;
        let unit = app.unit(&me, &code(&format!("92440305MA500010{k}")), "440305", &["ccc-10"]).await;
        let (person, _) = app.staff(&me, unit, &format!("王{k}芳"), "officer").await;
        units.push((me, unit, person));
    }
    let csv = format!(
        "单位名称,统一社会信用代码,经营地址,行政区划代码,主营业务,从业人员,营业收入（元）,产品类别\n\
         空一商行,{},南山路 1 号,440305,零售,3,500000,ccc-10\n空二商行,{},南山路 2 号,440305,零售,3,500000,ccc-10\n",
        code("92440305MA5000201"),
        code("92440305MA5000202")
    );
    let r =
        app.post_multipart("/regulator/registry", Some(&regulator), &[], &[("file", "u.csv", csv.as_bytes())]).await;
    assert!(r.body.contains("新登记 2 家单位"), "{}", r.body);
    (regulator, units)
}

async fn draw_record(app: &TestApp, plan: &str) -> DrawRecord {
    let r = app.get(&format!("/spot-checks/{plan}/draw.json"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    serde_json::from_str(&r.body).unwrap()
}

#[tokio::test]
async fn a_spot_check_runs_from_plan_to_rectification_and_its_draw_recomputes() {
    let app = TestApp::new().await;
    let (regulator, units) = county(&app).await;
    let form = [
        ("title", "2026 年第一季度监督抽查考核"),
        ("division_code", "440305"),
        ("sample_kind", "count"),
        ("sample_value", "7"),
        ("people_per_unit", "1"),
        ("rectify_days", "30"),
    ];
    let bad = app
        .post_form(
            "/regulator/spot-checks",
            Some(&regulator),
            &[("division_code", "440304"), ("sample_kind", "count"), ("sample_value", "0")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("440304 不在本账号的辖区内") && bad.body.contains("抽查单位数应为"), "{}", bad.body);
    let r = app.post_form("/regulator/spot-checks", Some(&regulator), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let plan_url = r.location().to_owned();
    let plan = plan_url.rsplit('/').next().unwrap().to_owned();

    let before = draw_record(&app, &plan).await;
    assert_eq!(before.candidates.lines().count(), 8, "a header and seven units");
    assert_eq!(verify(&before), Err(VerifyError::NotDrawn));
    let public = app.get(&format!("/spot-checks/{plan}"), None).await;
    assert!(public.body.contains(&before.commitment) && public.body.contains("尚未抽取"));

    let r = app.post_form(&format!("{plan_url}/draw"), Some(&regulator), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = draw_record(&app, &plan).await;
    assert_eq!(
        (after.commitment.clone(), after.list_sha256.clone()),
        (before.commitment.clone(), before.list_sha256.clone())
    );
    let drawn = verify(&after).unwrap();
    assert_eq!(drawn.len(), 7);
    assert_eq!(drawn.iter().filter(|d| d.people.is_empty()).count(), 2);
    app.post_form(&format!("{plan_url}/draw"), Some(&regulator), &[]).await;
    assert_eq!(draw_record(&app, &plan).await, after, "drawing again changes nothing");

    // A changed seed, list or result no longer verifies.
    let mut forged = after.clone();
    forged.seed = Some("00".repeat(32));
    assert!(matches!(verify(&forged), Err(VerifyError::Commitment { .. })));
    let mut forged = after.clone();
    forged.candidates = forged.candidates.replacen("空一商行", "空壹商行", 1);
    assert!(matches!(verify(&forged), Err(VerifyError::List { .. })));

    let page = app.get(&plan_url, Some(&regulator)).await;
    let links: Vec<String> = page
        .body
        .split("class=\"exam-link\" href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect();
    assert_eq!(links.len(), 5, "one exam per drawn person");
    let early = app.post_form(&format!("{plan_url}/publish"), Some(&regulator), &[]).await;
    assert!(early.body.contains("尚有 5 人未完成考核"), "{}", early.body);

    // Four sit on paper and pass; the fifth takes the exam online and answers nothing right: fails.
    let attempts: Vec<String> = page
        .body
        .split("name=\"attempt_id\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect();
    let token = links[4].rsplit('/').next().unwrap().to_owned();
    let failing = app.state.store.attempt_by_token(&token).await.unwrap().unwrap();
    for a in attempts.iter().filter(|a| **a != failing.id.to_string()) {
        let r =
            app.post_form(&format!("{plan_url}/scores"), Some(&regulator), &[("attempt_id", a), ("score", "92")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let paper_token = links.iter().map(|l| l.rsplit('/').next().unwrap()).find(|t| **t != token).unwrap();
    let paper = app.get(&format!("/exam/{paper_token}"), None).await;
    assert!(
        paper.body.contains("id=\"paper-exam\"") && paper.body.contains("<span id=\"score\">92</span>"),
        "{}",
        paper.body
    );
    assert!(!paper.body.contains("答题解析"), "a paper exam has no per-question marking online");
    let wrong = app
        .post_form(&format!("{plan_url}/scores"), Some(&regulator), &[("attempt_id", &attempts[0]), ("score", "93")])
        .await;
    assert!(wrong.body.contains("成绩已记录，不能更改"), "{}", wrong.body);
    let exam = app.get(&format!("/exam/{token}"), None).await;
    let cookie = exam.set_cookies().into_iter().find(|c| c.starts_with("zhian_login_csrf=")).unwrap();
    let csrf = cookie.split(';').next().unwrap().trim_start_matches("zhian_login_csrf=").to_owned();
    let browser = Login { user_id: 0, cookie: format!("zhian_login_csrf={csrf}"), csrf };
    app.post_form(&format!("/exam/{token}/start"), Some(&browser), &[]).await;
    let r = app.post_form(&format!("/exam/{token}/submit"), Some(&browser), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let r = app.post_form(&format!("{plan_url}/publish"), Some(&regulator), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let public = app.get(&format!("/spot-checks/{plan}"), None).await;
    assert!(public.body.contains("考核结果"), "{}", public.body);
    assert_eq!(public.body.matches(">合格<").count(), 4);
    assert!(public.body.contains("未配备质量安全管理人员"));
    assert!(public.body.contains(&zhian_domain::ident::mask_name(&failing.person_name)));
    assert!(!public.body.contains(&failing.person_name), "names are masked");
    assert!(!public.body.contains("44030519"), "never an ID number");

    // The failing unit sees its order; reporting a fix needs a passed reassessment first.
    let (principal, unit, person) = units.iter().find(|(_, u, _)| *u == failing.unit_id).unwrap();
    assert_eq!(*person, failing.person_id);
    let home = app.get(&format!("/units/{unit}"), Some(principal)).await;
    assert!(home.body.contains("整改通知 1 项尚未报告整改完成"), "the dashboard says so: {}", home.body);
    let orders = app.get(&format!("/units/{unit}/rectifications"), Some(principal)).await;
    assert!(orders.body.contains("监督抽查考核不合格（0 分）") && orders.body.contains("整改中"), "{}", orders.body);
    let order: String = orders.body.split("/rectifications/").nth(1).unwrap().split('/').next().unwrap().to_owned();
    let report = format!("/units/{unit}/rectifications/{order}/report");
    let r = app.post_form(&report, Some(principal), &[("kind", "retrained"), ("text", "已重新培训")]).await;
    assert!(r.body.contains("尚无考核合格记录"), "{}", r.body);
    pass_internal_exam(&app, principal, *unit, *person).await;
    let r =
        app.post_form(&report, Some(principal), &[("kind", "retrained"), ("text", "已组织重新培训并考核合格")]).await;
    assert!(r.body.contains("已报告整改完成"), "{}", r.body);
    let again = app.post_form(&report, Some(principal), &[("kind", "retrained"), ("text", "再报")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let tracking = app.get(&plan_url, Some(&regulator)).await;
    assert!(tracking.body.contains("已整改") && tracking.body.contains("整改中"), "{}", tracking.body);
    let stranger = app.get(&plan_url, Some(principal)).await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN, "a unit cannot see the regulator's plan");
    let audit = app.state.store.audit(&app.state.log_key.verifier()).await.unwrap();
    assert_eq!(audit.findings, vec![], "plan, draw, results, orders and the report are on the log");
}

/// The unit's principal sets an internal exam for the person and it is answered right throughout.
async fn pass_internal_exam(app: &TestApp, principal: &Login, unit: i64, person: i64) {
    let r = app
        .post_form(&format!("/units/{unit}/assessments"), Some(principal), &[("person_id", &person.to_string())])
        .await;
    let link = r.body.split("id=\"exam-link\" href=\"").nth(1).unwrap().split('"').next().unwrap();
    let token = link.rsplit('/').next().unwrap();
    app.post_form(&format!("/exam/{token}/start"), Some(principal), &[]).await;
    let attempt = app.state.store.attempt_by_token(token).await.unwrap().unwrap();
    let paper: serde_json::Value = serde_json::from_str(&attempt.paper).unwrap();
    let items = paper["items"].as_array().unwrap();
    let ids: Vec<i64> = items.iter().map(|i| i["q"].as_i64().unwrap()).collect();
    let questions = app.state.store.questions_by_id(&ids).await.unwrap();
    let mut fields: Vec<(String, String)> = Vec::new();
    for (k, (item, q)) in items.iter().zip(&questions).enumerate() {
        for (shown, written) in item["o"].as_array().unwrap().iter().enumerate() {
            if q.question.answer.has(written.as_u64().unwrap() as usize) {
                fields.push((format!("q{k}"), zhian_domain::exam::letter(shown).to_string()));
            }
        }
    }
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = app.post_form(&format!("/exam/{token}/submit"), Some(principal), &pairs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let done = app.state.store.attempt_by_token(token).await.unwrap().unwrap();
    assert_eq!(done.passed, Some(true));
}
