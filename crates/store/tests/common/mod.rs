//! The store conformance suite's harness: every case runs against SQLite on every test run, and against a real
//! PostgreSQL server when `ZHIAN_TEST_POSTGRES_URL` names one (`.ci/run` starts a server and sets it; with
//! `ZHIAN_REQUIRE_POSTGRES=1` a missing server fails the run instead of skipping). Each case owns a fresh database.

#![allow(dead_code, unused_imports, reason = "each test file uses its own part of the harness")]

pub use std::sync::Arc;
pub use std::sync::atomic::{AtomicU64, Ordering};

pub use chrono::{DateTime, NaiveDate, Utc};
pub use sqlx::Row as _;
pub use zhian_domain::access::Post;
pub use zhian_domain::forms::{AppointmentInfo, PersonInfo, TrainingInfo, UnitInfo};
pub use zhian_domain::ident::{CreditCode, DivisionCode, IdNumber};
pub use zhian_domain::scope::{Category3Policy, Channel};
pub use zhian_domain::staffing::{Employment, check_appointment};
pub use zhian_store::models::{Duties, DutyKind, NewUser, ProductRef, RiskRow, Session};
pub use zhian_store::{Conflict, Sealer, Store, StoreError};

pub static SEQ: AtomicU64 = AtomicU64::new(0);

/// The duties of a small retail shop selling CCC products: in scope, officers required.
pub const SCOPED: Duties = Duties { in_scope: true, director_required: false, officer_required: true };

pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T10:00:00+08:00").unwrap().with_timezone(&Utc)
}

pub fn day(s: &str) -> NaiveDate {
    zhian_domain::time::parse_iso_date(s).unwrap()
}

pub fn sealer() -> Sealer {
    Sealer::new(&[42; 32], Arc::new(zhian_domain::entropy::Seeded::new(7)))
}

/// A database owned by one case.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    cleanup: Cleanup,
}

pub enum Cleanup {
    File(std::path::PathBuf),
    Database { admin_url: String, name: String },
}

impl TestDb {
    pub async fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "zhian-store-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("zhian.db").display());
        Self { store: Store::open(&url, sealer(), now()).await.unwrap(), url, cleanup: Cleanup::File(dir) }
    }

    pub async fn postgres() -> Option<Self> {
        let Ok(admin_url) = std::env::var("ZHIAN_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var("ZHIAN_REQUIRE_POSTGRES").is_err(),
                "ZHIAN_REQUIRE_POSTGRES is set but ZHIAN_TEST_POSTGRES_URL is not"
            );
            return None;
        };
        let name = format!("zhian_t_{}_{}", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed));
        admin(&admin_url, &format!("create database {name}")).await;
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        let store = Store::open(&url, sealer(), now()).await.unwrap();
        Some(Self { store, url, cleanup: Cleanup::Database { admin_url, name } })
    }

    pub async fn finish(self) {
        self.store.close().await;
        match self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database { admin_url, name } => admin(&admin_url, &format!("drop database {name}")).await,
        }
    }
}

pub async fn admin(url: &str, sql: &str) {
    use sqlx::Connection as _;
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut conn).await.unwrap();
}

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let db = super::TestDb::sqlite().await;
                super::$case(&db.store, &db.url).await;
                db.finish().await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                if let Some(db) = super::TestDb::postgres().await {
                    super::$case(&db.store, &db.url).await;
                    db.finish().await;
                }
            })*
        }
    };
}

pub async fn user(store: &Store, name: &str) -> i64 {
    let new = NewUser {
        username: name,
        display_name: name,
        password_hash: "$argon2id$x",
        is_admin: false,
        must_change_password: false,
    };
    store.create_user(&new, now()).await.unwrap()
}

pub fn unit_info(code: &str, division: &str) -> UnitInfo {
    UnitInfo {
        name: format!("单位{code}"),
        credit_code: CreditCode::parse(code).unwrap(),
        address: "深圳市南山区".into(),
        division: DivisionCode::parse(division).unwrap(),
        channel: Channel::Retail,
        employees: 12,
        revenue_yuan: 3_000_000,
    }
}

pub fn ccc() -> Vec<ProductRef> {
    vec![ProductRef { category_code: "ccc-16".into(), catalogue: "ccc".into(), catalogue_version: "2023".into() }]
}

pub async fn unit(store: &Store, founder: i64) -> i64 {
    let f = zhian_store::Founder { user_id: founder, name: "李强", from: day("2026-01-01") };
    store.create_unit(&unit_info("9144030071526726XG", "440305"), &ccc(), SCOPED, &f, now()).await.unwrap()
}

pub fn log_key() -> zhian_ledger::keys::SignerKey {
    use rand_chacha::rand_core::SeedableRng;
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(11);
    zhian_ledger::keys::SignerKey::generate(zhian_ledger::keys::SigAlg::Sm2, "zhian.test/log", &mut rng).unwrap()
}
