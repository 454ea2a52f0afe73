//! Embedded migrations, applied in order at start (`zhian serve`) and by `zhian migrate`.
//!
//! Each backend has its own folder; the versions and names match. An applied migration is never edited: its
//! SHA-256 is recorded and checked at every start, so a changed file stops the server instead of drifting.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{Backend, Result, Store, StoreError};

/// (version, name, SQLite text, PostgreSQL text).
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "accounts_units_people",
        include_str!("../migrations/sqlite/0001_accounts_units_people.sql"),
        include_str!("../migrations/postgres/0001_accounts_units_people.sql"),
    ),
    (
        2,
        "ledger",
        include_str!("../migrations/sqlite/0002_ledger.sql"),
        include_str!("../migrations/postgres/0002_ledger.sql"),
    ),
    (
        3,
        "daily_checks",
        include_str!("../migrations/sqlite/0003_daily_checks.sql"),
        include_str!("../migrations/postgres/0003_daily_checks.sql"),
    ),
    (
        4,
        "hazard_events",
        include_str!("../migrations/sqlite/0004_hazard_events.sql"),
        include_str!("../migrations/postgres/0004_hazard_events.sql"),
    ),
    (
        5,
        "unit_settings",
        include_str!("../migrations/sqlite/0005_unit_settings.sql"),
        include_str!("../migrations/postgres/0005_unit_settings.sql"),
    ),
    (
        6,
        "weekly_reviews",
        include_str!("../migrations/sqlite/0006_weekly_reviews.sql"),
        include_str!("../migrations/postgres/0006_weekly_reviews.sql"),
    ),
    (
        7,
        "vetoes",
        include_str!("../migrations/sqlite/0007_vetoes.sql"),
        include_str!("../migrations/postgres/0007_vetoes.sql"),
    ),
    (
        8,
        "dispatch",
        include_str!("../migrations/sqlite/0008_dispatch.sql"),
        include_str!("../migrations/postgres/0008_dispatch.sql"),
    ),
    (
        9,
        "photos",
        include_str!("../migrations/sqlite/0009_photos.sql"),
        include_str!("../migrations/postgres/0009_photos.sql"),
    ),
    (
        10,
        "reminders",
        include_str!("../migrations/sqlite/0010_reminders.sql"),
        include_str!("../migrations/postgres/0010_reminders.sql"),
    ),
    (
        11,
        "check_items",
        include_str!("../migrations/sqlite/0011_check_items.sql"),
        include_str!("../migrations/postgres/0011_check_items.sql"),
    ),
    (
        12,
        "documents",
        include_str!("../migrations/sqlite/0012_documents.sql"),
        include_str!("../migrations/postgres/0012_documents.sql"),
    ),
    (
        13,
        "archives",
        include_str!("../migrations/sqlite/0013_archives.sql"),
        include_str!("../migrations/postgres/0013_archives.sql"),
    ),
    (
        14,
        "exams",
        include_str!("../migrations/sqlite/0014_exams.sql"),
        include_str!("../migrations/postgres/0014_exams.sql"),
    ),
    (
        15,
        "spot_checks",
        include_str!("../migrations/sqlite/0015_spot_checks.sql"),
        include_str!("../migrations/postgres/0015_spot_checks.sql"),
    ),
    (
        16,
        "tallies",
        include_str!("../migrations/sqlite/0016_tallies.sql"),
        include_str!("../migrations/postgres/0016_tallies.sql"),
    ),
];

/// The tables and columns the schema check reads, per backend.
const SQLITE_FOREIGN_KEYS: &str = "select m.name as tbl, f.\"from\" as col from sqlite_master m \
     join pragma_foreign_key_list(m.name) f where m.type = 'table'";
const SQLITE_INDEXED: &str = "select m.name as tbl, i.name as col from sqlite_master m \
     join pragma_index_list(m.name) l join pragma_index_info(l.name) i where m.type = 'table' and i.seqno = 0";
const SQLITE_TIMESTAMPED: &str = "select m.name as tbl, c.name as col from sqlite_master m \
     join pragma_table_info(m.name) c where m.type = 'table' and c.name = 'created_at'";
const SQLITE_TABLES: &str = "select name as tbl, '' as col from sqlite_master where type = 'table' \
     and name not like 'sqlite_%'";
const PG_FOREIGN_KEYS: &str = "select tc.table_name::text as tbl, kcu.column_name::text as col \
     from information_schema.table_constraints tc join information_schema.key_column_usage kcu \
     on tc.constraint_name = kcu.constraint_name and tc.table_schema = kcu.table_schema \
     where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()";
const PG_INDEXED: &str = "select t.relname::text as tbl, a.attname::text as col from pg_index ix \
     join pg_class t on t.oid = ix.indrelid join pg_namespace n on n.oid = t.relnamespace \
     join pg_attribute a on a.attrelid = t.oid and a.attnum = ix.indkey[0] where n.nspname = current_schema()";
const PG_TIMESTAMPED: &str = "select table_name::text as tbl, column_name::text as col from information_schema.columns \
     where table_schema = current_schema() and column_name = 'created_at'";
const PG_TABLES: &str = "select table_name::text as tbl, '' as col from information_schema.tables \
     where table_schema = current_schema() and table_type = 'BASE TABLE'";

fn checksum(sql: &str) -> String {
    Sha256::digest(sql.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Applies every migration not yet applied; returns how many were applied now.
    pub async fn migrate(&self, now: chrono::DateTime<chrono::Utc>) -> Result<usize> {
        sqlx::raw_sql(
            "create table if not exists schema_migrations (version bigint primary key, name text not null, \
             checksum text not null, applied_at bigint not null)",
        )
        .execute(&self.write)
        .await?;
        let applied: Vec<(i64, String)> =
            sqlx::query("select version, checksum from schema_migrations order by version")
                .fetch_all(&self.write)
                .await?
                .iter()
                .map(|r| Ok((r.try_get("version")?, r.try_get("checksum")?)))
                .collect::<Result<_, sqlx::Error>>()?;
        let mut count = 0;
        for &(version, name, sqlite, postgres) in MIGRATIONS {
            let sql = match self.backend {
                Backend::Sqlite => sqlite,
                Backend::Postgres => postgres,
            };
            let sum = checksum(sql);
            if let Some((_, recorded)) = applied.iter().find(|(v, _)| *v == version) {
                if *recorded != sum {
                    return Err(StoreError::Config(format!("已执行的迁移 {version:04}_{name} 被修改过，拒绝启动")));
                }
                continue;
            }
            let mut tx = self.write.begin().await?;
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
            sqlx::query("insert into schema_migrations (version, name, checksum, applied_at) values ($1, $2, $3, $4)")
                .bind(version)
                .bind(name)
                .bind(sum)
                .bind(crate::micros(now))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            tracing::info!(version, name, "migration applied");
            count += 1;
        }
        Ok(count)
    }

    /// What the schema breaks of the house rules: a foreign key whose column does not lead an index, a table
    /// without `created_at`. Empty when sound.
    pub async fn schema_problems(&self) -> Result<Vec<String>> {
        let (fks, indexed, stamped, tables) = match self.backend {
            Backend::Sqlite => (SQLITE_FOREIGN_KEYS, SQLITE_INDEXED, SQLITE_TIMESTAMPED, SQLITE_TABLES),
            Backend::Postgres => (PG_FOREIGN_KEYS, PG_INDEXED, PG_TIMESTAMPED, PG_TABLES),
        };
        let pairs = |sql: &'static str| async move {
            sqlx::query(sql)
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(|r| Ok((r.try_get::<String, _>("tbl")?, r.try_get::<String, _>("col")?)))
                .collect::<Result<Vec<(String, String)>, sqlx::Error>>()
        };
        let (fks, indexed, stamped, tables) =
            (pairs(fks).await?, pairs(indexed).await?, pairs(stamped).await?, pairs(tables).await?);
        let mut problems = Vec::new();
        for (table, column) in &fks {
            // A composite primary key or unique constraint led by the column serves as its index.
            if !indexed.iter().any(|(t, c)| t == table && c == column) {
                problems.push(format!("{table}.{column}: foreign key without an index"));
            }
        }
        for (table, _) in &tables {
            if table != "schema_migrations" && !stamped.iter().any(|(t, _)| t == table) {
                problems.push(format!("{table}: no created_at"));
            }
        }
        Ok(problems)
    }
}
