//! Proof generation from stored hashes (RFC 6962 §2.1.1 `PATH` and §2.1.2
//! `SUBPROOF`), reading only the O(log n) stored hashes a proof needs.
//!
//! Each function first lists the stored-hash indexes it needs (the roots of
//! full subtrees, see [`crate::index`]), reads them from a [`HashReader`] in
//! one batch, and then assembles the proof: incomplete subtrees on the right
//! edge are recomputed from the full subtrees that partition them. The result
//! is identical to evaluating RFC 6962's recursive definitions on the leaves.

use crate::hash::{Hash, HashAlg};
use crate::index::{MAX_TREE_SIZE, split_point_exp, stored_hash_index};
use crate::proof::ProofError;
use crate::store::{HashReader, StoreError};

fn check_size(size: u64) -> Result<(), ProofError> {
    if size > MAX_TREE_SIZE {
        return Err(ProofError::SizeBeyondLog { size, log_size: MAX_TREE_SIZE });
    }
    Ok(())
}

/// Appends the stored-hash indexes of the full subtrees partitioning
/// `[lo, hi)`, largest (leftmost) first.
fn sub_tree_index(mut lo: u64, hi: u64, need: &mut Vec<u64>) -> Result<(), ProofError> {
    while lo < hi {
        let level = 63 - (hi - lo).leading_zeros();
        // Keep each subtree aligned: it may not be larger than lo's alignment.
        let level = if lo == 0 { level } else { level.min(lo.trailing_zeros()) };
        let idx = stored_hash_index(level as u8, lo >> level)
            .ok_or_else(|| StoreError::OutOfRange(format!("子树 [{lo}, {hi}) 超出支持范围")))?;
        need.push(idx);
        lo += 1 << level;
    }
    Ok(())
}

/// Cursor over the hashes returned by a [`HashReader`].
struct Hashes<'a> {
    alg: HashAlg,
    list: &'a [Hash],
    pos: usize,
}

impl Hashes<'_> {
    fn next(&mut self) -> Result<Hash, ProofError> {
        let h =
            self.list.get(self.pos).copied().ok_or_else(|| StoreError::OutOfRange("读取的哈希数量不足".to_owned()))?;
        self.pos += 1;
        Ok(h)
    }

    /// Hash of `[lo, hi)` from the hashes listed by [`sub_tree_index`].
    fn sub_tree_hash(&mut self, mut lo: u64, hi: u64) -> Result<Hash, ProofError> {
        let start = self.pos;
        while lo < hi {
            let level = 63 - (hi - lo).leading_zeros();
            let level = if lo == 0 { level } else { level.min(lo.trailing_zeros()) };
            self.next()?;
            lo += 1 << level;
        }
        let parts =
            self.list.get(start..self.pos).ok_or_else(|| StoreError::OutOfRange("读取的哈希数量不足".to_owned()))?;
        let mut iter = parts.iter().rev();
        let Some(last) = iter.next() else {
            return Ok(self.alg.empty_root());
        };
        Ok(iter.fold(*last, |acc, left| self.alg.node_hash(left, &acc)))
    }
}

fn leaf_proof_index(lo: u64, hi: u64, n: u64, need: &mut Vec<u64>) -> Result<(), ProofError> {
    if lo + 1 >= hi {
        return Ok(());
    }
    let k = 1u64 << split_point_exp(hi - lo);
    if n < lo + k {
        leaf_proof_index(lo, lo + k, n, need)?;
        sub_tree_index(lo + k, hi, need)
    } else {
        sub_tree_index(lo, lo + k, need)?;
        leaf_proof_index(lo + k, hi, n, need)
    }
}

fn leaf_proof(lo: u64, hi: u64, n: u64, hashes: &mut Hashes<'_>, out: &mut Vec<Hash>) -> Result<(), ProofError> {
    if lo + 1 >= hi {
        return Ok(());
    }
    let k = 1u64 << split_point_exp(hi - lo);
    if n < lo + k {
        leaf_proof(lo, lo + k, n, hashes, out)?;
        let th = hashes.sub_tree_hash(lo + k, hi)?;
        out.push(th);
    } else {
        let th = hashes.sub_tree_hash(lo, lo + k)?;
        leaf_proof(lo + k, hi, n, hashes, out)?;
        out.push(th);
    }
    Ok(())
}

fn tree_proof_index(lo: u64, hi: u64, n: u64, need: &mut Vec<u64>) -> Result<(), ProofError> {
    if n == hi {
        if lo == 0 {
            return Ok(());
        }
        return sub_tree_index(lo, hi, need);
    }
    let k = 1u64 << split_point_exp(hi - lo);
    if n <= lo + k {
        tree_proof_index(lo, lo + k, n, need)?;
        sub_tree_index(lo + k, hi, need)
    } else {
        sub_tree_index(lo, lo + k, need)?;
        tree_proof_index(lo + k, hi, n, need)
    }
}

fn tree_proof(lo: u64, hi: u64, n: u64, hashes: &mut Hashes<'_>, out: &mut Vec<Hash>) -> Result<(), ProofError> {
    if n == hi {
        if lo != 0 {
            let th = hashes.sub_tree_hash(lo, hi)?;
            out.push(th);
        }
        return Ok(());
    }
    let k = 1u64 << split_point_exp(hi - lo);
    if n <= lo + k {
        tree_proof(lo, lo + k, n, hashes, out)?;
        let th = hashes.sub_tree_hash(lo + k, hi)?;
        out.push(th);
    } else {
        let th = hashes.sub_tree_hash(lo, lo + k)?;
        tree_proof(lo + k, hi, n, hashes, out)?;
        out.push(th);
    }
    Ok(())
}

/// The stored-hash indexes [`tree_hash`] reads for a tree of `size` leaves, in the order it reads them. A store
/// whose reads are asynchronous fetches these first, then answers the proof from what it fetched.
pub fn tree_hash_indexes(size: u64) -> Result<Vec<u64>, ProofError> {
    check_size(size)?;
    let mut need = Vec::with_capacity(64);
    if size > 0 {
        sub_tree_index(0, size, &mut need)?;
    }
    Ok(need)
}

/// The stored-hash indexes [`prove_inclusion`] reads.
pub fn inclusion_proof_indexes(size: u64, index: u64) -> Result<Vec<u64>, ProofError> {
    check_size(size)?;
    if size == 0 {
        return Err(ProofError::EmptyTree);
    }
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let mut need = Vec::with_capacity(128);
    leaf_proof_index(0, size, index, &mut need)?;
    Ok(need)
}

/// The stored-hash indexes [`prove_consistency`] reads.
pub fn consistency_proof_indexes(old_size: u64, new_size: u64) -> Result<Vec<u64>, ProofError> {
    check_size(new_size)?;
    if old_size == 0 {
        return Err(ProofError::EmptyTree);
    }
    if old_size > new_size {
        return Err(ProofError::OldSizeTooLarge { old_size, new_size });
    }
    let mut need = Vec::with_capacity(128);
    tree_proof_index(0, new_size, old_size, &mut need)?;
    Ok(need)
}

/// Hashes fetched ahead of a proof: answers reads for exactly the indexes it was built with.
#[derive(Debug, Clone, Default)]
pub struct Prefetched {
    hashes: std::collections::HashMap<u64, Hash>,
}

impl Prefetched {
    /// From (index, hash) pairs.
    pub fn new(pairs: impl IntoIterator<Item = (u64, Hash)>) -> Self {
        Prefetched { hashes: pairs.into_iter().collect() }
    }
}

impl HashReader for Prefetched {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        indexes.iter().map(|i| self.hashes.get(i).copied().ok_or(StoreError::HashNotFound { index: *i })).collect()
    }
}

/// Root hash of the first `size` leaves (RFC 6962 `MTH(D[0:size])`).
pub fn tree_hash<R: HashReader + ?Sized>(alg: HashAlg, size: u64, reader: &R) -> Result<Hash, ProofError> {
    check_size(size)?;
    if size == 0 {
        return Ok(alg.empty_root());
    }
    let mut need = Vec::with_capacity(64);
    sub_tree_index(0, size, &mut need)?;
    let list = reader.read_hashes(&need)?;
    let mut hashes = Hashes { alg, list: &list, pos: 0 };
    hashes.sub_tree_hash(0, size)
}

/// Inclusion proof (audit path) for leaf `index` in the tree of `size` leaves,
/// ordered from the leaf's sibling up to the root's child (RFC 6962 `PATH`).
pub fn prove_inclusion<R: HashReader + ?Sized>(
    alg: HashAlg,
    size: u64,
    index: u64,
    reader: &R,
) -> Result<Vec<Hash>, ProofError> {
    check_size(size)?;
    if size == 0 {
        return Err(ProofError::EmptyTree);
    }
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let mut need = Vec::with_capacity(128);
    leaf_proof_index(0, size, index, &mut need)?;
    let list = reader.read_hashes(&need)?;
    let mut hashes = Hashes { alg, list: &list, pos: 0 };
    let mut out = Vec::with_capacity(64);
    leaf_proof(0, size, index, &mut hashes, &mut out)?;
    Ok(out)
}

/// Consistency proof from the tree of `old_size` leaves to the tree of
/// `new_size` leaves (RFC 6962 `PROOF(m, D[n])` = `SUBPROOF(m, D[n], true)`).
pub fn prove_consistency<R: HashReader + ?Sized>(
    alg: HashAlg,
    old_size: u64,
    new_size: u64,
    reader: &R,
) -> Result<Vec<Hash>, ProofError> {
    check_size(new_size)?;
    if old_size == 0 {
        return Err(ProofError::EmptyTree);
    }
    if old_size > new_size {
        return Err(ProofError::OldSizeTooLarge { old_size, new_size });
    }
    let mut need = Vec::with_capacity(128);
    tree_proof_index(0, new_size, old_size, &mut need)?;
    let list = reader.read_hashes(&need)?;
    let mut hashes = Hashes { alg, list: &list, pos: 0 };
    let mut out = Vec::with_capacity(64);
    tree_proof(0, new_size, old_size, &mut hashes, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod prefetch_tests {
    use super::*;
    use crate::memlog::MemLog;

    #[test]
    fn proofs_from_prefetched_hashes_equal_the_in_memory_ones() {
        let log = MemLog::from_leaves(HashAlg::Sha256, (0u32..300).map(|i| i.to_le_bytes().to_vec()));
        let stored = log.stored_hashes();
        let fetch = |need: Vec<u64>| Prefetched::new(need.iter().map(|&i| (i, stored[i as usize])));
        for (size, index) in [(1, 0), (7, 3), (256, 255), (300, 17), (300, 299)] {
            let reader = fetch(inclusion_proof_indexes(size, index).unwrap());
            assert_eq!(
                prove_inclusion(HashAlg::Sha256, size, index, &reader).unwrap(),
                log.inclusion_proof(index, size).unwrap()
            );
            let reader = fetch(tree_hash_indexes(size).unwrap());
            assert_eq!(tree_hash(HashAlg::Sha256, size, &reader).unwrap(), log.root_at(size).unwrap());
        }
        for (old, new) in [(1, 2), (3, 300), (256, 300), (300, 300)] {
            let reader = fetch(consistency_proof_indexes(old, new).unwrap());
            assert_eq!(
                prove_consistency(HashAlg::Sha256, old, new, &reader).unwrap(),
                log.consistency_proof(old, new).unwrap()
            );
        }
        assert!(
            prove_inclusion(HashAlg::Sha256, 300, 5, &Prefetched::default()).is_err(),
            "a missing hash is an error"
        );
    }
}
