//! The firmware checks of `cargo xtask test`: build `firmware/` (its own workspace and lock file)
//! in release for the ESP32-C3, turn each program's ELF into a flashable image with Espressif's
//! `esptool elf2image`, and have `esptool image-info` confirm it is a valid ESP32-C3 app (chip id,
//! checksum, SHA-256 validation hash). The image sizes are printed against the 600 KiB goal. The
//! ESP32-C6 (another RISC-V target) is built too; the Xtensa chips need a toolchain that cannot be
//! installed from package registries, so CI does not build them (see the README).
//!
//! esptool comes from PyPI at a pinned version into a project-local venv (`.tools/esptool-venv`),
//! installed only when missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd::Cmd;
use crate::error::{Error, Result};
use crate::project;

/// esptool from PyPI.
pub const ESPTOOL_VERSION: &str = "5.6.0";
/// The programs in `firmware/src/bin/`.
const PROGRAMS: [&str; 2] = ["ip", "sensor"];
/// The size we aim for (an image well inside a 1 MB app partition, quick to flash).
const GOAL_BYTES: u64 = 600 * 1024;
/// Past this an image is a regression to look at, not a matter of taste: fail.
const LIMIT_BYTES: u64 = 1024 * 1024;

const C3_TARGET: &str = "riscv32imc-unknown-none-elf";
const C6_TARGET: &str = "riscv32imac-unknown-none-elf";

/// `cargo xtask firmware`: the firmware steps of `cargo xtask test`, alone.
pub fn run_steps() -> Result {
    crate::steps::run_all(
        "cargo xtask firmware",
        vec![
            crate::steps::step(
                "firmware (ESP32-C3 release build + esptool image check)",
                check_c3,
            ),
            crate::steps::step("firmware (ESP32-C6 release build)", build_c6),
        ],
    )
}

fn firmware_dir() -> PathBuf {
    project::root().join("firmware")
}

/// Builds the ESP32-C3 programs and checks their images.
pub fn check_c3() -> Result {
    let esptool = ensure_esptool()?;
    ensure_target(C3_TARGET)?;
    // --locked: firmware/Cargo.lock is committed and must already be up to date.
    Cmd::new("cargo")
        .args(["build", "--release", "--locked"])
        .dir(&firmware_dir())
        .run()?;
    let release = firmware_dir()
        .join("target")
        .join(C3_TARGET)
        .join("release");
    let mut sizes = Vec::new();
    for program in PROGRAMS {
        let elf = release.join(program);
        let image = release.join(format!("{program}-esp32c3.bin"));
        Cmd::new(&esptool)
            .args(["--chip", "esp32c3", "elf2image", "-o"])
            .arg(&image)
            .arg(&elf)
            .run()?;
        check_image(&esptool, &image)?;
        let size = std::fs::metadata(&image)?.len();
        sizes.push((program, size));
    }
    println!(
        "firmware images (ESP32-C3, release), goal ≤ {} KiB:",
        GOAL_BYTES / 1024
    );
    for (program, size) in &sizes {
        let verdict = if *size <= GOAL_BYTES {
            "within the goal".to_string()
        } else {
            format!("{} KiB over the goal", (size - GOAL_BYTES).div_ceil(1024))
        };
        println!(
            "  {program:<8} {size:>8} bytes ({:.1} KiB) — {verdict}",
            *size as f64 / 1024.0
        );
    }
    match sizes.iter().find(|(_, size)| *size > LIMIT_BYTES) {
        Some((program, size)) => Err(Error::new(format!(
            "the `{program}` image is {size} bytes, over the {LIMIT_BYTES}-byte limit"
        ))),
        None => Ok(()),
    }
}

/// Builds the programs for the ESP32-C6 (the `c6` cargo alias: its target and feature).
pub fn build_c6() -> Result {
    ensure_target(C6_TARGET)?;
    Cmd::new("cargo")
        .args(["c6", "--locked"])
        .dir(&firmware_dir())
        .run()
}

/// `esptool image-info` must recognise an ESP32-C3 app with a valid checksum and hash.
fn check_image(esptool: &Path, image: &Path) -> Result {
    println!("$ {} image-info {}", esptool.display(), image.display());
    let output = Command::new(esptool)
        .arg("image-info")
        .arg(image)
        .current_dir(project::root())
        .output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    print!("{text}");
    let valid = |field: &str| {
        text.lines()
            .any(|line| line.starts_with(field) && line.trim_end().ends_with("(valid)"))
    };
    let mut missing: Vec<&str> = ["Detected image type: ESP32-C3", "Chip ID: 5 (ESP32-C3)"]
        .into_iter()
        .filter(|needle| !text.contains(needle))
        .collect();
    if !valid("Checksum:") {
        missing.push("a valid checksum");
    }
    if !valid("Validation hash:") {
        missing.push("a valid SHA-256 validation hash");
    }
    if !output.status.success() || !missing.is_empty() {
        return Err(Error::new(format!(
            "{} is not a valid ESP32-C3 app image (esptool image-info: {}; missing: {missing:?})\n{}",
            image.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(())
}

/// The pinned esptool, installed into `.tools/esptool-venv` from PyPI if it is not there yet.
fn ensure_esptool() -> Result<PathBuf> {
    let venv = project::tools_dir().join("esptool-venv");
    let esptool = venv.join("bin").join("esptool");
    let found = Cmd::new(&esptool).arg("version").read();
    if found
        .as_deref()
        .is_some_and(|text| text.lines().any(|line| line.trim() == ESPTOOL_VERSION))
    {
        println!("  esptool {ESPTOOL_VERSION}: ok ({})", esptool.display());
        return Ok(esptool);
    }
    println!(
        "  esptool {ESPTOOL_VERSION}: missing; installing from PyPI into {}",
        venv.display()
    );
    Cmd::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .run()
        .map_err(|error| {
            Error::new(format!(
                "{error}\n(python3 -m venv needs Debian's `python3-venv` package)"
            ))
        })?;
    Cmd::new(venv.join("bin").join("pip"))
        .args(["install", "--quiet", &format!("esptool=={ESPTOOL_VERSION}")])
        .run()?;
    match Cmd::new(&esptool).arg("version").read() {
        Some(text) if text.contains(ESPTOOL_VERSION) => Ok(esptool),
        other => Err(Error::new(format!(
            "installed esptool {ESPTOOL_VERSION}, but `{} version` says {other:?}",
            esptool.display()
        ))),
    }
}

/// A rustup target, added if missing.
fn ensure_target(target: &str) -> Result {
    let installed = Cmd::new("rustup")
        .args(["target", "list", "--installed"])
        .read()
        .unwrap_or_default();
    if installed.lines().any(|line| line.trim() == target) {
        return Ok(());
    }
    Cmd::new("rustup").args(["target", "add", target]).run()
}
