//! The authorisation matrix: every route × every role × (own unit, another unit), plus anonymous callers, has an
//! expected outcome here; a route missing from this table fails the test, as does a row without a route.

use crate::common;
use crate::common::{Login, Reply, TestApp};
use axum::http::StatusCode;
use serde_json::json;
use zhian_domain::ident::DivisionCode;
use zhian_web::routes::table;

/// Roles, in the order of the expectation strings.
const ROLES: [&str; 6] = ["anonymous", "admin", "regulator", "principal", "director", "officer"];

/// (method, path, on own unit, on another unit). Per role: `y` passes the guard, `n` is refused (403/404), `l` must
/// sign in first. For routes without a unit both strings are the same. The regulator's jurisdiction holds the own
/// unit and not the other.
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    ("GET", "/healthz", "yyyyyy", "yyyyyy"),
    ("GET", "/static/app.css", "yyyyyy", "yyyyyy"),
    ("GET", "/log/checkpoint", "yyyyyy", "yyyyyy"),
    ("GET", "/log/key", "yyyyyy", "yyyyyy"),
    ("GET", "/v/{code}", "yyyyyy", "yyyyyy"),
    ("GET", "/static/exam.js", "yyyyyy", "yyyyyy"),
    ("GET", "/exam/{token}", "yyyyyy", "yyyyyy"),
    ("POST", "/exam/{token}/start", "yyyyyy", "yyyyyy"),
    ("POST", "/exam/{token}/save", "yyyyyy", "yyyyyy"),
    ("POST", "/exam/{token}/submit", "yyyyyy", "yyyyyy"),
    ("GET", "/exam/{token}/certificate.pdf", "yyyyyy", "yyyyyy"),
    ("GET", "/login", "yyyyyy", "yyyyyy"),
    ("POST", "/login", "yyyyyy", "yyyyyy"),
    ("POST", "/logout", "lyyyyy", "lyyyyy"),
    ("GET", "/", "lyyyyy", "lyyyyy"),
    ("GET", "/account/password", "lyyyyy", "lyyyyy"),
    ("POST", "/account/password", "lyyyyy", "lyyyyy"),
    ("GET", "/units/new", "lynyyy", "lynyyy"),
    ("POST", "/units/new", "lynyyy", "lynyyy"),
    ("GET", "/units/{unit_id}", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/profile", "lnnynn", "lnnnnn"),
    ("POST", "/units/{unit_id}/profile", "lnnynn", "lnnnnn"),
    ("GET", "/units/{unit_id}/people", "lyyyyy", "lynnnn"),
    ("POST", "/units/{unit_id}/people", "lnnynn", "lnnnnn"),
    ("POST", "/units/{unit_id}/appointments", "lnnynn", "lnnnnn"),
    ("POST", "/units/{unit_id}/appointments/{appointment_id}/end", "lnnynn", "lnnnnn"),
    ("POST", "/units/{unit_id}/people/{person_id}/account", "lnnynn", "lnnnnn"),
    ("GET", "/units/{unit_id}/training", "lyyyyy", "lynnnn"),
    ("POST", "/units/{unit_id}/training", "lnnyyn", "lnnnnn"),
    ("POST", "/units/{unit_id}/training/sessions", "lnnyyn", "lnnnnn"),
    ("POST", "/units/{unit_id}/assessments", "lnnyyn", "lnnnnn"),
    ("GET", "/units/{unit_id}/rectifications", "lyyyyy", "lynnnn"),
    ("POST", "/units/{unit_id}/rectifications/{order_id}/report", "lnnynn", "lnnnnn"),
    ("GET", "/units/{unit_id}/risk-list", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/risk-list/edit", "lnnyyn", "lnnnnn"),
    ("POST", "/units/{unit_id}/risk-list", "lnnyyn", "lnnnnn"),
    ("GET", "/units/{unit_id}/duties", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/duties/{kind}/edit", "lnnynn", "lnnnnn"),
    ("POST", "/units/{unit_id}/duties/{kind}", "lnnynn", "lnnnnn"),
    ("GET", "/units/{unit_id}/records/{kind}/{record_id}/bundle", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/documents", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/documents/{file}", "lyyyyy", "lynnnn"),
    ("POST", "/units/{unit_id}/archives", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/archives/{job_id}", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/archives/{job_id}/download", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/calendar", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/checks", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/checks/new", "lnnnny", "lnnnnn"),
    ("POST", "/units/{unit_id}/checks", "lnnnny", "lnnnnn"),
    ("GET", "/units/{unit_id}/checks/{check_id}", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/photos/{sha256}", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/reviews", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/reviews/new", "lnnnyy", "lnnnnn"),
    ("POST", "/units/{unit_id}/reviews", "lnnnyy", "lnnnnn"),
    ("GET", "/units/{unit_id}/reviews/{review_id}", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/meetings", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/meetings/new", "lnnyyn", "lnnnnn"),
    ("POST", "/units/{unit_id}/meetings", "lnnyyn", "lnnnnn"),
    ("GET", "/units/{unit_id}/meetings/{meeting_id}", "lyyyyy", "lynnnn"),
    ("POST", "/units/{unit_id}/meetings/{meeting_id}/confirm", "lnnynn", "lnnnnn"),
    ("POST", "/units/{unit_id}/tasks/{task_id}/done", "lnnyyy", "lnnnnn"),
    ("GET", "/units/{unit_id}/inspections", "lyyyyy", "lynnnn"),
    ("POST", "/units/{unit_id}/inspections", "lnnyyy", "lnnnnn"),
    ("GET", "/units/{unit_id}/inspections/{inspection_id}", "lyyyyy", "lynnnn"),
    ("POST", "/units/{unit_id}/hazards", "lnnyyy", "lnnnnn"),
    ("GET", "/units/{unit_id}/vetoes", "lyyyyy", "lynnnn"),
    ("POST", "/units/{unit_id}/vetoes", "lnnnyy", "lnnnnn"),
    ("GET", "/units/{unit_id}/vetoes/{veto_id}", "lyyyyy", "lynnnn"),
    ("POST", "/units/{unit_id}/vetoes/{veto_id}/answer", "lnnynn", "lnnnnn"),
    ("GET", "/units/{unit_id}/settings", "lyyyyy", "lynnnn"),
    ("POST", "/units/{unit_id}/settings", "lnnynn", "lnnnnn"),
    ("POST", "/units/{unit_id}/suspensions", "lnnynn", "lnnnnn"),
    ("POST", "/units/{unit_id}/webhooks", "lnnynn", "lnnnnn"),
    ("POST", "/units/{unit_id}/webhooks/{webhook_id}/remove", "lnnynn", "lnnnnn"),
    ("GET", "/units/{unit_id}/hazards", "lyyyyy", "lynnnn"),
    ("GET", "/units/{unit_id}/hazards/{hazard_id}", "lyyyyy", "lynnnn"),
    ("POST", "/units/{unit_id}/hazards/{hazard_id}/steps", "lnnyyy", "lnnnnn"),
    // A notification is its addressee's: the own unit's director reads (and so uses up) it; nobody else finds it.
    ("POST", "/notifications/{notification_id}/read", "lnnnyn", "lnnnnn"),
    ("GET", "/admin/accounts", "lynnnn", "lynnnn"),
    ("POST", "/admin/accounts", "lynnnn", "lynnnn"),
    ("POST", "/admin/accounts/{user_id}/password", "lynnnn", "lynnnn"),
    ("GET", "/spot-checks/{plan_id}", "yyyyyy", "yyyyyy"),
    ("GET", "/spot-checks/{plan_id}/draw.json", "yyyyyy", "yyyyyy"),
    ("GET", "/regulator/dashboard", "lnynnn", "lnynnn"),
    ("GET", "/regulator/dashboard.xlsx", "lnynnn", "lnynnn"),
    ("GET", "/regulator/spot-checks", "lnynnn", "lnynnn"),
    ("POST", "/regulator/spot-checks", "lnynnn", "lnynnn"),
    ("GET", "/regulator/spot-checks/{plan_id}", "lnynnn", "lnnnnn"),
    ("POST", "/regulator/spot-checks/{plan_id}/draw", "lnynnn", "lnnnnn"),
    ("POST", "/regulator/spot-checks/{plan_id}/scores", "lnynnn", "lnnnnn"),
    ("POST", "/regulator/spot-checks/{plan_id}/publish", "lnynnn", "lnnnnn"),
    ("GET", "/regulator/registry", "lnynnn", "lnynnn"),
    ("POST", "/regulator/registry", "lnynnn", "lnynnn"),
    ("GET", "/regulator/registry/template.xlsx", "lnynnn", "lnynnn"),
    ("GET", "/admin/bank", "lynnnn", "lynnnn"),
    ("POST", "/admin/bank", "lynnnn", "lynnnn"),
    ("GET", "/admin/bank/export.json", "lynnnn", "lynnnn"),
    ("GET", "/admin/bank/export.xlsx", "lynnnn", "lynnnn"),
    ("GET", "/api/v1/openapi.json", "yyyyyy", "yyyyyy"),
    ("POST", "/api/v1/session", "yyyyyy", "yyyyyy"),
    ("DELETE", "/api/v1/session", "lyyyyy", "lyyyyy"),
    ("GET", "/api/v1/me", "lyyyyy", "lyyyyy"),
    ("POST", "/api/v1/me/password", "lyyyyy", "lyyyyy"),
    ("GET", "/api/v1/catalogues", "lyyyyy", "lyyyyy"),
    ("POST", "/api/v1/units", "lynyyy", "lynyyy"),
    ("GET", "/api/v1/units/{unit_id}", "lyyyyy", "lynnnn"),
    ("PUT", "/api/v1/units/{unit_id}", "lnnynn", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/people", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/people", "lnnynn", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/appointments", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/appointments", "lnnynn", "lnnnnn"),
    ("POST", "/api/v1/units/{unit_id}/appointments/{appointment_id}/end", "lnnynn", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/trainings", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/trainings", "lnnyyn", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/risk-list", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/risk-list", "lnnyyn", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/duties/{kind}", "lyyyyy", "lynnnn"),
    ("PUT", "/api/v1/units/{unit_id}/duties/{kind}", "lnnynn", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/records/{kind}/{record_id}/bundle", "lyyyyy", "lynnnn"),
    ("GET", "/api/v1/units/{unit_id}/documents/{file}", "lyyyyy", "lynnnn"),
    ("GET", "/api/v1/units/{unit_id}/calendar", "lyyyyy", "lynnnn"),
    ("GET", "/api/v1/units/{unit_id}/daily-checks", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/daily-checks", "lnnnny", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/daily-checks/{check_id}", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/photos", "lnnnny", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/weekly-reviews", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/weekly-reviews", "lnnnyy", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/weekly-reviews/{review_id}", "lyyyyy", "lynnnn"),
    ("GET", "/api/v1/units/{unit_id}/monthly-meetings", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/monthly-meetings", "lnnyyn", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/monthly-meetings/{meeting_id}", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/monthly-meetings/{meeting_id}/confirm", "lnnynn", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/tasks", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/tasks/{task_id}/done", "lnnyyy", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/self-inspections", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/self-inspections", "lnnyyy", "lnnnnn"),
    ("POST", "/api/v1/units/{unit_id}/hazards", "lnnyyy", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/vetoes", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/vetoes", "lnnnyy", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/vetoes/{veto_id}", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/vetoes/{veto_id}/answer", "lnnynn", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/settings", "lyyyyy", "lynnnn"),
    ("PUT", "/api/v1/units/{unit_id}/settings", "lnnynn", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/suspensions", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/suspensions", "lnnynn", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/webhooks", "lnnynn", "lnnnnn"),
    ("POST", "/api/v1/units/{unit_id}/webhooks", "lnnynn", "lnnnnn"),
    ("DELETE", "/api/v1/units/{unit_id}/webhooks/{webhook_id}", "lnnynn", "lnnnnn"),
    ("GET", "/api/v1/units/{unit_id}/hazards", "lyyyyy", "lynnnn"),
    ("GET", "/api/v1/units/{unit_id}/hazards/{hazard_id}", "lyyyyy", "lynnnn"),
    ("POST", "/api/v1/units/{unit_id}/hazards/{hazard_id}/steps", "lnnyyy", "lnnnnn"),
    ("GET", "/api/v1/notifications", "lyyyyy", "lyyyyy"),
    ("GET", "/api/v1/accounts", "lynnnn", "lynnnn"),
    ("POST", "/api/v1/accounts", "lynnnn", "lynnnn"),
];

/// A unit with one person holding each post, and a spare person: (unit id, appointment id, spare person id).
struct Fixture {
    unit: i64,
    appointment: i64,
    person: i64,
    /// An account nobody signs in with, for the administrator's password reset.
    account: i64,
    /// A daily check of the unit.
    check: i64,
    /// The hazard the check opened.
    hazard: i64,
    /// The notification its director got.
    notification: i64,
    /// A weekly review of the unit.
    review: i64,
    /// A veto, unanswered.
    veto: i64,
    /// The photo the check carries.
    photo: String,
    /// A document's verification code.
    document_code: String,
    exam_token: String,
    /// A spot-check plan over the unit's county, drawn and published, with an order to the unit.
    plan: i64,
    order: i64,
    /// A finished period archive.
    archive_job: u64,
}

async fn fixture(app: &TestApp, principal: &Login, code: &str, division: &str) -> (Fixture, i64, i64) {
    let unit = app.unit(principal, code, division, &["ccc-10"]).await;
    let director = app.user(&format!("d{code}"), false).await;
    let officer = app.user(&format!("o{code}"), false).await;
    let (d_person, appointment) = app.staff(principal, unit, "总监", "director").await;
    let (o_person, _) = app.staff(principal, unit, "安全员", "officer").await;
    app.state.store.link_person(unit, d_person, director, common::now()).await.unwrap();
    app.state.store.link_person(unit, o_person, officer, common::now()).await.unwrap();
    let spare =
        app.json("POST", &format!("/api/v1/units/{unit}/people"), Some(principal), json!({"name": "候选人"})).await;
    let account = app.user(&format!("spare{code}"), false).await;
    let photo = zhian_store::photos::NewPhoto::new("image/jpeg", vec![0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    let form = zhian_domain::duty::DailyCheckForm {
        period: "2026-03-02".into(),
        items: vec![zhian_domain::duty::CheckItemForm {
            item: "3C标志".into(),
            result: "nonconforming".into(),
            note: "缺标志".into(),
            photos: vec![photo.sha256.clone()],
            ..Default::default()
        }],
        ..Default::default()
    };
    let written =
        app.state.store.submit_daily_check(unit, &form, vec![photo.clone()], officer, common::now()).await.unwrap();
    let (check, hazards) = (written.id, written.hazards);
    let notification = app.state.store.notifications(director).await.unwrap()[0].id;
    let week = zhian_domain::duty::WeeklyReviewForm {
        period: "2026-W10".into(),
        analysis: "本周发现一项问题".into(),
        conclusions: "已整改".into(),
        amends: None,
    };
    let week = week.check(zhian_domain::Cadence::Weeks(1)).unwrap();
    let review = app.state.store.submit_weekly_review(unit, &week, "草稿", director, common::now()).await.unwrap();
    let proposal =
        zhian_domain::veto::VetoForm { product: "充电器".into(), defect: "无3C".into(), proposal: "停售".into() };
    let veto = app.state.store.propose_veto(unit, &proposal.check().unwrap(), officer, common::now()).await.unwrap();
    let person = spare.json()["id"].as_i64().unwrap();
    let set = app
        .post_form(&format!("/units/{unit}/assessments"), Some(principal), &[("person_id", &person.to_string())])
        .await;
    let exam_token = set
        .body
        .split("id=\"exam-link\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let (plan, order) = spot_check(app, unit, division, principal.user_id).await;
    let document_code =
        app.state.store.issue_document_code(unit, "daily", "记录", "2026-03-01", &[0], common::now()).await.unwrap();
    let started = app
        .post_form(&format!("/units/{unit}/archives"), Some(principal), &[("from", "2026-03-01"), ("to", "2026-03-02")])
        .await;
    let archive_job: u64 = started.location().rsplit('/').next().unwrap().parse().unwrap();
    for _ in 0..600 {
        if app.get(started.location(), Some(principal)).await.body.contains("archive-ready") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    (
        Fixture {
            unit,
            appointment,
            person,
            account,
            check,
            hazard: hazards[0],
            notification,
            review,
            veto,
            photo: photo.sha256,
            document_code,
            exam_token,
            plan,
            order,
            archive_job,
        },
        director,
        officer,
    )
}

/// A plan over the unit's county, drawn (nobody) and published with an order to the unit: (plan, order).
async fn spot_check(app: &TestApp, unit: i64, division: &str, by: i64) -> (i64, i64) {
    use zhian_store::spotchecks::{NewOrder, NewPlan};
    let store = &app.state.store;
    let plan = NewPlan {
        title: "抽查",
        division: DivisionCode::parse(division).unwrap(),
        categories: &[],
        sample: zhian_domain::spotcheck::Sample::Count(1),
        people_per_unit: 1,
        blueprint: "{}",
        rectify_days: 30,
        seed: &[1; 32],
        day: common::now().date_naive(),
    };
    let plan = store.create_plan(&plan, by, common::now()).await.unwrap();
    let version = store.bank_version().await.unwrap().unwrap();
    let exam = store.create_exam(None, "抽查", "{}", version, by, common::now()).await.unwrap();
    store.record_draw(plan, &[1; 32], &[], exam, common::now()).await.unwrap();
    let order = NewOrder {
        unit_id: unit,
        person_id: None,
        attempt_id: None,
        reason: "未配备".into(),
        due: common::now().date_naive(),
    };
    store.publish_results(plan, "[]", &[order], by, common::now()).await.unwrap();
    (plan, store.unit_orders(unit).await.unwrap()[0].id)
}

fn concrete(path: &str, f: &Fixture) -> String {
    path.replace("{unit_id}", &f.unit.to_string())
        .replace("{appointment_id}", &f.appointment.to_string())
        .replace("{person_id}", &f.person.to_string())
        .replace("{kind}/{record_id}", &format!("appointment/{}", f.appointment))
        .replace("{kind}", "director")
        .replace("{user_id}", &f.account.to_string())
        .replace("{check_id}", &f.check.to_string())
        .replace("{hazard_id}", &f.hazard.to_string())
        .replace("{review_id}", &f.review.to_string())
        .replace("{veto_id}", &f.veto.to_string())
        .replace("{notification_id}", &f.notification.to_string())
        .replace("{sha256}", &f.photo)
        .replace("{file}", "roster.docx")
        .replace("{code}", &f.document_code)
        .replace("{job_id}", &f.archive_job.to_string())
        .replace("{token}", &f.exam_token)
        .replace("{plan_id}", &f.plan.to_string())
        .replace("{order_id}", &f.order.to_string())
}

/// Sends a request that passes every check after the guard's only when it must: empty forms and `{}` bodies fail
/// validation, so no request changes what the next one sees.
async fn call(app: &TestApp, method: &str, path: &str, api: bool, login: Option<&Login>) -> Reply {
    match (method, api) {
        ("GET", _) => app.get(path, login).await,
        (_, true) => app.json(method, path, login, json!({})).await,
        (_, false) if path == "/login" => {
            // The log-in form's own CSRF cookie, as the page would set it.
            let body = "_csrf=x&username=&password=";
            let request = axum::http::Request::post(path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", "zhian_login_csrf=x")
                .body(axum::body::Body::from(body))
                .unwrap();
            app.send(request).await
        }
        (_, false) if path.starts_with("/exam/") && login.is_none() => {
            // The exam page's own CSRF cookie, as the page would set it.
            let request = axum::http::Request::post(path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", "zhian_login_csrf=x")
                .body(axum::body::Body::from("_csrf=x"))
                .unwrap();
            app.send(request).await
        }
        (_, false) => app.post_form(path, login, &[]).await,
    }
}

fn outcome(r: &Reply, api: bool) -> char {
    match r.status {
        StatusCode::UNAUTHORIZED => 'l',
        StatusCode::SEE_OTHER if !api && r.location().starts_with("/login?next=") => 'l',
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => 'n',
        _ => 'y',
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_role_as_the_policy_says() {
    let app = TestApp::new().await;
    let admin = app.user("admin", true).await;
    let regulator = app.user("regulator", false).await;
    app.state.store.grant_jurisdiction(regulator, DivisionCode::parse("440300").unwrap(), common::now()).await.unwrap();
    let principal = app.user("principal", false).await;
    let other_principal = app.user("other", false).await;
    let p_login = app.login(principal).await;
    let o_login = app.login(other_principal).await;
    let (own, director, officer) = fixture(&app, &p_login, "9144030071526726XG", "440305").await;
    let (other, _, _) = fixture(&app, &o_login, "91110000802100433B", "110105").await;
    let users = [None, Some(admin), Some(regulator), Some(principal), Some(director), Some(officer)];
    app.state.store.sign_checkpoint(&app.state.log_key, common::now()).await.unwrap();

    let routes = table();
    let mut failures = Vec::new();
    for spec in &routes {
        let Some(&(_, _, own_expected, other_expected)) =
            EXPECTED.iter().find(|(m, p, _, _)| *m == spec.method.as_str() && *p == spec.path)
        else {
            failures.push(format!("{} {}: route has no row in the matrix", spec.method, spec.path));
            continue;
        };
        for (fixture, expected, which) in [(&own, own_expected, "own"), (&other, other_expected, "other")] {
            let path = concrete(spec.path, fixture);
            for ((role, user), want) in ROLES.iter().zip(users).zip(expected.chars()) {
                let login = match user {
                    Some(id) => Some(app.login(id).await),
                    None => None,
                };
                let reply = call(&app, spec.method.as_str(), &path, spec.api, login.as_ref()).await;
                let got = outcome(&reply, spec.api);
                if got != want {
                    failures.push(format!(
                        "{} {path} as {role} ({which} unit): expected {want}, got {got} ({}) {}",
                        spec.method,
                        reply.status,
                        reply.body.chars().take(120).collect::<String>()
                    ));
                }
            }
        }
    }
    for (m, p, _, _) in EXPECTED {
        if !routes.iter().any(|s| s.method.as_str() == *m && s.path == *p) {
            failures.push(format!("{m} {p}: row without a route"));
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_changing_request_without_the_csrf_token_is_refused() {
    let app = TestApp::new().await;
    let id = app.user("principal", false).await;
    let login = app.login(id).await;
    let unit = app.unit(&login, "9144030071526726XG", "440305", &[]).await;
    let forged = Login { csrf: "forged".into(), ..login.clone() };
    let r = app.post_form(&format!("/units/{unit}/people"), Some(&forged), &[("name", "王芳")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("请刷新页面"), "{}", r.body);
    let r = app.json("POST", &format!("/api/v1/units/{unit}/people"), Some(&forged), json!({"name": "王芳"})).await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("csrf")));
    let people = app.get(&format!("/api/v1/units/{unit}/people"), Some(&login)).await.json();
    assert_eq!(people.as_array().unwrap().len(), 1, "only the principal: nothing was added");
}
