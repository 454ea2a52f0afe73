//! Signed notes and keys: Go `sumdb/note` interoperability vectors, round
//! trips for Ed25519 and SM2, and rejection of malformed or forged notes.

use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use zhian_ledger::keys::{SM2_TYPE, key_id};
use zhian_ledger::note::{NoteError, parse_note};
use zhian_ledger::{
    Checkpoint, HashAlg, KeyError, SigAlg, SignerKey, VerifierKey, open_note, read_key_file, sign_note, write_key_file,
};

const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY: &str = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n";
const PETER_SIG: &str =
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str =
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(20260202)
}

#[test]
fn go_verifier_accepts_and_key_round_trips() {
    let v = VerifierKey::parse(PETER_VKEY).unwrap();
    assert_eq!(v.name(), "PeterNeumann");
    assert_eq!(v.key_id(), 0xc74f20a3);
    assert_eq!(v.alg(), SigAlg::Ed25519);
    assert_eq!(v.to_string(), PETER_VKEY);
    let note = format!("{TEXT}\n{PETER_SIG}");
    let opened = open_note(&note, &[v]).unwrap();
    assert_eq!(opened.text, TEXT);
    assert_eq!(opened.verified.len(), 1);
}

#[test]
fn go_signer_reproduces_go_note_byte_for_byte() {
    let s = SignerKey::from_private_key(PETER_SKEY).unwrap();
    assert_eq!(s.to_private_key(), PETER_SKEY);
    assert_eq!(s.verifier().to_string(), PETER_VKEY);
    let note = sign_note(TEXT, &[&s]).unwrap();
    assert_eq!(note, format!("{TEXT}\n{PETER_SIG}"));
}

#[test]
fn go_open_semantics() {
    let peter = VerifierKey::parse(PETER_VKEY).unwrap();
    let enoch = VerifierKey::parse(ENOCH_VKEY).unwrap();
    let both = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");
    let n = open_note(&both, std::slice::from_ref(&peter)).unwrap();
    assert_eq!((n.verified.len(), n.unverified.len()), (1, 1));
    let n = open_note(&both, &[peter.clone(), enoch.clone()]).unwrap();
    assert_eq!((n.verified.len(), n.unverified.len()), (2, 0));
    assert_eq!(open_note(&both, &[]), Err(NoteError::NoKnownSignature));
    assert!(matches!(
        open_note(&format!("{TEXT}\n{ENOCH_SIG}"), &[enoch.clone(), peter.clone(), enoch.clone()]),
        Err(NoteError::AmbiguousKey { .. })
    ));
    assert_eq!(
        open_note(&format!("{TEXT}\n{}", PETER_SIG.repeat(101)), std::slice::from_ref(&peter)),
        Err(NoteError::TooManySignatures)
    );
    let forged = format!("{TEXT}\n{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
    assert!(matches!(open_note(&forged, std::slice::from_ref(&peter)), Err(NoteError::InvalidSignature { .. })));
    // Repeated verified signatures and forged unknown ones are tolerated.
    let enoch_bad = format!("{}ABCD{}", &ENOCH_SIG[..60], &ENOCH_SIG[60..]);
    let msg = format!("{TEXT}\n{PETER_SIG}{PETER_SIG}{ENOCH_SIG}{ENOCH_SIG}{enoch_bad}");
    let n = open_note(&msg, std::slice::from_ref(&peter)).unwrap();
    assert_eq!((n.verified.len(), n.unverified.len()), (1, 2));
}

#[test]
fn go_malformed_messages() {
    let peter = VerifierKey::parse(PETER_VKEY).unwrap();
    let bad = [
        TEXT.to_owned(),
        format!("{TEXT}\n"),
        format!("{TEXT}\n{}", &PETER_SIG[..PETER_SIG.len() - 1]),
        format!("\x01{TEXT}\n{PETER_SIG}"),
        format!(
            "{TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
        ),
        format!("{TEXT}\n{PETER_SIG}Unexpected line.\n"),
        format!(
            "{TEXT}\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        ),
        format!(
            "{TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n"
        ),
        format!("{TEXT}\n— PeterNeumann \n"),
        format!("{TEXT}\n— PeterNeumann AAAA\n"),
        format!(
            "{TEXT}\n— Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        ),
        format!(
            "{TEXT}\n—  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        ),
        format!("{TEXT}\n{PETER_SIG}\n"),
        String::new(),
        "\n\n".to_owned(),
    ];
    for msg in &bad {
        let err = open_note(msg, std::slice::from_ref(&peter));
        assert!(err.is_err(), "accepted {msg:?}");
        assert!(!matches!(err, Err(NoteError::InvalidSignature { .. })), "{msg:?}");
    }
    // Distinct errors name the failing check.
    assert_eq!(parse_note(TEXT), Err(NoteError::MissingSeparator));
    assert_eq!(
        parse_note(&format!("{TEXT}\n{}", &PETER_SIG[..PETER_SIG.len() - 1])),
        Err(NoteError::MissingFinalNewline)
    );
    assert_eq!(parse_note(&format!("{TEXT}\n— PeterNeumann !!!!\n")), Err(NoteError::BadBase64 { line: 1 }));
    assert_eq!(parse_note(&format!("{TEXT}\n— PeterNeumann AAAA\n")), Err(NoteError::SignatureTooShort { line: 1 }));
    assert_eq!(parse_note(&format!("{TEXT}\n{PETER_SIG}oops\n")), Err(NoteError::BadSignatureLine { line: 2 }));
    assert_eq!(parse_note(&format!("a\u{7}b\n\n{PETER_SIG}")), Err(NoteError::ControlCharacter { line: 1 }));
}

#[test]
fn verifier_key_manglings_rejected() {
    assert!(VerifierKey::parse(PETER_VKEY).is_ok());
    let b = PETER_VKEY.as_bytes();
    for i in 0..=b.len() {
        for j in i + 1..=b.len() {
            if i == 0 && j == b.len() {
                continue;
            }
            if let Ok(s) = std::str::from_utf8(&b[i..j]) {
                assert!(VerifierKey::parse(s).is_err(), "accepted {s:?}");
            }
        }
    }
    for i in 0..b.len() {
        let mut m = b.to_vec();
        m[i] = m[i].wrapping_add(1);
        if let Ok(s) = std::str::from_utf8(&m) {
            assert!(VerifierKey::parse(s).is_err(), "accepted {s:?}");
        }
    }
    // Wrong length key and unknown algorithm, each with an adjusted key ID.
    assert!(VerifierKey::parse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==").is_err());
    assert!(matches!(
        VerifierKey::parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Err(KeyError::UnknownAlgorithm(_))
    ));
    assert!(matches!(
        VerifierKey::parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Err(KeyError::KeyIdMismatch { .. })
    ));
}

#[test]
fn signer_key_manglings_rejected() {
    let b = PETER_SKEY.as_bytes();
    for i in 0..b.len() {
        let mut m = b.to_vec();
        m[i] = m[i].wrapping_add(1);
        if let Ok(s) = std::str::from_utf8(&m) {
            assert!(SignerKey::from_private_key(s).is_err(), "accepted {s:?}");
        }
    }
    assert_eq!(SignerKey::from_private_key(PETER_VKEY).unwrap_err(), KeyError::NotPrivateKey);
}

#[test]
fn round_trip_both_algorithms() {
    let mut rng = rng();
    for alg in [SigAlg::Ed25519, SigAlg::Sm2] {
        let name = format!("zhian.example/ledger-{alg}");
        let signer = SignerKey::generate(alg, &name, &mut rng).unwrap();
        let verifier = signer.verifier();
        assert_eq!(verifier.alg(), alg);
        assert_eq!(verifier.key_id(), key_id(&name, verifier.encoded_key()));
        // Key strings round trip.
        let vkey = verifier.to_string();
        assert_eq!(VerifierKey::parse(&vkey).unwrap(), verifier);
        let skey = signer.to_private_key();
        assert!(skey.starts_with(&format!("PRIVATE+KEY+{name}+{:08x}+", signer.key_id())));
        let again = SignerKey::from_private_key(&skey).unwrap();
        assert_eq!(again.verifier(), verifier);
        assert!(!format!("{signer:?}").contains(&skey[20..]));

        let body = "zhian.example/ledger\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
        let note = sign_note(body, &[&signer]).unwrap();
        let opened = open_note(&note, std::slice::from_ref(&verifier)).unwrap();
        assert_eq!(opened.text, body);

        // Another key, even with the same name, does not verify the note.
        let other = SignerKey::generate(alg, &name, &mut rng).unwrap();
        assert_eq!(open_note(&note, &[other.verifier()]), Err(NoteError::NoKnownSignature));
        // An edited body fails.
        let edited = note.replacen('3', "4", 1);
        assert!(matches!(open_note(&edited, std::slice::from_ref(&verifier)), Err(NoteError::InvalidSignature { .. })));
        // A flipped bit anywhere in the signature fails (one bit per byte,
        // cycling through the bit positions).
        let parsed = parse_note(&note).unwrap();
        let sig = &parsed.signatures[0];
        for bit in (0..sig.signature.len() * 8).step_by(9) {
            let mut s = sig.clone();
            s.signature[bit / 8] ^= 1 << (bit % 8);
            let forged = format!("{body}\n{}", s.to_line());
            assert!(open_note(&forged, std::slice::from_ref(&verifier)).is_err(), "{alg} bit {bit}");
        }
        // Both algorithms on one note.
        let ed = SignerKey::generate(SigAlg::Ed25519, "a.example/ed", &mut rng).unwrap();
        let both = sign_note(body, &[&signer, &ed]).unwrap();
        let n = open_note(&both, &[verifier.clone(), ed.verifier()]).unwrap();
        assert_eq!(n.verified.len(), 2);
    }
}

#[test]
fn sm2_key_encoding() {
    let mut rng = rng();
    let s = SignerKey::generate(SigAlg::Sm2, "sm2.example/log", &mut rng).unwrap();
    let v = s.verifier();
    let enc = v.encoded_key();
    assert_eq!(&enc[..SM2_TYPE.len()], SM2_TYPE);
    assert_eq!(enc.len(), SM2_TYPE.len() + 65);
    assert_eq!(enc[SM2_TYPE.len()], 0x04);
    let note = sign_note("hello\n", &[&s]).unwrap();
    let sig = &parse_note(&note).unwrap().signatures[0];
    assert_eq!(sig.signature.len(), 64);
    // Deterministic signing: the same key signs the same text identically.
    assert_eq!(sign_note("hello\n", &[&s]).unwrap(), note);
}

#[test]
fn bad_inputs_to_signing() {
    let mut rng = rng();
    assert!(matches!(SignerKey::generate(SigAlg::Ed25519, "bad name", &mut rng), Err(KeyError::BadName(_))));
    assert!(SignerKey::generate(SigAlg::Ed25519, "a+b", &mut rng).is_err());
    assert!(SignerKey::generate(SigAlg::Ed25519, "", &mut rng).is_err());
    let s = SignerKey::generate(SigAlg::Ed25519, "k", &mut rng).unwrap();
    assert_eq!(sign_note("no newline", &[&s]), Err(NoteError::BadText));
    assert_eq!(sign_note("", &[&s]), Err(NoteError::BadText));
    assert_eq!(sign_note("ok\n", &[]), Err(NoteError::NoSigner));
    assert!(sign_note("bell\u{7}\n", &[&s]).is_err());
    assert_eq!("SM2".parse::<SigAlg>().unwrap(), SigAlg::Sm2);
    assert!("rsa".parse::<SigAlg>().is_err());
}

#[test]
fn signed_checkpoint_round_trip() {
    let mut rng = rng();
    let s = SignerKey::generate(SigAlg::Sm2, "zhian.example/log", &mut rng).unwrap();
    let root = HashAlg::Sm3.leaf_hash(b"x");
    let mut cp = Checkpoint::new("zhian.example/log", 1, root);
    cp.extensions.push("ext line".to_owned());
    let note = cp.sign(&[&s]).unwrap();
    let (back, _) = Checkpoint::open(&note, &[s.verifier()]).unwrap();
    assert_eq!(back, cp);
}

#[test]
fn key_files() {
    let dir = std::env::temp_dir().join(format!("zhian-ledger-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("log.key");
    let _ = std::fs::remove_file(&path);
    write_key_file(&path, PETER_SKEY).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(read_key_file(&path).unwrap(), PETER_SKEY);
    assert!(matches!(write_key_file(&path, "other"), Err(KeyError::FileExists(_))));
    assert_eq!(read_key_file(&path).unwrap(), PETER_SKEY);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An SM2 key, message and signature produced by OpenSSL 3.0
/// (`openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt distid:1234567812345678`),
/// with the DER signature converted to `r ‖ s`.
const OSSL_PRIV: &str = "aac2c32c990bec342fdbbb6fc707cd5d799b55801cf10eac180e9e7851aa94e2";
const OSSL_PUB: &str = "044cde15440f634babd901fa41e0ade40c81ddf3ca0a6455b6c460d1641c4b60bff0685f58b9ccb134ea610a928c3f0ae250b50c9ec86cad334a840bfeced811f3";
const OSSL_MSG: &str = "zhian.example/ledger\n13\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
const OSSL_SIG: &str = "94553b82cadb623cfb4665ef476d93fa002561ff784ac90bae2ea8f52e4d258036ec34f358c96cc45ccecc856faf0e9164012826bbf7ecfc3062bca7aa781582";

#[test]
fn openssl_sm2_signature_verifies() {
    use base64::Engine as _;
    use zhian_ledger::hexfmt::decode_hex;
    let b64 = base64::engine::general_purpose::STANDARD;
    let name = "zhian.example/ledger";
    let mut encoded = SM2_TYPE.to_vec();
    encoded.extend(decode_hex(OSSL_PUB).unwrap());
    let id = key_id(name, &encoded);
    let vkey = format!("{name}+{id:08x}+{}", b64.encode(&encoded));
    let verifier = VerifierKey::parse(&vkey).unwrap();
    assert_eq!(verifier.alg(), SigAlg::Sm2);

    let mut sig = id.to_be_bytes().to_vec();
    sig.extend(decode_hex(OSSL_SIG).unwrap());
    let note = format!("{OSSL_MSG}\n— {name} {}\n", b64.encode(&sig));
    let opened = open_note(&note, std::slice::from_ref(&verifier)).unwrap();
    assert_eq!(opened.text, OSSL_MSG);
    assert!(open_note(&note.replacen("13", "14", 1), std::slice::from_ref(&verifier)).is_err());

    // The same key loaded from its private key string signs notes that the
    // verifier accepts.
    let mut secret = SM2_TYPE.to_vec();
    secret.extend(decode_hex(OSSL_PRIV).unwrap());
    let skey = format!("PRIVATE+KEY+{name}+{id:08x}+{}", b64.encode(&secret));
    let signer = SignerKey::from_private_key(&skey).unwrap();
    assert_eq!(signer.verifier(), verifier);
    let ours = sign_note(OSSL_MSG, &[&signer]).unwrap();
    assert!(open_note(&ours, &[verifier]).is_ok());
    // Signing is deterministic; this signature was checked with
    // `openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678`.
    assert_eq!(zhian_ledger::hexfmt::encode_hex(&signer.sign(OSSL_MSG.as_bytes()).unwrap()), OURS_SIG);
}

/// Our signature of [`OSSL_MSG`] with [`OSSL_PRIV`], accepted by OpenSSL 3.0.
const OURS_SIG: &str = "65b4e72b5ae8d30147d9786d14512226d285f30978909b6cfe01572e5605653b9e5c6402456284a2a49d402bca1f21c429ccc8eabe3bc7d77bb534e096ecba3a";
