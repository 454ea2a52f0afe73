//! The monthly dispatch (月调度), its key work, self-inspections, hazards raised outside a check and the calendar of
//! what is due — through the API and the pages, each record on the log.

use crate::common::{Login, TestApp, check, pointers, unit_with_officer};
use axum::http::StatusCode;
use serde_json::{Value, json};

fn minutes(period: &str, held_at: &str) -> Value {
    json!({
        "period": period, "held_at": held_at, "place": "二楼会议室", "host": "李强", "recorder": "王芳",
        "attendees": "李强、王芳", "report": "本月日管控按时完成", "summary": "整体平稳", "decisions": "加强进货查验",
        "tasks": [
            {"work": "更新风险管控清单", "owner": "王芳", "due": "2026-03-20"},
            {"work": "组织一次复训", "owner": "李强", "due": "2026-03-31"},
        ],
    })
}

async fn verifies(app: &TestApp, who: &Login, unit: i64, kind: &str, id: i64) -> zhian_ledger::record::Record {
    let b = app.get(&format!("/api/v1/units/{unit}/records/{kind}/{id}/bundle"), Some(who)).await;
    assert_eq!(b.status, StatusCode::OK, "{kind} #{id}: {}", b.body);
    let bundle = zhian_ledger::bundle::Bundle::from_json(&b.body).unwrap();
    zhian_ledger::bundle::verify_bundle(&bundle).unwrap().record
}

#[tokio::test]
async fn the_principal_records_the_monthly_minutes_confirms_them_and_their_key_work_becomes_tasks() {
    let app = TestApp::new().await;
    let (principal, officer, id) = unit_with_officer(&app).await;
    let checks = format!("/api/v1/units/{id}/daily-checks");
    app.json("POST", &checks, Some(&officer), check("2026-03-02", &[("nonconforming", "两台车无3C标志")], None)).await;
    let url = format!("/api/v1/units/{id}/monthly-meetings");

    let empty = app.json("POST", &url, Some(&principal), json!({"period": "2026-03"})).await;
    let mut p = pointers(&empty);
    p.sort();
    assert_eq!(
        p,
        ["/attendees", "/decisions", "/held_at", "/host", "/place", "/recorder", "/report", "/summary", "/tasks"]
    );
    let future = app.json("POST", &url, Some(&principal), minutes("2026-03", "2026-03-02T11:00")).await;
    assert_eq!(pointers(&future), ["/held_at"], "10:00 now; a meeting at 11:00 has not been held");
    let mut bad = minutes("2026-03", "2026-03-02T09:00");
    bad["tasks"][1]["owner"] = json!("");
    assert_eq!(pointers(&app.json("POST", &url, Some(&principal), bad).await), ["/tasks/1/owner"]);
    let by_officer = app.json("POST", &url, Some(&officer), minutes("2026-03", "2026-03-02T09:00")).await;
    assert_eq!(by_officer.status, StatusCode::FORBIDDEN);
    assert!(app.get(&format!("/api/v1/units/{id}/tasks"), Some(&officer)).await.json().as_array().unwrap().is_empty());

    let r = app.json("POST", &url, Some(&principal), minutes("2026-03", "2026-03-02T09:00")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let m = r.json();
    let meeting = m["id"].as_i64().unwrap();
    assert!(m["draft"].as_str().unwrap().contains("本月发现 1 项"), "drafted from the month's records: {m}");
    assert_eq!(m["attendees"], json!(["李强", "王芳"]));
    assert!(m["confirmed"].is_null());
    let again = app.json("POST", &url, Some(&principal), minutes("2026-03", "2026-03-02T09:30")).await;
    assert!(again.body.contains("已有月调度会议纪要"), "{}", again.body);

    let late = app.json("POST", &url, Some(&principal), minutes("2026-02", "2026-02-27T15:00")).await;
    assert_eq!(late.status, StatusCode::CREATED, "a late record is accepted: {}", late.body);
    let calendar = app.get(&format!("/api/v1/units/{id}/calendar?from=2026-02-20&to=2026-03-02"), Some(&officer)).await;
    let slots = calendar.json()["slots"].as_array().unwrap().clone();
    let status = |tier: &str, period: &str| {
        slots
            .iter()
            .find(|s| s["tier"] == tier && s["period"] == period)
            .map(|s| s["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(status("monthly", "2026-03").as_deref(), Some("done"));
    assert_eq!(status("monthly", "2026-02").as_deref(), Some("late"), "marked late where it is shown");
    assert_eq!(status("daily", "2026-03-02").as_deref(), Some("done"));
    assert_eq!(status("daily", "2026-02-27").as_deref(), Some("missing"));

    let tasks = app.get(&format!("/api/v1/units/{id}/tasks"), Some(&officer)).await.json();
    assert_eq!(tasks.as_array().unwrap().len(), 2 + 2, "two meetings, two tasks each: {tasks}");
    let task = tasks.as_array().unwrap().iter().find(|t| t["meeting_id"] == meeting).unwrap()["id"].as_i64().unwrap();
    let done_url = format!("/api/v1/units/{id}/tasks/{task}/done");
    assert_eq!(pointers(&app.json("POST", &done_url, Some(&officer), json!({"note": ""})).await), ["/note"]);
    let done = app.json("POST", &done_url, Some(&officer), json!({"note": "清单已修订为第 2 版"})).await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.body);
    let done_id = done.json()["id"].as_i64().unwrap();
    let twice = app.json("POST", &done_url, Some(&officer), json!({"note": "again"})).await;
    assert!(twice.body.contains("已报告完成"), "{}", twice.body);
    assert_eq!(app.get(&format!("/api/v1/units/{id}/tasks"), Some(&officer)).await.json().as_array().unwrap().len(), 3);

    let confirm = format!("{url}/{meeting}/confirm");
    assert_eq!(app.json("POST", &confirm, Some(&officer), json!({})).await.status, StatusCode::FORBIDDEN);
    let c = app.json("POST", &confirm, Some(&principal), json!({"note": "同意"})).await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.body);
    assert_eq!(c.json()["confirmed"]["note"], "同意");
    let twice = app.json("POST", &confirm, Some(&principal), json!({})).await;
    assert!(twice.body.contains("已确认"), "{}", twice.body);

    let record = verifies(&app, &principal, id, "monthly_meeting", meeting).await;
    assert_eq!((record.tier.as_str(), record.period.as_str()), ("monthly_meeting", "2026-03"));
    // A fresh database: the first confirmation is #1.
    assert_eq!(verifies(&app, &principal, id, "monthly_confirmation", 1).await.author, "liqiang");
    assert_eq!(verifies(&app, &principal, id, "task_done", done_id).await.author, "wangfang");

    let page = app.get(&format!("/units/{id}/meetings/{meeting}"), Some(&officer)).await;
    assert!(page.body.contains("已确认") && page.body.contains("清单已修订为第 2 版"), "{}", page.body);
    let list = app.get(&format!("/units/{id}/meetings"), Some(&principal)).await;
    assert!(list.body.contains("组织一次复训") && list.body.contains("逾期补录"), "{}", list.body);
    let dashboard = app.get(&format!("/units/{id}"), Some(&principal)).await;
    assert!(
        dashboard.body.contains("月调度（2026-03）") && dashboard.body.contains("组织一次复训"),
        "{}",
        dashboard.body
    );
    let month = app.get(&format!("/units/{id}/calendar?month=2026-02"), Some(&officer)).await;
    assert_eq!(month.status, StatusCode::OK);
    assert!(month.body.contains("缺失") && month.body.contains("月调度 2026-02"), "{}", month.body);
    assert_eq!(
        app.get(&format!("/units/{id}/calendar?month=2026-13"), Some(&officer)).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_minutes_form_starts_from_the_draft_and_shows_errors_by_field() {
    let app = TestApp::new().await;
    let (principal, _, id) = unit_with_officer(&app).await;
    let form = app.get(&format!("/units/{id}/meetings/new"), Some(&principal)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("一、日管控：本月应检"), "the report starts as the draft: {}", form.body);
    let r = app
        .post_form(
            &format!("/units/{id}/meetings"),
            Some(&principal),
            &[("period", "2026-03"), ("held_at", "2026-03-02T09:00"), ("place", "门店"), ("task_work", "复训")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写主持人") && r.body.contains("第 1 项重点工作的责任人"), "{}", r.body);
    assert!(r.body.contains(r#"value="门店""#), "nothing typed is lost");
    let ok = app
        .post_form(
            &format!("/units/{id}/meetings"),
            Some(&principal),
            &[
                ("period", "2026-03"),
                ("held_at", "2026-03-02T09:00"),
                ("place", "门店"),
                ("host", "李强"),
                ("recorder", "王芳"),
                ("attendees", "李强，王芳"),
                ("report", "汇报"),
                ("summary", "总结"),
                ("decisions", "决定"),
                ("task_work", "复训"),
                ("task_owner", "王芳"),
                ("task_due", "2026-03-10"),
                ("task_work", ""),
                ("task_owner", ""),
                ("task_due", ""),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let shown = app.get(ok.location(), Some(&principal)).await;
    assert!(shown.body.contains("待主要负责人确认") && shown.body.contains("确认纪要"), "{}", shown.body);
}

#[tokio::test]
async fn a_self_inspection_may_link_a_weekly_review_and_open_a_hazard() {
    let app = TestApp::new().await;
    let (principal, officer, id) = unit_with_officer(&app).await;
    let url = format!("/api/v1/units/{id}/self-inspections");
    let body = |review: Option<i64>| {
        json!({"date": "2026-03-02", "scope": "进货查验记录", "findings": "两批次无合格证", "measures": "退货并约谈供货商",
               "weekly_review": review, "raise_hazard": true})
    };
    let none = app.json("POST", &url, Some(&officer), json!({"date": "2026-03-03", "scope": ""})).await;
    let mut p = pointers(&none);
    p.sort();
    assert_eq!(p, ["/date", "/scope"], "not dated ahead, scope required");
    let foreign = app.json("POST", &url, Some(&officer), body(Some(999))).await;
    assert_eq!(pointers(&foreign), ["/weekly_review"]);
    assert!(app.get(&url, Some(&officer)).await.json().as_array().unwrap().is_empty(), "nothing saved");

    let review = app
        .json(
            "POST",
            &format!("/api/v1/units/{id}/weekly-reviews"),
            Some(&officer),
            json!({"period": "2026-W10", "analysis": "a", "conclusions": "c"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let r = app.json("POST", &url, Some(&officer), body(Some(review))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let s = r.json();
    let hazard = s["hazard"].as_i64().expect("a hazard was opened");
    assert_eq!(s["weekly_review"], review);
    let inbox = app.get("/api/v1/notifications", Some(&principal)).await.json();
    assert!(inbox[0]["message"].as_str().unwrap().contains("两批次无合格证"), "the managers hear at once: {inbox}");
    let record = verifies(&app, &principal, id, "self_inspection", s["id"].as_i64().unwrap()).await;
    assert_eq!(record.period, "2026-03-02");
    let page = app.get(&format!("/units/{id}/hazards"), Some(&principal)).await;
    assert!(page.body.contains(&format!("/units/{id}/inspections/{}", s["id"])), "{}", page.body);
    let h = app.get(&format!("/api/v1/units/{id}/hazards/{hazard}"), Some(&principal)).await.json();
    assert_eq!(h["status"], "open");

    let adhoc = app
        .json(
            "POST",
            &format!("/api/v1/units/{id}/hazards"),
            Some(&officer),
            json!({"title": "灭火器过期", "description": "仓库两具灭火器过期"}),
        )
        .await;
    assert_eq!(adhoc.status, StatusCode::CREATED, "{}", adhoc.body);
    let adhoc = adhoc.json()["id"].as_i64().unwrap();
    let h = app.get(&format!("/api/v1/units/{id}/hazards/{adhoc}"), Some(&principal)).await.json();
    assert_eq!(h["events"][0]["step"], "raise");
    verifies(&app, &principal, id, "hazard_event", h["events"][0]["id"].as_i64().unwrap()).await;
    let blank = app.json("POST", &format!("/api/v1/units/{id}/hazards"), Some(&officer), json!({})).await;
    let mut p = pointers(&blank);
    p.sort();
    assert_eq!(p, ["/description", "/title"]);
}

#[tokio::test]
async fn an_officer_whose_appointment_ends_loses_the_right_at_once() {
    let app = TestApp::new().await;
    let (principal, officer, id) = unit_with_officer(&app).await;
    let checks = format!("/api/v1/units/{id}/daily-checks");
    let r = app.json("POST", &checks, Some(&officer), check("2026-03-02", &[("conforming", "")], None)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let appointments = app.get(&format!("/api/v1/units/{id}/appointments"), Some(&principal)).await.json();
    let officer_post = appointments.as_array().unwrap().iter().find(|a| a["post"] == "officer").unwrap()["id"].clone();
    let end = app
        .json(
            "POST",
            &format!("/api/v1/units/{id}/appointments/{officer_post}/end"),
            Some(&principal),
            json!({"to": "2026-03-01", "end_reason": "调岗"}),
        )
        .await;
    assert_eq!(end.status, StatusCode::NO_CONTENT, "{}", end.body);
    let r = app.json("POST", &checks, Some(&officer), check("2026-03-01", &[("conforming", "")], None)).await;
    // No longer one of the unit's people: the unit is as good as absent to them.
    assert_eq!(r.status, StatusCode::NOT_FOUND, "the guard's memory of the officer's post is dropped: {}", r.body);
}
