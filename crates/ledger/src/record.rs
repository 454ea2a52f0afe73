//! The canonical leaf encoding of a compliance record: RFC 8785 (JCS) JSON.
//!
//! A record is a JSON object with exactly six string members:
//! `author`, `content_hash`, `period`, `submitted_at`, `tier`, `unit`.
//! Its leaf bytes are the UTF-8 of its JCS serialisation:
//!
//! * members sorted by key, comparing keys as UTF-16 code units;
//! * no whitespace; `{"key":"value",...}`;
//! * in strings only `"` → `\"`, `\` → `\\` and control characters
//!   U+0000–U+001F are escaped: `\b \t \n \f \r` in short form, the others as
//!   `\u00xx` with lowercase hex; every other character (including non-ASCII
//!   such as Chinese, U+2028/U+2029 and U+007F) is written as itself in UTF-8.
//!
//! Example (the leaf is these exact bytes):
//!
//! ```text
//! {"author":"张三","content_hash":"ab…","period":"2026-Q1","submitted_at":"2026-02-02T10:00:00Z","tier":"A","unit":"某某公司"}
//! ```
//!
//! Validation: every member is non-empty; `content_hash` is lowercase hex of
//! even length; `submitted_at` is RFC 3339 UTC with `Z` and whole seconds
//! (`YYYY-MM-DDTHH:MM:SSZ`, a real calendar date, seconds 00–59).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::hash::{Hash, HashAlg};
use crate::hexfmt::is_lower_hex;

/// Why a record is invalid or not canonical.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RecordError {
    /// A member is empty.
    #[error("记录校验失败：字段 {0} 为空")]
    EmptyField(&'static str),
    /// `content_hash` is not lowercase hex of even length.
    #[error("记录校验失败：content_hash 必须是小写十六进制")]
    BadContentHash,
    /// `submitted_at` is not `YYYY-MM-DDTHH:MM:SSZ`.
    #[error("记录校验失败：submitted_at {0:?} 不是 RFC 3339 UTC 整秒时间（如 2026-02-02T10:00:00Z）")]
    BadTimestamp(String),
    /// The record is not a JSON object of the six string members.
    #[error("记录解析失败：{0}")]
    Json(String),
    /// The bytes parse but are not the record's JCS encoding.
    #[error("记录校验失败：字节不是规范 JSON（JCS）编码")]
    NotCanonical,
}

/// A compliance record, committed to the log by its canonical JSON bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Who submitted the record.
    pub author: String,
    /// Lowercase hex digest of the record's content.
    pub content_hash: String,
    /// The period the record covers, e.g. `2026-02-03`, `2026-W06`, `2026-02`.
    pub period: String,
    /// Submission time, RFC 3339 UTC whole seconds (`2026-02-02T10:00:00Z`).
    pub submitted_at: String,
    /// The kind of record, e.g. `daily`, `weekly`, `monthly`.
    pub tier: String,
    /// Responsible unit (organisation).
    pub unit: String,
}

impl Record {
    /// Checks the field rules listed in the module documentation.
    pub fn validate(&self) -> Result<(), RecordError> {
        for (name, value) in self.members() {
            if value.is_empty() {
                return Err(RecordError::EmptyField(name));
            }
        }
        if !is_lower_hex(&self.content_hash) {
            return Err(RecordError::BadContentHash);
        }
        validate_timestamp(&self.submitted_at)
    }

    fn members(&self) -> [(&'static str, &str); 6] {
        [
            ("author", &self.author),
            ("content_hash", &self.content_hash),
            ("period", &self.period),
            ("submitted_at", &self.submitted_at),
            ("tier", &self.tier),
            ("unit", &self.unit),
        ]
    }

    /// The JCS (RFC 8785) serialisation, after validation.
    pub fn canonical_json(&self) -> Result<String, RecordError> {
        self.validate()?;
        Ok(jcs_string_object(&self.members()))
    }

    /// The leaf bytes: UTF-8 of [`Record::canonical_json`].
    pub fn leaf_bytes(&self) -> Result<Vec<u8>, RecordError> {
        self.canonical_json().map(String::into_bytes)
    }

    /// The RFC 6962 leaf hash of the record's leaf bytes.
    pub fn leaf_hash(&self, alg: HashAlg) -> Result<Hash, RecordError> {
        Ok(alg.leaf_hash(&self.leaf_bytes()?))
    }

    /// Parses leaf bytes, requiring them to be exactly the canonical encoding
    /// of a valid record.
    pub fn from_canonical_json(bytes: &[u8]) -> Result<Self, RecordError> {
        let record: Record = serde_json::from_slice(bytes).map_err(|e| RecordError::Json(e.to_string()))?;
        let canonical = record.canonical_json()?;
        if canonical.as_bytes() != bytes {
            return Err(RecordError::NotCanonical);
        }
        Ok(record)
    }
}

/// Appends `s` as a JCS JSON string literal (with quotes) to `out`.
pub fn jcs_write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    // Only ASCII bytes are ever escaped, so the runs between them are whole characters, copied as they are.
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escaped = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x09 => "\\t",
            0x0a => "\\n",
            0x0c => "\\f",
            0x0d => "\\r",
            0..0x20 => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        run = i + 1;
        if escaped.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        } else {
            out.push_str(escaped);
        }
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// JCS serialisation of an object whose members are all strings. Keys are
/// sorted by UTF-16 code units; keys are assumed distinct.
pub fn jcs_string_object(members: &[(&str, &str)]) -> String {
    let mut sorted: Vec<&(&str, &str)> = members.iter().collect();
    sorted.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    let mut out = String::with_capacity(members.iter().map(|(k, v)| k.len() + v.len() + 6).sum::<usize>() + 2);
    out.push('{');
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        jcs_write_string(k, &mut out);
        out.push(':');
        jcs_write_string(v, &mut out);
    }
    out.push('}');
    out
}

fn two_digits(b: &[u8], at: usize) -> Option<u32> {
    let hi = b.get(at).filter(|c| c.is_ascii_digit())?;
    let lo = b.get(at + 1).filter(|c| c.is_ascii_digit())?;
    Some(u32::from(hi - b'0') * 10 + u32::from(lo - b'0'))
}

/// Checks `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339, UTC, whole seconds, valid date).
pub fn validate_timestamp(s: &str) -> Result<(), RecordError> {
    let bad = || RecordError::BadTimestamp(s.to_owned());
    let b = s.as_bytes();
    if b.len() != 20
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || b.get(10) != Some(&b'T')
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
        || b.get(19) != Some(&b'Z')
    {
        return Err(bad());
    }
    let year = two_digits(b, 0).zip(two_digits(b, 2)).map(|(c, y)| c * 100 + y).ok_or_else(bad)?;
    let month = two_digits(b, 5).ok_or_else(bad)?;
    let day = two_digits(b, 8).ok_or_else(bad)?;
    let hour = two_digits(b, 11).ok_or_else(bad)?;
    let minute = two_digits(b, 14).ok_or_else(bad)?;
    let second = two_digits(b, 17).ok_or_else(bad)?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if day == 0 || day > days || hour > 23 || minute > 59 || second > 59 {
        return Err(bad());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        let mut out = String::new();
        jcs_write_string("a\"b\\c\u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f}\u{2028}é中/", &mut out);
        assert_eq!(out, "\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001f\u{7f}\u{2028}é中/\"");
    }

    #[test]
    fn utf16_key_order() {
        // By code point U+E000 < U+1F600, but in UTF-16 0xD83D (U+1F600) < 0xE000.
        let s = jcs_string_object(&[("\u{e000}", "1"), ("\u{1f600}", "2"), ("b", "3"), ("a", "4")]);
        assert_eq!(s, "{\"a\":\"4\",\"b\":\"3\",\"\u{1f600}\":\"2\",\"\u{e000}\":\"1\"}");
    }

    #[test]
    fn timestamps() {
        for ok in ["2026-02-02T10:00:00Z", "2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z"] {
            assert!(validate_timestamp(ok).is_ok(), "{ok}");
        }
        for bad in [
            "2026-02-02T10:00:00",
            "2026-02-02 10:00:00Z",
            "2026-02-02T10:00:00.5Z",
            "2026-02-02T10:00:00+08:00",
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:60:00Z",
            "2026-01-01T00:00:60Z",
            "2026-01-01t00:00:00z",
            "२०२६-01-01T00:00:00Z",
        ] {
            assert!(validate_timestamp(bad).is_err(), "{bad}");
        }
    }
}
