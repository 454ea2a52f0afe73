//! `zhian draw verify` on the real binary: a published draw recomputes (exit 0, each drawn unit listed); a changed
//! candidate list, seed, commitment or result is named (exit 1); an unreadable file is bad input (exit 2).

use std::process::{Command, Output};

use zhian_domain::access::Post;
use zhian_domain::draw::{commitment, hex, sha256};
use zhian_domain::spotcheck::{Candidate, DrawRecord, Sample, draw, list_text};

fn zhian(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhian")).args(args).output().expect("run zhian")
}

fn record() -> DrawRecord {
    let list: Vec<Candidate> = (1..=40)
        .map(|i| Candidate {
            unit_id: i,
            credit_code: format!("9144030500000{i:05}"),
            name: format!("南山区第 {i} 商行"),
            people: vec![(i * 10, Post::Director), (i * 10 + 1, Post::Officer)],
        })
        .collect();
    let seed = [9u8; 32];
    let text = list_text(&list);
    DrawRecord {
        version: 1,
        plan: 7,
        sample: Sample::Percent(10),
        people_per_unit: 1,
        commitment: hex(&commitment(&seed)),
        list_sha256: hex(&sha256(text.as_bytes())),
        candidates: text,
        seed: Some(hex(&seed)),
        drawn: Some(draw(&seed, &list, Sample::Percent(10), 1)),
    }
}

fn write(name: &str, r: &DrawRecord) -> String {
    let dir = std::env::temp_dir().join(format!("zhian-draw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(r).unwrap()).unwrap();
    path.display().to_string()
}

#[test]
fn a_published_draw_recomputes_and_any_change_is_named() {
    let good = record();
    let o = zhian(&["draw", "verify", &write("good.json", &good)]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.starts_with("抽取有效：计划 7，候选单位 40 家"), "{out}");
    assert!(out.contains("抽中 4 家单位、4 人，与公布结果一致"), "{out}");
    for d in good.drawn.as_ref().unwrap() {
        assert!(out.contains(&d.credit_code), "{out}");
    }

    let mut list = good.clone();
    list.candidates = list.candidates.replacen("第 3 商行", "第 三 商行", 1);
    let mut seed = good.clone();
    seed.seed = Some(hex(&[8u8; 32]));
    let mut result = good.clone();
    result.drawn.as_mut().unwrap().swap(0, 1);
    let mut rehashed = good.clone();
    rehashed.candidates =
        rehashed.candidates.lines().filter(|l| !l.contains("第 40 商行")).map(|l| format!("{l}\n")).collect();
    rehashed.list_sha256 = hex(&sha256(rehashed.candidates.as_bytes()));
    for (name, r, needle) in [
        ("list.json", &list, "候选名单与其哈希不符"),
        ("seed.json", &seed, "种子与抽取前公布的承诺不符"),
        ("result.json", &result, "抽取结果与重新计算的结果不符"),
        ("rehashed.json", &rehashed, "抽取结果与重新计算的结果不符"),
    ] {
        let o = zhian(&["draw", "verify", &write(name, r)]);
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(needle), "{name}: {err}");
    }
    let o = zhian(&["draw", "verify", "/nonexistent/draw.json"]);
    assert_eq!(o.status.code(), Some(2));
}
