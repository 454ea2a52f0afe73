//! How a command fails: bad input (exit 2) or a check that failed (exit 1).

use std::fmt;

/// A command's failure, printed as one line on standard error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The input could not be used: malformed, out of range, unreadable. Exit status 2.
    BadInput(String),
    /// The input was read and a check on it failed. Exit status 1.
    Failed(String),
}

impl Failure {
    /// Bad input, naming the argument or field and the value.
    pub fn bad_value(what: &str, value: &str, why: impl fmt::Display) -> Self {
        Self::BadInput(format!("{what} 的值 \"{value}\" 无效：{why}"))
    }

    /// The process exit status.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::BadInput(_) => 2,
            Self::Failed(_) => 1,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadInput(m) | Self::Failed(m) => f.write_str(m),
        }
    }
}

/// What a command returns: an exit status (0 or 1) after printing its result, or a failure.
pub type CmdResult = Result<u8, Failure>;

/// Writes to standard output, mapping a broken pipe to a plain failure rather than a panic.
pub fn io_failure(e: std::io::Error) -> Failure {
    Failure::BadInput(format!("无法写出结果：{e}"))
}
