//! Units and the product categories they sell.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use zhian_domain::access::{Post, UnitRef};
use zhian_domain::forms::UnitInfo;
use zhian_domain::ident::DivisionCode;
use zhian_domain::scope::{Category3Policy, Channel};

use crate::models::{Duties, ProductRef, Unit};
use crate::tallies::Retally;
use crate::{Result, Store, StoreError, instant, micros, touched};

/// A unit's profile as the scope assessment takes it, and its duties as stored (`None` before it was assessed).
#[derive(Debug, Clone)]
pub struct ProfileRow {
    /// Id.
    pub unit_id: i64,
    /// 批发 / 零售.
    pub channel: Channel,
    /// Employees.
    pub employees: u64,
    /// Revenue.
    pub revenue_yuan: u64,
    /// The category-3 policy.
    pub policy: Category3Policy,
    /// Category codes sold.
    pub products: Vec<String>,
    /// Duties as stored.
    pub duties: Option<Duties>,
}

/// The person who starts onboarding, recorded as the unit's principal.
#[derive(Debug, Clone)]
pub struct Founder<'a> {
    /// The account starting the unit.
    pub user_id: i64,
    /// The principal's name.
    pub name: &'a str,
    /// The first day of the principal's post.
    pub from: NaiveDate,
}

fn count(r: &AnyRow, column: &str) -> Result<u64> {
    u64::try_from(r.try_get::<i64, _>(column)?).map_err(|_| StoreError::Corrupt(column.to_owned()))
}

fn division(code: &str) -> Result<DivisionCode> {
    DivisionCode::parse(code).map_err(|_| StoreError::Corrupt(format!("行政区划代码 {code}")))
}

fn unit_row(r: &AnyRow, products: Vec<ProductRef>) -> Result<Unit> {
    let channel: String = r.try_get("channel")?;
    let policy: String = r.try_get("category3_policy")?;
    Ok(Unit {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        credit_code: r.try_get("credit_code")?,
        address: r.try_get("address")?,
        division: division(&r.try_get::<String, _>("division_code")?)?,
        channel: Channel::parse(&channel).ok_or(StoreError::Corrupt(channel))?,
        employees: count(r, "employees")?,
        revenue_yuan: count(r, "revenue_yuan")?,
        category3_policy: Category3Policy::parse(&policy).ok_or(StoreError::Corrupt(policy))?,
        products,
        created_at: instant(r.try_get("created_at")?),
    })
}

fn signed(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| StoreError::Refused("数值过大".into()))
}

async fn replace_products(
    tx: &mut Transaction<'_, Any>,
    unit_id: i64,
    products: &[ProductRef],
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("delete from unit_products where unit_id = $1").bind(unit_id).execute(&mut **tx).await?;
    for p in products {
        sqlx::query(
            "insert into unit_products (unit_id, category_code, catalogue, catalogue_version, created_at) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(unit_id)
        .bind(&p.category_code)
        .bind(&p.catalogue)
        .bind(&p.catalogue_version)
        .bind(micros(now))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Writes a unit's duties in the caller's transaction.
async fn write_duties(tx: &mut Transaction<'_, Any>, unit_id: i64, duties: Duties) -> Result<()> {
    let done =
        sqlx::query("update units set in_scope = $1, director_required = $2, officer_required = $3 where id = $4")
            .bind(i64::from(duties.in_scope))
            .bind(i64::from(duties.director_required))
            .bind(i64::from(duties.officer_required))
            .bind(unit_id)
            .execute(&mut **tx)
            .await?;
    touched(&done)
}

/// Writes a unit's row, duties and products in the caller's transaction; returns its id.
async fn insert_unit(
    tx: &mut Transaction<'_, Any>,
    info: &UnitInfo,
    products: &[ProductRef],
    duties: Duties,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let unit_id: i64 = sqlx::query(
        "insert into units (name, credit_code, address, division_code, channel, employees, revenue_yuan, \
         created_by, created_at, updated_at, in_scope, director_required, officer_required) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12) returning id",
    )
    .bind(&info.name)
    .bind(info.credit_code.as_str())
    .bind(&info.address)
    .bind(info.division.to_string())
    .bind(info.channel.code())
    .bind(signed(info.employees)?)
    .bind(signed(info.revenue_yuan)?)
    .bind(by)
    .bind(micros(now))
    .bind(i64::from(duties.in_scope))
    .bind(i64::from(duties.director_required))
    .bind(i64::from(duties.officer_required))
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    replace_products(tx, unit_id, products, now).await?;
    Ok(unit_id)
}

impl Store {
    /// Creates a unit with its products and records the founder as its principal, all or nothing.
    #[tracing::instrument(skip_all)]
    pub async fn create_unit(
        &self,
        info: &UnitInfo,
        products: &[ProductRef],
        duties: Duties,
        founder: &Founder<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let unit_id = insert_unit(&mut tx, info, products, duties, founder.user_id, now).await?;
        let person_id: i64 = sqlx::query(
            "insert into people (unit_id, name, user_id, created_at, updated_at) values ($1, $2, $3, $4, $4) \
             returning id",
        )
        .bind(unit_id)
        .bind(founder.name)
        .bind(founder.user_id)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let appointment: i64 = sqlx::query(
            "insert into appointments (unit_id, person_id, post, employment, from_date, reason, created_by, \
             created_at, updated_at) values ($1, $2, $3, 'full_time', $4, '创建单位', $5, $6, $6) returning id",
        )
        .bind(unit_id)
        .bind(person_id)
        .bind(Post::Principal.code())
        .bind(founder.from.to_string())
        .bind(founder.user_id)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        self.log_record(&mut tx, crate::ledger::kind::APPOINTMENT, appointment, unit_id, now).await?;
        tx.commit().await?;
        self.access_changed();
        Ok(unit_id)
    }

    /// Registers units from a regulator's registry in one transaction: each unit whose credit code is not yet known
    /// is written with its products (no one holds a post yet); known ones are left as they are. Returns the ids of
    /// the units written and the credit codes already known.
    #[tracing::instrument(skip_all)]
    pub async fn import_registry(
        &self,
        units: &[(UnitInfo, Vec<ProductRef>, Duties)],
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<(Vec<i64>, Vec<String>)> {
        let mut tx = self.write.begin().await?;
        let (mut created, mut known) = (Vec::new(), Vec::new());
        for (info, products, duties) in units {
            let exists = sqlx::query("select id from units where credit_code = $1")
                .bind(info.credit_code.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            if exists {
                known.push(info.credit_code.as_str().to_owned());
                continue;
            }
            created.push(insert_unit(&mut tx, info, products, *duties, by, now).await?);
        }
        tx.commit().await?;
        if !created.is_empty() {
            self.access_changed();
        }
        Ok((created, known))
    }

    /// Every unit's profile and stored duties, in two queries.
    pub async fn unit_profiles(&self) -> Result<Vec<ProfileRow>> {
        let mut conn = self.read.acquire().await?;
        let params = crate::ledger::Params::of(&conn);
        let sql = params.select_json(
            "id, channel, employees, revenue_yuan, category3_policy, in_scope, director_required, officer_required",
            "from units",
        );
        type Row = (i64, String, i64, i64, String, Option<i64>, Option<i64>, Option<i64>);
        let rows: Vec<Row> = crate::ledger::fetch_json(&mut conn, sqlx::query(sqlx::AssertSqlSafe(sql))).await?;
        let sql = params.select_json("unit_id, category_code", "from unit_products");
        let products: Vec<(i64, String)> =
            crate::ledger::fetch_json(&mut conn, sqlx::query(sqlx::AssertSqlSafe(sql))).await?;
        let mut by_unit: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
        for (unit, code) in products {
            by_unit.entry(unit).or_default().push(code);
        }
        rows.into_iter()
            .map(|(unit_id, channel, employees, revenue, policy, in_scope, director, officer)| {
                Ok(ProfileRow {
                    unit_id,
                    channel: Channel::parse(&channel).ok_or(StoreError::Corrupt(channel))?,
                    employees: u64::try_from(employees).unwrap_or(0),
                    revenue_yuan: u64::try_from(revenue).unwrap_or(0),
                    policy: Category3Policy::parse(&policy).ok_or(StoreError::Corrupt(policy))?,
                    products: by_unit.remove(&unit_id).unwrap_or_default(),
                    duties: match (in_scope, director, officer) {
                        (Some(s), Some(d), Some(o)) => {
                            Some(Duties { in_scope: s == 1, director_required: d == 1, officer_required: o == 1 })
                        }
                        _ => None,
                    },
                })
            })
            .collect()
    }

    /// Sets the duties of units reassessed: each moving its tallies with its scope, or — for a database from before
    /// tallies were kept — all written first and the tallies then built from the records.
    pub async fn reassess(&self, changes: &[(i64, Duties)], now: DateTime<Utc>) -> Result<()> {
        if !self.tallies_missing().await? {
            for (unit_id, duties) in changes {
                self.set_duties(*unit_id, *duties, now).await?;
            }
            return Ok(());
        }
        let mut tx = self.write.begin().await?;
        for (unit_id, duties) in changes {
            write_duties(&mut tx, *unit_id, *duties).await?;
        }
        tx.commit().await?;
        self.rebuild_tallies(now).await
    }

    /// Sets a unit's duties (reassessed), moving its tallies with its scope.
    pub async fn set_duties(&self, unit_id: i64, duties: Duties, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let retally = Retally::begin(&mut tx, unit_id).await?;
        write_duties(&mut tx, unit_id, duties).await?;
        retally.finish(&mut tx, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a unit's profile, products and duties, all or nothing.
    #[tracing::instrument(skip_all)]
    pub async fn update_unit(
        &self,
        unit_id: i64,
        info: &UnitInfo,
        products: &[ProductRef],
        policy: Category3Policy,
        duties: Duties,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let retally = Retally::begin(&mut tx, unit_id).await?;
        let done = sqlx::query(
            "update units set name = $1, credit_code = $2, address = $3, division_code = $4, channel = $5, \
             employees = $6, revenue_yuan = $7, category3_policy = $8, updated_at = $9, in_scope = $11, \
             director_required = $12, officer_required = $13 where id = $10",
        )
        .bind(&info.name)
        .bind(info.credit_code.as_str())
        .bind(&info.address)
        .bind(info.division.to_string())
        .bind(info.channel.code())
        .bind(signed(info.employees)?)
        .bind(signed(info.revenue_yuan)?)
        .bind(match policy {
            Category3Policy::Seed => "seed",
            Category3Policy::Catalogue => "catalogue",
        })
        .bind(micros(now))
        .bind(unit_id)
        .bind(i64::from(duties.in_scope))
        .bind(i64::from(duties.director_required))
        .bind(i64::from(duties.officer_required))
        .execute(&mut *tx)
        .await?;
        touched(&done)?;
        replace_products(&mut tx, unit_id, products, now).await?;
        retally.finish(&mut tx, now).await?;
        tx.commit().await?;
        self.access_changed();
        Ok(())
    }

    /// A unit with its products.
    #[tracing::instrument(skip_all)]
    pub async fn unit(&self, unit_id: i64) -> Result<Option<Unit>> {
        let sql = "select id, name, credit_code, address, division_code, channel, employees, revenue_yuan, \
                   category3_policy, created_at from units where id = $1";
        let Some(r) = sqlx::query(sql).bind(unit_id).fetch_optional(&self.read).await? else {
            return Ok(None);
        };
        let products = sqlx::query(
            "select category_code, catalogue, catalogue_version from unit_products where unit_id = $1 \
             order by category_code",
        )
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|p| {
            Ok(ProductRef {
                category_code: p.try_get("category_code")?,
                catalogue: p.try_get("catalogue")?,
                catalogue_version: p.try_get("catalogue_version")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        unit_row(&r, products).map(Some)
    }

    /// When a unit was registered here.
    pub async fn unit_registered_at(&self, unit_id: i64) -> Result<chrono::DateTime<Utc>> {
        let r = sqlx::query("select created_at from units where id = $1")
            .bind(unit_id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(instant(r.try_get("created_at")?))
    }

    /// What access control needs of a unit: its id and division.
    #[tracing::instrument(skip_all)]
    pub async fn unit_ref(&self, unit_id: i64) -> Result<Option<UnitRef>> {
        let Some(r) = sqlx::query("select id, division_code from units where id = $1")
            .bind(unit_id)
            .fetch_optional(&self.read)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(UnitRef { id: r.try_get("id")?, division: division(&r.try_get::<String, _>("division_code")?)? }))
    }

    /// The units with ids in `ids`, by name (for an account's unit list).
    #[tracing::instrument(skip_all)]
    pub async fn units_named(&self, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        let mut out: Vec<(i64, String)> = Vec::with_capacity(ids.len());
        for &id in ids {
            if let Some(r) =
                sqlx::query("select id, name from units where id = $1").bind(id).fetch_optional(&self.read).await?
            {
                out.push((r.try_get("id")?, r.try_get("name")?));
            }
        }
        out.sort_by(|a, b| a.1.cmp(&b.1));
        out.dedup();
        Ok(out)
    }

    /// Units inside a division subtree (for regulators), by name.
    #[tracing::instrument(skip_all)]
    pub async fn units_in(&self, jurisdiction: DivisionCode) -> Result<Vec<(i64, String, DivisionCode)>> {
        sqlx::query("select id, name, division_code from units where division_code like $1 order by name")
            .bind(format!("{}%", jurisdiction.subtree_prefix()))
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("name")?, division(&r.try_get::<String, _>("division_code")?)?)))
            .collect()
    }
}
