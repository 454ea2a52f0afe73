//! Hazards (风险隐患): the closed loop from finding to verified rectification (DOMAIN §5, issue of the duty cycle).
//!
//! A risk found in daily control is "handled at once and reported to the director" \[reading\]; the weekly
//! investigation resolves what daily control found. The loop: found (待处置) → assigned an owner and a deadline
//! (整改中) → rectified with evidence (待验证) → verified by the director (已闭环), or sent back (整改中). Every step is
//! an event; a hazard past its deadline and not closed is overdue.

use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;

use crate::access::Post;

/// Where a hazard stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HazardStatus {
    /// 待处置 — found, not yet assigned.
    Open,
    /// 整改中 — an owner and a deadline are set.
    Assigned,
    /// 待验证 — rectified, awaiting the director's verification.
    Rectified,
    /// 已闭环 — verified.
    Closed,
}

impl HazardStatus {
    /// `open`, `assigned`, `rectified`, `closed`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Assigned => "assigned",
            Self::Rectified => "rectified",
            Self::Closed => "closed",
        }
    }

    /// Parses a code.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Assigned, Self::Rectified, Self::Closed].into_iter().find(|x| x.code() == s)
    }

    /// The Chinese name.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "待处置",
            Self::Assigned => "整改中",
            Self::Rectified => "待验证",
            Self::Closed => "已闭环",
        }
    }
}

/// A step taken on a hazard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HazardStep {
    /// Record the immediate measure taken (下架、隔离…); any post of the unit.
    Measure {
        /// What was done.
        measure: String,
    },
    /// Set who rectifies it and by when; director or principal.
    Assign {
        /// The person responsible.
        owner: String,
        /// The deadline.
        deadline: NaiveDate,
    },
    /// Report it rectified, with evidence; any post of the unit.
    Rectify {
        /// What was done, the evidence.
        evidence: String,
    },
    /// Verify the rectification and close the hazard; director (or principal).
    Verify {
        /// The verifier's note.
        note: String,
    },
    /// Send the rectification back; director (or principal).
    Reject {
        /// Why.
        note: String,
    },
}

impl HazardStep {
    /// `measure`, `assign`, `rectify`, `verify`, `reject`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Measure { .. } => "measure",
            Self::Assign { .. } => "assign",
            Self::Rectify { .. } => "rectify",
            Self::Verify { .. } => "verify",
            Self::Reject { .. } => "reject",
        }
    }

    /// The Chinese name.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Measure { .. } => "立即措施",
            Self::Assign { .. } => "指定整改",
            Self::Rectify { .. } => "整改完成",
            Self::Verify { .. } => "验证闭环",
            Self::Reject { .. } => "退回整改",
        }
    }

    /// The text the step records.
    #[must_use]
    pub fn text(&self) -> String {
        match self {
            Self::Measure { measure } => measure.clone(),
            Self::Assign { owner, deadline } => format!("{owner}，{deadline} 前完成"),
            Self::Rectify { evidence } => evidence.clone(),
            Self::Verify { note } | Self::Reject { note } => note.clone(),
        }
    }
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StepError {
    /// The step does not apply in this state.
    #[error("隐患当前为“{status}”，不能进行“{step}”")]
    WrongState {
        /// The current state's label.
        status: &'static str,
        /// The step's label.
        step: &'static str,
    },
    /// The person's posts do not allow the step.
    #[error("“{step}”须由质量安全总监或主要负责人办理")]
    NotAllowed {
        /// The step's label.
        step: &'static str,
    },
    /// A deadline in the past.
    #[error("整改期限不能早于今天")]
    PastDeadline,
}

/// The state after `step`, if `step` is allowed now for someone holding `posts` in the unit.
pub fn apply(
    status: HazardStatus,
    step: &HazardStep,
    posts: &[Post],
    today: NaiveDate,
) -> Result<HazardStatus, StepError> {
    let manager = posts.iter().any(|p| matches!(p, Post::Director | Post::Principal));
    let wrong = || StepError::WrongState { status: status.label(), step: step.label() };
    match step {
        HazardStep::Measure { .. } if status != HazardStatus::Closed => Ok(status),
        HazardStep::Assign { deadline, .. } if matches!(status, HazardStatus::Open | HazardStatus::Assigned) => {
            if !manager {
                return Err(StepError::NotAllowed { step: step.label() });
            }
            if *deadline < today {
                return Err(StepError::PastDeadline);
            }
            Ok(HazardStatus::Assigned)
        }
        HazardStep::Rectify { .. } if status == HazardStatus::Assigned => Ok(HazardStatus::Rectified),
        HazardStep::Verify { .. } | HazardStep::Reject { .. } if status == HazardStatus::Rectified => {
            if !manager {
                return Err(StepError::NotAllowed { step: step.label() });
            }
            Ok(if matches!(step, HazardStep::Verify { .. }) { HazardStatus::Closed } else { HazardStatus::Assigned })
        }
        _ => Err(wrong()),
    }
}

/// Whether a hazard is overdue on `today`: not closed and past its deadline.
#[must_use]
pub fn overdue(status: HazardStatus, deadline: Option<NaiveDate>, today: NaiveDate) -> bool {
    status != HazardStatus::Closed && deadline.is_some_and(|d| d < today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use HazardStatus::*;

    fn d(s: &str) -> NaiveDate {
        crate::time::parse_iso_date(s).unwrap()
    }

    #[test]
    fn the_loop_closes_only_through_assignment_rectification_and_verification() {
        let today = d("2026-03-02");
        let director = [Post::Director];
        let officer = [Post::Officer];
        let assign = HazardStep::Assign { owner: "王芳".into(), deadline: d("2026-03-05") };
        assert_eq!(apply(Open, &HazardStep::Measure { measure: "已下架".into() }, &officer, today), Ok(Open));
        assert!(matches!(apply(Open, &assign, &officer, today), Err(StepError::NotAllowed { .. })));
        assert_eq!(apply(Open, &assign, &director, today), Ok(Assigned));
        let rectify = HazardStep::Rectify { evidence: "已退货并补录台账".into() };
        assert!(matches!(apply(Open, &rectify, &officer, today), Err(StepError::WrongState { .. })));
        assert_eq!(apply(Assigned, &rectify, &officer, today), Ok(Rectified));
        let verify = HazardStep::Verify { note: "现场核实".into() };
        assert!(matches!(apply(Rectified, &verify, &officer, today), Err(StepError::NotAllowed { .. })));
        assert_eq!(apply(Rectified, &HazardStep::Reject { note: "台账未补".into() }, &director, today), Ok(Assigned));
        assert_eq!(apply(Rectified, &verify, &director, today), Ok(Closed));
        assert!(apply(Closed, &HazardStep::Measure { measure: "x".into() }, &director, today).is_err());
        let late = HazardStep::Assign { owner: "王芳".into(), deadline: d("2026-03-01") };
        assert_eq!(apply(Open, &late, &director, today), Err(StepError::PastDeadline));
    }

    #[test]
    fn a_hazard_past_its_deadline_is_overdue_until_closed() {
        let today = d("2026-03-10");
        assert!(overdue(Assigned, Some(d("2026-03-09")), today));
        assert!(!overdue(Assigned, Some(d("2026-03-10")), today));
        assert!(!overdue(Closed, Some(d("2026-03-01")), today));
        assert!(!overdue(Open, None, today));
    }
}
