//! The JSON API and the pages, as users meet them: onboarding to a staffed unit, every kind of bad input with a clear
//! message and nothing half-saved, sessions, throttling, the OpenAPI document.

use crate::common;
use crate::common::{TestApp, pointers};
use axum::http::StatusCode;
use serde_json::json;

fn unit_body(code: &str) -> serde_json::Value {
    json!({"name": "示例电动车商行", "credit_code": code, "address": "南山区桃园路 18 号", "division_code": "440305",
           "channel": "retail", "employees": 8, "revenue_yuan": 2_600_000, "categories": ["ccc-10", "ccc-18"],
           "principal_name": "李强"})
}

#[tokio::test]
async fn onboarding_through_the_api_reaches_a_staffed_unit() {
    let app = TestApp::new().await;
    let me = app.login(app.user("liqiang", false).await).await;
    let r = app.json("POST", "/api/v1/units", Some(&me), unit_body("92440305MA5G7K3L2A")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let unit = r.json();
    let id = unit["id"].as_i64().unwrap();
    assert_eq!(unit["assessment"]["in_scope"], true);
    assert_eq!(unit["assessment"]["director_required"], true, "CCC products need a director whatever the size");
    assert_eq!(unit["staffing"]["staffed"], false);
    assert_eq!(unit["staffing"]["principal"], json!(["李强"]));
    // Generated at onboarding: the risk list from the e-bike template, and both duty texts.
    let list = app.get(&format!("/api/v1/units/{id}/risk-list"), Some(&me)).await.json();
    assert_eq!(list["version"], 1);
    assert!(list["rows"].as_array().unwrap().len() >= 12);
    let duty = app.get(&format!("/api/v1/units/{id}/duties/director"), Some(&me)).await.json();
    assert!(duty["body"].as_str().unwrap().contains("示例电动车商行质量安全总监职责"));

    app.staff(&me, id, "王芳", "officer").await;
    app.staff(&me, id, "刘洋", "director").await;
    let after = app.get(&format!("/api/v1/units/{id}"), Some(&me)).await.json();
    assert_eq!(after["staffing"]["staffed"], true, "{after}");
    assert_eq!(after["staffing"]["officers"], json!(["王芳"]));
}

#[tokio::test]
async fn bad_unit_input_names_each_field_and_saves_nothing() {
    let app = TestApp::new().await;
    let me = app.login(app.user("liqiang", false).await).await;
    let mut body = unit_body("92440305MA5G7K3L2B");
    body["employees"] = json!(-5);
    body["categories"] = json!(["ccc-10", "made-up"]);
    let r = app.json("POST", "/api/v1/units", Some(&me), body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let mut p = pointers(&r);
    p.sort();
    assert_eq!(p, ["/categories", "/credit_code", "/employees"]);
    let text = r.body.clone();
    assert!(text.contains("校验位") && text.contains("不小于 0") && text.contains("made-up"), "{text}");
    let me_now = app.get("/api/v1/me", Some(&me)).await.json();
    assert_eq!(me_now["units"], json!([]), "nothing half-saved");
    // The same credit code twice is a field error, not a crash.
    app.json("POST", "/api/v1/units", Some(&me), unit_body("92440305MA5G7K3L2A")).await;
    let again = app.json("POST", "/api/v1/units", Some(&me), unit_body("92440305MA5G7K3L2A")).await;
    assert_eq!((again.status, pointers(&again)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["/credit_code".to_owned()]));
}

#[tokio::test]
async fn appointing_someone_unassessed_or_twice_is_refused_with_the_reason() {
    let app = TestApp::new().await;
    let me = app.login(app.user("liqiang", false).await).await;
    let id = app.unit(&me, "92440305MA5G7K3L2A", "440305", &["ccc-10"]).await;
    let person =
        app.json("POST", &format!("/api/v1/units/{id}/people"), Some(&me), json!({"name": "王芳"})).await.json()["id"]
            .as_i64()
            .unwrap();
    let appoint = json!({"person_id": person, "post": "officer", "employment": "part_time", "from": "2026-03-01"});
    let r = app.json("POST", &format!("/api/v1/units/{id}/appointments"), Some(&me), appoint.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(pointers(&r), ["/person_id"]);
    assert!(r.body.contains("未通过考核的人员不得担任质量安全员"), "{}", r.body);
    let failed =
        json!({"person_id": person, "date": "2026-02-20", "content": "法规", "hours": 2, "score": 40, "passed": false});
    app.json("POST", &format!("/api/v1/units/{id}/trainings"), Some(&me), failed).await;
    let r = app.json("POST", &format!("/api/v1/units/{id}/appointments"), Some(&me), appoint.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a failed assessment does not open the post");
    let passed =
        json!({"person_id": person, "date": "2026-02-21", "content": "法规", "hours": 2, "score": 85, "passed": true});
    app.json("POST", &format!("/api/v1/units/{id}/trainings"), Some(&me), passed).await;
    assert_eq!(
        app.json("POST", &format!("/api/v1/units/{id}/appointments"), Some(&me), appoint.clone()).await.status,
        StatusCode::CREATED
    );
    let twice = app.json("POST", &format!("/api/v1/units/{id}/appointments"), Some(&me), appoint).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("不能重复任命"), "{}", twice.body);
    let all = app.get(&format!("/api/v1/units/{id}/appointments"), Some(&me)).await.json();
    assert_eq!(all.as_array().unwrap().iter().filter(|a| a["post"] == "officer").count(), 1);
}

#[tokio::test]
async fn malformed_json_wrong_types_and_oversize_bodies_get_clear_errors() {
    let app = TestApp::new().await;
    let me = app.login(app.user("liqiang", false).await).await;
    let request = |body: String| {
        axum::http::Request::post("/api/v1/units")
            .header("content-type", "application/json")
            .header("cookie", &me.cookie)
            .header("x-csrf-token", &me.csrf)
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    let r = app.send(request("{\"name\": ".into())).await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")));
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("JSON"));
    let r = app.send(request(json!({"categories": "ccc-10"}).to_string())).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "a string where a list belongs: {}", r.body);
    let r = app.send(request(json!({"nonsense": 1}).to_string())).await;
    assert!(
        r.json()["error"]["message"].as_str().unwrap().contains("nonsense"),
        "unknown fields are named: {}",
        r.body
    );
    let huge = format!("{{\"name\": \"{}\"}}", "长".repeat(120_000));
    let r = app.send(request(huge)).await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large")));
    let r = app
        .send(
            axum::http::Request::post("/api/v1/units")
                .header("content-type", "text/plain")
                .header("cookie", &me.cookie)
                .header("x-csrf-token", &me.csrf)
                .body(axum::body::Body::from("hello"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/api/v1/me", Some(&me)).await.json()["units"], json!([]));
    let r = app.get("/api/v1/nowhere", Some(&me)).await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
}

#[tokio::test]
async fn the_onboarding_form_shows_each_error_next_to_its_field() {
    let app = TestApp::new().await;
    let me = app.login(app.user("liqiang", false).await).await;
    let r = app
        .post_form(
            "/units/new",
            Some(&me),
            &[
                ("name", "示例商行"),
                ("credit_code", "92440305MA5G7K3L2B"),
                ("address", "某路"),
                ("division_code", "440305"),
                ("channel", "retail"),
                ("employees", "-3"),
                ("revenue_yuan", "100"),
                ("principal_name", "李强"),
                ("categories", "ccc-10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="credit_code-error""#) && r.body.contains("校验位错误"), "{}", r.body);
    assert!(r.body.contains(r#"id="employees-error""#) && r.body.contains("从业人员数须为不小于 0 的整数"));
    assert!(r.body.contains(r#"value="示例商行""#), "what was typed is kept");
    assert!(r.body.contains(r#"value="ccc-10" checked"#), "the chosen categories are kept");
    assert_eq!(app.get("/api/v1/me", Some(&me)).await.json()["units"], json!([]));
}

#[tokio::test]
async fn people_pages_mask_id_numbers() {
    let app = TestApp::new().await;
    let me = app.login(app.user("liqiang", false).await).await;
    let id = app.unit(&me, "92440305MA5G7K3L2A", "440305", &[]).await;
    let r = app
        .post_form(&format!("/units/{id}/people"), Some(&me), &[("name", "王芳"), ("id_number", "440305198507160027")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/units/{id}/people"), Some(&me)).await;
    assert!(page.body.contains("440305********0027"));
    assert!(!page.body.contains("440305198507160027"), "the full number never reaches a page");
    let api = app.get(&format!("/api/v1/units/{id}/people"), Some(&me)).await;
    assert!(!api.body.contains("198507160027"));
    let dup = app
        .post_form(&format!("/units/{id}/people"), Some(&me), &[("name", "王芳"), ("id_number", "440305198507160027")])
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.body.contains("本单位人员名单中已有该身份证号码"));
}

#[tokio::test]
async fn logging_in_sets_a_safe_cookie_and_five_failures_lock_the_account() {
    let app = TestApp::new().await;
    app.user("liqiang", false).await;
    let r =
        app.json("POST", "/api/v1/session", None, json!({"username": "liqiang", "password": "Passw0rd-test"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cookie = r.set_cookies().into_iter().find(|c| c.starts_with("zhian_session=")).unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP on a developer machine");
    let csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
    let session = common::Login { user_id: 0, cookie: cookie.split(';').next().unwrap().to_owned(), csrf };
    assert_eq!(app.get("/api/v1/me", Some(&session)).await.json()["username"], "liqiang");

    for _ in 0..5 {
        let r = app.json("POST", "/api/v1/session", None, json!({"username": "liqiang", "password": "wrong"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(pointers(&r), ["/password"]);
    }
    let locked =
        app.json("POST", "/api/v1/session", None, json!({"username": "liqiang", "password": "Passw0rd-test"})).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.body.contains("分钟后再试"));
    app.clock.advance(chrono::Duration::minutes(16));
    let r =
        app.json("POST", "/api/v1/session", None, json!({"username": "liqiang", "password": "Passw0rd-test"})).await;
    assert_eq!(r.status, StatusCode::OK, "the lock lifts after 15 minutes");
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions() {
    let app = TestApp::new().await;
    let id = app.user("liqiang", false).await;
    let (a, b) = (app.login(id).await, app.login(id).await);
    // The guard remembers b for a moment; the password change must end that at once all the same.
    assert_eq!(app.get("/api/v1/me", Some(&b)).await.status, StatusCode::OK);
    let weak =
        app.json("POST", "/api/v1/me/password", Some(&a), json!({"current": "Passw0rd-test", "new": "short"})).await;
    assert_eq!((weak.status, pointers(&weak)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["/new".to_owned()]));
    let r = app
        .json("POST", "/api/v1/me/password", Some(&a), json!({"current": "Passw0rd-test", "new": "N3w-passw0rd"}))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(app.get("/api/v1/me", Some(&b)).await.status, StatusCode::UNAUTHORIZED);
    let r = app.json("POST", "/api/v1/session", None, json!({"username": "liqiang", "password": "N3w-passw0rd"})).await;
    assert_eq!(r.status, StatusCode::OK);
    let c = app.login(id).await;
    assert_eq!(app.get("/api/v1/me", Some(&c)).await.status, StatusCode::OK);
    assert_eq!(app.json("DELETE", "/api/v1/session", Some(&c), json!({})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/me", Some(&c)).await.status, StatusCode::UNAUTHORIZED, "a log-out ends it at once");
}

#[tokio::test]
async fn a_first_password_must_be_changed_before_anything_else() {
    let app = TestApp::new().await;
    let admin = zhian_web::bootstrap_admin(&app.state).await.unwrap().unwrap();
    assert_eq!(admin.0, "admin");
    assert!(zhian_web::bootstrap_admin(&app.state).await.unwrap().is_none(), "only once");
    let user = app.state.store.user_by_username("admin").await.unwrap().unwrap();
    assert!(user.is_admin && user.must_change_password);
    let login = app.login(user.id).await;
    let r = app.get("/units/new", Some(&login)).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/account/password"));
    assert_eq!(app.get("/account/password", Some(&login)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = TestApp::new().await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    for spec in zhian_web::routes::table().iter().filter(|s| s.api) {
        let op = &doc["paths"][spec.path][spec.method.as_str().to_ascii_lowercase()];
        assert!(op.is_object(), "{} {} missing", spec.method, spec.path);
        assert!(!op["summary"].as_str().unwrap_or_default().is_empty(), "{} {} has no summary", spec.method, spec.path);
    }
    assert!(doc["components"]["schemas"]["Error"]["properties"]["error"].is_object());
}

#[tokio::test]
async fn health_answers_ok() {
    let app = TestApp::new().await;
    let r = app.get("/healthz", None).await;
    assert_eq!((r.status, r.json()), (StatusCode::OK, json!({"status": "ok"})));
    assert_eq!(r.headers.get("x-frame-options").unwrap(), "DENY");
}

#[tokio::test]
async fn risk_lists_and_duty_texts_keep_every_version() {
    let app = TestApp::new().await;
    let me = app.login(app.user("liqiang", false).await).await;
    let id = app.unit(&me, "92440305MA5G7K3L2A", "440305", &[]).await;
    assert_eq!(app.get(&format!("/api/v1/units/{id}/risk-list"), Some(&me)).await.status, StatusCode::NOT_FOUND);
    let bad = app
        .post_form(
            &format!("/units/{id}/risk-list"),
            Some(&me),
            &[
                ("stage", "进货查验"),
                ("risk_point", ""),
                ("measure", "查验"),
                ("frequency", "每日"),
                ("role", "officer"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("第 1 项：请填写风险点"), "{}", bad.body);
    let r = app
        .post_form(
            &format!("/units/{id}/risk-list"),
            Some(&me),
            &[("template", "wire-cable"), ("note", "按电线电缆模板建立")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let v1 = app.get(&format!("/api/v1/units/{id}/risk-list"), Some(&me)).await.json();
    let rows = v1["rows"].as_array().unwrap().clone();
    assert!(rows.len() >= 12);
    let mut edited = rows.clone();
    edited.truncate(2);
    edited[0]["measure"] = json!("每批次核验 CCC 证书并留存复印件");
    let r = app
        .json("POST", &format!("/api/v1/units/{id}/risk-list"), Some(&me), json!({"rows": edited, "note": "精简"}))
        .await;
    assert_eq!(r.json()["version"], 2);
    let v2 = app.get(&format!("/api/v1/units/{id}/risk-list"), Some(&me)).await.json();
    assert_eq!((v2["version"].as_i64(), v2["rows"].as_array().unwrap().len()), (Some(2), 2));
    let old = app.get(&format!("/api/v1/units/{id}/risk-list?version=1"), Some(&me)).await.json();
    assert_eq!(old["rows"].as_array().unwrap().len(), rows.len(), "version 1 is unchanged");
    let r = app.json("PUT", &format!("/api/v1/units/{id}/duties/officer"), Some(&me), json!({"body": "  "})).await;
    assert_eq!(pointers(&r), ["/body"]);
    let r = app
        .json("PUT", &format!("/api/v1/units/{id}/duties/officer"), Some(&me), json!({"body": "一、每日按清单检查。"}))
        .await;
    assert_eq!(r.json()["version"], 2);
    assert_eq!(app.get(&format!("/api/v1/units/{id}/duties/nonsense"), Some(&me)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_administrator_opens_accounts_and_a_regulator_sees_only_its_jurisdiction() {
    let app = TestApp::new().await;
    let admin = app.login(app.user("root", true).await).await;
    let r = app
        .json(
            "POST",
            "/api/v1/accounts",
            Some(&admin),
            json!({"username": "shop1", "display_name": "李强", "kind": "unit"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let password = r.json()["one_time_password"].as_str().unwrap().to_owned();
    let bad = app
        .json(
            "POST",
            "/api/v1/accounts",
            Some(&admin),
            json!({"username": "x", "display_name": "", "kind": "regulator", "division_code": "99"}),
        )
        .await;
    let mut p = pointers(&bad);
    p.sort();
    assert_eq!(p, ["/display_name", "/division_code", "/username"]);
    let r = app
        .json("POST", "/api/v1/accounts", Some(&admin), json!({"username": "nanshan", "display_name": "南山区市场监督管理局", "kind": "regulator", "division_code": "440305"}))
        .await;
    let regulator_password = r.json()["one_time_password"].as_str().unwrap().to_owned();

    // The shop's principal signs in with the one-time password, must change it, then registers the unit.
    let r = app.json("POST", "/api/v1/session", None, json!({"username": "shop1", "password": password})).await;
    assert_eq!(r.json()["user"]["must_change_password"], true);
    let shop_id = app.state.store.user_by_username("shop1").await.unwrap().unwrap().id;
    let shop = app.login(shop_id).await;
    assert_eq!(
        app.json("POST", "/api/v1/units", Some(&shop), unit_body("92440305MA5G7K3L2A")).await.status,
        StatusCode::CONFLICT
    );
    let r = app
        .json("POST", "/api/v1/me/password", Some(&shop), json!({"current": password, "new": "Sh0p-password"}))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let shop = app.login(shop_id).await;
    let unit = app.json("POST", "/api/v1/units", Some(&shop), unit_body("92440305MA5G7K3L2A")).await.json()["id"]
        .as_i64()
        .unwrap();
    let other = app.unit(&shop, "91110000802100433B", "110105", &[]).await;

    let regulator_id = app.state.store.user_by_username("nanshan").await.unwrap().unwrap().id;
    app.state
        .store
        .set_password(
            regulator_id,
            &zhian_web::hash_password("Reg-passw0rd", app.state.entropy.as_ref()).unwrap(),
            false,
            common::now(),
        )
        .await
        .unwrap();
    assert!(!regulator_password.is_empty());
    let regulator = app.login(regulator_id).await;
    assert_eq!(app.get(&format!("/api/v1/units/{unit}"), Some(&regulator)).await.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/api/v1/units/{other}"), Some(&regulator)).await.status, StatusCode::FORBIDDEN);
    let home = app.get("/", Some(&regulator)).await;
    assert!(home.body.contains("单位92440305MA5G7K3L2A") || home.body.contains("示例电动车商行"), "{}", home.body);
    assert!(!home.body.contains("单位91110000802100433B"), "outside the jurisdiction");
    let list = app.get("/api/v1/accounts", Some(&admin)).await.json();
    assert_eq!(list.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn every_appointment_comes_with_a_bundle_that_verifies_offline() {
    let app = TestApp::new().await;
    let me = app.login(app.user("liqiang", false).await).await;
    let id = app.unit(&me, "92440305MA5G7K3L2A", "440305", &["ccc-10"]).await;
    let (_, appointment) = app.staff(&me, id, "王芳", "officer").await;
    assert_eq!(app.get("/log/checkpoint", None).await.status, StatusCode::NOT_FOUND, "nothing signed yet");
    let r = app.get(&format!("/api/v1/units/{id}/records/appointment/{appointment}/bundle"), Some(&me)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let bundle = zhian_ledger::bundle::Bundle::from_json(&r.body).unwrap();
    let report = zhian_ledger::bundle::verify_bundle(&bundle).unwrap();
    assert_eq!((report.record.tier.as_str(), report.record.unit.as_str()), ("appointment", "92440305MA5G7K3L2A"));
    assert_eq!(report.leaf_index, 1, "the founder's post is leaf 0");
    let key = app.get("/log/key", None).await.body;
    assert_eq!(key.trim(), bundle.verifier_key, "the published key is the bundle's");
    let checkpoint = app.get("/log/checkpoint", None).await;
    assert!(checkpoint.body.starts_with("zhian.test/log\n2\n"), "{}", checkpoint.body);
    // Another unit's records are not reachable through this unit.
    let other = app.unit(&me, "91110000802100433B", "110105", &[]).await;
    let r = app.get(&format!("/api/v1/units/{other}/records/appointment/{appointment}/bundle"), Some(&me)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let page = app.get(&format!("/units/{id}/people"), Some(&me)).await;
    assert!(page.body.contains(&format!("/units/{id}/records/appointment/{appointment}/bundle")));
}
