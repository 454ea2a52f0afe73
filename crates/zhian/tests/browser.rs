//! A week of a shop's duties on a phone, in real headless Chromium against the real `zhian serve --demo`: the
//! officer corrects today's check with a non-conformity and a photo; the hazard reaches the director, who files the
//! weekly report from its draft and proposes a veto; the principal answers the veto and records and confirms the
//! monthly minutes; the check's proof bundle, fetched by the browser, passes `zhian verify` — and a tampered copy
//! fails it. Then the printed daily record: its PDF carries the URL of its QR code, which opens the public
//! verification page; and the period archive, made from 文件与台账 and downloaded, passes `zhian verify` while a
//! tampered copy fails.
//!
//! Needs `chromium` and `chromedriver`; without them the test is skipped unless `ZHIAN_REQUIRE_BROWSER=1`.

use crate::common;
use std::process::Command;

use crate::driver::{click, demo_password, fill, sign_in, sign_out, start_driver};
use fantoccini::{Client, Locator};
use serde_json::json;

/// The text of the first element matching `xpath`, once one is there; looked up again if its page goes away.
async fn text_of(c: &Client, xpath: &str) -> String {
    for _ in 0..5 {
        let e = c.wait().for_element(Locator::XPath(xpath)).await.unwrap_or_else(|e| panic!("{xpath}: {e}"));
        if let Ok(text) = e.text().await {
            return text;
        }
    }
    panic!("{xpath}: kept going stale");
}

/// A file as the signed-in browser fetches it.
async fn fetch_bytes(c: &Client, url: &str) -> Vec<u8> {
    let b64 = c
        .execute_async(
            "const [url, done] = arguments; fetch(url).then(r => r.arrayBuffer()).then(b => { \
               let s = ''; const a = new Uint8Array(b); \
               for (let i = 0; i < a.length; i += 8192) s += String.fromCharCode.apply(null, a.subarray(i, i + 8192)); \
               done(btoa(s)); });",
            vec![json!(url)],
        )
        .await
        .unwrap();
    base64_decode(b64.as_str().unwrap())
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0_u32, 0);
    for b in text.bytes().filter(|b| *b != b'=') {
        acc = (acc << 6) | ALPHABET.iter().position(|a| *a == b).unwrap() as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn zhian(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zhian")).args(args).output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_week_of_duties_on_a_phone_ends_with_a_bundle_the_cli_verifies() {
    let Some((_driver, c, profile)) = start_driver().await else {
        #[allow(clippy::print_stderr, reason = "a skipped test says so")]
        {
            eprintln!("skipped: chromium/chromedriver not installed");
        }
        return;
    };
    let dir = common::data_dir("browser-week");
    let (_server, addr, printed) = common::start(&dir, &["--demo"]);
    let password = |user: &str| demo_password(&printed, user);
    let base = format!("http://{addr}");

    // The officer finds the supermarket's unit and corrects today's check: a helmet batch without 3C marks, photo.
    sign_in(&c, &base, "market.officer", &password("market.officer")).await;
    let unit = c
        .wait()
        .for_element(Locator::XPath("//a[contains(@href, '/units/') and contains(., '超市')]"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let unit = unit.trim_start_matches(&base).to_owned();
    c.goto(&format!("{base}{unit}/checks")).await.unwrap();
    click(&c, "td[data-label='记录'] a").await;
    click(&c, "a[href*='amends=']").await;
    click(&c, "input[name='result-1'][value='nonconforming']").await;
    fill(&c, "#note-1", "两顶电动自行车头盔无3C标志，已下架").await;
    let photo = dir.join("现场.jpg");
    let mut jpeg = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0];
    jpeg.extend([0x5a; 4096]);
    jpeg.extend([0xff, 0xd9]);
    std::fs::write(&photo, &jpeg).unwrap();
    c.find(Locator::Css("#photo-1")).await.unwrap().send_keys(photo.to_str().unwrap()).await.unwrap();
    click(&c, "#daily-check button[type=submit]").await;
    c.wait().for_element(Locator::Css("a.photo img")).await.unwrap();
    let check_url = c.current_url().await.unwrap();
    let check_id = check_url.path().rsplit('/').next().unwrap().to_owned();
    assert!(c.source().await.unwrap().contains("发现问题"));
    sign_out(&c).await;

    // The director hears of the hazard at once, files the weekly report from its draft and proposes a veto.
    sign_in(&c, &base, "market.director", &password("market.director")).await;
    c.goto(&format!("{base}{unit}")).await.unwrap();
    let notes = text_of(&c, "//*[@id='notifications']").await;
    assert!(notes.contains("两顶电动自行车头盔无3C标志"), "{notes}");
    c.goto(&format!("{base}{unit}/reviews")).await.unwrap();
    click(&c, "a[href*='/reviews/new']").await;
    let draft = text_of(&c, "//*[@id='draft']").await;
    assert!(draft.contains("风险隐患：本周发现"), "{draft}");
    fill(&c, "#analysis", "头盔进货查验不严，同一供货商两批次缺3C标志").await;
    fill(&c, "#conclusions", "约谈供货商，本周内完成复查并报主要负责人").await;
    click(&c, "#weekly-review button[type=submit]").await;
    c.wait().for_element(Locator::XPath("//h1[contains(., '周排查报告 #')]")).await.unwrap();
    c.goto(&format!("{base}{unit}/vetoes")).await.unwrap();
    fill(&c, "#product", "某品牌电动自行车头盔（批次 2026-11）").await;
    fill(&c, "#defect", "无3C认证标志，疑似未经强制性认证").await;
    fill(&c, "#proposal", "立即停止销售并下架全部同批次产品").await;
    click(&c, "#propose button[type=submit]").await;
    c.wait().for_element(Locator::Css("#veto-status")).await.unwrap();
    sign_out(&c).await;

    // The principal answers the veto, then records and confirms the monthly minutes with next month's key work.
    sign_in(&c, &base, "market.principal", &password("market.principal")).await;
    c.goto(&format!("{base}{unit}/vetoes")).await.unwrap();
    click(&c, "ul a[href*='/vetoes/']").await;
    click(&c, "input[name=decision][value=accept]").await;
    fill(&c, "#reasons", "缺陷属实，危及安全").await;
    fill(&c, "#measures", "全部下架封存，通知供货商召回").await;
    click(&c, "#answer button[type=submit]").await;
    // The answered veto's page, not the one the answer was given on.
    let status = text_of(&c, "//*[@id='veto-status' and not(contains(., '待'))]").await;
    assert!(!status.is_empty(), "{status}");
    assert!(c.source().await.unwrap().contains("全部下架封存"), "the measures are on record");
    c.goto(&format!("{base}{unit}/meetings")).await.unwrap();
    click(&c, "a[href*='/meetings/new']").await;
    fill(&c, "#place", "门店二楼会议室").await;
    fill(&c, "#host", "周明").await;
    fill(&c, "#recorder", "孙婷").await;
    fill(&c, "#attendees", "周明、孙婷、吴磊").await;
    fill(&c, "#summary", "本月日管控按时完成，发现头盔3C问题一项，已下架并提出否决建议").await;
    fill(&c, "#decisions", "更换头盔供货商；加强进货查验").await;
    fill(&c, "#task-work-0", "完成头盔供货商资质复核").await;
    fill(&c, "#task-owner-0", "孙婷").await;
    c.execute("document.getElementById('task-due-0').value = '2099-12-31';", vec![]).await.unwrap();
    click(&c, "#monthly-meeting button[type=submit]").await;
    click(&c, "#confirm button[type=submit]").await;
    let confirmed = text_of(&c, "//*[@id='confirmation' and contains(., '已确认')]").await;
    assert!(confirmed.contains("周明"), "{confirmed}");

    // The check's proof bundle, as the browser downloads it, verifies offline; a changed copy does not.
    let bundle_url = format!("{unit}/records/daily_check/{check_id}/bundle");
    let bundle = c
        .execute_async(
            "const [url, done] = arguments; fetch(url).then(r => r.text()).then(done);",
            vec![json!(bundle_url)],
        )
        .await
        .unwrap();
    let bundle = bundle.as_str().unwrap().to_owned();
    let file = dir.join("bundle.json");
    std::fs::write(&file, &bundle).unwrap();
    let verified = zhian(&["verify", file.to_str().unwrap()]);
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
    let tampered = dir.join("tampered.json");
    std::fs::write(&tampered, bundle.replacen("daily_check", "daily_chuck", 1)).unwrap();
    assert!(!zhian(&["verify", tampered.to_str().unwrap()]).status.success(), "a changed bundle fails");
    // The daily record printed: its PDF as the browser downloads it carries the URL its QR code holds, and that
    // URL opens the public verification page, signed in or not.
    let pdf = fetch_bytes(&c, &format!("{unit}/documents/daily-{check_id}.pdf")).await;
    let pdf_file = dir.join("daily.pdf");
    std::fs::write(&pdf_file, &pdf).unwrap();
    let text =
        String::from_utf8(std::process::Command::new("pdftotext").arg(&pdf_file).arg("-").output().unwrap().stdout)
            .unwrap();
    let flat: String = text.split_whitespace().collect();
    // A cell wraps within its column, so its lines sit between the next column's: look for a line of it.
    assert!(flat.contains("两顶电动自行车头盔无") && flat.contains("不符合"), "{text}");
    let at = flat.find("/v/").expect("the verification URL is printed");
    let start = flat[..at].rfind("http").unwrap();
    let url: String = flat[start..].chars().take(at - start + 3 + 11).collect();
    sign_out(&c).await;
    c.goto(&url).await.unwrap();
    let verdict = text_of(&c, "//*[@id='verdict']").await;
    assert!(verdict.contains("均在透明日志上") && verdict.contains("示例连锁超市"), "{verdict}");

    // The month archive from 文件与台账, made in the background and downloaded: zhian verify passes on it and fails on
    // a tampered copy.
    sign_in(&c, &base, "market.principal", &password("market.principal")).await;
    c.goto(&format!("{base}{unit}/documents")).await.unwrap();
    c.execute(
        "const d = new Date(); const day = n => new Date(d.getTime() + n * 86400000).toISOString().slice(0, 10); \
         document.querySelector('input[name=from]').value = day(-20); document.querySelector('input[name=to]').value = day(1);",
        vec![],
    )
    .await
    .unwrap();
    click(&c, "#period-archive button[type=submit]").await;
    let link = c
        .wait()
        .at_most(std::time::Duration::from_secs(120))
        .for_element(Locator::Css("#archive-download"))
        .await
        .unwrap();
    let href = link.attr("href").await.unwrap().unwrap();
    let archive = fetch_bytes(&c, &href).await;
    let archive_file = dir.join("archive.zip");
    std::fs::write(&archive_file, &archive).unwrap();
    let verified = zhian(&["verify", archive_file.to_str().unwrap()]);
    assert!(
        verified.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verified.stdout),
        String::from_utf8_lossy(&verified.stderr)
    );
    let mut changed = archive.clone();
    let middle = changed.len() / 2;
    changed[middle] ^= 0x5a;
    let tampered_archive = dir.join("tampered.zip");
    std::fs::write(&tampered_archive, &changed).unwrap();
    assert!(!zhian(&["verify", tampered_archive.to_str().unwrap()]).status.success(), "a changed archive fails");

    let (width, _) = c.get_window_size().await.unwrap();
    assert!(width <= 500, "the run used a phone-sized window");

    c.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
    let _ = std::fs::remove_dir_all(dir);
}
