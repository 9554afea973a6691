//! Where things are in the repository, and the pinned versions that live in project files.
//!
//! Versions are read from the files that already state them instead of being repeated here: the
//! `wasm-bindgen` crate version from `Cargo.lock` (wasm-bindgen-cli must match it exactly, or the
//! generated JS glue and the Wasm module disagree), and the `wasm_opt` version from `Trunk.toml`
//! (which trunk itself checks against the `wasm-opt` it finds on `PATH`).

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::error::{Error, Result};

/// The repository root (the parent of the `xtask` crate), whatever directory cargo was run from.
pub fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
    })
}

/// Project-local tool installs (git-ignored): npm-distributed tools such as `wasm-opt`.
pub fn tools_dir() -> PathBuf {
    root().join(".tools")
}

/// Where `cargo install` puts binaries: `$CARGO_HOME/bin`, by default `~/.cargo/bin`.
pub fn cargo_bin_dir() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))?;
    Some(home.join("bin"))
}

/// The `PATH` every child process gets: project-local npm tools first, then cargo-installed
/// binaries, then the caller's `PATH`.
///
/// Project-local tools go first so `trunk` picks our pinned `wasm-opt` over any older system one
/// (Debian's binaryen is too old). The cargo bin directory is added because on a fresh machine it
/// is often missing from `PATH` in non-login shells, and `cargo install` just put tools there.
pub fn search_path() -> &'static OsString {
    static PATH: OnceLock<OsString> = OnceLock::new();
    PATH.get_or_init(|| {
        let mut dirs = vec![tools_dir().join("node_modules").join(".bin")];
        dirs.extend(cargo_bin_dir());
        if let Some(path) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&path));
        }
        std::env::join_paths(dirs).unwrap_or_else(|_| std::env::var_os("PATH").unwrap_or_default())
    })
}

/// The version of `crate_name` in `Cargo.lock`; an error if it is missing or locked twice.
pub fn locked_version(crate_name: &str) -> Result<String> {
    let lock = read(&root().join("Cargo.lock"))?;
    let wanted = format!("name = \"{crate_name}\"");
    let mut versions = Vec::new();
    let mut lines = lock.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line == wanted {
            // In Cargo.lock the `version` line directly follows the `name` line.
            if let Some(version) = lines.next().and_then(|l| string_value(l, "version")) {
                versions.push(version);
            }
        }
    }
    match versions.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Error::new(format!("`{crate_name}` is not in Cargo.lock"))),
        many => Err(Error::new(format!(
            "Cargo.lock has several versions of `{crate_name}` ({}); the tools need exactly one",
            many.join(", ")
        ))),
    }
}

/// A string value from the `[tools]` table of `Trunk.toml`, e.g. `wasm_opt` → `version_132`.
pub fn trunk_tool_version(key: &str) -> Result<String> {
    let path = root().join("Trunk.toml");
    let text = read(&path)?;
    let mut in_tools = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_tools = line == "[tools]";
        } else if in_tools {
            if let Some(value) = string_value(line, key) {
                return Ok(value);
            }
        }
    }
    Err(Error::new(format!(
        "{} has no `{key} = \"...\"` in its [tools] table",
        path.display()
    )))
}

/// Reads a whole text file, naming the file in the error.
pub fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path)
        .map_err(|err| Error::new(format!("cannot read {}: {err}", path.display())))
}

/// Parses `key = "value"` (a TOML line with a plain string value); `None` for any other line.
fn string_value(line: &str, key: &str) -> Option<String> {
    let (left, right) = line.split_once('=')?;
    if left.trim() != key {
        return None;
    }
    let value = right.trim().strip_prefix('"')?;
    let (value, _rest) = value.split_once('"')?;
    Some(value.to_string())
}
