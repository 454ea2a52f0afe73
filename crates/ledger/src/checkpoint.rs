//! C2SP tlog-checkpoint bodies, and signing/opening them as signed notes.
//!
//! ```text
//! <origin>\n
//! <tree size, ASCII decimal, no leading zeros>\n
//! <root hash, base64>\n
//! [<extension line>\n]...
//! ```
//!
//! The root hash is the RFC 6962 tree hash under the log's hash algorithm
//! (SM3 or SHA-256). The algorithm is a parameter of the log, like its key;
//! it is not written in the checkpoint.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use thiserror::Error;

use crate::hash::Hash;
use crate::keys::{SignerKey, VerifierKey};
use crate::note::{NoteError, VerifiedNote, open_note, sign_note};

/// Why a checkpoint body is malformed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckpointError {
    /// Fewer than three lines, or the body does not end with a newline.
    #[error("检查点格式错误：至少需要 来源、树大小、根哈希 三行且以换行结尾")]
    TooFewLines,
    /// The origin line is empty.
    #[error("检查点格式错误：来源行为空")]
    EmptyOrigin,
    /// The tree size is not canonical ASCII decimal.
    #[error("检查点格式错误：树大小 {0:?} 不是规范十进制数")]
    BadSize(String),
    /// The root hash is not base64 of 32 bytes.
    #[error("检查点格式错误：根哈希 {0:?} 不是 32 字节的 base64")]
    BadRoot(String),
    /// An extension line is empty.
    #[error("检查点格式错误：扩展行为空")]
    EmptyExtension,
    /// A field contains a newline or control character.
    #[error("检查点格式错误：字段含换行或控制字符")]
    BadField,
    /// The signed note did not verify.
    #[error("{0}")]
    Note(#[from] NoteError),
}

/// A log checkpoint (signed tree head).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Log identity, e.g. `example.com/log`.
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// Root hash at `size`.
    pub root: Hash,
    /// Optional extension lines (without newlines).
    pub extensions: Vec<String>,
}

fn bad_field(s: &str) -> bool {
    s.chars().any(|c| c < ' ')
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Self {
        Checkpoint { origin: origin.into(), size, root, extensions: Vec::new() }
    }

    /// The note text (body) of the checkpoint.
    pub fn to_body(&self) -> Result<String, CheckpointError> {
        if self.origin.is_empty() {
            return Err(CheckpointError::EmptyOrigin);
        }
        if bad_field(&self.origin) || self.extensions.iter().any(|e| bad_field(e)) {
            return Err(CheckpointError::BadField);
        }
        if self.extensions.iter().any(String::is_empty) {
            return Err(CheckpointError::EmptyExtension);
        }
        let mut body = format!("{}\n{}\n{}\n", self.origin, self.size, B64.encode(self.root.0));
        for e in &self.extensions {
            body.push_str(e);
            body.push('\n');
        }
        Ok(body)
    }

    /// Parses a checkpoint body, strictly.
    pub fn parse(body: &str) -> Result<Self, CheckpointError> {
        let content = body.strip_suffix('\n').ok_or(CheckpointError::TooFewLines)?;
        let mut lines = content.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next()) else {
            return Err(CheckpointError::TooFewLines);
        };
        if origin.is_empty() {
            return Err(CheckpointError::EmptyOrigin);
        }
        if bad_field(origin) {
            return Err(CheckpointError::BadField);
        }
        let canonical =
            !size.is_empty() && size.bytes().all(|c| c.is_ascii_digit()) && (size == "0" || !size.starts_with('0'));
        let size_value =
            size.parse::<u64>().ok().filter(|_| canonical).ok_or_else(|| CheckpointError::BadSize(size.to_owned()))?;
        let root_value = B64
            .decode(root)
            .ok()
            .and_then(|b| Hash::from_slice(&b))
            .ok_or_else(|| CheckpointError::BadRoot(root.to_owned()))?;
        let mut extensions = Vec::new();
        for e in lines {
            if e.is_empty() {
                return Err(CheckpointError::EmptyExtension);
            }
            if bad_field(e) {
                return Err(CheckpointError::BadField);
            }
            extensions.push(e.to_owned());
        }
        Ok(Checkpoint { origin: origin.to_owned(), size: size_value, root: root_value, extensions })
    }

    /// Signs the checkpoint as a signed note.
    pub fn sign(&self, signers: &[&SignerKey]) -> Result<String, CheckpointError> {
        let body = self.to_body()?;
        Ok(sign_note(&body, signers)?)
    }

    /// Verifies a signed checkpoint note and parses its body.
    pub fn open(note: &str, verifiers: &[VerifierKey]) -> Result<(Self, VerifiedNote), CheckpointError> {
        let verified = open_note(note, verifiers)?;
        let cp = Checkpoint::parse(&verified.text)?;
        Ok((cp, verified))
    }
}
