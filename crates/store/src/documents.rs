//! Verification codes: the short code a document prints, naming the logged records it shows, and what the public
//! page says of each — on the log or not, since when, whether its row still matches, whether it was amended.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::ledger::kind;
use crate::{Result, Store, StoreError, instant, micros};

/// Crockford's base-32 alphabet: no I, L, O or U, so a code read aloud or typed from paper is not misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The code for a document of `kind` of a unit and period showing the records at `leaves`: ten characters (50 bits
/// of a SHA-256 of what it names) in two groups, e.g. `K7QM2-X9D4R`.
#[must_use]
pub fn document_code(unit_id: i64, kind: &str, period: &str, leaves: &[u64]) -> String {
    let named: Vec<String> = leaves.iter().map(u64::to_string).collect();
    let digest = Sha256::digest(format!("zhian-document\n{unit_id}\n{kind}\n{period}\n{}", named.join(",")));
    let mut bits = u64::from_be_bytes(digest[..8].try_into().unwrap_or_default()) >> 14;
    let mut chars = [0_u8; 10];
    for c in chars.iter_mut().rev() {
        *c = ALPHABET[usize::try_from(bits & 31).unwrap_or(0)];
        bits >>= 5;
    }
    let text = String::from_utf8_lossy(&chars).into_owned();
    format!("{}-{}", &text[..5], &text[5..])
}

/// A code as typed: upper case, the letters Crockford reads as digits mapped, the dash optional.
#[must_use]
pub fn normalize_code(typed: &str) -> Option<String> {
    let chars: Vec<u8> = typed
        .trim()
        .bytes()
        .filter(|b| *b != b'-' && *b != b' ')
        .map(|b| match b.to_ascii_uppercase() {
            b'O' => b'0',
            b'I' | b'L' => b'1',
            other => other,
        })
        .collect();
    if chars.len() != 10 || !chars.iter().all(|c| ALPHABET.contains(c)) {
        return None;
    }
    let text = String::from_utf8_lossy(&chars).into_owned();
    Some(format!("{}-{}", &text[..5], &text[5..]))
}

/// What the public page says of a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The code.
    pub code: String,
    /// The unit's name and credit code (business facts, public on its licence; no person is named).
    pub unit: String,
    /// The unit's credit code.
    pub credit_code: String,
    /// The document's kind and title.
    pub kind: String,
    /// The title printed.
    pub title: String,
    /// The period printed.
    pub period: String,
    /// When the code was first issued.
    pub issued_at: DateTime<Utc>,
    /// Each record the document shows.
    pub records: Vec<VerifiedRecord>,
    /// The newest signed checkpoint's size, if any.
    pub checkpoint_size: Option<u64>,
}

/// One record a verified document shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRecord {
    /// Its index in the log.
    pub leaf_index: u64,
    /// What the log holds there: kind and logged time; `None` when the index is not on the log.
    pub logged: Option<(String, DateTime<Utc>)>,
    /// The leaf hash the log holds, hex.
    pub leaf_hash: Option<String>,
    /// Whether the record's row still yields its logged leaf.
    pub row_matches: bool,
    /// The records that amend it (a correction keeps the original).
    pub amended_by: Vec<i64>,
}

impl Store {
    /// Issues (or finds) the code of a document, recording what it names.
    pub async fn issue_document_code(
        &self,
        unit_id: i64,
        kind: &str,
        title: &str,
        period: &str,
        leaves: &[u64],
        now: DateTime<Utc>,
    ) -> Result<String> {
        let code = document_code(unit_id, kind, period, leaves);
        let named = serde_json::to_string(leaves).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "insert into document_codes (code, unit_id, kind, title, period, leaves, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7) on conflict (code) do nothing",
        )
        .bind(&code)
        .bind(unit_id)
        .bind(kind)
        .bind(title)
        .bind(period)
        .bind(named)
        .bind(micros(now))
        .execute(&self.write)
        .await?;
        Ok(code)
    }

    /// The leaf hashes at `leaves`, hex, in order; an index not on the log is an error.
    pub async fn leaf_hashes(&self, leaves: &[u64]) -> Result<Vec<String>> {
        let alg = self.log_alg().await?;
        let mut out = Vec::with_capacity(leaves.len());
        for &index in leaves {
            let (_, _, leaf) = self.logged_at(index).await?.ok_or(StoreError::NotFound)?;
            out.push(alg.leaf_hash(leaf.as_bytes()).to_hex());
        }
        Ok(out)
    }

    /// What the public page says of a code; `None` for a code never issued.
    pub async fn verification(&self, code: &str) -> Result<Option<Verification>> {
        let Some(row) = sqlx::query(
            "select d.code, d.kind, d.title, d.period, d.leaves, d.created_at, u.name, u.credit_code \
             from document_codes d join units u on u.id = d.unit_id where d.code = $1",
        )
        .bind(code)
        .fetch_optional(&self.read)
        .await?
        else {
            return Ok(None);
        };
        let leaves: Vec<u64> = serde_json::from_str(&row.try_get::<String, _>("leaves")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let alg = self.log_alg().await?;
        let mut records = Vec::with_capacity(leaves.len());
        for index in leaves {
            let logged = sqlx::query("select kind, record_id, leaf, created_at from log_leaves where idx = $1")
                .bind(i64::try_from(index).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                .fetch_optional(&self.read)
                .await?;
            let Some(row) = logged else {
                records.push(VerifiedRecord {
                    leaf_index: index,
                    logged: None,
                    leaf_hash: None,
                    row_matches: false,
                    amended_by: Vec::new(),
                });
                continue;
            };
            let (leaf_kind, record_id, leaf, logged_at): (String, i64, String, i64) =
                (row.try_get("kind")?, row.try_get("record_id")?, row.try_get("leaf")?, row.try_get("created_at")?);
            let row_matches = self.leaf_for(&leaf_kind, record_id).await?.as_deref() == Some(leaf.as_str());
            let amended_by = self.amended_by(&leaf_kind, record_id).await?;
            records.push(VerifiedRecord {
                leaf_index: index,
                logged: Some((leaf_kind, instant(logged_at))),
                leaf_hash: Some(alg.leaf_hash(leaf.as_bytes()).to_hex()),
                row_matches,
                amended_by,
            });
        }
        Ok(Some(Verification {
            code: row.try_get("code")?,
            unit: row.try_get("name")?,
            credit_code: row.try_get("credit_code")?,
            kind: row.try_get("kind")?,
            title: row.try_get("title")?,
            period: row.try_get("period")?,
            issued_at: instant(row.try_get("created_at")?),
            records,
            checkpoint_size: self.latest_checkpoint().await?.map(|(size, _)| size),
        }))
    }

    /// The records that amend a record of `kind`, oldest first.
    pub async fn amended_by(&self, of_kind: &str, record_id: i64) -> Result<Vec<i64>> {
        let table = match of_kind {
            kind::DAILY_CHECK => "daily_checks",
            kind::WEEKLY_REVIEW => "weekly_reviews",
            kind::MONTHLY_MEETING => "monthly_meetings",
            _ => return Ok(Vec::new()),
        };
        sqlx::query(sqlx::AssertSqlSafe(format!("select id from {table} where amends = $1 order by id")))
            .bind(record_id)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| Ok(r.try_get("id")?))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_readable_and_typed_back() {
        let code = document_code(7, "daily", "2026-11-27", &[3, 9]);
        assert_eq!(code, document_code(7, "daily", "2026-11-27", &[3, 9]));
        assert_ne!(code, document_code(7, "daily", "2026-11-27", &[3, 10]));
        assert_ne!(code, document_code(8, "daily", "2026-11-27", &[3, 9]));
        assert_eq!(code.len(), 11);
        assert_eq!(code.as_bytes()[5], b'-');
        assert!(code.bytes().filter(|b| *b != b'-').all(|b| ALPHABET.contains(&b)));
        assert_eq!(normalize_code(&code.to_lowercase().replace('-', "")), Some(code.clone()));
        assert_eq!(normalize_code("o1l1i-00000"), Some("01111-00000".to_owned()));
        assert_eq!(normalize_code("K7QM2-X9D4"), None);
        assert_eq!(normalize_code("K7QM2-X9D4U"), None);
    }
}

/// An archive recorded on the log: its id, its leaf and what the leaf's content says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveRecord {
    /// The archive's id.
    pub id: i64,
    /// Its leaf index.
    pub leaf_index: u64,
    /// The leaf's content, as the archive carries it in `archive.json`.
    pub content: String,
}

impl Store {
    /// Records and logs an archive of a unit's `from..=to`, naming its manifest's SHA-256 (hex).
    pub async fn record_archive(
        &self,
        unit_id: i64,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        manifest_sha256: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<ArchiveRecord> {
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query(
            "insert into archives (unit_id, from_date, to_date, manifest_sha256, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(unit_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(manifest_sha256)
        .bind(by)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let leaf_index = self.log_record(&mut tx, kind::ARCHIVE, id, unit_id, now).await?;
        tx.commit().await?;
        let content =
            crate::ledger::archive_content(&id.to_string(), &from.to_string(), &to.to_string(), manifest_sha256);
        Ok(ArchiveRecord { id, leaf_index, content })
    }
}
