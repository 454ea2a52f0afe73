//! Period names and windows: round trips, boundaries in Asia/Shanghai, ISO week 53, alignment of custom cadences.

use super::*;
use crate::time::local_instant;

fn c(s: &str) -> Cadence {
    s.parse().unwrap()
}

fn p(cadence: &str, name: &str) -> Period {
    Period::parse(c(cadence), name).unwrap()
}

fn rfc3339(unix: i64) -> String {
    local_instant(unix).unwrap().to_rfc3339()
}

#[test]
fn a_day_window_runs_from_local_midnight_to_the_next() {
    let w = p("1d", "2026-02-03").window();
    assert_eq!(rfc3339(w.start), "2026-02-03T00:00:00+08:00");
    assert_eq!(rfc3339(w.end), "2026-02-04T00:00:00+08:00");
    assert_eq!(w.first_day, w.last_day);
}

#[test]
fn iso_week_53_of_2026_exists_and_spans_the_new_year() {
    let week = p("1w", "2026-W53");
    let w = week.window();
    assert_eq!(rfc3339(w.start), "2026-12-28T00:00:00+08:00");
    assert_eq!(rfc3339(w.end), "2027-01-04T00:00:00+08:00");
    assert_eq!(week.to_string(), "2026-W53");
    assert!(Period::parse(c("1w"), "2025-W53").is_err(), "2025 has 52 ISO weeks");
    assert_eq!(p("1w", "2027-W01").index(), week.index() + 1);
}

#[test]
fn a_month_window_covers_the_whole_month() {
    let feb = p("1m", "2026-02").window();
    assert_eq!(rfc3339(feb.start), "2026-02-01T00:00:00+08:00");
    assert_eq!(rfc3339(feb.end), "2026-03-01T00:00:00+08:00");
    assert_eq!(feb.last_day - feb.first_day + 1, 28);
    let leap = p("1m", "2028-02").window();
    assert_eq!(leap.last_day - leap.first_day + 1, 29);
    let dec = p("1m", "2026-12").window();
    assert_eq!(rfc3339(dec.end), "2027-01-01T00:00:00+08:00");
}

#[test]
fn shifts_cut_the_day_into_equal_windows() {
    let s1 = p("shift:3", "2026-02-03#1").window();
    let s2 = p("shift:3", "2026-02-03#2").window();
    let s3 = p("shift:3", "2026-02-03#3").window();
    assert_eq!(rfc3339(s1.start), "2026-02-03T00:00:00+08:00");
    assert_eq!(rfc3339(s2.start), "2026-02-03T08:00:00+08:00");
    assert_eq!(rfc3339(s3.start), "2026-02-03T16:00:00+08:00");
    assert_eq!(rfc3339(s3.end), "2026-02-04T00:00:00+08:00");
    assert_eq!(s1.end, s2.start);
    // Shift counts that do not divide the day still tile it exactly.
    let first = p("shift:7", "2026-02-03#1").window();
    let last = p("shift:7", "2026-02-03#7").window();
    assert_eq!(last.end - first.start, 86_400);
    assert!(Period::parse(c("shift:3"), "2026-02-03#4").is_err());
    assert!(Period::parse(c("shift:3"), "2026-02-03#0").is_err());
    assert!(Period::parse(c("shift:3"), "2026-02-03").is_err());
}

#[test]
fn seven_day_windows_are_iso_weeks() {
    let days = p("7d", "2026-02-02/P7D").window();
    let week = p("1w", "2026-W06").window();
    assert_eq!(days, week);
}

#[test]
fn custom_periods_must_start_a_window_and_carry_their_duration() {
    let two_days = c("2d");
    let (first, _) = Period::index_range(two_days, day_number(NaiveDate::from_ymd_opt(2026, 2, 3).unwrap()), 0);
    let name = Period::new(two_days, first).to_string();
    assert_eq!(Period::parse(two_days, &name).unwrap().index(), first);
    let other_day = if name.starts_with("2026-02-03") { "2026-02-04/P2D" } else { "2026-02-03/P2D" };
    let err = Period::parse(two_days, other_day).unwrap_err();
    assert!(err.to_string().contains("第一天"), "{err}");
    assert!(Period::parse(two_days, "2026-02-03/P3D").is_err() || Period::parse(two_days, "2026-02-04/P3D").is_err());
    assert!(Period::parse(two_days, "2026-02-03").is_err());
    assert_eq!(p("2m", "2026-01/P2M").window().last_day - p("2m", "2026-01/P2M").window().first_day + 1, 59);
    assert!(Period::parse(c("2m"), "2026-02/P2M").is_err(), "2000-01 anchors two-month windows at odd months");
}

#[test]
fn every_period_name_reads_back_to_itself() {
    for spec in ["1d", "3d", "1w", "2w", "1m", "2m", "shift:1", "shift:5", "shift:24"] {
        let cadence = c(spec);
        let (first, last) = Period::index_range(cadence, 20_000, 20_400);
        for index in first..=last {
            let period = Period::new(cadence, index);
            let name = period.to_string();
            assert_eq!(Period::parse(cadence, &name), Ok(period), "{spec} {name}");
        }
    }
}

#[test]
fn consecutive_windows_tile_time_without_gaps() {
    for spec in ["1d", "3d", "1w", "2w", "1m", "2m", "shift:7"] {
        let cadence = c(spec);
        let (first, last) = Period::index_range(cadence, 20_000, 20_800);
        for index in first..last {
            let (a, b) = (Period::new(cadence, index).window(), Period::new(cadence, index + 1).window());
            assert_eq!(a.end, b.start, "{spec} #{index}");
            assert!(a.start < a.end);
        }
        let w = Period::new(cadence, first).window();
        assert!(w.first_day <= 20_000 && 20_000 <= w.last_day, "{spec}: the first window touches the first day");
    }
}

#[test]
fn malformed_period_names_are_refused_with_the_name_and_format() {
    for (cadence, bad) in [
        ("1d", "2026-02-30"),
        ("1d", "2026-2-3"),
        ("1w", "2026-W54"),
        ("1w", "2026-06"),
        ("1m", "2026-13"),
        ("1m", "2026-02-01"),
    ] {
        let err = Period::parse(c(cadence), bad).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(&format!("\"{bad}\"")) && text.contains(err.expected), "{text}");
    }
}

#[test]
fn the_period_holding_an_instant_is_found_for_every_cadence() {
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp();
    assert_eq!(Period::containing(c("1d"), at("2026-03-02T23:59:59+08:00")).to_string(), "2026-03-02");
    assert_eq!(Period::containing(c("1d"), at("2026-03-02T00:00:00+08:00")).to_string(), "2026-03-02");
    assert_eq!(Period::containing(c("shift:3"), at("2026-03-02T09:00:00+08:00")).to_string(), "2026-03-02#2");
    assert_eq!(Period::containing(c("1w"), at("2026-03-02T09:00:00+08:00")).to_string(), "2026-W10");
    assert_eq!(Period::containing(c("1m"), at("2026-03-31T23:00:00+08:00")).to_string(), "2026-03");
    let two = Period::containing(c("2d"), at("2026-03-02T09:00:00+08:00"));
    let w = two.window();
    assert!(w.start <= at("2026-03-02T09:00:00+08:00") && at("2026-03-02T09:00:00+08:00") < w.end);
}
