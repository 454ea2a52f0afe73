//! A realistic county to try zhian with: three units in Shenzhen's Nanshan district — an e-bike retailer, a wires and
//! cables wholesaler and a supermarket chain's store — with their people, assessments, appointments, risk lists and
//! duty texts, and the district regulator. Loaded once; every load gives the demo accounts fresh passwords, which
//! are returned to be printed (there are no default passwords, not even in the demo).

use zhian_domain::access::Post;
use zhian_domain::duty::{CheckItemForm, DailyCheckForm};
use zhian_domain::forms::{AppointmentForm, PersonForm, TrainingForm, UnitForm};
use zhian_domain::hazard::{HazardStep, apply};
use zhian_domain::ident::DivisionCode;
use zhian_store::models::NewUser;

use crate::auth::{self, Ctx};
use crate::error::AppError;
use crate::{AppState, usecases};

/// A demo log-in to print: (who, username, password).
pub type DemoLogin = (String, String, String);

struct DemoPerson<'a> {
    name: &'a str,
    id_number: &'a str,
    post: Post,
    username: Option<&'a str>,
}

struct DemoUnit<'a> {
    form: [&'a str; 7],
    categories: &'a [&'a str],
    principal: (&'a str, &'a str),
    staff: &'a [DemoPerson<'a>],
}

const UNITS: [DemoUnit<'static>; 3] = [
    DemoUnit {
        form: [
            "深圳市南山区示例电动车商行",
            "92440305MA5G7K3L2A",
            "深圳市南山区桃园路 18 号",
            "440305",
            "retail",
            "8",
            "2600000",
        ],
        categories: &["ccc-10", "ccc-18", "gb-safety-03"],
        principal: ("李强", "ebike.principal"),
        staff: &[DemoPerson {
            name: "王芳",
            id_number: "440305198507160027",
            post: Post::Officer,
            username: Some("ebike.officer"),
        }],
    },
    DemoUnit {
        form: [
            "深圳市示例电线电缆批发有限公司",
            "91440305MA5F8N2Q4W",
            "深圳市南山区沙河西路 200 号",
            "440305",
            "wholesale",
            "35",
            "86000000",
        ],
        categories: &["licence-06", "ccc-01"],
        principal: ("陈建国", "cable.principal"),
        staff: &[
            DemoPerson {
                name: "刘洋",
                id_number: "44030519900102003X",
                post: Post::Director,
                username: Some("cable.director"),
            },
            DemoPerson { name: "赵丽", id_number: "440305199208150042", post: Post::Officer, username: None },
        ],
    },
    DemoUnit {
        form: [
            "示例连锁超市（南山店）",
            "91440305MA5H1P6R87",
            "深圳市南山区南海大道 3000 号",
            "440305",
            "retail",
            "120",
            "60000000",
        ],
        categories: &["ccc-07", "gb-safety-01"],
        principal: ("周明", "market.principal"),
        staff: &[
            DemoPerson {
                name: "孙婷",
                id_number: "440305198811200054",
                post: Post::Director,
                username: Some("market.director"),
            },
            DemoPerson {
                name: "吴磊",
                id_number: "440305199505050064",
                post: Post::Officer,
                username: Some("market.officer"),
            },
            DemoPerson { name: "郑洁", id_number: "440305198309090072", post: Post::Officer, username: None },
        ],
    },
];

/// The regulator's account: (name, username, jurisdiction).
const REGULATOR: (&str, &str, &str) = ("南山区市场监督管理局 张敏", "nanshan.regulator", "440305");

/// Loads the demo county unless it is there, then sets fresh passwords for every demo account and returns them.
pub async fn load(state: &AppState) -> Result<Vec<DemoLogin>, AppError> {
    let mut logins = Vec::new();
    let loaded = state.store.user_by_username(UNITS[0].principal.1).await?.is_some();
    if !loaded {
        for unit in &UNITS {
            load_unit(state, unit).await?;
        }
        for unit in &UNITS {
            training(state, unit).await?;
        }
        let regulator = account(state, REGULATOR.1, REGULATOR.0).await?;
        let division = DivisionCode::parse(REGULATOR.2).map_err(|e| AppError::Internal(e.to_string()))?;
        state.store.grant_jurisdiction(regulator, division, state.clock.now()).await?;
        tracing::info!("demo county loaded");
    }
    for unit in &UNITS {
        logins.push((
            format!("{}（{}，主要负责人）", unit.principal.0, unit.form[0]),
            unit.principal.1.to_owned(),
            String::new(),
        ));
        for p in unit.staff.iter().filter(|p| p.username.is_some()) {
            logins.push((
                format!("{}（{}，{}）", p.name, unit.form[0], p.post.label()),
                p.username.unwrap_or_default().to_owned(),
                String::new(),
            ));
        }
    }
    logins.push((REGULATOR.0.to_owned(), REGULATOR.1.to_owned(), String::new()));
    for (_, username, password) in &mut logins {
        *password = reset_password(state, username).await?;
    }
    Ok(logins)
}

/// Generated shops for trying zhian at scale and for load runs: `demo0001` … each an e-bike retailer in Nanshan
/// with a principal and an officer who can sign in. Made once; returns the officers' log-ins with fresh passwords.
pub async fn load_generated(state: &AppState, count: u32) -> Result<Vec<DemoLogin>, AppError> {
    let mut logins = Vec::new();
    for k in 1..=count {
        let (principal, officer) = (format!("demo{k:04}.principal"), format!("demo{k:04}.officer"));
        if state.store.user_by_username(&officer).await?.is_none() {
            let name = format!("深圳市南山区演示电动车门店（第 {k:04} 号）");
            let credit_code =
                with_check_char(&format!("92440305MA5{k:06}"), |c| zhian_domain::ident::CreditCode::parse(c).is_ok());
            let id_number =
                with_check_char(&format!("44030519900101{k:03}"), |c| zhian_domain::ident::IdNumber::parse(c).is_ok());
            let address = format!("深圳市南山区演示路 {k} 号");
            let staff = [DemoPerson {
                name: "演示质量安全员",
                id_number: &id_number,
                post: Post::Officer,
                username: Some(&officer),
            }];
            let unit = DemoUnit {
                form: [&name, &credit_code, &address, "440305", "retail", "6", "1800000"],
                categories: &["ccc-10", "ccc-18"],
                principal: ("演示负责人", &principal),
                staff: &staff,
            };
            load_unit(state, &unit).await?;
        }
        let password = reset_password(state, &officer).await?;
        logins.push((format!("演示门店 {k:04} 的质量安全员"), officer, password));
    }
    Ok(logins)
}

/// `base` completed with the first check character that `valid` accepts.
fn with_check_char(base: &str, valid: impl Fn(&str) -> bool) -> String {
    "0123456789ABCDEFGHJKLMNPQRTUWXY".chars().map(|c| format!("{base}{c}")).find(|c| valid(c)).unwrap_or_default()
}

async fn account(state: &AppState, username: &str, name: &str) -> Result<i64, AppError> {
    let hash = auth::hash_password_on_worker(state, auth::new_password(state.entropy.as_ref())).await?;
    let new =
        NewUser { username, display_name: name, password_hash: &hash, is_admin: false, must_change_password: false };
    Ok(state.store.create_user(&new, state.clock.now()).await?)
}

async fn reset_password(state: &AppState, username: &str) -> Result<String, AppError> {
    let user = state.store.user_by_username(username).await?.ok_or(AppError::NotFound)?;
    let password = auth::new_password(state.entropy.as_ref());
    let hash = auth::hash_password_on_worker(state, password.clone()).await?;
    state.store.set_password(user.id, &hash, false, state.clock.now()).await?;
    Ok(password)
}

async fn load_unit(state: &AppState, unit: &DemoUnit<'_>) -> Result<(), AppError> {
    let [name, credit_code, address, division_code, channel, employees, revenue_yuan] = unit.form;
    let form = UnitForm {
        name: name.into(),
        credit_code: credit_code.into(),
        address: address.into(),
        division_code: division_code.into(),
        channel: channel.into(),
        employees: employees.into(),
        revenue_yuan: revenue_yuan.into(),
    };
    let principal = account(state, unit.principal.1, unit.principal.0).await?;
    let user = state.store.user(principal).await?.ok_or(AppError::NotFound)?;
    let mut ctx = Ctx {
        user: Some(user),
        session: None,
        subject: Default::default(),
        unit: None,
        csrf: String::new(),
        api: false,
    };
    let categories: Vec<String> = unit.categories.iter().map(|c| (*c).to_owned()).collect();
    let unit_id = usecases::create_unit(state, &ctx, &form, &categories, unit.principal.0).await?;
    ctx.unit = state.store.unit_ref(unit_id).await?;
    let today = state.clock.today();
    let trained = today - chrono::Duration::days(30);
    for p in unit.staff {
        let form = PersonForm { name: p.name.into(), id_number: p.id_number.into(), phone: String::new() };
        let person_id = usecases::add_person(state, unit_id, &form).await?;
        let training = TrainingForm {
            person_id: person_id.to_string(),
            date: trained.to_string(),
            content: "《产品质量法》、市场监管总局令第76号及本单位产品强制性国家标准".into(),
            hours: "4".into(),
            score: "88".into(),
            passed: "true".into(),
        };
        usecases::add_training(state, &ctx, unit_id, &training).await?;
        let appointment = AppointmentForm {
            person_id: person_id.to_string(),
            post: p.post.code().into(),
            employment: "part_time".into(),
            from: (trained + chrono::Duration::days(1)).to_string(),
            reason: "单位任命文件".into(),
        };
        usecases::appoint(state, &ctx, unit_id, &appointment).await?;
        if let Some(username) = p.username {
            usecases::create_account(state, unit_id, person_id, username).await?;
        }
    }
    todays_check(state, unit, unit_id, principal).await
}

/// Last month's training session with every member of staff, and an online exam taken today by the first of them,
/// passed with two answers wrong.
async fn training(state: &AppState, unit: &DemoUnit<'_>) -> Result<(), AppError> {
    use crate::usecases::exams;
    let principal = state.store.user_by_username(unit.principal.1).await?.ok_or(AppError::NotFound)?;
    let division = DivisionCode::parse(unit.form[3]).map_err(|e| AppError::Internal(e.to_string()))?;
    let units = state.store.units_in(division).await?;
    let Some(unit_id) = units.iter().find(|(_, name, _)| name == unit.form[0]).map(|(id, _, _)| *id) else {
        return Ok(());
    };
    let people = state.store.people(unit_id).await?;
    let session = exams::SessionForm {
        date: (state.clock.today() - chrono::Duration::days(31)).to_string(),
        topic: "《产品质量法》、市场监管总局令第76号、本单位经营产品的强制性国家标准".into(),
        hours: "4".into(),
        trainer: "区市场监管局质量监督科".into(),
        attendees: people.iter().map(|p| p.id.to_string()).collect(),
    };
    exams::record_session(state, principal.id, unit_id, &session).await?;
    let Some(first) = people.first() else { return Ok(()) };
    let set = exams::set_exam(
        state,
        principal.id,
        unit_id,
        &first.id.to_string(),
        "质量安全管理人员内部考核",
        &state.settings.blueprint,
    )
    .await?;
    let attempt = exams::attempt_for_token(state, &set.token).await?;
    exams::start(state, &attempt).await?;
    let attempt = exams::attempt_for_token(state, &set.token).await?;
    for (i, right) in exams::answer_key(state, &attempt).await?.iter().enumerate() {
        // Two answers wrong: the first two questions (single-choice) take the option after the right one.
        let answer = if i < 2 { if right == "A" { "B".to_owned() } else { "A".to_owned() } } else { right.clone() };
        exams::save_answer(state, &attempt, &i.to_string(), &answer).await?;
    }
    exams::mark_attempt(state, &attempt, false).await
}

/// The officer with a log-in does today's check: all clear in the e-bike shop; in the supermarket a helmet without
/// its certificate opens a hazard, which the principal puts in hand.
async fn todays_check(state: &AppState, unit: &DemoUnit<'_>, unit_id: i64, principal: i64) -> Result<(), AppError> {
    let Some(officer) = unit.staff.iter().find(|p| p.post == Post::Officer && p.username.is_some()) else {
        return Ok(());
    };
    let Some(account) = state.store.user_by_username(officer.username.unwrap_or_default()).await? else {
        return Ok(());
    };
    let list = state.store.risk_list(unit_id, None).await?.map(|l| l.rows).unwrap_or_default();
    let mut items: Vec<CheckItemForm> = list
        .into_iter()
        .filter_map(|r| {
            r.daily_item.map(|item| CheckItemForm {
                risk_point: r.risk_point,
                item,
                result: "conforming".into(),
                note: String::new(),
                photos: Vec::new(),
            })
        })
        .collect();
    let finding = unit.form[0].contains("超市");
    let helmet = items.iter().position(|i| i.item.contains("帽") || i.risk_point.contains("帽")).unwrap_or(0);
    if finding && let Some(first) = items.get_mut(helmet) {
        first.result = "nonconforming".into();
        first.note = "货架上两顶安全帽无产品合格证，已下架待查".into();
    }
    let period =
        zhian_domain::Period::containing(zhian_domain::Cadence::Days(1), state.clock.now().timestamp()).to_string();
    let form = DailyCheckForm { period, items, note: String::new(), amends: None };
    let hazards =
        state.store.submit_daily_check(unit_id, &form, Vec::new(), account.id, state.clock.now()).await?.hazards;
    let today = state.clock.today();
    for hazard in hazards {
        let steps = [
            HazardStep::Measure { measure: "已下架隔离，暂停销售同批次".into() },
            HazardStep::Assign { owner: officer.name.into(), deadline: today + chrono::Duration::days(3) },
        ];
        for step in &steps {
            let rule = |status| apply(status, step, &[Post::Principal], today).map_err(|e| e.to_string());
            state.store.hazard_step(unit_id, hazard, step, &rule, principal, state.clock.now()).await?;
        }
    }
    Ok(())
}

/// A year (or any span) of generated activity for units, for demonstrations and benchmarks at scale: for every
/// daily, weekly and monthly window of `from..=to` that has closed by now, about 85 % made on time, 7 % made late
/// (the day after the window closed, or now if that is sooner) and the rest missing, decided by `seed`. Written
/// through [`zhian_store::Store::insert_generated`]: not on the log. Units must use the default cadences.
pub async fn generate_history(
    state: &AppState,
    units: &[i64],
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    seed: u64,
    by: i64,
) -> Result<usize, AppError> {
    use zhian_domain::cadence::Cadences;
    use zhian_domain::{Period, Tier};
    let now = state.clock.now();
    let cadences = Cadences::default();
    let (first, last) = (zhian_domain::time::day_number(from), zhian_domain::time::day_number(to));
    let mut records = Vec::new();
    for &unit in units {
        for tier in [Tier::Daily, Tier::Weekly, Tier::Monthly] {
            let cadence = cadences.get(tier);
            let (lo, hi) = Period::index_range(cadence, first, last);
            for index in lo..=hi {
                let period = Period::new(cadence, index);
                let window = period.window();
                let (start, end) = (
                    chrono::DateTime::from_timestamp(window.start, 0).unwrap_or_default(),
                    chrono::DateTime::from_timestamp(window.end, 0).unwrap_or_default(),
                );
                if end > now {
                    continue;
                }
                let mut z = seed
                    ^ (unit as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    ^ (index as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9)
                    ^ (tier as u64);
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                let roll = (z ^ (z >> 31)) % 100;
                let at = match roll {
                    0..85 => start + (end - start) / 3,
                    85..92 => (end + chrono::Duration::days(1)).min(now),
                    _ => continue,
                };
                records.push((tier, unit, period.to_string(), at));
            }
        }
    }
    state.store.insert_generated(&records, by, now).await?;
    Ok(records.len())
}
