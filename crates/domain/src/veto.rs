//! The veto (否决建议), DOMAIN §7, Order 76 Art. 4: "质量安全总监、质量安全员发现产品存在危及安全的缺陷时，应当提出停止相应产品销售
//! 等否决建议，销售单位主要负责人应当立即组织分析研判，采取处……". A director or officer proposes; the principal must answer
//! at once — accept or reject, with reasons and measures. An unanswered veto escalates \[reading\].

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::forms::FieldErrors;

/// A veto as proposed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VetoForm {
    /// The product concerned (name, model, batch).
    pub product: String,
    /// The defect that endangers safety.
    pub defect: String,
    /// What is proposed: stop selling, recall, …
    pub proposal: String,
}

/// A veto, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VetoInfo {
    /// Product.
    pub product: String,
    /// Defect.
    pub defect: String,
    /// Proposal.
    pub proposal: String,
}

impl VetoForm {
    /// Checks every field.
    pub fn check(&self) -> Result<VetoInfo, FieldErrors> {
        let mut e = FieldErrors::default();
        let product = e.text("product", "涉及产品", &self.product, 200);
        let defect = e.text("defect", "缺陷情况", &self.defect, 2000);
        let proposal = e.text("proposal", "否决建议", &self.proposal, 2000);
        e.into_result(VetoInfo { product, defect, proposal })
    }
}

/// The principal's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VetoDecision {
    /// 采纳 — the proposal is carried out.
    Accept,
    /// 不采纳 — with reasons.
    Reject,
}

impl VetoDecision {
    /// `accept` or `reject`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
        }
    }

    /// Parses a code.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "accept" => Some(Self::Accept),
            "reject" => Some(Self::Reject),
            _ => None,
        }
    }

    /// The Chinese name.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Accept => "采纳",
            Self::Reject => "不采纳",
        }
    }
}

/// The principal's answer as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VetoAnswerForm {
    /// `accept` or `reject`.
    pub decision: String,
    /// The analysis and the reasons.
    pub reasons: String,
    /// The measures taken.
    pub measures: String,
}

/// An answer, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VetoAnswer {
    /// Decision.
    pub decision: VetoDecision,
    /// Reasons.
    pub reasons: String,
    /// Measures.
    pub measures: String,
}

impl VetoAnswerForm {
    /// Checks every field: reasons always, measures when the veto is accepted.
    pub fn check(&self) -> Result<VetoAnswer, FieldErrors> {
        let mut e = FieldErrors::default();
        let decision = VetoDecision::parse(self.decision.trim());
        if decision.is_none() {
            e.add("decision", "请选择采纳或不采纳");
        }
        let reasons = e.text("reasons", "研判意见与理由", &self.reasons, 2000);
        let measures = e.optional_text("measures", "采取的措施", &self.measures, 2000);
        if decision == Some(VetoDecision::Accept) && measures.is_empty() {
            e.add("measures", "采纳否决建议时须写明采取的措施（如停止销售、下架、召回）");
        }
        match decision {
            Some(decision) if e.is_empty() => Ok(VetoAnswer { decision, reasons, measures }),
            _ => Err(e),
        }
    }
}

/// The default time the principal has to answer before a veto escalates.
pub const DEFAULT_ESCALATION_HOURS: i64 = 24;

/// Whether an unanswered veto proposed at `proposed` has escalated by `now`.
#[must_use]
pub fn escalated(proposed: DateTime<Utc>, answered: bool, now: DateTime<Utc>, after: Duration) -> bool {
    !answered && now - proposed >= after
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_accepted_veto_needs_measures_and_every_answer_reasons() {
        let accept =
            VetoAnswerForm { decision: "accept".into(), reasons: "缺陷属实".into(), measures: String::new() };
        assert!(accept.check().unwrap_err().get("measures").is_some());
        let reject =
            VetoAnswerForm {
                decision: "reject".into(), reasons: "经检测符合标准".into(), measures: String::new()
            };
        assert_eq!(reject.check().unwrap().decision, VetoDecision::Reject);
        let none = VetoAnswerForm::default().check().unwrap_err();
        assert!(none.get("decision").is_some() && none.get("reasons").is_some());
        assert!(VetoForm::default().check().unwrap_err().0.len() == 3);
    }

    #[test]
    fn an_unanswered_veto_escalates_after_the_set_time() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let proposed = at("2026-03-02T10:00:00+08:00");
        let day = Duration::hours(DEFAULT_ESCALATION_HOURS);
        assert!(!escalated(proposed, false, at("2026-03-03T09:59:59+08:00"), day));
        assert!(escalated(proposed, false, at("2026-03-03T10:00:00+08:00"), day));
        assert!(!escalated(proposed, true, at("2026-03-05T10:00:00+08:00"), day));
    }
}
