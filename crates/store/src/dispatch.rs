//! The monthly dispatch (月调度): minutes with next month's key work as tasks, task completions and the principal's
//! confirmation; self-inspections (自查) and hazards raised outside a daily check. Every write is logged in its own
//! transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use zhian_domain::dispatch::{MonthlyMeetingInfo, SelfInspectionInfo};

use crate::ledger::kind;
use crate::{Result, Store, StoreError, instant, micros};

/// A piece of key work set by a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingTask {
    /// Id.
    pub id: i64,
    /// The meeting that set it.
    pub meeting_id: i64,
    /// The meeting's period.
    pub period: String,
    /// What is to be done.
    pub work: String,
    /// Who does it.
    pub owner: String,
    /// By when.
    pub due: NaiveDate,
    /// When it was reported done, by whom, with what note.
    pub done: Option<(DateTime<Utc>, String, String)>,
}

/// Stored minutes of a monthly dispatch meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyMeeting {
    /// Id.
    pub id: i64,
    /// The period.
    pub period: String,
    /// When it was held (`YYYY-MM-DD HH:MM`, Beijing time).
    pub held_at: String,
    /// Where.
    pub place: String,
    /// Host.
    pub host: String,
    /// Recorder.
    pub recorder: String,
    /// Attendees, one per line.
    pub attendees: String,
    /// The draft the report was written on.
    pub draft: String,
    /// The director's report.
    pub report: String,
    /// The month's summary.
    pub summary: String,
    /// Decisions.
    pub decisions: String,
    /// The minutes these correct.
    pub amends: Option<i64>,
    /// Who recorded them.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The principal's confirmation: (by, at, note).
    pub confirmed: Option<(String, DateTime<Utc>, String)>,
    /// Next month's key work (empty in lists).
    pub tasks: Vec<MeetingTask>,
}

/// A stored self-inspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfInspection {
    /// Id.
    pub id: i64,
    /// The day.
    pub day: String,
    /// Scope.
    pub scope: String,
    /// Findings.
    pub findings: String,
    /// Measures.
    pub measures: String,
    /// The linked weekly investigation.
    pub weekly_review_id: Option<i64>,
    /// The hazard it opened.
    pub hazard_id: Option<i64>,
    /// Who made it.
    pub created_by: String,
    /// When it was submitted.
    pub created_at: DateTime<Utc>,
}

const MEETING_COLUMNS: &str = "select m.id, m.period, m.held_at, m.place, m.host, m.recorder, m.attendees, m.draft, \
    m.report, m.summary, m.decisions, m.amends, m.created_at, u.display_name, c.created_at as confirmed_at, \
    c.note as confirm_note, cu.display_name as confirmer from monthly_meetings m join users u on u.id = m.created_by \
    left join monthly_confirmations c on c.meeting_id = m.id left join users cu on cu.id = c.created_by";

const TASK_COLUMNS: &str = "select t.id, t.meeting_id, m.period, t.work, t.owner, t.due, d.created_at as done_at, \
    d.note as done_note, du.display_name as done_by from monthly_tasks t \
    join monthly_meetings m on m.id = t.meeting_id left join task_completions d on d.task_id = t.id \
    left join users du on du.id = d.created_by";

const INSPECTION_COLUMNS: &str = "select s.id, s.day, s.scope, s.findings, s.measures, s.weekly_review_id, \
    s.created_at, u.display_name, (select min(h.id) from hazards h where h.source_inspection_id = s.id) as hazard_id \
    from self_inspections s join users u on u.id = s.created_by";

fn meeting_row(r: &AnyRow) -> Result<MonthlyMeeting> {
    let confirmed = match r.try_get::<Option<i64>, _>("confirmed_at")? {
        Some(at) => Some((r.try_get("confirmer")?, instant(at), r.try_get("confirm_note")?)),
        None => None,
    };
    Ok(MonthlyMeeting {
        id: r.try_get("id")?,
        period: r.try_get("period")?,
        held_at: r.try_get("held_at")?,
        place: r.try_get("place")?,
        host: r.try_get("host")?,
        recorder: r.try_get("recorder")?,
        attendees: r.try_get("attendees")?,
        draft: r.try_get("draft")?,
        report: r.try_get("report")?,
        summary: r.try_get("summary")?,
        decisions: r.try_get("decisions")?,
        amends: r.try_get("amends")?,
        created_by: r.try_get("display_name")?,
        created_at: instant(r.try_get("created_at")?),
        confirmed,
        tasks: Vec::new(),
    })
}

fn task_row(r: &AnyRow) -> Result<MeetingTask> {
    let done = match r.try_get::<Option<i64>, _>("done_at")? {
        Some(at) => Some((instant(at), r.try_get("done_by")?, r.try_get("done_note")?)),
        None => None,
    };
    Ok(MeetingTask {
        id: r.try_get("id")?,
        meeting_id: r.try_get("meeting_id")?,
        period: r.try_get("period")?,
        work: r.try_get("work")?,
        owner: r.try_get("owner")?,
        due: crate::date(&r.try_get::<String, _>("due")?)?,
        done,
    })
}

fn inspection_row(r: &AnyRow) -> Result<SelfInspection> {
    Ok(SelfInspection {
        id: r.try_get("id")?,
        day: r.try_get("day")?,
        scope: r.try_get("scope")?,
        findings: r.try_get("findings")?,
        measures: r.try_get("measures")?,
        weekly_review_id: r.try_get("weekly_review_id")?,
        hazard_id: r.try_get("hazard_id")?,
        created_by: r.try_get("display_name")?,
        created_at: instant(r.try_get("created_at")?),
    })
}

impl Store {
    /// Stores the minutes of a monthly dispatch meeting with their key work, logs them and asks the principal to
    /// confirm, in one transaction. A second set for a period is refused unless it amends one of that period's.
    pub async fn submit_monthly_meeting(
        &self,
        unit_id: i64,
        info: &MonthlyMeetingInfo,
        draft: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let period = info.period.to_string();
        let mut tx = self.write.begin().await?;
        crate::checks::one_per_period(&mut tx, "monthly_meetings", unit_id, &period, info.amends, "月调度会议纪要")
            .await?;
        let id: i64 = sqlx::query(
            "insert into monthly_meetings (unit_id, period, held_at, place, host, recorder, attendees, draft, report, \
             summary, decisions, amends, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning id",
        )
        .bind(unit_id)
        .bind(&period)
        .bind(info.held_at.format("%Y-%m-%d %H:%M").to_string())
        .bind(&info.place)
        .bind(&info.host)
        .bind(&info.recorder)
        .bind(info.attendees.join("\n"))
        .bind(draft)
        .bind(&info.report)
        .bind(&info.summary)
        .bind(&info.decisions)
        .bind(info.amends)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for (position, task) in (1_i64..).zip(&info.tasks) {
            sqlx::query(
                "insert into monthly_tasks (meeting_id, unit_id, position, work, owner, due, created_at) \
                 values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(unit_id)
            .bind(position)
            .bind(&task.work)
            .bind(&task.owner)
            .bind(task.due.to_string())
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        }
        self.log_record(&mut tx, kind::MONTHLY_MEETING, id, unit_id, now).await?;
        if info.amends.is_none() {
            let first = [(unit_id, zhian_domain::Tier::Monthly, period.clone(), now)];
            crate::tallies::add_first_records(&mut tx, &first, now).await?;
        }
        crate::checks::notify_post(
            &mut tx,
            unit_id,
            "principal",
            by,
            &format!("{period} 月调度会议纪要已记录，请确认"),
            &format!("/units/{unit_id}/meetings/{id}"),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A unit's meeting minutes, newest first, without tasks.
    pub async fn monthly_meetings(&self, unit_id: i64) -> Result<Vec<MonthlyMeeting>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{MEETING_COLUMNS} where m.unit_id = $1 order by m.period desc, m.id desc"
        )))
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(meeting_row)
        .collect()
    }

    /// One set of minutes of a unit, with its key work.
    pub async fn monthly_meeting(&self, unit_id: i64, id: i64) -> Result<Option<MonthlyMeeting>> {
        let Some(r) = sqlx::query(sqlx::AssertSqlSafe(format!("{MEETING_COLUMNS} where m.unit_id = $1 and m.id = $2")))
            .bind(unit_id)
            .bind(id)
            .fetch_optional(&self.read)
            .await?
        else {
            return Ok(None);
        };
        let mut meeting = meeting_row(&r)?;
        meeting.tasks =
            sqlx::query(sqlx::AssertSqlSafe(format!("{TASK_COLUMNS} where t.meeting_id = $1 order by t.position")))
                .bind(id)
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(task_row)
                .collect::<Result<_>>()?;
        Ok(Some(meeting))
    }

    /// The principal confirms a set of minutes, once; logged.
    pub async fn confirm_monthly_meeting(
        &self,
        unit_id: i64,
        id: i64,
        note: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let found = sqlx::query(
            "select m.id, c.id as confirmation from monthly_meetings m \
             left join monthly_confirmations c on c.meeting_id = m.id where m.unit_id = $1 and m.id = $2",
        )
        .bind(unit_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if found.try_get::<Option<i64>, _>("confirmation")?.is_some() {
            return Err(StoreError::Refused("该会议纪要已确认，不能重复确认".into()));
        }
        let confirmation: i64 = sqlx::query(
            "insert into monthly_confirmations (meeting_id, note, created_by, created_at) values ($1, $2, $3, $4) \
             returning id",
        )
        .bind(id)
        .bind(note)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        self.log_record(&mut tx, kind::MONTHLY_CONFIRMATION, confirmation, unit_id, now).await?;
        tx.commit().await?;
        Ok(confirmation)
    }

    /// A unit's key work not yet reported done, from minutes that have not been corrected, earliest due first.
    pub async fn open_tasks(&self, unit_id: i64) -> Result<Vec<MeetingTask>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{TASK_COLUMNS} where t.unit_id = $1 and d.id is null and not exists \
             (select 1 from monthly_meetings n where n.amends = t.meeting_id) order by t.due, t.id"
        )))
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(task_row)
        .collect()
    }

    /// Reports a piece of key work done, once; logged.
    pub async fn complete_task(
        &self,
        unit_id: i64,
        task_id: i64,
        note: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let found = sqlx::query(
            "select t.id, d.id as done from monthly_tasks t left join task_completions d on d.task_id = t.id \
             where t.unit_id = $1 and t.id = $2",
        )
        .bind(unit_id)
        .bind(task_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if found.try_get::<Option<i64>, _>("done")?.is_some() {
            return Err(StoreError::Refused("该项工作已报告完成".into()));
        }
        let id: i64 = sqlx::query(
            "insert into task_completions (task_id, note, created_by, created_at) values ($1, $2, $3, $4) returning id",
        )
        .bind(task_id)
        .bind(note)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        self.log_record(&mut tx, kind::TASK_DONE, id, unit_id, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a self-inspection, opening a hazard for its findings when asked; logged in one transaction. A linked
    /// weekly investigation must be the unit's own.
    pub async fn submit_self_inspection(
        &self,
        unit_id: i64,
        info: &SelfInspectionInfo,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<(i64, Option<i64>)> {
        let mut tx = self.write.begin().await?;
        if let Some(review) = info.weekly_review {
            let own = sqlx::query("select id from weekly_reviews where unit_id = $1 and id = $2")
                .bind(unit_id)
                .bind(review)
                .fetch_optional(&mut *tx)
                .await?;
            if own.is_none() {
                return Err(StoreError::Refused(format!("周排查报告 #{review} 不属于本单位")));
            }
        }
        let id: i64 = sqlx::query(
            "insert into self_inspections (unit_id, day, scope, findings, measures, weekly_review_id, created_by, \
             created_at) values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        )
        .bind(unit_id)
        .bind(info.date.to_string())
        .bind(&info.scope)
        .bind(&info.findings)
        .bind(&info.measures)
        .bind(info.weekly_review)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let hazard = if info.raise_hazard {
            let title = format!("自查发现：{}", info.scope.chars().take(60).collect::<String>());
            Some(crate::checks::open_hazard(&mut tx, unit_id, None, Some(id), &title, &info.findings, by, now).await?)
        } else {
            None
        };
        self.log_record(&mut tx, kind::SELF_INSPECTION, id, unit_id, now).await?;
        tx.commit().await?;
        Ok((id, hazard))
    }

    /// A unit's self-inspections, newest first.
    pub async fn self_inspections(&self, unit_id: i64) -> Result<Vec<SelfInspection>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{INSPECTION_COLUMNS} where s.unit_id = $1 order by s.day desc, s.id desc"
        )))
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(inspection_row)
        .collect()
    }

    /// One self-inspection of a unit.
    pub async fn self_inspection(&self, unit_id: i64, id: i64) -> Result<Option<SelfInspection>> {
        sqlx::query(sqlx::AssertSqlSafe(format!("{INSPECTION_COLUMNS} where s.unit_id = $1 and s.id = $2")))
            .bind(unit_id)
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .as_ref()
            .map(inspection_row)
            .transpose()
    }
}
