//! zhian-web's integration tests, one binary: the real router over a real store, a fixed clock, seeded randomness.

mod common;

mod api;
mod authorization;
mod browser;
mod dispatch;
mod documents;
mod duty;
mod exams;
mod oversight;
mod photos;
mod registry;
mod reminders;
mod spotchecks;
