//! One transport connection to the broker, from accept to close.

use alloc::collections::VecDeque;

use crate::sorted::SortedMap;
use alloc::string::String;
use alloc::vec::Vec;

use super::event::ConnectionId;
use crate::codec::{Decoder, ProtocolVersion, ReasonCode};
use crate::message::Message;
use crate::Instant;

/// Where a connection stands; named for what it awaits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionPhase {
    /// Accepted; waiting for CONNECT.
    AwaitingConnect,
    /// CONNACK accepted it; serving its client.
    Connected,
    /// We decided to close: the last packets go out, then `CloseConnection`.
    Closing,
}

/// A packet queued for a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outgoing {
    ConnAck {
        code: ReasonCode,
        session_present: bool,
        assigned_client_id: Option<String>,
    },
    /// A QoS 1/2 PUBLISH from the session's inflight list.
    Publish {
        packet_id: u16,
        dup: bool,
    },
    /// A QoS 0 PUBLISH.
    PublishQos0(Message),
    PubAck(u16, ReasonCode),
    PubRec(u16, ReasonCode),
    PubRel(u16),
    PubComp(u16, ReasonCode),
    SubAck(u16, Vec<ReasonCode>),
    UnsubAck(u16, Vec<ReasonCode>),
    PingResp,
    Disconnect(ReasonCode),
}

/// The will of a connection, published if it ends abnormally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PendingWill {
    pub message: Message,
    pub delay_interval: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct Connection {
    pub id: ConnectionId,
    pub phase: ConnectionPhase,
    pub decoder: Decoder,
    /// Known from CONNECT.
    pub version: Option<ProtocolVersion>,
    pub client_id: Option<String>,
    pub keep_alive: u16,
    pub last_received: Instant,
    pub queue: VecDeque<Outgoing>,
    pub will: Option<PendingWill>,
    /// Inbound 5.0 topic aliases.
    pub topic_aliases: SortedMap<u16, String>,
}

impl Connection {
    pub fn new(id: ConnectionId, now: Instant) -> Self {
        Connection {
            id,
            phase: ConnectionPhase::AwaitingConnect,
            // Until CONNECT names the level, frames are read as 5.0 (the framing is the same).
            decoder: Decoder::new(ProtocolVersion::V5),
            version: None,
            client_id: None,
            keep_alive: 0,
            last_received: now,
            queue: VecDeque::new(),
            will: None,
            topic_aliases: SortedMap::new(),
        }
    }
}
