//! The obligation calendar's rules, case by case: boundaries, closed days, suspensions, week 53, records after
//! `as_of`, records made in advance, duplicates.

use chrono::NaiveDate;

use super::*;
use crate::cadence::Cadence;
use crate::time::{day_number, parse_iso_date};

fn date(s: &str) -> NaiveDate {
    parse_iso_date(s).unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A scenario under construction; `eval` runs the calendar.
struct Case {
    range: DateRange,
    as_of: DateTime<Utc>,
    closed: WeekdaySet,
    suspensions: Vec<Suspension>,
    cadences: Cadences,
    records: Vec<Record>,
}

fn case(from: &str, to: &str, as_of: &str) -> Case {
    Case {
        range: DateRange::new(date(from), date(to)).unwrap(),
        as_of: at(as_of),
        closed: WeekdaySet::empty(),
        suspensions: Vec::new(),
        cadences: Cadences::default(),
        records: Vec::new(),
    }
}

impl Case {
    fn closed(mut self, day: chrono::Weekday) -> Self {
        self.closed = self.closed.with(day);
        self
    }

    fn suspended(mut self, from: &str, to: &str) -> Self {
        let range = DateRange::new(date(from), date(to)).unwrap();
        self.suspensions.push(Suspension { range, reason: "装修".into() });
        self
    }

    fn cadence(mut self, tier: Tier, spec: &str) -> Self {
        self.cadences.set(tier, spec.parse().unwrap()).unwrap();
        self
    }

    fn record(mut self, tier: Tier, period: &str, submitted_at: &str) -> Self {
        let period = Period::parse(self.cadences.get(tier), period).unwrap();
        self.records.push(Record { tier, period, submitted_at: at(submitted_at) });
        self
    }

    fn eval(&self) -> Calendar {
        evaluate(&ObligationQuery {
            range: self.range,
            as_of: self.as_of,
            closed_weekdays: self.closed,
            suspensions: &self.suspensions,
            cadences: self.cadences,
            records: &self.records,
        })
    }
}

fn status(calendar: &Calendar, tier: Tier, period: &str) -> SlotStatus {
    let slot = calendar
        .slots
        .iter()
        .find(|s| s.tier == tier && s.period.to_string() == period)
        .unwrap_or_else(|| panic!("no {tier:?} slot {period}"));
    slot.status
}

fn periods(calendar: &Calendar, tier: Tier) -> Vec<String> {
    calendar.slots.iter().filter(|s| s.tier == tier).map(|s| s.period.to_string()).collect()
}

#[test]
fn february_has_28_days_five_touching_iso_weeks_and_one_month() {
    let cal = case("2026-02-01", "2026-02-28", "2026-03-02T10:00:00+08:00").eval();
    assert_eq!(periods(&cal, Tier::Daily).len(), 28);
    assert_eq!(periods(&cal, Tier::Weekly), ["2026-W05", "2026-W06", "2026-W07", "2026-W08", "2026-W09"]);
    assert_eq!(periods(&cal, Tier::Monthly), ["2026-02"]);
    assert_eq!(cal.summary.count(Tier::Daily, SlotStatus::Missing), 28);
    assert_eq!(cal.summary.count(Tier::Weekly, SlotStatus::Missing), 5);
    assert_eq!(cal.summary.count(Tier::Monthly, SlotStatus::Missing), 1);
    let w09 = cal.slots.iter().find(|s| s.period.to_string() == "2026-W09").unwrap();
    assert_eq!(w09.window_start().unwrap().to_rfc3339(), "2026-02-23T00:00:00+08:00");
    assert_eq!(w09.window_end().unwrap().to_rfc3339(), "2026-03-02T00:00:00+08:00");
}

#[test]
fn the_last_second_of_the_day_is_on_time_and_midnight_is_late() {
    let cal = case("2026-02-02", "2026-02-05", "2026-03-01T00:00:00+08:00")
        .record(Tier::Daily, "2026-02-02", "2026-02-02T23:59:59+08:00")
        .record(Tier::Daily, "2026-02-03", "2026-02-04T00:00:00+08:00")
        .record(Tier::Daily, "2026-02-04", "2026-02-04T00:00:00+08:00")
        .record(Tier::Daily, "2026-02-05", "2026-02-04T23:59:59+08:00")
        .eval();
    assert_eq!(status(&cal, Tier::Daily, "2026-02-02"), SlotStatus::Done);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-03"), SlotStatus::Late);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-04"), SlotStatus::Done, "the first second of the window counts");
    assert_eq!(status(&cal, Tier::Daily, "2026-02-05"), SlotStatus::Missing, "a second early does not count");
}

#[test]
fn instants_are_compared_in_shanghai_whatever_offset_they_are_written_in() {
    // 15:59:59Z is 23:59:59 in Shanghai; 16:00:00Z is the next local day.
    let cal = case("2026-02-02", "2026-02-03", "2026-03-01T00:00:00Z")
        .record(Tier::Daily, "2026-02-02", "2026-02-02T15:59:59Z")
        .record(Tier::Daily, "2026-02-03", "2026-02-03T16:00:00Z")
        .eval();
    assert_eq!(status(&cal, Tier::Daily, "2026-02-02"), SlotStatus::Done);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-03"), SlotStatus::Late);
}

#[test]
fn records_submitted_after_as_of_do_not_exist_yet() {
    let base = case("2026-02-10", "2026-02-10", "2026-03-02T10:00:00+08:00").record(
        Tier::Daily,
        "2026-02-10",
        "2026-03-03T09:00:00+08:00",
    );
    assert_eq!(status(&base.eval(), Tier::Daily, "2026-02-10"), SlotStatus::Missing);
    let later = Case { as_of: at("2026-03-04T00:00:00+08:00"), ..base };
    assert_eq!(status(&later.eval(), Tier::Daily, "2026-02-10"), SlotStatus::Late);
    let exactly = Case { as_of: at("2026-03-03T09:00:00+08:00"), ..later };
    assert_eq!(status(&exactly.eval(), Tier::Daily, "2026-02-10"), SlotStatus::Late, "submitted at as_of exists");
}

#[test]
fn a_record_made_in_advance_does_not_count() {
    let cal = case("2026-02-01", "2026-02-28", "2026-03-02T10:00:00+08:00")
        .record(Tier::Weekly, "2026-W07", "2026-02-08T20:00:00+08:00")
        .record(Tier::Monthly, "2026-02", "2026-01-31T12:00:00+08:00")
        .eval();
    assert_eq!(status(&cal, Tier::Weekly, "2026-W07"), SlotStatus::Missing);
    assert_eq!(status(&cal, Tier::Monthly, "2026-02"), SlotStatus::Missing);
}

#[test]
fn of_duplicates_the_earliest_that_counts_decides() {
    let cal = case("2026-02-02", "2026-02-04", "2026-03-01T00:00:00+08:00")
        // Late first in the list, on time second: on time wins.
        .record(Tier::Daily, "2026-02-02", "2026-02-05T10:00:00+08:00")
        .record(Tier::Daily, "2026-02-02", "2026-02-02T18:00:00+08:00")
        // In advance (does not count) and late: late.
        .record(Tier::Daily, "2026-02-03", "2026-02-01T18:00:00+08:00")
        .record(Tier::Daily, "2026-02-03", "2026-02-06T18:00:00+08:00")
        // Two on time: done, decided by the earlier.
        .record(Tier::Daily, "2026-02-04", "2026-02-04T20:00:00+08:00")
        .record(Tier::Daily, "2026-02-04", "2026-02-04T09:00:00+08:00")
        .eval();
    assert_eq!(status(&cal, Tier::Daily, "2026-02-02"), SlotStatus::Done);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-03"), SlotStatus::Late);
    let slot = cal.slots.iter().find(|s| s.period.to_string() == "2026-02-04").unwrap();
    assert_eq!(slot.record_at, Some(at("2026-02-04T09:00:00+08:00")));
    assert_eq!(cal.summary.count(Tier::Daily, SlotStatus::Done), 2);
}

#[test]
fn closed_weekdays_excuse_their_days_but_not_the_week() {
    let cal = case("2026-02-02", "2026-02-15", "2026-02-20T00:00:00+08:00")
        .closed(chrono::Weekday::Sun)
        .record(Tier::Daily, "2026-02-15", "2026-02-15T10:00:00+08:00")
        .eval();
    assert_eq!(status(&cal, Tier::Daily, "2026-02-08"), SlotStatus::Excused);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-15"), SlotStatus::Done, "a record on a closed day still counts");
    assert_eq!(status(&cal, Tier::Daily, "2026-02-09"), SlotStatus::Missing);
    assert_eq!(status(&cal, Tier::Weekly, "2026-W06"), SlotStatus::Missing);
    assert_eq!(cal.summary.count(Tier::Daily, SlotStatus::Excused), 1);
}

#[test]
fn future_closed_days_are_excused_not_upcoming() {
    let cal = case("2026-02-09", "2026-02-16", "2026-02-10T10:00:00+08:00").closed(chrono::Weekday::Sun).eval();
    assert_eq!(status(&cal, Tier::Daily, "2026-02-09"), SlotStatus::Missing);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-10"), SlotStatus::Due);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-11"), SlotStatus::Upcoming);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-15"), SlotStatus::Excused);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-16"), SlotStatus::Upcoming);
    assert_eq!(status(&cal, Tier::Weekly, "2026-W07"), SlotStatus::Due);
    assert_eq!(status(&cal, Tier::Weekly, "2026-W08"), SlotStatus::Upcoming);
    assert_eq!(status(&cal, Tier::Monthly, "2026-02"), SlotStatus::Due);
}

#[test]
fn a_suspension_straddling_week_and_month_boundaries_excuses_only_whole_windows() {
    // Mon 2026-01-26 … Sun 2026-02-08: ISO weeks 5 and 6 entirely, the end of January, the start of February.
    let cal =
        case("2026-01-01", "2026-02-28", "2026-03-02T10:00:00+08:00").suspended("2026-01-26", "2026-02-08").eval();
    assert_eq!(status(&cal, Tier::Weekly, "2026-W04"), SlotStatus::Missing);
    assert_eq!(status(&cal, Tier::Weekly, "2026-W05"), SlotStatus::Excused);
    assert_eq!(status(&cal, Tier::Weekly, "2026-W06"), SlotStatus::Excused);
    assert_eq!(status(&cal, Tier::Weekly, "2026-W07"), SlotStatus::Missing);
    assert_eq!(status(&cal, Tier::Monthly, "2026-01"), SlotStatus::Missing);
    assert_eq!(status(&cal, Tier::Monthly, "2026-02"), SlotStatus::Missing);
    assert_eq!(status(&cal, Tier::Daily, "2026-01-25"), SlotStatus::Missing);
    assert_eq!(status(&cal, Tier::Daily, "2026-01-26"), SlotStatus::Excused);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-08"), SlotStatus::Excused);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-09"), SlotStatus::Missing);
    assert_eq!(cal.summary.count(Tier::Daily, SlotStatus::Excused), 14);
}

#[test]
fn a_fully_suspended_month_is_excused_with_the_weeks_inside_it() {
    let cal =
        case("2026-02-01", "2026-02-28", "2026-03-02T10:00:00+08:00").suspended("2026-02-01", "2026-02-28").eval();
    assert_eq!(status(&cal, Tier::Monthly, "2026-02"), SlotStatus::Excused);
    assert_eq!(cal.summary.count(Tier::Daily, SlotStatus::Excused), 28);
    // W05 starts in January and W09 ends in March: open days, so still owed.
    assert_eq!(status(&cal, Tier::Weekly, "2026-W05"), SlotStatus::Missing);
    assert_eq!(status(&cal, Tier::Weekly, "2026-W06"), SlotStatus::Excused);
    assert_eq!(status(&cal, Tier::Weekly, "2026-W08"), SlotStatus::Excused);
    assert_eq!(status(&cal, Tier::Weekly, "2026-W09"), SlotStatus::Missing);
}

#[test]
fn suspensions_and_closed_days_combine_and_may_overlap() {
    let cal = case("2026-02-02", "2026-02-08", "2026-03-01T00:00:00+08:00")
        .closed(chrono::Weekday::Sun)
        .suspended("2026-02-02", "2026-02-04")
        .suspended("2026-02-04", "2026-02-07")
        .eval();
    assert_eq!(status(&cal, Tier::Weekly, "2026-W06"), SlotStatus::Excused);
    assert_eq!(cal.summary.count(Tier::Daily, SlotStatus::Excused), 7);
}

#[test]
fn iso_week_53_of_2026_is_a_slot_across_the_new_year() {
    let cal = case("2026-12-20", "2027-01-05", "2027-01-20T00:00:00+08:00")
        .record(Tier::Weekly, "2026-W53", "2027-01-02T17:00:00+08:00")
        .record(Tier::Weekly, "2027-W01", "2027-01-11T08:00:00+08:00")
        .eval();
    assert_eq!(periods(&cal, Tier::Weekly), ["2026-W51", "2026-W52", "2026-W53", "2027-W01"]);
    assert_eq!(periods(&cal, Tier::Monthly), ["2026-12", "2027-01"]);
    assert_eq!(status(&cal, Tier::Weekly, "2026-W53"), SlotStatus::Done);
    assert_eq!(status(&cal, Tier::Weekly, "2027-W01"), SlotStatus::Late);
    assert_eq!(status(&cal, Tier::Monthly, "2027-01"), SlotStatus::Due);
}

#[test]
fn custom_cadences_make_their_own_slots() {
    let cal = case("2026-02-03", "2026-02-03", "2026-02-03T12:00:00+08:00")
        .cadence(Tier::Daily, "shift:3")
        .cadence(Tier::Weekly, "2d")
        .record(Tier::Daily, "2026-02-03#2", "2026-02-03T09:00:00+08:00")
        .eval();
    assert_eq!(periods(&cal, Tier::Daily), ["2026-02-03#1", "2026-02-03#2", "2026-02-03#3"]);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-03#1"), SlotStatus::Missing);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-03#2"), SlotStatus::Done);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-03#3"), SlotStatus::Upcoming);
    let weekly = periods(&cal, Tier::Weekly);
    assert_eq!(weekly.len(), 1);
    assert!(weekly[0].ends_with("/P2D"));
    assert_eq!(status(&cal, Tier::Weekly, &weekly[0]), SlotStatus::Due);
}

#[test]
fn records_outside_the_range_or_of_another_cadence_are_ignored() {
    let mut c = case("2026-02-02", "2026-02-02", "2026-03-01T00:00:00+08:00").record(
        Tier::Daily,
        "2026-02-10",
        "2026-02-10T10:00:00+08:00",
    );
    c.records.push(Record {
        tier: Tier::Daily,
        period: Period::parse(Cadence::Shifts(1), "2026-02-02#1").unwrap(),
        submitted_at: at("2026-02-02T10:00:00+08:00"),
    });
    let cal = c.eval();
    assert_eq!(periods(&cal, Tier::Daily), ["2026-02-02"]);
    assert_eq!(status(&cal, Tier::Daily, "2026-02-02"), SlotStatus::Missing);
}

#[test]
fn the_summary_counts_every_slot_once() {
    let cal = case("2026-01-01", "2026-12-31", "2026-07-15T12:00:00+08:00")
        .closed(chrono::Weekday::Sun)
        .suspended("2026-03-01", "2026-03-31")
        .record(Tier::Daily, "2026-01-05", "2026-01-05T18:00:00+08:00")
        .eval();
    for tier in Tier::ALL {
        let total: u32 = SlotStatus::ALL.iter().map(|s| cal.summary.count(tier, *s)).sum();
        assert_eq!(total as usize, cal.slots.iter().filter(|s| s.tier == tier).count());
    }
    assert_eq!(cal.slots.iter().filter(|s| s.tier == Tier::Daily).count(), 365);
    assert_eq!(cal.slots.iter().filter(|s| s.tier == Tier::Weekly).count(), 53);
    assert_eq!(cal.slots.iter().filter(|s| s.tier == Tier::Monthly).count(), 12);
    assert_eq!(status(&cal, Tier::Monthly, "2026-03"), SlotStatus::Excused);
    assert_eq!(cal.summary.count(Tier::Daily, SlotStatus::Due), 1);
}

#[test]
fn outcomes_agree_with_the_calendar_slot_by_slot() {
    let c = case("2026-01-01", "2026-03-31", "2026-04-10T12:00:00+08:00")
        .closed(chrono::Weekday::Sun)
        .suspended("2026-02-09", "2026-02-15")
        .record(Tier::Daily, "2026-01-05", "2026-01-05T18:00:00+08:00")
        .record(Tier::Daily, "2026-01-05", "2026-01-04T18:00:00+08:00")
        .record(Tier::Daily, "2026-01-06", "2026-01-08T09:00:00+08:00")
        .record(Tier::Daily, "2026-01-06", "2026-01-06T09:00:00+08:00")
        // A Sunday worked, and a day in the suspension: recorded, and excusable had they not been.
        .record(Tier::Daily, "2026-01-11", "2026-01-11T09:00:00+08:00")
        .record(Tier::Daily, "2026-02-10", "2026-02-12T09:00:00+08:00")
        // In advance only: no outcome.
        .record(Tier::Daily, "2026-01-20", "2026-01-19T09:00:00+08:00")
        .record(Tier::Weekly, "2026-W07", "2026-02-20T09:00:00+08:00")
        .record(Tier::Weekly, "2026-W03", "2026-01-14T09:00:00+08:00")
        .record(Tier::Monthly, "2026-02", "2026-03-03T09:00:00+08:00");
    let cal = c.eval();
    let got = outcomes(c.closed, &c.suspensions, c.cadences, day_number(date("2026-01-01")), &c.records);
    let decided: Vec<&Slot> =
        cal.slots.iter().filter(|s| matches!(s.status, SlotStatus::Done | SlotStatus::Late)).collect();
    assert_eq!(got.len(), decided.len(), "{got:?}");
    let empty = Case { records: Vec::new(), suspensions: c.suspensions.clone(), ..c }.eval();
    for (o, s) in got.iter().zip(&decided) {
        assert_eq!((o.tier, o.first_day, o.last_day), (s.tier, s.window.first_day, s.window.last_day));
        assert_eq!(o.late, s.status == SlotStatus::Late, "{o:?}");
        let unrecorded = empty.slots.iter().find(|e| e.tier == s.tier && e.period == s.period).unwrap();
        assert_eq!(o.excusable, unrecorded.status == SlotStatus::Excused, "{o:?}");
    }
    assert_eq!(got.iter().filter(|o| o.excusable).count(), 3, "the Sunday, the suspended day and its week");
    assert_eq!(got.iter().filter(|o| o.late).count(), 3);
    // Registered after a window ended: that window's record is not owed, so not counted.
    let later = outcomes(c.closed, &c.suspensions, c.cadences, day_number(date("2026-01-07")), &c.records);
    assert_eq!(later.len(), got.len() - 2, "the two days before registration are gone: {later:?}");
}

#[test]
fn what_is_owed_starts_at_registration_and_never_before() {
    let c = case("2026-03-01", "2026-03-31", "2026-04-10T12:00:00+08:00");
    let q = |c: &Case| ObligationQuery {
        range: c.range,
        as_of: c.as_of,
        closed_weekdays: c.closed,
        suspensions: &[],
        cadences: c.cadences,
        records: &[],
    };
    // Registered before the range: the whole range.
    assert_eq!(evaluate_owed(&q(&c), day_number(date("2026-01-01"))), c.eval());
    // Registered inside it: from that day.
    let inside = evaluate_owed(&q(&c), day_number(date("2026-03-18")));
    assert_eq!(inside, case("2026-03-18", "2026-03-31", "2026-04-10T12:00:00+08:00").eval());
    assert_eq!(inside.summary.count(Tier::Daily, SlotStatus::Missing), 14);
    // Registered after it, in the same week (Thursday 2 April): only week 14 and no month (April is not in March).
    let after = evaluate_owed(&q(&c), day_number(date("2026-04-02")));
    assert_eq!(periods(&after, Tier::Weekly), ["2026-W14"]);
    assert!(periods(&after, Tier::Daily).is_empty() && periods(&after, Tier::Monthly).is_empty());
    assert_eq!(after.summary.count(Tier::Weekly, SlotStatus::Missing), 1);
}
