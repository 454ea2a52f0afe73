//! Periods: the named windows of a cadence, in Asia/Shanghai.
//!
//! Every cadence cuts time into consecutive windows, numbered from a fixed anchor so that a period's name never
//! depends on the range being queried. Day and week windows are counted from Monday 2000-01-03 (so `7d` windows are
//! ISO weeks), month windows from January 2000. Names:
//!
//! | cadence | period name | example |
//! |---|---|---|
//! | `1d` | the date | `2026-02-03` |
//! | `Nd`, N > 1 | first date, ISO 8601 duration | `2026-02-03/P2D` |
//! | `1w` | the ISO week | `2026-W06` |
//! | `Nw`, N > 1 | first ISO week, duration | `2026-W06/P2W` |
//! | `1m` | the month | `2026-02` |
//! | `Nm`, N > 1 | first month, duration | `2026-01/P2M` |
//! | `shift:K` | the date and the shift number 1…K | `2026-02-03#2` |
//!
//! A window starts at local midnight of its first day (shift windows at `⌊86400·(s−1)/K⌋` seconds after midnight)
//! and ends, exclusive, where the next one starts.

use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use thiserror::Error;

use crate::cadence::Cadence;
use crate::time::{self, SECS_PER_DAY, date_of_day, day_number, day_start, days_from_civil, parse_digits};

/// Day number of Monday 2000-01-03, the anchor of day and week windows.
pub const ANCHOR_DAY: i64 = 10_959;

/// Year of the anchor month (January 2000) of month windows.
const ANCHOR_YEAR: i64 = 2000;

/// One window of a cadence: the cadence and the window's number counted from the anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    cadence: Cadence,
    index: i64,
}

/// The span of a period: instants as Unix seconds (start inclusive, end exclusive) and its local days (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First instant inside the window.
    pub start: i64,
    /// First instant after the window.
    pub end: i64,
    /// First local day the window touches.
    pub first_day: i64,
    /// Last local day the window touches.
    pub last_day: i64,
}

/// A period name that does not fit the cadence.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("周期名 \"{given}\" 无效：{reason}（周期 {cadence} 的格式为 {expected}）")]
pub struct PeriodError {
    /// The name as given.
    pub given: String,
    /// The cadence it was read for.
    pub cadence: Cadence,
    /// The expected shape, e.g. `YYYY-Www`.
    pub expected: &'static str,
    /// What is wrong.
    pub reason: &'static str,
}

/// Window length in days of day- and week-based cadences.
fn span_days(cadence: Cadence) -> Option<i64> {
    match cadence {
        Cadence::Days(n) => Some(i64::from(n)),
        Cadence::Weeks(n) => Some(7 * i64::from(n)),
        Cadence::Months(_) | Cadence::Shifts(_) => None,
    }
}

/// Months since January 2000 of the month holding a day number.
fn month_number(day: i64) -> i64 {
    let date = date_of_day(day).unwrap_or_default();
    (i64::from(date.year()) - ANCHOR_YEAR) * 12 + i64::from(date.month0())
}

/// Day number of the first day of a month counted from January 2000.
fn month_first_day(month: i64) -> i64 {
    let year = ANCHOR_YEAR + month.div_euclid(12);
    let month0 = u32::try_from(month.rem_euclid(12)).unwrap_or(0);
    days_from_civil(year, month0 + 1, 1)
}

impl Period {
    /// The period of a cadence with a given window number.
    #[must_use]
    pub fn new(cadence: Cadence, index: i64) -> Self {
        Self { cadence, index }
    }

    /// The cadence this period belongs to.
    #[must_use]
    pub fn cadence(&self) -> Cadence {
        self.cadence
    }

    /// The window number, counted from the anchor.
    #[must_use]
    pub fn index(&self) -> i64 {
        self.index
    }

    /// Window numbers of the first and last windows of `cadence` that touch the local days `first..=last`.
    #[must_use]
    pub fn index_range(cadence: Cadence, first_day: i64, last_day: i64) -> (i64, i64) {
        match cadence {
            Cadence::Days(_) | Cadence::Weeks(_) => {
                let len = span_days(cadence).unwrap_or(1).max(1);
                ((first_day - ANCHOR_DAY).div_euclid(len), (last_day - ANCHOR_DAY).div_euclid(len))
            }
            Cadence::Months(n) => {
                let n = i64::from(n.max(1));
                (month_number(first_day).div_euclid(n), month_number(last_day).div_euclid(n))
            }
            Cadence::Shifts(k) => {
                let k = i64::from(k.max(1));
                (first_day * k, last_day * k + k - 1)
            }
        }
    }

    /// The period of `cadence` whose window holds the instant (Unix seconds).
    #[must_use]
    pub fn containing(cadence: Cadence, unix_secs: i64) -> Self {
        let day = (unix_secs + i64::from(time::SHANGHAI_OFFSET_SECS)).div_euclid(SECS_PER_DAY);
        let (first, last) = Self::index_range(cadence, day, day);
        (first..=last)
            .map(|i| Self::new(cadence, i))
            .find(|p| {
                let w = p.window();
                w.start <= unix_secs && unix_secs < w.end
            })
            .unwrap_or_else(|| Self::new(cadence, first))
    }

    /// The span of this period.
    #[must_use]
    pub fn window(&self) -> Window {
        match self.cadence {
            Cadence::Days(_) | Cadence::Weeks(_) => {
                let len = span_days(self.cadence).unwrap_or(1).max(1);
                let first_day = ANCHOR_DAY + self.index * len;
                let last_day = first_day + len - 1;
                Window { start: day_start(first_day), end: day_start(last_day + 1), first_day, last_day }
            }
            Cadence::Months(n) => {
                let n = i64::from(n.max(1));
                let first_day = month_first_day(self.index * n);
                let next = month_first_day((self.index + 1) * n);
                Window { start: day_start(first_day), end: day_start(next), first_day, last_day: next - 1 }
            }
            Cadence::Shifts(k) => {
                let k = i64::from(k.max(1));
                let day = self.index.div_euclid(k);
                let shift = self.index.rem_euclid(k);
                let midnight = day_start(day);
                Window {
                    start: midnight + SECS_PER_DAY * shift / k,
                    end: midnight + SECS_PER_DAY * (shift + 1) / k,
                    first_day: day,
                    last_day: day,
                }
            }
        }
    }

    /// Reads a period name for a cadence, in the format of the module table.
    pub fn parse(cadence: Cadence, given: &str) -> Result<Self, PeriodError> {
        let expected = expected_format(cadence);
        let err = |reason| PeriodError { given: given.to_owned(), cadence, expected, reason };
        let (head, suffix) = match cadence {
            Cadence::Shifts(_) => match given.split_once('#') {
                Some((head, shift)) => (head, Some(shift)),
                None => return Err(err("缺少班次号")),
            },
            Cadence::Days(1) | Cadence::Weeks(1) | Cadence::Months(1) => (given, None),
            Cadence::Days(_) | Cadence::Weeks(_) | Cadence::Months(_) => match given.split_once('/') {
                Some((head, duration)) => (head, Some(duration)),
                None => return Err(err("缺少时长后缀")),
            },
        };
        match cadence {
            Cadence::Days(_) | Cadence::Weeks(_) => {
                let first = if matches!(cadence, Cadence::Days(_)) {
                    time::parse_iso_date(head).ok_or_else(|| err("不是存在的日期"))?
                } else {
                    parse_iso_week(head).ok_or_else(|| err("不是存在的 ISO 周"))?
                };
                if let Some(duration) = suffix
                    && duration != duration_suffix(cadence)
                {
                    return Err(err("时长与周期不符"));
                }
                let len = span_days(cadence).unwrap_or(1).max(1);
                let offset = day_number(first) - ANCHOR_DAY;
                if offset.rem_euclid(len) != 0 {
                    return Err(err("不是该周期某个窗口的第一天"));
                }
                Ok(Self::new(cadence, offset.div_euclid(len)))
            }
            Cadence::Months(n) => {
                let month = parse_year_month(head).ok_or_else(|| err("不是存在的年月"))?;
                if let Some(duration) = suffix
                    && duration != duration_suffix(cadence)
                {
                    return Err(err("时长与周期不符"));
                }
                let n = i64::from(n.max(1));
                if month.rem_euclid(n) != 0 {
                    return Err(err("不是该周期某个窗口的第一个月"));
                }
                Ok(Self::new(cadence, month.div_euclid(n)))
            }
            Cadence::Shifts(k) => {
                let date = time::parse_iso_date(head).ok_or_else(|| err("不是存在的日期"))?;
                let shift = suffix.and_then(parse_digits).ok_or_else(|| err("班次号须为正整数"))?;
                if !(1..=k).contains(&shift) {
                    return Err(err("班次号超出每日班次数"));
                }
                let k = i64::from(k);
                Ok(Self::new(cadence, day_number(date) * k + i64::from(shift) - 1))
            }
        }
    }
}

/// The expected shape of a period name, for messages.
fn expected_format(cadence: Cadence) -> &'static str {
    match cadence {
        Cadence::Days(1) => "YYYY-MM-DD",
        Cadence::Days(_) => "YYYY-MM-DD/PnD",
        Cadence::Weeks(1) => "YYYY-Www",
        Cadence::Weeks(_) => "YYYY-Www/PnW",
        Cadence::Months(1) => "YYYY-MM",
        Cadence::Months(_) => "YYYY-MM/PnM",
        Cadence::Shifts(_) => "YYYY-MM-DD#班次号",
    }
}

/// `P2D`, `P3W`, `P2M` — the ISO 8601 duration of one window.
fn duration_suffix(cadence: Cadence) -> String {
    match cadence {
        Cadence::Days(n) => format!("P{n}D"),
        Cadence::Weeks(n) => format!("P{n}W"),
        Cadence::Months(n) => format!("P{n}M"),
        Cadence::Shifts(k) => format!("shift:{k}"),
    }
}

/// `2026-W06` → the Monday of that ISO week, if the week exists (week 53 only in long years).
fn parse_iso_week(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 8 || b.get(4) != Some(&b'-') || b.get(5) != Some(&b'W') {
        return None;
    }
    let year = i32::try_from(parse_digits(s.get(0..4)?)?).ok()?;
    let week = parse_digits(s.get(6..8)?)?;
    NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
}

/// `2026-02` → months since January 2000.
fn parse_year_month(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 7 || b.get(4) != Some(&b'-') {
        return None;
    }
    let year = i64::from(parse_digits(s.get(0..4)?)?);
    let month = parse_digits(s.get(5..7)?)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    Some((year - ANCHOR_YEAR) * 12 + i64::from(month) - 1)
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let window = self.window();
        let first = date_of_day(window.first_day).ok_or(fmt::Error)?;
        match self.cadence {
            Cadence::Days(1) => write!(f, "{}", first.format("%Y-%m-%d")),
            Cadence::Weeks(1) => {
                let week = first.iso_week();
                write!(f, "{:04}-W{:02}", week.year(), week.week())
            }
            Cadence::Months(1) => write!(f, "{}", first.format("%Y-%m")),
            Cadence::Days(_) => write!(f, "{}/{}", first.format("%Y-%m-%d"), duration_suffix(self.cadence)),
            Cadence::Weeks(_) => {
                let week = first.iso_week();
                write!(f, "{:04}-W{:02}/{}", week.year(), week.week(), duration_suffix(self.cadence))
            }
            Cadence::Months(_) => write!(f, "{}/{}", first.format("%Y-%m"), duration_suffix(self.cadence)),
            Cadence::Shifts(k) => {
                let shift = self.index.rem_euclid(i64::from(k.max(1))) + 1;
                write!(f, "{}#{shift}", first.format("%Y-%m-%d"))
            }
        }
    }
}

#[cfg(test)]
mod tests;
