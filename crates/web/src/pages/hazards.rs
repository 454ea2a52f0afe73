//! Hazards: the list with overdue ones flagged, one hazard's loop, and its next step.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use zhian_domain::access::{Action, Decision, authorize};
use zhian_domain::forms::FieldErrors;
use zhian_domain::hazard::overdue;
use zhian_store::checks::{Hazard, HazardEvent};

use super::{Layout, PageResult, render};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::usecases::{self, HazardStepForm, RaiseHazardForm};
use crate::{AppState, view};

#[derive(Template)]
#[template(path = "hazards.html")]
struct HazardsPage {
    layout: Layout,
    unit_id: i64,
    rows: Vec<(Hazard, bool)>,
    can_act: bool,
    form: RaiseHazardForm,
    errors: FieldErrors,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: RaiseHazardForm,
    errors: FieldErrors,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let today = state.clock.today();
    let rows = state.store.hazards(unit_id).await?.into_iter().map(|h| {
        let late = overdue(h.status, h.deadline, today);
        (h, late)
    });
    let page = HazardsPage {
        layout: Layout::for_unit(state, ctx, "风险隐患").await?,
        unit_id,
        rows: rows.collect(),
        can_act: authorize(&ctx.subject, Action::ActOnHazard, ctx.unit) == Decision::Allow,
        form,
        errors,
    };
    Ok(render(status, &page))
}

/// `GET /units/{unit_id}/hazards`.
pub async fn list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    list_page(&state, &ctx, StatusCode::OK, RaiseHazardForm::default(), FieldErrors::default()).await
}

/// `POST /units/{unit_id}/hazards`: a hazard found outside a daily check.
pub async fn raise(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let form = RaiseHazardForm { title: fields.get("title").into(), description: fields.get("description").into() };
    match usecases::raise_hazard(&state, &ctx, unit_id, &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/units/{unit_id}/hazards/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => list_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "hazard.html")]
struct HazardPage {
    layout: Layout,
    unit_id: i64,
    hazard: Hazard,
    overdue: bool,
    events: Vec<(HazardEvent, String, &'static str)>,
    can_act: bool,
    errors: FieldErrors,
}

fn step_label(code: &str) -> &'static str {
    match code {
        "raise" => "报告隐患",
        "measure" => "立即措施",
        "assign" => "指定整改",
        "rectify" => "整改完成",
        "verify" => "验证闭环",
        "reject" => "退回整改",
        _ => "处置",
    }
}

async fn page(state: &AppState, ctx: &Ctx, id: i64, status: StatusCode, errors: FieldErrors) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let (hazard, events) = state.store.hazard(unit_id, id).await?.ok_or(AppError::NotFound)?;
    let page = HazardPage {
        layout: Layout::for_unit(state, ctx, "风险隐患").await?,
        unit_id,
        overdue: overdue(hazard.status, hazard.deadline, state.clock.today()),
        hazard,
        events: events
            .into_iter()
            .map(|e| {
                let at = view::local(e.created_at);
                let label = step_label(&e.step);
                (e, at, label)
            })
            .collect(),
        can_act: authorize(&ctx.subject, Action::ActOnHazard, ctx.unit) == Decision::Allow,
        errors,
    };
    Ok(render(status, &page))
}

/// `GET /units/{unit_id}/hazards/{hazard_id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
) -> PageResult {
    page(&state, &ctx, id, StatusCode::OK, FieldErrors::default()).await
}

/// `POST /units/{unit_id}/hazards/{hazard_id}/steps`.
pub async fn step(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
    fields: Fields,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let form = HazardStepForm {
        step: fields.get("step").into(),
        text: fields.get("text").into(),
        owner: fields.get("owner").into(),
        deadline: fields.get("deadline").into(),
    };
    match usecases::hazard_step(&state, &ctx, unit_id, id, &form).await {
        Ok(_) => Ok(Redirect::to(&format!("/units/{unit_id}/hazards/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => page(&state, &ctx, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /notifications/{notification_id}/read`: marks it read and goes where it points.
pub async fn read_notification(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> PageResult {
    let user = ctx.user()?;
    let link = state
        .store
        .notifications(user.id)
        .await?
        .into_iter()
        .find(|n| n.id == id)
        .map(|n| n.link)
        .ok_or(AppError::NotFound)?;
    state.store.mark_read(user.id, id, state.clock.now()).await?;
    Ok(Redirect::to(&link).into_response())
}
