//! The duty cycle: daily checks, hazards, notifications, the unit's rhythm and suspensions.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::usecases::{self};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{ApiJson, ApiResult, ok};

/// A daily check as the API gives it; written straight from the record, the busiest answer there is.
#[derive(Serialize)]
struct CheckBody<'a> {
    id: i64,
    period: &'a str,
    zero_risk: bool,
    note: &'a str,
    amends: Option<i64>,
    created_by: &'a str,
    created_at: String,
    items: Vec<ItemBody<'a>>,
    /// The hazards a submission opened; only in the answer to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    hazards: Option<&'a [i64]>,
}

#[derive(Serialize)]
struct ItemBody<'a> {
    risk_point: &'a str,
    item: &'a str,
    result: &'static str,
    note: &'a str,
    photos: &'a [String],
}

fn check_json(c: &zhian_store::checks::DailyCheck) -> CheckBody<'_> {
    CheckBody {
        id: c.id,
        period: &c.period,
        zero_risk: c.zero_risk,
        note: &c.note,
        amends: c.amends,
        created_by: &c.created_by,
        created_at: c.created_at.to_rfc3339(),
        items: c
            .items
            .iter()
            .map(|i| ItemBody {
                risk_point: &i.risk_point,
                item: &i.item,
                result: i.result.code(),
                note: &i.note,
                photos: &i.photos,
            })
            .collect(),
        hazards: None,
    }
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
    let written = usecases::submit_daily_check(&state, &ctx, unit_id, &form, Vec::new()).await?;
    // The answer is what was written; reading it back would cost the busiest path two queries.
    let info = written.info;
    let check = zhian_store::checks::DailyCheck {
        id: written.id,
        period: info.period.to_string(),
        zero_risk: info.zero_risk(),
        note: info.note,
        amends: info.amends,
        created_by: ctx.user()?.display_name.clone(),
        created_at: state.clock.now(),
        items: info
            .items
            .into_iter()
            .map(|i| zhian_store::checks::CheckItemRow {
                risk_point: i.risk_point,
                item: i.item,
                result: i.result,
                note: i.note,
                photos: i.photos,
            })
            .collect(),
    };
    let mut body = check_json(&check);
    body.hazards = Some(&written.hazards);
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

fn review_json(r: &zhian_store::reviews::WeeklyReview) -> Value {
    json!({"id": r.id, "period": r.period, "draft": r.draft, "analysis": r.analysis, "conclusions": r.conclusions,
           "amends": r.amends, "created_by": r.created_by, "created_at": r.created_at.to_rfc3339()})
}

/// `GET /api/v1/units/{unit_id}/weekly-reviews`.
pub async fn weekly_reviews(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let list = state.store.weekly_reviews(ctx.unit_id()?).await?;
    ok(StatusCode::OK, list.iter().map(review_json).collect::<Vec<_>>())
}

/// `GET /api/v1/units/{unit_id}/weekly-reviews/{review_id}`.
pub async fn weekly_review(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
) -> ApiResult {
    let r = state.store.weekly_review(ctx.unit_id()?, id).await?.ok_or(AppError::NotFound)?;
    ok(StatusCode::OK, review_json(&r))
}

/// `POST /api/v1/units/{unit_id}/weekly-reviews`: the draft is made from the week's records at submission.
pub async fn submit_weekly_review(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(form): ApiJson<zhian_domain::duty::WeeklyReviewForm>,
) -> ApiResult {
    let unit_id = ctx.unit_id()?;
    let id = usecases::submit_weekly_review(&state, &ctx, unit_id, &form).await?;
    let r = state.store.weekly_review(unit_id, id).await?.ok_or(AppError::NotFound)?;
    ok(StatusCode::CREATED, review_json(&r))
}

fn veto_json(state: &AppState, v: &zhian_store::vetoes::Veto) -> Value {
    json!({
        "id": v.id, "product": v.product, "defect": v.defect, "proposal": v.proposal, "proposed_by": v.proposed_by,
        "created_at": v.created_at.to_rfc3339(), "escalated": usecases::veto_escalated(state, v),
        "answer": v.answer.as_ref().map(|(d, reasons, measures, by, at)| json!({
            "decision": d.code(), "reasons": reasons, "measures": measures, "answered_by": by, "answered_at": at.to_rfc3339(),
        })),
    })
}

/// `GET /api/v1/units/{unit_id}/vetoes`.
pub async fn vetoes(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let list = state.store.vetoes(ctx.unit_id()?).await?;
    ok(StatusCode::OK, list.iter().map(|v| veto_json(&state, v)).collect::<Vec<_>>())
}

/// `GET /api/v1/units/{unit_id}/vetoes/{veto_id}`.
pub async fn veto(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
) -> ApiResult {
    let v = state.store.veto(ctx.unit_id()?, id).await?.ok_or(AppError::NotFound)?;
    ok(StatusCode::OK, veto_json(&state, &v))
}

/// `POST /api/v1/units/{unit_id}/vetoes`: the principal is alerted at once.
pub async fn propose_veto(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(form): ApiJson<zhian_domain::veto::VetoForm>,
) -> ApiResult {
    let unit_id = ctx.unit_id()?;
    let id = usecases::propose_veto(&state, &ctx, unit_id, &form).await?;
    let v = state.store.veto(unit_id, id).await?.ok_or(AppError::NotFound)?;
    ok(StatusCode::CREATED, veto_json(&state, &v))
}

/// `POST /api/v1/units/{unit_id}/vetoes/{veto_id}/answer`: once; an accepted veto needs its measures.
pub async fn answer_veto(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
    ApiJson(form): ApiJson<zhian_domain::veto::VetoAnswerForm>,
) -> ApiResult {
    let unit_id = ctx.unit_id()?;
    usecases::answer_veto(&state, &ctx, unit_id, id, &form).await?;
    let v = state.store.veto(unit_id, id).await?.ok_or(AppError::NotFound)?;
    ok(StatusCode::CREATED, veto_json(&state, &v))
}

/// `POST /api/v1/units/{unit_id}/photos`: the body is the image itself. Its type is read from its bytes; it is
/// stored once under its SHA-256, which a check item then names in `photos`.
pub async fn upload_photo(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: axum::body::Bytes,
) -> ApiResult {
    let content_type = zhian_domain::photo::check_photo(&body, "照片").map_err(|m| {
        let mut f = zhian_domain::forms::FieldErrors::default();
        f.add("photo", m);
        AppError::Invalid(f)
    })?;
    let photo = zhian_store::photos::NewPhoto::new(content_type, body.to_vec());
    let name = state.store.store_photo(ctx.unit_id()?, &photo, ctx.user()?.id, state.clock.now()).await?;
    ok(StatusCode::CREATED, json!({"sha256": name, "content_type": content_type, "size": body.len()}))
}
