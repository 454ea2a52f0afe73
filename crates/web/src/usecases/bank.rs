//! The question bank: seeded from the shipped content on first start, imported and exported as JSON or XLSX, each
//! import a new version. An import is checked row by row; one bad row rejects the whole file, with every problem
//! listed by row and column.

use zhian_docs::sheet::{self, Sheet};
use zhian_domain::exam::{Question, QuestionText};
use zhian_store::exams::BankImport;

pub use super::rows::{ImportFailure, RowError};
use super::rows::{file_error, find_sheet};
use crate::AppState;
use crate::error::AppError;

/// The bank's sheet name and headings, in order.
pub const SHEET: &str = "题库";
const HEADINGS: [&str; 15] = [
    "编号",
    "题型",
    "领域",
    "产品类别",
    "难度",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "选项F",
    "答案",
    "依据",
    "解析",
];

fn column_of(field: &str) -> &'static str {
    match field {
        "id" => "编号",
        "kind" => "题型",
        "area" => "领域",
        "categories" => "产品类别",
        "difficulty" => "难度",
        "stem" => "题干",
        "options" => "选项",
        "answer" => "答案",
        "basis" => "依据",
        _ => "解析",
    }
}

/// Loads the shipped questions into an empty bank (version 1); does nothing once there is a bank.
pub async fn seed_bank(state: &AppState) -> Result<Option<BankImport>, AppError> {
    if state.store.bank_version().await?.is_some() {
        return Ok(None);
    }
    let import = state
        .store
        .import_bank(&state.reference.questions, true, "content", "随系统发布的题库", None, state.clock.now())
        .await?;
    Ok(Some(import))
}

/// Reads a bank file — JSON (the `content/questions` format, or a list of questions) or XLSX (sheet 题库) — and
/// checks every question.
pub fn parse_bank(state: &AppState, bytes: &[u8]) -> Result<Vec<Question>, ImportFailure> {
    let texts: Vec<(usize, QuestionText)> = if bytes.starts_with(b"PK") {
        let sheets = sheet::read_xlsx(bytes).map_err(|e| file_error(e.to_string()))?;
        rows_of(&sheets)?
    } else {
        #[derive(serde::Deserialize)]
        struct File {
            questions: Vec<QuestionText>,
        }
        let text =
            std::str::from_utf8(bytes).map_err(|_| file_error("文件不是 UTF-8 编码的 JSON，也不是 Excel 文件"))?;
        let parsed: Result<Vec<QuestionText>, _> = serde_json::from_str::<File>(text)
            .map(|f| f.questions)
            .or_else(|_| serde_json::from_str::<Vec<QuestionText>>(text));
        let list = parsed.map_err(|e| file_error(format!("JSON 格式错误：{e}")))?;
        list.into_iter().enumerate().map(|(i, q)| (i + 1, q)).collect()
    };
    if texts.is_empty() {
        return Err(file_error("文件中没有试题"));
    }
    let categories = state.reference.question_categories();
    let mut errors = Vec::new();
    let mut out: Vec<Question> = Vec::with_capacity(texts.len());
    for (row, text) in texts {
        match text.check(&categories) {
            Ok(q) if out.iter().any(|o| o.code == q.code) => {
                errors.push(RowError {
                    row, column: "编号".into(), message: format!("编号 {} 在文件中重复", q.code)
                })
            }
            Ok(q) => out.push(q),
            Err(es) => errors.extend(es.into_iter().map(|e| RowError {
                row,
                column: column_of(e.field).to_owned(),
                message: e.message,
            })),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(ImportFailure::Rows(errors)) }
}

/// The questions of the 题库 sheet (or the sheet whose heading matches), with their row numbers.
fn rows_of(sheets: &[Sheet]) -> Result<Vec<(usize, QuestionText)>, ImportFailure> {
    let sheet = find_sheet(sheets, SHEET, &HEADINGS)?;
    let cell = |row: &[String], i: usize| row.get(i).cloned().unwrap_or_default();
    Ok(sheet
        .rows
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .map(|(i, r)| {
            let categories =
                cell(r, 3).split(['、', ',', '，', ' ']).filter(|c| !c.is_empty()).map(str::to_owned).collect();
            let options = (6..12).map(|c| cell(r, c)).filter(|o| !o.is_empty()).collect();
            let difficulty = match cell(r, 4).trim() {
                "易" | "1" => 1,
                "中" | "2" => 2,
                "难" | "3" => 3,
                _ => 0,
            };
            let text = QuestionText {
                id: cell(r, 0),
                kind: cell(r, 1),
                area: cell(r, 2),
                categories,
                difficulty,
                stem: cell(r, 5),
                options,
                answer: cell(r, 12),
                basis: cell(r, 13),
                explanation: cell(r, 14),
            };
            (i + 1, text)
        })
        .collect())
}

/// Imports a bank file as a new version; with `replace`, questions not in the file are retired.
pub async fn import_bank(
    state: &AppState,
    by: Option<i64>,
    source: &str,
    bytes: &[u8],
    replace: bool,
) -> Result<BankImport, ImportFailure> {
    let questions = parse_bank(state, bytes)?;
    let note = if replace { "整库替换" } else { "新增或修订" };
    Ok(state.store.import_bank(&questions, replace, source, note, by, state.clock.now()).await?)
}

/// The current bank as JSON (the `content/questions` format).
pub async fn export_json(state: &AppState) -> Result<Vec<u8>, AppError> {
    let questions = current(state).await?;
    let texts: Vec<QuestionText> = questions.iter().map(Question::to_text).collect();
    let body = serde_json::json!({"file": "bank", "questions": texts});
    serde_json::to_vec_pretty(&body).map_err(|e| AppError::Internal(e.to_string()))
}

/// The current bank as a workbook with the 题库 sheet (the import template).
pub async fn export_xlsx(state: &AppState) -> Result<Vec<u8>, AppError> {
    let questions = current(state).await?;
    let difficulty = ["", "易", "中", "难"];
    let rows: Vec<Vec<String>> = questions
        .iter()
        .map(|q| {
            let t = q.to_text();
            let mut row = vec![
                t.id,
                q.kind.label().to_owned(),
                q.area.label().to_owned(),
                t.categories.join("、"),
                difficulty.get(usize::from(q.difficulty)).copied().unwrap_or_default().to_owned(),
                t.stem,
            ];
            row.extend((0..6).map(|i| t.options.get(i).cloned().unwrap_or_default()));
            row.extend([t.answer, t.basis, t.explanation]);
            row
        })
        .collect();
    sheet::write_xlsx(SHEET, &HEADINGS, &rows).map_err(|e| AppError::Internal(e.to_string()))
}

async fn current(state: &AppState) -> Result<Vec<Question>, AppError> {
    let Some(version) = state.store.bank_version().await? else { return Ok(Vec::new()) };
    Ok(state.store.bank(version).await?.into_iter().map(|q| q.question).collect())
}
