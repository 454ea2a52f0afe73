//! The duty cycle: daily checks, the daily calendar, hazards.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use zhian_domain::access::Post;
use zhian_domain::forms::FieldErrors;
use zhian_store::StoreError;

/// Submits a daily check. The store reads the form against the unit's cadence and risk list inside the writing
/// transaction, refuses a period not yet begun, and applies its own rule (one check per period unless amending one).
/// Returns the check and the hazards its non-conformities opened.
pub async fn submit_daily_check(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    form: &zhian_domain::duty::DailyCheckForm,
    photos: Vec<zhian_store::photos::NewPhoto>,
) -> Result<zhian_store::checks::SubmittedCheck, AppError> {
    state
        .store
        .submit_daily_check(unit_id, form, photos, ctx.user()?.id, state.clock.now())
        .await
        .map_err(|e| super::dispatch::refused("period", e))
}

/// The unit's obligation calendar for the days `from..=to` at now: every tier's slots touching those days, in time
/// order, from its settings, suspensions and records. Nothing is owed before the unit was registered here.
pub async fn unit_calendar(
    state: &AppState,
    unit_id: i64,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    tiers: &[zhian_domain::Tier],
) -> Result<zhian_domain::Calendar, AppError> {
    use zhian_domain::{Period, Tier};
    let settings = state.store.unit_settings(unit_id).await?;
    let registered = zhian_domain::time::day_of_instant(settings.registered_at);
    let suspensions = state.store.calendar_suspensions(unit_id).await?;
    let mut records = Vec::new();
    for &tier in tiers {
        let cadence = settings.cadences.get(tier);
        let submissions = match tier {
            Tier::Daily => {
                let day = zhian_domain::time::day_number(from);
                let first = Period::new(cadence, Period::index_range(cadence, day, day).0);
                let since = chrono::DateTime::from_timestamp(first.window().start, 0).unwrap_or_default();
                state.store.daily_check_submissions(unit_id, since).await?
            }
            Tier::Weekly => {
                state.store.weekly_reviews(unit_id).await?.into_iter().map(|r| (r.period, r.created_at)).collect()
            }
            Tier::Monthly => {
                state.store.monthly_meetings(unit_id).await?.into_iter().map(|m| (m.period, m.created_at)).collect()
            }
        };
        records.extend(submissions.into_iter().filter_map(|(period, at)| {
            Period::parse(cadence, &period).ok().map(|p| zhian_domain::Record { tier, period: p, submitted_at: at })
        }));
    }
    let range = zhian_domain::DateRange::new(from, to).map_err(|e| AppError::Internal(e.to_string()))?;
    let query = zhian_domain::ObligationQuery {
        range,
        as_of: state.clock.now(),
        closed_weekdays: settings.closed,
        suspensions: &suspensions,
        cadences: settings.cadences,
        records: &records,
    };
    let mut calendar = zhian_domain::evaluate_owed(&query, registered);
    calendar.slots.retain(|s| tiers.contains(&s.tier));
    Ok(calendar)
}

/// The slots of one tier touching the days `from..=to`, in time order, with their status at now.
pub async fn tier_slots(
    state: &AppState,
    unit_id: i64,
    tier: zhian_domain::Tier,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<zhian_domain::Slot>, AppError> {
    Ok(unit_calendar(state, unit_id, from, to, &[tier]).await?.slots)
}

/// The daily slots of the last `days` days up to today, newest first.
pub async fn daily_calendar(state: &AppState, unit_id: i64, days: i64) -> Result<Vec<zhian_domain::Slot>, AppError> {
    let today = state.clock.today();
    let mut slots =
        tier_slots(state, unit_id, zhian_domain::Tier::Daily, today - chrono::Duration::days(days - 1), today).await?;
    slots.reverse();
    Ok(slots)
}

/// The draft of a weekly review: the week's daily slots and checks, the hazards found and closed in it, and the
/// items that kept failing.
pub async fn weekly_draft(
    state: &AppState,
    unit_id: i64,
    week: &zhian_domain::Period,
) -> Result<zhian_domain::duty::WeeklyDraft, AppError> {
    let mut draft = zhian_domain::duty::WeeklyDraft::default();
    let Some((first, last)) = super::dispatch::days_so_far(state, week) else { return Ok(draft) };
    draft.daily = super::dispatch::tally(&tier_slots(state, unit_id, zhian_domain::Tier::Daily, first, last).await?);
    let checks = state.store.daily_summary(unit_id, first, last).await?;
    draft.checks = checks.checks;
    draft.zero_risk = checks.zero_risk;
    draft.repeated = checks.failures.into_iter().filter(|(_, n)| *n > 1).collect();
    let w = week.window();
    let in_week = |t: i64| w.start <= t && t < w.end;
    for h in state.store.hazards(unit_id).await? {
        let closed = h.status == zhian_domain::hazard::HazardStatus::Closed;
        if in_week(h.created_at.timestamp()) {
            draft.hazards_found += 1;
            draft.hazards_closed += u32::from(closed);
        }
        draft.hazards_open += u32::from(!closed);
    }
    Ok(draft)
}

/// Submits a weekly review on the draft made now; one per week unless correcting one.
pub async fn submit_weekly_review(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    form: &zhian_domain::duty::WeeklyReviewForm,
) -> Result<i64, AppError> {
    let cadence = state.store.unit_settings(unit_id).await?.cadences.weekly;
    let info = form.check(cadence).map_err(AppError::Invalid)?;
    let refused = |e| super::dispatch::refused("period", e);
    zhian_domain::duty::check_timing(&info.period, &info.period.window(), state.clock.now())
        .map_err(|e| refused(StoreError::Refused(e.to_string())))?;
    let draft = weekly_draft(state, unit_id, &info.period).await?.text();
    state.store.submit_weekly_review(unit_id, &info, &draft, ctx.user()?.id, state.clock.now()).await.map_err(refused)
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
    state
        .store
        .hazard_step(unit_id, hazard_id, &step, &rule, ctx.user()?.id, state.clock.now())
        .await
        .map_err(|e| super::dispatch::refused("step", e))
}

/// Proposes a veto.
pub async fn propose_veto(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    form: &zhian_domain::veto::VetoForm,
) -> Result<i64, AppError> {
    let info = form.check().map_err(AppError::Invalid)?;
    Ok(state.store.propose_veto(unit_id, &info, ctx.user()?.id, state.clock.now()).await?)
}

/// Answers a veto, once.
pub async fn answer_veto(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    veto_id: i64,
    form: &zhian_domain::veto::VetoAnswerForm,
) -> Result<i64, AppError> {
    let answer = form.check().map_err(AppError::Invalid)?;
    Ok(state.store.answer_veto(unit_id, veto_id, &answer, ctx.user()?.id, state.clock.now()).await?)
}

/// Whether a veto has waited too long for its answer.
#[must_use]
pub fn veto_escalated(state: &AppState, v: &zhian_store::vetoes::Veto) -> bool {
    let after = chrono::Duration::hours(state.settings.veto_escalation_hours);
    zhian_domain::veto::escalated(v.created_at, v.answer.is_some(), state.clock.now(), after)
}
