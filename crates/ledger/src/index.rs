//! Stored-hash numbering of C2SP tlog-tiles and Go's `golang.org/x/mod/sumdb/tlog`.
//!
//! A log of `n` leaves stores one hash for every complete subtree: the leaf
//! hashes (level 0) and the interior hashes of full subtrees of `2^k` leaves
//! (level `k`). Hashes are numbered in the order they are created while
//! appending: leaf `i`'s hash first, then the hashes of the subtrees that leaf
//! `i` completes, bottom-up. So the `n`-th hash at level `L` (covering leaves
//! `[n·2^L, (n+1)·2^L)`) has index
//!
//! ```text
//! stored_hash_index(L, n) = 2·m − popcount(m) + L,   m = (n+1)·2^L − 1
//! ```
//!
//! which is Go's `tlog.StoredHashIndex`. A log of `n` leaves holds
//! [`stored_hash_count`]`(n)` hashes.

/// Largest tree size accepted anywhere in this crate (2^62 leaves), so that
/// index arithmetic never overflows a `u64`.
pub const MAX_TREE_SIZE: u64 = 1 << 62;

/// Index of the `n`-th hash at `level` in the stored-hash sequence, or `None`
/// when the node lies beyond [`MAX_TREE_SIZE`].
pub fn stored_hash_index(level: u8, n: u64) -> Option<u64> {
    if level > 62 {
        return None;
    }
    let first_beyond = n.checked_add(1)?.checked_shl(u32::from(level))?;
    if first_beyond > MAX_TREE_SIZE || first_beyond >> level != n + 1 {
        return None;
    }
    let m = first_beyond - 1;
    Some(2 * m - u64::from(m.count_ones()) + u64::from(level))
}

/// Inverse of [`stored_hash_index`]: the `(level, n)` of a stored-hash index.
pub fn split_stored_hash_index(index: u64) -> (u8, u64) {
    // stored_hash_index(0, n) ≤ 2n, so the leaf committed just before `index`
    // lies in [index/2, index/2 + log2(index)].
    let mut n = index / 2;
    let mut index_n = 2 * n - u64::from(n.count_ones());
    loop {
        // Leaf n+1 adds 1 + trailing_zeros(n+1) hashes after leaf n's hash.
        let next = index_n.saturating_add(1).saturating_add(u64::from((n + 1).trailing_zeros()));
        if next > index {
            break;
        }
        n += 1;
        index_n = next;
    }
    // `index` was created together with leaf n: it is (0, n), (1, n/2), …
    let level = (index - index_n) as u8;
    (level, n >> level)
}

/// Number of stored hashes in a log of `size` leaves.
pub fn stored_hash_count(size: u64) -> u64 {
    if size == 0 {
        return 0;
    }
    let last = size - 1;
    // The last leaf's own hash, plus one per subtree it completes.
    let index_last = last.saturating_mul(2) - u64::from(last.count_ones());
    index_last.saturating_add(1).saturating_add(u64::from(last.trailing_ones()))
}

/// The largest power of two strictly less than `n` (`n ≥ 2`), as its exponent.
pub(crate) fn split_point_exp(n: u64) -> u32 {
    debug_assert!(n >= 2);
    63 - (n - 1).leading_zeros()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go_stored_hash_index(level: u8, mut n: u64) -> u64 {
        for _ in 0..level {
            n = 2 * n + 1;
        }
        let mut i = 0;
        while n > 0 {
            i += n;
            n >>= 1;
        }
        i + u64::from(level)
    }

    #[test]
    fn matches_go_definition() {
        for level in 0..10u8 {
            for n in 0..300u64 {
                let i = stored_hash_index(level, n).unwrap();
                assert_eq!(i, go_stored_hash_index(level, n));
                assert_eq!(split_stored_hash_index(i), (level, n));
            }
        }
    }

    #[test]
    fn counts() {
        // Appending leaf n adds 1 + trailing_ones(n) hashes.
        let mut total = 0;
        for size in 0..2000u64 {
            assert_eq!(stored_hash_count(size), total);
            assert_eq!(stored_hash_index(0, size), Some(total));
            total += 1 + u64::from(size.trailing_ones());
        }
    }

    #[test]
    fn overflow_is_none() {
        assert!(stored_hash_index(63, 0).is_none());
        assert!(stored_hash_index(0, u64::MAX).is_none());
        assert!(stored_hash_index(62, 1).is_none());
        assert!(stored_hash_index(62, 0).is_some());
    }

    #[test]
    fn split_points() {
        assert_eq!(split_point_exp(2), 0);
        assert_eq!(split_point_exp(3), 1);
        assert_eq!(split_point_exp(4), 1);
        assert_eq!(split_point_exp(5), 2);
        assert_eq!(split_point_exp(1 << 40), 39);
    }
}
