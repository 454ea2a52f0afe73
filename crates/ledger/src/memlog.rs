//! An in-memory log holding every stored hash in a vector.
//!
//! This is the fast path: appends are O(log n) through a [`Frontier`], every
//! stored hash is kept (about `2n` hashes, 64 bytes per leaf), and roots and
//! proofs for any size up to the current size are answered directly from the
//! vector. Suitable for command-line tools, tests, and logs that fit in memory.

use crate::frontier::Frontier;
use crate::hash::{Hash, HashAlg};
use crate::index::{MAX_TREE_SIZE, stored_hash_count, stored_hash_index};
use crate::proof::ProofError;
use crate::prove::{prove_consistency, prove_inclusion, tree_hash};
use crate::store::{HashReader, StoreError};

/// An append-only Merkle log kept entirely in memory.
#[derive(Clone, Debug)]
pub struct MemLog {
    frontier: Frontier,
    hashes: Vec<Hash>,
}

impl MemLog {
    /// An empty log.
    pub fn new(alg: HashAlg) -> Self {
        MemLog { frontier: Frontier::new(alg), hashes: Vec::new() }
    }

    /// An empty log with room for `leaves` leaves before reallocating.
    pub fn with_capacity(alg: HashAlg, leaves: usize) -> Self {
        MemLog { frontier: Frontier::new(alg), hashes: Vec::with_capacity(leaves.saturating_mul(2)) }
    }

    /// Builds a log from leaf data, in order.
    pub fn from_leaves<I>(alg: HashAlg, leaves: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let mut log = MemLog::new(alg);
        for leaf in leaves {
            log.append(leaf.as_ref());
        }
        log
    }

    /// The hash algorithm.
    pub fn alg(&self) -> HashAlg {
        self.frontier.alg()
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// Appends leaf data; returns the new leaf's index.
    pub fn append(&mut self, data: &[u8]) -> u64 {
        let h = self.alg().leaf_hash(data);
        self.append_leaf_hash(h)
    }

    /// Appends a precomputed leaf hash; returns the new leaf's index.
    ///
    /// At [`MAX_TREE_SIZE`] leaves the log is full and the call changes
    /// nothing (it returns `MAX_TREE_SIZE`).
    #[inline]
    pub fn append_leaf_hash(&mut self, leaf_hash: Hash) -> u64 {
        let index = self.frontier.size();
        let hashes = &mut self.hashes;
        if !self.frontier.append_with(leaf_hash, |new| hashes.push(new.hash)) {
            return MAX_TREE_SIZE;
        }
        index
    }

    /// The current root hash.
    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// The compact frontier (right edge) of the current tree.
    pub fn frontier(&self) -> &Frontier {
        &self.frontier
    }

    fn check_size(&self, size: u64) -> Result<(), ProofError> {
        if size > self.size() {
            return Err(ProofError::SizeBeyondLog { size, log_size: self.size() });
        }
        Ok(())
    }

    /// Root hash of the tree formed by the first `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash, ProofError> {
        self.check_size(size)?;
        tree_hash(self.alg(), size, &self.hashes)
    }

    /// Leaf hash of leaf `index`.
    pub fn leaf_hash(&self, index: u64) -> Result<Hash, ProofError> {
        if index >= self.size() {
            return Err(ProofError::IndexOutOfRange { index, size: self.size() });
        }
        let i = stored_hash_index(0, index).ok_or(ProofError::IndexOutOfRange { index, size: self.size() })?;
        let mut v = self.hashes.read_hashes(&[i])?;
        v.pop().ok_or(ProofError::Store(StoreError::HashNotFound { index: i }))
    }

    /// Inclusion proof for leaf `index` in the tree of the first `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, ProofError> {
        self.check_size(size)?;
        prove_inclusion(self.alg(), size, index, &self.hashes)
    }

    /// Consistency proof between the trees of `old_size` and `new_size` leaves.
    pub fn consistency_proof(&self, old_size: u64, new_size: u64) -> Result<Vec<Hash>, ProofError> {
        self.check_size(new_size)?;
        prove_consistency(self.alg(), old_size, new_size, &self.hashes)
    }

    /// Every stored hash, in stored-hash index order (see [`crate::index`]).
    pub fn stored_hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Rebuilds a log from its stored hashes (as returned by
    /// [`MemLog::stored_hashes`]) for a tree of `size` leaves.
    pub fn from_stored_hashes(alg: HashAlg, size: u64, hashes: Vec<Hash>) -> Result<Self, ProofError> {
        if size > MAX_TREE_SIZE {
            return Err(ProofError::SizeBeyondLog { size, log_size: MAX_TREE_SIZE });
        }
        let want = stored_hash_count(size);
        if hashes.len() as u64 != want {
            return Err(ProofError::Store(StoreError::OutOfRange(format!(
                "需要 {want} 个存储哈希，实际 {} 个",
                hashes.len()
            ))));
        }
        let mut need = Vec::new();
        let mut lo = 0u64;
        while lo < size {
            let level = 63 - (size - lo).leading_zeros();
            let idx = stored_hash_index(level as u8, lo >> level)
                .ok_or_else(|| ProofError::Store(StoreError::OutOfRange("树大小超出范围".to_owned())))?;
            need.push(idx);
            lo += 1 << level;
        }
        let edge = hashes.read_hashes(&need)?;
        let frontier = Frontier::from_parts(alg, size, edge)
            .ok_or_else(|| ProofError::Store(StoreError::OutOfRange("前沿哈希数量错误".to_owned())))?;
        Ok(MemLog { frontier, hashes })
    }
}

impl HashReader for MemLog {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        self.hashes.read_hashes(indexes)
    }
}
