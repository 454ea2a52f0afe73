//! The statutory documents as files, and the public page their QR codes open.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use zhian_docs::{DocKind, Document, Format};

use crate::AppState;
use crate::api::ApiError;
use crate::auth::Ctx;
use crate::error::AppError;
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
    let is_record = matches!(kind, DocKind::DailyRecord | DocKind::WeeklyReport | DocKind::MonthlyMinutes);
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
}

/// `GET /units/{unit_id}/documents`: the lists as files; the records' documents are on each record's page.
pub async fn index(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let lists = DocKind::ALL
        .into_iter()
        .filter(|k| !matches!(k, DocKind::DailyRecord | DocKind::WeeklyReport | DocKind::MonthlyMinutes))
        .map(|k| (k.name(), k.code(), if k.is_list() { vec!["pdf", "docx", "xlsx"] } else { vec!["pdf", "docx"] }))
        .collect();
    let layout = Layout::for_unit(&state, &ctx, "文件与台账").await?;
    Ok(render(StatusCode::OK, &DocumentsPage { layout, unit_id, lists }))
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
