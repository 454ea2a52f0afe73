//! The store conformance suite, one binary: every case on SQLite and on PostgreSQL (see `common`).

#[macro_use]
mod common;

mod conformance;
mod duty;
mod exams;
mod regulator;
