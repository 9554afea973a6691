//! Running other programs: a thin wrapper over [`std::process::Command`].
//!
//! Why a wrapper: every command xtask runs should (1) start in the repository root, (2) see the same
//! `PATH` that the tool checks saw, so `trunk` finds exactly the `wasm-bindgen` and `wasm-opt` we
//! verified (see [`project::search_path`]), and (3) be echoed before it runs, so a failing CI log
//! shows the exact command to re-run by hand.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::project;

/// A command to run, plus how to show it to a person.
pub struct Cmd {
    command: Command,
    shown: String,
}

impl Cmd {
    /// `program`, looked up on xtask's search path, run from the repository root.
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        let program = program.as_ref();
        let mut command = Command::new(program);
        command
            .current_dir(project::root())
            .env("PATH", project::search_path());
        Self {
            command,
            shown: quote(program),
        }
    }

    /// Appends one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.shown.push(' ');
        self.shown.push_str(&quote(arg.as_ref()));
        self.command.arg(arg);
        self
    }

    /// Appends several arguments.
    pub fn args<I, S>(self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        args.into_iter().fold(self, Cmd::arg)
    }

    /// Sets an environment variable for the child (and shows it, since it changes behaviour).
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.shown = format!("{key}={} {}", quote(value.as_ref()), self.shown);
        self.command.env(key, value);
        self
    }

    /// For tools that report errors through `anyhow` (trunk, cargo-fuzz): with `RUST_BACKTRACE=1`
    /// in the environment (common in CI) they print a long backtrace of their own internals under
    /// every ordinary error, burying the message. Panic backtraces are unaffected.
    pub fn without_error_backtraces(self) -> Self {
        self.env("RUST_LIB_BACKTRACE", "0")
    }

    /// Runs in `dir` instead of the repository root.
    pub fn dir(mut self, dir: &Path) -> Self {
        self.shown = format!("(cd {} && {})", quote(dir.as_os_str()), self.shown);
        self.command.current_dir(dir);
        self
    }

    /// Echoes the command, runs it with the terminal attached, and fails unless it exits with 0.
    pub fn run(mut self) -> Result {
        println!("$ {}", self.shown);
        let status = self
            .command
            .status()
            .map_err(|err| self.spawn_error(&err))?;
        if status.success() {
            Ok(())
        } else {
            Err(Error::new(format!("`{}` failed ({status})", self.shown)))
        }
    }

    /// Runs quietly and returns trimmed stdout, or `None` if the program is missing or fails.
    ///
    /// This is how tools are detected: "is it there and does it print the right version?".
    pub fn read(mut self) -> Option<String> {
        let output = self
            .command
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        if !output.status.success() {
            return None;
        }
        Some(String::from_utf8_lossy(&output.stdout).trim().to_string())
    }

    /// Like [`Cmd::run`], but also hands every stderr line to `on_line` while still printing it.
    ///
    /// Used for libFuzzer, which reports its statistics only on stderr.
    pub fn run_watching_stderr(mut self, mut on_line: impl FnMut(&str)) -> Result {
        println!("$ {}", self.shown);
        let mut child = self
            .command
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| self.spawn_error(&err))?;
        if let Some(stderr) = child.stderr.take() {
            for line in BufReader::new(stderr).split(b'\n') {
                let line = String::from_utf8_lossy(&line?).into_owned();
                eprintln!("{line}");
                on_line(&line);
            }
        }
        let status = child.wait()?;
        if status.success() {
            Ok(())
        } else {
            Err(Error::new(format!("`{}` failed ({status})", self.shown)))
        }
    }

    fn spawn_error(&self, err: &std::io::Error) -> Error {
        Error::new(format!("could not start `{}`: {err}", self.shown))
    }
}

/// Shows an argument the way a shell would need it, so echoed commands can be pasted.
fn quote(arg: &OsStr) -> String {
    let text = arg.to_string_lossy();
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:+,@%".contains(c));
    if plain {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
