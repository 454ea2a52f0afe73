//! `zhian obligations`: the obligation calendar of a scenario file.
//!
//! The file is read into plain strings first (unknown fields refused), then every value is parsed with its field
//! path, so a bad date or period is reported as, say, `records[3].period`.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use zhian_domain::cadence::Cadences;
use zhian_domain::calendar::{Calendar, evaluate};
use zhian_domain::time::{WeekdaySet, local_instant, parse_iso_date};
use zhian_domain::{Cadence, DateRange, ObligationQuery, Period, Record, SlotStatus, Suspension, Tier};

use crate::args::ObligationsArgs;
use crate::cadence::tier;
use crate::error::{CmdResult, Failure, io_failure};

/// The longest range evaluated at once, in days (ten years).
const MAX_RANGE_DAYS: i64 = 3_660;

/// The scenario file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    from: String,
    to: String,
    as_of: String,
    #[serde(default)]
    closed_weekdays: Vec<String>,
    #[serde(default)]
    suspensions: Vec<RawSuspension>,
    #[serde(default)]
    cadences: BTreeMap<String, String>,
    #[serde(default)]
    records: Vec<RawRecord>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuspension {
    from: String,
    to: String,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecord {
    tier: String,
    period: String,
    submitted_at: String,
}

/// A scenario with every value parsed.
struct Scenario {
    range: DateRange,
    as_of: DateTime<Utc>,
    closed: WeekdaySet,
    suspensions: Vec<Suspension>,
    cadences: Cadences,
    records: Vec<Record>,
}

pub fn run(a: &ObligationsArgs, out: &mut dyn Write) -> CmdResult {
    let path = a.scenario.display().to_string();
    let text = std::fs::read_to_string(&a.scenario)
        .map_err(|e| Failure::BadInput(format!("无法读取场景文件 \"{path}\"：{e}")))?;
    let raw: RawScenario = serde_json::from_str(&text)
        .map_err(|e| Failure::BadInput(format!("场景文件 \"{path}\" 不是有效的场景 JSON：{e}")))?;
    let s = parse(raw)?;
    let calendar = evaluate(&ObligationQuery {
        range: s.range,
        as_of: s.as_of,
        closed_weekdays: s.closed,
        suspensions: &s.suspensions,
        cadences: s.cadences,
        records: &s.records,
    });
    let rendered = if a.json { json(&calendar)? } else { text_report(&s, &calendar) };
    out.write_all(rendered.as_bytes()).map_err(io_failure)?;
    Ok(0)
}

fn date(field: &str, value: &str) -> Result<NaiveDate, Failure> {
    parse_iso_date(value).ok_or_else(|| Failure::bad_value(field, value, "不是存在的日期（格式 YYYY-MM-DD）"))
}

fn instant(field: &str, value: &str) -> Result<DateTime<Utc>, Failure> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Failure::bad_value(field, value, "不是 RFC 3339 时刻（如 2026-03-02T10:00:00+08:00）"))
}

fn date_range(field: &str, from: &str, to: &str) -> Result<DateRange, Failure> {
    let (a, b) = (date(&format!("{field}from"), from)?, date(&format!("{field}to"), to)?);
    DateRange::new(a, b).map_err(|e| Failure::BadInput(format!("{field}from/{field}to 无效：{e}")))
}

fn parse(raw: RawScenario) -> Result<Scenario, Failure> {
    let range = date_range("", &raw.from, &raw.to)?;
    if range.len_days() > MAX_RANGE_DAYS {
        return Err(Failure::BadInput(format!(
            "from/to 跨度 {} 天，超过上限 {MAX_RANGE_DAYS} 天（十年）",
            range.len_days()
        )));
    }
    let as_of = instant("as_of", &raw.as_of)?;
    let mut closed = WeekdaySet::empty();
    for (i, day) in raw.closed_weekdays.iter().enumerate() {
        let weekday = WeekdaySet::parse_weekday(day).ok_or_else(|| {
            Failure::bad_value(&format!("closed_weekdays[{i}]"), day, "应为 mon、tue、wed、thu、fri、sat、sun 之一")
        })?;
        closed = closed.with(weekday);
    }
    let suspensions = raw
        .suspensions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Ok(Suspension {
                range: date_range(&format!("suspensions[{i}]."), &s.from, &s.to)?,
                reason: s.reason.clone(),
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let mut cadences = Cadences::default();
    for (key, spec) in &raw.cadences {
        let field = format!("cadences.{key}");
        let t = tier(&field, key).map_err(|_| {
            Failure::BadInput(format!("cadences 中的层级 \"{key}\" 无效：应为 daily、weekly 或 monthly"))
        })?;
        let cadence: Cadence = spec.parse().map_err(|e| Failure::BadInput(format!("{field}：{e}")))?;
        cadences.set(t, cadence).map_err(|why| Failure::bad_value(&field, spec, why))?;
    }
    let records = raw
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let tier = tier(&format!("records[{i}].tier"), &r.tier)?;
            let period = Period::parse(cadences.get(tier), &r.period)
                .map_err(|e| Failure::BadInput(format!("records[{i}].period：{e}")))?;
            let submitted_at = instant(&format!("records[{i}].submitted_at"), &r.submitted_at)?;
            Ok(Record { tier, period, submitted_at })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    Ok(Scenario { range, as_of, closed, suspensions, cadences, records })
}

#[derive(Serialize)]
struct SlotJson {
    tier: &'static str,
    period: String,
    window_start: String,
    window_end: String,
    status: &'static str,
}

#[derive(Serialize)]
struct CountsJson {
    done: u32,
    late: u32,
    missing: u32,
    excused: u32,
    due: u32,
    upcoming: u32,
}

#[derive(Serialize)]
struct SummaryJson {
    daily: CountsJson,
    weekly: CountsJson,
    monthly: CountsJson,
}

#[derive(Serialize)]
struct CalendarJson {
    slots: Vec<SlotJson>,
    summary: SummaryJson,
}

fn rfc3339(unix: i64) -> String {
    local_instant(unix).map(|t| t.to_rfc3339()).unwrap_or_default()
}

fn json(calendar: &Calendar) -> Result<String, Failure> {
    let counts = |tier| {
        let n = |status| calendar.summary.count(tier, status);
        CountsJson {
            done: n(SlotStatus::Done),
            late: n(SlotStatus::Late),
            missing: n(SlotStatus::Missing),
            excused: n(SlotStatus::Excused),
            due: n(SlotStatus::Due),
            upcoming: n(SlotStatus::Upcoming),
        }
    };
    let doc = CalendarJson {
        slots: calendar
            .slots
            .iter()
            .map(|s| SlotJson {
                tier: s.tier.code(),
                period: s.period.to_string(),
                window_start: rfc3339(s.window.start),
                window_end: rfc3339(s.window.end),
                status: s.status.code(),
            })
            .collect(),
        summary: SummaryJson {
            daily: counts(Tier::Daily),
            weekly: counts(Tier::Weekly),
            monthly: counts(Tier::Monthly),
        },
    };
    let mut text = serde_json::to_string(&doc).map_err(|e| Failure::BadInput(e.to_string()))?;
    text.push('\n');
    Ok(text)
}

fn text_report(s: &Scenario, calendar: &Calendar) -> String {
    let as_of =
        local_instant(s.as_of.timestamp()).map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default();
    let mut text = format!("{} 至 {}，截至 {as_of}（北京时间）\n\n", s.range.from(), s.range.to());
    text.push_str("层级\t周期\t");
    text.push_str(&SlotStatus::ALL.map(SlotStatus::label).join("\t"));
    text.push('\n');
    for tier in Tier::ALL {
        let counts = SlotStatus::ALL.map(|st| calendar.summary.count(tier, st).to_string()).join("\t");
        text.push_str(&format!("{}\t{}\t{counts}\n", tier.label(), s.cadences.get(tier)));
    }
    for status in [SlotStatus::Missing, SlotStatus::Late, SlotStatus::Due] {
        let periods: Vec<String> = calendar
            .slots
            .iter()
            .filter(|slot| slot.status == status)
            .map(|slot| format!("{} {}", slot.tier.label(), slot.period))
            .collect();
        if !periods.is_empty() {
            text.push_str(&format!("\n{}（{}）：\n  {}\n", status.label(), periods.len(), periods.join("\n  ")));
        }
    }
    text
}
