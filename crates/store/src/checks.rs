//! Daily checks (日管控) and the hazards their non-conformities open. Checks are never changed: a correction is a
//! new check naming the one it amends, and both stay visible. Each check is logged in its own transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use zhian_domain::duty::{CheckResult, DailyCheckForm};
use zhian_domain::hazard::{HazardStatus, HazardStep};

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
    /// Photos, by name.
    pub photos: Vec<String>,
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

/// What a unit's dashboard counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DashboardCounts {
    /// Someone has passed an assessment.
    pub passed_assessment: bool,
    /// The current risk list version.
    pub risk_version: Option<i64>,
    /// Hazards not closed.
    pub open_hazards: u32,
    /// Of which past their deadline.
    pub overdue_hazards: u32,
    /// Vetoes waiting for an answer.
    pub vetoes_waiting: u32,
    /// Of which waiting too long.
    pub vetoes_escalated: u32,
}

/// A daily check as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmittedCheck {
    /// Its id.
    pub id: i64,
    /// The hazards its non-conformities opened.
    pub hazards: Vec<i64>,
    /// What was written, as read against the unit's cadence.
    pub info: zhian_domain::duty::DailyCheckInfo,
    /// The risk-list version it was made against.
    pub risk_list_version: Option<i64>,
}

/// The daily checks of a range of days, summarised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckSummary {
    /// Checks submitted (corrections included).
    pub checks: u32,
    /// Of which zero-risk reports.
    pub zero_risk: u32,
    /// Each item found non-conforming, with how often, most frequent first.
    pub failures: Vec<(String, u32)>,
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A hazard (风险隐患).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hazard {
    /// Id.
    pub id: i64,
    /// The check that found it.
    pub source_check_id: Option<i64>,
    /// The self-inspection that found it.
    pub source_inspection_id: Option<i64>,
    /// What it is.
    pub title: String,
    /// What was seen.
    pub description: String,
    /// Where it stands.
    pub status: HazardStatus,
    /// Who rectifies it.
    pub owner: Option<String>,
    /// By when.
    pub deadline: Option<NaiveDate>,
    /// When it was found.
    pub created_at: DateTime<Utc>,
}

/// A step taken on a hazard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HazardEvent {
    /// Id.
    pub id: i64,
    /// `measure`, `assign`, `rectify`, `verify`, `reject`.
    pub step: String,
    /// What it records.
    pub text: String,
    /// The state after it.
    pub status_after: HazardStatus,
    /// Who took it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A notification for one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Id.
    pub id: i64,
    /// The unit it concerns.
    pub unit_id: i64,
    /// What happened.
    pub message: String,
    /// Where to look.
    pub link: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

fn hazard_row(r: &AnyRow) -> Result<Hazard> {
    let status: String = r.try_get("status")?;
    Ok(Hazard {
        id: r.try_get("id")?,
        source_check_id: r.try_get("source_check_id")?,
        source_inspection_id: r.try_get("source_inspection_id")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        status: HazardStatus::parse(&status).ok_or(StoreError::Corrupt(status))?,
        owner: r.try_get("owner")?,
        deadline: r.try_get::<Option<String>, _>("deadline")?.as_deref().map(crate::date).transpose()?,
        created_at: instant(r.try_get("created_at")?),
    })
}

/// The accounts holding `post` in a unit today (through their people records).
async fn holders(conn: &mut sqlx::AnyConnection, unit_id: i64, post: &str, day: &str) -> Result<Vec<i64>> {
    sqlx::query(
        "select distinct p.user_id from appointments a join people p on p.id = a.person_id where a.unit_id = $1 \
         and a.post = $2 and p.user_id is not null and a.from_date <= $3 and (a.to_date is null or a.to_date >= $3)",
    )
    .bind(unit_id)
    .bind(post)
    .bind(day)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok(r.try_get("user_id")?))
    .collect()
}

/// A period has one record of a kind unless a later one amends one of that period's: the rule for daily checks and
/// weekly reviews alike, checked inside the writing transaction.
pub(crate) async fn one_per_period(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    unit_id: i64,
    period: &str,
    amends: Option<i64>,
    what: &str,
) -> Result<()> {
    let sql = format!("select id from {table} where unit_id = $1 and period = $2 order by id");
    let existing: Vec<i64> = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(unit_id)
        .bind(period)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, sqlx::Error>>()?;
    period_rule(period, &existing, amends, what).map_err(StoreError::Refused)
}

/// The one-record-per-period rule over the ids of a period's records, oldest first: a record is refused when one
/// exists unless it amends one of them. The refusal is for people.
pub(crate) fn period_rule(period: &str, existing: &[i64], amends: Option<i64>, what: &str) -> Result<(), String> {
    match (amends, existing.first()) {
        (None, Some(first)) => Err(format!("{period} 已有{what}（#{first}）；如需更正，请提交更正，原记录保留可查")),
        (Some(original), _) if !existing.contains(&original) => {
            Err(format!("被更正的 #{original} 不是本单位 {period} 的{what}"))
        }
        _ => Ok(()),
    }
}

/// Notifies the holders of `post` in a unit, except the account that acted, inside the caller's transaction.
pub(crate) async fn notify_post(
    conn: &mut sqlx::AnyConnection,
    unit_id: i64,
    post: &str,
    except: i64,
    message: &str,
    link: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let day = zhian_domain::time::date_of_day(zhian_domain::time::day_of_instant(now)).unwrap_or_default().to_string();
    let to = holders(conn, unit_id, post, &day).await?;
    notify(conn, unit_id, &to, except, message, link, now).await
}

/// Notifies the holders of `post` in a unit, or its principal when nobody holds the post, inside the caller's
/// transaction: a reminder must reach someone.
pub(crate) async fn notify_post_or_principal(
    conn: &mut sqlx::AnyConnection,
    unit_id: i64,
    post: &str,
    message: &str,
    link: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let day = zhian_domain::time::date_of_day(zhian_domain::time::day_of_instant(now)).unwrap_or_default().to_string();
    let mut to = holders(conn, unit_id, post, &day).await?;
    if to.is_empty() {
        to = holders(conn, unit_id, "principal", &day).await?;
    }
    notify(conn, unit_id, &to, 0, message, link, now).await
}

async fn notify(
    conn: &mut sqlx::AnyConnection,
    unit_id: i64,
    to: &[i64],
    except: i64,
    message: &str,
    link: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    for user in to.iter().filter(|u| **u != except) {
        sqlx::query(
            "insert into notifications (user_id, unit_id, message, link, created_at) values ($1, $2, $3, $4, $5)",
        )
        .bind(user)
        .bind(unit_id)
        .bind(message)
        .bind(link)
        .bind(micros(now))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Notifies the unit's directors (its principal when it has none), except the account that acted, inside the
/// caller's transaction.
async fn notify_managers(
    conn: &mut sqlx::AnyConnection,
    unit_id: i64,
    except: i64,
    message: &str,
    link: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let day = zhian_domain::time::date_of_day(zhian_domain::time::day_of_instant(now)).unwrap_or_default().to_string();
    let mut to = holders(conn, unit_id, "director", &day).await?;
    if to.is_empty() {
        to = holders(conn, unit_id, "principal", &day).await?;
    }
    notify(conn, unit_id, &to, except, message, link, now).await
}

/// A check's items as stored, in order — risk point, item, result code, note, photos (comma-separated): from its
/// JSON column, or, for a check written before items went there, from its rows.
pub(crate) async fn stored_items(
    conn: &mut sqlx::AnyConnection,
    check_id: i64,
    items_json: &str,
) -> Result<Vec<[String; 5]>> {
    if !items_json.is_empty() {
        return serde_json::from_str(items_json).map_err(|e| StoreError::Corrupt(format!("检查项：{e}")));
    }
    sqlx::query(
        "select risk_point, item, result, note, photos from daily_check_items where check_id = $1 order by position",
    )
    .bind(check_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|i| {
        Ok([
            i.try_get("risk_point")?,
            i.try_get("item")?,
            i.try_get("result")?,
            i.try_get("note")?,
            i.try_get("photos")?,
        ])
    })
    .collect()
}

/// Opens a hazard found by a daily check, a self-inspection or ad hoc, and tells the unit's managers at once, inside
/// the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn open_hazard(
    conn: &mut sqlx::AnyConnection,
    unit_id: i64,
    source_check: Option<i64>,
    source_inspection: Option<i64>,
    title: &str,
    description: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let hazard: i64 = sqlx::query(
        "insert into hazards (unit_id, source_check_id, source_inspection_id, title, description, status, created_by, \
         created_at, updated_at) values ($1, $2, $3, $4, $5, 'open', $6, $7, $7) returning id",
    )
    .bind(unit_id)
    .bind(source_check)
    .bind(source_inspection)
    .bind(title)
    .bind(description)
    .bind(by)
    .bind(micros(now))
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    let message = format!("发现风险隐患：{title}（{description}）");
    notify_managers(conn, unit_id, by, &message, &format!("/units/{unit_id}/hazards/{hazard}"), now).await?;
    Ok(hazard)
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

const HAZARD_COLUMNS: &str = "select id, source_check_id, source_inspection_id, title, description, status, owner, deadline, created_at from hazards";

const CHECK_COLUMNS: &str = "select c.id, c.period, c.zero_risk, c.note, c.amends, c.created_at, u.display_name \
    from daily_checks c join users u on u.id = c.created_by";

impl Store {
    /// Stores a daily check with its items, opens a hazard for every non-conformity, and logs the check — all in one
    /// transaction, committed together with the other checks waiting at that moment (see [`crate::batch`]); returns
    /// once it is durable. The form is read against the unit's daily cadence and risk list as they stand in that
    /// transaction (`Invalid` with the fields otherwise); a check for a period not yet begun is refused, and so is a
    /// second check for a period unless it amends one of that period's.
    pub async fn submit_daily_check(
        &self,
        unit_id: i64,
        form: &DailyCheckForm,
        photos: Vec<crate::photos::NewPhoto>,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<SubmittedCheck> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = crate::batch::CheckJob { unit_id, form: form.clone(), photos, by, now, reply };
        let stopped = || StoreError::Config("数据库写入已停止".into());
        self.checks.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
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
        let sql = CHECK_COLUMNS.replacen("u.display_name", "u.display_name, c.items", 1);
        let Some(r) = sqlx::query(sqlx::AssertSqlSafe(format!("{sql} where c.unit_id = $1 and c.id = $2")))
            .bind(unit_id)
            .bind(id)
            .fetch_optional(&self.read)
            .await?
        else {
            return Ok(None);
        };
        let mut check = check_row(&r)?;
        let mut conn = self.read.acquire().await?;
        check.items = stored_items(&mut conn, id, &r.try_get::<String, _>("items")?)
            .await?
            .into_iter()
            .map(|[risk_point, item, result, note, photos]| {
                Ok(CheckItemRow {
                    risk_point,
                    item,
                    result: CheckResult::parse(&result).ok_or(StoreError::Corrupt(result))?,
                    note,
                    photos: photos.split(',').filter(|p| !p.is_empty()).map(str::to_owned).collect(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(check))
    }

    /// Periods and submission instants of a unit's daily checks — the obligation calendar's records.
    /// Only checks submitted at or after `since` are read: an earlier one cannot count for a window that opens later.
    pub async fn daily_check_submissions(
        &self,
        unit_id: i64,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, DateTime<Utc>)>> {
        sqlx::query("select period, created_at from daily_checks where unit_id = $1 and created_at >= $2")
            .bind(unit_id)
            .bind(micros(since))
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("period")?, instant(r.try_get("created_at")?))))
            .collect()
    }

    /// The daily checks whose period begins on the days `first..=last`: how many, how many zero-risk reports, and
    /// each item found non-conforming with how often — for the weekly and monthly drafts.
    pub async fn daily_summary(&self, unit_id: i64, first: NaiveDate, last: NaiveDate) -> Result<CheckSummary> {
        // Every daily period's name begins with its first date, so a range of names is a range of days.
        let (from, to) = (first.to_string(), last.succ_opt().unwrap_or(last).to_string());
        let r = sqlx::query(
            "select count(*) as checks, cast(coalesce(sum(zero_risk), 0) as bigint) as zero_risk from daily_checks \
             where unit_id = $1 and period >= $2 and period < $3",
        )
        .bind(unit_id)
        .bind(&from)
        .bind(&to)
        .fetch_one(&self.read)
        .await?;
        // Only a check that is not a zero-risk report has non-conformities to count.
        let found = sqlx::query(
            "select id, items from daily_checks where unit_id = $1 and period >= $2 and period < $3 and zero_risk = 0",
        )
        .bind(unit_id)
        .bind(&from)
        .bind(&to)
        .fetch_all(&self.read)
        .await?;
        let mut conn = self.read.acquire().await?;
        let mut tally: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        for row in &found {
            for [_, item, result, _, _] in
                stored_items(&mut conn, row.try_get("id")?, &row.try_get::<String, _>("items")?).await?
            {
                if result == CheckResult::Nonconforming.code() {
                    *tally.entry(item).or_default() += 1;
                }
            }
        }
        let mut failures: Vec<(String, u32)> = tally.into_iter().collect();
        failures.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(CheckSummary { checks: count(r.try_get("checks")?), zero_risk: count(r.try_get("zero_risk")?), failures })
    }

    /// Everything the unit's dashboard counts, in one query.
    pub async fn dashboard_counts(
        &self,
        unit_id: i64,
        today: NaiveDate,
        vetoes_due_before: DateTime<Utc>,
    ) -> Result<DashboardCounts> {
        let r = sqlx::query(
            "select (select count(*) from trainings where unit_id = $1 and passed = 1) as passed, \
             (select coalesce(max(version), 0) from risk_lists where unit_id = $1) as risk_version, \
             (select count(*) from hazards where unit_id = $1 and status <> 'closed') as open_hazards, \
             (select count(*) from hazards where unit_id = $1 and status <> 'closed' and deadline < $2) as overdue_hazards, \
             (select count(*) from vetoes v where v.unit_id = $1 and not exists \
                 (select 1 from veto_answers a where a.veto_id = v.id)) as vetoes_waiting, \
             (select count(*) from vetoes v where v.unit_id = $1 and v.created_at <= $3 and not exists \
                 (select 1 from veto_answers a where a.veto_id = v.id)) as vetoes_escalated",
        )
        .bind(unit_id)
        .bind(today.to_string())
        .bind(micros(vetoes_due_before))
        .fetch_one(&self.read)
        .await?;
        let n = |c: &str| -> Result<u32> { Ok(u32::try_from(r.try_get::<i64, _>(c)?).unwrap_or(u32::MAX)) };
        Ok(DashboardCounts {
            passed_assessment: n("passed")? > 0,
            risk_version: Some(r.try_get::<i64, _>("risk_version")?).filter(|v| *v > 0),
            open_hazards: n("open_hazards")?,
            overdue_hazards: n("overdue_hazards")?,
            vetoes_waiting: n("vetoes_waiting")?,
            vetoes_escalated: n("vetoes_escalated")?,
        })
    }

    /// A unit's hazards, newest first.
    pub async fn hazards(&self, unit_id: i64) -> Result<Vec<Hazard>> {
        sqlx::query(sqlx::AssertSqlSafe(format!("{HAZARD_COLUMNS} where unit_id = $1 order by id desc")))
            .bind(unit_id)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(hazard_row)
            .collect()
    }

    /// One hazard of a unit with its steps, oldest first.
    pub async fn hazard(&self, unit_id: i64, id: i64) -> Result<Option<(Hazard, Vec<HazardEvent>)>> {
        let Some(r) = sqlx::query(sqlx::AssertSqlSafe(format!("{HAZARD_COLUMNS} where unit_id = $1 and id = $2")))
            .bind(unit_id)
            .bind(id)
            .fetch_optional(&self.read)
            .await?
        else {
            return Ok(None);
        };
        let events = sqlx::query(
            "select e.id, e.step, e.text, e.status_after, e.created_at, u.display_name from hazard_events e \
             join users u on u.id = e.created_by where e.hazard_id = $1 order by e.id",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|e| {
            let status: String = e.try_get("status_after")?;
            Ok(HazardEvent {
                id: e.try_get("id")?,
                step: e.try_get("step")?,
                text: e.try_get("text")?,
                status_after: HazardStatus::parse(&status).ok_or(StoreError::Corrupt(status))?,
                created_by: e.try_get("display_name")?,
                created_at: instant(e.try_get("created_at")?),
            })
        })
        .collect::<Result<Vec<_>>>()?;
        Ok(Some((hazard_row(&r)?, events)))
    }

    /// Takes a step on a hazard: `rule` maps the current state to the next (or refuses, with a reason); the new state,
    /// the event and its log leaf are written in one transaction, and the unit's managers are told.
    pub async fn hazard_step(
        &self,
        unit_id: i64,
        id: i64,
        step: &HazardStep,
        rule: &(dyn Fn(HazardStatus) -> Result<HazardStatus, String> + Sync),
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<HazardStatus> {
        let mut tx = self.write.begin().await?;
        let r = sqlx::query(sqlx::AssertSqlSafe(format!("{HAZARD_COLUMNS} where unit_id = $1 and id = $2")))
            .bind(unit_id)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let hazard = hazard_row(&r)?;
        let next = rule(hazard.status).map_err(StoreError::Refused)?;
        let (owner, deadline) = match step {
            HazardStep::Assign { owner, deadline } => (Some(owner.clone()), Some(deadline.to_string())),
            _ => (hazard.owner.clone(), hazard.deadline.map(|d| d.to_string())),
        };
        sqlx::query("update hazards set status = $1, owner = $2, deadline = $3, updated_at = $4 where id = $5")
            .bind(next.code())
            .bind(owner)
            .bind(deadline)
            .bind(micros(now))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let event: i64 = sqlx::query(
            "insert into hazard_events (hazard_id, step, text, status_after, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(id)
        .bind(step.code())
        .bind(step.text())
        .bind(next.code())
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        self.log_record(&mut tx, kind::HAZARD_EVENT, event, unit_id, now).await?;
        let message = format!("隐患“{}”：{}（{}）", hazard.title, step.label(), next.label());
        notify_managers(&mut tx, unit_id, by, &message, &format!("/units/{unit_id}/hazards/{id}"), now).await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Raises a hazard outside a daily check (报告): the hazard and its first step, logged, the managers told — in one
    /// transaction.
    pub async fn raise_hazard(
        &self,
        unit_id: i64,
        title: &str,
        description: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let id = open_hazard(&mut tx, unit_id, None, None, title, description, by, now).await?;
        let event: i64 = sqlx::query(
            "insert into hazard_events (hazard_id, step, text, status_after, created_by, created_at) \
             values ($1, 'raise', $2, 'open', $3, $4) returning id",
        )
        .bind(id)
        .bind(description)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        self.log_record(&mut tx, kind::HAZARD_EVENT, event, unit_id, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An account's unread notifications, newest first.
    pub async fn notifications(&self, user_id: i64) -> Result<Vec<Notification>> {
        sqlx::query(
            "select id, unit_id, message, link, created_at from notifications where user_id = $1 and read_at is null \
             order by id desc limit 50",
        )
        .bind(user_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok(Notification {
                id: r.try_get("id")?,
                unit_id: r.try_get("unit_id")?,
                message: r.try_get("message")?,
                link: r.try_get("link")?,
                created_at: instant(r.try_get("created_at")?),
            })
        })
        .collect()
    }

    /// Marks one of the account's notifications read.
    pub async fn mark_read(&self, user_id: i64, id: i64, now: DateTime<Utc>) -> Result<()> {
        let done =
            sqlx::query("update notifications set read_at = $1 where id = $2 and user_id = $3 and read_at is null")
                .bind(micros(now))
                .bind(id)
                .bind(user_id)
                .execute(&self.write)
                .await?;
        crate::touched(&done)
    }
}
