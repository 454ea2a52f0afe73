//! Randomness as a parameter. Session tokens, passwords and nonces draw from an [`Entropy`] handed in by the caller:
//! the operating system's generator in the `zhian` binary, a seeded sequence in tests.

/// A source of random bytes.
pub trait Entropy: Send + Sync {
    /// Fills `buf` with random bytes.
    fn fill(&self, buf: &mut [u8]);
}

/// A deterministic sequence for tests and examples: a SplitMix64 stream from a seed. Not for secrets.
#[derive(Debug)]
pub struct Seeded(std::sync::Mutex<u64>);

impl Seeded {
    /// A sequence starting from `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(std::sync::Mutex::new(seed))
    }
}

impl Entropy for Seeded {
    fn fill(&self, buf: &mut [u8]) {
        let mut state = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for chunk in buf.chunks_mut(8) {
            *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = *state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let bytes = z.to_le_bytes();
            chunk.copy_from_slice(bytes.get(..chunk.len()).unwrap_or(&[]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seeded_sequence_repeats_for_the_same_seed_only() {
        let (mut a, mut b, mut c) = ([0u8; 20], [0u8; 20], [0u8; 20]);
        Seeded::new(1).fill(&mut a);
        Seeded::new(1).fill(&mut b);
        Seeded::new(2).fill(&mut c);
        assert_eq!(a, b);
        assert_ne!(a, c);
        let s = Seeded::new(1);
        let mut d = [0u8; 20];
        s.fill(&mut d);
        s.fill(&mut b);
        assert_ne!(d, b, "the stream moves on");
    }
}
