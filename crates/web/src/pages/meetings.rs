//! The monthly dispatch (月调度): the months and their status, the minutes drafted from the month's records, the
//! principal's confirmation, and next month's key work as tasks.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use zhian_domain::access::{Action, Decision, authorize};
use zhian_domain::dispatch::{MonthlyMeetingForm, TaskForm};
use zhian_domain::forms::FieldErrors;
use zhian_domain::{Period, Tier};
use zhian_store::dispatch::{MeetingTask, MonthlyMeeting};

use super::{Layout, PageResult, render};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::{AppState, usecases, view};

/// Rows of key-work lines the form offers.
const TASK_LINES: usize = 5;

/// A month as listed: (period, status label, status style, its minutes with whether each is confirmed).
type MonthRow = (String, &'static str, &'static str, Vec<(i64, bool)>);

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsPage {
    layout: Layout,
    unit_id: i64,
    record_name: String,
    current: String,
    can_record: bool,
    months: Vec<MonthRow>,
    tasks: Vec<(MeetingTask, bool)>,
}

/// `GET /units/{unit_id}/meetings`: the last twelve months and the open key work.
pub async fn list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let settings = state.store.unit_settings(unit_id).await?;
    let meetings = state.store.monthly_meetings(unit_id).await?;
    let today = state.clock.today();
    let mut slots =
        usecases::tier_slots(&state, unit_id, Tier::Monthly, today - chrono::Duration::days(365), today).await?;
    slots.reverse();
    let months = slots
        .into_iter()
        .map(|slot| {
            let period = slot.period.to_string();
            let mine = meetings.iter().filter(|m| m.period == period).map(|m| (m.id, m.confirmed.is_some())).collect();
            (period, slot.status.label(), view::slot_css(slot.status), mine)
        })
        .collect();
    let tasks = state.store.open_tasks(unit_id).await?.into_iter().map(|t| {
        let overdue = t.due < today;
        (t, overdue)
    });
    let page = MeetingsPage {
        layout: Layout::for_unit(&state, &ctx, "月调度").await?,
        unit_id,
        record_name: settings.record_name(Tier::Monthly),
        current: Period::containing(settings.cadences.monthly, state.clock.now().timestamp()).to_string(),
        can_record: authorize(&ctx.subject, Action::RecordMonthlyMeeting, ctx.unit) == Decision::Allow,
        months,
        tasks: tasks.collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct NewQuery {
    period: Option<String>,
    amends: Option<i64>,
}

#[derive(Template)]
#[template(path = "meeting_form.html")]
struct MeetingFormPage {
    layout: Layout,
    unit_id: i64,
    form: MonthlyMeetingForm,
    tasks: Vec<(usize, TaskForm)>,
    draft: String,
    errors: FieldErrors,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    mut form: MonthlyMeetingForm,
    errors: FieldErrors,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let cadence = state.store.unit_settings(unit_id).await?.cadences.monthly;
    let draft = match Period::parse(cadence, &form.period) {
        Ok(month) => usecases::monthly_draft(state, unit_id, &month).await?.text(),
        Err(e) => e.to_string(),
    };
    if form.report.is_empty() {
        form.report.clone_from(&draft);
    }
    let mut tasks = form.tasks.clone();
    tasks.resize(tasks.len().max(TASK_LINES), TaskForm::default());
    let page = MeetingFormPage {
        layout: Layout::for_unit(state, ctx, "月调度会议纪要").await?,
        unit_id,
        tasks: tasks.into_iter().enumerate().collect(),
        form,
        draft,
        errors,
    };
    Ok(render(status, &page))
}

/// `GET /units/{unit_id}/meetings/new[?period=…&amends=…]`: the director's report starts as the draft.
pub async fn new_form(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<NewQuery>,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let cadence = state.store.unit_settings(unit_id).await?.cadences.monthly;
    let mut form = MonthlyMeetingForm {
        period: q.period.unwrap_or_else(|| Period::containing(cadence, state.clock.now().timestamp()).to_string()),
        held_at: view::local(state.clock.now()).get(..16).unwrap_or_default().replace(' ', "T"),
        amends: q.amends,
        ..MonthlyMeetingForm::default()
    };
    if let Some(original) = q.amends {
        let m = state.store.monthly_meeting(unit_id, original).await?.ok_or(AppError::NotFound)?;
        form = MonthlyMeetingForm {
            period: m.period,
            held_at: m.held_at.replace(' ', "T"),
            place: m.place,
            host: m.host,
            recorder: m.recorder,
            attendees: m.attendees.replace('\n', "、"),
            report: m.report,
            summary: m.summary,
            decisions: m.decisions,
            tasks: m
                .tasks
                .into_iter()
                .map(|t| TaskForm { work: t.work, owner: t.owner, due: t.due.to_string() })
                .collect(),
            amends: Some(original),
        };
    }
    form_page(&state, &ctx, StatusCode::OK, form, FieldErrors::default()).await
}

/// `POST /units/{unit_id}/meetings`.
pub async fn submit(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let (works, owners, dues) = (fields.all("task_work"), fields.all("task_owner"), fields.all("task_due"));
    let form = MonthlyMeetingForm {
        period: fields.get("period").into(),
        held_at: fields.get("held_at").into(),
        place: fields.get("place").into(),
        host: fields.get("host").into(),
        recorder: fields.get("recorder").into(),
        attendees: fields.get("attendees").into(),
        report: fields.get("report").into(),
        summary: fields.get("summary").into(),
        decisions: fields.get("decisions").into(),
        tasks: works
            .iter()
            .enumerate()
            .map(|(i, work)| TaskForm {
                work: work.clone(),
                owner: owners.get(i).cloned().unwrap_or_default(),
                due: dues.get(i).cloned().unwrap_or_default(),
            })
            .collect(),
        amends: fields.get("amends").parse().ok(),
    };
    match usecases::submit_monthly_meeting(&state, &ctx, unit_id, &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/units/{unit_id}/meetings/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => form_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    layout: Layout,
    unit_id: i64,
    meeting: MonthlyMeeting,
    submitted: String,
    confirmed: Option<(String, String, String)>,
    amended_by: Vec<i64>,
    tasks: Vec<(MeetingTask, Option<String>)>,
    can_record: bool,
    can_confirm: bool,
    can_complete: bool,
    errors: FieldErrors,
}

async fn meeting_page(state: &AppState, ctx: &Ctx, id: i64, status: StatusCode, errors: FieldErrors) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let mut meeting = state.store.monthly_meeting(unit_id, id).await?.ok_or(AppError::NotFound)?;
    let amended_by =
        state.store.monthly_meetings(unit_id).await?.iter().filter(|m| m.amends == Some(id)).map(|m| m.id).collect();
    let tasks = std::mem::take(&mut meeting.tasks)
        .into_iter()
        .map(|t| {
            let done = t.done.as_ref().map(|(at, by, note)| format!("{by} 于 {} 报告完成：{note}", view::local(*at)));
            (t, done)
        })
        .collect();
    let allowed = |action| authorize(&ctx.subject, action, ctx.unit) == Decision::Allow;
    let page = MeetingPage {
        layout: Layout::for_unit(state, ctx, "月调度会议纪要").await?,
        unit_id,
        submitted: view::local(meeting.created_at),
        confirmed: meeting.confirmed.as_ref().map(|(by, at, note)| (by.clone(), view::local(*at), note.clone())),
        amended_by,
        tasks,
        can_record: allowed(Action::RecordMonthlyMeeting),
        can_confirm: allowed(Action::ConfirmMonthlyMeeting),
        can_complete: allowed(Action::RecordSelfInspection),
        meeting,
        errors,
    };
    Ok(render(status, &page))
}

/// `GET /units/{unit_id}/meetings/{meeting_id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
) -> PageResult {
    meeting_page(&state, &ctx, id, StatusCode::OK, FieldErrors::default()).await
}

/// `POST /units/{unit_id}/meetings/{meeting_id}/confirm`: the principal's confirmation, once.
pub async fn confirm(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
    fields: Fields,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    match usecases::confirm_monthly_meeting(&state, &ctx, unit_id, id, fields.get("note")).await {
        Ok(_) => Ok(Redirect::to(&format!("/units/{unit_id}/meetings/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            meeting_page(&state, &ctx, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /units/{unit_id}/tasks/{task_id}/done`: back to where the task was listed.
pub async fn complete_task(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, task_id)): Path<(i64, i64)>,
    fields: Fields,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let back = match fields.get("back") {
        b if b.starts_with(&format!("/units/{unit_id}/")) && !b.contains("//") => b.to_owned(),
        _ => format!("/units/{unit_id}/meetings"),
    };
    match usecases::complete_task(&state, &ctx, unit_id, task_id, fields.get("note")).await {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(AppError::Invalid(errors)) => {
            let message = errors.0.first().map(|e| e.message.clone()).unwrap_or_default();
            Err(AppError::BadRequest(message).into())
        }
        Err(e) => Err(e.into()),
    }
}
