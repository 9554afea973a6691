//! The state panels beside the sequence diagram: what each client session and the broker hold at the
//! cursor — messages in their handshakes, QoS 2 records, subscriptions, offline queues, the retained
//! store. Plain copies of mqtt-core's read-only views, so stepping back shows the state as it was
//! (the simulator rebuilds its world at the cursor; a real broker's sessions are snapshotted as they
//! change).

use std::rc::Rc;

use mqtt_core::broker::Broker;
use mqtt_core::client::{ClientSession, ConnectionState, OutboundState};

use super::model::ClientKey;

/// One of our QoS 1/2 messages in its handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    /// Packet identifier.
    pub packet_id: u16,
    /// QoS.
    pub qos: u8,
    /// Topic.
    pub topic: String,
    /// What it waits for: "PUBACK", "PUBREC", "PUBCOMP" or "its turn" (behind the send window).
    pub waiting: &'static str,
}

/// A client session at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPanel {
    /// Whose.
    pub key: ClientKey,
    /// Connection state, in words.
    pub state: &'static str,
    /// Our messages in their handshakes (outbound inflight).
    pub outbound: Vec<Outbound>,
    /// Inbound QoS 2 packet ids delivered and waiting for PUBREL.
    pub inbound: Vec<u16>,
    /// Subscriptions: filter, QoS asked, QoS granted (`None`: waiting for SUBACK).
    pub subscriptions: Vec<(String, u8, Option<u8>)>,
}

/// A session the broker keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionPanel {
    /// Client id.
    pub client_id: String,
    /// Whether its client is connected.
    pub connected: bool,
    /// Subscriptions: filter and granted QoS.
    pub subscriptions: Vec<(String, u8)>,
    /// Messages sent to the client and not yet acknowledged: packet id and what the broker waits for.
    pub inflight: Vec<(u16, &'static str)>,
    /// Messages waiting for the client (offline, or behind its window): their topics.
    pub queued: Vec<String>,
    /// Inbound QoS 2 packet ids waiting for PUBREL.
    pub awaiting_pubrel: Vec<u16>,
}

/// The in-page broker at the cursor.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BrokerPanel {
    /// Its sessions.
    pub sessions: Vec<SessionPanel>,
    /// The retained store: topic and payload (as text).
    pub retained: Vec<(String, String)>,
}

/// Everything at one cursor position.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Panels {
    /// The clients (as the workspace lists them).
    pub clients: Vec<Rc<ClientPanel>>,
    /// The broker, when it is the in-page one (a real broker's state is not observed).
    pub broker: Option<BrokerPanel>,
}

fn waiting(state: OutboundState) -> &'static str {
    match state {
        OutboundState::Queued => "its turn",
        OutboundState::AwaitingPubAck => "PUBACK",
        OutboundState::AwaitingPubRec => "PUBREC",
        OutboundState::AwaitingPubComp => "PUBCOMP",
    }
}

/// A connection state in words; `asleep` for a sleeping simulated client.
pub fn state_word(state: ConnectionState, asleep: bool) -> &'static str {
    match state {
        _ if asleep => "asleep (session kept at the broker)",
        ConnectionState::AwaitingConnAck => "connecting (CONNECT sent)",
        ConnectionState::Connected => "connected",
        ConnectionState::Closing => "closing",
        ConnectionState::Disconnected => "disconnected",
    }
}

/// A client session's panel.
pub fn client_panel(key: ClientKey, session: &ClientSession, asleep: bool) -> ClientPanel {
    let mut outbound: Vec<Outbound> = session
        .outbound()
        .iter()
        .map(|m| Outbound {
            packet_id: m.packet_id,
            qos: m.message.qos.level(),
            topic: m.message.topic().to_string(),
            waiting: waiting(m.state),
        })
        .collect();
    outbound.extend(session.pending().filter_map(|(id, m)| {
        Some(Outbound {
            packet_id: id?,
            qos: m.qos.level(),
            topic: m.topic().to_string(),
            waiting: "its turn",
        })
    }));
    ClientPanel {
        key,
        state: state_word(session.state(), asleep),
        outbound,
        inbound: session.awaiting_pubrel().collect(),
        subscriptions: session
            .subscriptions()
            .iter()
            .map(|s| {
                (
                    s.filter.clone(),
                    s.options.qos.level(),
                    s.granted.map(|q| q.level()),
                )
            })
            .collect(),
    }
}

/// The teaching broker's panel.
pub fn broker_panel(broker: &Broker) -> BrokerPanel {
    BrokerPanel {
        sessions: broker
            .sessions()
            .map(|s| SessionPanel {
                client_id: s.client_id().to_string(),
                connected: s.connection().is_some(),
                subscriptions: s
                    .subscriptions()
                    .map(|sub| (sub.filter.clone(), sub.options.qos.level()))
                    .collect(),
                inflight: s
                    .inflight()
                    .iter()
                    .map(|m| (m.packet_id, waiting(m.state)))
                    .collect(),
                queued: s.queued().map(|d| d.message.topic().to_string()).collect(),
                awaiting_pubrel: s.awaiting_pubrel().collect(),
            })
            .collect(),
        retained: broker
            .retained()
            .map(|r| {
                (
                    r.message.topic().to_string(),
                    String::from_utf8_lossy(&r.message.payload).into_owned(),
                )
            })
            .collect(),
    }
}
