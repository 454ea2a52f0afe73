//! The versioned risk control list and duty texts.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use zhian_domain::access::Post;
use zhian_domain::forms::FieldErrors;
use zhian_store::models::{DutyKind, RiskRow};

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
