//! Shared harness for the CLI's tests: a real mosquitto on free loopback ports (`mosquitto-harness`,
//! shared with mqtt-client's tests and `cargo xtask serve --broker`), and child processes
//! (our `mqtt`, `mosquitto_pub`, `mosquitto_sub`) that are always bounded in time and killed by PID
//! if they overstay.
//!
//! Nothing here skips: a machine without mosquitto fails the tests with the package names to
//! install (`cargo xtask test` installs them).
#![allow(dead_code)] // each test binary uses a different part of the harness

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use mosquitto_harness::{Config, TempDir};

/// Our binary.
pub fn mqtt_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mqtt"))
}

/// A mosquitto program (`mosquitto`, `mosquitto_pub`, `mosquitto_sub`), found as the harness finds it.
pub fn tool(name: &str) -> PathBuf {
    mosquitto_harness::program(name).unwrap_or_else(|error| panic!("{error}"))
}

/// A free loopback port (free when asked).
pub fn free_port() -> u16 {
    mosquitto_harness::free_port().expect("a free loopback port")
}

/// A mosquitto we started (see `mosquitto-harness`): a TCP listener and a WebSocket listener on
/// 127.0.0.1, with no limit on queued messages, so floods and offline queues never drop QoS 1/2.
pub struct Mosquitto {
    broker: mosquitto_harness::Mosquitto,
    pub port: u16,
    pub ws_port: u16,
    /// Removed after the broker is gone (fields drop in order), kept if the test failed.
    dir: TempDir,
}

impl Mosquitto {
    /// Starts a broker on free ports and waits until it is up.
    pub fn start() -> Self {
        let dir = TempDir::new("mqtt-cli-mosquitto").expect("a scratch directory");
        let broker = mosquitto_harness::Mosquitto::start_on_free_ports(
            &tool("mosquitto"),
            || dir.path().to_path_buf(),
            |dir, port, ws_port| Config {
                unlimited_queues: true,
                ..Config::new(dir, port).websocket(ws_port)
            },
        )
        .unwrap_or_else(|error| panic!("{error}"));
        Mosquitto {
            port: broker.port(),
            ws_port: broker.ws_port().expect("a WebSocket listener"),
            broker,
            dir,
        }
    }

    /// The broker's log so far (for failure messages).
    pub fn log(&self) -> String {
        self.broker.log()
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// Bytes a child wrote, shared with the thread that reads them.
#[derive(Default)]
struct Captured {
    /// The bytes, and whether the pipe has reached EOF.
    bytes: Mutex<(Vec<u8>, bool)>,
    grew: Condvar,
}

impl Captured {
    fn start(mut source: impl Read + Send + 'static) -> Arc<Self> {
        let captured = Arc::new(Captured::default());
        let sink = Arc::clone(&captured);
        thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            loop {
                match source.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut bytes = sink.bytes.lock().expect("lock");
                        bytes.0.extend_from_slice(&chunk[..n]);
                        sink.grew.notify_all();
                    }
                }
            }
            sink.bytes.lock().expect("lock").1 = true;
            sink.grew.notify_all();
        });
        captured
    }

    fn snapshot(&self) -> Vec<u8> {
        self.bytes.lock().expect("lock").0.clone()
    }

    fn wait_for(&self, limit: Duration, done: impl Fn(&[u8]) -> bool) -> bool {
        self.wait_until(limit, |bytes, _| done(bytes))
    }

    /// Waits (boundedly) until the pipe is at EOF: everything the child wrote has been read.
    fn wait_eof(&self, limit: Duration) {
        self.wait_until(limit, |_, eof| eof);
    }

    fn wait_until(&self, limit: Duration, done: impl Fn(&[u8], bool) -> bool) -> bool {
        let deadline = Instant::now() + limit;
        let mut bytes = self.bytes.lock().expect("lock");
        loop {
            if done(&bytes.0, bytes.1) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            bytes = self.grew.wait_timeout(bytes, left).expect("lock").0;
        }
    }
}

/// What a finished child left.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Output {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// mosquitto_sub's stdout without its `-d` lines.
    pub fn messages(&self) -> String {
        strip_debug(&self.stdout())
    }
}

/// Removes mosquitto clients' `-d` lines, leaving the printed messages.
pub fn strip_debug(text: &str) -> String {
    text.split_inclusive('\n')
        .filter(|line| !line.starts_with("Client ") && !line.starts_with("Subscribed (mid"))
        .collect()
}

/// A running child process with its output captured; killed (by PID) if dropped while running.
pub struct Proc {
    label: String,
    child: Child,
    stdout: Arc<Captured>,
    stderr: Arc<Captured>,
}

impl Proc {
    /// Starts `command` with `stdin` (closed after writing).
    pub fn spawn(command: &mut Command, stdin: Option<Vec<u8>>) -> Self {
        let label = format!("{command:?}");
        command
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {label}: {error}"));
        if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
            thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            });
        }
        let stdout = Captured::start(child.stdout.take().expect("piped stdout"));
        let stderr = Captured::start(child.stderr.take().expect("piped stderr"));
        Proc {
            label,
            child,
            stdout,
            stderr,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.snapshot()).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.snapshot()).into_owned()
    }

    /// Waits until stdout contains `text`; panics with everything captured if it does not in time.
    pub fn wait_stdout(&self, text: &str, limit: Duration) {
        let found = self
            .stdout
            .wait_for(limit, |bytes| contains(bytes, text.as_bytes()));
        assert!(
            found,
            "{}: no {text:?} on stdout within {limit:?}\n{}",
            self.label,
            self.dump()
        );
    }

    /// Waits until stderr contains `text`; panics with everything captured if it does not in time.
    pub fn wait_stderr(&self, text: &str, limit: Duration) {
        let found = self
            .stderr
            .wait_for(limit, |bytes| contains(bytes, text.as_bytes()));
        assert!(
            found,
            "{}: no {text:?} on stderr within {limit:?}\n{}",
            self.label,
            self.dump()
        );
    }

    /// Waits for the child to exit; kills it and panics if it takes longer than `limit`.
    pub fn finish(mut self, limit: Duration) -> Output {
        let deadline = Instant::now() + limit;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    // Everything written before the exit (bounded: a grandchild could hold a pipe).
                    self.stdout.wait_eof(Duration::from_secs(2));
                    self.stderr.wait_eof(Duration::from_secs(2));
                    return Output {
                        status,
                        stdout: self.stdout.snapshot(),
                        stderr: self.stderr.snapshot(),
                    };
                }
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    panic!(
                        "{} did not exit within {limit:?}\n{}",
                        self.label,
                        self.dump()
                    );
                }
            }
        }
    }

    /// Kills the child (SIGKILL, by PID): an abrupt end, as a crash or a pulled cable.
    pub fn kill(mut self) -> Output {
        let _ = self.child.kill();
        let status = self.child.wait().expect("wait for a killed child");
        self.stdout.wait_eof(Duration::from_secs(2));
        self.stderr.wait_eof(Duration::from_secs(2));
        Output {
            status,
            stdout: self.stdout.snapshot(),
            stderr: self.stderr.snapshot(),
        }
    }

    fn dump(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            truncate(&self.stdout()),
            truncate(&self.stderr())
        )
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn truncate(text: &str) -> String {
    if text.len() > 4000 {
        format!(
            "{}... ({} bytes)",
            &text[..text.floor_char_boundary(4000)],
            text.len()
        )
    } else {
        text.to_string()
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

/// Runs `command` to completion within `limit`.
pub fn run(command: &mut Command, stdin: Option<Vec<u8>>, limit: Duration) -> Output {
    Proc::spawn(command, stdin).finish(limit)
}

/// Asserts a successful exit, showing the output otherwise.
#[track_caller]
pub fn assert_ok(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.code(),
        output.stdout(),
        output.stderr()
    );
}
