//! The JSON API under `/api/v1`: the same use cases and authorisation as the pages; errors as JSON with a field
//! pointer and a message. The OpenAPI document is at `/api/v1/openapi.json`.

mod dispatch;
mod duty;
mod units;

pub use dispatch::*;
pub use duty::*;
pub use units::*;

use axum::Extension;
use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{ClientAddr, Ctx, set_cookie};
use crate::error::AppError;
use crate::usecases::{self};

/// An API failure, rendered as JSON.
#[derive(Debug)]
pub struct ApiError(AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl From<zhian_store::StoreError> for ApiError {
    fn from(e: zhian_store::StoreError) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error_response(&self.0)
    }
}

/// The JSON rendering of an error.
pub fn error_response(e: &AppError) -> Response {
    (e.status(), Json(e.api_body())).into_response()
}

type ApiResult = Result<Response, ApiError>;

/// A JSON body, with Chinese errors for a wrong content type, malformed JSON and oversize bodies.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(AppError::BadRequest("请求体须为 JSON（Content-Type: application/json）".into()).into());
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|_| AppError::TooLarge)?;
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(|e| AppError::BadRequest(format!("请求体不是有效的 JSON 或字段类型不符：{e}")).into())
    }
}

/// A JSON value as form text: strings as they are, numbers and booleans written out, null empty.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn ok<T: Serialize>(status: StatusCode, body: T) -> ApiResult {
    Ok((status, Json(body)).into_response())
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    Json(crate::openapi::document()).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    username: String,
    password: String,
}

/// `POST /api/v1/session`: signs in; the session cookie is set and the CSRF token returned for later calls.
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult {
    let (cookie, csrf, user) = usecases::login(&state, &body.username, &body.password, &addr).await?;
    let body = json!({"csrf_token": csrf, "user": {"id": user.id, "username": user.username, "display_name": user.display_name, "must_change_password": user.must_change_password}});
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// `DELETE /api/v1/session`.
pub async fn logout(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    if let Some(s) = &ctx.session {
        state.store.delete_session(&s.id_hash).await?;
    }
    Ok(([(header::SET_COOKIE, set_cookie(&state, crate::auth::SESSION_COOKIE, "", 0))], StatusCode::NO_CONTENT)
        .into_response())
}

/// `GET /api/v1/me`.
pub async fn me(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> ApiResult {
    let user = ctx.user()?;
    let ids: Vec<i64> = ctx.subject.posts.iter().map(|(u, _)| *u).collect();
    let units = state.store.units_named(&ids).await?;
    let posts: Vec<Value> =
        ctx.subject.posts.iter().map(|(unit, post)| json!({"unit_id": unit, "post": post.code()})).collect();
    ok(
        StatusCode::OK,
        json!({
            "id": user.id, "username": user.username, "display_name": user.display_name, "admin": user.is_admin,
            "must_change_password": user.must_change_password,
            "jurisdictions": ctx.subject.jurisdictions.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "posts": posts,
            "units": units.iter().map(|(id, name)| json!({"id": id, "name": name})).collect::<Vec<_>>(),
            "csrf_token": ctx.csrf,
        }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    current: String,
    new: String,
}

/// `POST /api/v1/me/password`.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(b): ApiJson<PasswordBody>,
) -> ApiResult {
    usecases::change_password(&state, &ctx, &b.current, &b.new, &b.new).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/catalogues`: the catalogues with the categories in force today.
pub async fn catalogues(State(state): State<AppState>) -> ApiResult {
    let today = state.clock.today();
    let list: Vec<Value> = state
        .reference
        .catalogues
        .iter()
        .map(|c| {
            json!({
                "catalogue": c.catalogue, "version": c.version, "title": c.title, "effective_from": c.effective_from,
                "categories": c.categories.iter().filter(|cat| cat.in_force(today)).map(|cat| json!({
                    "code": cat.code, "name": cat.name, "products": cat.products, "standards": cat.standards,
                    "effective_from": cat.effective_from,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    ok(StatusCode::OK, list)
}

/// `GET /api/v1/accounts` (system administrator).
pub async fn accounts(State(state): State<AppState>) -> ApiResult {
    let list: Vec<Value> = state
        .store
        .users()
        .await?
        .iter()
        .map(|(u, j)| json!({"id": u.id, "username": u.username, "display_name": u.display_name, "admin": u.is_admin,
                             "jurisdictions": j, "must_change_password": u.must_change_password, "disabled": u.disabled}))
        .collect();
    ok(StatusCode::OK, list)
}

/// `POST /api/v1/accounts` (system administrator): the one-time password is in this response only.
pub async fn create_account(State(state): State<AppState>, ApiJson(form): ApiJson<usecases::AccountForm>) -> ApiResult {
    let (username, password) = usecases::admin_create_account(&state, &form).await?;
    ok(StatusCode::CREATED, json!({"username": username, "one_time_password": password}))
}
