//! `zhian cadence check`: may a custom cadence replace a tier's default?

use std::io::Write;

use zhian_domain::{Cadence, Tier};

use crate::args::CadenceCheckArgs;
use crate::error::{CmdResult, Failure, io_failure};

pub fn run(a: &CadenceCheckArgs, out: &mut dyn Write) -> CmdResult {
    let tier = tier("--tier", &a.tier)?;
    let cadence: Cadence = a.every.parse().map_err(|e| Failure::BadInput(format!("--every：{e}")))?;
    let (line, code) = match cadence.check(tier) {
        Ok(()) => (format!("有效：{cadence} 不低于{}的法定频次，可替代默认周期", tier.label()), 0),
        Err(why) => (format!("无效：{why}"), 1),
    };
    writeln!(out, "{line}").map_err(io_failure)?;
    Ok(code)
}

/// A tier code, or a failure naming the argument.
pub fn tier(arg: &str, value: &str) -> Result<Tier, Failure> {
    Tier::parse(value)
        .ok_or_else(|| Failure::bad_value(arg, value, "应为 daily（日管控）、weekly（周排查）或 monthly（月调度）"))
}
