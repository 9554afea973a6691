//! How a client connects, reconnects and traces.

use alloc::string::String;
use alloc::vec::Vec;

use mqtt_core::client::ClientOptions;
use mqtt_core::ProtocolVersion;

/// When to try again after a connection is lost or cannot be opened: `initial_delay` after the first
/// failure, doubling each time up to `max_delay`; `max_attempts` consecutive failures end in
/// [`Error::GaveUp`](crate::Error::GaveUp) (`None`: never give up, what a device wants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reconnect {
    /// Milliseconds before the first retry.
    pub initial_delay: u64,
    /// Longest wait between tries, in milliseconds.
    pub max_delay: u64,
    /// Consecutive failed tries before giving up; `None` for never.
    pub max_attempts: Option<u32>,
}

impl Default for Reconnect {
    /// 0.5 s, 1 s, 2 s, ... up to 30 s, for ever.
    fn default() -> Self {
        Reconnect {
            initial_delay: 500,
            max_delay: 30_000,
            max_attempts: None,
        }
    }
}

impl Reconnect {
    /// The wait before try number `failures + 1`, after `failures` (≥ 1) consecutive failures.
    pub fn delay(&self, failures: u32) -> u64 {
        let doublings = failures.saturating_sub(1).min(32);
        self.initial_delay
            .saturating_mul(1u64 << doublings)
            .min(self.max_delay)
    }
}

/// Everything a [`Client`](crate::Client) is made with.
#[derive(Debug, Clone)]
pub struct Config {
    /// The session's options (client id, version, keep alive, clean start, will, credentials, ...).
    pub options: ClientOptions,
    /// Reconnect policy.
    pub reconnect: Reconnect,
    /// Publish our packets to `mqtt-playground/trace/<clientId>` (needs the `trace` feature).
    pub trace: bool,
    /// At most this many bytes of a packet go into its trace record's `hex` (`len` is always the
    /// whole length).
    pub trace_max_bytes: usize,
    /// Size of the read buffer (bytes handed to the session per read).
    pub read_buffer: usize,
}

impl Config {
    /// MQTT 3.1.1 with a **persistent session** (clean session 0), a 60 s keep alive, reconnects for
    /// ever: the settings of a device that must not lose QoS 1/2 messages over a broker restart or a
    /// WiFi drop. (umqtt.simple's default is a clean session; call [`Config::persistent`] with
    /// `false` for that.)
    pub fn new(client_id: impl Into<String>) -> Self {
        let mut options = ClientOptions::new(ProtocolVersion::V311, client_id);
        options.clean_start = false;
        Config {
            options,
            reconnect: Reconnect::default(),
            trace: false,
            trace_max_bytes: 256,
            read_buffer: 1024,
        }
    }

    /// MQTT 3.1.1 or 5.0 (5.0 sessions are kept for ever when persistent).
    pub fn with_version(mut self, version: ProtocolVersion) -> Self {
        self.options.version = version;
        let persistent = !self.options.clean_start;
        self.persistent(persistent)
    }

    /// Keep the session at the broker across connections (clean session / clean start 0 and, in 5.0,
    /// a Session Expiry Interval of "never"), or start clean every time.
    pub fn persistent(mut self, persistent: bool) -> Self {
        self.options.clean_start = !persistent;
        self.options.session_expiry_interval = if persistent && self.options.version.is_v5() {
            u32::MAX
        } else {
            0
        };
        self
    }

    /// Seconds of silence after which we send PINGREQ (0 turns keep alive off).
    pub fn with_keep_alive(mut self, seconds: u16) -> Self {
        self.options.keep_alive = seconds;
        self
    }

    /// User name and password.
    pub fn with_credentials(
        mut self,
        username: impl Into<String>,
        password: impl Into<Vec<u8>>,
    ) -> Self {
        self.options.username = Some(username.into());
        self.options.password = Some(password.into());
        self
    }

    /// The reconnect policy.
    pub fn with_reconnect(mut self, reconnect: Reconnect) -> Self {
        self.reconnect = reconnect;
        self
    }

    /// Trace our packets to `mqtt-playground/trace/<clientId>` (ignored without the `trace` feature).
    pub fn with_trace(mut self, on: bool) -> Self {
        self.trace = on;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let policy = Reconnect::default();
        let delays: Vec<u64> = (1..=8).map(|n| policy.delay(n)).collect();
        assert_eq!(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
        assert_eq!(policy.delay(u32::MAX), 30_000);
    }

    #[test]
    fn persistence_follows_the_version() {
        let v5 = Config::new("a").with_version(ProtocolVersion::V5);
        assert!(!v5.options.clean_start);
        assert_eq!(v5.options.session_expiry_interval, u32::MAX);
        let clean = Config::new("a").persistent(false);
        assert!(clean.options.clean_start);
        assert_eq!(clean.options.session_expiry_interval, 0);
    }
}
