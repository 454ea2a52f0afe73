//! What pages and API calls do, written once: each use case parses, applies the domain's rules and calls the store.

mod accounts;
mod archive;
mod dispatch;
mod documents;
mod duty;
mod lists;
mod people;
mod units;

pub use accounts::*;
pub use archive::*;
pub use dispatch::*;
pub use documents::*;
pub use duty::*;
pub use lists::*;
pub use people::*;
pub use units::*;
