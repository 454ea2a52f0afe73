//! Merkle tree hashing as in RFC 6962 §2.1, with SM3 (the default) or SHA-256.
//!
//! * leaf hash: `H(0x00 ‖ data)`
//! * interior node hash: `H(0x01 ‖ left ‖ right)`
//! * the root of the empty tree: `H("")`
//!
//! Both algorithms produce 32-byte digests, held in [`struct@Hash`]. SM3 is the hash
//! function of GB/T 32905-2016; SHA-256 is FIPS 180-4 and is what RFC 6962 and
//! C2SP tlog-tiles specify, so SHA-256 mode interoperates with existing logs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256};
use sm3::Sm3;
use thiserror::Error;

use crate::hexfmt::{HexError, decode_hex_array, encode_hex};

/// Length in bytes of every hash produced by this crate.
pub const HASH_SIZE: usize = 32;

/// Domain-separation prefix of a leaf hash (RFC 6962 §2.1).
pub const LEAF_PREFIX: u8 = 0x00;

/// Domain-separation prefix of an interior node hash (RFC 6962 §2.1).
pub const NODE_PREFIX: u8 = 0x01;

/// SHA-256 initial hash value (FIPS 180-4 §5.3.3).
const SHA256_IV: [u32; 8] =
    [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];

/// SHA-256 of the 65-byte message `0x01 ‖ left ‖ right`, computed with two
/// calls-worth of compression on pre-padded blocks (no streaming buffer).
#[inline]
fn sha256_node(left: &Hash, right: &Hash) -> Hash {
    let mut blocks = [[0u8; 64]; 2];
    let [first, second] = &mut blocks;
    first[0] = NODE_PREFIX;
    first[1..=HASH_SIZE].copy_from_slice(&left.0);
    first[HASH_SIZE + 1..].copy_from_slice(&right.0[..HASH_SIZE - 1]);
    second[0] = right.0[HASH_SIZE - 1];
    second[1] = 0x80;
    second[56..].copy_from_slice(&((1 + 2 * HASH_SIZE as u64) * 8).to_be_bytes());
    let mut state = SHA256_IV;
    sha2::block_api::compress256(&mut state, &blocks);
    let mut out = [0u8; HASH_SIZE];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    Hash(out)
}

/// A 32-byte hash value: a leaf hash, a node hash or a tree root.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hash(pub [u8; HASH_SIZE]);

impl Hash {
    /// Returns the raw bytes.
    pub fn as_bytes(&self) -> &[u8; HASH_SIZE] {
        &self.0
    }

    /// Parses a 64-character hexadecimal string (either case).
    pub fn from_hex(text: &str) -> Result<Self, HexError> {
        decode_hex_array::<HASH_SIZE>(text).map(Hash)
    }

    /// Formats the hash as 64 lowercase hexadecimal characters.
    pub fn to_hex(&self) -> String {
        encode_hex(&self.0)
    }

    /// Builds a hash from a byte slice, which must be exactly 32 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        <[u8; HASH_SIZE]>::try_from(bytes).ok().map(Hash)
    }
}

impl From<[u8; HASH_SIZE]> for Hash {
    fn from(bytes: [u8; HASH_SIZE]) -> Self {
        Hash(bytes)
    }
}

impl AsRef<[u8]> for Hash {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl FromStr for Hash {
    type Err = HexError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Hash::from_hex(s)
    }
}

impl Serialize for Hash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Hash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Hash::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

/// An unknown hash algorithm name.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("未知的哈希算法：{0:?}（支持 sm3、sha256）")]
pub struct UnknownHashAlg(pub String);

/// The hash function of a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HashAlg {
    /// SM3 (GB/T 32905-2016), the default.
    #[default]
    Sm3,
    /// SHA-256 (FIPS 180-4), as in RFC 6962 and C2SP tlog-tiles.
    Sha256,
}

impl HashAlg {
    /// The canonical lowercase name: `"sm3"` or `"sha256"`.
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sm3 => "sm3",
            HashAlg::Sha256 => "sha256",
        }
    }

    /// Hashes the concatenation of `parts`.
    pub fn digest_parts(self, parts: &[&[u8]]) -> Hash {
        match self {
            HashAlg::Sm3 => {
                let mut h = Sm3::new();
                for p in parts {
                    h.update(p);
                }
                Hash(h.finalize().into())
            }
            HashAlg::Sha256 => {
                let mut h = Sha256::new();
                for p in parts {
                    h.update(p);
                }
                Hash(h.finalize().into())
            }
        }
    }

    /// Plain hash of `data` (no domain-separation prefix).
    pub fn digest(self, data: &[u8]) -> Hash {
        self.digest_parts(&[data])
    }

    /// RFC 6962 leaf hash: `H(0x00 ‖ data)`.
    pub fn leaf_hash(self, data: &[u8]) -> Hash {
        self.digest_parts(&[&[LEAF_PREFIX], data])
    }

    /// RFC 6962 interior node hash: `H(0x01 ‖ left ‖ right)`.
    #[inline]
    pub fn node_hash(self, left: &Hash, right: &Hash) -> Hash {
        match self {
            HashAlg::Sm3 => {
                let mut buf = [0u8; 1 + 2 * HASH_SIZE];
                buf[0] = NODE_PREFIX;
                buf[1..=HASH_SIZE].copy_from_slice(&left.0);
                buf[HASH_SIZE + 1..].copy_from_slice(&right.0);
                Hash(Sm3::digest(buf).into())
            }
            HashAlg::Sha256 => sha256_node(left, right),
        }
    }

    /// Root hash of the empty tree: `H("")`.
    pub fn empty_root(self) -> Hash {
        self.digest(&[])
    }
}

impl fmt::Display for HashAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for HashAlg {
    type Err = UnknownHashAlg;

    /// Accepts `"sm3"` and `"sha256"`, ignoring ASCII case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("sm3") {
            Ok(HashAlg::Sm3)
        } else if s.eq_ignore_ascii_case("sha256") {
            Ok(HashAlg::Sha256)
        } else {
            Err(UnknownHashAlg(s.to_owned()))
        }
    }
}

impl Serialize for HashAlg {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for HashAlg {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_roots() {
        assert_eq!(
            HashAlg::Sha256.empty_root().to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            HashAlg::Sm3.empty_root().to_hex(),
            "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"
        );
    }

    #[test]
    fn node_hash_matches_digest_parts() {
        for alg in [HashAlg::Sm3, HashAlg::Sha256] {
            let l = alg.leaf_hash(b"l");
            let r = alg.leaf_hash(b"r");
            assert_eq!(alg.node_hash(&l, &r), alg.digest_parts(&[&[1], &l.0, &r.0]));
            let mut a = l;
            for i in 0..200u8 {
                let b = alg.leaf_hash(&[i]);
                let n = alg.node_hash(&a, &b);
                assert_eq!(n, alg.digest_parts(&[&[1], &a.0, &b.0]));
                a = n;
            }
        }
    }

    #[test]
    fn alg_names() {
        assert_eq!("sm3".parse::<HashAlg>().unwrap(), HashAlg::Sm3);
        assert_eq!("SHA256".parse::<HashAlg>().unwrap(), HashAlg::Sha256);
        let err = "md5".parse::<HashAlg>().unwrap_err();
        assert!(err.to_string().contains("md5"));
        assert_eq!(HashAlg::default(), HashAlg::Sm3);
    }

    #[test]
    fn hash_hex() {
        let h = HashAlg::Sha256.empty_root();
        assert_eq!(h.to_string().parse::<Hash>().unwrap(), h);
        assert!("00".parse::<Hash>().is_err());
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(serde_json::from_str::<Hash>(&json).unwrap(), h);
    }
}
