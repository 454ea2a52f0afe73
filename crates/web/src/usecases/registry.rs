//! The unit registry (单位名录) a regulator imports from XLSX or CSV: every row checked (credit code with its check
//! character, division inside the importer's jurisdiction and in the division table, product categories by code or
//! name), rows of one credit code merged, and the whole file refused with a per-row report when any row is wrong.

use zhian_docs::sheet;
use zhian_domain::forms::UnitForm;
use zhian_domain::ident::DivisionCode;
use zhian_domain::scope::Category3Policy;

use super::rows::{ImportFailure, RowError, file_error, find_sheet};
use crate::AppState;
use crate::error::AppError;

/// The registry's sheet name.
pub const SHEET: &str = "单位名录";
/// The registry's columns, in order.
pub const HEADINGS: [&str; 8] =
    ["单位名称", "统一社会信用代码", "经营地址", "行政区划代码", "主营业务", "从业人员", "营业收入（元）", "产品类别"];

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryImport {
    /// Units registered.
    pub created: usize,
    /// Credit codes already registered (left as they were).
    pub known: usize,
    /// Rows merged into an earlier row of the same credit code.
    pub merged: usize,
}

/// One unit as read: its first row and its fields.
#[derive(Debug, Clone)]
struct Entry {
    row: usize,
    fields: [String; 8],
}

fn column_of(field: &str) -> &'static str {
    match field {
        "name" => HEADINGS[0],
        "credit_code" => HEADINGS[1],
        "address" => HEADINGS[2],
        "division_code" => HEADINGS[3],
        "channel" => HEADINGS[4],
        "employees" => HEADINGS[5],
        "revenue_yuan" => HEADINGS[6],
        _ => HEADINGS[7],
    }
}

/// The rows of a registry file (XLSX: the 单位名录 sheet; CSV: the whole file, heading first).
fn read_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, ImportFailure> {
    let rows: Vec<Vec<String>> = if bytes.starts_with(b"PK") {
        let sheets = sheet::read_xlsx(bytes).map_err(|e| file_error(e.to_string()))?;
        find_sheet(&sheets, SHEET, &HEADINGS)?.rows.clone()
    } else {
        let rows = sheet::read_csv(bytes);
        let heading_ok = rows.first().is_some_and(|h| h.iter().take(8).map(String::as_str).eq(HEADINGS));
        if !heading_ok {
            return Err(file_error(format!("CSV 文件第 1 行应为表头：{}", HEADINGS.join("、"))));
        }
        rows
    };
    let body: Vec<(usize, Vec<String>)> = rows
        .into_iter()
        .enumerate()
        .skip(1)
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .map(|(i, r)| (i + 1, r))
        .collect();
    if body.is_empty() {
        return Err(file_error("文件中没有单位"));
    }
    Ok(body)
}

/// Reads and checks a registry file; imports it only when every row is right. Regulators may only register units
/// inside their jurisdictions.
pub async fn import_registry(
    state: &AppState,
    by: i64,
    jurisdictions: &[DivisionCode],
    admin: bool,
    bytes: &[u8],
) -> Result<RegistryImport, ImportFailure> {
    let rows = read_rows(bytes)?;
    let mut errors: Vec<RowError> = Vec::new();
    let mut err = |row: usize, column: &str, message: String| {
        errors.push(RowError { row, column: column.to_owned(), message });
    };
    // Merge rows of one credit code: empty fields filled from later rows, categories joined; a conflict is an error.
    let mut entries: Vec<Entry> = Vec::new();
    let mut merged = 0;
    for (row, cells) in rows {
        let mut fields: [String; 8] = Default::default();
        for (f, c) in fields.iter_mut().zip(cells.iter()) {
            *f = c.trim().to_owned();
        }
        let code = fields[1].to_ascii_uppercase();
        fields[1] = code.clone();
        let Some(first) = entries.iter_mut().find(|e| !code.is_empty() && e.fields[1] == code) else {
            entries.push(Entry { row, fields });
            continue;
        };
        merged += 1;
        for (i, (mine, theirs)) in first.fields.iter_mut().zip(fields).enumerate() {
            if i == 7 {
                let mut all: Vec<String> = split_categories(mine);
                all.extend(split_categories(&theirs).into_iter().filter(|c| !split_categories(mine).contains(c)));
                *mine = all.join("；");
            } else if mine.is_empty() {
                *mine = theirs;
            } else if !theirs.is_empty() && *mine != theirs {
                err(
                    row,
                    HEADINGS[i],
                    format!(
                        "与第 {} 行是同一单位（信用代码 {code}），但{}不同：“{mine}”与“{theirs}”",
                        first.row, HEADINGS[i]
                    ),
                );
            }
        }
    }
    let mut checked = Vec::with_capacity(entries.len());
    for e in &entries {
        let [name, credit_code, address, division_code, channel, employees, revenue, categories] = e.fields.clone();
        let channel = match channel.as_str() {
            "批发" | "wholesale" => "wholesale",
            "零售" | "retail" => "retail",
            other => other,
        }
        .to_owned();
        let form = UnitForm { name, credit_code, address, division_code, channel, employees, revenue_yuan: revenue };
        let mut codes = Vec::new();
        for c in split_categories(&categories) {
            match category_code(state, &c) {
                Some(code) => codes.push(code),
                None => {
                    err(e.row, HEADINGS[7], format!("产品类别“{c}”不在产品目录中（可填代码如 ccc-10，或类别名称）"))
                }
            }
        }
        if codes.is_empty() && categories.is_empty() {
            err(e.row, HEADINGS[7], "请填写产品类别（代码或名称，多个用分号分隔）".to_owned());
        }
        match super::units::check_unit(state, &form, &codes) {
            Ok((info, refs)) => {
                if state.reference.division(info.division).is_none() {
                    err(e.row, HEADINGS[3], format!("行政区划代码 {} 不在区划表中", info.division));
                } else if !admin && !jurisdictions.iter().any(|j| j.contains(info.division)) {
                    err(e.row, HEADINGS[3], format!("{} 不在本账号的辖区内", info.division));
                }
                let duties = super::units::duties_of(state, &info, &refs, Category3Policy::Seed);
                checked.push((info, refs, duties));
            }
            Err(AppError::Invalid(fields)) => {
                for f in fields.0 {
                    err(e.row, column_of(&f.field), f.message);
                }
            }
            Err(other) => return Err(ImportFailure::App(other)),
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(ImportFailure::Rows(errors));
    }
    let (created, known) = state.store.import_registry(&checked, by, state.clock.now()).await?;
    Ok(RegistryImport { created: created.len(), known: known.len(), merged })
}

fn split_categories(s: &str) -> Vec<String> {
    s.split([',', '，', ';', '；', '\n']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

/// A category's code from its code or its name.
fn category_code(state: &AppState, s: &str) -> Option<String> {
    if let Some((_, cat)) = state.reference.category(s) {
        return Some(cat.code.clone());
    }
    state.reference.catalogues.iter().flat_map(|c| &c.categories).find(|c| c.name == s).map(|c| c.code.clone())
}

/// The registry template: the heading and one example row.
pub fn template() -> Result<Vec<u8>, AppError> {
    let example = vec![
        "深圳市南山区示例电动车商行".to_owned(),
        "92440305MA5G7K3L2A".to_owned(),
        "深圳市南山区示例路 1 号".to_owned(),
        "440305".to_owned(),
        "零售".to_owned(),
        "6".to_owned(),
        "1800000".to_owned(),
        "ccc-10；电动自行车用锂离子蓄电池、充电器".to_owned(),
    ];
    sheet::write_xlsx(SHEET, &HEADINGS, &[example]).map_err(|e| AppError::Internal(e.to_string()))
}
