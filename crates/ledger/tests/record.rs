//! Canonical (RFC 8785 JCS) leaf encoding of records.

use zhian_ledger::record::{jcs_string_object, jcs_write_string};
use zhian_ledger::{HashAlg, Record, RecordError};

fn record() -> Record {
    Record {
        author: "张三".to_owned(),
        content_hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_owned(),
        period: "2026年第一季度".to_owned(),
        submitted_at: "2026-02-02T10:00:00Z".to_owned(),
        tier: "A级".to_owned(),
        unit: "浙江某某食品有限公司".to_owned(),
    }
}

#[test]
fn fixed_bytes() {
    let json = record().canonical_json().unwrap();
    let want = "{\"author\":\"张三\",\"content_hash\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\",\"period\":\"2026年第一季度\",\"submitted_at\":\"2026-02-02T10:00:00Z\",\"tier\":\"A级\",\"unit\":\"浙江某某食品有限公司\"}";
    assert_eq!(json, want);
    let bytes = record().leaf_bytes().unwrap();
    assert_eq!(&bytes[..14], b"{\"author\":\"\xe5\xbc\xa0");
    assert_eq!(bytes.len(), want.len());
    assert_eq!(record().leaf_hash(HashAlg::Sm3).unwrap(), HashAlg::Sm3.leaf_hash(want.as_bytes()));
    // Leaf hashes computed independently with OpenSSL 3.0 (SM3 and SHA-256
    // of 0x00 ‖ bytes).
    assert_eq!(
        record().leaf_hash(HashAlg::Sm3).unwrap().to_hex(),
        "c1fe15fd0adbc3ef65105d5f04053ec85cb7c9e7fd88c68dfdfbe8672dc50c90"
    );
    assert_eq!(
        record().leaf_hash(HashAlg::Sha256).unwrap().to_hex(),
        "5fd42afe5bc71573c11fc5f8c559afa954d0c52c7647d13f8aab2814fc8a9418"
    );
}

#[test]
fn serde_order_does_not_matter() {
    // Field order in the input never changes the canonical bytes.
    let shuffled = r#"{"unit":"浙江某某食品有限公司","tier":"A级","submitted_at":"2026-02-02T10:00:00Z","period":"2026年第一季度","content_hash":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","author":"张三"}"#;
    let r: Record = serde_json::from_str(shuffled).unwrap();
    assert_eq!(r.canonical_json().unwrap(), record().canonical_json().unwrap());
    // But only the canonical form is accepted as leaf bytes.
    assert_eq!(Record::from_canonical_json(shuffled.as_bytes()), Err(RecordError::NotCanonical));
    let canonical = record().canonical_json().unwrap();
    assert_eq!(Record::from_canonical_json(canonical.as_bytes()).unwrap(), record());
    let spaced = canonical.replace(",", ", ");
    assert_eq!(Record::from_canonical_json(spaced.as_bytes()), Err(RecordError::NotCanonical));
    let escaped = canonical.replace("张三", "\\u5f20\\u4e09");
    assert_eq!(Record::from_canonical_json(escaped.as_bytes()), Err(RecordError::NotCanonical));
}

#[test]
fn key_order_and_escaping() {
    assert_eq!(
        jcs_string_object(&[("b", "1"), ("a", "2"), ("aa", "3"), ("A", "4"), ("", "5")]),
        r#"{"":"5","A":"4","a":"2","aa":"3","b":"1"}"#
    );
    // RFC 8785 §3.2.3 example keys: sorted by UTF-16 code units.
    let s = jcs_string_object(&[
        ("\u{20ac}", "Euro Sign"),
        ("\r", "Carriage Return"),
        ("\u{fb33}", "Hebrew Letter Dalet With Dagesh"),
        ("1", "One"),
        ("\u{1f600}", "Emoji: Grinning Face"),
        ("\u{80}", "Control"),
        ("\u{f6}", "Latin Small Letter O With Diaeresis"),
    ]);
    assert_eq!(
        s,
        "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
    );
    let mut out = String::new();
    jcs_write_string("\u{0}\u{1f}\"\\/\u{7f}", &mut out);
    assert_eq!(out, "\"\\u0000\\u001f\\\"\\\\/\u{7f}\"");
    let mut r = record();
    r.author = "O'Brien \"QA\"\n\t质检".to_owned();
    let json = r.canonical_json().unwrap();
    assert!(json.starts_with("{\"author\":\"O'Brien \\\"QA\\\"\\n\\t质检\","));
    assert_eq!(Record::from_canonical_json(json.as_bytes()).unwrap(), r);
}

#[test]
fn validation() {
    let mut r = record();
    r.content_hash = "9F86".to_owned();
    assert_eq!(r.canonical_json(), Err(RecordError::BadContentHash));
    r = record();
    r.unit.clear();
    assert_eq!(r.canonical_json(), Err(RecordError::EmptyField("unit")));
    r = record();
    r.submitted_at = "2026-02-02T10:00:00+08:00".to_owned();
    assert!(matches!(r.canonical_json(), Err(RecordError::BadTimestamp(_))));
    assert!(matches!(Record::from_canonical_json(b"{\"author\":\"x\"}"), Err(RecordError::Json(_))));
    assert!(matches!(Record::from_canonical_json(b"not json"), Err(RecordError::Json(_))));
}
