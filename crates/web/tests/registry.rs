//! The regulator's unit registry import: good rows registered and duplicates merged, bad rows each named with
//! nothing imported, a wrong sheet refused, GB 18030 CSV read, a second import leaving known units as they were.

use crate::common;
use crate::common::credit_code as code;
use crate::common::{Login, TestApp};
use axum::http::StatusCode;
use zhian_domain::ident::DivisionCode;

async fn regulator(app: &TestApp) -> Login {
    let id = app.user("nanshan", false).await;
    app.state.store.grant_jurisdiction(id, DivisionCode::parse("440305").unwrap(), common::now()).await.unwrap();
    app.login(id).await
}

const HEADING: &str = "单位名称,统一社会信用代码,经营地址,行政区划代码,主营业务,从业人员,营业收入（元）,产品类别\n";

#[tokio::test]
async fn a_registry_file_is_imported_whole_with_duplicates_merged() {
    let app = TestApp::new().await;
    let me = regulator(&app).await;
    let (a, b) = (code("92440305MA5000001"), code("92440305MA5000002"));
    let csv = format!(
        "{HEADING}甲电动车行,{a},南山路 1 号,440305,零售,6,1800000,ccc-10\n\
         乙五金店,{b},南山路 2 号,440305,批发,30,90000000,电线电缆\n\
         甲电动车行,{a},,440305,零售,,,电动自行车用锂离子蓄电池、充电器\n"
    );
    let r = app.post_multipart("/regulator/registry", Some(&me), &[], &[("file", "units.csv", csv.as_bytes())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("新登记 2 家单位；0 家此前已登记，未改动；1 行与同一信用代码的前行合并"), "{}", r.body);
    let units = app.state.store.units_in(DivisionCode::parse("440305").unwrap()).await.unwrap();
    let shop = units.iter().find(|(_, n, _)| n == "甲电动车行").unwrap().0;
    let unit = app.state.store.unit(shop).await.unwrap().unwrap();
    let mut products: Vec<&str> = unit.products.iter().map(|p| p.category_code.as_str()).collect();
    products.sort_unstable();
    assert_eq!(products, ["ccc-10", "ccc-18"], "the merged row's categories are joined");
    assert_eq!(unit.address, "南山路 1 号");
    let wholesale = units.iter().find(|(_, n, _)| n == "乙五金店").unwrap().0;
    let unit = app.state.store.unit(wholesale).await.unwrap().unwrap();
    assert!(
        unit.products.iter().any(|p| p.category_code.starts_with("ccc-01") || p.category_code == "licence-06"),
        "by name"
    );

    // Again, as GB 18030 (what Excel saves): both known, nothing changed.
    let (gbk, _, _) = encoding_rs::GB18030.encode(&csv);
    let r = app.post_multipart("/regulator/registry", Some(&me), &[], &[("file", "units.csv", &gbk)]).await;
    assert!(r.body.contains("新登记 0 家单位；2 家此前已登记"), "{}", r.body);
}

#[tokio::test]
async fn every_bad_row_is_named_and_nothing_is_imported() {
    let app = TestApp::new().await;
    let me = regulator(&app).await;
    let good = code("92440305MA5000003");
    let mut bad_check = code("92440305MA5000004");
    bad_check.pop();
    bad_check.push(if code("92440305MA5000004").ends_with('0') { '1' } else { '0' });
    let other = code("92440305MA5000005");
    let csv = format!(
        "{HEADING}丙商行,{good},南山路 3 号,440305,零售,5,100000,ccc-10\n\
         丁商行,{bad_check},南山路 4 号,440305,零售,5,100000,ccc-10\n\
         戊商行,{other},福田路 5 号,440304,零售,5,100000,ccc-10\n\
         己商行,{}, 南山路 6 号,440305,代销,五,100000,火箭\n\
         丙商行（新名）,{good},南山路 3 号,440305,零售,5,100000,ccc-10\n",
        code("92440305MA5000006")
    );
    let r = app.post_multipart("/regulator/registry", Some(&me), &[], &[("file", "bad.csv", csv.as_bytes())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for part in [
        "第 3 行",
        "统一社会信用代码无效",
        "第 4 行",
        "440304 不在本账号的辖区内",
        "第 5 行",
        "请选择主营业务",
        "从业人员",
        "产品类别“火箭”不在产品目录中",
        "第 6 行",
        "与第 2 行是同一单位",
    ] {
        assert!(r.body.contains(part), "{part}: {}", r.body);
    }
    assert!(
        app.state.store.units_in(DivisionCode::parse("440305").unwrap()).await.unwrap().is_empty(),
        "nothing imported"
    );

    let wrong = zhian_docs::sheet::write_xlsx("Sheet1", &["名称"], &[vec!["x".into()]]).unwrap();
    let r = app.post_multipart("/regulator/registry", Some(&me), &[], &[("file", "units.xlsx", &wrong)]).await;
    assert!(r.body.contains("找不到“单位名录”工作表（文件中的工作表：Sheet1）"), "{}", r.body);
    let r = app.post_multipart("/regulator/registry", Some(&me), &[], &[("file", "units.csv", b"a,b\n1,2\n")]).await;
    assert!(r.body.contains("CSV 文件第 1 行应为表头"), "{}", r.body);

    // The template imports as it is.
    let template = app.get("/regulator/registry/template.xlsx", Some(&me)).await;
    let r = app.post_multipart("/regulator/registry", Some(&me), &[], &[("file", "t.xlsx", &template.bytes)]).await;
    assert!(r.body.contains("新登记 1 家单位"), "{}", r.body);
}
