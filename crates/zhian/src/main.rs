//! The `zhian` binary: hands the command line to `zhian-cli` and exits with its status.
//!
//! This is the one place that touches the process: arguments, standard streams, exit status, the system clock and
//! the operating system's random number generator. Everything else receives them as parameters.

use std::process::ExitCode;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use zhian_domain::entropy::Entropy;
use zhian_domain::time::Clock;

/// mimalloc: under a load of small requests its per-thread heaps cost the server about a tenth less CPU than the
/// system allocator (`scripts/bench-checks.sh`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The system clock.
struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods, reason = "the one place the clock is read")]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The operating system's random number generator.
struct OsEntropy;

impl Entropy for OsEntropy {
    #[allow(clippy::print_stderr, reason = "the process cannot continue and has nowhere else to say why")]
    fn fill(&self, buf: &mut [u8]) {
        if let Err(e) = getrandom::fill(buf) {
            // Without randomness no secret can be made safely: stop rather than continue with predictable bytes.
            eprintln!("错误：无法从操作系统获取随机数：{e}");
            std::process::exit(70);
        }
    }
}

fn main() -> ExitCode {
    let env = zhian_cli::Env { clock: Arc::new(SystemClock), entropy: Arc::new(OsEntropy) };
    // Unlocked handles: each write takes the lock briefly, so the server's log lines from worker threads never wait
    // on a lock held for the whole run.
    let code = zhian_cli::run(std::env::args_os(), &env, &mut std::io::stdout(), &mut std::io::stderr());
    ExitCode::from(code)
}
