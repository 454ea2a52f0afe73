//! The monthly dispatch, its key work, self-inspections and hazards raised outside a daily check.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiJson, ApiResult, ok};
use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::usecases;

fn task_json(t: &zhian_store::dispatch::MeetingTask) -> Value {
    json!({
        "id": t.id, "meeting_id": t.meeting_id, "period": t.period, "work": t.work, "owner": t.owner,
        "due": t.due.to_string(),
        "done": t.done.as_ref().map(|(at, by, note)| json!({"at": at.to_rfc3339(), "by": by, "note": note})),
    })
}

fn meeting_json(m: &zhian_store::dispatch::MonthlyMeeting) -> Value {
    json!({
        "id": m.id, "period": m.period, "held_at": m.held_at, "place": m.place, "host": m.host,
        "recorder": m.recorder, "attendees": m.attendees.lines().collect::<Vec<_>>(), "draft": m.draft,
        "report": m.report, "summary": m.summary, "decisions": m.decisions, "amends": m.amends,
        "created_by": m.created_by, "created_at": m.created_at.to_rfc3339(),
        "confirmed": m.confirmed.as_ref().map(|(by, at, note)| json!({"by": by, "at": at.to_rfc3339(), "note": note})),
        "tasks": m.tasks.iter().map(task_json).collect::<Vec<_>>(),
    })
}

/// `GET /api/v1/units/{unit_id}/monthly-meetings`: without their tasks.
pub async fn monthly_meetings(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let list = state.store.monthly_meetings(ctx.unit_id()?).await?;
    ok(StatusCode::OK, list.iter().map(meeting_json).collect::<Vec<_>>())
}

/// `GET /api/v1/units/{unit_id}/monthly-meetings/{meeting_id}`: with its key work.
pub async fn monthly_meeting(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
) -> ApiResult {
    let m = state.store.monthly_meeting(ctx.unit_id()?, id).await?.ok_or(AppError::NotFound)?;
    ok(StatusCode::OK, meeting_json(&m))
}

/// `POST /api/v1/units/{unit_id}/monthly-meetings`: the director's report is drafted from the month's records at
/// submission; `held_at` is Beijing time, `YYYY-MM-DDTHH:MM`.
pub async fn submit_monthly_meeting(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(form): ApiJson<zhian_domain::dispatch::MonthlyMeetingForm>,
) -> ApiResult {
    let unit_id = ctx.unit_id()?;
    let id = usecases::submit_monthly_meeting(&state, &ctx, unit_id, &form).await?;
    let m = state.store.monthly_meeting(unit_id, id).await?.ok_or(AppError::NotFound)?;
    ok(StatusCode::CREATED, meeting_json(&m))
}

/// A note: a confirmation's or a completed task's.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct NoteBody {
    note: String,
}

/// `POST /api/v1/units/{unit_id}/monthly-meetings/{meeting_id}/confirm`: the principal, once.
pub async fn confirm_monthly_meeting(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<NoteBody>,
) -> ApiResult {
    let unit_id = ctx.unit_id()?;
    usecases::confirm_monthly_meeting(&state, &ctx, unit_id, id, &b.note).await?;
    let m = state.store.monthly_meeting(unit_id, id).await?.ok_or(AppError::NotFound)?;
    ok(StatusCode::CREATED, meeting_json(&m))
}

/// `GET /api/v1/units/{unit_id}/tasks`: key work not yet done, earliest due first.
pub async fn open_tasks(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let list = state.store.open_tasks(ctx.unit_id()?).await?;
    ok(StatusCode::OK, list.iter().map(task_json).collect::<Vec<_>>())
}

/// `POST /api/v1/units/{unit_id}/tasks/{task_id}/done`: once, with what was done.
pub async fn complete_task(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<NoteBody>,
) -> ApiResult {
    let done = usecases::complete_task(&state, &ctx, ctx.unit_id()?, id, &b.note).await?;
    ok(StatusCode::CREATED, json!({"id": done}))
}

fn inspection_json(s: &zhian_store::dispatch::SelfInspection) -> Value {
    json!({
        "id": s.id, "date": s.day, "scope": s.scope, "findings": s.findings, "measures": s.measures,
        "weekly_review": s.weekly_review_id, "hazard": s.hazard_id, "created_by": s.created_by,
        "created_at": s.created_at.to_rfc3339(),
    })
}

/// `GET /api/v1/units/{unit_id}/self-inspections`.
pub async fn self_inspections(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let list = state.store.self_inspections(ctx.unit_id()?).await?;
    ok(StatusCode::OK, list.iter().map(inspection_json).collect::<Vec<_>>())
}

/// `POST /api/v1/units/{unit_id}/self-inspections`: may link a weekly investigation and open a hazard.
pub async fn submit_self_inspection(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(form): ApiJson<zhian_domain::dispatch::SelfInspectionForm>,
) -> ApiResult {
    let unit_id = ctx.unit_id()?;
    let (id, _) = usecases::submit_self_inspection(&state, &ctx, unit_id, &form).await?;
    let s = state.store.self_inspection(unit_id, id).await?.ok_or(AppError::NotFound)?;
    ok(StatusCode::CREATED, inspection_json(&s))
}

/// `POST /api/v1/units/{unit_id}/hazards`: a hazard found outside a daily check; the managers are told at once.
pub async fn raise_hazard(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(form): ApiJson<usecases::RaiseHazardForm>,
) -> ApiResult {
    let id = usecases::raise_hazard(&state, &ctx, ctx.unit_id()?, &form).await?;
    ok(StatusCode::CREATED, json!({"id": id}))
}

/// The range of a calendar query.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RangeQuery {
    from: String,
    to: String,
}

/// `GET /api/v1/units/{unit_id}/calendar[?from=YYYY-MM-DD&to=YYYY-MM-DD]`: every tier's slots touching the range
/// (this month by default, at most 366 days) with their status now.
pub async fn calendar(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    axum::extract::Query(q): axum::extract::Query<RangeQuery>,
) -> ApiResult {
    use chrono::Datelike;
    let today = state.clock.today();
    let mut f = zhian_domain::forms::FieldErrors::default();
    let from = if q.from.is_empty() { today.with_day(1) } else { f.date("from", "起始日期", &q.from) };
    let to = if q.to.is_empty() {
        from.and_then(|d| d.checked_add_months(chrono::Months::new(1))).and_then(|d| d.pred_opt())
    } else {
        f.date("to", "截止日期", &q.to)
    };
    let (Some(from), Some(to)) = (from, to) else { return Err(AppError::Invalid(f).into()) };
    if to < from || (to - from).num_days() > 366 {
        f.add("to", "截止日期须不早于起始日期，且范围不超过 366 天");
        return Err(AppError::Invalid(f).into());
    }
    let calendar = usecases::unit_calendar(&state, ctx.unit_id()?, from, to, &zhian_domain::Tier::ALL).await?;
    let slots: Vec<Value> = calendar
        .slots
        .iter()
        .map(|s| {
            json!({
                "tier": s.tier.code(), "period": s.period.to_string(), "status": s.status.code(),
                "status_label": s.status.label(),
                "opens": s.window_start().map(|t| t.to_rfc3339()), "closes": s.window_end().map(|t| t.to_rfc3339()),
                "recorded_at": s.record_at.map(|t| t.to_rfc3339()),
            })
        })
        .collect();
    ok(StatusCode::OK, json!({"from": from.to_string(), "to": to.to_string(), "slots": slots}))
}

/// `GET /api/v1/units/{unit_id}/webhooks`: secrets are not returned.
pub async fn webhooks(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let unit_id = ctx.unit_id()?;
    let hooks = state.store.webhooks(unit_id).await?;
    let deliveries = state.store.deliveries(unit_id, 50).await?;
    ok(
        StatusCode::OK,
        json!({
            "webhooks": hooks.iter().map(|w| json!({"id": w.id, "kind": w.kind, "url": w.url_shown, "signed": w.signed,
                "created_at": w.created_at.to_rfc3339()})).collect::<Vec<_>>(),
            "deliveries": deliveries.iter().map(|d| json!({"message": d.message, "kind": d.kind, "attempts": d.attempts,
                "delivered_at": d.delivered_at.map(|t| t.to_rfc3339()), "failed_at": d.failed_at.map(|t| t.to_rfc3339()),
                "last_error": d.last_error})).collect::<Vec<_>>(),
        }),
    )
}

/// `POST /api/v1/units/{unit_id}/webhooks`.
pub async fn add_webhook(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(form): ApiJson<usecases::WebhookForm>,
) -> ApiResult {
    let id = usecases::add_webhook(&state, &ctx, ctx.unit_id()?, &form).await?;
    ok(StatusCode::CREATED, json!({"id": id}))
}

/// `DELETE /api/v1/units/{unit_id}/webhooks/{webhook_id}`.
pub async fn remove_webhook(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
) -> ApiResult {
    state.store.remove_webhook(ctx.unit_id()?, id, state.clock.now()).await?;
    Ok(axum::response::IntoResponse::into_response(StatusCode::NO_CONTENT))
}
