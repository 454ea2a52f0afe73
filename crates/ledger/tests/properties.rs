//! Property tests: proofs verify, tampering is detected, generation matches
//! RFC 6962's recursive definitions, and tile-store proofs equal in-memory
//! proofs.

use proptest::prelude::*;
use zhian_ledger::{Hash, HashAlg, MemLog, MemTileStore, TileLog, verify_consistency, verify_inclusion};

fn alg_of(sm3: bool) -> HashAlg {
    if sm3 { HashAlg::Sm3 } else { HashAlg::Sha256 }
}

fn leaf_data(seed: u64, i: u64) -> Vec<u8> {
    let len = ((seed ^ i.wrapping_mul(0x9e37_79b9)) % 40) as usize;
    (0..len).map(|k| (seed as u8).wrapping_add(i as u8).wrapping_mul(k as u8 | 1)).collect()
}

fn build(alg: HashAlg, n: u64, seed: u64) -> (MemLog, Vec<Hash>) {
    let data: Vec<Vec<u8>> = (0..n).map(|i| leaf_data(seed, i)).collect();
    let hashes = data.iter().map(|d| alg.leaf_hash(d)).collect();
    (MemLog::from_leaves(alg, &data), hashes)
}

// RFC 6962 §2.1 reference definitions, written directly from the text.
fn k_of(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

fn mth(alg: HashAlg, d: &[Hash]) -> Hash {
    match d.len() {
        0 => alg.empty_root(),
        1 => d[0],
        n => {
            let k = k_of(n);
            alg.node_hash(&mth(alg, &d[..k]), &mth(alg, &d[k..]))
        }
    }
}

fn path(alg: HashAlg, m: usize, d: &[Hash]) -> Vec<Hash> {
    let n = d.len();
    if n == 1 {
        return vec![];
    }
    let k = k_of(n);
    if m < k {
        let mut p = path(alg, m, &d[..k]);
        p.push(mth(alg, &d[k..]));
        p
    } else {
        let mut p = path(alg, m - k, &d[k..]);
        p.push(mth(alg, &d[..k]));
        p
    }
}

fn subproof(alg: HashAlg, m: usize, d: &[Hash], b: bool) -> Vec<Hash> {
    let n = d.len();
    if m == n {
        return if b { vec![] } else { vec![mth(alg, d)] };
    }
    let k = k_of(n);
    if m <= k {
        let mut p = subproof(alg, m, &d[..k], b);
        p.push(mth(alg, &d[k..]));
        p
    } else {
        let mut p = subproof(alg, m - k, &d[k..], false);
        p.push(mth(alg, &d[..k]));
        p
    }
}

#[test]
fn exhaustive_up_to_64_matches_rfc6962_and_verifies() {
    for alg in [HashAlg::Sha256, HashAlg::Sm3] {
        let (log, leaves) = build(alg, 64, 11);
        for n in 1..=64usize {
            let root = mth(alg, &leaves[..n]);
            assert_eq!(log.root_at(n as u64).unwrap(), root);
            for i in 0..n {
                let p = log.inclusion_proof(i as u64, n as u64).unwrap();
                assert_eq!(p, path(alg, i, &leaves[..n]), "PATH({i}, {n})");
                verify_inclusion(alg, &leaves[i], i as u64, n as u64, &p, &root).unwrap();
            }
            for m in 1..=n {
                let p = log.consistency_proof(m as u64, n as u64).unwrap();
                assert_eq!(p, subproof(alg, m, &leaves[..n], true), "PROOF({m}, {n})");
                let old = mth(alg, &leaves[..m]);
                verify_consistency(alg, m as u64, n as u64, &old, &root, &p).unwrap();
            }
        }
    }
}

#[test]
fn proof_for_size_n_never_verifies_for_n_plus_1() {
    let alg = HashAlg::Sha256;
    let (log, leaves) = build(alg, 130, 5);
    for n in 1..130u64 {
        let root_n = log.root_at(n).unwrap();
        let root_n1 = log.root_at(n + 1).unwrap();
        for i in 0..n {
            let p = log.inclusion_proof(i, n).unwrap();
            let leaf = &leaves[i as usize];
            assert!(verify_inclusion(alg, leaf, i, n, &p, &root_n).is_ok());
            assert!(verify_inclusion(alg, leaf, i, n + 1, &p, &root_n1).is_err(), "{i}/{n}");
        }
        for m in 1..=n {
            let p = log.consistency_proof(m, n).unwrap();
            let old = log.root_at(m).unwrap();
            assert!(verify_consistency(alg, m, n + 1, &old, &root_n1, &p).is_err(), "{m}/{n}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn every_inclusion_proof_verifies(n in 1u64..=1000, seed in any::<u64>(), sm3 in any::<bool>()) {
        let alg = alg_of(sm3);
        let (log, leaves) = build(alg, n, seed);
        let root = log.root();
        for i in 0..n {
            let p = log.inclusion_proof(i, n).unwrap();
            prop_assert!(verify_inclusion(alg, &leaves[i as usize], i, n, &p, &root).is_ok());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn flipped_bits_fail_inclusion(
        n in 2u64..=300, seed in any::<u64>(), pick in any::<u64>(), bit in 0usize..256,
        target in 0u8..3, sm3 in any::<bool>(),
    ) {
        let alg = alg_of(sm3);
        let (log, leaves) = build(alg, n, seed);
        let i = pick % n;
        let mut leaf = leaves[i as usize];
        let mut root = log.root();
        let mut p = log.inclusion_proof(i, n).unwrap();
        prop_assert!(verify_inclusion(alg, &leaf, i, n, &p, &root).is_ok());
        let flip = |h: &mut Hash| h.0[bit / 8] ^= 1 << (bit % 8);
        match target {
            0 => flip(&mut leaf),
            1 => flip(&mut root),
            _ => {
                let k = (pick as usize / 7) % p.len();
                flip(&mut p[k]);
            }
        }
        prop_assert!(verify_inclusion(alg, &leaf, i, n, &p, &root).is_err());
    }

    #[test]
    fn flipped_bits_fail_consistency(
        n in 2u64..=300, seed in any::<u64>(), pick in any::<u64>(), bit in 0usize..256,
        target in 0u8..3, sm3 in any::<bool>(),
    ) {
        let alg = alg_of(sm3);
        let (log, _) = build(alg, n, seed);
        let m = 1 + pick % (n - 1);
        let mut old = log.root_at(m).unwrap();
        let mut new = log.root();
        let mut p = log.consistency_proof(m, n).unwrap();
        prop_assert!(verify_consistency(alg, m, n, &old, &new, &p).is_ok());
        let flip = |h: &mut Hash| h.0[bit / 8] ^= 1 << (bit % 8);
        match target {
            0 => flip(&mut old),
            1 => flip(&mut new),
            _ => {
                let k = (pick as usize / 7) % p.len();
                flip(&mut p[k]);
            }
        }
        prop_assert!(verify_consistency(alg, m, n, &old, &new, &p).is_err());
    }

    #[test]
    fn tile_store_proofs_equal_memory_proofs(
        n in 1u64..=1400, seed in any::<u64>(), flush_every in 1u64..600,
        picks in proptest::collection::vec(any::<u64>(), 8), sm3 in any::<bool>(),
    ) {
        let alg = alg_of(sm3);
        let mut tlog = TileLog::new(alg, MemTileStore::new()).with_cache_capacity(2);
        let mut mem = MemLog::new(alg);
        for i in 0..n {
            let d = leaf_data(seed, i);
            tlog.append(&d).unwrap();
            mem.append(&d);
            if (i + 1) % flush_every == 0 {
                tlog.flush().unwrap();
            }
        }
        prop_assert_eq!(tlog.root(), mem.root());
        for &x in &picks {
            let size = 1 + x % n;
            let index = (x >> 20) % size;
            prop_assert_eq!(tlog.inclusion_proof(index, size).unwrap(), mem.inclusion_proof(index, size).unwrap());
            let old = 1 + (x >> 40) % size;
            prop_assert_eq!(tlog.consistency_proof(old, size).unwrap(), mem.consistency_proof(old, size).unwrap());
            prop_assert_eq!(tlog.root_at(size).unwrap(), mem.root_at(size).unwrap());
        }
        tlog.flush().unwrap();
        let reopened = TileLog::open(alg, tlog.into_store(), n).unwrap();
        prop_assert_eq!(reopened.root(), mem.root());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A JCS string literal is what ECMAScript's `JSON.stringify` writes, which serde_json matches: only `"`, `\`
    /// and controls are escaped, every other character is copied as it is.
    #[test]
    fn jcs_strings_are_json_stringify(s in "(\\PC|[\u{0}-\u{1f}\"\\\\\u{7f}\u{2028}])*") {
        let mut out = String::new();
        zhian_ledger::record::jcs_write_string(&s, &mut out);
        prop_assert_eq!(out, serde_json::to_string(&s).unwrap());
    }
}
