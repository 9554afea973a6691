//! What the broker reports: connections, routing decisions, queues, retained messages, wills.
//! The simulator and the playground animate these; tests assert them.

use alloc::string::String;

use crate::client::Received;
use crate::codec::{DecodeError, QoS, ReasonCode};
use crate::rule::{Citation, Rule};
use crate::Instant;

/// A transport connection to the broker, numbered by the broker in the order they were accepted.
pub type ConnectionId = u32;

/// Something that happened in the broker, at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerEvent {
    /// When.
    pub at: Instant,
    /// What.
    pub kind: BrokerEventKind,
}

/// Why a connection ended, from the broker's side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisconnectReason {
    /// The client sent DISCONNECT (5.0: with this reason code; 0x04 still publishes the will).
    ClientDisconnected(ReasonCode),
    /// The connection died without DISCONNECT: the will is published.
    ConnectionLost,
    /// Nothing from the client for 1.5 × its keep alive (MQTT-3.1.2-24 (3.1.1)).
    KeepAliveTimeout,
    /// Another connection took over the client id (MQTT-3.1.4-2 (3.1.1)).
    TakenOver,
    /// We refused the CONNECT.
    Refused(ReasonCode),
    /// The client broke the protocol.
    ProtocolError(ClientFault),
}

/// What a client did wrong, as the broker saw it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientFault {
    /// Bytes that do not decode.
    #[error("the client sent a malformed packet: {0}")]
    Malformed(DecodeError),
    /// A well-formed packet that breaks the protocol.
    #[error("the client broke the protocol: {what}{}", Citation(*.rule))]
    Protocol {
        /// What happened.
        what: &'static str,
        /// The rule broken.
        rule: Option<Rule>,
    },
}

/// Why a message was not delivered to a subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// QoS 0 for a disconnected client: QoS 0 is never queued.
    Qos0WhileOffline,
    /// The 5.0 Message Expiry Interval ran out while it waited.
    Expired,
    /// Larger than the client's 5.0 Maximum Packet Size.
    TooLarge,
    /// The offline queue is full.
    QueueFull,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerEventKind {
    /// A transport connection was accepted.
    Accepted {
        /// The connection.
        conn: ConnectionId,
    },
    /// A packet arrived on a connection.
    PacketReceived {
        /// The connection.
        conn: ConnectionId,
        /// The packet.
        received: Received,
    },
    /// A client's CONNECT was accepted.
    ClientConnected {
        /// The connection.
        conn: ConnectionId,
        /// The client id (assigned if the client sent none).
        client_id: String,
        /// Whether a stored session was resumed.
        session_present: bool,
    },
    /// A client's connection ended.
    ClientDisconnected {
        /// The connection.
        conn: ConnectionId,
        /// The client id, if it got as far as CONNECT.
        client_id: Option<String>,
        /// Why.
        reason: DisconnectReason,
    },
    /// A PUBLISH was routed: how many subscribers get it now and how many later.
    MessageRouted {
        /// The publisher's client id (`None` for a will).
        from: Option<String>,
        /// The topic.
        topic: String,
        /// The QoS it was published with.
        qos: QoS,
        /// Subscribers it is sent to now.
        delivered_to: usize,
        /// Offline subscribers it is queued for.
        queued_for: usize,
    },
    /// A message was queued for a disconnected persistent session ("listeners are often sleeping").
    MessageQueued {
        /// The subscriber.
        client_id: String,
        /// The topic.
        topic: String,
        /// The QoS it will be delivered with.
        qos: QoS,
    },
    /// A message was not delivered to a subscriber.
    MessageDropped {
        /// The subscriber.
        client_id: String,
        /// The topic.
        topic: String,
        /// Why.
        reason: DropReason,
    },
    /// A retained message was stored (replacing the previous one on the topic).
    RetainedStored {
        /// The topic.
        topic: String,
    },
    /// An empty retained PUBLISH cleared the topic's retained message.
    RetainedCleared {
        /// The topic.
        topic: String,
    },
    /// A resent QoS 2 PUBLISH the broker already has a record of: acknowledged, not routed again.
    DuplicateSuppressed {
        /// The connection.
        conn: ConnectionId,
        /// Its packet identifier.
        packet_id: u16,
    },
    /// A will is due later (5.0 Will Delay Interval).
    WillScheduled {
        /// Whose.
        client_id: String,
        /// When it will be published unless the client reconnects.
        at: Instant,
    },
    /// A will was published.
    WillPublished {
        /// Whose.
        client_id: String,
        /// Its topic.
        topic: String,
    },
    /// A session ended (clean session closed, or its expiry interval ran out).
    SessionEnded {
        /// Whose.
        client_id: String,
    },
    /// The broker is done with a connection: the owner closes the transport once `poll_transmit` has
    /// nothing more for it.
    CloseConnection {
        /// The connection.
        conn: ConnectionId,
    },
}
