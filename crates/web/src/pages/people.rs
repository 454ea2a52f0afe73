//! People, appointments and log-ins.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use zhian_domain::access::{Action, Decision, authorize};
use zhian_domain::forms::{AppointmentForm, FieldErrors, PersonForm};
use zhian_store::models::{Appointment, Person};

use super::{Layout, PageResult, render};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::{AppState, usecases};

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    layout: Layout,
    unit_id: i64,
    today: String,
    can_manage: bool,
    people: Vec<Person>,
    current: Vec<Appointment>,
    history: Vec<Appointment>,
    person: PersonForm,
    appoint: AppointmentForm,
    errors: FieldErrors,
    new_account: Option<(String, String)>,
}

/// What a people page shows besides the lists: the forms as submitted, errors, a new log-in.
#[derive(Default)]
struct PeopleExtras {
    person: PersonForm,
    appoint: AppointmentForm,
    errors: FieldErrors,
    new_account: Option<(String, String)>,
    notice: Option<String>,
}

async fn people_page(state: &AppState, ctx: &Ctx, status: StatusCode, extras: PeopleExtras) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let people = state.store.people(unit_id).await?;
    let (current, history): (Vec<_>, Vec<_>) =
        state.store.appointments(unit_id).await?.into_iter().partition(|a| a.to.is_none());
    let mut layout = Layout::for_unit(state, ctx, "人员与任命").await?;
    layout.notice = extras.notice;
    let page = PeoplePage {
        layout,
        unit_id,
        today: state.clock.today().to_string(),
        can_manage: authorize(&ctx.subject, Action::ManagePeople, ctx.unit) == Decision::Allow,
        people,
        current,
        history,
        person: extras.person,
        appoint: extras.appoint,
        errors: extras.errors,
        new_account: extras.new_account,
    };
    Ok(render(status, &page))
}

/// `GET /units/{unit_id}/people`.
pub async fn list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    people_page(&state, &ctx, StatusCode::OK, PeopleExtras::default()).await
}

/// After a change: back to the people page on success; on field errors, the page again with the errors and what
/// was typed (`extras` builds that from the errors).
async fn after<T>(
    state: &AppState,
    ctx: &Ctx,
    result: Result<T, AppError>,
    extras: impl FnOnce(FieldErrors) -> PeopleExtras,
) -> PageResult {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/units/{}/people", ctx.unit_id()?)).into_response()),
        Err(AppError::Invalid(errors)) => {
            people_page(state, ctx, StatusCode::UNPROCESSABLE_ENTITY, extras(errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /units/{unit_id}/people`.
pub async fn add(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let person = PersonForm {
        name: fields.get("name").into(),
        id_number: fields.get("id_number").into(),
        phone: fields.get("phone").into(),
    };
    let result = usecases::add_person(&state, ctx.unit_id()?, &person).await;
    after(&state, &ctx, result, |errors| PeopleExtras { person, errors, ..PeopleExtras::default() }).await
}

/// `POST /units/{unit_id}/appointments`.
pub async fn appoint(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let appoint = AppointmentForm {
        person_id: fields.get("person_id").into(),
        post: fields.get("post").into(),
        employment: fields.get("employment").into(),
        from: fields.get("from").into(),
        reason: fields.get("reason").into(),
    };
    let result = usecases::appoint(&state, &ctx, ctx.unit_id()?, &appoint).await;
    after(&state, &ctx, result, |errors| PeopleExtras { appoint, errors, ..PeopleExtras::default() }).await
}

/// `POST /units/{unit_id}/appointments/{appointment_id}/end`.
pub async fn end(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, id)): Path<(i64, i64)>,
    fields: Fields,
) -> PageResult {
    let result =
        usecases::end_appointment(&state, ctx.unit_id()?, id, fields.get("to"), fields.get("end_reason")).await;
    after(&state, &ctx, result, |errors| PeopleExtras { errors, ..PeopleExtras::default() }).await
}

/// `POST /units/{unit_id}/people/{person_id}/account`: shows the one-time password once, on this response only.
pub async fn create_account(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, person_id)): Path<(i64, i64)>,
    fields: Fields,
) -> PageResult {
    match usecases::create_account(&state, ctx.unit_id()?, person_id, fields.get("username")).await {
        Ok(account) => {
            people_page(
                &state,
                &ctx,
                StatusCode::OK,
                PeopleExtras { new_account: Some(account), ..PeopleExtras::default() },
            )
            .await
        }
        other => after(&state, &ctx, other, |errors| PeopleExtras { errors, ..PeopleExtras::default() }).await,
    }
}
