//! The teaching broker: a whole MQTT 3.1.1 + 5.0 broker in memory, sans-IO, for the playground.
//!
//! It is what the page runs when no real broker is connected, and what every lesson replays: sessions
//! (clean and persistent with expiry), queued QoS 1/2 messages for sleeping clients, wildcard
//! subscriptions with the `$`-topic rule, retained messages, wills (with the 5.0 delay), take-over of a
//! client id, overlapping and shared subscriptions, and the 5.0 flow-control limits. Every decision is
//! an event and its whole state can be inspected, so a student can see *why* a message went where.
//!
//! **This is a teaching broker, not a production server.** It keeps everything in memory, trusts its
//! clients (no authentication or authorization), has no persistence across restarts, and favours
//! clarity over throughput. Use mosquitto or another real broker for anything real.
//!
//! The owner (the simulator, the app) accepts connections, feeds their bytes with
//! [`Broker::handle_bytes`], writes what [`Broker::poll_transmit`] returns, reports dead transports with
//! [`Broker::connection_lost`] and drives time with [`Broker::poll_timeout`]/[`Broker::handle_timeout`].

mod connection;
mod event;
mod incoming;
mod lifecycle;
mod routing;
mod session;
mod timers;
mod transmit;

use alloc::collections::VecDeque;

use crate::sorted::SortedMap;
use alloc::string::String;
use alloc::vec::Vec;

pub use connection::ConnectionPhase;
pub use event::{
    BrokerEvent, BrokerEventKind, ClientFault, ConnectionId, DisconnectReason, DropReason,
};
pub use session::{Delivery, Inflight, Session, Subscription};

use connection::Connection;

use crate::codec::{ProtocolVersion, QoS};
use crate::message::Message;
use crate::Instant;

/// Limits and features of the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerConfig {
    /// Most QoS 1/2 messages in flight to one client (never more than its 5.0 Receive Maximum).
    /// 20, as mosquitto's `max_inflight_messages`.
    pub max_inflight: u16,
    /// Most messages queued for one client (0: no limit).
    pub max_queued: usize,
    /// 5.0 Receive Maximum we announce: inbound QoS 2 messages a client may have open at once.
    pub receive_maximum: u16,
    /// Highest QoS we accept and grant.
    pub maximum_qos: QoS,
    /// Whether retained messages are supported.
    pub retain_available: bool,
    /// 5.0 Topic Alias Maximum we announce.
    pub topic_alias_maximum: u16,
    /// 5.0 Server Keep Alive that overrides the client's, if any.
    pub server_keep_alive: Option<u16>,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        BrokerConfig {
            max_inflight: 20,
            max_queued: 1000,
            receive_maximum: u16::MAX,
            maximum_qos: QoS::ExactlyOnce,
            retain_available: true,
            topic_alias_maximum: 10,
            server_keep_alive: None,
        }
    }
}

/// A retained message and when it was stored (for 5.0 Message Expiry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retained {
    /// The message (stored with RETAIN=1).
    pub message: Message,
    /// When it was stored.
    pub stored_at: Instant,
}

/// A will waiting for its delay to pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledWill {
    /// Whose will it is.
    pub client_id: String,
    /// When it is published unless the client reconnects first.
    pub at: Instant,
    /// The will.
    pub message: Message,
}

/// The whole teaching broker. See the [module documentation](self).
#[derive(Debug, Clone)]
pub struct Broker {
    pub(crate) config: BrokerConfig,
    pub(crate) connections: SortedMap<ConnectionId, Connection>,
    pub(crate) sessions: SortedMap<String, Session>,
    pub(crate) retained: SortedMap<String, Retained>,
    pub(crate) wills: Vec<ScheduledWill>,
    /// Round-robin position per shared subscription group, so each message goes to the next member.
    pub(crate) share_cursor: SortedMap<String, usize>,
    pub(crate) events: VecDeque<BrokerEvent>,
    pub(crate) next_connection: ConnectionId,
    pub(crate) next_assigned_id: u32,
    /// The connection served last by `poll_transmit`, so connections take turns.
    pub(crate) serve_cursor: ConnectionId,
    /// Connections that may have something to send: `poll_transmit` looks only at these, so a quiet
    /// broker with many clients costs nothing per poll.
    pub(crate) ready: crate::sorted::SortedSet<ConnectionId>,
}

impl Default for Broker {
    fn default() -> Self {
        Broker::new(BrokerConfig::default())
    }
}

impl Broker {
    /// An empty broker.
    pub fn new(config: BrokerConfig) -> Self {
        Broker {
            config,
            connections: SortedMap::new(),
            sessions: SortedMap::new(),
            retained: SortedMap::new(),
            wills: Vec::new(),
            share_cursor: SortedMap::new(),
            events: VecDeque::new(),
            next_connection: 1,
            next_assigned_id: 1,
            serve_cursor: 0,
            ready: crate::sorted::SortedSet::new(),
        }
    }

    /// A new transport connection; the client's CONNECT is expected next.
    pub fn accept(&mut self, now: Instant) -> ConnectionId {
        let id = self.next_connection;
        self.next_connection = self.next_connection.wrapping_add(1).max(1);
        self.connections.insert(id, Connection::new(id, now));
        self.emit(now, BrokerEventKind::Accepted { conn: id });
        id
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<BrokerEvent> {
        self.events.pop_front()
    }

    // --- Read-only views ---------------------------------------------------------------------------

    /// The configuration.
    pub fn config(&self) -> &BrokerConfig {
        &self.config
    }

    /// Every session, connected or not, by client id.
    pub fn sessions(&self) -> impl Iterator<Item = &Session> + '_ {
        self.sessions.values()
    }

    /// One session.
    pub fn session(&self, client_id: &str) -> Option<&Session> {
        self.sessions.get(client_id)
    }

    /// The retained store: latest retained message per topic.
    pub fn retained(&self) -> impl Iterator<Item = &Retained> + '_ {
        self.retained.values()
    }

    /// Wills waiting for their delay.
    pub fn scheduled_wills(&self) -> &[ScheduledWill] {
        &self.wills
    }

    /// Open connections: (id, client id once connected, protocol version once known, phase).
    pub fn connections(
        &self,
    ) -> impl Iterator<
        Item = (
            ConnectionId,
            Option<&str>,
            Option<ProtocolVersion>,
            ConnectionPhase,
        ),
    > + '_ {
        self.connections
            .values()
            .map(|c| (c.id, c.client_id.as_deref(), c.version, c.phase))
    }

    pub(crate) fn emit(&mut self, at: Instant, kind: BrokerEventKind) {
        self.events.push_back(BrokerEvent { at, kind });
    }
}
