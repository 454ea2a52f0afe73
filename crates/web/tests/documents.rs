//! The statutory documents from the records: each document type's model against its snapshot, the files read back by
//! independent readers (pdftotext, the DOCX and XLSX unpacked), and the public verification page their QR codes open
//! — a record on the log, an amended one, one edited in the database behind the log's back, and an unknown code.

use std::process::Command;

use crate::common::{Login, TestApp, check, unit_with_officer};
use axum::http::{StatusCode, header};
use zhian_docs::DocKind;

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("zhian-docs-web-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn pdf_text(bytes: &[u8], name: &str) -> String {
    let path = scratch(name);
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn unzipped(bytes: &[u8], part: &str, name: &str) -> String {
    let path = scratch(name);
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("unzip").arg("-p").arg(&path).arg(part).output().expect("unzip");
    assert!(out.status.success(), "{part} not in {name}");
    String::from_utf8(out.stdout).unwrap()
}

/// The code a document prints: `验证码：XXXXX-XXXXX`.
fn code_in(text: &str) -> String {
    let at = text.find("验证码").expect("a verification code");
    text[at..].chars().skip(3).skip_while(|c| !c.is_ascii_alphanumeric()).take(11).collect()
}

async fn download(app: &TestApp, who: &Login, unit: i64, file: &str) -> Vec<u8> {
    let r = app.get(&format!("/units/{unit}/documents/{file}"), Some(who)).await;
    assert_eq!(r.status, StatusCode::OK, "{file}: {}", r.body);
    r.bytes
}

#[tokio::test]
async fn a_daily_record_prints_its_items_and_its_code_opens_the_public_page() {
    let app = TestApp::new().await;
    let (principal, officer, id) = unit_with_officer(&app).await;
    let url = format!("/api/v1/units/{id}/daily-checks");
    let first =
        app.json("POST", &url, Some(&officer), check("2026-03-01", &[("nonconforming", "两台车无3C标志")], None)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let check_id = first.json()["id"].as_i64().unwrap();

    let pdf = download(&app, &officer, id, &format!("daily-{check_id}.pdf")).await;
    let text = pdf_text(&pdf, "daily.pdf");
    // Cells wrap at their column's width, and Latin beside CJK gets a thin space: compare without white space.
    let flat: String = text.split_whitespace().collect();
    for expected in [
        "《每日工业产品质量安全检查记录》",
        "整车3C标志",
        "两台车无3C标志",
        "不符合",
        "2026-03-01",
        "质量安全员（签字）",
    ] {
        assert!(flat.contains(expected), "{expected} not in the PDF:\n{text}");
    }
    let code = code_in(&text);
    let docx = download(&app, &officer, id, &format!("daily-{check_id}.docx")).await;
    let body = unzipped(&docx, "word/document.xml", "daily.docx");
    assert!(body.contains("两台车无3C标志") && body.contains(&code), "the DOCX carries the record and the same code");

    // The page the QR code opens: no sign-in, the record on the log, the unit named and no person.
    let page = app.get(&format!("/v/{code}"), None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("均在透明日志上") && page.body.contains("日管控检查记录"), "{}", page.body);
    assert!(!page.body.contains("王芳"), "no person is named on the public page");
    let typed = code.to_lowercase().replace('-', "");
    assert!(app.get(&format!("/v/{typed}"), None).await.body.contains("均在透明日志上"), "typed without the dash");
    // The same document made again has the same code.
    assert_eq!(
        code_in(&pdf_text(&download(&app, &principal, id, &format!("daily-{check_id}.pdf")).await, "again.pdf")),
        code
    );

    // An amendment keeps the original on the log and is named.
    let amended =
        app.json("POST", &url, Some(&officer), check("2026-03-01", &[("conforming", "")], Some(check_id))).await;
    let amendment = amended.json()["id"].as_i64().unwrap();
    let page = app.get(&format!("/v/{code}"), None).await;
    assert!(page.body.contains(&format!("已有更正记录（第 {amendment} 号）")), "{}", page.body);

    // A row changed in the database behind the log's back is named on the page.
    sqlx::any::install_default_drivers();
    let db = format!("sqlite://{}", app.database_file().display());
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&db).await.unwrap();
    sqlx::raw_sql("drop trigger daily_checks_append_only_update").execute(&mut conn).await.unwrap();
    let edit = format!("update daily_checks set items = replace(items, '两台车', '一台车') where id = {check_id}");
    sqlx::raw_sql(sqlx::AssertSqlSafe(edit)).execute(&mut conn).await.unwrap();
    let page = app.get(&format!("/v/{code}"), None).await;
    assert!(page.body.contains("记录已被改动，与日志不一致") && page.body.contains("有问题"), "{}", page.body);

    // A code never issued, and one that is not a code.
    let unknown = app.get("/v/ZZZZZ-ZZZZZ", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("不存在"));
    assert_eq!(app.get("/v/%3Cscript%3E", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn lists_come_as_spreadsheets_and_bad_names_or_other_units_get_nothing() {
    let app = TestApp::new().await;
    let (principal, officer, id) = unit_with_officer(&app).await;
    let url = format!("/api/v1/units/{id}/daily-checks");
    app.json("POST", &url, Some(&officer), check("2026-03-01", &[("nonconforming", "两台车无3C标志")], None)).await;

    let xlsx = download(&app, &principal, id, "hazards.xlsx").await;
    let strings = unzipped(&xlsx, "xl/sharedStrings.xml", "hazards.xlsx");
    assert!(
        strings.contains("整车3C标志") && strings.contains("两台车无3C标志") && strings.contains("验证码"),
        "{strings}"
    );
    let sheet = unzipped(&xlsx, "xl/worksheets/sheet1.xml", "hazards.xlsx");
    assert!(sheet.contains("<pageSetup") && sheet.contains("orientation=\"landscape\""), "printed landscape: {sheet}");
    let roster = download(&app, &principal, id, "roster.xlsx").await;
    assert!(unzipped(&roster, "xl/sharedStrings.xml", "roster.xlsx").contains("王芳"));
    let api = app.get(&format!("/api/v1/units/{id}/documents/hazards.pdf"), Some(&principal)).await;
    assert_eq!(api.headers.get(header::CONTENT_TYPE).unwrap(), "application/pdf");
    let flat: String = pdf_text(&api.bytes, "hazards.pdf").split_whitespace().collect();
    assert!(flat.contains("两台车无3C标志"), "{flat}");

    for bad in
        ["daily.pdf", "daily-1.xlsx", "hazards-1.pdf", "hazards.doc", "nothing.pdf", "daily-99.pdf", "daily-x.pdf"]
    {
        let r = app.get(&format!("/units/{id}/documents/{bad}"), Some(&principal)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}");
    }
    let other = app.user("outsider", false).await;
    let outsider = app.login(other).await;
    let r = app.get(&format!("/units/{id}/documents/hazards.pdf"), Some(&outsider)).await;
    assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
    assert!(r.bytes.len() < 20_000 && !r.body.contains("两台车"));
}

/// Each document type's model from the demo county, against `tests/snapshots/{kind}.txt`
/// (`ZHIAN_UPDATE_SNAPSHOTS=1` rewrites them).
#[tokio::test]
async fn every_document_type_matches_its_snapshot() {
    let app = TestApp::new().await;
    zhian_web::demo::load(&app.state).await.unwrap();
    let units = app.state.store.units_named(&[1, 2, 3]).await.unwrap();
    let unit_id =
        units.iter().find(|(_, name)| name.contains("超市")).map(|(id, _)| *id).expect("the demo supermarket");
    let check_id = app.state.store.daily_checks(unit_id, 1).await.unwrap().first().map(|c| c.id);
    let as_user = |name: &'static str| {
        let app = &app;
        async move { app.login(app.state.store.user_by_username(name).await.unwrap().unwrap().id).await }
    };
    let (director, principal) = (as_user("market.director").await, as_user("market.principal").await);
    let review = app
        .json(
            "POST",
            &format!("/api/v1/units/{unit_id}/weekly-reviews"),
            Some(&director),
            serde_json::json!({"period": "2026-W09", "analysis": "头盔进货查验有遗漏", "conclusions": "补齐合格证明，复查一次"}),
        )
        .await;
    assert_eq!(review.status, StatusCode::CREATED, "{}", review.body);
    let minutes = serde_json::json!({
        "period": "2026-02", "held_at": "2026-03-02T09:00", "place": "店长办公室", "host": "李店长", "recorder": "王总监",
        "attendees": "李店长、王总监", "report": "二月日管控按时完成", "summary": "整体平稳", "decisions": "加强进货查验",
        "tasks": [{"work": "更新风险管控清单", "owner": "王总监", "due": "2026-03-20"}],
    });
    let meeting =
        app.json("POST", &format!("/api/v1/units/{unit_id}/monthly-meetings"), Some(&principal), minutes).await;
    assert_eq!(meeting.status, StatusCode::CREATED, "{}", meeting.body);
    let update = std::env::var("ZHIAN_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut failures = Vec::new();
    for kind in DocKind::ALL {
        let record = match kind {
            DocKind::DailyRecord => check_id,
            DocKind::WeeklyReport => review.json()["id"].as_i64(),
            DocKind::MonthlyMinutes => meeting.json()["id"].as_i64(),
            DocKind::Certificate => app.state.store.attempts(unit_id).await.unwrap().first().map(|a| a.id),
            _ => None,
        };
        let doc = zhian_web::document(&app.state, unit_id, kind, record).await.unwrap();
        let text = doc.text();
        let path = dir.join(format!("{}.txt", kind.code()));
        if update {
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != text {
            failures.push(format!("{}:\n--- expected\n{expected}\n--- got\n{text}", kind.code()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[tokio::test]
async fn a_period_archive_is_made_in_the_background_followed_and_downloaded() {
    let app = TestApp::new().await;
    let (principal, officer, id) = unit_with_officer(&app).await;
    let url = format!("/api/v1/units/{id}/daily-checks");
    app.json("POST", &url, Some(&officer), check("2026-03-01", &[("nonconforming", "两台车无3C标志")], None)).await;
    app.json("POST", &url, Some(&officer), check("2026-03-02", &[("conforming", "")], None)).await;

    let form = app.get(&format!("/units/{id}/documents"), Some(&principal)).await;
    assert!(form.body.contains("期间归档") && form.body.contains("value=\"2026-02-01\""), "last month by default");
    let bad = app
        .post_form(&format!("/units/{id}/archives"), Some(&principal), &[("from", "三月"), ("to", "2026-03-01")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("起始日期：请填写日期") && bad.body.contains("value=\"三月\""),
        "named, and what was typed kept"
    );
    let reversed = app
        .post_form(&format!("/units/{id}/archives"), Some(&principal), &[("from", "2026-03-02"), ("to", "2026-03-01")])
        .await;
    assert!(reversed.body.contains("结束日期：须不早于起始日期"));

    let started = app
        .post_form(&format!("/units/{id}/archives"), Some(&principal), &[("from", "2026-03-01"), ("to", "2026-03-31")])
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let status_url = started.location().to_owned();
    let mut page = app.get(&status_url, Some(&principal)).await;
    for _ in 0..600 {
        if page.body.contains("archive-ready") {
            break;
        }
        assert!(page.body.contains("archive-progress"), "{}", page.body);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        page = app.get(&status_url, Some(&principal)).await;
    }
    assert!(page.body.contains("archive-ready"), "{}", page.body);
    let zip = app.get(&format!("{status_url}/download"), Some(&principal)).await;
    assert_eq!(zip.headers.get(header::CONTENT_TYPE).unwrap(), "application/zip");
    let report = zhian_docs::archive::verify(&zip.bytes).unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.documents, 2 + 9 + 7, "two daily records; nine lists and texts as PDF, seven of them also XLSX");

    // Another unit's people cannot follow or fetch it.
    let other = app.user("outsider", false).await;
    let outsider = app.login(other).await;
    let denied = app.get(&format!("{status_url}/download"), Some(&outsider)).await;
    assert!(matches!(denied.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND));
}
