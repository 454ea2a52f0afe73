//! Who may do what: roles, actions and the one policy every request is checked against.
//!
//! DOMAIN §1: a unit's people see only their unit; a regulator sees only units inside its jurisdiction (a subtree of
//! administrative divisions); the system administrator manages accounts. Roles inside a unit come from posts held now
//! (principal, director, officer); one person may hold posts in several units.

use serde::Serialize;

use crate::ident::DivisionCode;

/// A post in a unit (DOMAIN §1, §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Post {
    /// 主要负责人 — the principal person in charge.
    Principal,
    /// 质量安全总监 — the quality safety director.
    Director,
    /// 质量安全员 — a quality safety officer.
    Officer,
}

impl Post {
    /// Every post.
    pub const ALL: [Self; 3] = [Self::Principal, Self::Director, Self::Officer];

    /// `principal`, `director`, `officer`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Principal => "principal",
            Self::Director => "director",
            Self::Officer => "officer",
        }
    }

    /// Parses a code as given by [`Post::code`].
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == s)
    }

    /// The Chinese title.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Principal => "主要负责人",
            Self::Director => "质量安全总监",
            Self::Officer => "质量安全员",
        }
    }
}

/// A unit as access control sees it: its id and the division it lies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitRef {
    /// The unit's id.
    pub id: i64,
    /// Its administrative division.
    pub division: DivisionCode,
}

/// Who is asking: the signed-in account's standing, or nobody.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    /// Signed in at all.
    pub authenticated: bool,
    /// 系统管理员.
    pub admin: bool,
    /// Jurisdictions of a regulator account (市场监督管理部门), each a division subtree.
    pub jurisdictions: Vec<DivisionCode>,
    /// Posts held now: (unit id, post).
    pub posts: Vec<(i64, Post)>,
}

impl Subject {
    /// Nobody signed in.
    #[must_use]
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// Whether the subject holds `post` in `unit` now.
    #[must_use]
    pub fn holds(&self, unit: i64, post: Post) -> bool {
        self.posts.iter().any(|&(u, p)| u == unit && p == post)
    }

    /// Whether the subject holds any post in `unit` now.
    #[must_use]
    pub fn member_of(&self, unit: i64) -> bool {
        self.posts.iter().any(|&(u, _)| u == unit)
    }

    /// Whether a regulator's jurisdiction covers the division.
    #[must_use]
    pub fn oversees(&self, division: DivisionCode) -> bool {
        self.jurisdictions.iter().any(|j| j.contains(division))
    }

    /// Whether the account is a regulator's.
    #[must_use]
    pub fn is_regulator(&self) -> bool {
        !self.jurisdictions.is_empty()
    }
}

/// Everything a route can do. Each route declares exactly one; [`authorize`] decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Pages and endpoints open to everyone: log-in, health, public documents.
    Public,
    /// The account's own pages: home, password change, log-out.
    OwnAccount,
    /// Start onboarding a new unit (the starter becomes its principal). Not for regulators.
    CreateUnit,
    /// Manage accounts (system administrator).
    ManageAccounts,
    /// Import and export the question bank (system administrator).
    ManageQuestionBank,
    /// The regulator's work on its jurisdiction: the unit registry, the dashboard, spot checks (市场监督管理部门).
    Supervise,
    /// Read a unit's dashboard, profile, people, training, risk list and duty texts.
    ViewUnit,
    /// Change a unit's profile (onboarding steps).
    EditUnitProfile,
    /// Add people, appoint and dismiss, create their log-ins.
    ManagePeople,
    /// Record training and assessments.
    RecordTraining,
    /// Make a new version of the risk control list.
    EditRiskList,
    /// Make a new version of the duty texts.
    EditDutyTexts,
    /// Submit a daily check (日管控) — the officer's task.
    SubmitDailyCheck,
    /// Take a step on a hazard; which steps, the hazard rules decide by post.
    ActOnHazard,
    /// Submit the weekly investigation (周排查) — the director's, or an officer's.
    SubmitWeeklyReview,
    /// Propose a veto (否决建议) — a director or an officer.
    ProposeVeto,
    /// Answer a veto — the principal.
    AnswerVeto,
    /// Record the minutes of the monthly dispatch (月调度) — the principal or the director.
    RecordMonthlyMeeting,
    /// Confirm the minutes of the monthly dispatch — the principal.
    ConfirmMonthlyMeeting,
    /// Record a self-inspection (自查), or mark a piece of key work done — any of the unit's post holders.
    RecordSelfInspection,
}

impl Action {
    /// Why the action was refused to someone who is not allowed, in Chinese.
    #[must_use]
    pub fn refusal(self) -> &'static str {
        match self {
            Self::Public | Self::OwnAccount => "请先登录",
            Self::CreateUnit => "监管部门账号不能登记单位",
            Self::ManageAccounts => "账号管理仅限系统管理员",
            Self::ManageQuestionBank => "题库由系统管理员维护",
            Self::Supervise => "仅限市场监督管理部门账号",
            Self::ViewUnit => "无权查看该单位",
            Self::EditUnitProfile => "单位信息由本单位主要负责人修改",
            Self::ManagePeople => "人员与任命由本单位主要负责人办理",
            Self::RecordTraining => "培训考核记录由本单位主要负责人或质量安全总监录入",
            Self::EditRiskList => "风险管控清单由本单位主要负责人或质量安全总监修订",
            Self::EditDutyTexts => "岗位职责由本单位主要负责人修订",
            Self::SubmitDailyCheck => "日管控检查记录由本单位在任的质量安全员填写",
            Self::ActOnHazard => "风险隐患由本单位人员处置",
            Self::SubmitWeeklyReview => "周排查报告由本单位质量安全总监（或质量安全员）提交",
            Self::ProposeVeto => "否决建议由本单位质量安全总监或质量安全员提出",
            Self::AnswerVeto => "否决建议由本单位主要负责人研判答复",
            Self::RecordMonthlyMeeting => "月调度会议纪要由本单位主要负责人或质量安全总监记录",
            Self::ConfirmMonthlyMeeting => "月调度会议纪要由本单位主要负责人确认",
            Self::RecordSelfInspection => "自查记录由本单位人员填写",
        }
    }
}

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// Sign in first (401 / redirect to log-in).
    SignIn,
    /// Signed in, but not allowed here (403, or 404 where existence must not leak).
    Deny,
}

/// Decides whether `subject` may perform `action`, on `unit` when the action concerns one.
///
/// Unit-scoped actions without a unit are denied: a route that forgets its tenant fails closed.
#[must_use]
pub fn authorize(subject: &Subject, action: Action, unit: Option<UnitRef>) -> Decision {
    use Decision::{Allow, Deny, SignIn};
    if action == Action::Public {
        return Allow;
    }
    if !subject.authenticated {
        return SignIn;
    }
    let allowed = match action {
        Action::Public | Action::OwnAccount => true,
        Action::CreateUnit => !subject.is_regulator(),
        Action::ManageAccounts | Action::ManageQuestionBank => subject.admin,
        Action::Supervise => subject.is_regulator(),
        Action::ViewUnit => {
            unit.is_some_and(|u| subject.admin || subject.member_of(u.id) || subject.oversees(u.division))
        }
        Action::EditUnitProfile | Action::ManagePeople | Action::EditDutyTexts => {
            unit.is_some_and(|u| subject.holds(u.id, Post::Principal))
        }
        Action::SubmitDailyCheck => unit.is_some_and(|u| subject.holds(u.id, Post::Officer)),
        Action::ActOnHazard => unit.is_some_and(|u| subject.member_of(u.id)),
        Action::ProposeVeto => {
            unit.is_some_and(|u| subject.holds(u.id, Post::Director) || subject.holds(u.id, Post::Officer))
        }
        Action::AnswerVeto | Action::ConfirmMonthlyMeeting => {
            unit.is_some_and(|u| subject.holds(u.id, Post::Principal))
        }
        Action::RecordSelfInspection => unit.is_some_and(|u| subject.member_of(u.id)),
        Action::SubmitWeeklyReview => {
            unit.is_some_and(|u| subject.holds(u.id, Post::Director) || subject.holds(u.id, Post::Officer))
        }
        Action::RecordTraining | Action::EditRiskList | Action::RecordMonthlyMeeting => {
            unit.is_some_and(|u| subject.holds(u.id, Post::Principal) || subject.holds(u.id, Post::Director))
        }
    };
    if allowed { Allow } else { Deny }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn division(s: &str) -> DivisionCode {
        DivisionCode::parse(s).unwrap()
    }

    fn unit(id: i64) -> Option<UnitRef> {
        Some(UnitRef { id, division: division("440305") })
    }

    fn member(post: Post) -> Subject {
        Subject { authenticated: true, posts: vec![(1, post)], ..Subject::default() }
    }

    #[test]
    fn anonymous_callers_may_only_use_public_routes() {
        let nobody = Subject::anonymous();
        assert_eq!(authorize(&nobody, Action::Public, None), Decision::Allow);
        assert_eq!(authorize(&nobody, Action::ViewUnit, unit(1)), Decision::SignIn);
        assert_eq!(authorize(&nobody, Action::OwnAccount, None), Decision::SignIn);
    }

    #[test]
    fn a_units_people_see_only_their_unit() {
        for post in Post::ALL {
            let s = member(post);
            assert_eq!(authorize(&s, Action::ViewUnit, unit(1)), Decision::Allow);
            assert_eq!(authorize(&s, Action::ViewUnit, unit(2)), Decision::Deny);
        }
    }

    #[test]
    fn only_the_principal_appoints_and_only_principal_or_director_train() {
        assert_eq!(authorize(&member(Post::Principal), Action::ManagePeople, unit(1)), Decision::Allow);
        assert_eq!(authorize(&member(Post::Director), Action::ManagePeople, unit(1)), Decision::Deny);
        assert_eq!(authorize(&member(Post::Director), Action::RecordTraining, unit(1)), Decision::Allow);
        assert_eq!(authorize(&member(Post::Officer), Action::RecordTraining, unit(1)), Decision::Deny);
        assert_eq!(authorize(&member(Post::Principal), Action::ManagePeople, unit(2)), Decision::Deny);
    }

    #[test]
    fn only_officers_submit_daily_checks() {
        assert_eq!(authorize(&member(Post::Officer), Action::SubmitDailyCheck, unit(1)), Decision::Allow);
        assert_eq!(authorize(&member(Post::Principal), Action::SubmitDailyCheck, unit(1)), Decision::Deny);
        assert_eq!(authorize(&member(Post::Officer), Action::SubmitDailyCheck, unit(2)), Decision::Deny);
    }

    #[test]
    fn a_regulator_reads_units_inside_its_jurisdiction_only() {
        let city = Subject { authenticated: true, jurisdictions: vec![division("440300")], ..Subject::default() };
        assert_eq!(authorize(&city, Action::ViewUnit, unit(1)), Decision::Allow);
        let elsewhere = Some(UnitRef { id: 3, division: division("110105") });
        assert_eq!(authorize(&city, Action::ViewUnit, elsewhere), Decision::Deny);
        assert_eq!(authorize(&city, Action::EditRiskList, unit(1)), Decision::Deny);
        assert_eq!(authorize(&city, Action::CreateUnit, None), Decision::Deny);
    }

    #[test]
    fn unit_actions_without_a_unit_fail_closed() {
        let admin = Subject { authenticated: true, admin: true, ..Subject::default() };
        assert_eq!(authorize(&admin, Action::ViewUnit, None), Decision::Deny);
        assert_eq!(authorize(&admin, Action::ViewUnit, unit(9)), Decision::Allow);
        assert_eq!(authorize(&admin, Action::EditRiskList, unit(9)), Decision::Deny, "records are the unit's own");
        assert_eq!(authorize(&admin, Action::ManageAccounts, None), Decision::Allow);
    }
}
