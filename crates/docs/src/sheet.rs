//! Plain tables in and out: reading the sheets of an uploaded workbook (XLSX) or a CSV file as rows of text, and
//! writing rows as a simple one-sheet workbook — for imports (question bank, unit registry) and exports.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook};

use crate::Error;

/// A sheet: its name and its rows, every cell as text (whole numbers without a decimal point, empty cells as "").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// Rows, the first usually the heading.
    pub rows: Vec<Vec<String>>,
}

/// Every sheet of an XLSX workbook.
pub fn read_xlsx(bytes: &[u8]) -> Result<Vec<Sheet>, Error> {
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| Error::Read(format!("不是有效的 Excel（.xlsx）文件：{e}")))?;
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).map_err(|e| Error::Read(format!("工作表“{name}”无法读取：{e}")))?;
            let rows = range.rows().map(|row| row.iter().map(cell_text).collect()).collect();
            Ok(Sheet { name, rows })
        })
        .collect()
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e}"),
    }
}

/// An Excel serial date (days since 1899-12-30) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    // Whole days only: a date cell's time of day is not part of any field read here.
    let days = serial.floor();
    if !(0.0..=2_958_465.0).contains(&days) {
        return String::new();
    }
    epoch.checked_add_days(chrono::Days::new(days as u64)).map(|d| d.to_string()).unwrap_or_default()
}

/// A CSV file's rows (RFC 4180: quoted fields may hold commas, quotes doubled, line breaks). UTF-8 with or without
/// a byte-order mark, or GB 18030 (what Excel in China saves as CSV).
pub fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    };
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => row.push(std::mem::take(&mut field).trim().to_owned()),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field).trim().to_owned());
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field.trim().to_owned());
        rows.push(row);
    }
    rows.retain(|r| r.iter().any(|c| !c.is_empty()));
    rows
}

/// Rows as a one-sheet workbook: a bold heading row, frozen, and every cell as text.
pub fn write_xlsx(sheet_name: &str, heading: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, Error> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name)?;
    let bold = Format::new().set_bold();
    for (c, h) in heading.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| Error::TooLarge)?;
        sheet.write_string_with_format(0, c, *h, &bold)?;
        sheet.set_column_width(c, 16)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| Error::TooLarge)?;
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r, u16::try_from(c).map_err(|_| Error::TooLarge)?, v)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_may_be_quoted_hold_commas_quotes_and_breaks() {
        let rows = read_csv("\u{feff}名称,代码\r\n\"甲,乙\",\"说\"\"明\"\"\"\n\"两\n行\",x\n\n".as_bytes());
        assert_eq!(rows, vec![vec!["名称", "代码"], vec!["甲,乙", "说\"明\""], vec!["两\n行", "x"]]);
        let (gbk, _, _) = encoding_rs::GB18030.encode("单位名称,统一社会信用代码\n某商行,914403001922038216");
        assert_eq!(read_csv(&gbk)[1], vec!["某商行", "914403001922038216"]);
    }

    #[test]
    fn a_written_workbook_reads_back() {
        let rows = vec![vec!["一".to_owned(), "914403001922038216".to_owned()], vec!["二".to_owned(), String::new()]];
        let bytes = write_xlsx("单位", &["名称", "代码"], &rows).unwrap();
        let sheets = read_xlsx(&bytes).unwrap();
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].name, "单位");
        assert_eq!(sheets[0].rows[0], ["名称", "代码"]);
        assert_eq!(sheets[0].rows[1], ["一", "914403001922038216"]);
        assert!(matches!(read_xlsx(b"not a workbook"), Err(Error::Read(m)) if m.contains("不是有效的 Excel")));
    }
}
