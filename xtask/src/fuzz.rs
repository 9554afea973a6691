//! `cargo xtask fuzz [--seconds N]`: fuzz the streaming decoder with cargo-fuzz (libFuzzer).
//!
//! The decoder is what untrusted bytes from a broker (or a student's paste) reach first, so it gets a
//! time-boxed fuzz run that ends with two facts a person can act on: how many inputs libFuzzer ran,
//! and whether a crash artifact (a reproducer to commit as a regression test) exists.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::Cmd;
use crate::error::{Error, Result};
use crate::project;
use crate::tools::Tools;

/// The fuzz target in `fuzz/fuzz_targets/`.
const TARGET: &str = "stream_decoder";

/// libFuzzer writes reproducers named after what went wrong; these mean a real failure
/// (`minimized-from-*` is `cargo fuzz tmin`'s smaller reproducer of a crash; `slow-unit-*` is not one).
const FAILURE_PREFIXES: &[&str] = &["crash-", "leak-", "timeout-", "oom-", "minimized-from-"];

/// Options of `cargo xtask fuzz`.
pub struct Options {
    /// libFuzzer's `-max_total_time`, in seconds (default 60).
    pub seconds: u64,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self> {
        let mut options = Self { seconds: 60 };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--seconds" => options.seconds = crate::option_number("--seconds", args.next())?,
                other => return Err(Error::new(format!("fuzz: unknown option `{other}`"))),
            }
        }
        Ok(options)
    }
}

/// Ensures nightly + cargo-fuzz, fuzzes for the given time, then reports executions and artifacts.
pub fn run(options: Options) -> Result {
    Tools::new().for_fuzz()?;
    // Seed the corpus from the repository's byte vectors, so libFuzzer starts at every packet type.
    Cmd::new("bash").args(["fuzz/seed.sh"]).run()?;
    let artifacts_dir = project::root().join("fuzz").join("artifacts");
    let before = files_under(&artifacts_dir);

    // `-print_final_stats=1` makes libFuzzer end with "stat::number_of_executed_units: N", also
    // when it stops at a crash; "Done N runs in S second(s)" and the last "#N ..." status line are
    // fallbacks.
    let mut final_stat = None;
    let mut done_runs = None;
    let mut last_status = None;
    let result = Cmd::new("cargo")
        .without_error_backtraces()
        .args(["+nightly", "fuzz", "run", TARGET])
        .args(["--fuzz-dir", "fuzz", "--"])
        .arg(format!("-max_total_time={}", options.seconds))
        .arg("-print_final_stats=1")
        .run_watching_stderr(|line| {
            if let Some(runs) = stat_line(line) {
                final_stat = Some(runs);
            } else if let Some(runs) = done_line(line) {
                done_runs = Some(runs);
            } else if let Some(runs) = status_line(line) {
                last_status = Some(runs);
            }
        });

    println!("\n==> fuzz summary ({TARGET}, {} s)", options.seconds);
    match final_stat.or(done_runs).or(last_status) {
        Some(runs) => println!("  executions: {runs}"),
        None => println!("  executions: unknown (libFuzzer reported none)"),
    }
    let after = files_under(&artifacts_dir);
    let failures: Vec<&PathBuf> = after.iter().filter(|path| is_failure(path)).collect();
    if failures.is_empty() {
        println!("  crash artifacts under fuzz/artifacts/: none");
    } else {
        println!("  crash artifacts under fuzz/artifacts/:");
        for path in &failures {
            let new = if before.contains(path) { "" } else { " (new)" };
            let shown = path.strip_prefix(project::root()).unwrap_or(path);
            println!("    {}{new}", shown.display());
        }
        println!("  (new = written during this run) reproduce one with:");
        println!(
            "    cargo +nightly fuzz run <target> --fuzz-dir fuzz fuzz/artifacts/<target>/<file>"
        );
    }
    result
}

/// `stat::number_of_executed_units: 123` → 123.
fn stat_line(line: &str) -> Option<u64> {
    line.strip_prefix("stat::number_of_executed_units:")?
        .trim()
        .parse()
        .ok()
}

/// `Done 123 runs in 60 second(s)` → 123.
fn done_line(line: &str) -> Option<u64> {
    line.strip_prefix("Done ")?.split(' ').next()?.parse().ok()
}

/// `#123\tpulse  cov: ...` → 123.
fn status_line(line: &str) -> Option<u64> {
    line.strip_prefix('#')?
        .split(|c: char| c.is_whitespace())
        .next()?
        .parse()
        .ok()
}

fn is_failure(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    FAILURE_PREFIXES
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

/// All files below `dir` (libFuzzer uses one subdirectory per target); empty if `dir` is missing.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_libfuzzer_statistics() {
        assert_eq!(
            stat_line("stat::number_of_executed_units: 2755843"),
            Some(2_755_843)
        );
        assert_eq!(stat_line("stat::peak_rss_mb: 251"), None);
        assert_eq!(
            done_line("Done 1234567 runs in 61 second(s)"),
            Some(1_234_567)
        );
        assert_eq!(status_line("#65536\tpulse  cov: 500 ft: 900"), Some(65_536));
        assert_eq!(status_line("#2\tINITED cov: 3"), Some(2));
        assert_eq!(done_line("INFO: Seed: 42"), None);
        assert_eq!(status_line("==42== ERROR: libFuzzer: deadly signal"), None);
    }

    #[test]
    fn recognises_failure_artifacts() {
        assert!(is_failure(Path::new(
            "fuzz/artifacts/stream_decoder/crash-abc"
        )));
        assert!(is_failure(Path::new(
            "fuzz/artifacts/stream_decoder/timeout-1"
        )));
        assert!(!is_failure(Path::new(
            "fuzz/artifacts/stream_decoder/slow-unit-1"
        )));
    }
}
