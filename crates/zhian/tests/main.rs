//! The `zhian` binary's integration tests, one binary: the command line, the server it starts, and the browser.

mod common;
#[path = "../../web/tests/common/browser.rs"]
mod driver;

mod archive;
mod browser;
mod browser_spotcheck;
mod cli;
mod draw;
mod log;
mod serve;
