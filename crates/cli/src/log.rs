//! `zhian log …` and `zhian verify`: the transparency log for auditors and scripts.
//!
//! Exit 0 success; 1 verification failed, naming the failing check; 2 bad input (malformed hex or JSON, an
//! out-of-range index or size, an unknown algorithm, an unreadable key).

use std::convert::Infallible;
use std::io::Write;
use std::path::Path;

use rand_core::{TryCryptoRng, TryRng};
use zhian_domain::entropy::Entropy;
use zhian_ledger::bundle::{Bundle, verify_bundle};
use zhian_ledger::checkpoint::Checkpoint;
use zhian_ledger::cli::{ConsistencyProofJson, InclusionProofJson, JsonProofError, parse_leaf_file};
use zhian_ledger::hash::HashAlg;
use zhian_ledger::keys::{SigAlg, SignerKey, VerifierKey, read_key_file, write_key_file};
use zhian_ledger::memlog::MemLog;

use crate::args::{
    CheckpointArgs, KeygenArgs, LogCommand, ProveConsistencyArgs, ProveInclusionArgs, RootArgs, VerifyBundleArgs,
    VerifyCheckpointArgs, VerifyConsistencyArgs, VerifyInclusionArgs,
};
use crate::error::{CmdResult, Failure, io_failure};
use crate::serve::Env;

/// Our randomness as the `rand_core` generator the key generators take.
pub(crate) struct EntropyRng<'a>(pub(crate) &'a dyn Entropy);

impl TryRng for EntropyRng<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.0.fill(&mut b);
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.0.fill(&mut b);
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.0.fill(dst);
        Ok(())
    }
}

impl TryCryptoRng for EntropyRng<'_> {}

pub fn run(command: &LogCommand, env: &Env, out: &mut dyn Write) -> CmdResult {
    match command {
        LogCommand::Keygen(a) => keygen(a, env, out),
        LogCommand::Root(a) => root(a, out),
        LogCommand::ProveInclusion(a) => prove_inclusion(a, out),
        LogCommand::ProveConsistency(a) => prove_consistency(a, out),
        LogCommand::VerifyInclusion(a) => verify_inclusion(a, out),
        LogCommand::VerifyConsistency(a) => verify_consistency(a, out),
        LogCommand::Checkpoint(a) => checkpoint(a, out),
        LogCommand::VerifyCheckpoint(a) => verify_checkpoint(a, out),
    }
}

fn print(out: &mut dyn Write, text: &str) -> CmdResult {
    writeln!(out, "{text}").map_err(io_failure)?;
    Ok(0)
}

fn hash_alg(value: &str) -> Result<HashAlg, Failure> {
    value.parse().map_err(|_| Failure::bad_value("--hash", value, "应为 sm3 或 sha256"))
}

fn read(path: &Path, what: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::BadInput(format!("无法读取{what} \"{}\"：{e}", path.display())))
}

/// The tree of a leaf file: one leaf per line, in hex.
fn tree(alg: HashAlg, file: &Path) -> Result<MemLog, Failure> {
    let text = read(file, "叶子文件")?;
    let leaves = parse_leaf_file(&text)
        .map_err(|e| Failure::BadInput(format!("叶子文件 \"{}\" 第 {} 行：{}", file.display(), e.line, e.source)))?;
    Ok(MemLog::from_leaves(alg, leaves))
}

fn size_arg(arg: &str, value: Option<u64>, leaves: u64) -> Result<u64, Failure> {
    match value {
        None => Ok(leaves),
        Some(n) if n <= leaves => Ok(n),
        Some(n) => Err(Failure::bad_value(arg, &n.to_string(), format!("超出文件中的叶子数 {leaves}"))),
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|e| Failure::BadInput(e.to_string()))
}

fn keygen(a: &KeygenArgs, env: &Env, out: &mut dyn Write) -> CmdResult {
    let alg: SigAlg = a.alg.parse().map_err(|_| Failure::bad_value("--alg", &a.alg, "应为 ed25519 或 sm2"))?;
    let key = SignerKey::generate(alg, &a.origin, &mut EntropyRng(env.entropy.as_ref()))
        .map_err(|e| Failure::bad_value("--origin", &a.origin, e))?;
    std::fs::create_dir_all(&a.out)
        .map_err(|e| Failure::BadInput(format!("无法创建目录 \"{}\"：{e}", a.out.display())))?;
    let signing = a.out.join("signing.key");
    let verifier = key.verifier().to_string();
    write_key_file(&signing, &key.to_private_key()).map_err(|e| Failure::BadInput(format!("{e}")))?;
    std::fs::write(a.out.join("verifier.key"), format!("{verifier}\n"))
        .map_err(|e| Failure::BadInput(format!("无法写入验证公钥：{e}")))?;
    print(out, &verifier)
}

fn root(a: &RootArgs, out: &mut dyn Write) -> CmdResult {
    let log = tree(hash_alg(&a.hash)?, &a.file)?;
    print(out, &log.root().to_hex())
}

fn prove_inclusion(a: &ProveInclusionArgs, out: &mut dyn Write) -> CmdResult {
    let log = tree(hash_alg(&a.hash)?, &a.file)?;
    let size = size_arg("--size", a.size, log.size())?;
    if a.index >= size {
        return Err(Failure::bad_value("--index", &a.index.to_string(), format!("须小于树的大小 {size}")));
    }
    let proof = InclusionProofJson::from_log(&log, a.index, size).map_err(|e| Failure::BadInput(e.to_string()))?;
    print(out, &json(&proof)?)
}

fn prove_consistency(a: &ProveConsistencyArgs, out: &mut dyn Write) -> CmdResult {
    let log = tree(hash_alg(&a.hash)?, &a.file)?;
    let new = size_arg("--new", a.new, log.size())?;
    if a.old == 0 || a.old > new {
        return Err(Failure::bad_value("--old", &a.old.to_string(), format!("须在 1 到 {new} 之间")));
    }
    let proof = ConsistencyProofJson::from_log(&log, a.old, new).map_err(|e| Failure::BadInput(e.to_string()))?;
    print(out, &json(&proof)?)
}

fn verify_inclusion(a: &VerifyInclusionArgs, out: &mut dyn Write) -> CmdResult {
    let alg = hash_alg(&a.hash)?;
    let proof =
        InclusionProofJson::from_json(&read(&a.proof, "证明文件")?).map_err(|e| Failure::BadInput(e.to_string()))?;
    match proof.verify_leaf_hex(alg, &a.leaf) {
        Ok(()) => {
            print(out, &format!("包含证明有效：叶子 {} 在大小为 {} 的树中，根 {}", proof.index, proof.size, proof.root))
        }
        Err(JsonProofError::Proof(e)) => Err(Failure::Failed(e.to_string())),
        Err(e) => Err(Failure::bad_value("--leaf", &a.leaf, e)),
    }
}

fn verify_consistency(a: &VerifyConsistencyArgs, out: &mut dyn Write) -> CmdResult {
    let alg = hash_alg(&a.hash)?;
    let proof =
        ConsistencyProofJson::from_json(&read(&a.proof, "证明文件")?).map_err(|e| Failure::BadInput(e.to_string()))?;
    match proof.verify(alg) {
        Ok(()) => {
            print(out, &format!("一致性证明有效：大小 {} 的树是大小 {} 的树的前缀", proof.old_size, proof.new_size))
        }
        Err(e) => Err(Failure::Failed(e.to_string())),
    }
}

fn checkpoint(a: &CheckpointArgs, out: &mut dyn Write) -> CmdResult {
    let alg = hash_alg(&a.hash)?;
    let text = read_key_file(&a.key)
        .map_err(|e| Failure::BadInput(format!("无法读取签名私钥 \"{}\"：{e}", a.key.display())))?;
    let key = SignerKey::from_private_key(&text)
        .map_err(|e| Failure::BadInput(format!("签名私钥 \"{}\" 无效：{e}", a.key.display())))?;
    let log = tree(alg, &a.file)?;
    let note = Checkpoint::new(key.name(), log.size(), log.root())
        .sign(&[&key])
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    out.write_all(note.as_bytes()).map_err(io_failure)?;
    Ok(0)
}

/// A verifier key given as the key string itself or as a file holding it.
fn verifier_key(value: &str) -> Result<VerifierKey, Failure> {
    VerifierKey::parse(value.trim()).or_else(|_| {
        let text = std::fs::read_to_string(value)
            .map_err(|_| Failure::bad_value("--vkey", value, "既不是验证公钥，也不是可读取的公钥文件"))?;
        VerifierKey::parse(text.trim()).map_err(|e| Failure::bad_value("--vkey", value, e))
    })
}

fn verify_checkpoint(a: &VerifyCheckpointArgs, out: &mut dyn Write) -> CmdResult {
    let key = verifier_key(&a.vkey)?;
    let note = read(&a.note, "检查点文件")?;
    match Checkpoint::open(&note, &[key]) {
        Ok((cp, verified)) => {
            let signers: Vec<String> = verified.verified.iter().map(|s| s.name.clone()).collect();
            print(
                out,
                &format!(
                    "检查点签名有效：{}，树大小 {}，根 {}（签名者：{}）",
                    cp.origin,
                    cp.size,
                    cp.root,
                    signers.join("、")
                ),
            )
        }
        Err(e) => Err(Failure::Failed(format!("检查点校验失败：{e}"))),
    }
}

/// `zhian verify BUNDLE`.
pub fn verify(a: &VerifyBundleArgs, out: &mut dyn Write) -> CmdResult {
    let bytes = std::fs::read(&a.bundle)
        .map_err(|e| Failure::BadInput(format!("无法读取证明包 \"{}\"：{e}", a.bundle.display())))?;
    if bytes.starts_with(b"PK\x03\x04") {
        return crate::export::verify_archive(&a.bundle, &bytes, out);
    }
    let text = read(&a.bundle, "证明包")?;
    let bundle = Bundle::from_json(&text)
        .map_err(|e| Failure::BadInput(format!("证明包 \"{}\" 无法解析：{e}", a.bundle.display())))?;
    match verify_bundle(&bundle) {
        Ok(r) => print(
            out,
            &format!(
                "证明包有效：记录（单位 {}，{} {}，提交于 {}）是日志 {} 第 {} 号叶子，包含于大小 {} 的树中，根 {}；检查点由 {}（{}）签名",
                r.record.unit,
                r.record.tier,
                r.record.period,
                r.record.submitted_at,
                r.checkpoint.origin,
                r.leaf_index,
                r.checkpoint.size,
                r.checkpoint.root,
                r.key_name,
                r.sig_alg
            ),
        ),
        Err(e) => Err(Failure::Failed(format!("证明包校验失败：{e}"))),
    }
}
