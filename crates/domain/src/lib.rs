//! The rules of SAMR Order No. 76 (《工业产品销售单位落实质量安全主体责任监督管理规定》) as a pure library.
//!
//! Everything here is a function of its arguments: no I/O, no clock, no randomness. Callers pass the evaluation
//! instant (`as_of`) and the data; the `zhian` binary is the one place that reads the clock. Each rule cites the
//! passage of the seed document (the official Q&A on Order No. 76) or of `DOMAIN.md` it implements.
//!
//! - [`scope`]: is a unit in scope, how large is it, must it appoint a director and officers (DOMAIN §2–4).
//! - [`cadence`]: the daily / weekly / monthly tiers and custom cadences, and when a custom cadence is allowed (§5).
//! - [`period`]: the named windows of a cadence (`2026-02-03`, `2026-W06`, `2026-02`, …).
//! - [`calendar`]: the obligation calendar — the status of every slot in a date range (§5).
//! - [`ident`]: unified social credit codes, resident ID numbers and administrative division codes (§10).
//! - [`time`]: the Asia/Shanghai calendar the rules are evaluated in.
//! - [`access`]: roles, actions and the policy every request is checked against (§1).
//! - [`staffing`]: the appointment gate and the staffing a unit adds up to (§4).
//! - [`duty`], [`hazard`], [`veto`], [`dispatch`]: the duty cycle's records and their rules (§5–7).
//! - [`exam`]: the question bank's questions, the exam blueprint, drawing and marking papers (§8).
//! - [`draw`]: the documented deterministic draw from a seed — spot-check samples and exam papers.
//! - [`spotcheck`]: the random spot check's frozen candidate list, its verifiable draw and re-computation (§1, §8).
//! - [`forms`]: input as typed, checked field by field into typed values.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod access;
pub mod cadence;
pub mod calendar;
pub mod dispatch;
pub mod draw;
pub mod duty;
pub mod entropy;
pub mod exam;
pub mod forms;
pub mod hazard;
pub mod ident;
pub mod period;
pub mod photo;
pub mod scope;
pub mod spotcheck;
pub mod staffing;
pub mod time;
pub mod veto;

pub use cadence::{Cadence, CadenceError, Tier};
pub use calendar::{
    Calendar, ObligationQuery, Outcome, Record, Slot, SlotStatus, Summary, Suspension, evaluate, evaluate_owed,
    outcomes,
};
pub use period::{Period, PeriodError};
pub use scope::{Assessment, Category3Policy, Channel, ProductClass, Products, Scale, UnitProfile};
pub use time::{DateRange, WeekdaySet};
