//! The obligation calendar against a naive oracle written straight from the rules, on random scenarios.
//!
//! The oracle walks dates with `chrono`, matches records to slots by their period *names*, and tests every day of a
//! window for closure one by one — a different route from the indexed, prefix-summed evaluation it checks.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use proptest::prelude::*;
use zhian_domain::cadence::Cadences;
use zhian_domain::calendar::evaluate;
use zhian_domain::time::shanghai;
use zhian_domain::{DateRange, ObligationQuery, Period, Record, SlotStatus, Suspension, Tier, WeekdaySet};

const WEEKDAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    shanghai().from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap()).unwrap().with_timezone(&Utc)
}

/// (tier, period name, window start, window end, first day, last day) of every slot, built by walking dates.
fn oracle_slots(from: NaiveDate, to: NaiveDate) -> Vec<(Tier, String, NaiveDate, NaiveDate)> {
    let mut slots = Vec::new();
    for d in from.iter_days().take_while(|d| *d <= to) {
        slots.push((Tier::Daily, d.format("%Y-%m-%d").to_string(), d, d));
    }
    let mut monday = from - Duration::days(i64::from(from.weekday().num_days_from_monday()));
    while monday <= to {
        let week = monday.iso_week();
        slots.push((
            Tier::Weekly,
            format!("{:04}-W{:02}", week.year(), week.week()),
            monday,
            monday + Duration::days(6),
        ));
        monday += Duration::days(7);
    }
    let mut first = from.with_day(1).unwrap();
    while first <= to {
        let next = first.checked_add_months(chrono::Months::new(1)).unwrap();
        slots.push((Tier::Monthly, first.format("%Y-%m").to_string(), first, next - Duration::days(1)));
        first = next;
    }
    slots
}

fn oracle(
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
    closed: &[Weekday],
    suspensions: &[(NaiveDate, NaiveDate)],
    records: &[(Tier, String, DateTime<Utc>)],
) -> Vec<(Tier, String, SlotStatus)> {
    oracle_slots(from, to)
        .into_iter()
        .map(|(tier, name, first, last)| {
            let (start, end) = (midnight(first), midnight(last + Duration::days(1)));
            let counted = records
                .iter()
                .filter(|(t, p, at)| *t == tier && *p == name && *at <= as_of && *at >= start)
                .map(|(_, _, at)| *at)
                .min();
            let all_closed = first
                .iter_days()
                .take_while(|d| *d <= last)
                .all(|d| closed.contains(&d.weekday()) || suspensions.iter().any(|(a, b)| *a <= d && d <= *b));
            let status = match counted {
                Some(at) if at < end => SlotStatus::Done,
                Some(_) => SlotStatus::Late,
                None if all_closed => SlotStatus::Excused,
                None if as_of >= end => SlotStatus::Missing,
                None if as_of >= start => SlotStatus::Due,
                None => SlotStatus::Upcoming,
            };
            (tier, name, status)
        })
        .collect()
}

/// A random record: a tier, a day offset whose slot it is for, and a submission offset in seconds from that day —
/// often a second either side of a midnight, where windows open and close.
fn record_strategy() -> impl Strategy<Value = (usize, i64, i64)> {
    let jitter = prop_oneof![Just(-1i64), Just(0), Just(1), 0i64..86_400];
    (0usize..3, -10i64..120, (-3i64..40, jitter).prop_map(|(days, secs)| days * 86_400 + secs))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn evaluation_matches_the_oracle(
        start in 0i64..300,
        len in 0i64..70,
        as_of_seconds in prop_oneof![(-1i64..120).prop_map(|d| d * 86_400), -86_400i64..(120 * 86_400)],
        closed_mask in 0u8..128,
        suspensions in proptest::collection::vec((0i64..120, 0i64..40), 0..3),
        raw_records in proptest::collection::vec(record_strategy(), 0..80),
    ) {
        let from = base() + Duration::days(start);
        let to = from + Duration::days(len);
        let as_of = midnight(from) + Duration::seconds(as_of_seconds);
        let closed: Vec<Weekday> = WEEKDAYS.iter().enumerate().filter(|(i, _)| closed_mask & (1 << i) != 0).map(|(_, d)| *d).collect();
        let suspensions: Vec<(NaiveDate, NaiveDate)> = suspensions
            .iter()
            .map(|(a, l)| (from + Duration::days(*a - 10), from + Duration::days(*a - 10 + *l)))
            .collect();
        let cadences = Cadences::default();
        let mut named = Vec::new();
        let mut records = Vec::new();
        for (tier, day, seconds) in raw_records {
            let tier = Tier::ALL[tier];
            let day = from + Duration::days(day);
            let name = match tier {
                Tier::Daily => day.format("%Y-%m-%d").to_string(),
                Tier::Weekly => { let w = day.iso_week(); format!("{:04}-W{:02}", w.year(), w.week()) }
                Tier::Monthly => day.format("%Y-%m").to_string(),
            };
            let at = midnight(day) + Duration::seconds(seconds);
            records.push(Record { tier, period: Period::parse(cadences.get(tier), &name).unwrap(), submitted_at: at });
            named.push((tier, name, at));
        }
        let closed_set = closed.iter().fold(WeekdaySet::empty(), |s, d| s.with(*d));
        let suspension_list: Vec<Suspension> = suspensions
            .iter()
            .map(|(a, b)| Suspension { range: DateRange::new(*a, *b).unwrap(), reason: "停业".into() })
            .collect();
        let calendar = evaluate(&ObligationQuery {
            range: DateRange::new(from, to).unwrap(),
            as_of,
            closed_weekdays: closed_set,
            suspensions: &suspension_list,
            cadences,
            records: &records,
        });
        let got: Vec<(Tier, String, SlotStatus)> =
            calendar.slots.iter().map(|s| (s.tier, s.period.to_string(), s.status)).collect();
        let want = oracle(from, to, as_of, &closed, &suspensions, &named);
        prop_assert_eq!(got, want);
        for slot in &calendar.slots {
            let (tier, first, last) = (slot.tier, slot.window.first_day, slot.window.last_day);
            prop_assert!(first <= last, "{:?}", tier);
            prop_assert_eq!(slot.window_start().unwrap().offset().local_minus_utc(), 8 * 3600);
        }
    }
}
