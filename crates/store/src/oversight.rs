//! What a regulator's dashboard is computed from: every unit of a jurisdiction with its settings, products, posts,
//! assessments, suspensions and submissions in a period, and its hazard and veto counts — read in a fixed number
//! of queries whatever the number of units, then evaluated by the rules.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use zhian_domain::access::Post;
use zhian_domain::ident::DivisionCode;
use zhian_domain::scope::{Category3Policy, Channel};
use zhian_domain::{Suspension, Tier};

use zhian_domain::cadence::Cadences;

use crate::settings::{UnitSettings, parse_weekdays};
use crate::{Result, Store, StoreError, date, instant, micros};

/// One unit's facts.
#[derive(Debug, Clone)]
pub struct UnitFacts {
    /// Id.
    pub unit_id: i64,
    /// Name.
    pub name: String,
    /// Credit code.
    pub credit_code: String,
    /// Division.
    pub division: DivisionCode,
    /// 批发 / 零售.
    pub channel: Channel,
    /// Employees.
    pub employees: u64,
    /// Revenue.
    pub revenue_yuan: u64,
    /// The category-3 policy.
    pub category3_policy: Category3Policy,
    /// Catalogue category codes sold.
    pub products: Vec<String>,
    /// Settings (record names left empty).
    pub settings: UnitSettings,
    /// Suspensions.
    pub suspensions: Vec<Suspension>,
    /// Submissions since the period's first window began: (tier, period, when).
    pub submissions: Vec<(Tier, String, DateTime<Utc>)>,
    /// Appointments: (person, post, from, to).
    pub tenures: Vec<(i64, Post, NaiveDate, Option<NaiveDate>)>,
    /// People with a passed assessment (recorded or examined).
    pub assessed: Vec<i64>,
    /// Hazards not closed.
    pub open_hazards: u32,
    /// Of those, past their deadline.
    pub overdue_hazards: u32,
    /// Vetoes not answered.
    pub vetoes_waiting: u32,
    /// Of those, proposed before the escalation time.
    pub vetoes_escalated: u32,
}

fn count(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl Store {
    /// The facts of every unit in `division`'s subtree: submissions made since `since`, hazards overdue on
    /// `today`, vetoes escalated when proposed before `vetoes_due_before`. Ten queries in all.
    pub async fn jurisdiction_facts(
        &self,
        division: DivisionCode,
        since: DateTime<Utc>,
        today: NaiveDate,
        vetoes_due_before: DateTime<Utc>,
    ) -> Result<Vec<UnitFacts>> {
        let pattern = format!("{}%", division.subtree_prefix());
        let units = sqlx::query(
            "select id, name, credit_code, division_code, channel, employees, revenue_yuan, category3_policy, \
             closed_weekdays, daily_cadence, weekly_cadence, monthly_cadence, created_at from units \
             where division_code like $1 order by id",
        )
        .bind(&pattern)
        .fetch_all(&self.read)
        .await?;
        let mut facts = Vec::with_capacity(units.len());
        let mut index: HashMap<i64, usize> = HashMap::with_capacity(units.len());
        for r in &units {
            let cadence = |column: &str| -> Result<zhian_domain::Cadence> {
                let spec: String = r.try_get(column)?;
                spec.parse().map_err(|_| StoreError::Corrupt(spec))
            };
            let division: String = r.try_get("division_code")?;
            let channel: String = r.try_get("channel")?;
            let policy: String = r.try_get("category3_policy")?;
            let unit_id: i64 = r.try_get("id")?;
            index.insert(unit_id, facts.len());
            facts.push(UnitFacts {
                unit_id,
                name: r.try_get("name")?,
                credit_code: r.try_get("credit_code")?,
                division: DivisionCode::parse(&division).map_err(|_| StoreError::Corrupt(division.clone()))?,
                channel: Channel::parse(&channel).ok_or(StoreError::Corrupt(channel))?,
                employees: u64::try_from(r.try_get::<i64, _>("employees")?).unwrap_or(0),
                revenue_yuan: u64::try_from(r.try_get::<i64, _>("revenue_yuan")?).unwrap_or(0),
                category3_policy: Category3Policy::parse(&policy).ok_or(StoreError::Corrupt(policy))?,
                products: Vec::new(),
                settings: UnitSettings {
                    closed: parse_weekdays(&r.try_get::<String, _>("closed_weekdays")?),
                    cadences: Cadences {
                        daily: cadence("daily_cadence")?,
                        weekly: cadence("weekly_cadence")?,
                        monthly: cadence("monthly_cadence")?,
                    },
                    names: Default::default(),
                    registered_at: instant(r.try_get("created_at")?),
                },
                suspensions: Vec::new(),
                submissions: Vec::new(),
                tenures: Vec::new(),
                assessed: Vec::new(),
                open_hazards: 0,
                overdue_hazards: 0,
                vetoes_waiting: 0,
                vetoes_escalated: 0,
            });
        }
        let rows = sqlx::query(
            "select p.unit_id, p.category_code from unit_products p join units u on u.id = p.unit_id \
             where u.division_code like $1",
        )
        .bind(&pattern)
        .fetch_all(&self.read)
        .await?;
        for r in &rows {
            if let Some(f) = index.get(&r.try_get::<i64, _>("unit_id")?).and_then(|i| facts.get_mut(*i)) {
                f.products.push(r.try_get("category_code")?);
            }
        }
        let rows = sqlx::query(
            "select s.unit_id, s.from_date, s.to_date, s.reason from suspensions s join units u on u.id = s.unit_id \
             where u.division_code like $1",
        )
        .bind(&pattern)
        .fetch_all(&self.read)
        .await?;
        for r in &rows {
            let (from, to) = (date(&r.try_get::<String, _>("from_date")?)?, date(&r.try_get::<String, _>("to_date")?)?);
            if let (Some(f), Ok(range)) = (
                index.get(&r.try_get::<i64, _>("unit_id")?).and_then(|i| facts.get_mut(*i)),
                zhian_domain::DateRange::new(from, to),
            ) {
                f.suspensions.push(Suspension { range, reason: r.try_get("reason")? });
            }
        }
        for (tier, table) in
            [(Tier::Daily, "daily_checks"), (Tier::Weekly, "weekly_reviews"), (Tier::Monthly, "monthly_meetings")]
        {
            let sql = format!(
                "select t.unit_id, t.period, t.created_at from {table} t join units u on u.id = t.unit_id \
                 where u.division_code like $1 and t.created_at >= $2"
            );
            let rows =
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&pattern).bind(micros(since)).fetch_all(&self.read).await?;
            for r in &rows {
                if let Some(f) = index.get(&r.try_get::<i64, _>("unit_id")?).and_then(|i| facts.get_mut(*i)) {
                    f.submissions.push((tier, r.try_get("period")?, instant(r.try_get("created_at")?)));
                }
            }
        }
        let rows = sqlx::query(
            "select a.unit_id, a.person_id, a.post, a.from_date, a.to_date from appointments a \
             join units u on u.id = a.unit_id where u.division_code like $1",
        )
        .bind(&pattern)
        .fetch_all(&self.read)
        .await?;
        for r in &rows {
            let post: String = r.try_get("post")?;
            let post = Post::parse(&post).ok_or(StoreError::Corrupt(post))?;
            let from = date(&r.try_get::<String, _>("from_date")?)?;
            let to = r.try_get::<Option<String>, _>("to_date")?.as_deref().map(date).transpose()?;
            if let Some(f) = index.get(&r.try_get::<i64, _>("unit_id")?).and_then(|i| facts.get_mut(*i)) {
                f.tenures.push((r.try_get("person_id")?, post, from, to));
            }
        }
        let rows = sqlx::query(
            "select t.unit_id, t.person_id from trainings t join units u on u.id = t.unit_id \
             where u.division_code like $1 and t.passed = 1 and t.score is not null \
             union select a.unit_id, a.person_id from exam_attempts a join units u on u.id = a.unit_id \
             where u.division_code like $1 and a.passed = 1",
        )
        .bind(&pattern)
        .fetch_all(&self.read)
        .await?;
        for r in &rows {
            if let Some(f) = index.get(&r.try_get::<i64, _>("unit_id")?).and_then(|i| facts.get_mut(*i)) {
                f.assessed.push(r.try_get("person_id")?);
            }
        }
        let rows = sqlx::query(
            "select h.unit_id, count(*) as open, sum(case when h.deadline < $2 then 1 else 0 end) as overdue \
             from hazards h join units u on u.id = h.unit_id where u.division_code like $1 and h.status <> 'closed' \
             group by h.unit_id",
        )
        .bind(&pattern)
        .bind(today.to_string())
        .fetch_all(&self.read)
        .await?;
        for r in &rows {
            if let Some(f) = index.get(&r.try_get::<i64, _>("unit_id")?).and_then(|i| facts.get_mut(*i)) {
                f.open_hazards = count(r.try_get("open")?);
                f.overdue_hazards = count(r.try_get::<Option<i64>, _>("overdue")?.unwrap_or(0));
            }
        }
        let rows = sqlx::query(
            "select v.unit_id, count(*) as waiting, sum(case when v.created_at <= $2 then 1 else 0 end) as escalated \
             from vetoes v join units u on u.id = v.unit_id where u.division_code like $1 and not exists \
             (select 1 from veto_answers a where a.veto_id = v.id) group by v.unit_id",
        )
        .bind(&pattern)
        .bind(micros(vetoes_due_before))
        .fetch_all(&self.read)
        .await?;
        for r in &rows {
            if let Some(f) = index.get(&r.try_get::<i64, _>("unit_id")?).and_then(|i| facts.get_mut(*i)) {
                f.vetoes_waiting = count(r.try_get("waiting")?);
                f.vetoes_escalated = count(r.try_get::<Option<i64>, _>("escalated")?.unwrap_or(0));
            }
        }
        Ok(facts)
    }
}

/// One generated record: (tier, unit, period, submitted at).
pub type GeneratedRecord = (Tier, i64, String, DateTime<Utc>);

impl Store {
    /// Writes generated activity — daily checks, weekly investigations, monthly minutes with placeholder text — for
    /// demonstrations and benchmarks of a jurisdiction at scale, in batches of one statement each. These rows are
    /// not on the transparency log and say so in their text; real records never come this way.
    pub async fn insert_generated(&self, records: &[GeneratedRecord], by: i64) -> Result<()> {
        const NOTE: &str = "（生成的演示数据，未记入透明日志）";
        for chunk in records.chunks(5_000) {
            let mut tx = self.write.begin().await?;
            for (tier, table) in [(Tier::Daily, "daily"), (Tier::Weekly, "weekly"), (Tier::Monthly, "monthly")] {
                let rows: Vec<serde_json::Value> = chunk
                    .iter()
                    .filter(|r| r.0 == tier)
                    .map(|(_, unit, period, at)| serde_json::json!([unit, period, micros(*at)]))
                    .collect();
                if rows.is_empty() {
                    continue;
                }
                let (from, u, p, t) = match self.backend {
                    crate::Backend::Sqlite => ("json_each($1) j", "j.value ->> 0", "j.value ->> 1", "j.value ->> 2"),
                    crate::Backend::Postgres => (
                        "json_array_elements($1::json) j(e)",
                        "(j.e ->> 0)::bigint",
                        "j.e ->> 1",
                        "(j.e ->> 2)::bigint",
                    ),
                };
                let sql = match table {
                    "daily" => format!(
                        "insert into daily_checks (unit_id, period, zero_risk, note, items, created_by, created_at) \
                         select {u}, {p}, 1, $2, '[]', $3, {t} from {from}"
                    ),
                    "weekly" => format!(
                        "insert into weekly_reviews (unit_id, period, draft, analysis, conclusions, created_by, \
                         created_at) select {u}, {p}, $2, $2, $2, $3, {t} from {from}"
                    ),
                    _ => format!(
                        "insert into monthly_meetings (unit_id, period, held_at, place, host, recorder, attendees, \
                         draft, report, summary, decisions, created_by, created_at) \
                         select {u}, {p}, $2, $2, $2, $2, $2, $2, $2, $2, $2, $3, {t} from {from}"
                    ),
                };
                let json = serde_json::Value::Array(rows).to_string();
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(json).bind(NOTE).bind(by).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }
}
