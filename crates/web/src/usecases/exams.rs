//! Training and assessment: setting an exam for a person, taking it by its link, saving answers as they go,
//! marking on submission or when the time runs out, training sessions.

use serde::{Deserialize, Serialize};
use zhian_domain::draw::{Stream, hex};
use zhian_domain::exam::score::{Outcome, points_text};
use zhian_domain::exam::{self, Area, Blueprint, Choice, Kind, Question, letter};
use zhian_domain::forms::FieldErrors;
use zhian_store::exams::{Attempt, Marked, NewAttempt, StoredQuestion};

use crate::AppState;
use crate::auth::random_hex;
use crate::error::AppError;

/// A paper as stored: each question's row, its options as shown and its points.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredPaper {
    /// The questions in order.
    pub items: Vec<StoredItem>,
}

/// One question of a stored paper.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredItem {
    /// The question's row.
    pub q: i64,
    /// Options as shown: `o[k]` is the option as written shown in position `k`.
    pub o: Vec<u8>,
    /// Points.
    pub p: u32,
}

impl StoredItem {
    fn item(&self) -> exam::PaperItem {
        exam::PaperItem { question: 0, order: self.o.clone(), points: self.p }
    }
}

fn corrupt(what: &str) -> AppError {
    AppError::Internal(format!("考试数据无法读取：{what}"))
}

/// An exam set for a person: the link's token (shown once; only its hash is kept).
#[derive(Debug, Clone)]
pub struct SetExam {
    /// The token of the link `/exam/{token}`.
    pub token: String,
}

/// Draws a paper for a person of `unit_id` under `blueprint` from the bank's current version and sets it as an
/// exam titled `title`. The seed comes from the state's randomness; the candidate's categories from the unit's
/// products.
pub async fn set_exam(
    state: &AppState,
    by: i64,
    unit_id: i64,
    person_id: &str,
    title: &str,
    blueprint: &Blueprint,
) -> Result<SetExam, AppError> {
    let mut errors = FieldErrors::default();
    let person: i64 = person_id.trim().parse().unwrap_or_default();
    let people = state.store.people(unit_id).await?;
    if !people.iter().any(|p| p.id == person) {
        errors.add("person_id", "请选择本单位的人员");
    }
    let version = state.store.bank_version().await?;
    let Some(version) = version.filter(|_| errors.is_empty()) else {
        if errors.is_empty() {
            errors.add("person_id", "题库为空，请先由系统管理员导入题库");
        }
        return Err(AppError::Invalid(errors));
    };
    let now = state.clock.now();
    let blueprint_json = serde_json::to_string(blueprint).map_err(|e| AppError::Internal(e.to_string()))?;
    let exam_id = state.store.create_exam(Some(unit_id), title, &blueprint_json, version, by, now).await?;
    let token = set_attempt(state, by, exam_id, unit_id, person, blueprint).await?;
    Ok(SetExam { token })
}

/// Draws a paper for a person of `unit_id` from the bank's current version and sets it as an attempt of
/// `exam_id`; returns the link's token. The candidate's categories come from the unit's products; the seed from
/// the state's randomness.
pub async fn set_attempt(
    state: &AppState,
    by: i64,
    exam_id: i64,
    unit_id: i64,
    person: i64,
    blueprint: &Blueprint,
) -> Result<String, AppError> {
    let version = state.store.bank_version().await?.ok_or_else(|| AppError::Conflict("题库为空，无法组卷".into()))?;
    let unit = state.store.unit(unit_id).await?.ok_or(AppError::NotFound)?;
    let codes: Vec<String> = unit.products.iter().map(|p| p.category_code.clone()).collect();
    let categories = state.reference.candidate_categories(&codes);
    let bank = state.store.bank(version).await?;
    let questions: Vec<Question> = bank.iter().map(|q| q.question.clone()).collect();
    let mut seed = [0u8; 32];
    state.entropy.fill(&mut seed);
    let paper = exam::assemble(&questions, blueprint, &categories, &mut Stream::new("paper", &seed, &[0; 32]))
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let stored = StoredPaper {
        items: paper
            .items
            .iter()
            .map(|i| {
                let q = bank.get(i.question).map(|q| q.id).ok_or_else(|| corrupt("组卷"))?;
                Ok(StoredItem { q, o: i.order.clone(), p: i.points })
            })
            .collect::<Result<_, AppError>>()?,
    };
    let token = random_hex(state.entropy.as_ref(), 32);
    let paper_json = serde_json::to_string(&stored).map_err(|e| AppError::Internal(e.to_string()))?;
    let attempt = NewAttempt {
        exam_id,
        unit_id,
        person_id: person,
        token: &token,
        mode: "online",
        seed: &hex(&seed),
        paper: &paper_json,
        minutes: blueprint.minutes,
    };
    state.store.create_attempt(&attempt, by, state.clock.now()).await?;
    Ok(token)
}

/// The right answers of an attempt's paper, as shown (letters), in paper order.
pub async fn answer_key(state: &AppState, attempt: &Attempt) -> Result<Vec<String>, AppError> {
    let paper = paper_of(attempt)?;
    let ids: Vec<i64> = paper.items.iter().map(|i| i.q).collect();
    let questions = state.store.questions_by_id(&ids).await?;
    Ok(paper.items.iter().zip(&questions).map(|(i, q)| i.item().to_shown(q.question.answer).letters()).collect())
}

/// Where an attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Not started: the clock has not run.
    NotStarted,
    /// Started, time left.
    Open,
    /// Submitted or marked after the time ran out.
    Marked,
}

/// One question of a sheet as the candidate sees it.
#[derive(Debug, Clone)]
pub struct SheetItem {
    /// Position on the paper, from 0.
    pub position: usize,
    /// Kind.
    pub kind: Kind,
    /// Area.
    pub area: Area,
    /// Stem.
    pub stem: String,
    /// Options as shown: (letter, text, chosen, right).
    pub options: Vec<(char, String, bool, bool)>,
    /// Points.
    pub points: u32,
    /// After marking: the outcome, the points earned (text), the right letters, the basis and the explanation.
    pub marked: Option<(Outcome, String, String, String, String)>,
}

/// An attempt with its questions, as the candidate (or the unit) sees it.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The attempt.
    pub attempt: Attempt,
    /// The blueprint it was set under.
    pub blueprint: Blueprint,
    /// Where it stands.
    pub stage: Stage,
    /// Seconds left while open.
    pub seconds_left: i64,
    /// Its questions.
    pub items: Vec<SheetItem>,
}

fn paper_of(attempt: &Attempt) -> Result<StoredPaper, AppError> {
    serde_json::from_str(&attempt.paper).map_err(|_| corrupt("试卷"))
}

fn blueprint_of(attempt: &Attempt) -> Result<Blueprint, AppError> {
    serde_json::from_str(&attempt.blueprint).map_err(|_| corrupt("考试方案"))
}

/// The attempt a link opens; an attempt whose time ran out is marked first.
pub async fn attempt_for_token(state: &AppState, token: &str) -> Result<Attempt, AppError> {
    let attempt = state.store.attempt_by_token(token).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    if attempt.submitted_at.is_none() && attempt.deadline_at.is_some_and(|d| !exam::in_time(now, d)) {
        mark_attempt(state, &attempt, true).await?;
        return state.store.attempt_by_token(token).await?.ok_or(AppError::NotFound);
    }
    Ok(attempt)
}

/// The sheet of an attempt: its questions with the answers saved so far, and after marking the outcomes.
pub async fn sheet(state: &AppState, attempt: Attempt) -> Result<Sheet, AppError> {
    let paper = paper_of(&attempt)?;
    let blueprint = blueprint_of(&attempt)?;
    let ids: Vec<i64> = paper.items.iter().map(|i| i.q).collect();
    let questions = state.store.questions_by_id(&ids).await?;
    let saved = state.store.answers(attempt.id).await?;
    let stage = match (attempt.started_at, attempt.submitted_at) {
        (_, Some(_)) => Stage::Marked,
        (Some(_), None) => Stage::Open,
        (None, None) => Stage::NotStarted,
    };
    let shown_answers = final_answers(&attempt, &paper)?;
    let now = state.clock.now();
    let seconds_left = attempt.deadline_at.map_or(0, |d| (d - now).num_seconds().max(0));
    let items = paper
        .items
        .iter()
        .zip(&questions)
        .enumerate()
        .map(|(position, (item, StoredQuestion { question: q, .. }))| {
            let paper_item = item.item();
            let chosen = match &shown_answers {
                Some(all) => all.get(position).copied().unwrap_or_default(),
                None => saved.iter().find(|(p, _)| *p as usize == position).map(|(_, c)| *c).unwrap_or_default(),
            };
            let right = paper_item.to_shown(q.answer);
            let options = item
                .o
                .iter()
                .enumerate()
                .map(|(k, &w)| (letter(k), q.option(w.into()).to_owned(), chosen.has(k), right.has(k)))
                .collect();
            let marked = (stage == Stage::Marked).then(|| {
                let (outcome, earned) =
                    exam::score::mark(q, paper_item.to_written(chosen), item.p, blueprint.partial_credit);
                (outcome, points_text(earned), right.letters(), q.basis.clone(), q.explanation.clone())
            });
            SheetItem { position, kind: q.kind, area: q.area, stem: q.stem.clone(), options, points: item.p, marked }
        })
        .collect();
    Ok(Sheet { attempt, blueprint, stage, seconds_left, items })
}

/// The final answers of a marked attempt, as shown, in paper order.
fn final_answers(attempt: &Attempt, paper: &StoredPaper) -> Result<Option<Vec<Choice>>, AppError> {
    let Some(text) = &attempt.answers else { return Ok(None) };
    let letters: Vec<String> = serde_json::from_str(text).map_err(|_| corrupt("答案"))?;
    Ok(Some(
        letters
            .iter()
            .zip(&paper.items)
            .map(|(l, item)| Choice::from_letters(l, item.o.len()).unwrap_or_default())
            .collect(),
    ))
}

/// Starts the clock of an attempt (once).
pub async fn start(state: &AppState, attempt: &Attempt) -> Result<(), AppError> {
    if attempt.submitted_at.is_some() {
        return Err(AppError::Conflict("已交卷".into()));
    }
    let now = state.clock.now();
    state.store.start_attempt(attempt.id, now, exam::deadline(now, attempt.minutes)).await?;
    Ok(())
}

/// Saves one answer (letters as shown). Refused with a reason when the attempt is not open or the answer is not
/// one of the question's options.
pub async fn save_answer(state: &AppState, attempt: &Attempt, position: &str, letters: &str) -> Result<(), AppError> {
    let paper = paper_of(attempt)?;
    let position: usize = position.trim().parse().map_err(|_| AppError::BadRequest("题号无效".into()))?;
    let item = paper.items.get(position).ok_or_else(|| AppError::BadRequest("题号无效".into()))?;
    let choice = Choice::from_letters(letters, item.o.len())
        .ok_or_else(|| AppError::BadRequest(format!("第 {} 题的答案“{letters}”不是该题的选项", position + 1)))?;
    let ids = [item.q];
    let question = state.store.questions_by_id(&ids).await?.pop().ok_or_else(|| corrupt("试题"))?.question;
    if question.kind != Kind::Multiple && choice.len() > 1 {
        return Err(AppError::BadRequest(format!("第 {} 题只能选一个答案", position + 1)));
    }
    let Some(deadline) = attempt.deadline_at else {
        return Err(AppError::Conflict("考试尚未开始".into()));
    };
    let now = state.clock.now();
    let latest = deadline + chrono::Duration::seconds(exam::GRACE_SECONDS);
    let index = u32::try_from(position).map_err(|_| AppError::BadRequest("题号无效".into()))?;
    if !state.store.save_answer(attempt.id, index, choice, now, latest).await? {
        return Err(AppError::Conflict(if attempt.submitted_at.is_some() {
            "已交卷，答案不能再修改".into()
        } else {
            "考试时间已到，答案未保存".into()
        }));
    }
    Ok(())
}

/// Marks an attempt with the answers saved: on submission, or (`timed_out`) when the time ran out — then the
/// submission's time is the deadline. A second submission changes nothing.
pub async fn mark_attempt(state: &AppState, attempt: &Attempt, timed_out: bool) -> Result<(), AppError> {
    if attempt.submitted_at.is_some() {
        return Ok(());
    }
    if attempt.started_at.is_none() {
        return Err(AppError::Conflict("考试尚未开始".into()));
    }
    let paper = paper_of(attempt)?;
    let blueprint = blueprint_of(attempt)?;
    let ids: Vec<i64> = paper.items.iter().map(|i| i.q).collect();
    let questions = state.store.questions_by_id(&ids).await?;
    let saved = state.store.answers(attempt.id).await?;
    let shown: Vec<Choice> = (0..paper.items.len())
        .map(|p| saved.iter().find(|(s, _)| *s as usize == p).map(|(_, c)| *c).unwrap_or_default())
        .collect();
    let answers: Vec<(&Question, u32, Choice)> = paper
        .items
        .iter()
        .zip(&questions)
        .zip(&shown)
        .map(|((item, q), c)| (&q.question, item.p, item.item().to_written(*c)))
        .collect();
    let score = exam::score(&answers, &blueprint);
    let areas = serde_json::to_string(&score.areas).map_err(|e| AppError::Internal(e.to_string()))?;
    let letters: Vec<String> = shown.iter().map(|c| c.letters()).collect();
    let answers = serde_json::to_string(&letters).map_err(|e| AppError::Internal(e.to_string()))?;
    let now = state.clock.now();
    let at = match (timed_out, attempt.deadline_at) {
        (true, Some(deadline)) => deadline.min(now),
        _ => now,
    };
    let marked = Marked {
        earned: score.earned,
        possible: score.possible,
        passed: score.passed,
        areas: &areas,
        answers: &answers,
        timed_out,
        at,
        on_paper: false,
    };
    state.store.finish_attempt(attempt.id, &marked, now).await?;
    Ok(())
}

/// Marks every attempt whose time ran out (the reminder worker's sweep); returns how many.
pub async fn mark_expired(state: &AppState) -> Result<usize, AppError> {
    let ids = state.store.expired_attempts(state.clock.now(), exam::GRACE_SECONDS).await?;
    for id in &ids {
        let attempt = state.store.attempt_by_id(*id).await?;
        mark_attempt(state, &attempt, true).await?;
    }
    Ok(ids.len())
}

/// The per-area breakdown of a marked attempt: (area, right, questions, earned, possible) as text.
pub fn breakdown(attempt: &Attempt) -> Vec<(String, u32, u32, String, String)> {
    #[derive(Deserialize)]
    struct Row {
        area: Area,
        questions: u32,
        right: u32,
        earned: u32,
        possible: u32,
    }
    let rows: Vec<Row> = attempt.areas.as_deref().and_then(|a| serde_json::from_str(a).ok()).unwrap_or_default();
    rows.into_iter()
        .map(|r| (r.area.label().to_owned(), r.right, r.questions, points_text(r.earned), points_text(r.possible)))
        .collect()
}

/// A training session as typed.
#[derive(Debug, Clone, Default)]
pub struct SessionForm {
    /// Date.
    pub date: String,
    /// Topic.
    pub topic: String,
    /// Hours (decimal).
    pub hours: String,
    /// Trainer.
    pub trainer: String,
    /// Attendees' ids.
    pub attendees: Vec<String>,
}

/// Records a training session of the unit.
pub async fn record_session(state: &AppState, by: i64, unit_id: i64, form: &SessionForm) -> Result<i64, AppError> {
    let mut errors = FieldErrors::default();
    let day = errors.date("date", "培训日期", &form.date);
    if day.is_some_and(|d| d > state.clock.today()) {
        errors.add("date", "培训日期不能晚于今天");
    }
    let topic = errors.text("topic", "培训内容", &form.topic, 200);
    let trainer = errors.text("trainer", "授课人", &form.trainer, 50);
    let tenth_hours = errors.tenth_hours("hours", &form.hours);
    let people = state.store.people(unit_id).await?;
    let mut attendees = Vec::new();
    for a in &form.attendees {
        match a.trim().parse::<i64>().ok().filter(|id| people.iter().any(|p| p.id == *id)) {
            Some(id) if !attendees.contains(&id) => attendees.push(id),
            Some(_) => {}
            None => errors.add("attendees", "参训人员应为本单位人员"),
        }
    }
    if attendees.is_empty() && errors.get("attendees").is_none() {
        errors.add("attendees", "请至少选择一名参训人员");
    }
    let (Some(day), true) = (day, errors.is_empty()) else { return Err(AppError::Invalid(errors)) };
    Ok(state
        .store
        .record_training_session(unit_id, day, &topic, tenth_hours, &trainer, &attendees, by, state.clock.now())
        .await?)
}
