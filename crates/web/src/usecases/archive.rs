//! The period archive: every document of a unit's dates, the proof bundle of every record they show, the checkpoint
//! those bundles prove against, and a manifest — itself logged as an archive record, so `zhian verify` can check the
//! whole file offline and name each file altered, added or removed.

use chrono::NaiveDate;
use zhian_docs::archive::{self, Manifest, ManifestFile};
use zhian_docs::{DocKind, Document, Format};
use zhian_store::ledger::kind;

use crate::AppState;
use crate::error::AppError;

/// Reports progress: (steps done, steps in all).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Send + Sync);

/// The first day of a tier's period, as the unit's cadence numbers it.
fn period_start(cadence: zhian_domain::Cadence, period: &str) -> Option<NaiveDate> {
    let p = zhian_domain::Period::parse(cadence, period).ok()?;
    let start = chrono::DateTime::from_timestamp(p.window().start, 0)?;
    zhian_domain::time::date_of_day(zhian_domain::time::day_of_instant(start))
}

/// Builds the archive of a unit's `from..=to`, recorded as made by `by`.
pub async fn period_archive(
    state: &AppState,
    unit_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    by: i64,
    progress: Progress<'_>,
) -> Result<Vec<u8>, AppError> {
    if from > to {
        return Err(AppError::BadRequest("起始日期不能晚于结束日期".into()));
    }
    let settings = state.store.unit_settings(unit_id).await?;
    let within = |tier: zhian_domain::Tier, period: &str| {
        period_start(settings.cadences.get(tier), period).is_some_and(|d| from <= d && d <= to)
    };
    let mut docs: Vec<(String, Document)> = Vec::new();
    let mut checks = state.store.daily_checks(unit_id, i64::from(u32::MAX)).await?;
    checks.retain(|c| within(zhian_domain::Tier::Daily, &c.period));
    checks.reverse();
    for c in &checks {
        let doc = super::daily_record(state, unit_id, c.id).await?;
        docs.push((format!("documents/每日检查记录/{}（第{}号）.pdf", c.period.replace('/', "-"), c.id), doc));
    }
    let mut reviews = state.store.weekly_reviews(unit_id).await?;
    reviews.retain(|r| within(zhian_domain::Tier::Weekly, &r.period));
    reviews.reverse();
    for r in &reviews {
        let doc = super::weekly_report(state, unit_id, r.id).await?;
        docs.push((format!("documents/每周排查报告/{}（第{}号）.pdf", r.period.replace('/', "-"), r.id), doc));
    }
    let mut meetings = state.store.monthly_meetings(unit_id).await?;
    meetings.retain(|m| within(zhian_domain::Tier::Monthly, &m.period));
    meetings.reverse();
    for m in &meetings {
        let doc = super::monthly_minutes(state, unit_id, m.id).await?;
        docs.push((format!("documents/每月调度纪要/{}（第{}号）.pdf", m.period.replace('/', "-"), m.id), doc));
    }
    let mut lists = Vec::new();
    for k in DocKind::ALL.into_iter().filter(|k| !k.is_record()) {
        match super::document(state, unit_id, k, None).await {
            Ok(doc) => lists.push(doc),
            // A unit without a risk list or a duty text yet has nothing to print for it.
            Err(AppError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    let mut renders: Vec<(String, Document, Format)> = docs.into_iter().map(|(p, d)| (p, d, Format::Pdf)).collect();
    for doc in lists {
        renders.push((format!("documents/台账/{}.pdf", doc.kind.name()), doc.clone(), Format::Pdf));
        if doc.kind.is_list() {
            renders.push((format!("documents/台账/{}.xlsx", doc.kind.name()), doc, Format::Xlsx));
        }
    }

    // Every record shown, proved against one checkpoint that covers them all.
    state.store.sign_checkpoint(&state.log_key, state.clock.now()).await?;
    let (size, note) = state.store.latest_checkpoint().await?.ok_or(AppError::NotFound)?;
    let mut leaves: Vec<u64> = renders
        .iter()
        .filter_map(|(_, d, _)| d.proof.as_ref())
        .flat_map(|p| p.records.iter().map(|r| r.leaf_index))
        .collect();
    leaves.sort_unstable();
    leaves.dedup();
    let total = renders.len() + leaves.len() + 1;
    let mut done = 0;
    let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(total + 3);
    let mut listed = Vec::with_capacity(total);
    for (path, doc, format) in renders {
        let shown = doc.proof.as_ref().map(|p| p.records.iter().map(|r| r.leaf_index).collect()).unwrap_or_default();
        let bytes = crate::documents::render_document(state, doc, format).await?;
        listed.push(ManifestFile::of(&path, &bytes, shown));
        files.push((path, bytes));
        done += 1;
        progress(done, total);
    }
    let alg = state.store.log_alg().await?;
    let verifier = state.log_key.verifier();
    for leaf in leaves {
        let (_, _, text) = state.store.logged_at(leaf).await?.ok_or(AppError::NotFound)?;
        let proof = state.store.inclusion_proof(leaf, size).await?;
        let bundle = zhian_ledger::bundle::Bundle::new(alg, text, leaf, &proof, note.clone(), &verifier);
        let path = archive::bundle_path(leaf);
        let bytes = bundle.to_json().into_bytes();
        listed.push(ManifestFile::of(&path, &bytes, Vec::new()));
        files.push((path, bytes));
        done += 1;
        progress(done, total);
    }
    listed.push(ManifestFile::of(archive::CHECKPOINT, note.as_bytes(), Vec::new()));
    files.push((archive::CHECKPOINT.to_owned(), note.into_bytes()));

    // The manifest, anchored on the log.
    let unit = state.store.unit(unit_id).await?.ok_or(AppError::NotFound)?;
    let manifest = Manifest {
        format: archive::FORMAT.to_owned(),
        unit: unit.name,
        credit_code: unit.credit_code,
        from: from.to_string(),
        to: to.to_string(),
        checkpoint_size: size,
        files: listed,
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| AppError::Internal(e.to_string()))?;
    let now = state.clock.now();
    let record = state.store.record_archive(unit_id, from, to, &archive::sha256_hex(&manifest_bytes), by, now).await?;
    let anchor = state.store.bundle(kind::ARCHIVE, record.id, &state.log_key, now).await?;
    let mut zip = vec![
        (archive::MANIFEST.to_owned(), manifest_bytes),
        (archive::ANCHOR.to_owned(), record.content.into_bytes()),
        (archive::ANCHOR_BUNDLE.to_owned(), anchor.to_json().into_bytes()),
    ];
    zip.extend(files);
    let bytes = tokio::task::spawn_blocking(move || archive::write_zip(&zip))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    progress(total, total);
    Ok(bytes)
}
