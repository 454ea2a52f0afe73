//! The test harness: a real store on a fresh SQLite file, the real router, a fixed clock and seeded randomness.

#![allow(dead_code, reason = "each test file uses part of the harness")]

pub mod browser;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::{Body, to_bytes};
use axum::http::{Request, Response, StatusCode, header};
use chrono::{DateTime, Utc};
use tower::ServiceExt;
use zhian_domain::entropy::Seeded;
use zhian_domain::time::{Clock as _, FixedClock};
use zhian_store::models::{NewUser, Session};
use zhian_store::{Sealer, Store};
use zhian_web::{AppState, Settings, auth};

static SEQ: AtomicU64 = AtomicU64::new(0);

pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T10:00:00+08:00").unwrap().with_timezone(&Utc)
}

/// One application over its own database.
pub struct TestApp {
    pub state: AppState,
    pub clock: Arc<FixedClock>,
    dir: std::path::PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
    }
}

/// A signed-in session: the cookie header value and the CSRF token.
#[derive(Clone, Debug)]
pub struct Login {
    pub user_id: i64,
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    pub async fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "zhian-web-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("zhian.db").display());
        let entropy = Arc::new(Seeded::new(SEQ.fetch_add(1, Ordering::Relaxed)));
        let store = Store::open(&url, Sealer::new(&[7; 32], entropy.clone()), now()).await.unwrap();
        let clock = Arc::new(FixedClock::new(now()));
        let log_key = {
            use rand_chacha::rand_core::SeedableRng;
            let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
            zhian_ledger::keys::SignerKey::generate(zhian_ledger::keys::SigAlg::Sm2, "zhian.test/log", &mut rng)
                .unwrap()
        };
        let state = AppState::new(store, clock.clone(), entropy, log_key, Settings::default()).unwrap();
        zhian_web::seed_bank(&state).await.unwrap();
        Self { state, clock, dir }
    }

    /// The database file, for a test that looks at what is stored.
    pub fn database_file(&self) -> std::path::PathBuf {
        self.dir.join("zhian.db")
    }

    /// Sends a request through the whole router.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response: Response<Body> = zhian_web::router(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = to_bytes(response.into_body(), 10 << 20).await.unwrap();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), bytes: bytes.to_vec() }
    }

    pub async fn get(&self, path: &str, login: Option<&Login>) -> Reply {
        let mut r = Request::get(path);
        if let Some(l) = login {
            r = r.header(header::COOKIE, &l.cookie);
        }
        self.send(r.body(Body::empty()).unwrap()).await
    }

    /// A form post; the CSRF token is added when signed in.
    pub async fn post_form(&self, path: &str, login: Option<&Login>, fields: &[(&str, &str)]) -> Reply {
        let mut pairs: Vec<(&str, &str)> = fields.to_vec();
        if let Some(l) = login {
            pairs.push(("_csrf", &l.csrf));
        }
        let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        let mut r = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(l) = login {
            r = r.header(header::COOKIE, &l.cookie);
        }
        self.send(r.body(Body::from(body)).unwrap()).await
    }

    /// A body of any type, with the CSRF header when signed in.
    pub async fn post_bytes(&self, path: &str, login: Option<&Login>, content_type: &str, body: Vec<u8>) -> Reply {
        let mut r = Request::post(path).header(header::CONTENT_TYPE, content_type);
        if let Some(l) = login {
            r = r.header(header::COOKIE, &l.cookie).header("x-csrf-token", &l.csrf);
        }
        self.send(r.body(Body::from(body)).unwrap()).await
    }

    /// A multipart form post, as a browser sends one with files: the CSRF token goes in as a field.
    pub async fn post_multipart(
        &self,
        path: &str,
        login: Option<&Login>,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        let boundary = "----zhianTestBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        let csrf = login.map(|l| ("_csrf", l.csrf.as_str()));
        for (name, value) in fields.iter().copied().chain(csrf) {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        for (name, filename, data) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut r =
            Request::post(path).header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"));
        if let Some(l) = login {
            r = r.header(header::COOKIE, &l.cookie);
        }
        self.send(r.body(Body::from(body)).unwrap()).await
    }

    /// A JSON call; the CSRF header is added when signed in.
    pub async fn json(&self, method: &str, path: &str, login: Option<&Login>, body: serde_json::Value) -> Reply {
        let mut r = Request::builder().method(method).uri(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(l) = login {
            r = r.header(header::COOKIE, &l.cookie).header("x-csrf-token", &l.csrf);
        }
        self.send(r.body(Body::from(body.to_string())).unwrap()).await
    }

    /// An account with a known password.
    pub async fn user(&self, username: &str, admin: bool) -> i64 {
        let hash = zhian_web::hash_password("Passw0rd-test", self.state.entropy.as_ref()).unwrap();
        let new = NewUser {
            username,
            display_name: username,
            password_hash: &hash,
            is_admin: admin,
            must_change_password: false,
        };
        self.state.store.create_user(&new, now()).await.unwrap()
    }

    /// A fresh session for an account, as log-in would make.
    pub async fn login(&self, user_id: i64) -> Login {
        let token = format!("t{}", SEQ.fetch_add(1, Ordering::Relaxed));
        let csrf = format!("c{}", SEQ.fetch_add(1, Ordering::Relaxed));
        let session = Session {
            id_hash: auth::token_hash(&token),
            user_id,
            csrf_token: csrf.clone(),
            created_at: self.clock.now(),
            expires_at: self.clock.now() + chrono::Duration::hours(8),
        };
        self.state.store.create_session(&session).await.unwrap();
        Login { user_id, cookie: format!("{}={token}", auth::SESSION_COOKIE), csrf }
    }

    /// A unit created through the API by `principal`; returns its id.
    pub async fn unit(&self, principal: &Login, credit_code: &str, division: &str, categories: &[&str]) -> i64 {
        let body = serde_json::json!({
            "name": format!("单位{credit_code}"), "credit_code": credit_code, "address": "某路 1 号",
            "division_code": division, "channel": "retail", "employees": 12, "revenue_yuan": 3_000_000,
            "categories": categories, "principal_name": "负责人",
        });
        let r = self.json("POST", "/api/v1/units", Some(principal), body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.json()["id"].as_i64().unwrap()
    }

    /// Adds a person with a passed assessment and appoints them; returns (person id, appointment id).
    pub async fn staff(&self, principal: &Login, unit: i64, name: &str, post: &str) -> (i64, i64) {
        let r = self
            .json("POST", &format!("/api/v1/units/{unit}/people"), Some(principal), serde_json::json!({"name": name}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let person = r.json()["id"].as_i64().unwrap();
        let training = serde_json::json!({"person_id": person, "date": "2026-02-20", "content": "法规与标准", "hours": 2, "score": 90, "passed": true});
        let r = self.json("POST", &format!("/api/v1/units/{unit}/trainings"), Some(principal), training).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let appoint =
            serde_json::json!({"person_id": person, "post": post, "employment": "part_time", "from": "2026-03-01"});
        let r = self.json("POST", &format!("/api/v1/units/{unit}/appointments"), Some(principal), appoint).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        (person, r.json()["id"].as_i64().unwrap())
    }
}

/// A unit registered ten days before the harness's "now", with an officer who can sign in: (principal, officer,
/// unit id), signed in at "now".
pub async fn unit_with_officer(app: &TestApp) -> (Login, Login, i64) {
    use zhian_domain::time::Clock as _;
    let at = app.clock.now();
    app.clock.set(at - chrono::Duration::days(10));
    let principal = app.user("liqiang", false).await;
    let me = app.login(principal).await;
    let id = app.unit(&me, "92440305MA5G7K3L2A", "440305", &["ccc-10"]).await;
    let (person, _) = app.staff(&me, id, "王芳", "officer").await;
    let officer = app.user("wangfang", false).await;
    app.state.store.link_person(id, person, officer, now()).await.unwrap();
    app.clock.set(at);
    (app.login(principal).await, app.login(officer).await, id)
}

pub fn check(period: &str, results: &[(&str, &str)], amends: Option<i64>) -> serde_json::Value {
    let items: Vec<_> = results
        .iter()
        .map(|(r, n)| serde_json::json!({"risk_point": "3C", "item": "整车3C标志", "result": r, "note": n}))
        .collect();
    serde_json::json!({"period": period, "items": items, "amends": amends})
}

pub fn pointers(r: &Reply) -> Vec<String> {
    r.json()["error"]["fields"]
        .as_array()
        .map(|f| f.iter().map(|e| e["pointer"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

/// A valid unified social credit code from its first 17 characters.
pub fn credit_code(base: &str) -> String {
    "0123456789ABCDEFGHJKLMNPQRTUWXY"
        .chars()
        .map(|c| format!("{base}{c}"))
        .find(|c| zhian_domain::ident::CreditCode::parse(c).is_ok())
        .unwrap()
}
