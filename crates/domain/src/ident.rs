//! Identifiers (DOMAIN §10): unified social credit codes, resident ID numbers, administrative division codes.
//!
//! Each is a newtype built only by `parse`, so a value in hand has been checked. Input is trimmed and upper-cased
//! (a lower-case `x` in an ID number is common on forms); nothing else is corrected.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use thiserror::Error;

/// The 31 characters of GB 32100-2015 (the Latin letters I, O, S, V, Z are not used), in code-value order.
const CREDIT_CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 32100-2015 weights: 3^i mod 31 for positions 1–17.
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// GB 11643-1999 weights: 2^(17−i) mod 11 for positions 1–17 (ISO 7064 MOD 11-2).
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// GB 11643-1999 check characters, indexed by the weighted sum mod 11.
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// GB/T 2260 province-level codes (the first two digits).
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82,
];

/// Why an identifier was refused. Positions are 1-based, as a person counts them.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdentError {
    /// Wrong number of characters.
    #[error("应为 {expected} 位，实为 {actual} 位")]
    Length {
        /// Characters required.
        expected: usize,
        /// Characters given.
        actual: usize,
    },
    /// A character not allowed at its position.
    #[error("第 {position} 位“{found}”不合法：{allowed}")]
    Character {
        /// 1-based position.
        position: usize,
        /// The character found.
        found: char,
        /// What is allowed there.
        allowed: &'static str,
    },
    /// The check character does not match.
    #[error("校验位错误：按 {standard} 计算应为“{expected}”，实为“{found}”")]
    Check {
        /// The standard the check follows.
        standard: &'static str,
        /// The check character computed.
        expected: char,
        /// The check character given.
        found: char,
    },
    /// Digits 7–14 of an ID number are not a real date of birth.
    #[error("第 7–14 位出生日期“{0}”不是有效日期")]
    BirthDate(String),
    /// The first two digits are not a province-level division.
    #[error("前两位“{0}”不是省级行政区划代码")]
    Province(String),
}

/// Normalises input: surrounding whitespace removed, ASCII letters upper-cased.
fn normalise(s: &str) -> String {
    s.trim().to_ascii_uppercase()
}

fn check_length(s: &str, expected: usize) -> Result<(), IdentError> {
    let actual = s.chars().count();
    if actual == expected { Ok(()) } else { Err(IdentError::Length { expected, actual }) }
}

fn first_bad_char(s: &str, ok: impl Fn(usize, u8) -> bool, allowed: &'static str) -> Result<(), IdentError> {
    match s.char_indices().enumerate().find(|&(i, (_, c))| !c.is_ascii() || !ok(i, c as u8)) {
        Some((i, (_, found))) => Err(IdentError::Character { position: i + 1, found, allowed }),
        None => Ok(()),
    }
}

fn province_ok(code: &str) -> Result<(), IdentError> {
    let two = code.get(0..2).unwrap_or_default();
    match two.parse::<u8>() {
        Ok(p) if PROVINCES.contains(&p) => Ok(()),
        _ => Err(IdentError::Province(two.to_owned())),
    }
}

/// 统一社会信用代码 — unified social credit code, GB 32100-2015.
///
/// 18 characters from the 31-character set: registration authority (1), organisation type (1), the registering
/// authority's administrative division code (6 digits), the organisation code (9), and a check character computed
/// over the first 17 with weights 3^i mod 31, check = (31 − Σ mod 31) mod 31.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses and checks a credit code.
    pub fn parse(s: &str) -> Result<Self, IdentError> {
        let s = normalise(s);
        check_length(&s, 18)?;
        first_bad_char(
            &s,
            |_, c| CREDIT_CHARSET.contains(&c),
            "统一社会信用代码只用数字和除 I、O、S、V、Z 以外的大写字母",
        )?;
        first_bad_char(&s, |i, c| !(2..8).contains(&i) || c.is_ascii_digit(), "第 3–8 位为行政区划代码，只能是数字")?;
        let values: Vec<u32> = s.bytes().filter_map(credit_value).collect();
        let sum: u32 = values.iter().zip(CREDIT_WEIGHTS).map(|(v, w)| v * w).sum();
        let expected = CREDIT_CHARSET.get(((31 - sum % 31) % 31) as usize).map_or('?', |&b| char::from(b));
        let found = s.chars().last().unwrap_or('?');
        if expected != found {
            return Err(IdentError::Check { standard: "GB 32100-2015", expected, found });
        }
        Ok(Self(s))
    }

    /// The code, upper case.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The division code of the registering authority (characters 3–8).
    #[must_use]
    pub fn division(&self) -> &str {
        self.0.get(2..8).unwrap_or_default()
    }
}

fn credit_value(c: u8) -> Option<u32> {
    CREDIT_CHARSET.iter().position(|&x| x == c).and_then(|p| u32::try_from(p).ok())
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's name as published (抽查结果公示): the first character kept; for three characters or more the last
/// one too; the rest starred — 王*, 王*芳, 欧**华.
#[must_use]
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.as_slice() {
        [] => String::new(),
        [only] => format!("{only}*"),
        [first, _] => format!("{first}*"),
        [first, middle @ .., last] => format!("{first}{}{last}", "*".repeat(middle.len())),
    }
}

/// 公民身份号码 — resident ID number, GB 11643-1999. Personal information: `Debug` and `Display` show it masked.
///
/// 17 digits (address code 6, date of birth 8, sequence 3) and a check character, ISO 7064 MOD 11-2: weights
/// 2^(17−i) mod 11, check = "10X98765432"[Σ mod 11].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

impl IdNumber {
    /// Parses and checks an ID number.
    pub fn parse(s: &str) -> Result<Self, IdentError> {
        let s = normalise(s);
        check_length(&s, 18)?;
        first_bad_char(
            &s,
            |i, c| c.is_ascii_digit() || (i == 17 && c == b'X'),
            "身份证号码前 17 位为数字，末位为数字或 X",
        )?;
        province_ok(&s)?;
        birth_date(&s).ok_or_else(|| IdentError::BirthDate(s.get(6..14).unwrap_or_default().to_owned()))?;
        let sum: u32 = s.bytes().take(17).zip(ID_WEIGHTS).map(|(c, w)| u32::from(c - b'0') * w).sum();
        let expected = ID_CHECK.get((sum % 11) as usize).map_or('?', |&b| char::from(b));
        let found = s.chars().last().unwrap_or('?');
        if expected != found {
            return Err(IdentError::Check { standard: "GB 11643-1999", expected, found });
        }
        Ok(Self(s))
    }

    /// The full number, for storage under protection. Never log or display it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The number as shown on screen: the address code and the last four characters, the date of birth hidden.
    #[must_use]
    pub fn masked(&self) -> String {
        let head = self.0.get(0..6).unwrap_or_default();
        let tail = self.0.get(14..18).unwrap_or_default();
        format!("{head}********{tail}")
    }

    /// The date of birth.
    #[must_use]
    pub fn birth_date(&self) -> Option<NaiveDate> {
        birth_date(&self.0)
    }
}

/// Digits 7–14 as a date between 1800 and 2199.
fn birth_date(s: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(s.get(6..14)?, "%Y%m%d").ok()?;
    (1800..2200).contains(&date.year()).then_some(date)
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// The level of an administrative division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DivisionLevel {
    /// 省级 — province, autonomous region, municipality.
    Province,
    /// 地级 — prefecture-level city.
    City,
    /// 县级 — county, district.
    County,
}

/// 行政区划代码 — administrative division code, GB/T 2260: six digits, province (2) · city (2) · county (2).
///
/// A regulator's jurisdiction is a division; it sees the units of every division inside it ([`Self::contains`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DivisionCode(u32);

impl DivisionCode {
    /// Parses six digits with a known province prefix.
    pub fn parse(s: &str) -> Result<Self, IdentError> {
        let s = s.trim();
        check_length(s, 6)?;
        first_bad_char(s, |_, c| c.is_ascii_digit(), "行政区划代码为 6 位数字")?;
        province_ok(s)?;
        s.parse().map(Self).map_err(|_| IdentError::Length { expected: 6, actual: s.len() })
    }

    /// The level: `xx0000` province, `xxxx00` city, otherwise county.
    #[must_use]
    pub fn level(self) -> DivisionLevel {
        if self.0.is_multiple_of(10_000) {
            DivisionLevel::Province
        } else if self.0.is_multiple_of(100) {
            DivisionLevel::City
        } else {
            DivisionLevel::County
        }
    }

    /// The division one level up, if any.
    #[must_use]
    pub fn parent(self) -> Option<Self> {
        match self.level() {
            DivisionLevel::Province => None,
            DivisionLevel::City => Some(Self(self.0 / 10_000 * 10_000)),
            DivisionLevel::County => Some(Self(self.0 / 100 * 100)),
        }
    }

    /// The digits every code in this division's subtree starts with: 2 for a province, 4 for a city, all 6 for a
    /// county (`44` for 440000) — a database `like` prefix.
    #[must_use]
    pub fn subtree_prefix(self) -> String {
        let code = self.to_string();
        let keep = match self.level() {
            DivisionLevel::Province => 2,
            DivisionLevel::City => 4,
            DivisionLevel::County => 6,
        };
        code.get(..keep).unwrap_or(&code).to_owned()
    }

    /// Whether `other` is this division or lies inside it.
    #[must_use]
    pub fn contains(self, other: Self) -> bool {
        match self.level() {
            DivisionLevel::Province => self.0 / 10_000 == other.0 / 10_000,
            DivisionLevel::City => self.0 / 100 == other.0 / 100,
            DivisionLevel::County => self.0 == other.0,
        }
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

/// What an 18-character code turned out to be, for `zhian id check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recognised {
    /// A valid credit code.
    CreditCode(CreditCode),
    /// A valid ID number.
    IdNumber(IdNumber),
    /// Shaped like a credit code, but invalid.
    InvalidCreditCode(IdentError),
    /// Shaped like an ID number, but invalid.
    InvalidIdNumber(IdentError),
    /// Neither: not 18 letters and digits.
    Neither,
}

/// Recognises a credit code or an ID number.
///
/// Either valid reading wins. Otherwise the code is judged as an ID number when it is 17 digits, then a digit or
/// `X`, and digits 7–14 are a date; as a credit code when it is any other 18 ASCII letters and digits; else neither.
#[must_use]
pub fn recognise(s: &str) -> Recognised {
    let n = normalise(s);
    if n.chars().count() != 18 || !n.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return Recognised::Neither;
    }
    let as_id = IdNumber::parse(&n);
    let as_credit = CreditCode::parse(&n);
    match (as_id, as_credit) {
        (Ok(id), _) => Recognised::IdNumber(id),
        (_, Ok(code)) => Recognised::CreditCode(code),
        (Err(id_err), Err(credit_err)) => {
            let id_shaped = n.bytes().take(17).all(|c| c.is_ascii_digit())
                && n.bytes().last().is_some_and(|c| c.is_ascii_digit() || c == b'X')
                && birth_date(&n).is_some();
            if id_shaped { Recognised::InvalidIdNumber(id_err) } else { Recognised::InvalidCreditCode(credit_err) }
        }
    }
}

#[cfg(test)]
mod tests;
