//! Reminders and their delivery: a thing that became due or overdue is raised once per unit under its key, told
//! in-app to the holders of a post, and queued for each of the unit's webhooks; the queue is worked with retries
//! until each delivery succeeds once or is given up.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, Store, StoreError, instant, micros, touched};

/// A unit's webhook as listed: its address without the key it carries, whether it signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookInfo {
    /// Id.
    pub id: i64,
    /// `wecom`, `dingtalk` or `generic`.
    pub kind: String,
    /// The address without its query.
    pub url_shown: String,
    /// A signing secret is set.
    pub signed: bool,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

/// A webhook opened for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Id.
    pub id: i64,
    /// `wecom`, `dingtalk` or `generic`.
    pub kind: String,
    /// Where to send.
    pub url: String,
    /// The signing secret (DingTalk's "加签", or the generic receiver's HMAC key); empty for none.
    pub secret: String,
}

/// An address as shown: without its query, where robots carry their key.
#[must_use]
pub fn shown(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_owned(),
    }
}

/// A delivery waiting to be sent, with what to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDelivery {
    /// Id.
    pub id: i64,
    /// Attempts so far.
    pub attempts: u32,
    /// The webhook.
    pub webhook: Webhook,
    /// The reminder's key, message and link, when it was raised, and its unit's name and credit code.
    pub event_key: String,
    /// What it says.
    pub message: String,
    /// Where to look.
    pub link: String,
    /// When it was raised.
    pub raised_at: DateTime<Utc>,
    /// The unit's id.
    pub unit_id: i64,
    /// The unit's name.
    pub unit_name: String,
    /// The unit's credit code.
    pub credit_code: String,
}

/// A delivery as listed for a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryStatus {
    /// The message.
    pub message: String,
    /// The webhook's kind.
    pub kind: String,
    /// Attempts made.
    pub attempts: u32,
    /// When it was delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When it was given up.
    pub failed_at: Option<DateTime<Utc>>,
    /// The last error.
    pub last_error: String,
}

fn webhook_row(r: &AnyRow) -> Result<WebhookInfo> {
    Ok(WebhookInfo {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        url_shown: r.try_get("url_shown")?,
        signed: r.try_get::<i64, _>("signed")? != 0,
        created_at: instant(r.try_get("created_at")?),
    })
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Store {
    /// Adds a webhook to a unit.
    pub async fn add_webhook(
        &self,
        unit_id: i64,
        kind: &str,
        url: &str,
        secret: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        // A line break cannot be part of an address, so it separates the two.
        let sealed = self.sealer.seal(&format!("{url}\n{secret}"))?;
        Ok(sqlx::query(
            "insert into webhooks (unit_id, kind, url_shown, signed, sealed, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(unit_id)
        .bind(kind)
        .bind(shown(url))
        .bind(i64::from(!secret.is_empty()))
        .bind(sealed)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&self.write)
        .await?
        .try_get("id")?)
    }

    /// Removes a unit's webhook: nothing more is sent to it.
    pub async fn remove_webhook(&self, unit_id: i64, id: i64, now: DateTime<Utc>) -> Result<()> {
        let done =
            sqlx::query("update webhooks set removed_at = $1 where unit_id = $2 and id = $3 and removed_at is null")
                .bind(micros(now))
                .bind(unit_id)
                .bind(id)
                .execute(&self.write)
                .await?;
        touched(&done)
    }

    /// A unit's webhooks in use.
    pub async fn webhooks(&self, unit_id: i64) -> Result<Vec<WebhookInfo>> {
        sqlx::query(
            "select id, kind, url_shown, signed, created_at from webhooks where unit_id = $1 and removed_at is null \
             order by id",
        )
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(webhook_row)
        .collect()
    }

    /// Raises a reminder unless the unit has it already: tells the holders of `post` in-app (the principal when
    /// nobody holds it) and queues it for each of the unit's webhooks, in one transaction. Returns whether it was new.
    pub async fn raise_reminder(
        &self,
        unit_id: i64,
        event_key: &str,
        message: &str,
        link: &str,
        post: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let inserted = sqlx::query(
            "insert into reminders (unit_id, event_key, message, link, created_at) values ($1, $2, $3, $4, $5) \
             on conflict (unit_id, event_key) do nothing returning id",
        )
        .bind(unit_id)
        .bind(event_key)
        .bind(message)
        .bind(link)
        .bind(micros(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = inserted else { return Ok(false) };
        let id: i64 = row.try_get("id")?;
        crate::checks::notify_post_or_principal(&mut tx, unit_id, post, message, link, now).await?;
        sqlx::query(
            "insert into deliveries (reminder_id, webhook_id, next_attempt_at, created_at) \
             select $1, id, $2, $2 from webhooks where unit_id = $3 and removed_at is null",
        )
        .bind(id)
        .bind(micros(now))
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Claims up to `limit` deliveries due by `now` for `lease`: each is moved to `now + lease`, so another worker
    /// (another process on the same database) does not take it meanwhile.
    pub async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: i64,
    ) -> Result<Vec<PendingDelivery>> {
        let rows = sqlx::query(
            "select d.id, d.attempts, d.next_attempt_at, w.id as webhook_id, w.kind, w.sealed, r.event_key, r.message, r.link, r.created_at as raised_at, \
             u.id as unit_id, u.name as unit_name, u.credit_code from deliveries d \
             join webhooks w on w.id = d.webhook_id join reminders r on r.id = d.reminder_id \
             join units u on u.id = r.unit_id \
             where d.delivered_at is null and d.failed_at is null and d.next_attempt_at <= $1 and w.removed_at is null \
             order by d.next_attempt_at, d.id limit $2",
        )
        .bind(micros(now))
        .bind(limit)
        .fetch_all(&self.write)
        .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let taken =
                sqlx::query("update deliveries set next_attempt_at = $1 where id = $2 and next_attempt_at = $3")
                    .bind(micros(now + lease))
                    .bind(id)
                    .bind(r.try_get::<i64, _>("next_attempt_at")?)
                    .execute(&self.write)
                    .await?;
            if taken.rows_affected() == 0 {
                continue;
            }
            let opened = self.sealer.open(&r.try_get::<Vec<u8>, _>("sealed")?)?;
            let (url, secret) = opened.split_once('\n').unwrap_or((opened.as_str(), ""));
            claimed.push(PendingDelivery {
                id,
                attempts: count(r.try_get("attempts")?),
                webhook: Webhook {
                    id: r.try_get("webhook_id")?,
                    kind: r.try_get("kind")?,
                    url: url.to_owned(),
                    secret: secret.to_owned(),
                },
                event_key: r.try_get("event_key")?,
                message: r.try_get("message")?,
                link: r.try_get("link")?,
                raised_at: instant(r.try_get("raised_at")?),
                unit_id: r.try_get("unit_id")?,
                unit_name: r.try_get("unit_name")?,
                credit_code: r.try_get("credit_code")?,
            });
        }
        Ok(claimed)
    }

    /// Records a delivery's outcome: delivered (never sent again), or failed with the next attempt at `retry_at`
    /// (`None`: given up).
    pub async fn delivery_outcome(
        &self,
        id: i64,
        outcome: std::result::Result<(), (String, Option<DateTime<Utc>>)>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let done = match outcome {
            Ok(()) => {
                sqlx::query(
                    "update deliveries set delivered_at = $1, attempts = attempts + 1, last_error = '' \
                     where id = $2 and delivered_at is null",
                )
                .bind(micros(now))
                .bind(id)
                .execute(&self.write)
                .await?
            }
            Err((error, retry_at)) => sqlx::query(
                "update deliveries set attempts = attempts + 1, last_error = $1, next_attempt_at = $2, failed_at = $3 \
                     where id = $4 and delivered_at is null",
            )
            .bind(error.chars().take(500).collect::<String>())
            .bind(micros(retry_at.unwrap_or(now)))
            .bind(retry_at.is_none().then(|| micros(now)))
            .bind(id)
            .execute(&self.write)
            .await?,
        };
        touched(&done).map_err(|_| StoreError::NotFound)
    }

    /// A unit's latest deliveries, newest first.
    pub async fn deliveries(&self, unit_id: i64, limit: i64) -> Result<Vec<DeliveryStatus>> {
        sqlx::query(
            "select r.message, w.kind, d.attempts, d.delivered_at, d.failed_at, d.last_error from deliveries d \
             join reminders r on r.id = d.reminder_id join webhooks w on w.id = d.webhook_id \
             where r.unit_id = $1 order by d.id desc limit $2",
        )
        .bind(unit_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok(DeliveryStatus {
                message: r.try_get("message")?,
                kind: r.try_get("kind")?,
                attempts: count(r.try_get("attempts")?),
                delivered_at: r.try_get::<Option<i64>, _>("delivered_at")?.map(instant),
                failed_at: r.try_get::<Option<i64>, _>("failed_at")?.map(instant),
                last_error: r.try_get("last_error")?,
            })
        })
        .collect()
    }

    /// Every unit's id, for the reminder scan.
    pub async fn unit_ids(&self) -> Result<Vec<i64>> {
        sqlx::query("select id from units order by id")
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| Ok(r.try_get("id")?))
            .collect()
    }
}
