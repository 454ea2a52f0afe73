//! Sign-in, sessions, CSRF and the guard every route passes.
//!
//! - Passwords: Argon2id (m = 19 MiB, t = 2, p = 1), hashed and checked off the async workers.
//! - Sessions: a random 256-bit token in an `HttpOnly`, `SameSite=Lax` cookie (`Secure` behind TLS); the store keeps
//!   only its SHA-256, so a database leak yields no usable session.
//! - CSRF: each session has a token; every state-changing request carries it as the `_csrf` form field or the
//!   `X-CSRF-Token` header. The log-in form, before any session, uses a double-submit cookie.
//! - Throttling: five failed log-ins for one account or one address within 15 minutes lock it for 15 minutes.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use argon2::password_hash::PasswordHasher;
use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Block, Params, PasswordHash, Version};
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use zhian_domain::access::{Action, Decision, Subject, UnitRef, authorize};
use zhian_domain::entropy::Entropy;
use zhian_store::models::{Session, User};

use crate::error::AppError;
use crate::{AppState, MAX_BODY};

/// The session cookie.
pub const SESSION_COOKIE: &str = "zhian_session";
/// The pre-session CSRF cookie of the log-in form.
pub const LOGIN_CSRF_COOKIE: &str = "zhian_login_csrf";
/// The CSRF header for API calls.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Random bytes as lowercase hex.
pub fn random_hex(entropy: &dyn Entropy, bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    entropy.fill(&mut buf);
    hex(&buf)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a token, hex: what the store keeps of a session token.
#[must_use]
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A new random password people can type: 16 characters without look-alikes (no 0/O, 1/l/I).
pub fn new_password(entropy: &dyn Entropy) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 16];
    entropy.fill(&mut buf);
    buf.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect()
}

/// Hashes a password with Argon2id; `salt` comes from the caller's randomness.
pub fn hash_password(password: &str, entropy: &dyn Entropy) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    entropy.fill(&mut salt);
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))
}

/// Argon2 work, done on one dedicated thread with one reused buffer.
///
/// Each hash touches 19 MiB. Allocated afresh per hash, those buffers stay with the allocator after they are freed
/// (glibc raises its mmap threshold after the first, and later ones land in a thread arena that keeps them), so
/// resident memory climbs with every log-in burst. One thread with one buffer keeps it at 19 MiB at most, and caps
/// the CPU a burst of log-ins can take.
pub struct PasswordWorker {
    jobs: std::sync::Mutex<std::sync::mpsc::Sender<PasswordJob>>,
}

enum PasswordJob {
    Hash { password: String, salt: [u8; 16], reply: tokio::sync::oneshot::Sender<Result<String, AppError>> },
    Verify { password: String, hash: String, reply: tokio::sync::oneshot::Sender<bool> },
}

impl std::fmt::Debug for PasswordWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordWorker")
    }
}

/// Hashes into `memory` (grown once to the parameters' size and reused); returns the PHC string.
fn hash_with(memory: &mut Vec<Block>, password: &[u8], salt: &[u8]) -> Result<String, AppError> {
    let fail = |e: &dyn std::fmt::Display| AppError::Internal(format!("argon2: {e}"));
    let argon = Argon2::default();
    let params = argon.params().clone();
    memory.resize(params.block_count(), Block::default());
    let mut out = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
    argon.hash_password_into_with_memory(password, salt, &mut out, memory.as_mut_slice()).map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: ARGON2ID_IDENT,
        version: Some(Version::default().into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(Salt::new(salt).map_err(|e| fail(&e))?),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

/// Checks a password against a PHC string, hashing into `memory`; the comparison is constant-time.
fn verify_with(memory: &mut Vec<Block>, password: &[u8], hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let (Ok(params), Ok(algorithm)) = (Params::try_from(&parsed), Algorithm::try_from(parsed.algorithm.as_str()))
    else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    memory.resize(params.block_count(), Block::default());
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params);
    if argon.hash_password_into_with_memory(password, salt.as_ref(), &mut out, memory.as_mut_slice()).is_err() {
        return false;
    }
    Output::new(&out).is_ok_and(|computed| computed == *expected)
}

impl PasswordWorker {
    /// Starts the worker thread; it ends when the worker is dropped.
    pub fn start() -> Result<Self, AppError> {
        let (tx, rx) = std::sync::mpsc::channel::<PasswordJob>();
        std::thread::Builder::new()
            .name("zhian-argon2".into())
            .spawn(move || {
                let mut memory: Vec<Block> = Vec::new();
                for job in rx {
                    match job {
                        PasswordJob::Hash { password, salt, reply } => {
                            let _ = reply.send(hash_with(&mut memory, password.as_bytes(), &salt));
                        }
                        PasswordJob::Verify { password, hash, reply } => {
                            let _ = reply.send(verify_with(&mut memory, password.as_bytes(), &hash));
                        }
                    }
                }
            })
            .map_err(|e| AppError::Internal(format!("无法启动密码线程：{e}")))?;
        Ok(Self { jobs: std::sync::Mutex::new(tx) })
    }

    fn send(&self, job: PasswordJob) -> Result<(), AppError> {
        self.jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .send(job)
            .map_err(|_| AppError::Internal("密码线程已停止".into()))
    }

    /// Hashes a password with a salt from `entropy`.
    pub async fn hash(&self, password: String, entropy: &dyn Entropy) -> Result<String, AppError> {
        let mut salt = [0u8; 16];
        entropy.fill(&mut salt);
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.send(PasswordJob::Hash { password, salt, reply })?;
        answer.await.map_err(|_| AppError::Internal("密码线程已停止".into()))?
    }

    /// Whether a password matches a stored hash.
    pub async fn verify(&self, password: String, hash: String) -> bool {
        let (reply, answer) = tokio::sync::oneshot::channel();
        if self.send(PasswordJob::Verify { password, hash, reply }).is_err() {
            return false;
        }
        answer.await.unwrap_or(false)
    }
}

/// Hashes a password on the state's password worker.
pub async fn hash_password_on_worker(state: &AppState, password: String) -> Result<String, AppError> {
    state.passwords.hash(password, state.entropy.as_ref()).await
}

/// The rules for a new password.
pub fn check_new_password(password: &str, username: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < 10 {
        return Err("新密码至少 10 个字符");
    }
    if n > 128 {
        return Err("新密码不能超过 128 个字符");
    }
    if password.eq_ignore_ascii_case(username) {
        return Err("新密码不能与用户名相同");
    }
    let kinds = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if kinds.iter().filter(|k| **k).count() < 2 {
        return Err("新密码须包含字母、数字、符号中的至少两类");
    }
    Ok(())
}

/// Failed log-ins per key (an account or an address).
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, DateTime<Utc>)>>,
}

/// Failures that lock a key.
const MAX_FAILURES: u32 = 5;
/// The window and the lock, in minutes.
const LOCK_MINUTES: i64 = 15;

impl Throttle {
    /// When the key is locked, the minutes left.
    pub fn locked(&self, key: &str, now: DateTime<Utc>) -> Option<i64> {
        let map = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (count, last) = map.get(key)?;
        let until = *last + Duration::minutes(LOCK_MINUTES);
        (*count >= MAX_FAILURES && now < until).then(|| ((until - now).num_seconds() + 59) / 60)
    }

    /// Records a failure.
    pub fn fail(&self, key: &str, now: DateTime<Utc>) {
        let mut map = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = map.entry(key.to_owned()).or_insert((0, now));
        if now - entry.1 > Duration::minutes(LOCK_MINUTES) {
            *entry = (0, now);
        }
        entry.0 += 1;
        entry.1 = now;
        if map.len() > 100_000 {
            map.retain(|_, (_, last)| now - *last <= Duration::minutes(LOCK_MINUTES));
        }
    }

    /// Forgets a key after a successful log-in.
    pub fn clear(&self, key: &str) {
        self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(key);
    }
}

/// Who is asking, as the guard found them. Handlers take it from the request extensions.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The account, when signed in.
    pub user: Option<User>,
    /// The session, when signed in.
    pub session: Option<Session>,
    /// The account's standing.
    pub subject: Subject,
    /// The unit in the path, when there is one.
    pub unit: Option<UnitRef>,
    /// The CSRF token to put in forms.
    pub csrf: String,
    /// Whether this is an API request.
    pub api: bool,
}

impl Ctx {
    /// The signed-in account (the guard ensured there is one for non-public routes).
    pub fn user(&self) -> Result<&User, AppError> {
        self.user.as_ref().ok_or(AppError::SignIn)
    }

    /// The unit in the path.
    pub fn unit_id(&self) -> Result<i64, AppError> {
        self.unit.map(|u| u.id).ok_or(AppError::NotFound)
    }
}

/// A route's declaration, given to its guard.
#[derive(Debug, Clone, Copy)]
pub struct Guard {
    /// What the route does.
    pub action: Action,
    /// Whether it is an API route (errors as JSON, 401 instead of a redirect).
    pub api: bool,
}

/// Reads a cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with the house attributes.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if state.settings.secure_cookies { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Signs an account in: a new session, its cookie and its CSRF token.
pub async fn start_session(state: &AppState, user_id: i64) -> Result<(HeaderValue, String), AppError> {
    let token = random_hex(state.entropy.as_ref(), 32);
    let csrf = random_hex(state.entropy.as_ref(), 16);
    let now = state.clock.now();
    let hours = state.settings.session_hours;
    let session = Session {
        id_hash: token_hash(&token),
        user_id,
        csrf_token: csrf.clone(),
        created_at: now,
        expires_at: now + Duration::hours(hours),
    };
    state.store.create_session(&session).await?;
    Ok((set_cookie(state, SESSION_COOKIE, &token, hours * 3600), csrf))
}

/// The session behind a request's cookie, if valid.
pub async fn current_session(state: &AppState, headers: &HeaderMap) -> Result<Option<(Session, User)>, AppError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let found = state.store.session(&token_hash(token), state.clock.now()).await?;
    Ok(found.filter(|(_, user)| !user.disabled))
}

/// What the guard found for a session token and a path's unit: the session and its account, the account's
/// standing, and the unit (`None` inside when it does not exist).
type Access = (Option<(Session, User)>, Subject, Option<Option<UnitRef>>);

/// The guard's recent findings, so a busy client does not cost two queries a request. An entry serves for at most
/// [`AccessCache::TTL_SECS`] and only while this process has made no write to sessions, passwords, appointments,
/// account links, jurisdictions or units ([`zhian_store::Store::access_generation`]); a session past its expiry is
/// never served. Other processes on the same database see such a change within the TTL.
#[derive(Debug, Default)]
pub struct AccessCache {
    entries: Mutex<HashMap<(String, Option<i64>), CachedAccess>>,
}

#[derive(Debug, Clone)]
struct CachedAccess {
    access: Access,
    generation: u64,
    day: chrono::NaiveDate,
    fetched: DateTime<Utc>,
}

impl AccessCache {
    /// How long an entry serves, in seconds.
    pub const TTL_SECS: i64 = 2;
    /// Entries kept before the cache starts afresh.
    const CAPACITY: usize = 10_000;

    async fn lookup(&self, state: &AppState, token_hash: &str, unit_id: Option<i64>) -> Result<Access, AppError> {
        let now = state.clock.now();
        let today = state.clock.today();
        // Read before the queries: a write landing meanwhile makes what they find stale, and this entry with it.
        let generation = state.store.access_generation();
        let key = (token_hash.to_owned(), unit_id);
        let cached = self.entries.lock().ok().and_then(|m| m.get(&key).cloned());
        if let Some(c) = cached
            && c.generation == generation
            && c.day == today
            && (now - c.fetched).num_seconds() < Self::TTL_SECS
            && c.access.0.as_ref().is_none_or(|(s, _)| s.expires_at > now)
        {
            return Ok(c.access);
        }
        let signed_in = state.store.session(token_hash, now).await?.filter(|(_, user)| !user.disabled);
        let (subject, unit) = match &signed_in {
            Some((_, user)) => {
                let ((jurisdictions, posts), unit) = state.store.standing_at(user.id, today, unit_id).await?;
                (Subject { authenticated: true, admin: user.is_admin, jurisdictions, posts }, unit)
            }
            None => (
                Subject::anonymous(),
                match unit_id {
                    Some(id) => Some(state.store.unit_ref(id).await?),
                    None => None,
                },
            ),
        };
        let access = (signed_in, subject, unit);
        if let Ok(mut m) = self.entries.lock() {
            if m.len() >= Self::CAPACITY {
                m.clear();
            }
            m.insert(key, CachedAccess { access: access.clone(), generation, day: today, fetched: now });
        }
        Ok(access)
    }
}

/// The standing of an account today.
pub async fn subject_of(state: &AppState, user: &User) -> Result<Subject, AppError> {
    let (jurisdictions, posts) = state.store.standing(user.id, state.clock.today()).await?;
    Ok(Subject { authenticated: true, admin: user.is_admin, jurisdictions, posts })
}

/// The guard: session → tenant → policy → CSRF, then the handler with a [`Ctx`].
pub async fn guard(State((state, guard)): State<(AppState, Guard)>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    match check(&state, guard, request).await {
        Ok(request) => next.run(request).await,
        Err(e) => {
            e.log(&path);
            reject(&e, guard.api, &path)
        }
    }
}

async fn check(state: &AppState, guard: Guard, request: Request) -> Result<Request, AppError> {
    let (mut parts, body) = request.into_parts();
    let unit_id = match unit_param(parts.uri.path()) {
        Some(Ok(id)) => Some(id),
        Some(Err(())) => return Err(AppError::NotFound),
        None => None,
    };
    let (signed_in, subject, unit) = match cookie(&parts.headers, SESSION_COOKIE) {
        Some(token) => state.access.lookup(state, &token_hash(token), unit_id).await?,
        None => (
            None,
            Subject::anonymous(),
            match unit_id {
                Some(id) => Some(state.store.unit_ref(id).await?),
                None => None,
            },
        ),
    };
    let unit = match unit {
        Some(found) => Some(found.ok_or(AppError::NotFound)?),
        None => None,
    };
    match authorize(&subject, guard.action, unit) {
        Decision::Allow => {}
        Decision::SignIn => return Err(AppError::SignIn),
        // Someone else's unit is reported as absent, so ids do not reveal which units exist; in one's own unit, or
        // for administrators and regulators, the refusal says why.
        Decision::Deny => {
            return Err(match unit {
                Some(u) if !subject.member_of(u.id) && !subject.admin && !subject.is_regulator() => AppError::NotFound,
                _ => AppError::Denied(guard.action.refusal()),
            });
        }
    }
    if let Some((_, user)) = &signed_in
        && user.must_change_password
        && !matches!(guard.action, Action::Public | Action::OwnAccount)
    {
        return Err(AppError::Conflict("请先修改初始密码".into()));
    }
    let csrf = signed_in.as_ref().map(|(s, _)| s.csrf_token.clone()).unwrap_or_default();
    let body = if matches!(parts.method, Method::GET | Method::HEAD) {
        body
    } else {
        let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let carries_photos = crate::forms::multipart_boundary(content_type).is_some()
            || content_type.starts_with("image/")
            || content_type.starts_with("application/octet-stream");
        let limit = if carries_photos { crate::MAX_UPLOAD } else { MAX_BODY };
        let bytes = to_bytes(body, limit).await.map_err(|_| AppError::TooLarge)?;
        let expected = if signed_in.is_some() {
            csrf.clone()
        } else {
            cookie(&parts.headers, LOGIN_CSRF_COOKIE).unwrap_or_default().to_owned()
        };
        let given = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| form_field(&parts.headers, &bytes, "_csrf"));
        // The API's log-in has no session yet and no form: it is exempt, and sets no state a forger could use.
        let exempt = guard.api && guard.action == Action::Public;
        if !exempt && (expected.is_empty() || given.as_deref() != Some(expected.as_str())) {
            return Err(AppError::Csrf);
        }
        Body::from(bytes)
    };
    let (session, user) = signed_in.map_or((None, None), |(s, u)| (Some(s), Some(u)));
    parts.extensions.insert(Ctx { user, session, subject, unit, csrf, api: guard.api });
    Ok(Request::from_parts(parts, body))
}

/// A text field (`_csrf`) from an urlencoded or multipart form body.
fn form_field(headers: &HeaderMap, body: &[u8], name: &str) -> Option<String> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if let Some(boundary) = crate::forms::multipart_boundary(content_type) {
        let parts = crate::forms::parse_multipart(body, boundary)?;
        let part = parts.into_iter().find(|p| p.name == name && p.filename.is_none())?;
        return String::from_utf8(part.data).ok();
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return None;
    }
    form_urlencoded::parse(body).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The `{unit_id}` of `/units/{id}/…` or `/api/v1/units/{id}/…`: `None` when the path has none, `Err` when it is
/// not a number.
pub fn unit_param(path: &str) -> Option<Result<i64, ()>> {
    let rest = path.strip_prefix("/api/v1/units/").or_else(|| path.strip_prefix("/units/"))?;
    let id = rest.split('/').next().unwrap_or_default();
    if id == "new" || id.is_empty() {
        return None;
    }
    Some(id.parse::<i64>().ok().filter(|n| *n > 0).ok_or(()))
}

/// How a refused request is answered: JSON for the API; for pages a redirect to log-in or an error page.
fn reject(e: &AppError, api: bool, path: &str) -> Response {
    if api {
        return crate::api::error_response(e);
    }
    match e {
        AppError::SignIn => {
            let next: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
            Redirect::to(&format!("/login?next={next}")).into_response()
        }
        AppError::Conflict(m) if m.contains("初始密码") => Redirect::to("/account/password").into_response(),
        other => crate::pages::error_page(other),
    }
}

/// Security headers on every response.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !response.headers().contains_key(header::CONTENT_TYPE) {
        return AppError::TooLarge.into_response_for_path(false);
    }
    response
}

/// The client's address, for throttling ("local" when the server was not given connection info, as in tests).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(a)| a.ip().to_string());
        Ok(Self(addr.unwrap_or_else(|| "local".into())))
    }
}

impl AppError {
    /// The rendering for a page or the API.
    #[must_use]
    pub fn into_response_for_path(self, api: bool) -> Response {
        if api { crate::api::error_response(&self) } else { crate::pages::error_page(&self) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordVerifier;
    use zhian_domain::entropy::Seeded;

    #[test]
    fn passwords_hash_and_verify() {
        let e = Seeded::new(3);
        let hash = hash_password("correct horse 1", &e).unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(Argon2::default().verify_password(b"correct horse 1", hash.as_str()).is_ok());
        assert!(Argon2::default().verify_password(b"wrong", hash.as_str()).is_err());
    }

    #[test]
    fn the_workers_hashes_are_standard_phc_strings_both_ways() {
        let mut memory = Vec::new();
        let ours = hash_with(&mut memory, b"correct horse 1", &[7u8; 16]).unwrap();
        assert!(Argon2::default().verify_password(b"correct horse 1", ours.as_str()).is_ok(), "{ours}");
        let theirs = hash_password("correct horse 2", &Seeded::new(5)).unwrap();
        assert!(verify_with(&mut memory, b"correct horse 2", &theirs));
        assert!(!verify_with(&mut memory, b"correct horse 3", &theirs));
        assert!(!verify_with(&mut memory, b"x", "not a hash"));
        assert_eq!(memory.len(), 19_456, "one buffer of the default size, reused");
    }

    #[test]
    fn new_passwords_meet_the_rules() {
        let e = Seeded::new(9);
        let p = new_password(&e);
        assert_eq!(p.chars().count(), 16);
        assert!(!p.contains(['0', 'O', '1', 'l', 'I']));
        assert_eq!(check_new_password("short1", "u"), Err("新密码至少 10 个字符"));
        assert!(check_new_password("onlyletters", "u").is_err());
        assert!(check_new_password("letters123", "u").is_ok());
        assert!(check_new_password("Username12", "username12").is_err());
    }

    #[test]
    fn five_failures_lock_for_fifteen_minutes() {
        let t = Throttle::default();
        let now = DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z").unwrap().with_timezone(&Utc);
        for _ in 0..4 {
            t.fail("u", now);
        }
        assert_eq!(t.locked("u", now), None);
        t.fail("u", now);
        assert_eq!(t.locked("u", now), Some(15));
        assert_eq!(t.locked("u", now + Duration::minutes(14)), Some(1));
        assert_eq!(t.locked("u", now + Duration::minutes(15)), None);
        t.clear("u");
        assert_eq!(t.locked("u", now), None);
    }

    #[test]
    fn the_unit_in_the_path_is_found() {
        assert_eq!(unit_param("/units/12/people"), Some(Ok(12)));
        assert_eq!(unit_param("/api/v1/units/7"), Some(Ok(7)));
        assert_eq!(unit_param("/units/new"), None);
        assert_eq!(unit_param("/units/x/people"), Some(Err(())));
        assert_eq!(unit_param("/units/-1"), Some(Err(())));
        assert_eq!(unit_param("/account"), None);
    }

    #[test]
    fn cookies_are_read_by_name() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; zhian_session=abc; b=2"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }
}
