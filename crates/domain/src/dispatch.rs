//! The monthly dispatch (月调度) and self-inspection (自查) (DOMAIN §5).
//!
//! Seed: the principal hears the director's report at least once a month (月调度); DOMAIN §5: the meeting summarises
//! the month — daily management, hazards found and fixed — and schedules next month's key work; minutes are kept
//! 《每月工业产品质量安全调度会议纪要》. \[reading\] The minutes record the meeting (time, place, host, recorder,
//! attendees), the director's report (drafted from the month's records), the summary, the decisions and next month's
//! key work with an owner and a due date each, which become tasks; the principal confirms the minutes.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::cadence::Cadence;
use crate::forms::FieldErrors;
use crate::period::Period;

/// One piece of next month's key work, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaskForm {
    /// 工作内容.
    pub work: String,
    /// 责任人.
    pub owner: String,
    /// 完成期限, `YYYY-MM-DD`.
    pub due: String,
}

/// One piece of key work, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// What is to be done.
    pub work: String,
    /// Who does it.
    pub owner: String,
    /// By when.
    pub due: NaiveDate,
}

/// The minutes of a monthly dispatch meeting, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MonthlyMeetingForm {
    /// The month, e.g. `2026-03` (or the unit's own monthly period).
    pub period: String,
    /// When the meeting was held, `YYYY-MM-DDTHH:MM` (Beijing time).
    pub held_at: String,
    /// 地点.
    pub place: String,
    /// 主持人.
    pub host: String,
    /// 记录人.
    pub recorder: String,
    /// 参会人员, separated by commas, 、 or new lines.
    pub attendees: String,
    /// 质量安全总监工作汇报: the director's report, drafted from the month's records.
    pub report: String,
    /// 本月工作总结.
    pub summary: String,
    /// 会议决定事项.
    pub decisions: String,
    /// 下月重点工作.
    pub tasks: Vec<TaskForm>,
    /// The minutes these correct.
    pub amends: Option<i64>,
}

/// Minutes, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyMeetingInfo {
    /// The period.
    pub period: Period,
    /// When it was held, Beijing time.
    pub held_at: NaiveDateTime,
    /// Where.
    pub place: String,
    /// Who chaired it.
    pub host: String,
    /// Who took the minutes.
    pub recorder: String,
    /// Who attended.
    pub attendees: Vec<String>,
    /// The director's report.
    pub report: String,
    /// The month's summary.
    pub summary: String,
    /// Decisions.
    pub decisions: String,
    /// Next month's key work.
    pub tasks: Vec<Task>,
    /// The minutes these correct.
    pub amends: Option<i64>,
}

/// The most key-work lines one meeting may set.
pub const MAX_TASKS: usize = 30;

/// Parses `YYYY-MM-DDTHH:MM` (as a browser's `datetime-local` sends it) or `YYYY-MM-DD HH:MM`.
#[must_use]
pub fn parse_local_minute(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

/// Splits a list of names typed with commas, 、, semicolons or new lines.
#[must_use]
pub fn split_names(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ';', '；', '\n', '\r'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

impl MonthlyMeetingForm {
    /// Checks every field against the unit's monthly cadence. A meeting cannot have been held in the future nor
    /// before its period began; each key-work line needs its owner and a due date not before the meeting.
    pub fn check(&self, cadence: Cadence, now: DateTime<Utc>) -> Result<MonthlyMeetingInfo, FieldErrors> {
        let mut e = FieldErrors::default();
        let period = Period::parse(cadence, self.period.trim()).map_err(|err| e.add("period", err.to_string())).ok();
        let local_now = now.with_timezone(&crate::time::shanghai()).naive_local();
        let held_at = match parse_local_minute(&self.held_at) {
            None => {
                e.add("held_at", "请填写会议时间，格式为 YYYY-MM-DD HH:MM");
                None
            }
            Some(t) if t > local_now => {
                e.add("held_at", "会议时间不能晚于现在：纪要记录已召开的会议");
                None
            }
            Some(t) => {
                let first = period.and_then(|p| crate::time::date_of_day(p.window().first_day));
                if first.is_some_and(|first| t.date() < first) {
                    e.add("held_at", format!("会议时间早于所调度的时段 {}", self.period.trim()));
                }
                Some(t)
            }
        };
        let place = e.text("place", "会议地点", &self.place, 100);
        let host = e.text("host", "主持人", &self.host, 50);
        let recorder = e.text("recorder", "记录人", &self.recorder, 50);
        let attendees = split_names(&self.attendees);
        if attendees.is_empty() {
            e.add("attendees", "请填写参会人员");
        } else if attendees.len() > 100 || attendees.iter().any(|a| a.chars().count() > 50) {
            e.add("attendees", "参会人员不能超过 100 人，每个姓名不超过 50 个字");
        }
        let report = e.text("report", "质量安全总监工作汇报", &self.report, 10_000);
        let summary = e.text("summary", "本月工作总结", &self.summary, 5000);
        let decisions = e.text("decisions", "会议决定事项", &self.decisions, 5000);
        let lines: Vec<&TaskForm> = self
            .tasks
            .iter()
            .filter(|t| !(t.work.trim().is_empty() && t.owner.trim().is_empty() && t.due.trim().is_empty()))
            .collect();
        if lines.is_empty() {
            e.add("tasks", "请至少安排一项下月重点工作");
        }
        if lines.len() > MAX_TASKS {
            e.add("tasks", format!("下月重点工作不能超过 {MAX_TASKS} 项"));
        }
        let mut tasks = Vec::with_capacity(lines.len());
        for (i, t) in lines.iter().enumerate() {
            let n = i + 1;
            let mut line = FieldErrors::default();
            let work = line.text(&format!("tasks/{i}/work"), &format!("第 {n} 项重点工作的内容"), &t.work, 500);
            let owner = line.text(&format!("tasks/{i}/owner"), &format!("第 {n} 项重点工作的责任人"), &t.owner, 50);
            let due = line.date(&format!("tasks/{i}/due"), &format!("第 {n} 项重点工作的完成期限"), &t.due);
            if let (Some(due), Some(held)) = (due, held_at)
                && due < held.date()
            {
                line.add(&format!("tasks/{i}/due"), format!("第 {n} 项重点工作的完成期限早于会议日期"));
            }
            if let (true, Some(due)) = (line.is_empty(), due) {
                tasks.push(Task { work, owner, due });
            }
            e.0.extend(line.0);
        }
        match (period, held_at) {
            (Some(period), Some(held_at)) if e.is_empty() => Ok(MonthlyMeetingInfo {
                period,
                held_at,
                place,
                host,
                recorder,
                attendees,
                report,
                summary,
                decisions,
                tasks,
                amends: self.amends,
            }),
            _ => Err(e),
        }
    }
}

/// What the system drafts for the director's report from the month's records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthlyDraft {
    /// Daily slots of the month: done, late, missing, excused.
    pub daily: [u32; 4],
    /// Weekly slots touching the month: done, late, missing, excused.
    pub weekly: [u32; 4],
    /// Daily checks submitted in the month, and of them zero-risk reports.
    pub checks: u32,
    /// Of which zero-risk reports.
    pub zero_risk: u32,
    /// Hazards found in the month.
    pub hazards_found: u32,
    /// Of which closed.
    pub hazards_closed: u32,
    /// Hazards not closed at drafting, whenever found.
    pub hazards_open: u32,
    /// Of which past their deadline.
    pub hazards_overdue: u32,
    /// Vetoes proposed in the month.
    pub vetoes: u32,
    /// Self-inspections made in the month.
    pub inspections: u32,
    /// Items found non-conforming more than once in the month, with the count.
    pub repeated: Vec<(String, u32)>,
    /// Last month's key work not done by its due date.
    pub tasks_overdue: Vec<String>,
}

impl MonthlyDraft {
    /// The draft as the text of the director's report.
    #[must_use]
    pub fn text(&self) -> String {
        let [done, late, missing, excused] = self.daily;
        let [w_done, w_late, w_missing, w_excused] = self.weekly;
        let mut t = format!(
            "一、日管控：本月应检 {} 个时段，按时完成 {done}，逾期补录 {late}，缺失 {missing}，停业或休息免除 {excused}；\
             共提交检查记录 {} 份，其中零风险报告 {} 份。\n",
            done + late + missing + excused,
            self.checks,
            self.zero_risk
        );
        t.push_str(&format!(
            "二、周排查：应排查 {} 次，按时完成 {w_done}，逾期补录 {w_late}，缺失 {w_missing}，免除 {w_excused}；\
             另开展自查 {} 次。\n",
            w_done + w_late + w_missing + w_excused,
            self.inspections
        ));
        t.push_str(&format!(
            "三、风险隐患：本月发现 {} 项，已闭环 {} 项；全部未闭环隐患 {} 项，其中逾期 {} 项；本月提出否决建议 {} 项。\n",
            self.hazards_found, self.hazards_closed, self.hazards_open, self.hazards_overdue, self.vetoes
        ));
        if self.repeated.is_empty() {
            t.push_str("四、本月无反复出现的不符合项。\n");
        } else {
            let list: Vec<String> = self.repeated.iter().map(|(item, n)| format!("“{item}” {n} 次")).collect();
            t.push_str(&format!("四、反复出现的不符合项：{}。\n", list.join("；")));
        }
        if self.tasks_overdue.is_empty() {
            t.push_str("五、上月安排的重点工作均已按期完成或尚未到期。\n");
        } else {
            t.push_str(&format!("五、逾期未完成的重点工作：{}。\n", self.tasks_overdue.join("；")));
        }
        t
    }
}

/// A self-inspection (自查) as typed: the unit's own look at its compliance, which may be linked to a weekly
/// investigation.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SelfInspectionForm {
    /// The day it was made, `YYYY-MM-DD`.
    pub date: String,
    /// 自查范围.
    pub scope: String,
    /// 发现的问题 (empty: none found).
    pub findings: String,
    /// 整改措施 (required when something was found).
    pub measures: String,
    /// The weekly investigation it belongs to.
    pub weekly_review: Option<i64>,
    /// Open a hazard for the findings.
    pub raise_hazard: bool,
}

/// A self-inspection, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfInspectionInfo {
    /// The day.
    pub date: NaiveDate,
    /// Scope.
    pub scope: String,
    /// Findings.
    pub findings: String,
    /// Measures.
    pub measures: String,
    /// The linked weekly investigation.
    pub weekly_review: Option<i64>,
    /// Open a hazard for the findings.
    pub raise_hazard: bool,
}

impl SelfInspectionForm {
    /// Checks every field: not dated in the future; measures when something was found; a hazard only for findings.
    pub fn check(&self, today: NaiveDate) -> Result<SelfInspectionInfo, FieldErrors> {
        let mut e = FieldErrors::default();
        let date = e.date("date", "自查日期", &self.date);
        if date.is_some_and(|d| d > today) {
            e.add("date", "自查日期不能晚于今天");
        }
        let scope = e.text("scope", "自查范围", &self.scope, 1000);
        let findings = e.optional_text("findings", "发现的问题", &self.findings, 5000);
        let measures = if findings.is_empty() {
            e.optional_text("measures", "整改措施", &self.measures, 5000)
        } else {
            e.text("measures", "整改措施", &self.measures, 5000)
        };
        if self.raise_hazard && findings.is_empty() {
            e.add("raise_hazard", "未发现问题，无需登记风险隐患");
        }
        match date {
            Some(date) if e.is_empty() => Ok(SelfInspectionInfo {
                date,
                scope,
                findings,
                measures,
                weekly_review: self.weekly_review,
                raise_hazard: self.raise_hazard,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn minutes() -> MonthlyMeetingForm {
        MonthlyMeetingForm {
            period: "2026-03".into(),
            held_at: "2026-03-30T15:00".into(),
            place: "二楼会议室".into(),
            host: "王主任".into(),
            recorder: "李四".into(),
            attendees: "王主任、张总监，李四\n赵五".into(),
            report: "本月情况".into(),
            summary: "总结".into(),
            decisions: "决定".into(),
            tasks: vec![
                TaskForm { work: "更新风险清单".into(), owner: "张总监".into(), due: "2026-04-10".into() },
                TaskForm::default(),
            ],
            amends: None,
        }
    }

    #[test]
    fn minutes_are_checked_field_by_field() {
        let info = minutes().check(Cadence::Months(1), at("2026-03-30T08:00:00Z")).unwrap();
        assert_eq!(info.attendees, ["王主任", "张总监", "李四", "赵五"]);
        assert_eq!(info.tasks.len(), 1, "blank lines are dropped");
        assert_eq!(info.tasks[0].due, NaiveDate::from_ymd_opt(2026, 4, 10).unwrap());

        let e = minutes().check(Cadence::Months(1), at("2026-03-30T06:59:00Z")).unwrap_err();
        assert!(e.get("held_at").unwrap().contains("不能晚于现在"), "15:00 Beijing is 07:00 UTC");

        let early = MonthlyMeetingForm { held_at: "2026-02-27 10:00".into(), ..minutes() };
        assert!(early.check(Cadence::Months(1), at("2026-04-01T00:00:00Z")).unwrap_err().get("held_at").is_some());

        let mut bad = minutes();
        bad.tasks = vec![TaskForm { work: "复训".into(), owner: String::new(), due: "2026-03-01".into() }];
        bad.attendees = " 、 ".into();
        let e = bad.check(Cadence::Months(1), at("2026-04-01T00:00:00Z")).unwrap_err();
        assert!(e.get("tasks/0/owner").is_some() && e.get("tasks/0/due").unwrap().contains("早于会议日期"));
        assert!(e.get("attendees").is_some());
        bad.tasks.clear();
        assert!(bad.check(Cadence::Months(1), at("2026-04-01T00:00:00Z")).unwrap_err().get("tasks").is_some());
    }

    #[test]
    fn the_monthly_draft_reads_as_a_report() {
        let d = MonthlyDraft {
            daily: [20, 2, 1, 8],
            weekly: [3, 1, 0, 0],
            checks: 23,
            zero_risk: 20,
            hazards_found: 3,
            hazards_closed: 2,
            hazards_open: 1,
            hazards_overdue: 1,
            vetoes: 1,
            inspections: 2,
            repeated: vec![],
            tasks_overdue: vec!["复训（张三，2026-03-10）".into()],
        };
        let t = d.text();
        assert!(t.contains("本月应检 31 个时段，按时完成 20，逾期补录 2，缺失 1"), "{t}");
        assert!(t.contains("应排查 4 次") && t.contains("自查 2 次") && t.contains("其中逾期 1 项"), "{t}");
        assert!(t.contains("逾期未完成的重点工作：复训"), "{t}");
    }

    #[test]
    fn a_self_inspection_with_findings_needs_measures() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        let form = SelfInspectionForm {
            date: "2026-03-05".into(),
            scope: "进货查验".into(),
            findings: "两批次缺合格证".into(),
            raise_hazard: true,
            ..Default::default()
        };
        assert!(form.check(today).unwrap_err().get("measures").is_some());
        let ok = SelfInspectionForm { measures: "退货".into(), ..form.clone() };
        assert!(ok.check(today).unwrap().raise_hazard);
        let nothing = SelfInspectionForm { findings: String::new(), ..ok.clone() };
        assert!(nothing.check(today).unwrap_err().get("raise_hazard").is_some());
        let future = SelfInspectionForm { date: "2026-03-06".into(), ..ok };
        assert!(future.check(today).unwrap_err().get("date").is_some());
    }
}
