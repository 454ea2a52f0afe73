//! DOCX a clerk can edit and print: A4 with the margins of official documents (GB/T 9704: 37 mm top, 35 mm bottom,
//! 28 mm left, 26 mm right), 宋体 text and 黑体 title and headings (the faces every Chinese office has; elsewhere
//! they fall back to Noto CJK), bordered tables with a bold heading row, signature lines, and the verification code
//! with its QR code at the end.

use docx_rs::{
    AlignmentType, BorderType, Docx, Footer, LineSpacing, PageMargin, Paragraph, Pic, Run, RunFonts, Table,
    TableBorders, TableCell, TableLayoutType, TableRow, WidthType,
};

use crate::Error;
use crate::model::{Block, Cell, Document};

/// Twips per millimetre.
const MM: f64 = 56.692_913;
/// The text width on A4 between the margins, in twips.
const TEXT_WIDTH: usize = ((210.0 - 28.0 - 26.0) * MM) as usize;

fn twips(mm: f64) -> i32 {
    #[allow(clippy::cast_possible_truncation, reason = "page measures are a few thousand twips")]
    let t = (mm * MM).round() as i32;
    t
}

fn run(text: &str) -> Run {
    Run::new().add_text(text)
}

fn hei(run: Run) -> Run {
    run.fonts(RunFonts::new().east_asia("黑体").ascii("Arial").hi_ansi("Arial"))
}

/// The document as DOCX bytes.
pub fn docx(doc: &Document) -> Result<Vec<u8>, Error> {
    let mut d = Docx::new()
        .page_size(11_906, 16_838)
        .page_margin(
            PageMargin::new()
                .top(twips(37.0))
                .bottom(twips(35.0))
                .left(twips(28.0))
                .right(twips(26.0))
                .header(twips(15.0))
                .footer(twips(25.0)),
        )
        .default_fonts(RunFonts::new().east_asia("宋体").ascii("Times New Roman").hi_ansi("Times New Roman"))
        .default_size(24);
    d = d.add_paragraph(
        Paragraph::new()
            .add_run(hei(run(&format!("《{}》", doc.title))).size(40).bold())
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().after(240)),
    );
    d = d
        .add_paragraph(Paragraph::new().add_run(run(&format!("单位：{}", doc.unit))))
        .add_paragraph(Paragraph::new().add_run(run(&format!("统一社会信用代码：{}", doc.credit_code))))
        .add_paragraph(
            Paragraph::new().add_run(run(&format!("期间：{}", doc.period))).line_spacing(LineSpacing::new().after(200)),
        );
    for block in &doc.blocks {
        match block {
            Block::Heading { text } => {
                d = d.add_paragraph(
                    Paragraph::new()
                        .add_run(hei(run(text)).size(28).bold())
                        .line_spacing(LineSpacing::new().before(240).after(120)),
                );
            }
            Block::Paragraph { text } => {
                for line in text.lines() {
                    d = d.add_paragraph(Paragraph::new().add_run(run(line)).indent(
                        None,
                        Some(docx_rs::SpecialIndentType::FirstLine(480)),
                        None,
                        None,
                    ));
                }
            }
            Block::Fields { fields } => {
                for (label, value) in fields {
                    d = d.add_paragraph(Paragraph::new().add_run(hei(run(&format!("{label}：")))).add_run(run(value)));
                }
            }
            Block::Table(t) => {
                let total: usize = t.columns.iter().map(|c| usize::from(c.width)).sum::<usize>().max(1);
                let widths: Vec<usize> = t.columns.iter().map(|c| TEXT_WIDTH * usize::from(c.width) / total).collect();
                let cell = |p: Paragraph, w: usize| TableCell::new().add_paragraph(p).width(w, WidthType::Dxa);
                let mut rows = vec![TableRow::new(
                    t.columns
                        .iter()
                        .zip(&widths)
                        .map(|(c, &w)| {
                            cell(
                                Paragraph::new()
                                    .add_run(hei(run(&c.title)).size(21).bold())
                                    .align(AlignmentType::Center),
                                w,
                            )
                        })
                        .collect(),
                )];
                for r in &t.rows {
                    rows.push(TableRow::new(
                        r.iter()
                            .zip(&widths)
                            .map(|(c, &w)| {
                                let p = Paragraph::new().add_run(run(&c.display()).size(21));
                                let p = if matches!(c, Cell::Number(_)) { p.align(AlignmentType::Right) } else { p };
                                cell(p, w)
                            })
                            .collect(),
                    ));
                }
                d = d.add_table(
                    Table::new(rows)
                        .set_grid(widths.clone())
                        .layout(TableLayoutType::Fixed)
                        .width(TEXT_WIDTH, WidthType::Dxa)
                        .set_borders(
                            TableBorders::new().set(
                                docx_rs::TableBorder::new(docx_rs::TableBorderPosition::Top)
                                    .border_type(BorderType::Single),
                            ),
                        ),
                );
                d = d.add_paragraph(Paragraph::new());
            }
            Block::Signatures { labels } => {
                d = d.add_paragraph(Paragraph::new().line_spacing(LineSpacing::new().before(240)));
                for label in labels {
                    d = d.add_paragraph(
                        Paragraph::new()
                            .add_run(run(&format!("{label}：________________　　日期：______年____月____日")))
                            .line_spacing(LineSpacing::new().before(240).after(240)),
                    );
                }
            }
        }
    }
    let footer_text = match &doc.proof {
        Some(proof) => {
            let (png, side) = crate::qr::png(&proof.url, 4)?;
            // 24 mm square, in EMU (36,000 per millimetre).
            let pic = Pic::new_with_dimensions(png, side, side).size(864_000, 864_000);
            d = d.add_paragraph(
                Paragraph::new().line_spacing(LineSpacing::new().before(360)).add_run(Run::new().add_image(pic)),
            );
            d = d.add_paragraph(Paragraph::new().add_run(run(&proof.footer()).size(18)));
            for r in &proof.records {
                d = d.add_paragraph(
                    Paragraph::new().add_run(run(&format!("记录 #{} {}", r.leaf_index, r.leaf_hash)).size(16)),
                );
            }
            format!("{} · 验证码 {}", doc.title, proof.code)
        }
        None => format!("{} · 草稿，未上链", doc.title),
    };
    d = d.footer(
        Footer::new().add_paragraph(Paragraph::new().add_run(run(&footer_text).size(16)).align(AlignmentType::Center)),
    );
    let mut out = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut out).map_err(|e| Error::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
