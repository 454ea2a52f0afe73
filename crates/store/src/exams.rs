//! The question bank, exams, attempts and their answers, training sessions.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use zhian_domain::exam::{Area, Choice, Kind, Question};

use crate::ledger::kind;
use crate::{Result, Store, StoreError, date, instant, micros};

/// A question as stored: its row (which papers name) and the bank version that wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredQuestion {
    /// Row id.
    pub id: i64,
    /// The bank version that wrote this row.
    pub bank_version: i64,
    /// The question.
    pub question: Question,
}

/// One version of the bank: one import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankVersion {
    /// Version number, from 1.
    pub version: i64,
    /// Where it came from (`content`, a file name).
    pub source: String,
    /// A note.
    pub note: String,
    /// Questions added, changed and retired by it.
    pub added: i64,
    /// Changed.
    pub changed: i64,
    /// Retired.
    pub retired: i64,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BankImport {
    /// The new version, or `None` when nothing changed.
    pub version: Option<i64>,
    /// New codes.
    pub added: usize,
    /// Codes whose question changed.
    pub changed: usize,
    /// Codes retired (only when replacing the bank).
    pub retired: usize,
    /// Codes unchanged.
    pub unchanged: usize,
}

fn question_row(r: &AnyRow) -> Result<StoredQuestion> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("试题 {what}"));
    let kind: String = r.try_get("kind")?;
    let area: String = r.try_get("area")?;
    let categories: Vec<String> =
        serde_json::from_str(&r.try_get::<String, _>("categories")?).map_err(|_| corrupt("categories"))?;
    let options: Vec<String> =
        serde_json::from_str(&r.try_get::<String, _>("options")?).map_err(|_| corrupt("options"))?;
    Ok(StoredQuestion {
        id: r.try_get("id")?,
        bank_version: r.try_get("bank_version")?,
        question: Question {
            code: r.try_get("code")?,
            kind: Kind::parse(&kind).ok_or_else(|| corrupt(&kind))?,
            area: Area::parse(&area).ok_or_else(|| corrupt(&area))?,
            categories,
            difficulty: u8::try_from(r.try_get::<i64, _>("difficulty")?).map_err(|_| corrupt("difficulty"))?,
            stem: r.try_get("stem")?,
            options,
            answer: Choice(u8::try_from(r.try_get::<i64, _>("answer")?).map_err(|_| corrupt("answer"))?),
            basis: r.try_get("basis")?,
            explanation: r.try_get("explanation")?,
        },
    })
}

/// SHA-256 (hex) of a link's token: what finds its attempt.
fn token_hash(token: &str) -> String {
    zhian_domain::draw::hex(&zhian_domain::draw::sha256(token.as_bytes()))
}

const QUESTION_COLUMNS: &str = "q.id, q.code, q.bank_version, q.kind, q.area, q.categories, q.difficulty, q.stem, \
     q.options, q.answer, q.basis, q.explanation";

/// An attempt as stored, with its exam and candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Id.
    pub id: i64,
    /// The exam.
    pub exam_id: i64,
    /// The exam's title.
    pub title: String,
    /// The exam's blueprint (JSON).
    pub blueprint: String,
    /// The candidate's unit.
    pub unit_id: i64,
    /// The unit's name.
    pub unit_name: String,
    /// The candidate.
    pub person_id: i64,
    /// The candidate's name.
    pub person_name: String,
    /// `online` or `paper`.
    pub mode: String,
    /// The paper (JSON).
    pub paper: String,
    /// Minutes on the clock.
    pub minutes: u32,
    /// When the candidate started.
    pub started_at: Option<DateTime<Utc>>,
    /// When time runs out.
    pub deadline_at: Option<DateTime<Utc>>,
    /// When it was submitted or marked after timing out.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Marked after the time ran out.
    pub timed_out: bool,
    /// Tenths of a point earned.
    pub earned: Option<u32>,
    /// Tenths possible.
    pub possible: Option<u32>,
    /// Passed.
    pub passed: Option<bool>,
    /// The per-area breakdown (JSON).
    pub areas: Option<String>,
    /// The final answers (JSON array of letters as shown, in paper order).
    pub answers: Option<String>,
    /// When it was set.
    pub created_at: DateTime<Utc>,
    /// Set by the unit itself (an internal assessment), not by a regulator's spot check.
    pub internal: bool,
}

const ATTEMPT_SELECT: &str = "select a.id, a.exam_id, e.title, e.blueprint, a.unit_id, un.name as unit_name, \
     a.person_id, p.name as person_name, a.mode, a.paper, a.minutes, a.started_at, a.deadline_at, a.submitted_at, \
     a.timed_out, a.earned, a.possible, a.passed, a.areas, a.answers, a.created_at, \
     case when e.unit_id is null then 0 else 1 end as internal from exam_attempts a \
     join exams e on e.id = a.exam_id join units un on un.id = a.unit_id join people p on p.id = a.person_id";

fn attempt_row(r: &AnyRow) -> Result<Attempt> {
    let small =
        |v: Option<i64>| v.map(|v| u32::try_from(v).map_err(|_| StoreError::Corrupt(v.to_string()))).transpose();
    let at = |c: &str| r.try_get::<Option<i64>, _>(c).map(|v| v.map(instant));
    Ok(Attempt {
        id: r.try_get("id")?,
        exam_id: r.try_get("exam_id")?,
        title: r.try_get("title")?,
        blueprint: r.try_get("blueprint")?,
        unit_id: r.try_get("unit_id")?,
        unit_name: r.try_get("unit_name")?,
        person_id: r.try_get("person_id")?,
        person_name: r.try_get("person_name")?,
        mode: r.try_get("mode")?,
        paper: r.try_get("paper")?,
        minutes: small(Some(r.try_get("minutes")?))?.unwrap_or_default(),
        started_at: at("started_at")?,
        deadline_at: at("deadline_at")?,
        submitted_at: at("submitted_at")?,
        timed_out: r.try_get::<i64, _>("timed_out")? != 0,
        earned: small(r.try_get("earned")?)?,
        possible: small(r.try_get("possible")?)?,
        passed: r.try_get::<Option<i64>, _>("passed")?.map(|v| v != 0),
        areas: r.try_get("areas")?,
        answers: r.try_get("answers")?,
        created_at: instant(r.try_get("created_at")?),
        internal: r.try_get::<i64, _>("internal")? != 0,
    })
}

/// An attempt to be set.
#[derive(Debug, Clone)]
pub struct NewAttempt<'a> {
    /// The exam.
    pub exam_id: i64,
    /// The candidate's unit.
    pub unit_id: i64,
    /// The candidate.
    pub person_id: i64,
    /// The link's token.
    pub token: &'a str,
    /// `online` or `paper`.
    pub mode: &'a str,
    /// The paper's seed (hex).
    pub seed: &'a str,
    /// The paper (JSON).
    pub paper: &'a str,
    /// Minutes on the clock.
    pub minutes: u32,
}

/// A marked attempt, to be written once.
#[derive(Debug, Clone)]
pub struct Marked<'a> {
    /// Tenths earned.
    pub earned: u32,
    /// Tenths possible.
    pub possible: u32,
    /// Passed.
    pub passed: bool,
    /// Breakdown (JSON).
    pub areas: &'a str,
    /// Final answers (JSON).
    pub answers: &'a str,
    /// Marked because the time ran out.
    pub timed_out: bool,
    /// The submission's instant (for a time-out: the deadline).
    pub at: DateTime<Utc>,
    /// Marked from a score entered after an exam on paper.
    pub on_paper: bool,
}

/// A training session (培训) with its attendees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingSession {
    /// Id.
    pub id: i64,
    /// Date.
    pub date: NaiveDate,
    /// Topic.
    pub topic: String,
    /// Tenths of an hour.
    pub tenth_hours: u32,
    /// Trainer.
    pub trainer: String,
    /// Attendees: (person id, name).
    pub attendees: Vec<(i64, String)>,
}

/// The attempts of an exam, by unit and id.
pub(crate) async fn attempts_of_exam(store: &Store, exam_id: i64) -> Result<Vec<Attempt>> {
    let sql = format!("{ATTEMPT_SELECT} where a.exam_id = $1 order by a.unit_id, a.id");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(exam_id).fetch_all(&store.read).await?.iter().map(attempt_row).collect()
}

impl Store {
    /// The bank's latest version, if any import was made.
    pub async fn bank_version(&self) -> Result<Option<i64>> {
        Ok(sqlx::query("select max(version) as v from bank_versions").fetch_one(&self.read).await?.try_get("v")?)
    }

    /// The bank at `version`: for each code its latest row at or before it, retired ones left out, by code.
    pub async fn bank(&self, version: i64) -> Result<Vec<StoredQuestion>> {
        let sql = format!(
            "select {QUESTION_COLUMNS} from questions q where q.retired = 0 and q.bank_version = \
             (select max(q2.bank_version) from questions q2 where q2.code = q.code and q2.bank_version <= $1) \
             order by q.code"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(version)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(question_row)
            .collect()
    }

    /// The bank's versions, newest first.
    pub async fn bank_versions(&self) -> Result<Vec<BankVersion>> {
        sqlx::query(
            "select version, source, note, added, changed, retired, created_at from bank_versions \
             order by version desc",
        )
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok(BankVersion {
                version: r.try_get("version")?,
                source: r.try_get("source")?,
                note: r.try_get("note")?,
                added: r.try_get("added")?,
                changed: r.try_get("changed")?,
                retired: r.try_get("retired")?,
                created_at: instant(r.try_get("created_at")?),
            })
        })
        .collect()
    }

    /// Question rows by id (a paper's), in the order asked.
    pub async fn questions_by_id(&self, ids: &[i64]) -> Result<Vec<StoredQuestion>> {
        let list = serde_json::to_string(ids).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let sql = format!("select {QUESTION_COLUMNS} from questions q where q.id in ({})", self.json_ints("$1"));
        let rows: Vec<StoredQuestion> = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(list)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(question_row)
            .collect::<Result<_>>()?;
        ids.iter().map(|id| rows.iter().find(|q| q.id == *id).cloned().ok_or(StoreError::NotFound)).collect()
    }

    /// The integers of a JSON array parameter, as a subquery.
    fn json_ints(&self, param: &str) -> String {
        match self.backend {
            crate::Backend::Sqlite => format!("select value from json_each({param})"),
            crate::Backend::Postgres => {
                format!("select (e #>> '{{}}')::bigint from json_array_elements({param}::json) e")
            }
        }
    }

    /// Imports questions as one new bank version: new codes are added, codes whose question differs get a new row;
    /// with `replace`, codes missing from `questions` are retired. Nothing is written when nothing changed. The
    /// caller has checked every question; the whole import is one transaction.
    pub async fn import_bank(
        &self,
        questions: &[Question],
        replace: bool,
        source: &str,
        note: &str,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<BankImport> {
        let mut tx = self.write.begin().await?;
        let current: Option<i64> =
            sqlx::query("select max(version) as v from bank_versions").fetch_one(&mut *tx).await?.try_get("v")?;
        let existing: Vec<StoredQuestion> = match current {
            Some(v) => {
                let sql = format!(
                    "select {QUESTION_COLUMNS} from questions q where q.retired = 0 and q.bank_version = \
                     (select max(q2.bank_version) from questions q2 where q2.code = q.code and q2.bank_version <= $1)"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(v)
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(question_row)
                    .collect::<Result<_>>()?
            }
            None => Vec::new(),
        };
        let mut writes: Vec<(&Question, bool)> = Vec::new();
        let (mut added, mut changed, mut unchanged) = (0, 0, 0);
        for q in questions {
            match existing.iter().find(|e| e.question.code == q.code) {
                None => {
                    added += 1;
                    writes.push((q, false));
                }
                Some(e) if e.question != *q => {
                    changed += 1;
                    writes.push((q, false));
                }
                Some(_) => unchanged += 1,
            }
        }
        let retire: Vec<&Question> = if replace {
            existing.iter().map(|e| &e.question).filter(|e| !questions.iter().any(|q| q.code == e.code)).collect()
        } else {
            Vec::new()
        };
        writes.extend(retire.iter().map(|q| (*q, true)));
        if writes.is_empty() {
            return Ok(BankImport { version: None, added, changed, retired: 0, unchanged });
        }
        let version = current.unwrap_or(0) + 1;
        sqlx::query(
            "insert into bank_versions (version, source, note, added, changed, retired, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(version)
        .bind(source)
        .bind(note)
        .bind(added as i64)
        .bind(changed as i64)
        .bind(retire.len() as i64)
        .bind(by)
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        let rows: Vec<serde_json::Value> = writes
            .iter()
            .map(|(q, retired)| {
                serde_json::json!([
                    q.code,
                    i64::from(*retired),
                    q.kind.code(),
                    q.area.code(),
                    serde_json::to_string(&q.categories).unwrap_or_default(),
                    q.difficulty,
                    q.stem,
                    serde_json::to_string(&q.options).unwrap_or_default(),
                    q.answer.0,
                    q.basis,
                    q.explanation
                ])
            })
            .collect();
        let rows = serde_json::Value::Array(rows).to_string();
        let sql = match self.backend {
            crate::Backend::Sqlite => {
                "insert into questions (code, bank_version, retired, kind, area, categories, difficulty, stem, options, \
                 answer, basis, explanation, created_at) select j.value ->> 0, $2, j.value ->> 1, j.value ->> 2, \
                 j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6, j.value ->> 7, j.value ->> 8, \
                 j.value ->> 9, j.value ->> 10, $3 from json_each($1) j"
            }
            crate::Backend::Postgres => {
                "insert into questions (code, bank_version, retired, kind, area, categories, difficulty, stem, options, \
                 answer, basis, explanation, created_at) select e ->> 0, $2, (e ->> 1)::bigint, e ->> 2, e ->> 3, \
                 e ->> 4, (e ->> 5)::bigint, e ->> 6, e ->> 7, (e ->> 8)::bigint, e ->> 9, e ->> 10, $3 \
                 from json_array_elements($1::json) e"
            }
        };
        sqlx::query(sql).bind(rows).bind(version).bind(micros(now)).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(BankImport { version: Some(version), added, changed, retired: retire.len(), unchanged })
    }

    /// Sets an exam; `unit_id` for a unit's internal assessment.
    pub async fn create_exam(
        &self,
        unit_id: Option<i64>,
        title: &str,
        blueprint: &str,
        bank_version: i64,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(sqlx::query(
            "insert into exams (unit_id, title, blueprint, bank_version, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(unit_id)
        .bind(title)
        .bind(blueprint)
        .bind(bank_version)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&self.write)
        .await?
        .try_get("id")?)
    }

    /// Sets an attempt; the person must belong to the unit.
    pub async fn create_attempt(&self, a: &NewAttempt<'_>, by: i64, now: DateTime<Utc>) -> Result<i64> {
        let row = sqlx::query(
            "insert into exam_attempts (exam_id, unit_id, person_id, token_sha256, token_sealed, mode, seed, paper, \
             minutes, created_by, created_at) select $1, $2, p.id, $4, $11, $5, $6, $7, $8, $9, $10 from people p \
             where p.id = $3 and p.unit_id = $2 returning id",
        )
        .bind(a.exam_id)
        .bind(a.unit_id)
        .bind(a.person_id)
        .bind(token_hash(a.token))
        .bind(a.mode)
        .bind(a.seed)
        .bind(a.paper)
        .bind(i64::from(a.minutes))
        .bind(by)
        .bind(micros(now))
        .bind(self.sealer.seal(a.token)?)
        .fetch_optional(&self.write)
        .await?;
        Ok(row.ok_or(StoreError::NotFound)?.try_get("id")?)
    }

    /// The attempt a link's token opens.
    pub async fn attempt_by_token(&self, token: &str) -> Result<Option<Attempt>> {
        let sql = format!("{ATTEMPT_SELECT} where a.token_sha256 = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash(token))
            .fetch_optional(&self.write)
            .await?
            .as_ref()
            .map(attempt_row)
            .transpose()
    }

    /// An attempt of a unit.
    pub async fn attempt(&self, unit_id: i64, id: i64) -> Result<Attempt> {
        let sql = format!("{ATTEMPT_SELECT} where a.unit_id = $1 and a.id = $2");
        attempt_row(
            &sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(unit_id)
                .bind(id)
                .fetch_optional(&self.read)
                .await?
                .ok_or(StoreError::NotFound)?,
        )
    }

    /// A unit's attempts, newest first.
    pub async fn attempts(&self, unit_id: i64) -> Result<Vec<Attempt>> {
        let sql = format!("{ATTEMPT_SELECT} where a.unit_id = $1 order by a.id desc");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit_id)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(attempt_row)
            .collect()
    }

    /// The link token of an attempt, unsealed, for whoever set it to show again.
    pub async fn attempt_token(&self, id: i64) -> Result<String> {
        let row = sqlx::query("select token_sealed from exam_attempts where id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.sealer.open(&row.try_get::<Vec<u8>, _>("token_sealed")?)
    }

    /// Starts the clock of an attempt not yet started; `false` when it already was.
    pub async fn start_attempt(&self, id: i64, now: DateTime<Utc>, deadline: DateTime<Utc>) -> Result<bool> {
        let done = sqlx::query(
            "update exam_attempts set started_at = $2, deadline_at = $3 where id = $1 and started_at is null",
        )
        .bind(id)
        .bind(micros(now))
        .bind(micros(deadline))
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Saves the answer (options as shown) to the question at `position` while the attempt is open — started, not
    /// submitted, and `now` no later than `latest`. `false` when it is not open.
    pub async fn save_answer(
        &self,
        attempt_id: i64,
        position: u32,
        choice: Choice,
        now: DateTime<Utc>,
        latest: DateTime<Utc>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "insert into exam_answers (attempt_id, position, choice, saved_at, created_at) \
             select a.id, $2, $3, $4, $4 from exam_attempts a where a.id = $1 and a.started_at is not null \
             and a.submitted_at is null and $4 <= $5 \
             on conflict (attempt_id, position) do update set choice = excluded.choice, saved_at = excluded.saved_at",
        )
        .bind(attempt_id)
        .bind(i64::from(position))
        .bind(i64::from(choice.0))
        .bind(micros(now))
        .bind(micros(latest))
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The answers saved so far: (position, options as shown).
    pub async fn answers(&self, attempt_id: i64) -> Result<Vec<(u32, Choice)>> {
        sqlx::query("select position, choice from exam_answers where attempt_id = $1 order by position")
            .bind(attempt_id)
            .fetch_all(&self.write)
            .await?
            .iter()
            .map(|r| {
                let p =
                    u32::try_from(r.try_get::<i64, _>("position")?).map_err(|_| StoreError::Corrupt("位置".into()))?;
                let c = u8::try_from(r.try_get::<i64, _>("choice")?).map_err(|_| StoreError::Corrupt("答案".into()))?;
                Ok((p, Choice(c)))
            })
            .collect()
    }

    /// Writes the mark of an attempt not yet marked and logs it, in one transaction; `None` when it already was
    /// (a second submission changes nothing). Returns the leaf's index.
    pub async fn finish_attempt(&self, id: i64, m: &Marked<'_>, now: DateTime<Utc>) -> Result<Option<u64>> {
        let mut tx = self.write.begin().await?;
        let row = sqlx::query(
            "update exam_attempts set submitted_at = $2, timed_out = $3, earned = $4, possible = $5, passed = $6, \
             areas = $7, answers = $8, mode = $9 where id = $1 and submitted_at is null returning unit_id",
        )
        .bind(id)
        .bind(micros(m.at))
        .bind(i64::from(m.timed_out))
        .bind(i64::from(m.earned))
        .bind(i64::from(m.possible))
        .bind(i64::from(m.passed))
        .bind(m.areas)
        .bind(m.answers)
        .bind(if m.on_paper { "paper" } else { "online" })
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let unit_id: i64 = row.try_get("unit_id")?;
        let index = self.log_record(&mut tx, kind::EXAM_RESULT, id, unit_id, now).await?;
        tx.commit().await?;
        Ok(Some(index))
    }

    /// Attempts whose time ran out more than `grace_seconds` before `now` without a submission.
    pub async fn expired_attempts(&self, now: DateTime<Utc>, grace_seconds: i64) -> Result<Vec<i64>> {
        sqlx::query(
            "select id from exam_attempts where submitted_at is null and deadline_at is not null \
             and deadline_at < $1 order by id",
        )
        .bind(micros(now) - grace_seconds * 1_000_000)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| Ok(r.try_get("id")?))
        .collect()
    }

    /// The attempt with this id, whatever its unit (for marking after a time-out).
    pub async fn attempt_by_id(&self, id: i64) -> Result<Attempt> {
        let sql = format!("{ATTEMPT_SELECT} where a.id = $1");
        attempt_row(
            &sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(&self.write)
                .await?
                .ok_or(StoreError::NotFound)?,
        )
    }

    /// Records a training session and its attendees (people of the unit) in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_training_session(
        &self,
        unit_id: i64,
        day: NaiveDate,
        topic: &str,
        tenth_hours: u32,
        trainer: &str,
        attendees: &[i64],
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query(
            "insert into training_sessions (unit_id, date, topic, tenth_hours, trainer, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(unit_id)
        .bind(day.to_string())
        .bind(topic)
        .bind(i64::from(tenth_hours))
        .bind(trainer)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for person in attendees {
            let done = sqlx::query(
                "insert into training_attendees (session_id, person_id, created_at) \
                 select $1, p.id, $4 from people p where p.id = $2 and p.unit_id = $3",
            )
            .bind(id)
            .bind(person)
            .bind(unit_id)
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::NotFound);
            }
        }
        tx.commit().await?;
        Ok(id)
    }

    /// A unit's training sessions, newest first.
    pub async fn training_sessions(&self, unit_id: i64) -> Result<Vec<TrainingSession>> {
        let sessions = sqlx::query(
            "select id, date, topic, tenth_hours, trainer from training_sessions where unit_id = $1 \
             order by date desc, id desc",
        )
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?;
        let attendees = sqlx::query(
            "select t.session_id, p.id, p.name from training_attendees t join training_sessions s on s.id = t.session_id \
             join people p on p.id = t.person_id where s.unit_id = $1 order by p.name, p.id",
        )
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?;
        sessions
            .iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                Ok(TrainingSession {
                    id,
                    date: date(&r.try_get::<String, _>("date")?)?,
                    topic: r.try_get("topic")?,
                    tenth_hours: u32::try_from(r.try_get::<i64, _>("tenth_hours")?)
                        .map_err(|_| StoreError::Corrupt("学时".into()))?,
                    trainer: r.try_get("trainer")?,
                    attendees: attendees
                        .iter()
                        .filter(|a| a.try_get::<i64, _>("session_id").is_ok_and(|s| s == id))
                        .map(|a| Ok((a.try_get("id")?, a.try_get("name")?)))
                        .collect::<Result<_>>()?,
                })
            })
            .collect()
    }
}
