//! The risk control list and the duty texts: each change makes a new version.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use zhian_domain::access::{Action, Decision, Post, authorize};
use zhian_domain::forms::FieldErrors;
use zhian_store::models::{DutyKind, RiskList, RiskRow};

use super::{Layout, PageResult, render};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::{AppState, usecases, view};

#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<i64>,
}

#[derive(Template)]
#[template(path = "risk_list.html")]
struct RiskListPage {
    layout: Layout,
    unit_id: i64,
    list: Option<RiskList>,
    rows: Vec<(usize, RiskRow, &'static str)>,
    saved_at: String,
    is_current: bool,
    can_edit: bool,
    versions: Vec<(i64, String, String, String)>,
}

/// `GET /units/{unit_id}/risk-list[?version=N]`.
pub async fn risk_list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<VersionQuery>,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let list = state.store.risk_list(unit_id, q.version).await?;
    if q.version.is_some() && list.is_none() {
        return Err(AppError::NotFound.into());
    }
    let versions = state.store.risk_list_versions(unit_id).await?;
    let latest = versions.first().map(|v| v.version);
    let rows = list
        .as_ref()
        .map(|l| {
            l.rows
                .iter()
                .enumerate()
                .map(|(i, r)| (i + 1, r.clone(), Post::parse(&r.role).map_or("", Post::label)))
                .collect()
        })
        .unwrap_or_default();
    let page = RiskListPage {
        layout: Layout::for_unit(&state, &ctx, "风险管控清单").await?,
        unit_id,
        saved_at: list.as_ref().map(|l| view::local(l.created_at)).unwrap_or_default(),
        is_current: list.as_ref().map(|l| l.version) == latest,
        list,
        rows,
        can_edit: authorize(&ctx.subject, Action::EditRiskList, ctx.unit) == Decision::Allow,
        versions: versions.into_iter().map(|v| (v.version, v.note, v.created_by, view::local(v.created_at))).collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "risk_edit.html")]
struct RiskEditPage {
    layout: Layout,
    unit_id: i64,
    rows: Vec<(usize, RiskRow)>,
    templates: Vec<(String, String, usize)>,
    note: String,
    errors: FieldErrors,
}

fn blank_row() -> RiskRow {
    RiskRow {
        stage: String::new(),
        risk_point: String::new(),
        description: String::new(),
        measure: String::new(),
        target: String::new(),
        frequency: String::new(),
        role: "officer".into(),
        daily_item: None,
    }
}

async fn edit_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    mut rows: Vec<RiskRow>,
    note: String,
    errors: FieldErrors,
) -> PageResult {
    rows.extend(std::iter::repeat_with(blank_row).take(3));
    let page = RiskEditPage {
        layout: Layout::for_unit(state, ctx, "修订风险管控清单").await?,
        unit_id: ctx.unit_id()?,
        rows: rows.into_iter().enumerate().collect(),
        templates: state
            .reference
            .templates
            .iter()
            .map(|t| (t.category.clone(), t.name.clone(), t.rows.len()))
            .collect(),
        note,
        errors,
    };
    Ok(render(status, &page))
}

/// `GET /units/{unit_id}/risk-list/edit`.
pub async fn risk_edit(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    let rows = state.store.risk_list(ctx.unit_id()?, None).await?.map(|l| l.rows).unwrap_or_default();
    edit_page(&state, &ctx, StatusCode::OK, rows, String::new(), FieldErrors::default()).await
}

/// The rows of the edit form: the columns zipped, blank rows and rows marked for removal dropped.
fn submitted_rows(fields: &Fields) -> Vec<RiskRow> {
    let column = |name| fields.all(name);
    let (stage, point, description, measure, target, frequency, role, daily) = (
        column("stage"),
        column("risk_point"),
        column("description"),
        column("measure"),
        column("target"),
        column("frequency"),
        column("role"),
        column("daily_item"),
    );
    let removed: Vec<usize> = fields.all("remove").iter().filter_map(|v| v.parse().ok()).collect();
    let at = |v: &Vec<String>, i: usize| v.get(i).map(|s| s.trim().to_owned()).unwrap_or_default();
    (0..stage.len())
        .filter(|i| !removed.contains(i))
        .map(|i| RiskRow {
            stage: at(&stage, i),
            risk_point: at(&point, i),
            description: at(&description, i),
            measure: at(&measure, i),
            target: at(&target, i),
            frequency: at(&frequency, i),
            role: at(&role, i),
            daily_item: Some(at(&daily, i)).filter(|d| !d.is_empty()),
        })
        .filter(|r| {
            !(r.stage.is_empty()
                && r.risk_point.is_empty()
                && r.description.is_empty()
                && r.measure.is_empty()
                && r.target.is_empty()
                && r.frequency.is_empty()
                && r.daily_item.is_none())
        })
        .collect()
}

/// `POST /units/{unit_id}/risk-list`: saves the edited rows, plus a template's rows when one was chosen.
pub async fn risk_save(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let mut rows = submitted_rows(&fields);
    let template = fields.get("template");
    if !template.is_empty() {
        let Some(t) = state.reference.template(template) else {
            let mut errors = FieldErrors::default();
            errors.add("template", "未知的模板");
            return edit_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, rows, fields.get("note").into(), errors)
                .await;
        };
        rows.extend(usecases::rows_of_template(t));
    }
    match usecases::save_risk_list(&state, &ctx, unit_id, &rows, fields.get("note")).await {
        Ok(_) => Ok(Redirect::to(&format!("/units/{unit_id}/risk-list")).into_response()),
        Err(AppError::Invalid(errors)) => {
            edit_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, rows, fields.get("note").into(), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A duty text's current version as shown: (version, saved by, saved at, body).
type DocView = (i64, String, String, String);

#[derive(Template)]
#[template(path = "duties.html")]
struct DutiesPage {
    layout: Layout,
    unit_id: i64,
    can_edit: bool,
    docs: Vec<(&'static str, &'static str, Option<DocView>, usize)>,
}

/// `GET /units/{unit_id}/duties`.
pub async fn duties(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let mut docs = Vec::new();
    for kind in [DutyKind::Director, DutyKind::Officer] {
        let doc = state.store.duty_text(unit_id, kind, None).await?;
        let versions = state.store.duty_text_versions(unit_id, kind).await?.len();
        docs.push((
            kind.code(),
            kind.title(),
            doc.map(|d| (d.version, d.created_by, view::local(d.created_at), d.body)),
            versions,
        ));
    }
    let page = DutiesPage {
        layout: Layout::for_unit(&state, &ctx, "岗位职责").await?,
        unit_id,
        can_edit: authorize(&ctx.subject, Action::EditDutyTexts, ctx.unit) == Decision::Allow,
        docs,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "duty_edit.html")]
struct DutyEditPage {
    layout: Layout,
    unit_id: i64,
    kind: &'static str,
    title: &'static str,
    body: String,
    errors: FieldErrors,
}

/// `GET /units/{unit_id}/duties/{kind}/edit`.
pub async fn duty_edit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, kind)): Path<(i64, String)>,
) -> PageResult {
    let kind = DutyKind::parse(&kind).ok_or(AppError::NotFound)?;
    let unit_id = ctx.unit_id()?;
    let body = state.store.duty_text(unit_id, kind, None).await?.map(|d| d.body).unwrap_or_default();
    let page = DutyEditPage {
        layout: Layout::for_unit(&state, &ctx, kind.title()).await?,
        unit_id,
        kind: kind.code(),
        title: kind.title(),
        body,
        errors: FieldErrors::default(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// `POST /units/{unit_id}/duties/{kind}`.
pub async fn duty_save(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, kind)): Path<(i64, String)>,
    fields: Fields,
) -> PageResult {
    let kind = DutyKind::parse(&kind).ok_or(AppError::NotFound)?;
    let unit_id = ctx.unit_id()?;
    match usecases::save_duty_text(&state, &ctx, unit_id, kind, fields.get("body")).await {
        Ok(_) => Ok(Redirect::to(&format!("/units/{unit_id}/duties")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = DutyEditPage {
                layout: Layout::for_unit(&state, &ctx, kind.title()).await?,
                unit_id,
                kind: kind.code(),
                title: kind.title(),
                body: fields.get("body").into(),
                errors,
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
