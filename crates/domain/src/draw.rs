//! Deterministic draws from a seed: the random spot check's sample of units and people, and an exam paper's
//! questions and option order. Anyone holding the seed and the list can recompute a draw; nothing here reads the
//! operating system's randomness — the seed is the parameter.
//!
//! # The function (version 1)
//!
//! A draw is labelled (`units`, `people/17`, `paper`, …) and keyed by a 32-byte seed and a 32-byte list hash. Its
//! stream of 64-bit words is
//!
//! ```text
//! block(i) = SHA-256( "zhian/draw/v1" ‖ 0x00 ‖ label ‖ 0x00 ‖ seed ‖ list_hash ‖ i as 8 bytes big-endian )
//! words    = block(0)[0..8], block(0)[8..16], …, block(0)[24..32], block(1)[0..8], …   (each big-endian)
//! ```
//!
//! A number below `n` takes the next word `w`, rejects it while `w ≥ 2⁶⁴ − (2⁶⁴ mod n)` (so every value is equally
//! likely) and returns `w mod n`. Drawing `k` of `n` is a partial Fisher–Yates shuffle of `0..n`: for `j` in
//! `0..k`, swap position `j` with position `j + below(n − j)`; the first `k` positions, in that order, are the draw.
//! The seed's commitment is `SHA-256(seed)`, published before the draw.

use sha2::{Digest, Sha256};

/// The domain separation prefix of every block.
const PREFIX: &[u8] = b"zhian/draw/v1";

/// A 32-byte value: a seed, a hash.
pub type Bytes32 = [u8; 32];

/// SHA-256 of `bytes`.
#[must_use]
pub fn sha256(bytes: &[u8]) -> Bytes32 {
    Sha256::digest(bytes).into()
}

/// The commitment to a seed, published before the draw: `SHA-256(seed)`.
#[must_use]
pub fn commitment(seed: &Bytes32) -> Bytes32 {
    sha256(seed)
}

/// The stream of words of one labelled draw.
#[derive(Debug, Clone)]
pub struct Stream {
    key: Vec<u8>,
    block: u64,
    words: [u64; 4],
    next: usize,
}

impl Stream {
    /// The stream of the draw `label` under `seed` and `list_hash`.
    #[must_use]
    pub fn new(label: &str, seed: &Bytes32, list_hash: &Bytes32) -> Self {
        let mut key = Vec::with_capacity(PREFIX.len() + label.len() + 66);
        key.extend_from_slice(PREFIX);
        key.push(0);
        key.extend_from_slice(label.as_bytes());
        key.push(0);
        key.extend_from_slice(seed);
        key.extend_from_slice(list_hash);
        Self { key, block: 0, words: [0; 4], next: 4 }
    }

    /// The next 64-bit word.
    pub fn word(&mut self) -> u64 {
        if self.next == 4 {
            let mut h = Sha256::new();
            h.update(&self.key);
            h.update(self.block.to_be_bytes());
            let digest: Bytes32 = h.finalize().into();
            for (w, chunk) in self.words.iter_mut().zip(digest.chunks_exact(8)) {
                let mut b = [0u8; 8];
                b.copy_from_slice(chunk);
                *w = u64::from_be_bytes(b);
            }
            self.block += 1;
            self.next = 0;
        }
        let w = self.words.get(self.next).copied().unwrap_or_default();
        self.next += 1;
        w
    }

    /// A number in `0..n`, every value equally likely; 0 when `n` is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        // 2⁶⁴ mod n: words at or above 2⁶⁴ − that would make the low values likelier.
        let rem = (u64::MAX % n + 1) % n;
        loop {
            let w = self.word();
            if rem == 0 || w < rem.wrapping_neg() {
                return w % n;
            }
        }
    }

    /// `k` of the positions `0..n` (all of them when `k ≥ n`), in drawn order.
    pub fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for j in 0..k {
            let t = j + usize::try_from(self.below((n - j) as u64)).unwrap_or(0);
            order.swap(j, t);
        }
        order.truncate(k);
        order
    }

    /// Shuffles `items` in place (a full Fisher–Yates shuffle by [`Stream::sample`]).
    pub fn shuffle<T>(&mut self, items: &mut Vec<T>) {
        let order = self.sample(items.len(), items.len());
        let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
        items.extend(order.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)));
    }
}

/// Lower-case hex of bytes.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Parses 64 hex digits.
#[must_use]
pub fn parse_hex32(s: &str) -> Option<Bytes32> {
    let s = s.trim();
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(s.as_bytes().chunks_exact(2)) {
        let text = std::str::from_utf8(pair).ok()?;
        *o = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(label: &str, seed: u8) -> Stream {
        Stream::new(label, &[seed; 32], &[7; 32])
    }

    #[test]
    fn the_first_block_is_the_documented_hash() {
        let mut input = b"zhian/draw/v1\0units\0".to_vec();
        input.extend_from_slice(&[1; 32]);
        input.extend_from_slice(&[7; 32]);
        input.extend_from_slice(&0u64.to_be_bytes());
        let block = sha256(&input);
        let mut s = stream("units", 1);
        let first = u64::from_be_bytes(block[..8].try_into().unwrap());
        let fourth = u64::from_be_bytes(block[24..].try_into().unwrap());
        assert_eq!(s.word(), first);
        s.word();
        s.word();
        assert_eq!(s.word(), fourth);
        assert_ne!(s.word(), first, "the fifth word comes from the next block");
    }

    #[test]
    fn a_draw_depends_on_seed_list_and_label_only() {
        assert_eq!(stream("units", 1).sample(500, 25), stream("units", 1).sample(500, 25));
        assert_ne!(stream("units", 1).sample(500, 25), stream("units", 2).sample(500, 25));
        assert_ne!(stream("units", 1).sample(500, 25), stream("people/1", 1).sample(500, 25));
        let other_list = Stream::new("units", &[1; 32], &[8; 32]).sample(500, 25);
        assert_ne!(stream("units", 1).sample(500, 25), other_list);
    }

    #[test]
    fn a_sample_has_distinct_positions_in_range() {
        for n in [0usize, 1, 2, 3, 10, 97] {
            for k in [0usize, 1, 5, 200] {
                let s = stream("x", 3).sample(n, k);
                assert_eq!(s.len(), k.min(n));
                let mut sorted = s.clone();
                sorted.sort_unstable();
                sorted.dedup();
                assert_eq!(sorted.len(), s.len());
                assert!(s.iter().all(|&i| i < n));
            }
        }
    }

    #[test]
    fn below_is_roughly_uniform() {
        let mut s = stream("uniform", 9);
        let mut counts = [0u32; 6];
        for _ in 0..60_000 {
            counts[usize::try_from(s.below(6)).unwrap()] += 1;
        }
        assert!(counts.iter().all(|&c| (9_400..10_600).contains(&c)), "{counts:?}");
        assert_eq!(s.below(1), 0);
        assert_eq!(s.below(0), 0);
    }

    #[test]
    fn shuffle_keeps_every_item() {
        let mut items: Vec<u32> = (0..50).collect();
        stream("shuffle", 4).shuffle(&mut items);
        assert_ne!(items, (0..50).collect::<Vec<_>>());
        let mut sorted = items.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn hex_round_trips() {
        let b = sha256(b"abc");
        assert_eq!(hex(&b), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(parse_hex32(&hex(&b)), Some(b));
        assert_eq!(parse_hex32("zz"), None);
        assert_eq!(commitment(&[0; 32]), sha256(&[0; 32]));
    }
}
