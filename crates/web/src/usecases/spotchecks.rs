//! Random supervisory spot checks, the regulator's side and the unit's: publishing a plan (frozen list and seed
//! commitment), the draw, the exam for each drawn person (online by link, or a score entered after an exam on
//! paper), publishing the results with masked names, rectification orders and the unit's report of the fix.

use serde::Serialize;
use zhian_domain::access::Post;
use zhian_domain::exam::score::points_text;
use zhian_domain::forms::FieldErrors;
use zhian_domain::ident::{DivisionCode, mask_name};
use zhian_domain::spotcheck::{self, DrawRecord, Sample};
use zhian_store::exams::{Attempt, Marked};
use zhian_store::spotchecks::{NewOrder, NewPlan, Plan};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;

/// A plan as typed.
#[derive(Debug, Clone, Default)]
pub struct PlanForm {
    /// Title.
    pub title: String,
    /// Jurisdiction code.
    pub division_code: String,
    /// Catalogue category codes (none: any).
    pub categories: Vec<String>,
    /// `count` or `percent`.
    pub sample_kind: String,
    /// The number or the percentage.
    pub sample_value: String,
    /// People per unit.
    pub people_per_unit: String,
    /// Days to rectify.
    pub rectify_days: String,
}

fn number(e: &mut FieldErrors, field: &str, label: &str, value: &str, range: std::ops::RangeInclusive<u32>) -> u32 {
    match value.trim().parse::<u32>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            e.add(field, format!("{label}应为 {} 至 {} 的整数", range.start(), range.end()));
            0
        }
    }
}

/// A plan of the caller's jurisdictions, or not found.
pub async fn plan_for(state: &AppState, ctx: &Ctx, id: i64) -> Result<Plan, AppError> {
    let plan = state.store.plan(id).await?.ok_or(AppError::NotFound)?;
    let division = DivisionCode::parse(&plan.division_code).map_err(|e| AppError::Internal(e.to_string()))?;
    if !ctx.subject.jurisdictions.iter().any(|j| j.contains(division)) {
        return Err(AppError::NotFound);
    }
    Ok(plan)
}

/// Publishes a plan: checks the form, freezes the candidate list, commits to a fresh seed — all on the log.
pub async fn create_plan(state: &AppState, ctx: &Ctx, form: &PlanForm) -> Result<i64, AppError> {
    let mut e = FieldErrors::default();
    let title = e.text("title", "抽查名称", &form.title, 100);
    let division = match DivisionCode::parse(&form.division_code) {
        Ok(d) if !ctx.subject.jurisdictions.iter().any(|j| j.contains(d)) => {
            e.add("division_code", format!("{d} 不在本账号的辖区内"));
            None
        }
        Ok(d) if state.reference.division(d).is_none() => {
            e.add("division_code", format!("行政区划代码 {d} 不在区划表中"));
            None
        }
        Ok(d) => Some(d),
        Err(err) => {
            e.add("division_code", format!("行政区划代码无效：{err}"));
            None
        }
    };
    let mut categories = Vec::new();
    for c in form.categories.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if state.reference.category(c).is_none() {
            e.add("categories", format!("产品类别 {c} 不在产品目录中"));
        } else if !categories.iter().any(|x: &String| x == c) {
            categories.push(c.to_owned());
        }
    }
    let sample = match form.sample_kind.as_str() {
        "percent" => Sample::Percent(number(&mut e, "sample_value", "抽查比例（%）", &form.sample_value, 1..=100)),
        "count" => Sample::Count(number(&mut e, "sample_value", "抽查单位数", &form.sample_value, 1..=10_000)),
        _ => {
            e.add("sample_kind", "请选择按比例或按数量抽取");
            Sample::Count(0)
        }
    };
    let people = number(&mut e, "people_per_unit", "每家单位抽查人数", &form.people_per_unit, 1..=10);
    let rectify_days = number(&mut e, "rectify_days", "整改期限（天）", &form.rectify_days, 1..=180);
    let (Some(division), true) = (division, e.is_empty()) else { return Err(AppError::Invalid(e)) };
    let mut seed = [0u8; 32];
    state.entropy.fill(&mut seed);
    let blueprint = serde_json::to_string(&state.settings.blueprint).map_err(|e| AppError::Internal(e.to_string()))?;
    let plan = NewPlan {
        title: &title,
        division,
        categories: &categories,
        sample,
        people_per_unit: people,
        blueprint: &blueprint,
        rectify_days,
        seed: &seed,
        day: state.clock.today(),
    };
    Ok(state.store.create_plan(&plan, ctx.user()?.id, state.clock.now()).await?)
}

/// Draws a published plan: reveals the seed, draws units and people, sets the exam and an attempt for each drawn
/// person. Drawing again changes nothing; a missing attempt is made again.
pub async fn draw(state: &AppState, ctx: &Ctx, id: i64) -> Result<(), AppError> {
    let plan = plan_for(state, ctx, id).await?;
    let by = ctx.user()?.id;
    if plan.seed.is_none() {
        let seed = state.store.plan_seed(id).await?;
        let list = spotcheck::parse_list(&plan.candidates).map_err(|e| AppError::Internal(e.to_string()))?;
        let drawn = spotcheck::draw(&seed, &list, plan.sample, plan.people_per_unit);
        let version =
            state.store.bank_version().await?.ok_or_else(|| AppError::Conflict("题库为空，无法组卷".into()))?;
        let exam = state.store.create_exam(None, &plan.title, &plan.blueprint, version, by, state.clock.now()).await?;
        state.store.record_draw(id, &seed, &drawn, exam, state.clock.now()).await?;
    }
    let plan = plan_for(state, ctx, id).await?;
    let (Some(exam), Some(drawn)) = (plan.exam_id, plan.drawn.as_ref()) else { return Ok(()) };
    let existing = state.store.exam_attempts(exam).await?;
    let blueprint: zhian_domain::exam::Blueprint =
        serde_json::from_str(&plan.blueprint).map_err(|e| AppError::Internal(e.to_string()))?;
    for unit in drawn {
        for person in &unit.people {
            if existing.iter().any(|a| a.person_id == *person) {
                continue;
            }
            super::exams::set_attempt(state, by, exam, unit.unit_id, *person, &blueprint).await?;
        }
    }
    Ok(())
}

/// Enters the score of an exam taken on paper (or 0 for someone absent: 缺考).
pub async fn enter_score(state: &AppState, ctx: &Ctx, id: i64, attempt_id: &str, score: &str) -> Result<(), AppError> {
    let plan = plan_for(state, ctx, id).await?;
    let exam = plan.exam_id.ok_or_else(|| AppError::Conflict("尚未抽取".into()))?;
    let attempt_id: i64 = attempt_id.trim().parse().map_err(|_| AppError::BadRequest("考生无效".into()))?;
    let attempt =
        state.store.exam_attempts(exam).await?.into_iter().find(|a| a.id == attempt_id).ok_or(AppError::NotFound)?;
    let blueprint: zhian_domain::exam::Blueprint =
        serde_json::from_str(&plan.blueprint).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut e = FieldErrors::default();
    let total = blueprint.total();
    let tenths = match score.trim().parse::<f64>() {
        Ok(s) if (0.0..=f64::from(total)).contains(&s) && (s * 10.0).fract() == 0.0 => (s * 10.0) as u32,
        _ => {
            e.add("score", format!("成绩应为 0 至 {total} 的数，最多一位小数"));
            0
        }
    };
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    if attempt.submitted_at.is_some() {
        return Err(AppError::Conflict(format!("{}的成绩已记录，不能更改", attempt.person_name)));
    }
    let marked = Marked {
        earned: tenths,
        possible: total * 10,
        passed: tenths >= blueprint.pass_mark * 10,
        areas: "[]",
        answers: "[]",
        timed_out: false,
        at: state.clock.now(),
        on_paper: true,
    };
    state.store.finish_attempt(attempt.id, &marked, state.clock.now()).await?;
    Ok(())
}

/// One line of the published results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultLine {
    /// The unit's name.
    pub unit: String,
    /// Its credit code.
    pub credit_code: String,
    /// The post (质量安全总监 / 质量安全员), or "" for a unit with no one in post.
    pub post: String,
    /// The name, masked.
    pub name: String,
    /// The score, as text ("" for none).
    pub score: String,
    /// 合格 / 不合格 / 未配备质量安全管理人员.
    pub result: String,
}

/// The post a drawn person held, from the frozen list.
fn post_of(plan: &Plan, unit_id: i64, person: i64) -> Option<Post> {
    let list = spotcheck::parse_list(&plan.candidates).ok()?;
    list.into_iter()
        .find(|c| c.unit_id == unit_id)?
        .people
        .into_iter()
        .find(|(p, _)| *p == person)
        .map(|(_, post)| post)
}

/// Publishes the results once every drawn person is marked, with an order to rectify for each failure.
pub async fn publish(state: &AppState, ctx: &Ctx, id: i64) -> Result<(), AppError> {
    let plan = plan_for(state, ctx, id).await?;
    let (Some(exam), Some(drawn)) = (plan.exam_id, plan.drawn.as_ref()) else {
        return Err(AppError::Conflict("尚未抽取，不能公示".into()));
    };
    let attempts = state.store.exam_attempts(exam).await?;
    let open: Vec<&Attempt> = attempts.iter().filter(|a| a.submitted_at.is_none()).collect();
    if !open.is_empty() {
        let names: Vec<&str> = open.iter().map(|a| a.person_name.as_str()).collect();
        return Err(AppError::Conflict(format!(
            "尚有 {} 人未完成考核（{}）；缺考的请录入成绩 0 分后再公示",
            open.len(),
            names.join("、")
        )));
    }
    let due = state.clock.today() + chrono::Duration::days(i64::from(plan.rectify_days));
    let mut lines = Vec::new();
    let mut orders = Vec::new();
    let units = state.store.units_named(&drawn.iter().map(|d| d.unit_id).collect::<Vec<_>>()).await?;
    for d in drawn {
        let unit = units.iter().find(|(u, _)| *u == d.unit_id).map(|(_, n)| n.clone()).unwrap_or_default();
        if d.people.is_empty() {
            lines.push(ResultLine {
                unit: unit.clone(),
                credit_code: d.credit_code.clone(),
                post: String::new(),
                name: String::new(),
                score: String::new(),
                result: "未配备质量安全管理人员".into(),
            });
            orders.push(NewOrder {
                unit_id: d.unit_id,
                person_id: None,
                attempt_id: None,
                reason: "抽查时未配备质量安全总监或质量安全员，应立即按规定配备并经培训考核合格".into(),
                due,
            });
            continue;
        }
        for person in &d.people {
            let Some(a) = attempts.iter().find(|a| a.person_id == *person) else { continue };
            let post = post_of(&plan, d.unit_id, *person).map(|p| p.label()).unwrap_or_default().to_owned();
            let passed = a.passed == Some(true);
            let score = points_text(a.earned.unwrap_or_default());
            lines.push(ResultLine {
                unit: unit.clone(),
                credit_code: d.credit_code.clone(),
                post: post.clone(),
                name: mask_name(&a.person_name),
                score: score.clone(),
                result: if passed { "合格" } else { "不合格" }.into(),
            });
            if !passed {
                orders.push(NewOrder {
                    unit_id: d.unit_id,
                    person_id: Some(*person),
                    attempt_id: Some(a.id),
                    reason: format!(
                        "{post}{}监督抽查考核不合格（{score} 分），不再符合岗位要求；应立即整改：重新培训并考核合格，或另行任命",
                        a.person_name
                    ),
                    due,
                });
            }
        }
    }
    let results = serde_json::to_string(&lines).map_err(|e| AppError::Internal(e.to_string()))?;
    if !state.store.publish_results(id, &results, &orders, ctx.user()?.id, state.clock.now()).await? {
        return Err(AppError::Conflict("结果已公示".into()));
    }
    Ok(())
}

/// The published document of a plan's draw, for `zhian draw verify`.
pub fn draw_record(plan: &Plan) -> DrawRecord {
    DrawRecord {
        version: 1,
        plan: plan.id,
        sample: plan.sample,
        people_per_unit: plan.people_per_unit,
        commitment: plan.commitment.clone(),
        list_sha256: plan.list_sha256.clone(),
        candidates: plan.candidates.clone(),
        seed: plan.seed.clone(),
        drawn: plan.drawn.clone(),
    }
}

/// The published results of a plan.
pub fn results(plan: &Plan) -> Vec<ResultLine> {
    #[derive(serde::Deserialize)]
    struct Line {
        unit: String,
        credit_code: String,
        post: String,
        name: String,
        score: String,
        result: String,
    }
    let lines: Vec<Line> = plan.results.as_deref().and_then(|r| serde_json::from_str(r).ok()).unwrap_or_default();
    lines
        .into_iter()
        .map(|l| ResultLine {
            unit: l.unit,
            credit_code: l.credit_code,
            post: l.post,
            name: l.name,
            score: l.score,
            result: l.result,
        })
        .collect()
}

/// The unit reports the fix of an order: `retrained` needs the person's passed exam after the order;
/// `replaced` needs someone else appointed to a director or officer post after it (and for an order about a
/// person, that person no longer in that post).
pub async fn report_fix(
    state: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    order_id: i64,
    kind: &str,
    text: &str,
) -> Result<(), AppError> {
    let order =
        state.store.unit_orders(unit_id).await?.into_iter().find(|o| o.id == order_id).ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::default();
    let text = e.text("text", "整改情况说明", text, 500);
    let mut attempt_id = None;
    match kind {
        "retrained" => match order.person_id {
            None => e.add("kind", "该通知是未配备人员，请选择“另行任命”"),
            Some(person) => {
                let passed = state.store.attempts(unit_id).await?.into_iter().find(|a| {
                    a.person_id == person
                        && a.passed == Some(true)
                        && a.submitted_at.is_some_and(|t| t >= order.created_at)
                });
                match passed {
                    Some(a) => attempt_id = Some(a.id),
                    None => e.add(
                        "kind",
                        format!(
                            "{}在整改通知之后尚无考核合格记录，请先在“培训考核”中安排重新考核",
                            order.person_name.clone().unwrap_or_default()
                        ),
                    ),
                }
            }
        },
        "replaced" => {
            let today = state.clock.today();
            let now_in_post = state.store.appointments(unit_id).await?;
            let fresh = now_in_post.iter().any(|a| {
                matches!(a.post, Post::Director | Post::Officer)
                    && Some(a.person_id) != order.person_id
                    && a.to.is_none_or(|to| to >= today)
                    && a.from
                        >= zhian_domain::time::date_of_day(zhian_domain::time::day_of_instant(order.created_at))
                            .unwrap_or(today)
            });
            let still = order.person_id.is_some_and(|p| {
                now_in_post.iter().any(|a| {
                    // An appointment whose end is recorded counts as ended, whatever its last day.
                    a.person_id == p && matches!(a.post, Post::Director | Post::Officer) && a.to.is_none()
                })
            });
            if !fresh {
                e.add("kind", "整改通知之后尚未另行任命质量安全总监或质量安全员，请先在“人员与任命”中任命");
            } else if still {
                e.add("kind", "不合格人员仍在岗，请先在“人员与任命”中办理离任");
            }
        }
        _ => e.add("kind", "请选择整改方式"),
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    if !state
        .store
        .report_rectification(order_id, unit_id, kind, &text, attempt_id, ctx.user()?.id, state.clock.now())
        .await?
    {
        return Err(AppError::Conflict("该整改通知已报告整改完成".into()));
    }
    Ok(())
}
