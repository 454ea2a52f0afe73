//! The JSON API under `/api/v1`: the same use cases and authorisation as the pages; errors as JSON with a field
//! pointer and a message. The OpenAPI document is at `/api/v1/openapi.json`.

use axum::Extension;
use axum::Json;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use zhian_domain::access::Post;
use zhian_domain::forms::{AppointmentForm, PersonForm, TrainingForm, UnitForm};
use zhian_domain::scope::Category3Policy;
use zhian_store::models::{DutyKind, RiskRow};

use crate::AppState;
use crate::auth::{ClientAddr, Ctx, set_cookie};
use crate::error::AppError;
use crate::usecases::{self, Overview};

/// An API failure, rendered as JSON.
#[derive(Debug)]
pub struct ApiError(AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl From<zhian_store::StoreError> for ApiError {
    fn from(e: zhian_store::StoreError) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error_response(&self.0)
    }
}

/// The JSON rendering of an error.
pub fn error_response(e: &AppError) -> Response {
    (e.status(), Json(e.api_body())).into_response()
}

type ApiResult = Result<Response, ApiError>;

/// A JSON body, with Chinese errors for a wrong content type, malformed JSON and oversize bodies.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(AppError::BadRequest("请求体须为 JSON（Content-Type: application/json）".into()).into());
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|_| AppError::TooLarge)?;
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(|e| AppError::BadRequest(format!("请求体不是有效的 JSON 或字段类型不符：{e}")).into())
    }
}

/// A JSON value as form text: strings as they are, numbers and booleans written out, null empty.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn ok<T: Serialize>(status: StatusCode, body: T) -> ApiResult {
    Ok((status, Json(body)).into_response())
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    Json(crate::openapi::document()).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    username: String,
    password: String,
}

/// `POST /api/v1/session`: signs in; the session cookie is set and the CSRF token returned for later calls.
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult {
    let (cookie, csrf, user) = usecases::login(&state, &body.username, &body.password, &addr).await?;
    let body = json!({"csrf_token": csrf, "user": {"id": user.id, "username": user.username, "display_name": user.display_name, "must_change_password": user.must_change_password}});
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// `DELETE /api/v1/session`.
pub async fn logout(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    if let Some(s) = &ctx.session {
        state.store.delete_session(&s.id_hash).await?;
    }
    Ok(([(header::SET_COOKIE, set_cookie(&state, crate::auth::SESSION_COOKIE, "", 0))], StatusCode::NO_CONTENT)
        .into_response())
}

/// `GET /api/v1/me`.
pub async fn me(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let user = ctx.user()?;
    let ids: Vec<i64> = ctx.subject.posts.iter().map(|(u, _)| *u).collect();
    let units = state.store.units_named(&ids).await?;
    let posts: Vec<Value> =
        ctx.subject.posts.iter().map(|(unit, post)| json!({"unit_id": unit, "post": post.code()})).collect();
    ok(
        StatusCode::OK,
        json!({
            "id": user.id, "username": user.username, "display_name": user.display_name, "admin": user.is_admin,
            "must_change_password": user.must_change_password,
            "jurisdictions": ctx.subject.jurisdictions.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "posts": posts,
            "units": units.iter().map(|(id, name)| json!({"id": id, "name": name})).collect::<Vec<_>>(),
            "csrf_token": ctx.csrf,
        }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    current: String,
    new: String,
}

/// `POST /api/v1/me/password`.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(b): ApiJson<PasswordBody>,
) -> ApiResult {
    usecases::change_password(&state, &ctx, &b.current, &b.new, &b.new).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/catalogues`: the catalogues with the categories in force today.
pub async fn catalogues(State(state): State<AppState>) -> ApiResult {
    let today = state.clock.today();
    let list: Vec<Value> = state
        .reference
        .catalogues
        .iter()
        .map(|c| {
            json!({
                "catalogue": c.catalogue, "version": c.version, "title": c.title, "effective_from": c.effective_from,
                "categories": c.categories.iter().filter(|cat| cat.in_force(today)).map(|cat| json!({
                    "code": cat.code, "name": cat.name, "products": cat.products, "standards": cat.standards,
                    "effective_from": cat.effective_from,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    ok(StatusCode::OK, list)
}

/// A unit as sent and received by the API.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct UnitBody {
    name: Value,
    credit_code: Value,
    address: Value,
    division_code: Value,
    channel: Value,
    employees: Value,
    revenue_yuan: Value,
    categories: Vec<String>,
    principal_name: Value,
    category3_policy: Value,
}

impl UnitBody {
    fn form(&self) -> UnitForm {
        UnitForm {
            name: text(&self.name),
            credit_code: text(&self.credit_code),
            address: text(&self.address),
            division_code: text(&self.division_code),
            channel: text(&self.channel),
            employees: text(&self.employees),
            revenue_yuan: text(&self.revenue_yuan),
        }
    }
}

fn unit_json(state: &AppState, o: &Overview) -> Value {
    let u = &o.unit;
    let today = state.clock.today();
    json!({
        "id": u.id, "name": u.name, "credit_code": u.credit_code, "address": u.address,
        "division_code": u.division.to_string(), "channel": u.channel.code(), "employees": u.employees,
        "revenue_yuan": u.revenue_yuan,
        "category3_policy": match u.category3_policy { Category3Policy::Seed => "seed", Category3Policy::Catalogue => "catalogue" },
        "categories": u.products.iter().map(|p| json!({
            "code": p.category_code, "catalogue": p.catalogue, "version": p.catalogue_version,
            "name": state.reference.category(&p.category_code).map(|(_, c)| c.name.clone()),
        })).collect::<Vec<_>>(),
        "assessment": {
            "in_scope": o.assessment.in_scope, "scale": o.assessment.scale.code(),
            "director_required": o.assessment.director_required, "officer_required": o.assessment.officer_required,
            "basis": o.assessment.basis.iter().map(ToString::to_string).collect::<Vec<_>>(),
        },
        "staffing": {
            "staffed": o.staffing.is_staffed(), "principal": o.holders(Post::Principal, today),
            "directors": o.holders(Post::Director, today), "officers": o.holders(Post::Officer, today),
            "officers_recommended": o.staffing.officers_recommended, "gaps": o.staffing.gaps(),
        },
    })
}

/// `POST /api/v1/units`: onboards a unit; the caller becomes its principal.
pub async fn create_unit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(b): ApiJson<UnitBody>,
) -> ApiResult {
    let id = usecases::create_unit(&state, &ctx, &b.form(), &b.categories, &text(&b.principal_name)).await?;
    let o = usecases::overview(&state, id).await?;
    ok(StatusCode::CREATED, unit_json(&state, &o))
}

/// `GET /api/v1/units/{unit_id}`: the unit with its assessment and staffing.
pub async fn unit(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let o = usecases::overview(&state, ctx.unit_id()?).await?;
    ok(StatusCode::OK, unit_json(&state, &o))
}

/// `PUT /api/v1/units/{unit_id}`.
pub async fn update_unit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(b): ApiJson<UnitBody>,
) -> ApiResult {
    let policy = match text(&b.category3_policy).as_str() {
        "" | "seed" => Category3Policy::Seed,
        "catalogue" => Category3Policy::Catalogue,
        _ => {
            let mut f = zhian_domain::forms::FieldErrors::default();
            f.add("category3_policy", "应为 seed 或 catalogue");
            return Err(AppError::Invalid(f).into());
        }
    };
    let id = ctx.unit_id()?;
    usecases::update_unit(&state, id, &b.form(), &b.categories, policy).await?;
    let o = usecases::overview(&state, id).await?;
    ok(StatusCode::OK, unit_json(&state, &o))
}

/// `GET /api/v1/units/{unit_id}/people`. ID numbers are masked.
pub async fn people(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let people = state.store.people(ctx.unit_id()?).await?;
    let list: Vec<Value> = people
        .iter()
        .map(|p| json!({"id": p.id, "name": p.name, "id_number_masked": p.id_number_masked, "phone": p.phone, "has_account": p.user_id.is_some()}))
        .collect();
    ok(StatusCode::OK, list)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct PersonBody {
    name: Value,
    id_number: Value,
    phone: Value,
}

/// `POST /api/v1/units/{unit_id}/people`.
pub async fn add_person(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(b): ApiJson<PersonBody>,
) -> ApiResult {
    let form = PersonForm { name: text(&b.name), id_number: text(&b.id_number), phone: text(&b.phone) };
    let id = usecases::add_person(&state, ctx.unit_id()?, &form).await?;
    let p = state.store.person(ctx.unit_id()?, id).await?.ok_or(AppError::NotFound)?;
    ok(
        StatusCode::CREATED,
        json!({"id": p.id, "name": p.name, "id_number_masked": p.id_number_masked, "phone": p.phone, "has_account": false}),
    )
}

fn appointment_json(a: &zhian_store::models::Appointment) -> Value {
    json!({
        "id": a.id, "person_id": a.person_id, "person_name": a.person_name, "post": a.post.code(),
        "employment": a.employment.code(), "from": a.from.to_string(), "to": a.to.map(|d| d.to_string()),
        "reason": a.reason, "end_reason": a.end_reason,
    })
}

/// `GET /api/v1/units/{unit_id}/appointments`: the full history, current first.
pub async fn appointments(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let list = state.store.appointments(ctx.unit_id()?).await?;
    ok(StatusCode::OK, list.iter().map(appointment_json).collect::<Vec<_>>())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct AppointBody {
    person_id: Value,
    post: Value,
    employment: Value,
    from: Value,
    reason: Value,
}

/// `POST /api/v1/units/{unit_id}/appointments`: refused, with the reason, for someone without a passed assessment.
pub async fn appoint(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(b): ApiJson<AppointBody>,
) -> ApiResult {
    let form = AppointmentForm {
        person_id: text(&b.person_id),
        post: text(&b.post),
        employment: text(&b.employment),
        from: text(&b.from),
        reason: text(&b.reason),
    };
    let unit_id = ctx.unit_id()?;
    let id = usecases::appoint(&state, &ctx, unit_id, &form).await?;
    let all = state.store.appointments(unit_id).await?;
    let a = all.iter().find(|a| a.id == id).ok_or(AppError::NotFound)?;
    ok(StatusCode::CREATED, appointment_json(a))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct EndBody {
    to: Value,
    end_reason: Value,
}

/// `POST /api/v1/units/{unit_id}/appointments/{appointment_id}/end`.
pub async fn end_appointment(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, appointment_id)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<EndBody>,
) -> ApiResult {
    usecases::end_appointment(&state, ctx.unit_id()?, appointment_id, &text(&b.to), &text(&b.end_reason)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/units/{unit_id}/trainings`.
pub async fn trainings(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let list = state.store.trainings(ctx.unit_id()?).await?;
    let out: Vec<Value> = list
        .iter()
        .map(|t| {
            json!({
                "id": t.id, "person_id": t.person_id, "person_name": t.person_name, "date": t.date.to_string(),
                "content": t.content, "hours": crate::view::hours(t.tenth_hours), "score": t.score, "passed": t.passed,
            })
        })
        .collect();
    ok(StatusCode::OK, out)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct TrainingBody {
    person_id: Value,
    date: Value,
    content: Value,
    hours: Value,
    score: Value,
    passed: Value,
}

/// `POST /api/v1/units/{unit_id}/trainings`.
pub async fn add_training(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(b): ApiJson<TrainingBody>,
) -> ApiResult {
    let form = TrainingForm {
        person_id: text(&b.person_id),
        date: text(&b.date),
        content: text(&b.content),
        hours: text(&b.hours),
        score: text(&b.score),
        passed: text(&b.passed),
    };
    let id = usecases::add_training(&state, &ctx, ctx.unit_id()?, &form).await?;
    ok(StatusCode::CREATED, json!({"id": id}))
}

#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<i64>,
}

/// `GET /api/v1/units/{unit_id}/risk-list[?version=N]`: a version (the current by default) and the history.
pub async fn risk_list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<VersionQuery>,
) -> ApiResult {
    let unit_id = ctx.unit_id()?;
    let list = state.store.risk_list(unit_id, q.version).await?.ok_or(AppError::NotFound)?;
    let versions = state.store.risk_list_versions(unit_id).await?;
    ok(
        StatusCode::OK,
        json!({
            "version": list.version, "note": list.note, "created_by": list.created_by,
            "created_at": list.created_at.to_rfc3339(), "rows": list.rows,
            "versions": versions.iter().map(|v| json!({"version": v.version, "note": v.note, "created_by": v.created_by, "created_at": v.created_at.to_rfc3339()})).collect::<Vec<_>>(),
        }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskListBody {
    rows: Vec<RiskRow>,
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/units/{unit_id}/risk-list`: a new version.
pub async fn save_risk_list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(b): ApiJson<RiskListBody>,
) -> ApiResult {
    let version = usecases::save_risk_list(&state, &ctx, ctx.unit_id()?, &b.rows, &b.note).await?;
    ok(StatusCode::CREATED, json!({"version": version}))
}

fn duty_kind(kind: &str) -> Result<DutyKind, AppError> {
    DutyKind::parse(kind).ok_or(AppError::NotFound)
}

/// `GET /api/v1/units/{unit_id}/duties/{kind}[?version=N]`.
pub async fn duty_text(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, kind)): Path<(i64, String)>,
    Query(q): Query<VersionQuery>,
) -> ApiResult {
    let kind = duty_kind(&kind)?;
    let d = state.store.duty_text(ctx.unit_id()?, kind, q.version).await?.ok_or(AppError::NotFound)?;
    ok(
        StatusCode::OK,
        json!({"kind": kind.code(), "title": kind.title(), "version": d.version, "body": d.body, "created_by": d.created_by, "created_at": d.created_at.to_rfc3339()}),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DutyBody {
    body: String,
}

/// `PUT /api/v1/units/{unit_id}/duties/{kind}`: a new version.
pub async fn save_duty_text(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, kind)): Path<(i64, String)>,
    ApiJson(b): ApiJson<DutyBody>,
) -> ApiResult {
    let kind = duty_kind(&kind)?;
    let version = usecases::save_duty_text(&state, &ctx, ctx.unit_id()?, kind, &b.body).await?;
    ok(StatusCode::CREATED, json!({"version": version}))
}

/// `GET /api/v1/accounts` (system administrator).
pub async fn accounts(State(state): State<AppState>) -> ApiResult {
    let list: Vec<Value> = state
        .store
        .users()
        .await?
        .iter()
        .map(|(u, j)| json!({"id": u.id, "username": u.username, "display_name": u.display_name, "admin": u.is_admin,
                             "jurisdictions": j, "must_change_password": u.must_change_password, "disabled": u.disabled}))
        .collect();
    ok(StatusCode::OK, list)
}

/// `POST /api/v1/accounts` (system administrator): the one-time password is in this response only.
pub async fn create_account(State(state): State<AppState>, ApiJson(form): ApiJson<usecases::AccountForm>) -> ApiResult {
    let (username, password) = usecases::admin_create_account(&state, &form).await?;
    ok(StatusCode::CREATED, json!({"username": username, "one_time_password": password}))
}

fn check_json(c: &zhian_store::checks::DailyCheck) -> Value {
    json!({
        "id": c.id, "period": c.period, "zero_risk": c.zero_risk, "note": c.note, "amends": c.amends,
        "created_by": c.created_by, "created_at": c.created_at.to_rfc3339(),
        "items": c.items.iter().map(|i| json!({"risk_point": i.risk_point, "item": i.item, "result": i.result.code(), "note": i.note})).collect::<Vec<_>>(),
    })
}

/// `GET /api/v1/units/{unit_id}/daily-checks`: the newest 200, without items.
pub async fn daily_checks(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let list = state.store.daily_checks(ctx.unit_id()?, 200).await?;
    ok(StatusCode::OK, list.iter().map(check_json).collect::<Vec<_>>())
}

/// `GET /api/v1/units/{unit_id}/daily-checks/{check_id}`.
pub async fn daily_check(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
) -> ApiResult {
    let check = state.store.daily_check(ctx.unit_id()?, id).await?.ok_or(AppError::NotFound)?;
    ok(StatusCode::OK, check_json(&check))
}

/// `POST /api/v1/units/{unit_id}/daily-checks`: refused for a period not yet begun and for a second check of a
/// period (unless `amends` names the one it corrects).
pub async fn submit_daily_check(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(form): ApiJson<zhian_domain::duty::DailyCheckForm>,
) -> ApiResult {
    let unit_id = ctx.unit_id()?;
    let (id, hazards) = usecases::submit_daily_check(&state, &ctx, unit_id, &form).await?;
    let check = state.store.daily_check(unit_id, id).await?.ok_or(AppError::NotFound)?;
    let mut body = check_json(&check);
    body["hazards"] = json!(hazards);
    ok(StatusCode::CREATED, body)
}

fn hazard_json(h: &zhian_store::checks::Hazard, today: chrono::NaiveDate) -> Value {
    json!({
        "id": h.id, "title": h.title, "description": h.description, "status": h.status.code(),
        "owner": h.owner, "deadline": h.deadline.map(|d| d.to_string()), "source_check_id": h.source_check_id,
        "overdue": zhian_domain::hazard::overdue(h.status, h.deadline, today), "created_at": h.created_at.to_rfc3339(),
    })
}

/// `GET /api/v1/units/{unit_id}/hazards`.
pub async fn hazards(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let today = state.clock.today();
    let list = state.store.hazards(ctx.unit_id()?).await?;
    ok(StatusCode::OK, list.iter().map(|h| hazard_json(h, today)).collect::<Vec<_>>())
}

/// `GET /api/v1/units/{unit_id}/hazards/{hazard_id}`: the hazard and its steps.
pub async fn hazard(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
) -> ApiResult {
    let (h, events) = state.store.hazard(ctx.unit_id()?, id).await?.ok_or(AppError::NotFound)?;
    let mut body = hazard_json(&h, state.clock.today());
    body["events"] = json!(events
        .iter()
        .map(|e| json!({"id": e.id, "step": e.step, "text": e.text, "status_after": e.status_after.code(), "created_by": e.created_by, "created_at": e.created_at.to_rfc3339()}))
        .collect::<Vec<_>>());
    ok(StatusCode::OK, body)
}

/// `POST /api/v1/units/{unit_id}/hazards/{hazard_id}/steps`.
pub async fn hazard_step(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
    ApiJson(form): ApiJson<usecases::HazardStepForm>,
) -> ApiResult {
    let status = usecases::hazard_step(&state, &ctx, ctx.unit_id()?, id, &form).await?;
    ok(StatusCode::CREATED, json!({"status": status.code()}))
}

/// `GET /api/v1/notifications`: the account's unread notifications.
pub async fn notifications(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let list = state.store.notifications(ctx.user()?.id).await?;
    ok(StatusCode::OK, list.iter().map(|n| json!({"id": n.id, "unit_id": n.unit_id, "message": n.message, "link": n.link, "created_at": n.created_at.to_rfc3339()})).collect::<Vec<_>>())
}

/// `GET /api/v1/units/{unit_id}/settings`.
pub async fn settings(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let s = state.store.unit_settings(ctx.unit_id()?).await?;
    ok(
        StatusCode::OK,
        json!({
            "closed_weekdays": zhian_store::settings::format_weekdays(s.closed).split(',').filter(|d| !d.is_empty()).collect::<Vec<_>>(),
            "daily_cadence": s.cadences.daily.to_string(), "weekly_cadence": s.cadences.weekly.to_string(),
            "monthly_cadence": s.cadences.monthly.to_string(),
            "record_names": {"daily": s.record_name(zhian_domain::Tier::Daily), "weekly": s.record_name(zhian_domain::Tier::Weekly),
                             "monthly": s.record_name(zhian_domain::Tier::Monthly)},
        }),
    )
}

/// `PUT /api/v1/units/{unit_id}/settings`: cadences less frequent than the law allows are refused with the reason.
pub async fn update_settings(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(form): ApiJson<usecases::SettingsForm>,
) -> ApiResult {
    usecases::update_settings(&state, ctx.unit_id()?, &form).await?;
    settings(State(state), Extension(ctx)).await
}

/// `GET /api/v1/units/{unit_id}/suspensions`.
pub async fn suspensions(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let list = state.store.suspensions(ctx.unit_id()?).await?;
    ok(StatusCode::OK, list.iter().map(|s| json!({"id": s.id, "from": s.from.to_string(), "to": s.to.to_string(), "reason": s.reason, "created_by": s.created_by})).collect::<Vec<_>>())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct SuspensionBody {
    from: String,
    to: String,
    reason: String,
}

/// `POST /api/v1/units/{unit_id}/suspensions`.
pub async fn add_suspension(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(b): ApiJson<SuspensionBody>,
) -> ApiResult {
    let id = usecases::add_suspension(&state, &ctx, ctx.unit_id()?, &b.from, &b.to, &b.reason).await?;
    ok(StatusCode::CREATED, json!({"id": id}))
}
