//! Marking a paper. Points are counted in tenths so that partial credit on a one-point question stays exact.

use serde::Serialize;

use super::{Area, Blueprint, Choice, Kind, Question};

/// How one answer was marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Exactly the right options: full points.
    Right,
    /// Multiple-choice, some right options and no wrong one: the blueprint's partial credit.
    Partial,
    /// A wrong option chosen: nothing.
    Wrong,
    /// Nothing chosen: nothing.
    Blank,
}

impl Outcome {
    /// The Chinese name.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Right => "正确",
            Self::Partial => "部分正确",
            Self::Wrong => "错误",
            Self::Blank => "未作答",
        }
    }
}

/// Marks one answer worth `points` whole points: the outcome and the tenths earned.
#[must_use]
pub fn mark(question: &Question, answer: Choice, points: u32, partial_credit: u32) -> (Outcome, u32) {
    let full = points * 10;
    if answer.is_empty() {
        (Outcome::Blank, 0)
    } else if answer == question.answer {
        (Outcome::Right, full)
    } else if question.kind == Kind::Multiple && answer.is_subset(question.answer) {
        (Outcome::Partial, full * partial_credit / 100)
    } else {
        (Outcome::Wrong, 0)
    }
}

/// One area's part of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AreaScore {
    /// The area.
    pub area: Area,
    /// Questions asked.
    pub questions: u32,
    /// Answered exactly right.
    pub right: u32,
    /// Tenths of a point earned.
    pub earned: u32,
    /// Tenths of a point possible.
    pub possible: u32,
}

/// A marked paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Score {
    /// Tenths of a point earned.
    pub earned: u32,
    /// Tenths of a point possible.
    pub possible: u32,
    /// Whether the pass mark was reached.
    pub passed: bool,
    /// Per area, in area order, only areas asked.
    pub areas: Vec<AreaScore>,
    /// Each answer's outcome and tenths earned, in paper order.
    pub items: Vec<(Outcome, u32)>,
}

/// Marks a paper: `answers` are (question, points, the options chosen as written), in paper order.
#[must_use]
pub fn score(answers: &[(&Question, u32, Choice)], blueprint: &Blueprint) -> Score {
    let mut areas: Vec<AreaScore> = Vec::new();
    let mut items = Vec::with_capacity(answers.len());
    for &(q, points, chosen) in answers {
        let (outcome, earned) = mark(q, chosen, points, blueprint.partial_credit);
        items.push((outcome, earned));
        let i = match areas.iter().position(|a| a.area == q.area) {
            Some(i) => i,
            None => {
                areas.push(AreaScore { area: q.area, questions: 0, right: 0, earned: 0, possible: 0 });
                areas.len() - 1
            }
        };
        if let Some(a) = areas.get_mut(i) {
            a.questions += 1;
            a.right += u32::from(outcome == Outcome::Right);
            a.earned += earned;
            a.possible += points * 10;
        }
    }
    areas.sort_by_key(|a| a.area);
    let earned = items.iter().map(|(_, e)| e).sum();
    let possible = areas.iter().map(|a| a.possible).sum();
    Score { earned, possible, passed: earned >= blueprint.pass_mark * 10, areas, items }
}

/// Tenths of a point as people write them: `87`, `87.5`.
#[must_use]
pub fn points_text(tenths: u32) -> String {
    if tenths.is_multiple_of(10) { (tenths / 10).to_string() } else { format!("{}.{}", tenths / 10, tenths % 10) }
}
