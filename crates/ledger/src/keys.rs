//! Signing keys, verifier keys, key IDs, and key files for signed notes.
//!
//! # Encodings
//!
//! A key is identified by a *name* (non-empty, no Unicode spaces, no `+`) and
//! a 4-byte *key ID*:
//!
//! ```text
//! key ID = SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]        (big-endian u32)
//! verifier key  = name "+" hex8(key ID) "+" base64(type ‖ public key)
//! private key   = "PRIVATE+KEY+" name "+" hex8(key ID) "+" base64(type ‖ secret)
//! ```
//!
//! | algorithm | `type` bytes | public key | secret | signature |
//! |---|---|---|---|---|
//! | Ed25519 | `01` | 32-byte RFC 8032 key | 32-byte seed | 64 bytes (RFC 8032) |
//! | SM2 | `ff 06 08 2a 81 1c cf 55 01 83 75` | 65-byte SEC1 uncompressed point `04 ‖ X ‖ Y` | 32-byte big-endian scalar `d` | 64 bytes `r ‖ s`, each 32-byte big-endian |
//!
//! Ed25519 is signature type `0x01` of C2SP signed-note, identical to Go's
//! `golang.org/x/mod/sumdb/note`. The signed-note specification assigns no
//! byte to SM2, so SM2 uses the reserved type `0xff` followed by a longer
//! identifier: the DER encoding of the object identifier
//! 1.2.156.10197.1.501 (SM2 signature with SM3, GM/T 0006), i.e.
//! `06 08 2a 81 1c cf 55 01 83 75`. SM2 signatures follow GB/T 32918.2 with
//! SM3: `e = SM3(Z_A ‖ M)` where `Z_A` is computed with the default signer ID
//! `"1234567812345678"` (GB/T 35276); the nonce is derived deterministically
//! (RFC 6979 style), so signing needs no randomness. Key names, hex key IDs
//! (8 lowercase digits when written) and base64 (RFC 4648 standard alphabet,
//! padded) are as in Go's note package.

use std::fmt;
use std::fs::OpenOptions;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer as _, SigningKey as EdSigningKey, VerifyingKey as EdVerifyingKey};
use rand_core::CryptoRng;
use sha2::{Digest as _, Sha256};
use sm2::dsa::signature::Verifier as _;
use sm2::elliptic_curve::Generate as _;
use sm2::elliptic_curve::sec1::ToSec1Point as _;
use thiserror::Error;

/// The default SM2 signer ID of GB/T 35276 (`"1234567812345678"`).
pub const SM2_DEFAULT_DISTID: &str = "1234567812345678";

/// Signature type byte of Ed25519 in C2SP signed-note.
pub const ED25519_TYPE: &[u8] = &[0x01];

/// Signature type of SM2-with-SM3: `0xff` then DER(OID 1.2.156.10197.1.501).
pub const SM2_TYPE: &[u8] = &[0xff, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75];

const PRIVATE_PREFIX: &str = "PRIVATE+KEY+";

/// Why a key string, key file or key operation was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    /// The key name is empty, contains a Unicode space or a `+`.
    #[error("密钥名称无效：{0:?}（不能为空，不能含空白或“+”）")]
    BadName(String),
    /// The string is not `name+keyid+base64`.
    #[error("密钥格式错误：应为 名称+密钥ID+base64")]
    BadFormat,
    /// A private key string lacks the `PRIVATE+KEY+` prefix.
    #[error("私钥格式错误：缺少 PRIVATE+KEY+ 前缀")]
    NotPrivateKey,
    /// The key ID is not 8 hexadecimal digits.
    #[error("密钥格式错误：密钥 ID {0:?} 不是 8 位十六进制")]
    BadKeyId(String),
    /// The key material is not valid base64.
    #[error("密钥格式错误：base64 解码失败")]
    BadBase64,
    /// The key ID does not match the name and public key.
    #[error("密钥 ID 校验失败：声明 {declared:08x}，计算 {computed:08x}")]
    KeyIdMismatch {
        /// Key ID written in the string.
        declared: u32,
        /// Key ID computed from the name and public key.
        computed: u32,
    },
    /// The signature type is neither Ed25519 nor SM2.
    #[error("密钥算法不支持：类型字节 {0}")]
    UnknownAlgorithm(String),
    /// The key bytes have the wrong length or are not a valid key.
    #[error("密钥内容无效：{0}")]
    InvalidKey(&'static str),
    /// Signing failed.
    #[error("签名失败：{0}")]
    SigningFailed(&'static str),
    /// The key file already exists.
    #[error("密钥文件已存在，拒绝覆盖：{0}")]
    FileExists(PathBuf),
    /// A key file could not be written or read.
    #[error("密钥文件读写失败：{path}：{message}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
}

/// A note signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigAlg {
    /// Ed25519 (RFC 8032), signed-note type `0x01`.
    Ed25519,
    /// SM2 with SM3 (GB/T 32918), signed-note type `0xff ‖ OID`.
    Sm2,
}

impl SigAlg {
    /// The signature type bytes that prefix the public key.
    pub fn type_bytes(self) -> &'static [u8] {
        match self {
            SigAlg::Ed25519 => ED25519_TYPE,
            SigAlg::Sm2 => SM2_TYPE,
        }
    }

    /// Lowercase name: `"ed25519"` or `"sm2"`.
    pub fn name(self) -> &'static str {
        match self {
            SigAlg::Ed25519 => "ed25519",
            SigAlg::Sm2 => "sm2",
        }
    }

    /// Splits `type ‖ key` into the algorithm and the key bytes.
    fn split(bytes: &[u8]) -> Result<(SigAlg, &[u8]), KeyError> {
        if let Some(rest) = bytes.strip_prefix(SM2_TYPE) {
            Ok((SigAlg::Sm2, rest))
        } else if let Some(rest) = bytes.strip_prefix(ED25519_TYPE) {
            Ok((SigAlg::Ed25519, rest))
        } else {
            let shown: String = bytes.iter().take(11).map(|b| format!("{b:02x}")).collect();
            Err(KeyError::UnknownAlgorithm(shown))
        }
    }
}

impl fmt::Display for SigAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SigAlg {
    type Err = KeyError;

    /// Accepts `"ed25519"` and `"sm2"`, ignoring ASCII case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("ed25519") {
            Ok(SigAlg::Ed25519)
        } else if s.eq_ignore_ascii_case("sm2") {
            Ok(SigAlg::Sm2)
        } else {
            Err(KeyError::UnknownAlgorithm(s.to_owned()))
        }
    }
}

/// Whether `name` is a valid signed-note key name.
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('+') && !name.chars().any(char::is_whitespace)
}

/// The key ID of `name` and `type ‖ public key`.
pub fn key_id(name: &str, type_and_public_key: &[u8]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update(type_and_public_key);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

fn check_name(name: &str) -> Result<(), KeyError> {
    if is_valid_key_name(name) { Ok(()) } else { Err(KeyError::BadName(name.to_owned())) }
}

/// Splits `name+hex8+base64` (the base64 part may itself contain `+`).
fn split_key(text: &str) -> Result<(&str, u32, Vec<u8>), KeyError> {
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(id_hex), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(KeyError::BadFormat);
    };
    check_name(name)?;
    if id_hex.len() != 8 || !id_hex.bytes().all(|c| c.is_ascii_hexdigit()) {
        return Err(KeyError::BadKeyId(id_hex.to_owned()));
    }
    let id = u32::from_str_radix(id_hex, 16).map_err(|_| KeyError::BadKeyId(id_hex.to_owned()))?;
    let raw = B64.decode(b64).map_err(|_| KeyError::BadBase64)?;
    if raw.is_empty() {
        return Err(KeyError::BadBase64);
    }
    Ok((name, id, raw))
}

fn ed25519_public(bytes: &[u8]) -> Result<EdVerifyingKey, KeyError> {
    let arr: [u8; 32] = bytes.try_into().map_err(|_| KeyError::InvalidKey("Ed25519 公钥必须为 32 字节"))?;
    let vk = EdVerifyingKey::from_bytes(&arr).map_err(|_| KeyError::InvalidKey("Ed25519 公钥不是曲线上的点"))?;
    if vk.is_weak() {
        return Err(KeyError::InvalidKey("Ed25519 公钥为小阶点"));
    }
    if vk.to_edwards().compress().to_bytes() != arr {
        return Err(KeyError::InvalidKey("Ed25519 公钥编码不规范"));
    }
    Ok(vk)
}

fn sm2_public(bytes: &[u8]) -> Result<sm2::dsa::VerifyingKey, KeyError> {
    if bytes.len() != 65 || bytes.first() != Some(&0x04) {
        return Err(KeyError::InvalidKey("SM2 公钥必须为 65 字节非压缩点"));
    }
    sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DEFAULT_DISTID, bytes)
        .map_err(|_| KeyError::InvalidKey("SM2 公钥不是曲线上的点"))
}

fn sm2_public_bytes(vk: &sm2::dsa::VerifyingKey) -> Vec<u8> {
    vk.to_sec1_point(false).as_bytes().to_vec()
}

#[derive(Clone)]
enum SignerInner {
    Ed25519(Box<EdSigningKey>),
    Sm2(Box<sm2::dsa::SigningKey>),
}

/// A private key that signs notes.
///
/// `Debug` does not print the secret. [`SignerKey::to_private_key`] does:
/// store its output only with [`write_key_file`].
#[derive(Clone)]
pub struct SignerKey {
    name: String,
    key_id: u32,
    inner: SignerInner,
}

impl SignerKey {
    /// Generates a new key named `name`, drawing randomness from `rng`.
    pub fn generate<R: CryptoRng + ?Sized>(alg: SigAlg, name: &str, rng: &mut R) -> Result<Self, KeyError> {
        check_name(name)?;
        let inner = match alg {
            SigAlg::Ed25519 => {
                let mut seed = [0u8; 32];
                rng.fill_bytes(&mut seed);
                SignerInner::Ed25519(Box::new(EdSigningKey::from_bytes(&seed)))
            }
            SigAlg::Sm2 => {
                let secret = sm2::SecretKey::generate_from_rng(rng);
                let sk = sm2::dsa::SigningKey::new(SM2_DEFAULT_DISTID, &secret)
                    .map_err(|_| KeyError::InvalidKey("SM2 私钥无效"))?;
                SignerInner::Sm2(Box::new(sk))
            }
        };
        Ok(Self::assemble(name, inner))
    }

    fn assemble(name: &str, inner: SignerInner) -> Self {
        let mut key = SignerKey { name: name.to_owned(), key_id: 0, inner };
        key.key_id = key_id(name, &key.verifier_bytes());
        key
    }

    fn verifier_bytes(&self) -> Vec<u8> {
        let mut out = self.alg().type_bytes().to_vec();
        match &self.inner {
            SignerInner::Ed25519(sk) => out.extend_from_slice(sk.verifying_key().as_bytes()),
            SignerInner::Sm2(sk) => out.extend_from_slice(&sm2_public_bytes(sk.verifying_key())),
        }
        out
    }

    /// Parses `PRIVATE+KEY+name+keyid+base64(type ‖ secret)`.
    pub fn from_private_key(text: &str) -> Result<Self, KeyError> {
        let rest = text.strip_prefix(PRIVATE_PREFIX).ok_or(KeyError::NotPrivateKey)?;
        let (name, declared, raw) = split_key(rest)?;
        let (alg, secret) = SigAlg::split(&raw)?;
        let inner = match alg {
            SigAlg::Ed25519 => {
                let seed: [u8; 32] =
                    secret.try_into().map_err(|_| KeyError::InvalidKey("Ed25519 私钥必须为 32 字节"))?;
                SignerInner::Ed25519(Box::new(EdSigningKey::from_bytes(&seed)))
            }
            SigAlg::Sm2 => {
                if secret.len() != 32 {
                    return Err(KeyError::InvalidKey("SM2 私钥必须为 32 字节"));
                }
                let sk = sm2::dsa::SigningKey::from_slice(SM2_DEFAULT_DISTID, secret)
                    .map_err(|_| KeyError::InvalidKey("SM2 私钥不在 [1, n-1] 范围内"))?;
                SignerInner::Sm2(Box::new(sk))
            }
        };
        let key = Self::assemble(name, inner);
        if key.key_id != declared {
            return Err(KeyError::KeyIdMismatch { declared, computed: key.key_id });
        }
        Ok(key)
    }

    /// The private key string `PRIVATE+KEY+name+keyid+base64(type ‖ secret)`.
    pub fn to_private_key(&self) -> String {
        let mut raw = self.alg().type_bytes().to_vec();
        match &self.inner {
            SignerInner::Ed25519(sk) => raw.extend_from_slice(sk.as_bytes()),
            SignerInner::Sm2(sk) => raw.extend_from_slice(&sk.to_bytes()),
        }
        format!("{PRIVATE_PREFIX}{}+{:08x}+{}", self.name, self.key_id, B64.encode(raw))
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The signature algorithm.
    pub fn alg(&self) -> SigAlg {
        match self.inner {
            SignerInner::Ed25519(_) => SigAlg::Ed25519,
            SignerInner::Sm2(_) => SigAlg::Sm2,
        }
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> VerifierKey {
        let inner = match &self.inner {
            SignerInner::Ed25519(sk) => VerifierInner::Ed25519(sk.verifying_key()),
            SignerInner::Sm2(sk) => VerifierInner::Sm2(Box::new(sk.verifying_key().clone())),
        };
        VerifierKey { name: self.name.clone(), key_id: self.key_id, encoded: self.verifier_bytes(), inner }
    }

    /// Signs `message`, returning the raw signature (64 bytes for both).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        match &self.inner {
            SignerInner::Ed25519(sk) => Ok(sk.sign(message).to_bytes().to_vec()),
            SignerInner::Sm2(sk) => {
                let sig: sm2::dsa::Signature =
                    sk.try_sign(message).map_err(|_| KeyError::SigningFailed("SM2 签名计算失败"))?;
                Ok(sig.to_bytes().to_vec())
            }
        }
    }
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignerKey")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .field("alg", &self.alg())
            .finish_non_exhaustive()
    }
}

impl FromStr for SignerKey {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SignerKey::from_private_key(s)
    }
}

#[derive(Clone, Debug)]
enum VerifierInner {
    Ed25519(EdVerifyingKey),
    Sm2(Box<sm2::dsa::VerifyingKey>),
}

/// A public key that verifies note signatures.
#[derive(Clone, Debug)]
pub struct VerifierKey {
    name: String,
    key_id: u32,
    /// `type ‖ public key`.
    encoded: Vec<u8>,
    inner: VerifierInner,
}

impl VerifierKey {
    /// Parses `name+keyid+base64(type ‖ public key)`.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let (name, declared, raw) = split_key(text)?;
        let (alg, public) = SigAlg::split(&raw)?;
        let inner = match alg {
            SigAlg::Ed25519 => VerifierInner::Ed25519(ed25519_public(public)?),
            SigAlg::Sm2 => VerifierInner::Sm2(Box::new(sm2_public(public)?)),
        };
        let computed = key_id(name, &raw);
        if computed != declared {
            return Err(KeyError::KeyIdMismatch { declared, computed });
        }
        Ok(VerifierKey { name: name.to_owned(), key_id: computed, encoded: raw, inner })
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The signature algorithm.
    pub fn alg(&self) -> SigAlg {
        match self.inner {
            VerifierInner::Ed25519(_) => SigAlg::Ed25519,
            VerifierInner::Sm2(_) => SigAlg::Sm2,
        }
    }

    /// `type ‖ public key`, as encoded in the verifier key string.
    pub fn encoded_key(&self) -> &[u8] {
        &self.encoded
    }

    /// Checks a raw signature (without the key ID) over `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match &self.inner {
            VerifierInner::Ed25519(vk) => {
                let Ok(bytes) = <[u8; 64]>::try_from(signature) else {
                    return false;
                };
                let sig = ed25519_dalek::Signature::from_bytes(&bytes);
                vk.verify_strict(message, &sig).is_ok()
            }
            VerifierInner::Sm2(vk) => {
                let Ok(sig) = sm2::dsa::Signature::from_slice(signature) else {
                    return false;
                };
                vk.verify(message, &sig).is_ok()
            }
        }
    }
}

impl fmt::Display for VerifierKey {
    /// Formats as `name+keyid+base64(type ‖ public key)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}+{:08x}+{}", self.name, self.key_id, B64.encode(&self.encoded))
    }
}

impl FromStr for VerifierKey {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VerifierKey::parse(s)
    }
}

impl PartialEq for VerifierKey {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.encoded == other.encoded
    }
}

impl Eq for VerifierKey {}

/// Creates `path` with permissions 0600 (on Unix) and writes `contents`
/// followed by a newline. Refuses to overwrite an existing file.
pub fn write_key_file(path: impl AsRef<Path>, contents: &str) -> Result<(), KeyError> {
    let path = path.as_ref();
    let io = |e: std::io::Error| KeyError::Io { path: path.to_path_buf(), message: e.to_string() };
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut file = opts.open(path).map_err(|e| {
        if e.kind() == ErrorKind::AlreadyExists { KeyError::FileExists(path.to_path_buf()) } else { io(e) }
    })?;
    file.write_all(contents.as_bytes()).map_err(io)?;
    file.write_all(b"\n").map_err(io)?;
    file.sync_all().map_err(io)
}

/// Reads a key file written by [`write_key_file`], without the final newline.
pub fn read_key_file(path: impl AsRef<Path>) -> Result<String, KeyError> {
    let path = path.as_ref();
    let text =
        std::fs::read_to_string(path).map_err(|e| KeyError::Io { path: path.to_path_buf(), message: e.to_string() })?;
    let trimmed = text.strip_suffix('\n').unwrap_or(&text);
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    Ok(trimmed.to_owned())
}
