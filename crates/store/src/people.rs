//! People, appointments, training and assessment records.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use zhian_domain::access::Post;
use zhian_domain::forms::{AppointmentInfo, PersonInfo, TrainingInfo};
use zhian_domain::staffing::{AssessmentResult, Employment, Tenure};

use crate::models::{Appointment, Person, Training};
use crate::{Result, Store, StoreError, date, micros, touched};

fn person_row(r: &AnyRow) -> Result<Person> {
    Ok(Person {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        name: r.try_get("name")?,
        id_number_masked: r.try_get("id_number_masked")?,
        phone: r.try_get("phone")?,
        user_id: r.try_get("user_id")?,
    })
}

fn post(s: String) -> Result<Post> {
    Post::parse(&s).ok_or(StoreError::Corrupt(s))
}

fn appointment_row(r: &AnyRow) -> Result<Appointment> {
    let employment: String = r.try_get("employment")?;
    Ok(Appointment {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        person_name: r.try_get("person_name")?,
        post: post(r.try_get("post")?)?,
        employment: Employment::parse(&employment).ok_or(StoreError::Corrupt(employment))?,
        from: date(&r.try_get::<String, _>("from_date")?)?,
        to: r.try_get::<Option<String>, _>("to_date")?.as_deref().map(date).transpose()?,
        reason: r.try_get("reason")?,
        end_reason: r.try_get("end_reason")?,
    })
}

fn training_row(r: &AnyRow) -> Result<Training> {
    let small = |v: i64| u32::try_from(v).map_err(|_| StoreError::Corrupt(v.to_string()));
    Ok(Training {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        person_name: r.try_get("person_name")?,
        date: date(&r.try_get::<String, _>("date")?)?,
        content: r.try_get("content")?,
        tenth_hours: small(r.try_get("tenth_hours")?)?,
        score: r.try_get::<Option<i64>, _>("score")?.map(small).transpose()?,
        passed: r.try_get::<i64, _>("passed")? != 0,
    })
}

/// A person's assessment results: recorded ones (`trainings` with a score) and marked exam attempts, each on the
/// day (Asia/Shanghai) it was taken.
pub(crate) async fn assessments(conn: &mut sqlx::AnyConnection, person_id: i64) -> Result<Vec<AssessmentResult>> {
    let recorded = sqlx::query("select date, passed from trainings where person_id = $1 and score is not null")
        .bind(person_id)
        .fetch_all(&mut *conn)
        .await?;
    let examined =
        sqlx::query("select submitted_at, passed from exam_attempts where person_id = $1 and submitted_at is not null")
            .bind(person_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut out = Vec::with_capacity(recorded.len() + examined.len());
    for r in &recorded {
        out.push(AssessmentResult {
            date: date(&r.try_get::<String, _>("date")?)?,
            passed: r.try_get::<i64, _>("passed")? != 0,
        });
    }
    for r in &examined {
        let day = zhian_domain::time::day_of_instant(crate::instant(r.try_get("submitted_at")?));
        out.push(AssessmentResult {
            date: zhian_domain::time::date_of_day(day).ok_or_else(|| StoreError::Corrupt("交卷时间".into()))?,
            passed: r.try_get::<i64, _>("passed")? != 0,
        });
    }
    Ok(out)
}

/// The rule an appointment must pass, given the person's name, assessments and tenures.
pub type AppointRule<'a> = &'a (dyn Fn(&str, &[AssessmentResult], &[Tenure]) -> Result<(), String> + Sync);

impl Store {
    /// Adds a person to a unit's list; the ID number is sealed, masked and indexed.
    #[tracing::instrument(skip_all)]
    pub async fn add_person(&self, unit_id: i64, p: &PersonInfo, now: DateTime<Utc>) -> Result<i64> {
        let (sealed, masked, index) = match &p.id_number {
            Some(id) => (Some(self.sealer.seal(id.expose())?), Some(id.masked()), Some(self.sealer.index(id.expose()))),
            None => (None, None, None),
        };
        let row = sqlx::query(
            "insert into people (unit_id, name, id_number_sealed, id_number_masked, id_number_index, phone, \
             created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7) returning id",
        )
        .bind(unit_id)
        .bind(&p.name)
        .bind(sealed)
        .bind(masked)
        .bind(index)
        .bind(&p.phone)
        .bind(micros(now))
        .fetch_one(&self.write)
        .await?;
        Ok(row.try_get("id")?)
    }

    /// A unit's people, by name.
    #[tracing::instrument(skip_all)]
    pub async fn people(&self, unit_id: i64) -> Result<Vec<Person>> {
        sqlx::query(
            "select id, unit_id, name, id_number_masked, phone, user_id from people where unit_id = $1 order by name, id",
        )
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(person_row)
        .collect()
    }

    /// One person of a unit (another unit's person is `None`).
    #[tracing::instrument(skip_all)]
    pub async fn person(&self, unit_id: i64, person_id: i64) -> Result<Option<Person>> {
        sqlx::query(
            "select id, unit_id, name, id_number_masked, phone, user_id from people where unit_id = $1 and id = $2",
        )
        .bind(unit_id)
        .bind(person_id)
        .fetch_optional(&self.read)
        .await?
        .as_ref()
        .map(person_row)
        .transpose()
    }

    /// The full ID number of a person, for an authorised export. Never for display.
    #[tracing::instrument(skip_all)]
    pub async fn person_id_number(&self, unit_id: i64, person_id: i64) -> Result<Option<String>> {
        let row = sqlx::query("select id_number_sealed from people where unit_id = $1 and id = $2")
            .bind(unit_id)
            .bind(person_id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        let sealed: Option<Vec<u8>> = row.try_get("id_number_sealed")?;
        sealed.map(|s| self.sealer.open(&s)).transpose()
    }

    /// Links a person to an account (their log-in).
    #[tracing::instrument(skip_all)]
    pub async fn link_person(&self, unit_id: i64, person_id: i64, user_id: i64, now: DateTime<Utc>) -> Result<()> {
        let done = sqlx::query("update people set user_id = $1, updated_at = $2 where unit_id = $3 and id = $4")
            .bind(user_id)
            .bind(micros(now))
            .bind(unit_id)
            .bind(person_id)
            .execute(&self.write)
            .await?;
        touched(&done)?;
        self.access_changed();
        Ok(())
    }

    /// A unit's appointments, current first, then by start.
    #[tracing::instrument(skip_all)]
    pub async fn appointments(&self, unit_id: i64) -> Result<Vec<Appointment>> {
        sqlx::query(
            "select a.id, a.person_id, p.name as person_name, a.post, a.employment, a.from_date, a.to_date, a.reason, \
             a.end_reason from appointments a join people p on p.id = a.person_id where a.unit_id = $1 \
             order by case when a.to_date is null then 0 else 1 end, a.from_date desc, a.id desc",
        )
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(appointment_row)
        .collect()
    }

    /// Appoints a person, after `rule` approves it against the person's records read in the same transaction.
    #[tracing::instrument(skip_all)]
    pub async fn appoint(
        &self,
        unit_id: i64,
        a: &AppointmentInfo,
        by: i64,
        rule: AppointRule<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let name: String = sqlx::query("select name from people where unit_id = $1 and id = $2")
            .bind(unit_id)
            .bind(a.person_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get("name")?;
        let assessments = assessments(&mut tx, a.person_id).await?;
        let tenures = sqlx::query("select post, from_date, to_date from appointments where person_id = $1")
            .bind(a.person_id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| {
                Ok(Tenure {
                    post: post(r.try_get("post")?)?,
                    from: date(&r.try_get::<String, _>("from_date")?)?,
                    to: r.try_get::<Option<String>, _>("to_date")?.as_deref().map(date).transpose()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        rule(&name, &assessments, &tenures).map_err(StoreError::Refused)?;
        let id: i64 = sqlx::query(
            "insert into appointments (unit_id, person_id, post, employment, from_date, reason, created_by, \
             created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning id",
        )
        .bind(unit_id)
        .bind(a.person_id)
        .bind(a.post.code())
        .bind(a.employment.code())
        .bind(a.from.to_string())
        .bind(&a.reason)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        self.log_record(&mut tx, crate::ledger::kind::APPOINTMENT, id, unit_id, now).await?;
        tx.commit().await?;
        self.access_changed();
        Ok(id)
    }

    /// Ends a current appointment on `to` (its last day). The row stays: the history is kept.
    #[tracing::instrument(skip_all)]
    pub async fn end_appointment(
        &self,
        unit_id: i64,
        appointment_id: i64,
        to: NaiveDate,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let done = sqlx::query(
            "update appointments set to_date = $1, end_reason = $2, updated_at = $3 \
             where unit_id = $4 and id = $5 and to_date is null and from_date <= $1",
        )
        .bind(to.to_string())
        .bind(reason)
        .bind(micros(now))
        .bind(unit_id)
        .bind(appointment_id)
        .execute(&mut *tx)
        .await?;
        touched(&done)?;
        self.log_record(&mut tx, crate::ledger::kind::APPOINTMENT_END, appointment_id, unit_id, now).await?;
        tx.commit().await?;
        self.access_changed();
        Ok(())
    }

    /// A unit's training and assessment records, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn trainings(&self, unit_id: i64) -> Result<Vec<Training>> {
        sqlx::query(
            "select t.id, t.person_id, p.name as person_name, t.date, t.content, t.tenth_hours, t.score, t.passed \
             from trainings t join people p on p.id = t.person_id where t.unit_id = $1 order by t.date desc, t.id desc",
        )
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(training_row)
        .collect()
    }

    /// Records training (and an assessment result when scored) for a person of the unit.
    #[tracing::instrument(skip_all)]
    pub async fn add_training(&self, unit_id: i64, t: &TrainingInfo, by: i64, now: DateTime<Utc>) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        sqlx::query("select id from people where unit_id = $1 and id = $2")
            .bind(unit_id)
            .bind(t.person_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let id: i64 = sqlx::query(
            "insert into trainings (unit_id, person_id, date, content, tenth_hours, score, passed, created_by, \
             created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
        )
        .bind(unit_id)
        .bind(t.person_id)
        .bind(t.date.to_string())
        .bind(&t.content)
        .bind(i64::from(t.tenth_hours))
        .bind(t.score.map(i64::from))
        .bind(i64::from(t.passed))
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        tx.commit().await?;
        Ok(id)
    }
}
