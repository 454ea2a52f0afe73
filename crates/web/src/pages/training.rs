//! Training and assessment (培训考核): training sessions with attendees, exams set for a person and taken by link,
//! and results recorded from an assessment held on paper.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use zhian_domain::access::{Action, Decision, authorize};
use zhian_domain::exam::score::points_text;
use zhian_domain::forms::{FieldErrors, TrainingForm};
use zhian_store::exams::{Attempt, TrainingSession};
use zhian_store::models::{Person, Training};

use super::{Layout, PageResult, render};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::usecases::exams::{self, SessionForm};
use crate::{AppState, usecases, view};

/// A link just issued: the URL and its QR code.
struct Issued {
    url: String,
    qr: String,
    person: String,
}

#[derive(Template)]
#[template(path = "training.html")]
struct TrainingPage {
    layout: Layout,
    unit_id: i64,
    today: String,
    can_record: bool,
    people: Vec<Person>,
    sessions: Vec<(TrainingSession, String)>,
    attempts: Vec<(Attempt, String, String, String)>,
    records: Vec<(Training, String)>,
    issued: Option<Issued>,
    session: SessionForm,
    assess_person: String,
    form: TrainingForm,
    errors: FieldErrors,
}

/// What a page shows besides the lists: the forms as typed, their errors, a notice, a link just issued.
#[derive(Default)]
struct Extras {
    session: SessionForm,
    assess_person: String,
    form: TrainingForm,
    errors: FieldErrors,
    notice: Option<String>,
    issued: Option<Issued>,
}

fn status_of(a: &Attempt) -> String {
    match (a.started_at, a.passed) {
        (_, Some(true)) => format!("合格（{} 分）", points_text(a.earned.unwrap_or_default())),
        (_, Some(false)) => format!("不合格（{} 分）", points_text(a.earned.unwrap_or_default())),
        (Some(_), None) => "考试中".to_owned(),
        (None, None) => "未开始".to_owned(),
    }
}

async fn page(state: &AppState, ctx: &Ctx, status: StatusCode, extras: Extras) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let mut layout = Layout::for_unit(state, ctx, "培训考核").await?;
    layout.notice = extras.notice;
    let sessions = state.store.training_sessions(unit_id).await?.into_iter().map(|s| {
        let hours = view::hours(s.tenth_hours);
        (s, hours)
    });
    let base = state.settings.public_url.clone().unwrap_or_default();
    let mut attempts = Vec::new();
    for a in state.store.attempts(unit_id).await? {
        let when = view::local(a.submitted_at.unwrap_or(a.created_at));
        let status = status_of(&a);
        // A regulator's spot-check exam is the regulator's to hand out, not the unit's.
        let link = match (a.submitted_at, a.internal) {
            (None, true) => format!("{base}/exam/{}", state.store.attempt_token(a.id).await?),
            _ => String::new(),
        };
        attempts.push((a, when, status, link));
    }
    let records = state.store.trainings(unit_id).await?.into_iter().map(|t| {
        let hours = view::hours(t.tenth_hours);
        (t, hours)
    });
    let page = TrainingPage {
        layout,
        unit_id,
        today: state.clock.today().to_string(),
        can_record: authorize(&ctx.subject, Action::RecordTraining, ctx.unit) == Decision::Allow,
        people: state.store.people(unit_id).await?,
        sessions: sessions.collect(),
        attempts,
        records: records.collect(),
        issued: extras.issued,
        session: extras.session,
        assess_person: extras.assess_person,
        form: extras.form,
        errors: extras.errors,
    };
    Ok(render(status, &page))
}

/// `GET /units/{unit_id}/training`.
pub async fn show(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    page(&state, &ctx, StatusCode::OK, Extras::default()).await
}

/// Renders the page after a write: the notice on success, the form with its errors otherwise.
async fn after<T>(
    state: &AppState,
    ctx: &Ctx,
    result: Result<T, AppError>,
    ok: impl FnOnce(T) -> Extras,
    failed: impl FnOnce(FieldErrors) -> Extras,
) -> PageResult {
    match result {
        Ok(v) => page(state, ctx, StatusCode::OK, ok(v)).await,
        Err(AppError::Invalid(errors)) => page(state, ctx, StatusCode::UNPROCESSABLE_ENTITY, failed(errors)).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /units/{unit_id}/training`: a result of an assessment held on paper.
pub async fn add_record(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let form = TrainingForm {
        person_id: fields.get("person_id").into(),
        date: fields.get("date").into(),
        content: fields.get("content").into(),
        hours: fields.get("hours").into(),
        score: fields.get("score").into(),
        passed: fields.get("passed").into(),
    };
    let result = usecases::add_training(&state, &ctx, ctx.unit_id()?, &form).await;
    after(
        &state,
        &ctx,
        result,
        |_| Extras { notice: Some("已保存考核结果".into()), ..Extras::default() },
        |errors| Extras { form, errors, ..Extras::default() },
    )
    .await
}

/// `POST /units/{unit_id}/training/sessions`.
pub async fn add_session(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let session = SessionForm {
        date: fields.get("date").into(),
        topic: fields.get("topic").into(),
        hours: fields.get("hours").into(),
        trainer: fields.get("trainer").into(),
        attendees: fields.all("attendees"),
    };
    let result = exams::record_session(&state, ctx.user()?.id, ctx.unit_id()?, &session).await;
    after(
        &state,
        &ctx,
        result,
        |_| Extras { notice: Some("已保存培训记录".into()), ..Extras::default() },
        |errors| Extras { session, errors, ..Extras::default() },
    )
    .await
}

/// `POST /units/{unit_id}/assessments`: sets the default exam for a person and shows its link once.
pub async fn set_assessment(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    fields: Fields,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let person = fields.get("person_id").to_owned();
    let by = ctx.user()?.id;
    let result =
        exams::set_exam(&state, by, unit_id, &person, "质量安全管理人员内部考核", &state.settings.blueprint).await;
    let name = state
        .store
        .people(unit_id)
        .await?
        .into_iter()
        .find(|p| p.id.to_string() == person.trim())
        .map(|p| p.name)
        .unwrap_or_default();
    let base = state.settings.public_url.clone().unwrap_or_default();
    after(
        &state,
        &ctx,
        result,
        |set| {
            let url = format!("{base}/exam/{}", set.token);
            let qr = zhian_docs::qr::svg(&url).unwrap_or_default();
            Extras {
                notice: Some(format!("已为{name}安排考核，请把下面的链接或二维码交给本人作答")),
                issued: Some(Issued { url, qr, person: name.clone() }),
                ..Extras::default()
            }
        },
        |errors| Extras { assess_person: person.clone(), errors, ..Extras::default() },
    )
    .await
}

impl TrainingPage {
    fn attends(&self, person: &i64) -> bool {
        self.session.attendees.iter().any(|a| a.trim() == person.to_string())
    }
}
