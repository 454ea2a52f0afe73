use chrono::{TimeZone, Utc};

use super::blueprint::BlueprintError;
use super::score::{mark, points_text};
use super::*;
use crate::draw::Stream;

const CATS: [&str; 2] = ["e-bike", "children"];

fn text(id: &str, kind: &str, options: &[&str], answer: &str) -> QuestionText {
    QuestionText {
        id: id.to_owned(),
        kind: kind.to_owned(),
        area: "law".to_owned(),
        categories: Vec::new(),
        difficulty: 2,
        stem: "销售者应当建立并执行进货检查验收制度。".to_owned(),
        options: options.iter().map(|s| (*s).to_owned()).collect(),
        answer: answer.to_owned(),
        basis: "《中华人民共和国产品质量法》第三十三条".to_owned(),
        explanation: "解析：销售者应当建立并执行进货检查验收制度。".to_owned(),
    }
}

fn q(code: &str, kind: Kind, area: Area, categories: &[&str]) -> Question {
    let (options, answer) = match kind {
        Kind::Single => (vec!["甲", "乙", "丙", "丁"], Choice(0b0010)),
        Kind::Multiple => (vec!["甲", "乙", "丙", "丁"], Choice(0b1011)),
        Kind::TrueFalse => (vec![], Choice(0b01)),
    };
    Question {
        code: code.to_owned(),
        kind,
        area,
        categories: categories.iter().map(|s| (*s).to_owned()).collect(),
        difficulty: 1,
        stem: format!("题干 {code}"),
        options: options.into_iter().map(str::to_owned).collect(),
        answer,
        basis: "依据".to_owned(),
        explanation: "解析".to_owned(),
    }
}

/// A bank with `n` untagged questions per (kind, area) and `tagged` per (kind, category) in the standard area.
fn bank(n: usize, tagged: usize) -> Vec<Question> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        for area in Area::ALL {
            for i in 0..n {
                out.push(q(&format!("{}-{}-{i:03}", kind.code(), area.code()), kind, area, &[]));
            }
        }
        for cat in CATS {
            for i in 0..tagged {
                out.push(q(&format!("{}-{cat}-{i:03}", kind.code()), kind, Area::Standard, &[cat]));
            }
        }
    }
    out
}

fn stream(seed: u8) -> Stream {
    Stream::new("paper", &[seed; 32], &[0; 32])
}

fn cats(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn questions_as_written_are_checked_field_by_field() {
    let single = text("law-pq-001", "single", &["甲", "乙", "丙", "丁"], "B").check(&CATS).unwrap();
    assert_eq!((single.kind, single.answer), (Kind::Single, Choice(0b10)));
    let multiple = text("law-pq-002", "多选题", &["甲", "乙", "丙", "丁"], "a,c,d").check(&CATS).unwrap();
    assert_eq!(multiple.answer.letters(), "ACD");
    let tf = text("law-pq-003", "判断", &[], "错误").check(&CATS).unwrap();
    assert_eq!((tf.answer, tf.option(1)), (Choice(0b10), "错误"));
    for question in [&single, &multiple, &tf] {
        assert_eq!(&question.to_text().check(&CATS).unwrap(), question, "what is written reads back the same");
    }

    let fields = |t: QuestionText| t.check(&CATS).unwrap_err().into_iter().map(|e| e.field).collect::<Vec<_>>();
    assert_eq!(fields(text("law-pq-004", "single", &["甲", "乙", "丙"], "AB")), ["answer"]);
    assert_eq!(fields(text("law-pq-004", "single", &["甲", "乙", "丙"], "D")), ["answer"]);
    assert_eq!(fields(text("law-pq-004", "multiple", &["甲", "乙", "丙"], "C")), ["answer"]);
    assert_eq!(fields(text("law-pq-004", "single", &["甲", "甲", "丙"], "A")), ["options"]);
    assert_eq!(fields(text("law-pq-004", "single", &["甲", "乙"], "A")), ["options"]);
    assert_eq!(fields(text("law-pq-004", "true_false", &["甲"], "正确")), ["options"]);
    assert_eq!(fields(text("law-pq-004", "true_false", &[], "B")), ["answer"]);
    assert_eq!(fields(text("Law PQ", "essay", &[], "")), ["id", "kind"]);
    let mut t = text("law-pq-005", "single", &["甲", "乙", "丙"], "A");
    t.categories = vec!["rockets".to_owned()];
    t.difficulty = 4;
    t.stem = " ".to_owned();
    t.basis = String::new();
    assert_eq!(fields(t), ["categories", "difficulty", "stem", "basis"]);
    let message = text("law-pq-004", "single", &["甲", "乙", "丙"], "D").check(&CATS).unwrap_err();
    assert!(message[0].message.contains("答案“D”无效"), "{message:?}");
}

#[test]
fn the_default_blueprint_is_valid_and_totals_100() {
    let b = Blueprint::default();
    assert_eq!((b.total(), b.questions(), b.minutes, b.pass_mark), (100, 60, 60, 80));
    b.check().unwrap();
    let mut bad = b.clone();
    bad.area_shares.law = 10;
    bad.pass_mark = 101;
    bad.sections.push(Section { kind: Kind::Single, count: 0, points: 2 });
    let BlueprintError::Invalid(message) = bad.check().unwrap_err() else { panic!() };
    for part in ["单选题重复出现", "题数应为 1 至 200", "合格分数线", "占比之和应为 100"] {
        assert!(message.contains(part), "{message}");
    }
}

#[test]
fn a_section_is_split_by_area_shares_with_largest_remainders() {
    let b = Blueprint::default();
    let counts = |n| b.area_quota(n).map(|(_, c)| c);
    assert_eq!(counts(30), [15, 6, 9]);
    assert_eq!(counts(10), [5, 2, 3]);
    assert_eq!(counts(7), [4, 1, 2]);
    assert_eq!(counts(1), [1, 0, 0]);
    for n in 0..50 {
        assert_eq!(counts(n).iter().sum::<u32>(), n);
    }
}

#[test]
fn a_paper_follows_the_blueprint_and_is_reproducible() {
    let bank = bank(30, 10);
    let b = Blueprint::default();
    let mine = cats(&["e-bike"]);
    let paper = assemble(&bank, &b, &mine, &mut stream(1)).unwrap();
    assert_eq!(paper, assemble(&bank, &b, &mine, &mut stream(1)).unwrap(), "same seed, same paper");
    assert_ne!(paper, assemble(&bank, &b, &mine, &mut stream(2)).unwrap());
    let mut reversed = bank.clone();
    reversed.reverse();
    let other = assemble(&reversed, &b, &mine, &mut stream(1)).unwrap();
    let codes =
        |p: &Paper, bank: &[Question]| p.items.iter().map(|i| bank[i.question].code.clone()).collect::<Vec<_>>();
    assert_eq!(codes(&paper, &bank), codes(&other, &reversed), "the bank's order does not matter");

    assert_eq!(paper.items.len(), 60);
    let mut seen: Vec<usize> = paper.items.iter().map(|i| i.question).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 60, "no question twice");
    let questions: Vec<&Question> = paper.items.iter().map(|i| &bank[i.question]).collect();
    let kinds: Vec<Kind> = questions.iter().map(|q| q.kind).collect();
    assert!(kinds[..30].iter().all(|k| *k == Kind::Single));
    assert!(kinds[30..40].iter().all(|k| *k == Kind::Multiple));
    assert!(kinds[40..].iter().all(|k| *k == Kind::TrueFalse));
    assert!(questions.iter().all(|q| q.applies_to(&mine)), "no question on another category");
    let tagged = questions[..30].iter().filter(|q| !q.categories.is_empty()).count();
    assert_eq!(tagged, 6, "20 % of the single-choice section is on the candidate's categories");
    let areas = |area| questions[..30].iter().filter(|q| q.area == area).count();
    assert_eq!([areas(Area::Law), areas(Area::Standard), areas(Area::Knowledge)], [15, 6, 9]);
    for item in &paper.items {
        let mut order = item.order.clone();
        order.sort_unstable();
        assert_eq!(order, (0..bank[item.question].option_count() as u8).collect::<Vec<_>>());
    }
    assert!(paper.items[..30].iter().any(|i| i.order != [0, 1, 2, 3]), "options are shuffled");
    assert!(paper.items[40..].iter().all(|i| i.order == [0, 1]), "正确 stays before 错误");
}

#[test]
fn an_area_the_bank_cannot_fill_is_filled_from_the_rest_and_a_small_bank_is_refused() {
    let mut bank = bank(30, 0);
    bank.retain(|q| q.area != Area::Standard);
    let paper = assemble(&bank, &Blueprint::default(), &[], &mut stream(3)).unwrap();
    assert_eq!(paper.items.len(), 60);
    let single_law = paper.items[..30].iter().filter(|i| bank[i.question].area == Area::Law).count();
    assert!(single_law >= 15, "law keeps its quota: {single_law}");

    bank.retain(|q| q.kind != Kind::Multiple || q.area == Area::Law);
    bank.retain(|q| q.kind != Kind::Multiple || q.code.ends_with('0') || q.code.ends_with('1'));
    let err = assemble(&bank, &Blueprint::default(), &[], &mut stream(3)).unwrap_err();
    assert_eq!(err, BlueprintError::BankTooSmall { kind: "多选题", have: 6, need: 10 });
    assert!(err.to_string().contains("多选题只有 6 道"), "{err}");
}

#[test]
fn a_candidate_without_categories_gets_untagged_questions_only() {
    let bank = bank(30, 10);
    let paper = assemble(&bank, &Blueprint::default(), &[], &mut stream(4)).unwrap();
    assert!(paper.items.iter().all(|i| bank[i.question].categories.is_empty()));
}

#[test]
fn shown_and_written_positions_map_both_ways() {
    let item = PaperItem { question: 0, order: vec![2, 0, 3, 1], points: 2 };
    assert_eq!(item.to_written(Choice(0b0001)), Choice(0b0100), "shown A is written C");
    assert_eq!(item.to_written(Choice(0b1010)), Choice(0b0011));
    for c in 0..16u8 {
        assert_eq!(item.to_shown(item.to_written(Choice(c))), Choice(c));
    }
}

#[test]
fn scoring_follows_the_documented_rules() {
    let single = q("s", Kind::Single, Area::Law, &[]);
    let multiple = q("m", Kind::Multiple, Area::Standard, &[]); // right: A B D
    let tf = q("t", Kind::TrueFalse, Area::Knowledge, &[]); // right: 正确
    assert_eq!(mark(&single, Choice(0b0010), 2, 50), (Outcome::Right, 20));
    assert_eq!(mark(&single, Choice(0b0100), 2, 50), (Outcome::Wrong, 0));
    assert_eq!(mark(&single, Choice::NONE, 2, 50), (Outcome::Blank, 0));
    assert_eq!(mark(&multiple, Choice(0b1011), 2, 50), (Outcome::Right, 20));
    assert_eq!(mark(&multiple, Choice(0b0011), 2, 50), (Outcome::Partial, 10), "some right, none wrong: half");
    assert_eq!(mark(&multiple, Choice(0b0001), 1, 50), (Outcome::Partial, 5), "half of one point is 0.5");
    assert_eq!(mark(&multiple, Choice(0b0111), 2, 50), (Outcome::Wrong, 0), "one wrong option: nothing");
    assert_eq!(mark(&multiple, Choice(0b1111), 2, 50), (Outcome::Wrong, 0), "everything chosen: nothing");
    assert_eq!(mark(&multiple, Choice(0b0011), 2, 0), (Outcome::Partial, 0), "no partial credit configured");
    assert_eq!(mark(&tf, Choice(0b01), 1, 50), (Outcome::Right, 10));
    assert_eq!(mark(&tf, Choice(0b10), 1, 50), (Outcome::Wrong, 0));

    let b = Blueprint { pass_mark: 4, ..Blueprint::default() };
    let s = score(&[(&single, 2, Choice(0b0010)), (&multiple, 2, Choice(0b0001)), (&tf, 1, Choice(0b10))], &b);
    assert_eq!((s.earned, s.possible, s.passed), (30, 50, false));
    assert_eq!(
        s.areas.iter().map(|a| (a.area, a.right, a.earned, a.possible)).collect::<Vec<_>>(),
        [(Area::Law, 1, 20, 20), (Area::Standard, 0, 10, 20), (Area::Knowledge, 0, 0, 10)]
    );
    let s = score(&[(&single, 2, Choice(0b0010)), (&multiple, 2, Choice(0b1011))], &b);
    assert!(s.passed, "exactly the pass mark passes");
    assert_eq!((points_text(875), points_text(800)), ("87.5".to_owned(), "80".to_owned()));
}

#[test]
fn answers_count_until_the_deadline_and_its_grace() {
    let start = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
    let end = deadline(start, 60);
    assert_eq!(end, Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap());
    assert!(in_time(end + chrono::Duration::seconds(GRACE_SECONDS), end));
    assert!(!in_time(end + chrono::Duration::seconds(GRACE_SECONDS + 1), end));
}
