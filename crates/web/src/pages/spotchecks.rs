//! Random spot checks: the regulator's plans (publish, draw, exams, scores, results, orders), the public page of a
//! plan with its draw document, and the unit's rectification orders.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use zhian_domain::access::{Action, Decision, authorize};
use zhian_domain::forms::FieldErrors;
use zhian_domain::ident::mask_name;
use zhian_store::exams::Attempt;
use zhian_store::spotchecks::{Order, Plan};

use super::{Layout, PageResult, render};
use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::usecases::spotchecks::{self as usecase, PlanForm, ResultLine};

/// A plan's stage, as people read it.
fn stage(p: &Plan) -> &'static str {
    match (&p.seed, &p.results) {
        (_, Some(_)) => "已公示",
        (Some(_), None) => "已抽取，考核中",
        (None, None) => "已发布，待抽取",
    }
}

fn candidates_count(p: &Plan) -> usize {
    p.candidates.lines().count().saturating_sub(1)
}

#[derive(Template)]
#[template(path = "spot_checks.html")]
struct PlansPage {
    layout: Layout,
    plans: Vec<(Plan, &'static str, usize)>,
    jurisdictions: Vec<String>,
    categories: Vec<(String, String)>,
    form: PlanForm,
    errors: FieldErrors,
}

async fn plans_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: PlanForm,
    errors: FieldErrors,
) -> PageResult {
    let plans = state.store.plans_in(&ctx.subject.jurisdictions).await?;
    let categories = state
        .reference
        .catalogues
        .iter()
        .flat_map(|c| c.categories.iter().map(|cat| (cat.code.clone(), cat.name.clone())))
        .collect();
    let page = PlansPage {
        layout: Layout::new(ctx, "监督抽查"),
        plans: plans.into_iter().map(|p| (stage(&p), candidates_count(&p), p)).map(|(s, n, p)| (p, s, n)).collect(),
        jurisdictions: ctx.subject.jurisdictions.iter().map(ToString::to_string).collect(),
        categories,
        form,
        errors,
    };
    Ok(render(status, &page))
}

/// `GET /regulator/spot-checks`.
pub async fn list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    let form = PlanForm {
        division_code: ctx.subject.jurisdictions.first().map(ToString::to_string).unwrap_or_default(),
        sample_kind: "percent".into(),
        sample_value: "10".into(),
        people_per_unit: "1".into(),
        rectify_days: "30".into(),
        ..PlanForm::default()
    };
    plans_page(&state, &ctx, StatusCode::OK, form, FieldErrors::default()).await
}

/// `POST /regulator/spot-checks`: publishes a plan.
pub async fn create(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, fields: Fields) -> PageResult {
    let form = PlanForm {
        title: fields.get("title").into(),
        division_code: fields.get("division_code").into(),
        categories: fields.all("categories"),
        sample_kind: fields.get("sample_kind").into(),
        sample_value: fields.get("sample_value").into(),
        people_per_unit: fields.get("people_per_unit").into(),
        rectify_days: fields.get("rectify_days").into(),
    };
    match usecase::create_plan(&state, &ctx, &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/regulator/spot-checks/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            plans_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// One drawn person on the regulator's page: the attempt, the post, the exam link, the status.
struct Sitting {
    attempt: Attempt,
    unit_name: String,
    post: String,
    link: String,
    status: String,
}

#[derive(Template)]
#[template(path = "spot_check.html")]
struct PlanPage {
    layout: Layout,
    plan: Plan,
    stage: &'static str,
    candidates: usize,
    drawn_units: Vec<(String, String, usize)>,
    sittings: Vec<Sitting>,
    orders: Vec<(Order, &'static str)>,
    error: Option<String>,
}

fn order_status(o: &Order, today: chrono::NaiveDate) -> &'static str {
    match o.reported_at {
        Some(_) => "已整改",
        None if o.due < today => "逾期未整改",
        None => "整改中",
    }
}

async fn plan_page(state: &AppState, ctx: &Ctx, id: i64, status: StatusCode, error: Option<String>) -> PageResult {
    let plan = usecase::plan_for(state, ctx, id).await?;
    let list = zhian_domain::spotcheck::parse_list(&plan.candidates).unwrap_or_default();
    let name_of = |unit: i64| list.iter().find(|c| c.unit_id == unit).map(|c| c.name.clone()).unwrap_or_default();
    let drawn_units =
        plan.drawn.iter().flatten().map(|d| (name_of(d.unit_id), d.credit_code.clone(), d.people.len())).collect();
    let base = state.settings.public_url.clone().unwrap_or_default();
    let mut sittings = Vec::new();
    if let Some(exam) = plan.exam_id {
        for a in state.store.exam_attempts(exam).await? {
            let post = list
                .iter()
                .find(|c| c.unit_id == a.unit_id)
                .and_then(|c| c.people.iter().find(|(p, _)| *p == a.person_id))
                .map(|(_, post)| post.label())
                .unwrap_or_default()
                .to_owned();
            let link = format!("{base}/exam/{}", state.store.attempt_token(a.id).await?);
            let status = match (a.passed, a.mode.as_str(), a.started_at) {
                (Some(p), mode, _) => format!(
                    "{}（{} 分{}）",
                    if p { "合格" } else { "不合格" },
                    zhian_domain::exam::score::points_text(a.earned.unwrap_or_default()),
                    if mode == "paper" { "，纸质考试" } else { "" }
                ),
                (None, _, Some(_)) => "考试中".into(),
                (None, _, None) => "未开始".into(),
            };
            sittings.push(Sitting { unit_name: a.unit_name.clone(), post, link, status, attempt: a });
        }
    }
    let today = state.clock.today();
    let orders =
        state.store.plan_orders(id).await?.into_iter().map(|o| (order_status(&o, today), o)).map(|(s, o)| (o, s));
    let page = PlanPage {
        layout: Layout::new(ctx, &plan.title),
        stage: stage(&plan),
        candidates: candidates_count(&plan),
        drawn_units,
        sittings,
        orders: orders.collect(),
        plan,
        error,
    };
    Ok(render(status, &page))
}

/// `GET /regulator/spot-checks/{plan_id}`.
pub async fn show(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> PageResult {
    plan_page(&state, &ctx, id, StatusCode::OK, None).await
}

/// Back to the plan after a step, or the plan with the step's refusal.
async fn after(state: &AppState, ctx: &Ctx, id: i64, result: Result<(), AppError>) -> PageResult {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/regulator/spot-checks/{id}")).into_response()),
        Err(AppError::Invalid(e)) => {
            let message = e.0.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("；");
            plan_page(state, ctx, id, StatusCode::UNPROCESSABLE_ENTITY, Some(message)).await
        }
        Err(AppError::Conflict(m)) => plan_page(state, ctx, id, StatusCode::CONFLICT, Some(m)).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /regulator/spot-checks/{plan_id}/draw`.
pub async fn draw(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> PageResult {
    let result = usecase::draw(&state, &ctx, id).await;
    after(&state, &ctx, id, result).await
}

/// `POST /regulator/spot-checks/{plan_id}/scores`: a score from an exam on paper.
pub async fn score(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    fields: Fields,
) -> PageResult {
    let result = usecase::enter_score(&state, &ctx, id, fields.get("attempt_id"), fields.get("score")).await;
    after(&state, &ctx, id, result).await
}

/// `POST /regulator/spot-checks/{plan_id}/publish`.
pub async fn publish(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> PageResult {
    let result = usecase::publish(&state, &ctx, id).await;
    after(&state, &ctx, id, result).await
}

#[derive(Template)]
#[template(path = "spot_check_public.html")]
struct PublicPage {
    layout: Layout,
    plan: Plan,
    division: String,
    candidates: usize,
    drawn_units: Vec<(String, String)>,
    results: Vec<ResultLine>,
    published_at: String,
    drawn_at: String,
}

/// `GET /spot-checks/{plan_id}`: for anyone, no sign-in — the commitment, the frozen list's hash, the draw and the
/// results with masked names; never an ID number.
pub async fn public(State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    let plan = state.store.plan(id).await?.ok_or(AppError::NotFound)?;
    let list = zhian_domain::spotcheck::parse_list(&plan.candidates).unwrap_or_default();
    let drawn_units = plan
        .drawn
        .iter()
        .flatten()
        .map(|d| {
            (
                list.iter().find(|c| c.unit_id == d.unit_id).map(|c| c.name.clone()).unwrap_or_default(),
                d.credit_code.clone(),
            )
        })
        .collect();
    let division = zhian_domain::ident::DivisionCode::parse(&plan.division_code)
        .ok()
        .and_then(|d| state.reference.division(d))
        .map(|d| format!("{}（{}）", d.name, d.code))
        .unwrap_or_else(|| plan.division_code.clone());
    let page = PublicPage {
        layout: Layout { title: plan.title.clone(), ..Layout::default() },
        division,
        candidates: candidates_count(&plan),
        drawn_units,
        results: usecase::results(&plan),
        published_at: plan.published_at.map(crate::view::local).unwrap_or_default(),
        drawn_at: plan.drawn_at.map(crate::view::local).unwrap_or_default(),
        plan,
    };
    Ok(render(StatusCode::OK, &page))
}

/// `GET /spot-checks/{plan_id}/draw.json`: the draw document `zhian draw verify` reads.
pub async fn draw_json(State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    let plan = state.store.plan(id).await?.ok_or(AppError::NotFound)?;
    let body =
        serde_json::to_vec_pretty(&usecase::draw_record(&plan)).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"zhian-draw-{id}.json\"")),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "rectifications.html")]
struct OrdersPage {
    layout: Layout,
    unit_id: i64,
    can_report: bool,
    orders: Vec<(Order, &'static str, String, String)>,
    errors: FieldErrors,
    failed_order: i64,
}

async fn orders_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    errors: FieldErrors,
    failed_order: i64,
    notice: Option<String>,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    let mut layout = Layout::for_unit(state, ctx, "整改通知").await?;
    layout.notice = notice;
    let today = state.clock.today();
    let orders = state
        .store
        .unit_orders(unit_id)
        .await?
        .into_iter()
        .map(|o| {
            let status = order_status(&o, today);
            let name = o.person_name.as_deref().map(mask_name).unwrap_or_default();
            let issued = crate::view::local(o.created_at);
            (o, status, name, issued)
        })
        .collect();
    let page = OrdersPage {
        layout,
        unit_id,
        can_report: authorize(&ctx.subject, Action::ManagePeople, ctx.unit) == Decision::Allow,
        orders,
        errors,
        failed_order,
    };
    Ok(render(status, &page))
}

/// `GET /units/{unit_id}/rectifications`.
pub async fn unit_orders(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> PageResult {
    orders_page(&state, &ctx, StatusCode::OK, FieldErrors::default(), 0, None).await
}

/// `POST /units/{unit_id}/rectifications/{order_id}/report`.
pub async fn report(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((_, order_id)): Path<(i64, i64)>,
    fields: Fields,
) -> PageResult {
    let unit_id = ctx.unit_id()?;
    match usecase::report_fix(&state, &ctx, unit_id, order_id, fields.get("kind"), fields.get("text")).await {
        Ok(()) => {
            orders_page(&state, &ctx, StatusCode::OK, FieldErrors::default(), 0, Some("已报告整改完成".into())).await
        }
        Err(AppError::Invalid(errors)) => {
            orders_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, errors, order_id, None).await
        }
        Err(e) => Err(e.into()),
    }
}
