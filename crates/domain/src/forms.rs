//! Input as people type it, checked field by field into typed values.
//!
//! Every check collects *all* field errors, each with the field's name and a Chinese message saying what to do, so
//! the UI shows them next to their fields and the API returns them with a pointer. Nothing is saved unless the whole
//! input is valid.

use chrono::NaiveDate;
use serde::Serialize;

use crate::access::Post;
use crate::ident::{CreditCode, DivisionCode, IdNumber};
use crate::scope::Channel;
use crate::staffing::Employment;
use crate::time::parse_iso_date;

/// One field's error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name, as in the form and the JSON body.
    pub field: String,
    /// What is wrong and what to do, in Chinese.
    pub message: String,
}

/// The errors of one form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Adds an error.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError { field: field.to_owned(), message: message.into() });
    }

    /// The message of a field, if it has one.
    #[must_use]
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when there are no errors.
    pub fn into_result<T>(self, value: T) -> Result<T, Self> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }

    /// Hours with at most one decimal, 0.1 to 24, in tenths (0 with an error otherwise).
    pub fn tenth_hours(&mut self, field: &str, value: &str) -> u32 {
        match parse_tenths(value) {
            Some(h) if (1..=240).contains(&h) => h,
            _ => {
                self.add(field, "学时须为 0.1 到 24 之间的数，最多一位小数");
                0
            }
        }
    }

    /// A required text field, trimmed, at most `max` characters.
    pub fn text(&mut self, field: &str, label: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, format!("请填写{label}"));
        } else if v.chars().count() > max {
            self.add(field, format!("{label}不能超过 {max} 个字"));
        }
        v.to_owned()
    }

    /// An optional text field, trimmed, at most `max` characters.
    pub fn optional_text(&mut self, field: &str, label: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.chars().count() > max {
            self.add(field, format!("{label}不能超过 {max} 个字"));
        }
        v.to_owned()
    }

    /// A non-negative integer written with digits.
    pub fn count(&mut self, field: &str, label: &str, value: &str) -> u64 {
        let v = value.trim().replace(',', "");
        if v.is_empty() {
            self.add(field, format!("请填写{label}"));
            return 0;
        }
        if !v.bytes().all(|b| b.is_ascii_digit()) {
            self.add(field, format!("{label}须为不小于 0 的整数"));
            return 0;
        }
        v.parse().unwrap_or_else(|_| {
            self.add(field, format!("{label}数值过大"));
            0
        })
    }

    /// A date written `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str, label: &str, value: &str) -> Option<NaiveDate> {
        let date = parse_iso_date(value.trim());
        if date.is_none() {
            self.add(field, format!("{label}不是有效日期，格式为 YYYY-MM-DD"));
        }
        date
    }

    /// An optional date.
    pub fn optional_date(&mut self, field: &str, label: &str, value: &str) -> Option<NaiveDate> {
        if value.trim().is_empty() { None } else { self.date(field, label, value) }
    }
}

/// A unit's profile as typed in onboarding.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct UnitForm {
    /// 单位名称.
    pub name: String,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// 经营地址.
    pub address: String,
    /// 行政区划代码.
    pub division_code: String,
    /// `wholesale` or `retail`.
    pub channel: String,
    /// 从业人员.
    pub employees: String,
    /// 营业收入（元）.
    pub revenue_yuan: String,
}

/// A unit's profile, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitInfo {
    /// 单位名称.
    pub name: String,
    /// 统一社会信用代码.
    pub credit_code: CreditCode,
    /// 经营地址.
    pub address: String,
    /// 行政区划.
    pub division: DivisionCode,
    /// 批发/零售.
    pub channel: Channel,
    /// 从业人员.
    pub employees: u64,
    /// 营业收入（元）.
    pub revenue_yuan: u64,
}

impl UnitForm {
    /// Checks every field.
    pub fn check(&self) -> Result<UnitInfo, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = e.text("name", "单位名称", &self.name, 100);
        let credit_code = CreditCode::parse(&self.credit_code)
            .map_err(|err| e.add("credit_code", format!("统一社会信用代码无效：{err}")))
            .ok();
        let address = e.text("address", "经营地址", &self.address, 200);
        let division = DivisionCode::parse(&self.division_code)
            .map_err(|err| e.add("division_code", format!("行政区划代码无效：{err}")))
            .ok();
        let channel = Channel::parse(self.channel.trim());
        if channel.is_none() {
            e.add("channel", "请选择主营业务：批发或零售");
        }
        let employees = e.count("employees", "从业人员数", &self.employees);
        let revenue_yuan = e.count("revenue_yuan", "营业收入", &self.revenue_yuan);
        match (credit_code, division, channel) {
            (Some(credit_code), Some(division), Some(channel)) if e.is_empty() => {
                Ok(UnitInfo { name, credit_code, address, division, channel, employees, revenue_yuan })
            }
            _ => Err(e),
        }
    }
}

/// A person as typed by the principal.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct PersonForm {
    /// 姓名.
    pub name: String,
    /// 公民身份号码 (optional).
    pub id_number: String,
    /// 联系电话 (optional).
    pub phone: String,
}

/// A person, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonInfo {
    /// 姓名.
    pub name: String,
    /// 公民身份号码.
    pub id_number: Option<IdNumber>,
    /// 联系电话.
    pub phone: String,
}

impl PersonForm {
    /// Checks every field.
    pub fn check(&self) -> Result<PersonInfo, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = e.text("name", "姓名", &self.name, 50);
        let id_number = if self.id_number.trim().is_empty() {
            None
        } else {
            IdNumber::parse(&self.id_number).map_err(|err| e.add("id_number", format!("身份证号码无效：{err}"))).ok()
        };
        let phone = e.optional_text("phone", "联系电话", &self.phone, 30);
        if !phone.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+' || c == ' ') {
            e.add("phone", "联系电话只能包含数字、空格、+ 和 -");
        }
        e.into_result(PersonInfo { name, id_number, phone })
    }
}

/// An appointment as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct AppointmentForm {
    /// The person's id.
    pub person_id: String,
    /// `director` or `officer` (or `principal`).
    pub post: String,
    /// `full_time` or `part_time`.
    pub employment: String,
    /// First day.
    pub from: String,
    /// Why (任命文件、会议决定…).
    pub reason: String,
}

/// An appointment, checked (the gate comes after, with the person's records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentInfo {
    /// The person's id.
    pub person_id: i64,
    /// The post.
    pub post: Post,
    /// Full- or part-time.
    pub employment: Employment,
    /// First day.
    pub from: NaiveDate,
    /// Why.
    pub reason: String,
}

impl AppointmentForm {
    /// Checks every field.
    pub fn check(&self) -> Result<AppointmentInfo, FieldErrors> {
        let mut e = FieldErrors::default();
        let person_id = self.person_id.trim().parse::<i64>().ok().filter(|id| *id > 0);
        if person_id.is_none() {
            e.add("person_id", "请选择人员");
        }
        let post = Post::parse(self.post.trim());
        if post.is_none() {
            e.add("post", "请选择岗位：主要负责人、质量安全总监或质量安全员");
        }
        let employment = Employment::parse(self.employment.trim());
        if employment.is_none() {
            e.add("employment", "请选择专职或兼职");
        }
        let from = e.date("from", "任职日期", &self.from);
        let reason = e.optional_text("reason", "任命依据", &self.reason, 200);
        match (person_id, post, employment, from) {
            (Some(person_id), Some(post), Some(employment), Some(from)) if e.is_empty() => {
                Ok(AppointmentInfo { person_id, post, employment, from, reason })
            }
            _ => Err(e),
        }
    }
}

/// A training and assessment record as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct TrainingForm {
    /// The person's id.
    pub person_id: String,
    /// Date.
    pub date: String,
    /// Content (培训内容).
    pub content: String,
    /// Hours, e.g. `2` or `1.5`.
    pub hours: String,
    /// Score 0–100 (empty when there was no assessment).
    pub score: String,
    /// `true` when passed.
    pub passed: String,
}

/// A training record, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingInfo {
    /// The person's id.
    pub person_id: i64,
    /// Date.
    pub date: NaiveDate,
    /// Content.
    pub content: String,
    /// Duration in tenths of an hour.
    pub tenth_hours: u32,
    /// Score 0–100, if assessed.
    pub score: Option<u32>,
    /// Passed the assessment.
    pub passed: bool,
}

impl TrainingForm {
    /// Checks every field; "passed" needs a score.
    pub fn check(&self, today: NaiveDate) -> Result<TrainingInfo, FieldErrors> {
        let mut e = FieldErrors::default();
        let person_id = self.person_id.trim().parse::<i64>().ok().filter(|id| *id > 0);
        if person_id.is_none() {
            e.add("person_id", "请选择人员");
        }
        let date = e.date("date", "培训日期", &self.date);
        if date.is_some_and(|d| d > today) {
            e.add("date", "培训日期不能晚于今天");
        }
        let content = e.text("content", "培训内容", &self.content, 500);
        let tenth_hours = e.tenth_hours("hours", &self.hours);
        let score = if self.score.trim().is_empty() {
            None
        } else {
            let s = self.score.trim().parse::<u32>().ok().filter(|s| *s <= 100);
            if s.is_none() {
                e.add("score", "成绩须为 0 到 100 的整数");
            }
            s
        };
        let passed = matches!(self.passed.trim(), "true" | "on" | "1" | "yes");
        if passed && score.is_none() {
            e.add("score", "标记为考核通过时须填写成绩");
        }
        match (person_id, date) {
            (Some(person_id), Some(date)) if e.is_empty() => {
                Ok(TrainingInfo { person_id, date, content, tenth_hours, score, passed })
            }
            _ => Err(e),
        }
    }
}

/// `2`, `1.5` → tenths of an hour.
fn parse_tenths(s: &str) -> Option<u32> {
    let s = s.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
    if whole.is_empty() || frac.len() != 1 || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    whole.parse::<u32>().ok()?.checked_mul(10)?.checked_add(frac.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit_form() -> UnitForm {
        UnitForm {
            name: "深圳市南山区示例电动车商行".into(),
            credit_code: "9144030071526726XG".into(),
            address: "深圳市南山区科技园路 1 号".into(),
            division_code: "440305".into(),
            channel: "retail".into(),
            employees: "12".into(),
            revenue_yuan: "3,000,000".into(),
        }
    }

    #[test]
    fn a_good_unit_form_checks() {
        let info = unit_form().check().unwrap();
        assert_eq!(info.revenue_yuan, 3_000_000);
        assert_eq!(info.division.to_string(), "440305");
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let form = UnitForm {
            name: " ".into(),
            credit_code: "9144030071526726XA".into(),
            division_code: "99".into(),
            channel: "online".into(),
            employees: "-3".into(),
            revenue_yuan: "abc".into(),
            ..unit_form()
        };
        let e = form.check().unwrap_err();
        for field in ["name", "credit_code", "division_code", "channel", "employees", "revenue_yuan"] {
            assert!(e.get(field).is_some(), "{field}: {e:?}");
        }
        assert!(e.get("credit_code").unwrap().contains("校验位"));
        assert_eq!(e.get("employees"), Some("从业人员数须为不小于 0 的整数"));
    }

    #[test]
    fn training_needs_a_score_to_pass_and_a_date_not_in_the_future() {
        let today = parse_iso_date("2026-03-01").unwrap();
        let form = TrainingForm {
            person_id: "3".into(),
            date: "2026-02-20".into(),
            content: "《产品质量法》与第 76 号令".into(),
            hours: "1.5".into(),
            score: "92".into(),
            passed: "on".into(),
        };
        let ok = form.check(today).unwrap();
        assert_eq!((ok.tenth_hours, ok.score, ok.passed), (15, Some(92), true));
        let no_score = TrainingForm { score: String::new(), ..form.clone() };
        assert!(no_score.check(today).unwrap_err().get("score").is_some());
        let future = TrainingForm { date: "2026-03-02".into(), ..form.clone() };
        assert!(future.check(today).unwrap_err().get("date").is_some());
        for bad in ["0", "1.55", "25", "abc", "", ".5"] {
            let f = TrainingForm { hours: bad.into(), ..form.clone() };
            assert!(f.check(today).unwrap_err().get("hours").is_some(), "{bad}");
        }
    }

    #[test]
    fn people_and_appointments_check_their_fields() {
        let p =
            PersonForm { name: "王芳".into(), id_number: "11010519491231002x".into(), phone: "138 0000 0000".into() };
        assert_eq!(p.check().unwrap().id_number.unwrap().masked(), "110105********002X");
        let bad = PersonForm { id_number: "110105194912310021".into(), ..p };
        assert!(bad.check().unwrap_err().get("id_number").unwrap().contains("校验位"));
        let a = AppointmentForm {
            person_id: "x".into(),
            post: "boss".into(),
            employment: "".into(),
            from: "2026-02-30".into(),
            reason: "".into(),
        };
        assert_eq!(a.check().unwrap_err().0.len(), 4);
    }
}
