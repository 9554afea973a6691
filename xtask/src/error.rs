//! The single error type of xtask.
//!
//! xtask never recovers from an error: it reports it to a person and exits non-zero. So an error is
//! just a message, and there is no need for an error-handling crate.

use std::fmt;

/// A message for the person running `cargo xtask`.
#[derive(Debug)]
pub struct Error(String);

/// `Result` with xtask's error; most functions return `Result<()>`.
pub type Result<T = ()> = std::result::Result<T, Error>;

impl Error {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Self(err.to_string())
    }
}
