//! The unit's rhythm — closed weekdays, cadences, record names — and its suspensions of business.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use zhian_domain::forms::FieldErrors;
use zhian_store::settings::{SuspensionRow, format_weekdays};

use super::{Layout, PageResult, render};
use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::usecases::{self, SettingsForm};

const WEEKDAYS: [(&str, &str); 7] = [
    ("mon", "周一"),
    ("tue", "周二"),
    ("wed", "周三"),
    ("thu", "周四"),
    ("fri", "周五"),
    ("sat", "周六"),
    ("sun", "周日"),
];

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    unit_id: i64,
    weekdays: Vec<(&'static str, &'static str, bool)>,
    form: SettingsForm,
    suspensions: Vec<SuspensionRow>,
    webhooks: Vec<(i64, &'static str, String, bool)>,
    deliveries: Vec<(String, &'static str, String)>,
    kinds: [(&'static str, &'static str); 3],
    errors: FieldErrors,
}

/// The Chinese name of a webhook kind.
fn kind_label(kind: &str) -> &'static str {
    crate::reminders::KINDS.iter().find(|(code, _)| *code == kind).map_or("Webhook", |(_, label)| *label)
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: Option<SettingsForm>,
    errors: FieldErrors,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let form = match form {
        Some(f) => f,
        None => {
            let s = state.store.unit_settings(unit_id).await?;
            let [daily_name, weekly_name, monthly_name] = s.names.clone();
            SettingsForm {
                closed_weekdays: format_weekdays(s.closed)
                    .split(',')
                    .filter(|d| !d.is_empty())
                    .map(str::to_owned)
                    .collect(),
                daily_cadence: s.cadences.daily.to_string(),
                weekly_cadence: s.cadences.weekly.to_string(),
                monthly_cadence: s.cadences.monthly.to_string(),
                daily_name,
                weekly_name,
                monthly_name,
            }
        }
    };
    let page = SettingsPage {
        layout: Layout::for_unit(state, ctx, "管控节奏与停业").await?,
        unit_id,
        weekdays: WEEKDAYS
            .iter()
            .map(|(code, label)| (*code, *label, form.closed_weekdays.iter().any(|d| d == code)))
            .collect(),
        suspensions: state.store.suspensions(unit_id).await?,
        webhooks: state
            .store
            .webhooks(unit_id)
            .await?
            .into_iter()
            .map(|w| (w.id, kind_label(&w.kind), w.url_shown, w.signed))
            .collect(),
        deliveries: state
            .store
            .deliveries(unit_id, 10)
            .await?
            .into_iter()
            .map(|d| {
                let status = match (d.delivered_at, d.failed_at) {
                    (Some(at), _) => format!("已送达 {}", crate::view::local(at)),
                    (None, Some(_)) => format!("已放弃（{} 次）：{}", d.attempts, d.last_error),
                    (None, None) if d.attempts > 0 => format!("重试中（已试 {} 次）：{}", d.attempts, d.last_error),
                    (None, None) => "待发送".to_owned(),
                };
                (d.message, kind_label(&d.kind), status)
            })
            .collect(),
        kinds: crate::reminders::KINDS,
        form,
        errors,
    };
    Ok(render(status, &page))
}

/// `GET /units/{unit_id}/settings`.
pub async fn show(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    page(&state, &ctx, StatusCode::OK, None, FieldErrors::default()).await
}

/// `POST /units/{unit_id}/settings`.
pub async fn update(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let form = SettingsForm {
        closed_weekdays: fields.all("closed_weekdays"),
        daily_cadence: fields.get("daily_cadence").into(),
        weekly_cadence: fields.get("weekly_cadence").into(),
        monthly_cadence: fields.get("monthly_cadence").into(),
        daily_name: fields.get("daily_name").into(),
        weekly_name: fields.get("weekly_name").into(),
        monthly_name: fields.get("monthly_name").into(),
    };
    match usecases::update_settings(&state, unit_id, &form).await {
        Ok(()) => Ok(Redirect::to(&format!("/units/{unit_id}/settings")).into_response()),
        Err(AppError::Invalid(errors)) => {
            page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(form), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /units/{unit_id}/suspensions`.
pub async fn suspend(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let unit_id = ctx.unit_id()?;
    match usecases::add_suspension(&state, &ctx, unit_id, fields.get("from"), fields.get("to"), fields.get("reason"))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/units/{unit_id}/settings#suspensions")).into_response()),
        Err(AppError::Invalid(errors)) => page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, None, errors).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /units/{unit_id}/webhooks`.
pub async fn add_webhook(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let form = usecases::WebhookForm {
        kind: fields.get("kind").into(),
        url: fields.get("url").into(),
        secret: fields.get("secret").into(),
    };
    match usecases::add_webhook(&state, &ctx, unit_id, &form).await {
        Ok(_) => Ok(Redirect::to(&format!("/units/{unit_id}/settings#webhooks")).into_response()),
        Err(AppError::Invalid(errors)) => page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, None, errors).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /units/{unit_id}/webhooks/{webhook_id}/remove`.
pub async fn remove_webhook(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    axum::extract::Path((_, id)): axum::extract::Path<(i64, i64)>,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    state.store.remove_webhook(unit_id, id, state.clock.now()).await?;
    Ok(Redirect::to(&format!("/units/{unit_id}/settings#webhooks")).into_response())
}
