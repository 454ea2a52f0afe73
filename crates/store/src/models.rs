//! The rows the store reads and writes, as typed values.

use chrono::{DateTime, NaiveDate, Utc};
use zhian_domain::access::Post;
use zhian_domain::ident::DivisionCode;
use zhian_domain::scope::{Category3Policy, Channel};
use zhian_domain::staffing::Employment;

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Log-in name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// 系统管理员.
    pub is_admin: bool,
    /// The password was set by someone else and must be changed at next log-in.
    pub must_change_password: bool,
    /// Cannot log in.
    pub disabled: bool,
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Log-in name.
    pub username: &'a str,
    /// Name shown.
    pub display_name: &'a str,
    /// Argon2id PHC string.
    pub password_hash: &'a str,
    /// 系统管理员.
    pub is_admin: bool,
    /// Must change the password at first log-in.
    pub must_change_password: bool,
}

/// A signed-in session. The cookie holds a random token; the store keeps only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the token, hex.
    pub id_hash: String,
    /// The account.
    pub user_id: i64,
    /// The CSRF token bound to the session.
    pub csrf_token: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it stops being valid.
    pub expires_at: DateTime<Utc>,
}

/// A product category a unit sells, from a versioned reference catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductRef {
    /// Category code, e.g. `ccc-09`.
    pub category_code: String,
    /// Catalogue: `licence`, `ccc`, `gb-safety`.
    pub catalogue: String,
    /// Catalogue version, e.g. `2023`.
    pub catalogue_version: String,
}

/// A unit's duties under Order 76 as last assessed (`zhian_domain::scope::assess`), kept with the unit so that a
/// jurisdiction's figures are sums, not a reassessment of every unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Duties {
    /// The unit must comply.
    pub in_scope: bool,
    /// A 质量安全总监 is required.
    pub director_required: bool,
    /// 质量安全员 are required.
    pub officer_required: bool,
}

impl From<&zhian_domain::Assessment> for Duties {
    fn from(a: &zhian_domain::Assessment) -> Self {
        Self { in_scope: a.in_scope, director_required: a.director_required, officer_required: a.officer_required }
    }
}

/// A unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Id.
    pub id: i64,
    /// 单位名称.
    pub name: String,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// 经营地址.
    pub address: String,
    /// 行政区划.
    pub division: DivisionCode,
    /// 批发/零售.
    pub channel: Channel,
    /// 从业人员.
    pub employees: u64,
    /// 营业收入（元）.
    pub revenue_yuan: u64,
    /// How category 3 is read for this unit.
    pub category3_policy: Category3Policy,
    /// Product categories sold.
    pub products: Vec<ProductRef>,
    /// When created.
    pub created_at: DateTime<Utc>,
}

/// A person on a unit's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Id.
    pub id: i64,
    /// The unit.
    pub unit_id: i64,
    /// 姓名.
    pub name: String,
    /// The ID number masked for display, if one was given.
    pub id_number_masked: Option<String>,
    /// 联系电话.
    pub phone: String,
    /// The person's account, if they have one.
    pub user_id: Option<i64>,
}

/// An appointment to a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    /// Id.
    pub id: i64,
    /// The person.
    pub person_id: i64,
    /// The person's name.
    pub person_name: String,
    /// The post.
    pub post: Post,
    /// 专职/兼职.
    pub employment: Employment,
    /// First day.
    pub from: NaiveDate,
    /// Last day, once ended.
    pub to: Option<NaiveDate>,
    /// Why appointed.
    pub reason: String,
    /// Why ended.
    pub end_reason: Option<String>,
}

/// A training and assessment record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Training {
    /// Id.
    pub id: i64,
    /// The person.
    pub person_id: i64,
    /// The person's name.
    pub person_name: String,
    /// Date.
    pub date: NaiveDate,
    /// Content.
    pub content: String,
    /// Tenths of an hour.
    pub tenth_hours: u32,
    /// Score, if assessed.
    pub score: Option<u32>,
    /// Passed.
    pub passed: bool,
}

/// One row of a risk control list (DOMAIN §6).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RiskRow {
    /// 风险控制环节.
    pub stage: String,
    /// 风险点.
    pub risk_point: String,
    /// 风险描述.
    pub description: String,
    /// 管控措施.
    pub measure: String,
    /// 管控目标.
    pub target: String,
    /// 管控频次.
    pub frequency: String,
    /// 责任岗位 (`principal`, `director`, `officer`).
    pub role: String,
    /// The daily check item this row yields, if any.
    pub daily_item: Option<String>,
}

/// One version of a unit's risk control list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskList {
    /// Version number, from 1.
    pub version: i64,
    /// What changed.
    pub note: String,
    /// Who saved it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Its rows, in order.
    pub rows: Vec<RiskRow>,
}

/// A version's summary, for the history list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    /// Version number.
    pub version: i64,
    /// What changed.
    pub note: String,
    /// Who saved it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Which duty text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DutyKind {
    /// 《质量安全总监职责》.
    Director,
    /// 《质量安全员守则》.
    Officer,
}

impl DutyKind {
    /// `director` or `officer`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Director => "director",
            Self::Officer => "officer",
        }
    }

    /// Parses a code.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "director" => Some(Self::Director),
            "officer" => Some(Self::Officer),
            _ => None,
        }
    }

    /// The document's title.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Director => "质量安全总监职责",
            Self::Officer => "质量安全员守则",
        }
    }
}

/// One version of a duty text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyText {
    /// Which.
    pub kind: DutyKind,
    /// Version number.
    pub version: i64,
    /// The text (Markdown).
    pub body: String,
    /// Who saved it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}
