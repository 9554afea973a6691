//! `cargo xtask test`: everything CI checks, in the order that fails cheapest first.
//!
//! Formatting and lints run before anything slow; host tests before the cross builds; the browser
//! tests last, because they need the release build. `.ci/run` runs exactly this, so a green
//! `cargo xtask test` on a laptop means a green CI.

use crate::cmd::Cmd;
use crate::error::Result;
use crate::firmware;
use crate::project;
use crate::steps::{run_all, step};
use crate::tools::{Tools, CHROMIUM};

/// Runs every check in order and fails fast.
pub fn run_all_checks() -> Result {
    let steps = vec![
        step("ensure tools", || Tools::new().for_test()),
        step("rustfmt", || cargo(&["fmt", "--all", "--", "--check"])),
        step("clippy (host, all targets)", || {
            cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])
        }),
        step("clippy (app, simulator and mqtt-client for wasm32)", || {
            cargo(&[
                "clippy",
                "-p",
                "mqtt-playground",
                "-p",
                "mqtt-sim",
                "-p",
                "mqtt-client",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ])
        }),
        step("tests (host)", || cargo(&["test", "--workspace"])),
        step("mqtt-core for riscv32imc (no_std)", || {
            cargo(&[
                "build",
                "-p",
                "mqtt-core",
                "--target",
                "riscv32imc-unknown-none-elf",
            ])
        }),
        step(
            "firmware (ESP32-C3 release build + esptool image check)",
            firmware::check_c3,
        ),
        step("firmware (ESP32-C6 release build)", firmware::build_c6),
        step(
            "wasm-bindgen tests (app logic and simulator determinism, in Node)",
            wasm_bindgen_tests,
        ),
        step("trunk build --release", trunk_build),
        step("e2e (headless Chromium)", e2e),
    ];
    run_all("cargo xtask test", steps)
}

/// Only the browser loop: tools, release build, e2e tests.
pub fn run_e2e_only() -> Result {
    let steps = vec![
        step("ensure tools", || Tools::new().for_e2e()),
        step("trunk build --release", trunk_build),
        step("e2e (headless Chromium)", e2e),
    ];
    run_all("cargo xtask e2e", steps)
}

fn cargo(args: &[&str]) -> Result {
    Cmd::new("cargo").args(args).run()
}

/// The app's non-UI logic and the simulator compiled to wasm32 and run by wasm-bindgen-test-runner
/// under Node (no browser: tests that need the DOM belong in e2e/). The simulator's test checks that a
/// scenario's event digest in wasm equals the native one.
fn wasm_bindgen_tests() -> Result {
    Cmd::new("cargo")
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .args([
            "test",
            "-p",
            "mqtt-playground",
            "-p",
            "mqtt-sim",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .run()
}

/// The release bundle in `dist/`, exactly what is deployed. `--offline`: trunk must use the tools
/// checked above and never download its own.
pub fn trunk_build() -> Result {
    Cmd::new("trunk")
        .without_error_backtraces()
        .args(["build", "--release", "--offline"])
        .run()
}

/// The Playwright harness serves `dist/` itself and writes screenshots to `target/e2e/`. The traced
/// device test runs mqtt-client's `traced_device` example (a board's `ip` program on the host, trace
/// on), built here and handed over in `TRACED_DEVICE`.
fn e2e() -> Result {
    Cmd::new("cargo")
        .args([
            "build",
            "--locked",
            "-p",
            "mqtt-client",
            "--example",
            "traced_device",
        ])
        .run()?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| project::root().join("target"));
    let device = target.join("debug").join("examples").join("traced_device");
    Cmd::new("node")
        .env("CHROMIUM", CHROMIUM)
        .env("TRACED_DEVICE", device)
        .args(["e2e/run.mjs", "--dist", "dist", "--out", "target/e2e"])
        .run()
}
