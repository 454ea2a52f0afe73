//! The exam a candidate takes by its link (`/exam/{token}`, no sign-in: the token is the key), on a phone: the
//! rules, then the paper with a countdown and each answer saved as it is chosen, then the marked paper with the
//! explanations and, for a pass, the certificate.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use zhian_docs::DocKind;
use zhian_domain::exam::Blueprint;
use zhian_domain::exam::score::points_text;

use super::{Layout, PageResult, render};
use crate::AppState;
use crate::auth::{Ctx, LOGIN_CSRF_COOKIE, cookie, random_hex, set_cookie};
use crate::error::AppError;
use crate::forms::Fields;
use crate::usecases::exams::{self, Sheet, Stage};

#[derive(Template)]
#[template(path = "exam.html")]
struct ExamPage {
    layout: Layout,
    token: String,
    sheet: Sheet,
    candidate: String,
    rules: Vec<String>,
    score: String,
    possible: String,
    breakdown: Vec<(String, u32, u32, String, String)>,
}

fn rules(b: &Blueprint) -> Vec<String> {
    let mut out: Vec<String> =
        b.sections.iter().map(|s| format!("{}：{} 题，每题 {} 分", s.kind.label(), s.count, s.points)).collect();
    out.push(format!(
        "满分 {} 分，{} 分及以上为合格；考试时间 {} 分钟，时间到自动交卷",
        b.total(),
        b.pass_mark,
        b.minutes
    ));
    if b.partial_credit > 0 {
        out.push(format!(
            "多选题：全部选对得满分；少选（所选均为正确答案）得该题分值的 {}%；选错或不选不得分",
            b.partial_credit
        ));
    } else {
        out.push("多选题：全部选对得满分；少选、选错或不选不得分".to_owned());
    }
    out.push("每选一个答案即自动保存；刷新页面或换网络后答案仍在，倒计时不停".to_owned());
    out
}

/// The CSRF token for a form on this page: the session's when signed in, else the double-submit cookie's (set here
/// when absent).
fn form_token(state: &AppState, ctx: &Ctx, headers: &HeaderMap) -> (String, Option<header::HeaderValue>) {
    if ctx.user.is_some() {
        return (ctx.csrf.clone(), None);
    }
    match cookie(headers, LOGIN_CSRF_COOKIE) {
        Some(t) if !t.is_empty() => (t.to_owned(), None),
        _ => {
            let t = random_hex(state.entropy.as_ref(), 16);
            let c = set_cookie(state, LOGIN_CSRF_COOKIE, &t, 6 * 3600);
            (t, Some(c))
        }
    }
}

/// `GET /exam/{token}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> PageResult {
    let attempt = exams::attempt_for_token(&state, &token).await?;
    let sheet = exams::sheet(&state, attempt).await?;
    let (csrf, set) = form_token(&state, &ctx, &headers);
    let layout = Layout { title: sheet.attempt.title.clone(), csrf, ..Layout::default() };
    let page = ExamPage {
        layout,
        token,
        candidate: zhian_domain::ident::mask_name(&sheet.attempt.person_name),
        rules: rules(&sheet.blueprint),
        score: points_text(sheet.attempt.earned.unwrap_or_default()),
        possible: points_text(sheet.attempt.possible.unwrap_or_default()),
        breakdown: exams::breakdown(&sheet.attempt),
        sheet,
    };
    let mut response = render(StatusCode::OK, &page);
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    if let Some(c) = set {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(response)
}

fn back(token: &str) -> Response {
    Redirect::to(&format!("/exam/{token}")).into_response()
}

/// `POST /exam/{token}/start`.
pub async fn start(State(state): State<AppState>, Path(token): Path<String>) -> PageResult {
    let attempt = exams::attempt_for_token(&state, &token).await?;
    if attempt.submitted_at.is_none() {
        exams::start(&state, &attempt).await?;
    }
    Ok(back(&token))
}

/// Saves every `q{n}` answer in the form (unchecked questions are absent and keep what was saved).
async fn save_all(state: &AppState, attempt: &zhian_store::exams::Attempt, fields: &Fields) -> Result<(), AppError> {
    let mut positions: Vec<&str> = fields
        .0
        .iter()
        .filter_map(|(k, _)| k.strip_prefix('q'))
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    positions.dedup();
    for p in positions {
        let letters: String = fields.all(&format!("q{p}")).concat();
        exams::save_answer(state, attempt, p, &letters).await?;
    }
    Ok(())
}

/// `POST /exam/{token}/save`: one answer (`position`, `answer`) from the page's script, answered 204 or with the
/// reason as plain text; or the whole form without script, then back to the paper.
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    fields: Fields,
) -> PageResult {
    let attempt = exams::attempt_for_token(&state, &token).await?;
    let scripted = headers.get("x-requested-with").is_some_and(|v| v == "fetch");
    if scripted {
        return Ok(match exams::save_answer(&state, &attempt, fields.get("position"), fields.get("answer")).await {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(e @ (AppError::Conflict(_) | AppError::BadRequest(_))) => {
                (StatusCode::CONFLICT, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], e.to_string())
                    .into_response()
            }
            Err(e) => return Err(e.into()),
        });
    }
    save_all(&state, &attempt, &fields).await?;
    Ok(back(&token))
}

/// `POST /exam/{token}/submit`: saves what the form carries (the last answers before a time-out too), then marks.
/// A second submission shows the first result.
pub async fn submit(State(state): State<AppState>, Path(token): Path<String>, fields: Fields) -> PageResult {
    let attempt = exams::attempt_for_token(&state, &token).await?;
    if attempt.submitted_at.is_none() {
        match save_all(&state, &attempt, &fields).await {
            Ok(()) | Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
        exams::mark_attempt(&state, &attempt, false).await?;
    }
    Ok(back(&token))
}

/// `GET /exam/{token}/certificate.pdf`: the certificate of a pass.
pub async fn certificate(State(state): State<AppState>, Path(token): Path<String>) -> PageResult {
    let attempt = exams::attempt_for_token(&state, &token).await?;
    let doc = crate::usecases::document(&state, attempt.unit_id, DocKind::Certificate, Some(attempt.id)).await?;
    let bytes = crate::documents::render_document(&state, doc, zhian_docs::Format::Pdf).await?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"zhian-certificate-{}.pdf\"", attempt.id)),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /static/exam.js`: the exam page's script (countdown, saving each answer as it is chosen).
pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/exam.js"),
    )
        .into_response()
}

impl ExamPage {
    fn open(&self) -> bool {
        self.sheet.stage == Stage::Open
    }

    fn not_started(&self) -> bool {
        self.sheet.stage == Stage::NotStarted
    }

    fn passed(&self) -> bool {
        self.sheet.attempt.passed == Some(true)
    }
}
