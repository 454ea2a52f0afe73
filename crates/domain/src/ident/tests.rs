//! Check characters of real-format identifiers, and every single-character corruption of them.

use super::*;

/// Credit codes of well-known enterprises, as published in their business registrations.
const CREDIT_CODES: [&str; 5] =
    ["9144030071526726XG", "914403001922038216", "91330100799655058B", "91110000802100433B", "91350100M000100Y43"];

/// The example of GB 11643-1999 and other numbers of the standard's format.
const ID_NUMBERS: [&str; 3] = ["11010519491231002X", "440524188001010014", "110101199003074477"];

#[test]
fn real_credit_codes_are_valid() {
    for code in CREDIT_CODES {
        assert_eq!(CreditCode::parse(code).unwrap().as_str(), code);
    }
    assert_eq!(CreditCode::parse("9144030071526726XG").unwrap().division(), "440300");
    assert_eq!(
        CreditCode::parse(" 9144030071526726xg ").unwrap().as_str(),
        "9144030071526726XG",
        "trimmed, upper-cased"
    );
}

#[test]
fn real_format_id_numbers_are_valid() {
    for id in ID_NUMBERS {
        assert_eq!(IdNumber::parse(id).unwrap().expose(), id);
    }
    assert_eq!(IdNumber::parse("11010519491231002x").unwrap().expose(), "11010519491231002X");
    assert_eq!(IdNumber::parse("11010519491231002X").unwrap().birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31));
}

#[test]
fn every_single_character_corruption_of_a_credit_code_is_caught() {
    for code in CREDIT_CODES {
        for position in 0..18 {
            for &replacement in CREDIT_CHARSET.iter().chain(b"IOSVZ") {
                let mut bytes = code.as_bytes().to_vec();
                if bytes[position] == replacement {
                    continue;
                }
                bytes[position] = replacement;
                let corrupted = String::from_utf8(bytes).unwrap();
                assert!(CreditCode::parse(&corrupted).is_err(), "{corrupted} accepted");
            }
        }
    }
}

#[test]
fn every_single_digit_corruption_of_an_id_number_is_caught() {
    for id in ID_NUMBERS {
        for position in 0..18 {
            for replacement in b"0123456789X" {
                let mut bytes = id.as_bytes().to_vec();
                if bytes[position] == *replacement {
                    continue;
                }
                bytes[position] = *replacement;
                let corrupted = String::from_utf8(bytes).unwrap();
                assert!(IdNumber::parse(&corrupted).is_err(), "{corrupted} accepted");
            }
        }
    }
}

#[test]
fn the_errors_say_what_is_wrong() {
    assert_eq!(
        CreditCode::parse("9144030071526726XA").unwrap_err(),
        IdentError::Check { standard: "GB 32100-2015", expected: 'G', found: 'A' }
    );
    assert_eq!(
        CreditCode::parse("91440300715267260G").unwrap_err().to_string(),
        "校验位错误：按 GB 32100-2015 计算应为“N”，实为“G”"
    );
    assert!(matches!(CreditCode::parse("914403007152672"), Err(IdentError::Length { expected: 18, actual: 15 })));
    assert!(matches!(
        CreditCode::parse("9144O30071526726XG"),
        Err(IdentError::Character { position: 5, found: 'O', .. })
    ));
    assert!(matches!(CreditCode::parse("91A4030071526726XG"), Err(IdentError::Character { position: 3, .. })));
    assert_eq!(
        IdNumber::parse("110105194912310021").unwrap_err(),
        IdentError::Check { standard: "GB 11643-1999", expected: 'X', found: '1' }
    );
    assert_eq!(IdNumber::parse("110105194902300021").unwrap_err(), IdentError::BirthDate("19490230".into()));
    assert_eq!(IdNumber::parse("990105194912310021").unwrap_err(), IdentError::Province("99".into()));
    assert!(matches!(IdNumber::parse("1101051949123100X1"), Err(IdentError::Character { position: 17, .. })));
    assert!(matches!(IdNumber::parse("身份证号码"), Err(IdentError::Length { expected: 18, actual: 5 })));
}

#[test]
fn id_numbers_never_show_in_full() {
    let id = IdNumber::parse("11010519491231002X").unwrap();
    assert_eq!(id.masked(), "110105********002X");
    assert_eq!(format!("{id}"), "110105********002X");
    assert_eq!(format!("{id:?}"), "IdNumber(110105********002X)");
}

#[test]
fn recognition_tells_the_two_kinds_apart() {
    assert!(matches!(recognise("9144030071526726XG"), Recognised::CreditCode(_)));
    assert!(matches!(recognise("914403001922038216"), Recognised::CreditCode(_)), "all digits, no birth date");
    assert!(matches!(recognise("11010519491231002X"), Recognised::IdNumber(_)));
    assert!(matches!(recognise("110105194912310021"), Recognised::InvalidIdNumber(IdentError::Check { .. })));
    assert!(matches!(recognise("9144030071526726XA"), Recognised::InvalidCreditCode(IdentError::Check { .. })));
    assert!(matches!(recognise("9144O30071526726XG"), Recognised::InvalidCreditCode(IdentError::Character { .. })));
    for neither in ["", "12345", "9144030071526726XG1", "9144030071526726X-", "中华人民共和国统一社会信用代码号码"]
    {
        assert_eq!(recognise(neither), Recognised::Neither, "{neither}");
    }
}

#[test]
fn division_codes_know_their_level_and_subtree() {
    let province = DivisionCode::parse("440000").unwrap();
    let city = DivisionCode::parse("440300").unwrap();
    let county = DivisionCode::parse("440305").unwrap();
    assert_eq!(
        (province.level(), city.level(), county.level()),
        (DivisionLevel::Province, DivisionLevel::City, DivisionLevel::County)
    );
    assert_eq!(county.parent(), Some(city));
    assert_eq!(city.parent(), Some(province));
    assert_eq!(province.parent(), None);
    assert!(province.contains(county) && city.contains(county) && county.contains(county));
    assert!(!county.contains(city) && !city.contains(DivisionCode::parse("440105").unwrap()));
    assert!(!province.contains(DivisionCode::parse("110105").unwrap()));
    assert_eq!(county.to_string(), "440305");
    assert_eq!(DivisionCode::parse("110105").unwrap().to_string(), "110105");
    for bad in ["44030", "4403050", "44O305", "990000", "", "-44030"] {
        assert!(DivisionCode::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn names_are_masked_for_publication() {
    assert_eq!(mask_name("王芳"), "王*");
    assert_eq!(mask_name("张伟强"), "张*强");
    assert_eq!(mask_name(" 欧阳振华 "), "欧**华");
    assert_eq!(mask_name("李"), "李*");
    assert_eq!(mask_name(""), "");
}

#[test]
fn a_division_subtree_is_a_prefix_of_its_codes() {
    let d = |s| DivisionCode::parse(s).unwrap();
    assert_eq!(
        (d("440000").subtree_prefix(), d("440300").subtree_prefix(), d("440305").subtree_prefix()),
        ("44".into(), "4403".into(), "440305".into())
    );
    for (outer, inner) in [("440000", "440305"), ("440300", "440305"), ("440305", "440305")] {
        assert!(inner.starts_with(&d(outer).subtree_prefix()) && d(outer).contains(d(inner)));
    }
    assert!(!"440305".starts_with(&d("110000").subtree_prefix()));
}
