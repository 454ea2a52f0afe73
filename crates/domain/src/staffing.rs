//! Appointments and the staffing they add up to (DOMAIN §4).
//!
//! Seed: "销售单位应当组织对质量安全总监、质量安全员进行法律法规、标准和专业知识培训、考核，未通过考核的人员不得担任相应岗位的
//! 质量安全管理人员" — nobody becomes director or officer without a passed assessment on record. The seed sets no head
//! count; [`recommended_officers`] is a recommendation, never a legal minimum beyond one.

use chrono::NaiveDate;
use thiserror::Error;

use crate::access::Post;
use crate::scope::{Assessment, Scale};

/// Full-time or part-time (专职或兼职 — both allowed by the seed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Employment {
    /// 专职.
    FullTime,
    /// 兼职.
    PartTime,
}

impl Employment {
    /// `full_time` or `part_time`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::FullTime => "full_time",
            Self::PartTime => "part_time",
        }
    }

    /// Parses a code as given by [`Employment::code`].
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "full_time" => Some(Self::FullTime),
            "part_time" => Some(Self::PartTime),
            _ => None,
        }
    }

    /// The Chinese name.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::FullTime => "专职",
            Self::PartTime => "兼职",
        }
    }
}

/// One assessment result on record for a person (training records with a score).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssessmentResult {
    /// When it was taken.
    pub date: NaiveDate,
    /// Whether it was passed.
    pub passed: bool,
}

/// A post held by a person over a span of dates (`to` exclusive of nothing: inclusive last day, open when `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tenure {
    /// The post.
    pub post: Post,
    /// First day.
    pub from: NaiveDate,
    /// Last day, if it has ended.
    pub to: Option<NaiveDate>,
}

impl Tenure {
    /// Whether the tenure covers `day`.
    #[must_use]
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }

    fn overlaps(&self, from: NaiveDate) -> bool {
        self.to.is_none_or(|to| from <= to)
    }
}

/// Why an appointment is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AppointError {
    /// No passed assessment on or before the first day (seed: 未通过考核的人员不得担任).
    #[error("{name}尚无通过的考核记录，按《规定》未通过考核的人员不得担任{post}；请先录入其培训考核结果")]
    NotAssessed {
        /// The person's name.
        name: String,
        /// The post's title.
        post: &'static str,
    },
    /// The person already holds the post over an overlapping span.
    #[error("{name}已在任{post}（自 {since} 起），不能重复任命")]
    AlreadyHolds {
        /// The person's name.
        name: String,
        /// The post's title.
        post: &'static str,
        /// Since when.
        since: NaiveDate,
    },
}

/// Checks an appointment of `name` to `post` from `from` against the person's assessments and tenures.
pub fn check_appointment(
    name: &str,
    post: Post,
    from: NaiveDate,
    assessments: &[AssessmentResult],
    tenures: &[Tenure],
) -> Result<(), AppointError> {
    if let Some(t) = tenures.iter().find(|t| t.post == post && t.overlaps(from)) {
        return Err(AppointError::AlreadyHolds { name: name.to_owned(), post: post.label(), since: t.from });
    }
    let needs_assessment = matches!(post, Post::Director | Post::Officer);
    if needs_assessment && !assessments.iter().any(|a| a.passed && a.date <= from) {
        return Err(AppointError::NotAssessed { name: name.to_owned(), post: post.label() });
    }
    Ok(())
}

/// The officers the system recommends for a size class \[reading\]: 1 small, 2 medium, 3 large. The law sets no
/// count ("没有提出具体的数量要求"); only one officer is required.
#[must_use]
pub fn recommended_officers(scale: Scale) -> u32 {
    match scale {
        Scale::Small => 1,
        Scale::Medium => 2,
        Scale::Large => 3,
    }
}

/// Where a unit stands against its staffing obligations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staffing {
    /// A director is required.
    pub director_required: bool,
    /// Directors appointed now.
    pub directors: u32,
    /// Officers are required (at least one).
    pub officer_required: bool,
    /// Officers appointed now.
    pub officers: u32,
    /// Officers recommended for the unit's size.
    pub officers_recommended: u32,
    /// A principal is on record.
    pub principal: bool,
}

impl Staffing {
    /// Tallies the posts held on `day` against the assessment.
    #[must_use]
    pub fn tally(assessment: &Assessment, tenures: &[Tenure], day: NaiveDate) -> Self {
        let count = |post| {
            u32::try_from(tenures.iter().filter(|t| t.post == post && t.covers(day)).count()).unwrap_or(u32::MAX)
        };
        Self {
            director_required: assessment.director_required,
            directors: count(Post::Director),
            officer_required: assessment.officer_required,
            officers: count(Post::Officer),
            officers_recommended: if assessment.officer_required { recommended_officers(assessment.scale) } else { 0 },
            principal: count(Post::Principal) > 0,
        }
    }

    /// Every legal requirement met: the director if required, at least one officer if required.
    #[must_use]
    pub fn is_staffed(&self) -> bool {
        (!self.director_required || self.directors > 0) && (!self.officer_required || self.officers > 0)
    }

    /// What is missing, as sentences a person reads.
    #[must_use]
    pub fn gaps(&self) -> Vec<String> {
        let mut gaps = Vec::new();
        if self.director_required && self.directors == 0 {
            gaps.push("尚未任命质量安全总监".to_owned());
        }
        if self.officer_required && self.officers == 0 {
            gaps.push("尚未任命质量安全员（至少一名）".to_owned());
        }
        gaps
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::{Category3Policy, Channel, ProductClass, Products, UnitProfile, assess};

    fn d(s: &str) -> NaiveDate {
        crate::time::parse_iso_date(s).unwrap()
    }

    #[test]
    fn nobody_is_appointed_officer_or_director_without_a_passed_assessment() {
        let failed = [AssessmentResult { date: d("2026-01-10"), passed: false }];
        for post in [Post::Officer, Post::Director] {
            let err = check_appointment("王芳", post, d("2026-02-01"), &failed, &[]).unwrap_err();
            assert!(err.to_string().contains("未通过考核的人员不得担任"), "{err}");
        }
        let passed = [AssessmentResult { date: d("2026-01-10"), passed: true }];
        assert_eq!(check_appointment("王芳", Post::Officer, d("2026-02-01"), &passed, &[]), Ok(()));
        // A pass dated after the first day of the post does not back-date the appointment.
        assert!(check_appointment("王芳", Post::Officer, d("2026-01-09"), &passed, &[]).is_err());
        assert_eq!(check_appointment("李强", Post::Principal, d("2026-02-01"), &[], &[]), Ok(()));
    }

    #[test]
    fn a_post_already_held_cannot_be_given_again() {
        let passed = [AssessmentResult { date: d("2026-01-10"), passed: true }];
        let current = [Tenure { post: Post::Officer, from: d("2026-01-15"), to: None }];
        let err = check_appointment("王芳", Post::Officer, d("2026-02-01"), &passed, &current).unwrap_err();
        assert!(matches!(err, AppointError::AlreadyHolds { .. }));
        assert_eq!(check_appointment("王芳", Post::Director, d("2026-02-01"), &passed, &current), Ok(()));
        let ended = [Tenure { post: Post::Officer, from: d("2026-01-15"), to: Some(d("2026-01-31")) }];
        assert_eq!(check_appointment("王芳", Post::Officer, d("2026-02-01"), &passed, &ended), Ok(()));
    }

    #[test]
    fn staffing_counts_posts_held_on_the_day() {
        let unit = UnitProfile {
            channel: Channel::Retail,
            employees: 60,
            revenue_yuan: 0,
            products: Products::none().with(ProductClass::Ccc),
        };
        let a = assess(&unit, Category3Policy::Seed);
        let tenures = [
            Tenure { post: Post::Principal, from: d("2026-01-01"), to: None },
            Tenure { post: Post::Officer, from: d("2026-01-01"), to: Some(d("2026-01-31")) },
        ];
        let jan = Staffing::tally(&a, &tenures, d("2026-01-20"));
        assert_eq!((jan.officers, jan.directors, jan.officers_recommended), (1, 0, 2));
        assert!(!jan.is_staffed());
        assert_eq!(jan.gaps(), ["尚未任命质量安全总监"]);
        let feb = Staffing::tally(&a, &tenures, d("2026-02-01"));
        assert_eq!(feb.gaps().len(), 2);
        let full = [
            tenures[0],
            Tenure { post: Post::Director, from: d("2026-01-01"), to: None },
            Tenure { post: Post::Officer, from: d("2026-02-01"), to: None },
        ];
        assert!(Staffing::tally(&a, &full, d("2026-02-01")).is_staffed());
    }
}
