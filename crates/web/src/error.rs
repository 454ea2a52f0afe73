//! One error type for handlers, rendered as a Chinese page for people and as JSON for the API.
//!
//! 500 bodies are generic; the cause is logged with the request's path. Messages say what to do.

use axum::http::StatusCode;
use serde::Serialize;
use zhian_domain::forms::FieldErrors;
use zhian_store::{Conflict, StoreError};

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Sign in first.
    #[error("请先登录")]
    SignIn,
    /// Not allowed; the message says why.
    #[error("{0}")]
    Denied(&'static str),
    /// Not there (or not the caller's).
    #[error("页面或记录不存在")]
    NotFound,
    /// Fields failed their checks.
    #[error("提交的内容有误，请按提示修改")]
    Invalid(FieldErrors),
    /// The request could not be read; the message names what.
    #[error("{0}")]
    BadRequest(String),
    /// The body is larger than allowed.
    #[error("提交的内容过大")]
    TooLarge,
    /// A rule refused it or it conflicts with what exists; the message says why.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts.
    #[error("{0}")]
    TooManyRequests(String),
    /// The CSRF token is missing or wrong.
    #[error("页面已过期或来源不明，请刷新页面后重试")]
    Csrf,
    /// Something broke inside.
    #[error("服务器内部错误")]
    Internal(String),
}

impl AppError {
    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::SignIn => StatusCode::UNAUTHORIZED,
            Self::Denied(_) | Self::Csrf => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short code for programs.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::SignIn => "unauthenticated",
            Self::Denied(_) => "forbidden",
            Self::NotFound => "not_found",
            Self::Invalid(_) => "validation",
            Self::BadRequest(_) => "bad_request",
            Self::TooLarge => "too_large",
            Self::Conflict(_) => "conflict",
            Self::TooManyRequests(_) => "too_many_requests",
            Self::Csrf => "csrf",
            Self::Internal(_) => "internal",
        }
    }

    /// The message a person reads; internal causes are never shown.
    #[must_use]
    pub fn public_message(&self) -> String {
        self.to_string()
    }

    /// Logs internal causes once, where they happen.
    pub fn log(&self, path: &str) {
        if let Self::Internal(cause) = self {
            tracing::error!(path, cause, "request failed");
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Refused(m) => Self::Conflict(m),
            StoreError::Invalid(fields) => Self::Invalid(fields),
            StoreError::Conflict(c) => {
                let mut fields = FieldErrors::default();
                match c {
                    Conflict::Username => fields.add("username", "该用户名已被使用"),
                    Conflict::CreditCode => fields.add("credit_code", "该统一社会信用代码的单位已登记"),
                    Conflict::PersonIdNumber => fields.add("id_number", "本单位人员名单中已有该身份证号码"),
                    Conflict::Version => return Self::Conflict("有人同时保存了新版本，请刷新后重试".into()),
                    Conflict::Answered => return Self::Conflict("该否决建议已答复，答复不可更改".into()),
                    Conflict::Other => return Self::Conflict("记录已存在".into()),
                }
                Self::Invalid(fields)
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

/// A field error in the API: a JSON pointer into the request body and a message.
#[derive(Debug, Serialize)]
pub struct ApiFieldError {
    /// RFC 6901 pointer, e.g. `/credit_code`.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

/// The JSON body of every API error.
#[derive(Debug, Serialize)]
pub struct ApiErrorBody {
    /// The error.
    pub error: ApiErrorDetail,
}

/// The error's details.
#[derive(Debug, Serialize)]
pub struct ApiErrorDetail {
    /// HTTP status.
    pub status: u16,
    /// Short code.
    pub code: &'static str,
    /// Message in Chinese.
    pub message: String,
    /// Field errors, if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<ApiFieldError>,
}

impl AppError {
    /// The API rendering.
    #[must_use]
    pub fn api_body(&self) -> ApiErrorBody {
        let fields = match self {
            Self::Invalid(f) => {
                f.0.iter()
                    .map(|e| ApiFieldError { pointer: format!("/{}", e.field), message: e.message.clone() })
                    .collect()
            }
            _ => Vec::new(),
        };
        ApiErrorBody {
            error: ApiErrorDetail {
                status: self.status().as_u16(),
                code: self.code(),
                message: self.public_message(),
                fields,
            },
        }
    }
}
