//! Photos, stored once per unit under the SHA-256 of their bytes.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{Result, Store, micros};

/// A photo on its way in: its name (SHA-256, hex), media type and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPhoto {
    /// The SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl NewPhoto {
    /// A photo of an accepted type (the caller has checked it), named by its content.
    #[must_use]
    pub fn new(content_type: &str, bytes: Vec<u8>) -> Self {
        let sha256: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        Self { sha256, content_type: content_type.to_owned(), bytes }
    }
}

/// Stores a photo for a unit unless it has it already, inside the caller's transaction.
pub(crate) async fn insert_photo(
    conn: &mut sqlx::AnyConnection,
    unit_id: i64,
    photo: &NewPhoto,
    by: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "insert into photos (unit_id, sha256, content_type, size, bytes, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7) on conflict (unit_id, sha256) do nothing",
    )
    .bind(unit_id)
    .bind(&photo.sha256)
    .bind(&photo.content_type)
    .bind(i64::try_from(photo.bytes.len()).unwrap_or(i64::MAX))
    .bind(photo.bytes.clone())
    .bind(by)
    .bind(micros(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Stores a photo for a unit (once: the same bytes again are the same photo); returns its name.
    pub async fn store_photo(&self, unit_id: i64, photo: &NewPhoto, by: i64, now: DateTime<Utc>) -> Result<String> {
        let mut conn = self.write.acquire().await?;
        insert_photo(&mut conn, unit_id, photo, by, now).await?;
        Ok(photo.sha256.clone())
    }

    /// A unit's photo: its media type and bytes.
    pub async fn photo(&self, unit_id: i64, sha256: &str) -> Result<Option<(String, Vec<u8>)>> {
        sqlx::query("select content_type, bytes from photos where unit_id = $1 and sha256 = $2")
            .bind(unit_id)
            .bind(sha256)
            .fetch_optional(&self.read)
            .await?
            .map(|r| Ok((r.try_get("content_type")?, r.try_get("bytes")?)))
            .transpose()
    }
}
