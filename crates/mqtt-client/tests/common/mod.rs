//! Host-test harness for mqtt-client: a real mosquitto on a free loopback port (optionally with
//! persistence, restartable with SIGTERM so it saves), a tokio adapter for the client's `Connect`
//! and `Clock` traits, and bounded helpers for mosquitto_sub/mosquitto_pub.
//!
//! The broker comes from `mosquitto-harness` (shared with mqtt-cli's tests and `cargo xtask serve
//! --broker`): started by PID, up once it says "running" and its port accepts, stopped only if we
//! started it. Nothing here skips: a machine without mosquitto fails
//! with the Debian package names to install (`cargo xtask test` installs them).
#![allow(dead_code)] // each test binary uses a different part

use std::cell::RefCell;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::Duration;

use mosquitto_harness::{Config, TempDir};
use mqtt_client::Notice;

/// A mosquitto program (`mosquitto`, `mosquitto_pub`, `mosquitto_sub`), found as the harness finds it.
pub fn tool(name: &str) -> PathBuf {
    mosquitto_harness::program(name).unwrap_or_else(|error| panic!("{error}"))
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A client id no other test (or earlier run against the same broker) uses.
pub fn unique_id(label: &str) -> String {
    format!(
        "esp32-{label}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A mosquitto we started (see `mosquitto-harness`), MQTT over TCP on 127.0.0.1 only, with no limit
/// on queued messages and every connection logged.
pub struct Mosquitto {
    broker: mosquitto_harness::Mosquitto,
    pub port: u16,
    /// Removed after the broker is gone (fields drop in order), kept if the test failed.
    _dir: TempDir,
}

impl Mosquitto {
    /// A broker without persistence.
    pub fn start() -> Self {
        Self::start_with(false)
    }

    /// A broker that saves sessions and messages to a temporary directory when stopped (SIGTERM),
    /// and reads them back when started again.
    pub fn start_persistent() -> Self {
        Self::start_with(true)
    }

    fn start_with(persistence: bool) -> Self {
        let dir = TempDir::new("mqtt-client-mosquitto").expect("a scratch directory");
        let broker = mosquitto_harness::Mosquitto::start_on_free_ports(
            &tool("mosquitto"),
            || dir.path().to_path_buf(),
            |dir, port, _| Config {
                persistence,
                unlimited_queues: true,
                connection_messages: true,
                ..Config::new(dir, port)
            },
        )
        .unwrap_or_else(|error| panic!("{error}"));
        Mosquitto {
            port: broker.port(),
            broker,
            _dir: dir,
        }
    }

    pub fn address(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// SIGTERM (mosquitto saves its persistence file on it), waiting at most 10 s for the exit.
    pub fn stop(&mut self) {
        self.broker.stop().unwrap_or_else(|error| panic!("{error}"));
    }

    /// Stops (saving) and starts again on the same port.
    pub fn restart(&mut self) {
        self.broker
            .restart()
            .unwrap_or_else(|error| panic!("{error}"));
    }

    pub fn log(&self) -> String {
        self.broker.log()
    }
}

// --- The tokio adapter: what firmware/ supplies on the chip -------------------------------------

mod tokio_adapter;
pub use tokio_adapter::{TcpConnector, TokioClock};

pub type TestClient = mqtt_client::Client<TcpConnector, TokioClock>;

/// A client for `broker` with `config`, whose notices are collected (and printed with `--nocapture`).
pub fn client(broker: &Mosquitto, config: mqtt_client::Config) -> (TestClient, Log) {
    let mut client = TestClient::new(config, TcpConnector(broker.address()), TokioClock::new())
        .expect("valid options");
    let log = Log::default();
    let sink = log.clone();
    let id = client.session().client_id().to_string();
    client.set_observer(move |notice: &Notice<'_>| {
        let line = notice.to_string();
        eprintln!("[{id}] {line}");
        sink.0.borrow_mut().push(line);
    });
    (client, log)
}

/// Notices a client reported, as log lines.
#[derive(Clone, Default)]
pub struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    pub fn lines(&self) -> Vec<String> {
        self.0.borrow().clone()
    }

    pub fn count(&self, needle: &str) -> usize {
        self.0
            .borrow()
            .iter()
            .filter(|l| l.contains(needle))
            .count()
    }
}

/// Runs `future` on a current-thread tokio runtime (the client's futures are not `Send`, like on
/// the chip), failing the test if it takes longer than `limit`.
pub fn run<F: std::future::Future>(limit: Duration, future: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        tokio::time::timeout(limit, future)
            .await
            .unwrap_or_else(|_| panic!("the test did not finish within {limit:?}"))
    })
}

// --- mosquitto_sub / mosquitto_pub, bounded ------------------------------------------------------

/// A mosquitto_sub that prints `topic payload` lines, stopped after `count` messages or `seconds`.
pub struct Sub(Child);

impl Sub {
    pub fn start(broker: &Mosquitto, filter: &str, count: usize, seconds: u32) -> Sub {
        let child = Command::new(tool("mosquitto_sub"))
            .args(["-h", "127.0.0.1", "-p", &broker.port.to_string()])
            .args(["-t", filter, "-v", "-q", "2"])
            .args(["-C", &count.to_string(), "-W", &seconds.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mosquitto_sub");
        // Give it time to subscribe before anything is published.
        thread::sleep(Duration::from_millis(300));
        Sub(child)
    }

    /// Its output once it exits by itself (it always does: `-C` or `-W`).
    pub fn lines(self) -> Vec<String> {
        let output = self.0.wait_with_output().expect("mosquitto_sub output");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    }
}

/// mosquitto_pub, once.
pub fn mosquitto_pub(broker: &Mosquitto, topic: &str, payload: &str, qos: u8) {
    let status = Command::new(tool("mosquitto_pub"))
        .args(["-h", "127.0.0.1", "-p", &broker.port.to_string()])
        .args(["-t", topic, "-m", payload, "-q", &qos.to_string()])
        .status()
        .expect("run mosquitto_pub");
    assert!(status.success(), "mosquitto_pub failed");
}
