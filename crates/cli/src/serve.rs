//! `zhian serve`, `zhian init`, `zhian migrate`: the server and its database.
//!
//! Settings come from flags, then `ZHIAN_*` environment variables, then defaults: the address `127.0.0.1:8080`, the
//! data directory `./zhian-data`, and embedded SQLite in it. Personal data is sealed with a data key read from
//! `ZHIAN_DATA_KEY` (64 hex digits) or from `DATA_DIR/data.key`, created on first start readable by its owner only.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use zhian_domain::entropy::Entropy;
use zhian_domain::time::Clock;
use zhian_ledger::keys::{SigAlg, SignerKey, read_key_file, write_key_file};
use zhian_store::{SEAL_KEY_LEN, Sealer, Store, backend_of, redact_url};
use zhian_web::{AppState, Settings};

use crate::args::{DbArgs, ServeArgs};
use crate::error::{CmdResult, Failure, io_failure};

/// The process's clock and randomness, handed in by the binary.
#[derive(Clone)]
pub struct Env {
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Randomness.
    pub entropy: Arc<dyn Entropy>,
}

/// Where the data lives, resolved from flags, environment and defaults.
pub(crate) struct Place {
    pub(crate) data_dir: PathBuf,
    url: String,
}

pub(crate) fn setting(flag: Option<&str>, env: &str, default: &str) -> String {
    flag.map(str::to_owned)
        .or_else(|| std::env::var(env).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| default.to_owned())
}

pub(crate) fn place(db: &DbArgs) -> Result<Place, Failure> {
    let data_dir = PathBuf::from(setting(db.data_dir.as_deref(), "ZHIAN_DATA_DIR", "zhian-data"));
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| Failure::BadInput(format!("无法创建数据目录 \"{}\"：{e}", data_dir.display())))?;
    restrict(&data_dir, 0o700);
    let default_url = format!("sqlite://{}?mode=rwc", data_dir.join("zhian.db").display());
    let url = setting(db.database.as_deref(), "ZHIAN_DATABASE_URL", &default_url);
    backend_of(&url).map_err(|e| Failure::bad_value("--database", &redact_url(&url), e))?;
    Ok(Place { data_dir, url })
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn restrict(_: &Path, _: u32) {}

/// The data key: from the environment, or the key file (created on first use).
fn data_key(dir: &Path, entropy: &dyn Entropy) -> Result<[u8; SEAL_KEY_LEN], Failure> {
    let parse = |hex: &str, from: &str| -> Result<[u8; SEAL_KEY_LEN], Failure> {
        let hex = hex.trim();
        let bytes: Option<Vec<u8>> = (hex.len() == SEAL_KEY_LEN * 2)
            .then(|| (0..SEAL_KEY_LEN).map(|i| u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()).collect())
            .flatten();
        bytes
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| Failure::BadInput(format!("{from} 中的数据密钥应为 64 位十六进制数字")))
    };
    if let Ok(hex) = std::env::var("ZHIAN_DATA_KEY") {
        return parse(&hex, "ZHIAN_DATA_KEY");
    }
    let path = dir.join("data.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text, &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = [0u8; SEAL_KEY_LEN];
            entropy.fill(&mut key);
            let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options
                .open(&path)
                .map_err(|e| Failure::BadInput(format!("无法创建数据密钥文件 \"{}\"：{e}", path.display())))?;
            file.write_all(hex.as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| Failure::BadInput(format!("无法写入数据密钥文件 \"{}\"：{e}", path.display())))?;
            Ok(key)
        }
        Err(e) => Err(Failure::BadInput(format!("无法读取数据密钥文件 \"{}\"：{e}", path.display()))),
    }
}

/// The key that signs the log's checkpoints: `DATA_DIR/log.key`, an SM2 key created on first start (readable by its
/// owner only) and named by `ZHIAN_LOG_ORIGIN` (default `zhian.local/log`).
pub(crate) fn log_key(dir: &Path, entropy: &dyn Entropy) -> Result<SignerKey, Failure> {
    let path = dir.join("log.key");
    if path.exists() {
        let text = read_key_file(&path)
            .map_err(|e| Failure::BadInput(format!("无法读取日志签名密钥 \"{}\"：{e}", path.display())))?;
        return SignerKey::from_private_key(&text)
            .map_err(|e| Failure::BadInput(format!("日志签名密钥 \"{}\" 无效：{e}", path.display())));
    }
    let origin = setting(None, "ZHIAN_LOG_ORIGIN", "zhian.local/log");
    let key = SignerKey::generate(SigAlg::Sm2, &origin, &mut crate::log::EntropyRng(entropy))
        .map_err(|e| Failure::bad_value("ZHIAN_LOG_ORIGIN", &origin, e))?;
    write_key_file(&path, &key.to_private_key())
        .map_err(|e| Failure::BadInput(format!("无法写入日志签名密钥：{e}")))?;
    Ok(key)
}

/// An interval in seconds from the environment: `ZHIAN_CHECKPOINT_SECS` (how often a checkpoint is signed, default
/// 600) or `ZHIAN_REMINDER_SECS` (how often reminders are raised and sent, default 60).
fn seconds(name: &str, default: &str) -> Result<std::time::Duration, Failure> {
    let secs = setting(None, name, default);
    secs.parse::<u64>()
        .ok()
        .filter(|s| *s > 0)
        .map(std::time::Duration::from_secs)
        .ok_or_else(|| Failure::bad_value(name, &secs, "须为正整数（秒）"))
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::BadInput(format!("无法启动运行时：{e}")))
}

fn logging() {
    let level = match std::env::var("ZHIAN_LOG").as_deref() {
        Ok("debug") => tracing::Level::DEBUG,
        Ok("warn") => tracing::Level::WARN,
        Ok("error") => tracing::Level::ERROR,
        _ => tracing::Level::INFO,
    };
    let _ = tracing_subscriber::fmt().with_max_level(level).with_writer(std::io::stderr).with_target(false).try_init();
}

pub(crate) async fn open(place: &Place, env: &Env) -> Result<Store, Failure> {
    let key = data_key(&place.data_dir, env.entropy.as_ref())?;
    let sealer = Sealer::new(&key, env.entropy.clone());
    Store::open(&place.url, sealer, env.clock.now())
        .await
        .map_err(|e| Failure::BadInput(format!("无法打开数据库 {}：{e}", redact_url(&place.url))))
}

fn describe(place: &Place) -> String {
    match place.url.strip_prefix("sqlite://") {
        Some(path) => format!("SQLite {}", path.split('?').next().unwrap_or(path)),
        None => format!("PostgreSQL {}", redact_url(&place.url)),
    }
}

/// `zhian serve`.
pub fn serve(a: &ServeArgs, env: &Env, out: &mut dyn Write) -> CmdResult {
    logging();
    let place = place(&a.db)?;
    let addr = setting(a.addr.as_deref(), "ZHIAN_ADDR", "127.0.0.1:8080");
    let rt = runtime()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .map_err(|e| Failure::bad_value("--addr", &addr, format!("无法监听：{e}")))?;
        let store = open(&place, env).await?;
        let key = log_key(&place.data_dir, env.entropy.as_ref())?;
        let every = seconds("ZHIAN_CHECKPOINT_SECS", "600")?;
        let remind_every = seconds("ZHIAN_REMINDER_SECS", "60")?;
        let hours = setting(None, "ZHIAN_VETO_ESCALATION_HOURS", "24");
        let veto_escalation_hours = hours
            .parse::<i64>()
            .ok()
            .filter(|h| *h > 0)
            .ok_or_else(|| Failure::bad_value("ZHIAN_VETO_ESCALATION_HOURS", &hours, "须为正整数（小时）"))?;
        let local = listener.local_addr().map_err(|e| Failure::BadInput(e.to_string()))?;
        // Links that leave the server (reminders, the QR codes on documents) need the address people reach it at.
        let public_url = setting(None, "ZHIAN_PUBLIC_URL", &format!("http://{local}"));
        let webhook_private_hosts = setting(None, "ZHIAN_WEBHOOK_PRIVATE_HOSTS", "0") == "1";
        let font_dir = setting(None, "ZHIAN_FONT_DIR", zhian_docs::pdf::DEFAULT_FONT_DIR).into();
        let blueprint = blueprint_setting()?;
        let settings = Settings {
            secure_cookies: a.secure_cookies,
            veto_escalation_hours,
            public_url: Some(public_url),
            webhook_private_hosts,
            font_dir,
            blueprint,
            ..Settings::default()
        };
        let mut state = AppState::new(store.clone(), env.clock.clone(), env.entropy.clone(), key, settings)
            .map_err(|e| Failure::BadInput(e.to_string()))?;
        let divisions = divisions_setting(&mut state)?;
        zhian_web::seed_bank(&state).await.map_err(|e| Failure::BadInput(format!("题库加载失败：{e}")))?;
        let reassessed = zhian_web::refresh_duties(&state)
            .await
            .map_err(|e| Failure::BadInput(format!("单位适用范围评估失败：{e}")))?;
        if reassessed > 0 {
            tracing::info!(reassessed, "units reassessed against the reference");
        }
        let mut text = format!("zhian（质安）已启动：http://{local}\n数据库：{}\n", describe(&place));
        text.push_str(&divisions);
        let fonts = &state.settings.font_dir;
        if let Some(missing) = zhian_docs::pdf::FONT_FILES.iter().find(|f| !fonts.join(f).is_file()) {
            text.push_str(&format!(
                "注意：{} 中没有 {missing}，无法生成 PDF 文件（Word、Excel 不受影响）。请安装 fonts-noto-cjk\
                 （Debian/Ubuntu：sudo apt-get install fonts-noto-cjk），或用 ZHIAN_FONT_DIR 指定字体目录。\n",
                fonts.display()
            ));
        }
        if let Some((user, password)) = zhian_web::bootstrap_admin(&state).await.map_err(|e| Failure::BadInput(e.to_string()))? {
            text.push_str(&format!(
                "首次启动，已创建系统管理员：用户名 {user}，一次性密码 {password}\n（密码只显示这一次；首次登录后须修改）\n"
            ));
        }
        if a.demo {
            let logins = zhian_web::demo::load(&state).await.map_err(|e| Failure::BadInput(format!("演示数据加载失败：{e}")))?;
            text.push_str("\n演示数据（深圳市南山区）已就绪。演示账号（本次启动的密码）：\n");
            for (who, user, password) in logins {
                text.push_str(&format!("  {user:<20} {password}  {who}\n"));
            }
        }
        if a.demo_units > 0 {
            let logins = zhian_web::demo::load_generated(&state, a.demo_units)
                .await
                .map_err(|e| Failure::BadInput(format!("演示门店生成失败：{e}")))?;
            text.push_str(&format!("\n已生成 {} 个演示门店。质量安全员账号（本次启动的密码）：\n", logins.len()));
            for (who, user, password) in logins {
                text.push_str(&format!("  {user:<20} {password}  {who}\n"));
            }
        }
        text.push_str("按 Ctrl+C 停止。\n");
        out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(io_failure)?;
        tracing::info!(%local, "serving");
        let checkpoints = tokio::spawn(zhian_web::checkpoint_loop(state.clone(), every));
        let reminders = tokio::spawn(zhian_web::reminders::reminder_loop(state.clone(), remind_every));
        zhian_web::serve(listener, state.clone(), shutdown_signal()).await.map_err(|e| Failure::BadInput(format!("服务出错：{e}")))?;
        checkpoints.abort();
        reminders.abort();
        // A last checkpoint, so what was recorded before the stop is covered.
        let _ = state.store.sign_checkpoint(&state.log_key, env.clock.now()).await;
        store.close().await;
        tracing::info!("stopped");
        Ok(0)
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// The internal assessment's blueprint: the JSON file `ZHIAN_EXAM_BLUEPRINT` names (fields left out keep their
/// defaults), or the defaults.
fn blueprint_setting() -> Result<zhian_domain::exam::Blueprint, Failure> {
    let path = setting(None, "ZHIAN_EXAM_BLUEPRINT", "");
    if path.is_empty() {
        return Ok(zhian_domain::exam::Blueprint::default());
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Failure::bad_value("ZHIAN_EXAM_BLUEPRINT", &path, format!("无法读取：{e}")))?;
    let blueprint: zhian_domain::exam::Blueprint = serde_json::from_str(&text)
        .map_err(|e| Failure::bad_value("ZHIAN_EXAM_BLUEPRINT", &path, format!("JSON 格式错误：{e}")))?;
    blueprint.check().map_err(|e| Failure::bad_value("ZHIAN_EXAM_BLUEPRINT", &path, e.to_string()))?;
    Ok(blueprint)
}

/// The division table: the shipped GB/T 2260 table, with the CSV file `ZHIAN_DIVISIONS` names merged into it (a
/// newer edition, or divisions it lacks; `code,name,parent`, UTF-8 or GB 18030). Returns the line the start-up
/// message gives it.
fn divisions_setting(state: &mut AppState) -> Result<String, Failure> {
    let shipped = state.reference.divisions.len();
    let path = setting(None, "ZHIAN_DIVISIONS", "");
    if path.is_empty() {
        return Ok(format!("行政区划：内置 GB/T 2260 表 {shipped} 个\n"));
    }
    let bytes =
        std::fs::read(&path).map_err(|e| Failure::bad_value("ZHIAN_DIVISIONS", &path, format!("无法读取：{e}")))?;
    let text: String =
        zhian_docs::sheet::read_csv(&bytes).iter().map(|row| row.join(",") + "\n").collect::<Vec<_>>().concat();
    let mut reference = (*state.reference).clone();
    let (added, renamed) =
        reference.import_divisions(&text).map_err(|e| Failure::bad_value("ZHIAN_DIVISIONS", &path, e))?;
    state.reference = std::sync::Arc::new(reference);
    Ok(format!("行政区划：内置 GB/T 2260 表 {shipped} 个，导入 {path}：新增 {added} 个，更名 {renamed} 个\n"))
}

/// `zhian init`: creates the first administrator and prints the one-time password.
pub fn init(a: &DbArgs, env: &Env, out: &mut dyn Write) -> CmdResult {
    let place = place(a)?;
    runtime()?.block_on(async {
        let store = open(&place, env).await?;
        let key = log_key(&place.data_dir, env.entropy.as_ref())?;
        let state = AppState::new(store.clone(), env.clock.clone(), env.entropy.clone(), key, Settings::default())
            .map_err(|e| Failure::BadInput(e.to_string()))?;
        let created = zhian_web::bootstrap_admin(&state).await.map_err(|e| Failure::BadInput(e.to_string()))?;
        store.close().await;
        match created {
            Some((user, password)) => {
                writeln!(
                    out,
                    "已创建系统管理员：用户名 {user}，一次性密码 {password}\n（密码只显示这一次；首次登录后须修改）"
                )
                .map_err(io_failure)?;
                Ok(0)
            }
            None => Err(Failure::Failed(format!("数据库 {} 中已有账号，无需初始化", describe(&place)))),
        }
    })
}

/// `zhian migrate`: brings the schema up to date and says what was applied.
pub fn migrate(a: &DbArgs, env: &Env, out: &mut dyn Write) -> CmdResult {
    let place = place(a)?;
    runtime()?.block_on(async {
        let key = data_key(&place.data_dir, env.entropy.as_ref())?;
        let store = Store::connect(&place.url, Sealer::new(&key, env.entropy.clone()))
            .await
            .map_err(|e| Failure::BadInput(format!("无法打开数据库 {}：{e}", redact_url(&place.url))))?;
        let applied = store.migrate(env.clock.now()).await.map_err(|e| Failure::BadInput(e.to_string()))?;
        store.close().await;
        writeln!(out, "数据库 {} 已是最新结构（本次执行 {applied} 个迁移）", describe(&place)).map_err(io_failure)?;
        Ok(0)
    })
}

/// `zhian audit`: re-verifies the whole database against the transparency log; exit 1 names every row that no
/// longer matches.
pub fn audit(a: &DbArgs, env: &Env, out: &mut dyn Write) -> CmdResult {
    let place = place(a)?;
    runtime()?.block_on(async {
        let store = open(&place, env).await?;
        let key = log_key(&place.data_dir, env.entropy.as_ref())?;
        let report = store.audit(&key.verifier()).await.map_err(|e| Failure::BadInput(format!("审计无法完成：{e}")))?;
        store.close().await;
        let mut text = format!("已核对 {} 条日志记录、{} 个签名检查点。\n", report.leaves, report.checkpoints);
        for f in &report.findings {
            text.push_str(&format!("  不符：{}\n", f.message));
        }
        out.write_all(text.as_bytes()).map_err(io_failure)?;
        if report.findings.is_empty() {
            writeln!(out, "数据库与透明日志一致。").map_err(io_failure)?;
            Ok(0)
        } else {
            Err(Failure::Failed(format!("发现 {} 处与透明日志不符", report.findings.len())))
        }
    })
}
