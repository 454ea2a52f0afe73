//! XLSX for the lists: each table with typed cells (text, whole numbers, dates), column widths from the model, a
//! bold bordered heading row repeated on every printed page, and A4 landscape fitted to the page width.

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use crate::Error;
use crate::model::{Block, Cell, Document};

const FONT: &str = "宋体";

/// The document as a one-sheet workbook.
pub fn xlsx(doc: &Document) -> Result<Vec<u8>, Error> {
    let base = Format::new().set_font_name(FONT).set_font_size(10.5);
    let title =
        base.clone().set_bold().set_font_size(16).set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter);
    let bold = base.clone().set_bold();
    let head = bold.clone().set_border(FormatBorder::Thin).set_align(FormatAlign::Center).set_text_wrap();
    let cell = base.clone().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
    let number = cell.clone().set_num_format("0");
    let date = cell.clone().set_num_format("yyyy-mm-dd");

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(doc.kind.name()))?;
    let last_col = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Table(t) => t.columns.len(),
            _ => 2,
        })
        .max()
        .unwrap_or(1)
        .saturating_sub(1);
    let last_col = u16::try_from(last_col).map_err(|_| Error::TooLarge)?;
    for block in &doc.blocks {
        if let Block::Table(t) = block {
            for (i, c) in t.columns.iter().enumerate() {
                sheet.set_column_width(u16::try_from(i).map_err(|_| Error::TooLarge)?, f64::from(c.width) * 2.2)?;
            }
            break;
        }
    }

    let mut row: u32 = 0;
    sheet.set_row_height(row, 30)?;
    if last_col > 0 {
        sheet.merge_range(row, 0, row, last_col, &format!("《{}》", doc.title), &title)?;
    } else {
        sheet.write_string_with_format(row, 0, format!("《{}》", doc.title), &title)?;
    }
    row += 1;
    sheet.write_string_with_format(
        row,
        0,
        format!("单位：{}　统一社会信用代码：{}　期间：{}", doc.unit, doc.credit_code, doc.period),
        &base,
    )?;
    row += 2;
    let mut first_head = None;
    for block in &doc.blocks {
        match block {
            Block::Heading { text } => {
                sheet.write_string_with_format(row, 0, text, &bold)?;
                row += 1;
            }
            Block::Paragraph { text } => {
                for line in text.lines() {
                    sheet.write_string_with_format(row, 0, line, &base)?;
                    row += 1;
                }
            }
            Block::Fields { fields } => {
                for (label, value) in fields {
                    sheet.write_string_with_format(row, 0, label, &bold)?;
                    sheet.write_string_with_format(row, 1, value, &base)?;
                    row += 1;
                }
            }
            Block::Table(t) => {
                first_head.get_or_insert(row);
                for (i, c) in t.columns.iter().enumerate() {
                    sheet.write_string_with_format(row, col(i)?, &c.title, &head)?;
                }
                row += 1;
                for cells in &t.rows {
                    for (i, value) in cells.iter().enumerate() {
                        let c = col(i)?;
                        match value {
                            Cell::Text(s) => sheet.write_string_with_format(row, c, s, &cell)?,
                            #[allow(clippy::cast_precision_loss, reason = "counts and indexes are far below 2^53")]
                            Cell::Number(n) => sheet.write_number_with_format(row, c, *n as f64, &number)?,
                            Cell::Date(d) => {
                                let at = ExcelDateTime::parse_from_str(&d.format("%Y-%m-%d").to_string())?;
                                sheet.write_datetime_with_format(row, c, &at, &date)?
                            }
                            Cell::Empty => sheet.write_blank(row, c, &cell)?,
                        };
                    }
                    row += 1;
                }
                row += 1;
            }
            Block::Signatures { labels } => {
                row += 1;
                for label in labels {
                    sheet.write_string_with_format(
                        row,
                        0,
                        format!("{label}：__________　日期：____年__月__日"),
                        &base,
                    )?;
                    row += 1;
                }
            }
        }
    }
    if let Some(proof) = &doc.proof {
        row += 1;
        sheet.write_string_with_format(row, 0, proof.footer(), &base)?;
        for r in &proof.records {
            row += 1;
            sheet.write_string_with_format(row, 0, format!("记录 #{} {}", r.leaf_index, r.leaf_hash), &base)?;
        }
        // The QR code under the text, 24 mm square as on paper.
        let (png, side) = crate::qr::png(&proof.url, 4)?;
        let scale = 90.0 / f64::from(side);
        let image = rust_xlsxwriter::Image::new_from_buffer(&png)?.set_scale_width(scale).set_scale_height(scale);
        sheet.insert_image(row + 2, 0, &image)?;
        sheet.set_footer(format!("&L&8验证码 {}&R&8第 &P 页，共 &N 页", proof.code));
    } else {
        sheet.set_footer("&R&8第 &P 页，共 &N 页");
    }
    if let Some(head_row) = first_head {
        sheet.set_repeat_rows(head_row, head_row)?;
        sheet.set_freeze_panes(head_row + 1, 0)?;
    }
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    Ok(workbook.save_to_buffer()?)
}

fn col(i: usize) -> Result<u16, Error> {
    u16::try_from(i).map_err(|_| Error::TooLarge)
}

/// A sheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
}
