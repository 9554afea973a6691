//! Host-test harness for mqtt-client: a real mosquitto on a free loopback port (optionally with
//! persistence, restartable with SIGTERM so it saves), a tokio adapter for the client's `Connect`
//! and `Clock` traits, and bounded helpers for mosquitto_sub/mosquitto_pub.
//!
//! The approach is mqtt-cli's harness (crates/mqtt-cli/tests/common): start by PID, wait until the
//! port accepts, stop only what we started. Nothing here skips: a machine without mosquitto fails
//! with the Debian package names to install (`cargo xtask test` installs them).
#![allow(dead_code)] // each test binary uses a different part

use std::cell::RefCell;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use mqtt_client::Notice;

/// A mosquitto program, on `PATH` or in Debian's sbin.
pub fn tool(name: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/sbin"].map(PathBuf::from));
    dirs.into_iter()
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{name}` not found: these tests need a real mosquitto. Install the Debian \
                 packages `mosquitto mosquitto-clients` (`cargo xtask test` does this)."
            )
        })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
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

/// A scratch directory, removed on drop unless the test failed (then kept for the broker's log).
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "mqtt-client-{label}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create a temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if thread::panicking() {
            eprintln!("(kept {} for inspection)", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A mosquitto we started, on 127.0.0.1 only.
pub struct Mosquitto {
    child: Option<Child>,
    pub port: u16,
    persistence: bool,
    dir: TempDir,
    starts: u32,
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
        for _attempt in 0..5 {
            let mut broker = Mosquitto {
                child: None,
                port: free_port(),
                persistence,
                dir: TempDir::new("mosquitto"),
                starts: 0,
            };
            if broker.launch() {
                return broker;
            }
        }
        panic!("mosquitto did not start listening");
    }

    fn launch(&mut self) -> bool {
        self.starts += 1;
        let dir = self.dir.path();
        let config = dir.join("mosquitto.conf");
        let port = self.port;
        let persistence = if self.persistence {
            // mosquitto started as root drops to the `mosquitto` user before it saves: let it write.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777))
                .expect("open the persistence directory to the broker");
            format!(
                "persistence true\npersistence_location {}/\npersistence_file mosquitto.db\nautosave_interval 0\n",
                dir.display()
            )
        } else {
            "persistence false\n".to_string()
        };
        let text = format!(
            "per_listener_settings false\n\
             allow_anonymous true\n\
             {persistence}\
             max_queued_messages 0\n\
             log_dest stderr\n\
             log_type error\nlog_type warning\nlog_type notice\nlog_type information\n\
             connection_messages true\n\
             listener {port} 127.0.0.1\n\
             socket_domain ipv4\n"
        );
        std::fs::write(&config, text).expect("write mosquitto.conf");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("mosquitto.log"))
            .expect("open the broker's log");
        let child = Command::new(tool("mosquitto"))
            .arg("-c")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start mosquitto");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut() {
                if matches!(child.try_wait(), Ok(Some(_))) {
                    self.child = None;
                    return false;
                }
            }
            // The port accepting is not enough: if another process took it between `free_port` and
            // mosquitto's bind, it accepts (that process) while mosquitto logs the error and exits.
            // Each start logs "running" once every listener is open (the log spans restarts).
            let running = self.log().matches(" running").count() >= self.starts as usize;
            if running && TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return true;
            }
            thread::sleep(Duration::from_millis(20));
        }
        false
    }

    pub fn address(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// SIGTERM (mosquitto saves its persistence file on it), waiting at most 10 s for the exit.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(child.try_wait(), Ok(Some(_))) {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "mosquitto did not stop within 10 s of SIGTERM; log:\n{}",
            self.log()
        );
    }

    /// Stops (saving) and starts again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        // The port was ours a moment ago; retry briefly if the kernel is slow to free it.
        for _ in 0..20 {
            if self.launch() {
                return;
            }
            thread::sleep(Duration::from_millis(100));
        }
        panic!("mosquitto did not restart; log:\n{}", self.log());
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("mosquitto.log")).unwrap_or_default()
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        // Only the process we started, by its PID.
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
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
