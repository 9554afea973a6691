//! Everything a client session reports: each transition is an event, so a UI can animate it and a
//! test can assert it. If it isn't an event, it didn't happen.

use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::{DecodeError, PacketType, QoS, ReasonCode, SubscriptionOptions};
use crate::message::Message;
use crate::rule::{Citation, Rule};
use crate::Instant;

/// Where the connection stands; each state is named for what it awaits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectionState {
    /// No connection: before `connect`, or after it closed.
    Disconnected,
    /// CONNECT is queued or sent; waiting for CONNACK.
    AwaitingConnAck,
    /// Accepted: messages flow.
    Connected,
    /// We decided to close (DISCONNECT or an error); waiting for the last bytes to be written.
    Closing,
}

/// One outbound QoS 1/2 message's place in its handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboundState {
    /// Queued behind the send window.
    Queued,
    /// QoS 1: PUBLISH sent, waiting for PUBACK.
    AwaitingPubAck,
    /// QoS 2: PUBLISH sent, waiting for PUBREC.
    AwaitingPubRec,
    /// QoS 2: PUBREL sent, waiting for PUBCOMP.
    AwaitingPubComp,
}

/// A packet the session received, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Its type.
    pub packet_type: PacketType,
    /// Its packet identifier, if it has one.
    pub packet_id: Option<u16>,
    /// One-line summary; empty unless [`describe_packets`](super::ClientOptions::describe_packets).
    pub summary: String,
    /// Its bytes, for the inspector.
    pub bytes: Vec<u8>,
}

/// The result for one topic filter of a SUBSCRIBE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribeResult {
    /// The filter.
    pub filter: String,
    /// What we asked for.
    pub requested: SubscriptionOptions,
    /// Granted QoS, or the refusal code.
    pub granted: Result<QoS, ReasonCode>,
}

impl SubscribeResult {
    /// Granted, but at a lower QoS than asked.
    pub fn is_downgraded(&self) -> bool {
        matches!(self.granted, Ok(qos) if qos < self.requested.qos)
    }
}

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// We sent DISCONNECT.
    Disconnected,
    /// The broker refused the CONNECT.
    Refused {
        /// Its return/reason code.
        code: ReasonCode,
        /// The code's name.
        name: &'static str,
        /// 5.0 Reason String, if any.
        reason: Option<String>,
    },
    /// The broker sent DISCONNECT (5.0).
    ServerDisconnected {
        /// Its reason code.
        code: ReasonCode,
        /// The code's name.
        name: &'static str,
        /// 5.0 Reason String, if any.
        reason: Option<String>,
    },
    /// No CONNACK in time.
    ConnectTimeout,
    /// No PINGRESP in time: the connection is considered dead.
    KeepAliveTimeout,
    /// The transport went away without DISCONNECT.
    ConnectionLost,
    /// The broker broke the protocol; we closed.
    ProtocolError(SessionError),
}

/// The broker sent something the protocol does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// Bytes that do not decode.
    #[error("the broker sent a malformed packet: {0}")]
    Malformed(DecodeError),
    /// A well-formed packet that breaks the protocol.
    #[error("the broker broke the protocol: {violation}{}", Citation(*.rule))]
    Protocol {
        /// What happened.
        violation: BrokerViolation,
        /// The rule broken.
        rule: Option<Rule>,
    },
}

/// Protocol violations a client detects in what the broker sends.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrokerViolation {
    /// The first packet was not CONNACK.
    #[error("expected CONNACK first, got {got}")]
    FirstPacketNotConnAck {
        /// What came.
        got: PacketType,
    },
    /// A second CONNACK.
    #[error("a second CONNACK on one connection")]
    SecondConnAck,
    /// A packet only clients send.
    #[error("{got} is sent by clients, never by a broker")]
    ClientOnlyPacket {
        /// What came.
        got: PacketType,
    },
    /// Session Present although we asked for a clean session.
    #[error("Session Present = 1 although the client asked for a clean session")]
    SessionPresentOnCleanStart,
    /// A Topic Alias of 0 or above our Topic Alias Maximum.
    #[error("Topic Alias {alias} is outside 1..={maximum} (our Topic Alias Maximum)")]
    TopicAliasInvalid {
        /// The alias.
        alias: u16,
        /// Our maximum.
        maximum: u16,
    },
    /// An empty topic with an alias that names nothing yet.
    #[error("Topic Alias {alias} was never given a topic on this connection")]
    TopicAliasUnknown {
        /// The alias.
        alias: u16,
    },
    /// More unacknowledged QoS 1/2 PUBLISH than our Receive Maximum.
    #[error("more than {maximum} unacknowledged QoS 1/2 messages (our Receive Maximum)")]
    ReceiveMaximumExceeded {
        /// Our Receive Maximum.
        maximum: u16,
    },
    /// A packet over our Maximum Packet Size.
    #[error("a packet larger than our Maximum Packet Size")]
    PacketTooLarge,
    /// A SUBACK/UNSUBACK for nothing we sent.
    #[error("{packet} for packet identifier {packet_id}, which we did not use")]
    UnknownPacketId {
        /// The packet.
        packet: PacketType,
        /// Its identifier.
        packet_id: u16,
    },
    /// A SUBACK/UNSUBACK with the wrong number of codes.
    #[error("{packet} has {got} codes for {expected} topic filters")]
    CodeCountMismatch {
        /// The packet.
        packet: PacketType,
        /// Codes received.
        got: usize,
        /// Filters sent.
        expected: usize,
    },
    /// AUTH without an authentication method of ours.
    #[error("AUTH although the client started no extended authentication")]
    UnexpectedAuth,
}

impl BrokerViolation {
    /// The rule broken, in the connection's edition.
    pub fn rule(&self, version: crate::codec::ProtocolVersion) -> Option<Rule> {
        use crate::codec::ProtocolVersion::V5;
        use BrokerViolation::*;
        let by_edition = |v311: &'static str, v5: &'static str| {
            Some(Rule {
                id: if version == V5 { v5 } else { v311 },
                version,
            })
        };
        let only_v5 = |id: &'static str| Some(Rule { id, version: V5 });
        match self {
            FirstPacketNotConnAck { .. } => by_edition("MQTT-3.2.0-1", "MQTT-3.2.0-1"),
            SecondConnAck => by_edition("§3.2", "MQTT-3.2.0-2"),
            ClientOnlyPacket { .. } => by_edition("§2.2.1", "§2.1.2"),
            SessionPresentOnCleanStart => by_edition("MQTT-3.2.2-1", "MQTT-3.2.2-4"),
            TopicAliasInvalid { .. } => only_v5("MQTT-3.3.2-10"),
            TopicAliasUnknown { .. } => only_v5("§3.3.4"),
            ReceiveMaximumExceeded { .. } => only_v5("MQTT-3.3.4-9"),
            PacketTooLarge => only_v5("MQTT-3.1.2-24"),
            UnknownPacketId { .. } => by_edition("§2.3.1", "§2.2.1"),
            CodeCountMismatch { packet, .. } if *packet == PacketType::UnsubAck => {
                only_v5("§3.11.3")
            }
            CodeCountMismatch { .. } => by_edition("§3.9.3", "§3.9.3"),
            UnexpectedAuth => only_v5("§4.12"),
        }
    }

    /// The 5.0 DISCONNECT reason code we close with.
    pub fn reason_code(&self) -> ReasonCode {
        match self {
            BrokerViolation::TopicAliasInvalid { .. } => ReasonCode::TOPIC_ALIAS_INVALID,
            BrokerViolation::ReceiveMaximumExceeded { .. } => ReasonCode::RECEIVE_MAXIMUM_EXCEEDED,
            BrokerViolation::PacketTooLarge => ReasonCode::PACKET_TOO_LARGE,
            _ => ReasonCode::PROTOCOL_ERROR,
        }
    }
}

/// Timers that can fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Idle for a keep-alive period: PINGREQ.
    KeepAlive,
    /// No PINGRESP in time.
    PingTimeout,
    /// No CONNACK in time.
    ConnectTimeout,
    /// Teaching retry of an unacknowledged PUBLISH/PUBREL.
    Retry {
        /// Its packet identifier.
        packet_id: u16,
    },
}

/// Something that happened in a session, at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// When.
    pub at: Instant,
    /// What.
    pub kind: EventKind,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// The connection entered a state.
    StateEntered(ConnectionState),
    /// A packet arrived (before it is acted on).
    PacketReceived(Received),
    /// The broker accepted the connection.
    Connected {
        /// Whether it resumed our stored session.
        session_present: bool,
    },
    /// The broker had no session although we had state: these unacknowledged messages were dropped
    /// with it (MQTT-3.2.2-5 (5.0)); the application may publish them again.
    SessionLost {
        /// The messages that had not completed their handshake.
        unacknowledged: Vec<Message>,
    },
    /// A message for the application. QoS 1 may deliver a message twice (that is its nature);
    /// QoS 2 never does.
    MessageDelivered {
        /// The message.
        message: Message,
        /// Its packet identifier on this hop (QoS 1/2).
        packet_id: Option<u16>,
        /// The DUP flag it came with.
        dup: bool,
    },
    /// A QoS 2 PUBLISH we already have a record of (a resend): acknowledged, not delivered again.
    DuplicateSuppressed {
        /// Its packet identifier.
        packet_id: u16,
    },
    /// Our PUBLISH finished its handshake (PUBACK for QoS 1, PUBCOMP for QoS 2).
    PublishCompleted {
        /// Its packet identifier.
        packet_id: u16,
        /// 5.0 reason (0x10 "no matching subscribers" is still a success).
        reason: ReasonCode,
    },
    /// The broker refused our PUBLISH (5.0 PUBACK/PUBREC with a code of 0x80 or more).
    PublishRefused {
        /// Its packet identifier.
        packet_id: u16,
        /// The reason code.
        reason: ReasonCode,
        /// The code's name.
        name: &'static str,
    },
    /// An acknowledgement for a packet id we have no record of (e.g. after a teaching retry).
    UnexpectedAck {
        /// The acknowledgement.
        packet: PacketType,
        /// Its identifier.
        packet_id: u16,
    },
    /// SUBACK arrived.
    Subscribed {
        /// The SUBSCRIBE's packet identifier.
        packet_id: u16,
        /// One result per filter.
        results: Vec<SubscribeResult>,
    },
    /// UNSUBACK arrived.
    Unsubscribed {
        /// The UNSUBSCRIBE's packet identifier.
        packet_id: u16,
        /// The filters.
        filters: Vec<String>,
        /// 5.0 reason codes, one per filter.
        codes: Vec<ReasonCode>,
    },
    /// PINGRESP arrived.
    PingResponse {
        /// Milliseconds since the PINGREQ was written; half of it estimates the one-way latency.
        round_trip: Instant,
    },
    /// A timer fired.
    TimerFired(Timer),
    /// The connection ended; the owner closes the transport once `poll_transmit` is drained.
    Closed(CloseReason),
}
