//! The transparency log as the server offers it: the newest signed checkpoint and the verifier key for anyone, and
//! each record's proof bundle for those who may see the record.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use zhian_ledger::bundle::Bundle;

use crate::AppState;
use crate::api::ApiError;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::PageError;

/// `GET /log/checkpoint`: the newest signed checkpoint note (404 before the first).
pub async fn checkpoint(State(state): State<AppState>) -> Result<Response, PageError> {
    let (_, note) = state.store.latest_checkpoint().await?.ok_or(AppError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note).into_response())
}

/// `GET /log/key`: the verifier key of the checkpoints.
pub async fn verifier_key(State(state): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{}\n", state.log_key.verifier())).into_response()
}

/// A record's bundle, if the record belongs to the unit in the path.
async fn unit_bundle(state: &AppState, ctx: &Ctx, kind: &str, record_id: i64) -> Result<Bundle, AppError> {
    let unit_id = ctx.unit_id()?;
    match state.store.logged(kind, record_id).await? {
        Some((_, Some(owner), _)) if owner == unit_id => {}
        _ => return Err(AppError::NotFound),
    }
    Ok(state.store.bundle(kind, record_id, &state.log_key, state.clock.now()).await?)
}

fn download(bundle: &Bundle, kind: &str, record_id: i64) -> Response {
    let disposition = format!("attachment; filename=\"zhian-{kind}-{record_id}.bundle.json\"");
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        bundle.to_json(),
    )
        .into_response()
}

/// `GET /units/{unit_id}/records/{kind}/{record_id}/bundle`: the proof bundle as a file to keep.
pub async fn page_bundle(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, kind, record_id)): Path<(i64, String, i64)>,
) -> Result<Response, PageError> {
    let bundle = unit_bundle(&state, &ctx, &kind, record_id).await?;
    Ok(download(&bundle, &kind, record_id))
}

/// `GET /api/v1/units/{unit_id}/records/{kind}/{record_id}/bundle`.
pub async fn api_bundle(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, kind, record_id)): Path<(i64, String, i64)>,
) -> Result<Response, ApiError> {
    let bundle = unit_bundle(&state, &ctx, &kind, record_id).await?;
    Ok(download(&bundle, &kind, record_id))
}
