//! zhian's storage: one store, two backends.
//!
//! The database URL picks the backend: `sqlite://PATH` (the embedded default: one file, WAL, one writer connection
//! and a pool of readers) or `postgres://…` (for deployments that outgrow one file). The SQL is written once in the
//! portable subset both understand — `$n` parameters, `bigint` for integers and instants (unix microseconds, UTC),
//! `text` for calendar dates (`YYYY-MM-DD`, Asia/Shanghai) — and runs through sqlx's `Any` driver; each backend owns
//! its migrations (`migrations/sqlite`, `migrations/postgres`) and its connection setup. The conformance suite in
//! `tests/` runs against both.
//!
//! SQL lives only here. Rules do not: where a write depends on a rule (the appointment gate), the caller passes the
//! rule in and the store runs it inside the transaction that reads the facts and writes the row.

pub mod batch;
pub mod checks;
pub mod dispatch;
pub mod documents;
mod error;
pub mod exams;
pub mod ledger;
mod migrate;
pub mod models;
pub mod oversight;
mod people;
pub mod photos;
mod records;
pub mod reminders;
pub mod reviews;
mod seal;
pub mod settings;
pub mod spotchecks;
mod tallies;
mod units;
mod users;
pub mod vetoes;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

pub use error::{Conflict, StoreError};
pub use seal::{SEAL_KEY_LEN, Sealer};
pub use units::{Founder, ProfileRow};

/// The result type of store calls.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The store: every query zhian makes.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// Writes go here: for SQLite a single connection, so writers queue instead of failing on a busy lock.
    write: AnyPool,
    /// Reads go here: for SQLite a pool of connections reading the WAL concurrently; for PostgreSQL the same pool.
    read: AnyPool,
    sealer: Sealer,
    /// Daily checks go to the group-commit writer.
    checks: tokio::sync::mpsc::Sender<batch::CheckJob>,
    /// Counts this process's writes to what decides who may do what: sessions, passwords, appointments, account
    /// links, jurisdictions, units. A cache of those facts is good while the count is unchanged.
    access_generation: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

/// Names the backend of a URL, or says why it cannot be used.
pub fn backend_of(url: &str) -> Result<Backend> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::Config("数据库地址须以 sqlite:// 或 postgres:// 开头".into()))
    }
}

/// Hides the password of a database URL, for logs and `Debug`.
#[must_use]
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

impl Store {
    /// Connects to the database at `url` and brings its schema up to date.
    pub async fn open(url: &str, sealer: Sealer, now: chrono::DateTime<chrono::Utc>) -> Result<Self> {
        let store = Self::connect(url, sealer).await?;
        store.migrate(now).await?;
        Ok(store)
    }

    /// Connects without migrating.
    pub async fn connect(url: &str, sealer: Sealer) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        let options = AnyConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("数据库地址无效：{e}")))?
            .disable_statement_logging();
        let (write, read) = match backend {
            Backend::Sqlite => {
                let setup = |options: AnyPoolOptions| {
                    options.after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(
                                "pragma journal_mode = wal; pragma synchronous = full; pragma foreign_keys = on; \
                                 pragma busy_timeout = 5000;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                };
                let write = setup(AnyPoolOptions::new().max_connections(1).min_connections(1))
                    .connect_with(options.clone())
                    .await?;
                let read = setup(AnyPoolOptions::new().max_connections(4).min_connections(0))
                    .idle_timeout(Duration::from_secs(300))
                    .connect_with(options)
                    .await?;
                (write, read)
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                (pool.clone(), pool)
            }
        };
        let checks = batch::spawn_writer(write.clone());
        Ok(Self { backend, write, read, sealer, checks, access_generation: Default::default() })
    }

    /// How many writes to access facts (sessions, passwords, appointments, account links, jurisdictions, units) this
    /// process has made: a cache of those facts is stale once it changes.
    #[must_use]
    pub fn access_generation(&self) -> u64 {
        self.access_generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Marks a write to access facts.
    pub(crate) fn access_changed(&self) {
        self.access_generation.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    /// The backend in use.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("select 1").execute(&self.read).await?;
        Ok(())
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

/// `NotFound` unless the statement touched a row: for updates addressed by id within a unit.
pub(crate) fn touched(done: &sqlx::any::AnyQueryResult) -> Result<()> {
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Microseconds since the Unix epoch of an instant.
pub(crate) fn micros(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_micros()
}

/// The instant of a count of microseconds.
pub(crate) fn instant(us: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_micros(us).unwrap_or_default()
}

/// A stored date.
pub(crate) fn date(s: &str) -> Result<chrono::NaiveDate> {
    zhian_domain::time::parse_iso_date(s).ok_or_else(|| StoreError::Corrupt(format!("日期 {s}")))
}
