//! The daily check (日管控): what an officer submits, and when a submission is allowed (DOMAIN §5–6).
//!
//! Seed: "日管控、周排查、月调度工作情况有记录、可核实". DOMAIN §5: the daily check is made against the unit's risk control
//! list; a risk found is handled at once and reported to the director; a day with nothing found is still recorded
//! (a "zero-risk report") \[reading\]. A check cannot be made in advance; a late one is accepted and marked late.

use chrono::{DateTime, Utc};
use serde::Serialize;
use thiserror::Error;

use crate::cadence::Cadence;
use crate::forms::FieldErrors;
use crate::period::{Period, Window};

/// The outcome of one check item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    /// 符合.
    Conforming,
    /// 不符合 — opens a hazard.
    Nonconforming,
    /// 不适用.
    NotApplicable,
}

impl CheckResult {
    /// `conforming`, `nonconforming`, `not_applicable`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Conforming => "conforming",
            Self::Nonconforming => "nonconforming",
            Self::NotApplicable => "not_applicable",
        }
    }

    /// Parses a code.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "conforming" => Some(Self::Conforming),
            "nonconforming" => Some(Self::Nonconforming),
            "not_applicable" => Some(Self::NotApplicable),
            _ => None,
        }
    }

    /// The Chinese name.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Conforming => "符合",
            Self::Nonconforming => "不符合",
            Self::NotApplicable => "不适用",
        }
    }
}

/// One item as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CheckItemForm {
    /// The risk point it checks (from the risk list).
    pub risk_point: String,
    /// The question checked.
    pub item: String,
    /// `conforming`, `nonconforming` or `not_applicable`.
    pub result: String,
    /// What was seen; required for a non-conformity.
    pub note: String,
    /// Photos, by the names the store gave them (see [`crate::photo`]).
    pub photos: Vec<String>,
}

/// A daily check as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DailyCheckForm {
    /// The period checked, e.g. `2026-03-02` (or `2026-03-02#2` for a shift).
    pub period: String,
    /// The items.
    pub items: Vec<CheckItemForm>,
    /// A general note.
    pub note: String,
    /// The id of the check this one corrects, if it is an amendment.
    pub amends: Option<i64>,
}

/// One item, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckItem {
    /// The risk point.
    pub risk_point: String,
    /// The question.
    pub item: String,
    /// The outcome.
    pub result: CheckResult,
    /// What was seen.
    pub note: String,
    /// Photos, by name.
    pub photos: Vec<String>,
}

/// A daily check, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyCheckInfo {
    /// The period.
    pub period: Period,
    /// The items.
    pub items: Vec<CheckItem>,
    /// A general note.
    pub note: String,
    /// The check this one corrects.
    pub amends: Option<i64>,
}

impl DailyCheckInfo {
    /// Nothing found: every item conforming or not applicable — the zero-risk report.
    #[must_use]
    pub fn zero_risk(&self) -> bool {
        self.items.iter().all(|i| i.result != CheckResult::Nonconforming)
    }
}

/// The most items one check may hold.
pub const MAX_ITEMS: usize = 200;

impl DailyCheckForm {
    /// Checks every field against the unit's daily cadence.
    pub fn check(&self, cadence: Cadence) -> Result<DailyCheckInfo, FieldErrors> {
        let mut e = FieldErrors::default();
        let period = Period::parse(cadence, self.period.trim()).map_err(|err| e.add("period", err.to_string())).ok();
        if self.items.is_empty() {
            e.add("items", "请至少检查一项（检查项来自本单位风险管控清单）");
        }
        if self.items.len() > MAX_ITEMS {
            e.add("items", format!("检查项不能超过 {MAX_ITEMS} 项"));
        }
        let mut items = Vec::with_capacity(self.items.len());
        for (i, it) in self.items.iter().enumerate() {
            let n = i + 1;
            let field = |name: &str| format!("items/{i}/{name}");
            let item = it.item.trim();
            if item.is_empty() || item.chars().count() > 200 {
                e.add(&field("item"), format!("第 {n} 项：检查内容须为 1–200 个字"));
            }
            let result = CheckResult::parse(it.result.trim());
            if result.is_none() {
                e.add(&field("result"), format!("第 {n} 项“{item}”：请选择符合、不符合或不适用"));
            }
            let note = it.note.trim();
            if result == Some(CheckResult::Nonconforming) && note.is_empty() {
                e.add(&field("note"), format!("第 {n} 项“{item}”不符合：请写明发现的问题，系统将据此登记风险隐患"));
            }
            if note.chars().count() > 1000 || it.risk_point.chars().count() > 100 {
                e.add(&field("note"), format!("第 {n} 项：说明不能超过 1000 个字"));
            }
            if it.photos.len() > crate::photo::MAX_PHOTOS_PER_ITEM {
                e.add(&field("photos"), format!("第 {n} 项：照片不能超过 {} 张", crate::photo::MAX_PHOTOS_PER_ITEM));
            } else if it.photos.iter().any(|p| !crate::photo::is_photo_name(p)) {
                e.add(&field("photos"), format!("第 {n} 项：照片须为已上传照片的编号（64 位十六进制）"));
            }
            if let Some(result) = result {
                items.push(CheckItem {
                    risk_point: it.risk_point.trim().to_owned(),
                    item: item.to_owned(),
                    result,
                    note: note.to_owned(),
                    photos: it.photos.clone(),
                });
            }
        }
        let note = e.optional_text("note", "备注", &self.note, 1000);
        match period {
            Some(period) if e.is_empty() => Ok(DailyCheckInfo { period, items, note, amends: self.amends }),
            _ => Err(e),
        }
    }
}

/// The weekly investigation (周排查) as submitted: the director's analysis and conclusions on top of the draft the
/// system makes from the week's daily checks and hazards.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WeeklyReviewForm {
    /// The week, e.g. `2026-W10` (or the unit's own weekly period).
    pub period: String,
    /// 分析：what the week's findings mean.
    pub analysis: String,
    /// 结论与措施：what is decided, and what is reported to the principal.
    pub conclusions: String,
    /// The review this one corrects.
    pub amends: Option<i64>,
}

/// A weekly review, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyReviewInfo {
    /// The period.
    pub period: Period,
    /// Analysis.
    pub analysis: String,
    /// Conclusions.
    pub conclusions: String,
    /// The review this one corrects.
    pub amends: Option<i64>,
}

impl WeeklyReviewForm {
    /// Checks every field against the unit's weekly cadence.
    pub fn check(&self, cadence: Cadence) -> Result<WeeklyReviewInfo, FieldErrors> {
        let mut e = FieldErrors::default();
        let period = Period::parse(cadence, self.period.trim()).map_err(|err| e.add("period", err.to_string())).ok();
        let analysis = e.text("analysis", "本周分析", &self.analysis, 5000);
        let conclusions = e.text("conclusions", "结论与措施", &self.conclusions, 5000);
        match period {
            Some(period) if e.is_empty() => Ok(WeeklyReviewInfo { period, analysis, conclusions, amends: self.amends }),
            _ => Err(e),
        }
    }
}

/// What the system drafts for a weekly review from the week's records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WeeklyDraft {
    /// Daily slots of the week: done, late, missing, excused (those still due or upcoming are left out).
    pub daily: [u32; 4],
    /// Daily checks submitted (corrections included).
    pub checks: u32,
    /// Of which zero-risk reports.
    pub zero_risk: u32,
    /// Hazards found in the week.
    pub hazards_found: u32,
    /// Hazards found in the week and closed.
    pub hazards_closed: u32,
    /// Hazards of the unit not closed at the time of drafting, whenever found.
    pub hazards_open: u32,
    /// Items found non-conforming more than once in the week, with the count.
    pub repeated: Vec<(String, u32)>,
}

impl WeeklyDraft {
    /// The draft as the text of the report's first section.
    #[must_use]
    pub fn text(&self) -> String {
        let [done, late, missing, excused] = self.daily;
        let mut t = format!(
            "一、本周日管控：应检 {} 个时段，按时完成 {done}，逾期补录 {late}，缺失 {missing}，停业或休息免除 {excused}；\
             共提交检查记录 {} 份，其中零风险报告 {} 份。\n",
            done + late + missing + excused,
            self.checks,
            self.zero_risk
        );
        t.push_str(&format!(
            "二、风险隐患：本周发现 {} 项，已闭环 {} 项；全部未闭环隐患 {} 项。\n",
            self.hazards_found, self.hazards_closed, self.hazards_open
        ));
        if self.repeated.is_empty() {
            t.push_str("三、本周无反复出现的不符合项。\n");
        } else {
            let list: Vec<String> = self.repeated.iter().map(|(item, n)| format!("“{item}” {n} 次")).collect();
            t.push_str(&format!("三、反复出现的不符合项：{}。\n", list.join("；")));
        }
        t
    }
}

/// Why a submission is refused whatever its content.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SubmitError {
    /// The period has not begun.
    #[error("该时段（{period}）尚未开始，不能提前填写检查记录")]
    Early {
        /// The period's name.
        period: String,
    },
}

/// A check may be submitted once its window has opened; after it has closed it is accepted and marked late.
pub fn check_timing(period: &Period, window: &Window, now: DateTime<Utc>) -> Result<(), SubmitError> {
    if now.timestamp() < window.start {
        return Err(SubmitError::Early { period: period.to_string() });
    }
    Ok(())
}

/// Whether a slot still due at `now` is worth a reminder: once a third of its window has passed, and no later than
/// nine hours in — a day's check is asked for at 08:00 rather than at midnight, a week's report on Monday at 09:00, a
/// shift's a third of the way through it.
#[must_use]
pub fn reminder_due(window: &Window, now: DateTime<Utc>) -> bool {
    let grace = ((window.end - window.start) / 3).min(9 * 3600);
    now.timestamp() >= window.start + grace
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(results: &[(&str, &str)]) -> DailyCheckForm {
        DailyCheckForm {
            period: "2026-03-02".into(),
            items: results
                .iter()
                .map(|(r, note)| CheckItemForm {
                    risk_point: "3C".into(),
                    item: "是否查验3C证书".into(),
                    result: (*r).into(),
                    note: (*note).into(),
                    photos: Vec::new(),
                })
                .collect(),
            note: String::new(),
            amends: None,
        }
    }

    #[test]
    fn nothing_found_is_a_zero_risk_report() {
        let info = form(&[("conforming", ""), ("not_applicable", "")]).check(Cadence::Days(1)).unwrap();
        assert!(info.zero_risk());
        let found = form(&[("conforming", ""), ("nonconforming", "两台车无3C标志")]).check(Cadence::Days(1)).unwrap();
        assert!(!found.zero_risk());
    }

    #[test]
    fn a_nonconformity_needs_a_description_and_results_must_be_known() {
        let e = form(&[("nonconforming", " "), ("maybe", "")]).check(Cadence::Days(1)).unwrap_err();
        assert!(e.get("items/0/note").unwrap().contains("写明发现的问题"));
        assert!(e.get("items/1/result").is_some());
        assert!(form(&[]).check(Cadence::Days(1)).unwrap_err().get("items").is_some());
        let wrong_period = DailyCheckForm { period: "2026-W10".into(), ..form(&[("conforming", "")]) };
        assert!(wrong_period.check(Cadence::Days(1)).unwrap_err().get("period").is_some());
    }

    #[test]
    fn the_weekly_draft_reads_as_a_report() {
        let draft = WeeklyDraft {
            daily: [5, 1, 0, 1],
            checks: 7,
            zero_risk: 5,
            hazards_found: 2,
            hazards_closed: 1,
            hazards_open: 1,
            repeated: vec![("充电器3C".into(), 2)],
        };
        let t = draft.text();
        assert!(t.contains("应检 7 个时段，按时完成 5，逾期补录 1，缺失 0"), "{t}");
        assert!(t.contains("本周发现 2 项，已闭环 1 项") && t.contains("“充电器3C” 2 次"), "{t}");
        let review = WeeklyReviewForm { period: "2026-W10".into(), analysis: " ".into(), ..Default::default() };
        let e = review.check(Cadence::Weeks(1)).unwrap_err();
        assert!(e.get("analysis").is_some() && e.get("conclusions").is_some());
    }

    #[test]
    fn reminders_wait_for_the_morning_or_a_third_of_a_shift() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let day = Period::parse(Cadence::Days(1), "2026-03-02").unwrap().window();
        assert!(!reminder_due(&day, at("2026-03-02T07:59:59+08:00")));
        assert!(reminder_due(&day, at("2026-03-02T08:00:00+08:00")));
        let week = Period::parse(Cadence::Weeks(1), "2026-W10").unwrap().window();
        assert!(!reminder_due(&week, at("2026-03-02T08:59:59+08:00")));
        assert!(reminder_due(&week, at("2026-03-02T09:00:00+08:00")));
        let shift = Period::parse(Cadence::Shifts(3), "2026-03-02#2").unwrap().window();
        assert!(!reminder_due(&shift, at("2026-03-02T10:39:59+08:00")), "the second of three shifts opens at 08:00");
        assert!(reminder_due(&shift, at("2026-03-02T10:40:00+08:00")));
    }

    #[test]
    fn a_check_cannot_be_made_before_its_day() {
        let info = form(&[("conforming", "")]).check(Cadence::Days(1)).unwrap();
        let window = info.period.window();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert!(check_timing(&info.period, &window, at("2026-03-01T23:59:59+08:00")).is_err());
        assert!(check_timing(&info.period, &window, at("2026-03-02T00:00:00+08:00")).is_ok());
        assert!(check_timing(&info.period, &window, at("2026-03-05T10:00:00+08:00")).is_ok(), "late is accepted");
    }
}
