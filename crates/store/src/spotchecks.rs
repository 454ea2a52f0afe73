//! Random supervisory spot checks: plans with their frozen candidate lists and commitments, draws, results and the
//! rectification orders that follow a failure. Each step is one transaction that writes the step and its leaf.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use zhian_domain::access::Post;
use zhian_domain::draw::{Bytes32, commitment, hex, parse_hex32, sha256};
use zhian_domain::ident::DivisionCode;
use zhian_domain::spotcheck::{Candidate, Drawn, Sample, list_text};

use crate::exams::Attempt;
use crate::ledger::kind;
use crate::{Result, Store, StoreError, date, instant, micros};

/// A plan to be published.
#[derive(Debug, Clone)]
pub struct NewPlan<'a> {
    /// Title, e.g. 2026 年第四季度南山区工业产品销售单位质量安全管理人员监督抽查考核.
    pub title: &'a str,
    /// The jurisdiction drawn from.
    pub division: DivisionCode,
    /// Catalogue category codes a unit must sell one of (empty: any).
    pub categories: &'a [String],
    /// How many units.
    pub sample: Sample,
    /// People drawn per unit.
    pub people_per_unit: u32,
    /// The exam's blueprint (JSON).
    pub blueprint: &'a str,
    /// Days a unit has to rectify after a failure.
    pub rectify_days: u32,
    /// The secret seed, kept sealed until the draw.
    pub seed: &'a Bytes32,
    /// The day whose posts make the candidate list.
    pub day: NaiveDate,
}

/// A plan as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Jurisdiction.
    pub division_code: String,
    /// Category codes (empty: any).
    pub categories: Vec<String>,
    /// Sample.
    pub sample: Sample,
    /// People per unit.
    pub people_per_unit: u32,
    /// Blueprint (JSON).
    pub blueprint: String,
    /// Days to rectify.
    pub rectify_days: u32,
    /// `SHA-256(seed)` (hex).
    pub commitment: String,
    /// The frozen list.
    pub candidates: String,
    /// Its SHA-256 (hex).
    pub list_sha256: String,
    /// The revealed seed (hex).
    pub seed: Option<String>,
    /// The draw.
    pub drawn: Option<Vec<Drawn>>,
    /// When drawn.
    pub drawn_at: Option<DateTime<Utc>>,
    /// The exam the drawn people sit.
    pub exam_id: Option<i64>,
    /// The published results (JSON).
    pub results: Option<String>,
    /// When published.
    pub published_at: Option<DateTime<Utc>>,
    /// Who made it.
    pub created_by: i64,
    /// When.
    pub created_at: DateTime<Utc>,
}

const PLAN_COLUMNS: &str = "id, title, division_code, categories, sample, people_per_unit, blueprint, rectify_days, \
     commitment, candidates, list_sha256, seed, drawn, drawn_at, exam_id, results, published_at, created_by, created_at";

fn plan_row(r: &AnyRow) -> Result<Plan> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("抽查计划 {what}"));
    let small = |v: i64| u32::try_from(v).map_err(|_| corrupt("数值"));
    let at = |c: &str| r.try_get::<Option<i64>, _>(c).map(|v| v.map(instant));
    Ok(Plan {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        division_code: r.try_get("division_code")?,
        categories: serde_json::from_str(&r.try_get::<String, _>("categories")?).map_err(|_| corrupt("类别"))?,
        sample: serde_json::from_str(&r.try_get::<String, _>("sample")?).map_err(|_| corrupt("样本"))?,
        people_per_unit: small(r.try_get("people_per_unit")?)?,
        blueprint: r.try_get("blueprint")?,
        rectify_days: small(r.try_get("rectify_days")?)?,
        commitment: r.try_get("commitment")?,
        candidates: r.try_get("candidates")?,
        list_sha256: r.try_get("list_sha256")?,
        seed: r.try_get("seed")?,
        drawn: r
            .try_get::<Option<String>, _>("drawn")?
            .map(|d| serde_json::from_str(&d).map_err(|_| corrupt("抽取结果")))
            .transpose()?,
        drawn_at: at("drawn_at")?,
        exam_id: r.try_get("exam_id")?,
        results: r.try_get("results")?,
        published_at: at("published_at")?,
        created_by: r.try_get("created_by")?,
        created_at: instant(r.try_get("created_at")?),
    })
}

/// An order to rectify, to be written at publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    /// The unit.
    pub unit_id: i64,
    /// The person who failed (none: the unit had no one in post).
    pub person_id: Option<i64>,
    /// Their attempt.
    pub attempt_id: Option<i64>,
    /// Why.
    pub reason: String,
    /// By when.
    pub due: NaiveDate,
}

/// A rectification order as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Id.
    pub id: i64,
    /// The plan.
    pub plan_id: i64,
    /// The plan's title.
    pub plan_title: String,
    /// The unit.
    pub unit_id: i64,
    /// The unit's name.
    pub unit_name: String,
    /// The person.
    pub person_id: Option<i64>,
    /// The person's name.
    pub person_name: Option<String>,
    /// Why.
    pub reason: String,
    /// By when.
    pub due: NaiveDate,
    /// When it was ordered.
    pub created_at: DateTime<Utc>,
    /// When the unit reported the fix.
    pub reported_at: Option<DateTime<Utc>>,
    /// `retrained` or `replaced`.
    pub report_kind: Option<String>,
    /// What the unit wrote.
    pub report_text: Option<String>,
    /// The passed reassessment, for `retrained`.
    pub report_attempt_id: Option<i64>,
}

const ORDER_SELECT: &str = "select o.id, o.plan_id, p.title as plan_title, o.unit_id, un.name as unit_name, o.person_id, \
     pe.name as person_name, o.reason, o.due_date, o.created_at, o.reported_at, o.report_kind, o.report_text, \
     o.report_attempt_id from rectification_orders o join spot_check_plans p on p.id = o.plan_id \
     join units un on un.id = o.unit_id left join people pe on pe.id = o.person_id";

fn order_row(r: &AnyRow) -> Result<Order> {
    Ok(Order {
        id: r.try_get("id")?,
        plan_id: r.try_get("plan_id")?,
        plan_title: r.try_get("plan_title")?,
        unit_id: r.try_get("unit_id")?,
        unit_name: r.try_get("unit_name")?,
        person_id: r.try_get("person_id")?,
        person_name: r.try_get("person_name")?,
        reason: r.try_get("reason")?,
        due: date(&r.try_get::<String, _>("due_date")?)?,
        created_at: instant(r.try_get("created_at")?),
        reported_at: r.try_get::<Option<i64>, _>("reported_at")?.map(instant),
        report_kind: r.try_get("report_kind")?,
        report_text: r.try_get("report_text")?,
        report_attempt_id: r.try_get("report_attempt_id")?,
    })
}

impl Store {
    /// The units of a jurisdiction selling one of `categories` (any, when empty), each with the directors and
    /// officers in post on `day`.
    pub async fn spot_candidates(
        &self,
        division: DivisionCode,
        categories: &[String],
        day: NaiveDate,
    ) -> Result<Vec<Candidate>> {
        let list = serde_json::to_string(categories).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let in_categories = match self.backend {
            crate::Backend::Sqlite => "select value from json_each($2)",
            crate::Backend::Postgres => "select e #>> '{}' from json_array_elements($2::json) e",
        };
        let sql = format!(
            "select u.id, u.credit_code, u.name from units u where u.division_code like $1 and ($3 = 0 or exists \
             (select 1 from unit_products p where p.unit_id = u.id and p.category_code in ({in_categories})))"
        );
        let units = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(format!("{}%", division.subtree_prefix()))
            .bind(list)
            .bind(i64::from(!categories.is_empty()))
            .fetch_all(&self.read)
            .await?;
        let posts = sqlx::query(
            "select a.unit_id, a.person_id, a.post from appointments a join units u on u.id = a.unit_id \
             where u.division_code like $1 and a.post in ('director', 'officer') and a.from_date <= $2 \
             and (a.to_date is null or a.to_date >= $2) order by a.unit_id, a.person_id",
        )
        .bind(format!("{}%", division.subtree_prefix()))
        .bind(day.to_string())
        .fetch_all(&self.read)
        .await?;
        let mut people: std::collections::HashMap<i64, Vec<(i64, Post)>> = std::collections::HashMap::new();
        for r in &posts {
            let post: String = r.try_get("post")?;
            let post = Post::parse(&post).ok_or(StoreError::Corrupt(post))?;
            let entry = people.entry(r.try_get("unit_id")?).or_default();
            let person: i64 = r.try_get("person_id")?;
            if !entry.iter().any(|(p, _)| *p == person) {
                entry.push((person, post));
            }
        }
        units
            .iter()
            .map(|r| {
                let unit_id: i64 = r.try_get("id")?;
                Ok(Candidate {
                    unit_id,
                    credit_code: r.try_get("credit_code")?,
                    name: r.try_get("name")?,
                    people: people.remove(&unit_id).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Publishes a plan: freezes its candidate list, seals its seed, writes the commitment, and logs it — one
    /// transaction.
    pub async fn create_plan(&self, p: &NewPlan<'_>, by: i64, now: DateTime<Utc>) -> Result<i64> {
        let candidates = self.spot_candidates(p.division, p.categories, p.day).await?;
        let text = list_text(&candidates);
        let list_sha256 = hex(&sha256(text.as_bytes()));
        let sealed = self.sealer.seal(&hex(p.seed))?;
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query(
            "insert into spot_check_plans (title, division_code, categories, sample, people_per_unit, blueprint, \
             rectify_days, seed_sealed, commitment, candidates, list_sha256, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning id",
        )
        .bind(p.title)
        .bind(p.division.to_string())
        .bind(serde_json::to_string(p.categories).map_err(|e| StoreError::Corrupt(e.to_string()))?)
        .bind(serde_json::to_string(&p.sample).map_err(|e| StoreError::Corrupt(e.to_string()))?)
        .bind(i64::from(p.people_per_unit))
        .bind(p.blueprint)
        .bind(i64::from(p.rectify_days))
        .bind(sealed)
        .bind(hex(&commitment(p.seed)))
        .bind(text)
        .bind(list_sha256)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        self.log_record_without_unit(&mut tx, kind::SPOT_CHECK_PLAN, id, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A plan.
    pub async fn plan(&self, id: i64) -> Result<Option<Plan>> {
        let sql = format!("select {PLAN_COLUMNS} from spot_check_plans where id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .as_ref()
            .map(plan_row)
            .transpose()
    }

    /// The plans inside any of the jurisdictions, newest first.
    pub async fn plans_in(&self, jurisdictions: &[DivisionCode]) -> Result<Vec<Plan>> {
        let sql = format!("select {PLAN_COLUMNS} from spot_check_plans order by id desc");
        let all: Vec<Plan> = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(plan_row)
            .collect::<Result<_>>()?;
        Ok(all
            .into_iter()
            .filter(|p| {
                DivisionCode::parse(&p.division_code).is_ok_and(|d| jurisdictions.iter().any(|j| j.contains(d)))
            })
            .collect())
    }

    /// The sealed seed of a plan, opened.
    pub async fn plan_seed(&self, id: i64) -> Result<Bytes32> {
        let row = sqlx::query("select seed_sealed from spot_check_plans where id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        let opened = self.sealer.open(&row.try_get::<Vec<u8>, _>("seed_sealed")?)?;
        parse_hex32(&opened).ok_or_else(|| StoreError::Corrupt("种子".into()))
    }

    /// Writes a plan's draw — the revealed seed, the units and people drawn, the exam they sit — once, and logs
    /// it; `false` when the plan was drawn already.
    pub async fn record_draw(
        &self,
        id: i64,
        seed: &Bytes32,
        drawn: &[Drawn],
        exam_id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let drawn = serde_json::to_string(drawn).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.write.begin().await?;
        let done = sqlx::query(
            "update spot_check_plans set seed = $2, drawn = $3, drawn_at = $4, exam_id = $5 where id = $1 and seed is null",
        )
        .bind(id)
        .bind(hex(seed))
        .bind(drawn)
        .bind(micros(now))
        .bind(exam_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        self.log_record_without_unit(&mut tx, kind::SPOT_CHECK_DRAW, id, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The attempts of an exam (a plan's), by unit and id.
    pub async fn exam_attempts(&self, exam_id: i64) -> Result<Vec<Attempt>> {
        crate::exams::attempts_of_exam(self, exam_id).await
    }

    /// Publishes a plan's results and writes an order for each failure, once, all logged; `false` when the
    /// results were published already.
    pub async fn publish_results(
        &self,
        id: i64,
        results: &str,
        orders: &[NewOrder],
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let done = sqlx::query(
            "update spot_check_plans set results = $2, published_at = $3 where id = $1 and results is null \
             and seed is not null",
        )
        .bind(id)
        .bind(results)
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        self.log_record_without_unit(&mut tx, kind::SPOT_CHECK_RESULTS, id, now).await?;
        for o in orders {
            let order: i64 = sqlx::query(
                "insert into rectification_orders (plan_id, unit_id, person_id, attempt_id, reason, due_date, \
                 created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
            )
            .bind(id)
            .bind(o.unit_id)
            .bind(o.person_id)
            .bind(o.attempt_id)
            .bind(&o.reason)
            .bind(o.due.to_string())
            .bind(by)
            .bind(micros(now))
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            self.log_record(&mut tx, kind::RECTIFICATION_ORDER, order, o.unit_id, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// A unit's rectification orders, newest first.
    pub async fn unit_orders(&self, unit_id: i64) -> Result<Vec<Order>> {
        let sql = format!("{ORDER_SELECT} where o.unit_id = $1 order by o.id desc");
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(unit_id).fetch_all(&self.read).await?.iter().map(order_row).collect()
    }

    /// A plan's rectification orders.
    pub async fn plan_orders(&self, plan_id: i64) -> Result<Vec<Order>> {
        let sql = format!("{ORDER_SELECT} where o.plan_id = $1 order by o.id");
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(plan_id).fetch_all(&self.read).await?.iter().map(order_row).collect()
    }

    /// Records the unit's report on an order, once, and logs it; `false` when it was reported already.
    #[allow(clippy::too_many_arguments)]
    pub async fn report_rectification(
        &self,
        order_id: i64,
        unit_id: i64,
        kind_: &str,
        text: &str,
        attempt_id: Option<i64>,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let done = sqlx::query(
            "update rectification_orders set reported_at = $3, report_kind = $4, report_text = $5, \
             report_attempt_id = $6, reported_by = $7 where id = $1 and unit_id = $2 and reported_at is null",
        )
        .bind(order_id)
        .bind(unit_id)
        .bind(micros(now))
        .bind(kind_)
        .bind(text)
        .bind(attempt_id)
        .bind(by)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        self.log_record(&mut tx, kind::RECTIFICATION_REPORT, order_id, unit_id, now).await?;
        tx.commit().await?;
        Ok(true)
    }
}
