//! Log-in, log-out, the home page and password change.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhian_domain::access::{Action, Decision, authorize};
use zhian_domain::forms::FieldErrors;

use super::{Layout, PageResult, render};
use crate::auth::{self, ClientAddr, Ctx, LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie, random_hex, set_cookie};
use crate::error::AppError;
use crate::forms::Fields;
use crate::{AppState, usecases};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    login_csrf: String,
    next: String,
    username: String,
    errors: FieldErrors,
    throttled: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only same-site paths are followed after log-in.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    next: &str,
    username: &str,
    errors: FieldErrors,
    throttled: Option<String>,
    status: StatusCode,
) -> Response {
    let token =
        cookie(headers, LOGIN_CSRF_COOKIE).map(str::to_owned).unwrap_or_else(|| random_hex(state.entropy.as_ref(), 16));
    let page = LoginPage {
        layout: Layout { title: "登录".into(), ..Layout::default() },
        login_csrf: token.clone(),
        next: safe_next(next),
        username: username.to_owned(),
        errors,
        throttled,
    };
    let mut response = render(status, &page);
    response.headers_mut().append(header::SET_COOKIE, set_cookie(state, LOGIN_CSRF_COOKIE, &token, 3600));
    response
}

/// `GET /login`.
pub async fn login_form(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    if ctx.user.is_some() {
        return Redirect::to("/").into_response();
    }
    login_page(&state, &headers, q.next.as_deref().unwrap_or("/"), "", FieldErrors::default(), None, StatusCode::OK)
}

/// `POST /login`.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddr(addr): ClientAddr,
    fields: Fields,
) -> Response {
    let (username, password, next) = (fields.get("username"), fields.get("password"), fields.get("next"));
    match usecases::login(&state, username, password, &addr).await {
        Ok((session_cookie, _, user)) => {
            let to = if user.must_change_password { "/account/password".to_owned() } else { safe_next(next) };
            let mut response = Redirect::to(&to).into_response();
            response.headers_mut().append(header::SET_COOKIE, session_cookie);
            response.headers_mut().append(header::SET_COOKIE, set_cookie(&state, LOGIN_CSRF_COOKIE, "", 0));
            response
        }
        Err(AppError::Invalid(errors)) => {
            login_page(&state, &headers, next, username, errors, None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(AppError::TooManyRequests(m)) => {
            login_page(&state, &headers, next, username, FieldErrors::default(), Some(m), StatusCode::TOO_MANY_REQUESTS)
        }
        Err(e) => super::PageError(e).into_response(),
    }
}

/// `POST /logout`.
pub async fn logout(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    if let Some(s) = &ctx.session {
        state.store.delete_session(&s.id_hash).await?;
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(header::SET_COOKIE, set_cookie(&state, SESSION_COOKIE, "", 0));
    Ok(response)
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    display_name: String,
    units: Vec<(i64, String)>,
    jurisdiction_units: Vec<(i64, String, String)>,
    jurisdictions: String,
    can_create: bool,
}

/// `GET /`: the account's units (or the only one), the regulator's jurisdiction, and onboarding.
pub async fn home(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    let user = ctx.user()?;
    let ids: Vec<i64> = ctx.subject.posts.iter().map(|(u, _)| *u).collect();
    let units = state.store.units_named(&ids).await?;
    let mut jurisdiction_units = Vec::new();
    for j in &ctx.subject.jurisdictions {
        for (id, name, division) in state.store.units_in(*j).await? {
            jurisdiction_units.push((id, name, division.to_string()));
        }
    }
    let can_create = authorize(&ctx.subject, Action::CreateUnit, None) == Decision::Allow;
    if let [(id, _)] = units.as_slice()
        && jurisdiction_units.is_empty()
        && !user.is_admin
    {
        return Ok(Redirect::to(&format!("/units/{id}")).into_response());
    }
    let page = HomePage {
        layout: Layout::new(&ctx, "首页"),
        display_name: user.display_name.clone(),
        units,
        jurisdiction_units,
        jurisdictions: ctx.subject.jurisdictions.iter().map(ToString::to_string).collect::<Vec<_>>().join("、"),
        can_create,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    must_change: bool,
    errors: FieldErrors,
}

/// `GET /account/password`.
pub async fn password_form(Extension(ctx): Extension<Ctx>) -> PageResult {
    let must_change = ctx.user()?.must_change_password;
    Ok(render(
        StatusCode::OK,
        &PasswordPage { layout: Layout::new(&ctx, "修改密码"), must_change, errors: FieldErrors::default() },
    ))
}

/// `POST /account/password`: on success every session of the account ends; sign in again.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    fields: Fields,
) -> PageResult {
    match usecases::change_password(&state, &ctx, fields.get("current"), fields.get("new"), fields.get("confirm")).await
    {
        Ok(()) => {
            let user_id = ctx.user()?.id;
            let (session_cookie, _) = auth::start_session(&state, user_id).await?;
            let mut response = Redirect::to("/").into_response();
            response.headers_mut().append(header::SET_COOKIE, session_cookie);
            Ok(response)
        }
        Err(AppError::Invalid(errors)) => {
            let must_change = ctx.user()?.must_change_password;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &PasswordPage { layout: Layout::new(&ctx, "修改密码"), must_change, errors },
            ))
        }
        Err(e) => Err(e.into()),
    }
}
