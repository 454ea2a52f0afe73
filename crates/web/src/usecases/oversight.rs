//! The regulator's dashboard: for a jurisdiction and a period, the units in scope, their staffing, the completion
//! of the three tiers, hazards and vetoes — per child division (province → city → county) or, in a county, per
//! unit. The facts come in a fixed number of queries; each unit is then evaluated by the same rules as its own
//! pages (the obligation calendar, the scope assessment, the staffing tally).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::HashMap;
use zhian_domain::access::Post;
use zhian_domain::calendar::{ObligationQuery, Record, evaluate_owed};
use zhian_domain::ident::{DivisionCode, DivisionLevel};
use zhian_domain::staffing::{Staffing, Tenure};
use zhian_domain::{DateRange, Period, SlotStatus, Tier};
use zhian_reference::Reference;

use zhian_store::oversight::{JurisdictionSums, UnitFacts};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;

/// Done, late and missing slots of a tier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// On time.
    pub done: u32,
    /// Made after the window closed.
    pub late: u32,
    /// Not made, window closed.
    pub missing: u32,
}

impl Tally {
    /// Slots owed so far (done, late or missing).
    #[must_use]
    pub fn owed(&self) -> u32 {
        self.done + self.late + self.missing
    }

    /// Percent made (on time or late) of those owed, one decimal; "—" when none owed.
    #[must_use]
    pub fn completion(&self) -> String {
        percent(self.done + self.late, self.owed())
    }
}

fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "—".to_owned();
    }
    let tenths = (u64::from(part) * 1000 + u64::from(whole) / 2) / u64::from(whole);
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// The figures of a set of units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Units in scope of Order 76.
    pub units: u32,
    /// With every required post filled (a director where required, at least one officer).
    pub staffed: u32,
    /// Staffed, and everyone in those posts has a passed assessment.
    pub assessed: u32,
    /// 日管控.
    pub daily: Tally,
    /// 周排查.
    pub weekly: Tally,
    /// 月调度.
    pub monthly: Tally,
    /// Hazards not closed.
    pub open_hazards: u32,
    /// Of those, overdue.
    pub overdue_hazards: u32,
    /// Vetoes not answered.
    pub vetoes_waiting: u32,
    /// Of those, escalated.
    pub vetoes_escalated: u32,
}

impl Figures {
    /// Percent of units staffed.
    #[must_use]
    pub fn staffed_rate(&self) -> String {
        percent(self.staffed, self.units)
    }

    /// Percent of units staffed and assessed.
    #[must_use]
    pub fn assessed_rate(&self) -> String {
        percent(self.assessed, self.units)
    }

    /// Late entries of all three tiers, as a percent of the records made.
    #[must_use]
    pub fn late_rate(&self) -> String {
        let (late, made) =
            [self.daily, self.weekly, self.monthly].iter().fold((0, 0), |(l, m), t| (l + t.late, m + t.done + t.late));
        percent(late, made)
    }
}

/// One unit evaluated over `from..=to` at `now` (today `today`). A unit out of scope counts for nothing.
#[must_use]
pub fn unit_figures(
    reference: &Reference,
    f: &UnitFacts,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Figures {
    let assessment = super::units::assessment_of(
        reference,
        (f.channel, f.employees, f.revenue_yuan),
        &f.products,
        f.category3_policy,
    );
    if !assessment.in_scope {
        return Figures::default();
    }
    let tenures: Vec<Tenure> =
        f.tenures.iter().map(|(_, post, from, to)| Tenure { post: *post, from: *from, to: *to }).collect();
    let staffing = Staffing::tally(&assessment, &tenures, today);
    let staffed = staffing.is_staffed();
    let in_post = f.tenures.iter().filter(|(_, post, from, to)| {
        matches!(post, Post::Director | Post::Officer) && *from <= today && to.is_none_or(|t| today <= t)
    });
    let assessed = staffed && in_post.clone().all(|(person, ..)| f.assessed.contains(person));
    let mut figures = Figures {
        units: 1,
        staffed: u32::from(staffed),
        assessed: u32::from(assessed),
        open_hazards: f.open_hazards,
        overdue_hazards: f.overdue_hazards,
        vetoes_waiting: f.vetoes_waiting,
        vetoes_escalated: f.vetoes_escalated,
        ..Figures::default()
    };
    let Ok(range) = DateRange::new(from, to) else { return figures };
    let records: Vec<Record> = f
        .submissions
        .iter()
        .filter_map(|(tier, period, at)| {
            Period::parse(f.settings.cadences.get(*tier), period).ok().map(|p| Record {
                tier: *tier,
                period: p,
                submitted_at: *at,
            })
        })
        .collect();
    let query = ObligationQuery {
        range,
        as_of: now,
        closed_weekdays: f.settings.closed,
        suspensions: &f.suspensions,
        cadences: f.settings.cadences,
        records: &records,
    };
    let calendar = evaluate_owed(&query, zhian_domain::time::day_of_instant(f.settings.registered_at));
    for (tier, tally) in
        [(Tier::Daily, &mut figures.daily), (Tier::Weekly, &mut figures.weekly), (Tier::Monthly, &mut figures.monthly)]
    {
        *tally = Tally {
            done: calendar.summary.count(tier, SlotStatus::Done),
            late: calendar.summary.count(tier, SlotStatus::Late),
            missing: calendar.summary.count(tier, SlotStatus::Missing),
        };
    }
    figures
}

/// One row of the dashboard: a child division (with its drill-down) or, in a county, a unit.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The division's or unit's name.
    pub label: String,
    /// Its code (division code, or the unit's credit code).
    pub code: String,
    /// Where it drills down to.
    pub link: String,
    /// Its figures.
    pub figures: Figures,
}

/// The dashboard of a jurisdiction and period.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// The division.
    pub division: String,
    /// Its name.
    pub name: String,
    /// The way up: (code, name) from the province.
    pub path: Vec<(String, String)>,
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// The whole jurisdiction.
    pub total: Figures,
    /// Per child division, or per unit in a county.
    pub rows: Vec<Row>,
    /// In a county, which page of its units the rows are.
    pub paging: Option<Paging>,
}

/// A page of a county's units.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Paging {
    /// This page, from 1.
    pub page: usize,
    /// How many pages.
    pub pages: usize,
    /// Units in scope in the county.
    pub units: usize,
}

/// Units per page of a county's dashboard.
pub const PAGE_UNITS: usize = 100;

/// The dashboard of `division` (one of the caller's jurisdictions or inside one) over `from..=to` (default: this
/// month to today).
pub async fn dashboard(
    state: &AppState,
    ctx: &Ctx,
    division: &str,
    from: &str,
    to: &str,
    page: Option<usize>,
) -> Result<Dashboard, AppError> {
    let division = match division.trim() {
        "" => *ctx.subject.jurisdictions.first().ok_or(AppError::Denied("仅限市场监督管理部门账号"))?,
        code => DivisionCode::parse(code).map_err(|e| AppError::BadRequest(format!("行政区划代码无效：{e}")))?,
    };
    if !ctx.subject.jurisdictions.iter().any(|j| j.contains(division)) {
        return Err(AppError::NotFound);
    }
    let today = state.clock.today();
    let parse = |s: &str, default: NaiveDate| match s.trim() {
        "" => Ok(default),
        s => zhian_domain::time::parse_iso_date(s)
            .ok_or_else(|| AppError::BadRequest(format!("日期“{s}”无效，应为 YYYY-MM-DD"))),
    };
    let first_of_month = today.with_day0(0).unwrap_or(today);
    let (from, to) = (parse(from, first_of_month)?, parse(to, today)?);
    if from > to {
        return Err(AppError::BadRequest("起始日期不能晚于截止日期".into()));
    }
    jurisdiction_dashboard(state, division, from, to, page).await
}

use chrono::Datelike as _;

/// The dashboard of a division, whoever asks (the caller has checked the jurisdiction). In a county, the rows are
/// its units: page `page` (from 1) of [`PAGE_UNITS`], or all of them for `None`; the county's figures are its whole.
pub async fn jurisdiction_dashboard(
    state: &AppState,
    division: DivisionCode,
    from: NaiveDate,
    to: NaiveDate,
    page: Option<usize>,
) -> Result<Dashboard, AppError> {
    let now = state.clock.now();
    let today = state.clock.today();
    // Every window touching the period begins at most a month before it, and no record precedes its window.
    let first = zhian_domain::time::day_number(from - chrono::Duration::days(32));
    let start = DateTime::from_timestamp(zhian_domain::time::day_start(first), 0).unwrap_or_default();
    let escalate = now - chrono::Duration::hours(state.settings.veto_escalation_hours);
    let total;
    let mut rows: Vec<Row> = Vec::new();
    let children: Vec<&zhian_reference::Division> =
        state.reference.divisions.iter().filter(|d| d.parent == Some(division)).collect();
    let days = (zhian_domain::time::day_number(from), zhian_domain::time::day_number(to));
    let sums = state.store.jurisdiction_sums(division, days, today, escalate).await?;
    let mut paging = None;
    if division.level() == DivisionLevel::County || children.is_empty() {
        total = summed(&sums, &[], from, to, now).1;
        let units = state.store.units_in_scope(division).await?;
        let shown = match page {
            Some(page) => {
                let pages = units.len().div_ceil(PAGE_UNITS).max(1);
                let page = page.clamp(1, pages);
                paging = Some(Paging { page, pages, units: units.len() });
                units.chunks(PAGE_UNITS).nth(page - 1).unwrap_or_default()
            }
            None => &units[..],
        };
        if let (Some(lo), Some(hi)) = (shown.first(), shown.last()) {
            let facts = state.store.jurisdiction_facts(division, start, today, escalate, Some((*lo, *hi))).await?;
            for f in &facts {
                let figures = unit_figures(&state.reference, f, from, to, now, today);
                if figures.units > 0 {
                    rows.push(Row {
                        label: f.name.clone(),
                        code: f.credit_code.clone(),
                        link: format!("/units/{}", f.unit_id),
                        figures,
                    });
                }
            }
        }
    } else {
        rows = children
            .iter()
            .map(|d| Row {
                label: d.name.clone(),
                code: d.code.to_string(),
                link: format!("/regulator/dashboard?division={}&from={from}&to={to}", d.code),
                figures: Figures::default(),
            })
            .collect();
        let codes: Vec<DivisionCode> = children.iter().map(|d| d.code).collect();
        let (mut per_row, whole) = summed(&sums, &codes, from, to, now);
        for (row, figures) in rows.iter_mut().zip(per_row.drain(..)) {
            row.figures = figures;
        }
        total = whole;
    }
    let mut path = Vec::new();
    let mut at = Some(division);
    while let Some(code) = at {
        let name = state.reference.division(code).map(|d| d.name.clone()).unwrap_or_else(|| code.to_string());
        path.push((code.to_string(), name));
        at = code.parent();
    }
    path.reverse();
    let name = path.last().map(|(_, n)| n.clone()).unwrap_or_default();
    Ok(Dashboard { division: division.to_string(), name, path, from, to, total, rows, paging })
}

/// A jurisdiction's figures from its sums, per child division (`children`) and whole: each group of units alike
/// evaluated once by the same rules as a unit's own calendar, with no records, for what it owes; the tallied slots
/// give what was done or late, and of what was owed and closed, what was recorded.
fn summed(
    sums: &JurisdictionSums,
    children: &[DivisionCode],
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> (Vec<Figures>, Figures) {
    // Figures with signed missing counts while they are summed: owed first, recorded taken off.
    let mut acc: Vec<(Figures, [i64; 3])> = vec![(Figures::default(), [0; 3]); children.len() + 1];
    let whole = children.len();
    // Where a division's figures go: its child's row, if it is in one, and the whole.
    let mut placed: HashMap<String, Option<usize>> = HashMap::new();
    let mut place = |division: &str| {
        let row = *placed.entry(division.to_owned()).or_insert_with(|| {
            let code = DivisionCode::parse(division).ok()?;
            children.iter().position(|c| c.contains(code))
        });
        row.into_iter().chain(std::iter::once(whole))
    };
    let tiers = [Tier::Daily, Tier::Weekly, Tier::Monthly];
    for g in &sums.staffing {
        let staffing = Staffing {
            director_required: g.duties.director_required,
            directors: u32::from(g.director),
            officer_required: g.duties.officer_required,
            officers: u32::from(g.officer),
            officers_recommended: 0,
            principal: false,
        };
        let staffed = staffing.is_staffed();
        for i in place(&g.division) {
            if let Some((f, _)) = acc.get_mut(i) {
                f.units += g.units;
                f.staffed += if staffed { g.units } else { 0 };
                f.assessed += if staffed && g.assessed { g.units } else { 0 };
            }
        }
    }
    let mut owed: HashMap<(zhian_domain::cadence::Cadences, zhian_domain::WeekdaySet, i64), [i64; 3]> = HashMap::new();
    for g in &sums.calendars {
        let evaluate = || {
            let Ok(range) = DateRange::new(from, to) else { return [0; 3] };
            let query = ObligationQuery {
                range,
                as_of: now,
                closed_weekdays: g.closed,
                suspensions: &g.suspensions,
                cadences: g.cadences,
                records: &[],
            };
            let calendar = evaluate_owed(&query, g.registered);
            tiers.map(|t| i64::from(calendar.summary.count(t, SlotStatus::Missing)))
        };
        let missing = if g.suspensions.is_empty() {
            *owed.entry((g.cadences, g.closed, g.registered)).or_insert_with(evaluate)
        } else {
            evaluate()
        };
        for i in place(&g.division) {
            if let Some((_, m)) = acc.get_mut(i) {
                for (m, n) in m.iter_mut().zip(missing) {
                    *m += n * i64::from(g.units);
                }
            }
        }
    }
    for (division, t) in &sums.tallies {
        let k = tiers.iter().position(|x| *x == t.tier).unwrap_or(0);
        for i in place(division) {
            if let Some((f, m)) = acc.get_mut(i) {
                let tally = [&mut f.daily, &mut f.weekly, &mut f.monthly];
                if let Some(tally) = tally.into_iter().nth(k) {
                    tally.done = tally.done.saturating_add(t.done);
                    tally.late = tally.late.saturating_add(t.late);
                }
                if t.closed
                    && !t.excusable
                    && let Some(m) = m.get_mut(k)
                {
                    *m -= i64::from(t.done) + i64::from(t.late);
                }
            }
        }
    }
    for (division, open, overdue) in &sums.hazards {
        for i in place(division) {
            if let Some((f, _)) = acc.get_mut(i) {
                f.open_hazards += open;
                f.overdue_hazards += overdue;
            }
        }
    }
    for (division, waiting, escalated) in &sums.vetoes {
        for i in place(division) {
            if let Some((f, _)) = acc.get_mut(i) {
                f.vetoes_waiting += waiting;
                f.vetoes_escalated += escalated;
            }
        }
    }
    let mut figures: Vec<Figures> = acc
        .into_iter()
        .map(|(mut f, m)| {
            for (tally, m) in [&mut f.daily, &mut f.weekly, &mut f.monthly].into_iter().zip(m) {
                tally.missing = u32::try_from(m.max(0)).unwrap_or(u32::MAX);
            }
            f
        })
        .collect();
    let total = figures.pop().unwrap_or_default();
    (figures, total)
}

/// The dashboard as a workbook: the whole and each row, every figure a column.
pub fn dashboard_xlsx(d: &Dashboard) -> Result<Vec<u8>, AppError> {
    let heading = [
        "区划或单位",
        "代码",
        "单位数",
        "人员配齐",
        "配齐且考核合格",
        "日管控按时",
        "日管控逾期补录",
        "日管控缺失",
        "周排查按时",
        "周排查逾期补录",
        "周排查缺失",
        "月调度按时",
        "月调度逾期补录",
        "月调度缺失",
        "逾期补录率",
        "未闭环隐患",
        "逾期隐患",
        "未答复否决建议",
        "超时否决建议",
    ];
    let line = |label: &str, code: &str, f: &Figures| -> Vec<String> {
        let mut row = vec![label.to_owned(), code.to_owned()];
        row.extend([f.units, f.staffed, f.assessed].map(|n| n.to_string()));
        for t in [f.daily, f.weekly, f.monthly] {
            row.extend([t.done, t.late, t.missing].map(|n| n.to_string()));
        }
        row.push(f.late_rate());
        row.extend([f.open_hazards, f.overdue_hazards, f.vetoes_waiting, f.vetoes_escalated].map(|n| n.to_string()));
        row
    };
    let mut rows = vec![line(&format!("{}（合计，{} 至 {}）", d.name, d.from, d.to), &d.division, &d.total)];
    rows.extend(d.rows.iter().map(|r| line(&r.label, &r.code, &r.figures)));
    zhian_docs::sheet::write_xlsx("监管统计", &heading, &rows).map_err(|e| AppError::Internal(e.to_string()))
}
