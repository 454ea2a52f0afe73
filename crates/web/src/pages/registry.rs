//! The regulator's unit registry (单位名录): import from XLSX or CSV with a per-row report, and the template.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::{Layout, PageResult, render};
use crate::AppState;
use crate::auth::Ctx;
use crate::forms::Fields;
use crate::usecases::registry;
use crate::usecases::rows::{ImportFailure, RowError};

#[derive(Template)]
#[template(path = "registry.html")]
struct RegistryPage {
    layout: Layout,
    jurisdictions: String,
    errors: Vec<RowError>,
}

async fn page(ctx: &Ctx, status: StatusCode, notice: Option<String>, errors: Vec<RowError>) -> PageResult {
    let mut layout = Layout::new(ctx, "单位名录导入");
    layout.notice = notice;
    let jurisdictions = ctx.subject.jurisdictions.iter().map(ToString::to_string).collect::<Vec<_>>().join("、");
    Ok(render(status, &RegistryPage { layout, jurisdictions, errors }))
}

/// `GET /regulator/registry`.
pub async fn show(Extension(ctx): Extension<Ctx>) -> PageResult {
    page(&ctx, StatusCode::OK, None, Vec::new()).await
}

/// `POST /regulator/registry`: the file (`file`) imported whole or not at all.
pub async fn import(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let Some(file) = fields.files("file").into_iter().next().filter(|f| !f.data.is_empty()) else {
        let e =
            RowError {
                row: 0, column: String::new(), message: "请选择要导入的单位名录文件（.xlsx 或 .csv）".into()
            };
        return page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, None, vec![e]).await;
    };
    let by = ctx.user()?.id;
    match registry::import_registry(&state, by, &ctx.subject.jurisdictions, false, &file.data).await {
        Ok(done) => {
            let notice = format!(
                "已导入：新登记 {} 家单位；{} 家此前已登记，未改动；{} 行与同一信用代码的前行合并",
                done.created, done.known, done.merged
            );
            page(&ctx, StatusCode::OK, Some(notice), Vec::new()).await
        }
        Err(ImportFailure::Rows(errors)) => page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, None, errors).await,
        Err(ImportFailure::App(e)) => Err(e.into()),
    }
}

/// `GET /regulator/registry/template.xlsx`.
pub async fn template() -> PageResult {
    let media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok((
        [
            (header::CONTENT_TYPE, media.to_owned()),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"zhian-registry.xlsx\"".to_owned()),
        ],
        registry::template()?,
    )
        .into_response())
}
