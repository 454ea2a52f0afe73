//! The obligation calendar: for one unit, a date range and an evaluation instant, the status of every slot of the
//! daily, weekly and monthly tiers.
//!
//! DOMAIN §5: "日管控、周排查、月调度工作情况有记录、可核实" \[seed\]; a unit that has stopped trading "可暂不执行日管控、周排查、
//! 月调度" \[seed\]; time zone Asia/Shanghai, done / late / missing / excused / due / upcoming \[reading\]. The rules, in
//! order, for one slot (one window of the tier's cadence):
//!
//! 1. A record counts for the slot with its tier and period. Records submitted after `as_of` do not exist yet; a
//!    record submitted before the window opens does not count (a check cannot be made in advance). Of several, the
//!    earliest that counts decides.
//! 2. With a counted record: *done* if it was submitted before the window closed, else *late* (accepted and
//!    flagged, never treated as on time).
//! 3. Without one: *excused* if every day of the whole window is a closed weekday or suspended; else *missing* if
//!    the window has closed, *due* if `as_of` is inside it, *upcoming* if it has not opened.
//!
//! Windows start inclusive and end exclusive. The evaluation is integer arithmetic over day numbers and Unix
//! seconds; one unit-year (~430 slots, ~400 records) takes a few microseconds (`benches/calendar.rs`).

use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;

use crate::cadence::{Cadences, Tier};
use crate::period::{Period, Window};
use crate::time::{DateRange, WeekdaySet, local_instant, weekday_index};

/// A recorded suspension of business (停业): the cycle may pause, the suspension itself is kept on record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspension {
    /// The days suspended, inclusive.
    pub range: DateRange,
    /// Why, as recorded (e.g. 装修).
    pub reason: String,
}

/// A submitted record of one tier for one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// The tier it belongs to.
    pub tier: Tier,
    /// The period it is for. A record whose period belongs to another cadence than the tier's is ignored.
    pub period: Period,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
}

/// Everything the calendar is a function of.
#[derive(Debug, Clone, Copy)]
pub struct ObligationQuery<'a> {
    /// The dates asked about, inclusive. Every window touching them is reported.
    pub range: DateRange,
    /// The evaluation instant: what is known, and what is past, present or future.
    pub as_of: DateTime<Utc>,
    /// Weekdays the unit is closed every week.
    pub closed_weekdays: WeekdaySet,
    /// Recorded suspensions.
    pub suspensions: &'a [Suspension],
    /// The cadence of each tier.
    pub cadences: Cadences,
    /// Records submitted, in any order.
    pub records: &'a [Record],
}

/// The status of one slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotStatus {
    /// Recorded inside its window.
    Done,
    /// Recorded after its window closed.
    Late,
    /// Its window closed with no record.
    Missing,
    /// Every day of its window was closed or suspended, and there is no record.
    Excused,
    /// Its window is open now and has no record yet.
    Due,
    /// Its window has not opened.
    Upcoming,
}

impl SlotStatus {
    /// Every status, in the order summaries list them.
    pub const ALL: [Self; 6] = [Self::Done, Self::Late, Self::Missing, Self::Excused, Self::Due, Self::Upcoming];

    /// `done`, `late`, …
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Late => "late",
            Self::Missing => "missing",
            Self::Excused => "excused",
            Self::Due => "due",
            Self::Upcoming => "upcoming",
        }
    }

    /// The Chinese name.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Done => "按时完成",
            Self::Late => "逾期补录",
            Self::Missing => "缺失",
            Self::Excused => "停业免除",
            Self::Due => "待完成",
            Self::Upcoming => "未开始",
        }
    }

    fn position(self) -> usize {
        match self {
            Self::Done => 0,
            Self::Late => 1,
            Self::Missing => 2,
            Self::Excused => 3,
            Self::Due => 4,
            Self::Upcoming => 5,
        }
    }
}

/// One slot of the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Its tier.
    pub tier: Tier,
    /// Its period.
    pub period: Period,
    /// Its window.
    pub window: Window,
    /// Its status at `as_of`.
    pub status: SlotStatus,
    /// The submission of the record that decided it, if any.
    pub record_at: Option<DateTime<Utc>>,
}

impl Slot {
    /// The window's start in Asia/Shanghai.
    #[must_use]
    pub fn window_start(&self) -> Option<DateTime<FixedOffset>> {
        local_instant(self.window.start)
    }

    /// The window's end (exclusive) in Asia/Shanghai.
    #[must_use]
    pub fn window_end(&self) -> Option<DateTime<FixedOffset>> {
        local_instant(self.window.end)
    }
}

/// Counts of each status, per tier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    counts: [[u32; 6]; 3],
}

impl Summary {
    /// How many slots of a tier have a status.
    #[must_use]
    pub fn count(&self, tier: Tier, status: SlotStatus) -> u32 {
        self.counts.get(tier_position(tier)).and_then(|row| row.get(status.position())).copied().unwrap_or(0)
    }

    fn add(&mut self, tier: Tier, status: SlotStatus) {
        if let Some(n) = self.counts.get_mut(tier_position(tier)).and_then(|row| row.get_mut(status.position())) {
            *n += 1;
        }
    }
}

fn tier_position(tier: Tier) -> usize {
    match tier {
        Tier::Daily => 0,
        Tier::Weekly => 1,
        Tier::Monthly => 2,
    }
}

/// The calendar: every slot, grouped by tier (daily, weekly, monthly) and in time order within a tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// The slots.
    pub slots: Vec<Slot>,
    /// Their counts.
    pub summary: Summary,
}

/// Which local days are closed: a closed weekday or a suspension. Kept as a prefix sum of open days so a window of
/// any length is checked in constant time.
struct OpenDays {
    first_day: i64,
    /// `prefix[i]` = open days among the first `i` days from `first_day`.
    prefix: Vec<u32>,
}

impl OpenDays {
    fn new(first_day: i64, last_day: i64, closed: WeekdaySet, suspensions: &[Suspension]) -> Self {
        let len = usize::try_from(last_day - first_day + 1).unwrap_or(0);
        // +1 where a suspension starts, −1 after it ends.
        let mut depth = vec![0i32; len + 1];
        for s in suspensions {
            let (a, b) = s.range.day_numbers();
            let (a, b) = (a.max(first_day), b.min(last_day));
            if a > b {
                continue;
            }
            let (Ok(a), Ok(b)) = (usize::try_from(a - first_day), usize::try_from(b - first_day)) else {
                continue;
            };
            if let Some(x) = depth.get_mut(a) {
                *x += 1;
            }
            if let Some(x) = depth.get_mut(b + 1) {
                *x -= 1;
            }
        }
        let mut prefix = Vec::with_capacity(len + 1);
        prefix.push(0);
        let (mut open, mut suspended) = (0u32, 0i32);
        let mut weekday = weekday_index(first_day);
        for d in depth.iter().take(len) {
            suspended += d;
            if suspended == 0 && !closed.contains_index(weekday) {
                open += 1;
            }
            prefix.push(open);
            weekday = if weekday == 6 { 0 } else { weekday + 1 };
        }
        Self { first_day, prefix }
    }

    /// Whether every day of `first..=last` is closed.
    fn all_closed(&self, first: i64, last: i64) -> bool {
        let at = |day: i64| {
            usize::try_from(day - self.first_day).ok().and_then(|i| self.prefix.get(i)).copied().unwrap_or(0)
        };
        at(last + 1) == at(first)
    }
}

/// Evaluates the calendar (module docs give the rules).
#[must_use]
pub fn evaluate(q: &ObligationQuery<'_>) -> Calendar {
    let (first_day, last_day) = q.range.day_numbers();
    let tiers = Tier::ALL.map(|tier| {
        let cadence = q.cadences.get(tier);
        let (first, last) = Period::index_range(cadence, first_day, last_day);
        (tier, cadence, first, last)
    });
    // The days every reported window touches, which may reach outside the range.
    let (mut lo, mut hi) = (first_day, last_day);
    for &(_, cadence, first, last) in &tiers {
        lo = lo.min(Period::new(cadence, first).window().first_day);
        hi = hi.max(Period::new(cadence, last).window().last_day);
    }
    let open = OpenDays::new(lo, hi, q.closed_weekdays, q.suspensions);
    let as_of = q.as_of.timestamp();

    let mut calendar = Calendar { slots: Vec::new(), summary: Summary::default() };
    for (tier, cadence, first, last) in tiers {
        let windows: Vec<Window> = (first..=last).map(|i| Period::new(cadence, i).window()).collect();
        let mut counted: Vec<Option<DateTime<Utc>>> = vec![None; windows.len()];
        for r in q.records {
            if r.tier != tier || r.period.cadence() != cadence || r.submitted_at > q.as_of {
                continue;
            }
            let Ok(i) = usize::try_from(r.period.index() - first) else {
                continue;
            };
            let (Some(window), Some(best)) = (windows.get(i), counted.get_mut(i)) else {
                continue;
            };
            if r.submitted_at.timestamp() < window.start {
                continue;
            }
            if best.is_none_or(|b| r.submitted_at < b) {
                *best = Some(r.submitted_at);
            }
        }
        calendar.slots.reserve(windows.len());
        for ((index, window), record_at) in (first..).zip(windows).zip(counted) {
            let status = match record_at {
                Some(t) if t.timestamp() < window.end => SlotStatus::Done,
                Some(_) => SlotStatus::Late,
                None if open.all_closed(window.first_day, window.last_day) => SlotStatus::Excused,
                None if as_of >= window.end => SlotStatus::Missing,
                None if as_of >= window.start => SlotStatus::Due,
                None => SlotStatus::Upcoming,
            };
            calendar.summary.add(tier, status);
            calendar.slots.push(Slot { tier, period: Period::new(cadence, index), window, status, record_at });
        }
    }
    calendar
}

/// The calendar of what a unit registered on day `registered` owes: the slots of `q.range` whose windows do not end
/// before registration. Asked about a range that ends before registration, that leaves only the windows reaching
/// across it (a week or a month in which the unit was registered). Every page and figure about a unit's duty cycle
/// goes through here.
#[must_use]
pub fn evaluate_owed(q: &ObligationQuery<'_>, registered: i64) -> Calendar {
    let (from, to) = q.range.day_numbers();
    let day = |n: i64| crate::time::date_of_day(n);
    if registered <= from {
        return evaluate(q);
    }
    let (start, end) = if registered <= to { (registered, to) } else { (registered, registered) };
    let Some(range) = day(start).zip(day(end)).and_then(|(a, b)| DateRange::new(a, b).ok()) else {
        return Calendar { slots: Vec::new(), summary: Summary::default() };
    };
    let mut calendar = evaluate(&ObligationQuery { range, ..*q });
    if registered > to {
        calendar.slots.retain(|s| s.window.first_day <= to);
        calendar.summary = Summary::default();
        for slot in &calendar.slots {
            calendar.summary.add(slot.tier, slot.status);
        }
    }
    calendar
}

/// A recorded slot, decided once and for all: the window of the earliest record that counts for it (rules 1 and 2),
/// whether that record was late, and whether every day of the window is closed or suspended — so that without the
/// record it would have been excused. The regulator's tallies are sums of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The tier.
    pub tier: Tier,
    /// The window's first local day.
    pub first_day: i64,
    /// Its last local day.
    pub last_day: i64,
    /// Recorded after the window closed.
    pub late: bool,
    /// Every day of the window is closed or suspended.
    pub excusable: bool,
}

/// The decided slots of a unit's `records` under its settings, for a unit registered on day `registered`: one per
/// slot with a record that counts, whenever submitted (the evaluation instant is the caller's to apply); windows
/// ending before registration are not owed and give none.
#[must_use]
pub fn outcomes(
    closed: WeekdaySet,
    suspensions: &[Suspension],
    cadences: Cadences,
    registered: i64,
    records: &[Record],
) -> Vec<Outcome> {
    let mut earliest: std::collections::BTreeMap<(usize, i64), (Tier, Window, i64)> = std::collections::BTreeMap::new();
    for r in records {
        let window = r.period.window();
        let at = r.submitted_at.timestamp();
        if r.period.cadence() != cadences.get(r.tier) || at < window.start || window.last_day < registered {
            continue;
        }
        earliest
            .entry((tier_position(r.tier), r.period.index()))
            .and_modify(|e| e.2 = e.2.min(at))
            .or_insert((r.tier, window, at));
    }
    let Some((lo, hi)) =
        earliest.values().map(|(_, w, _)| (w.first_day, w.last_day)).reduce(|(lo, hi), (a, b)| (lo.min(a), hi.max(b)))
    else {
        return Vec::new();
    };
    let open = OpenDays::new(lo, hi, closed, suspensions);
    earliest
        .into_values()
        .map(|(tier, w, at)| Outcome {
            tier,
            first_day: w.first_day,
            last_day: w.last_day,
            late: at >= w.end,
            excusable: open.all_closed(w.first_day, w.last_day),
        })
        .collect()
}

#[cfg(test)]
mod tests;
