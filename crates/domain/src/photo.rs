//! Photos of what a check found: which files are accepted, how large, how many, and how a stored photo is named.
//!
//! A photo is named by the SHA-256 of its bytes (64 lowercase hex digits), so the same photo is stored once and a
//! record that names it names exactly those bytes. The type is read from the bytes themselves, never from the file
//! name or the type the sender claims.

/// The largest photo accepted, in bytes (5 MiB: a phone photo at full size, comfortably).
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

/// The most photos one check item may carry.
pub const MAX_PHOTOS_PER_ITEM: usize = 3;

/// The media type of an accepted image, read from its first bytes: JPEG, PNG or WebP.
#[must_use]
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some("image/webp")
    } else {
        None
    }
}

/// Accepts a photo or says why not, in Chinese; `what` names it for the person (e.g. "第 2 项的照片").
pub fn check_photo(bytes: &[u8], what: &str) -> Result<&'static str, String> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(format!(
            "{what}过大（{:.1} MB）：每张照片不能超过 {} MB",
            bytes.len() as f64 / 1_048_576.0,
            MAX_PHOTO_BYTES / 1_048_576
        ));
    }
    sniff(bytes).ok_or_else(|| format!("{what}不是 JPEG、PNG 或 WebP 图片，请选择照片文件"))
}

/// Whether `s` names a stored photo: 64 lowercase hex digits.
#[must_use]
pub fn is_photo_name(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_recognised_by_their_bytes_and_limited_in_size() {
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"%PDF-1.7"), None);
        assert_eq!(sniff(b"RIFF\x10\0\0\0WAVEfmt "), None, "a RIFF that is not WebP");
        assert!(check_photo(b"GIF89a", "照片").unwrap_err().contains("不是 JPEG、PNG 或 WebP"));
        let mut big = vec![0xff, 0xd8, 0xff];
        big.resize(MAX_PHOTO_BYTES + 1, 0);
        assert!(check_photo(&big, "第 1 项的照片").unwrap_err().contains("不能超过 5 MB"));
        big.truncate(MAX_PHOTO_BYTES);
        assert_eq!(check_photo(&big, "照片"), Ok("image/jpeg"), "exactly the limit is accepted");
        assert!(is_photo_name(&"ab".repeat(32)));
        assert!(!is_photo_name(&"AB".repeat(32)) && !is_photo_name("abc") && !is_photo_name(&"g".repeat(64)));
    }
}
