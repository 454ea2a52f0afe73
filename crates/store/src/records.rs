//! Versioned documents of a unit: the risk control list and the duty texts. A change makes a new version; nothing is
//! overwritten (the tables refuse updates and deletes).

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::models::{DutyKind, DutyText, RiskList, RiskRow, VersionInfo};
use crate::{Result, Store, instant, micros};

impl Store {
    /// Saves a new version of the unit's risk list; returns its number.
    #[tracing::instrument(skip_all)]
    pub async fn save_risk_list(
        &self,
        unit_id: i64,
        rows: &[RiskRow],
        note: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let version: i64 = sqlx::query("select coalesce(max(version), 0) + 1 as v from risk_lists where unit_id = $1")
            .bind(unit_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("v")?;
        let list_id: i64 = sqlx::query(
            "insert into risk_lists (unit_id, version, note, created_by, created_at) values ($1, $2, $3, $4, $5) \
             returning id",
        )
        .bind(unit_id)
        .bind(version)
        .bind(note)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for (position, r) in (1_i64..).zip(rows) {
            sqlx::query(
                "insert into risk_list_rows (list_id, position, stage, risk_point, description, measure, target, \
                 frequency, role, daily_item, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(list_id)
            .bind(position)
            .bind(&r.stage)
            .bind(&r.risk_point)
            .bind(&r.description)
            .bind(&r.measure)
            .bind(&r.target)
            .bind(&r.frequency)
            .bind(&r.role)
            .bind(r.daily_item.as_deref())
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(version)
    }

    /// The versions of the unit's risk list, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn risk_list_versions(&self, unit_id: i64) -> Result<Vec<VersionInfo>> {
        sqlx::query(
            "select l.version, l.note, u.display_name, l.created_at from risk_lists l join users u on u.id = l.created_by \
             where l.unit_id = $1 order by l.version desc",
        )
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok(VersionInfo {
                version: r.try_get("version")?,
                note: r.try_get("note")?,
                created_by: r.try_get("display_name")?,
                created_at: instant(r.try_get("created_at")?),
            })
        })
        .collect()
    }

    /// A version of the unit's risk list (`None` version: the current one).
    #[tracing::instrument(skip_all)]
    pub async fn risk_list(&self, unit_id: i64, version: Option<i64>) -> Result<Option<RiskList>> {
        let head = sqlx::query(
            "select l.id, l.version, l.note, u.display_name, l.created_at from risk_lists l \
             join users u on u.id = l.created_by where l.unit_id = $1 and ($2 = 0 or l.version = $2) \
             order by l.version desc limit 1",
        )
        .bind(unit_id)
        .bind(version.unwrap_or(0))
        .fetch_optional(&self.read)
        .await?;
        let Some(head) = head else { return Ok(None) };
        let list_id: i64 = head.try_get("id")?;
        let rows = sqlx::query(
            "select stage, risk_point, description, measure, target, frequency, role, daily_item from risk_list_rows \
             where list_id = $1 order by position",
        )
        .bind(list_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok(RiskRow {
                stage: r.try_get("stage")?,
                risk_point: r.try_get("risk_point")?,
                description: r.try_get("description")?,
                measure: r.try_get("measure")?,
                target: r.try_get("target")?,
                frequency: r.try_get("frequency")?,
                role: r.try_get("role")?,
                daily_item: r.try_get("daily_item")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        Ok(Some(RiskList {
            version: head.try_get("version")?,
            note: head.try_get("note")?,
            created_by: head.try_get("display_name")?,
            created_at: instant(head.try_get("created_at")?),
            rows,
        }))
    }

    /// Saves a new version of a duty text; returns its number.
    #[tracing::instrument(skip_all)]
    pub async fn save_duty_text(
        &self,
        unit_id: i64,
        kind: DutyKind,
        body: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let version: i64 =
            sqlx::query("select coalesce(max(version), 0) + 1 as v from duty_texts where unit_id = $1 and kind = $2")
                .bind(unit_id)
                .bind(kind.code())
                .fetch_one(&mut *tx)
                .await?
                .try_get("v")?;
        sqlx::query(
            "insert into duty_texts (unit_id, kind, version, body, created_by, created_at) values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(unit_id)
        .bind(kind.code())
        .bind(version)
        .bind(body)
        .bind(by)
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// A version of a duty text (`None`: the current one).
    #[tracing::instrument(skip_all)]
    pub async fn duty_text(&self, unit_id: i64, kind: DutyKind, version: Option<i64>) -> Result<Option<DutyText>> {
        sqlx::query(
            "select d.version, d.body, u.display_name, d.created_at from duty_texts d join users u on u.id = d.created_by \
             where d.unit_id = $1 and d.kind = $2 and ($3 = 0 or d.version = $3) order by d.version desc limit 1",
        )
        .bind(unit_id)
        .bind(kind.code())
        .bind(version.unwrap_or(0))
        .fetch_optional(&self.read)
        .await?
        .map(|r| {
            Ok(DutyText {
                kind,
                version: r.try_get("version")?,
                body: r.try_get("body")?,
                created_by: r.try_get("display_name")?,
                created_at: instant(r.try_get("created_at")?),
            })
        })
        .transpose()
    }

    /// The versions of a duty text, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn duty_text_versions(&self, unit_id: i64, kind: DutyKind) -> Result<Vec<VersionInfo>> {
        sqlx::query(
            "select d.version, u.display_name, d.created_at from duty_texts d join users u on u.id = d.created_by \
             where d.unit_id = $1 and d.kind = $2 order by d.version desc",
        )
        .bind(unit_id)
        .bind(kind.code())
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok(VersionInfo {
                version: r.try_get("version")?,
                note: String::new(),
                created_by: r.try_get("display_name")?,
                created_at: instant(r.try_get("created_at")?),
            })
        })
        .collect()
    }

    /// The record tables that let a row be changed or removed — empty when the append-only triggers hold. Each
    /// attempt runs in a transaction that is rolled back, so nothing changes either way.
    pub async fn append_only_violations(&self) -> Result<Vec<&'static str>> {
        const ATTEMPTS: [(&str, &str); 8] = [
            ("trainings", "update trainings set content = content"),
            ("trainings", "delete from trainings"),
            ("risk_lists", "update risk_lists set note = note"),
            ("risk_lists", "delete from risk_lists"),
            ("risk_list_rows", "update risk_list_rows set measure = measure"),
            ("risk_list_rows", "delete from risk_list_rows"),
            ("duty_texts", "update duty_texts set body = body"),
            ("duty_texts", "delete from duty_texts"),
        ];
        let mut violations = Vec::new();
        for (table, sql) in ATTEMPTS {
            let mut tx = self.write.begin().await?;
            let outcome = sqlx::query(sql).execute(&mut *tx).await;
            tx.rollback().await?;
            if outcome.is_ok_and(|done| done.rows_affected() > 0) {
                violations.push(table);
            }
        }
        Ok(violations)
    }
}
