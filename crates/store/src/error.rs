//! Store errors, mapped from `sqlx::Error` in one place.

use thiserror::Error;

/// A uniqueness rule a write ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// The username is taken.
    Username,
    /// A unit with this credit code exists.
    CreditCode,
    /// The person is already on the unit's list (same ID number).
    PersonIdNumber,
    /// Another version was saved at the same moment.
    Version,
    /// The veto has been answered already.
    Answered,
    /// Another uniqueness rule.
    Other,
}

/// What can go wrong in the store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The configuration (URL, key) cannot be used.
    #[error("存储配置错误：{0}")]
    Config(String),
    /// A uniqueness rule was broken.
    #[error("记录已存在（{0:?}）")]
    Conflict(Conflict),
    /// The thing asked for does not exist (or is not the caller's).
    #[error("记录不存在")]
    NotFound,
    /// A rule checked inside the transaction refused the write; the message is for people.
    #[error("{0}")]
    Refused(String),
    /// The input, checked against what the database holds (a unit's cadence), is wrong field by field.
    #[error("输入有误")]
    Invalid(zhian_domain::forms::FieldErrors),
    /// A stored value could not be read back.
    #[error("存储的数据无法读取：{0}")]
    Corrupt(String),
    /// The database failed.
    #[error("数据库错误：{0}")]
    Database(sqlx::Error),
}

/// Constraint names (PostgreSQL) and column lists (SQLite messages) of each conflict.
const CONFLICTS: [(Conflict, &str, &str); 7] = [
    (Conflict::Answered, "veto_answers_veto_key", "veto_answers.veto_id"),
    (Conflict::Username, "users_username_key", "users.username"),
    (Conflict::CreditCode, "units_credit_code_key", "units.credit_code"),
    (Conflict::PersonIdNumber, "people_unit_id_number_key", "people.unit_id, people.id_number_index"),
    (Conflict::Version, "risk_lists_unit_version_key", "risk_lists.unit_id, risk_lists.version"),
    (Conflict::Version, "duty_texts_unit_kind_version_key", "duty_texts.unit_id, duty_texts.kind, duty_texts.version"),
    (Conflict::Other, "", ""),
];

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.kind() == sqlx::error::ErrorKind::UniqueViolation
        {
            let constraint = db.constraint().unwrap_or_default();
            let message = db.message();
            let which = CONFLICTS
                .iter()
                .find(|(_, name, columns)| !name.is_empty() && (constraint == *name || message.contains(columns)))
                .map_or(Conflict::Other, |(c, _, _)| *c);
            return Self::Conflict(which);
        }
        if matches!(e, sqlx::Error::RowNotFound) {
            return Self::NotFound;
        }
        Self::Database(e)
    }
}
