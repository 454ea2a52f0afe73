//! The month view of what is due: every day's daily slots, the weeks and the month, with their status now, and the
//! key work falling due in the month.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use zhian_domain::{SlotStatus, Tier};

use super::{Layout, PageResult, render};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::{AppState, usecases, view};

/// A slot as shown: period, status label, style, link to its record list.
type SlotView = (String, &'static str, &'static str);

/// One day cell: (day of month, is today, its daily slots); `None` pads the first week.
type DayCell = Option<(u32, bool, Vec<SlotView>)>;

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    layout: Layout,
    unit_id: i64,
    month: String,
    previous: String,
    next: String,
    weeks: Vec<Vec<DayCell>>,
    weekly: Vec<SlotView>,
    monthly: Vec<SlotView>,
    counts: Vec<(&'static str, u32, u32, u32, u32)>,
    tasks: Vec<(String, String, String, bool)>,
}

#[derive(Deserialize)]
pub struct MonthQuery {
    month: Option<String>,
}

fn slot_view(s: &zhian_domain::Slot) -> SlotView {
    (s.period.to_string(), s.status.label(), view::slot_css(s.status))
}

/// `GET /units/{unit_id}/calendar[?month=YYYY-MM]`.
pub async fn month(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<MonthQuery>,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let today = state.clock.today();
    let first = match q.month.as_deref() {
        None | Some("") => today.with_day(1),
        Some(m) => zhian_domain::time::parse_iso_date(&format!("{m}-01")),
    }
    .ok_or_else(|| AppError::BadRequest("月份格式应为 YYYY-MM".into()))?;
    let next_first = first.checked_add_months(chrono::Months::new(1)).ok_or(AppError::NotFound)?;
    let last = next_first.pred_opt().unwrap_or(first);
    let calendar = usecases::unit_calendar(&state, unit_id, first, last, &Tier::ALL).await?;
    let in_month = |s: &zhian_domain::Slot| {
        let day = zhian_domain::time::date_of_day(s.window.first_day);
        day.is_some_and(|d| d >= first && d <= last)
    };
    let mut weeks: Vec<Vec<DayCell>> = vec![vec![None; first.weekday().num_days_from_monday() as usize]];
    for day in first.iter_days().take_while(|d| *d <= last) {
        let dn = zhian_domain::time::day_number(day);
        let slots = calendar
            .slots
            .iter()
            .filter(|s| s.tier == Tier::Daily && s.window.first_day == dn)
            .map(slot_view)
            .collect();
        if weeks.last().is_some_and(|w| w.len() == 7) {
            weeks.push(Vec::new());
        }
        if let Some(w) = weeks.last_mut() {
            w.push(Some((day.day(), day == today, slots)));
        }
    }
    let of = |tier| calendar.slots.iter().filter(|s| s.tier == tier).map(slot_view).collect::<Vec<_>>();
    let counts = Tier::ALL
        .iter()
        .map(|&tier| {
            let mut n = [0; 4];
            for s in calendar.slots.iter().filter(|s| s.tier == tier && (tier != Tier::Daily || in_month(s))) {
                let i = match s.status {
                    SlotStatus::Done => 0,
                    SlotStatus::Late => 1,
                    SlotStatus::Missing => 2,
                    SlotStatus::Due => 3,
                    SlotStatus::Excused | SlotStatus::Upcoming => continue,
                };
                if let Some(c) = n.get_mut(i) {
                    *c += 1;
                }
            }
            let [done, late, missing, due] = n;
            (tier.label(), done, late, missing, due)
        })
        .collect();
    let tasks = state
        .store
        .open_tasks(unit_id)
        .await?
        .into_iter()
        .filter(|t| t.due <= last)
        .map(|t| (t.work, t.owner, t.due.to_string(), t.due < today))
        .collect();
    let month_name = |d: NaiveDate| d.format("%Y-%m").to_string();
    let page = CalendarPage {
        layout: Layout::for_unit(&state, &ctx, "月度日历").await?,
        unit_id,
        month: month_name(first),
        previous: month_name(first.checked_sub_months(chrono::Months::new(1)).unwrap_or(first)),
        next: month_name(next_first),
        weeks,
        weekly: of(Tier::Weekly),
        monthly: of(Tier::Monthly),
        counts,
        tasks,
    };
    Ok(render(StatusCode::OK, &page))
}
