//! The analytic validity rule of custom cadences (`Cadence::check`) against a brute-force simulation.
//!
//! DOMAIN §5 \[reading\]: a custom cadence may replace a tier's default iff every default window (each calendar day,
//! each ISO week Monday–Sunday, each calendar month) contains at least one custom slot, whatever the start date.
//! The simulation starts the custom cadence on every date of two calendar years, lays its slots out over the
//! following 400 days (so every start meets a February), and looks for a default window without a slot.

use chrono::{Datelike, Months, NaiveDate, Weekday};
use zhian_domain::{Cadence, Tier};

const HORIZON_DAYS: usize = 400;

/// Day offsets (from `start`) on which at least one slot of `cadence` begins, within the horizon.
fn slot_days(cadence: Cadence, start: NaiveDate) -> Vec<bool> {
    let mut has = vec![false; HORIZON_DAYS];
    match cadence {
        Cadence::Days(n) | Cadence::Weeks(n) => {
            let step = if matches!(cadence, Cadence::Days(_)) { n } else { 7 * n } as usize;
            for day in (0..HORIZON_DAYS).step_by(step) {
                has[day] = true;
            }
        }
        Cadence::Months(n) => {
            for k in 0.. {
                let date = start.checked_add_months(Months::new(k * n)).unwrap();
                let offset = (date - start).num_days() as usize;
                if offset >= HORIZON_DAYS {
                    break;
                }
                has[offset] = true;
            }
        }
        Cadence::Shifts(k) => {
            assert!(k >= 1);
            has.fill(true);
        }
    }
    has
}

/// Whether every default window of `tier` lying wholly inside the horizon holds a slot.
fn simulate(tier: Tier, cadence: Cadence, start: NaiveDate) -> bool {
    let has = slot_days(cadence, start);
    let date = |offset: usize| start + chrono::Duration::days(offset as i64);
    let mut window_start = None;
    for offset in 0..HORIZON_DAYS {
        let d = date(offset);
        let opens = match tier {
            Tier::Daily => true,
            Tier::Weekly => d.weekday() == Weekday::Mon,
            Tier::Monthly => d.day() == 1,
        };
        if opens {
            window_start = Some(offset);
        }
        let closes = match tier {
            Tier::Daily => true,
            Tier::Weekly => d.weekday() == Weekday::Sun,
            Tier::Monthly => date(offset + 1).day() == 1,
        };
        if closes
            && let Some(from) = window_start.take()
            && !has[from..=offset].iter().any(|&b| b)
        {
            return false;
        }
    }
    true
}

#[test]
fn the_analytic_rule_agrees_with_simulation_for_every_start_date_in_two_years() {
    let mut cadences: Vec<Cadence> = (1..=40).map(Cadence::Days).collect();
    cadences.extend((1..=6).map(Cadence::Weeks));
    cadences.extend((1..=3).map(Cadence::Months));
    cadences.extend((1..=24).map(Cadence::Shifts));
    let first = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let starts: Vec<NaiveDate> = first.iter_days().take_while(|d| d.year() <= 2026).collect();
    assert_eq!(starts.len(), 730);
    let mut disagreements = Vec::new();
    for cadence in cadences {
        for tier in Tier::ALL {
            let analytic = cadence.check(tier).is_ok();
            let simulated = starts.iter().all(|&s| simulate(tier, cadence, s));
            if analytic != simulated {
                disagreements.push(format!("{cadence} for {tier:?}: rule says {analytic}, simulation {simulated}"));
            }
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

#[test]
fn the_simulation_finds_the_february_gap_of_29_days() {
    // Slots on 2025-01-31 and 2025-03-01 leave February 2025 empty.
    let start = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
    assert!(!simulate(Tier::Monthly, Cadence::Days(29), start));
    assert!(simulate(Tier::Monthly, Cadence::Days(28), start));
    // And a start on a Monday satisfies the weekly tier with 7 days, a Tuesday start too: N ≤ 7 holds for any phase.
    assert!(simulate(Tier::Weekly, Cadence::Days(7), start));
    assert!(!simulate(Tier::Weekly, Cadence::Days(8), start));
}
