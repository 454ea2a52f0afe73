//! C2SP signed notes: signing, strict parsing, and verification.
//!
//! ```text
//! <text, ending in "\n">
//! "\n"
//! "— " <key name> " " base64(key ID (4 bytes, big-endian) ‖ signature) "\n"   (one or more)
//! ```
//!
//! The signature covers the text including its final newline. The text is
//! separated from the signatures by the *last* blank line. A note must be
//! valid UTF-8 without ASCII control characters other than newline.
//! Verification follows the specification and Go's `note.Open`: signatures by
//! keys not in the verifier list are ignored (and returned as unverified); a
//! signature by a known key must verify or the whole note is rejected; at
//! least one signature by a known key must verify. At most 100 signature
//! lines are accepted.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use thiserror::Error;

use crate::keys::{KeyError, SignerKey, VerifierKey, is_valid_key_name};

/// Signature line prefix: em dash (U+2014) and a space.
pub const SIG_PREFIX: &str = "\u{2014} ";

/// Maximum number of signature lines accepted in a note.
pub const MAX_SIGNATURES: usize = 100;

/// Why a note could not be signed, parsed or verified.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NoteError {
    /// The note contains an ASCII control character other than newline.
    #[error("签名便笺格式错误：第 {line} 行含控制字符")]
    ControlCharacter {
        /// 1-based line number.
        line: usize,
    },
    /// The note has no blank line before the signature block.
    #[error("签名便笺格式错误：缺少正文与签名之间的空行")]
    MissingSeparator,
    /// The note does not end with a newline after the last signature.
    #[error("签名便笺格式错误：签名块未以换行结尾")]
    MissingFinalNewline,
    /// The text to sign is empty or does not end with a newline.
    #[error("签名便笺格式错误：正文必须非空且以换行结尾")]
    BadText,
    /// A signature line does not start with "— " or is otherwise malformed.
    #[error("签名行格式错误：第 {line} 个签名行不是“— 名称 base64”")]
    BadSignatureLine {
        /// 1-based index of the signature line.
        line: usize,
    },
    /// A signature line has an invalid key name.
    #[error("签名行格式错误：第 {line} 个签名行的密钥名称无效")]
    BadKeyName {
        /// 1-based index of the signature line.
        line: usize,
    },
    /// A signature is not valid base64.
    #[error("签名行格式错误：第 {line} 个签名行的 base64 无效")]
    BadBase64 {
        /// 1-based index of the signature line.
        line: usize,
    },
    /// A signature is shorter than the 4-byte key ID plus one byte.
    #[error("签名行格式错误：第 {line} 个签名过短")]
    SignatureTooShort {
        /// 1-based index of the signature line.
        line: usize,
    },
    /// More than [`MAX_SIGNATURES`] signature lines.
    #[error("签名便笺格式错误：签名行超过 {MAX_SIGNATURES} 个")]
    TooManySignatures,
    /// Two verifiers share one name and key ID.
    #[error("验证密钥冲突：{name}+{key_id:08x} 出现多次")]
    AmbiguousKey {
        /// Key name.
        name: String,
        /// Key ID.
        key_id: u32,
    },
    /// A signature by a known key does not verify.
    #[error("签名校验失败：密钥 {name}+{key_id:08x} 的签名无效（正文或签名被改动）")]
    InvalidSignature {
        /// Key name.
        name: String,
        /// Key ID.
        key_id: u32,
    },
    /// No signature by any of the given verifiers was found.
    #[error("签名校验失败：没有来自已知密钥的签名")]
    NoKnownSignature,
    /// No signer was given.
    #[error("签名失败：至少需要一个签名密钥")]
    NoSigner,
    /// Signing failed.
    #[error("签名失败：{0}")]
    Key(#[from] KeyError),
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// Key name.
    pub name: String,
    /// Key ID (first 4 bytes of the decoded signature).
    pub key_id: u32,
    /// The signature bytes after the key ID.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// Formats the signature line, including the final newline.
    pub fn to_line(&self) -> String {
        let mut raw = self.key_id.to_be_bytes().to_vec();
        raw.extend_from_slice(&self.signature);
        format!("{SIG_PREFIX}{} {}\n", self.name, B64.encode(raw))
    }
}

/// A parsed (not yet verified) signed note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The signed text, including its final newline.
    pub text: String,
    /// Signature lines in order.
    pub signatures: Vec<NoteSignature>,
}

/// A note whose signatures were checked by [`open_note`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedNote {
    /// The signed text, including its final newline.
    pub text: String,
    /// Signatures by known keys, all verified (duplicates dropped).
    pub verified: Vec<NoteSignature>,
    /// Signatures by keys not in the verifier list (not checked).
    pub unverified: Vec<NoteSignature>,
}

fn check_chars(text: &str) -> Result<(), NoteError> {
    let mut line = 1;
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        } else if c < ' ' {
            return Err(NoteError::ControlCharacter { line });
        }
    }
    Ok(())
}

/// Parses a signed note without verifying signatures.
pub fn parse_note(message: &str) -> Result<Note, NoteError> {
    check_chars(message)?;
    let split = message.rfind("\n\n").ok_or(NoteError::MissingSeparator)?;
    let text = message.get(..=split).ok_or(NoteError::MissingSeparator)?;
    let sigs = message.get(split + 2..).ok_or(NoteError::MissingSeparator)?;
    if sigs.is_empty() {
        return Err(NoteError::MissingSeparator);
    }
    let Some(sigs) = sigs.strip_suffix('\n') else {
        return Err(NoteError::MissingFinalNewline);
    };
    let mut signatures = Vec::new();
    for (i, line) in sigs.split('\n').enumerate() {
        let n = i + 1;
        if n > MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures);
        }
        let body = line.strip_prefix(SIG_PREFIX).ok_or(NoteError::BadSignatureLine { line: n })?;
        let (name, b64) = body.split_once(' ').ok_or(NoteError::BadSignatureLine { line: n })?;
        if !is_valid_key_name(name) {
            return Err(NoteError::BadKeyName { line: n });
        }
        if b64.is_empty() {
            return Err(NoteError::BadBase64 { line: n });
        }
        let raw = B64.decode(b64).map_err(|_| NoteError::BadBase64 { line: n })?;
        let (id, sig) = match raw.split_first_chunk::<4>() {
            Some((id, sig)) if !sig.is_empty() => (u32::from_be_bytes(*id), sig),
            _ => return Err(NoteError::SignatureTooShort { line: n }),
        };
        signatures.push(NoteSignature { name: name.to_owned(), key_id: id, signature: sig.to_vec() });
    }
    Ok(Note { text: text.to_owned(), signatures })
}

/// Parses `message` and verifies it against `verifiers`.
pub fn open_note(message: &str, verifiers: &[VerifierKey]) -> Result<VerifiedNote, NoteError> {
    let note = parse_note(message)?;
    let mut out = VerifiedNote { text: note.text, verified: Vec::new(), unverified: Vec::new() };
    for sig in note.signatures {
        let mut matching = verifiers.iter().filter(|v| v.name() == sig.name && v.key_id() == sig.key_id);
        let Some(verifier) = matching.next() else {
            if !out.unverified.contains(&sig) {
                out.unverified.push(sig);
            }
            continue;
        };
        if matching.next().is_some() {
            return Err(NoteError::AmbiguousKey { name: sig.name, key_id: sig.key_id });
        }
        if out.verified.iter().any(|s| s.name == sig.name && s.key_id == sig.key_id) {
            continue;
        }
        if !verifier.verify(out.text.as_bytes(), &sig.signature) {
            return Err(NoteError::InvalidSignature { name: sig.name, key_id: sig.key_id });
        }
        out.verified.push(sig);
    }
    if out.verified.is_empty() {
        return Err(NoteError::NoKnownSignature);
    }
    Ok(out)
}

/// Signs `text` with each signer and returns the signed note. `text` must be
/// non-empty, end with a newline, and contain no control characters other
/// than newline.
pub fn sign_note(text: &str, signers: &[&SignerKey]) -> Result<String, NoteError> {
    if text.is_empty() || !text.ends_with('\n') {
        return Err(NoteError::BadText);
    }
    check_chars(text)?;
    if signers.is_empty() {
        return Err(NoteError::NoSigner);
    }
    let mut out = String::with_capacity(text.len() + 1 + 120 * signers.len());
    out.push_str(text);
    out.push('\n');
    for signer in signers {
        let sig = NoteSignature {
            name: signer.name().to_owned(),
            key_id: signer.key_id(),
            signature: signer.sign(text.as_bytes())?,
        };
        out.push_str(&sig.to_line());
    }
    Ok(out)
}
