//! Daily checks (日管控) and the hazards their non-conformities open. Checks are never changed: a correction is a
//! new check naming the one it amends, and both stay visible. Each check is logged in its own transaction.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use zhian_domain::duty::{CheckResult, DailyCheckInfo};

use crate::ledger::kind;
use crate::{Result, Store, StoreError, instant, micros};

/// One item of a stored check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckItemRow {
    /// The risk point.
    pub risk_point: String,
    /// The question.
    pub item: String,
    /// The outcome.
    pub result: CheckResult,
    /// What was seen.
    pub note: String,
}

/// A stored daily check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyCheck {
    /// Id.
    pub id: i64,
    /// The period checked.
    pub period: String,
    /// Nothing found.
    pub zero_risk: bool,
    /// A general note.
    pub note: String,
    /// The check this one corrects.
    pub amends: Option<i64>,
    /// Who submitted it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The items (empty in lists).
    pub items: Vec<CheckItemRow>,
}

/// A hazard (风险隐患).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hazard {
    /// Id.
    pub id: i64,
    /// The check that found it.
    pub source_check_id: Option<i64>,
    /// What it is.
    pub title: String,
    /// What was seen.
    pub description: String,
    /// `open`, …
    pub status: String,
    /// When it was found.
    pub created_at: DateTime<Utc>,
}

fn check_row(r: &AnyRow) -> Result<DailyCheck> {
    Ok(DailyCheck {
        id: r.try_get("id")?,
        period: r.try_get("period")?,
        zero_risk: r.try_get::<i64, _>("zero_risk")? != 0,
        note: r.try_get("note")?,
        amends: r.try_get("amends")?,
        created_by: r.try_get("display_name")?,
        created_at: instant(r.try_get("created_at")?),
        items: Vec::new(),
    })
}

const CHECK_COLUMNS: &str = "select c.id, c.period, c.zero_risk, c.note, c.amends, c.created_at, u.display_name \
    from daily_checks c join users u on u.id = c.created_by";

impl Store {
    /// Stores a daily check with its items, opens a hazard for every non-conformity, and logs the check — all in one
    /// transaction. A second check for the same period is refused unless it amends one of that period's checks.
    pub async fn submit_daily_check(
        &self,
        unit_id: i64,
        info: &DailyCheckInfo,
        risk_list_version: Option<i64>,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<(i64, Vec<i64>)> {
        let period = info.period.to_string();
        let mut tx = self.write.begin().await?;
        let existing: Vec<i64> =
            sqlx::query("select id from daily_checks where unit_id = $1 and period = $2 order by id")
                .bind(unit_id)
                .bind(&period)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.try_get("id"))
                .collect::<Result<_, sqlx::Error>>()?;
        match (info.amends, existing.first()) {
            (None, Some(first)) => {
                return Err(StoreError::Refused(format!(
                    "{period} 已有检查记录（#{first}）；如需更正，请提交更正记录，原记录保留可查"
                )));
            }
            (Some(original), _) if !existing.contains(&original) => {
                return Err(StoreError::Refused(format!(
                    "被更正的记录 #{original} 不是本单位 {period} 的检查记录"
                )));
            }
            _ => {}
        }
        let id: i64 = sqlx::query(
            "insert into daily_checks (unit_id, period, zero_risk, note, risk_list_version, amends, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        )
        .bind(unit_id)
        .bind(&period)
        .bind(i64::from(info.zero_risk()))
        .bind(&info.note)
        .bind(risk_list_version)
        .bind(info.amends)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let mut hazards = Vec::new();
        for (position, item) in (1_i64..).zip(&info.items) {
            sqlx::query(
                "insert into daily_check_items (check_id, position, risk_point, item, result, note, created_at) \
                 values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(position)
            .bind(&item.risk_point)
            .bind(&item.item)
            .bind(item.result.code())
            .bind(&item.note)
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
            if item.result == CheckResult::Nonconforming {
                let hazard: i64 = sqlx::query(
                    "insert into hazards (unit_id, source_check_id, title, description, status, created_by, created_at, \
                     updated_at) values ($1, $2, $3, $4, 'open', $5, $6, $6) returning id",
                )
                .bind(unit_id)
                .bind(id)
                .bind(&item.item)
                .bind(&item.note)
                .bind(by)
                .bind(micros(now))
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
                hazards.push(hazard);
            }
        }
        self.log_record(&mut tx, kind::DAILY_CHECK, id, unit_id, now).await?;
        tx.commit().await?;
        Ok((id, hazards))
    }

    /// A unit's daily checks, newest first, without items.
    pub async fn daily_checks(&self, unit_id: i64, limit: i64) -> Result<Vec<DailyCheck>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{CHECK_COLUMNS} where c.unit_id = $1 order by c.period desc, c.id desc limit $2"
        )))
        .bind(unit_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(check_row)
        .collect()
    }

    /// One daily check of a unit, with its items.
    pub async fn daily_check(&self, unit_id: i64, id: i64) -> Result<Option<DailyCheck>> {
        let Some(r) = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{CHECK_COLUMNS} where c.unit_id = $1 and c.id = $2"
        )))
        .bind(unit_id)
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        else {
            return Ok(None);
        };
        let mut check = check_row(&r)?;
        check.items = sqlx::query(
            "select risk_point, item, result, note from daily_check_items where check_id = $1 order by position",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|i| {
            let result: String = i.try_get("result")?;
            Ok(CheckItemRow {
                risk_point: i.try_get("risk_point")?,
                item: i.try_get("item")?,
                result: CheckResult::parse(&result).ok_or(StoreError::Corrupt(result))?,
                note: i.try_get("note")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        Ok(Some(check))
    }

    /// Periods and submission instants of a unit's daily checks — the obligation calendar's records.
    pub async fn daily_check_submissions(&self, unit_id: i64) -> Result<Vec<(String, DateTime<Utc>)>> {
        sqlx::query("select period, created_at from daily_checks where unit_id = $1")
            .bind(unit_id)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("period")?, instant(r.try_get("created_at")?))))
            .collect()
    }

    /// A unit's hazards, newest first.
    pub async fn hazards(&self, unit_id: i64) -> Result<Vec<Hazard>> {
        sqlx::query(
            "select id, source_check_id, title, description, status, created_at from hazards where unit_id = $1 \
             order by id desc",
        )
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok(Hazard {
                id: r.try_get("id")?,
                source_check_id: r.try_get("source_check_id")?,
                title: r.try_get("title")?,
                description: r.try_get("description")?,
                status: r.try_get("status")?,
                created_at: instant(r.try_get("created_at")?),
            })
        })
        .collect()
    }
}
