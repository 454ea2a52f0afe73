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

/// A count as read; a negative one (never written) reads as none.
fn count(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
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
        ids: Option<(i64, i64)>,
    ) -> Result<Vec<UnitFacts>> {
        let pattern = format!("{}%", division.subtree_prefix());
        let bounds = ids.map(|(lo, hi)| format!(" and u.id between {lo} and {hi}")).unwrap_or_default();
        let scoped = |sql: &str| sql.replace("u.division_code like $1", &format!("u.division_code like $1{bounds}"));
        let units = sqlx::query(sqlx::AssertSqlSafe(scoped(
            "select id, name, credit_code, division_code, channel, employees, revenue_yuan, category3_policy, \
             closed_weekdays, daily_cadence, weekly_cadence, monthly_cadence, created_at from units u \
             where u.division_code like $1 order by id",
        )))
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
        let rows = sqlx::query(sqlx::AssertSqlSafe(scoped(
            "select p.unit_id, p.category_code from unit_products p join units u on u.id = p.unit_id \
             where u.division_code like $1",
        )))
        .bind(&pattern)
        .fetch_all(&self.read)
        .await?;
        for r in &rows {
            if let Some(f) = index.get(&r.try_get::<i64, _>("unit_id")?).and_then(|i| facts.get_mut(*i)) {
                f.products.push(r.try_get("category_code")?);
            }
        }
        let rows = sqlx::query(sqlx::AssertSqlSafe(scoped(
            "select s.unit_id, s.from_date, s.to_date, s.reason from suspensions s join units u on u.id = s.unit_id \
             where u.division_code like $1",
        )))
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
            let rows = sqlx::query(sqlx::AssertSqlSafe(scoped(&sql)))
                .bind(&pattern)
                .bind(micros(since))
                .fetch_all(&self.read)
                .await?;
            for r in &rows {
                if let Some(f) = index.get(&r.try_get::<i64, _>("unit_id")?).and_then(|i| facts.get_mut(*i)) {
                    f.submissions.push((tier, r.try_get("period")?, instant(r.try_get("created_at")?)));
                }
            }
        }
        let rows = sqlx::query(sqlx::AssertSqlSafe(scoped(
            "select a.unit_id, a.person_id, a.post, a.from_date, a.to_date from appointments a \
             join units u on u.id = a.unit_id where u.division_code like $1",
        )))
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
        let rows = sqlx::query(sqlx::AssertSqlSafe(scoped(
            "select t.unit_id, t.person_id from trainings t join units u on u.id = t.unit_id \
             where u.division_code like $1 and t.passed = 1 and t.score is not null \
             union select a.unit_id, a.person_id from exam_attempts a join units u on u.id = a.unit_id \
             where u.division_code like $1 and a.passed = 1",
        )))
        .bind(&pattern)
        .fetch_all(&self.read)
        .await?;
        for r in &rows {
            if let Some(f) = index.get(&r.try_get::<i64, _>("unit_id")?).and_then(|i| facts.get_mut(*i)) {
                f.assessed.push(r.try_get("person_id")?);
            }
        }
        let rows = sqlx::query(sqlx::AssertSqlSafe(scoped(
            "select h.unit_id, count(*) as open, sum(case when h.deadline < $2 then 1 else 0 end) as overdue \
             from hazards h join units u on u.id = h.unit_id where u.division_code like $1 and h.status <> 'closed' \
             group by h.unit_id",
        )))
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
        let rows = sqlx::query(sqlx::AssertSqlSafe(scoped(
            "select v.unit_id, count(*) as waiting, sum(case when v.created_at <= $2 then 1 else 0 end) as escalated \
             from vetoes v join units u on u.id = v.unit_id where u.division_code like $1 and not exists \
             (select 1 from veto_answers a where a.veto_id = v.id) group by v.unit_id",
        )))
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

/// In-scope units of a division alike in staffing: duties, whether a director and an officer are in post today,
/// whether everyone in those posts has a passed assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffingGroup {
    /// The units' division.
    pub division: String,
    /// Their duties.
    pub duties: crate::models::Duties,
    /// A director in post.
    pub director: bool,
    /// An officer in post.
    pub officer: bool,
    /// Everyone in post assessed.
    pub assessed: bool,
    /// How many units.
    pub units: u32,
}

/// In-scope units of a division alike in everything their obligation calendar depends on besides records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarGroup {
    /// The units' division.
    pub division: String,
    /// Cadences.
    pub cadences: Cadences,
    /// Closed weekdays.
    pub closed: zhian_domain::WeekdaySet,
    /// The local day of registration, or any day up to the period's first for units registered before it.
    pub registered: i64,
    /// Suspensions (a unit with suspensions is a group of its own).
    pub suspensions: Vec<Suspension>,
    /// How many units.
    pub units: u32,
}

/// Tallied slots of a division's in-scope units whose windows touch the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TallySum {
    /// The tier.
    pub tier: Tier,
    /// Every day of the window closed or suspended.
    pub excusable: bool,
    /// The window has closed.
    pub closed: bool,
    /// On time.
    pub done: u32,
    /// Late.
    pub late: u32,
}

/// A jurisdiction's figures as sums over groups, read in six queries whatever the number of units (two more per 500
/// units with suspensions).
#[derive(Debug, Clone, Default)]
pub struct JurisdictionSums {
    /// Staffing groups.
    pub staffing: Vec<StaffingGroup>,
    /// Calendar groups.
    pub calendars: Vec<CalendarGroup>,
    /// Tallies, by division.
    pub tallies: Vec<(String, TallySum)>,
    /// Open and overdue hazards, by division.
    pub hazards: Vec<(String, u32, u32)>,
    /// Waiting and escalated vetoes, by division.
    pub vetoes: Vec<(String, u32, u32)>,
}

impl Store {
    /// The ids of the in-scope units of `division`'s subtree, in order.
    pub async fn units_in_scope(&self, division: DivisionCode) -> Result<Vec<i64>> {
        let mut conn = self.read.acquire().await?;
        let sql = crate::ledger::Params::of(&conn).select_json(
            "id",
            "from (select id from units where division_code like $1 and in_scope = 1 order by id) u",
        );
        let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(format!("{}%", division.subtree_prefix()));
        let ids: Vec<(i64,)> = crate::ledger::fetch_json(&mut conn, query).await?;
        let mut ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
        ids.sort_unstable();
        Ok(ids)
    }

    /// The sums of `division`'s subtree for the period `from..=to` (local day numbers) on `today`: see
    /// [`JurisdictionSums`]. Vetoes proposed before `vetoes_due_before` count as escalated.
    pub async fn jurisdiction_sums(
        &self,
        division: DivisionCode,
        (from, to): (i64, i64),
        today: NaiveDate,
        vetoes_due_before: DateTime<Utc>,
    ) -> Result<JurisdictionSums> {
        let (lo, hi) = subtree_range(division);
        let mut conn = self.read.acquire().await?;
        let params = crate::ledger::Params::of(&conn);
        let query = |sql: String| sqlx::query(sqlx::AssertSqlSafe(sql)).bind(lo.clone()).bind(hi.clone());
        let within = "u.division_code >= $1 and u.division_code < $2 and u.in_scope = 1";
        let mut sums = JurisdictionSums::default();

        // Every unit in scope, grouped by duties and by what its calendar depends on: from the index alone.
        let day = "(u.created_at / 1000000 + 28800) / 86400";
        let sql = params.select_json(
            "d, dr, orq, dc, wc, mc, cw, r, n",
            &format!(
                "from (select u.division_code as d, u.director_required as dr, u.officer_required as orq, \
                 u.daily_cadence as dc, u.weekly_cadence as wc, u.monthly_cadence as mc, u.closed_weekdays as cw, \
                 case when {day} > $3 then {day} else $3 end as r, count(*) as n from units u where {within} \
                 group by 1, 2, 3, 4, 5, 6, 7, 8) g"
            ),
        );
        type Group = (String, i64, i64, String, String, String, String, i64, i64);
        let mut base: HashMap<(String, bool, bool), u32> = HashMap::new();
        let mut calendars: HashMap<(String, Cadences, zhian_domain::WeekdaySet, i64), u32> = HashMap::new();
        for (division, dr, or, daily, weekly, monthly, closed, registered, n) in
            crate::ledger::fetch_json::<Group>(&mut conn, query(sql).bind(from)).await?
        {
            let cadence = |spec: String| spec.parse().map_err(|_| StoreError::Corrupt(spec));
            let cadences = Cadences { daily: cadence(daily)?, weekly: cadence(weekly)?, monthly: cadence(monthly)? };
            *base.entry((division.clone(), dr == 1, or == 1)).or_default() += count(n);
            *calendars.entry((division, cadences, parse_weekdays(&closed), registered)).or_default() += count(n);
        }

        // Of those, the units with someone in a post today: which posts, and whether everyone in them is assessed.
        let sql = params.select_json(
            "d, dr, orq, hd, ho, aa, n",
            &format!(
                "from (select u.division_code as d, u.director_required as dr, u.officer_required as orq, \
                 case when s.directors > 0 then 1 else 0 end as hd, \
                 case when s.officers > 0 then 1 else 0 end as ho, \
                 case when s.unassessed = 0 then 1 else 0 end as aa, count(*) as n \
                 from (select a.unit_id, \
                 sum(case when a.post = 'director' then 1 else 0 end) as directors, \
                 sum(case when a.post = 'officer' then 1 else 0 end) as officers, \
                 sum(case when exists (select 1 from trainings t where t.unit_id = a.unit_id \
                 and t.person_id = a.person_id and t.passed = 1 and t.score is not null) \
                 or exists (select 1 from exam_attempts e where e.unit_id = a.unit_id and e.person_id = a.person_id \
                 and e.passed = 1) then 0 else 1 end) as unassessed \
                 from appointments a where a.post in ('director', 'officer') and a.from_date <= $3 \
                 and (a.to_date is null or a.to_date >= $3) group by a.unit_id) s \
                 join units u on u.id = s.unit_id where {within} group by 1, 2, 3, 4, 5, 6) g"
            ),
        );
        type Staffing = (String, i64, i64, i64, i64, i64, i64);
        for (division, dr, or, hd, ho, aa, n) in
            crate::ledger::fetch_json::<Staffing>(&mut conn, query(sql).bind(today.to_string())).await?
        {
            let (dr, or, n) = (dr == 1, or == 1, count(n));
            if let Some(all) = base.get_mut(&(division.clone(), dr, or)) {
                *all = all.saturating_sub(n);
            }
            sums.staffing.push(StaffingGroup {
                division,
                duties: crate::models::Duties { in_scope: true, director_required: dr, officer_required: or },
                director: hd == 1,
                officer: ho == 1,
                assessed: aa == 1,
                units: n,
            });
        }
        // The rest have nobody in a post: nobody to be assessed.
        for ((division, dr, or), n) in base.into_iter().filter(|(_, n)| *n > 0) {
            sums.staffing.push(StaffingGroup {
                division,
                duties: crate::models::Duties { in_scope: true, director_required: dr, officer_required: or },
                director: false,
                officer: false,
                assessed: true,
                units: n,
            });
        }

        // A unit with suspensions is a calendar group of its own.
        let sql = params.select_json(
            "s.unit_id",
            &format!(
                "from (select distinct s.unit_id from suspensions s join units u on u.id = s.unit_id where {within}) s"
            ),
        );
        let suspended: Vec<(i64,)> = crate::ledger::fetch_json(&mut conn, query(sql)).await?;
        for ids in suspended.chunks(500) {
            let ids: Vec<i64> = ids.iter().map(|(id,)| *id).collect();
            for unit in crate::tallies::units(&mut conn, Some(&ids)).await?.into_values() {
                let key = (unit.division.clone(), unit.cadences, unit.closed, unit.registered.max(from));
                if let Some(n) = calendars.get_mut(&key) {
                    *n = n.saturating_sub(1);
                }
                sums.calendars.push(CalendarGroup {
                    division: unit.division,
                    cadences: unit.cadences,
                    closed: unit.closed,
                    registered: unit.registered,
                    suspensions: unit.suspensions,
                    units: 1,
                });
            }
        }
        for ((division, cadences, closed, registered), units) in calendars.into_iter().filter(|(_, n)| *n > 0) {
            sums.calendars.push(CalendarGroup {
                division,
                cadences,
                closed,
                registered,
                suspensions: Vec::new(),
                units,
            });
        }

        let sql = params.select_json(
            "d, t, x, c, dn, lt",
            "from (select division_code as d, tier as t, excusable as x, \
             case when last_day < $3 then 1 else 0 end as c, sum(done) as dn, sum(late) as lt from slot_tallies \
             where division_code >= $1 and division_code < $2 and in_scope = 1 and first_day <= $5 \
             and last_day >= $4 group by 1, 2, 3, 4) g",
        );
        let today_day = zhian_domain::time::day_number(today);
        type Tallied = (String, String, i64, i64, i64, i64);
        for (division, tier, x, c, done, late) in
            crate::ledger::fetch_json::<Tallied>(&mut conn, query(sql).bind(today_day).bind(from).bind(to)).await?
        {
            let tier = Tier::parse(&tier).ok_or(StoreError::Corrupt(tier))?;
            let sum = TallySum { tier, excusable: x == 1, closed: c == 1, done: count(done), late: count(late) };
            sums.tallies.push((division, sum));
        }

        let sql = params.select_json(
            "d, n, o",
            &format!(
                "from (select u.division_code as d, count(*) as n, \
                 sum(case when h.deadline < $3 then 1 else 0 end) as o from hazards h join units u on u.id = h.unit_id \
                 where {within} and h.status <> 'closed' group by 1) g"
            ),
        );
        let hazards: Vec<(String, i64, i64)> =
            crate::ledger::fetch_json(&mut conn, query(sql).bind(today.to_string())).await?;
        sums.hazards = hazards.into_iter().map(|(d, n, o)| (d, count(n), count(o))).collect();
        let sql = params.select_json(
            "d, n, e",
            &format!(
                "from (select u.division_code as d, count(*) as n, \
                 sum(case when v.created_at <= $3 then 1 else 0 end) as e from vetoes v join units u on u.id = v.unit_id \
                 where {within} and not exists (select 1 from veto_answers a where a.veto_id = v.id) group by 1) g"
            ),
        );
        let vetoes: Vec<(String, i64, i64)> =
            crate::ledger::fetch_json(&mut conn, query(sql).bind(micros(vetoes_due_before))).await?;
        sums.vetoes = vetoes.into_iter().map(|(d, n, e)| (d, count(n), count(e))).collect();
        Ok(sums)
    }
}

/// The codes of a division's subtree as a range, `lo <= code < hi`, which an index serves on both databases.
fn subtree_range(division: DivisionCode) -> (String, String) {
    let lo = division.subtree_prefix();
    let mut hi = lo.clone();
    if let Some(last) = hi.pop() {
        hi.push(char::from_u32(u32::from(last) + 1).unwrap_or(char::MAX));
    }
    (lo, hi)
}

/// One generated record: (tier, unit, period, submitted at).
pub type GeneratedRecord = (Tier, i64, String, DateTime<Utc>);

impl Store {
    /// Writes generated activity — daily checks, weekly investigations, monthly minutes with placeholder text — for
    /// demonstrations and benchmarks of a jurisdiction at scale, in batches of one statement each, and tallies it. A
    /// period that already has a record is skipped. These rows are not on the transparency log and say so in their
    /// text; real records never come this way.
    pub async fn insert_generated(&self, records: &[GeneratedRecord], by: i64, now: DateTime<Utc>) -> Result<()> {
        const NOTE: &str = "（生成的演示数据，未记入透明日志）";
        for chunk in records.chunks(20_000) {
            let mut tx = self.write.begin().await?;
            let params = crate::ledger::Params::of(&tx);
            let mut units: Vec<i64> = chunk.iter().map(|r| r.1).collect();
            units.sort_unstable();
            units.dedup();
            let mut first = Vec::with_capacity(chunk.len());
            for (tier, table) in
                [(Tier::Daily, "daily_checks"), (Tier::Weekly, "weekly_reviews"), (Tier::Monthly, "monthly_meetings")]
            {
                let mut existing = std::collections::HashSet::new();
                for ids in units.chunks(500) {
                    let sql = params.select_json(
                        "unit_id, period",
                        &format!("from {table} where unit_id in ({})", params.list(1, ids.len())),
                    );
                    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for id in ids {
                        query = query.bind(*id);
                    }
                    existing.extend(crate::ledger::fetch_json::<(i64, String)>(&mut tx, query).await?);
                }
                let fresh: Vec<&GeneratedRecord> =
                    chunk.iter().filter(|r| r.0 == tier && existing.insert((r.1, r.2.clone()))).collect();
                if fresh.is_empty() {
                    continue;
                }
                let rows: Vec<serde_json::Value> =
                    fresh.iter().map(|(_, unit, period, at)| serde_json::json!([unit, period, micros(*at)])).collect();
                first.extend(fresh.into_iter().map(|(tier, unit, period, at)| (*unit, *tier, period.clone(), *at)));
                let (from, u, p, t) = if params.sqlite() {
                    ("json_each($1) j", "j.value ->> 0", "j.value ->> 1", "j.value ->> 2")
                } else {
                    ("json_array_elements($1::json) j(e)", "(j.e ->> 0)::bigint", "j.e ->> 1", "(j.e ->> 2)::bigint")
                };
                let sql = match tier {
                    Tier::Daily => format!(
                        "insert into daily_checks (unit_id, period, zero_risk, note, items, created_by, created_at) \
                         select {u}, {p}, 1, $2, '[]', $3, {t} from {from}"
                    ),
                    Tier::Weekly => format!(
                        "insert into weekly_reviews (unit_id, period, draft, analysis, conclusions, created_by, \
                         created_at) select {u}, {p}, $2, $2, $2, $3, {t} from {from}"
                    ),
                    Tier::Monthly => format!(
                        "insert into monthly_meetings (unit_id, period, held_at, place, host, recorder, attendees, \
                         draft, report, summary, decisions, created_by, created_at) \
                         select {u}, {p}, $2, $2, $2, $2, $2, $2, $2, $2, $2, $3, {t} from {from}"
                    ),
                };
                let json = serde_json::Value::Array(rows).to_string();
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(json).bind(NOTE).bind(by).execute(&mut *tx).await?;
            }
            crate::tallies::add_first_records(&mut tx, &first, now).await?;
            tx.commit().await?;
        }
        Ok(())
    }
}
