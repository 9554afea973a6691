//! A local mosquitto for `cargo xtask serve --broker`: a TCP listener and a WebSocket listener on
//! 127.0.0.1, so "connect to a WebSocket broker" works on a fresh machine.
//!
//! Ports: 1883 and 9001 when they are free (what the app's "Local mosquitto" preset and every tutorial
//! use), otherwise ports the OS picks. The configuration lives in a scratch directory under
//! `target/`; nothing is persisted (`persistence false`), anonymous clients are allowed, and
//! `socket_domain ipv4` keeps it on 127.0.0.1. Starting, waiting until it is up and stopping it by
//! PID are `mosquitto-harness`'s, shared with the tests that run against mosquitto.
//!
//! Stopping: mosquitto is our child process and is killed by its PID when [`Mosquitto`] is dropped
//! (serve returns or fails). Ctrl-C in the terminal reaches the whole foreground process group, so
//! mosquitto gets the SIGINT itself and exits. For the remaining case — xtask killed on its own
//! (e.g. `kill <pid>`), when no destructor runs — a tiny `sh` watchdog polls xtask's PID once a
//! second and kills mosquitto by PID when xtask is gone. No extra crates, no signal handlers.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use mosquitto_harness::{free_port, port_or_free, Config};

use crate::error::{Error, Result};
use crate::project;

/// A running mosquitto we started.
pub struct Mosquitto {
    broker: mosquitto_harness::Mosquitto,
    watchdog: Option<Child>,
    /// The TCP listener's port.
    pub tcp_port: u16,
    /// The WebSocket listener's port.
    pub ws_port: u16,
}

impl Mosquitto {
    /// Starts mosquitto (`program`) and waits until both listeners accept connections.
    pub fn start(program: &std::path::Path) -> Result<Self> {
        let tcp_port = port_or_free(1883)?;
        let mut ws_port = port_or_free(9001)?;
        if ws_port == tcp_port {
            ws_port = free_port()?;
        }
        let dir = project::root().join("target").join("serve-broker");
        let broker = mosquitto_harness::Mosquitto::start(
            program,
            Config::new(dir, tcp_port).websocket(ws_port),
        )
        .map_err(Error::new)?;
        let watchdog = broker.pid().and_then(|pid| {
            Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "while kill -0 {xtask} 2>/dev/null; do sleep 1; done; kill {pid} 2>/dev/null",
                    xtask = std::process::id(),
                ))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()
        });
        Ok(Mosquitto {
            broker,
            watchdog,
            tcp_port,
            ws_port,
        })
    }

    /// The URL to paste into the app.
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.ws_port)
    }

    /// Where its log is.
    pub fn log_path(&self) -> PathBuf {
        self.broker.log_path()
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        // Only the processes we started, by their PIDs (the broker's own drop kills it).
        if let Some(watchdog) = &mut self.watchdog {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
    }
}
