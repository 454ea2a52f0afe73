//! Onboarding a unit, its profile, what the rules make of it, its rhythm and suspensions.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use chrono::NaiveDate;
use zhian_domain::access::Post;
use zhian_domain::forms::{FieldErrors, UnitForm, UnitInfo};
use zhian_domain::scope::{Assessment, Category3Policy, Channel, UnitProfile, assess};
use zhian_domain::staffing::{Staffing, Tenure};
use zhian_store::Founder;
use zhian_store::models::{Appointment, Duties, DutyKind, ProductRef, RiskRow, Unit};

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
pub(crate) fn check_unit(
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
    let duties = duties_of(state, &info, &refs, Category3Policy::Seed);
    let unit_id = state.store.create_unit(&info, &refs, duties, &founder, now).await?;
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
    let duties = duties_of(state, &info, &refs, policy);
    state.store.update_unit(unit_id, &info, &refs, policy, duties, state.clock.now()).await?;
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

/// The scope assessment of a unit's profile, as every page and figure makes it.
#[must_use]
pub fn assessment_of(
    reference: &zhian_reference::Reference,
    (channel, employees, revenue_yuan): (Channel, u64, u64),
    codes: &[String],
    policy: Category3Policy,
) -> Assessment {
    let profile = UnitProfile { channel, employees, revenue_yuan, products: reference.products_of(codes) };
    assess(&profile, policy)
}

/// The duties a unit's profile gives it, kept with the unit.
pub fn duties_of(state: &AppState, info: &UnitInfo, refs: &[ProductRef], policy: Category3Policy) -> Duties {
    let codes: Vec<String> = refs.iter().map(|r| r.category_code.clone()).collect();
    Duties::from(&assessment_of(&state.reference, (info.channel, info.employees, info.revenue_yuan), &codes, policy))
}

/// Reassesses every unit against the reference as it stands (a new catalogue, or units from before duties were
/// kept) and stores the duties that changed; the tallies follow their scope. Returns how many changed.
pub async fn refresh_duties(state: &AppState) -> Result<usize, AppError> {
    let changes: Vec<(i64, Duties)> = state
        .store
        .unit_profiles()
        .await?
        .into_iter()
        .filter_map(|row| {
            let profile = (row.channel, row.employees, row.revenue_yuan);
            let duties = Duties::from(&assessment_of(&state.reference, profile, &row.products, row.policy));
            (row.duties != Some(duties)).then_some((row.unit_id, duties))
        })
        .collect();
    state.store.reassess(&changes, state.clock.now()).await?;
    Ok(changes.len())
}

/// Loads a unit and evaluates it.
pub async fn overview(state: &AppState, unit_id: i64) -> Result<Overview, AppError> {
    let unit = state.store.unit(unit_id).await?.ok_or(AppError::NotFound)?;
    let codes: Vec<String> = unit.products.iter().map(|p| p.category_code.clone()).collect();
    let assessment = assessment_of(
        &state.reference,
        (unit.channel, unit.employees, unit.revenue_yuan),
        &codes,
        unit.category3_policy,
    );
    let appointments = state.store.appointments(unit_id).await?;
    let tenures: Vec<Tenure> = appointments.iter().map(|a| Tenure { post: a.post, from: a.from, to: a.to }).collect();
    let staffing = Staffing::tally(&assessment, &tenures, state.clock.today());
    Ok(Overview { unit, assessment, staffing, appointments })
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
    let registered_at = state.store.unit_registered_at(unit_id).await?;
    let settings = zhian_store::settings::UnitSettings { closed, cadences, names, registered_at };
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
