//! The JSON API and the pages, as users meet them: onboarding to a staffed unit, every kind of bad input with a clear
//! message and nothing half-saved, sessions, throttling, the OpenAPI document.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

fn unit_body(code: &str) -> serde_json::Value {
    json!({"name": "示例电动车商行", "credit_code": code, "address": "南山区桃园路 18 号", "division_code": "440305",
           "channel": "retail", "employees": 8, "revenue_yuan": 2_600_000, "categories": ["ccc-10", "ccc-18"],
           "principal_name": "李强"})
}

fn pointers(r: &common::Reply) -> Vec<String> {
    r.json()["error"]["fields"]
        .as_array()
        .map(|f| f.iter().map(|e| e["pointer"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
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

/// A unit registered ten days before the harness's "now", with an officer who can sign in: (principal, officer,
/// unit id), signed in at "now".
async fn unit_with_officer(app: &TestApp) -> (common::Login, common::Login, i64) {
    use zhian_domain::time::Clock as _;
    let now = app.clock.now();
    app.clock.set(now - chrono::Duration::days(10));
    let principal = app.user("liqiang", false).await;
    let me = app.login(principal).await;
    let id = app.unit(&me, "92440305MA5G7K3L2A", "440305", &["ccc-10"]).await;
    let (person, _) = app.staff(&me, id, "王芳", "officer").await;
    let officer = app.user("wangfang", false).await;
    app.state.store.link_person(id, person, officer, common::now()).await.unwrap();
    app.clock.set(now);
    (app.login(principal).await, app.login(officer).await, id)
}

fn check(period: &str, results: &[(&str, &str)], amends: Option<i64>) -> serde_json::Value {
    let items: Vec<_> = results
        .iter()
        .map(|(r, n)| json!({"risk_point": "3C", "item": "整车3C标志", "result": r, "note": n}))
        .collect();
    json!({"period": period, "items": items, "amends": amends})
}

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
