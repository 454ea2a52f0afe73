//! The OpenAPI 3.1 document of `/api/v1`, built from the route table so that every API route is described.

use serde_json::{Map, Value, json};
use zhian_domain::access::Action;

use crate::routes::{RouteSpec, table};

/// (summary, request schema, response schema) of an API route.
fn describe(spec: &RouteSpec) -> (&'static str, Option<&'static str>, &'static str) {
    match (spec.method.as_str(), spec.path) {
        ("GET", "/api/v1/openapi.json") => ("本文档", None, "Object"),
        ("POST", "/api/v1/session") => ("登录：设置会话 Cookie，返回 CSRF 令牌", Some("Login"), "Session"),
        ("DELETE", "/api/v1/session") => ("退出登录", None, "Empty"),
        ("GET", "/api/v1/me") => ("当前账号、岗位与单位", None, "Me"),
        ("POST", "/api/v1/me/password") => ("修改密码（其他会话随之失效）", Some("PasswordChange"), "Empty"),
        ("GET", "/api/v1/catalogues") => ("现行产品目录（生产许可、CCC、强制性国家标准）", None, "Catalogues"),
        ("POST", "/api/v1/units") => {
            ("登记单位：调用者成为主要负责人；返回适用判断与配备情况", Some("UnitInput"), "Unit")
        }
        ("GET", "/api/v1/units/{unit_id}") => ("单位信息、适用判断与配备情况", None, "Unit"),
        ("PUT", "/api/v1/units/{unit_id}") => ("修改单位信息与产品类别", Some("UnitInput"), "Unit"),
        ("GET", "/api/v1/units/{unit_id}/people") => ("人员名单（身份证号码脱敏）", None, "People"),
        ("POST", "/api/v1/units/{unit_id}/people") => ("添加人员", Some("PersonInput"), "Person"),
        ("GET", "/api/v1/units/{unit_id}/appointments") => ("任职记录（含历史）", None, "Appointments"),
        ("POST", "/api/v1/units/{unit_id}/appointments") => {
            ("任命（须有通过的考核记录）", Some("AppointmentInput"), "Appointment")
        }
        ("POST", "/api/v1/units/{unit_id}/appointments/{appointment_id}/end") => {
            ("办理离任", Some("EndInput"), "Empty")
        }
        ("GET", "/api/v1/units/{unit_id}/trainings") => ("培训考核记录", None, "Trainings"),
        ("POST", "/api/v1/units/{unit_id}/trainings") => ("录入培训考核记录", Some("TrainingInput"), "Created"),
        ("GET", "/api/v1/units/{unit_id}/risk-list") => ("风险管控清单（?version=N 查看历史版本）", None, "RiskList"),
        ("POST", "/api/v1/units/{unit_id}/risk-list") => ("保存风险管控清单新版本", Some("RiskListInput"), "Version"),
        ("GET", "/api/v1/units/{unit_id}/duties/{kind}") => {
            ("岗位职责文本（kind: director | officer）", None, "DutyText")
        }
        ("PUT", "/api/v1/units/{unit_id}/duties/{kind}") => ("保存岗位职责新版本", Some("DutyInput"), "Version"),
        ("GET", "/api/v1/units/{unit_id}/documents/{file}") => (
            "法定文件：{file} 为 daily-{检查记录号}、weekly-{周报号}、monthly-{纪要号} 或台账名（risk-list、director-duties、\
             officer-rules、roster、training、hazards、vetoes、suspensions）加 .pdf、.docx，台账另有 .xlsx；\
             每份附验证码与二维码，/v/{验证码} 公开核验",
            None,
            "Binary",
        ),
        ("GET", "/api/v1/units/{unit_id}/records/{kind}/{record_id}/bundle") => {
            ("记录的证明包：记录、包含证明、签名检查点与验证公钥，可用 zhian verify 离线校验", None, "Object")
        }
        ("GET", "/api/v1/units/{unit_id}/calendar") => (
            "应办事项日历：?from=&to=（默认本月）内各层级时段及其状态（按时、逾期、缺失、免除、待完成、未开始）",
            None,
            "Object",
        ),
        ("GET", "/api/v1/units/{unit_id}/daily-checks") => ("日管控检查记录（最新 200 条）", None, "Object"),
        ("POST", "/api/v1/units/{unit_id}/daily-checks") => {
            ("提交日管控检查（质量安全员）；不符合项自动登记为风险隐患", Some("DailyCheckInput"), "Object")
        }
        ("GET", "/api/v1/units/{unit_id}/daily-checks/{check_id}") => ("一条检查记录及其检查项", None, "Object"),
        ("POST", "/api/v1/units/{unit_id}/photos") => (
            "上传一张照片（请求体为图片本身：JPEG、PNG 或 WebP，不超过 5 MB），返回其编号（SHA-256），填入检查项的 photos",
            None,
            "Photo",
        ),
        ("GET", "/api/v1/units/{unit_id}/weekly-reviews") => ("周排查报告", None, "Object"),
        ("POST", "/api/v1/units/{unit_id}/weekly-reviews") => (
            "提交周排查报告：系统按本周记录起草，附总监的分析与结论；报告主要负责人",
            Some("WeeklyReviewInput"),
            "Object",
        ),
        ("GET", "/api/v1/units/{unit_id}/weekly-reviews/{review_id}") => ("一份周排查报告", None, "Object"),
        ("GET", "/api/v1/units/{unit_id}/vetoes") => ("否决建议（含是否超时未答复）", None, "Object"),
        ("POST", "/api/v1/units/{unit_id}/vetoes") => {
            ("提出否决建议（质量安全总监或质量安全员），立即通知主要负责人", Some("VetoInput"), "Object")
        }
        ("GET", "/api/v1/units/{unit_id}/vetoes/{veto_id}") => ("一条否决建议及其答复", None, "Object"),
        ("POST", "/api/v1/units/{unit_id}/vetoes/{veto_id}/answer") => {
            ("主要负责人答复否决建议（仅一次）", Some("VetoAnswerInput"), "Object")
        }
        ("GET", "/api/v1/units/{unit_id}/settings") => ("休息日、各层级频次与记录名称", None, "Object"),
        ("PUT", "/api/v1/units/{unit_id}/settings") => {
            ("设置休息日、频次（不得低于法定频次）与记录名称", Some("SettingsInput"), "Object")
        }
        ("GET", "/api/v1/units/{unit_id}/suspensions") => ("停业登记", None, "Object"),
        ("POST", "/api/v1/units/{unit_id}/suspensions") => {
            ("登记停业（记入透明日志）", Some("SuspensionInput"), "Created")
        }
        ("GET", "/api/v1/units/{unit_id}/hazards") => ("风险隐患（含是否逾期）", None, "Object"),
        ("GET", "/api/v1/units/{unit_id}/hazards/{hazard_id}") => ("一个风险隐患及其处置记录", None, "Object"),
        ("POST", "/api/v1/units/{unit_id}/hazards/{hazard_id}/steps") => {
            ("处置风险隐患：立即措施、指定整改、整改完成、验证闭环、退回整改", Some("HazardStepInput"), "Object")
        }
        ("POST", "/api/v1/units/{unit_id}/hazards") => {
            ("报告风险隐患（自查、周排查或日常发现），立即通知质量安全总监", Some("HazardInput"), "Created")
        }
        ("GET", "/api/v1/units/{unit_id}/monthly-meetings") => ("月调度会议纪要（含是否已确认）", None, "Object"),
        ("POST", "/api/v1/units/{unit_id}/monthly-meetings") => (
            "记录月调度会议纪要：总监汇报由系统按本月记录起草；下月重点工作成为待办；请主要负责人确认",
            Some("MonthlyMeetingInput"),
            "Object",
        ),
        ("GET", "/api/v1/units/{unit_id}/monthly-meetings/{meeting_id}") => {
            ("一份会议纪要及其重点工作", None, "Object")
        }
        ("POST", "/api/v1/units/{unit_id}/monthly-meetings/{meeting_id}/confirm") => {
            ("主要负责人确认会议纪要（仅一次）", Some("NoteInput"), "Object")
        }
        ("GET", "/api/v1/units/{unit_id}/tasks") => ("未完成的重点工作（按期限排序）", None, "Object"),
        ("POST", "/api/v1/units/{unit_id}/tasks/{task_id}/done") => {
            ("报告一项重点工作完成（仅一次）", Some("NoteInput"), "Created")
        }
        ("GET", "/api/v1/units/{unit_id}/self-inspections") => ("自查记录", None, "Object"),
        ("POST", "/api/v1/units/{unit_id}/self-inspections") => {
            ("提交自查记录，可关联周排查报告、将发现的问题登记为风险隐患", Some("SelfInspectionInput"), "Object")
        }
        ("GET", "/api/v1/units/{unit_id}/webhooks") => {
            ("消息推送（地址不含其中的密钥，密钥加密存储、不返回）与最近推送情况", None, "Object")
        }
        ("POST", "/api/v1/units/{unit_id}/webhooks") => {
            ("添加消息推送：企业微信群机器人、钉钉自定义机器人或通用 JSON Webhook", Some("WebhookInput"), "Created")
        }
        ("DELETE", "/api/v1/units/{unit_id}/webhooks/{webhook_id}") => ("停用一个消息推送", None, "Empty"),
        ("GET", "/api/v1/notifications") => ("当前账号的未读通知", None, "Object"),
        ("GET", "/api/v1/accounts") => ("全部账号（系统管理员）", None, "Accounts"),
        ("POST", "/api/v1/accounts") => ("新建账号，返回一次性密码（系统管理员）", Some("AccountInput"), "NewAccount"),
        _ => ("", None, "Object"),
    }
}

fn schema(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn schemas() -> Value {
    let s = |props: Value, required: &[&str]| json!({"type": "object", "properties": props, "required": required});
    let text = json!({"type": "string"});
    let int = json!({"type": "integer"});
    let risk_row = s(
        json!({"stage": text, "risk_point": text, "description": text, "measure": text, "target": text,
               "frequency": text, "role": {"type": "string", "enum": ["principal", "director", "officer"]},
               "daily_item": {"type": ["string", "null"]}}),
        &["stage", "risk_point", "description", "measure", "target", "frequency", "role"],
    );
    json!({
        "Login": s(json!({"username": text, "password": text}), &["username", "password"]),
        "Session": s(json!({"csrf_token": text, "user": {"type": "object"}}), &["csrf_token"]),
        "PasswordChange": s(json!({"current": text, "new": text}), &["current", "new"]),
        "Me": {"type": "object"},
        "Catalogues": {"type": "array", "items": {"type": "object"}},
        "UnitInput": s(json!({
            "name": text, "credit_code": text, "address": text,
            "division_code": {"type": "string", "pattern": "^[0-9]{6}$"},
            "channel": {"type": "string", "enum": ["wholesale", "retail"]},
            "employees": {"type": ["integer", "string"], "minimum": 0},
            "revenue_yuan": {"type": ["integer", "string"], "minimum": 0},
            "categories": {"type": "array", "items": text}, "principal_name": text,
            "category3_policy": {"type": "string", "enum": ["seed", "catalogue"]}}),
            &["name", "credit_code", "address", "division_code", "channel", "employees", "revenue_yuan"]),
        "Unit": s(json!({"id": int, "name": text, "credit_code": text, "assessment": {"type": "object"}, "staffing": {"type": "object"}}), &["id"]),
        "PersonInput": s(json!({"name": text, "id_number": text, "phone": text}), &["name"]),
        "Person": s(json!({"id": int, "name": text, "id_number_masked": {"type": ["string", "null"]}, "phone": text, "has_account": {"type": "boolean"}}), &["id", "name"]),
        "People": {"type": "array", "items": schema("Person")},
        "AppointmentInput": s(json!({"person_id": int, "post": {"type": "string", "enum": ["principal", "director", "officer"]},
            "employment": {"type": "string", "enum": ["full_time", "part_time"]}, "from": {"type": "string", "format": "date"}, "reason": text}),
            &["person_id", "post", "employment", "from"]),
        "Appointment": {"type": "object"},
        "Appointments": {"type": "array", "items": schema("Appointment")},
        "EndInput": s(json!({"to": {"type": "string", "format": "date"}, "end_reason": text}), &["to", "end_reason"]),
        "TrainingInput": s(json!({"person_id": int, "date": {"type": "string", "format": "date"}, "content": text,
            "hours": {"type": ["number", "string"]}, "score": {"type": ["integer", "null"], "minimum": 0, "maximum": 100}, "passed": {"type": "boolean"}}),
            &["person_id", "date", "content", "hours"]),
        "Trainings": {"type": "array", "items": {"type": "object"}},
        "Created": s(json!({"id": int}), &["id"]),
        "RiskRow": risk_row,
        "RiskListInput": s(json!({"rows": {"type": "array", "items": schema("RiskRow")}, "note": text}), &["rows"]),
        "RiskList": s(json!({"version": int, "rows": {"type": "array", "items": schema("RiskRow")}, "versions": {"type": "array"}}), &["version", "rows"]),
        "DutyInput": s(json!({"body": text}), &["body"]),
        "DutyText": s(json!({"kind": text, "title": text, "version": int, "body": text}), &["kind", "version", "body"]),
        "Version": s(json!({"version": int}), &["version"]),
        "Accounts": {"type": "array", "items": {"type": "object"}},
        "WeeklyReviewInput": s(json!({"period": text, "analysis": text, "conclusions": text, "amends": {"type": ["integer", "null"]}}),
            &["period", "analysis", "conclusions"]),
        "VetoInput": s(json!({"product": text, "defect": text, "proposal": text}), &["product", "defect", "proposal"]),
        "Photo": s(json!({"sha256": text, "content_type": text, "size": int}), &["sha256", "content_type", "size"]),
        "WebhookInput": s(json!({"kind": {"type": "string", "enum": ["wecom", "dingtalk", "generic"]},
            "url": {"type": "string", "format": "uri"}, "secret": text}), &["kind", "url"]),
        "HazardInput": s(json!({"title": text, "description": text}), &["title", "description"]),
        "MonthlyMeetingInput": s(json!({
            "period": {"type": "string", "examples": ["2026-03"]},
            "held_at": {"type": "string", "examples": ["2026-03-30T15:00"], "description": "北京时间"},
            "place": text, "host": text, "recorder": text,
            "attendees": {"type": "string", "description": "以顿号、逗号或换行分隔"},
            "report": text, "summary": text, "decisions": text,
            "tasks": {"type": "array", "items": s(json!({"work": text, "owner": text, "due": {"type": "string", "format": "date"}}), &["work", "owner", "due"])},
            "amends": {"type": ["integer", "null"]}}),
            &["period", "held_at", "place", "host", "recorder", "attendees", "report", "summary", "decisions", "tasks"]),
        "NoteInput": s(json!({"note": text}), &[]),
        "SelfInspectionInput": s(json!({"date": {"type": "string", "format": "date"}, "scope": text, "findings": text,
            "measures": text, "weekly_review": {"type": ["integer", "null"]}, "raise_hazard": {"type": "boolean"}}),
            &["date", "scope"]),
        "VetoAnswerInput": s(json!({"decision": {"type": "string", "enum": ["accept", "reject"]}, "reasons": text, "measures": text}), &["decision", "reasons"]),
        "SettingsInput": s(json!({"closed_weekdays": {"type": "array", "items": {"type": "string", "enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}},
            "daily_cadence": text, "weekly_cadence": text, "monthly_cadence": text, "daily_name": text, "weekly_name": text, "monthly_name": text}),
            &["daily_cadence", "weekly_cadence", "monthly_cadence"]),
        "SuspensionInput": s(json!({"from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}, "reason": text}), &["from", "to", "reason"]),
        "HazardStepInput": s(json!({"step": {"type": "string", "enum": ["measure", "assign", "rectify", "verify", "reject"]},
            "text": text, "owner": text, "deadline": {"type": "string", "format": "date"}}), &["step"]),
        "DailyCheckInput": s(json!({"period": text, "note": text, "amends": {"type": ["integer", "null"]},
            "items": {"type": "array", "items": s(json!({"risk_point": text, "item": text,
                "result": {"type": "string", "enum": ["conforming", "nonconforming", "not_applicable"]}, "note": text}), &["item", "result"])}}),
            &["period", "items"]),
        "AccountInput": s(json!({"username": text, "display_name": text, "kind": {"type": "string", "enum": ["unit", "regulator", "admin"]},
            "division_code": text}), &["username", "display_name", "kind"]),
        "NewAccount": s(json!({"username": text, "one_time_password": text}), &["username", "one_time_password"]),
        "Empty": {"type": "null"},
        "Object": {"type": "object"},
        "Binary": {"type": "string", "format": "binary"},
        "Error": s(json!({"error": {"type": "object", "properties": {
            "status": int, "code": text, "message": text,
            "fields": {"type": "array", "items": s(json!({"pointer": text, "message": text}), &["pointer", "message"])}}}}), &["error"]),
    })
}

/// The document.
#[must_use]
pub fn document() -> Value {
    let mut paths = Map::new();
    for spec in table().iter().filter(|s| s.api) {
        let (summary, request, response) = describe(spec);
        let mut op = Map::new();
        op.insert("summary".into(), json!(summary));
        op.insert("x-zhian-action".into(), json!(spec.action));
        let params: Vec<Value> = spec
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": if name == "kind" { "string" } else { "integer" }}}))
            .collect();
        if !params.is_empty() {
            op.insert("parameters".into(), json!(params));
        }
        if let Some(request) = request {
            op.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"application/json": {"schema": schema(request)}}}),
            );
        }
        if spec.action != Action::Public {
            op.insert("security".into(), json!([{"session": [], "csrf": []}]));
        }
        let ok = if spec.method == axum::http::Method::POST && response != "Empty" { "201" } else { "200" };
        let ok = if spec.path == "/api/v1/session" && spec.method == axum::http::Method::POST { "200" } else { ok };
        op.insert(
            "responses".into(),
            json!({
                ok: {"description": "成功", "content": {"application/json": {"schema": schema(response)}}},
                "default": {"description": "错误", "content": {"application/json": {"schema": schema("Error")}}},
            }),
        );
        let item = paths.entry(spec.path.to_owned()).or_insert_with(|| json!({}));
        if let Some(map) = item.as_object_mut() {
            map.insert(spec.method.as_str().to_ascii_lowercase(), Value::Object(op));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "zhian（质安）API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "工业产品销售单位落实质量安全主体责任。会话 Cookie 认证；改变状态的请求须带 X-CSRF-Token 头。错误以 JSON 返回，含字段指针与中文说明。"},
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "zhian_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
            },
        },
    })
}
