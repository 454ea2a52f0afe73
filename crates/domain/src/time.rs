//! The calendar the rules are evaluated in: Asia/Shanghai, dates as day numbers, inclusive date ranges.
//!
//! DOMAIN §5 \[reading\]: every date boundary is taken in Asia/Shanghai. China has kept UTC+08:00 without daylight
//! saving since 1991, so the zone is a fixed offset and a calendar day is exactly 86,400 seconds. Internally a date
//! is a *day number* (days since 1970-01-01) and an instant is Unix seconds; both convert to `chrono` types at the
//! edges. This keeps the obligation calendar a matter of integer arithmetic.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset as _, Utc, Weekday};
use thiserror::Error;

/// Seconds east of UTC of Asia/Shanghai (UTC+08:00, no daylight saving since 1991).
pub const SHANGHAI_OFFSET_SECS: i32 = 8 * 3600;

/// Seconds in a calendar day.
pub const SECS_PER_DAY: i64 = 86_400;

/// The day number of 0001-01-01 in `chrono`'s days-from-CE count, shifted so that 1970-01-01 is day 0.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// The Asia/Shanghai offset as a `chrono` zone.
#[must_use]
pub fn shanghai() -> FixedOffset {
    // East offsets below one day are always representable; fall back to UTC only in theory.
    FixedOffset::east_opt(SHANGHAI_OFFSET_SECS).unwrap_or_else(|| Utc.fix())
}

/// Days since 1970-01-01 of a calendar date.
#[must_use]
pub fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE)
}

/// The calendar date of a day number, if it is inside `chrono`'s range.
#[must_use]
pub fn date_of_day(day: i64) -> Option<NaiveDate> {
    let ce = i32::try_from(day).ok()?.checked_add(UNIX_EPOCH_DAYS_FROM_CE)?;
    NaiveDate::from_num_days_from_ce_opt(ce)
}

/// The Unix second at which a day begins in Asia/Shanghai (local midnight).
#[must_use]
pub fn day_start(day: i64) -> i64 {
    day * SECS_PER_DAY - i64::from(SHANGHAI_OFFSET_SECS)
}

/// The Asia/Shanghai day number an instant falls on.
#[must_use]
pub fn day_of_instant(instant: DateTime<Utc>) -> i64 {
    (instant.timestamp() + i64::from(SHANGHAI_OFFSET_SECS)).div_euclid(SECS_PER_DAY)
}

/// An instant given as Unix seconds, shown in Asia/Shanghai.
#[must_use]
pub fn local_instant(unix_secs: i64) -> Option<DateTime<FixedOffset>> {
    DateTime::from_timestamp(unix_secs, 0).map(|t| t.with_timezone(&shanghai()))
}

/// The weekday of a day number, Monday = 0 … Sunday = 6.
#[must_use]
pub fn weekday_index(day: i64) -> u8 {
    // 1970-01-01 was a Thursday (index 3).
    u8::try_from((day + 3).rem_euclid(7)).unwrap_or(0)
}

/// Days since 1970-01-01 of a proleptic Gregorian date; `month` is 1–12 and `day` 1–31 (not checked against the
/// month's length). Integer arithmetic only (H. Hinnant's `days_from_civil`), for hot loops.
#[must_use]
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses a date written exactly `YYYY-MM-DD` (four-digit year, zero-padded month and day) that exists.
#[must_use]
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let year = parse_digits(s.get(0..4)?)?;
    let month = parse_digits(s.get(5..7)?)?;
    let day = parse_digits(s.get(8..10)?)?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// An unsigned decimal of ASCII digits only.
pub(crate) fn parse_digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The clock, as a parameter. The `zhian` binary reads the system clock; tests pass a [`FixedClock`].
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in Asia/Shanghai.
    fn today(&self) -> NaiveDate {
        date_of_day(day_of_instant(self.now())).unwrap_or_default()
    }
}

/// A clock that says what it is told; tests move it forward.
#[derive(Debug)]
pub struct FixedClock(std::sync::Mutex<DateTime<Utc>>);

impl FixedClock {
    /// A clock stopped at `at`.
    #[must_use]
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(std::sync::Mutex::new(at))
    }

    /// Moves the clock to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = at;
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *t += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// An inclusive range of calendar dates, `from` ≤ `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateRange {
    from: NaiveDate,
    to: NaiveDate,
}

/// Why a date range was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DateRangeError {
    /// The start is after the end.
    #[error("起始日期 {from} 晚于结束日期 {to}")]
    Reversed {
        /// The start date given.
        from: NaiveDate,
        /// The end date given.
        to: NaiveDate,
    },
}

impl DateRange {
    /// An inclusive range; refused when `from` is after `to`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, DateRangeError> {
        if from > to {
            return Err(DateRangeError::Reversed { from, to });
        }
        Ok(Self { from, to })
    }

    /// The first date.
    #[must_use]
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last date (inclusive).
    #[must_use]
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// First and last day numbers, inclusive.
    #[must_use]
    pub fn day_numbers(&self) -> (i64, i64) {
        (day_number(self.from), day_number(self.to))
    }

    /// How many dates the range holds.
    #[must_use]
    pub fn len_days(&self) -> i64 {
        let (a, b) = self.day_numbers();
        b - a + 1
    }

    /// Whether the range holds a date.
    #[must_use]
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

/// A set of weekdays, e.g. the days a shop is closed every week.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct WeekdaySet(u8);

impl WeekdaySet {
    /// The empty set.
    #[must_use]
    pub const fn empty() -> Self {
        Self(0)
    }

    /// This set with one more weekday.
    #[must_use]
    pub fn with(self, day: Weekday) -> Self {
        Self(self.0 | 1 << day.num_days_from_monday())
    }

    /// Whether the weekday with index `i` (Monday = 0) is in the set.
    #[must_use]
    pub fn contains_index(self, i: u8) -> bool {
        i < 7 && self.0 & (1 << i) != 0
    }

    /// Whether the weekday is in the set.
    #[must_use]
    pub fn contains(self, day: Weekday) -> bool {
        self.contains_index(u8::try_from(day.num_days_from_monday()).unwrap_or(7))
    }

    /// Whether a given date falls on a weekday of the set.
    #[must_use]
    pub fn contains_date(self, date: NaiveDate) -> bool {
        self.contains(date.weekday())
    }

    /// Parses the English three-letter name `mon` … `sun` (case-insensitive).
    #[must_use]
    pub fn parse_weekday(s: &str) -> Option<Weekday> {
        Some(match s.to_ascii_lowercase().as_str() {
            "mon" => Weekday::Mon,
            "tue" => Weekday::Tue,
            "wed" => Weekday::Wed,
            "thu" => Weekday::Thu,
            "fri" => Weekday::Fri,
            "sat" => Weekday::Sat,
            "sun" => Weekday::Sun,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn day_numbers_round_trip_and_start_at_shanghai_midnight() {
        let date = d(2026, 2, 1);
        let n = day_number(date);
        assert_eq!(date_of_day(n), Some(date));
        // 2026-02-01T00:00:00+08:00 is 2026-01-31T16:00:00Z.
        let start = DateTime::from_timestamp(day_start(n), 0).unwrap();
        assert_eq!(start.to_rfc3339(), "2026-01-31T16:00:00+00:00");
        assert_eq!(day_of_instant(start), n);
        assert_eq!(day_of_instant(start - chrono::Duration::seconds(1)), n - 1);
    }

    #[test]
    fn weekday_index_matches_chrono() {
        for offset in 0..30 {
            let date = d(2026, 2, 1) + chrono::Duration::days(offset);
            assert_eq!(u32::from(weekday_index(day_number(date))), date.weekday().num_days_from_monday());
        }
        assert_eq!(weekday_index(day_number(d(1969, 12, 29))), 0, "a Monday before the epoch");
    }

    #[test]
    fn civil_day_numbers_agree_with_chrono() {
        for offset in (-800_000..800_000).step_by(997) {
            let date = d(2000, 1, 1) + chrono::Duration::days(offset);
            assert_eq!(days_from_civil(i64::from(date.year()), date.month(), date.day()), day_number(date), "{date}");
        }
    }

    #[test]
    fn only_exact_existing_dates_parse() {
        assert_eq!(parse_iso_date("2026-02-28"), Some(d(2026, 2, 28)));
        assert_eq!(parse_iso_date("2028-02-29"), Some(d(2028, 2, 29)));
        for bad in [
            "2026-02-29",
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "2026-2-1",
            "26-02-01",
            "2026/02/01",
            "2026-02-01T",
            " 2026-02-01",
            "２０２６-02-01",
            "+026-02-01",
        ] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_reversed_range_is_refused() {
        assert!(DateRange::new(d(2026, 3, 1), d(2026, 2, 1)).is_err());
        assert_eq!(DateRange::new(d(2026, 2, 1), d(2026, 2, 28)).unwrap().len_days(), 28);
    }

    #[test]
    fn weekday_sets_hold_what_was_added() {
        let set = WeekdaySet::empty().with(Weekday::Sun).with(Weekday::Sat);
        assert!(set.contains(Weekday::Sun) && set.contains(Weekday::Sat));
        assert!(!set.contains(Weekday::Mon));
        assert_eq!(WeekdaySet::parse_weekday("SUN"), Some(Weekday::Sun));
        assert_eq!(WeekdaySet::parse_weekday("sunday"), None);
    }
}
