//! The compact frontier of an append-only Merkle tree (the right edge).
//!
//! For a tree of `n` leaves the frontier holds one hash per set bit of `n`:
//! the roots of the maximal full subtrees that partition `[0, n)`, largest
//! first. Appending a leaf costs `1 + trailing_ones(n)` node hashes at most
//! (amortised two), and the root is the right-to-left fold of the frontier,
//! which is exactly RFC 6962's `MTH` for unbalanced trees.

use crate::hash::{Hash, HashAlg};
use crate::index::MAX_TREE_SIZE;

/// The right-edge compact range of a Merkle tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frontier {
    alg: HashAlg,
    size: u64,
    /// Roots of full subtrees, left to right (largest subtree first).
    hashes: Vec<Hash>,
}

/// A hash created by [`Frontier::append_with`]: the root of a newly completed
/// full subtree at `level` (level 0 is the leaf hash itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewHash {
    /// Height of the completed subtree (it covers `2^level` leaves).
    pub level: u8,
    /// Index of the subtree among the subtrees of this height.
    pub index: u64,
    /// The subtree's hash.
    pub hash: Hash,
}

impl Frontier {
    /// An empty frontier (tree of size 0).
    pub fn new(alg: HashAlg) -> Self {
        Frontier { alg, size: 0, hashes: Vec::with_capacity(64) }
    }

    /// Rebuilds a frontier from its parts. `hashes` must hold one hash per set
    /// bit of `size`, largest subtree first; returns `None` otherwise.
    pub fn from_parts(alg: HashAlg, size: u64, hashes: Vec<Hash>) -> Option<Self> {
        if size > MAX_TREE_SIZE || hashes.len() != size.count_ones() as usize {
            return None;
        }
        Some(Frontier { alg, size, hashes })
    }

    /// The hash algorithm.
    pub fn alg(&self) -> HashAlg {
        self.alg
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Roots of the full subtrees, largest first.
    pub fn hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Appends a leaf hash; returns false (and changes nothing) if the tree is
    /// already at [`MAX_TREE_SIZE`].
    pub fn append(&mut self, leaf_hash: Hash) -> bool {
        self.append_with(leaf_hash, |_| {})
    }

    /// Appends a leaf hash and reports every newly created stored hash — the
    /// leaf hash, then each completed subtree root, bottom-up — in stored-hash
    /// index order. Returns false (and changes nothing) at [`MAX_TREE_SIZE`].
    #[inline]
    pub fn append_with(&mut self, leaf_hash: Hash, mut sink: impl FnMut(NewHash)) -> bool {
        if self.size >= MAX_TREE_SIZE {
            return false;
        }
        let mut n = self.size;
        let mut h = leaf_hash;
        let mut level = 0u8;
        sink(NewHash { level, index: n, hash: h });
        while n & 1 == 1 {
            let Some(left) = self.hashes.pop() else {
                break;
            };
            h = self.alg.node_hash(&left, &h);
            n >>= 1;
            level += 1;
            sink(NewHash { level, index: n, hash: h });
        }
        self.hashes.push(h);
        self.size += 1;
        true
    }

    /// The Merkle tree hash of the whole tree (`H("")` when empty).
    pub fn root(&self) -> Hash {
        let mut iter = self.hashes.iter().rev();
        let Some(last) = iter.next() else {
            return self.alg.empty_root();
        };
        iter.fold(*last, |acc, left| self.alg.node_hash(left, &acc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mth(alg: HashAlg, leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => alg.empty_root(),
            1 => leaves[0],
            n => {
                let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
                alg.node_hash(&mth(alg, &leaves[..k]), &mth(alg, &leaves[k..]))
            }
        }
    }

    #[test]
    fn root_matches_recursive_definition() {
        for alg in [HashAlg::Sm3, HashAlg::Sha256] {
            let mut f = Frontier::new(alg);
            let mut leaves = Vec::new();
            assert_eq!(f.root(), alg.empty_root());
            for i in 0u32..70 {
                let h = alg.leaf_hash(&i.to_be_bytes());
                leaves.push(h);
                let mut created = Vec::new();
                assert!(f.append_with(h, |x| created.push(x)));
                assert_eq!(created.len(), 1 + (i.trailing_ones() as usize));
                assert_eq!(f.root(), mth(alg, &leaves));
                assert_eq!(f.hashes().len(), f.size().count_ones() as usize);
            }
        }
    }

    #[test]
    fn from_parts_checks_shape() {
        let alg = HashAlg::Sha256;
        assert!(Frontier::from_parts(alg, 3, vec![Hash::default()]).is_none());
        assert!(Frontier::from_parts(alg, 3, vec![Hash::default(); 2]).is_some());
    }
}
