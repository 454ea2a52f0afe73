//! Photos with a daily check: accepted by their bytes (JPEG, PNG, WebP), at most 5 MB, stored once under their
//! SHA-256, named by the check item and so covered by its log leaf; a wrong or oversize file is refused with nothing
//! saved — through the API and through the phone's form.

use crate::common;
use crate::common::{TestApp, pointers, unit_with_officer};
use axum::http::StatusCode;
use serde_json::json;

fn jpeg(seed: u8) -> Vec<u8> {
    let mut b = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0];
    b.extend(std::iter::repeat_n(seed, 2000));
    b.extend([0xff, 0xd9]);
    b
}

#[tokio::test]
async fn a_photo_is_uploaded_named_by_a_check_item_and_covered_by_its_leaf() {
    let app = TestApp::new().await;
    let (principal, officer, id) = unit_with_officer(&app).await;
    let upload = format!("/api/v1/units/{id}/photos");
    let r = app.post_bytes(&upload, Some(&officer), "image/jpeg", jpeg(1)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let sha = r.json()["sha256"].as_str().unwrap().to_owned();
    assert_eq!(sha.len(), 64);
    let again = app.post_bytes(&upload, Some(&officer), "image/jpeg", jpeg(1)).await;
    assert_eq!(again.json()["sha256"], sha, "the same bytes are the same photo");

    let gif = app.post_bytes(&upload, Some(&officer), "image/jpeg", b"GIF89a\x01\x00\x01\x00".to_vec()).await;
    assert_eq!((gif.status, pointers(&gif)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["/photo".to_owned()]));
    assert!(gif.body.contains("不是 JPEG、PNG 或 WebP"), "the claimed type does not count: {}", gif.body);
    let mut big = jpeg(2);
    big.resize(zhian_domain::photo::MAX_PHOTO_BYTES + 1, 0);
    let big = app.post_bytes(&upload, Some(&officer), "image/jpeg", big).await;
    assert_eq!(pointers(&big), ["/photo"]);
    assert!(big.body.contains("不能超过 5 MB"), "{}", big.body);
    let by_principal = app.post_bytes(&upload, Some(&principal), "image/jpeg", jpeg(3)).await;
    assert_eq!(by_principal.status, StatusCode::FORBIDDEN, "photos come with checks, from officers");

    let checks = format!("/api/v1/units/{id}/daily-checks");
    let item = |photos: serde_json::Value| {
        json!({"period": "2026-03-02", "items": [{"risk_point": "3C", "item": "整车3C标志", "result": "nonconforming",
               "note": "两台车无3C标志", "photos": photos}]})
    };
    let unknown = app.json("POST", &checks, Some(&officer), item(json!(["ab".repeat(32)]))).await;
    assert_eq!(pointers(&unknown), ["/items/0/photos"], "{}", unknown.body);
    let malformed = app.json("POST", &checks, Some(&officer), item(json!(["../etc/passwd"]))).await;
    assert_eq!(pointers(&malformed), ["/items/0/photos"]);
    assert!(app.get(&checks, Some(&officer)).await.json().as_array().unwrap().is_empty(), "nothing saved");

    let r = app.json("POST", &checks, Some(&officer), item(json!([sha]))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let check = r.json();
    assert_eq!(check["items"][0]["photos"], json!([sha]));
    let check_id = check["id"].as_i64().unwrap();
    let shown = app.get(&format!("/units/{id}/checks/{check_id}"), Some(&principal)).await;
    assert!(shown.body.contains(&format!("/units/{id}/photos/{sha}")), "{}", shown.body);
    let photo = app.get(&format!("/units/{id}/photos/{sha}"), Some(&principal)).await;
    assert_eq!(photo.status, StatusCode::OK);
    assert_eq!(photo.headers["content-type"], "image/jpeg");
    assert_eq!(photo.body, String::from_utf8_lossy(&jpeg(1)));

    // The leaf names the photo: its content is the check with the photo's name in it.
    let leaf = app.state.store.leaf_for("daily_check", check_id).await.unwrap().unwrap();
    let store_leaf = app.state.store.logged("daily_check", check_id).await.unwrap().unwrap().2;
    assert_eq!(leaf, store_leaf, "the leaf rebuilt from the rows is the leaf logged");
    let b = app.get(&format!("/api/v1/units/{id}/records/daily_check/{check_id}/bundle"), Some(&principal)).await;
    zhian_ledger::bundle::verify_bundle(&zhian_ledger::bundle::Bundle::from_json(&b.body).unwrap()).unwrap();

    // Another unit cannot see it, nor name it.
    let (_, other_officer, other) = {
        let principal2 = app.user("zhouming", false).await;
        let me = app.login(principal2).await;
        let other = app.unit(&me, "91440305MA5H1P6R87", "440305", &["ccc-07"]).await;
        let (person, _) = app.staff(&me, other, "吴磊", "officer").await;
        let officer2 = app.user("wulei", false).await;
        app.state.store.link_person(other, person, officer2, common::now()).await.unwrap();
        (me, app.login(officer2).await, other)
    };
    assert_eq!(
        app.get(&format!("/units/{other}/photos/{sha}"), Some(&other_officer)).await.status,
        StatusCode::NOT_FOUND
    );
    let foreign = app
        .json("POST", &format!("/api/v1/units/{other}/daily-checks"), Some(&other_officer), item(json!([sha])))
        .await;
    assert_eq!(pointers(&foreign), ["/items/0/photos"], "{}", foreign.body);
}

#[tokio::test]
async fn the_phone_form_sends_photos_with_the_check_and_refuses_a_wrong_file_saving_nothing() {
    let app = TestApp::new().await;
    let (_, officer, id) = unit_with_officer(&app).await;
    let url = format!("/units/{id}/checks");
    let fields = [
        ("period", "2026-03-02"),
        ("risk_point", "3C"),
        ("item", "整车3C标志"),
        ("result-0", "nonconforming"),
        ("note", "两台车无3C标志"),
        ("photo_names-0", ""),
        ("check_note", ""),
    ];
    let pdf: &[u8] = b"%PDF-1.7 not a photo";
    let wrong = app.post_multipart(&url, Some(&officer), &fields, &[("photo-0", "scan.pdf", pdf)]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("第 1 项的照片“scan.pdf”不是 JPEG、PNG 或 WebP 图片"), "{}", wrong.body);
    assert!(wrong.body.contains("两台车无3C标志"), "what was typed is kept");
    assert!(app.state.store.daily_checks(id, 10).await.unwrap().is_empty(), "nothing saved");
    assert!(app.state.store.hazards(id).await.unwrap().is_empty());

    let photo = jpeg(7);
    let ok = app.post_multipart(&url, Some(&officer), &fields, &[("photo-0", "现场.jpg", &photo)]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let shown = app.get(ok.location(), Some(&officer)).await;
    let check = app.state.store.daily_checks(id, 10).await.unwrap()[0].id;
    let stored = app.state.store.daily_check(id, check).await.unwrap().unwrap();
    let sha = stored.items[0].photos[0].clone();
    assert!(shown.body.contains(&sha), "{}", shown.body);
    assert!(app.state.store.photo(id, &sha).await.unwrap().is_some());
    let forged = common::Login { csrf: "forged".into(), ..officer.clone() };
    let refused = app.post_multipart(&url, Some(&forged), &fields, &[("photo-0", "现场.jpg", &photo)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "a multipart form needs its CSRF token too: {}", refused.body);
    assert_eq!(app.state.store.daily_checks(id, 10).await.unwrap().len(), 1);
}
