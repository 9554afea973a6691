//! A real mosquitto on 127.0.0.1, started and stopped by its PID. One copy of it serves mqtt-cli's
//! and mqtt-client's tests (fresh ports, a scratch directory kept when a test fails) and
//! `cargo xtask serve --broker` (the ports every tutorial uses, when free).
//!
//! What each of them had to learn, once:
//!
//! * **Up means mosquitto's own "running" line and every port accepting.** Ports alone are not
//!   enough: when another process takes one between [`free_port`] and mosquitto's bind, the port
//!   still accepts (that other process) while mosquitto logs the error and exits.
//! * **Stop is SIGTERM, bounded**: mosquitto saves its persistence file on it. Dropping a
//!   [`Mosquitto`] kills it (SIGKILL, by PID): only the process we started.
//! * **Nothing skips**: a machine without mosquitto gets the Debian packages to install.

mod config;
mod scratch;

pub use config::Config;
pub use scratch::TempDir;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long mosquitto may take to come up, or to exit after SIGTERM.
const PATIENCE: Duration = Duration::from_secs(10);

/// A mosquitto program (`mosquitto`, `mosquitto_pub`, …), on `PATH` or in the sbin directories
/// Debian installs the broker into.
pub fn program(name: &str) -> Result<PathBuf, String> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/sbin"].map(PathBuf::from));
    dirs.into_iter()
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            format!(
                "`{name}` not found: this needs a real mosquitto. Install the Debian packages \
                 `mosquitto mosquitto-clients` (`cargo xtask test` does this)."
            )
        })
}

/// A loopback port that was free when asked (a start that loses it to another process is retried
/// by [`Mosquitto::start_on_free_ports`]).
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// `preferred` if it is free on 127.0.0.1, else a port the OS picks.
pub fn port_or_free(preferred: u16) -> std::io::Result<u16> {
    if TcpListener::bind(("127.0.0.1", preferred)).is_ok() {
        return Ok(preferred);
    }
    free_port()
}

/// A mosquitto we started.
#[derive(Debug)]
pub struct Mosquitto {
    child: Option<Child>,
    program: PathBuf,
    config: Config,
    /// Starts so far: each logs one "running" line into the same log.
    starts: usize,
}

impl Mosquitto {
    /// Starts `program` with `config` and waits until it is up. On failure the error carries the
    /// broker's log.
    pub fn start(program: &Path, config: Config) -> Result<Self, String> {
        let mut broker = Mosquitto {
            child: None,
            program: program.to_path_buf(),
            config,
            starts: 0,
        };
        broker.launch()?;
        Ok(broker)
    }

    /// Starts a broker on free ports (`config` gets them), trying other ports up to five times when
    /// another process takes one first. Each attempt gets its own scratch directory from `dir`.
    pub fn start_on_free_ports(
        program: &Path,
        mut dir: impl FnMut() -> PathBuf,
        config: impl Fn(PathBuf, u16, u16) -> Config,
    ) -> Result<Self, String> {
        let mut last = String::new();
        for _attempt in 0..5 {
            let (port, ws_port) = (free_port(), free_port());
            let (Ok(port), Ok(ws_port)) = (port, ws_port) else {
                continue;
            };
            if port == ws_port {
                continue;
            }
            match Mosquitto::start(program, config(dir(), port, ws_port)) {
                Ok(broker) => return Ok(broker),
                Err(error) => last = error,
            }
        }
        Err(last)
    }

    /// Writes the configuration, starts the process and waits until it is up.
    fn launch(&mut self) -> Result<(), String> {
        let dir = &self.config.dir;
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        self.config.prepare()?;
        let file = dir.join("mosquitto.conf");
        std::fs::write(&file, self.config.text())
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        // stderr (unbuffered) into a file: the log survives for failure messages. A restart appends
        // to it (one "running" line per start); a first start begins it afresh, so a failed attempt
        // in the same directory cannot lend it its lines.
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(self.starts > 0)
            .write(true)
            .truncate(self.starts == 0)
            .open(self.log_path())
            .map_err(|e| format!("cannot open the broker's log: {e}"))?;
        let child = Command::new(&self.program)
            .arg("-c")
            .arg(&file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.program.display()))?;
        self.child = Some(child);
        self.starts += 1;
        self.wait_up()
    }

    fn wait_up(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + PATIENCE;
        let ports: Vec<u16> = self.config.ports().collect();
        while Instant::now() < deadline {
            let exited = match self.child.as_mut().map(Child::try_wait) {
                Some(Ok(Some(status))) => Some(status.to_string()),
                Some(Ok(None)) => None,
                Some(Err(error)) => Some(error.to_string()),
                None => Some("never started".to_string()),
            };
            if let Some(status) = exited {
                self.child = None;
                return Err(format!(
                    "mosquitto exited ({status}); its log:\n{}",
                    self.log()
                ));
            }
            let running = self.log().matches(" running").count() >= self.starts;
            let up = |&port: &u16| TcpStream::connect(("127.0.0.1", port)).is_ok();
            if running && ports.iter().all(up) {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(20));
        }
        self.kill();
        Err(format!(
            "mosquitto did not start listening within {PATIENCE:?}; its log:\n{}",
            self.log()
        ))
    }

    /// The MQTT-over-TCP port.
    pub fn port(&self) -> u16 {
        self.config.port
    }

    /// The WebSocket port, if it has a WebSocket listener.
    pub fn ws_port(&self) -> Option<u16> {
        self.config.ws_port
    }

    /// The directory holding its configuration, log and persistence file.
    pub fn dir(&self) -> &Path {
        &self.config.dir
    }

    /// Its process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Where its log is.
    pub fn log_path(&self) -> PathBuf {
        self.config.dir.join("mosquitto.log")
    }

    /// Its log so far (every start of it).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// SIGTERM (mosquitto saves its persistence file on it), waiting for the exit; killed if it
    /// takes longer than 10 s.
    pub fn stop(&mut self) -> Result<(), String> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if matches!(child.try_wait(), Ok(Some(_))) {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        Err(format!(
            "mosquitto did not stop within {PATIENCE:?} of SIGTERM; its log:\n{}",
            self.log()
        ))
    }

    /// Stops (saving, with persistence) and starts again on the same ports. The ports were ours a
    /// moment ago: a start that finds one still taken is retried for two seconds.
    pub fn restart(&mut self) -> Result<(), String> {
        self.stop()?;
        let mut last = String::new();
        for _ in 0..20 {
            match self.launch() {
                Ok(()) => return Ok(()),
                Err(error) => last = error,
            }
            thread::sleep(Duration::from_millis(100));
        }
        Err(format!("mosquitto did not restart: {last}"))
    }

    /// SIGKILL, by PID: only the process we started.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(test)]
mod tests;
