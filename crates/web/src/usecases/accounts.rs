//! Signing in, passwords and accounts.

use crate::AppState;
use crate::auth::{self, Ctx};
use crate::error::AppError;
use zhian_domain::forms::FieldErrors;
use zhian_store::models::{NewUser, User};

/// Signs in with a username and password; returns the session cookie, the CSRF token and the account.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    addr: &str,
) -> Result<(axum::http::HeaderValue, String, User), AppError> {
    let now = state.clock.now();
    let username = username.trim();
    let (user_key, addr_key) = (format!("user:{username}"), format!("addr:{addr}"));
    if let Some(minutes) = state.throttle.locked(&user_key, now).or_else(|| state.throttle.locked(&addr_key, now)) {
        return Err(AppError::TooManyRequests(format!("登录失败次数过多，请 {minutes} 分钟后再试")));
    }
    let user = state.store.user_by_username(username).await?;
    // Unknown accounts cost the same Argon2 work, so timing does not tell which usernames exist.
    let hash = match &user {
        Some(u) => u.password_hash.clone(),
        None => state
            .dummy_hash
            .get_or_try_init(|| auth::hash_password_on_worker(state, auth::new_password(state.entropy.as_ref())))
            .await?
            .clone(),
    };
    let ok = state.passwords.verify(password.to_owned(), hash).await;
    match user {
        Some(user) if ok && !user.disabled => {
            state.throttle.clear(&user_key);
            let (cookie, csrf) = auth::start_session(state, user.id).await?;
            tracing::info!(user_id = user.id, "signed in");
            Ok((cookie, csrf, user))
        }
        _ => {
            state.throttle.fail(&user_key, now);
            state.throttle.fail(&addr_key, now);
            let mut f = FieldErrors::default();
            f.add("password", "用户名或密码错误");
            Err(AppError::Invalid(f))
        }
    }
}

/// Changes the signed-in account's password after checking the current one.
pub async fn change_password(
    state: &AppState,
    ctx: &Ctx,
    current: &str,
    new: &str,
    confirm: &str,
) -> Result<(), AppError> {
    let user = ctx.user()?;
    let mut f = FieldErrors::default();
    if !state.passwords.verify(current.to_owned(), user.password_hash.clone()).await {
        f.add("current", "当前密码不正确");
    }
    if let Err(why) = auth::check_new_password(new, &user.username) {
        f.add("new", why);
    } else if new == current {
        f.add("new", "新密码不能与当前密码相同");
    }
    if new != confirm {
        f.add("confirm", "两次输入的新密码不一致");
    }
    if !f.is_empty() {
        return Err(AppError::Invalid(f));
    }
    let hash = auth::hash_password_on_worker(state, new.to_owned()).await?;
    state.store.set_password(user.id, &hash, false, state.clock.now()).await?;
    Ok(())
}

/// Usernames: 3–32 letters, digits, `_` or `.`.
fn check_username(f: &mut FieldErrors, username: &str) {
    let ok = (3..=32).contains(&username.len())
        && username.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !ok {
        f.add("username", "用户名为 3–32 位字母、数字、下划线或点");
    }
}

/// A new account with a one-time password (to be changed at first log-in); returns (account id, password).
async fn new_account(
    state: &AppState,
    username: &str,
    display_name: &str,
    admin: bool,
) -> Result<(i64, String), AppError> {
    let password = auth::new_password(state.entropy.as_ref());
    let hash = auth::hash_password_on_worker(state, password.clone()).await?;
    let new = NewUser { username, display_name, password_hash: &hash, is_admin: admin, must_change_password: true };
    Ok((state.store.create_user(&new, state.clock.now()).await?, password))
}

/// Gives a person a log-in with a one-time password; returns (username, password) to show once.
pub async fn create_account(
    state: &AppState,
    unit_id: i64,
    person_id: i64,
    username: &str,
) -> Result<(String, String), AppError> {
    let person = state.store.person(unit_id, person_id).await?.ok_or(AppError::NotFound)?;
    let mut f = FieldErrors::default();
    if person.user_id.is_some() {
        f.add("username", format!("{}已有登录账号", person.name));
    }
    let username = username.trim().to_owned();
    check_username(&mut f, &username);
    if !f.is_empty() {
        return Err(AppError::Invalid(f));
    }
    let (user_id, password) = new_account(state, &username, &person.name, false).await?;
    state.store.link_person(unit_id, person_id, user_id, state.clock.now()).await?;
    Ok((username, password))
}

/// What an administrator asks for: a unit user's account, a regulator's account (with its jurisdiction), or
/// another administrator.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AccountForm {
    /// Log-in name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// `unit`, `regulator` or `admin`.
    pub kind: String,
    /// For a regulator: the division code of its jurisdiction.
    pub division_code: String,
}

/// Creates an account (system administrator); returns (username, one-time password) to show once.
pub async fn admin_create_account(state: &AppState, form: &AccountForm) -> Result<(String, String), AppError> {
    let mut f = FieldErrors::default();
    let username = form.username.trim().to_owned();
    check_username(&mut f, &username);
    let display_name = f.text("display_name", "姓名或机构名称", &form.display_name, 100);
    let division = match form.kind.as_str() {
        "regulator" => zhian_domain::ident::DivisionCode::parse(&form.division_code)
            .map_err(|e| f.add("division_code", format!("辖区行政区划代码无效：{e}")))
            .ok(),
        "unit" | "admin" => None,
        _ => {
            f.add("kind", "请选择账号类型：单位用户、监管部门或系统管理员");
            None
        }
    };
    if !f.is_empty() {
        return Err(AppError::Invalid(f));
    }
    let (user_id, password) = new_account(state, &username, &display_name, form.kind == "admin").await?;
    if let Some(division) = division {
        state.store.grant_jurisdiction(user_id, division, state.clock.now()).await?;
    }
    tracing::info!(user_id, kind = %form.kind, "account created");
    Ok((username, password))
}

/// Sets a new one-time password for an account (system administrator); every session of it ends.
pub async fn admin_reset_password(state: &AppState, user_id: i64) -> Result<(String, String), AppError> {
    let user = state.store.user(user_id).await?.ok_or(AppError::NotFound)?;
    let password = auth::new_password(state.entropy.as_ref());
    let hash = auth::hash_password_on_worker(state, password.clone()).await?;
    state.store.set_password(user.id, &hash, true, state.clock.now()).await?;
    Ok((user.username, password))
}
