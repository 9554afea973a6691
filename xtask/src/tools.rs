//! The external tools the build needs: detected first, installed only when missing or the wrong
//! version, at pinned versions.
//!
//! Every tool follows the same rule ([`Tools::ensure`]): ask "is the right version already there?";
//! only if not, install it, then ask again (so a tool shadowed on `PATH` fails loudly instead of being
//! reinstalled on every run). That makes the common case — everything present — take well under a
//! second, and a fresh CI machine (running as root) able to provision itself from package registries
//! alone: crates.io (`cargo install`), npm (`npm ci` from committed lock files) and Debian (`apt-get`).
//!
//! | tool                          | pinned by                              | installed with            |
//! |-------------------------------|----------------------------------------|---------------------------|
//! | rustup targets (wasm32, riscv)| this file                              | `rustup target add`       |
//! | trunk                         | [`TRUNK_VERSION`]                      | `cargo install --locked`  |
//! | wasm-bindgen(-test-runner)    | `Cargo.lock` (must equal `Trunk.toml`) | `cargo install`           |
//! | node ≥ [`MIN_NODE_MAJOR`], npm| —                                      | apt `nodejs npm`          |
//! | wasm-opt (npm `binaryen`)     | `xtask/npm-tools/package-lock.json`    | `npm ci` into `.tools/`   |
//! | chromium                      | Debian                                 | apt `chromium`            |
//! | playwright-core, axe-core     | `e2e/package-lock.json`                | `npm ci` in `e2e/`        |
//! | mqtt.js (browser bench's peer)| `bench/browser/package-lock.json`      | `npm ci` in `bench/browser/` |
//! | nightly toolchain             | —                                      | `rustup toolchain install`|
//! | cargo-fuzz                    | [`CARGO_FUZZ_VERSION`]                 | `cargo install --locked`  |
//! | mosquitto + its clients       | Debian                                 | apt `mosquitto mosquitto-clients` |

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::Cmd;
use crate::error::{Error, Result};
use crate::project;

/// trunk, the bundler behind `serve` and `trunk build`. Built with rustls only: no OpenSSL needed.
pub const TRUNK_VERSION: &str = "0.21.14";
/// cargo-fuzz, the driver behind `cargo xtask fuzz`.
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";
/// playwright-core 1.5x+ requires Node 20.
pub const MIN_NODE_MAJOR: u32 = 20;
/// Debian's Chromium; the e2e harness launches this exact binary (no Playwright browser download).
pub const CHROMIUM: &str = "/usr/bin/chromium";

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The ESP32-C3's target: building mqtt-core for it proves the crate stays `no_std`.
const RISCV_TARGET: &str = "riscv32imc-unknown-none-elf";

/// Written into `node_modules/` after a successful `npm ci`: a copy of the lock file it installed.
/// If the committed lock file changes, the copy differs and `npm ci` runs again.
const NPM_STAMP: &str = ".xtask-installed-lock.json";

/// Outcome of a check: `Ok(what was found)` when right, `Err(what was found instead)` when not.
type Check = std::result::Result<String, String>;

/// Tool checks for one xtask run; remembers whether `apt-get update` already ran.
pub struct Tools {
    apt_updated: bool,
}

impl Tools {
    pub fn new() -> Self {
        Self { apt_updated: false }
    }

    /// What `trunk serve` / `trunk build` need.
    pub fn for_web(&mut self) -> Result {
        println!("checking tools for the web build:");
        self.rust_targets(&[WASM_TARGET])?;
        self.web_tools()
    }

    /// What the trunk build plus the browser tests need (the playground's tests start mosquitto).
    pub fn for_e2e(&mut self) -> Result {
        println!("checking tools for the web build and the browser tests:");
        self.rust_targets(&[WASM_TARGET])?;
        self.web_tools()?;
        self.browser_tools()?;
        self.mosquitto()
    }

    /// Everything `cargo xtask test` needs.
    pub fn for_test(&mut self) -> Result {
        println!("checking tools for `cargo xtask test`:");
        self.rust_targets(&[WASM_TARGET, RISCV_TARGET])?;
        self.web_tools()?;
        self.browser_tools()?;
        self.mosquitto()
    }

    /// What `cargo xtask bench browser` needs: the web build, Chromium, mosquitto and the bench's
    /// npm packages (mqtt.js, the peer it is compared with).
    pub fn for_browser_bench(&mut self) -> Result {
        println!("checking tools for the browser benchmark:");
        self.rust_targets(&[WASM_TARGET])?;
        self.web_tools()?;
        self.chromium()?;
        self.mosquitto()?;
        self.bench_packages()
    }

    /// mosquitto for `cargo xtask serve --broker`; returns the broker program's path.
    pub fn for_broker(&mut self) -> Result<PathBuf> {
        self.mosquitto()?;
        find_program("mosquitto")
            .ok_or_else(|| Error::new("mosquitto not found after installing it"))
    }

    /// What `cargo xtask fuzz` needs.
    pub fn for_fuzz(&mut self) -> Result {
        println!("checking tools for fuzzing:");
        self.nightly()?;
        self.cargo_fuzz()
    }

    fn web_tools(&mut self) -> Result {
        self.trunk()?;
        self.wasm_bindgen()?;
        self.node()?;
        self.wasm_opt()
    }

    fn browser_tools(&mut self) -> Result {
        self.chromium()?;
        self.playwright()
    }

    /// Checks a tool and installs it only if the check fails, then checks again.
    fn ensure(
        &mut self,
        what: &str,
        check: impl Fn() -> Check,
        install: impl FnOnce(&mut Self) -> Result,
    ) -> Result {
        match check() {
            Ok(found) => {
                println!("  ok       {what}: {found}");
                return Ok(());
            }
            Err(found) => println!("  install  {what} (found: {found})"),
        }
        install(self)?;
        match check() {
            Ok(found) => {
                println!("  ok       {what}: {found}");
                Ok(())
            }
            Err(found) => Err(Error::new(format!(
                "{what} is still not right after installing it (found: {found}); \
                 is another copy earlier on PATH?"
            ))),
        }
    }

    /// Rust targets of the toolchain that builds this repository.
    fn rust_targets(&mut self, targets: &[&str]) -> Result {
        let missing = || -> Vec<String> {
            let installed = Cmd::new("rustup")
                .args(["target", "list", "--installed"])
                .read()
                .unwrap_or_default();
            targets
                .iter()
                .filter(|target| !installed.lines().any(|line| line.trim() == **target))
                .map(|target| target.to_string())
                .collect()
        };
        let check = || match missing().as_slice() {
            [] => Ok("installed".to_string()),
            some => Err(format!("missing {}", some.join(", "))),
        };
        self.ensure(
            &format!("rust targets {}", targets.join(", ")),
            check,
            |_| {
                Cmd::new("rustup")
                    .args(["target", "add"])
                    .args(missing())
                    .run()
            },
        )
    }

    fn trunk(&mut self) -> Result {
        let expected = format!("trunk {TRUNK_VERSION}");
        self.ensure(
            &expected,
            || version_output("trunk", &expected),
            |_| {
                Cmd::new("cargo")
                    .args(["install", "--locked", "--force", "trunk", "--version"])
                    .arg(TRUNK_VERSION)
                    .args(["--no-default-features", "--features", "rustls"])
                    .run()
            },
        )
    }

    /// wasm-bindgen-cli at exactly the `wasm-bindgen` version in `Cargo.lock`.
    fn wasm_bindgen(&mut self) -> Result {
        let version = project::locked_version("wasm-bindgen")?;
        let in_trunk_toml = project::trunk_tool_version("wasm_bindgen")?;
        if in_trunk_toml != version {
            return Err(Error::new(format!(
                "Trunk.toml pins wasm_bindgen = \"{in_trunk_toml}\" but Cargo.lock has wasm-bindgen \
                 {version}; they must be equal (update Trunk.toml)"
            )));
        }
        let bindgen = format!("wasm-bindgen {version}");
        let runner = format!("wasm-bindgen-test-runner {version}");
        let check = || {
            version_output("wasm-bindgen", &bindgen)?;
            version_output("wasm-bindgen-test-runner", &runner)
                .map_err(|found| format!("wasm-bindgen-test-runner: {found}"))?;
            Ok(format!("{bindgen} (+ test runner)"))
        };
        // No `--locked`: wasm-bindgen-cli's own lock file is not always installable as published.
        self.ensure(&format!("wasm-bindgen-cli {version}"), check, |_| {
            Cmd::new("cargo")
                .args(["install", "--force", "wasm-bindgen-cli", "--version"])
                .arg(&version)
                .run()
        })
    }

    /// Node.js (for wasm-opt, wasm-bindgen-test-runner and the e2e harness) and npm.
    fn node(&mut self) -> Result {
        let check = || {
            let version = Cmd::new("node")
                .arg("--version")
                .read()
                .ok_or("node not installed")?;
            let major = version
                .trim_start_matches('v')
                .split('.')
                .next()
                .and_then(|major| major.parse::<u32>().ok())
                .unwrap_or(0);
            if major < MIN_NODE_MAJOR {
                return Err(format!("node {version}"));
            }
            let npm = Cmd::new("npm")
                .arg("--version")
                .read()
                .ok_or("npm not installed")?;
            Ok(format!("node {version}, npm {npm}"))
        };
        let node_present = Cmd::new("node").arg("--version").read().is_some();
        self.ensure(&format!("node >= {MIN_NODE_MAJOR} + npm"), check, |tools| {
            if node_present && Cmd::new("npm").arg("--version").read().is_some() {
                return Err(Error::new(format!(
                    "this node is too old; install Node.js {MIN_NODE_MAJOR} or newer \
                     (e.g. from NodeSource's Debian packages)"
                )));
            }
            tools.apt_install(&["nodejs", "npm"])
        })
    }

    /// wasm-opt from npm's `binaryen`, installed into `.tools/`, matching `Trunk.toml`'s `wasm_opt`.
    fn wasm_opt(&mut self) -> Result {
        let wanted = project::trunk_tool_version("wasm_opt")?;
        let packages = NpmPackages {
            committed: project::root().join("xtask").join("npm-tools"),
            install_dir: project::tools_dir(),
        };
        let wasm_opt = packages.bin("wasm-opt");
        let check = || {
            packages.fresh()?;
            // The same rule trunk applies: "wasm-opt version 132 (version_132)" -> "version_132".
            let output = Cmd::new(&wasm_opt)
                .arg("--version")
                .read()
                .ok_or("wasm-opt not runnable")?;
            let found = output
                .split(' ')
                .nth(2)
                .map(|number| format!("version_{number}"));
            match found {
                Some(found) if found == wanted => Ok(format!("{output} at {}", wasm_opt.display())),
                _ => Err(format!(
                    "`{output}`; Trunk.toml wants {wanted}: the binaryen version in \
                     xtask/npm-tools/package.json must match"
                )),
            }
        };
        self.ensure(&format!("wasm-opt {wanted}"), check, |_| packages.install())
    }

    fn chromium(&mut self) -> Result {
        let check = || {
            Cmd::new(CHROMIUM)
                .arg("--version")
                .read()
                .ok_or_else(|| format!("no {CHROMIUM}"))
        };
        // Fonts: so screenshots show text instead of empty boxes on a minimal image.
        self.ensure("chromium", check, |tools| {
            tools.apt_install(&["chromium", "fonts-liberation", "fonts-dejavu-core"])
        })
    }

    /// playwright-core and axe-core (the accessibility audit) for the e2e harness, from
    /// `e2e/package-lock.json`.
    fn playwright(&mut self) -> Result {
        let e2e = project::root().join("e2e");
        let packages = NpmPackages {
            committed: e2e.clone(),
            install_dir: e2e,
        };
        let check = || {
            packages.fresh()?;
            packages.installed_version("playwright-core")
        };
        self.ensure("e2e npm packages", check, |_| packages.install())
    }

    /// mqtt.js for the browser benchmark, from `bench/browser/package-lock.json`.
    fn bench_packages(&mut self) -> Result {
        let dir = project::root().join("bench").join("browser");
        let packages = NpmPackages {
            committed: dir.clone(),
            install_dir: dir,
        };
        let check = || {
            packages.fresh()?;
            packages.installed_version("mqtt")
        };
        self.ensure("bench npm packages", check, |_| packages.install())
    }

    fn nightly(&mut self) -> Result {
        let check = || {
            let list = Cmd::new("rustup")
                .args(["toolchain", "list"])
                .read()
                .unwrap_or_default();
            list.lines()
                .find(|line| line.starts_with("nightly-"))
                .map(|line| line.to_string())
                .ok_or_else(|| "no nightly toolchain".to_string())
        };
        self.ensure("nightly toolchain", check, |_| {
            Cmd::new("rustup")
                .args(["toolchain", "install", "nightly", "--profile", "minimal"])
                .run()
        })
    }

    fn cargo_fuzz(&mut self) -> Result {
        let expected = format!("cargo-fuzz {CARGO_FUZZ_VERSION}");
        let check = || {
            let output = Cmd::new("cargo")
                .args(["fuzz", "--version"])
                .read()
                .ok_or("not installed")?;
            if output == expected {
                Ok(output)
            } else {
                Err(output)
            }
        };
        self.ensure(&expected, check, |_| {
            Cmd::new("cargo")
                .args(["install", "--locked", "--force", "cargo-fuzz", "--version"])
                .arg(CARGO_FUZZ_VERSION)
                .run()
        })
    }

    /// A real broker and its command-line clients, for mqtt-cli's interop and fault-proxy tests, the
    /// playground's browser tests and `serve --broker` (each starts its own mosquitto on loopback
    /// ports; the service is never enabled).
    fn mosquitto(&mut self) -> Result {
        let check = || {
            let found: Vec<String> = MOSQUITTO_PROGRAMS
                .iter()
                .map(|program| {
                    find_program(program)
                        .map(|path| path.display().to_string())
                        .ok_or_else(|| format!("no {program}"))
                })
                .collect::<std::result::Result<_, _>>()?;
            Ok(found.join(", "))
        };
        self.ensure("mosquitto + mosquitto-clients", check, |tools| {
            tools.apt_install(&["mosquitto", "mosquitto-clients"])
        })
    }

    /// Installs Debian packages: `apt-get update` once per run, then a non-interactive install.
    /// Uses `sudo` when not root (CI runs as root on a fresh machine).
    fn apt_install(&mut self, packages: &[&str]) -> Result {
        let root = Cmd::new("id").arg("-u").read().as_deref() == Some("0");
        let apt = |args: &[&str]| {
            let cmd = if root {
                Cmd::new("apt-get")
            } else {
                Cmd::new("sudo").arg("apt-get")
            };
            cmd.env("DEBIAN_FRONTEND", "noninteractive").args(args)
        };
        if Cmd::new("apt-get").arg("--version").read().is_none() {
            return Err(Error::new(format!(
                "apt-get not found: install {} with your system's package manager",
                packages.join(" ")
            )));
        }
        if !self.apt_updated {
            apt(&["update"]).run()?;
            self.apt_updated = true;
        }
        apt(&["install", "-y", "--no-install-recommends"])
            .args(packages)
            .run()
    }
}

/// The programs mqtt-cli's tests run: the broker and the clients they compare ours with.
const MOSQUITTO_PROGRAMS: [&str; 3] = ["mosquitto", "mosquitto_pub", "mosquitto_sub"];

/// `program` on xtask's search path or in the sbin directories (Debian puts the broker in
/// `/usr/sbin`, which a non-root `PATH` often lacks). Found by looking, not by running: mosquitto's
/// programs exit non-zero for `--help`.
fn find_program(program: &str) -> Option<PathBuf> {
    std::env::split_paths(project::search_path())
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// Runs `program --version` and expects its first line to be exactly `expected`.
fn version_output(program: &str, expected: &str) -> Check {
    let output = Cmd::new(program)
        .arg("--version")
        .read()
        .ok_or("not installed")?;
    let first = output.lines().next().unwrap_or_default().to_string();
    if first == expected {
        Ok(first)
    } else {
        Err(first)
    }
}

/// npm packages pinned by a committed `package.json` + `package-lock.json`, installed with `npm ci`.
struct NpmPackages {
    /// Where `package.json` and `package-lock.json` are committed.
    committed: PathBuf,
    /// Where `node_modules/` goes (may equal `committed`; else the two files are copied there).
    install_dir: PathBuf,
}

impl NpmPackages {
    fn node_modules(&self) -> PathBuf {
        self.install_dir.join("node_modules")
    }

    fn bin(&self, name: &str) -> PathBuf {
        self.node_modules().join(".bin").join(name)
    }

    /// Up to date when the lock file `npm ci` last installed equals the committed one.
    fn fresh(&self) -> std::result::Result<(), String> {
        let committed = fs::read(self.committed.join("package-lock.json")).map_err(|err| {
            format!(
                "no package-lock.json in {}: {err}",
                self.committed.display()
            )
        })?;
        match fs::read(self.node_modules().join(NPM_STAMP)) {
            Ok(installed) if installed == committed => Ok(()),
            Ok(_) => Err("node_modules older than package-lock.json".to_string()),
            Err(_) => Err(format!("no {}", self.node_modules().display())),
        }
    }

    fn installed_version(&self, package: &str) -> Check {
        let manifest = self.node_modules().join(package).join("package.json");
        let text = fs::read_to_string(&manifest).map_err(|_| format!("{package} missing"))?;
        let version = text
            .lines()
            .find_map(|line| {
                let value = line.trim().strip_prefix("\"version\":")?;
                Some(
                    value
                        .trim()
                        .trim_end_matches(',')
                        .trim_matches('"')
                        .to_string(),
                )
            })
            .ok_or_else(|| format!("{package}: no version in {}", manifest.display()))?;
        Ok(format!("{package} {version}"))
    }

    /// `npm ci` (exact versions from the lock file, no install scripts), then the stamp.
    fn install(&self) -> Result {
        fs::create_dir_all(&self.install_dir)?;
        if self.install_dir != self.committed {
            for file in ["package.json", "package-lock.json"] {
                copy(&self.committed.join(file), &self.install_dir.join(file))?;
            }
        }
        Cmd::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .dir(&self.install_dir)
            .run()?;
        copy(
            &self.committed.join("package-lock.json"),
            &self.node_modules().join(NPM_STAMP),
        )
    }
}

fn copy(from: &Path, to: &Path) -> Result {
    fs::copy(from, to).map(drop).map_err(|err| {
        Error::new(format!(
            "cannot copy {} to {}: {err}",
            from.display(),
            to.display()
        ))
    })
}
