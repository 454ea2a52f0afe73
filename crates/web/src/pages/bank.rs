//! The question bank page (system administrator): its versions and make-up, import of a JSON or XLSX file with a
//! per-row error report, export in both formats.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use zhian_domain::exam::{Area, Kind};
use zhian_store::exams::BankVersion;

use super::{Layout, PageResult, render};
use crate::AppState;
use crate::auth::Ctx;
use crate::forms::Fields;
use crate::usecases::bank::{self, ImportFailure, RowError};

#[derive(Template)]
#[template(path = "bank.html")]
struct BankPage {
    layout: Layout,
    versions: Vec<(BankVersion, String)>,
    /// (area, single, multiple, true/false, total) of the current version.
    makeup: Vec<(String, usize, usize, usize, usize)>,
    total: usize,
    errors: Vec<RowError>,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    notice: Option<String>,
    errors: Vec<RowError>,
) -> PageResult {
    let mut layout = Layout::new(ctx, "题库管理");
    layout.notice = notice;
    let questions = match state.store.bank_version().await? {
        Some(v) => state.store.bank(v).await?,
        None => Vec::new(),
    };
    let count = |area: Area, kind: Kind| {
        questions.iter().filter(|q| q.question.area == area && q.question.kind == kind).count()
    };
    let makeup = Area::ALL
        .iter()
        .map(|&a| {
            let (s, m, t) = (count(a, Kind::Single), count(a, Kind::Multiple), count(a, Kind::TrueFalse));
            (a.label().to_owned(), s, m, t, s + m + t)
        })
        .collect();
    let versions = state
        .store
        .bank_versions()
        .await?
        .into_iter()
        .map(|v| (crate::view::local(v.created_at), v))
        .map(|(t, v)| (v, t));
    let page = BankPage { layout, versions: versions.collect(), makeup, total: questions.len(), errors };
    Ok(render(status, &page))
}

/// `GET /admin/bank`.
pub async fn show(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    page(&state, &ctx, StatusCode::OK, None, Vec::new()).await
}

/// `POST /admin/bank`: a file (`file`) imported as a new version; `replace` retires what the file does not hold.
pub async fn import(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let Some(file) = fields.files("file").into_iter().next().filter(|f| !f.data.is_empty()) else {
        let e = RowError {
            row: 0, column: String::new(), message: "请选择要导入的题库文件（.json 或 .xlsx）".into()
        };
        return page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, None, vec![e]).await;
    };
    let replace = fields.get("replace") == "true";
    let by = ctx.user()?.id;
    match bank::import_bank(&state, Some(by), &file.filename, &file.data, replace).await {
        Ok(done) => {
            let notice = match done.version {
                Some(v) => format!(
                    "已导入为第 {v} 版：新增 {} 题，修订 {} 题，停用 {} 题，未变 {} 题",
                    done.added, done.changed, done.retired, done.unchanged
                ),
                None => format!("文件与现有题库相同（{} 题），未生成新版本", done.unchanged),
            };
            page(&state, &ctx, StatusCode::OK, Some(notice), Vec::new()).await
        }
        Err(ImportFailure::Rows(errors)) => page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, None, errors).await,
        Err(ImportFailure::App(e)) => Err(e.into()),
    }
}

fn download(bytes: Vec<u8>, media: &str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, media.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /admin/bank/export.json`.
pub async fn export_json(State(state): State<AppState>) -> PageResult {
    Ok(download(bank::export_json(&state).await?, "application/json", "zhian-bank.json"))
}

/// `GET /admin/bank/export.xlsx`.
pub async fn export_xlsx(State(state): State<AppState>) -> PageResult {
    let media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(download(bank::export_xlsx(&state).await?, media, "zhian-bank.xlsx"))
}
