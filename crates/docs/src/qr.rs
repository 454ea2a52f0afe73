//! The QR code every document carries: the URL of its public verification page, drawn as SVG for the PDF and as a
//! PNG for the DOCX (written here: a grey-scale image of black and white modules needs no image library).

use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};

use crate::Error;

/// Modules of white border around the code, as the QR standard asks.
const QUIET: usize = 4;

fn code(url: &str) -> Result<QrCode, Error> {
    QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|e| Error::Qr(e.to_string()))
}

/// The code as an SVG image.
pub fn svg(url: &str) -> Result<String, Error> {
    Ok(code(url)?.render::<svg::Color<'_>>().quiet_zone(true).module_dimensions(4, 4).build())
}

/// The code as a PNG image, `scale` pixels per module, and its side in pixels.
pub fn png(url: &str, scale: usize) -> Result<(Vec<u8>, u32), Error> {
    let code = code(url)?;
    let width = code.width();
    let colors = code.to_colors();
    let side = (width + 2 * QUIET) * scale;
    // One filter byte, then one byte per pixel (8-bit grey: 0 black, 255 white).
    let mut raw = Vec::with_capacity(side * (side + 1));
    for y in 0..side {
        raw.push(0);
        for x in 0..side {
            let (mx, my) = ((x / scale).checked_sub(QUIET), (y / scale).checked_sub(QUIET));
            let dark = match (mx, my) {
                (Some(mx), Some(my)) if mx < width && my < width => colors.get(my * width + mx) == Some(&Color::Dark),
                _ => false,
            };
            raw.push(if dark { 0 } else { 255 });
        }
    }
    let side32 = u32::try_from(side).map_err(|_| Error::Qr("二维码过大".into()))?;
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&side32.to_be_bytes());
    ihdr.extend_from_slice(&side32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    Ok((out, side32))
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of stored (uncompressed) deflate blocks: a QR image is small, and this keeps it dependency-free.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut blocks = data.chunks(0xffff).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(block) = blocks.next() {
        out.push(u8::from(blocks.peek().is_none()));
        let len = u16::try_from(block.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1_u32, 0_u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffff_u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_their_standards() {
        // The check values of CRC-32/ISO-HDLC and Adler-32 for "123456789".
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(adler32(b"123456789"), 0x091e_01de);
        assert_eq!(adler32(b""), 1);
    }

    #[test]
    fn png_has_the_code_side_and_a_stored_stream() {
        let (png, side) = png("https://zhian.example/v/K7QM2-X9D4R", 2).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), side);
        // Version 3 (29 modules) at M for a URL this long, plus the quiet zone, at 2 px per module.
        assert_eq!(side, (29 + 8) * 2);
        assert!(png.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]));
    }
}
