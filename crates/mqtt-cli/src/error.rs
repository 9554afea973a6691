//! What can end a command, worded and numbered like mosquitto's clients so scripts written for
//! `mosquitto_pub`/`mosquitto_sub` keep working: "Connection error: Connection Refused: not
//! authorised." with the CONNACK code as exit status, "Timed out" with 27, and so on.

use mqtt_core::client::SessionError;
use mqtt_core::codec::{ProtocolVersion, ReasonCode};

use crate::driver::DriverError;
use crate::transport::{io_message, TransportError};

/// mosquitto's `MOSQ_ERR_PROTOCOL`.
const EXIT_PROTOCOL: u8 = 2;
/// mosquitto's `MOSQ_ERR_CONN_LOST`.
const EXIT_CONN_LOST: u8 = 7;
/// mosquitto's `MOSQ_ERR_ERRNO`: the socket could not be opened.
const EXIT_ERRNO: u8 = 14;
/// mosquitto's `MOSQ_ERR_KEEPALIVE`.
const EXIT_KEEPALIVE: u8 = 19;
/// mosquitto's `MOSQ_ERR_TIMEOUT` (`mosquitto_sub -W`).
const EXIT_TIMEOUT: u8 = 27;

/// Why a command failed. `Display` is the line printed on stderr.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Arguments that cannot work (bad topic, -c without -i, ...).
    #[error("Error: {0}")]
    Usage(String),
    /// The broker could not be reached on the first try.
    #[error("Error: {0}")]
    Connect(TransportError),
    /// The broker refused the CONNECT.
    #[error("Connection error: {message}")]
    Refused {
        /// mosquitto's wording of the code.
        message: String,
        /// The CONNACK code, which is also the exit status.
        code: u8,
    },
    /// The broker broke the protocol; we closed.
    #[error("Error: {0}")]
    Protocol(SessionError),
    /// The connection ended and could not be re-established.
    #[error("Error: {0}")]
    Lost(DriverError),
    /// No PINGRESP in time and no way back.
    #[error("Error: {0}")]
    KeepAlive(DriverError),
    /// `sub -W` ran out.
    #[error("Timed out")]
    TimedOut,
    /// The broker refused every filter of the SUBSCRIBE.
    #[error("All subscription requests were denied.")]
    SubscriptionsDenied,
    /// Reading stdin or a file, or writing stdout, failed.
    #[error("Error: {0}")]
    Io(String),
}

impl CliError {
    /// The exit status mosquitto's clients use for the same failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::SubscriptionsDenied | CliError::Io(_) => 1,
            CliError::Connect(_) => EXIT_ERRNO,
            CliError::Refused { code, .. } => *code,
            CliError::Protocol(_) => EXIT_PROTOCOL,
            CliError::Lost(_) => EXIT_CONN_LOST,
            CliError::KeepAlive(_) => EXIT_KEEPALIVE,
            CliError::TimedOut => EXIT_TIMEOUT,
        }
    }

    /// A driver error while connecting for the first time (`first`) or later.
    pub fn from_driver(error: DriverError, first: bool) -> Self {
        match error {
            DriverError::Transport(error) if first => CliError::Connect(error),
            DriverError::Refused { code, version, .. } => CliError::Refused {
                message: refused_message(code, version),
                code: code.0,
            },
            DriverError::Protocol(error) => CliError::Protocol(error),
            DriverError::Usage(error) => CliError::Usage(error.to_string()),
            error @ DriverError::KeepAliveTimeout => CliError::KeepAlive(error),
            other => CliError::Lost(other),
        }
    }

    /// Reading or writing a local file or stream failed.
    pub fn io(what: &str, error: &std::io::Error) -> Self {
        CliError::Io(format!("{what}: {}", io_message(error)))
    }
}

/// mosquitto's words for a refused CONNECT: `mosquitto_connack_string` for 3.1.1, the reason code's
/// name for 5.0.
pub fn refused_message(code: ReasonCode, version: ProtocolVersion) -> String {
    if !version.is_v5() {
        return match code.0 {
            1 => "Connection Refused: unacceptable protocol version.",
            2 => "Connection Refused: identifier rejected.",
            3 => "Connection Refused: broker unavailable.",
            4 => "Connection Refused: bad user name or password.",
            5 => "Connection Refused: not authorised.",
            _ => "Connection Refused: unknown reason.",
        }
        .to_string();
    }
    let name = code.name(mqtt_core::PacketType::ConnAck, version);
    if code == ReasonCode::UNSUPPORTED_PROTOCOL_VERSION {
        format!("{name}. Try connecting to an MQTT v5 broker, or use MQTT v3.x mode.")
    } else {
        name.to_string()
    }
}
