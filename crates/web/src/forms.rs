//! Reading submitted forms: urlencoded bodies as ordered pairs, so repeated fields (checkboxes, table rows) keep
//! every value and their order.

use axum::extract::{FromRequest, Request};
use axum::http::header;

use crate::error::AppError;

/// The fields of a submitted form.
#[derive(Debug, Default, Clone)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of a field, or "".
    #[must_use]
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a field, in order.
    #[must_use]
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = crate::pages::PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::BadRequest("请以表单方式提交".into()).into());
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| crate::pages::PageError(AppError::TooLarge))?;
        Ok(Self(form_urlencoded::parse(&bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()))
    }
}
