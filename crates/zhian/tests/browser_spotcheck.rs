//! A county regulator runs a whole random spot check in real headless Chromium against the real
//! `zhian serve --demo`, phone-sized: plans it over e-bike battery sellers and draws (the e-bike shop's officer);
//! the officer opens the exam link, answers one question — saved as it is chosen and still there after a reload —
//! and submits: fails; the results go up on the public page with the name masked; the draw document downloaded
//! from it passes `zhian draw verify`; the shop's principal sees the order, appoints someone else who passed an
//! assessment, and reports the fix, which the regulator then sees.
//!
//! Needs `chromium` and `chromedriver`; without them the test is skipped unless `ZHIAN_REQUIRE_BROWSER=1`.

use crate::common;
use crate::driver::{click, demo_password, fill, sign_in, sign_out, start_driver};
use fantoccini::{Client, Locator};

async fn text(c: &Client, css: &str) -> String {
    c.wait().for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).text().await.unwrap()
}

/// Waits for the element `id` to read `want` (the page after a form's submission), failing with the page's text.
async fn until(c: &Client, id: &str, want: &str) {
    let xpath = format!("//*[@id='{id}' and normalize-space(.)='{want}']");
    if c.wait().for_element(Locator::XPath(&xpath)).await.is_err() {
        panic!("#{id} never read {want}: {}", body(c).await);
    }
}

async fn body(c: &Client) -> String {
    c.find(Locator::Css("main")).await.unwrap().text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_county_regulator_runs_a_spot_check_the_officer_fails_and_the_shop_rectifies() {
    let Some((_driver, c, profile)) = start_driver().await else {
        #[allow(clippy::print_stderr, reason = "a skipped test says so")]
        {
            eprintln!("skipped: chromium/chromedriver not installed");
        }
        return;
    };
    let dir = common::data_dir("browser-spot-check");
    let (_server, addr, printed) = common::start(&dir, &["--demo"]);
    let password = |user: &str| demo_password(&printed, user);
    let base = format!("http://{addr}");

    // The regulator plans a spot check of e-bike battery sellers in Nanshan and draws.
    sign_in(&c, &base, "nanshan.regulator", &password("nanshan.regulator")).await;
    click(&c, "a[href='/regulator/spot-checks']").await;
    fill(&c, "#plan-title", "2026 年电动自行车电池销售单位监督抽查考核").await;
    click(&c, "#plan-categories option[value='ccc-18']").await;
    click(&c, "input[name=sample_kind][value=count]").await;
    fill(&c, "#plan-sample", "1").await;
    click(&c, "#publish-plan").await;
    until(&c, "plan-stage", "已发布，待抽取").await;
    let plan_url = c.current_url().await.unwrap().to_string();
    click(&c, "#draw").await;
    let link = c.wait().for_element(Locator::Css(".exam-link")).await.unwrap().attr("href").await.unwrap().unwrap();
    assert!(body(&c).await.contains("王芳"), "the shop's only officer is drawn");
    sign_out(&c).await;

    // The officer takes the exam on the phone: one answer, saved as chosen, survives a reload; then submits.
    c.goto(&link).await.unwrap();
    click(&c, "#start-exam").await;
    click(&c, "input[name=q0]").await;
    c.wait()
        .for_element(Locator::XPath("//*[@id='saved' and contains(., '第 1 题已保存')]"))
        .await
        .expect("the answer is saved as it is chosen");
    c.refresh().await.unwrap();
    let kept = c.execute("return document.querySelector('input[name=q0]:checked') !== null", vec![]).await.unwrap();
    assert_eq!(kept, serde_json::json!(true), "the saved answer is there after a reload");
    assert!(text(&c, "#timer").await.contains("剩余时间"));
    click(&c, "#submit-exam").await;
    until(&c, "verdict", "不合格").await;
    assert!(body(&c).await.contains("答题解析"));

    // The regulator publishes; the public page shows the result with the name masked.
    sign_in(&c, &base, "nanshan.regulator", &password("nanshan.regulator")).await;
    c.goto(&plan_url).await.unwrap();
    click(&c, "#publish-results").await;
    until(&c, "plan-stage", "已公示").await;
    sign_out(&c).await;
    let plan = plan_url.rsplit('/').next().unwrap().to_owned();
    c.goto(&format!("{base}/spot-checks/{plan}")).await.unwrap();
    let results = text(&c, "#results").await;
    assert!(results.contains("王*") && results.contains("不合格") && !results.contains("王芳"), "{results}");
    let draw_file = dir.join("draw.json");
    let (status, _, json) = common::http(&addr, "GET", &format!("/spot-checks/{plan}/draw.json"), &[], "");
    assert_eq!(status, 200);
    std::fs::write(&draw_file, json).unwrap();
    let verified = std::process::Command::new(env!("CARGO_BIN_EXE_zhian"))
        .args(["draw", "verify", draw_file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));

    // The shop's principal sees the order, appoints someone who passed an assessment, ends the failed post, and
    // reports the fix.
    sign_in(&c, &base, "ebike.principal", &password("ebike.principal")).await;
    let unit = c.current_url().await.unwrap().path().to_owned();
    c.goto(&format!("{base}{unit}/rectifications")).await.unwrap();
    assert_eq!(text(&c, ".order-status").await, "整改中");
    assert!(body(&c).await.contains("监督抽查考核不合格"));
    c.goto(&format!("{base}{unit}/people")).await.unwrap();
    fill(&c, "#person-name", "赵强").await;
    click(&c, "form[action$='/people'] button[type=submit]").await;
    c.wait().for_element(Locator::XPath("//option[normalize-space(.)='赵强']")).await.expect("the person is added");
    c.goto(&format!("{base}{unit}/training")).await.unwrap();
    c.wait().for_element(Locator::Css("#training-person")).await.unwrap();
    c.execute(
        "const s = document.querySelector('#training-person'); \
         s.value = [...s.options].find(o => o.text === '赵强').value;",
        vec![],
    )
    .await
    .unwrap();
    fill(&c, "#training-content", "法律法规、标准与专业知识").await;
    fill(&c, "#training-hours", "4").await;
    fill(&c, "#training-score", "90").await;
    click(&c, "#training-passed").await;
    click(&c, "#record-training button[type=submit]").await;
    c.wait().for_element(Locator::XPath("//*[@role='status' and contains(., '已保存考核结果')]")).await.unwrap();
    c.goto(&format!("{base}{unit}/people")).await.unwrap();
    c.wait().for_element(Locator::Css("#appoint-person")).await.unwrap();
    c.execute(
        "const s = document.querySelector('#appoint-person'); s.value = [...s.options].find(o => o.text.startsWith('赵强')).value; \
         document.querySelector('#appoint-post').value = 'officer';",
        vec![],
    )
    .await
    .unwrap();
    fill(&c, "#appoint-reason", "抽查整改，另行任命").await;
    click(&c, "form[action$='/appointments'] button[type=submit]").await;
    c.wait()
        .for_element(Locator::XPath("//td[@data-label='姓名' and normalize-space(.)='赵强']"))
        .await
        .expect("赵强 is appointed");
    c.execute(
        "const row = [...document.querySelectorAll('details')].find(d => d.closest('tr') && d.closest('tr').textContent.includes('王芳')); \
         row.open = true; row.querySelector('input[name=end_reason]').value = '监督抽查考核不合格'; row.querySelector('form').submit();",
        vec![],
    )
    .await
    .unwrap();
    // The form posts and the people page comes back without 王芳 among the posts held now.
    let mut ended = false;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let held = match c.find(Locator::XPath("//section[h2[normalize-space(.)='现任']]")).await {
            Ok(section) => section.text().await.unwrap_or_default(),
            Err(_) => continue,
        };
        if held.contains("赵强") && !held.contains("王芳") {
            ended = true;
            break;
        }
    }
    assert!(ended, "王芳's post is ended: {}", body(&c).await);
    c.goto(&format!("{base}{unit}/rectifications")).await.unwrap();
    click(&c, "input[name=kind][value=replaced]").await;
    fill(&c, "textarea[name=text]", "已另行任命赵强为质量安全员（考核合格），王芳已离任").await;
    click(&c, ".order form button[type=submit]").await;
    // The page after the report, not the form's page still being read as it goes.
    let rectified = "//*[contains(concat(' ', @class, ' '), ' order-status ') and normalize-space(.)='已整改']";
    if c.wait().for_element(Locator::XPath(rectified)).await.is_err() {
        panic!("the order never read 已整改: {}", body(&c).await);
    }
    sign_out(&c).await;

    sign_in(&c, &base, "nanshan.regulator", &password("nanshan.regulator")).await;
    c.goto(&plan_url).await.unwrap();
    let tracking = text(&c, "#orders").await;
    assert!(tracking.contains("已整改") && tracking.contains("另行任命"), "{tracking}");

    let (width, _) = c.get_window_size().await.unwrap();
    assert!(width <= 500, "the run used a phone-sized window");
    c.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
    let _ = std::fs::remove_dir_all(dir);
}
