//! What pages and API calls do, written once: each use case parses, applies the domain's rules and calls the store.

mod accounts;
mod archive;
pub mod bank;
mod dispatch;
mod documents;
mod duty;
pub mod exams;
mod lists;
pub mod oversight;
mod people;
pub mod registry;
pub mod rows;
pub mod spotchecks;
mod units;

pub use accounts::*;
pub use archive::*;
pub use dispatch::*;
pub use documents::*;
pub use duty::*;
pub use lists::*;
pub use people::*;
pub use units::*;
