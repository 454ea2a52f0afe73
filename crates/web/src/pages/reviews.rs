//! The weekly investigation (周排查): the weeks and their status, the report drafted from the week's records, and
//! the director's analysis and conclusions.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use zhian_domain::access::{Action, Decision, authorize};
use zhian_domain::duty::WeeklyReviewForm;
use zhian_domain::forms::FieldErrors;
use zhian_domain::{Period, Tier};
use zhian_store::reviews::WeeklyReview;

use super::{Layout, PageResult, render};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::{AppState, usecases, view};

/// A week as listed: (period, status label, status style, its reviews).
type WeekRow = (String, &'static str, &'static str, Vec<i64>);

#[derive(Template)]
#[template(path = "reviews.html")]
struct ReviewsPage {
    layout: Layout,
    unit_id: i64,
    record_name: String,
    current: String,
    can_submit: bool,
    weeks: Vec<WeekRow>,
}

/// `GET /units/{unit_id}/reviews`: the last twelve weeks.
pub async fn list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let settings = state.store.unit_settings(unit_id).await?;
    let reviews = state.store.weekly_reviews(unit_id).await?;
    let today = state.clock.today();
    let mut slots =
        usecases::tier_slots(&state, unit_id, Tier::Weekly, today - chrono::Duration::weeks(12), today).await?;
    slots.reverse();
    let weeks = slots
        .into_iter()
        .map(|slot| {
            let period = slot.period.to_string();
            let css = crate::view::slot_css(slot.status);
            let mine = reviews.iter().filter(|r| r.period == period).map(|r| r.id).collect();
            (period, slot.status.label(), css, mine)
        })
        .collect();
    let page = ReviewsPage {
        layout: Layout::for_unit(&state, &ctx, "周排查").await?,
        unit_id,
        record_name: settings.record_name(Tier::Weekly),
        current: Period::containing(settings.cadences.weekly, state.clock.now().timestamp()).to_string(),
        can_submit: authorize(&ctx.subject, Action::SubmitWeeklyReview, ctx.unit) == Decision::Allow,
        weeks,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct NewQuery {
    period: Option<String>,
    amends: Option<i64>,
}

#[derive(Template)]
#[template(path = "review_form.html")]
struct ReviewFormPage {
    layout: Layout,
    unit_id: i64,
    period: String,
    amends: Option<i64>,
    draft: String,
    analysis: String,
    conclusions: String,
    errors: FieldErrors,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: WeeklyReviewForm,
    errors: FieldErrors,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let cadence = state.store.unit_settings(unit_id).await?.cadences.weekly;
    let draft = match Period::parse(cadence, &form.period) {
        Ok(week) => usecases::weekly_draft(state, unit_id, &week).await?.text(),
        Err(e) => e.to_string(),
    };
    let page = ReviewFormPage {
        layout: Layout::for_unit(state, ctx, "周排查报告").await?,
        unit_id,
        period: form.period,
        amends: form.amends,
        draft,
        analysis: form.analysis,
        conclusions: form.conclusions,
        errors,
    };
    Ok(render(status, &page))
}

/// `GET /units/{unit_id}/reviews/new[?period=…&amends=…]`.
pub async fn new_form(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<NewQuery>,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let cadence = state.store.unit_settings(unit_id).await?.cadences.weekly;
    let mut form = WeeklyReviewForm {
        period: q.period.unwrap_or_else(|| Period::containing(cadence, state.clock.now().timestamp()).to_string()),
        amends: q.amends,
        ..WeeklyReviewForm::default()
    };
    if let Some(original) = q.amends {
        let r = state.store.weekly_review(unit_id, original).await?.ok_or(AppError::NotFound)?;
        form.analysis = r.analysis;
        form.conclusions = r.conclusions;
    }
    form_page(&state, &ctx, StatusCode::OK, form, FieldErrors::default()).await
}

/// `POST /units/{unit_id}/reviews`.
pub async fn submit(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let form = WeeklyReviewForm {
        period: fields.get("period").into(),
        analysis: fields.get("analysis").into(),
        conclusions: fields.get("conclusions").into(),
        amends: fields.get("amends").parse().ok(),
    };
    match usecases::submit_weekly_review(&state, &ctx, unit_id, &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/units/{unit_id}/reviews/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => form_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    layout: Layout,
    unit_id: i64,
    review: WeeklyReview,
    submitted: String,
    amended_by: Vec<i64>,
    can_submit: bool,
}

/// `GET /units/{unit_id}/reviews/{review_id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let review = state.store.weekly_review(unit_id, id).await?.ok_or(AppError::NotFound)?;
    let amended_by =
        state.store.weekly_reviews(unit_id).await?.iter().filter(|r| r.amends == Some(id)).map(|r| r.id).collect();
    let page = ReviewPage {
        layout: Layout::for_unit(&state, &ctx, "周排查报告").await?,
        unit_id,
        submitted: view::local(review.created_at),
        review,
        amended_by,
        can_submit: authorize(&ctx.subject, Action::SubmitWeeklyReview, ctx.unit) == Decision::Allow,
    };
    Ok(render(StatusCode::OK, &page))
}
