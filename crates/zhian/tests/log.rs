//! `zhian log …` and `zhian verify` as auditors' scripts use them: the real binary, its output and exit status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use zhian_ledger::bundle::Bundle;
use zhian_ledger::checkpoint::Checkpoint;
use zhian_ledger::hash::HashAlg;
use zhian_ledger::keys::{SigAlg, SignerKey};
use zhian_ledger::memlog::MemLog;
use zhian_ledger::record::Record;

/// The RFC 6962 test leaves, one per line in hex.
const LEAVES: &str = "\n00\n10\n2021\n3031\n40414243\n5051525354555657\n606162636465666768696a6b6c6d6e6f\n";
const RFC6962_ROOT: &str = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";

fn zhian(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhian")).args(args).output().expect("run zhian")
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("zhian-log-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn assert_status(o: &Output, code: i32, needle: &str) {
    assert_eq!(o.status.code(), Some(code), "stdout {} stderr {}", out(o), err(o));
    if code != 0 {
        assert_eq!(err(o).lines().count(), 1, "one line: {}", err(o));
        assert!(err(o).contains(needle), "{:?} should name {needle:?}", err(o));
        assert!(!err(o).contains("panicked"));
    }
}

#[test]
fn the_root_of_the_rfc_6962_leaves_matches_the_reference() {
    let d = dir("root");
    let file = write(&d, "leaves.txt", LEAVES);
    let o = zhian(&["log", "root", "--hash", "sha256", &file]);
    assert_status(&o, 0, "");
    assert_eq!(out(&o).trim(), RFC6962_ROOT);
    let empty = write(&d, "empty.txt", "");
    assert_eq!(
        out(&zhian(&["log", "root", "--hash", "sha256", &empty])).trim(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let sm3 = zhian(&["log", "root", &file]);
    assert_ne!(out(&sm3).trim(), RFC6962_ROOT, "SM3 by default");
}

#[test]
fn inclusion_and_consistency_proofs_round_trip_and_tampering_fails() {
    let d = dir("proofs");
    let file = write(&d, "leaves.txt", LEAVES);
    let o = zhian(&["log", "prove-inclusion", "--hash", "sha256", &file, "--index", "3", "--size", "7"]);
    assert_status(&o, 0, "");
    let proof: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!((proof["index"].as_u64(), proof["size"].as_u64()), (Some(3), Some(7)));
    let proof_file = write(&d, "inc.json", &out(&o));
    assert_status(
        &zhian(&["log", "verify-inclusion", "--hash", "sha256", "--leaf", "2021", "--proof", &proof_file]),
        0,
        "",
    );
    assert_status(
        &zhian(&["log", "verify-inclusion", "--hash", "sha256", "--leaf", "2022", "--proof", &proof_file]),
        1,
        "根哈希不一致",
    );
    assert_status(&zhian(&["log", "verify-inclusion", "--leaf", "2021", "--proof", &proof_file]), 1, "校验失败");
    let mut truncated = proof.clone();
    truncated["proof"].as_array_mut().unwrap().pop();
    let t = write(&d, "trunc.json", &truncated.to_string());
    assert_status(&zhian(&["log", "verify-inclusion", "--hash", "sha256", "--leaf", "2021", "--proof", &t]), 1, "截断");

    let o = zhian(&["log", "prove-consistency", "--hash", "sha256", &file, "--old", "3"]);
    assert_status(&o, 0, "");
    let c: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(
        (c["old_size"].as_u64(), c["new_size"].as_u64(), c["new_root"].as_str()),
        (Some(3), Some(8), Some(RFC6962_ROOT))
    );
    let cf = write(&d, "con.json", &out(&o));
    assert_status(&zhian(&["log", "verify-consistency", "--hash", "sha256", "--proof", &cf]), 0, "");
    let mut forged = c.clone();
    forged["old_root"] = serde_json::json!(RFC6962_ROOT);
    let ff = write(&d, "forged.json", &forged.to_string());
    assert_status(&zhian(&["log", "verify-consistency", "--hash", "sha256", "--proof", &ff]), 1, "一致性证明校验失败");
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let d = dir("bad");
    let file = write(&d, "leaves.txt", LEAVES);
    let bad_hex = write(&d, "bad.txt", "00\nzz\n");
    assert_status(&zhian(&["log", "root", "--hash", "md5", &file]), 2, "\"md5\"");
    assert_status(&zhian(&["log", "root", &bad_hex]), 2, "第 2 行");
    assert_status(&zhian(&["log", "root", "/nonexistent/leaves"]), 2, "/nonexistent/leaves");
    assert_status(&zhian(&["log", "prove-inclusion", &file, "--index", "8"]), 2, "--index");
    assert_status(&zhian(&["log", "prove-inclusion", &file, "--index", "1", "--size", "9"]), 2, "--size");
    assert_status(&zhian(&["log", "prove-inclusion", &file, "--index", "x"]), 2, "'x'");
    assert_status(&zhian(&["log", "prove-consistency", &file, "--old", "0"]), 2, "--old");
    let not_json = write(&d, "p.json", "{\"index\": ");
    assert_status(&zhian(&["log", "verify-inclusion", "--leaf", "00", "--proof", &not_json]), 2, "JSON");
    let good = write(&d, "inc.json", &out(&zhian(&["log", "prove-inclusion", &file, "--index", "1"])));
    assert_status(&zhian(&["log", "verify-inclusion", "--leaf", "0g", "--proof", &good]), 2, "--leaf");
    assert_status(&zhian(&["log", "checkpoint", "--key", "/nonexistent/key", &file]), 2, "/nonexistent/key");
    assert_status(
        &zhian(&["log", "keygen", "--alg", "rsa", "--origin", "x", "--out", d.to_str().unwrap()]),
        2,
        "\"rsa\"",
    );
    assert_status(&zhian(&["log", "verify-checkpoint", "--vkey", "not-a-key", &file]), 2, "--vkey");
    assert_status(&zhian(&["verify", &not_json]), 2, "证明包");
}

#[test]
fn signed_checkpoints_verify_with_their_key_only_for_both_algorithms() {
    for alg in ["ed25519", "sm2"] {
        let d = dir(&format!("cp-{alg}"));
        let file = write(&d, "leaves.txt", LEAVES);
        let keys = d.join("keys");
        let o =
            zhian(&["log", "keygen", "--alg", alg, "--origin", "zhian.example/log", "--out", keys.to_str().unwrap()]);
        assert_status(&o, 0, "");
        let vkey = out(&o).trim().to_owned();
        assert!(vkey.starts_with("zhian.example/log+"), "{vkey}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(keys.join("signing.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "the signing key is readable by its owner only");
        }
        let again =
            zhian(&["log", "keygen", "--alg", alg, "--origin", "zhian.example/log", "--out", keys.to_str().unwrap()]);
        assert_status(&again, 2, "拒绝覆盖");
        let o = zhian(&[
            "log",
            "checkpoint",
            "--key",
            keys.join("signing.key").to_str().unwrap(),
            "--hash",
            "sha256",
            &file,
        ]);
        assert_status(&o, 0, "");
        let note = out(&o);
        assert!(note.starts_with("zhian.example/log\n8\n"), "{note}");
        let note_file = write(&d, "cp.note", &note);
        assert_status(&zhian(&["log", "verify-checkpoint", "--vkey", &vkey, &note_file]), 0, "");
        assert_status(
            &zhian(&["log", "verify-checkpoint", "--vkey", keys.join("verifier.key").to_str().unwrap(), &note_file]),
            0,
            "",
        );
        let edited = write(&d, "edited.note", &note.replacen("\n8\n", "\n9\n", 1));
        assert_status(&zhian(&["log", "verify-checkpoint", "--vkey", &vkey, &edited]), 1, "签名");
        let other = d.join("other");
        let o =
            zhian(&["log", "keygen", "--alg", alg, "--origin", "zhian.example/log", "--out", other.to_str().unwrap()]);
        let other_key = out(&o).trim().to_owned();
        assert_status(&zhian(&["log", "verify-checkpoint", "--vkey", &other_key, &note_file]), 1, "检查点校验失败");
        let bad_line = write(&d, "badline.note", &note.replace("— ", "- "));
        assert_status(&zhian(&["log", "verify-checkpoint", "--vkey", &vkey, &bad_line]), 1, "检查点校验失败");
    }
}

fn bundle() -> Bundle {
    use rand_chacha::rand_core::SeedableRng;
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
    let key = SignerKey::generate(SigAlg::Sm2, "zhian.example/log", &mut rng).unwrap();
    let record = Record {
        author: "王芳".into(),
        content_hash: "ab".repeat(32),
        period: "2026-02-03".into(),
        submitted_at: "2026-02-03T10:00:00Z".into(),
        tier: "daily".into(),
        unit: "92440305MA5G7K3L2A".into(),
    };
    let json = record.canonical_json().unwrap();
    let mut log = MemLog::new(HashAlg::Sm3);
    log.append(b"earlier record");
    let index = log.append(json.as_bytes());
    log.append(b"later record");
    let note = Checkpoint::new(key.name(), log.size(), log.root()).sign(&[&key]).unwrap();
    let proof = log.inclusion_proof(index, log.size()).unwrap();
    Bundle::new(HashAlg::Sm3, json, index, &proof, note, &key.verifier())
}

#[test]
fn a_proof_bundle_verifies_offline_and_any_change_is_named() {
    let d = dir("bundle");
    let b = bundle();
    let good = write(&d, "good.json", &b.to_json());
    let o = zhian(&["verify", &good]);
    assert_status(&o, 0, "");
    assert!(out(&o).contains("证明包有效") && out(&o).contains("92440305MA5G7K3L2A"), "{}", out(&o));
    let mut record = b.clone();
    record.record = record.record.replace("王芳", "李强");
    assert_status(&zhian(&["verify", &write(&d, "r.json", &record.to_json())]), 1, "包含证明校验失败");
    let mut proof = b.clone();
    proof.inclusion_proof[0] = "00".repeat(32);
    assert_status(&zhian(&["verify", &write(&d, "p.json", &proof.to_json())]), 1, "包含证明校验失败");
    let mut note = b.clone();
    note.checkpoint = note.checkpoint.replacen("\n3\n", "\n4\n", 1);
    assert_status(&zhian(&["verify", &write(&d, "n.json", &note.to_json())]), 1, "签名");
}
