//! Vetoes (否决建议): proposed by a director or officer, answered once by the principal; both logged, the principal
//! alerted at once.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use zhian_domain::veto::{VetoAnswer, VetoDecision, VetoInfo};

use crate::ledger::kind;
use crate::{Result, Store, StoreError, instant, micros};

/// A veto with its answer, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Veto {
    /// Id.
    pub id: i64,
    /// Product.
    pub product: String,
    /// Defect.
    pub defect: String,
    /// Proposal.
    pub proposal: String,
    /// Who proposed it.
    pub proposed_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The principal's answer: (decision, reasons, measures, by, at).
    pub answer: Option<(VetoDecision, String, String, String, DateTime<Utc>)>,
}

const VETO_COLUMNS: &str = "select v.id, v.product, v.defect, v.proposal, v.created_at, pu.display_name as proposer, \
    a.id as answer_id, a.decision, a.reasons, a.measures, a.created_at as answered_at, au.display_name as answerer \
    from vetoes v join users pu on pu.id = v.proposed_by left join veto_answers a on a.veto_id = v.id \
    left join users au on au.id = a.answered_by";

fn veto_row(r: &AnyRow) -> Result<Veto> {
    let answer = match r.try_get::<Option<i64>, _>("answer_id")? {
        Some(_) => {
            let decision: String = r.try_get("decision")?;
            Some((
                VetoDecision::parse(&decision).ok_or(StoreError::Corrupt(decision))?,
                r.try_get("reasons")?,
                r.try_get("measures")?,
                r.try_get("answerer")?,
                instant(r.try_get("answered_at")?),
            ))
        }
        None => None,
    };
    Ok(Veto {
        id: r.try_get("id")?,
        product: r.try_get("product")?,
        defect: r.try_get("defect")?,
        proposal: r.try_get("proposal")?,
        proposed_by: r.try_get("proposer")?,
        created_at: instant(r.try_get("created_at")?),
        answer,
    })
}

impl Store {
    /// Records a veto, logs it and alerts the unit's principal, in one transaction.
    pub async fn propose_veto(&self, unit_id: i64, info: &VetoInfo, by: i64, now: DateTime<Utc>) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query(
            "insert into vetoes (unit_id, product, defect, proposal, proposed_by, created_at) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(unit_id)
        .bind(&info.product)
        .bind(&info.defect)
        .bind(&info.proposal)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        self.log_record(&mut tx, kind::VETO, id, unit_id, now).await?;
        let message = format!("否决建议：{}——{}。请立即组织分析研判并答复", info.product, info.defect);
        crate::checks::notify_post(
            &mut tx,
            unit_id,
            "principal",
            by,
            &message,
            &format!("/units/{unit_id}/vetoes/{id}"),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records the principal's answer (once) and logs it.
    pub async fn answer_veto(
        &self,
        unit_id: i64,
        veto_id: i64,
        answer: &VetoAnswer,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        sqlx::query("select id from vetoes where unit_id = $1 and id = $2")
            .bind(unit_id)
            .bind(veto_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let id: i64 = sqlx::query(
            "insert into veto_answers (veto_id, decision, reasons, measures, answered_by, created_at) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(veto_id)
        .bind(answer.decision.code())
        .bind(&answer.reasons)
        .bind(&answer.measures)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        self.log_record(&mut tx, kind::VETO_ANSWER, id, unit_id, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A unit's vetoes, newest first.
    pub async fn vetoes(&self, unit_id: i64) -> Result<Vec<Veto>> {
        sqlx::query(sqlx::AssertSqlSafe(format!("{VETO_COLUMNS} where v.unit_id = $1 order by v.id desc")))
            .bind(unit_id)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(veto_row)
            .collect()
    }

    /// One veto of a unit.
    pub async fn veto(&self, unit_id: i64, id: i64) -> Result<Option<Veto>> {
        sqlx::query(sqlx::AssertSqlSafe(format!("{VETO_COLUMNS} where v.unit_id = $1 and v.id = $2")))
            .bind(unit_id)
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .as_ref()
            .map(veto_row)
            .transpose()
    }
}
