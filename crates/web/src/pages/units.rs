//! Onboarding, the unit's profile and its dashboard.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use zhian_domain::Tier;
use zhian_domain::access::{Action, Decision, Post, authorize};
use zhian_domain::forms::{FieldErrors, UnitForm};
use zhian_domain::scope::Category3Policy;

use super::{Layout, PageResult, render};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::usecases::{self, Overview};
use crate::{AppState, view};

/// A catalogue's in-force categories, for the checkboxes.
pub struct CatalogueView {
    title: String,
    version: String,
    open: bool,
    categories: Vec<(String, String, String)>,
}

fn catalogue_views(state: &AppState, selected: &[String]) -> Vec<CatalogueView> {
    let today = state.clock.today();
    state
        .reference
        .catalogues
        .iter()
        .map(|c| {
            let categories: Vec<(String, String, String)> = c
                .categories
                .iter()
                .filter(|cat| cat.in_force(today))
                .map(|cat| {
                    let mut hint = cat.products.iter().take(4).cloned().collect::<Vec<_>>().join("、");
                    if cat.products.len() > 4 {
                        hint.push('等');
                    }
                    (cat.code.clone(), cat.name.clone(), hint)
                })
                .collect();
            let open = categories.iter().any(|(code, _, _)| selected.contains(code));
            CatalogueView { title: c.title.clone(), version: c.version.clone(), open, categories }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "unit_form.html")]
struct UnitFormPage {
    layout: Layout,
    creating: bool,
    action: String,
    form: UnitForm,
    principal_name: String,
    policy: String,
    selected: Vec<String>,
    catalogues: Vec<CatalogueView>,
    errors: FieldErrors,
}

fn unit_form(fields: &Fields) -> UnitForm {
    UnitForm {
        name: fields.get("name").to_owned(),
        credit_code: fields.get("credit_code").to_owned(),
        address: fields.get("address").to_owned(),
        division_code: fields.get("division_code").to_owned(),
        channel: fields.get("channel").to_owned(),
        employees: fields.get("employees").to_owned(),
        revenue_yuan: fields.get("revenue_yuan").to_owned(),
    }
}

/// `GET /units/new`.
pub async fn new_form(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    let principal_name = ctx.user()?.display_name.clone();
    let page = UnitFormPage {
        layout: Layout::new(&ctx, "登记单位"),
        creating: true,
        action: "/units/new".into(),
        form: UnitForm::default(),
        principal_name,
        policy: "seed".into(),
        selected: Vec::new(),
        catalogues: catalogue_views(&state, &[]),
        errors: FieldErrors::default(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// `POST /units/new`: creates the unit and goes to its dashboard, or shows the form again with the errors.
pub async fn create(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let form = unit_form(&fields);
    let selected = fields.all("categories");
    let principal_name = fields.get("principal_name").to_owned();
    match usecases::create_unit(&state, &ctx, &form, &selected, &principal_name).await {
        Ok(id) => Ok(Redirect::to(&format!("/units/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = UnitFormPage {
                layout: Layout::new(&ctx, "登记单位"),
                creating: true,
                action: "/units/new".into(),
                catalogues: catalogue_views(&state, &selected),
                form,
                principal_name,
                policy: "seed".into(),
                selected,
                errors,
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// One tier's current slot: (tier, period, status label, style, where its records are).
type DueRow = (&'static str, String, &'static str, &'static str, String);

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    o: Overview,
    channel: &'static str,
    scale: &'static str,
    revenue: String,
    basis: Vec<String>,
    gaps: Vec<String>,
    principals: String,
    directors: String,
    officers: String,
    risk_version: Option<i64>,
    can_edit_profile: bool,
    steps: Vec<(&'static str, bool, String)>,
    due: Vec<DueRow>,
    missing_recent: u32,
    late_recent: u32,
    tasks: Vec<(String, String, String, bool)>,
    open_hazards: u32,
    overdue_hazards: u32,
    notifications: Vec<(i64, String)>,
    vetoes_waiting: u32,
    vetoes_escalated: u32,
    open_orders: usize,
}

fn names(v: Vec<String>) -> String {
    if v.is_empty() { "—".to_owned() } else { v.join("、") }
}

/// `GET /units/{unit_id}`: what applies, what is staffed, what is missing.
pub async fn dashboard(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let o = usecases::overview(&state, unit_id).await?;
    let today = state.clock.today();
    let can_edit_profile = authorize(&ctx.subject, Action::EditUnitProfile, ctx.unit) == Decision::Allow;
    let after = chrono::Duration::hours(state.settings.veto_escalation_hours);
    let counts = state.store.dashboard_counts(unit_id, today, state.clock.now() - after).await?;
    let (passed, risk_version) = (counts.passed_assessment, counts.risk_version);
    let base = format!("/units/{unit_id}");
    let steps = vec![
        ("登记单位信息与产品类别", true, format!("{base}/profile")),
        ("录入人员，记录其培训考核结果", passed, format!("{base}/training")),
        ("任命质量安全总监、质量安全员", o.staffing.is_staffed(), format!("{base}/people")),
        ("确认风险管控清单", risk_version.is_some(), format!("{base}/risk-list")),
        ("确认岗位职责", true, format!("{base}/duties")),
    ];
    let mut layout = Layout::new(&ctx, &o.unit.name);
    layout.unit = Some((o.unit.id, o.unit.name.clone()));
    let recent =
        usecases::unit_calendar(&state, unit_id, today - chrono::Duration::days(29), today, &Tier::ALL).await?;
    let now = state.clock.now().timestamp();
    let due = Tier::ALL
        .iter()
        .filter_map(|&tier| recent.slots.iter().rev().find(|s| s.tier == tier && s.window.start <= now))
        .map(|s| {
            let list = match s.tier {
                Tier::Daily => "checks",
                Tier::Weekly => "reviews",
                Tier::Monthly => "meetings",
            };
            (s.tier.label(), s.period.to_string(), s.status.label(), view::slot_css(s.status), format!("{base}/{list}"))
        })
        .collect();
    let count = |status| Tier::ALL.iter().map(|&t| recent.summary.count(t, status)).sum();
    let tasks = state
        .store
        .open_tasks(unit_id)
        .await?
        .into_iter()
        .take(10)
        .map(|t| (t.work, t.owner, t.due.to_string(), t.due < today))
        .collect();
    let user_id = ctx.user()?.id;
    let notifications = state
        .store
        .notifications(user_id)
        .await?
        .into_iter()
        .filter(|n| n.unit_id == unit_id)
        .map(|n| (n.id, n.message))
        .collect();
    let open_orders = state.store.unit_orders(unit_id).await?.iter().filter(|o| o.reported_at.is_none()).count();
    let page = DashboardPage {
        open_orders,
        vetoes_waiting: counts.vetoes_waiting,
        vetoes_escalated: counts.vetoes_escalated,
        due,
        missing_recent: count(zhian_domain::SlotStatus::Missing),
        late_recent: count(zhian_domain::SlotStatus::Late),
        tasks,
        open_hazards: counts.open_hazards,
        overdue_hazards: counts.overdue_hazards,
        notifications,
        layout,
        channel: o.unit.channel.label(),
        scale: o.assessment.scale.label(),
        revenue: view::yuan(o.unit.revenue_yuan),
        basis: o.assessment.basis.iter().map(ToString::to_string).collect(),
        gaps: o.staffing.gaps(),
        principals: names(o.holders(Post::Principal, today)),
        directors: names(o.holders(Post::Director, today)),
        officers: names(o.holders(Post::Officer, today)),
        risk_version,
        can_edit_profile,
        steps,
        o,
    };
    Ok(render(StatusCode::OK, &page))
}

/// `GET /units/{unit_id}/profile`.
pub async fn profile_form(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    let unit = state.store.unit(ctx.unit_id()?).await?.ok_or(AppError::NotFound)?;
    let selected: Vec<String> = unit.products.iter().map(|p| p.category_code.clone()).collect();
    let page = UnitFormPage {
        layout: Layout::for_unit(&state, &ctx, "单位信息").await?,
        creating: false,
        action: format!("/units/{}/profile", unit.id),
        form: UnitForm {
            name: unit.name.clone(),
            credit_code: unit.credit_code.clone(),
            address: unit.address.clone(),
            division_code: unit.division.to_string(),
            channel: unit.channel.code().to_owned(),
            employees: unit.employees.to_string(),
            revenue_yuan: unit.revenue_yuan.to_string(),
        },
        principal_name: String::new(),
        policy: match unit.category3_policy {
            Category3Policy::Seed => "seed".into(),
            Category3Policy::Catalogue => "catalogue".into(),
        },
        catalogues: catalogue_views(&state, &selected),
        selected,
        errors: FieldErrors::default(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// `POST /units/{unit_id}/profile`.
pub async fn update_profile(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    fields: Fields,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let form = unit_form(&fields);
    let selected = fields.all("categories");
    let policy_code = fields.get("category3_policy").to_owned();
    let policy = Category3Policy::parse(&policy_code).unwrap_or_default();
    match usecases::update_unit(&state, unit_id, &form, &selected, policy).await {
        Ok(()) => Ok(Redirect::to(&format!("/units/{unit_id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = UnitFormPage {
                layout: Layout::for_unit(&state, &ctx, "单位信息").await?,
                creating: false,
                action: format!("/units/{unit_id}/profile"),
                catalogues: catalogue_views(&state, &selected),
                form,
                principal_name: String::new(),
                policy: policy_code,
                selected,
                errors,
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
