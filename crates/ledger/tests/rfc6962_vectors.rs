//! RFC 6962 reference vectors (SHA-256) from the certificate-transparency /
//! transparency-dev merkle test data, and GB/T 32905 SM3 vectors.

use zhian_ledger::hexfmt::decode_hex;
use zhian_ledger::{Hash, HashAlg, MemLog, ProofError, verify_consistency, verify_inclusion};

const LEAVES: [&str; 8] =
    ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// (leaf index, tree size, proof)
const INCLUSION: [(u64, u64, &[&str]); 5] = [
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (0, 1, &[]),
];

/// (old size, new size, proof)
const CONSISTENCY: [(u64, u64, &[&str]); 5] = [
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (1, 1, &[]),
];

const ALG: HashAlg = HashAlg::Sha256;

fn h(s: &str) -> Hash {
    Hash::from_hex(s).unwrap()
}

fn hashes(list: &[&str]) -> Vec<Hash> {
    list.iter().map(|s| h(s)).collect()
}

fn leaves() -> Vec<Vec<u8>> {
    LEAVES.iter().map(|s| decode_hex(s).unwrap()).collect()
}

fn log() -> MemLog {
    MemLog::from_leaves(ALG, leaves())
}

#[test]
fn roots_of_sizes_1_to_8() {
    let log = log();
    for (i, want) in ROOTS.iter().enumerate() {
        let size = i as u64 + 1;
        assert_eq!(log.root_at(size).unwrap(), h(want), "size {size}");
        let prefix = MemLog::from_leaves(ALG, leaves().into_iter().take(i + 1));
        assert_eq!(prefix.root(), h(want), "size {size}");
    }
    assert_eq!(log.root_at(0).unwrap(), ALG.empty_root());
    assert_eq!(ALG.empty_root().to_hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // The root of size 1 is the leaf hash of the empty leaf.
    assert_eq!(ALG.leaf_hash(&[]), h(ROOTS[0]));
}

#[test]
fn inclusion_vectors_generate_and_verify() {
    let log = log();
    let leaves = leaves();
    for (index, size, proof) in INCLUSION {
        let want = hashes(proof);
        assert_eq!(log.inclusion_proof(index, size).unwrap(), want, "{index}/{size}");
        let root = h(ROOTS[size as usize - 1]);
        let leaf = ALG.leaf_hash(&leaves[index as usize]);
        verify_inclusion(ALG, &leaf, index, size, &want, &root).unwrap();
    }
}

#[test]
fn inclusion_vectors_reject_corruptions() {
    let leaves = leaves();
    let some = h("abacaba000000000000000000000000000000000000000000060061e00123456");
    for (index, size, proof) in INCLUSION {
        let proof = hashes(proof);
        let root = h(ROOTS[size as usize - 1]);
        let leaf = ALG.leaf_hash(&leaves[index as usize]);
        let bad = |i: u64, s: u64, l: &Hash, p: &[Hash], r: &Hash| {
            assert!(verify_inclusion(ALG, l, i, s, p, r).is_err(), "{i}/{s} accepted");
        };
        if index > 0 {
            bad(index - 1, size, &leaf, &proof, &root);
        }
        bad(index + 1, size, &leaf, &proof, &root);
        bad(index ^ 2, size, &leaf, &proof, &root);
        bad(index, size * 2, &leaf, &proof, &root);
        if size > 1 {
            bad(index, size / 2, &leaf, &proof, &root);
        }
        bad(index, size, &ALG.leaf_hash(b"WrongLeaf"), &proof, &root);
        bad(index, size, &leaf, &proof, &ALG.empty_root());
        bad(index, size, &leaf, &proof, &some);
        let mut longer = proof.clone();
        longer.push(root);
        bad(index, size, &leaf, &longer, &root);
        let mut front = vec![root];
        front.extend_from_slice(&proof);
        bad(index, size, &leaf, &front, &root);
        for i in 0..proof.len() {
            let mut p = proof.clone();
            p[i].0[0] ^= 8;
            bad(index, size, &leaf, &p, &root);
        }
        if !proof.is_empty() {
            bad(index, size, &leaf, &proof[..proof.len() - 1], &root);
        }
    }
}

#[test]
fn consistency_vectors_generate_and_verify() {
    let log = log();
    for (m, n, proof) in CONSISTENCY {
        let want = hashes(proof);
        assert_eq!(log.consistency_proof(m, n).unwrap(), want, "{m}/{n}");
        let r1 = h(ROOTS[m as usize - 1]);
        let r2 = h(ROOTS[n as usize - 1]);
        verify_consistency(ALG, m, n, &r1, &r2, &want).unwrap();
        if want.is_empty() {
            continue;
        }
        let bad = |m: u64, n: u64, r1: &Hash, r2: &Hash, p: &[Hash]| {
            assert!(verify_consistency(ALG, m, n, r1, r2, p).is_err(), "{m}/{n} accepted");
        };
        bad(m - 1, n, &r1, &r2, &want);
        bad(m + 1, n, &r1, &r2, &want);
        bad(m ^ 2, n, &r1, &r2, &want);
        bad(m, n * 2, &r1, &r2, &want);
        bad(m, n / 2, &r1, &r2, &want);
        bad(m, n, &r2, &r1, &want);
        bad(m, n, &ALG.leaf_hash(b"WrongRoot"), &r2, &want);
        bad(m, n, &r1, &ALG.leaf_hash(b"WrongRoot"), &want);
        bad(m, n, &r1, &r2, &[]);
        for extra in [r1, r2] {
            let mut p = want.clone();
            p.push(extra);
            bad(m, n, &r1, &r2, &p);
            let mut p = vec![extra];
            p.extend_from_slice(&want);
            bad(m, n, &r1, &r2, &p);
        }
        bad(m, n, &r1, &r2, &want[..want.len() - 1]);
        for i in 0..want.len() {
            let mut p = want.clone();
            p[i].0[0] ^= 16;
            bad(m, n, &r1, &r2, &p);
        }
    }
}

#[test]
fn consistency_special_cases() {
    let r = h(ROOTS[3]);
    let other = h(ROOTS[4]);
    assert_eq!(verify_consistency(ALG, 4, 4, &r, &r, &[]), Ok(()));
    assert!(matches!(verify_consistency(ALG, 4, 4, &r, &other, &[]), Err(ProofError::NewRootMismatch { .. })));
    assert!(matches!(verify_consistency(ALG, 4, 4, &r, &r, &[r]), Err(ProofError::ProofTooLong { .. })));
    assert_eq!(verify_consistency(ALG, 0, 4, &r, &r, &[]), Err(ProofError::EmptyTree));
    assert!(matches!(verify_consistency(ALG, 5, 4, &r, &r, &[]), Err(ProofError::OldSizeTooLarge { .. })));
}

#[test]
fn sm3_gbt32905_vectors() {
    assert_eq!(
        HashAlg::Sm3.digest(b"abc").to_hex(),
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    );
    assert_eq!(
        HashAlg::Sm3.digest(&b"abcd".repeat(16)).to_hex(),
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    );
}

#[test]
fn sm3_tree_uses_rfc6962_structure() {
    let alg = HashAlg::Sm3;
    let leaves = leaves();
    let log = MemLog::from_leaves(alg, &leaves);
    let l: Vec<Hash> = leaves.iter().map(|d| alg.leaf_hash(d)).collect();
    let n = |a: &Hash, b: &Hash| alg.node_hash(a, b);
    let want = n(&n(&n(&l[0], &l[1]), &n(&l[2], &l[3])), &n(&n(&l[4], &l[5]), &n(&l[6], &l[7])));
    assert_eq!(log.root(), want);
    let seven = n(&n(&n(&l[0], &l[1]), &n(&l[2], &l[3])), &n(&n(&l[4], &l[5]), &l[6]));
    assert_eq!(log.root_at(7).unwrap(), seven);
    assert_eq!(alg.leaf_hash(b"abc"), alg.digest(&[0, b'a', b'b', b'c']));
}
