//! People, appointments through the assessment gate, training records.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use zhian_domain::forms::{AppointmentForm, FieldErrors, PersonForm, TrainingForm};
use zhian_domain::staffing::check_appointment;
use zhian_store::StoreError;

/// Adds a person to the unit's list.
pub async fn add_person(state: &AppState, unit_id: i64, form: &PersonForm) -> Result<i64, AppError> {
    let info = form.check().map_err(AppError::Invalid)?;
    Ok(state.store.add_person(unit_id, &info, state.clock.now()).await?)
}

/// Appoints a person to a post, through the assessment gate.
pub async fn appoint(state: &AppState, ctx: &Ctx, unit_id: i64, form: &AppointmentForm) -> Result<i64, AppError> {
    let info = form.check().map_err(AppError::Invalid)?;
    let rule = |name: &str, assessments: &[_], tenures: &[_]| {
        check_appointment(name, info.post, info.from, assessments, tenures).map_err(|e| e.to_string())
    };
    let by = ctx.user()?.id;
    match state.store.appoint(unit_id, &info, by, &rule, state.clock.now()).await {
        Ok(id) => Ok(id),
        Err(StoreError::NotFound) => {
            let mut f = FieldErrors::default();
            f.add("person_id", "本单位没有该人员");
            Err(AppError::Invalid(f))
        }
        Err(StoreError::Refused(why)) => {
            let mut f = FieldErrors::default();
            f.add("person_id", why);
            Err(AppError::Invalid(f))
        }
        Err(e) => Err(e.into()),
    }
}

/// Ends an appointment on a date, with a reason.
pub async fn end_appointment(state: &AppState, unit_id: i64, id: i64, to: &str, reason: &str) -> Result<(), AppError> {
    let mut f = FieldErrors::default();
    let to = f.date("to", "离任日期", to);
    let reason = f.text("end_reason", "离任原因", reason, 200);
    let Some(to) = to.filter(|_| f.is_empty()) else {
        return Err(AppError::Invalid(f));
    };
    match state.store.end_appointment(unit_id, id, to, &reason, state.clock.now()).await {
        Err(StoreError::NotFound) => {
            let mut f = FieldErrors::default();
            f.add("to", "该任职已结束、不存在，或离任日期早于任职日期");
            Err(AppError::Invalid(f))
        }
        other => Ok(other?),
    }
}

/// Records training (and an assessment result when scored).
pub async fn add_training(state: &AppState, ctx: &Ctx, unit_id: i64, form: &TrainingForm) -> Result<i64, AppError> {
    let info = form.check(state.clock.today()).map_err(AppError::Invalid)?;
    match state.store.add_training(unit_id, &info, ctx.user()?.id, state.clock.now()).await {
        Err(StoreError::NotFound) => {
            let mut f = FieldErrors::default();
            f.add("person_id", "本单位没有该人员");
            Err(AppError::Invalid(f))
        }
        other => Ok(other?),
    }
}
