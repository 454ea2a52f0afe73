//! The `zhian` command line: parses arguments and input files, calls the domain crates, prints results.
//!
//! Exit codes are part of the interface: 0 success (or "valid"), 1 a check that ran and failed ("invalid"),
//! 2 bad input — always with one line on standard error naming the bad value, never a panic.

mod args;
mod assess;
mod cadence;
mod draw;
mod error;
mod export;
mod id;
mod log;
mod obligations;
mod serve;

pub use serve::Env;

use std::ffi::OsString;
use std::io::Write;

use clap::Parser as _;
use clap::error::{ContextKind, ContextValue, ErrorKind};

pub use error::Failure;

use args::{CadenceCommand, Cli, Command, DrawCommand, IdCommand};

/// Runs the command line given by `args` (the program name first), writing to `out` and `err`; returns the exit
/// code.
pub fn run<I, T>(args: I, env: &Env, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return clap_failure(&e, out, err),
    };
    let result = match cli.command {
        Command::Assess(a) => assess::run(&a, out),
        Command::Cadence { command: CadenceCommand::Check(a) } => cadence::run(&a, out),
        Command::Id { command: IdCommand::Check(a) } => id::run(&a, out),
        Command::Obligations(a) => obligations::run(&a, out),
        Command::Log { command } => log::run(&command, env, out),
        Command::Verify(a) => log::verify(&a, out),
        Command::Export(a) => export::export(&a, env, out),
        Command::Draw { command: DrawCommand::Verify(a) } => draw::verify(&a, out),
        Command::Serve(a) => serve::serve(&a, env, out),
        Command::Init(a) => serve::init(&a, env, out),
        Command::Migrate(a) => serve::migrate(&a, env, out),
        Command::Audit(a) => serve::audit(&a, env, out),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            // A closed standard error leaves nothing more to do; the exit code still tells.
            let _ = writeln!(err, "错误：{failure}");
            failure.exit_code()
        }
    }
}

/// Help and version go to standard output with status 0; any other parse error is one line with status 2.
fn clap_failure(e: &clap::Error, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = write!(out, "{}", e.render());
        return 0;
    }
    let context = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        _ => String::new(),
    };
    let message = match e.kind() {
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需参数 {}", context(ContextKind::InvalidArg))
        }
        ErrorKind::UnknownArgument => format!("未知参数 {}", context(ContextKind::InvalidArg)),
        ErrorKind::InvalidSubcommand => {
            format!("未知子命令 {}", context(ContextKind::InvalidSubcommand))
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => "缺少子命令".to_owned(),
        ErrorKind::ArgumentConflict => {
            format!("参数 {} 重复或冲突", context(ContextKind::InvalidArg))
        }
        _ => {
            let text = e.render().to_string();
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("参数错误").to_owned();
            first.strip_prefix("error: ").map(str::to_owned).unwrap_or(first)
        }
    };
    let _ = writeln!(err, "错误：{message}（zhian --help 查看用法）");
    2
}
