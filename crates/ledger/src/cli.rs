//! Helpers for command-line tools: leaf files and proof JSON shapes.
//!
//! Leaf file: one leaf per line, each line the leaf bytes in hexadecimal
//! (either case). An empty line is the empty leaf. A final newline ends the
//! last line and does not add a leaf; a trailing `\r` on a line is ignored.
//!
//! Inclusion proof JSON:
//! `{"index": I, "size": N, "root": "<hex>", "proof": ["<hex>", …]}`
//!
//! Consistency proof JSON:
//! `{"old_size": M, "new_size": N, "old_root": "<hex>", "new_root": "<hex>", "proof": [...]}`

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::hash::{Hash, HashAlg};
use crate::hexfmt::{HexError, decode_hex};
use crate::memlog::MemLog;
use crate::proof::{ProofError, verify_consistency, verify_inclusion};

/// A bad line in a leaf file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("叶子文件第 {line} 行不是有效的十六进制：{source}")]
pub struct LeafFileError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub source: HexError,
}

/// Parses a leaf file (see the module documentation).
pub fn parse_leaf_file(text: &str) -> Result<Vec<Vec<u8>>, LeafFileError> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    body.split('\n')
        .enumerate()
        .map(|(i, line)| {
            let line_text = line.strip_suffix('\r').unwrap_or(line);
            decode_hex(line_text).map_err(|source| LeafFileError { line: i + 1, source })
        })
        .collect()
}

/// Why a proof JSON document was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JsonProofError {
    /// The JSON does not have the expected shape.
    #[error("证明 JSON 解析失败：{0}")]
    Json(String),
    /// The leaf hex is invalid.
    #[error("叶子十六进制无效：{0}")]
    LeafHex(HexError),
    /// The proof does not verify.
    #[error("{0}")]
    Proof(#[from] ProofError),
}

/// An inclusion proof in the CLI JSON shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProofJson {
    /// Leaf index.
    pub index: u64,
    /// Tree size.
    pub size: u64,
    /// Root hash at `size`.
    pub root: Hash,
    /// Audit path, leaf to root.
    pub proof: Vec<Hash>,
}

impl InclusionProofJson {
    /// Builds the proof of leaf `index` in the tree of `size` leaves of `log`.
    pub fn from_log(log: &MemLog, index: u64, size: u64) -> Result<Self, ProofError> {
        Ok(InclusionProofJson { index, size, root: log.root_at(size)?, proof: log.inclusion_proof(index, size)? })
    }

    /// Parses the JSON shape (unknown members are rejected).
    pub fn from_json(text: &str) -> Result<Self, JsonProofError> {
        serde_json::from_str(text).map_err(|e| JsonProofError::Json(e.to_string()))
    }

    /// Pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Verifies the proof for the given leaf data.
    pub fn verify(&self, alg: HashAlg, leaf: &[u8]) -> Result<(), ProofError> {
        verify_inclusion(alg, &alg.leaf_hash(leaf), self.index, self.size, &self.proof, &self.root)
    }

    /// Verifies the proof for leaf data given as hexadecimal.
    pub fn verify_leaf_hex(&self, alg: HashAlg, leaf_hex: &str) -> Result<(), JsonProofError> {
        let leaf = decode_hex(leaf_hex).map_err(JsonProofError::LeafHex)?;
        Ok(self.verify(alg, &leaf)?)
    }
}

/// A consistency proof in the CLI JSON shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyProofJson {
    /// Old tree size.
    pub old_size: u64,
    /// New tree size.
    pub new_size: u64,
    /// Root at `old_size`.
    pub old_root: Hash,
    /// Root at `new_size`.
    pub new_root: Hash,
    /// Consistency proof hashes.
    pub proof: Vec<Hash>,
}

impl ConsistencyProofJson {
    /// Builds the proof between `old_size` and `new_size` of `log`.
    pub fn from_log(log: &MemLog, old_size: u64, new_size: u64) -> Result<Self, ProofError> {
        Ok(ConsistencyProofJson {
            old_size,
            new_size,
            old_root: log.root_at(old_size)?,
            new_root: log.root_at(new_size)?,
            proof: log.consistency_proof(old_size, new_size)?,
        })
    }

    /// Parses the JSON shape (unknown members are rejected).
    pub fn from_json(text: &str) -> Result<Self, JsonProofError> {
        serde_json::from_str(text).map_err(|e| JsonProofError::Json(e.to_string()))
    }

    /// Pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Verifies the proof.
    pub fn verify(&self, alg: HashAlg) -> Result<(), ProofError> {
        verify_consistency(alg, self.old_size, self.new_size, &self.old_root, &self.new_root, &self.proof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_files() {
        assert_eq!(parse_leaf_file("").unwrap(), Vec::<Vec<u8>>::new());
        assert_eq!(parse_leaf_file("\n").unwrap(), vec![Vec::<u8>::new()]);
        assert_eq!(parse_leaf_file("00").unwrap(), vec![vec![0u8]]);
        assert_eq!(parse_leaf_file("00\n\nAbCd\n").unwrap(), vec![vec![0u8], vec![], vec![0xab, 0xcd]]);
        assert_eq!(parse_leaf_file("00\r\n10\r\n").unwrap(), vec![vec![0u8], vec![0x10]]);
        assert_eq!(parse_leaf_file("\n\n").unwrap(), vec![Vec::<u8>::new(), vec![]]);
        let err = parse_leaf_file("00\n0g\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.to_string().contains("第 2 行"));
        assert_eq!(parse_leaf_file("00\n\n123").unwrap_err().line, 3);
    }
}
