//! The regulator's dashboard page and its workbook.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::{Layout, PageResult, render};
use crate::AppState;
use crate::auth::Ctx;
use crate::usecases::oversight::{self, Dashboard, Figures};

/// The query: division, first and last day.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    division: String,
    from: String,
    to: String,
    /// In a county, the page of its units (from 1).
    page: Option<usize>,
}

#[derive(Template)]
#[template(path = "oversight.html")]
struct DashboardPage {
    layout: Layout,
    d: Dashboard,
    chart: String,
    query: String,
}

/// A horizontal bar chart of each row's daily-control completion: made on time, made late, missing.
fn chart(d: &Dashboard) -> String {
    let rows: Vec<(&str, &Figures)> = d.rows.iter().map(|r| (r.label.as_str(), &r.figures)).collect();
    let (label_w, bar_w, row_h) = (150.0, 420.0, 22.0);
    let height = row_h * rows.len().max(1) as f64 + 30.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {height}\" role=\"img\" aria-label=\"日管控完成情况\" class=\"chart\">",
        label_w + bar_w + 60.0
    );
    for (i, (label, f)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let owed = f64::from(f.daily.owed().max(1));
        let (done, late) = (f64::from(f.daily.done) / owed * bar_w, f64::from(f.daily.late) / owed * bar_w);
        let missing = if f.daily.owed() == 0 { 0.0 } else { bar_w - done - late };
        let label: String = label.chars().take(10).collect::<String>().replace('&', "&amp;").replace('<', "&lt;");
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{label}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{done:.1}\" height=\"16\" fill=\"#2e7d32\"/>\
             <rect x=\"{:.1}\" y=\"{y}\" width=\"{late:.1}\" height=\"16\" fill=\"#f9a825\"/>\
             <rect x=\"{:.1}\" y=\"{y}\" width=\"{missing:.1}\" height=\"16\" fill=\"#c62828\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 13.0,
            label_w + done,
            label_w + done + late,
            label_w + bar_w + 4.0,
            y + 13.0,
            f.daily.completion()
        ));
    }
    let legend_y = height - 8.0;
    svg.push_str(&format!(
        "<rect x=\"{label_w}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"#2e7d32\"/><text x=\"{}\" y=\"{legend_y}\" font-size=\"11\">按时</text>\
         <rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"#f9a825\"/><text x=\"{}\" y=\"{legend_y}\" font-size=\"11\">逾期补录</text>\
         <rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"#c62828\"/><text x=\"{}\" y=\"{legend_y}\" font-size=\"11\">缺失</text></svg>",
        legend_y - 9.0,
        label_w + 14.0,
        label_w + 60.0,
        legend_y - 9.0,
        label_w + 74.0,
        label_w + 150.0,
        legend_y - 9.0,
        label_w + 164.0
    ));
    svg
}

/// `GET /regulator/dashboard?division=&from=&to=`.
pub async fn show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<DashboardQuery>,
) -> PageResult {
    let d = oversight::dashboard(&state, &ctx, &q.division, &q.from, &q.to, Some(q.page.unwrap_or(1))).await?;
    let query = format!("division={}&from={}&to={}", d.division, d.from, d.to);
    let page = DashboardPage { layout: Layout::new(&ctx, "监管统计"), chart: chart(&d), d, query };
    Ok(render(StatusCode::OK, &page))
}

/// `GET /regulator/dashboard.xlsx?division=&from=&to=`.
pub async fn xlsx(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<DashboardQuery>,
) -> PageResult {
    let d = oversight::dashboard(&state, &ctx, &q.division, &q.from, &q.to, None).await?;
    let media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok((
        [
            (header::CONTENT_TYPE, media.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"zhian-dashboard-{}-{}-{}.xlsx\"", d.division, d.from, d.to),
            ),
        ],
        oversight::dashboard_xlsx(&d)?,
    )
        .into_response())
}
