//! The `zhian` binary: hands the command line to `zhian-cli` and exits with its status.
//!
//! This is the one place that touches the process: arguments, standard streams, exit status, and (for the
//! commands that need it) the clock.

use std::process::ExitCode;

fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = zhian_cli::run(std::env::args_os(), &mut stdout.lock(), &mut stderr.lock());
    ExitCode::from(code)
}
