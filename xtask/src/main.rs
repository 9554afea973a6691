//! `cargo xtask`: the one entry point for building, checking, serving, benchmarking and fuzzing the
//! MQTT Playground.
//!
//! Why an xtask instead of a Makefile or shell scripts: it is plain Rust that every contributor can
//! already build, it runs the same on a laptop and on a fresh CI machine, and it can install the exact
//! tool versions the build needs (see [`tools`]) instead of documenting them in a README that drifts.
//! It deliberately depends on nothing but `std`, so it compiles in seconds before anything else exists.
//!
//! Commands (see [`USAGE`]): `serve`, `test`, `e2e`, `bench`, `fuzz`, `tools`.

mod bench;
mod bench_browser;
mod broker;
mod cmd;
mod error;
mod firmware;
mod fuzz;
mod project;
mod serve;
mod steps;
mod test;
mod tools;

use std::process::ExitCode;

use error::{Error, Result};

/// Printed for `cargo xtask help` and after a usage error.
const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  serve [--port N] [--broker]
                       install missing tools, then `trunk serve` the app on http://127.0.0.1:N/ (default 8080);
                       --broker also runs a local mosquitto with a WebSocket listener and prints its URL
  test                 everything CI checks, in order, failing fast: tools, fmt, clippy (host + wasm32),
                       tests, riscv32 no_std build, wasm-bindgen tests, trunk build, browser e2e tests
  e2e                  only: tools, trunk build, browser e2e tests (quicker loop while working on the UI)
  bench [NAME...]      run benchmarks (no name = all); names: codec, sim, browser (the app in headless
                       Chromium beside mqtt.js and a plain-JS ceiling; BENCH_REPS, BENCH_SCALE, BENCH_ONLY)
  fuzz [--seconds N]   fuzz the stream decoder with cargo-fuzz for N seconds (default 60)
  firmware             only the firmware steps of `test`: ESP32-C3 build + esptool image check, ESP32-C6 build
  tools                only install/verify the pinned tools (what `test` does first)
  help                 this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nxtask: error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Dispatches to a command; every command parses its own options.
fn run(args: &[String]) -> Result {
    let Some((command, rest)) = args.split_first() else {
        println!("{USAGE}");
        return Err(Error::new("no command given"));
    };
    match command.as_str() {
        "serve" => serve::run(serve::Options::parse(rest)?),
        "test" => {
            no_options(command, rest)?;
            test::run_all_checks()
        }
        "e2e" => {
            no_options(command, rest)?;
            test::run_e2e_only()
        }
        "bench" => bench::run(rest),
        "fuzz" => fuzz::run(fuzz::Options::parse(rest)?),
        "firmware" => {
            no_options(command, rest)?;
            firmware::run_steps()
        }
        "tools" => {
            no_options(command, rest)?;
            tools::Tools::new().for_test()
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => {
            println!("{USAGE}");
            Err(Error::new(format!("unknown command `{other}`")))
        }
    }
}

/// Rejects options on commands that take none, so a typo is not silently ignored.
fn no_options(command: &str, rest: &[String]) -> Result {
    match rest.first() {
        None => Ok(()),
        Some(extra) => Err(Error::new(format!(
            "`{command}` takes no options, got `{extra}`"
        ))),
    }
}

/// Reads the value after an option like `--port`, parsed as a number.
fn option_number<T: std::str::FromStr>(name: &str, value: Option<&String>) -> Result<T> {
    let value = value.ok_or_else(|| Error::new(format!("{name} needs a value")))?;
    value
        .parse()
        .map_err(|_| Error::new(format!("{name}: `{value}` is not a valid number")))
}
