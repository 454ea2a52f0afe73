//! The statutory documents as files, and the public page their QR codes open.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use zhian_docs::{DocKind, Document, Format};

use crate::AppState;
use crate::api::ApiError;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::pages::{Layout, PageResult, render};

/// A document file name: `{kind}.{ext}` for a list, `{kind}-{record}.{ext}` for one record.
fn parse_file(file: &str) -> Option<(DocKind, Option<i64>, Format)> {
    let (stem, ext) = file.rsplit_once('.')?;
    let format = Format::from_extension(ext)?;
    let (kind, record) = match stem.rsplit_once('-') {
        Some((kind, id)) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => (kind, Some(id.parse().ok()?)),
        _ => (stem, None),
    };
    let kind = DocKind::from_code(kind)?;
    let is_record = kind.is_record();
    // Records need their id; spreadsheets are for the lists.
    if is_record != record.is_some() || (format == Format::Xlsx && !kind.is_list()) {
        return None;
    }
    Some((kind, record, format))
}

/// A document in a format. The PDF renderer loads its fonts on first use; typst's work runs off the request threads.
pub async fn render_document(state: &AppState, doc: Document, format: Format) -> Result<Vec<u8>, AppError> {
    let pdf = state.pdf.clone();
    let font_dir = state.settings.font_dir.clone();
    tokio::task::spawn_blocking(move || match format {
        Format::Pdf => {
            let renderer = pdf.get_or_init(|| zhian_docs::pdf::PdfRenderer::new(&font_dir).map_err(|e| e.to_string()));
            match renderer {
                Ok(r) => r.render(&doc).map_err(|e| AppError::Internal(e.to_string())),
                Err(why) => Err(AppError::Internal(why.clone())),
            }
        }
        Format::Docx => zhian_docs::docx::docx(&doc).map_err(|e| AppError::Internal(e.to_string())),
        Format::Xlsx => zhian_docs::xlsx::xlsx(&doc).map_err(|e| AppError::Internal(e.to_string())),
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

async fn file_response(state: &AppState, ctx: &Ctx, file: &str) -> Result<Response, AppError> {
    let unit_id = ctx.unit_id()?;
    let (kind, record, format) = parse_file(file).ok_or(AppError::NotFound)?;
    let doc = crate::usecases::document(state, unit_id, kind, record).await?;
    let name = match record {
        Some(id) => format!("{}-{id}.{}", kind.name(), format.extension()),
        None => format!("{}.{}", kind.name(), format.extension()),
    };
    let bytes = render_document(state, doc, format).await?;
    // The Chinese name for browsers (RFC 6266 filename*), an ASCII one for everything else.
    let disposition = format!(
        "attachment; filename=\"zhian-{file}\"; filename*=UTF-8''{}",
        name.bytes()
            .map(|b| if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            })
            .collect::<String>()
    );
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, format.media_type().to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        bytes,
    )
        .into_response())
}

/// `GET /units/{unit_id}/documents/{file}`: e.g. `daily-12.pdf`, `weekly-3.docx`, `hazards.xlsx`.
pub async fn page_file(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, file)): Path<(i64, String)>,
) -> PageResult {
    Ok(file_response(&state, &ctx, &file).await?)
}

/// `GET /api/v1/units/{unit_id}/documents/{file}`.
pub async fn api_file(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, file)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    Ok(file_response(&state, &ctx, &file).await?)
}

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage {
    layout: Layout,
    unit_id: i64,
    /// (title, file stem, formats) of each list.
    lists: Vec<(&'static str, &'static str, Vec<&'static str>)>,
    /// The archive form: from, to.
    from: String,
    to: String,
    errors: zhian_domain::forms::FieldErrors,
}

async fn documents_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    from: String,
    to: String,
    errors: zhian_domain::forms::FieldErrors,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let lists = DocKind::ALL
        .into_iter()
        .filter(|k| !k.is_record())
        .map(|k| (k.name(), k.code(), if k.is_list() { vec!["pdf", "docx", "xlsx"] } else { vec!["pdf", "docx"] }))
        .collect();
    let layout = Layout::for_unit(state, ctx, "文件与台账").await?;
    Ok(render(status, &DocumentsPage { layout, unit_id, lists, from, to, errors }))
}

/// `GET /units/{unit_id}/documents`: the lists as files and the period archive; the records' documents are on each
/// record's page.
pub async fn index(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    // Last month by default: what an inspector asks for.
    let today = state.clock.today();
    let first = today.with_day(1).unwrap_or(today);
    let last_month_end = first.pred_opt().unwrap_or(first);
    let last_month_start = last_month_end.with_day(1).unwrap_or(last_month_end);
    documents_page(
        &state,
        &ctx,
        StatusCode::OK,
        last_month_start.to_string(),
        last_month_end.to_string(),
        zhian_domain::forms::FieldErrors::default(),
    )
    .await
}

/// An archive being made, or made.
struct Job {
    unit_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    done: usize,
    total: usize,
    result: Option<Result<Vec<u8>, String>>,
    started: std::time::Instant,
}

/// Archives being made in the background: a request starts one and a page follows it.
#[derive(Default)]
pub struct ArchiveJobs {
    next: AtomicU64,
    jobs: Mutex<HashMap<u64, Job>>,
}

/// How long a made archive waits to be downloaded.
const KEEP: std::time::Duration = std::time::Duration::from_secs(3600);

impl ArchiveJobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Job>> {
        self.jobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// `POST /units/{unit_id}/archives`: starts the archive of `from..=to`; its page follows the progress.
pub async fn start_archive(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    fields: Fields,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let (from_text, to_text) = (fields.get("from").trim().to_owned(), fields.get("to").trim().to_owned());
    let mut errors = zhian_domain::forms::FieldErrors::default();
    let from = zhian_domain::time::parse_iso_date(&from_text);
    let to = zhian_domain::time::parse_iso_date(&to_text);
    if from.is_none() {
        errors.add("from", "起始日期：请填写日期，如 2026-10-01");
    }
    if to.is_none() {
        errors.add("to", "结束日期：请填写日期，如 2026-10-31");
    }
    let (Some(from), Some(to)) = (from, to) else {
        return documents_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, from_text, to_text, errors).await;
    };
    if from > to || (to - from).num_days() > 366 {
        errors.add("to", "结束日期：须不早于起始日期，且一次最多导出一年");
        return documents_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, from_text, to_text, errors).await;
    }
    let by = ctx.user()?.id;
    let id = state.archives.next.fetch_add(1, Ordering::Relaxed) + 1;
    {
        let mut jobs = state.archives.lock();
        jobs.retain(|_, j| j.started.elapsed() < KEEP);
        jobs.insert(id, Job { unit_id, from, to, done: 0, total: 0, result: None, started: std::time::Instant::now() });
    }
    let worker = state.clone();
    tokio::spawn(async move {
        let jobs = worker.archives.clone();
        let progress = move |done: usize, total: usize| {
            if let Some(j) = jobs.lock().get_mut(&id) {
                j.done = done;
                j.total = total;
            }
        };
        let result = crate::usecases::period_archive(&worker, unit_id, from, to, by, &progress)
            .await
            .map_err(|e| e.public_message());
        if let Some(j) = worker.archives.lock().get_mut(&id) {
            j.result = Some(result);
        }
    });
    Ok(Redirect::to(&format!("/units/{unit_id}/archives/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "archive.html")]
struct ArchivePage {
    layout: Layout,
    unit_id: i64,
    id: u64,
    from: String,
    to: String,
    done: usize,
    total: usize,
    /// Whether the steps are counted yet.
    counting: bool,
    percent: usize,
    /// `None` while running; the error, or "" when ready.
    outcome: Option<String>,
    bytes: usize,
}

/// `GET /units/{unit_id}/archives/{job_id}`: the archive's progress, then its download.
pub async fn archive_status(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, u64)>,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let page = {
        let jobs = state.archives.lock();
        let job = jobs.get(&id).filter(|j| j.unit_id == unit_id).ok_or(AppError::NotFound)?;
        let (outcome, bytes) = match &job.result {
            None => (None, 0),
            Some(Ok(b)) => (Some(String::new()), b.len()),
            Some(Err(e)) => (Some(e.clone()), 0),
        };
        ArchivePage {
            layout: Layout::new(&ctx, "期间归档"),
            unit_id,
            id,
            from: job.from.to_string(),
            to: job.to.to_string(),
            done: job.done,
            total: job.total,
            counting: job.total > 0,
            percent: (job.done * 100).checked_div(job.total).unwrap_or(0),
            outcome,
            bytes,
        }
    };
    Ok(render(StatusCode::OK, &page))
}

/// `GET /units/{unit_id}/archives/{job_id}/download`.
pub async fn archive_download(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, u64)>,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let (bytes, from, to) = {
        let jobs = state.archives.lock();
        let job = jobs.get(&id).filter(|j| j.unit_id == unit_id).ok_or(AppError::NotFound)?;
        match &job.result {
            Some(Ok(b)) => (b.clone(), job.from, job.to),
            _ => return Err(AppError::NotFound.into()),
        }
    };
    let disposition = format!("attachment; filename=\"zhian-archive-{unit_id}-{from}-{to}.zip\"");
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/zip".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    layout: Layout,
    code: String,
    found: Option<VerifyView>,
}

struct VerifyView {
    title: String,
    unit: String,
    credit_code: String,
    period: String,
    issued_at: String,
    /// (index, kind label, logged at, leaf hash, verdict, is good)
    records: Vec<(u64, String, String, String, String, bool)>,
    all_good: bool,
    checkpoint: String,
}

fn kind_label(kind: &str) -> &'static str {
    use zhian_store::ledger::kind as k;
    match kind {
        k::DAILY_CHECK => "日管控检查记录",
        k::WEEKLY_REVIEW => "周排查报告",
        k::MONTHLY_MEETING => "月调度会议纪要",
        k::MONTHLY_CONFIRMATION => "纪要确认",
        k::HAZARD_EVENT => "风险隐患处置",
        k::VETO => "否决建议",
        k::VETO_ANSWER => "否决建议答复",
        k::SUSPENSION => "停业登记",
        k::APPOINTMENT => "任命",
        k::APPOINTMENT_END => "离任",
        k::TASK_DONE => "重点工作完成",
        k::SELF_INSPECTION => "自查",
        k::ARCHIVE => "期间归档",
        k::EXAM_RESULT => "考核成绩",
        _ => "记录",
    }
}

/// `GET /v/{code}`: for anyone holding the document, no sign-in: whether each record it shows is on the log, since
/// when, whether its row still matches, whether it was amended. It names the unit and the records, never a person.
pub async fn verify(State(state): State<AppState>, Path(code): Path<String>) -> PageResult {
    let normalized = zhian_store::documents::normalize_code(&code);
    let found = match &normalized {
        Some(c) => state.store.verification(c).await?,
        None => None,
    };
    let found = found.map(|v| {
        let records: Vec<_> = v
            .records
            .iter()
            .map(|r| {
                let (label, at) = match &r.logged {
                    Some((kind, at)) => (kind_label(kind).to_owned(), crate::view::local(*at)),
                    None => ("—".to_owned(), String::new()),
                };
                let covered = v.checkpoint_size.is_some_and(|size| size > r.leaf_index);
                let (verdict, good) = match (&r.logged, r.row_matches, r.amended_by.is_empty()) {
                    (None, _, _) => ("不在透明日志上".to_owned(), false),
                    (Some(_), false, _) => ("记录已被改动，与日志不一致".to_owned(), false),
                    (Some(_), true, false) => (
                        format!(
                            "在日志上，未被改动；已有更正记录（第 {} 号），原记录保留",
                            r.amended_by.iter().map(i64::to_string).collect::<Vec<_>>().join("、")
                        ),
                        true,
                    ),
                    (Some(_), true, true) if covered => ("在日志上，未被改动，已由签名检查点覆盖".to_owned(), true),
                    (Some(_), true, true) => ("在日志上，未被改动（下一个签名检查点将覆盖）".to_owned(), true),
                };
                (r.leaf_index, label, at, r.leaf_hash.clone().unwrap_or_default(), verdict, good)
            })
            .collect();
        VerifyView {
            all_good: records.iter().all(|r| r.5),
            title: v.title,
            unit: v.unit,
            credit_code: v.credit_code,
            period: v.period,
            issued_at: crate::view::local(v.issued_at),
            records,
            checkpoint: v.checkpoint_size.map_or_else(|| "尚无".to_owned(), |s| format!("{s} 条记录")),
        }
    });
    let status = if found.is_some() { StatusCode::OK } else { StatusCode::NOT_FOUND };
    let layout = Layout { title: "文件核验".to_owned(), ..Layout::default() };
    Ok(render(status, &VerifyPage { layout, code: normalized.unwrap_or(code), found }))
}
