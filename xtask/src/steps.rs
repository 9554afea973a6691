//! A sequence of named steps, run in order, failing fast, each timed.
//!
//! Why: a CI log of a long run should say at a glance which step failed and where the time went, so
//! every step gets a heading, an elapsed time, and a line in a summary printed at the end — also when
//! a step fails (then the remaining steps are listed as not run).

use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// One named step.
pub struct Step<'a> {
    name: &'a str,
    run: Box<dyn FnOnce() -> Result + 'a>,
}

/// A step called `name` that runs `run`.
pub fn step<'a>(name: &'a str, run: impl FnOnce() -> Result + 'a) -> Step<'a> {
    Step {
        name,
        run: Box::new(run),
    }
}

enum Outcome {
    Passed(Duration),
    Failed(Duration),
    NotRun,
}

/// Runs `steps` in order and stops at the first failure; prints a summary either way.
pub fn run_all(title: &str, steps: Vec<Step<'_>>) -> Result {
    let started = Instant::now();
    let count = steps.len();
    let mut outcomes: Vec<(&str, Outcome)> = Vec::with_capacity(count);
    let mut failure = None;
    for (index, step) in steps.into_iter().enumerate() {
        if failure.is_some() {
            outcomes.push((step.name, Outcome::NotRun));
            continue;
        }
        let number = index + 1;
        println!("\n==> [{number}/{count}] {}", step.name);
        let step_started = Instant::now();
        let result = (step.run)();
        let elapsed = step_started.elapsed();
        match result {
            Ok(()) => {
                println!(
                    "<== [{number}/{count}] {}: ok in {}",
                    step.name,
                    time(elapsed)
                );
                outcomes.push((step.name, Outcome::Passed(elapsed)));
            }
            Err(err) => {
                println!(
                    "<== [{number}/{count}] {}: FAILED after {}",
                    step.name,
                    time(elapsed)
                );
                outcomes.push((step.name, Outcome::Failed(elapsed)));
                failure = Some(format!("step `{}` failed: {err}", step.name));
            }
        }
    }

    println!("\n==> summary of {title}");
    for (name, outcome) in &outcomes {
        match outcome {
            Outcome::Passed(elapsed) => println!("  ok       {:>8}  {name}", time(*elapsed)),
            Outcome::Failed(elapsed) => println!("  FAILED   {:>8}  {name}", time(*elapsed)),
            Outcome::NotRun => println!("  not run  {:>8}  {name}", ""),
        }
    }
    println!("  total    {:>8}", time(started.elapsed()));
    match failure {
        None => Ok(()),
        Some(message) => Err(Error::new(message)),
    }
}

/// `12.3s`, or `4m05s` for long steps.
pub fn time(elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = elapsed.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}
