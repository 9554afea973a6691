//! What the client tells its owner as it goes, for a serial log: connecting, CONNACK, each publish
//! acknowledged, pings, losses and reconnects. `Display` gives the one-line log text.

use core::fmt;

use mqtt_core::client::{CloseReason, SessionError};
use mqtt_core::QoS;

/// Something worth a log line. Borrowed: read it in the observer, don't keep it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice<'a> {
    /// Opening a connection (try number `attempt` since the last success).
    Connecting {
        /// 1 for the first try.
        attempt: u32,
    },
    /// The transport could not be opened.
    ConnectFailed {
        /// Try number.
        attempt: u32,
        /// The connector's error, formatted.
        error: &'a str,
    },
    /// CONNACK accepted the connection.
    Connected {
        /// Whether the broker resumed our session.
        session_present: bool,
        /// How many unacknowledged PUBLISH/PUBREL are being sent again (DUP=1 for PUBLISH).
        resending: usize,
    },
    /// The connection ended.
    ConnectionLost {
        /// Why.
        reason: &'a CloseReason,
    },
    /// Waiting before the next try.
    Reconnecting {
        /// The try that comes next.
        attempt: u32,
        /// How long we wait first, in milliseconds.
        delay_ms: u64,
    },
    /// A QoS 0 PUBLISH was written.
    Sent {
        /// Its topic.
        topic: &'a str,
    },
    /// A QoS 1/2 PUBLISH finished its handshake (PUBACK / PUBCOMP).
    Acknowledged {
        /// Its packet identifier.
        packet_id: u16,
        /// Its QoS.
        qos: QoS,
    },
    /// SUBACK for one filter.
    Subscribed {
        /// The filter.
        filter: &'a str,
        /// Granted QoS, or the refusal code.
        granted: Result<QoS, u8>,
    },
    /// PINGRESP arrived.
    Pong {
        /// Milliseconds since our PINGREQ.
        round_trip: u64,
    },
    /// The broker had no session for us although we had messages in flight; they were published
    /// again (with new packet identifiers).
    SessionLost {
        /// How many.
        republished: usize,
    },
    /// We subscribed again because the broker had forgotten our subscriptions.
    Resubscribing {
        /// How many filters.
        filters: usize,
    },
}

impl fmt::Display for Notice<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Notice::Connecting { attempt } => write!(f, "mqtt: connecting (try {attempt})"),
            Notice::ConnectFailed { attempt, error } => {
                write!(f, "mqtt: try {attempt} could not connect: {error}")
            }
            Notice::Connected {
                session_present,
                resending,
            } => {
                write!(
                    f,
                    "mqtt: CONNACK accepted, session present = {session_present}"
                )?;
                if resending > 0 {
                    write!(f, ", resending {resending} unacknowledged with DUP=1")?;
                }
                Ok(())
            }
            Notice::ConnectionLost { reason } => {
                write!(f, "mqtt: connection closed: {}", CloseText(reason))
            }
            Notice::Reconnecting { attempt, delay_ms } => {
                write!(f, "mqtt: reconnecting in {delay_ms} ms (try {attempt})")
            }
            Notice::Sent { topic } => write!(f, "mqtt: sent QoS 0 to {topic}"),
            Notice::Acknowledged { packet_id, qos } => {
                let ack = if qos == QoS::ExactlyOnce {
                    "PUBCOMP"
                } else {
                    "PUBACK"
                };
                write!(
                    f,
                    "mqtt: {ack} for packet {packet_id} (QoS {})",
                    qos.level()
                )
            }
            Notice::Subscribed { filter, granted } => match granted {
                Ok(qos) => write!(f, "mqtt: subscribed to {filter} at QoS {}", qos.level()),
                Err(code) => write!(f, "mqtt: subscription to {filter} refused (0x{code:02x})"),
            },
            Notice::Pong { round_trip } => write!(f, "mqtt: PINGRESP after {round_trip} ms"),
            Notice::SessionLost { republished } => write!(
                f,
                "mqtt: the broker had lost our session; published {republished} messages again"
            ),
            Notice::Resubscribing { filters } => {
                write!(
                    f,
                    "mqtt: the broker forgot our subscriptions; subscribing to {filters} again"
                )
            }
        }
    }
}

/// A close reason in words.
pub(crate) struct CloseText<'a>(pub &'a CloseReason);

impl fmt::Display for CloseText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            CloseReason::Disconnected => f.write_str("we sent DISCONNECT"),
            CloseReason::Refused { code, name, .. } => {
                write!(f, "CONNACK refused: {name} (0x{:02x})", code.0)
            }
            CloseReason::ServerDisconnected { code, name, .. } => {
                write!(f, "the broker sent DISCONNECT: {name} (0x{:02x})", code.0)
            }
            CloseReason::ConnectTimeout => f.write_str("no CONNACK in time"),
            CloseReason::KeepAliveTimeout => f.write_str("no PINGRESP in time"),
            CloseReason::ConnectionLost => f.write_str("the link went down"),
            CloseReason::ProtocolError(SessionError::Malformed(error)) => {
                write!(f, "malformed packet from the broker: {error}")
            }
            CloseReason::ProtocolError(error) => write!(f, "{error}"),
        }
    }
}
