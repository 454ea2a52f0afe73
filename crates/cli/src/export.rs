//! `zhian export`: a unit's period archive, with a progress bar; and the archive half of `zhian verify`.

use std::io::Write;

use zhian_web::{AppState, Settings};

use crate::Env;
use crate::args::ExportArgs;
use crate::error::{CmdResult, Failure, io_failure};
use crate::serve::{log_key, open, place, runtime, setting};

fn date(flag: &str, value: &str) -> Result<chrono::NaiveDate, Failure> {
    zhian_domain::time::parse_iso_date(value).ok_or_else(|| Failure::bad_value(flag, value, "日期格式应为 YYYY-MM-DD"))
}

/// A progress bar on standard error: `导出 [#####-----] 12/40`.
fn bar(done: usize, total: usize) {
    let width = 30;
    let filled = (done * width).checked_div(total).unwrap_or(width).min(width);
    let line = format!("\r导出 [{}{}] {done}/{total}", "#".repeat(filled), "-".repeat(width - filled));
    let mut err = std::io::stderr();
    let _ = err.write_all(line.as_bytes());
    if done >= total {
        let _ = err.write_all(b"\n");
    }
    let _ = err.flush();
}

/// `zhian export --unit ID --from DATE --to DATE --out FILE.zip`.
pub fn export(a: &ExportArgs, env: &Env, out: &mut dyn Write) -> CmdResult {
    let (from, to) = (date("--from", &a.from)?, date("--to", &a.to)?);
    if from > to {
        return Err(Failure::bad_value("--to", &a.to, "结束日期不能早于起始日期"));
    }
    let place = place(&a.db)?;
    runtime()?.block_on(async {
        let store = open(&place, env).await?;
        let key = log_key(&place.data_dir, env.entropy.as_ref())?;
        let settings = Settings {
            public_url: Some(setting(None, "ZHIAN_PUBLIC_URL", "http://127.0.0.1:8080")),
            font_dir: setting(None, "ZHIAN_FONT_DIR", zhian_docs::pdf::DEFAULT_FONT_DIR).into(),
            ..Settings::default()
        };
        let state = AppState::new(store.clone(), env.clock.clone(), env.entropy.clone(), key, settings)
            .map_err(|e| Failure::BadInput(e.to_string()))?;
        let by = store
            .user_by_username(&a.by)
            .await
            .map_err(|e| Failure::BadInput(e.to_string()))?
            .ok_or_else(|| Failure::bad_value("--by", &a.by, "没有这个账号"))?;
        store
            .unit(a.unit)
            .await
            .map_err(|e| Failure::BadInput(e.to_string()))?
            .ok_or_else(|| Failure::bad_value("--unit", &a.unit.to_string(), "没有这个单位"))?;
        let bytes = zhian_web::period_archive(&state, a.unit, from, to, by.id, &bar)
            .await
            .map_err(|e| Failure::BadInput(format!("导出失败：{}", e.public_message())))?;
        store.close().await;
        std::fs::write(&a.out, &bytes).map_err(|e| Failure::BadInput(format!("无法写入 {}：{e}", a.out.display())))?;
        let report = zhian_docs::archive::verify(&bytes).map_err(|e| Failure::BadInput(e.to_string()))?;
        writeln!(
            out,
            "已导出 {}：{} 至 {}，{} 份文件、{} 个证明包，{} 字节",
            a.out.display(),
            from,
            to,
            report.documents,
            report.bundles,
            bytes.len()
        )
        .map_err(io_failure)?;
        Ok(0)
    })
}

/// `zhian verify FILE.zip`: every file against the manifest, the manifest against its logged anchor.
pub fn verify_archive(path: &std::path::Path, bytes: &[u8], out: &mut dyn Write) -> CmdResult {
    let report = zhian_docs::archive::verify(bytes)
        .map_err(|e| Failure::BadInput(format!("归档 \"{}\" 无法读取：{e}", path.display())))?;
    let mut text = String::new();
    if let Some(m) = &report.manifest {
        text.push_str(&format!(
            "归档：{}（{}），{} 至 {}；{} 份文件、{} 个证明包，检查点大小 {}，签名密钥 {}\n",
            m.unit, m.credit_code, m.from, m.to, report.documents, report.bundles, m.checkpoint_size, report.key
        ));
    }
    for f in &report.findings {
        text.push_str(&format!("  {}：{}\n", f.path, f.problem));
    }
    out.write_all(text.as_bytes()).map_err(io_failure)?;
    if report.findings.is_empty() {
        writeln!(out, "归档完好：每个文件都与清单一致，清单在透明日志上，每条记录的证明包都有效。")
            .map_err(io_failure)?;
        Ok(0)
    } else {
        Err(Failure::Failed(format!("归档有 {} 处问题", report.findings.len())))
    }
}
