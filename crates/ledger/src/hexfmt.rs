//! Lowercase hexadecimal encoding and strict decoding.
//!
//! Encoding always produces lowercase digits. Decoding accepts upper- and
//! lowercase digits, rejects odd lengths and any other character, and reports
//! the byte position of the first bad character.

use thiserror::Error;

/// An error from decoding a hexadecimal string.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HexError {
    /// The string has an odd number of characters.
    #[error("十六进制解析失败：长度为奇数（{len} 个字符）")]
    OddLength {
        /// Number of characters in the input.
        len: usize,
    },
    /// A character is not a hexadecimal digit.
    #[error("十六进制解析失败：第 {position} 个字节不是十六进制数字")]
    InvalidChar {
        /// Zero-based byte position of the offending character.
        position: usize,
    },
    /// The decoded value does not have the required length.
    #[error("十六进制解析失败：需要 {expected} 字节，实际 {actual} 字节")]
    WrongLength {
        /// Required number of bytes.
        expected: usize,
        /// Number of bytes decoded.
        actual: usize,
    },
}

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Encodes bytes as lowercase hexadecimal.
pub fn encode_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes a hexadecimal string (either case) into bytes.
pub fn decode_hex(text: &str) -> Result<Vec<u8>, HexError> {
    let raw = text.as_bytes();
    if !raw.len().is_multiple_of(2) {
        return Err(HexError::OddLength { len: raw.len() });
    }
    let mut out = Vec::with_capacity(raw.len() / 2);
    for (i, pair) in raw.chunks_exact(2).enumerate() {
        let &[a, b] = pair else {
            return Err(HexError::OddLength { len: raw.len() });
        };
        let hi = nibble(a).ok_or(HexError::InvalidChar { position: 2 * i })?;
        let lo = nibble(b).ok_or(HexError::InvalidChar { position: 2 * i + 1 })?;
        out.push((hi << 4) | lo);
    }
    Ok(out)
}

/// Decodes a hexadecimal string into exactly `N` bytes.
pub fn decode_hex_array<const N: usize>(text: &str) -> Result<[u8; N], HexError> {
    let bytes = decode_hex(text)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| HexError::WrongLength { expected: N, actual: bytes.len() })
}

/// Returns true when `text` is non-empty, of even length and consists only of
/// lowercase hexadecimal digits.
pub fn is_lower_hex(text: &str) -> bool {
    !text.is_empty() && text.len().is_multiple_of(2) && text.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let data = [0u8, 1, 0x7f, 0x80, 0xfe, 0xff];
        let text = encode_hex(&data);
        assert_eq!(text, "00017f80feff");
        assert_eq!(decode_hex(&text).unwrap(), data);
        assert_eq!(decode_hex("ABcd").unwrap(), vec![0xab, 0xcd]);
    }

    #[test]
    fn errors() {
        assert_eq!(decode_hex("abc"), Err(HexError::OddLength { len: 3 }));
        assert_eq!(decode_hex("0g"), Err(HexError::InvalidChar { position: 1 }));
        assert_eq!(decode_hex_array::<2>("00"), Err(HexError::WrongLength { expected: 2, actual: 1 }));
        assert!(is_lower_hex("00ff"));
        assert!(!is_lower_hex("00FF"));
        assert!(!is_lower_hex(""));
    }
}
