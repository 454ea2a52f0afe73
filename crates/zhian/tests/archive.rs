//! The period archive end to end with the real binary: `zhian export` of a demo unit, `zhian verify` passing on it,
//! and failing — naming the file — on a flipped byte, a deleted file, an added file, a swapped bundle, an older
//! checkpoint and an edited manifest.

use crate::common;
use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::process::{Command, Output};

fn zhian(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhian")).args(args).output().expect("run zhian")
}

fn entries(zip_bytes: &[u8]) -> Files {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        out.insert(name, bytes);
    }
    out
}

/// An archive's files by path.
type Files = BTreeMap<String, Vec<u8>>;

fn rezip(files: &Files) -> Vec<u8> {
    let list: Vec<(String, Vec<u8>)> = files.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    zhian_docs::archive::write_zip(&list).unwrap()
}

/// Runs `zhian verify` on `bytes`: (exit code, everything it printed).
fn verify(dir: &std::path::Path, name: &str, bytes: &[u8]) -> (i32, String) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = zhian(&["verify", path.to_str().unwrap()]);
    (
        out.status.code().unwrap_or(-1),
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
    )
}

#[test]
fn an_exported_archive_verifies_and_every_kind_of_tampering_is_named() {
    let dir = common::data_dir("archive");
    drop(common::start(&dir, &["--demo"]));
    let data = dir.to_str().unwrap();
    let export = |out: &str| {
        let path = dir.join(out);
        let o = zhian(&[
            "export",
            "--data-dir",
            data,
            "--unit",
            "3",
            "--from",
            "2000-01-01",
            "--to",
            "2099-12-31",
            "--out",
            path.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stdout).contains("已导出"));
        assert!(String::from_utf8_lossy(&o.stderr).contains("导出 [###"), "a progress bar");
        std::fs::read(path).unwrap()
    };
    let older = export("first.zip");
    let archive = export("second.zip");

    let (code, printed) = verify(&dir, "intact.zip", &archive);
    assert_eq!(code, 0, "{printed}");
    assert!(printed.contains("归档完好"), "{printed}");
    let files = entries(&archive);
    let document = files
        .keys()
        .find(|p| p.starts_with("documents/每日检查记录/") && p.ends_with(".pdf"))
        .expect("a daily record")
        .clone();
    assert!(
        files.keys().any(|p| p.starts_with("documents/台账/") && p.ends_with(".xlsx")),
        "the lists as spreadsheets"
    );
    let bundles: Vec<String> = files.keys().filter(|p| p.starts_with("bundles/")).cloned().collect();
    assert!(bundles.len() >= 2, "{bundles:?}");

    let cases: Vec<(&str, Files, &str, &str)> = vec![
        (
            "flipped",
            {
                let mut f = files.clone();
                let b = f.get_mut(&document).unwrap();
                let n = b.len() / 2;
                b[n] ^= 1;
                f
            },
            document.as_str(),
            "被改动",
        ),
        (
            "deleted",
            {
                let mut f = files.clone();
                f.remove(&document);
                f
            },
            document.as_str(),
            "缺失",
        ),
        (
            "added",
            {
                let mut f = files.clone();
                f.insert("documents/补充说明.pdf".into(), b"%PDF-1.7".to_vec());
                f
            },
            "documents/补充说明.pdf",
            "多出的文件",
        ),
        (
            "swapped",
            {
                let mut f = files.clone();
                let other = f[&bundles[1]].clone();
                f.insert(bundles[0].clone(), other);
                f
            },
            bundles[0].as_str(),
            "证明包被调换",
        ),
        (
            "older",
            {
                let mut f = files.clone();
                f.insert("checkpoint.txt".into(), entries(&older)["checkpoint.txt"].clone());
                f
            },
            "checkpoint.txt",
            "不是归档时的检查点",
        ),
        (
            "manifest",
            {
                // Flip a byte in a document and write its new digest into the manifest: the logged anchor still says
                // what the manifest was.
                let mut f = files.clone();
                let b = f.get_mut(&document).unwrap();
                let n = b.len() / 2;
                b[n] ^= 1;
                let digest = zhian_docs::archive::sha256_hex(&f[&document]);
                let mut m: zhian_docs::archive::Manifest = serde_json::from_slice(&f["manifest.json"]).unwrap();
                m.files.iter_mut().find(|x| x.path == document).unwrap().sha256 = digest;
                f.insert("manifest.json".into(), serde_json::to_vec_pretty(&m).unwrap());
                f
            },
            "manifest.json",
            "被改动",
        ),
    ];
    for (name, tampered, path, problem) in cases {
        let (code, printed) = verify(&dir, &format!("{name}.zip"), &rezip(&tampered));
        assert_ne!(code, 0, "{name}: {printed}");
        assert!(
            printed.contains(&format!("{path}：")) && printed.contains(problem),
            "{name} should name {path} ({problem}):\n{printed}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
