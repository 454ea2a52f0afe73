//! The system administrator's accounts page: new accounts with one-time passwords, password resets.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use zhian_domain::forms::FieldErrors;
use zhian_store::models::User;

use super::{Layout, PageResult, render};
use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::usecases::{self, AccountForm};

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    layout: Layout,
    users: Vec<(User, Vec<String>)>,
    form: AccountForm,
    errors: FieldErrors,
    new_account: Option<(String, String)>,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: AccountForm,
    errors: FieldErrors,
    new_account: Option<(String, String)>,
) -> PageResult {
    let page = AccountsPage {
        layout: Layout::new(ctx, "账号管理"),
        users: state.store.users().await?,
        form,
        errors,
        new_account,
    };
    Ok(render(status, &page))
}

/// `GET /admin/accounts`.
pub async fn accounts(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    page(&state, &ctx, StatusCode::OK, AccountForm::default(), FieldErrors::default(), None).await
}

/// `POST /admin/accounts`: the one-time password is shown on this response only.
pub async fn create(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let form = AccountForm {
        username: fields.get("username").into(),
        display_name: fields.get("display_name").into(),
        kind: fields.get("kind").into(),
        division_code: fields.get("division_code").into(),
    };
    match usecases::admin_create_account(&state, &form).await {
        Ok(account) => {
            page(&state, &ctx, StatusCode::OK, AccountForm::default(), FieldErrors::default(), Some(account)).await
        }
        Err(AppError::Invalid(errors)) => {
            page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, form, errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/accounts/{user_id}/password`.
pub async fn reset(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(user_id): Path<i64>,
) -> PageResult {
    let account = usecases::admin_reset_password(&state, user_id).await?;
    page(&state, &ctx, StatusCode::OK, AccountForm::default(), FieldErrors::default(), Some(account)).await
}
