//! A unit's rhythm (closed weekdays, cadences, record names) and its recorded suspensions of business.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use zhian_domain::cadence::{Cadence, Cadences};
use zhian_domain::time::{DateRange, WeekdaySet};
use zhian_domain::{Suspension, Tier};

use crate::ledger::kind;
use crate::tallies::Retally;
use crate::{Result, Store, StoreError, date, instant, micros, touched};

/// What a unit has set for its duty cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSettings {
    /// Weekdays closed every week.
    pub closed: WeekdaySet,
    /// The cadence of each tier (checked against the rules when set).
    pub cadences: Cadences,
    /// The unit's own names for the daily, weekly and monthly records ("" for the default name).
    pub names: [String; 3],
    /// When the unit was registered here; nothing is owed before.
    pub registered_at: DateTime<Utc>,
}

impl UnitSettings {
    /// The name of a tier's record: the unit's own, or the default.
    #[must_use]
    pub fn record_name(&self, tier: Tier) -> String {
        let own = match tier {
            Tier::Daily => &self.names[0],
            Tier::Weekly => &self.names[1],
            Tier::Monthly => &self.names[2],
        };
        if own.is_empty() { tier.record_name().to_owned() } else { own.clone() }
    }
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// `sat,sun` → the set.
#[must_use]
pub fn parse_weekdays(text: &str) -> WeekdaySet {
    text.split(',').filter_map(|d| WeekdaySet::parse_weekday(d.trim())).fold(WeekdaySet::empty(), WeekdaySet::with)
}

/// The set → `sat,sun`.
#[must_use]
pub fn format_weekdays(set: WeekdaySet) -> String {
    (0u8..7)
        .filter(|i| set.contains_index(*i))
        .filter_map(|i| WEEKDAYS.get(usize::from(i)).copied())
        .collect::<Vec<_>>()
        .join(",")
}

/// A recorded suspension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuspensionRow {
    /// Id.
    pub id: i64,
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Why.
    pub reason: String,
    /// Who recorded it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// A unit's settings.
    pub async fn unit_settings(&self, unit_id: i64) -> Result<UnitSettings> {
        let r = sqlx::query(
            "select closed_weekdays, daily_cadence, weekly_cadence, monthly_cadence, daily_name, weekly_name, \
             monthly_name, created_at from units where id = $1",
        )
        .bind(unit_id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound)?;
        let cadence = |column: &str| -> Result<Cadence> {
            let spec: String = r.try_get(column)?;
            spec.parse().map_err(|_| StoreError::Corrupt(spec))
        };
        Ok(UnitSettings {
            closed: parse_weekdays(&r.try_get::<String, _>("closed_weekdays")?),
            cadences: Cadences {
                daily: cadence("daily_cadence")?,
                weekly: cadence("weekly_cadence")?,
                monthly: cadence("monthly_cadence")?,
            },
            names: [r.try_get("daily_name")?, r.try_get("weekly_name")?, r.try_get("monthly_name")?],
            registered_at: instant(r.try_get("created_at")?),
        })
    }

    /// Sets a unit's settings (the caller has checked the cadences against the rules).
    pub async fn set_unit_settings(&self, unit_id: i64, s: &UnitSettings, now: DateTime<Utc>) -> Result<()> {
        let [daily, weekly, monthly] = &s.names;
        let mut tx = self.write.begin().await?;
        let retally = Retally::begin(&mut tx, unit_id).await?;
        let done = sqlx::query(
            "update units set closed_weekdays = $1, daily_cadence = $2, weekly_cadence = $3, monthly_cadence = $4, \
             daily_name = $5, weekly_name = $6, monthly_name = $7, updated_at = $8 where id = $9",
        )
        .bind(format_weekdays(s.closed))
        .bind(s.cadences.daily.to_string())
        .bind(s.cadences.weekly.to_string())
        .bind(s.cadences.monthly.to_string())
        .bind(daily)
        .bind(weekly)
        .bind(monthly)
        .bind(micros(now))
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
        touched(&done)?;
        retally.finish(&mut tx, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a suspension of business and logs it, in one transaction.
    pub async fn add_suspension(
        &self,
        unit_id: i64,
        range: DateRange,
        reason: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let retally = Retally::begin(&mut tx, unit_id).await?;
        let id: i64 = sqlx::query(
            "insert into suspensions (unit_id, from_date, to_date, reason, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(unit_id)
        .bind(range.from().to_string())
        .bind(range.to().to_string())
        .bind(reason)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        self.log_record(&mut tx, kind::SUSPENSION, id, unit_id, now).await?;
        retally.finish(&mut tx, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A unit's suspensions, newest first.
    pub async fn suspensions(&self, unit_id: i64) -> Result<Vec<SuspensionRow>> {
        sqlx::query(
            "select s.id, s.from_date, s.to_date, s.reason, s.created_at, u.display_name from suspensions s \
             join users u on u.id = s.created_by where s.unit_id = $1 order by s.from_date desc, s.id desc",
        )
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok(SuspensionRow {
                id: r.try_get("id")?,
                from: date(&r.try_get::<String, _>("from_date")?)?,
                to: date(&r.try_get::<String, _>("to_date")?)?,
                reason: r.try_get("reason")?,
                created_by: r.try_get("display_name")?,
                created_at: instant(r.try_get("created_at")?),
            })
        })
        .collect()
    }

    /// A unit's suspensions as the obligation calendar takes them.
    pub async fn calendar_suspensions(&self, unit_id: i64) -> Result<Vec<Suspension>> {
        Ok(self
            .suspensions(unit_id)
            .await?
            .into_iter()
            .filter_map(|s| DateRange::new(s.from, s.to).ok().map(|range| Suspension { range, reason: s.reason }))
            .collect())
    }
}
