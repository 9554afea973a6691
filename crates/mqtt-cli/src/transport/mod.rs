//! Byte links to a broker. A session needs only "send these bytes", "give me what arrived within this
//! long" and "close"; TCP and WebSocket both reduce to that, so the driver and the commands never
//! know which one they use.
//!
//! Every wait is bounded: connects and writes by an I/O timeout, reads by the timeout the driver asks
//! for (which is how the session's timers fire without threads).

mod tcp;
mod ws;

use std::fmt;
use std::io;
use std::time::Duration;

pub use tcp::TcpTransport;
pub use ws::WsTransport;

/// Where the broker is and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// MQTT over plain TCP.
    Tcp {
        /// Host name or address.
        host: String,
        /// Port.
        port: u16,
    },
    /// MQTT over WebSocket (`ws://`), subprotocol `mqtt`, binary frames.
    WebSocket {
        /// Host name or address.
        host: String,
        /// Port.
        port: u16,
        /// The HTTP path of the WebSocket endpoint, starting with `/` (mosquitto accepts any).
        path: String,
    },
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Tcp { host, port } => write!(f, "mqtt://{}:{port}", bracketed(host)),
            Endpoint::WebSocket { host, port, path } => {
                write!(f, "ws://{}:{port}{path}", bracketed(host))
            }
        }
    }
}

/// An IPv6 literal in a URL or `Host` header needs brackets.
pub(crate) fn bracketed(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

/// What one read brought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recv {
    /// This many bytes were appended to the buffer.
    Data(usize),
    /// Nothing arrived within the timeout (or only link-level traffic such as a WebSocket ping).
    Idle,
    /// The broker closed the connection.
    Closed,
}

/// A link failed: connecting, the WebSocket handshake, a read or a write.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// A socket error, worded like `strerror` (mosquitto prints the same words).
    #[error("{}", io_message(.0))]
    Io(#[from] io::Error),
    /// The host name resolved to no address.
    #[error("cannot resolve host {0}")]
    Resolve(String),
    /// The WebSocket handshake or framing failed.
    #[error("WebSocket: {0}")]
    WebSocket(String),
    /// A text frame: MQTT over WebSocket travels in binary frames only.
    #[error(
        "the broker sent a WebSocket text frame; MQTT travels in binary frames only (MQTT-6.0.0-1)"
    )]
    TextFrame,
}

/// An I/O error's message without Rust's " (os error N)" suffix, so it reads like `strerror`.
pub fn io_message(error: &io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error ") {
        Some(at) => text.get(..at).unwrap_or(&text).to_string(),
        None => text,
    }
}

/// One open connection to a broker.
pub trait Transport: Send {
    /// Writes all of `bytes` (one WebSocket binary frame; it may hold several MQTT packets).
    fn send(&mut self, bytes: &[u8]) -> Result<(), TransportError>;

    /// Waits at most `timeout` for bytes and appends what arrived to `buf`.
    fn recv(&mut self, buf: &mut Vec<u8>, timeout: Duration) -> Result<Recv, TransportError>;

    /// Closes the link. With a `linger`, first tells the broker we are done and waits up to that long
    /// for it to close its side, so nothing we wrote (a DISCONNECT) can be lost to a reset.
    fn close(&mut self, linger: Duration);
}

/// Opens a link to `endpoint`; connecting, the WebSocket handshake and each write are bounded by
/// `io_timeout`.
pub fn open(
    endpoint: &Endpoint,
    io_timeout: Duration,
) -> Result<Box<dyn Transport>, TransportError> {
    match endpoint {
        Endpoint::Tcp { host, port } => {
            Ok(Box::new(TcpTransport::connect(host, *port, io_timeout)?))
        }
        Endpoint::WebSocket { host, port, path } => Ok(Box::new(WsTransport::connect(
            host, *port, path, io_timeout,
        )?)),
    }
}

/// Read timeouts of zero mean "block forever" to std; the shortest real wait is 1 ms.
pub(crate) fn read_timeout(timeout: Duration) -> Duration {
    timeout.max(Duration::from_millis(1))
}

/// Whether an I/O error only means "nothing yet" (a read timeout or a signal).
pub(crate) fn is_idle(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}
