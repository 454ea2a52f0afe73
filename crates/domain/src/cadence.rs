//! The three tiers of the duty cycle and the cadences a unit may run them at.
//!
//! DOMAIN §5, from the seed: units "可以根据销售需要，加大管控、排查和调度频次，但不能低于此要求" and may map the tiers to
//! their own rhythm, "班次管控、双日排查、双周调度". A cadence is written as a short spec:
//!
//! | spec | meaning | slots |
//! |---|---|---|
//! | `1d`, `Nd` | every N days | windows of N days |
//! | `Nw` | every N weeks | windows of N ISO weeks, Monday to Sunday |
//! | `1m`, `Nm` | every N calendar months | windows of N months |
//! | `shift:K` | K shifts a day, 1 ≤ K ≤ 24 | the day cut into K equal windows |
//!
//! Whether a cadence may replace a tier's default is [`Cadence::check`]: it must not be less frequent.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use thiserror::Error;

/// The three tiers of 日管控、周排查、月调度 (DOMAIN §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 日管控 daily control, by an officer; record 《每日工业产品质量安全检查记录》.
    Daily,
    /// 周排查 weekly investigation, by the director; record 《每周工业产品质量安全排查治理报告》.
    Weekly,
    /// 月调度 monthly dispatch, the principal hears the director; record 《每月工业产品质量安全调度会议纪要》.
    Monthly,
}

impl Tier {
    /// Every tier, in order.
    pub const ALL: [Self; 3] = [Self::Daily, Self::Weekly, Self::Monthly];

    /// `daily`, `weekly` or `monthly`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::Monthly => "monthly",
        }
    }

    /// Parses a code as given by [`Tier::code`].
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == s)
    }

    /// The Chinese name of the tier.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Daily => "日管控",
            Self::Weekly => "周排查",
            Self::Monthly => "月调度",
        }
    }

    /// The default name of the tier's record (units may rename it, DOMAIN §5).
    #[must_use]
    pub fn record_name(self) -> &'static str {
        match self {
            Self::Daily => "每日工业产品质量安全检查记录",
            Self::Weekly => "每周工业产品质量安全排查治理报告",
            Self::Monthly => "每月工业产品质量安全调度会议纪要",
        }
    }

    /// The default cadence: every day, every ISO week, every calendar month.
    #[must_use]
    pub fn default_cadence(self) -> Cadence {
        match self {
            Self::Daily => Cadence::Days(1),
            Self::Weekly => Cadence::Weeks(1),
            Self::Monthly => Cadence::Months(1),
        }
    }

    /// The shortest default window of the tier in days: a day, a week, the shortest month (February).
    #[must_use]
    pub fn shortest_window_days(self) -> u32 {
        match self {
            Self::Daily => 1,
            Self::Weekly => 7,
            Self::Monthly => 28,
        }
    }
}

/// How often a tier's record is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cadence {
    /// Every N days (`Nd`).
    Days(u32),
    /// Every N ISO weeks (`Nw`).
    Weeks(u32),
    /// Every N calendar months (`Nm`).
    Months(u32),
    /// K shifts a day (`shift:K`).
    Shifts(u32),
}

/// The largest N accepted in `Nd`, `Nw`, `Nm`: beyond it a spec is malformed rather than merely infrequent.
pub const MAX_INTERVAL: u32 = 999;

/// The most shifts a day.
pub const MAX_SHIFTS: u32 = 24;

/// A cadence spec that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("无法识别的周期 \"{spec}\"：{reason}（应为 Nd、Nw、Nm 或 shift:K，如 1d、2d、1w、2w、1m、shift:3）")]
pub struct CadenceError {
    /// The spec as given.
    pub spec: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl FromStr for Cadence {
    type Err = CadenceError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let err = |reason| CadenceError { spec: spec.to_owned(), reason };
        if let Some(k) = spec.strip_prefix("shift:") {
            let k = parse_count(k).ok_or_else(|| err("班次数须为正整数"))?;
            if !(1..=MAX_SHIFTS).contains(&k) {
                return Err(err("每日班次数须在 1 到 24 之间"));
            }
            return Ok(Self::Shifts(k));
        }
        let unit_at = spec.len().checked_sub(1).ok_or_else(|| err("为空"))?;
        let (count, unit) = spec.split_at(unit_at);
        let n = parse_count(count).ok_or_else(|| err("间隔须为正整数"))?;
        if n == 0 || n > MAX_INTERVAL {
            return Err(err("间隔须在 1 到 999 之间"));
        }
        match unit {
            "d" => Ok(Self::Days(n)),
            "w" => Ok(Self::Weeks(n)),
            "m" => Ok(Self::Months(n)),
            _ => Err(err("单位须为 d（日）、w（周）或 m（月）")),
        }
    }
}

/// Digits only: no sign, no spaces, no leading `+`.
fn parse_count(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Days(n) => write!(f, "{n}d"),
            Self::Weeks(n) => write!(f, "{n}w"),
            Self::Months(n) => write!(f, "{n}m"),
            Self::Shifts(k) => write!(f, "shift:{k}"),
        }
    }
}

/// Why a well-formed cadence may not replace a tier's default.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Infrequent {
    /// Slots a fixed number of days apart, more than the tier's shortest window.
    #[error(
        "{cadence} 的相邻两次相隔 {gap_days} 天，而{tier}的最短窗口只有 {window_days} 天，总有窗口落空，频次低于法定要求"
    )]
    Gap {
        /// The cadence checked.
        cadence: Cadence,
        /// The tier's label.
        tier: &'static str,
        /// Days between consecutive slots.
        gap_days: u32,
        /// The tier's shortest default window.
        window_days: u32,
    },
    /// Month-based slots cannot cover every day or every week.
    #[error("{cadence} 按月计，相邻两次相隔 28 天以上，{tier}要求的每个窗口不能都覆盖，频次低于法定要求")]
    MonthsTooCoarse {
        /// The cadence checked.
        cadence: Cadence,
        /// The tier's label.
        tier: &'static str,
    },
    /// More than one month between slots leaves a calendar month without one.
    #[error("{cadence} 每 {months} 个月一次，总有自然月没有月调度，频次低于法定要求")]
    MonthsApart {
        /// The cadence checked.
        cadence: Cadence,
        /// Months between slots.
        months: u32,
    },
}

impl Cadence {
    /// Whether this cadence may replace `tier`'s default (DOMAIN §5 \[reading\]).
    ///
    /// Seed: "可以根据销售需要，加大管控、排查和调度频次，但不能低于此要求". The precise test: every window of the default
    /// cadence (each calendar day / ISO week / calendar month) contains at least one slot of the custom cadence —
    /// a slot counted where it starts — whatever the date the custom cadence starts from. For slots a fixed N days
    /// apart that holds iff N is at most the shortest default window: 1 (day), 7 (week), 28 (February). Monthly slots
    /// fall once in every calendar month, so `1m` suits the monthly tier only; `shift:K` suits every tier.
    /// `tests/cadence_simulation.rs` checks this rule against a brute-force simulation.
    pub fn check(self, tier: Tier) -> Result<(), Infrequent> {
        let window_days = tier.shortest_window_days();
        let gap_days = match self {
            Self::Shifts(_) => return Ok(()),
            Self::Days(n) => n,
            Self::Weeks(n) => n.saturating_mul(7),
            Self::Months(1) if tier == Tier::Monthly => return Ok(()),
            Self::Months(months) if tier == Tier::Monthly => {
                return Err(Infrequent::MonthsApart { cadence: self, months });
            }
            Self::Months(_) => {
                return Err(Infrequent::MonthsTooCoarse { cadence: self, tier: tier.label() });
            }
        };
        if gap_days <= window_days {
            Ok(())
        } else {
            Err(Infrequent::Gap { cadence: self, tier: tier.label(), gap_days, window_days })
        }
    }
}

/// The cadence of each tier of one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cadences {
    /// Daily control.
    pub daily: Cadence,
    /// Weekly investigation.
    pub weekly: Cadence,
    /// Monthly dispatch.
    pub monthly: Cadence,
}

impl Default for Cadences {
    fn default() -> Self {
        Self {
            daily: Tier::Daily.default_cadence(),
            weekly: Tier::Weekly.default_cadence(),
            monthly: Tier::Monthly.default_cadence(),
        }
    }
}

impl Cadences {
    /// The cadence of a tier.
    #[must_use]
    pub fn get(&self, tier: Tier) -> Cadence {
        match tier {
            Tier::Daily => self.daily,
            Tier::Weekly => self.weekly,
            Tier::Monthly => self.monthly,
        }
    }

    /// Sets the cadence of a tier after checking it is frequent enough.
    pub fn set(&mut self, tier: Tier, cadence: Cadence) -> Result<(), Infrequent> {
        cadence.check(tier)?;
        match tier {
            Tier::Daily => self.daily = cadence,
            Tier::Weekly => self.weekly = cadence,
            Tier::Monthly => self.monthly = cadence,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Cadence {
        s.parse().unwrap()
    }

    #[test]
    fn specs_parse_and_print_back() {
        for spec in ["1d", "2d", "40d", "1w", "2w", "1m", "3m", "shift:1", "shift:3", "shift:24"] {
            assert_eq!(c(spec).to_string(), spec);
        }
    }

    #[test]
    fn malformed_specs_are_refused_with_the_spec_named() {
        for spec in [
            "",
            "d",
            "0d",
            "-1d",
            "+1d",
            "1.5d",
            "1x",
            "1 d",
            "shift:0",
            "shift:25",
            "shift:",
            "shift:-1",
            "1000d",
            "99999999999d",
        ] {
            let err = spec.parse::<Cadence>().unwrap_err();
            assert_eq!(err.spec, spec);
            assert!(err.to_string().contains(&format!("\"{spec}\"")));
        }
    }

    #[test]
    fn the_defaults_are_valid_for_their_own_tier() {
        for tier in Tier::ALL {
            assert_eq!(tier.default_cadence().check(tier), Ok(()));
        }
    }

    #[test]
    fn the_seeds_examples_are_valid() {
        // 班次管控、双日排查、双周调度.
        assert!(c("shift:2").check(Tier::Daily).is_ok());
        assert!(c("2d").check(Tier::Weekly).is_ok());
        assert!(c("2w").check(Tier::Monthly).is_ok());
    }

    #[test]
    fn less_frequent_cadences_are_invalid() {
        assert!(c("2d").check(Tier::Daily).is_err());
        assert!(c("8d").check(Tier::Weekly).is_err());
        assert!(c("2w").check(Tier::Weekly).is_err());
        assert!(c("29d").check(Tier::Monthly).is_err());
        assert!(c("5w").check(Tier::Monthly).is_err());
        assert!(c("1m").check(Tier::Weekly).is_err());
        assert!(c("2m").check(Tier::Monthly).is_err());
        assert!(c("28d").check(Tier::Monthly).is_ok());
        assert!(c("4w").check(Tier::Monthly).is_ok());
        assert!(c("7d").check(Tier::Weekly).is_ok());
    }

    #[test]
    fn an_invalid_cadence_cannot_be_set() {
        let mut cadences = Cadences::default();
        assert!(cadences.set(Tier::Weekly, c("2w")).is_err());
        assert_eq!(cadences.weekly, Cadence::Weeks(1));
        cadences.set(Tier::Weekly, c("3d")).unwrap();
        assert_eq!(cadences.get(Tier::Weekly), Cadence::Days(3));
    }
}
