//! The unit's profile, people, appointments, training, risk list and duty texts.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::usecases::{self, Overview};
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};
use zhian_domain::access::Post;
use zhian_domain::forms::{AppointmentForm, PersonForm, TrainingForm, UnitForm};
use zhian_domain::scope::Category3Policy;
use zhian_store::models::{DutyKind, RiskRow};

use super::{ApiJson, ApiResult, ok, text};

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
