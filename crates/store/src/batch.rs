//! Group commit for daily checks, the write that comes in bulk.
//!
//! A single writer task takes every daily check waiting in its queue (up to [`MAX_BATCH`]) and writes them in one
//! transaction — the checks, their items, the hazards they open and their log leaves, each kind with a few
//! multi-row statements — committed with one durable sync; only then is each submitter answered. A check refused by
//! its rule (a second check for a period) is decided before anything is written and the others go on. If the
//! database refuses the batch, its checks are written one by one, so only the bad one fails; a failed commit saves
//! none of them and says so to each.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::{AnyPool, Row};
use tokio::sync::{mpsc, oneshot};
use zhian_domain::duty::{CheckResult, DailyCheckForm, DailyCheckInfo, check_timing};
use zhian_domain::forms::FieldErrors;

use crate::checks::SubmittedCheck;
use crate::ledger::{Appender, CheckLeaf, Col, Params, fetch_json, json, kind, leaf_text, padded};
use crate::photos::{NewPhoto, insert_photo};
use crate::{Result, StoreError, micros};

/// The most checks one commit carries.
pub const MAX_BATCH: usize = 512;

/// Submissions queued beyond this make submitters wait: back-pressure instead of unbounded memory.
const QUEUE: usize = 4096;

/// One daily check waiting to be written, as typed.
pub(crate) struct CheckJob {
    pub unit_id: i64,
    pub form: DailyCheckForm,
    /// Photos sent with the check, saved with it (and only if it is saved).
    pub photos: Vec<NewPhoto>,
    pub by: i64,
    pub now: DateTime<Utc>,
    pub reply: oneshot::Sender<Result<SubmittedCheck>>,
}

/// A job whose form was read against its unit: the check, the unit's risk-list version and credit code.
struct Checked<'a> {
    job: &'a CheckJob,
    info: DailyCheckInfo,
    /// Each item's photo names, joined by commas.
    photos: Vec<String>,
    risk_list_version: Option<i64>,
    credit_code: String,
}

/// Starts the writer over the write pool; it stops when every sender is gone. It runs on its own thread, so the
/// requests it answers cannot delay its own steps: under load the server's workers are busy, and a writer sharing them
/// would wait behind every ready request between two statements.
pub(crate) fn spawn_writer(pool: AnyPool) -> mpsc::Sender<CheckJob> {
    let (tx, mut rx) = mpsc::channel::<CheckJob>(QUEUE);
    let run = async move {
        let mut jobs = Vec::with_capacity(MAX_BATCH);
        while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
            write_batch(&pool, std::mem::take(&mut jobs)).await;
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    match runtime {
        Ok(runtime) => {
            let spawned = std::thread::Builder::new().name("zhian-writer".into()).spawn(move || runtime.block_on(run));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "no writer thread; daily checks cannot be saved");
            }
        }
        Err(e) => tracing::error!(error = %e, "no writer runtime; daily checks cannot be saved"),
    }
    tx
}

async fn write_batch(pool: &AnyPool, batch: Vec<CheckJob>) {
    let started = std::time::Instant::now();
    let result = try_batch(pool, &batch).await;
    tracing::debug!(checks = batch.len(), micros = started.elapsed().as_micros(), "group commit");
    match result {
        Ok(outcomes) => {
            for (job, outcome) in batch.into_iter().zip(outcomes) {
                // A submitter that stopped waiting has nothing to hear; its check is saved all the same.
                let _ = job.reply.send(outcome);
            }
        }
        // One check the database refused spoils its batch: write each on its own, so only that one fails.
        Err(e) if batch.len() > 1 => {
            tracing::warn!(error = %e, checks = batch.len(), "group commit failed; writing its checks one by one");
            for job in batch {
                let outcome = match try_batch(pool, std::slice::from_ref(&job)).await {
                    Ok(mut one) => one.pop().unwrap_or(Err(StoreError::NotFound)),
                    Err(e) => Err(e),
                };
                let _ = job.reply.send(outcome);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "daily check not saved");
            for job in batch {
                let _ = job.reply.send(Err(StoreError::Corrupt(format!("提交失败，未保存：{e}"))));
            }
        }
    }
}

/// What becomes of a job in its batch.
enum Verdict<'a> {
    /// Written.
    Accept(Checked<'a>),
    /// Refused: wrong input, or a rule.
    Invalid(StoreError),
    /// Refused: an earlier job of the batch (by position) took its period.
    Taken(usize, String),
}

/// Writes a batch in one transaction with a handful of multi-row statements, whatever its size: the rule is
/// decided for every check from one read, then the checks, their items and their leaves are inserted together.
/// `Err` when the transaction failed (nothing was saved); otherwise one outcome per job, in order.
async fn try_batch(pool: &AnyPool, batch: &[CheckJob]) -> Result<Vec<Result<SubmittedCheck>>> {
    let now = batch.iter().map(|j| j.now).max().unwrap_or_default();
    let mut tx = pool.begin().await?;
    let mut log = Appender::open(&mut tx, now).await?;
    let params = Params::of(&tx);

    // Each form read against its unit's cadence, as of when it was submitted; the photos it names must be the
    // unit's, or come with it.
    let units = unit_facts(&mut tx, &padded(&dedup(batch.iter().map(|j| j.unit_id)))).await?;
    let known = known_photos(&mut tx, batch).await?;
    let checked: Vec<Result<Checked<'_>>> = batch
        .iter()
        .map(|job| {
            let (cadence, risk_list_version, credit_code) = units.get(&job.unit_id).ok_or(StoreError::NotFound)?;
            let info = job.form.check(*cadence).map_err(StoreError::Invalid)?;
            check_timing(&info.period, &info.period.window(), job.now).map_err(|e| {
                let mut f = FieldErrors::default();
                f.add("period", e.to_string());
                StoreError::Invalid(f)
            })?;
            let mut missing = FieldErrors::default();
            for (i, item) in info.items.iter().enumerate() {
                let absent = item.photos.iter().filter(|p| {
                    !known.contains(&(job.unit_id, (*p).clone())) && !job.photos.iter().any(|n| &n.sha256 == *p)
                });
                if absent.count() > 0 {
                    missing.add(
                        &format!("items/{i}/photos"),
                        format!("第 {} 项：照片未上传或不属于本单位，请重新上传", i + 1),
                    );
                }
            }
            if !missing.is_empty() {
                return Err(StoreError::Invalid(missing));
            }
            let photos = info.items.iter().map(|i| i.photos.join(",")).collect();
            Ok(Checked { job, info, photos, risk_list_version: *risk_list_version, credit_code: credit_code.clone() })
        })
        .collect();

    // The period rule: the records each (unit, period) already has, then the batch in order.
    let asked =
        dedup(checked.iter().filter_map(|c| c.as_ref().ok()).map(|c| (c.job.unit_id, c.info.period.to_string())));
    let mut existing: HashMap<(i64, String), Vec<i64>> = HashMap::new();
    if !asked.is_empty() {
        // One index probe per pair asked, whatever the mix of units and periods.
        let pairs = if params.sqlite() {
            "json_each(?) j cross join daily_checks c on c.unit_id = (j.value ->> 0) and c.period = (j.value ->> 1)"
        } else {
            "json_array_elements($1::json) as j(e) join daily_checks c on c.unit_id = (j.e ->> 0)::bigint \
             and c.period = j.e ->> 1"
        };
        let sql = params.select_json(
            "id, unit_id, period",
            &format!("from (select c.id, c.unit_id, c.period from {pairs} order by c.id) c"),
        );
        let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(json(&asked)?);
        for (id, unit, period) in fetch_json::<(i64, i64, String)>(&mut tx, query).await? {
            existing.entry((unit, period)).or_default().push(id);
        }
    }
    let mut taken: HashMap<(i64, String), usize> = HashMap::new();
    let mut verdicts: Vec<Verdict> = Vec::with_capacity(batch.len());
    for (i, c) in checked.into_iter().enumerate() {
        let c = match c {
            Ok(c) => c,
            Err(e) => {
                verdicts.push(Verdict::Invalid(e));
                continue;
            }
        };
        let key = (c.job.unit_id, c.info.period.to_string());
        let ids = existing.get(&key).map_or(&[][..], Vec::as_slice);
        verdicts.push(match crate::checks::period_rule(&key.1, ids, c.info.amends, "检查记录") {
            Err(why) => Verdict::Invalid(StoreError::Refused(why)),
            Ok(()) if ids.is_empty() => match taken.get(&key) {
                Some(&earlier) => Verdict::Taken(earlier, key.1),
                None => {
                    taken.insert(key, i);
                    Verdict::Accept(c)
                }
            },
            Ok(()) => Verdict::Accept(c),
        });
    }
    let accepted: Vec<&Checked<'_>> =
        verdicts.iter().filter_map(|v| if let Verdict::Accept(c) = v { Some(c) } else { None }).collect();
    let mut ids: Vec<i64> = Vec::with_capacity(accepted.len());
    if !accepted.is_empty() {
        for c in &accepted {
            for photo in &c.job.photos {
                insert_photo(&mut tx, c.job.unit_id, photo, c.job.by, c.job.now).await?;
            }
        }
        ids = insert_checks(&mut tx, &accepted).await?;
        let first: Vec<_> = accepted
            .iter()
            .filter(|c| c.info.amends.is_none())
            .map(|c| (c.job.unit_id, zhian_domain::Tier::Daily, c.info.period.to_string(), c.job.now))
            .collect();
        crate::tallies::add_first_records(&mut tx, &first, now).await?;
    }

    // Hazards for non-conformities, then the leaves, in the order the checks were written.
    let usernames = usernames(&mut tx, &padded(&dedup(accepted.iter().map(|c| c.job.by)))).await?;
    let mut hazards: Vec<Vec<i64>> = Vec::with_capacity(accepted.len());
    let mut leaves = Vec::with_capacity(accepted.len());
    for (c, &id) in accepted.iter().zip(&ids) {
        let (job, info) = (c.job, &c.info);
        let mut opened = Vec::new();
        for item in info.items.iter().filter(|i| i.result == CheckResult::Nonconforming) {
            opened.push(
                crate::checks::open_hazard(
                    &mut tx,
                    job.unit_id,
                    Some(id),
                    None,
                    &item.item,
                    &item.note,
                    job.by,
                    job.now,
                )
                .await?,
            );
        }
        hazards.push(opened);
        let leaf = CheckLeaf {
            id,
            amends: info.amends,
            note: &info.note,
            risk_list_version: c.risk_list_version,
            zero_risk: info.zero_risk(),
            items: info
                .items
                .iter()
                .zip(&c.photos)
                .map(|(i, photos)| [i.risk_point.as_str(), i.item.as_str(), i.result.code(), i.note.as_str(), photos])
                .collect(),
        };
        let text = leaf_text(
            kind::DAILY_CHECK,
            &leaf.content(),
            Some(info.period.to_string()),
            job.now,
            usernames.get(&job.by).cloned().ok_or(StoreError::NotFound)?,
            c.credit_code.clone(),
        )?;
        leaves.push((kind::DAILY_CHECK, id, Some(job.unit_id), text));
    }
    log.append_all(&mut tx, &leaves, now).await?;
    log.close(&mut tx, now).await?;
    tx.commit().await?;

    // The outcomes, in the batch's order.
    let mut written = ids.into_iter().zip(hazards);
    let mut by_position: Vec<Option<i64>> = vec![None; batch.len()];
    let mut outcomes = Vec::with_capacity(batch.len());
    for (i, verdict) in verdicts.into_iter().enumerate() {
        outcomes.push(match verdict {
            Verdict::Accept(c) => {
                let (id, hazards) = written.next().ok_or(StoreError::NotFound)?;
                if let Some(slot) = by_position.get_mut(i) {
                    *slot = Some(id);
                }
                Ok(SubmittedCheck { id, hazards, info: c.info, risk_list_version: c.risk_list_version })
            }
            Verdict::Invalid(e) => Err(e),
            Verdict::Taken(earlier, period) => {
                let first: Vec<i64> = by_position.get(earlier).copied().flatten().into_iter().collect();
                let why = crate::checks::period_rule(&period, &first, None, "检查记录");
                Err(StoreError::Refused(why.err().unwrap_or_default()))
            }
        });
    }
    Ok(outcomes)
}

/// Each unit's daily cadence, current risk-list version and credit code.
async fn unit_facts(
    conn: &mut sqlx::AnyConnection,
    units: &[i64],
) -> Result<HashMap<i64, (zhian_domain::Cadence, Option<i64>, String)>> {
    let params = Params::of(conn);
    let sql = params.select_json(
        "u.id, u.daily_cadence, u.credit_code, (select max(r.version) from risk_lists r where r.unit_id = u.id)",
        &format!("from units u where u.id in ({})", params.list(1, units.len())),
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for u in units {
        query = query.bind(*u);
    }
    let mut facts = HashMap::new();
    for (id, spec, credit_code, risk_version) in fetch_json::<(i64, String, String, Option<i64>)>(conn, query).await? {
        let cadence = spec.parse().map_err(|_| StoreError::Corrupt(spec))?;
        facts.insert(id, (cadence, risk_version, credit_code));
    }
    Ok(facts)
}

fn dedup<T: Ord>(values: impl Iterator<Item = T>) -> Vec<T> {
    let mut v: Vec<T> = values.collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Inserts the checks, each with its items as one JSON array, with one statement; returns their ids in the order
/// given. On SQLite the writer, alone in its transaction, numbers them itself after the largest id, so nothing comes
/// back row by row; PostgreSQL's identity sequence hands ids out in the order the rows are inserted, so the ids it
/// returns, sorted, follow them.
async fn insert_checks(conn: &mut sqlx::AnyConnection, checks: &[&Checked<'_>]) -> Result<Vec<i64>> {
    use Col::{Int, Text};
    let params = Params::of(conn);
    let first = if params.sqlite() {
        let max: i64 =
            sqlx::query("select coalesce(max(id), 0) from daily_checks").fetch_one(&mut *conn).await?.try_get(0)?;
        Some(max + 1)
    } else {
        None
    };
    let rows: Vec<_> = checks
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let info = &c.info;
            let items: Vec<[&str; 5]> = info
                .items
                .iter()
                .zip(&c.photos)
                .map(|(i, photos)| [i.risk_point.as_str(), i.item.as_str(), i.result.code(), i.note.as_str(), photos])
                .collect();
            Ok((
                first.map(|f| f + i64::try_from(n).unwrap_or(i64::MAX)),
                c.job.unit_id,
                info.period.to_string(),
                i64::from(info.zero_risk()),
                &info.note,
                c.risk_list_version,
                info.amends,
                c.job.by,
                micros(c.job.now),
                json(&items)?,
            ))
        })
        .collect::<Result<_>>()?;
    let mut columns = vec![
        ("id", Int),
        ("unit_id", Int),
        ("period", Text),
        ("zero_risk", Int),
        ("note", Text),
        ("risk_list_version", Int),
        ("amends", Int),
        ("created_by", Int),
        ("created_at", Int),
        ("items", Text),
    ];
    let query = |sql: String| sqlx::query(sqlx::AssertSqlSafe(sql));
    let mut ids: Vec<i64> = if let Some(first) = first {
        let written =
            query(params.insert_json("daily_checks", &columns)).bind(json(&rows)?).execute(&mut *conn).await?;
        (first..).take(usize::try_from(written.rows_affected()).unwrap_or(0)).collect()
    } else {
        columns.remove(0);
        let rows: Vec<_> = rows.iter().map(|r| (r.1, &r.2, r.3, r.4, r.5, r.6, r.7, r.8, &r.9)).collect();
        query(params.insert_json("daily_checks", &columns) + " returning id")
            .bind(json(&rows)?)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?
    };
    if ids.len() != checks.len() {
        return Err(StoreError::Corrupt("批量写入的记录数不符".into()));
    }
    ids.sort_unstable();
    Ok(ids)
}

/// Which of the photos the batch's checks name their units already have: (unit, name).
async fn known_photos(conn: &mut sqlx::AnyConnection, batch: &[CheckJob]) -> Result<HashSet<(i64, String)>> {
    let named: Vec<(i64, &String)> = batch
        .iter()
        .flat_map(|j| j.form.items.iter().flat_map(move |i| i.photos.iter().map(move |p| (j.unit_id, p))))
        .collect();
    let mut known = HashSet::new();
    if named.is_empty() {
        return Ok(known);
    }
    let units = padded(&dedup(named.iter().map(|(u, _)| *u)));
    let names = padded(&dedup(named.iter().map(|(_, p)| (*p).clone())));
    let params = Params::of(conn);
    let sql = params.select_json(
        "unit_id, sha256",
        &format!(
            "from photos where unit_id in ({}) and sha256 in ({})",
            params.list(1, units.len()),
            params.list(units.len() + 1, names.len())
        ),
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for u in &units {
        query = query.bind(*u);
    }
    for n in &names {
        query = query.bind(n);
    }
    known.extend(fetch_json::<(i64, String)>(conn, query).await?);
    Ok(known)
}

/// The usernames of the checks' authors, as their leaves name them.
async fn usernames(conn: &mut sqlx::AnyConnection, users: &[i64]) -> Result<HashMap<i64, String>> {
    let mut names = HashMap::new();
    if users.is_empty() {
        return Ok(names);
    }
    let params = Params::of(conn);
    let sql = params.select_json("id, username", &format!("from users where id in ({})", params.list(1, users.len())));
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in users {
        query = query.bind(*id);
    }
    names.extend(fetch_json::<(i64, String)>(conn, query).await?);
    Ok(names)
}
