//! Self-inspections (自查): the list, the form, one record.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use zhian_domain::access::{Action, Decision, authorize};
use zhian_domain::dispatch::SelfInspectionForm;
use zhian_domain::forms::FieldErrors;
use zhian_store::dispatch::SelfInspection;

use super::{Layout, PageResult, render};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::{AppState, usecases, view};

#[derive(Template)]
#[template(path = "inspections.html")]
struct InspectionsPage {
    layout: Layout,
    unit_id: i64,
    rows: Vec<SelfInspection>,
    reviews: Vec<(i64, String)>,
    can_record: bool,
    form: SelfInspectionForm,
    errors: FieldErrors,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: SelfInspectionForm,
    errors: FieldErrors,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let reviews = state.store.weekly_reviews(unit_id).await?.into_iter().take(12).map(|r| (r.id, r.period)).collect();
    let page = InspectionsPage {
        layout: Layout::for_unit(state, ctx, "自查").await?,
        unit_id,
        rows: state.store.self_inspections(unit_id).await?,
        reviews,
        can_record: authorize(&ctx.subject, Action::RecordSelfInspection, ctx.unit) == Decision::Allow,
        form,
        errors,
    };
    Ok(render(status, &page))
}

/// `GET /units/{unit_id}/inspections`.
pub async fn list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    let form = SelfInspectionForm { date: state.clock.today().to_string(), ..SelfInspectionForm::default() };
    list_page(&state, &ctx, StatusCode::OK, form, FieldErrors::default()).await
}

/// `POST /units/{unit_id}/inspections`.
pub async fn submit(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let form = SelfInspectionForm {
        date: fields.get("date").into(),
        scope: fields.get("scope").into(),
        findings: fields.get("findings").into(),
        measures: fields.get("measures").into(),
        weekly_review: fields.get("weekly_review").parse().ok(),
        raise_hazard: !fields.get("raise_hazard").is_empty(),
    };
    match usecases::submit_self_inspection(&state, &ctx, unit_id, &form).await {
        Ok((id, _)) => Ok(Redirect::to(&format!("/units/{unit_id}/inspections/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => list_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "inspection.html")]
struct InspectionPage {
    layout: Layout,
    unit_id: i64,
    inspection: SelfInspection,
    submitted: String,
}

/// `GET /units/{unit_id}/inspections/{inspection_id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let inspection = state.store.self_inspection(unit_id, id).await?.ok_or(AppError::NotFound)?;
    let page = InspectionPage {
        layout: Layout::for_unit(&state, &ctx, "自查记录").await?,
        unit_id,
        submitted: view::local(inspection.created_at),
        inspection,
    };
    Ok(render(StatusCode::OK, &page))
}
