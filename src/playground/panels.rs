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

/// Entries a panel lists at most per list; the totals say how many there are. A real broker may keep
/// thousands of QoS 2 records open (mosquitto sends new PUBLISHes before earlier PUBRELs), and the
/// real backend snapshots a panel whenever a session changes: the cost must not grow with the state.
pub const PANEL_LIST_MAX: usize = 64;

/// A client session at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPanel {
    /// Whose.
    pub key: ClientKey,
    /// Connection state, in words.
    pub state: &'static str,
    /// Our messages in their handshakes (outbound inflight), then those waiting for their turn: the
    /// first [`PANEL_LIST_MAX`]. Shared with the previous snapshot while it is unchanged.
    pub outbound: Rc<[Outbound]>,
    /// How many there are in all.
    pub outbound_total: usize,
    /// Inbound QoS 2 packet ids delivered and waiting for PUBREL: the lowest [`PANEL_LIST_MAX`].
    pub inbound: Vec<u16>,
    /// How many there are in all.
    pub inbound_total: usize,
    /// Subscriptions: filter, QoS asked, QoS granted (`None`: waiting for SUBACK). Shared with the
    /// previous snapshot while unchanged.
    pub subscriptions: Rc<[(String, u8, Option<u8>)]>,
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

/// A session's outbound rows, borrowed: packet id, QoS, topic, what it waits for. Those in their
/// handshakes, then those with an id waiting their turn, the first [`PANEL_LIST_MAX`] in all.
fn outbound_rows(session: &ClientSession) -> impl Iterator<Item = (u16, u8, &str, &'static str)> {
    let inflight = session.outbound().iter().take(PANEL_LIST_MAX);
    let room = PANEL_LIST_MAX - inflight.len();
    let turn = session
        .pending()
        .filter_map(|(id, m)| Some((id?, m.qos.level(), m.topic(), "its turn")))
        .take(room);
    inflight
        .map(|m| {
            (
                m.packet_id,
                m.message.qos.level(),
                m.message.topic(),
                waiting(m.state),
            )
        })
        .chain(turn)
}

/// How many outbound messages there are, given that `listed` are listed. QoS 0 messages waiting
/// their turn are not in a handshake: the total counts those with an id exactly while they fit the
/// list, and all pending ones beyond (never walking a long queue).
fn outbound_total(session: &ClientSession, listed: usize) -> usize {
    let inflight = session.outbound().len();
    if inflight <= PANEL_LIST_MAX && session.pending_len() <= PANEL_LIST_MAX - inflight {
        listed
    } else {
        inflight + session.pending_len()
    }
}

/// A session's subscriptions, borrowed: filter, QoS asked, QoS granted.
fn subscription_rows(session: &ClientSession) -> impl Iterator<Item = (&str, u8, Option<u8>)> {
    session.subscriptions().iter().map(|s| {
        (
            s.filter.as_str(),
            s.options.qos.level(),
            s.granted.map(|q| q.level()),
        )
    })
}

/// A client session's panel.
pub fn client_panel(key: ClientKey, session: &ClientSession, asleep: bool) -> ClientPanel {
    client_panel_after(None, key, session, asleep)
}

/// A client session's panel, sharing the lists that did not change since `previous` (the same
/// client's last snapshot): a QoS 2 flood changes the inbound records on every frame, and each
/// snapshot would otherwise copy the subscriptions and our outbound messages again.
pub fn client_panel_after(
    previous: Option<&ClientPanel>,
    key: ClientKey,
    session: &ClientSession,
    asleep: bool,
) -> ClientPanel {
    let outbound = match previous {
        Some(last) if last.outbound_is(session) => last.outbound.clone(),
        _ => outbound_rows(session)
            .map(|(packet_id, qos, topic, waiting)| Outbound {
                packet_id,
                qos,
                topic: topic.to_string(),
                waiting,
            })
            .collect(),
    };
    let subscriptions = match previous {
        Some(last) if last.subscriptions_are(session) => last.subscriptions.clone(),
        _ => subscription_rows(session)
            .map(|(filter, asked, granted)| (filter.to_string(), asked, granted))
            .collect(),
    };
    ClientPanel {
        key,
        state: state_word(session.state(), asleep),
        outbound_total: outbound_total(session, outbound.len()),
        outbound,
        inbound: session.awaiting_pubrel().take(PANEL_LIST_MAX).collect(),
        inbound_total: session.awaiting_pubrel_len(),
        subscriptions,
    }
}

impl ClientPanel {
    /// Whether this is `session`'s panel as [`client_panel`] would make it now, without making it:
    /// the real backend asks after every frame of a flood, and the panel rarely changes.
    pub fn shows(&self, key: ClientKey, session: &ClientSession, asleep: bool) -> bool {
        self.key == key
            && self.state == state_word(session.state(), asleep)
            && self.inbound_total == session.awaiting_pubrel_len()
            && self.outbound_total == outbound_total(session, self.outbound.len())
            && self
                .inbound
                .iter()
                .copied()
                .eq(session.awaiting_pubrel().take(PANEL_LIST_MAX))
            && self.outbound_is(session)
            && self.subscriptions_are(session)
    }

    /// Whether the outbound list is `session`'s as it would be listed now.
    fn outbound_is(&self, session: &ClientSession) -> bool {
        self.outbound
            .iter()
            .map(|o| (o.packet_id, o.qos, o.topic.as_str(), o.waiting))
            .eq(outbound_rows(session))
    }

    /// Whether the subscriptions are `session`'s now.
    fn subscriptions_are(&self, session: &ClientSession) -> bool {
        self.subscriptions
            .iter()
            .map(|(filter, asked, granted)| (filter.as_str(), *asked, *granted))
            .eq(subscription_rows(session))
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

#[cfg(test)]
mod tests {
    use mqtt_core::client::ClientOptions;
    use mqtt_core::codec::ProtocolVersion;

    use super::*;

    /// A QoS 2 PUBLISH to `a` with packet id `id` (3.1.1).
    fn publish_qos2(id: u16) -> Vec<u8> {
        let [hi, lo] = id.to_be_bytes();
        vec![0x34, 6, 0, 1, b'a', hi, lo, b'x']
    }

    #[test]
    fn a_panel_lists_a_bounded_number_of_records_and_counts_them_all() {
        let options = ClientOptions::new(ProtocolVersion::V311, "panel");
        let mut session = ClientSession::new(options).unwrap();
        session.connect(0).unwrap();
        let mut buf = Vec::new();
        while session.poll_transmit(0, &mut buf).is_some() {}
        session.handle_bytes(&[0x20, 2, 0, 0], 1);
        // A broker sending PUBLISH after PUBLISH before any PUBREL: 500 records open.
        for id in 1..=500 {
            session.handle_bytes(&publish_qos2(id), 2);
        }
        let panel = client_panel(1, &session, false);
        assert!(panel.shows(1, &session, false));
        assert!(!panel.shows(2, &session, false), "another client's");
        assert!(!panel.shows(1, &session, true), "asleep reads differently");
        assert_eq!(panel.inbound_total, 500);
        assert_eq!(panel.inbound.len(), PANEL_LIST_MAX);
        assert_eq!(panel.inbound.first(), Some(&1), "the lowest ids first");
        assert_eq!(panel.outbound_total, 0);
        assert!(panel.outbound.is_empty());
        assert_eq!(panel.state, "connected");
        // A publisher far ahead of its send window: in flight, then waiting for their turn.
        for n in 0..200u32 {
            let message = mqtt_core::message::Message::new(
                "t",
                n.to_string(),
                mqtt_core::codec::QoS::AtLeastOnce,
                false,
            )
            .unwrap();
            session.publish(message).unwrap();
        }
        assert!(
            !panel.shows(1, &session, false),
            "the publishes changed the outbound list"
        );
        while session.poll_transmit(3, &mut buf).is_some() {}
        let panel = client_panel(1, &session, false);
        assert!(panel.shows(1, &session, false));
        assert_eq!(panel.outbound_total, 200);
        assert_eq!(panel.outbound.len(), PANEL_LIST_MAX);
        assert_eq!(panel.outbound[0].waiting, "PUBACK");
        assert_eq!(panel.outbound[PANEL_LIST_MAX - 1].waiting, "its turn");
    }

    #[test]
    fn a_panel_shows_its_session_exactly_while_nothing_it_lists_changes() {
        use mqtt_core::codec::{QoS, SubscriptionOptions};
        let options = ClientOptions::new(ProtocolVersion::V311, "shows");
        let mut session = ClientSession::new(options).unwrap();
        let mut buf = Vec::new();
        let mut panel = client_panel(1, &session, false);
        // Each step changes the session; after each, `shows` must agree with building the panel.
        let check = |session: &ClientSession, panel: &mut ClientPanel, changed: bool| {
            let now = client_panel(1, session, false);
            assert_eq!(panel.shows(1, session, false), *panel == now);
            assert_eq!(*panel != now, changed, "{panel:?} vs {now:?}");
            assert!(now.shows(1, session, false));
            // Made after the previous snapshot, it is the same panel, sharing what did not change.
            let after = client_panel_after(Some(panel), 1, session, false);
            assert_eq!(after, now);
            assert_eq!(
                Rc::ptr_eq(&after.subscriptions, &panel.subscriptions),
                panel.subscriptions == now.subscriptions
            );
            assert_eq!(
                Rc::ptr_eq(&after.outbound, &panel.outbound),
                panel.outbound == now.outbound
            );
            *panel = after;
        };
        session.connect(0).unwrap();
        while session.poll_transmit(0, &mut buf).is_some() {}
        check(&session, &mut panel, true);
        session.handle_bytes(&[0x20, 2, 0, 0], 1);
        check(&session, &mut panel, true);
        session
            .subscribe(
                vec![("a".into(), SubscriptionOptions::qos(QoS::ExactlyOnce))],
                None,
            )
            .unwrap();
        while session.poll_transmit(2, &mut buf).is_some() {}
        check(&session, &mut panel, true);
        // SUBACK granting QoS 1: the granted QoS changes, nothing else.
        session.handle_bytes(&[0x90, 3, 0, 1, 1], 3);
        check(&session, &mut panel, true);
        session.handle_bytes(&publish_qos2(9), 4);
        check(&session, &mut panel, true);
        // A PINGRESP changes nothing the panel lists.
        session.handle_bytes(&[0xD0, 0], 5);
        check(&session, &mut panel, false);
        // PUBREL 9: the QoS 2 record goes.
        session.handle_bytes(&[0x62, 2, 0, 9], 6);
        check(&session, &mut panel, true);
    }
}
