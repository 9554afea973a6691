//! `cargo xtask bench [NAME...]`: named benchmark suites; no name runs them all.
//!
//! A table of names rather than passing arguments through, so `cargo xtask bench` always means "every
//! benchmark we track" and a new suite is one line here.

use crate::cmd::Cmd;
use crate::error::{Error, Result};
use crate::steps::{run_all, step};

/// Suite name → the cargo arguments that run it. Output (including each suite's comparison against
/// its peer measured in the same run) is printed by the bench itself.
const BENCHES: &[(&str, &[&str])] = &[
    ("codec", &["bench", "-p", "mqtt-core", "--bench", "codec"]),
    ("sim", &["bench", "-p", "mqtt-sim", "--bench", "sim"]),
];

/// Runs the named suites (all when `names` is empty), each as a timed step.
pub fn run(names: &[String]) -> Result {
    let selected: Vec<&(&str, &[&str])> = if names.is_empty() {
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
        .map(|(name, args)| step(name, move || Cmd::new("cargo").args(*args).run()))
        .collect();
    run_all("cargo xtask bench", steps)
}
