//! The pages: Chinese, server-rendered, one template struct per page, usable on a phone.

pub mod account;
pub mod admin;
pub mod bank;
pub mod calendar;
pub mod checks;
pub mod exams;
pub mod hazards;
pub mod inspections;
pub mod lists;
pub mod meetings;
pub mod oversight;
pub mod people;
pub mod registry;
pub mod reviews;
pub mod settings;
pub mod spotchecks;
pub mod training;
pub mod units;
pub mod vetoes;

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;

/// What the frame of every page needs.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The page title.
    pub title: String,
    /// The CSRF token for forms.
    pub csrf: String,
    /// The signed-in person's name.
    pub user: Option<String>,
    /// The unit the page is about: (id, name).
    pub unit: Option<(i64, String)>,
    /// A one-line notice (after a save).
    pub notice: Option<String>,
    /// The signed-in account is a system administrator.
    pub admin: bool,
    /// The signed-in account is a regulator's.
    pub regulator: bool,
}

impl Layout {
    /// The frame for a signed-in page.
    pub fn new(ctx: &Ctx, title: &str) -> Self {
        Self {
            title: title.to_owned(),
            csrf: ctx.csrf.clone(),
            user: ctx.user.as_ref().map(|u| u.display_name.clone()),
            unit: None,
            notice: None,
            admin: ctx.user.as_ref().is_some_and(|u| u.is_admin),
            regulator: ctx.subject.is_regulator(),
        }
    }

    /// The frame of a page about a unit.
    pub async fn for_unit(state: &AppState, ctx: &Ctx, title: &str) -> Result<Self, AppError> {
        let mut layout = Self::new(ctx, title);
        if let Some(u) = ctx.unit {
            let name = state.store.units_named(&[u.id]).await?.into_iter().next().map(|(_, n)| n).unwrap_or_default();
            layout.unit = Some((u.id, name));
        }
        Ok(layout)
    }
}

/// Renders a template as a page with a status.
pub fn render(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误").into_response()
        }
    }
}

/// A page's result: a response, or an error shown as a page.
pub type PageResult = Result<Response, PageError>;

/// An error from a page handler.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.log("page");
        if matches!(self.0, AppError::SignIn) {
            return axum::response::Redirect::to("/login").into_response();
        }
        error_page(&self.0)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: String,
    message: String,
    code: &'static str,
}

/// An error as a page.
pub fn error_page(e: &AppError) -> Response {
    let heading = match e {
        AppError::NotFound => "页面不存在",
        AppError::Denied(_) => "无权访问",
        AppError::Csrf => "请刷新页面",
        AppError::TooLarge => "内容过大",
        AppError::TooManyRequests(_) => "请稍后再试",
        AppError::Internal(_) => "出错了",
        _ => "无法完成操作",
    };
    let page = ErrorPage {
        layout: Layout { title: heading.to_owned(), ..Layout::default() },
        heading: heading.to_owned(),
        message: e.public_message(),
        code: e.code(),
    };
    render(e.status(), &page)
}

/// Unknown paths: JSON under `/api/`, a page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        crate::api::error_response(&AppError::NotFound)
    } else {
        error_page(&AppError::NotFound)
    }
}

/// `GET /healthz`: `{"status":"ok"}` when the database answers.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(serde_json::json!({"status": "ok"})).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({"status": "unavailable"}))).into_response()
        }
    }
}

/// `GET /static/app.css`.
pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/app.css"),
    )
        .into_response()
}
