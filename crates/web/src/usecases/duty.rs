//! The duty cycle: daily checks, the daily calendar, hazards.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use zhian_domain::access::Post;
use zhian_domain::forms::FieldErrors;
use zhian_store::StoreError;

/// Submits a daily check: the form, the timing (not before its period opens), then the store's own rule (one check
/// per period unless amending one). Returns the check and the hazards its non-conformities opened.
pub async fn submit_daily_check(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    form: &zhian_domain::duty::DailyCheckForm,
) -> Result<(i64, Vec<i64>), AppError> {
    let settings = state.store.unit_settings(unit_id).await?;
    let info = form.check(settings.cadences.daily).map_err(AppError::Invalid)?;
    let refuse = |message: String| {
        let mut f = FieldErrors::default();
        f.add("period", message);
        AppError::Invalid(f)
    };
    let window = info.period.window();
    zhian_domain::duty::check_timing(&info.period, &window, state.clock.now()).map_err(|e| refuse(e.to_string()))?;
    let version = state.store.risk_list_versions(unit_id).await?.first().map(|v| v.version);
    match state.store.submit_daily_check(unit_id, &info, version, ctx.user()?.id, state.clock.now()).await {
        Err(StoreError::Refused(why)) => Err(refuse(why)),
        other => Ok(other?),
    }
}

/// The daily slots of the last `days` days up to today, newest first, with their status. Nothing is owed before the
/// unit was registered here: the calendar starts no earlier than that day.
pub async fn daily_calendar(state: &AppState, unit_id: i64, days: i64) -> Result<Vec<zhian_domain::Slot>, AppError> {
    let today = state.clock.today();
    let unit = state.store.unit(unit_id).await?.ok_or(AppError::NotFound)?;
    let registered =
        zhian_domain::time::date_of_day(zhian_domain::time::day_of_instant(unit.created_at)).unwrap_or(today);
    let from = (today - chrono::Duration::days(days - 1)).max(registered).min(today);
    let settings = state.store.unit_settings(unit_id).await?;
    let suspensions = state.store.calendar_suspensions(unit_id).await?;
    let cadence = settings.cadences.daily;
    let records: Vec<zhian_domain::Record> = state
        .store
        .daily_check_submissions(unit_id)
        .await?
        .into_iter()
        .filter_map(|(period, at)| {
            zhian_domain::Period::parse(cadence, &period).ok().map(|p| zhian_domain::Record {
                tier: zhian_domain::Tier::Daily,
                period: p,
                submitted_at: at,
            })
        })
        .collect();
    let range = zhian_domain::DateRange::new(from, today).map_err(|e| AppError::Internal(e.to_string()))?;
    let calendar = zhian_domain::calendar::evaluate(&zhian_domain::ObligationQuery {
        range,
        as_of: state.clock.now(),
        closed_weekdays: settings.closed,
        suspensions: &suspensions,
        cadences: settings.cadences,
        records: &records,
    });
    let mut slots: Vec<_> = calendar.slots.into_iter().filter(|s| s.tier == zhian_domain::Tier::Daily).collect();
    slots.reverse();
    Ok(slots)
}

/// A hazard step as submitted.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HazardStepForm {
    /// `measure`, `assign`, `rectify`, `verify`, `reject`.
    pub step: String,
    /// The measure, evidence or note.
    pub text: String,
    /// For `assign`: who rectifies.
    pub owner: String,
    /// For `assign`: by when.
    pub deadline: String,
}

/// Takes a step on a hazard, as the hazard rules allow for the person's posts in the unit.
pub async fn hazard_step(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    hazard_id: i64,
    form: &HazardStepForm,
) -> Result<zhian_domain::hazard::HazardStatus, AppError> {
    use zhian_domain::hazard::{HazardStep, apply};
    let mut f = FieldErrors::default();
    let step = match form.step.as_str() {
        "assign" => {
            let owner = f.text("owner", "整改责任人", &form.owner, 50);
            f.date("deadline", "整改期限", &form.deadline).map(|deadline| HazardStep::Assign { owner, deadline })
        }
        "measure" => Some(HazardStep::Measure { measure: f.text("text", "立即措施", &form.text, 1000) }),
        "rectify" => Some(HazardStep::Rectify { evidence: f.text("text", "整改情况", &form.text, 1000) }),
        "verify" => Some(HazardStep::Verify { note: f.text("text", "验证意见", &form.text, 1000) }),
        "reject" => Some(HazardStep::Reject { note: f.text("text", "退回理由", &form.text, 1000) }),
        _ => {
            f.add("step", "请选择处置步骤");
            None
        }
    };
    let Some(step) = step.filter(|_| f.is_empty()) else { return Err(AppError::Invalid(f)) };
    let posts: Vec<Post> = ctx.subject.posts.iter().filter(|(u, _)| *u == unit_id).map(|(_, p)| *p).collect();
    let today = state.clock.today();
    let rule = |status| apply(status, &step, &posts, today).map_err(|e| e.to_string());
    match state.store.hazard_step(unit_id, hazard_id, &step, &rule, ctx.user()?.id, state.clock.now()).await {
        Err(StoreError::Refused(why)) => {
            let mut f = FieldErrors::default();
            f.add("step", why);
            Err(AppError::Invalid(f))
        }
        other => Ok(other?),
    }
}
