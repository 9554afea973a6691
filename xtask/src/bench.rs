//! `cargo xtask bench [NAME...]`: named benchmark suites; no name runs them all.
//!
//! A table of names rather than passing arguments through, so `cargo xtask bench` always means "every
//! benchmark we track" and a new suite is one line here.

use crate::bench_browser;
use crate::cmd::Cmd;
use crate::error::{Error, Result};
use crate::steps::{run_all, step};

/// How a suite runs.
enum Suite {
    /// A cargo bench: these arguments to `cargo`.
    Cargo(&'static [&'static str]),
    /// Its own driver in xtask.
    Driver(fn() -> Result),
}

/// Suite name → how to run it. Output (including each suite's comparison against its peer measured in
/// the same run) is printed by the bench itself.
const BENCHES: &[(&str, Suite)] = &[
    (
        "codec",
        Suite::Cargo(&["bench", "-p", "mqtt-core", "--bench", "codec"]),
    ),
    (
        "sim",
        Suite::Cargo(&["bench", "-p", "mqtt-sim", "--bench", "sim"]),
    ),
    ("browser", Suite::Driver(bench_browser::run)),
];

/// Runs the named suites (all when `names` is empty), each as a timed step.
pub fn run(names: &[String]) -> Result {
    let selected: Vec<&(&str, Suite)> = if names.is_empty() {
        BENCHES.iter().collect()
    } else {
        names
            .iter()
            .map(|name| {
                BENCHES
                    .iter()
                    .find(|(known, _)| known == name)
                    .ok_or_else(|| {
                        let known: Vec<&str> = BENCHES.iter().map(|(known, _)| *known).collect();
                        Error::new(format!(
                            "unknown bench `{name}`; known: {}",
                            known.join(", ")
                        ))
                    })
            })
            .collect::<Result<_>>()?
    };
    let steps = selected
        .into_iter()
        .map(|(name, suite)| {
            step(name, move || match suite {
                Suite::Cargo(args) => Cmd::new("cargo").args(*args).run(),
                Suite::Driver(run) => run(),
            })
        })
        .collect();
    run_all("cargo xtask bench", steps)
}
