//! The period archive: a ZIP of a unit's documents for some dates, the proof bundles of every record they show, the
//! signed checkpoint those bundles prove against, and a manifest listing every file with its SHA-256. The manifest
//! is itself anchored on the log: the archive is a logged record whose content (`archive.json`) names the manifest's
//! SHA-256, and `archive.bundle.json` proves that record. So [`verify`] needs nothing but the file, and names each
//! file that was altered, added or removed.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zhian_ledger::bundle::{Bundle, verify_bundle};

use crate::Error;

/// The manifest's name in the archive.
pub const MANIFEST: &str = "manifest.json";
/// The archive record's content, as logged.
pub const ANCHOR: &str = "archive.json";
/// The proof bundle of the archive record.
pub const ANCHOR_BUNDLE: &str = "archive.bundle.json";
/// The signed checkpoint the records' bundles prove against.
pub const CHECKPOINT: &str = "checkpoint.txt";
/// The manifest format.
pub const FORMAT: &str = "zhian-archive/1";
/// The largest file read back from an archive.
const MAX_ENTRY: u64 = 512 << 20;

/// What an archive holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// The unit's name.
    pub unit: String,
    /// Its credit code.
    pub credit_code: String,
    /// The first day covered.
    pub from: String,
    /// The last day covered.
    pub to: String,
    /// The size of the checkpoint in [`CHECKPOINT`].
    pub checkpoint_size: u64,
    /// Every file but the manifest and the anchor, in archive order.
    pub files: Vec<ManifestFile>,
}

/// One file of an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Its path in the archive.
    pub path: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Its size.
    pub bytes: u64,
    /// For a document: the log leaves it shows (each with its bundle at `bundles/{leaf}.json`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leaves: Vec<u64>,
}

impl ManifestFile {
    /// The entry for `bytes` at `path`.
    #[must_use]
    pub fn of(path: &str, bytes: &[u8], leaves: Vec<u64>) -> Self {
        Self { path: path.to_owned(), sha256: sha256_hex(bytes), bytes: bytes.len() as u64, leaves }
    }
}

/// SHA-256, hex.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The path of a leaf's bundle.
#[must_use]
pub fn bundle_path(leaf: u64) -> String {
    format!("bundles/{leaf}.json")
}

/// Writes files into a ZIP, in the order given.
pub fn write_zip(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, Error> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (path, bytes) in files {
        zip.start_file(path.as_str(), options).map_err(|e| Error::Archive(e.to_string()))?;
        zip.write_all(bytes).map_err(|e| Error::Archive(e.to_string()))?;
    }
    Ok(zip.finish().map_err(|e| Error::Archive(e.to_string()))?.into_inner())
}

/// One problem found in an archive: the file, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file's path in the archive.
    pub path: String,
    /// What is wrong, in Chinese.
    pub problem: String,
}

/// What [`verify`] established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The manifest, as found.
    pub manifest: Option<Manifest>,
    /// The documents listed.
    pub documents: usize,
    /// The record bundles checked.
    pub bundles: usize,
    /// The name of the key whose signatures verified.
    pub key: String,
    /// Everything wrong; empty when the archive is intact.
    pub findings: Vec<Finding>,
}

/// Checks an archive offline: the manifest against its logged anchor, every listed file against the manifest (and
/// any file not listed), every record bundle against the archive's checkpoint, and every document's records.
pub fn verify(zip_bytes: &[u8]) -> Result<Report, Error> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes))
        .map_err(|e| Error::Archive(format!("不是有效的 ZIP 归档：{e}")))?;
    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in 0..archive.len() {
        let file = archive.by_index(i).map_err(|e| Error::Archive(e.to_string()))?;
        let name = file.name().map_err(|e| Error::Archive(e.to_string()))?.into_owned();
        let mut bytes = Vec::new();
        file.take(MAX_ENTRY).read_to_end(&mut bytes).map_err(|e| Error::Archive(format!("{name}：{e}")))?;
        entries.insert(name, bytes);
    }
    let mut findings = Vec::new();
    let mut found =
        |path: &str, problem: &str| findings.push(Finding { path: path.to_owned(), problem: problem.to_owned() });
    let Some(manifest_bytes) = entries.get(MANIFEST) else {
        found(MANIFEST, "缺失：无法确定归档应含哪些文件");
        return Ok(Report { manifest: None, documents: 0, bundles: 0, key: String::new(), findings });
    };
    let manifest: Manifest = match serde_json::from_slice(manifest_bytes) {
        Ok(m) => m,
        Err(e) => {
            found(MANIFEST, &format!("无法解析：{e}"));
            return Ok(Report { manifest: None, documents: 0, bundles: 0, key: String::new(), findings });
        }
    };
    if manifest.format != FORMAT {
        found(MANIFEST, &format!("格式不支持：{}", manifest.format));
    }

    // The anchor: the logged archive record names the manifest's SHA-256.
    let mut key = String::new();
    match (entries.get(ANCHOR), entries.get(ANCHOR_BUNDLE)) {
        (Some(content), Some(bundle)) => {
            let anchor: BTreeMap<String, String> = serde_json::from_slice(content).unwrap_or_default();
            if anchor.get("manifest_sha256").map(String::as_str) != Some(sha256_hex(manifest_bytes).as_str()) {
                found(MANIFEST, "被改动：与日志上的归档记录所载摘要不符");
            }
            if anchor.get("from") != Some(&manifest.from) || anchor.get("to") != Some(&manifest.to) {
                found(ANCHOR, "归档记录的日期与清单不符");
            }
            match Bundle::from_json(&String::from_utf8_lossy(bundle))
                .map_err(|e| e.to_string())
                .and_then(|b| verify_bundle(&b).map_err(|e| e.to_string()))
            {
                Ok(r) => {
                    key = r.key_name.clone();
                    if r.record.content_hash != r.hash_alg.digest(content).to_hex() {
                        found(ANCHOR, "被改动：与日志上的归档记录不符");
                    }
                    if r.record.tier != "archive" {
                        found(ANCHOR_BUNDLE, "不是归档记录的证明包");
                    }
                }
                Err(e) => found(ANCHOR_BUNDLE, &format!("校验失败：{e}")),
            }
        }
        (None, _) => found(ANCHOR, "缺失：清单无法与日志对照"),
        (_, None) => found(ANCHOR_BUNDLE, "缺失：清单无法与日志对照"),
    }

    // Every file against the manifest, and nothing more.
    let listed: BTreeMap<&str, &ManifestFile> = manifest.files.iter().map(|f| (f.path.as_str(), f)).collect();
    for f in &manifest.files {
        match entries.get(&f.path) {
            None => found(&f.path, "缺失：清单列出但归档中没有（被删除）"),
            Some(bytes) if sha256_hex(bytes) != f.sha256 => found(&f.path, "被改动：内容与清单所载摘要不符"),
            Some(_) => {}
        }
    }
    for path in entries.keys() {
        if !listed.contains_key(path.as_str()) && ![MANIFEST, ANCHOR, ANCHOR_BUNDLE].contains(&path.as_str()) {
            found(path, "多出的文件：清单中没有");
        }
    }

    // The checkpoint the archive was made with, and every record's bundle against it.
    let checkpoint = entries.get(CHECKPOINT).map(|b| String::from_utf8_lossy(b).into_owned());
    let mut bundles = 0;
    for path in entries.keys().filter(|p| p.starts_with("bundles/")) {
        bundles += 1;
        let text = String::from_utf8_lossy(&entries[path]).into_owned();
        let checked = Bundle::from_json(&text)
            .map_err(|e| e.to_string())
            .and_then(|b| verify_bundle(&b).map(|r| (b, r)).map_err(|e| e.to_string()));
        match checked {
            Err(e) => found(path, &format!("证明包校验失败：{e}")),
            Ok((b, r)) => {
                if bundle_path(r.leaf_index) != *path {
                    found(path, &format!("证明包被调换：它证明的是第 {} 号记录", r.leaf_index));
                }
                if checkpoint.as_deref() != Some(b.checkpoint.as_str()) {
                    found(path, "证明包的检查点与归档的检查点不一致");
                }
                if !key.is_empty() && r.key_name != key {
                    found(path, "证明包由另一把密钥签名");
                }
            }
        }
    }
    match &checkpoint {
        None => found(CHECKPOINT, "缺失"),
        Some(note) => {
            let size = note.lines().nth(1).and_then(|l| l.trim().parse::<u64>().ok());
            if size != Some(manifest.checkpoint_size) {
                found(CHECKPOINT, "不是归档时的检查点（大小与清单不符）");
            }
        }
    }
    let mut documents = 0;
    for f in manifest.files.iter().filter(|f| f.path.starts_with("documents/")) {
        documents += 1;
        for leaf in &f.leaves {
            if !entries.contains_key(&bundle_path(*leaf)) {
                found(&f.path, &format!("所载第 {leaf} 号记录没有证明包"));
            }
        }
    }
    Ok(Report { manifest: Some(manifest), documents, bundles, key, findings })
}
