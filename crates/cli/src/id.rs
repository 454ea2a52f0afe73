//! `zhian id check`: recognise and check a credit code or an ID number.

use std::io::Write;

use zhian_domain::ident::{Recognised, recognise};

use crate::args::IdCheckArgs;
use crate::error::{CmdResult, Failure, io_failure};

pub fn run(a: &IdCheckArgs, out: &mut dyn Write) -> CmdResult {
    let (line, code) = match recognise(&a.code) {
        Recognised::CreditCode(c) => {
            (format!("有效：统一社会信用代码 {c}（登记管理机关行政区划代码 {}）", c.division()), 0)
        }
        // Personal data: shown masked even here, so terminals and logs never hold the full number.
        Recognised::IdNumber(id) => (format!("有效：公民身份号码 {}", id.masked()), 0),
        Recognised::InvalidCreditCode(e) => (format!("无效的统一社会信用代码：{e}"), 1),
        Recognised::InvalidIdNumber(e) => (format!("无效的公民身份号码：{e}"), 1),
        Recognised::Neither => {
            return Err(Failure::bad_value(
                "CODE",
                &a.code,
                "既不是统一社会信用代码，也不是公民身份号码（二者均为 18 位字母或数字）",
            ));
        }
    };
    writeln!(out, "{line}").map_err(io_failure)?;
    Ok(code)
}
