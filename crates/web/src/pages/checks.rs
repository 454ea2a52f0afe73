//! The daily check on a phone: the day's items from the risk list, one tap each; the record list; corrections.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use zhian_domain::access::{Action, Decision, authorize};
use zhian_domain::duty::{CheckItemForm, DailyCheckForm};
use zhian_domain::forms::FieldErrors;
use zhian_store::checks::{CheckItemRow, DailyCheck, Hazard};
use zhian_store::photos::NewPhoto;

use super::{Layout, PageResult, render};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::{AppState, usecases, view};

/// A day as listed: (period, status label, status style, the period's checks as (id, zero risk)).
type DayRow = (String, &'static str, &'static str, Vec<(i64, bool)>);

#[derive(Template)]
#[template(path = "checks.html")]
struct ChecksPage {
    layout: Layout,
    unit_id: i64,
    record_name: String,
    today: String,
    can_submit: bool,
    slots: Vec<DayRow>,
    hazards: Vec<Hazard>,
}

/// `GET /units/{unit_id}/checks`: the last 30 days and the open hazards.
pub async fn list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let checks = state.store.daily_checks(unit_id, 200).await?;
    let slots = usecases::daily_calendar(&state, unit_id, 30)
        .await?
        .into_iter()
        .map(|slot| {
            let period = slot.period.to_string();
            let css = crate::view::slot_css(slot.status);
            let mine = checks.iter().filter(|c| c.period == period).map(|c| (c.id, c.zero_risk)).collect();
            (period, slot.status.label(), css, mine)
        })
        .collect();
    let settings = state.store.unit_settings(unit_id).await?;
    let page = ChecksPage {
        layout: Layout::for_unit(&state, &ctx, "日管控").await?,
        unit_id,
        record_name: settings.record_name(zhian_domain::Tier::Daily),
        today: zhian_domain::Period::containing(settings.cadences.daily, state.clock.now().timestamp()).to_string(),
        can_submit: authorize(&ctx.subject, Action::SubmitDailyCheck, ctx.unit) == Decision::Allow,
        slots,
        hazards: state.store.hazards(unit_id).await?,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct NewQuery {
    period: Option<String>,
    amends: Option<i64>,
}

#[derive(Template)]
#[template(path = "check_form.html")]
struct CheckFormPage {
    layout: Layout,
    unit_id: i64,
    period: String,
    version: Option<i64>,
    amends: Option<i64>,
    items: Vec<(usize, String, String, String, String, String)>,
    check_note: String,
    errors: FieldErrors,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: &DailyCheckForm,
    errors: FieldErrors,
) -> PageResult {
    let items = form
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            (i, it.risk_point.clone(), it.item.clone(), it.result.clone(), it.note.clone(), it.photos.join(","))
        })
        .collect();
    let page = CheckFormPage {
        layout: Layout::for_unit(state, ctx, "日管控检查").await?,
        unit_id: ctx.unit_id()?,
        period: form.period.clone(),
        version: state.store.risk_list_versions(ctx.unit_id()?).await?.first().map(|v| v.version),
        amends: form.amends,
        items,
        check_note: form.note.clone(),
        errors,
    };
    Ok(render(status, &page))
}

/// `GET /units/{unit_id}/checks/new[?period=…&amends=…]`: the items of the current risk list, all "符合" to start
/// with (a correction starts from the check it corrects).
pub async fn new_form(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<NewQuery>,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let cadence = state.store.unit_settings(unit_id).await?.cadences.daily;
    let period = q
        .period
        .unwrap_or_else(|| zhian_domain::Period::containing(cadence, state.clock.now().timestamp()).to_string());
    let items = match q.amends {
        Some(original) => {
            let check = state.store.daily_check(unit_id, original).await?.ok_or(AppError::NotFound)?;
            check
                .items
                .into_iter()
                .map(|i| CheckItemForm {
                    risk_point: i.risk_point,
                    item: i.item,
                    result: i.result.code().into(),
                    note: i.note,
                    photos: i.photos,
                })
                .collect()
        }
        None => state
            .store
            .risk_list(unit_id, None)
            .await?
            .map(|l| l.rows)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| {
                r.daily_item.map(|item| CheckItemForm {
                    risk_point: r.risk_point,
                    item,
                    result: "conforming".into(),
                    note: String::new(),
                    photos: Vec::new(),
                })
            })
            .collect(),
    };
    let form = DailyCheckForm { period, items, note: String::new(), amends: q.amends };
    form_page(&state, &ctx, StatusCode::OK, &form, FieldErrors::default()).await
}

/// `POST /units/{unit_id}/checks`.
pub async fn submit(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let (points, items, notes) = (fields.all("risk_point"), fields.all("item"), fields.all("note"));
    // Photos already stored come back by name; new ones come as files, each checked before anything is saved.
    let (mut photos, mut photo_errors) = (Vec::new(), FieldErrors::default());
    let mut form = DailyCheckForm {
        period: fields.get("period").into(),
        items: items
            .iter()
            .enumerate()
            .map(|(i, item)| CheckItemForm {
                risk_point: points.get(i).cloned().unwrap_or_default(),
                item: item.clone(),
                result: fields.get(&format!("result-{i}")).into(),
                note: notes.get(i).cloned().unwrap_or_default(),
                photos: fields
                    .get(&format!("photo_names-{i}"))
                    .split(',')
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
            .collect(),
        note: fields.get("check_note").into(),
        amends: fields.get("amends").parse().ok(),
    };
    for (i, item) in form.items.iter_mut().enumerate() {
        for upload in fields.files(&format!("photo-{i}")) {
            let what = format!("第 {} 项的照片“{}”", i + 1, upload.filename);
            match zhian_domain::photo::check_photo(&upload.data, &what) {
                Ok(content_type) => {
                    let photo = NewPhoto::new(content_type, upload.data.clone());
                    item.photos.push(photo.sha256.clone());
                    photos.push(photo);
                }
                Err(message) => photo_errors.add(&format!("items/{i}/photos"), message),
            }
        }
    }
    if !photo_errors.is_empty() {
        // Nothing is saved; the other photos must be chosen again with the corrected one.
        for item in &mut form.items {
            item.photos.retain(|p| !photos.iter().any(|n| &n.sha256 == p));
        }
        return form_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, &form, photo_errors).await;
    }
    match usecases::submit_daily_check(&state, &ctx, unit_id, &form, photos.clone()).await {
        Ok(written) => Ok(Redirect::to(&format!("/units/{unit_id}/checks/{}", written.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            // The check was not saved, nor were its new photos: they must be chosen again.
            for item in &mut form.items {
                item.photos.retain(|p| !photos.iter().any(|n| &n.sha256 == p));
            }
            form_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, &form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "check.html")]
struct CheckPage {
    layout: Layout,
    unit_id: i64,
    check: DailyCheck,
    items: Vec<(usize, CheckItemRow)>,
    submitted: String,
    amended_by: Vec<i64>,
    can_submit: bool,
}

/// `GET /units/{unit_id}/checks/{check_id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let check = state.store.daily_check(unit_id, id).await?.ok_or(AppError::NotFound)?;
    let amended_by =
        state.store.daily_checks(unit_id, 500).await?.iter().filter(|c| c.amends == Some(id)).map(|c| c.id).collect();
    let page = CheckPage {
        layout: Layout::for_unit(&state, &ctx, "检查记录").await?,
        unit_id,
        items: check.items.iter().cloned().enumerate().map(|(i, it)| (i + 1, it)).collect(),
        submitted: view::local(check.created_at),
        check,
        amended_by,
        can_submit: authorize(&ctx.subject, Action::SubmitDailyCheck, ctx.unit) == Decision::Allow,
    };
    Ok(render(StatusCode::OK, &page))
}

/// `GET /units/{unit_id}/photos/{sha256}`: a photo of the unit's, as stored; it never changes, so caches may keep it.
pub async fn photo(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, sha256)): Path<(i64, String)>,
) -> PageResult {
    if !zhian_domain::photo::is_photo_name(&sha256) {
        return Err(AppError::NotFound.into());
    }
    let (content_type, bytes) = state.store.photo(ctx.unit_id()?, &sha256).await?.ok_or(AppError::NotFound)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (axum::http::header::CACHE_CONTROL, "private, max-age=31536000, immutable".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
