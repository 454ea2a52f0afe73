//! What pages and API calls do, written once: each use case parses, applies the domain's rules and calls the store.

use chrono::NaiveDate;
use zhian_domain::access::Post;
use zhian_domain::forms::{AppointmentForm, FieldErrors, PersonForm, TrainingForm, UnitForm, UnitInfo};
use zhian_domain::scope::{Assessment, Category3Policy, UnitProfile, assess};
use zhian_domain::staffing::{Staffing, Tenure, check_appointment};
use zhian_store::models::{Appointment, DutyKind, NewUser, ProductRef, RiskRow, Unit, User};
use zhian_store::{Founder, StoreError};

use crate::AppState;
use crate::auth::{self, Ctx};
use crate::error::AppError;

/// Signs in with a username and password; returns the session cookie, the CSRF token and the account.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    addr: &str,
) -> Result<(axum::http::HeaderValue, String, User), AppError> {
    let now = state.clock.now();
    let username = username.trim();
    let (user_key, addr_key) = (format!("user:{username}"), format!("addr:{addr}"));
    if let Some(minutes) = state.throttle.locked(&user_key, now).or_else(|| state.throttle.locked(&addr_key, now)) {
        return Err(AppError::TooManyRequests(format!("登录失败次数过多，请 {minutes} 分钟后再试")));
    }
    let user = state.store.user_by_username(username).await?;
    // Unknown accounts cost the same Argon2 work, so timing does not tell which usernames exist.
    let hash = match &user {
        Some(u) => u.password_hash.clone(),
        None => state
            .dummy_hash
            .get_or_try_init(|| auth::hash_password_on_worker(state, auth::new_password(state.entropy.as_ref())))
            .await?
            .clone(),
    };
    let ok = state.passwords.verify(password.to_owned(), hash).await;
    match user {
        Some(user) if ok && !user.disabled => {
            state.throttle.clear(&user_key);
            let (cookie, csrf) = auth::start_session(state, user.id).await?;
            tracing::info!(user_id = user.id, "signed in");
            Ok((cookie, csrf, user))
        }
        _ => {
            state.throttle.fail(&user_key, now);
            state.throttle.fail(&addr_key, now);
            let mut f = FieldErrors::default();
            f.add("password", "用户名或密码错误");
            Err(AppError::Invalid(f))
        }
    }
}

/// Changes the signed-in account's password after checking the current one.
pub async fn change_password(
    state: &AppState,
    ctx: &Ctx,
    current: &str,
    new: &str,
    confirm: &str,
) -> Result<(), AppError> {
    let user = ctx.user()?;
    let mut f = FieldErrors::default();
    if !state.passwords.verify(current.to_owned(), user.password_hash.clone()).await {
        f.add("current", "当前密码不正确");
    }
    if let Err(why) = auth::check_new_password(new, &user.username) {
        f.add("new", why);
    } else if new == current {
        f.add("new", "新密码不能与当前密码相同");
    }
    if new != confirm {
        f.add("confirm", "两次输入的新密码不一致");
    }
    if !f.is_empty() {
        return Err(AppError::Invalid(f));
    }
    let hash = auth::hash_password_on_worker(state, new.to_owned()).await?;
    state.store.set_password(user.id, &hash, false, state.clock.now()).await?;
    Ok(())
}

/// Checks product category codes against the catalogues in force today.
fn products(state: &AppState, codes: &[String], today: NaiveDate, f: &mut FieldErrors) -> Vec<ProductRef> {
    let mut out = Vec::new();
    for code in codes {
        match state.reference.category(code) {
            Some((c, cat)) if cat.in_force(today) => out.push(ProductRef {
                category_code: cat.code.clone(),
                catalogue: c.catalogue.clone(),
                catalogue_version: c.version.clone(),
            }),
            Some((_, cat)) => f.add("categories", format!("“{}”自 {} 起才列入目录", cat.name, cat.effective_from)),
            None => f.add("categories", format!("未知的产品类别“{code}”")),
        }
    }
    out.sort_by(|a, b| a.category_code.cmp(&b.category_code));
    out.dedup();
    out
}

/// Checks a unit form and its categories together, so every error shows at once.
fn check_unit(
    state: &AppState,
    form: &UnitForm,
    categories: &[String],
) -> Result<(UnitInfo, Vec<ProductRef>), AppError> {
    let today = state.clock.today();
    let mut f = FieldErrors::default();
    let refs = products(state, categories, today, &mut f);
    match form.check() {
        Ok(info) if f.is_empty() => Ok((info, refs)),
        Ok(_) => Err(AppError::Invalid(f)),
        Err(mut e) => {
            e.0.extend(f.0);
            Err(AppError::Invalid(e))
        }
    }
}

/// Onboards a new unit: the profile, its products, the founder as principal, and the first versions of the duty
/// texts and (from the templates of its categories) the risk control list.
pub async fn create_unit(
    state: &AppState,
    ctx: &Ctx,
    form: &UnitForm,
    categories: &[String],
    principal_name: &str,
) -> Result<i64, AppError> {
    let user = ctx.user()?;
    let (info, refs) = match check_unit(state, form, categories) {
        Ok(ok) => ok,
        Err(AppError::Invalid(mut e)) => {
            if principal_name.trim().is_empty() {
                e.add("principal_name", "请填写主要负责人姓名");
            }
            return Err(AppError::Invalid(e));
        }
        Err(other) => return Err(other),
    };
    let mut f = FieldErrors::default();
    let name = f.text("principal_name", "主要负责人姓名", principal_name, 50);
    if !f.is_empty() {
        return Err(AppError::Invalid(f));
    }
    let now = state.clock.now();
    let today = state.clock.today();
    let founder = Founder { user_id: user.id, name: &name, from: today };
    let unit_id = state.store.create_unit(&info, &refs, &founder, now).await?;
    for kind in [DutyKind::Director, DutyKind::Officer] {
        let text = state.reference.duty_text(kind == DutyKind::Director, &info.name, today);
        state.store.save_duty_text(unit_id, kind, &text, user.id, now).await?;
    }
    let codes: Vec<String> = refs.iter().map(|r| r.category_code.clone()).collect();
    let rows = template_rows(state, &codes);
    if !rows.is_empty() {
        state.store.save_risk_list(unit_id, &rows, "由产品类别模板生成", user.id, now).await?;
    }
    tracing::info!(unit_id, user_id = user.id, "unit created");
    Ok(unit_id)
}

/// The rows of every template serving the categories, in template order.
pub fn template_rows(state: &AppState, codes: &[String]) -> Vec<RiskRow> {
    state.reference.templates_for(codes).into_iter().flat_map(rows_of_template).collect()
}

/// A template's rows as risk list rows.
pub fn rows_of_template(t: &zhian_reference::RiskTemplate) -> Vec<RiskRow> {
    t.rows
        .iter()
        .map(|r| RiskRow {
            stage: r.stage.clone(),
            risk_point: r.risk_point.clone(),
            description: r.description.clone(),
            measure: r.measure.clone(),
            target: r.target.clone(),
            frequency: r.frequency.clone(),
            role: r.role.clone(),
            daily_item: r.daily_item.clone(),
        })
        .collect()
}

/// Changes a unit's profile and products.
pub async fn update_unit(
    state: &AppState,
    unit_id: i64,
    form: &UnitForm,
    categories: &[String],
    policy: Category3Policy,
) -> Result<(), AppError> {
    let (info, refs) = check_unit(state, form, categories)?;
    state.store.update_unit(unit_id, &info, &refs, policy, state.clock.now()).await?;
    Ok(())
}

/// A unit with what the rules make of it today.
#[derive(Debug, Clone)]
pub struct Overview {
    /// The unit.
    pub unit: Unit,
    /// The assessment.
    pub assessment: Assessment,
    /// Staffing against it.
    pub staffing: Staffing,
    /// All appointments, current first.
    pub appointments: Vec<Appointment>,
}

impl Overview {
    /// Names of the people holding `post` today.
    #[must_use]
    pub fn holders(&self, post: Post, today: NaiveDate) -> Vec<String> {
        self.appointments
            .iter()
            .filter(|a| a.post == post && a.from <= today && a.to.is_none_or(|to| today <= to))
            .map(|a| a.person_name.clone())
            .collect()
    }
}

/// Loads a unit and evaluates it.
pub async fn overview(state: &AppState, unit_id: i64) -> Result<Overview, AppError> {
    let unit = state.store.unit(unit_id).await?.ok_or(AppError::NotFound)?;
    let codes: Vec<String> = unit.products.iter().map(|p| p.category_code.clone()).collect();
    let profile = UnitProfile {
        channel: unit.channel,
        employees: unit.employees,
        revenue_yuan: unit.revenue_yuan,
        products: state.reference.products_of(&codes),
    };
    let assessment = assess(&profile, unit.category3_policy);
    let appointments = state.store.appointments(unit_id).await?;
    let tenures: Vec<Tenure> = appointments.iter().map(|a| Tenure { post: a.post, from: a.from, to: a.to }).collect();
    let staffing = Staffing::tally(&assessment, &tenures, state.clock.today());
    Ok(Overview { unit, assessment, staffing, appointments })
}

/// Adds a person to the unit's list.
pub async fn add_person(state: &AppState, unit_id: i64, form: &PersonForm) -> Result<i64, AppError> {
    let info = form.check().map_err(AppError::Invalid)?;
    Ok(state.store.add_person(unit_id, &info, state.clock.now()).await?)
}

/// Appoints a person to a post, through the assessment gate.
pub async fn appoint(state: &AppState, ctx: &Ctx, unit_id: i64, form: &AppointmentForm) -> Result<i64, AppError> {
    let info = form.check().map_err(AppError::Invalid)?;
    let rule = |name: &str, assessments: &[_], tenures: &[_]| {
        check_appointment(name, info.post, info.from, assessments, tenures).map_err(|e| e.to_string())
    };
    let by = ctx.user()?.id;
    match state.store.appoint(unit_id, &info, by, &rule, state.clock.now()).await {
        Ok(id) => Ok(id),
        Err(StoreError::NotFound) => {
            let mut f = FieldErrors::default();
            f.add("person_id", "本单位没有该人员");
            Err(AppError::Invalid(f))
        }
        Err(StoreError::Refused(why)) => {
            let mut f = FieldErrors::default();
            f.add("person_id", why);
            Err(AppError::Invalid(f))
        }
        Err(e) => Err(e.into()),
    }
}

/// Ends an appointment on a date, with a reason.
pub async fn end_appointment(state: &AppState, unit_id: i64, id: i64, to: &str, reason: &str) -> Result<(), AppError> {
    let mut f = FieldErrors::default();
    let to = f.date("to", "离任日期", to);
    let reason = f.text("end_reason", "离任原因", reason, 200);
    let Some(to) = to.filter(|_| f.is_empty()) else {
        return Err(AppError::Invalid(f));
    };
    match state.store.end_appointment(unit_id, id, to, &reason, state.clock.now()).await {
        Err(StoreError::NotFound) => {
            let mut f = FieldErrors::default();
            f.add("to", "该任职已结束、不存在，或离任日期早于任职日期");
            Err(AppError::Invalid(f))
        }
        other => Ok(other?),
    }
}

fn check_username(f: &mut FieldErrors, username: &str) {
    let ok = (3..=32).contains(&username.len())
        && username.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !ok {
        f.add("username", "用户名为 3–32 位字母、数字、下划线或点");
    }
}

/// A new account with a one-time password (to be changed at first log-in); returns (account id, password).
async fn new_account(
    state: &AppState,
    username: &str,
    display_name: &str,
    admin: bool,
) -> Result<(i64, String), AppError> {
    let password = auth::new_password(state.entropy.as_ref());
    let hash = auth::hash_password_on_worker(state, password.clone()).await?;
    let new = NewUser { username, display_name, password_hash: &hash, is_admin: admin, must_change_password: true };
    Ok((state.store.create_user(&new, state.clock.now()).await?, password))
}

/// Gives a person a log-in with a one-time password; returns (username, password) to show once.
pub async fn create_account(
    state: &AppState,
    unit_id: i64,
    person_id: i64,
    username: &str,
) -> Result<(String, String), AppError> {
    let person = state.store.person(unit_id, person_id).await?.ok_or(AppError::NotFound)?;
    let mut f = FieldErrors::default();
    if person.user_id.is_some() {
        f.add("username", format!("{}已有登录账号", person.name));
    }
    let username = username.trim().to_owned();
    check_username(&mut f, &username);
    if !f.is_empty() {
        return Err(AppError::Invalid(f));
    }
    let (user_id, password) = new_account(state, &username, &person.name, false).await?;
    state.store.link_person(unit_id, person_id, user_id, state.clock.now()).await?;
    Ok((username, password))
}

/// What an administrator asks for: a unit user's account, a regulator's account (with its jurisdiction), or
/// another administrator.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AccountForm {
    /// Log-in name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// `unit`, `regulator` or `admin`.
    pub kind: String,
    /// For a regulator: the division code of its jurisdiction.
    pub division_code: String,
}

/// Creates an account (system administrator); returns (username, one-time password) to show once.
pub async fn admin_create_account(state: &AppState, form: &AccountForm) -> Result<(String, String), AppError> {
    let mut f = FieldErrors::default();
    let username = form.username.trim().to_owned();
    check_username(&mut f, &username);
    let display_name = f.text("display_name", "姓名或机构名称", &form.display_name, 100);
    let division = match form.kind.as_str() {
        "regulator" => zhian_domain::ident::DivisionCode::parse(&form.division_code)
            .map_err(|e| f.add("division_code", format!("辖区行政区划代码无效：{e}")))
            .ok(),
        "unit" | "admin" => None,
        _ => {
            f.add("kind", "请选择账号类型：单位用户、监管部门或系统管理员");
            None
        }
    };
    if !f.is_empty() {
        return Err(AppError::Invalid(f));
    }
    let (user_id, password) = new_account(state, &username, &display_name, form.kind == "admin").await?;
    if let Some(division) = division {
        state.store.grant_jurisdiction(user_id, division, state.clock.now()).await?;
    }
    tracing::info!(user_id, kind = %form.kind, "account created");
    Ok((username, password))
}

/// Sets a new one-time password for an account (system administrator); every session of it ends.
pub async fn admin_reset_password(state: &AppState, user_id: i64) -> Result<(String, String), AppError> {
    let user = state.store.user(user_id).await?.ok_or(AppError::NotFound)?;
    let password = auth::new_password(state.entropy.as_ref());
    let hash = auth::hash_password_on_worker(state, password.clone()).await?;
    state.store.set_password(user.id, &hash, true, state.clock.now()).await?;
    Ok((user.username, password))
}

/// Records training (and an assessment result when scored).
pub async fn add_training(state: &AppState, ctx: &Ctx, unit_id: i64, form: &TrainingForm) -> Result<i64, AppError> {
    let info = form.check(state.clock.today()).map_err(AppError::Invalid)?;
    match state.store.add_training(unit_id, &info, ctx.user()?.id, state.clock.now()).await {
        Err(StoreError::NotFound) => {
            let mut f = FieldErrors::default();
            f.add("person_id", "本单位没有该人员");
            Err(AppError::Invalid(f))
        }
        other => Ok(other?),
    }
}

/// Checks risk list rows; every row must name its risk point and measure, and a role the unit has.
pub fn check_risk_rows(rows: &[RiskRow]) -> Result<(), AppError> {
    let mut f = FieldErrors::default();
    if rows.is_empty() {
        f.add("rows", "风险管控清单至少需要一项");
    }
    if rows.len() > 500 {
        f.add("rows", "风险管控清单不能超过 500 项");
    }
    for (i, r) in rows.iter().enumerate() {
        let n = i + 1;
        for (field, label, value, max) in [
            ("stage", "风险控制环节", &r.stage, 20),
            ("risk_point", "风险点", &r.risk_point, 50),
            ("measure", "管控措施", &r.measure, 1000),
            ("frequency", "管控频次", &r.frequency, 20),
        ] {
            if value.trim().is_empty() {
                f.add(&format!("rows/{i}/{field}"), format!("第 {n} 项：请填写{label}"));
            } else if value.chars().count() > max {
                f.add(&format!("rows/{i}/{field}"), format!("第 {n} 项：{label}不能超过 {max} 个字"));
            }
        }
        if r.description.chars().count() > 1000 || r.target.chars().count() > 200 {
            f.add(&format!("rows/{i}/description"), format!("第 {n} 项：描述或目标过长"));
        }
        if Post::parse(&r.role).is_none() {
            f.add(&format!("rows/{i}/role"), format!("第 {n} 项：责任岗位须为主要负责人、质量安全总监或质量安全员"));
        }
    }
    f.into_result(()).map_err(AppError::Invalid)
}

/// Saves a new version of the risk list.
pub async fn save_risk_list(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    rows: &[RiskRow],
    note: &str,
) -> Result<i64, AppError> {
    check_risk_rows(rows)?;
    let mut f = FieldErrors::default();
    let note = f.optional_text("note", "修订说明", note, 200);
    if !f.is_empty() {
        return Err(AppError::Invalid(f));
    }
    Ok(state.store.save_risk_list(unit_id, rows, &note, ctx.user()?.id, state.clock.now()).await?)
}

/// Saves a new version of a duty text.
pub async fn save_duty_text(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    kind: DutyKind,
    body: &str,
) -> Result<i64, AppError> {
    let mut f = FieldErrors::default();
    let body = f.text("body", "正文", body, 20_000);
    if !f.is_empty() {
        return Err(AppError::Invalid(f));
    }
    Ok(state.store.save_duty_text(unit_id, kind, &body, ctx.user()?.id, state.clock.now()).await?)
}

/// Submits a daily check: the form, the timing (not before its period opens), then the store's own rule (one check
/// per period unless amending one). Returns the check and the hazards its non-conformities opened.
pub async fn submit_daily_check(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    form: &zhian_domain::duty::DailyCheckForm,
) -> Result<(i64, Vec<i64>), AppError> {
    let settings = state.store.unit_settings(unit_id).await?;
    let info = form.check(settings.cadences.daily).map_err(AppError::Invalid)?;
    let refuse = |message: String| {
        let mut f = FieldErrors::default();
        f.add("period", message);
        AppError::Invalid(f)
    };
    let window = info.period.window();
    zhian_domain::duty::check_timing(&info.period, &window, state.clock.now()).map_err(|e| refuse(e.to_string()))?;
    let version = state.store.risk_list_versions(unit_id).await?.first().map(|v| v.version);
    match state.store.submit_daily_check(unit_id, &info, version, ctx.user()?.id, state.clock.now()).await {
        Err(StoreError::Refused(why)) => Err(refuse(why)),
        other => Ok(other?),
    }
}

/// The daily slots of the last `days` days up to today, newest first, with their status.
pub async fn daily_calendar(state: &AppState, unit_id: i64, days: i64) -> Result<Vec<zhian_domain::Slot>, AppError> {
    let today = state.clock.today();
    let from = today - chrono::Duration::days(days - 1);
    let settings = state.store.unit_settings(unit_id).await?;
    let suspensions = state.store.calendar_suspensions(unit_id).await?;
    let cadence = settings.cadences.daily;
    let records: Vec<zhian_domain::Record> = state
        .store
        .daily_check_submissions(unit_id)
        .await?
        .into_iter()
        .filter_map(|(period, at)| {
            zhian_domain::Period::parse(cadence, &period).ok().map(|p| zhian_domain::Record {
                tier: zhian_domain::Tier::Daily,
                period: p,
                submitted_at: at,
            })
        })
        .collect();
    let range = zhian_domain::DateRange::new(from, today).map_err(|e| AppError::Internal(e.to_string()))?;
    let calendar = zhian_domain::calendar::evaluate(&zhian_domain::ObligationQuery {
        range,
        as_of: state.clock.now(),
        closed_weekdays: settings.closed,
        suspensions: &suspensions,
        cadences: settings.cadences,
        records: &records,
    });
    let mut slots: Vec<_> = calendar.slots.into_iter().filter(|s| s.tier == zhian_domain::Tier::Daily).collect();
    slots.reverse();
    Ok(slots)
}

/// A hazard step as submitted.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HazardStepForm {
    /// `measure`, `assign`, `rectify`, `verify`, `reject`.
    pub step: String,
    /// The measure, evidence or note.
    pub text: String,
    /// For `assign`: who rectifies.
    pub owner: String,
    /// For `assign`: by when.
    pub deadline: String,
}

/// Takes a step on a hazard, as the hazard rules allow for the person's posts in the unit.
pub async fn hazard_step(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    hazard_id: i64,
    form: &HazardStepForm,
) -> Result<zhian_domain::hazard::HazardStatus, AppError> {
    use zhian_domain::hazard::{HazardStep, apply};
    let mut f = FieldErrors::default();
    let step = match form.step.as_str() {
        "assign" => {
            let owner = f.text("owner", "整改责任人", &form.owner, 50);
            f.date("deadline", "整改期限", &form.deadline).map(|deadline| HazardStep::Assign { owner, deadline })
        }
        "measure" => Some(HazardStep::Measure { measure: f.text("text", "立即措施", &form.text, 1000) }),
        "rectify" => Some(HazardStep::Rectify { evidence: f.text("text", "整改情况", &form.text, 1000) }),
        "verify" => Some(HazardStep::Verify { note: f.text("text", "验证意见", &form.text, 1000) }),
        "reject" => Some(HazardStep::Reject { note: f.text("text", "退回理由", &form.text, 1000) }),
        _ => {
            f.add("step", "请选择处置步骤");
            None
        }
    };
    let Some(step) = step.filter(|_| f.is_empty()) else { return Err(AppError::Invalid(f)) };
    let posts: Vec<Post> = ctx.subject.posts.iter().filter(|(u, _)| *u == unit_id).map(|(_, p)| *p).collect();
    let today = state.clock.today();
    let rule = |status| apply(status, &step, &posts, today).map_err(|e| e.to_string());
    match state.store.hazard_step(unit_id, hazard_id, &step, &rule, ctx.user()?.id, state.clock.now()).await {
        Err(StoreError::Refused(why)) => {
            let mut f = FieldErrors::default();
            f.add("step", why);
            Err(AppError::Invalid(f))
        }
        other => Ok(other?),
    }
}

/// A unit's settings as submitted.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SettingsForm {
    /// Weekdays closed every week: `mon` … `sun`.
    pub closed_weekdays: Vec<String>,
    /// Cadence specs: `1d`, `shift:2`, `2d`, …
    pub daily_cadence: String,
    /// For the weekly investigation.
    pub weekly_cadence: String,
    /// For the monthly dispatch.
    pub monthly_cadence: String,
    /// The unit's own names for the three records ("" keeps the default).
    pub daily_name: String,
    /// Weekly record name.
    pub weekly_name: String,
    /// Monthly record name.
    pub monthly_name: String,
}

/// Checks and saves a unit's settings: every cadence must not be less frequent than its tier's default.
pub async fn update_settings(state: &AppState, unit_id: i64, form: &SettingsForm) -> Result<(), AppError> {
    use zhian_domain::{Cadence, Tier};
    let mut f = FieldErrors::default();
    let mut closed = zhian_domain::WeekdaySet::empty();
    for day in &form.closed_weekdays {
        match zhian_domain::WeekdaySet::parse_weekday(day) {
            Some(d) => closed = closed.with(d),
            None => f.add("closed_weekdays", format!("未知的星期“{day}”")),
        }
    }
    if (0u8..7).all(|i| closed.contains_index(i)) {
        f.add("closed_weekdays", "不能七天都休息；停业请登记停业期间");
    }
    let mut cadences = zhian_domain::cadence::Cadences::default();
    for (tier, field, spec) in [
        (Tier::Daily, "daily_cadence", &form.daily_cadence),
        (Tier::Weekly, "weekly_cadence", &form.weekly_cadence),
        (Tier::Monthly, "monthly_cadence", &form.monthly_cadence),
    ] {
        match spec.trim().parse::<Cadence>() {
            Ok(c) => {
                if let Err(why) = cadences.set(tier, c) {
                    f.add(field, format!("{}：{why}", tier.label()));
                }
            }
            Err(e) => f.add(field, e.to_string()),
        }
    }
    let names = [
        f.optional_text("daily_name", "日管控记录名称", &form.daily_name, 50),
        f.optional_text("weekly_name", "周排查记录名称", &form.weekly_name, 50),
        f.optional_text("monthly_name", "月调度记录名称", &form.monthly_name, 50),
    ];
    if !f.is_empty() {
        return Err(AppError::Invalid(f));
    }
    let settings = zhian_store::settings::UnitSettings { closed, cadences, names };
    Ok(state.store.set_unit_settings(unit_id, &settings, state.clock.now()).await?)
}

/// Records a suspension of business (停业): from, to (inclusive), why.
pub async fn add_suspension(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    from: &str,
    to: &str,
    reason: &str,
) -> Result<i64, AppError> {
    let mut f = FieldErrors::default();
    let from = f.date("from", "停业起始日", from);
    let to = f.date("to", "停业结束日", to);
    let reason = f.text("reason", "停业原因", reason, 200);
    let range = match (from, to) {
        (Some(a), Some(b)) => zhian_domain::DateRange::new(a, b).map_err(|e| f.add("to", e.to_string())).ok(),
        _ => None,
    };
    let Some(range) = range.filter(|_| f.is_empty()) else { return Err(AppError::Invalid(f)) };
    Ok(state.store.add_suspension(unit_id, range, &reason, ctx.user()?.id, state.clock.now()).await?)
}
