//! Verification of inclusion and consistency proofs, exactly as the
//! algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.
//!
//! Before running the RFC algorithm the expected proof length is computed from
//! the sizes, so a truncated or extended proof is reported as such rather than
//! as a root mismatch. Every failure is a distinct [`ProofError`] variant.

use thiserror::Error;

use crate::hash::{Hash, HashAlg};
use crate::store::StoreError;

/// Why a proof could not be generated or did not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProofError {
    /// The tree size is zero, for which no proof exists.
    #[error("证明参数错误：树大小为 0")]
    EmptyTree,
    /// The leaf index is not smaller than the tree size.
    #[error("证明参数错误：叶子索引 {index} 不小于树大小 {size}")]
    IndexOutOfRange {
        /// Leaf index given.
        index: u64,
        /// Tree size given.
        size: u64,
    },
    /// The old size of a consistency proof is larger than the new size.
    #[error("一致性证明参数错误：旧树大小 {old_size} 大于新树大小 {new_size}")]
    OldSizeTooLarge {
        /// Old (first) tree size.
        old_size: u64,
        /// New (second) tree size.
        new_size: u64,
    },
    /// A tree size larger than the log (for generation) or than the limit.
    #[error("证明参数错误：树大小 {size} 超出日志大小 {log_size}")]
    SizeBeyondLog {
        /// Requested size.
        size: u64,
        /// Current size of the log (or the supported maximum).
        log_size: u64,
    },
    /// The proof has fewer hashes than the sizes require.
    #[error("证明长度错误：证明被截断（需要 {expected} 个哈希，实际 {actual} 个）")]
    ProofTooShort {
        /// Number of hashes the sizes require.
        expected: usize,
        /// Number of hashes given.
        actual: usize,
    },
    /// The proof has more hashes than the sizes require.
    #[error("证明长度错误：证明有多余哈希（需要 {expected} 个哈希，实际 {actual} 个）")]
    ProofTooLong {
        /// Number of hashes the sizes require.
        expected: usize,
        /// Number of hashes given.
        actual: usize,
    },
    /// The inclusion proof leads to a different root.
    #[error("包含证明校验失败：根哈希不一致")]
    RootMismatch {
        /// Root recomputed from the proof.
        computed: Hash,
        /// Root the proof was checked against.
        expected: Hash,
    },
    /// The consistency proof does not reproduce the old root.
    #[error("一致性证明校验失败：旧根哈希不一致")]
    OldRootMismatch {
        /// Old root recomputed from the proof.
        computed: Hash,
        /// Old root the proof was checked against.
        expected: Hash,
    },
    /// The consistency proof does not reproduce the new root.
    #[error("一致性证明校验失败：新根哈希不一致")]
    NewRootMismatch {
        /// New root recomputed from the proof.
        computed: Hash,
        /// New root the proof was checked against.
        expected: Hash,
    },
    /// Reading stored hashes failed while generating a proof.
    #[error("证明生成失败：{0}")]
    Store(#[from] StoreError),
}

/// Number of hashes in an inclusion proof for `index` in a tree of `size`
/// (requires `index < size`).
pub fn inclusion_proof_len(index: u64, size: u64) -> usize {
    let inner = 64 - (index ^ (size - 1)).leading_zeros();
    let border = (index >> inner).count_ones();
    (inner + border) as usize
}

/// Number of hashes in a consistency proof from `old_size` to `new_size`
/// (requires `0 < old_size ≤ new_size`).
pub fn consistency_proof_len(old_size: u64, new_size: u64) -> usize {
    if old_size == new_size {
        return 0;
    }
    let index = old_size - 1;
    let inner = 64 - (index ^ (new_size - 1)).leading_zeros();
    let border = (index >> inner).count_ones();
    let shift = old_size.trailing_zeros();
    let seed = u32::from(!old_size.is_power_of_two());
    (seed + inner - shift + border) as usize
}

fn check_len(expected: usize, actual: usize) -> Result<(), ProofError> {
    if actual < expected {
        Err(ProofError::ProofTooShort { expected, actual })
    } else if actual > expected {
        Err(ProofError::ProofTooLong { expected, actual })
    } else {
        Ok(())
    }
}

/// Recomputes the root from an inclusion proof (RFC 9162 §2.1.3.2 steps 1–4).
pub fn root_from_inclusion_proof(
    alg: HashAlg,
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
) -> Result<Hash, ProofError> {
    if size == 0 {
        return Err(ProofError::EmptyTree);
    }
    // Step 1.
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    check_len(inclusion_proof_len(index, size), proof.len())?;
    // Steps 2–3.
    let mut fn_ = index;
    let mut sn = size - 1;
    let mut r = *leaf_hash;
    // Step 4.
    for p in proof {
        if sn == 0 {
            return Err(ProofError::ProofTooLong { expected: inclusion_proof_len(index, size), actual: proof.len() });
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = alg.node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = alg.node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5 (first half).
    if sn != 0 {
        return Err(ProofError::ProofTooShort { expected: inclusion_proof_len(index, size), actual: proof.len() });
    }
    Ok(r)
}

/// Verifies that `leaf_hash` is the leaf at `index` of the tree of `size`
/// leaves whose root is `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    alg: HashAlg,
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    let computed = root_from_inclusion_proof(alg, leaf_hash, index, size, proof)?;
    if computed != *root {
        return Err(ProofError::RootMismatch { computed, expected: *root });
    }
    Ok(())
}

/// Verifies that the tree of `old_size` leaves with root `old_root` is a
/// prefix of the tree of `new_size` leaves with root `new_root`
/// (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and equal roots.
pub fn verify_consistency(
    alg: HashAlg,
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size == 0 {
        return Err(ProofError::EmptyTree);
    }
    if old_size > new_size {
        return Err(ProofError::OldSizeTooLarge { old_size, new_size });
    }
    let expected = consistency_proof_len(old_size, new_size);
    check_len(expected, proof.len())?;
    if old_size == new_size {
        if old_root != new_root {
            return Err(ProofError::NewRootMismatch { computed: *old_root, expected: *new_root });
        }
        return Ok(());
    }
    // Steps 1–2: a proof is never empty here; if `old_size` is an exact power
    // of two the old root is prepended as the first value.
    let mut path = proof.iter();
    let first = if old_size.is_power_of_two() {
        *old_root
    } else {
        match path.next() {
            Some(h) => *h,
            None => {
                return Err(ProofError::ProofTooShort { expected, actual: proof.len() });
            }
        }
    };
    // Step 3.
    let mut fn_ = old_size - 1;
    let mut sn = new_size - 1;
    // Step 4.
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5.
    let mut fr = first;
    let mut sr = first;
    // Step 6.
    for c in path {
        if sn == 0 {
            return Err(ProofError::ProofTooLong { expected, actual: proof.len() });
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = alg.node_hash(c, &fr);
            sr = alg.node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = alg.node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 7.
    if sn != 0 {
        return Err(ProofError::ProofTooShort { expected, actual: proof.len() });
    }
    if fr != *old_root {
        return Err(ProofError::OldRootMismatch { computed: fr, expected: *old_root });
    }
    if sr != *new_root {
        return Err(ProofError::NewRootMismatch { computed: sr, expected: *new_root });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(inclusion_proof_len(0, 1), 0);
        assert_eq!(inclusion_proof_len(0, 8), 3);
        assert_eq!(inclusion_proof_len(6, 7), 2);
        assert_eq!(inclusion_proof_len(4, 7), 3);
        assert_eq!(consistency_proof_len(1, 8), 3);
        assert_eq!(consistency_proof_len(6, 8), 3);
        assert_eq!(consistency_proof_len(2, 5), 2);
        assert_eq!(consistency_proof_len(4, 7), 1);
        assert_eq!(consistency_proof_len(3, 7), 4);
        assert_eq!(consistency_proof_len(7, 7), 0);
    }

    #[test]
    fn parameter_errors() {
        let alg = HashAlg::Sha256;
        let h = alg.leaf_hash(b"x");
        assert_eq!(verify_inclusion(alg, &h, 0, 0, &[], &h), Err(ProofError::EmptyTree));
        assert_eq!(verify_inclusion(alg, &h, 1, 1, &[], &h), Err(ProofError::IndexOutOfRange { index: 1, size: 1 }));
        assert_eq!(verify_inclusion(alg, &h, 0, 1, &[], &h), Ok(()));
        assert_eq!(
            verify_consistency(alg, 2, 1, &h, &h, &[]),
            Err(ProofError::OldSizeTooLarge { old_size: 2, new_size: 1 })
        );
        assert_eq!(verify_consistency(alg, 0, 1, &h, &h, &[]), Err(ProofError::EmptyTree));
        assert_eq!(verify_consistency(alg, 3, 3, &h, &h, &[]), Ok(()));
        assert!(matches!(verify_consistency(alg, 1, 2, &h, &h, &[]), Err(ProofError::ProofTooShort { .. })));
    }
}
