//! Self-contained proof bundles, verifiable offline.
//!
//! A bundle is a JSON object:
//!
//! ```json
//! {
//!   "format": "zhian-ledger-bundle/v1",
//!   "hash_alg": "sm3",
//!   "record": "{\"author\":\"…\",…}",
//!   "leaf_index": 5,
//!   "inclusion_proof": ["<hex>", …],
//!   "checkpoint": "<signed checkpoint note>",
//!   "verifier_key": "<name>+<keyid>+<base64>"
//! }
//! ```
//!
//! `record` is the record's canonical JSON (JCS) text carried as a JSON
//! string; its UTF-8 bytes are exactly the leaf bytes. [`verify_bundle`]
//! checks, in order: the format tag, the hash algorithm, the verifier key, the
//! checkpoint note's signature, the checkpoint body, the record's canonical
//! encoding, the proof hashes' hex, and finally the inclusion proof against the
//! checkpoint's root and size. Each failing check is its own [`VerifyError`].

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::hash::{Hash, HashAlg, UnknownHashAlg};
use crate::keys::{KeyError, SigAlg, VerifierKey};
use crate::note::{NoteError, open_note};
use crate::proof::{ProofError, verify_inclusion};
use crate::record::{Record, RecordError};

/// The `format` value of bundles produced by this crate.
pub const BUNDLE_FORMAT: &str = "zhian-ledger-bundle/v1";

/// A self-contained proof that a record is in a signed log checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Always [`BUNDLE_FORMAT`].
    pub format: String,
    /// Hash algorithm of the log: `"sm3"` or `"sha256"`.
    pub hash_alg: String,
    /// The record's canonical JSON; its UTF-8 bytes are the leaf.
    pub record: String,
    /// Index of the record's leaf.
    pub leaf_index: u64,
    /// Inclusion proof hashes, lowercase hex, leaf to root.
    pub inclusion_proof: Vec<String>,
    /// The signed checkpoint note.
    pub checkpoint: String,
    /// The log's verifier key string.
    pub verifier_key: String,
}

/// What a successful [`verify_bundle`] established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleReport {
    /// The record committed at `leaf_index`.
    pub record: Record,
    /// Leaf index.
    pub leaf_index: u64,
    /// Leaf hash of the record bytes.
    pub leaf_hash: Hash,
    /// Hash algorithm.
    pub hash_alg: HashAlg,
    /// The verified checkpoint (origin, size, root).
    pub checkpoint: Checkpoint,
    /// Name of the key whose signature verified.
    pub key_name: String,
    /// ID of that key.
    pub key_id: u32,
    /// Its signature algorithm.
    pub sig_alg: SigAlg,
}

/// The check of [`verify_bundle`] that failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    /// The bundle JSON could not be parsed.
    #[error("证明包解析失败：{0}")]
    Json(String),
    /// Unknown `format`.
    #[error("证明包格式不支持：{0:?}")]
    Format(String),
    /// Unknown `hash_alg`.
    #[error("证明包哈希算法错误：{0}")]
    HashAlg(#[from] UnknownHashAlg),
    /// `verifier_key` is malformed.
    #[error("证明包验证密钥错误：{0}")]
    VerifierKey(KeyError),
    /// The checkpoint note's signature check failed.
    #[error("检查点签名校验失败：{0}")]
    Signature(NoteError),
    /// The checkpoint body is malformed.
    #[error("检查点解析失败：{0}")]
    Checkpoint(CheckpointError),
    /// The record bytes are not a valid canonical record.
    #[error("记录校验失败：{0}")]
    Record(RecordError),
    /// An inclusion proof hash is not 64 hex digits.
    #[error("包含证明格式错误：第 {index} 个哈希不是 64 位十六进制")]
    ProofHash {
        /// Zero-based position in `inclusion_proof`.
        index: usize,
    },
    /// The inclusion proof does not verify against the checkpoint.
    #[error("包含证明校验失败：{0}")]
    Inclusion(ProofError),
}

impl Bundle {
    /// Assembles a bundle (no verification is done here).
    pub fn new(
        hash_alg: HashAlg,
        record_json: impl Into<String>,
        leaf_index: u64,
        proof: &[Hash],
        checkpoint_note: impl Into<String>,
        verifier: &VerifierKey,
    ) -> Self {
        Bundle {
            format: BUNDLE_FORMAT.to_owned(),
            hash_alg: hash_alg.name().to_owned(),
            record: record_json.into(),
            leaf_index,
            inclusion_proof: proof.iter().map(Hash::to_hex).collect(),
            checkpoint: checkpoint_note.into(),
            verifier_key: verifier.to_string(),
        }
    }

    /// Parses a bundle from JSON (unknown members are rejected).
    pub fn from_json(text: &str) -> Result<Self, VerifyError> {
        serde_json::from_str(text).map_err(|e| VerifyError::Json(e.to_string()))
    }

    /// Serialises the bundle as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Verifies a bundle fully offline; see the module documentation for the
/// order of the checks.
pub fn verify_bundle(bundle: &Bundle) -> Result<BundleReport, VerifyError> {
    if bundle.format != BUNDLE_FORMAT {
        return Err(VerifyError::Format(bundle.format.clone()));
    }
    let alg: HashAlg = bundle.hash_alg.parse()?;
    let verifier = VerifierKey::parse(&bundle.verifier_key).map_err(VerifyError::VerifierKey)?;
    let opened = open_note(&bundle.checkpoint, std::slice::from_ref(&verifier)).map_err(VerifyError::Signature)?;
    let checkpoint = Checkpoint::parse(&opened.text).map_err(VerifyError::Checkpoint)?;
    let record = Record::from_canonical_json(bundle.record.as_bytes()).map_err(VerifyError::Record)?;
    let proof = bundle
        .inclusion_proof
        .iter()
        .enumerate()
        .map(|(index, h)| Hash::from_hex(h).map_err(|_| VerifyError::ProofHash { index }))
        .collect::<Result<Vec<_>, _>>()?;
    let leaf_hash = alg.leaf_hash(bundle.record.as_bytes());
    verify_inclusion(alg, &leaf_hash, bundle.leaf_index, checkpoint.size, &proof, &checkpoint.root)
        .map_err(VerifyError::Inclusion)?;
    Ok(BundleReport {
        record,
        leaf_index: bundle.leaf_index,
        leaf_hash,
        hash_alg: alg,
        checkpoint,
        key_name: verifier.name().to_owned(),
        key_id: verifier.key_id(),
        sig_alg: verifier.alg(),
    })
}
