//! The regulator's tallies: every unit's decided slots (`zhian_domain::outcomes`) summed by the unit's division and
//! scope, the tier, the window and whether every day of the window is closed. Each change that moves a sum updates
//! it in its own transaction:
//!
//! - a unit's first record of a period adds its slot ([`add_first_records`]); an amendment is later than the record
//!   it amends, so it never decides a slot and changes nothing;
//! - a change to a unit's profile, duties, settings or suspensions takes the unit's whole contribution out before
//!   and puts it back after ([`Retally`]).
//!
//! `zhian_store::Store::rebuild_tallies` recomputes every sum from the records.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use zhian_domain::cadence::Cadences;
use zhian_domain::time::WeekdaySet;
use zhian_domain::{Outcome, Period, Record, Suspension, Tier, outcomes};

use crate::ledger::{Params, fetch_json};
use crate::settings::parse_weekdays;
use crate::{Result, Store, StoreError, date, micros};

/// What the tallies know of a unit.
#[derive(Debug, Clone)]
pub(crate) struct TallyUnit {
    pub(crate) division: String,
    pub(crate) in_scope: bool,
    pub(crate) cadences: Cadences,
    pub(crate) closed: WeekdaySet,
    /// The local day of registration.
    pub(crate) registered: i64,
    pub(crate) suspensions: Vec<Suspension>,
}

impl TallyUnit {
    /// The cadence-checked record of a tier's period, or `None` when the period is not of the unit's cadence.
    pub(crate) fn record(&self, tier: Tier, period: &str, at: DateTime<Utc>) -> Option<Record> {
        Period::parse(self.cadences.get(tier), period).ok().map(|period| Record { tier, period, submitted_at: at })
    }
}

/// A tally's key: division, in scope, tier, the window's first and last day, excusable.
type Key = (String, bool, Tier, i64, i64, bool);

/// Counts to add (on time, late), by tally key.
#[derive(Debug, Default)]
pub(crate) struct Delta(HashMap<Key, (i64, i64)>);

impl Delta {
    fn add(&mut self, unit: &TallyUnit, records: &[Record], sign: i64) {
        let decided = outcomes(unit.closed, &unit.suspensions, unit.cadences, unit.registered, records);
        for Outcome { tier, first_day, last_day, late, excusable } in decided {
            let key = (unit.division.clone(), unit.in_scope, tier, first_day, last_day, excusable);
            let counts = self.0.entry(key).or_default();
            if late {
                counts.1 += sign;
            } else {
                counts.0 += sign;
            }
        }
    }

    /// Writes the counts: one statement, whatever their number.
    async fn apply(self, conn: &mut AnyConnection, now: DateTime<Utc>) -> Result<()> {
        let rows: Vec<_> = self
            .0
            .into_iter()
            .filter(|(_, (done, late))| *done != 0 || *late != 0)
            .map(|((division, in_scope, tier, first, last, excusable), (done, late))| {
                (division, i64::from(in_scope), tier.code(), first, last, i64::from(excusable), done, late)
            })
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        let (source, col): (&str, fn(usize) -> String) = if Params::of(conn).sqlite() {
            ("json_each($1) where true", |i| format!("value ->> {i}"))
        } else {
            ("json_array_elements($1::json) e", |i| match i {
                0 | 2 => format!("e ->> {i}"),
                _ => format!("(e ->> {i})::bigint"),
            })
        };
        let columns: Vec<String> = (0..8).map(col).collect();
        let sql = format!(
            "insert into slot_tallies (division_code, in_scope, tier, first_day, last_day, excusable, done, late, \
             created_at) select {}, $2 from {source} on conflict (division_code, in_scope, tier, first_day, \
             last_day, excusable) do update set done = slot_tallies.done + excluded.done, \
             late = slot_tallies.late + excluded.late",
            columns.join(", ")
        );
        let taken_out = rows.iter().any(|r| r.6 < 0 || r.7 < 0);
        let text = serde_json::to_string(&rows).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&text).bind(micros(now)).execute(&mut *conn).await?;
        if taken_out {
            // Sums brought to nothing are removed, not kept as rows of zeros.
            let sql = format!(
                "delete from slot_tallies where done = 0 and late = 0 and (division_code, in_scope, tier, \
                 first_day, last_day, excusable) in (select {} from {source})",
                columns[..6].join(", ")
            );
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(text).execute(conn).await?;
        }
        Ok(())
    }
}

/// What the tallies need of each unit named (all units for `None`), in two queries.
pub(crate) async fn units(conn: &mut AnyConnection, ids: Option<&[i64]>) -> Result<HashMap<i64, TallyUnit>> {
    let params = Params::of(conn);
    let filter = |column: &str| match ids {
        Some([]) => "where false".to_owned(),
        Some(ids) => format!("where {column} in ({})", params.list(1, ids.len())),
        None => String::new(),
    };
    let bind = |sql: String| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids.unwrap_or_default() {
            q = q.bind(*id);
        }
        q
    };
    let sql = params.select_json(
        "id, division_code, coalesce(in_scope, 0), daily_cadence, weekly_cadence, monthly_cadence, closed_weekdays, \
         created_at",
        &format!("from units {}", filter("id")),
    );
    type Row = (i64, String, i64, String, String, String, String, i64);
    let mut found = HashMap::new();
    for (id, division, in_scope, daily, weekly, monthly, closed, created_at) in
        fetch_json::<Row>(conn, bind(sql)).await?
    {
        let cadence = |spec: String| spec.parse().map_err(|_| StoreError::Corrupt(spec));
        let registered = zhian_domain::time::day_of_instant(crate::instant(created_at));
        found.insert(
            id,
            TallyUnit {
                division,
                in_scope: in_scope == 1,
                cadences: Cadences { daily: cadence(daily)?, weekly: cadence(weekly)?, monthly: cadence(monthly)? },
                closed: parse_weekdays(&closed),
                registered,
                suspensions: Vec::new(),
            },
        );
    }
    let sql =
        params.select_json("unit_id, from_date, to_date, reason", &format!("from suspensions {}", filter("unit_id")));
    for (id, from, to, reason) in fetch_json::<(i64, String, String, String)>(conn, bind(sql)).await? {
        if let (Some(unit), Ok(range)) = (found.get_mut(&id), zhian_domain::DateRange::new(date(&from)?, date(&to)?)) {
            unit.suspensions.push(Suspension { range, reason });
        }
    }
    Ok(found)
}

/// Every record of a unit, read as its current cadences name them.
async fn records_of(conn: &mut AnyConnection, unit_id: i64, unit: &TallyUnit) -> Result<Vec<Record>> {
    let params = Params::of(conn);
    let mut records = Vec::new();
    for (tier, table) in
        [(Tier::Daily, "daily_checks"), (Tier::Weekly, "weekly_reviews"), (Tier::Monthly, "monthly_meetings")]
    {
        let sql = params.select_json("period, created_at", &format!("from {table} where unit_id = $1"));
        let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(unit_id);
        for (period, at) in fetch_json::<(String, i64)>(conn, query).await? {
            records.extend(unit.record(tier, &period, crate::instant(at)));
        }
    }
    Ok(records)
}

/// A unit's whole contribution, signed.
async fn contribution(conn: &mut AnyConnection, unit_id: i64, sign: i64, into: &mut Delta) -> Result<()> {
    let units = units(conn, Some(&[unit_id])).await?;
    let unit = units.get(&unit_id).ok_or(StoreError::NotFound)?;
    let records = records_of(conn, unit_id, unit).await?;
    into.add(unit, &records, sign);
    Ok(())
}

/// A unit's contribution taken out before a change, put back as it stands after: `begin`, change, `finish`, all in
/// one transaction.
pub(crate) struct Retally {
    unit_id: i64,
    delta: Delta,
}

impl Retally {
    /// Takes the unit's contribution out.
    pub(crate) async fn begin(conn: &mut AnyConnection, unit_id: i64) -> Result<Self> {
        let mut delta = Delta::default();
        contribution(conn, unit_id, -1, &mut delta).await?;
        Ok(Self { unit_id, delta })
    }

    /// Puts the unit's contribution back and writes the difference.
    pub(crate) async fn finish(mut self, conn: &mut AnyConnection, now: DateTime<Utc>) -> Result<()> {
        contribution(conn, self.unit_id, 1, &mut self.delta).await?;
        self.delta.apply(conn, now).await
    }
}

/// Adds the slots decided by records each first of its (unit, tier, period): (unit, tier, period, submitted at).
pub(crate) async fn add_first_records(
    conn: &mut AnyConnection,
    records: &[(i64, Tier, String, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> Result<()> {
    let mut ids: Vec<i64> = records.iter().map(|r| r.0).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut delta = Delta::default();
    for chunk in ids.chunks(500) {
        let units = units(conn, Some(chunk)).await?;
        let mut by_unit: HashMap<i64, Vec<Record>> = HashMap::new();
        for (unit_id, tier, period, at) in records {
            if let Some(record) = units.get(unit_id).and_then(|u| u.record(*tier, period, *at)) {
                by_unit.entry(*unit_id).or_default().push(record);
            }
        }
        for (unit_id, records) in &by_unit {
            if let Some(unit) = units.get(unit_id) {
                delta.add(unit, records, 1);
            }
        }
    }
    delta.apply(conn, now).await
}

impl Store {
    /// Recomputes every tally from the records: after the migration that introduced them, or to repair.
    pub async fn rebuild_tallies(&self, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query("delete from slot_tallies").execute(&mut *tx).await?;
        let all = units(&mut tx, None).await?;
        let mut delta = Delta::default();
        for (unit_id, unit) in &all {
            let records = records_of(&mut tx, *unit_id, unit).await?;
            delta.add(unit, &records, 1);
        }
        delta.apply(&mut tx, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether the tallies are missing while records exist (a database from before them).
    pub async fn tallies_missing(&self) -> Result<bool> {
        use sqlx::Row as _;
        let row = sqlx::query(
            "select (select count(*) from slot_tallies) as tallies, \
             (select count(*) from (select 1 from daily_checks limit 1) d) + \
             (select count(*) from (select 1 from weekly_reviews limit 1) w) + \
             (select count(*) from (select 1 from monthly_meetings limit 1) m) as records",
        )
        .fetch_one(&self.read)
        .await?;
        Ok(row.try_get::<i64, _>("tallies")? == 0 && row.try_get::<i64, _>("records")? > 0)
    }
}
