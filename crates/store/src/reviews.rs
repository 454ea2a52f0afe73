//! Weekly investigations (周排查): stored with the draft they were written on, reported to the principal, logged.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use zhian_domain::duty::WeeklyReviewInfo;

use crate::ledger::kind;
use crate::{Result, Store, instant, micros};

/// A stored weekly review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyReview {
    /// Id.
    pub id: i64,
    /// The week.
    pub period: String,
    /// The drafted summary it was written on.
    pub draft: String,
    /// Analysis.
    pub analysis: String,
    /// Conclusions.
    pub conclusions: String,
    /// The review it corrects.
    pub amends: Option<i64>,
    /// Who submitted it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

fn review_row(r: &AnyRow) -> Result<WeeklyReview> {
    Ok(WeeklyReview {
        id: r.try_get("id")?,
        period: r.try_get("period")?,
        draft: r.try_get("draft")?,
        analysis: r.try_get("analysis")?,
        conclusions: r.try_get("conclusions")?,
        amends: r.try_get("amends")?,
        created_by: r.try_get("display_name")?,
        created_at: instant(r.try_get("created_at")?),
    })
}

const REVIEW_COLUMNS: &str = "select w.id, w.period, w.draft, w.analysis, w.conclusions, w.amends, w.created_at, \
    u.display_name from weekly_reviews w join users u on u.id = w.created_by";

impl Store {
    /// Stores a weekly review, logs it and reports it to the unit's principal, in one transaction. A second review
    /// of a week is refused unless it amends one of that week's.
    pub async fn submit_weekly_review(
        &self,
        unit_id: i64,
        info: &WeeklyReviewInfo,
        draft: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let period = info.period.to_string();
        let mut tx = self.write.begin().await?;
        crate::checks::one_per_period(&mut tx, "weekly_reviews", unit_id, &period, info.amends, "周排查报告").await?;
        let id: i64 = sqlx::query(
            "insert into weekly_reviews (unit_id, period, draft, analysis, conclusions, amends, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        )
        .bind(unit_id)
        .bind(&period)
        .bind(draft)
        .bind(&info.analysis)
        .bind(&info.conclusions)
        .bind(info.amends)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        self.log_record(&mut tx, kind::WEEKLY_REVIEW, id, unit_id, now).await?;
        if info.amends.is_none() {
            let first = [(unit_id, zhian_domain::Tier::Weekly, period.clone(), now)];
            crate::tallies::add_first_records(&mut tx, &first, now).await?;
        }
        crate::checks::notify_post(
            &mut tx,
            unit_id,
            "principal",
            by,
            &format!("{period} 周排查报告已提交"),
            &format!("/units/{unit_id}/reviews/{id}"),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A unit's weekly reviews, newest first.
    pub async fn weekly_reviews(&self, unit_id: i64) -> Result<Vec<WeeklyReview>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{REVIEW_COLUMNS} where w.unit_id = $1 order by w.period desc, w.id desc"
        )))
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(review_row)
        .collect()
    }

    /// One weekly review of a unit.
    pub async fn weekly_review(&self, unit_id: i64, id: i64) -> Result<Option<WeeklyReview>> {
        sqlx::query(sqlx::AssertSqlSafe(format!("{REVIEW_COLUMNS} where w.unit_id = $1 and w.id = $2")))
            .bind(unit_id)
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .as_ref()
            .map(review_row)
            .transpose()
    }
}
