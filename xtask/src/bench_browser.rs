//! `cargo xtask bench browser`: the playground measured in headless Chromium beside its peers, in
//! the same run (see `bench/browser/run.mjs` for what is measured and how).
//!
//! This builds what the runner needs, each the way it ships or runs: the app with
//! `trunk build --release --offline` (into `target/bench-browser/dist`, so `dist/` stays what `serve`
//! and the e2e tests last built), `bench-flood` (the native flooding publisher, in mqtt-cli) and the
//! simulator bench (`bench/sim-wasm`) natively and as wasm32, both with the `bench` profile
//! (opt-level 3; the app's release profile optimizes for size), the latter through wasm-bindgen.
//! Then Node runs the runner, which drives Chromium over a bare DevTools pipe.
//!
//! `BENCH_REPS` (default 5), `BENCH_SCALE` (messages per run × this, default 1) and `BENCH_ONLY`
//! (comma-separated: throughput, log, size, sim, diagram) are passed through to the runner.

use std::path::PathBuf;

use crate::cmd::Cmd;
use crate::error::Result;
use crate::project;
use crate::tools::{Tools, CHROMIUM};

/// Builds everything and runs the browser benchmark.
pub fn run() -> Result {
    Tools::new().for_browser_bench()?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project::root().join("target"));
    let out = target.join("bench-browser");
    let dist = out.join("dist");
    let sim = out.join("sim");
    Cmd::new("trunk")
        .without_error_backtraces()
        .args(["build", "--release", "--offline", "--dist"])
        .arg(&dist)
        .run()?;
    // The `bench` profile's artifacts land in `release/`.
    Cmd::new("cargo")
        .args(["build", "--profile", "bench", "-p", "mqtt-cli", "-p"])
        .args([
            "sim-wasm-bench",
            "--bin",
            "bench-flood",
            "--bin",
            "sim-native-bench",
        ])
        .run()?;
    Cmd::new("cargo")
        .args([
            "build",
            "--profile",
            "bench",
            "-p",
            "sim-wasm-bench",
            "--lib",
        ])
        .args(["--target", "wasm32-unknown-unknown"])
        .run()?;
    Cmd::new("wasm-bindgen")
        .args(["--target", "web", "--out-dir"])
        .arg(&sim)
        .arg(
            target
                .join("wasm32-unknown-unknown")
                .join("release")
                .join("sim_wasm_bench.wasm"),
        )
        .run()?;
    let release = target.join("release");
    let mut runner = Cmd::new("node")
        .env("CHROMIUM", CHROMIUM)
        .arg(
            project::root()
                .join("bench")
                .join("browser")
                .join("run.mjs"),
        )
        .arg("--dist")
        .arg(&dist)
        .arg("--flood")
        .arg(release.join("bench-flood"))
        .arg("--sim")
        .arg(&sim)
        .arg("--native-sim")
        .arg(release.join("sim-native-bench"))
        .arg("--out")
        .arg(&out);
    for (variable, flag) in [
        ("BENCH_REPS", "--reps"),
        ("BENCH_SCALE", "--scale"),
        ("BENCH_ONLY", "--only"),
    ] {
        if let Some(value) = std::env::var_os(variable) {
            runner = runner.arg(flag).arg(value);
        }
    }
    runner.run()
}
