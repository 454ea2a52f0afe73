//! The monthly dispatch (月调度), its key work, self-inspections and hazards raised outside a daily check.

use zhian_domain::dispatch::{MonthlyDraft, MonthlyMeetingForm, SelfInspectionForm};
use zhian_domain::forms::FieldErrors;
use zhian_domain::{Period, SlotStatus, Tier};
use zhian_store::StoreError;

use super::tier_slots;
use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;

/// A store refusal (a rule checked in the writing transaction) as an error on one field; other errors as they are.
pub(crate) fn refused(field: &str, e: StoreError) -> AppError {
    match e {
        StoreError::Refused(why) => {
            let mut f = FieldErrors::default();
            f.add(field, why);
            AppError::Invalid(f)
        }
        other => other.into(),
    }
}

/// Counts slots by status: done, late, missing, excused (still due or upcoming are left out).
pub(crate) fn tally(slots: &[zhian_domain::Slot]) -> [u32; 4] {
    let mut n = [0; 4];
    for slot in slots {
        let i = match slot.status {
            SlotStatus::Done => 0,
            SlotStatus::Late => 1,
            SlotStatus::Missing => 2,
            SlotStatus::Excused => 3,
            SlotStatus::Due | SlotStatus::Upcoming => continue,
        };
        if let Some(c) = n.get_mut(i) {
            *c += 1;
        }
    }
    n
}

/// The first and last day of a period, the last no later than today; `None` when it has not begun.
pub(crate) fn days_so_far(state: &AppState, period: &Period) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    let w = period.window();
    let first = zhian_domain::time::date_of_day(w.first_day)?;
    let last = zhian_domain::time::date_of_day(w.last_day)?.min(state.clock.today());
    (first <= last).then_some((first, last))
}

/// The draft of the director's report for a month: daily and weekly completion, checks, hazards, vetoes,
/// self-inspections, the items that kept failing and key work past its due date.
pub async fn monthly_draft(state: &AppState, unit_id: i64, month: &Period) -> Result<MonthlyDraft, AppError> {
    let mut draft = MonthlyDraft::default();
    let Some((first, last)) = days_so_far(state, month) else { return Ok(draft) };
    draft.daily = tally(&tier_slots(state, unit_id, Tier::Daily, first, last).await?);
    draft.weekly = tally(&tier_slots(state, unit_id, Tier::Weekly, first, last).await?);
    let checks = state.store.daily_summary(unit_id, first, last).await?;
    draft.checks = checks.checks;
    draft.zero_risk = checks.zero_risk;
    draft.repeated = checks.failures.into_iter().filter(|(_, n)| *n > 1).collect();
    let w = month.window();
    let in_month = |t: chrono::DateTime<chrono::Utc>| w.start <= t.timestamp() && t.timestamp() < w.end;
    let today = state.clock.today();
    for h in state.store.hazards(unit_id).await? {
        let closed = h.status == zhian_domain::hazard::HazardStatus::Closed;
        if in_month(h.created_at) {
            draft.hazards_found += 1;
            draft.hazards_closed += u32::from(closed);
        }
        draft.hazards_open += u32::from(!closed);
        draft.hazards_overdue += u32::from(zhian_domain::hazard::overdue(h.status, h.deadline, today));
    }
    draft.vetoes = count(state.store.vetoes(unit_id).await?.iter().filter(|v| in_month(v.created_at)).count());
    let (from, to) = (first.to_string(), last.to_string());
    draft.inspections =
        count(state.store.self_inspections(unit_id).await?.iter().filter(|s| s.day >= from && s.day <= to).count());
    draft.tasks_overdue = state
        .store
        .open_tasks(unit_id)
        .await?
        .into_iter()
        .filter(|t| t.due < today)
        .map(|t| format!("{}（{}，{}）", t.work, t.owner, t.due))
        .collect();
    Ok(draft)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Records the minutes of a monthly dispatch on the draft made now; one set per period unless correcting one.
pub async fn submit_monthly_meeting(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    form: &MonthlyMeetingForm,
) -> Result<i64, AppError> {
    let cadence = state.store.unit_settings(unit_id).await?.cadences.monthly;
    let now = state.clock.now();
    let info = form.check(cadence, now).map_err(AppError::Invalid)?;
    let draft = monthly_draft(state, unit_id, &info.period).await?.text();
    state
        .store
        .submit_monthly_meeting(unit_id, &info, &draft, ctx.user()?.id, now)
        .await
        .map_err(|e| refused("period", e))
}

/// The principal confirms a set of minutes, once.
pub async fn confirm_monthly_meeting(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    meeting_id: i64,
    note: &str,
) -> Result<i64, AppError> {
    let mut f = FieldErrors::default();
    let note = f.optional_text("note", "确认意见", note, 1000);
    f.into_result(()).map_err(AppError::Invalid)?;
    state
        .store
        .confirm_monthly_meeting(unit_id, meeting_id, &note, ctx.user()?.id, state.clock.now())
        .await
        .map_err(|e| refused("note", e))
}

/// Reports a piece of key work done, once.
pub async fn complete_task(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    task_id: i64,
    note: &str,
) -> Result<i64, AppError> {
    let mut f = FieldErrors::default();
    let note = f.text("note", "完成情况", note, 1000);
    f.into_result(()).map_err(AppError::Invalid)?;
    state
        .store
        .complete_task(unit_id, task_id, &note, ctx.user()?.id, state.clock.now())
        .await
        .map_err(|e| refused("note", e))
}

/// Records a self-inspection, opening a hazard for its findings when asked.
pub async fn submit_self_inspection(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    form: &SelfInspectionForm,
) -> Result<(i64, Option<i64>), AppError> {
    let info = form.check(state.clock.today()).map_err(AppError::Invalid)?;
    state
        .store
        .submit_self_inspection(unit_id, &info, ctx.user()?.id, state.clock.now())
        .await
        .map_err(|e| refused("weekly_review", e))
}

/// A hazard as reported outside a daily check.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RaiseHazardForm {
    /// What it is.
    pub title: String,
    /// What was seen, where.
    pub description: String,
}

/// Raises a hazard outside a daily check; the managers are told at once.
pub async fn raise_hazard(state: &AppState, ctx: &Ctx, unit_id: i64, form: &RaiseHazardForm) -> Result<i64, AppError> {
    let mut f = FieldErrors::default();
    let title = f.text("title", "隐患名称", &form.title, 200);
    let description = f.text("description", "隐患描述", &form.description, 1000);
    f.into_result(()).map_err(AppError::Invalid)?;
    Ok(state.store.raise_hazard(unit_id, &title, &description, ctx.user()?.id, state.clock.now()).await?)
}

/// A webhook as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookForm {
    /// `wecom`, `dingtalk` or `generic`.
    pub kind: String,
    /// The robot's or receiver's address.
    pub url: String,
    /// DingTalk's signing secret ("加签"), or the generic receiver's HMAC key; optional.
    pub secret: String,
}

/// Adds a webhook to a unit: reminders raised from now on are sent to it.
pub async fn add_webhook(state: &AppState, ctx: &Ctx, unit_id: i64, form: &WebhookForm) -> Result<i64, AppError> {
    let mut f = FieldErrors::default();
    let kind = form.kind.trim();
    if !crate::reminders::KINDS.iter().any(|(code, _)| *code == kind) {
        f.add("kind", "请选择企业微信群机器人、钉钉自定义机器人或通用 JSON Webhook");
    }
    let url = form.url.trim();
    if let Err(why) = crate::reminders::check_url(url) {
        f.add("url", format!("Webhook 地址：{why}"));
    }
    let secret = f.optional_text("secret", "签名密钥", &form.secret, 200);
    f.into_result(()).map_err(AppError::Invalid)?;
    Ok(state.store.add_webhook(unit_id, kind, url, &secret, ctx.user()?.id, state.clock.now()).await?)
}
