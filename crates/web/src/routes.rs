//! The route table: every route with its method, path, the [`Action`] it performs and its handler. The router is
//! built from this table only, so no route exists without a policy; the authorisation matrix test walks it.

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, post, put};
use zhian_domain::access::Action;

use crate::auth::{Guard, guard};
use crate::{AppState, api, documents, pages, records};

/// One route's declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSpec {
    /// HTTP method.
    pub method: Method,
    /// Path, with `{unit_id}`-style parameters.
    pub path: &'static str,
    /// What it does.
    pub action: Action,
    /// Part of the JSON API.
    pub api: bool,
}

macro_rules! table {
    ($( $method:ident $path:literal $action:ident $api:literal => $handler:path ),* $(,)?) => {
        fn entries() -> Vec<(RouteSpec, MethodRouter<AppState>)> {
            vec![$((
                RouteSpec { method: method!($method), path: $path, action: Action::$action, api: $api },
                $method($handler),
            )),*]
        }
    };
}

macro_rules! method {
    (get) => {
        Method::GET
    };
    (post) => {
        Method::POST
    };
    (put) => {
        Method::PUT
    };
    (delete) => {
        Method::DELETE
    };
}

table! {
    get "/healthz" Public false => pages::healthz,
    get "/static/app.css" Public false => pages::stylesheet,
    get "/log/checkpoint" Public false => records::checkpoint,
    get "/log/key" Public false => records::verifier_key,
    get "/v/{code}" Public false => documents::verify,
    get "/static/exam.js" Public false => pages::exams::script,
    get "/exam/{token}" Public false => pages::exams::show,
    post "/exam/{token}/start" Public false => pages::exams::start,
    post "/exam/{token}/save" Public false => pages::exams::save,
    post "/exam/{token}/submit" Public false => pages::exams::submit,
    get "/exam/{token}/certificate.pdf" Public false => pages::exams::certificate,
    get "/login" Public false => pages::account::login_form,
    post "/login" Public false => pages::account::login,
    post "/logout" OwnAccount false => pages::account::logout,
    get "/" OwnAccount false => pages::account::home,
    get "/account/password" OwnAccount false => pages::account::password_form,
    post "/account/password" OwnAccount false => pages::account::change_password,
    get "/units/new" CreateUnit false => pages::units::new_form,
    post "/units/new" CreateUnit false => pages::units::create,
    get "/units/{unit_id}" ViewUnit false => pages::units::dashboard,
    get "/units/{unit_id}/profile" EditUnitProfile false => pages::units::profile_form,
    post "/units/{unit_id}/profile" EditUnitProfile false => pages::units::update_profile,
    get "/units/{unit_id}/people" ViewUnit false => pages::people::list,
    post "/units/{unit_id}/people" ManagePeople false => pages::people::add,
    post "/units/{unit_id}/appointments" ManagePeople false => pages::people::appoint,
    post "/units/{unit_id}/appointments/{appointment_id}/end" ManagePeople false => pages::people::end,
    post "/units/{unit_id}/people/{person_id}/account" ManagePeople false => pages::people::create_account,
    get "/units/{unit_id}/training" ViewUnit false => pages::training::show,
    post "/units/{unit_id}/training" RecordTraining false => pages::training::add_record,
    post "/units/{unit_id}/training/sessions" RecordTraining false => pages::training::add_session,
    post "/units/{unit_id}/assessments" RecordTraining false => pages::training::set_assessment,
    get "/units/{unit_id}/rectifications" ViewUnit false => pages::spotchecks::unit_orders,
    post "/units/{unit_id}/rectifications/{order_id}/report" ManagePeople false => pages::spotchecks::report,
    get "/units/{unit_id}/risk-list" ViewUnit false => pages::lists::risk_list,
    get "/units/{unit_id}/risk-list/edit" EditRiskList false => pages::lists::risk_edit,
    post "/units/{unit_id}/risk-list" EditRiskList false => pages::lists::risk_save,
    get "/units/{unit_id}/duties" ViewUnit false => pages::lists::duties,
    get "/units/{unit_id}/duties/{kind}/edit" EditDutyTexts false => pages::lists::duty_edit,
    post "/units/{unit_id}/duties/{kind}" EditDutyTexts false => pages::lists::duty_save,
    get "/units/{unit_id}/calendar" ViewUnit false => pages::calendar::month,
    get "/units/{unit_id}/checks" ViewUnit false => pages::checks::list,
    get "/units/{unit_id}/checks/new" SubmitDailyCheck false => pages::checks::new_form,
    post "/units/{unit_id}/checks" SubmitDailyCheck false => pages::checks::submit,
    get "/units/{unit_id}/checks/{check_id}" ViewUnit false => pages::checks::show,
    get "/units/{unit_id}/photos/{sha256}" ViewUnit false => pages::checks::photo,
    get "/units/{unit_id}/reviews" ViewUnit false => pages::reviews::list,
    get "/units/{unit_id}/reviews/new" SubmitWeeklyReview false => pages::reviews::new_form,
    post "/units/{unit_id}/reviews" SubmitWeeklyReview false => pages::reviews::submit,
    get "/units/{unit_id}/reviews/{review_id}" ViewUnit false => pages::reviews::show,
    get "/units/{unit_id}/meetings" ViewUnit false => pages::meetings::list,
    get "/units/{unit_id}/meetings/new" RecordMonthlyMeeting false => pages::meetings::new_form,
    post "/units/{unit_id}/meetings" RecordMonthlyMeeting false => pages::meetings::submit,
    get "/units/{unit_id}/meetings/{meeting_id}" ViewUnit false => pages::meetings::show,
    post "/units/{unit_id}/meetings/{meeting_id}/confirm" ConfirmMonthlyMeeting false => pages::meetings::confirm,
    post "/units/{unit_id}/tasks/{task_id}/done" RecordSelfInspection false => pages::meetings::complete_task,
    get "/units/{unit_id}/inspections" ViewUnit false => pages::inspections::list,
    post "/units/{unit_id}/inspections" RecordSelfInspection false => pages::inspections::submit,
    get "/units/{unit_id}/inspections/{inspection_id}" ViewUnit false => pages::inspections::show,
    get "/units/{unit_id}/vetoes" ViewUnit false => pages::vetoes::list,
    post "/units/{unit_id}/vetoes" ProposeVeto false => pages::vetoes::propose,
    get "/units/{unit_id}/vetoes/{veto_id}" ViewUnit false => pages::vetoes::show,
    post "/units/{unit_id}/vetoes/{veto_id}/answer" AnswerVeto false => pages::vetoes::answer,
    get "/units/{unit_id}/settings" ViewUnit false => pages::settings::show,
    post "/units/{unit_id}/settings" EditUnitProfile false => pages::settings::update,
    post "/units/{unit_id}/suspensions" EditUnitProfile false => pages::settings::suspend,
    post "/units/{unit_id}/webhooks" EditUnitProfile false => pages::settings::add_webhook,
    post "/units/{unit_id}/webhooks/{webhook_id}/remove" EditUnitProfile false => pages::settings::remove_webhook,
    get "/units/{unit_id}/hazards" ViewUnit false => pages::hazards::list,
    post "/units/{unit_id}/hazards" ActOnHazard false => pages::hazards::raise,
    get "/units/{unit_id}/hazards/{hazard_id}" ViewUnit false => pages::hazards::show,
    post "/units/{unit_id}/hazards/{hazard_id}/steps" ActOnHazard false => pages::hazards::step,
    post "/notifications/{notification_id}/read" OwnAccount false => pages::hazards::read_notification,
    get "/units/{unit_id}/records/{kind}/{record_id}/bundle" ViewUnit false => records::page_bundle,
    get "/units/{unit_id}/documents" ViewUnit false => documents::index,
    get "/units/{unit_id}/documents/{file}" ViewUnit false => documents::page_file,
    post "/units/{unit_id}/archives" ViewUnit false => documents::start_archive,
    get "/units/{unit_id}/archives/{job_id}" ViewUnit false => documents::archive_status,
    get "/units/{unit_id}/archives/{job_id}/download" ViewUnit false => documents::archive_download,
    get "/admin/accounts" ManageAccounts false => pages::admin::accounts,
    post "/admin/accounts" ManageAccounts false => pages::admin::create,
    post "/admin/accounts/{user_id}/password" ManageAccounts false => pages::admin::reset,
    get "/spot-checks/{plan_id}" Public false => pages::spotchecks::public,
    get "/spot-checks/{plan_id}/draw.json" Public false => pages::spotchecks::draw_json,
    get "/regulator/dashboard" Supervise false => pages::oversight::show,
    get "/regulator/dashboard.xlsx" Supervise false => pages::oversight::xlsx,
    get "/regulator/spot-checks" Supervise false => pages::spotchecks::list,
    post "/regulator/spot-checks" Supervise false => pages::spotchecks::create,
    get "/regulator/spot-checks/{plan_id}" Supervise false => pages::spotchecks::show,
    post "/regulator/spot-checks/{plan_id}/draw" Supervise false => pages::spotchecks::draw,
    post "/regulator/spot-checks/{plan_id}/scores" Supervise false => pages::spotchecks::score,
    post "/regulator/spot-checks/{plan_id}/publish" Supervise false => pages::spotchecks::publish,
    get "/regulator/registry" Supervise false => pages::registry::show,
    post "/regulator/registry" Supervise false => pages::registry::import,
    get "/regulator/registry/template.xlsx" Supervise false => pages::registry::template,
    get "/admin/bank" ManageQuestionBank false => pages::bank::show,
    post "/admin/bank" ManageQuestionBank false => pages::bank::import,
    get "/admin/bank/export.json" ManageQuestionBank false => pages::bank::export_json,
    get "/admin/bank/export.xlsx" ManageQuestionBank false => pages::bank::export_xlsx,

    get "/api/v1/openapi.json" Public true => api::openapi,
    post "/api/v1/session" Public true => api::login,
    delete "/api/v1/session" OwnAccount true => api::logout,
    get "/api/v1/me" OwnAccount true => api::me,
    post "/api/v1/me/password" OwnAccount true => api::change_password,
    get "/api/v1/catalogues" OwnAccount true => api::catalogues,
    post "/api/v1/units" CreateUnit true => api::create_unit,
    get "/api/v1/units/{unit_id}" ViewUnit true => api::unit,
    put "/api/v1/units/{unit_id}" EditUnitProfile true => api::update_unit,
    get "/api/v1/units/{unit_id}/people" ViewUnit true => api::people,
    post "/api/v1/units/{unit_id}/people" ManagePeople true => api::add_person,
    get "/api/v1/units/{unit_id}/appointments" ViewUnit true => api::appointments,
    post "/api/v1/units/{unit_id}/appointments" ManagePeople true => api::appoint,
    post "/api/v1/units/{unit_id}/appointments/{appointment_id}/end" ManagePeople true => api::end_appointment,
    get "/api/v1/units/{unit_id}/trainings" ViewUnit true => api::trainings,
    post "/api/v1/units/{unit_id}/trainings" RecordTraining true => api::add_training,
    get "/api/v1/units/{unit_id}/risk-list" ViewUnit true => api::risk_list,
    post "/api/v1/units/{unit_id}/risk-list" EditRiskList true => api::save_risk_list,
    get "/api/v1/units/{unit_id}/duties/{kind}" ViewUnit true => api::duty_text,
    put "/api/v1/units/{unit_id}/duties/{kind}" EditDutyTexts true => api::save_duty_text,
    get "/api/v1/units/{unit_id}/calendar" ViewUnit true => api::calendar,
    get "/api/v1/units/{unit_id}/daily-checks" ViewUnit true => api::daily_checks,
    post "/api/v1/units/{unit_id}/daily-checks" SubmitDailyCheck true => api::submit_daily_check,
    get "/api/v1/units/{unit_id}/daily-checks/{check_id}" ViewUnit true => api::daily_check,
    post "/api/v1/units/{unit_id}/photos" SubmitDailyCheck true => api::upload_photo,
    get "/api/v1/units/{unit_id}/weekly-reviews" ViewUnit true => api::weekly_reviews,
    post "/api/v1/units/{unit_id}/weekly-reviews" SubmitWeeklyReview true => api::submit_weekly_review,
    get "/api/v1/units/{unit_id}/weekly-reviews/{review_id}" ViewUnit true => api::weekly_review,
    get "/api/v1/units/{unit_id}/monthly-meetings" ViewUnit true => api::monthly_meetings,
    post "/api/v1/units/{unit_id}/monthly-meetings" RecordMonthlyMeeting true => api::submit_monthly_meeting,
    get "/api/v1/units/{unit_id}/monthly-meetings/{meeting_id}" ViewUnit true => api::monthly_meeting,
    post "/api/v1/units/{unit_id}/monthly-meetings/{meeting_id}/confirm" ConfirmMonthlyMeeting true => api::confirm_monthly_meeting,
    get "/api/v1/units/{unit_id}/tasks" ViewUnit true => api::open_tasks,
    post "/api/v1/units/{unit_id}/tasks/{task_id}/done" RecordSelfInspection true => api::complete_task,
    get "/api/v1/units/{unit_id}/self-inspections" ViewUnit true => api::self_inspections,
    post "/api/v1/units/{unit_id}/self-inspections" RecordSelfInspection true => api::submit_self_inspection,
    get "/api/v1/units/{unit_id}/vetoes" ViewUnit true => api::vetoes,
    post "/api/v1/units/{unit_id}/vetoes" ProposeVeto true => api::propose_veto,
    get "/api/v1/units/{unit_id}/vetoes/{veto_id}" ViewUnit true => api::veto,
    post "/api/v1/units/{unit_id}/vetoes/{veto_id}/answer" AnswerVeto true => api::answer_veto,
    get "/api/v1/units/{unit_id}/settings" ViewUnit true => api::settings,
    put "/api/v1/units/{unit_id}/settings" EditUnitProfile true => api::update_settings,
    get "/api/v1/units/{unit_id}/suspensions" ViewUnit true => api::suspensions,
    post "/api/v1/units/{unit_id}/suspensions" EditUnitProfile true => api::add_suspension,
    get "/api/v1/units/{unit_id}/webhooks" EditUnitProfile true => api::webhooks,
    post "/api/v1/units/{unit_id}/webhooks" EditUnitProfile true => api::add_webhook,
    delete "/api/v1/units/{unit_id}/webhooks/{webhook_id}" EditUnitProfile true => api::remove_webhook,
    get "/api/v1/units/{unit_id}/hazards" ViewUnit true => api::hazards,
    post "/api/v1/units/{unit_id}/hazards" ActOnHazard true => api::raise_hazard,
    get "/api/v1/units/{unit_id}/hazards/{hazard_id}" ViewUnit true => api::hazard,
    post "/api/v1/units/{unit_id}/hazards/{hazard_id}/steps" ActOnHazard true => api::hazard_step,
    get "/api/v1/notifications" OwnAccount true => api::notifications,
    get "/api/v1/units/{unit_id}/records/{kind}/{record_id}/bundle" ViewUnit true => records::api_bundle,
    get "/api/v1/units/{unit_id}/documents/{file}" ViewUnit true => documents::api_file,
    get "/api/v1/accounts" ManageAccounts true => api::accounts,
    post "/api/v1/accounts" ManageAccounts true => api::create_account,
}

/// Every route's declaration, in table order.
#[must_use]
pub fn table() -> Vec<RouteSpec> {
    entries().into_iter().map(|(spec, _)| spec).collect()
}

/// The router: each route behind its own guard.
pub fn build(state: AppState) -> Router<AppState> {
    let mut router = Router::new();
    for (spec, handler) in entries() {
        let guard_state = (state.clone(), Guard { action: spec.action, api: spec.api });
        router = router.route(spec.path, handler.route_layer(axum::middleware::from_fn_with_state(guard_state, guard)));
    }
    router.fallback(pages::not_found)
}
