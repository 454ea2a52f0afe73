//! zhian's web server: the unit's workspace (Chinese, server-rendered, usable on a phone) and the JSON API under
//! `/api/v1`, both behind one route table in which every route names the [`Action`] it performs.
//!
//! A request passes one guard ([`auth::guard`]) before its handler: the session is read, the tenant (the
//! `{unit_id}` in the path) is loaded, the domain's [`authorize`](zhian_domain::access::authorize) decides, and a
//! state-changing request must carry the session's CSRF token. Handlers stay thin: parse → domain → store.
//!
//! [`Action`]: zhian_domain::access::Action

#![recursion_limit = "256"]

mod api;
pub mod auth;
pub mod demo;
pub mod documents;
mod error;
mod forms;
mod openapi;
mod pages;
mod records;
pub mod reminders;
pub mod routes;
mod usecases;

/// The statutory document of a kind (with its record for the three records), as the download routes make it.
pub use usecases::bank::seed_bank;
pub use usecases::document;
pub use usecases::oversight;
/// A unit's period archive (all documents, their proof bundles, the checkpoint and the logged manifest).
pub use usecases::{Progress, period_archive};
pub use usecases::{duties_of, refresh_duties};
pub use usecases::{overview, unit_calendar};
mod view;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tokio::net::TcpListener;
use zhian_domain::entropy::Entropy;
use zhian_domain::time::Clock;
use zhian_reference::Reference;
use zhian_store::Store;

pub use auth::{Throttle, hash_password, new_password};
pub use error::AppError;

/// The largest request body accepted, in bytes. Forms and JSON here are small; photos come with their own limit.
pub const MAX_BODY: usize = 256 * 1024;

/// The largest body carrying photos: a check form with its photos, or one photo uploaded alone.
pub const MAX_UPLOAD: usize = 24 * 1024 * 1024;

/// Settings of a running server.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark cookies `Secure` (the server is reached over TLS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// How long a session lasts without signing in again.
    pub session_hours: i64,
    /// How long the principal has to answer a veto before it escalates.
    pub veto_escalation_hours: i64,
    /// The address people reach the server at (`https://zhian.example.gov.cn`), for links in reminders sent out.
    pub public_url: Option<String>,
    /// Let webhooks reach hosts in private networks (an on-premises relay; the tests' local receiver).
    pub webhook_private_hosts: bool,
    /// Where the Noto CJK font files for PDFs are (`ZHIAN_FONT_DIR`; Debian's `fonts-noto-cjk` place by default).
    pub font_dir: std::path::PathBuf,
    /// The exam blueprint of a unit's internal assessment (`ZHIAN_EXAM_BLUEPRINT` names a JSON file; the documented
    /// defaults otherwise).
    pub blueprint: zhian_domain::exam::Blueprint,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_hours: 12,
            veto_escalation_hours: zhian_domain::veto::DEFAULT_ESCALATION_HOURS,
            public_url: None,
            webhook_private_hosts: false,
            font_dir: zhian_docs::pdf::DEFAULT_FONT_DIR.into(),
            blueprint: zhian_domain::exam::Blueprint::default(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Store,
    /// The clock (read by the binary, passed in).
    pub clock: Arc<dyn Clock>,
    /// Randomness for tokens and passwords (passed in).
    pub entropy: Arc<dyn Entropy>,
    /// Reference catalogues and templates.
    pub reference: Arc<Reference>,
    /// Log-in throttling.
    pub throttle: Arc<Throttle>,
    /// Settings.
    pub settings: Arc<Settings>,
    /// The key that signs the transparency log's checkpoints.
    pub log_key: Arc<zhian_ledger::keys::SignerKey>,
    /// The thread that does Argon2 work.
    pub passwords: Arc<auth::PasswordWorker>,
    /// An Argon2id hash of a random password, checked when an account does not exist so that timing does not
    /// tell which usernames do. Made on first need.
    pub dummy_hash: Arc<tokio::sync::OnceCell<String>>,
    /// The guard's recent findings.
    pub access: Arc<auth::AccessCache>,
    /// Period archives being made in the background.
    pub archives: Arc<documents::ArchiveJobs>,
    /// The PDF renderer, its fonts loaded on first use.
    pub pdf: Arc<std::sync::OnceLock<Result<zhian_docs::pdf::PdfRenderer, String>>>,
}

impl AppState {
    /// A state over a store, with the clock, randomness and the log's signing key given.
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        entropy: Arc<dyn Entropy>,
        log_key: zhian_ledger::keys::SignerKey,
        settings: Settings,
    ) -> Result<Self, AppError> {
        let reference = Reference::load().map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Self {
            log_key: Arc::new(log_key),
            passwords: Arc::new(auth::PasswordWorker::start()?),
            dummy_hash: Arc::new(tokio::sync::OnceCell::new()),
            access: Arc::new(auth::AccessCache::default()),
            pdf: Arc::default(),
            archives: Arc::default(),
            store,
            clock,
            entropy,
            reference: Arc::new(reference),
            throttle: Arc::new(Throttle::default()),
            settings: Arc::new(settings),
        })
    }
}

/// Creates the first administrator when there is no account at all; returns the log-in to print once.
pub async fn bootstrap_admin(state: &AppState) -> Result<Option<(String, String)>, AppError> {
    if state.store.count_users().await? > 0 {
        return Ok(None);
    }
    let password = new_password(state.entropy.as_ref());
    let hash = auth::hash_password_on_worker(state, password.clone()).await?;
    let new = zhian_store::models::NewUser {
        username: "admin",
        display_name: "系统管理员",
        password_hash: &hash,
        is_admin: true,
        must_change_password: true,
    };
    state.store.create_user(&new, state.clock.now()).await?;
    tracing::info!("first administrator created");
    Ok(Some(("admin".to_owned(), password)))
}

/// Signs a checkpoint every `every` while the server runs (and once at once), so that no record waits long to be
/// covered by a signed tree head.
pub async fn checkpoint_loop(state: AppState, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = state.store.sign_checkpoint(&state.log_key, state.clock.now()).await {
            tracing::error!(error = %e, "checkpoint failed");
        }
    }
}

/// The whole application: every route of the table behind its guard, plus the fixed layers.
pub fn router(state: AppState) -> Router {
    routes::build(state.clone())
        .layer(axum::middleware::from_fn(auth::security_headers))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
        .with_state(state)
}

/// Serves `router(state)` on `listener` until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
