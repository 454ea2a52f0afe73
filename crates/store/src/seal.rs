//! Personal data at rest: ID numbers are sealed (ChaCha20-Poly1305) and indexed by a keyed hash.
//!
//! The Personal Information Protection Law asks that identity numbers be protected; DOMAIN §10 says store them
//! protected and show them masked. A sealed value is `nonce (12) ‖ ciphertext+tag`; the blind index
//! HMAC-SHA256(key', number) lets the store refuse a duplicate without decrypting. Both keys derive from one 32-byte
//! data key kept outside the database (a 0600 file in the data directory, or `ZHIAN_DATA_KEY`).

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::Arc;
use zhian_domain::entropy::Entropy;

use crate::{Result, StoreError};

/// Length of the data key in bytes.
pub const SEAL_KEY_LEN: usize = 32;

/// Seals and opens personal data with the deployment's data key.
#[derive(Clone)]
pub struct Sealer {
    cipher: ChaCha20Poly1305,
    index_key: [u8; 32],
    nonces: Arc<dyn Entropy>,
}

impl Sealer {
    /// A sealer from the data key and a source of random nonces (randomness is a parameter).
    #[must_use]
    pub fn new(key: &[u8; SEAL_KEY_LEN], nonces: Arc<dyn Entropy>) -> Self {
        let mut index_key = [0u8; 32];
        let derived = derive(key, b"zhian blind index v1");
        index_key.copy_from_slice(&derived);
        let mut cipher_key = [0u8; 32];
        cipher_key.copy_from_slice(&derive(key, b"zhian seal v1"));
        Self { cipher: ChaCha20Poly1305::new(&cipher_key.into()), index_key, nonces }
    }

    /// Seals a value.
    pub fn seal(&self, plain: &str) -> Result<Vec<u8>> {
        let mut nonce = [0u8; 12];
        self.nonces.fill(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), plain.as_bytes())
            .map_err(|_| StoreError::Config("加密失败".into()))?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    /// Opens a sealed value.
    pub fn open(&self, sealed: &[u8]) -> Result<String> {
        let (nonce, body) = sealed.split_at_checked(12).ok_or_else(|| StoreError::Corrupt("密文过短".into()))?;
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| StoreError::Corrupt("密文过短".into()))?;
        let plain = self
            .cipher
            .decrypt(&Nonce::from(nonce), body)
            .map_err(|_| StoreError::Corrupt("密文无法解密（数据密钥不符？）".into()))?;
        String::from_utf8(plain).map_err(|_| StoreError::Corrupt("解密结果不是文本".into()))
    }

    /// The blind index of a value: equal values, equal index; nothing else learnt.
    #[must_use]
    pub fn index(&self, plain: &str) -> String {
        let tag = derive(&self.index_key, plain.as_bytes());
        tag.iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn derive(key: &[u8], label: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key).unwrap_or_else(|_| {
        // HMAC takes keys of any length; this branch cannot be reached.
        <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&[0u8; 32]).unwrap_or_else(|_| unreachable!())
    });
    mac.update(label);
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(key: u8) -> Sealer {
        Sealer::new(&[key; 32], Arc::new(zhian_domain::entropy::Seeded::new(1)))
    }

    #[test]
    fn sealed_values_open_only_with_the_same_key() {
        let s = sealer(7);
        let sealed = s.seal("11010519491231002X").unwrap();
        assert!(!sealed.windows(18).any(|w| w == b"11010519491231002X"), "no plaintext at rest");
        assert_eq!(s.open(&sealed).unwrap(), "11010519491231002X");
        assert!(sealer(8).open(&sealed).is_err());
        let mut tampered = sealed.clone();
        tampered[20] ^= 1;
        assert!(s.open(&tampered).is_err());
        assert_ne!(s.seal("11010519491231002X").unwrap(), sealed, "fresh nonce each time");
    }

    #[test]
    fn the_blind_index_is_stable_and_keyed() {
        assert_eq!(sealer(7).index("a"), sealer(7).index("a"));
        assert_ne!(sealer(7).index("a"), sealer(7).index("b"));
        assert_ne!(sealer(7).index("a"), sealer(8).index("a"));
    }
}
