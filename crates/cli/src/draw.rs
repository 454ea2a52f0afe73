//! `zhian draw verify FILE`: recomputes a spot check's draw from its published document, trusting nothing the
//! operator says — the seed against its commitment, the candidate list against its hash, and the draw itself.

use std::io::Write;

use zhian_domain::spotcheck::{self, DrawRecord};

use crate::args::DrawVerifyArgs;
use crate::error::{CmdResult, Failure, io_failure};

/// Runs the check; exit 0 when everything matches, 1 when anything does not, 2 for a file that cannot be read.
pub fn verify(a: &DrawVerifyArgs, out: &mut dyn Write) -> CmdResult {
    let text = std::fs::read_to_string(&a.file)
        .map_err(|e| Failure::BadInput(format!("无法读取抽取文件 \"{}\"：{e}", a.file.display())))?;
    let record: DrawRecord = serde_json::from_str(&text)
        .map_err(|e| Failure::BadInput(format!("抽取文件 \"{}\" 无法解析：{e}", a.file.display())))?;
    match spotcheck::verify(&record) {
        Ok(drawn) => {
            let candidates = record.candidates.lines().count().saturating_sub(1);
            let people: usize = drawn.iter().map(|d| d.people.len()).sum();
            writeln!(
                out,
                "抽取有效：计划 {}，候选单位 {candidates} 家（名单 SHA-256 {}）；种子与抽取前公布的承诺 {} 相符；\
                 按种子重新计算，抽中 {} 家单位、{people} 人，与公布结果一致",
                record.plan,
                record.list_sha256,
                record.commitment,
                drawn.len()
            )
            .map_err(io_failure)?;
            for d in &drawn {
                let ids: Vec<String> = d.people.iter().map(i64::to_string).collect();
                writeln!(
                    out,
                    "  {}  人员 {}",
                    d.credit_code,
                    if ids.is_empty() { "（无）".into() } else { ids.join("、") }
                )
                .map_err(io_failure)?;
            }
            Ok(0)
        }
        Err(e) => Err(Failure::Failed(format!("抽取无效：{e}"))),
    }
}
