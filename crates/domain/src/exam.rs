//! Training assessment (培训考核): the question bank's questions, the exam blueprint, drawing a paper and scoring
//! it (DOMAIN §8). The official guide's format was not available, so the blueprint is configuration with documented
//! defaults ([`Blueprint::default`]), never constants in the rules.
//!
//! - A [`Question`] is single-choice (单选题), multiple-choice (多选题) or true/false (判断题), tagged by [`Area`],
//!   by the product categories it is about (none: every candidate) and by difficulty, and carries the article it
//!   rests on and an explanation shown after submission.
//! - [`blueprint::assemble`] draws a paper with a seeded [`crate::draw::Stream`]: sections by kind, quotas by area
//!   and by the candidate's categories, options shuffled.
//! - [`score::score`] marks a paper: single and true/false all or nothing; multiple-choice full marks when exactly
//!   right, the blueprint's partial credit when only right options were chosen but not all, nothing when any wrong
//!   option was chosen or none at all.

pub mod blueprint;
pub mod score;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub use blueprint::{AreaShares, Blueprint, Paper, PaperItem, Section, assemble};
pub use score::{AreaScore, Outcome, Score, score};

/// A question's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 单选题: one right option.
    Single,
    /// 多选题: two or more right options.
    Multiple,
    /// 判断题: right or wrong.
    TrueFalse,
}

impl Kind {
    /// All kinds, in paper order.
    pub const ALL: [Self; 3] = [Self::Single, Self::Multiple, Self::TrueFalse];

    /// The Chinese name.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Single => "单选题",
            Self::Multiple => "多选题",
            Self::TrueFalse => "判断题",
        }
    }

    /// Parses the identifier or the Chinese name (with or without 题).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "single" | "单选题" | "单选" => Some(Self::Single),
            "multiple" | "多选题" | "多选" => Some(Self::Multiple),
            "true_false" | "判断题" | "判断" => Some(Self::TrueFalse),
            _ => None,
        }
    }

    /// The identifier.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::Multiple => "multiple",
            Self::TrueFalse => "true_false",
        }
    }
}

/// What a question is about (DOMAIN §8: laws and regulations, standards, professional knowledge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// 法律法规.
    Law,
    /// 标准.
    Standard,
    /// 专业知识.
    Knowledge,
}

impl Area {
    /// All areas, in report order.
    pub const ALL: [Self; 3] = [Self::Law, Self::Standard, Self::Knowledge];

    /// The Chinese name.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Law => "法律法规",
            Self::Standard => "标准",
            Self::Knowledge => "专业知识",
        }
    }

    /// The identifier.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Law => "law",
            Self::Standard => "standard",
            Self::Knowledge => "knowledge",
        }
    }

    /// Parses the identifier or the Chinese name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "law" | "法律法规" => Some(Self::Law),
            "standard" | "标准" => Some(Self::Standard),
            "knowledge" | "专业知识" => Some(Self::Knowledge),
            _ => None,
        }
    }
}

/// The most options a question may have.
pub const MAX_OPTIONS: usize = 6;

/// A set of options by position: bit `i` is option `i` (A, B, …). For a true/false question bit 0 is 正确 and bit 1
/// is 错误.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Choice(pub u8);

impl Choice {
    /// Nothing chosen.
    pub const NONE: Self = Self(0);

    /// Whether option `i` is in the set.
    #[must_use]
    pub fn has(self, i: usize) -> bool {
        i < 8 && self.0 & (1 << i) != 0
    }

    /// The set with option `i` added.
    #[must_use]
    pub fn with(self, i: usize) -> Self {
        if i < 8 { Self(self.0 | (1 << i)) } else { self }
    }

    /// How many options are chosen.
    #[must_use]
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// Whether nothing is chosen.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every chosen option is in `other`.
    #[must_use]
    pub fn is_subset(self, other: Self) -> bool {
        self.0 & !other.0 == 0
    }

    /// The letters of the chosen options, in order (`ACD`).
    #[must_use]
    pub fn letters(self) -> String {
        (0..MAX_OPTIONS).filter(|&i| self.has(i)).filter_map(|i| LETTERS.chars().nth(i)).collect()
    }

    /// Parses letters (`ACD`, `a,c,d`) among `options` options; `None` for a letter out of range.
    #[must_use]
    pub fn from_letters(s: &str, options: usize) -> Option<Self> {
        let mut c = Self::NONE;
        for ch in s.chars().filter(|ch| !matches!(ch, ',' | '，' | '、' | ' ')) {
            let i = LETTERS.find(ch.to_ascii_uppercase())?;
            if i >= options {
                return None;
            }
            c = c.with(i);
        }
        Some(c)
    }
}

const LETTERS: &str = "ABCDEF";

/// The letter of option `i` (A for 0).
#[must_use]
pub fn letter(i: usize) -> char {
    LETTERS.chars().nth(i).unwrap_or('?')
}

/// The two options of a true/false question.
pub const TRUE_FALSE: [&str; 2] = ["正确", "错误"];

/// One question, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Stable code, e.g. `law-pq-001`; a new version keeps it.
    pub code: String,
    /// Kind.
    pub kind: Kind,
    /// Area.
    pub area: Area,
    /// Product categories it is about (risk-template keys such as `e-bike`); empty: every candidate.
    pub categories: Vec<String>,
    /// 1 easy, 2 medium, 3 hard.
    pub difficulty: u8,
    /// The stem.
    pub stem: String,
    /// The options as written (empty for true/false).
    pub options: Vec<String>,
    /// The right options.
    pub answer: Choice,
    /// The article or standard it rests on.
    pub basis: String,
    /// Why the answer is right, shown after submission.
    pub explanation: String,
}

impl Question {
    /// How many options it shows.
    #[must_use]
    pub fn option_count(&self) -> usize {
        match self.kind {
            Kind::TrueFalse => 2,
            _ => self.options.len(),
        }
    }

    /// The text of option `i` as written.
    #[must_use]
    pub fn option(&self, i: usize) -> &str {
        match self.kind {
            Kind::TrueFalse => TRUE_FALSE.get(i).copied().unwrap_or(""),
            _ => self.options.get(i).map_or("", String::as_str),
        }
    }

    /// Whether a candidate selling `categories` may be asked it.
    #[must_use]
    pub fn applies_to(&self, categories: &[String]) -> bool {
        self.categories.is_empty() || self.categories.iter().any(|c| categories.contains(c))
    }

    /// The question as written in a file.
    #[must_use]
    pub fn to_text(&self) -> QuestionText {
        QuestionText {
            id: self.code.clone(),
            kind: self.kind.code().to_owned(),
            area: self.area.code().to_owned(),
            categories: self.categories.clone(),
            difficulty: self.difficulty,
            stem: self.stem.clone(),
            options: self.options.clone(),
            answer: match self.kind {
                Kind::TrueFalse => if self.answer.has(0) { TRUE_FALSE[0] } else { TRUE_FALSE[1] }.to_owned(),
                _ => self.answer.letters(),
            },
            basis: self.basis.clone(),
            explanation: self.explanation.clone(),
        }
    }
}

/// A question as written in a bank file (JSON) or a spreadsheet row: the answer as letters (`ACD`) or, for a
/// true/false question, `正确` / `错误`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionText {
    /// Code.
    pub id: String,
    /// `single`, `multiple`, `true_false` (or 单选题, 多选题, 判断题).
    pub kind: String,
    /// `law`, `standard`, `knowledge` (or 法律法规, 标准, 专业知识).
    pub area: String,
    /// Product category keys.
    #[serde(default)]
    pub categories: Vec<String>,
    /// 1–3.
    pub difficulty: u8,
    /// Stem.
    pub stem: String,
    /// Options (none for true/false).
    #[serde(default)]
    pub options: Vec<String>,
    /// Letters, or 正确 / 错误.
    pub answer: String,
    /// Basis.
    pub basis: String,
    /// Explanation.
    pub explanation: String,
}

/// One problem with a question as written: the field and what is wrong, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    /// The field (`stem`, `answer`, …).
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

impl QuestionText {
    /// Checks every field; `known_categories` are the category keys a question may be tagged with.
    pub fn check(&self, known_categories: &[&str]) -> Result<Question, Vec<TextError>> {
        let mut errors = Vec::new();
        let mut err = |field: &'static str, message: String| errors.push(TextError { field, message });
        let code = self.id.trim().to_owned();
        let code_ok = !code.is_empty()
            && code.len() <= 64
            && code
                .split('-')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        if !code_ok {
            err("id", format!("编号“{code}”无效：只能用小写字母、数字和连字符，不超过 64 个字符"));
        }
        let kind = Kind::parse(&self.kind);
        if kind.is_none() {
            err("kind", format!("题型“{}”无效：应为单选题、多选题或判断题", self.kind));
        }
        let area = Area::parse(&self.area);
        if area.is_none() {
            err("area", format!("领域“{}”无效：应为法律法规、标准或专业知识", self.area));
        }
        let mut categories: Vec<String> = Vec::new();
        for c in &self.categories {
            let c = c.trim();
            if !known_categories.contains(&c) {
                err("categories", format!("产品类别“{c}”不存在"));
            } else if !categories.iter().any(|x| x == c) {
                categories.push(c.to_owned());
            }
        }
        if !(1..=3).contains(&self.difficulty) {
            err("difficulty", "难度应为 1（易）、2（中）或 3（难）".to_owned());
        }
        let stem = self.stem.trim().to_owned();
        if stem.is_empty() || stem.chars().count() > 500 {
            err("stem", "题干不能为空，且不超过 500 字".to_owned());
        }
        let options: Vec<String> = self.options.iter().map(|o| o.trim().to_owned()).collect();
        let mut answer = Choice::NONE;
        match kind {
            Some(Kind::TrueFalse) => {
                if !options.is_empty() {
                    err("options", "判断题没有选项".to_owned());
                }
                match self.answer.trim() {
                    "正确" | "对" | "√" | "T" | "true" => answer = Choice::NONE.with(0),
                    "错误" | "错" | "×" | "F" | "false" => answer = Choice::NONE.with(1),
                    other => err("answer", format!("判断题答案“{other}”无效：应为“正确”或“错误”")),
                }
            }
            Some(k) => {
                let distinct = options.iter().enumerate().all(|(i, o)| !options.iter().take(i).any(|p| p == o));
                if !(3..=MAX_OPTIONS).contains(&options.len()) || !distinct || options.iter().any(String::is_empty) {
                    err("options", format!("选择题应有 3 至 {MAX_OPTIONS} 个互不相同的非空选项"));
                } else if options.iter().any(|o| o.chars().count() > 200) {
                    err("options", "每个选项不超过 200 字".to_owned());
                }
                match Choice::from_letters(&self.answer, options.len()) {
                    None => err("answer", format!("答案“{}”无效：应为选项字母，如 B 或 ACD", self.answer.trim())),
                    Some(c) if k == Kind::Single && c.len() != 1 => {
                        err("answer", "单选题只有一个正确答案".to_owned());
                    }
                    Some(c) if k == Kind::Multiple && c.len() < 2 => {
                        err("answer", "多选题至少有两个正确答案".to_owned());
                    }
                    Some(c) => answer = c,
                }
            }
            None => {}
        }
        let basis = self.basis.trim().to_owned();
        if basis.is_empty() || basis.chars().count() > 300 {
            err("basis", "请填写依据（法条或标准），不超过 300 字".to_owned());
        }
        let explanation = self.explanation.trim().to_owned();
        if explanation.is_empty() || explanation.chars().count() > 1000 {
            err("explanation", "请填写解析，不超过 1000 字".to_owned());
        }
        match (kind, area, errors.is_empty()) {
            (Some(kind), Some(area), true) => Ok(Question {
                code,
                kind,
                area,
                categories,
                difficulty: self.difficulty,
                stem,
                options: if kind == Kind::TrueFalse { Vec::new() } else { options },
                answer,
                basis,
                explanation,
            }),
            _ => Err(errors),
        }
    }
}

/// Seconds after the deadline in which answers still count: a phone's last save may be in flight.
pub const GRACE_SECONDS: i64 = 30;

/// When an exam started at `started` with `minutes` on the clock ends.
#[must_use]
pub fn deadline(started: DateTime<Utc>, minutes: u32) -> DateTime<Utc> {
    started + Duration::minutes(i64::from(minutes))
}

/// Whether an answer or a submission at `now` still counts against `deadline`.
#[must_use]
pub fn in_time(now: DateTime<Utc>, deadline: DateTime<Utc>) -> bool {
    now <= deadline + Duration::seconds(GRACE_SECONDS)
}
