//! The plain document model: what a statutory document says, before any format. Every renderer reads only this,
//! so the PDF, the DOCX and the XLSX of a record cannot say different things.

use serde::Serialize;

/// A document: a title, whose it is and for when, its blocks in reading order, and how to check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    /// Which statutory document this is.
    pub kind: DocKind,
    /// The title as printed, e.g. 《每日工业产品质量安全检查记录》 (the unit's own name where it set one).
    pub title: String,
    /// The unit's name.
    pub unit: String,
    /// The unit's unified social credit code.
    pub credit_code: String,
    /// The period the document covers, as a person reads it.
    pub period: String,
    /// The content, in order.
    pub blocks: Vec<Block>,
    /// The verification code, its page and the logged records; absent on a draft.
    pub proof: Option<Proof>,
}

/// The statutory documents zhian produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// 每日工业产品质量安全检查记录.
    DailyRecord,
    /// 每周工业产品质量安全排查治理报告.
    WeeklyReport,
    /// 每月工业产品质量安全调度会议纪要.
    MonthlyMinutes,
    /// 工业产品质量安全风险管控清单.
    RiskList,
    /// 质量安全总监职责.
    DirectorDuties,
    /// 质量安全员守则.
    OfficerRules,
    /// 质量安全人员名册 with appointment history.
    Roster,
    /// 培训与考核记录.
    Training,
    /// 风险隐患台账.
    HazardRegister,
    /// 否决建议记录.
    VetoLog,
    /// 停业记录.
    SuspensionLog,
    /// 应办事项日历: the month's obligations and their state.
    ObligationCalendar,
    /// 培训考核合格证明: one passed exam.
    Certificate,
}

impl DocKind {
    /// Every kind, in the order an archive lists them.
    pub const ALL: [Self; 13] = [
        Self::DailyRecord,
        Self::WeeklyReport,
        Self::MonthlyMinutes,
        Self::RiskList,
        Self::DirectorDuties,
        Self::OfficerRules,
        Self::Roster,
        Self::Training,
        Self::HazardRegister,
        Self::VetoLog,
        Self::SuspensionLog,
        Self::ObligationCalendar,
        Self::Certificate,
    ];

    /// The statutory name, without book-title marks.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::DailyRecord => "每日工业产品质量安全检查记录",
            Self::WeeklyReport => "每周工业产品质量安全排查治理报告",
            Self::MonthlyMinutes => "每月工业产品质量安全调度会议纪要",
            Self::RiskList => "工业产品质量安全风险管控清单",
            Self::DirectorDuties => "质量安全总监职责",
            Self::OfficerRules => "质量安全员守则",
            Self::Roster => "质量安全人员名册",
            Self::Training => "质量安全培训与考核记录",
            Self::HazardRegister => "风险隐患台账",
            Self::VetoLog => "否决建议记录",
            Self::SuspensionLog => "停业记录",
            Self::ObligationCalendar => "质量安全应办事项日历",
            Self::Certificate => "质量安全管理人员培训考核合格证明",
        }
    }

    /// The identifier in file names and URLs.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::DailyRecord => "daily",
            Self::WeeklyReport => "weekly",
            Self::MonthlyMinutes => "monthly",
            Self::RiskList => "risk-list",
            Self::DirectorDuties => "director-duties",
            Self::OfficerRules => "officer-rules",
            Self::Roster => "roster",
            Self::Training => "training",
            Self::HazardRegister => "hazards",
            Self::VetoLog => "vetoes",
            Self::SuspensionLog => "suspensions",
            Self::ObligationCalendar => "calendar",
            Self::Certificate => "certificate",
        }
    }

    /// The kind named by [`DocKind::code`].
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether the document is one record (a daily check, a weekly investigation, a set of minutes, a passed exam),
    /// named by its id.
    #[must_use]
    pub fn is_record(self) -> bool {
        matches!(self, Self::DailyRecord | Self::WeeklyReport | Self::MonthlyMinutes | Self::Certificate)
    }

    /// Whether the document is a list, also given as a spreadsheet.
    #[must_use]
    pub fn is_list(self) -> bool {
        matches!(
            self,
            Self::RiskList
                | Self::Roster
                | Self::Training
                | Self::HazardRegister
                | Self::VetoLog
                | Self::SuspensionLog
                | Self::ObligationCalendar
        )
    }
}

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A section heading.
    Heading {
        /// Its text.
        text: String,
    },
    /// A paragraph; line breaks in it are kept.
    Paragraph {
        /// Its text.
        text: String,
    },
    /// Labelled values, printed as a two-column grid (时间、地点、主持人 …).
    Fields {
        /// (label, value) pairs.
        fields: Vec<(String, String)>,
    },
    /// A bordered table.
    Table(Table),
    /// Signature lines, one per label, each with a date.
    Signatures {
        /// Who signs, e.g. 检查人（签字）.
        labels: Vec<String>,
    },
}

/// A bordered table with typed columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

/// A table column: its heading, its relative width and the type of its cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// The heading.
    pub title: String,
    /// Width relative to the other columns (and in characters, for a spreadsheet).
    pub width: u16,
}

impl Column {
    /// A column of `width` units.
    #[must_use]
    pub fn new(title: &str, width: u16) -> Self {
        Self { title: title.to_owned(), width }
    }
}

/// A table cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Cell {
    /// Text.
    Text(String),
    /// A whole number (a count, an index, a version).
    Number(i64),
    /// A calendar date.
    Date(chrono::NaiveDate),
    /// Nothing.
    Empty,
}

impl Cell {
    /// Text, or [`Cell::Empty`] for an empty string.
    #[must_use]
    pub fn text(s: impl Into<String>) -> Self {
        let s = s.into();
        if s.is_empty() { Self::Empty } else { Self::Text(s) }
    }

    /// The cell as printed.
    #[must_use]
    pub fn display(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Number(n) => n.to_string(),
            Self::Date(d) => d.format("%Y-%m-%d").to_string(),
            Self::Empty => String::new(),
        }
    }
}

/// How a document is checked against the log: its short code, the public page the QR code opens, and the records
/// it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proof {
    /// The verification code, e.g. `K7QM2-X9D4R`.
    pub code: String,
    /// The public verification page, `…/v/{code}`.
    pub url: String,
    /// The logged records the document shows.
    pub records: Vec<ProofRecord>,
}

/// One logged record a document shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProofRecord {
    /// Its index in the log.
    pub leaf_index: u64,
    /// Its leaf hash, hex.
    pub leaf_hash: String,
}

impl Document {
    /// The document as plain text, block by block: what every format must carry, and what the snapshots hold.
    #[must_use]
    pub fn text(&self) -> String {
        let mut out = format!(
            "《{}》\n单位：{}（统一社会信用代码 {}）\n期间：{}\n",
            self.title, self.unit, self.credit_code, self.period
        );
        for block in &self.blocks {
            out.push('\n');
            match block {
                Block::Heading { text } => out.push_str(&format!("## {text}\n")),
                Block::Paragraph { text } => out.push_str(&format!("{text}\n")),
                Block::Fields { fields } => {
                    for (label, value) in fields {
                        out.push_str(&format!("{label}：{value}\n"));
                    }
                }
                Block::Table(table) => {
                    let titles: Vec<&str> = table.columns.iter().map(|c| c.title.as_str()).collect();
                    out.push_str(&format!("| {} |\n", titles.join(" | ")));
                    for row in &table.rows {
                        let cells: Vec<String> = row.iter().map(Cell::display).collect();
                        out.push_str(&format!("| {} |\n", cells.join(" | ")));
                    }
                }
                Block::Signatures { labels } => {
                    for label in labels {
                        out.push_str(&format!("{label}：__________ 日期：____年__月__日\n"));
                    }
                }
            }
        }
        if let Some(proof) = &self.proof {
            out.push_str(&format!("\n{}\n", proof.footer()));
            for r in &proof.records {
                out.push_str(&format!("记录 #{} {}\n", r.leaf_index, r.leaf_hash));
            }
        }
        out
    }
}

impl Proof {
    /// The line every page and sheet carries.
    #[must_use]
    pub fn footer(&self) -> String {
        format!("验证码 {} · 扫描二维码或访问 {} 核验本文件所载记录", self.code, self.url)
    }
}
