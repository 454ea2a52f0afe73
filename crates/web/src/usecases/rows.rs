//! Imported files read as rows: finding the right sheet and reporting every problem by row and column, so a
//! rejected file can be fixed in one go. Nothing of a rejected file is saved.

use zhian_docs::sheet::Sheet;

use crate::error::AppError;

/// One problem of an imported file: its row (as numbered in the file; 0 for the file itself), column and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Row number as the user sees it.
    pub row: usize,
    /// Column heading.
    pub column: String,
    /// What is wrong.
    pub message: String,
}

/// Why an import was refused.
#[derive(Debug)]
pub enum ImportFailure {
    /// The file's content: every problem found, nothing imported.
    Rows(Vec<RowError>),
    /// Something else.
    App(AppError),
}

impl<E: Into<AppError>> From<E> for ImportFailure {
    fn from(e: E) -> Self {
        Self::App(e.into())
    }
}

/// A problem with the file as a whole.
pub fn file_error(message: impl Into<String>) -> ImportFailure {
    ImportFailure::Rows(vec![RowError { row: 0, column: String::new(), message: message.into() }])
}

/// The sheet named `name`, or else the one sheet whose heading row starts with `headings`; refused, naming the
/// sheets found, when there is none, and naming the expected heading when the named sheet's is different.
pub fn find_sheet<'a>(sheets: &'a [Sheet], name: &str, headings: &[&str]) -> Result<&'a Sheet, ImportFailure> {
    let heading_ok = |s: &Sheet| {
        s.rows.first().is_some_and(|h| h.iter().take(headings.len()).map(String::as_str).eq(headings.iter().copied()))
    };
    let found = sheets.iter().find(|s| s.name == name).or_else(|| sheets.iter().find(|s| heading_ok(s)));
    let Some(sheet) = found else {
        let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
        return Err(file_error(format!(
            "找不到“{name}”工作表（文件中的工作表：{}）；请使用导出的模板",
            names.join("、")
        )));
    };
    if !heading_ok(sheet) {
        return Err(file_error(format!("“{}”工作表的表头应为：{}", sheet.name, headings.join("、"))));
    }
    Ok(sheet)
}
