//! Every format carries the document: the PDF read back by `pdftotext`, the DOCX and XLSX unpacked and their text
//! found, with real Noto CJK fonts from the machine.

use std::path::Path;
use std::process::Command;

use zhian_docs::{Block, Cell, Column, DocKind, Document, Proof, ProofRecord, Table};

fn sample() -> Document {
    Document {
        kind: DocKind::DailyRecord,
        title: DocKind::DailyRecord.name().to_owned(),
        unit: "示例县平安五金店".to_owned(),
        credit_code: "91330100MA2B3C4D5E".to_owned(),
        period: "2026-11-27".to_owned(),
        blocks: vec![
            Block::Fields { fields: vec![("检查人".to_owned(), "王质检".to_owned())] },
            Block::Table(Table {
                columns: vec![
                    Column::new("序号", 3),
                    Column::new("检查内容", 14),
                    Column::new("结果", 5),
                    Column::new("日期", 6),
                ],
                rows: vec![
                    vec![
                        Cell::Number(1),
                        Cell::text("电线电缆 3C 标志与进货查验"),
                        Cell::text("符合"),
                        Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()),
                    ],
                    vec![
                        Cell::Number(2),
                        Cell::text("燃气灶具＜#set text(red)＞与\"引号\""),
                        Cell::text("不符合"),
                        Cell::Empty,
                    ],
                ],
            }),
            Block::Paragraph { text: "第一行说明\n第二行说明".to_owned() },
            Block::Signatures { labels: vec!["质量安全员（签字）".to_owned()] },
        ],
        proof: Some(Proof {
            code: "K7QM2-X9D4R".to_owned(),
            url: "https://zhian.example/v/K7QM2-X9D4R".to_owned(),
            records: vec![ProofRecord { leaf_index: 41, leaf_hash: "ab".repeat(32) }],
        }),
    }
}

fn fonts() -> zhian_docs::pdf::PdfRenderer {
    zhian_docs::pdf::PdfRenderer::new(Path::new(zhian_docs::pdf::DEFAULT_FONT_DIR)).expect("fonts-noto-cjk installed")
}

/// The text of a document part inside a zip (DOCX, XLSX), XML tags removed.
fn zipped_text(bytes: &[u8], part: &str) -> String {
    let dir = tempdir();
    let file = dir.join("doc.zip");
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new("unzip").arg("-p").arg(&file).arg(part).output().expect("unzip");
    assert!(out.status.success(), "{part} missing");
    let xml = String::from_utf8(out.stdout).unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("zhian-docs-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn pdf_text_comes_back_with_cjk_fonts_embedded() {
    let pdf = fonts().render(&sample()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = tempdir();
    let path = dir.join("record.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text =
        String::from_utf8(Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext").stdout).unwrap();
    let flat: String = text.split_whitespace().collect();
    for expected in [
        "《每日工业产品质量安全检查记录》",
        "示例县平安五金店",
        "91330100MA2B3C4D5E",
        "电线电缆3C标志与进货查验",
        "不符合",
        "燃气灶具＜#settext(red)＞与\"引号\"",
        "2026-11-27",
        "第一行说明",
        "质量安全员（签字）",
        "K7QM2-X9D4R",
    ] {
        assert!(flat.contains(expected), "{expected} not in the PDF's text:\n{text}");
    }
    let fonts = String::from_utf8(Command::new("pdffonts").arg(&path).output().expect("pdffonts").stdout).unwrap();
    assert!(fonts.contains("NotoSerifCJK") && fonts.contains("NotoSansCJK"), "{fonts}");
    // Every font embedded (emb) and with a Unicode map (uni): the columns after the type are "yes yes yes".
    for line in fonts.lines().skip(2) {
        assert!(line.contains("yes yes yes"), "a font not embedded as a subset with its Unicode map: {line}");
    }
}

#[test]
fn docx_and_xlsx_carry_the_same_text() {
    let doc = sample();
    let docx = zhian_docs::docx::docx(&doc).unwrap();
    let body = zipped_text(&docx, "word/document.xml");
    for expected in [
        "《每日工业产品质量安全检查记录》",
        "示例县平安五金店",
        "电线电缆 3C 标志与进货查验",
        "燃气灶具＜#set text(red)＞与\"引号\"",
        "第二行说明",
        "K7QM2-X9D4R",
    ] {
        assert!(body.contains(expected), "{expected} not in the DOCX");
    }
    assert!(zipped_text(&docx, "word/footer1.xml").contains("验证码 K7QM2-X9D4R"));
    let xlsx = zhian_docs::xlsx::xlsx(&doc).unwrap();
    let strings = zipped_text(&xlsx, "xl/sharedStrings.xml");
    for expected in ["《每日工业产品质量安全检查记录》", "电线电缆 3C 标志与进货查验", "符合", "K7QM2-X9D4R"]
    {
        assert!(strings.contains(expected), "{expected} not in the XLSX");
    }
    // Numbers and dates are typed cells, not text: 1 and 2 as numbers, 2026-11-27 as its Excel serial day.
    let dir = tempdir();
    std::fs::write(dir.join("typed.xlsx"), &xlsx).unwrap();
    let sheet = String::from_utf8(
        Command::new("unzip")
            .arg("-p")
            .arg(dir.join("typed.xlsx"))
            .arg("xl/worksheets/sheet1.xml")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let serial = (chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
        - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap())
    .num_days();
    for value in ["<v>1</v>".to_owned(), "<v>2</v>".to_owned(), format!("<v>{serial}</v>")] {
        assert!(sheet.contains(&value), "{value} not a typed cell: {sheet}");
    }
    assert!(sheet.contains("<cols>") && sheet.contains("customWidth=\"1\""), "column widths set");
    let media = Command::new("unzip").arg("-l").arg(dir.join("typed.xlsx")).output().unwrap().stdout;
    assert!(String::from_utf8_lossy(&media).contains("xl/media/image1.png"), "the QR code in the sheet");
}

#[test]
fn missing_fonts_are_named_in_chinese() {
    let err = zhian_docs::pdf::PdfRenderer::new(Path::new("/nonexistent")).unwrap_err().to_string();
    assert!(err.contains("fonts-noto-cjk") && err.contains("NotoSerifCJK-Regular.ttc"), "{err}");
}

/// Writes the sample in every format to `ZHIAN_DOCS_OUT`, to look at.
#[test]
fn sample_files_when_asked() {
    let Ok(out) = std::env::var("ZHIAN_DOCS_OUT") else { return };
    let doc = sample();
    std::fs::write(format!("{out}/sample.pdf"), fonts().render(&doc).unwrap()).unwrap();
    std::fs::write(format!("{out}/sample.docx"), zhian_docs::docx::docx(&doc).unwrap()).unwrap();
    std::fs::write(format!("{out}/sample.xlsx"), zhian_docs::xlsx::xlsx(&doc).unwrap()).unwrap();
}

/// The independent reader of the DOCX and XLSX: LibreOffice headless converts both to PDF, and pdftotext finds the
/// record's text and numbers in what it made. Skipped without LibreOffice unless `ZHIAN_REQUIRE_LIBREOFFICE=1`.
#[test]
fn libreoffice_reads_the_docx_and_xlsx_back() {
    if Command::new("soffice").arg("--version").output().is_err() {
        assert!(std::env::var("ZHIAN_REQUIRE_LIBREOFFICE").is_err(), "LibreOffice (soffice) is required here");
        return;
    }
    let doc = sample();
    let dir = tempdir().join("lo");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in
        [("record.docx", zhian_docs::docx::docx(&doc).unwrap()), ("list.xlsx", zhian_docs::xlsx::xlsx(&doc).unwrap())]
    {
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        let out_dir = dir.join(name.replace('.', "-"));
        // Its own profile, so parallel tests and a desktop session do not share one.
        let profile = format!(
            "-env:UserInstallation=file://{}",
            dir.join(format!("profile-{}", name.replace('.', "-"))).display()
        );
        let status = Command::new("soffice")
            .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&out_dir)
            .arg(&file)
            .output()
            .expect("soffice");
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
        let pdf = out_dir.join(name.replace(".docx", ".pdf").replace(".xlsx", ".pdf"));
        let text = String::from_utf8(Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
        let flat: String = text.split_whitespace().collect();
        for expected in [
            "每日工业产品质量安全检查记录",
            "示例县平安五金店",
            "电线电缆3C标志与进货查验",
            "不符合",
            "2026-11-27",
            "K7QM2-X9D4R",
        ] {
            assert!(flat.contains(expected), "{name}: {expected} not in LibreOffice's reading:\n{text}");
        }
    }
}

/// Scanning the printed page: the PDF rasterised by pdftoppm, the QR code found and decoded by an independent
/// decoder, gives the verification page's URL.
#[test]
fn the_printed_qr_code_opens_the_verification_page() {
    let doc = sample();
    let pdf = fonts().render(&doc).unwrap();
    let dir = tempdir();
    let path = dir.join("scan.pdf");
    std::fs::write(&path, pdf).unwrap();
    let prefix = dir.join("scan");
    let status = Command::new("pdftoppm")
        .args(["-gray", "-r", "300", "-f", "1", "-l", "1"])
        .arg(&path)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(status.success());
    let pgm = std::fs::read(dir.join("scan-1.pgm")).unwrap();
    // Binary PGM: "P5\n<w> <h>\n<max>\n" then one byte per pixel.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8(pgm[start..at].to_vec()).unwrap());
    }
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &pgm[at + 1..];
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the page");
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, "https://zhian.example/v/K7QM2-X9D4R");
}
