//! CLI helpers: leaf files and the proof JSON shapes.

use zhian_ledger::cli::JsonProofError;
use zhian_ledger::{ConsistencyProofJson, HashAlg, InclusionProofJson, MemLog, ProofError, parse_leaf_file};

#[test]
fn inclusion_json_round_trip_and_verify() {
    let leaves =
        parse_leaf_file("\n00\n10\n2021\n3031\n40414243\n5051525354555657\n606162636465666768696a6b6c6d6e6f\n")
            .unwrap();
    assert_eq!(leaves.len(), 8);
    let log = MemLog::from_leaves(HashAlg::Sha256, &leaves);
    let p = InclusionProofJson::from_log(&log, 5, 8).unwrap();
    let json = p.to_json();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["index", "proof", "root", "size"]);
    assert_eq!(v["root"], "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
    let back = InclusionProofJson::from_json(&json).unwrap();
    assert_eq!(back, p);
    back.verify_leaf_hex(HashAlg::Sha256, "40414243").unwrap();
    assert!(matches!(
        back.verify_leaf_hex(HashAlg::Sha256, "40414244"),
        Err(JsonProofError::Proof(ProofError::RootMismatch { .. }))
    ));
    assert!(matches!(back.verify_leaf_hex(HashAlg::Sha256, "4041424"), Err(JsonProofError::LeafHex(_))));
    assert!(back.verify(HashAlg::Sm3, &leaves[5]).is_err());
    assert!(matches!(
        InclusionProofJson::from_json(r#"{"index":0,"size":1,"root":"00","proof":[]}"#),
        Err(JsonProofError::Json(_))
    ));
    assert!(matches!(InclusionProofJson::from_log(&log, 8, 8), Err(ProofError::IndexOutOfRange { .. })));
    assert!(matches!(InclusionProofJson::from_log(&log, 0, 9), Err(ProofError::SizeBeyondLog { .. })));
}

#[test]
fn consistency_json_round_trip_and_verify() {
    let leaves: Vec<Vec<u8>> = (0u8..20).map(|i| vec![i; usize::from(i)]).collect();
    let log = MemLog::from_leaves(HashAlg::Sm3, &leaves);
    let p = ConsistencyProofJson::from_log(&log, 7, 20).unwrap();
    let json = p.to_json();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["new_root", "new_size", "old_root", "old_size", "proof"]);
    let back = ConsistencyProofJson::from_json(&json).unwrap();
    back.verify(HashAlg::Sm3).unwrap();
    let mut bad = back.clone();
    bad.old_root = bad.new_root;
    assert!(matches!(bad.verify(HashAlg::Sm3), Err(ProofError::OldRootMismatch { .. })));
    assert!(matches!(ConsistencyProofJson::from_log(&log, 8, 7), Err(ProofError::OldSizeTooLarge { .. })));
    assert!(matches!(ConsistencyProofJson::from_log(&log, 0, 7), Err(ProofError::EmptyTree)));
}
