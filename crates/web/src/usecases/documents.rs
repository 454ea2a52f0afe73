//! The statutory documents, made from the records: each builder reads what it shows and returns the plain
//! [`Document`], with the verification code of the logged records it shows; the renderers turn it into PDF, DOCX or
//! XLSX.

use chrono::NaiveDate;
use zhian_docs::{Block, Cell, Column, DocKind, Document, Proof, ProofRecord, Table};
use zhian_store::ledger::kind;

use crate::AppState;
use crate::error::AppError;

fn text(s: &str) -> Cell {
    Cell::text(s)
}

fn date(d: NaiveDate) -> Cell {
    Cell::Date(d)
}

fn number(n: impl TryInto<i64>) -> Cell {
    n.try_into().map_or(Cell::Empty, Cell::Number)
}

fn table(columns: &[(&str, u16)], rows: Vec<Vec<Cell>>) -> Block {
    Block::Table(Table { columns: columns.iter().map(|(t, w)| Column::new(t, *w)).collect(), rows })
}

fn para(title: &str, body: &str) -> [Block; 2] {
    let body = if body.trim().is_empty() { "（无）" } else { body.trim() };
    [Block::Heading { text: title.to_owned() }, Block::Paragraph { text: body.to_owned() }]
}

fn local_date(at: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    zhian_domain::time::date_of_day(zhian_domain::time::day_of_instant(at)).unwrap_or_default()
}

/// The logged leaves of records: (kind, record id) → leaf index, skipping records not logged.
async fn leaves(state: &AppState, records: &[(&str, i64)]) -> Result<Vec<u64>, AppError> {
    let mut out = Vec::with_capacity(records.len());
    for (k, id) in records {
        if let Some((index, _, _)) = state.store.logged(k, *id).await? {
            out.push(index);
        }
    }
    Ok(out)
}

/// The base of public links: `ZHIAN_PUBLIC_URL`, else this server as configured.
fn public_base(state: &AppState) -> String {
    state
        .settings
        .public_url
        .clone()
        .unwrap_or_else(|| "http://localhost:8080".to_owned())
        .trim_end_matches('/')
        .to_owned()
}

/// Finishes a document: the unit's header, and the code naming the logged records at `leaves`.
async fn finish(
    state: &AppState,
    unit_id: i64,
    kind: DocKind,
    title: String,
    period: String,
    blocks: Vec<Block>,
    leaves: Vec<u64>,
) -> Result<Document, AppError> {
    let unit = state.store.unit(unit_id).await?.ok_or(AppError::NotFound)?;
    let mut leaves = leaves;
    leaves.sort_unstable();
    leaves.dedup();
    // Every document gets a code, even one showing no logged record (a risk list, a duty text): the page then
    // says who issued it and for when.
    let proof = {
        let code =
            state.store.issue_document_code(unit_id, kind.code(), &title, &period, &leaves, state.clock.now()).await?;
        let hashes = state.store.leaf_hashes(&leaves).await?;
        Some(Proof {
            url: format!("{}/v/{code}", public_base(state)),
            code,
            records: leaves
                .into_iter()
                .zip(hashes)
                .map(|(leaf_index, leaf_hash)| ProofRecord { leaf_index, leaf_hash })
                .collect(),
        })
    };
    Ok(Document { kind, title, unit: unit.name, credit_code: unit.credit_code, period, blocks, proof })
}

/// The title of a tier's record: the unit's own name where it set one.
async fn record_title(
    state: &AppState,
    unit_id: i64,
    tier: zhian_domain::Tier,
    kind: DocKind,
) -> Result<String, AppError> {
    let name = state.store.unit_settings(unit_id).await?.record_name(tier);
    Ok(if name.trim().is_empty() { kind.name().to_owned() } else { name })
}

/// 《每日工业产品质量安全检查记录》 of one daily check.
pub async fn daily_record(state: &AppState, unit_id: i64, check_id: i64) -> Result<Document, AppError> {
    let c = state.store.daily_check(unit_id, check_id).await?.ok_or(AppError::NotFound)?;
    let title = record_title(state, unit_id, zhian_domain::Tier::Daily, DocKind::DailyRecord).await?;
    let mut fields = vec![
        ("检查期间".to_owned(), c.period.clone()),
        ("检查人".to_owned(), c.created_by.clone()),
        ("提交时间".to_owned(), crate::view::local(c.created_at)),
        (
            "结论".to_owned(),
            if c.zero_risk {
                "未发现风险隐患（零风险）".to_owned()
            } else {
                "发现风险隐患，已登记整改".to_owned()
            },
        ),
    ];
    if let Some(original) = c.amends {
        fields.push(("更正".to_owned(), format!("本记录更正第 {original} 号记录，原记录保留可查")));
    }
    let rows = c
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            vec![number(i + 1), text(&it.risk_point), text(&it.item), text(it.result.label()), text(&it.note)]
        })
        .collect();
    let mut blocks = vec![
        Block::Fields { fields },
        table(&[("序号", 3), ("风险点", 8), ("检查内容", 14), ("结果", 5), ("说明", 12)], rows),
    ];
    blocks.extend(para("备注", &c.note));
    blocks.push(Block::Signatures { labels: vec!["质量安全员（签字）".to_owned()] });
    let leaves = leaves(state, &[(kind::DAILY_CHECK, c.id)]).await?;
    finish(state, unit_id, DocKind::DailyRecord, title, c.period, blocks, leaves).await
}

/// 《每周工业产品质量安全排查治理报告》 of one weekly investigation.
pub async fn weekly_report(state: &AppState, unit_id: i64, review_id: i64) -> Result<Document, AppError> {
    let r = state.store.weekly_review(unit_id, review_id).await?.ok_or(AppError::NotFound)?;
    let title = record_title(state, unit_id, zhian_domain::Tier::Weekly, DocKind::WeeklyReport).await?;
    let mut fields = vec![
        ("排查周期".to_owned(), r.period.clone()),
        ("报告人（质量安全总监）".to_owned(), r.created_by.clone()),
        ("提交时间".to_owned(), crate::view::local(r.created_at)),
    ];
    if let Some(original) = r.amends {
        fields.push(("更正".to_owned(), format!("本报告更正第 {original} 号报告，原报告保留可查")));
    }
    let mut blocks = vec![Block::Fields { fields }];
    blocks.extend(para("一、本周日管控情况（系统汇总）", &r.draft));
    blocks.extend(para("二、分析", &r.analysis));
    blocks.extend(para("三、结论与措施", &r.conclusions));
    blocks.push(Block::Signatures {
        labels: vec!["质量安全总监（签字）".to_owned(), "主要负责人（签收）".to_owned()]
    });
    let leaves = leaves(state, &[(kind::WEEKLY_REVIEW, r.id)]).await?;
    finish(state, unit_id, DocKind::WeeklyReport, title, r.period, blocks, leaves).await
}

/// 《每月工业产品质量安全调度会议纪要》 of one monthly meeting.
pub async fn monthly_minutes(state: &AppState, unit_id: i64, meeting_id: i64) -> Result<Document, AppError> {
    let m = state.store.monthly_meeting(unit_id, meeting_id).await?.ok_or(AppError::NotFound)?;
    let title = record_title(state, unit_id, zhian_domain::Tier::Monthly, DocKind::MonthlyMinutes).await?;
    let mut fields = vec![
        ("会议时间".to_owned(), m.held_at.clone()),
        ("会议地点".to_owned(), m.place.clone()),
        ("主持人".to_owned(), m.host.clone()),
        ("记录人".to_owned(), m.recorder.clone()),
        ("参会人员".to_owned(), m.attendees.clone()),
    ];
    if let Some(original) = m.amends {
        fields.push(("更正".to_owned(), format!("本纪要更正第 {original} 号纪要，原纪要保留可查")));
    }
    let mut blocks = vec![Block::Fields { fields }];
    blocks.extend(para("一、质量安全总监工作报告", if m.report.trim().is_empty() { &m.draft } else { &m.report }));
    blocks.extend(para("二、本月工作总结", &m.summary));
    blocks.extend(para("三、会议决定", &m.decisions));
    blocks.push(Block::Heading { text: "四、下月重点工作".to_owned() });
    let rows = m
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let done = t.done.as_ref().map_or_else(String::new, |(at, by, _)| format!("{by} {} 完成", local_date(*at)));
            vec![number(i + 1), text(&t.work), text(&t.owner), date(t.due), text(&done)]
        })
        .collect();
    blocks.push(table(&[("序号", 3), ("工作内容", 18), ("责任人", 6), ("完成时限", 7), ("完成情况", 10)], rows));
    let confirmation = match &m.confirmed {
        Some((by, at, note)) => format!("主要负责人 {by} 于 {} 确认。{note}", crate::view::local(*at)),
        None => "尚未经主要负责人确认".to_owned(),
    };
    blocks.extend(para("五、主要负责人确认", &confirmation));
    blocks.push(Block::Signatures {
        labels: vec!["主持人（签字）".to_owned(), "记录人（签字）".to_owned(), "主要负责人（签字）".to_owned()],
    });
    let mut logged = vec![(kind::MONTHLY_MEETING, m.id)];
    if m.confirmed.is_some() {
        logged.push((kind::MONTHLY_CONFIRMATION, m.id));
    }
    let leaves = leaves(state, &logged).await?;
    finish(state, unit_id, DocKind::MonthlyMinutes, title, m.period, blocks, leaves).await
}

/// 《风险隐患台账》: every hazard with its state, owner and deadline.
pub async fn hazard_register(state: &AppState, unit_id: i64) -> Result<Document, AppError> {
    let today = state.clock.today();
    let hazards = state.store.hazards(unit_id).await?;
    let mut logged = Vec::new();
    let mut rows = Vec::with_capacity(hazards.len());
    for h in &hazards {
        let source = match (h.source_check_id, h.source_inspection_id) {
            (Some(c), _) => format!("日管控 #{c}"),
            (_, Some(i)) => format!("自查 #{i}"),
            _ => "随时发现".to_owned(),
        };
        let overdue = zhian_domain::hazard::overdue(h.status, h.deadline, today);
        let status = if overdue { format!("{}（逾期）", h.status.label()) } else { h.status.label().to_owned() };
        rows.push(vec![
            number(h.id),
            date(local_date(h.created_at)),
            text(&h.title),
            text(&h.description),
            text(&source),
            text(h.owner.as_deref().unwrap_or("")),
            h.deadline.map_or(Cell::Empty, date),
            text(&status),
        ]);
        match (h.source_check_id, h.source_inspection_id) {
            (Some(c), _) => logged.push((kind::DAILY_CHECK, c)),
            (_, Some(i)) => logged.push((kind::SELF_INSPECTION, i)),
            _ => {}
        }
        if let Some((_, events)) = state.store.hazard(unit_id, h.id).await? {
            logged.extend(events.iter().map(|e| (kind::HAZARD_EVENT, e.id)));
        }
    }
    let blocks = vec![table(
        &[
            ("编号", 4),
            ("发现日期", 7),
            ("隐患", 10),
            ("描述", 14),
            ("来源", 7),
            ("责任人", 6),
            ("整改期限", 7),
            ("状态", 7),
        ],
        rows,
    )];
    let leaves = leaves(state, &logged).await?;
    finish(
        state,
        unit_id,
        DocKind::HazardRegister,
        DocKind::HazardRegister.name().to_owned(),
        format!("截至 {today}"),
        blocks,
        leaves,
    )
    .await
}

/// 《否决建议记录》: every veto and its answer.
pub async fn veto_log(state: &AppState, unit_id: i64) -> Result<Document, AppError> {
    let today = state.clock.today();
    let vetoes = state.store.vetoes(unit_id).await?;
    let mut logged = Vec::new();
    let rows = vetoes
        .iter()
        .map(|v| {
            logged.push((kind::VETO, v.id));
            let (decision, reasons, measures, by, at) = match &v.answer {
                Some((d, reasons, measures, by, at)) => {
                    logged.push((kind::VETO_ANSWER, v.id));
                    (d.label().to_owned(), reasons.clone(), measures.clone(), by.clone(), crate::view::local(*at))
                }
                None => ("待答复".to_owned(), String::new(), String::new(), String::new(), String::new()),
            };
            vec![
                number(v.id),
                text(&crate::view::local(v.created_at)),
                text(&v.product),
                text(&v.defect),
                text(&v.proposal),
                text(&v.proposed_by),
                text(&decision),
                text(&reasons),
                text(&measures),
                text(&by),
                text(&at),
            ]
        })
        .collect();
    let blocks = vec![table(
        &[
            ("编号", 4),
            ("提出时间", 8),
            ("产品", 8),
            ("缺陷", 10),
            ("建议", 10),
            ("提出人", 5),
            ("决定", 5),
            ("理由", 10),
            ("措施", 10),
            ("决定人", 5),
            ("决定时间", 8),
        ],
        rows,
    )];
    let leaves = leaves(state, &logged).await?;
    finish(
        state,
        unit_id,
        DocKind::VetoLog,
        DocKind::VetoLog.name().to_owned(),
        format!("截至 {today}"),
        blocks,
        leaves,
    )
    .await
}

/// 《停业记录》: every suspension of business.
pub async fn suspension_log(state: &AppState, unit_id: i64) -> Result<Document, AppError> {
    let today = state.clock.today();
    let rows_in = state.store.suspensions(unit_id).await?;
    let logged: Vec<(&str, i64)> = rows_in.iter().map(|s| (kind::SUSPENSION, s.id)).collect();
    let rows = rows_in
        .iter()
        .map(|s| {
            vec![
                number(s.id),
                date(s.from),
                date(s.to),
                text(&s.reason),
                text(&s.created_by),
                text(&crate::view::local(s.created_at)),
            ]
        })
        .collect();
    let blocks = vec![table(
        &[("编号", 4), ("起始日期", 7), ("结束日期", 7), ("原因", 16), ("登记人", 6), ("登记时间", 9)],
        rows,
    )];
    let leaves = leaves(state, &logged).await?;
    finish(
        state,
        unit_id,
        DocKind::SuspensionLog,
        DocKind::SuspensionLog.name().to_owned(),
        format!("截至 {today}"),
        blocks,
        leaves,
    )
    .await
}

/// 《质量安全人员名册》: the people in post and the whole appointment history.
pub async fn roster(state: &AppState, unit_id: i64) -> Result<Document, AppError> {
    let today = state.clock.today();
    let appointments = state.store.appointments(unit_id).await?;
    let mut logged = Vec::new();
    let rows = appointments
        .iter()
        .map(|a| {
            logged.push((kind::APPOINTMENT, a.id));
            if a.to.is_some() {
                logged.push((kind::APPOINTMENT_END, a.id));
            }
            let state = if a.to.is_none_or(|to| to >= today) { "在岗" } else { "已离任" };
            vec![
                text(&a.person_name),
                text(a.post.label()),
                text(a.employment.label()),
                date(a.from),
                a.to.map_or(Cell::Empty, date),
                text(state),
                text(&a.reason),
                text(a.end_reason.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    let blocks = vec![table(
        &[
            ("姓名", 6),
            ("岗位", 8),
            ("专兼职", 4),
            ("任职日期", 7),
            ("离任日期", 7),
            ("状态", 4),
            ("任命依据", 12),
            ("离任原因", 10),
        ],
        rows,
    )];
    let leaves = leaves(state, &logged).await?;
    finish(state, unit_id, DocKind::Roster, DocKind::Roster.name().to_owned(), format!("截至 {today}"), blocks, leaves)
        .await
}

/// 《质量安全培训与考核记录》.
pub async fn training_record(state: &AppState, unit_id: i64) -> Result<Document, AppError> {
    let today = state.clock.today();
    let hours = |tenths: u32| text(&format!("{}.{}", tenths / 10, tenths % 10));
    let sessions = state
        .store
        .training_sessions(unit_id)
        .await?
        .iter()
        .map(|s| {
            let names: Vec<&str> = s.attendees.iter().map(|(_, n)| n.as_str()).collect();
            vec![date(s.date), text(&s.topic), hours(s.tenth_hours), text(&s.trainer), text(&names.join("、"))]
        })
        .collect();
    let mut results: Vec<(chrono::NaiveDate, Vec<Cell>)> = state
        .store
        .trainings(unit_id)
        .await?
        .iter()
        .map(|t| {
            let row = vec![
                date(t.date),
                text(&t.person_name),
                text(&format!("线下：{}", t.content)),
                t.score.map_or(Cell::Empty, |s| text(&s.to_string())),
                text(match (t.score, t.passed) {
                    (None, _) => "仅培训",
                    (Some(_), true) => "合格",
                    (Some(_), false) => "不合格",
                }),
            ];
            (t.date, row)
        })
        .collect();
    for a in state.store.attempts(unit_id).await? {
        let (Some(at), Some(passed)) = (a.submitted_at, a.passed) else { continue };
        let day = zhian_domain::time::date_of_day(zhian_domain::time::day_of_instant(at)).unwrap_or_default();
        let score = zhian_domain::exam::score::points_text(a.earned.unwrap_or_default());
        let row = vec![
            date(day),
            text(&a.person_name),
            text(&format!("在线：{}", a.title)),
            text(&score),
            text(if passed { "合格" } else { "不合格" }),
        ];
        results.push((day, row));
    }
    results.sort_by_key(|r| std::cmp::Reverse(r.0));
    let blocks = vec![
        Block::Heading { text: "一、培训".to_owned() },
        table(&[("日期", 7), ("培训内容", 16), ("学时", 4), ("授课人", 6), ("参训人员", 14)], sessions),
        Block::Heading { text: "二、考核".to_owned() },
        table(
            &[("日期", 7), ("人员", 6), ("考核", 18), ("成绩", 5), ("结果", 5)],
            results.into_iter().map(|(_, row)| row).collect(),
        ),
    ];
    finish(
        state,
        unit_id,
        DocKind::Training,
        DocKind::Training.name().to_owned(),
        format!("截至 {today}"),
        blocks,
        Vec::new(),
    )
    .await
}

/// 《质量安全管理人员培训考核合格证明》 of one passed exam attempt.
pub async fn certificate(state: &AppState, unit_id: i64, attempt_id: i64) -> Result<Document, AppError> {
    let a = state.store.attempt(unit_id, attempt_id).await?;
    let (Some(at), Some(true)) = (a.submitted_at, a.passed) else {
        return Err(AppError::Conflict("只有考核合格的才能出具合格证明".into()));
    };
    let blueprint: zhian_domain::exam::Blueprint =
        serde_json::from_str(&a.blueprint).map_err(|_| AppError::Internal("考试方案无法读取".into()))?;
    let earned = zhian_domain::exam::score::points_text(a.earned.unwrap_or_default());
    let possible = zhian_domain::exam::score::points_text(a.possible.unwrap_or_default());
    let fields = vec![
        ("姓名".to_owned(), a.person_name.clone()),
        ("考核名称".to_owned(), a.title.clone()),
        ("交卷时间".to_owned(), crate::view::local(at)),
        ("成绩".to_owned(), format!("{earned} 分（满分 {possible} 分，合格线 {} 分）", blueprint.pass_mark)),
        ("结论".to_owned(), "合格".to_owned()),
    ];
    let rows = crate::usecases::exams::breakdown(&a)
        .into_iter()
        .map(|(area, right, questions, earned, possible)| {
            vec![text(&area), number(right), number(questions), text(&format!("{earned} / {possible}"))]
        })
        .collect();
    let blocks = vec![
        Block::Fields { fields },
        table(&[("领域", 8), ("答对题数", 5), ("题数", 5), ("得分 / 满分", 8)], rows),
        Block::Paragraph {
            text: format!(
                "{}已通过法律法规、标准和专业知识考核，可以担任质量安全总监或质量安全员。本证明的成绩记在透明日志上，\
                 扫描二维码或打开下方网址可以核验。",
                a.person_name
            ),
        },
    ];
    let leaves = leaves(state, &[(kind::EXAM_RESULT, a.id)]).await?;
    let day = zhian_domain::time::date_of_day(zhian_domain::time::day_of_instant(at)).unwrap_or_default();
    finish(
        state,
        unit_id,
        DocKind::Certificate,
        DocKind::Certificate.name().to_owned(),
        day.to_string(),
        blocks,
        leaves,
    )
    .await
}

/// 《工业产品质量安全风险管控清单》 of the current version.
pub async fn risk_list(state: &AppState, unit_id: i64) -> Result<Document, AppError> {
    let list = state.store.risk_list(unit_id, None).await?.ok_or(AppError::NotFound)?;
    let rows = list
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                number(i + 1),
                text(&r.stage),
                text(&r.risk_point),
                text(&r.description),
                text(&r.measure),
                text(&r.target),
                text(&r.frequency),
                text(&r.role),
            ]
        })
        .collect();
    let blocks = vec![
        Block::Fields {
            fields: vec![
                ("版本".to_owned(), format!("第 {} 版", list.version)),
                ("制定人".to_owned(), list.created_by.clone()),
                ("制定时间".to_owned(), crate::view::local(list.created_at)),
            ],
        },
        table(
            &[
                ("序号", 3),
                ("环节", 6),
                ("风险点", 8),
                ("风险描述", 12),
                ("管控措施", 14),
                ("管控目标", 8),
                ("频次", 5),
                ("责任岗位", 6),
            ],
            rows,
        ),
        Block::Signatures {
            labels: vec!["质量安全总监（签字）".to_owned(), "主要负责人（签字）".to_owned()]
        },
    ];
    let period = format!("第 {} 版，{} 起施行", list.version, local_date(list.created_at));
    finish(state, unit_id, DocKind::RiskList, DocKind::RiskList.name().to_owned(), period, blocks, Vec::new()).await
}

/// 《质量安全总监职责》 or 《质量安全员守则》 of the current version.
pub async fn duty_text(state: &AppState, unit_id: i64, kind: DocKind) -> Result<Document, AppError> {
    let duty = match kind {
        DocKind::DirectorDuties => zhian_store::models::DutyKind::Director,
        _ => zhian_store::models::DutyKind::Officer,
    };
    let text = state.store.duty_text(unit_id, duty, None).await?.ok_or(AppError::NotFound)?;
    let blocks = vec![
        Block::Paragraph { text: text.body.clone() },
        Block::Signatures { labels: vec!["主要负责人（签字）".to_owned()] },
    ];
    let period = format!("第 {} 版，{} 起施行", text.version, local_date(text.created_at));
    finish(state, unit_id, kind, kind.name().to_owned(), period, blocks, Vec::new()).await
}

/// 《质量安全应办事项日历》 of the current month: every slot of the three tiers, its window and its state now.
pub async fn obligation_calendar(state: &AppState, unit_id: i64) -> Result<Document, AppError> {
    use chrono::Datelike;
    let today = state.clock.today();
    let first = today.with_day(1).unwrap_or(today);
    let last = first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(today);
    let tiers = [zhian_domain::Tier::Daily, zhian_domain::Tier::Weekly, zhian_domain::Tier::Monthly];
    let calendar = super::unit_calendar(state, unit_id, first, last, &tiers).await?;
    let day = |secs: i64| chrono::DateTime::from_timestamp(secs, 0).map_or(Cell::Empty, |at| date(local_date(at)));
    let rows = calendar
        .slots
        .iter()
        .map(|s| {
            vec![
                text(s.tier.label()),
                text(&s.period.to_string()),
                day(s.window.start),
                day(s.window.end - 1),
                text(s.status.label()),
                text(&s.record_at.map(crate::view::local).unwrap_or_default()),
            ]
        })
        .collect();
    let blocks = vec![table(&[("层级", 5), ("时段", 9), ("起", 7), ("止", 7), ("状态", 6), ("提交时间", 10)], rows)];
    let period = format!("{}（截至 {today}）", first.format("%Y-%m"));
    finish(
        state,
        unit_id,
        DocKind::ObligationCalendar,
        DocKind::ObligationCalendar.name().to_owned(),
        period,
        blocks,
        Vec::new(),
    )
    .await
}

/// The document of `kind` (with its record for the three records).
pub async fn document(
    state: &AppState,
    unit_id: i64,
    kind: DocKind,
    record_id: Option<i64>,
) -> Result<Document, AppError> {
    let record = || record_id.ok_or(AppError::NotFound);
    match kind {
        DocKind::DailyRecord => daily_record(state, unit_id, record()?).await,
        DocKind::WeeklyReport => weekly_report(state, unit_id, record()?).await,
        DocKind::MonthlyMinutes => monthly_minutes(state, unit_id, record()?).await,
        DocKind::RiskList => risk_list(state, unit_id).await,
        DocKind::DirectorDuties | DocKind::OfficerRules => duty_text(state, unit_id, kind).await,
        DocKind::Roster => roster(state, unit_id).await,
        DocKind::Training => training_record(state, unit_id).await,
        DocKind::HazardRegister => hazard_register(state, unit_id).await,
        DocKind::VetoLog => veto_log(state, unit_id).await,
        DocKind::SuspensionLog => suspension_log(state, unit_id).await,
        DocKind::ObligationCalendar => obligation_calendar(state, unit_id).await,
        DocKind::Certificate => certificate(state, unit_id, record()?).await,
    }
}
