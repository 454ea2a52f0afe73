//! The transparency log in the database (see ARCHITECTURE.md, "The transparency log").
//!
//! A record's leaf is appended in the same transaction as the record's row: the leaf text (the canonical JSON of a
//! `zhian_ledger::record::Record`), the stored hashes it completes (numbered as in C2SP tlog-tiles), and the new
//! compact frontier. The `log_state` row is updated first in every append, which takes its row lock on PostgreSQL
//! and so serialises appends; SQLite has one writer anyway. Proofs read only the O(log n) stored hashes they need.
//!
//! What a leaf says about its row is rebuilt by [`Store::leaf_for`] from the row itself, so [`Store::audit`] can
//! tell every row that no longer matches what was logged.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use zhian_ledger::bundle::Bundle;
use zhian_ledger::checkpoint::Checkpoint;
use zhian_ledger::frontier::Frontier;
use zhian_ledger::hash::{Hash, HashAlg};
use zhian_ledger::index::stored_hash_index;
use zhian_ledger::keys::{SignerKey, VerifierKey};
use zhian_ledger::memlog::MemLog;
use zhian_ledger::proof::{verify_consistency, verify_inclusion};
use zhian_ledger::prove::{
    Prefetched, consistency_proof_indexes, inclusion_proof_indexes, prove_consistency, prove_inclusion,
};
use zhian_ledger::record::{Record, jcs_string_object};

use crate::{Result, Store, StoreError, instant, micros};

/// Kinds of logged records.
pub mod kind {
    /// An appointment to a post.
    pub const APPOINTMENT: &str = "appointment";
    /// The end of an appointment.
    pub const APPOINTMENT_END: &str = "appointment_end";
    /// A daily check (日管控).
    pub const DAILY_CHECK: &str = "daily_check";
    /// A step on a hazard.
    pub const HAZARD_EVENT: &str = "hazard_event";
    /// A suspension of business (停业).
    pub const SUSPENSION: &str = "suspension";
    /// A weekly investigation (周排查).
    pub const WEEKLY_REVIEW: &str = "weekly_review";
    /// A veto (否决建议).
    pub const VETO: &str = "veto";
    /// The principal's answer to a veto.
    pub const VETO_ANSWER: &str = "veto_answer";
    /// The minutes of a monthly dispatch meeting (月调度), with next month's key work.
    pub const MONTHLY_MEETING: &str = "monthly_meeting";
    /// The principal's confirmation of the minutes.
    pub const MONTHLY_CONFIRMATION: &str = "monthly_confirmation";
    /// A piece of key work reported done.
    pub const TASK_DONE: &str = "task_done";
    /// A self-inspection (自查).
    pub const SELF_INSPECTION: &str = "self_inspection";
    /// A period archive, naming its manifest's SHA-256.
    pub const ARCHIVE: &str = "archive";
    /// The mark of an exam attempt (培训考核 or a spot check's exam).
    pub const EXAM_RESULT: &str = "exam_result";
    /// A spot-check plan published: its frozen candidate list's hash and the seed's commitment.
    pub const SPOT_CHECK_PLAN: &str = "spot_check_plan";
    /// A spot check's draw: the revealed seed and the units and people drawn.
    pub const SPOT_CHECK_DRAW: &str = "spot_check_draw";
    /// A spot check's published results.
    pub const SPOT_CHECK_RESULTS: &str = "spot_check_results";
    /// A rectification order (责令整改) to a unit after a failed spot check.
    pub const RECTIFICATION_ORDER: &str = "rectification_order";
    /// A unit's report that it has rectified.
    pub const RECTIFICATION_REPORT: &str = "rectification_report";
}

/// The row a leaf of each kind is built from, with its unit's credit code (`credit_code`) and its author's username
/// (`username`); `None` for a kind that is not logged.
fn leaf_row_query(kind: &str) -> Option<&'static str> {
    Some(match kind {
        kind::APPOINTMENT | kind::APPOINTMENT_END => {
            "select a.id, a.person_id, p.name, a.post, a.employment, a.from_date, a.to_date, a.reason, a.end_reason, \
             a.created_at, a.updated_at, un.credit_code, au.username from appointments a \
             join people p on p.id = a.person_id join units un on un.id = a.unit_id \
             join users au on au.id = a.created_by where a.id = $1"
        }
        kind::DAILY_CHECK => {
            "select c.id, c.period, c.zero_risk, c.note, c.amends, c.risk_list_version, c.created_at, c.items, \
             un.credit_code, au.username from daily_checks c join units un on un.id = c.unit_id join users au on au.id = c.created_by \
             where c.id = $1"
        }
        kind::HAZARD_EVENT => {
            "select e.id, e.hazard_id, e.step, e.text, e.status_after, e.created_at, h.title, un.credit_code, \
             au.username from hazard_events e join hazards h on h.id = e.hazard_id join units un on un.id = h.unit_id \
             join users au on au.id = e.created_by where e.id = $1"
        }
        kind::SUSPENSION => {
            "select s.id, s.from_date, s.to_date, s.reason, s.created_at, un.credit_code, au.username \
             from suspensions s join units un on un.id = s.unit_id join users au on au.id = s.created_by where s.id = $1"
        }
        kind::WEEKLY_REVIEW => {
            "select w.id, w.period, w.draft, w.analysis, w.conclusions, w.amends, w.created_at, un.credit_code, \
             au.username from weekly_reviews w join units un on un.id = w.unit_id join users au on au.id = w.created_by \
             where w.id = $1"
        }
        kind::VETO => {
            "select v.id, v.product, v.defect, v.proposal, v.created_at, un.credit_code, au.username from vetoes v \
             join units un on un.id = v.unit_id join users au on au.id = v.proposed_by where v.id = $1"
        }
        kind::VETO_ANSWER => {
            "select a.id, a.veto_id, a.decision, a.reasons, a.measures, a.created_at, un.credit_code, au.username \
             from veto_answers a join vetoes v on v.id = a.veto_id join units un on un.id = v.unit_id \
             join users au on au.id = a.answered_by where a.id = $1"
        }
        kind::MONTHLY_MEETING => {
            "select m.id, m.period, m.held_at, m.place, m.host, m.recorder, m.attendees, m.draft, m.report, m.summary, \
             m.decisions, m.amends, m.created_at, un.credit_code, au.username from monthly_meetings m \
             join units un on un.id = m.unit_id join users au on au.id = m.created_by where m.id = $1"
        }
        kind::MONTHLY_CONFIRMATION => {
            "select c.id, c.meeting_id, c.note, c.created_at, m.period, un.credit_code, au.username \
             from monthly_confirmations c join monthly_meetings m on m.id = c.meeting_id \
             join units un on un.id = m.unit_id join users au on au.id = c.created_by where c.id = $1"
        }
        kind::TASK_DONE => {
            "select d.id, d.task_id, d.note, d.created_at, t.work, un.credit_code, au.username from task_completions d \
             join monthly_tasks t on t.id = d.task_id join units un on un.id = t.unit_id \
             join users au on au.id = d.created_by where d.id = $1"
        }
        kind::SELF_INSPECTION => {
            "select s.id, s.day, s.scope, s.findings, s.measures, s.weekly_review_id, s.created_at, \
             (select min(h.id) from hazards h where h.source_inspection_id = s.id) as hazard_id, un.credit_code, \
             au.username from self_inspections s join units un on un.id = s.unit_id join users au on au.id = s.created_by \
             where s.id = $1"
        }
        kind::ARCHIVE => {
            "select a.id, a.from_date, a.to_date, a.manifest_sha256, a.created_at, un.credit_code, au.username \
             from archives a join units un on un.id = a.unit_id join users au on au.id = a.created_by where a.id = $1"
        }
        kind::SPOT_CHECK_PLAN | kind::SPOT_CHECK_DRAW | kind::SPOT_CHECK_RESULTS => {
            "select p.id, p.title, p.division_code as credit_code, p.categories, p.sample, p.people_per_unit, \
             p.commitment, p.list_sha256, p.seed, p.drawn, coalesce(p.drawn_at, 0) as drawn_at, p.results, \
             coalesce(p.published_at, 0) as published_at, p.created_at, au.username from spot_check_plans p \
             join users au on au.id = p.created_by where p.id = $1"
        }
        kind::RECTIFICATION_ORDER => {
            "select o.id, o.plan_id, o.person_id, o.attempt_id, o.reason, o.due_date, o.created_at, un.credit_code, \
             au.username from rectification_orders o join units un on un.id = o.unit_id \
             join users au on au.id = o.created_by where o.id = $1"
        }
        kind::RECTIFICATION_REPORT => {
            "select o.id, o.reported_at, o.report_kind, o.report_text, o.report_attempt_id, un.credit_code, \
             ru.username from rectification_orders o join units un on un.id = o.unit_id \
             join users ru on ru.id = o.reported_by where o.id = $1 and o.reported_at is not null"
        }
        kind::EXAM_RESULT => {
            "select a.id, a.exam_id, a.person_id, a.paper, a.answers, a.earned, a.possible, a.passed, a.timed_out, \
             a.submitted_at, un.credit_code, au.username from exam_attempts a join units un on un.id = a.unit_id \
             join users au on au.id = a.created_by where a.id = $1 and a.submitted_at is not null"
        }
        _ => return None,
    })
}

/// A record's leaf, rebuilt from its rows: the one definition used when logging and when auditing.
async fn build_leaf(conn: &mut sqlx::AnyConnection, kind: &str, record_id: i64) -> Result<Option<String>> {
    let Some(sql) = leaf_row_query(kind) else { return Ok(None) };
    let Some(r) = sqlx::query(sql).bind(record_id).fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    let text = |column: &str| r.try_get::<String, _>(column);
    let number = |column: &str| r.try_get::<i64, _>(column).map(|n| n.to_string());
    let optional =
        |column: &str| r.try_get::<Option<i64>, _>(column).map(|n| n.map(|n| n.to_string()).unwrap_or_default());
    let optional_text = |column: &str| r.try_get::<Option<String>, _>(column).map(Option::unwrap_or_default);
    // The leaf's content, its period (`None`: the day it was made) and the column holding when it was made.
    let (content, period, at_column) = match kind {
        kind::APPOINTMENT => (
            jcs_string_object(&[
                ("appointment", &number("id")?),
                ("employment", &text("employment")?),
                ("from", &text("from_date")?),
                ("person_id", &number("person_id")?),
                ("person_name", &text("name")?),
                ("post", &text("post")?),
                ("reason", &text("reason")?),
            ]),
            Some(text("from_date")?),
            "created_at",
        ),
        kind::APPOINTMENT_END => {
            let to = r.try_get::<Option<String>, _>("to_date")?.unwrap_or_default();
            let end_reason = r.try_get::<Option<String>, _>("end_reason")?.unwrap_or_default();
            (
                jcs_string_object(&[("appointment", &number("id")?), ("end_reason", &end_reason), ("to", &to)]),
                Some(to),
                "updated_at",
            )
        }
        kind::DAILY_CHECK => {
            let items = crate::checks::stored_items(conn, record_id, &text("items")?).await?;
            let check = CheckLeaf {
                id: r.try_get("id")?,
                amends: r.try_get("amends")?,
                note: &text("note")?,
                risk_list_version: r.try_get("risk_list_version")?,
                zero_risk: r.try_get::<i64, _>("zero_risk")? != 0,
                items: items.iter().map(|fields| fields.each_ref().map(String::as_str)).collect(),
            };
            (check.content(), Some(text("period")?), "created_at")
        }
        kind::HAZARD_EVENT => (
            jcs_string_object(&[
                ("event", &number("id")?),
                ("hazard", &number("hazard_id")?),
                ("status_after", &text("status_after")?),
                ("step", &text("step")?),
                ("text", &text("text")?),
                ("title", &text("title")?),
            ]),
            None,
            "created_at",
        ),
        kind::SUSPENSION => {
            let (from, to) = (text("from_date")?, text("to_date")?);
            (
                jcs_string_object(&[
                    ("from", &from),
                    ("reason", &text("reason")?),
                    ("suspension", &number("id")?),
                    ("to", &to),
                ]),
                Some(format!("{from}/{to}")),
                "created_at",
            )
        }
        kind::WEEKLY_REVIEW => (
            jcs_string_object(&[
                ("amends", &optional("amends")?),
                ("analysis", &text("analysis")?),
                ("conclusions", &text("conclusions")?),
                ("draft", &text("draft")?),
                ("review", &number("id")?),
            ]),
            Some(text("period")?),
            "created_at",
        ),
        kind::VETO => (
            jcs_string_object(&[
                ("defect", &text("defect")?),
                ("product", &text("product")?),
                ("proposal", &text("proposal")?),
                ("veto", &number("id")?),
            ]),
            None,
            "created_at",
        ),
        kind::VETO_ANSWER => (
            jcs_string_object(&[
                ("answer", &number("id")?),
                ("decision", &text("decision")?),
                ("measures", &text("measures")?),
                ("reasons", &text("reasons")?),
                ("veto", &number("veto_id")?),
            ]),
            None,
            "created_at",
        ),
        kind::MONTHLY_MEETING => {
            let tasks = sqlx::query(
                "select position, work, owner, due from monthly_tasks where meeting_id = $1 order by position",
            )
            .bind(record_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|t| {
                Ok(jcs_string_object(&[
                    ("due", &t.try_get::<String, _>("due")?),
                    ("owner", &t.try_get::<String, _>("owner")?),
                    ("position", &t.try_get::<i64, _>("position")?.to_string()),
                    ("work", &t.try_get::<String, _>("work")?),
                ]))
            })
            .collect::<Result<Vec<_>>>()?;
            (
                jcs_string_object(&[
                    ("amends", &optional("amends")?),
                    ("attendees", &text("attendees")?),
                    ("decisions", &text("decisions")?),
                    ("draft", &text("draft")?),
                    ("held_at", &text("held_at")?),
                    ("host", &text("host")?),
                    ("meeting", &number("id")?),
                    ("place", &text("place")?),
                    ("recorder", &text("recorder")?),
                    ("report", &text("report")?),
                    ("summary", &text("summary")?),
                    ("tasks", &format!("[{}]", tasks.join(","))),
                ]),
                Some(text("period")?),
                "created_at",
            )
        }
        kind::MONTHLY_CONFIRMATION => (
            jcs_string_object(&[
                ("confirmation", &number("id")?),
                ("meeting", &number("meeting_id")?),
                ("note", &text("note")?),
            ]),
            Some(text("period")?),
            "created_at",
        ),
        kind::TASK_DONE => (
            jcs_string_object(&[
                ("completion", &number("id")?),
                ("note", &text("note")?),
                ("task", &number("task_id")?),
                ("work", &text("work")?),
            ]),
            None,
            "created_at",
        ),
        kind::SELF_INSPECTION => (
            jcs_string_object(&[
                ("findings", &text("findings")?),
                ("hazard", &optional("hazard_id")?),
                ("inspection", &number("id")?),
                ("measures", &text("measures")?),
                ("scope", &text("scope")?),
                ("weekly_review", &optional("weekly_review_id")?),
            ]),
            Some(text("day")?),
            "created_at",
        ),
        kind::ARCHIVE => {
            let (from, to) = (text("from_date")?, text("to_date")?);
            (
                archive_content(&number("id")?, &from, &to, &text("manifest_sha256")?),
                Some(format!("{from}/{to}")),
                "created_at",
            )
        }
        kind::SPOT_CHECK_PLAN => (
            jcs_string_object(&[
                ("categories", &text("categories")?),
                ("commitment", &text("commitment")?),
                ("jurisdiction", &text("credit_code")?),
                ("list_sha256", &text("list_sha256")?),
                ("people_per_unit", &number("people_per_unit")?),
                ("plan", &number("id")?),
                ("sample", &text("sample")?),
                ("title", &text("title")?),
            ]),
            None,
            "created_at",
        ),
        kind::SPOT_CHECK_DRAW => (
            jcs_string_object(&[
                ("drawn", &optional_text("drawn")?),
                ("plan", &number("id")?),
                ("seed", &optional_text("seed")?),
            ]),
            None,
            "drawn_at",
        ),
        kind::SPOT_CHECK_RESULTS => (
            jcs_string_object(&[("plan", &number("id")?), ("results", &optional_text("results")?)]),
            None,
            "published_at",
        ),
        kind::RECTIFICATION_ORDER => (
            jcs_string_object(&[
                ("attempt", &optional("attempt_id")?),
                ("due", &text("due_date")?),
                ("order", &number("id")?),
                ("person", &optional("person_id")?),
                ("plan", &number("plan_id")?),
                ("reason", &text("reason")?),
            ]),
            None,
            "created_at",
        ),
        kind::RECTIFICATION_REPORT => (
            jcs_string_object(&[
                ("attempt", &optional("report_attempt_id")?),
                ("kind", &optional_text("report_kind")?),
                ("order", &number("id")?),
                ("text", &optional_text("report_text")?),
            ]),
            None,
            "reported_at",
        ),
        kind::EXAM_RESULT => (
            jcs_string_object(&[
                ("answers", &optional_text("answers")?),
                ("attempt", &number("id")?),
                ("earned_tenths", &optional("earned")?),
                ("exam", &number("exam_id")?),
                ("paper_sha256", &zhian_domain::draw::hex(&zhian_domain::draw::sha256(text("paper")?.as_bytes()))),
                ("passed", &optional("passed")?),
                ("person", &number("person_id")?),
                ("possible_tenths", &optional("possible")?),
                ("timed_out", &number("timed_out")?),
            ]),
            None,
            "submitted_at",
        ),
        _ => return Ok(None),
    };
    let at = instant(r.try_get::<i64, _>(at_column)?);
    leaf_text(kind, &content, period, at, text("username")?, text("credit_code")?).map(Some)
}

/// What an archive's leaf says: the archive, its dates and its manifest's SHA-256. The archive carries this text as
/// `archive.json`, so a verifier can check it against the leaf and the manifest against it.
#[must_use]
pub fn archive_content(id: &str, from: &str, to: &str, manifest_sha256: &str) -> String {
    jcs_string_object(&[("archive", id), ("from", from), ("manifest_sha256", manifest_sha256), ("to", to)])
}

/// A leaf: the record of `kind` whose content is `content`, made by `author` of `unit` at `at`, for `period` (`None`:
/// the day it was made).
pub(crate) fn leaf_text(
    kind: &str,
    content: &str,
    period: Option<String>,
    at: DateTime<Utc>,
    author: String,
    unit: String,
) -> Result<String> {
    let period = period.unwrap_or_else(|| {
        zhian_domain::time::date_of_day(zhian_domain::time::day_of_instant(at)).unwrap_or_default().to_string()
    });
    let record = Record {
        author,
        content_hash: HashAlg::Sm3.digest(content.as_bytes()).to_hex(),
        period,
        submitted_at: leaf_time(at),
        tier: kind.to_owned(),
        unit,
    };
    record.canonical_json().map_err(bad)
}

/// What a daily check's leaf says: the one definition, used from its rows and, in a group commit, from the check
/// being written.
pub(crate) struct CheckLeaf<'a> {
    pub id: i64,
    pub amends: Option<i64>,
    pub note: &'a str,
    pub risk_list_version: Option<i64>,
    pub zero_risk: bool,
    /// Each item in order: risk point, item, result code, note, photos (names joined by commas; empty for none).
    pub items: Vec<[&'a str; 5]>,
}

impl CheckLeaf<'_> {
    /// The canonical content.
    pub(crate) fn content(&self) -> String {
        let optional = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        let items: Vec<String> = (1_u64..)
            .zip(&self.items)
            .map(|(position, [risk_point, item, result, note, photos])| {
                let position = position.to_string();
                let mut members = vec![("item", *item), ("note", *note)];
                // Items without photos read as they did before photos existed.
                if !photos.is_empty() {
                    members.push(("photos", *photos));
                }
                members.extend([("position", position.as_str()), ("result", *result), ("risk_point", *risk_point)]);
                jcs_string_object(&members)
            })
            .collect();
        jcs_string_object(&[
            ("amends", &optional(self.amends)),
            ("check", &self.id.to_string()),
            ("items", &format!("[{}]", items.join(","))),
            ("note", self.note),
            ("risk_list_version", &optional(self.risk_list_version)),
            ("zero_risk", if self.zero_risk { "1" } else { "0" }),
        ])
    }
}

/// The open end of the log inside one transaction: the state row is locked and read once, any number of leaves
/// appended (each with the stored hashes it completes), and the new frontier written once at the end. A group commit
/// appends all its leaves through one appender.
pub(crate) struct Appender {
    alg: HashAlg,
    frontier: Frontier,
}

impl Appender {
    /// Takes the log's state row — on PostgreSQL this takes its lock, so concurrent appenders queue here — and reads
    /// the frontier.
    pub(crate) async fn open(conn: &mut sqlx::AnyConnection, now: DateTime<Utc>) -> Result<Self> {
        let row = sqlx::query("update log_state set updated_at = $1 where id = 1 returning hash_alg, size, frontier")
            .bind(micros(now))
            .fetch_one(&mut *conn)
            .await?;
        let LogState { alg, frontier } = state_of(&row)?;
        Ok(Self { alg, frontier })
    }

    /// Logs a record: its leaf rebuilt from the row as written in this transaction. Returns the leaf's index.
    pub(crate) async fn record(
        &mut self,
        conn: &mut sqlx::AnyConnection,
        kind: &str,
        record_id: i64,
        unit_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let leaf = build_leaf(conn, kind, record_id).await?.ok_or(StoreError::NotFound)?;
        self.append(conn, kind, record_id, unit_id, &leaf, now).await
    }

    /// Appends a leaf and the stored hashes it completes.
    async fn append(
        &mut self,
        conn: &mut sqlx::AnyConnection,
        kind: &str,
        record_id: i64,
        unit_id: Option<i64>,
        leaf: &str,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let index = self.frontier.size();
        self.append_all(conn, &[(kind, record_id, unit_id, leaf.to_owned())], now).await?;
        Ok(index)
    }

    /// Appends leaves in order — (kind, record id, unit, leaf) — with a few multi-row statements.
    pub(crate) async fn append_all(
        &mut self,
        conn: &mut sqlx::AnyConnection,
        leaves: &[(&str, i64, Option<i64>, String)],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let first = self.frontier.size();
        let params = Params::of(conn);
        let mut stored = Vec::with_capacity(leaves.len() * 2);
        for (_, _, _, leaf) in leaves {
            let leaf_hash = self.alg.leaf_hash(leaf.as_bytes());
            if !self.frontier.append_with(leaf_hash, |h| stored.push((stored_hash_index(h.level, h.index), h.hash))) {
                return Err(bad("日志已满"));
            }
        }
        let at = micros(now);
        let leaf_rows = (first..)
            .zip(leaves)
            .map(|(i, (kind, record_id, unit_id, leaf))| Ok((signed(i)?, kind, record_id, unit_id, leaf, at)))
            .collect::<Result<Vec<_>>>()?;
        use Col::{Hex, Int, Text};
        let sql = params.insert_json(
            "log_leaves",
            &[("idx", Int), ("kind", Text), ("record_id", Int), ("unit_id", Int), ("leaf", Text), ("created_at", Int)],
        );
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(json(&leaf_rows)?).execute(&mut *conn).await?;
        let hash_rows = stored
            .iter()
            .map(|(i, hash)| Ok((signed(i.ok_or_else(|| bad("存储索引溢出"))?)?, hash.to_hex(), at)))
            .collect::<Result<Vec<_>>>()?;
        let sql = params.insert_json("log_hashes", &[("idx", Int), ("hash", Hex), ("created_at", Int)]);
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(json(&hash_rows)?).execute(&mut *conn).await?;
        Ok(())
    }

    /// Writes the new size and frontier.
    pub(crate) async fn close(self, conn: &mut sqlx::AnyConnection, now: DateTime<Utc>) -> Result<()> {
        let bytes: Vec<u8> = self.frontier.hashes().iter().flat_map(|h| h.as_bytes().to_vec()).collect();
        sqlx::query("update log_state set size = $1, frontier = $2, updated_at = $3 where id = 1")
            .bind(signed(self.frontier.size())?)
            .bind(bytes)
            .bind(micros(now))
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}

/// Rows as the one JSON parameter of [`Params::insert_json`].
pub(crate) fn json(rows: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(rows).map_err(bad)
}

/// Values for an `in (…)` list, padded to a power of two by repeating the last, for the same reason.
pub(crate) fn padded<T: Clone>(values: &[T]) -> Vec<T> {
    let mut v = values.to_vec();
    if let Some(last) = values.last() {
        v.resize(values.len().next_power_of_two(), last.clone());
    }
    v
}

/// How a connection numbers parameters in generated SQL. SQLite gets nameless `?`: looking a numbered parameter up
/// by name walks a list, which makes binding thousands of them quadratic.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Params {
    sqlite: bool,
}

impl Params {
    /// The style of a connection.
    pub(crate) fn of(conn: &sqlx::AnyConnection) -> Self {
        Self { sqlite: conn.backend_name() == "SQLite" }
    }

    /// The `n` parameters numbered from `from` (1-based), comma-separated, bound in that order.
    pub(crate) fn list(self, from: usize, n: usize) -> String {
        let one = |i: usize| if self.sqlite { "?".to_owned() } else { format!("${i}") };
        (from..from + n).map(one).collect::<Vec<_>>().join(", ")
    }

    /// `insert into TABLE (COLUMNS) select …` of the rows in one parameter: a JSON array of arrays, one per row, its
    /// values in column order and typed by `columns`. One statement and one bound value whatever the number of rows;
    /// rows are inserted in array order.
    pub(crate) fn insert_json(self, table: &str, columns: &[(&str, Col)]) -> String {
        let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
        let values: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, (_, col))| match (self.sqlite, col) {
                (true, Col::Int | Col::Text) => format!("value ->> {i}"),
                (true, Col::Hex) => format!("unhex(value ->> {i})"),
                (false, Col::Int) => format!("(e ->> {i})::bigint"),
                (false, Col::Text) => format!("e ->> {i}"),
                (false, Col::Hex) => format!("decode(e ->> {i}, 'hex')"),
            })
            .collect();
        let from = if self.sqlite {
            "json_each(?) order by key".to_owned()
        } else {
            "json_array_elements($1::json) with ordinality as x(e, n) order by n".to_owned()
        };
        format!("insert into {table} ({}) select {} from {from}", names.join(", "), values.join(", "))
    }
}

impl Params {
    /// `select` of `columns` from `rest` (a `from … where …` clause) as one row holding one JSON text: an array of
    /// arrays, one per row, its values in column order. A read of many rows comes back as one value: on SQLite each
    /// row is otherwise handed over from the database's thread on its own.
    pub(crate) fn select_json(self, columns: &str, rest: &str) -> String {
        if self.sqlite {
            format!("select json_group_array(json_array({columns})) {rest}")
        } else {
            format!("select coalesce(json_agg(json_build_array({columns})), '[]')::text {rest}")
        }
    }

    /// Whether this is SQLite.
    pub(crate) fn sqlite(self) -> bool {
        self.sqlite
    }
}

/// The rows of a [`Params::select_json`] query, each read as `T` (a tuple in column order).
pub(crate) async fn fetch_json<T: serde::de::DeserializeOwned>(
    conn: &mut sqlx::AnyConnection,
    query: sqlx::query::Query<'_, Any, sqlx::any::AnyArguments>,
) -> Result<Vec<T>> {
    let text: String = query.fetch_one(conn).await?.try_get(0)?;
    serde_json::from_str(&text).map_err(bad)
}

/// The type of a column filled from JSON.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Col {
    /// An integer.
    Int,
    /// Text.
    Text,
    /// Bytes, carried as hex.
    Hex,
}

/// The log's state: algorithm, size and frontier.
struct LogState {
    alg: HashAlg,
    frontier: Frontier,
}

fn bad(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("透明日志：{what}"))
}

fn state_of(row: &AnyRow) -> Result<LogState> {
    let alg: HashAlg = row.try_get::<String, _>("hash_alg")?.parse().map_err(bad)?;
    let size = u64::try_from(row.try_get::<i64, _>("size")?).map_err(bad)?;
    let bytes: Vec<u8> = row.try_get("frontier")?;
    let hashes = bytes
        .chunks(32)
        .map(|c| Hash::from_slice(c).ok_or_else(|| bad("边界哈希长度错误")))
        .collect::<Result<Vec<_>>>()?;
    let frontier = Frontier::from_parts(alg, size, hashes).ok_or_else(|| bad("边界与树大小不符"))?;
    Ok(LogState { alg, frontier })
}

fn signed(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(bad)
}

/// RFC 3339 UTC, whole seconds, as the record leaf requires.
fn leaf_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A row's mismatch with the log, found by [`Store::audit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFinding {
    /// The leaf index, when the finding concerns a leaf.
    pub leaf: Option<u64>,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// The outcome of an audit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditReport {
    /// Leaves checked.
    pub leaves: u64,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// Everything that does not match.
    pub findings: Vec<AuditFinding>,
}

impl Store {
    async fn log_state(tx: &mut Transaction<'_, Any>) -> Result<LogState> {
        let row =
            sqlx::query("select hash_alg, size, frontier from log_state where id = 1").fetch_one(&mut **tx).await?;
        state_of(&row)
    }

    /// The leaf at `index`: its kind, the id of its record and its text.
    pub async fn logged_at(&self, index: u64) -> Result<Option<(String, i64, String)>> {
        sqlx::query("select kind, record_id, leaf from log_leaves where idx = $1")
            .bind(signed(index)?)
            .fetch_optional(&self.read)
            .await?
            .map(|r| Ok((r.try_get("kind")?, r.try_get("record_id")?, r.try_get("leaf")?)))
            .transpose()
    }

    /// The current size and root of the log.
    pub async fn log_head(&self) -> Result<(u64, Hash)> {
        let row =
            sqlx::query("select hash_alg, size, frontier from log_state where id = 1").fetch_one(&self.read).await?;
        let s = state_of(&row)?;
        Ok((s.frontier.size(), s.frontier.root()))
    }

    /// The log's hash algorithm.
    pub async fn log_alg(&self) -> Result<HashAlg> {
        let row = sqlx::query("select hash_alg from log_state where id = 1").fetch_one(&self.read).await?;
        row.try_get::<String, _>("hash_alg")?.parse().map_err(bad)
    }

    /// Signs a checkpoint of the current tree when it has grown since the last one; returns the note if signed.
    #[tracing::instrument(skip_all)]
    pub async fn sign_checkpoint(&self, key: &SignerKey, now: DateTime<Utc>) -> Result<Option<String>> {
        let mut tx = self.write.begin().await?;
        let state = Self::log_state(&mut tx).await?;
        let size = state.frontier.size();
        let last: Option<i64> =
            sqlx::query("select max(size) as s from log_checkpoints").fetch_one(&mut *tx).await?.try_get("s")?;
        if size == 0 || last == Some(signed(size)?) {
            return Ok(None);
        }
        let note = Checkpoint::new(key.name(), size, state.frontier.root()).sign(&[key]).map_err(bad)?;
        sqlx::query("insert into log_checkpoints (size, note, created_at) values ($1, $2, $3)")
            .bind(signed(size)?)
            .bind(&note)
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(size, "checkpoint signed");
        Ok(Some(note))
    }

    /// Every signed checkpoint, oldest first: (size, note).
    pub async fn checkpoints(&self) -> Result<Vec<(u64, String)>> {
        sqlx::query("select size, note from log_checkpoints order by size")
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| Ok((u64::try_from(r.try_get::<i64, _>("size")?).map_err(bad)?, r.try_get("note")?)))
            .collect()
    }

    /// The newest signed checkpoint, if any.
    pub async fn latest_checkpoint(&self) -> Result<Option<(u64, String)>> {
        Ok(self.checkpoints().await?.pop())
    }

    async fn fetch_hashes(&self, need: &[u64]) -> Result<Prefetched> {
        let mut pairs = Vec::with_capacity(need.len());
        for &i in need {
            let row = sqlx::query("select hash from log_hashes where idx = $1")
                .bind(signed(i)?)
                .fetch_one(&self.read)
                .await?;
            let bytes: Vec<u8> = row.try_get("hash")?;
            pairs.push((i, Hash::from_slice(&bytes).ok_or_else(|| bad("哈希长度错误"))?));
        }
        Ok(Prefetched::new(pairs))
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves.
    pub async fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>> {
        let alg = self.log_alg().await?;
        let need = inclusion_proof_indexes(size, index).map_err(bad)?;
        let reader = self.fetch_hashes(&need).await?;
        prove_inclusion(alg, size, index, &reader).map_err(bad)
    }

    /// The consistency proof from the tree of `old` leaves to the tree of `new` leaves.
    pub async fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>> {
        let alg = self.log_alg().await?;
        let need = consistency_proof_indexes(old, new).map_err(bad)?;
        let reader = self.fetch_hashes(&need).await?;
        prove_consistency(alg, old, new, &reader).map_err(bad)
    }

    /// The logged leaf of a record: (index, unit id, leaf text).
    pub async fn logged(&self, kind: &str, record_id: i64) -> Result<Option<(u64, Option<i64>, String)>> {
        sqlx::query("select idx, unit_id, leaf from log_leaves where kind = $1 and record_id = $2 order by idx limit 1")
            .bind(kind)
            .bind(record_id)
            .fetch_optional(&self.read)
            .await?
            .map(|r| {
                Ok((
                    u64::try_from(r.try_get::<i64, _>("idx")?).map_err(bad)?,
                    r.try_get("unit_id")?,
                    r.try_get("leaf")?,
                ))
            })
            .transpose()
    }

    /// A record's proof bundle: its leaf, the newest checkpoint covering it (signed now if none does yet) and the
    /// inclusion proof against that checkpoint — everything `zhian verify` needs, offline.
    pub async fn bundle(&self, kind: &str, record_id: i64, key: &SignerKey, now: DateTime<Utc>) -> Result<Bundle> {
        let (index, _, leaf) = self.logged(kind, record_id).await?.ok_or(StoreError::NotFound)?;
        let covering = match self.latest_checkpoint().await? {
            Some((size, note)) if size > index => (size, note),
            _ => {
                self.sign_checkpoint(key, now).await?;
                self.latest_checkpoint()
                    .await?
                    .filter(|(size, _)| *size > index)
                    .ok_or_else(|| bad("无法签发检查点"))?
            }
        };
        let proof = self.inclusion_proof(index, covering.0).await?;
        Ok(Bundle::new(self.log_alg().await?, leaf, index, &proof, covering.1, &key.verifier()))
    }

    /// The leaf a record's row yields now. Logged leaves are built by the same function when the row is written,
    /// so an audit that rebuilds it and finds a difference has found a row changed after it was logged.
    pub async fn leaf_for(&self, kind: &str, record_id: i64) -> Result<Option<String>> {
        let mut conn = self.read.acquire().await?;
        build_leaf(&mut conn, kind, record_id).await
    }

    /// Logs a record inside the caller's transaction, building its leaf from the row as written there.
    /// Logs a record that belongs to no unit (a regulator's spot check), in the caller's transaction.
    pub(crate) async fn log_record_without_unit(
        &self,
        tx: &mut Transaction<'_, Any>,
        kind: &str,
        record_id: i64,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let mut log = Appender::open(tx, now).await?;
        let index = log.record(tx, kind, record_id, None, now).await?;
        log.close(tx, now).await?;
        Ok(index)
    }

    pub(crate) async fn log_record(
        &self,
        tx: &mut Transaction<'_, Any>,
        kind: &str,
        record_id: i64,
        unit_id: i64,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let mut log = Appender::open(tx, now).await?;
        let index = log.record(tx, kind, record_id, Some(unit_id), now).await?;
        log.close(tx, now).await?;
        Ok(index)
    }

    /// Re-verifies the whole database against the log: every leaf against the row it came from, every stored hash
    /// against the leaves, every checkpoint's signature and root, and each checkpoint's consistency with the next.
    pub async fn audit(&self, verifier: &VerifierKey) -> Result<AuditReport> {
        let alg = self.log_alg().await?;
        let mut findings = Vec::new();
        let mut find = |leaf: Option<u64>, message: String| findings.push(AuditFinding { leaf, message });
        let leaves =
            sqlx::query("select idx, kind, record_id, leaf from log_leaves order by idx").fetch_all(&self.read).await?;
        let mut log = MemLog::with_capacity(alg, leaves.len());
        for (expected, r) in (0u64..).zip(&leaves) {
            let index = u64::try_from(r.try_get::<i64, _>("idx")?).map_err(bad)?;
            let (kind, record_id, leaf): (String, i64, String) =
                (r.try_get("kind")?, r.try_get("record_id")?, r.try_get("leaf")?);
            if index != expected {
                find(Some(expected), format!("叶子 {expected} 缺失"));
            }
            log.append(leaf.as_bytes());
            match self.leaf_for(&kind, record_id).await? {
                Some(now) if now == leaf => {}
                Some(_) => find(Some(index), format!("{kind} #{record_id} 的记录在记入日志后被改动")),
                None => find(Some(index), format!("{kind} #{record_id} 的记录已不存在")),
            }
        }
        let stored = sqlx::query("select idx, hash from log_hashes order by idx").fetch_all(&self.read).await?;
        let expected = log.stored_hashes();
        if stored.len() != expected.len() {
            find(None, format!("存储哈希数为 {}，按叶子应为 {}", stored.len(), expected.len()));
        }
        for (r, want) in stored.iter().zip(expected) {
            let bytes: Vec<u8> = r.try_get("hash")?;
            if Hash::from_slice(&bytes).as_ref() != Some(want) {
                find(None, format!("存储哈希 {} 与叶子不符", r.try_get::<i64, _>("idx")?));
            }
        }
        let (size, root) = self.log_head().await?;
        if size != log.size() || root != log.root() {
            find(None, "日志状态（树大小、根哈希）与叶子不符".into());
        }
        let checkpoints = self.checkpoints().await?;
        let mut previous: Option<(u64, Hash)> = None;
        for (size, note) in &checkpoints {
            let (cp, _) = match Checkpoint::open(note, std::slice::from_ref(verifier)) {
                Ok(opened) => opened,
                Err(e) => {
                    find(None, format!("大小 {size} 的检查点校验失败：{e}"));
                    continue;
                }
            };
            if cp.size != *size || log.root_at(cp.size).ok() != Some(cp.root) {
                find(None, format!("大小 {size} 的检查点与日志不符"));
            }
            if let Some((old, old_root)) = previous {
                let proof = self.consistency_proof(old, cp.size).await?;
                if verify_consistency(alg, old, cp.size, &old_root, &cp.root, &proof).is_err() {
                    find(None, format!("检查点 {old} → {} 不一致", cp.size));
                }
            }
            previous = Some((cp.size, cp.root));
        }
        if let Some((size, root)) = previous {
            for r in &leaves {
                let index = u64::try_from(r.try_get::<i64, _>("idx")?).map_err(bad)?;
                if index < size && index % 997 == 0 {
                    let leaf: String = r.try_get("leaf")?;
                    let proof = self.inclusion_proof(index, size).await?;
                    if verify_inclusion(alg, &alg.leaf_hash(leaf.as_bytes()), index, size, &proof, &root).is_err() {
                        find(Some(index), format!("叶子 {index} 的包含证明不成立"));
                    }
                }
            }
        }
        Ok(AuditReport {
            leaves: log.size(),
            checkpoints: u64::try_from(checkpoints.len()).unwrap_or(u64::MAX),
            findings,
        })
    }
}
