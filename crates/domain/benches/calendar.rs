//! The obligation calendar for one unit-year: 365 daily + 53 weekly + 12 monthly slots (~430) and ~400 records.
//! Target: ≤ 50 µs per unit-year, so a county of 10,000 units is evaluated in under half a second on one core.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use criterion::{Criterion, criterion_group, criterion_main};
use zhian_domain::cadence::Cadences;
use zhian_domain::calendar::evaluate;
use zhian_domain::time::shanghai;
use zhian_domain::{DateRange, ObligationQuery, Period, Record, Suspension, Tier, WeekdaySet};

fn at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    shanghai().from_local_datetime(&date.and_hms_opt(hour, 0, 0).unwrap()).unwrap().with_timezone(&Utc)
}

fn unit_year() -> (Vec<Record>, Vec<Suspension>) {
    let cadences = Cadences::default();
    let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut records = Vec::new();
    for (i, day) in first.iter_days().take(365).enumerate() {
        // Most days on time, some late, Sundays closed.
        if day.weekday() == Weekday::Sun || i % 29 == 0 {
            continue;
        }
        let hour = if i % 17 == 0 { 30 } else { 18 };
        let name = day.format("%Y-%m-%d").to_string();
        let submitted = at(day, 0) + Duration::hours(hour);
        records.push(Record {
            tier: Tier::Daily,
            period: Period::parse(cadences.daily, &name).unwrap(),
            submitted_at: submitted,
        });
        if day.weekday() == Weekday::Sat {
            let w = day.iso_week();
            let name = format!("{:04}-W{:02}", w.year(), w.week());
            records.push(Record {
                tier: Tier::Weekly,
                period: Period::parse(cadences.weekly, &name).unwrap(),
                submitted_at: submitted,
            });
        }
        if day.day() == 25 {
            let name = day.format("%Y-%m").to_string();
            records.push(Record {
                tier: Tier::Monthly,
                period: Period::parse(cadences.monthly, &name).unwrap(),
                submitted_at: submitted,
            });
        }
    }
    let suspension = Suspension {
        range: DateRange::new(
            NaiveDate::from_ymd_opt(2026, 2, 14).unwrap(),
            NaiveDate::from_ymd_opt(2026, 2, 22).unwrap(),
        )
        .unwrap(),
        reason: "春节停业".into(),
    };
    (records, vec![suspension])
}

fn bench(c: &mut Criterion) {
    let (records, suspensions) = unit_year();
    let query = ObligationQuery {
        range: DateRange::new(
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        )
        .unwrap(),
        as_of: at(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(), 10),
        closed_weekdays: WeekdaySet::empty().with(Weekday::Sun),
        suspensions: &suspensions,
        cadences: Cadences::default(),
        records: &records,
    };
    let slots = evaluate(&query).slots.len();
    assert_eq!(slots, 430);
    assert!((380..=420).contains(&records.len()), "about 400 records, got {}", records.len());
    c.bench_function("obligation_calendar_unit_year", |b| b.iter(|| evaluate(std::hint::black_box(&query))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
