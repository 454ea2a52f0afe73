//! `zhian assess`: scope, size class and staffing of one unit.

use std::io::Write;

use serde::Serialize;
use zhian_domain::scope::{Category3Policy, Channel, ProductClass, Products, UnitProfile, assess};

use crate::args::AssessArgs;
use crate::error::{CmdResult, Failure, io_failure};

/// The JSON shape of an assessment, a stable interface.
#[derive(Serialize)]
struct AssessmentJson {
    in_scope: bool,
    scale: &'static str,
    director_required: bool,
    officer_required: bool,
    basis: Vec<String>,
}

pub fn run(a: &AssessArgs, out: &mut dyn Write) -> CmdResult {
    let channel = Channel::parse(&a.channel)
        .ok_or_else(|| Failure::bad_value("--channel", &a.channel, "应为 wholesale（批发）或 retail（零售）"))?;
    let unit = UnitProfile {
        channel,
        employees: count("--employees", &a.employees)?,
        revenue_yuan: count("--revenue-yuan", &a.revenue_yuan)?,
        products: products(&a.products)?,
    };
    let policy = Category3Policy::parse(&a.category3)
        .ok_or_else(|| Failure::bad_value("--category3", &a.category3, "应为 seed 或 catalogue"))?;
    let result = assess(&unit, policy);
    if a.json {
        let json = AssessmentJson {
            in_scope: result.in_scope,
            scale: result.scale.code(),
            director_required: result.director_required,
            officer_required: result.officer_required,
            basis: result.basis.iter().map(ToString::to_string).collect(),
        };
        let text = serde_json::to_string(&json).map_err(|e| Failure::BadInput(e.to_string()))?;
        writeln!(out, "{text}").map_err(io_failure)?;
        return Ok(0);
    }
    let yes_no = |b: bool| if b { "须配备" } else { "无须配备" };
    let mut text = format!(
        "适用《规定》：{}\n规模：{}{}销售单位\n质量安全总监：{}\n质量安全员：{}\n依据：\n",
        if result.in_scope { "是" } else { "否" },
        result.scale.label(),
        channel.label(),
        yes_no(result.director_required),
        if result.officer_required { "须配备（至少一名）" } else { "无须配备" },
    );
    for (i, b) in result.basis.iter().enumerate() {
        text.push_str(&format!("  {}. {b}\n", i + 1));
    }
    out.write_all(text.as_bytes()).map_err(io_failure)?;
    Ok(0)
}

/// A non-negative integer written with ASCII digits only.
pub fn count(arg: &str, value: &str) -> Result<u64, Failure> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Failure::bad_value(arg, value, "须为非负整数"));
    }
    value.parse().map_err(|_| Failure::bad_value(arg, value, "数值过大"))
}

/// `none`, or a comma-separated list of product class codes.
fn products(list: &str) -> Result<Products, Failure> {
    if list == "none" {
        return Ok(Products::none());
    }
    list.split(',')
        .map(|item| {
            ProductClass::parse(item).ok_or_else(|| {
                Failure::bad_value(
                    "--products",
                    list,
                    format!(
                        "未知的产品类别 \"{item}\"，应为 none，或 licence、ccc、gb-safety 中的一项或多项（逗号分隔）"
                    ),
                )
            })
        })
        .collect()
}
