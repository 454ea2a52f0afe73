//! The exam blueprint and drawing a paper from a bank.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{Area, Choice, Kind, Question};
use crate::draw::Stream;

/// One section of a paper: so many questions of a kind, each worth so many points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// The kind.
    pub kind: Kind,
    /// How many questions.
    pub count: u32,
    /// Points per question (whole points).
    pub points: u32,
}

/// The share of each area in every section, in percent (summing to 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaShares {
    /// 法律法规.
    pub law: u32,
    /// 标准.
    pub standard: u32,
    /// 专业知识.
    pub knowledge: u32,
}

impl AreaShares {
    fn of(self, area: Area) -> u32 {
        match area {
            Area::Law => self.law,
            Area::Standard => self.standard,
            Area::Knowledge => self.knowledge,
        }
    }
}

/// How a paper is made and marked. Configuration, not law: the defaults are this system's reading (DOMAIN §8 — the
/// official guide's format was not available).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Blueprint {
    /// Minutes on the clock. Default 60.
    pub minutes: u32,
    /// Points needed to pass. Default 80 (of 100).
    pub pass_mark: u32,
    /// Sections in paper order. Default: 30 single-choice × 2, 10 multiple-choice × 2, 20 true/false × 1 = 100.
    pub sections: Vec<Section>,
    /// Share of each area within every section. Default 50 / 20 / 30 (law / standards / knowledge).
    pub area_shares: AreaShares,
    /// Percent of every section drawn from questions on the candidate's own product categories, as far as the bank
    /// has them. Default 20.
    pub category_share: u32,
    /// Percent of a multiple-choice question's points for choosing some of its right options and no wrong one.
    /// Default 50; 0 makes multiple-choice all or nothing.
    pub partial_credit: u32,
}

impl Default for Blueprint {
    fn default() -> Self {
        Self {
            minutes: 60,
            pass_mark: 80,
            sections: vec![
                Section { kind: Kind::Single, count: 30, points: 2 },
                Section { kind: Kind::Multiple, count: 10, points: 2 },
                Section { kind: Kind::TrueFalse, count: 20, points: 1 },
            ],
            area_shares: AreaShares { law: 50, standard: 20, knowledge: 30 },
            category_share: 20,
            partial_credit: 50,
        }
    }
}

/// Why a blueprint or a draw cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BlueprintError {
    /// A value is out of range.
    #[error("考试方案无效：{0}")]
    Invalid(String),
    /// The bank does not hold enough questions for a section.
    #[error("题库中适用于该考生的{kind}只有 {have} 道，考试方案需要 {need} 道")]
    BankTooSmall {
        /// The section's kind.
        kind: &'static str,
        /// Questions available.
        have: usize,
        /// Questions needed.
        need: u32,
    },
}

impl Blueprint {
    /// Total points.
    #[must_use]
    pub fn total(&self) -> u32 {
        self.sections.iter().map(|s| s.count * s.points).sum()
    }

    /// Total questions.
    #[must_use]
    pub fn questions(&self) -> u32 {
        self.sections.iter().map(|s| s.count).sum()
    }

    /// Checks the values, every problem in one message.
    pub fn check(&self) -> Result<(), BlueprintError> {
        let mut problems = Vec::new();
        if !(1..=600).contains(&self.minutes) {
            problems.push("考试时长应为 1 至 600 分钟".to_owned());
        }
        if self.sections.is_empty() {
            problems.push("至少要有一个题型".to_owned());
        }
        for (i, s) in self.sections.iter().enumerate() {
            if self.sections.iter().take(i).any(|t| t.kind == s.kind) {
                problems.push(format!("{}重复出现", s.kind.label()));
            }
            if !(1..=200).contains(&s.count) || !(1..=100).contains(&s.points) {
                problems.push(format!("{}的题数应为 1 至 200，分值应为 1 至 100", s.kind.label()));
            }
        }
        if self.questions() > 300 {
            problems.push("每卷不超过 300 题".to_owned());
        }
        if self.pass_mark == 0 || self.pass_mark > self.total() {
            problems.push(format!("合格分数线应为 1 至总分 {}", self.total()));
        }
        let a = self.area_shares;
        if a.law + a.standard + a.knowledge != 100 {
            problems.push("法律法规、标准、专业知识的占比之和应为 100".to_owned());
        }
        if self.category_share > 100 || self.partial_credit > 100 {
            problems.push("产品类别占比和多选题部分得分比例应为 0 至 100".to_owned());
        }
        if problems.is_empty() { Ok(()) } else { Err(BlueprintError::Invalid(problems.join("；"))) }
    }

    /// How many questions of a section come from each area: the section's count split by the area shares, the
    /// remainders going to the largest fractions (ties in area order).
    #[must_use]
    pub fn area_quota(&self, count: u32) -> [(Area, u32); 3] {
        let mut out = Area::ALL.map(|a| (a, count * self.area_shares.of(a) / 100));
        let given: u32 = out.iter().map(|(_, n)| n).sum();
        let mut by_fraction = Area::ALL.map(|a| (count * self.area_shares.of(a) % 100, a));
        by_fraction.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        for (_, area) in by_fraction.iter().take(count.saturating_sub(given) as usize) {
            if let Some(slot) = out.iter_mut().find(|(a, _)| a == area) {
                slot.1 += 1;
            }
        }
        out
    }
}

/// One question on a paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperItem {
    /// Its position in the bank slice the paper was drawn from.
    pub question: usize,
    /// The options as shown: `order[k]` is the option (as written) shown in position `k`.
    pub order: Vec<u8>,
    /// Its points.
    pub points: u32,
}

impl PaperItem {
    /// The options chosen, by their position as written, from the positions as shown.
    #[must_use]
    pub fn to_written(&self, shown: Choice) -> Choice {
        self.order.iter().enumerate().filter(|&(k, _)| shown.has(k)).fold(Choice::NONE, |c, (_, &w)| c.with(w.into()))
    }

    /// The options as shown, from their positions as written.
    #[must_use]
    pub fn to_shown(&self, written: Choice) -> Choice {
        self.order.iter().enumerate().filter(|&(_, &w)| written.has(w.into())).fold(Choice::NONE, |c, (k, _)| c.with(k))
    }
}

/// A paper: its questions in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paper {
    /// The questions.
    pub items: Vec<PaperItem>,
}

/// Draws a paper for a candidate selling `categories` from `bank` with `stream`.
///
/// For each section, in order: the questions of its kind that apply to the candidate (untagged ones, and those
/// tagged with one of the candidate's categories) form the pool. The section's count is split by area
/// ([`Blueprint::area_quota`]). First up to `category_share` percent of the count is drawn from the pool's tagged
/// questions, each counting against its area's quota; then each area's quota is filled from its untagged questions;
/// what an area cannot fill is filled from anything left in the pool. Questions are taken in a shuffled order of
/// their codes, so the draw depends on the bank's content and the stream, not on the order of `bank`. Options are
/// shuffled per question (true/false keeps 正确 before 错误); the section's questions are shuffled too.
pub fn assemble(
    bank: &[Question],
    blueprint: &Blueprint,
    categories: &[String],
    stream: &mut Stream,
) -> Result<Paper, BlueprintError> {
    blueprint.check()?;
    let mut by_code: Vec<usize> = (0..bank.len()).collect();
    by_code.sort_by(|&a, &b| bank.get(a).map(|q| &q.code).cmp(&bank.get(b).map(|q| &q.code)));
    let mut items = Vec::with_capacity(blueprint.questions() as usize);
    for section in &blueprint.sections {
        let mut pool: Vec<usize> = by_code
            .iter()
            .copied()
            .filter(|&i| bank.get(i).is_some_and(|q| q.kind == section.kind && q.applies_to(categories)))
            .collect();
        if pool.len() < section.count as usize {
            return Err(BlueprintError::BankTooSmall {
                kind: section.kind.label(),
                have: pool.len(),
                need: section.count,
            });
        }
        stream.shuffle(&mut pool);
        let area_of = |i: usize| bank.get(i).map(|q| q.area);
        let tagged = |i: usize| bank.get(i).is_some_and(|q| !q.categories.is_empty());
        let mut need = blueprint.area_quota(section.count);
        let mut picked: Vec<usize> = Vec::with_capacity(section.count as usize);
        let category_target = (section.count * blueprint.category_share).div_ceil(100) as usize;
        let take = |i: usize, picked: &mut Vec<usize>, need: &mut [(Area, u32); 3]| {
            if let Some(slot) = need.iter_mut().find(|(a, n)| Some(*a) == area_of(i) && *n > 0) {
                slot.1 -= 1;
                picked.push(i);
            }
        };
        if !categories.is_empty() {
            for &i in pool.iter().filter(|&&i| tagged(i)) {
                if picked.len() >= category_target {
                    break;
                }
                take(i, &mut picked, &mut need);
            }
        }
        for &i in pool.iter().filter(|&&i| !tagged(i)) {
            take(i, &mut picked, &mut need);
        }
        let short = section.count as usize - picked.len();
        let rest: Vec<usize> = pool.iter().copied().filter(|i| !picked.contains(i)).take(short).collect();
        picked.extend(rest);
        stream.shuffle(&mut picked);
        for i in picked {
            let n = bank.get(i).map_or(0, Question::option_count);
            let mut order: Vec<u8> = (0..n).filter_map(|k| u8::try_from(k).ok()).collect();
            if section.kind != Kind::TrueFalse {
                stream.shuffle(&mut order);
            }
            items.push(PaperItem { question: i, order, points: section.points });
        }
    }
    Ok(Paper { items })
}
