//! Accounts, sessions and regulator jurisdictions.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use zhian_domain::access::{Post, UnitRef};
use zhian_domain::ident::DivisionCode;

use crate::models::{NewUser, Session, User};
use crate::{Result, Store, StoreError, instant, micros, touched};

fn user(r: &AnyRow) -> Result<User> {
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        password_hash: r.try_get("password_hash")?,
        is_admin: r.try_get::<i64, _>("is_admin")? != 0,
        must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
    })
}

/// The columns [`user`] reads, as a literal so queries stay static strings.
macro_rules! user_columns {
    () => {
        "id, username, display_name, password_hash, is_admin, must_change_password, disabled"
    };
}

/// An account's jurisdictions and the posts it holds: (unit id, post).
pub type Standing = (Vec<DivisionCode>, Vec<(i64, Post)>);

impl Store {
    /// Creates an account; a taken username is `Conflict::Username`.
    #[tracing::instrument(skip_all)]
    pub async fn create_user(&self, new: &NewUser<'_>, now: DateTime<Utc>) -> Result<i64> {
        let row = sqlx::query(
            "insert into users (username, display_name, password_hash, is_admin, must_change_password, created_at, \
             updated_at) values ($1, $2, $3, $4, $5, $6, $6) returning id",
        )
        .bind(new.username)
        .bind(new.display_name)
        .bind(new.password_hash)
        .bind(i64::from(new.is_admin))
        .bind(i64::from(new.must_change_password))
        .bind(micros(now))
        .fetch_one(&self.write)
        .await?;
        Ok(row.try_get("id")?)
    }

    /// How many accounts exist.
    #[tracing::instrument(skip_all)]
    pub async fn count_users(&self) -> Result<i64> {
        Ok(sqlx::query("select count(*) as n from users").fetch_one(&self.read).await?.try_get("n")?)
    }

    /// An account by log-in name.
    #[tracing::instrument(skip_all)]
    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        sqlx::query(concat!("select ", user_columns!(), " from users where username = $1"))
            .bind(username)
            .fetch_optional(&self.read)
            .await?
            .as_ref()
            .map(user)
            .transpose()
    }

    /// An account by id.
    #[tracing::instrument(skip_all)]
    pub async fn user(&self, id: i64) -> Result<Option<User>> {
        sqlx::query(concat!("select ", user_columns!(), " from users where id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .as_ref()
            .map(user)
            .transpose()
    }

    /// Sets a new password hash and ends every session of the account.
    #[tracing::instrument(skip_all)]
    pub async fn set_password(&self, user_id: i64, hash: &str, must_change: bool, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let done = sqlx::query(
            "update users set password_hash = $1, must_change_password = $2, updated_at = $3 where id = $4",
        )
        .bind(hash)
        .bind(i64::from(must_change))
        .bind(micros(now))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        touched(&done)?;
        sqlx::query("delete from sessions where user_id = $1").bind(user_id).execute(&mut *tx).await?;
        tx.commit().await?;
        self.access_changed();
        Ok(())
    }

    /// Gives a regulator account a jurisdiction (a division subtree).
    #[tracing::instrument(skip_all)]
    pub async fn grant_jurisdiction(&self, user_id: i64, division: DivisionCode, now: DateTime<Utc>) -> Result<()> {
        sqlx::query("insert into regulator_grants (user_id, division_code, created_at) values ($1, $2, $3)")
            .bind(user_id)
            .bind(division.to_string())
            .bind(micros(now))
            .execute(&self.write)
            .await?;
        self.access_changed();
        Ok(())
    }

    /// The jurisdictions of an account (empty unless a regulator).
    #[tracing::instrument(skip_all)]
    pub async fn jurisdictions(&self, user_id: i64) -> Result<Vec<DivisionCode>> {
        sqlx::query("select division_code from regulator_grants where user_id = $1 order by division_code")
            .bind(user_id)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| {
                let code: String = r.try_get("division_code")?;
                DivisionCode::parse(&code).map_err(|_| StoreError::Corrupt(format!("行政区划代码 {code}")))
            })
            .collect()
    }

    /// An account's standing on `day` in one query: its jurisdictions and the posts it holds (unit id, post).
    #[tracing::instrument(skip_all)]
    pub async fn standing(&self, user_id: i64, day: NaiveDate) -> Result<Standing> {
        Ok(self.standing_at(user_id, day, None).await?.0)
    }

    /// An account's standing on `day` and, in the same query, the unit a request names (`None` inside when there is
    /// no such unit) — what the guard needs to decide.
    #[tracing::instrument(skip_all)]
    pub async fn standing_at(
        &self,
        user_id: i64,
        day: NaiveDate,
        unit: Option<i64>,
    ) -> Result<(Standing, Option<Option<UnitRef>>)> {
        let day = day.to_string();
        let rows = sqlx::query(
            "select 'j' as kind, division_code as value, 0 as unit_id from regulator_grants where user_id = $1 \
             union all select 'p' as kind, a.post as value, a.unit_id from appointments a join people p \
             on p.id = a.person_id where p.user_id = $1 and a.from_date <= $2 and (a.to_date is null or a.to_date >= $2) \
             union all select 'u' as kind, division_code as value, id as unit_id from units where id = $3 \
             order by kind, value, unit_id",
        )
        .bind(user_id)
        .bind(day)
        .bind(unit.unwrap_or(-1))
        .fetch_all(&self.read)
        .await?;
        let (mut jurisdictions, mut posts, mut found) = (Vec::new(), Vec::new(), None);
        for r in &rows {
            let (kind, value): (String, String) = (r.try_get("kind")?, r.try_get("value")?);
            let division =
                || DivisionCode::parse(&value).map_err(|_| StoreError::Corrupt(format!("行政区划代码 {value}")));
            match kind.as_str() {
                "j" => jurisdictions.push(division()?),
                "u" => found = Some(UnitRef { id: r.try_get("unit_id")?, division: division()? }),
                _ => posts.push((r.try_get("unit_id")?, Post::parse(&value).ok_or(StoreError::Corrupt(value))?)),
            }
        }
        posts.sort_unstable();
        Ok(((jurisdictions, posts), unit.map(|_| found)))
    }

    /// The posts an account holds on `day`, through the people records linked to it: (unit id, post).
    #[tracing::instrument(skip_all)]
    pub async fn posts_of_user(&self, user_id: i64, day: NaiveDate) -> Result<Vec<(i64, Post)>> {
        let day = day.to_string();
        sqlx::query(
            "select a.unit_id, a.post from appointments a join people p on p.id = a.person_id \
             where p.user_id = $1 and a.from_date <= $2 and (a.to_date is null or a.to_date >= $2) \
             order by a.unit_id, a.post",
        )
        .bind(user_id)
        .bind(day)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            let post: String = r.try_get("post")?;
            Ok((r.try_get("unit_id")?, Post::parse(&post).ok_or_else(|| StoreError::Corrupt(post))?))
        })
        .collect()
    }

    /// Stores a new session.
    #[tracing::instrument(skip_all)]
    pub async fn create_session(&self, s: &Session) -> Result<()> {
        sqlx::query(
            "insert into sessions (id, user_id, csrf_token, created_at, expires_at) values ($1, $2, $3, $4, $5)",
        )
        .bind(&s.id_hash)
        .bind(s.user_id)
        .bind(&s.csrf_token)
        .bind(micros(s.created_at))
        .bind(micros(s.expires_at))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// A session that has not expired at `now`, with its account.
    #[tracing::instrument(skip_all)]
    pub async fn session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<Option<(Session, User)>> {
        let sql = "select s.id as session_id, s.user_id, s.csrf_token, s.created_at, s.expires_at, u.id, u.username, \
                   u.display_name, u.password_hash, u.is_admin, u.must_change_password, u.disabled \
                   from sessions s join users u on u.id = s.user_id where s.id = $1 and s.expires_at > $2";
        let Some(r) = sqlx::query(sql).bind(id_hash).bind(micros(now)).fetch_optional(&self.read).await? else {
            return Ok(None);
        };
        let session = Session {
            id_hash: r.try_get("session_id")?,
            user_id: r.try_get("user_id")?,
            csrf_token: r.try_get("csrf_token")?,
            created_at: instant(r.try_get("created_at")?),
            expires_at: instant(r.try_get("expires_at")?),
        };
        Ok(Some((session, user(&r)?)))
    }

    /// Ends a session.
    #[tracing::instrument(skip_all)]
    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query("delete from sessions where id = $1").bind(id_hash).execute(&self.write).await?;
        self.access_changed();
        Ok(())
    }

    /// Removes sessions that expired before `now`.
    #[tracing::instrument(skip_all)]
    pub async fn purge_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        let done =
            sqlx::query("delete from sessions where expires_at <= $1").bind(micros(now)).execute(&self.write).await?;
        Ok(done.rows_affected())
    }

    /// Every account with its jurisdictions, by username.
    #[tracing::instrument(skip_all)]
    pub async fn users(&self) -> Result<Vec<(User, Vec<String>)>> {
        let users = sqlx::query(concat!("select ", user_columns!(), " from users order by username"))
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(user)
            .collect::<Result<Vec<_>>>()?;
        let grants: Vec<(i64, String)> =
            sqlx::query("select user_id, division_code from regulator_grants order by division_code")
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(|r| Ok((r.try_get("user_id")?, r.try_get("division_code")?)))
                .collect::<Result<_>>()?;
        Ok(users
            .into_iter()
            .map(|u| {
                let mine = grants.iter().filter(|(id, _)| *id == u.id).map(|(_, d)| d.clone()).collect();
                (u, mine)
            })
            .collect())
    }
}
