//! A client's session at the broker: what survives its connection when the session is persistent.

use alloc::collections::VecDeque;

use crate::sorted::{SortedMap, SortedSet};
use alloc::string::String;
use alloc::vec::Vec;

use super::event::ConnectionId;
use crate::client::OutboundState;
use crate::codec::{ProtocolVersion, SubscriptionOptions};
use crate::message::Message;
use crate::Instant;

/// One subscription of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The filter exactly as subscribed (5.0 shared subscriptions keep their `$share/<group>/` prefix).
    pub filter: String,
    /// Options as requested, with the QoS the broker granted.
    pub options: SubscriptionOptions,
    /// 5.0 Subscription Identifier.
    pub identifier: Option<u32>,
}

/// A message on its way to this session's client: waiting, or in its handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The message as it will be sent (QoS already lowered to the granted QoS, RETAIN set as it goes out).
    pub message: Message,
    /// When it was queued (for 5.0 Message Expiry).
    pub queued_at: Instant,
}

/// A QoS 1/2 message sent to the client and not yet acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inflight {
    /// Its packet identifier in this session.
    pub packet_id: u16,
    /// The message.
    pub delivery: Delivery,
    /// Where its handshake stands.
    pub state: OutboundState,
}

/// A client's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub(crate) client_id: String,
    pub(crate) version: ProtocolVersion,
    pub(crate) connection: Option<ConnectionId>,
    /// 5.0 Session Expiry Interval in seconds; 3.1.1 persistent sessions never expire (`u32::MAX`).
    pub(crate) expiry_interval: u32,
    /// When a disconnected session ends.
    pub(crate) expires_at: Option<Instant>,
    pub(crate) subscriptions: SortedMap<String, Subscription>,
    pub(crate) inflight: Vec<Inflight>,
    pub(crate) queue: VecDeque<Delivery>,
    /// Inbound QoS 2 packet ids between PUBLISH and PUBREL.
    pub(crate) awaiting_pubrel: SortedSet<u16>,
    pub(crate) next_packet_id: u16,
    /// The client's 5.0 Receive Maximum (how many QoS 1/2 we may have unacknowledged towards it).
    pub(crate) receive_maximum: u16,
    /// The client's 5.0 Maximum Packet Size.
    pub(crate) maximum_packet_size: Option<u32>,
}

impl Session {
    pub(crate) fn new(client_id: String, version: ProtocolVersion) -> Self {
        Session {
            client_id,
            version,
            connection: None,
            expiry_interval: 0,
            expires_at: None,
            subscriptions: SortedMap::new(),
            inflight: Vec::new(),
            queue: VecDeque::new(),
            awaiting_pubrel: SortedSet::new(),
            next_packet_id: 1,
            receive_maximum: u16::MAX,
            maximum_packet_size: None,
        }
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The protocol version of its last connection.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    /// Its connection, if connected.
    pub fn connection(&self) -> Option<ConnectionId> {
        self.connection
    }

    /// Whether it outlives its connection.
    pub fn is_persistent(&self) -> bool {
        self.expiry_interval > 0
    }

    /// When it ends, if it is disconnected and will expire.
    pub fn expires_at(&self) -> Option<Instant> {
        self.expires_at
    }

    /// Its subscriptions.
    pub fn subscriptions(&self) -> impl Iterator<Item = &Subscription> + '_ {
        self.subscriptions.values()
    }

    /// QoS 1/2 messages sent to the client and not yet acknowledged.
    pub fn inflight(&self) -> &[Inflight] {
        &self.inflight
    }

    /// Messages waiting to be sent: the offline queue of a sleeping client, or those behind the window.
    pub fn queued(&self) -> impl Iterator<Item = &Delivery> + '_ {
        self.queue.iter()
    }

    /// Inbound QoS 2 packet ids awaiting PUBREL.
    pub fn awaiting_pubrel(&self) -> impl Iterator<Item = u16> + '_ {
        self.awaiting_pubrel.iter().copied()
    }

    /// A free packet identifier for an outgoing QoS 1/2 PUBLISH.
    pub(crate) fn take_packet_id(&mut self) -> Option<u16> {
        for _ in 0..=u16::MAX {
            let id = self.next_packet_id;
            self.next_packet_id = id.wrapping_add(1).max(1);
            if id != 0 && !self.inflight.iter().any(|m| m.packet_id == id) {
                return Some(id);
            }
        }
        None
    }
}
