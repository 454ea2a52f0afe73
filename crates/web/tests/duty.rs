//! The duty cycle through the API and the pages: daily checks, hazards, the unit's rhythm and suspensions, weekly
//! reviews and vetoes — each on the log, each refused with a clear reason when it must be.

use crate::common;
use crate::common::{TestApp, check, pointers, unit_with_officer};
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_officer_records_the_daily_check_and_a_nonconformity_opens_a_hazard() {
    let app = TestApp::new().await;
    let (principal, officer, id) = unit_with_officer(&app).await;
    let url = format!("/api/v1/units/{id}/daily-checks");
    let r = app
        .json(
            "POST",
            &url,
            Some(&officer),
            check("2026-03-02", &[("conforming", ""), ("nonconforming", "两台车无3C标志")], None),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let first = r.json();
    assert_eq!((first["zero_risk"].as_bool(), first["hazards"].as_array().unwrap().len()), (Some(false), 1));
    let first_id = first["id"].as_i64().unwrap();

    let again = app.json("POST", &url, Some(&officer), check("2026-03-02", &[("conforming", "")], None)).await;
    assert_eq!((again.status, pointers(&again)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["/period".to_owned()]));
    assert!(again.body.contains("已有检查记录") && again.body.contains("更正"), "{}", again.body);
    let future = app.json("POST", &url, Some(&officer), check("2026-03-03", &[("conforming", "")], None)).await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future.body.contains("尚未开始"), "{}", future.body);
    let no_note = app.json("POST", &url, Some(&officer), check("2026-03-01", &[("nonconforming", "")], None)).await;
    assert_eq!(pointers(&no_note), ["/items/0/note"]);
    let by_principal = app.json("POST", &url, Some(&principal), check("2026-03-01", &[("conforming", "")], None)).await;
    assert_eq!(by_principal.status, StatusCode::FORBIDDEN);
    assert!(by_principal.body.contains("质量安全员填写"), "{}", by_principal.body);

    let late = app.json("POST", &url, Some(&officer), check("2026-03-01", &[("conforming", "")], None)).await;
    assert_eq!(late.status, StatusCode::CREATED, "a late check is accepted: {}", late.body);
    let fixed = app
        .json(
            "POST",
            &url,
            Some(&officer),
            check("2026-03-02", &[("conforming", ""), ("conforming", "已下架")], Some(first_id)),
        )
        .await;
    assert_eq!(fixed.status, StatusCode::CREATED, "{}", fixed.body);
    assert_eq!(fixed.json()["amends"], first_id);
    let list = app.get(&url, Some(&principal)).await.json();
    assert_eq!(list.as_array().unwrap().len(), 3, "the original stays beside its correction");

    let page = app.get(&format!("/units/{id}/checks"), Some(&principal)).await;
    assert!(page.body.contains("两台车无3C标志"), "the hazard is listed");
    assert!(page.body.contains("逾期补录") && page.body.contains("按时完成"), "{}", page.body);
    let bundle = app.get(&format!("/api/v1/units/{id}/records/daily_check/{first_id}/bundle"), Some(&principal)).await;
    let report =
        zhian_ledger::bundle::verify_bundle(&zhian_ledger::bundle::Bundle::from_json(&bundle.body).unwrap()).unwrap();
    assert_eq!(
        (report.record.tier.as_str(), report.record.period.as_str(), report.record.author.as_str()),
        ("daily_check", "2026-03-02", "wangfang")
    );
}

#[tokio::test]
async fn the_daily_check_form_lists_the_risk_lists_daily_items_and_submits() {
    let app = TestApp::new().await;
    let (_, officer, id) = unit_with_officer(&app).await;
    let form = app.get(&format!("/units/{id}/checks/new"), Some(&officer)).await;
    assert_eq!(form.status, StatusCode::OK);
    let items = form.body.matches(r#"name="item""#).count();
    assert!(items >= 6, "the e-bike template's daily items: {items}");
    let mut fields: Vec<(String, String)> = vec![("period".into(), "2026-03-02".into())];
    for i in 0..items {
        fields.push(("risk_point".into(), "清单".into()));
        fields.push(("item".into(), format!("检查项{i}")));
        fields.push((format!("result-{i}"), "conforming".into()));
        fields.push(("note".into(), String::new()));
    }
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.post_form(&format!("/units/{id}/checks"), Some(&officer), &pairs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let shown = app.get(r.location(), Some(&officer)).await;
    assert!(shown.body.contains("零风险") && shown.body.contains("下载证明包"), "{}", shown.body);
    let again = app.post_form(&format!("/units/{id}/checks"), Some(&officer), &pairs).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("已有检查记录"));
}

#[tokio::test]
async fn a_hazard_is_closed_by_its_director_and_flagged_when_overdue() {
    let app = TestApp::new().await;
    let (principal, officer, id) = unit_with_officer(&app).await;
    let (person, _) = app.staff(&principal, id, "刘洋", "director").await;
    let director_id = app.user("liuyang", false).await;
    app.state.store.link_person(id, person, director_id, common::now()).await.unwrap();
    let director = app.login(director_id).await;
    let r = app
        .json(
            "POST",
            &format!("/api/v1/units/{id}/daily-checks"),
            Some(&officer),
            check("2026-03-02", &[("nonconforming", "充电器无3C标志")], None),
        )
        .await;
    let hazard = r.json()["hazards"][0].as_i64().unwrap();
    let inbox = app.get("/api/v1/notifications", Some(&director)).await.json();
    assert!(inbox[0]["message"].as_str().unwrap().contains("充电器无3C标志"), "the director hears at once: {inbox}");
    assert_eq!(inbox[0]["link"], format!("/units/{id}/hazards/{hazard}"));

    let steps = format!("/api/v1/units/{id}/hazards/{hazard}/steps");
    let r = app.json("POST", &steps, Some(&officer), json!({"step": "measure", "text": "已下架隔离"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app
        .json("POST", &steps, Some(&officer), json!({"step": "assign", "owner": "王芳", "deadline": "2026-03-05"}))
        .await;
    assert_eq!((r.status, pointers(&r)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["/step".to_owned()]));
    assert!(r.body.contains("质量安全总监或主要负责人"));
    let r = app
        .json("POST", &steps, Some(&director), json!({"step": "assign", "owner": "王芳", "deadline": "2026-03-05"}))
        .await;
    assert_eq!(r.json()["status"], "assigned");
    let bad = app.json("POST", &steps, Some(&director), json!({"step": "rectify", "text": ""})).await;
    assert_eq!(pointers(&bad), ["/text"]);
    app.clock.advance(chrono::Duration::days(4));
    let (principal, officer, director) =
        (app.login(principal.user_id).await, app.login(officer.user_id).await, app.login(director.user_id).await);
    let listed = app.get(&format!("/api/v1/units/{id}/hazards"), Some(&principal)).await.json();
    assert_eq!((listed[0]["status"].as_str(), listed[0]["overdue"].as_bool()), (Some("assigned"), Some(true)));
    app.json("POST", &steps, Some(&officer), json!({"step": "rectify", "text": "已退货，补录进货台账"})).await;
    let r = app.json("POST", &steps, Some(&officer), json!({"step": "verify", "text": "ok"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the officer does not verify own work");
    let r = app.json("POST", &steps, Some(&director), json!({"step": "verify", "text": "现场核实，已闭环"})).await;
    assert_eq!(r.json()["status"], "closed");
    let detail = app.get(&format!("/api/v1/units/{id}/hazards/{hazard}"), Some(&principal)).await.json();
    assert_eq!((detail["overdue"].as_bool(), detail["events"].as_array().unwrap().len()), (Some(false), 4));
    let page = app.get(&format!("/units/{id}/hazards/{hazard}"), Some(&principal)).await;
    assert!(page.body.contains("已闭环") && page.body.contains("现场核实"), "{}", page.body);
    let event = detail["events"][3]["id"].as_i64().unwrap();
    let b = app.get(&format!("/api/v1/units/{id}/records/hazard_event/{event}/bundle"), Some(&principal)).await;
    zhian_ledger::bundle::verify_bundle(&zhian_ledger::bundle::Bundle::from_json(&b.body).unwrap()).unwrap();
}

#[tokio::test]
async fn a_units_rhythm_shapes_its_calendar_and_cadences_below_the_law_are_refused() {
    let app = TestApp::new().await;
    let (principal, officer, id) = unit_with_officer(&app).await;
    let url = format!("/api/v1/units/{id}/settings");
    let weekly_too_rare =
        json!({"closed_weekdays": ["sun"], "daily_cadence": "1d", "weekly_cadence": "2w", "monthly_cadence": "1m"});
    let r = app.json("PUT", &url, Some(&principal), weekly_too_rare).await;
    assert_eq!((r.status, pointers(&r)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["/weekly_cadence".to_owned()]));
    assert!(r.body.contains("频次低于法定要求"), "{}", r.body);
    let shifts = json!({"closed_weekdays": ["sun"], "daily_cadence": "shift:2", "weekly_cadence": "2d", "monthly_cadence": "2w",
                        "daily_name": "门店班次检查表"});
    let r = app.json("PUT", &url, Some(&principal), shifts).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["record_names"]["daily"], "门店班次检查表");
    assert_eq!(r.json()["record_names"]["weekly"], "每周工业产品质量安全排查治理报告");
    let by_officer = app.json("PUT", &url, Some(&officer), json!({})).await;
    assert_eq!(by_officer.status, StatusCode::FORBIDDEN);

    // 10:00 is in the first of two shifts; the day-named period no longer fits the cadence.
    let form = app.get(&format!("/units/{id}/checks/new"), Some(&officer)).await;
    assert!(form.body.contains(r#"name="period" value="2026-03-02#1""#), "{}", form.body);
    let day_named = app
        .json(
            "POST",
            &format!("/api/v1/units/{id}/daily-checks"),
            Some(&officer),
            check("2026-03-02", &[("conforming", "")], None),
        )
        .await;
    assert_eq!(pointers(&day_named), ["/period"]);
    let r = app
        .json(
            "POST",
            &format!("/api/v1/units/{id}/daily-checks"),
            Some(&officer),
            check("2026-03-02#1", &[("conforming", "")], None),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let s = format!("/api/v1/units/{id}/suspensions");
    let bad = app
        .json("POST", &s, Some(&principal), json!({"from": "2026-02-20", "to": "2026-02-10", "reason": "装修"}))
        .await;
    assert_eq!(pointers(&bad), ["/to"]);
    let r = app
        .json("POST", &s, Some(&principal), json!({"from": "2026-02-23", "to": "2026-02-25", "reason": "店面装修"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let suspension = r.json()["id"].as_i64().unwrap();
    let page = app.get(&format!("/units/{id}/checks"), Some(&principal)).await;
    assert!(page.body.contains("门店班次检查表"), "the unit's own name is shown");
    assert!(page.body.contains("2026-02-24#1") && page.body.contains("停业免除"), "suspended shifts are excused");
    assert!(page.body.contains("2026-03-01#2"), "{}", page.body);
    let b = app.get(&format!("/api/v1/units/{id}/records/suspension/{suspension}/bundle"), Some(&principal)).await;
    let report =
        zhian_ledger::bundle::verify_bundle(&zhian_ledger::bundle::Bundle::from_json(&b.body).unwrap()).unwrap();
    assert_eq!(report.record.period, "2026-02-23/2026-02-25");
}

#[tokio::test]
async fn nothing_is_owed_before_a_unit_was_registered() {
    let app = TestApp::new().await;
    let me = app.login(app.user("liqiang", false).await).await;
    let id = app.unit(&me, "92440305MA5G7K3L2A", "440305", &["ccc-10"]).await;
    let page = app.get(&format!("/units/{id}/checks"), Some(&me)).await;
    assert!(page.body.contains("2026-03-02") && !page.body.contains("2026-03-01"), "{}", page.body);
    assert!(!page.body.contains("缺失"), "the day it registered is due, not missing");
}

#[tokio::test]
async fn the_weekly_review_is_drafted_from_the_weeks_records_and_reaches_the_principal() {
    let app = TestApp::new().await;
    let (principal, officer, id) = unit_with_officer(&app).await;
    let checks = format!("/api/v1/units/{id}/daily-checks");
    // Monday 2026-03-02 is the first day of ISO week 10: one finding today, the same item failing twice.
    app.json("POST", &checks, Some(&officer), check("2026-03-02", &[("nonconforming", "两台车无3C标志")], None)).await;
    let first = app.get(&checks, Some(&officer)).await.json()[0]["id"].as_i64().unwrap();
    app.json("POST", &checks, Some(&officer), check("2026-03-02", &[("nonconforming", "仍有一台未下架")], Some(first)))
        .await;
    let url = format!("/api/v1/units/{id}/weekly-reviews");
    let empty =
        app.json("POST", &url, Some(&officer), json!({"period": "2026-W10", "analysis": "", "conclusions": ""})).await;
    let mut p = pointers(&empty);
    p.sort();
    assert_eq!(p, ["/analysis", "/conclusions"]);
    let by_principal = app
        .json("POST", &url, Some(&principal), json!({"period": "2026-W10", "analysis": "a", "conclusions": "c"}))
        .await;
    assert_eq!(by_principal.status, StatusCode::FORBIDDEN, "the principal hears the report; the director writes it");
    let next_week = app
        .json("POST", &url, Some(&officer), json!({"period": "2026-W11", "analysis": "a", "conclusions": "c"}))
        .await;
    assert!(next_week.body.contains("尚未开始"), "{}", next_week.body);
    let r = app
        .json(
            "POST",
            &url,
            Some(&officer),
            json!({"period": "2026-W10", "analysis": "整车3C问题反复出现", "conclusions": "供货商约谈，下周复查"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let draft = r.json()["draft"].as_str().unwrap().to_owned();
    assert!(draft.contains("共提交检查记录 2 份，其中零风险报告 0 份"), "{draft}");
    assert!(draft.contains("本周发现 2 项") && draft.contains("“整车3C标志” 2 次"), "{draft}");
    let again = app
        .json("POST", &url, Some(&officer), json!({"period": "2026-W10", "analysis": "a", "conclusions": "c"}))
        .await;
    assert!(again.body.contains("已有周排查报告"), "{}", again.body);
    let inbox = app.get("/api/v1/notifications", Some(&principal)).await.json();
    assert!(
        inbox.as_array().unwrap().iter().any(|n| n["message"].as_str().unwrap().contains("2026-W10 周排查报告已提交")),
        "{inbox}"
    );
    let page = app.get(&format!("/units/{id}/reviews"), Some(&principal)).await;
    assert!(page.body.contains("2026-W10") && page.body.contains("按时完成"), "{}", page.body);
    let review = r.json()["id"].as_i64().unwrap();
    let b = app.get(&format!("/api/v1/units/{id}/records/weekly_review/{review}/bundle"), Some(&principal)).await;
    zhian_ledger::bundle::verify_bundle(&zhian_ledger::bundle::Bundle::from_json(&b.body).unwrap()).unwrap();
}

#[tokio::test]
async fn a_veto_alerts_the_principal_escalates_when_unanswered_and_is_answered_once() {
    let app = TestApp::new().await;
    let (principal, officer, id) = unit_with_officer(&app).await;
    let url = format!("/api/v1/units/{id}/vetoes");
    let bad = app.json("POST", &url, Some(&officer), json!({"product": "", "defect": "", "proposal": ""})).await;
    assert_eq!(pointers(&bad).len(), 3);
    let by_principal =
        app.json("POST", &url, Some(&principal), json!({"product": "x", "defect": "y", "proposal": "z"})).await;
    assert_eq!(by_principal.status, StatusCode::FORBIDDEN);
    let r = app
        .json("POST", &url, Some(&officer), json!({"product": "XX牌48V充电器（批次2026-01）", "defect": "外壳无3C标志，温升异常", "proposal": "立即停止销售并下架"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let veto = r.json()["id"].as_i64().unwrap();
    let inbox = app.get("/api/v1/notifications", Some(&principal)).await.json();
    assert!(inbox[0]["message"].as_str().unwrap().contains("请立即组织分析研判"), "{inbox}");
    assert_eq!(r.json()["escalated"], false);
    app.clock.advance(chrono::Duration::hours(25));
    let (principal, officer) = (app.login(principal.user_id).await, app.login(officer.user_id).await);
    assert_eq!(app.get(&format!("{url}/{veto}"), Some(&principal)).await.json()["escalated"], true);
    let dash = app.get(&format!("/units/{id}"), Some(&principal)).await;
    assert!(dash.body.contains("veto-alarm") && dash.body.contains("超时 1 项"), "{}", dash.body);
    let answer = format!("{url}/{veto}/answer");
    let r =
        app.json("POST", &answer, Some(&officer), json!({"decision": "accept", "reasons": "r", "measures": "m"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the principal answers");
    let r = app.json("POST", &answer, Some(&principal), json!({"decision": "accept", "reasons": "缺陷属实"})).await;
    assert_eq!(pointers(&r), ["/measures"]);
    let r = app
        .json(
            "POST",
            &answer,
            Some(&principal),
            json!({"decision": "accept", "reasons": "缺陷属实", "measures": "全部下架，通知供货商召回"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (r.json()["answer"]["decision"].as_str(), r.json()["escalated"].as_bool()),
        (Some("accept"), Some(false))
    );
    let again = app.json("POST", &answer, Some(&principal), json!({"decision": "reject", "reasons": "改主意"})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("答复不可更改"));
    for kind in ["veto"] {
        let b = app.get(&format!("/api/v1/units/{id}/records/{kind}/{veto}/bundle"), Some(&principal)).await;
        zhian_ledger::bundle::verify_bundle(&zhian_ledger::bundle::Bundle::from_json(&b.body).unwrap()).unwrap();
    }
}
