//! Vetoes: proposing one, the principal's answer, and the alarm when an answer is late.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use zhian_domain::access::{Action, Decision, authorize};
use zhian_domain::forms::FieldErrors;
use zhian_domain::veto::{VetoAnswerForm, VetoForm};
use zhian_store::vetoes::Veto;

use super::{Layout, PageResult, render};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::{AppState, usecases, view};

/// A veto's status as a label and a style.
pub fn status(state: &AppState, v: &Veto) -> (&'static str, &'static str) {
    match &v.answer {
        Some((decision, ..)) => (decision.label(), "ok"),
        None if usecases::veto_escalated(state, v) => ("超时未答复", "bad"),
        None => ("待答复", "warn"),
    }
}

#[derive(Template)]
#[template(path = "vetoes.html")]
struct VetoesPage {
    layout: Layout,
    unit_id: i64,
    hours: i64,
    can_propose: bool,
    rows: Vec<(Veto, &'static str, &'static str)>,
    form: VetoForm,
    errors: FieldErrors,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    status_code: StatusCode,
    form: VetoForm,
    errors: FieldErrors,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let rows = state.store.vetoes(unit_id).await?.into_iter().map(|v| {
        let (label, css) = status(state, &v);
        (v, label, css)
    });
    let page = VetoesPage {
        layout: Layout::for_unit(state, ctx, "否决建议").await?,
        unit_id,
        hours: state.settings.veto_escalation_hours,
        can_propose: authorize(&ctx.subject, Action::ProposeVeto, ctx.unit) == Decision::Allow,
        rows: rows.collect(),
        form,
        errors,
    };
    Ok(render(status_code, &page))
}

/// `GET /units/{unit_id}/vetoes`.
pub async fn list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    list_page(&state, &ctx, StatusCode::OK, VetoForm::default(), FieldErrors::default()).await
}

/// `POST /units/{unit_id}/vetoes`.
pub async fn propose(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let form = VetoForm {
        product: fields.get("product").into(),
        defect: fields.get("defect").into(),
        proposal: fields.get("proposal").into(),
    };
    match usecases::propose_veto(&state, &ctx, unit_id, &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/units/{unit_id}/vetoes/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => list_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await,
        Err(e) => Err(e.into()),
    }
}

/// The answer as shown: (decision, reasons, measures, by, at).
type AnswerView = (&'static str, String, String, String, String);

#[derive(Template)]
#[template(path = "veto.html")]
struct VetoPage {
    layout: Layout,
    unit_id: i64,
    veto: Veto,
    status: &'static str,
    css: &'static str,
    proposed: String,
    answer: Option<AnswerView>,
    can_answer: bool,
    errors: FieldErrors,
}

async fn veto_page(state: &AppState, ctx: &Ctx, id: i64, status_code: StatusCode, errors: FieldErrors) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let veto = state.store.veto(unit_id, id).await?.ok_or(AppError::NotFound)?;
    let (label, css) = status(state, &veto);
    let answer =
        veto.answer.clone().map(|(d, reasons, measures, by, at)| (d.label(), reasons, measures, by, view::local(at)));
    let page = VetoPage {
        layout: Layout::for_unit(state, ctx, "否决建议").await?,
        unit_id,
        status: label,
        css,
        proposed: view::local(veto.created_at),
        veto,
        answer,
        can_answer: authorize(&ctx.subject, Action::AnswerVeto, ctx.unit) == Decision::Allow,
        errors,
    };
    Ok(render(status_code, &page))
}

/// `GET /units/{unit_id}/vetoes/{veto_id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
) -> PageResult {
    veto_page(&state, &ctx, id, StatusCode::OK, FieldErrors::default()).await
}

/// `POST /units/{unit_id}/vetoes/{veto_id}/answer`.
pub async fn answer(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
    fields: Fields,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let form = VetoAnswerForm {
        decision: fields.get("decision").into(),
        reasons: fields.get("reasons").into(),
        measures: fields.get("measures").into(),
    };
    match usecases::answer_veto(&state, &ctx, unit_id, id, &form).await {
        Ok(_) => Ok(Redirect::to(&format!("/units/{unit_id}/vetoes/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => veto_page(&state, &ctx, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await,
        Err(e) => Err(e.into()),
    }
}
