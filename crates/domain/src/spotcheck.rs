//! Random supervisory spot-check assessment (随机监督抽查考核, DOMAIN §1, §8): the frozen candidate list, the
//! verifiable draw of units and of people in each drawn unit, and its re-computation by anyone.
//!
//! The regulator's plan fixes the jurisdiction, the categories and the sample. When the plan is published the
//! candidate list is frozen as text ([`list_text`]) and hashed, and the secret seed's commitment `SHA-256(seed)` is
//! published with it; both go on the transparency log. At the draw the seed is revealed and the draw is
//! [`draw`] of (seed, list hash) — see [`crate::draw`] for the function. [`verify`] recomputes everything from the
//! published document.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::access::Post;
use crate::draw::{Bytes32, Stream, commitment, hex, parse_hex32, sha256};

/// One candidate unit: its people are the directors and officers in post when the list was frozen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The unit's id.
    pub unit_id: i64,
    /// Its unified social credit code.
    pub credit_code: String,
    /// Its name.
    pub name: String,
    /// (person id, post), by person id.
    pub people: Vec<(i64, Post)>,
}

/// The first line of a candidate list.
pub const LIST_HEADER: &str = "zhian spot-check candidates v1";

/// The frozen list as text: the header line, then one line per unit, sorted by credit code:
/// `unit id TAB credit code TAB name TAB post:person,post:person` (people by id), every line ending in `\n`. Tabs
/// and line breaks in names become spaces.
#[must_use]
pub fn list_text(candidates: &[Candidate]) -> String {
    let mut sorted: Vec<&Candidate> = candidates.iter().collect();
    sorted.sort_by(|a, b| a.credit_code.cmp(&b.credit_code).then(a.unit_id.cmp(&b.unit_id)));
    let mut out = String::with_capacity(64 + candidates.len() * 80);
    out.push_str(LIST_HEADER);
    out.push('\n');
    for c in sorted {
        let name: String = c.name.chars().map(|ch| if matches!(ch, '\t' | '\n' | '\r') { ' ' } else { ch }).collect();
        let mut people = c.people.clone();
        people.sort_by_key(|(id, _)| *id);
        let people: Vec<String> = people.iter().map(|(id, post)| format!("{}:{id}", post.code())).collect();
        out.push_str(&format!("{}\t{}\t{name}\t{}\n", c.unit_id, c.credit_code, people.join(",")));
    }
    out
}

/// Why a list text cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("候选名单第 {line} 行无法读取：{reason}")]
pub struct ListError {
    /// Line number, from 1.
    pub line: usize,
    /// Why.
    pub reason: String,
}

/// Reads a list text back (the inverse of [`list_text`] on its output).
pub fn parse_list(text: &str) -> Result<Vec<Candidate>, ListError> {
    let bad = |line: usize, reason: &str| ListError { line, reason: reason.to_owned() };
    let mut lines = text.split_terminator('\n');
    if lines.next() != Some(LIST_HEADER) {
        return Err(bad(1, "首行应为 zhian spot-check candidates v1"));
    }
    let mut out = Vec::new();
    for (n, line) in (2..).zip(lines) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [unit, code, name, people] = fields.as_slice() else { return Err(bad(n, "应有 4 列")) };
        let unit_id = unit.parse().map_err(|_| bad(n, "单位编号无效"))?;
        let people = people
            .split(',')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (post, id) = p.split_once(':').ok_or_else(|| bad(n, "人员格式应为 岗位:编号"))?;
                let post = Post::parse(post).ok_or_else(|| bad(n, "岗位无效"))?;
                Ok((id.parse().map_err(|_| bad(n, "人员编号无效"))?, post))
            })
            .collect::<Result<_, ListError>>()?;
        out.push(Candidate { unit_id, credit_code: (*code).to_owned(), name: (*name).to_owned(), people });
    }
    Ok(out)
}

/// How many units a plan draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sample {
    /// A fixed number of units (all of them when fewer).
    Count(u32),
    /// A percentage of the candidates, rounded up (at least one when there are any).
    Percent(u32),
}

impl Sample {
    /// The number of units drawn from `n` candidates.
    #[must_use]
    pub fn of(self, n: usize) -> usize {
        match self {
            Self::Count(k) => (k as usize).min(n),
            Self::Percent(p) => (n * p.min(100) as usize).div_ceil(100).min(n),
        }
    }

    /// As people read it.
    #[must_use]
    pub fn label(self) -> String {
        match self {
            Self::Count(k) => format!("{k} 家"),
            Self::Percent(p) => format!("{p}%"),
        }
    }
}

/// One drawn unit and the people drawn in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    /// The unit's id.
    pub unit_id: i64,
    /// Its credit code.
    pub credit_code: String,
    /// The people drawn, in drawn order.
    pub people: Vec<i64>,
}

/// The draw: units by `Stream("units")`'s sample of the list in list-text order, then in each drawn unit up to
/// `people_per_unit` of its people (in list order) by `Stream("people/{unit id}")`. Units are given in drawn order.
#[must_use]
pub fn draw(seed: &Bytes32, list: &[Candidate], sample: Sample, people_per_unit: u32) -> Vec<Drawn> {
    let text = list_text(list);
    let list_hash = sha256(text.as_bytes());
    let ordered = parse_list(&text).unwrap_or_default();
    let picks = Stream::new("units", seed, &list_hash).sample(ordered.len(), sample.of(ordered.len()));
    picks
        .into_iter()
        .filter_map(|i| ordered.get(i))
        .map(|c| {
            let mut stream = Stream::new(&format!("people/{}", c.unit_id), seed, &list_hash);
            let people = stream
                .sample(c.people.len(), people_per_unit as usize)
                .into_iter()
                .filter_map(|k| c.people.get(k))
                .map(|p| p.0)
                .collect();
            Drawn { unit_id: c.unit_id, credit_code: c.credit_code.clone(), people }
        })
        .collect()
}

/// A spot check's draw as published: what anyone needs to recompute it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawRecord {
    /// Format version (1).
    pub version: u32,
    /// The plan's id.
    pub plan: i64,
    /// The sample.
    pub sample: Sample,
    /// People drawn per unit.
    pub people_per_unit: u32,
    /// `SHA-256(seed)`, published before the draw (hex).
    pub commitment: String,
    /// `SHA-256(candidates)` (hex).
    pub list_sha256: String,
    /// The frozen candidate list ([`list_text`]).
    pub candidates: String,
    /// The seed, revealed at the draw (hex); absent before.
    pub seed: Option<String>,
    /// The draw; absent before.
    pub drawn: Option<Vec<Drawn>>,
}

/// What [`verify`] found wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    /// The candidate list is not the one hashed.
    #[error("候选名单与其哈希不符：名单的 SHA-256 为 {actual}，公布的为 {published}")]
    List {
        /// Hash of the list as given.
        actual: String,
        /// Hash as published.
        published: String,
    },
    /// The list cannot be read.
    #[error("{0}")]
    ListText(#[from] ListError),
    /// The seed has not been revealed.
    #[error("尚未抽取：种子还没有公布")]
    NotDrawn,
    /// The seed is not 64 hex digits.
    #[error("种子应为 64 位十六进制数")]
    SeedFormat,
    /// The seed does not match the commitment.
    #[error("种子与抽取前公布的承诺不符：SHA-256(种子) 为 {actual}，承诺为 {published}")]
    Commitment {
        /// Hash of the seed given.
        actual: String,
        /// Commitment published.
        published: String,
    },
    /// The draw differs from the recomputation.
    #[error("抽取结果与重新计算的结果不符：应为 {expected}，公布的为 {published}")]
    Draw {
        /// Recomputed, as credit codes.
        expected: String,
        /// Published, as credit codes.
        published: String,
    },
}

/// Recomputes a published draw: the list's hash, the seed against its commitment, and the draw itself. Returns
/// the recomputed draw.
pub fn verify(record: &DrawRecord) -> Result<Vec<Drawn>, VerifyError> {
    let actual = hex(&sha256(record.candidates.as_bytes()));
    if actual != record.list_sha256 {
        return Err(VerifyError::List { actual, published: record.list_sha256.clone() });
    }
    let list = parse_list(&record.candidates)?;
    let seed_hex = record.seed.as_deref().ok_or(VerifyError::NotDrawn)?;
    let seed = parse_hex32(seed_hex).ok_or(VerifyError::SeedFormat)?;
    let actual = hex(&commitment(&seed));
    if actual != record.commitment {
        return Err(VerifyError::Commitment { actual, published: record.commitment.clone() });
    }
    let expected = draw(&seed, &list, record.sample, record.people_per_unit);
    let published = record.drawn.clone().unwrap_or_default();
    if expected != published {
        let codes = |d: &[Drawn]| {
            d.iter()
                .map(|u| {
                    let people: Vec<String> = u.people.iter().map(i64::to_string).collect();
                    format!("{}[{}]", u.credit_code, people.join(","))
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        return Err(VerifyError::Draw { expected: codes(&expected), published: codes(&published) });
    }
    Ok(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(n: i64) -> Vec<Candidate> {
        (1..=n)
            .map(|i| Candidate {
                unit_id: i,
                credit_code: format!("9144030000000{i:05}"),
                name: format!("单位\t{i}"),
                people: (0..(i % 4))
                    .map(|k| (i * 10 + k, if k == 0 { Post::Director } else { Post::Officer }))
                    .collect(),
            })
            .collect()
    }

    fn record(seed: &Bytes32, candidates: &[Candidate]) -> DrawRecord {
        let text = list_text(candidates);
        DrawRecord {
            version: 1,
            plan: 1,
            sample: Sample::Percent(10),
            people_per_unit: 2,
            commitment: hex(&commitment(seed)),
            list_sha256: hex(&sha256(text.as_bytes())),
            candidates: text,
            seed: Some(hex(seed)),
            drawn: Some(draw(seed, candidates, Sample::Percent(10), 2)),
        }
    }

    #[test]
    fn the_list_text_is_canonical_and_reads_back() {
        let mut l = list(5);
        let text = list_text(&l);
        assert!(
            text.starts_with("zhian spot-check candidates v1\n1\t914403000000000001\t单位 1\tdirector:10\n"),
            "{text}"
        );
        l.reverse();
        assert_eq!(list_text(&l), text, "the order given does not matter");
        let back = parse_list(&text).unwrap();
        assert_eq!(list_text(&back), text);
        assert_eq!(back[2].people, vec![(30, Post::Director), (31, Post::Officer), (32, Post::Officer)]);
        assert!(back[3].people.is_empty());
        assert!(parse_list("nope\n").is_err());
    }

    #[test]
    fn samples_round_up_and_never_exceed_the_list() {
        assert_eq!((Sample::Percent(10).of(95), Sample::Percent(10).of(100), Sample::Percent(10).of(1)), (10, 10, 1));
        assert_eq!((Sample::Count(5).of(3), Sample::Count(5).of(50), Sample::Percent(0).of(50)), (3, 5, 0));
    }

    #[test]
    fn a_draw_is_reproducible_from_seed_and_list_and_verifies() {
        let l = list(120);
        let seed = [42u8; 32];
        let d = draw(&seed, &l, Sample::Percent(10), 2);
        assert_eq!(d.len(), 12);
        assert_eq!(d, draw(&seed, &l, Sample::Percent(10), 2));
        assert_ne!(d, draw(&[43u8; 32], &l, Sample::Percent(10), 2));
        for u in &d {
            let c = l.iter().find(|c| c.unit_id == u.unit_id).unwrap();
            assert_eq!(u.people.len(), c.people.len().min(2));
            assert!(u.people.iter().all(|p| c.people.iter().any(|(id, _)| id == p)));
        }
        assert_eq!(verify(&record(&seed, &l)).unwrap(), d);
    }

    #[test]
    fn a_changed_list_seed_or_result_fails_verification() {
        let l = list(60);
        let seed = [7u8; 32];
        let good = record(&seed, &l);

        let mut r = good.clone();
        r.candidates = r.candidates.replacen("单位 3", "单位 三", 1);
        assert!(matches!(verify(&r), Err(VerifyError::List { .. })), "an edited list no longer matches its hash");

        let mut r = good.clone();
        let mut fewer = l.clone();
        fewer.remove(10);
        r.candidates = list_text(&fewer);
        r.list_sha256 = hex(&sha256(r.candidates.as_bytes()));
        assert!(
            matches!(verify(&r), Err(VerifyError::Draw { .. })),
            "another list, honestly hashed, draws differently"
        );

        let mut r = good.clone();
        r.seed = Some(hex(&[8u8; 32]));
        assert!(matches!(verify(&r), Err(VerifyError::Commitment { .. })), "a seed other than the committed one");

        let mut r = good.clone();
        r.drawn.as_mut().unwrap()[0].credit_code = "X".into();
        let e = verify(&r).unwrap_err();
        assert!(e.to_string().contains("抽取结果与重新计算的结果不符"), "{e}");

        let mut r = good;
        r.seed = None;
        assert_eq!(verify(&r), Err(VerifyError::NotDrawn));
    }
}
