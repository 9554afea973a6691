//! A local mosquitto for `cargo xtask serve --broker`: a TCP listener and a WebSocket listener on
//! 127.0.0.1, so "connect to a WebSocket broker" works on a fresh machine.
//!
//! Ports: 1883 and 9001 when they are free (what the app's "Local mosquitto" preset and every tutorial
//! use), otherwise ports the OS picks. The configuration lives in a scratch directory under
//! `target/`; nothing is persisted (`persistence false`), anonymous clients are allowed, and
//! `socket_domain ipv4` keeps it on 127.0.0.1.
//!
//! Stopping: mosquitto is our child process and is killed by its PID when [`Mosquitto`] is dropped
//! (serve returns or fails). Ctrl-C in the terminal reaches the whole foreground process group, so
//! mosquitto gets the SIGINT itself and exits. For the remaining case — xtask killed on its own
//! (e.g. `kill <pid>`), when no destructor runs — a tiny `sh` watchdog polls xtask's PID once a
//! second and kills mosquitto by PID when xtask is gone. No extra crates, no signal handlers.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::project;

/// A running mosquitto we started.
pub struct Mosquitto {
    child: Child,
    watchdog: Option<Child>,
    /// The TCP listener's port.
    pub tcp_port: u16,
    /// The WebSocket listener's port.
    pub ws_port: u16,
    /// Where its configuration and log are.
    pub dir: PathBuf,
}

/// `preferred` if it is free on 127.0.0.1, else a port the OS picks.
fn port(preferred: u16) -> Result<u16> {
    if TcpListener::bind(("127.0.0.1", preferred)).is_ok() {
        return Ok(preferred);
    }
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

impl Mosquitto {
    /// Starts mosquitto (`program`) and waits until both listeners accept connections.
    pub fn start(program: &std::path::Path) -> Result<Self> {
        let tcp_port = port(1883)?;
        let mut ws_port = port(9001)?;
        if ws_port == tcp_port {
            ws_port = port(0)?;
        }
        let dir = project::root().join("target").join("serve-broker");
        std::fs::create_dir_all(&dir)?;
        let config = dir.join("mosquitto.conf");
        let log = dir.join("mosquitto.log");
        std::fs::write(
            &config,
            format!(
                "# Written by `cargo xtask serve --broker`; rewritten on every start.\n\
                 per_listener_settings false\n\
                 allow_anonymous true\n\
                 persistence false\n\
                 log_dest stderr\n\
                 log_type error\nlog_type warning\nlog_type notice\nlog_type information\n\
                 listener {tcp_port} 127.0.0.1\n\
                 listener {ws_port} 127.0.0.1\n\
                 protocol websockets\n\
                 socket_domain ipv4\n"
            ),
        )?;
        let child = Command::new(program)
            .arg("-c")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .spawn()
            .map_err(|err| Error::new(format!("could not start {}: {err}", program.display())))?;
        let mut broker = Mosquitto {
            watchdog: None,
            child,
            tcp_port,
            ws_port,
            dir,
        };
        broker.wait_ready(Duration::from_secs(10))?;
        broker.watchdog = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "while kill -0 {xtask} 2>/dev/null; do sleep 1; done; kill {broker} 2>/dev/null",
                xtask = std::process::id(),
                broker = broker.child.id()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok();
        Ok(broker)
    }

    fn wait_ready(&mut self, limit: Duration) -> Result {
        let deadline = Instant::now() + limit;
        let up = |port| TcpStream::connect(("127.0.0.1", port)).is_ok();
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log =
                    std::fs::read_to_string(self.dir.join("mosquitto.log")).unwrap_or_default();
                return Err(Error::new(format!(
                    "mosquitto exited ({status}); its log:\n{log}"
                )));
            }
            // Accepting ports are not enough: one taken by another process since `port()` still
            // accepts while mosquitto logs the error and exits. "running" follows every listener.
            let log = std::fs::read_to_string(self.dir.join("mosquitto.log")).unwrap_or_default();
            if log.contains(" running") && up(self.tcp_port) && up(self.ws_port) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Err(Error::new("mosquitto did not start listening within 10 s"))
    }

    /// The URL to paste into the app.
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.ws_port)
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        // Only the processes we started, by their PIDs.
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(watchdog) = &mut self.watchdog {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
    }
}
