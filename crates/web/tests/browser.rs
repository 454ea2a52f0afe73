//! In real headless Chromium against the real server: a new unit's principal logs in, completes onboarding, is told
//! why an unassessed person cannot be appointed, records the officer's passed assessment, appoints the officer, and
//! the dashboard shows the unit staffed — on a phone-sized screen.
//!
//! Needs `chromium` and `chromedriver` (Debian: chromium, chromium-driver). Without them the test is skipped, unless
//! `ZHIAN_REQUIRE_BROWSER=1` (set by `.ci/run`) makes their absence a failure.

use crate::common;
use crate::common::browser::{click, fill, start_driver};
use fantoccini::{Client, Locator};

async fn submit(c: &Client, form_css: &str) {
    click(c, &format!("{form_css} button[type=submit]")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_principal_onboards_a_unit_and_staffs_it_in_the_browser() {
    let Some((_driver, c, profile)) = start_driver().await else {
        #[allow(clippy::print_stderr, reason = "a skipped test says so")]
        {
            eprintln!("skipped: chromium/chromedriver not installed");
        }
        return;
    };
    let app = common::TestApp::new().await;
    app.user("liqiang", false).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(zhian_web::serve(listener, app.state.clone(), std::future::pending()));

    // Log in.
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(&c, "#username", "liqiang").await;
    fill(&c, "#password", "Passw0rd-test").await;
    submit(&c, "form[action='/login']").await;
    c.wait().for_element(Locator::Css("a[href='/units/new']")).await.unwrap().click().await.unwrap();

    // Onboarding: the profile, a small shop selling products under a mandatory safety standard.
    c.wait().for_element(Locator::Css("#credit_code")).await.unwrap();
    fill(&c, "#name", "南山区示例头盔店").await;
    fill(&c, "#credit_code", "92440305MA5G7K3L2A").await;
    fill(&c, "#address", "深圳市南山区桃园路 18 号").await;
    fill(&c, "#division_code", "440305").await;
    fill(&c, "#principal_name", "李强").await;
    click(&c, "input[name=channel][value=retail]").await;
    fill(&c, "#employees", "6").await;
    fill(&c, "#revenue_yuan", "1200000").await;
    let details = c.find_all(Locator::Css("details summary")).await.unwrap();
    for summary in &details {
        summary.click().await.unwrap();
    }
    click(&c, "input[name=categories][value='gb-safety-01']").await;
    submit(&c, "form[action='/units/new']").await;

    // The dashboard: in scope, an officer required, not yet staffed.
    let missing = c.wait().for_element(Locator::Css("[data-staffing]")).await.unwrap();
    assert_eq!(missing.attr("data-staffing").await.unwrap().as_deref(), Some("missing"));
    let page = c.source().await.unwrap();
    assert!(page.contains("适用") && page.contains("尚未任命质量安全员"), "{page}");
    let unit_path = c.current_url().await.unwrap().path().to_owned();

    // People: add 王芳, then try to appoint her before any assessment — the page says why not.
    c.goto(&format!("{base}{unit_path}/people")).await.unwrap();
    fill(&c, "#person-name", "王芳").await;
    fill(&c, "#person-id", "440305198507160027").await;
    submit(&c, "#add-person form").await;
    // Each step waits for what only the next page shows, never for time to pass.
    c.wait().for_element(Locator::XPath("//select[@id='appoint-person']/option[text()='王芳']")).await.unwrap();
    c.find(Locator::Css("#appoint-person")).await.unwrap().select_by_label("王芳").await.unwrap();
    submit(&c, "#appoint form").await;
    let reason = c.wait().for_element(Locator::Css("#person_id-error")).await.unwrap().text().await.unwrap();
    assert!(reason.contains("未通过考核的人员不得担任质量安全员"), "{reason}");
    assert!(c.source().await.unwrap().contains("440305********0027"), "the ID number is masked");

    // Training: her passed assessment.
    c.goto(&format!("{base}{unit_path}/training")).await.unwrap();
    c.find(Locator::Css("#training-person")).await.unwrap().select_by_label("王芳").await.unwrap();
    fill(&c, "#training-content", "《产品质量法》、第76号令与安全帽强制性国家标准").await;
    fill(&c, "#training-hours", "2").await;
    fill(&c, "#training-score", "92").await;
    click(&c, "#training-passed").await;
    submit(&c, "#record-training form").await;
    let saved = c.wait().for_element(Locator::Css("[role=status]")).await.unwrap().text().await.unwrap();
    assert!(saved.contains("已保存"), "{saved}");

    // Appointment, then the dashboard shows the unit staffed.
    c.goto(&format!("{base}{unit_path}/people")).await.unwrap();
    c.find(Locator::Css("#appoint-person")).await.unwrap().select_by_label("王芳").await.unwrap();
    submit(&c, "#appoint form").await;
    c.wait().for_element(Locator::XPath("//td[@data-label='岗位' and text()='质量安全员']")).await.unwrap();
    c.goto(&format!("{base}{unit_path}")).await.unwrap();
    let staffed = c.wait().for_element(Locator::Css("[data-staffing]")).await.unwrap();
    assert_eq!(staffed.attr("data-staffing").await.unwrap().as_deref(), Some("staffed"));
    assert_eq!(staffed.text().await.unwrap(), "已按要求配备");
    let (width, _) = c.get_window_size().await.unwrap();
    assert!(width <= 500, "the run used a phone-sized window");

    c.close().await.unwrap();
    server.abort();
    let _ = std::fs::remove_dir_all(profile);
}
