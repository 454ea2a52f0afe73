//! Proof bundles: a good bundle verifies; each tampering fails with the
//! named check.

use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use zhian_ledger::{
    Bundle, Checkpoint, HashAlg, MemLog, ProofError, Record, SigAlg, SignerKey, VerifyError, note::NoteError,
    verify_bundle,
};

fn record(i: usize) -> Record {
    Record {
        author: format!("检验员{i}"),
        content_hash: format!("{:064x}", i * 7919 + 1),
        period: "2026-Q1".to_owned(),
        submitted_at: format!("2026-02-{:02}T10:00:{:02}Z", 1 + i % 28, i % 60),
        tier: "B".to_owned(),
        unit: "上海某某电器有限公司".to_owned(),
    }
}

fn build(alg: HashAlg, sig: SigAlg) -> (Bundle, SignerKey) {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let signer = SignerKey::generate(sig, "zhian.example/ledger", &mut rng).unwrap();
    let records: Vec<String> = (0..13).map(|i| record(i).canonical_json().unwrap()).collect();
    let log = MemLog::from_leaves(alg, &records);
    let index = 9u64;
    let cp = Checkpoint::new("zhian.example/ledger", log.size(), log.root());
    let note = cp.sign(&[&signer]).unwrap();
    let proof = log.inclusion_proof(index, log.size()).unwrap();
    let bundle = Bundle::new(alg, records[index as usize].clone(), index, &proof, note, &signer.verifier());
    (bundle, signer)
}

#[test]
fn good_bundles_verify_and_round_trip_json() {
    for (alg, sig) in [(HashAlg::Sm3, SigAlg::Sm2), (HashAlg::Sha256, SigAlg::Ed25519), (HashAlg::Sm3, SigAlg::Ed25519)]
    {
        let (bundle, signer) = build(alg, sig);
        let report = verify_bundle(&bundle).unwrap();
        assert_eq!(report.record, record(9));
        assert_eq!(report.leaf_index, 9);
        assert_eq!(report.checkpoint.size, 13);
        assert_eq!(report.key_name, signer.name());
        assert_eq!(report.sig_alg, sig);
        assert_eq!(report.hash_alg, alg);
        let json = bundle.to_json();
        let back = Bundle::from_json(&json).unwrap();
        assert_eq!(back, bundle);
        assert!(verify_bundle(&back).is_ok());
    }
}

#[test]
fn each_tampering_fails_with_its_check() {
    let (good, _) = build(HashAlg::Sm3, SigAlg::Sm2);

    // Record bytes: an edited value is still canonical but not in the log.
    let mut b = good.clone();
    b.record = b.record.replace("检验员9", "检验员8");
    assert!(matches!(verify_bundle(&b), Err(VerifyError::Inclusion(ProofError::RootMismatch { .. }))));
    // Record bytes that are not canonical JSON.
    let mut b = good.clone();
    b.record = b.record.replace(",", ", ");
    assert!(matches!(verify_bundle(&b), Err(VerifyError::Record(_))));

    // A proof hash with one flipped bit.
    for i in 0..good.inclusion_proof.len() {
        let mut b = good.clone();
        let mut h = zhian_ledger::Hash::from_hex(&b.inclusion_proof[i]).unwrap();
        h.0[31] ^= 0x01;
        b.inclusion_proof[i] = h.to_hex();
        assert!(matches!(verify_bundle(&b), Err(VerifyError::Inclusion(ProofError::RootMismatch { .. }))));
    }
    let mut b = good.clone();
    b.inclusion_proof[0] = "zz".to_owned();
    assert_eq!(verify_bundle(&b), Err(VerifyError::ProofHash { index: 0 }));
    let mut b = good.clone();
    b.inclusion_proof.pop();
    assert!(matches!(verify_bundle(&b), Err(VerifyError::Inclusion(ProofError::ProofTooShort { .. }))));
    let mut b = good.clone();
    b.leaf_index = 8;
    assert!(matches!(verify_bundle(&b), Err(VerifyError::Inclusion(_))));

    // The checkpoint body.
    let mut b = good.clone();
    b.checkpoint = b.checkpoint.replacen("\n13\n", "\n14\n", 1);
    assert!(matches!(verify_bundle(&b), Err(VerifyError::Signature(NoteError::InvalidSignature { .. }))));

    // The signature.
    let mut b = good.clone();
    let sig_start = b.checkpoint.rfind(' ').unwrap() + 1;
    let mut chars: Vec<char> = b.checkpoint.chars().collect();
    let pos = b.checkpoint[..sig_start].chars().count() + 10;
    chars[pos] = if chars[pos] == 'A' { 'B' } else { 'A' };
    b.checkpoint = chars.into_iter().collect();
    assert!(matches!(verify_bundle(&b), Err(VerifyError::Signature(NoteError::InvalidSignature { .. }))));

    // Another key.
    let mut rng = ChaCha20Rng::seed_from_u64(99);
    let other = SignerKey::generate(SigAlg::Sm2, "zhian.example/ledger", &mut rng).unwrap();
    let mut b = good.clone();
    b.verifier_key = other.verifier().to_string();
    assert_eq!(verify_bundle(&b), Err(VerifyError::Signature(NoteError::NoKnownSignature)));
    let mut b = good.clone();
    b.verifier_key = "garbage".to_owned();
    assert!(matches!(verify_bundle(&b), Err(VerifyError::VerifierKey(_))));

    // The wrong hash algorithm, and unknown format or algorithm names.
    let mut b = good.clone();
    b.hash_alg = "sha256".to_owned();
    assert!(matches!(verify_bundle(&b), Err(VerifyError::Inclusion(ProofError::RootMismatch { .. }))));
    let mut b = good.clone();
    b.hash_alg = "md5".to_owned();
    assert!(matches!(verify_bundle(&b), Err(VerifyError::HashAlg(_))));
    let mut b = good.clone();
    b.format = "v0".to_owned();
    assert!(matches!(verify_bundle(&b), Err(VerifyError::Format(_))));

    // A checkpoint body that is signed but malformed.
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let signer = SignerKey::generate(SigAlg::Sm2, "zhian.example/ledger", &mut rng).unwrap();
    let mut b = good.clone();
    b.checkpoint = zhian_ledger::sign_note("zhian.example/ledger\n013\nAAAA\n", &[&signer]).unwrap();
    assert!(matches!(verify_bundle(&b), Err(VerifyError::Checkpoint(_))));

    // Unknown JSON members are rejected.
    let json = good.to_json().replacen('{', "{\"extra\":1,", 1);
    assert!(matches!(Bundle::from_json(&json), Err(VerifyError::Json(_))));
}
