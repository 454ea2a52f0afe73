//! Reference data as data: the product catalogues that decide scope (licence, CCC, mandatory standards), the risk
//! control list templates per product category, and the duty text templates. The files live in `content/` at the
//! repository root and are compiled in; catalogues carry versions and effective dates, because they change yearly
//! and a unit's classification must name the version it used (DOMAIN §2).

use chrono::NaiveDate;
use serde::Deserialize;
use thiserror::Error;
use zhian_domain::exam::{Question, QuestionText};
use zhian_domain::ident::DivisionCode;
use zhian_domain::scope::{ProductClass, Products};
use zhian_domain::time::parse_iso_date;

/// The embedded files: (name, text).
const CATALOGUES: [(&str, &str); 3] = [
    ("licence-2024.json", include_str!("../../../content/catalogues/licence-2024.json")),
    ("ccc-2023.json", include_str!("../../../content/catalogues/ccc-2023.json")),
    ("gb-safety-2023.json", include_str!("../../../content/catalogues/gb-safety-2023.json")),
];

const TEMPLATES: [(&str, &str); 9] = [
    ("e-bike.json", include_str!("../../../content/risk-templates/e-bike.json")),
    ("gas-appliance.json", include_str!("../../../content/risk-templates/gas-appliance.json")),
    ("wire-cable.json", include_str!("../../../content/risk-templates/wire-cable.json")),
    ("power-bank.json", include_str!("../../../content/risk-templates/power-bank.json")),
    ("safety-helmet.json", include_str!("../../../content/risk-templates/safety-helmet.json")),
    ("children.json", include_str!("../../../content/risk-templates/children.json")),
    ("household-appliance.json", include_str!("../../../content/risk-templates/household-appliance.json")),
    ("fertiliser.json", include_str!("../../../content/risk-templates/fertiliser.json")),
    ("hazardous-chemical.json", include_str!("../../../content/risk-templates/hazardous-chemical.json")),
];

/// The question bank as written by the team (DOMAIN §8): one file per subject.
const QUESTIONS: [(&str, &str); 3] = [
    ("laws.json", include_str!("../../../content/questions/laws.json")),
    ("order76.json", include_str!("../../../content/questions/order76.json")),
    ("products.json", include_str!("../../../content/questions/products.json")),
];

/// The administrative divisions (GB/T 2260 codes): every province, city and county.
const DIVISIONS: (&str, &str) = ("gbt2260-2023.csv", include_str!("../../../content/divisions/gbt2260-2023.csv"));

const DIRECTOR_DUTIES: &str = include_str!("../../../content/duties/director.md");
const OFFICER_DUTIES: &str = include_str!("../../../content/duties/officer.md");

/// A reference file that does not hold together.
#[derive(Debug, Error)]
pub enum ReferenceError {
    /// Not the JSON schema.
    #[error("参考数据 {file} 格式错误：{source}")]
    Json {
        /// The file.
        file: &'static str,
        /// Why.
        source: serde_json::Error,
    },
    /// A value breaks a rule of the data.
    #[error("参考数据 {file} 无效：{message}")]
    Invalid {
        /// The file.
        file: &'static str,
        /// Why.
        message: String,
    },
}

/// A product catalogue, one version of it.
#[derive(Debug, Clone, Deserialize)]
pub struct Catalogue {
    /// `licence`, `ccc` or `gb-safety`.
    pub catalogue: String,
    /// e.g. `2023`.
    pub version: String,
    /// Title.
    pub title: String,
    /// When this version took effect.
    pub effective_from: String,
    /// Where it comes from and what was checked.
    pub source_note: String,
    /// Its categories.
    pub categories: Vec<Category>,
}

/// A category of a catalogue.
#[derive(Debug, Clone, Deserialize)]
pub struct Category {
    /// Stable code, e.g. `ccc-10`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Representative products.
    pub products: Vec<String>,
    /// Mandatory standards, if any.
    #[serde(default)]
    pub standards: Vec<String>,
    /// In force from.
    pub effective_from: String,
    /// Withdrawn after, if ever.
    pub effective_to: Option<String>,
}

impl Category {
    /// Whether the category is in force on `day`.
    #[must_use]
    pub fn in_force(&self, day: NaiveDate) -> bool {
        let from = parse_iso_date(&self.effective_from).is_none_or(|f| f <= day);
        let to = self.effective_to.as_deref().and_then(parse_iso_date).is_none_or(|t| day <= t);
        from && to
    }
}

/// A risk control list template for a product category.
#[derive(Debug, Clone, Deserialize)]
pub struct RiskTemplate {
    /// Template code, e.g. `e-bike`.
    pub category: String,
    /// Name.
    pub name: String,
    /// Catalogue categories the template serves.
    pub catalogue_refs: Vec<String>,
    /// Template version.
    pub version: u32,
    /// Rows.
    pub rows: Vec<TemplateRow>,
}

/// A row of a template (DOMAIN §6).
#[derive(Debug, Clone, Deserialize)]
pub struct TemplateRow {
    /// 风险控制环节.
    pub stage: String,
    /// 风险点.
    pub risk_point: String,
    /// 风险描述.
    pub description: String,
    /// 管控措施.
    pub measure: String,
    /// 管控目标.
    pub target: String,
    /// 管控频次.
    pub frequency: String,
    /// 责任岗位.
    pub role: String,
    /// Daily check item.
    pub daily_item: Option<String>,
}

/// A question bank file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    /// Its name.
    #[allow(dead_code, reason = "named in the file for people reading it")]
    file: String,
    /// Its questions.
    questions: Vec<QuestionText>,
}

/// An administrative division.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Division {
    /// GB/T 2260 code.
    pub code: DivisionCode,
    /// Name.
    pub name: String,
    /// The division one level up.
    pub parent: Option<DivisionCode>,
}

/// All reference data, checked.
#[derive(Debug, Clone)]
pub struct Reference {
    /// Catalogues.
    pub catalogues: Vec<Catalogue>,
    /// Templates.
    pub templates: Vec<RiskTemplate>,
    /// The question bank as shipped.
    pub questions: Vec<Question>,
    /// Administrative divisions, by code.
    pub divisions: Vec<Division>,
}

const STAGES: [&str; 8] =
    ["进货查验", "标识标签", "许可与认证", "贮存陈列", "销售过程", "不合格品处置", "召回与投诉", "人员与制度"];
const ROLES: [&str; 3] = ["officer", "director", "principal"];

impl Reference {
    /// Parses and checks the embedded files.
    pub fn load() -> Result<Self, ReferenceError> {
        let catalogues = CATALOGUES
            .iter()
            .map(|(file, text)| {
                serde_json::from_str::<Catalogue>(text).map_err(|source| ReferenceError::Json { file, source })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let templates = TEMPLATES
            .iter()
            .map(|(file, text)| {
                serde_json::from_str::<RiskTemplate>(text).map_err(|source| ReferenceError::Json { file, source })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut reference = Self { catalogues, templates, questions: Vec::new(), divisions: Vec::new() };
        reference.check()?;
        let owned: Vec<String> = reference.question_categories().into_iter().map(str::to_owned).collect();
        let categories: Vec<&str> = owned.iter().map(String::as_str).collect();
        for (file, text) in QUESTIONS {
            let parsed: QuestionFile =
                serde_json::from_str(text).map_err(|source| ReferenceError::Json { file, source })?;
            for q in parsed.questions {
                let checked = q.check(&categories).map_err(|errors| ReferenceError::Invalid {
                    file,
                    message: format!(
                        "试题 {}：{}",
                        q.id,
                        errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；")
                    ),
                })?;
                if reference.questions.iter().any(|e| e.code == checked.code) {
                    return Err(ReferenceError::Invalid {
                        file, message: format!("试题编号 {} 重复", checked.code)
                    });
                }
                reference.questions.push(checked);
            }
        }
        reference.divisions =
            parse_divisions(DIVISIONS.1).map_err(|message| ReferenceError::Invalid { file: DIVISIONS.0, message })?;
        Ok(reference)
    }

    /// The product category keys questions may be tagged with: the risk templates' codes.
    #[must_use]
    pub fn question_categories(&self) -> Vec<&str> {
        self.templates.iter().map(|t| t.category.as_str()).collect()
    }

    /// The question categories of a seller of the given catalogue categories: the templates serving them.
    #[must_use]
    pub fn candidate_categories(&self, codes: &[String]) -> Vec<String> {
        self.templates_for(codes).into_iter().map(|t| t.category.clone()).collect()
    }

    /// A division by code.
    #[must_use]
    pub fn division(&self, code: DivisionCode) -> Option<&Division> {
        self.divisions.binary_search_by_key(&code, |d| d.code).ok().and_then(|i| self.divisions.get(i))
    }

    fn check(&self) -> Result<(), ReferenceError> {
        let invalid = |file, message: String| ReferenceError::Invalid { file, message };
        let mut codes = std::collections::HashSet::new();
        for (c, (file, _)) in self.catalogues.iter().zip(CATALOGUES) {
            if catalogue_class(&c.catalogue).is_none() {
                return Err(invalid(file, format!("未知目录类型 {}", c.catalogue)));
            }
            for cat in &c.categories {
                if !cat.code.starts_with(&format!("{}-", c.catalogue)) || !codes.insert(cat.code.clone()) {
                    return Err(invalid(file, format!("类别代码 {} 重复或前缀不符", cat.code)));
                }
                if parse_iso_date(&cat.effective_from).is_none() {
                    return Err(invalid(file, format!("{} 的生效日期无效", cat.code)));
                }
            }
        }
        for (t, (file, _)) in self.templates.iter().zip(TEMPLATES) {
            if let Some(r) = t.catalogue_refs.iter().find(|r| !codes.contains(*r)) {
                return Err(invalid(file, format!("引用了不存在的类别 {r}")));
            }
            if t.rows.is_empty() {
                return Err(invalid(file, "没有管控项".into()));
            }
            if let Some(row) =
                t.rows.iter().find(|r| !STAGES.contains(&r.stage.as_str()) || !ROLES.contains(&r.role.as_str()))
            {
                return Err(invalid(file, format!("管控项“{}”的环节或岗位无效", row.risk_point)));
            }
        }
        Ok(())
    }

    /// A category and its catalogue, by code.
    #[must_use]
    pub fn category(&self, code: &str) -> Option<(&Catalogue, &Category)> {
        self.catalogues.iter().find_map(|c| c.categories.iter().find(|cat| cat.code == code).map(|cat| (c, cat)))
    }

    /// The product classes of a set of category codes (unknown codes are skipped; check them first).
    #[must_use]
    pub fn products_of(&self, codes: &[String]) -> Products {
        codes.iter().filter_map(|code| self.category(code)).filter_map(|(c, _)| catalogue_class(&c.catalogue)).collect()
    }

    /// A template by code.
    #[must_use]
    pub fn template(&self, code: &str) -> Option<&RiskTemplate> {
        self.templates.iter().find(|t| t.category == code)
    }

    /// The templates serving any of the given categories.
    #[must_use]
    pub fn templates_for(&self, codes: &[String]) -> Vec<&RiskTemplate> {
        self.templates.iter().filter(|t| t.catalogue_refs.iter().any(|r| codes.contains(r))).collect()
    }

    /// A duty text for a unit: the template with the unit's name, date and the principal's title filled in.
    #[must_use]
    pub fn duty_text(&self, director: bool, unit_name: &str, effective: NaiveDate) -> String {
        let template = if director { DIRECTOR_DUTIES } else { OFFICER_DUTIES };
        template
            .replace("{{unit_name}}", unit_name)
            .replace("{{effective_date}}", &effective.format("%Y年%m月%d日").to_string())
            .replace("{{principal_title}}", "主要负责人")
    }
}

/// Parses a division table: a `code,name,parent` heading, then one division per line, parents before children.
/// Names are plain text (no commas or quotes in the shipped file; a quoted name is unquoted).
pub fn parse_divisions(text: &str) -> Result<Vec<Division>, String> {
    let out = division_rows(text)?;
    check_tree(&out)?;
    Ok(out)
}

/// The rows of a division table, sorted by code, each checked on its own and none twice.
fn division_rows(text: &str) -> Result<Vec<Division>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    if lines.next().map(str::trim) != Some("code,name,parent") {
        return Err("第 1 行应为表头 code,name,parent".into());
    }
    let mut out: Vec<Division> = Vec::new();
    for (n, line) in (2..).zip(lines) {
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split(',').map(|f| f.trim().trim_matches('"'));
        let (Some(code), Some(name), Some(parent), None) = (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(format!("第 {n} 行应有 3 列"));
        };
        let code = DivisionCode::parse(code).map_err(|e| format!("第 {n} 行：{e}"))?;
        let parent = if parent.is_empty() {
            None
        } else {
            Some(DivisionCode::parse(parent).map_err(|e| format!("第 {n} 行上级：{e}"))?)
        };
        if name.is_empty() {
            return Err(format!("第 {n} 行：{code} 没有名称"));
        }
        if parent != code.parent() {
            return Err(format!(
                "第 {n} 行：{code} 的上级应为 {}",
                code.parent().map(|p| p.to_string()).unwrap_or_default()
            ));
        }
        out.push(Division { code, name: name.to_owned(), parent });
    }
    out.sort_by_key(|d| d.code);
    if let Some(w) = out.windows(2).find(|w| w.first().map(|d| d.code) == w.get(1).map(|d| d.code)) {
        return Err(format!("代码 {} 重复", w.first().map(|d| d.code.to_string()).unwrap_or_default()));
    }
    Ok(out)
}

/// Every parent of a sorted table is in it.
fn check_tree(divisions: &[Division]) -> Result<(), String> {
    match divisions.iter().find(|d| d.parent.is_some_and(|p| divisions.binary_search_by_key(&p, |x| x.code).is_err())) {
        Some(orphan) => Err(format!("{} 的上级不在区划表中", orphan.code)),
        None => Ok(()),
    }
}

impl Reference {
    /// Merges a division table in the shipped format (a newer GB/T 2260 edition, or divisions the shipped table
    /// lacks): a known code takes the new name, a new code is added, and every parent must be in the merged table.
    /// All or nothing. Returns how many were added and how many renamed.
    pub fn import_divisions(&mut self, text: &str) -> Result<(usize, usize), String> {
        let rows = division_rows(text)?;
        let mut merged = self.divisions.clone();
        let (mut added, mut renamed) = (0, 0);
        for row in rows {
            match merged.binary_search_by_key(&row.code, |d| d.code) {
                Ok(i) => {
                    if let Some(known) = merged.get_mut(i)
                        && known.name != row.name
                    {
                        known.name = row.name;
                        renamed += 1;
                    }
                }
                Err(i) => {
                    merged.insert(i, row);
                    added += 1;
                }
            }
        }
        check_tree(&merged)?;
        self.divisions = merged;
        Ok((added, renamed))
    }
}

/// The product class a catalogue brings a seller under.
#[must_use]
pub fn catalogue_class(catalogue: &str) -> Option<ProductClass> {
    match catalogue {
        "licence" => Some(ProductClass::Licence),
        "ccc" => Some(ProductClass::Ccc),
        "gb-safety" => Some(ProductClass::GbSafety),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_reference_data_holds_together() {
        let r = Reference::load().unwrap();
        assert_eq!(r.catalogues.len(), 3);
        assert!(r.templates.len() >= 8, "at least eight categories of templates");
        for t in &r.templates {
            assert!(t.rows.iter().filter(|row| row.daily_item.is_some()).count() >= 6, "{}: daily items", t.category);
        }
    }

    #[test]
    fn categories_map_to_product_classes() {
        let r = Reference::load().unwrap();
        let products = r.products_of(&["ccc-10".into(), "gb-safety-03".into(), "nonsense".into()]);
        assert!(products.contains(ProductClass::Ccc) && products.contains(ProductClass::GbSafety));
        assert!(!products.contains(ProductClass::Licence));
        assert_eq!(
            r.templates_for(&["ccc-10".into()]).iter().map(|t| t.category.as_str()).collect::<Vec<_>>(),
            ["e-bike"]
        );
    }

    #[test]
    fn later_additions_are_in_force_only_from_their_date() {
        let r = Reference::load().unwrap();
        let ebike_battery = r
            .catalogues
            .iter()
            .flat_map(|c| &c.categories)
            .find(|c| c.effective_from == "2025-11-01")
            .expect("e-bike batteries and chargers join CCC on 2025-11-01");
        assert!(!ebike_battery.in_force(parse_iso_date("2025-10-31").unwrap()));
        assert!(ebike_battery.in_force(parse_iso_date("2025-11-01").unwrap()));
    }

    #[test]
    fn the_question_bank_has_300_questions_over_every_area_and_category() {
        use zhian_domain::exam::{Area, Kind};
        let r = Reference::load().unwrap();
        assert!(r.questions.len() >= 300, "{} questions", r.questions.len());
        for area in Area::ALL {
            for kind in Kind::ALL {
                let n = r.questions.iter().filter(|q| q.area == area && q.kind == kind).count();
                assert!(n >= 5, "{} {}: {n}", area.label(), kind.label());
            }
        }
        for category in r.question_categories() {
            let n = r.questions.iter().filter(|q| q.categories.iter().any(|c| c == category)).count();
            assert!(n >= 8, "{category}: {n} questions");
        }
        assert_eq!(r.candidate_categories(&["ccc-10".into(), "ccc-16".into()]), ["e-bike", "gas-appliance"]);
    }

    #[test]
    fn every_candidate_can_be_set_the_default_paper() {
        use zhian_domain::draw::Stream;
        use zhian_domain::exam::{Blueprint, assemble};
        let r = Reference::load().unwrap();
        let mut sellers: Vec<Vec<String>> = r.question_categories().iter().map(|c| vec![(*c).to_owned()]).collect();
        sellers.push(Vec::new());
        for (seed, categories) in (0u8..).zip(&sellers) {
            let paper = assemble(
                &r.questions,
                &Blueprint::default(),
                categories,
                &mut Stream::new("paper", &[seed; 32], &[0; 32]),
            );
            assert_eq!(paper.map(|p| p.items.len()), Ok(60), "{categories:?}");
        }
    }

    #[test]
    fn the_division_table_covers_every_province_down_to_its_counties() {
        let r = Reference::load().unwrap();
        let code = |s| DivisionCode::parse(s).unwrap();
        let provinces = r.divisions.iter().filter(|d| d.parent.is_none()).count();
        assert_eq!(provinces, 31, "31 provincial divisions on the mainland");
        assert!(r.divisions.len() > 3_000);
        assert_eq!(r.division(code("440305")).map(|d| d.name.as_str()), Some("南山区"));
        assert_eq!(r.division(code("440300")).map(|d| d.name.as_str()), Some("深圳市"));
        let guangdong_counties =
            r.divisions.iter().filter(|d| d.code.parent().and_then(|p| p.parent()) == Some(code("440000"))).count();
        assert!(guangdong_counties > 100, "{guangdong_counties}");
        assert!(parse_divisions("code,name,parent\n440305,南山区,440000\n").unwrap_err().contains("上级应为 440300"));
        assert!(parse_divisions("code,name\n").is_err());
        assert!(parse_divisions("code,name,parent\n440300,深圳市,440000\n").unwrap_err().contains("上级不在区划表中"));
    }

    #[test]
    fn duty_texts_are_filled_in() {
        let r = Reference::load().unwrap();
        let text = r.duty_text(true, "示例商行", parse_iso_date("2026-03-01").unwrap());
        assert!(text.contains("示例商行质量安全总监职责") && text.contains("2026年03月01日"));
        assert!(!text.contains("{{"), "no placeholder left");
        assert!(r.duty_text(false, "示例商行", parse_iso_date("2026-03-01").unwrap()).contains("质量安全员"));
    }

    #[test]
    fn a_newer_division_table_is_merged_whole_or_not_at_all() {
        let mut r = Reference::load().unwrap();
        let before = r.divisions.len();
        let code = |s: &str| DivisionCode::parse(s).unwrap();
        // A new county under Shenzhen, a renamed district, a known one unchanged; with a byte-order mark.
        let table = "\u{feff}code,name,parent\n440399,深汕新区,440300\n440305,南山新区,440300\n440304,福田区,440300\n";
        assert_eq!(r.import_divisions(table), Ok((1, 1)));
        assert_eq!(r.divisions.len(), before + 1);
        assert_eq!(r.division(code("440399")).unwrap().name, "深汕新区");
        assert_eq!(r.division(code("440305")).unwrap().name, "南山新区");
        assert!(r.divisions.windows(2).all(|w| w[0].code < w[1].code), "still sorted for lookups");
        // A county whose city is in neither table, a wrong parent, a bad heading: refused, nothing changed.
        let merged = r.divisions.clone();
        for (bad, why) in [
            ("code,name,parent\n440398,新区,440300\n469901,某县,469900\n", "469901 的上级不在区划表中"),
            ("code,name,parent\n440398,新区,440000\n", "第 2 行：440398 的上级应为 440300"),
            ("代码,名称,上级\n440398,新区,440300\n", "第 1 行应为表头 code,name,parent"),
        ] {
            assert_eq!(r.import_divisions(bad), Err(why.to_owned()));
            assert_eq!(r.divisions, merged);
        }
    }
}
