//! The client session driven packet by packet by a scripted broker: every flow, timer and error.

use mqtt_core::client::{
    BrokerViolation, ClientOptions, ClientSession, CloseReason, ConnectionState, EventKind,
    OutboundState, SessionError, Timer, UsageError, WillOptions,
};
use mqtt_core::codec::{
    decode, encode, ConnAck, Packet, PacketType, Properties, Property, ProtocolVersion,
    PubResponse, Publish, QoS, ReasonCode, SubAck, SubscriptionOptions, TopicName, UnsubAck,
};
use mqtt_core::message::{Message, MessageProperties};
use ProtocolVersion::{V311, V5};

/// A session and a clock, with the broker's side scripted by the test.
struct Harness {
    session: ClientSession,
    now: u64,
    version: ProtocolVersion,
}

/// A packet the session sent, decoded (owned through its bytes), with the summary it came with.
struct Out {
    bytes: Vec<u8>,
    version: ProtocolVersion,
    summary: String,
}

impl Out {
    fn packet(&self) -> Packet<'_> {
        match decode(&self.bytes, self.version) {
            Ok(Some((packet, used))) if used == self.bytes.len() => packet,
            other => panic!(
                "the session sent undecodable bytes {:02x?}: {other:?}",
                self.bytes
            ),
        }
    }

    fn kind(&self) -> PacketType {
        self.packet().packet_type()
    }
}

impl Harness {
    fn new(options: ClientOptions) -> Self {
        let version = options.version;
        Harness {
            session: ClientSession::new(options).expect("valid options"),
            now: 1_000,
            version,
        }
    }

    /// Connected, with CONNECT and CONNACK exchanged and events drained.
    fn connected(options: ClientOptions) -> Self {
        let mut h = Harness::new(options);
        h.session.connect(h.now).expect("connect");
        assert_eq!(h.sent_kinds(), [PacketType::Connect]);
        h.receive(Packet::ConnAck(ConnAck::default()));
        h.events();
        h
    }

    /// Everything the session sends now, written at once.
    fn sent(&mut self) -> Vec<Out> {
        let mut out = Vec::new();
        let mut buf = Vec::new();
        while let Some(sent) = self.session.poll_transmit(self.now, &mut buf) {
            let bytes = buf[sent.bytes.clone()].to_vec();
            assert_eq!(
                decode(&bytes, self.version).map(|d| d.map(|(p, _)| p.packet_type())),
                Ok(Some(sent.packet_type))
            );
            out.push(Out {
                bytes,
                version: self.version,
                summary: sent.summary,
            });
        }
        self.session.handle_written(self.now);
        out
    }

    fn sent_kinds(&mut self) -> Vec<PacketType> {
        self.sent().iter().map(Out::kind).collect()
    }

    fn receive(&mut self, packet: Packet<'_>) {
        let mut bytes = Vec::new();
        encode(&packet, self.version, &mut bytes).expect("the scripted broker sends valid packets");
        self.session.handle_bytes(&bytes, self.now);
    }

    fn receive_bytes(&mut self, bytes: &[u8]) {
        self.session.handle_bytes(bytes, self.now);
    }

    fn events(&mut self) -> Vec<EventKind> {
        std::iter::from_fn(|| self.session.poll_event())
            .map(|e| e.kind)
            .collect()
    }

    /// Moves the clock, firing due timers.
    fn advance(&mut self, ms: u64) {
        self.now += ms;
        while self.session.poll_timeout().is_some_and(|at| at <= self.now) {
            self.session.handle_timeout(self.now);
        }
    }
}

fn topic(name: &str) -> TopicName<'_> {
    TopicName::new(name).expect("valid test topic")
}

fn message(name: &str, payload: &str, qos: QoS) -> Message {
    Message::new(name, payload.as_bytes(), qos, false).expect("valid test message")
}

fn incoming<'a>(
    name: &'a str,
    payload: &'a str,
    qos: QoS,
    packet_id: Option<u16>,
    dup: bool,
) -> Packet<'a> {
    Packet::Publish(Publish {
        qos,
        packet_id,
        dup,
        ..Publish::new(topic(name), payload.as_bytes())
    })
}

fn delivered(events: &[EventKind]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            EventKind::MessageDelivered { message, .. } => Some(format!(
                "{} {}",
                message.topic(),
                String::from_utf8_lossy(&message.payload)
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn connect_sends_every_option_and_connack_connects() {
    let mut options = ClientOptions::new(V5, "esp32-kitchen");
    options.clean_start = false;
    options.session_expiry_interval = 3600;
    options.keep_alive = 30;
    options.receive_maximum = 10;
    options.maximum_packet_size = Some(4096);
    options.topic_alias_maximum = 5;
    options.username = Some("alice".into());
    options.password = Some(b"s3cret".to_vec());
    options.will = Some(WillOptions {
        topic: "esp32-kitchen/status".into(),
        payload: b"offline".to_vec(),
        qos: QoS::AtLeastOnce,
        retain: true,
        properties: MessageProperties::default(),
        delay_interval: 5,
    });
    let mut h = Harness::new(options);
    h.session.connect(h.now).unwrap();
    assert_eq!(
        h.events(),
        [EventKind::StateEntered(ConnectionState::AwaitingConnAck)]
    );
    let sent = h.sent();
    let Packet::Connect(connect) = sent[0].packet() else {
        panic!("not CONNECT")
    };
    assert_eq!(
        (connect.client_id, connect.keep_alive, connect.clean_start),
        ("esp32-kitchen", 30, false)
    );
    assert_eq!(
        (connect.username, connect.password),
        (Some("alice"), Some(&b"s3cret"[..]))
    );
    assert_eq!(connect.properties.session_expiry_interval(), Some(3600));
    assert_eq!(connect.properties.receive_maximum(), Some(10));
    assert_eq!(connect.properties.maximum_packet_size(), Some(4096));
    assert_eq!(connect.properties.topic_alias_maximum(), Some(5));
    let will = connect.will.as_ref().unwrap();
    assert_eq!(
        (will.topic.as_str(), will.payload, will.qos, will.retain),
        (
            "esp32-kitchen/status",
            &b"offline"[..],
            QoS::AtLeastOnce,
            true
        )
    );
    assert!(will
        .properties
        .iter()
        .any(|p| *p == Property::WillDelayInterval(5)));
    // Nothing but CONNECT goes out before CONNACK.
    h.session
        .publish(message("a", "early", QoS::AtMostOnce))
        .unwrap();
    assert!(h.sent().is_empty());
    h.receive(Packet::ConnAck(ConnAck::default()));
    assert_eq!(
        h.events()[1..],
        [
            EventKind::StateEntered(ConnectionState::Connected),
            EventKind::Connected {
                session_present: false
            }
        ]
    );
    assert_eq!(h.sent_kinds(), [PacketType::Publish]);
}

#[test]
fn a_refused_connection_reports_the_reason_and_closes() {
    let mut h = Harness::new(ClientOptions::new(V311, "c"));
    h.session.connect(h.now).unwrap();
    h.sent();
    h.receive(Packet::ConnAck(ConnAck {
        code: ReasonCode(5),
        ..ConnAck::default()
    }));
    let events = h.events();
    assert!(events.contains(&EventKind::Closed(CloseReason::Refused {
        code: ReasonCode(5),
        name: "Connection refused: not authorized",
        reason: None
    })));
    assert_eq!(h.session.state(), ConnectionState::Disconnected);
    assert!(h.sent().is_empty(), "no DISCONNECT after a refusal");
}

#[test]
fn qos0_is_sent_once_and_forgotten() {
    let mut h = Harness::connected(ClientOptions::new(V311, "c"));
    assert_eq!(
        h.session
            .publish(message("esp32-kitchen/ip", "192.168.1.20", QoS::AtMostOnce)),
        Ok(None)
    );
    let sent = h.sent();
    let Packet::Publish(p) = sent[0].packet() else {
        panic!()
    };
    assert_eq!(
        (p.topic.as_str(), p.payload, p.qos, p.packet_id),
        (
            "esp32-kitchen/ip",
            &b"192.168.1.20"[..],
            QoS::AtMostOnce,
            None
        )
    );
    assert!(h.session.outbound().is_empty() && h.session.is_quiescent());
}

#[test]
fn qos1_completes_on_puback() {
    let mut h = Harness::connected(ClientOptions::new(V311, "c"));
    let id = h
        .session
        .publish(message("t", "x", QoS::AtLeastOnce))
        .unwrap()
        .unwrap();
    assert_eq!(h.sent_kinds(), [PacketType::Publish]);
    assert_eq!(h.session.outbound()[0].state, OutboundState::AwaitingPubAck);
    h.receive(Packet::PubAck(PubResponse::new(id)));
    assert_eq!(
        h.events(),
        [
            EventKind::PacketReceived(received(&h, Packet::PubAck(PubResponse::new(id)))),
            EventKind::PublishCompleted {
                packet_id: id,
                reason: ReasonCode::SUCCESS
            }
        ]
    );
    assert!(h.session.is_quiescent());
}

fn received(h: &Harness, packet: Packet<'_>) -> mqtt_core::client::Received {
    let mut bytes = Vec::new();
    encode(&packet, h.version, &mut bytes).unwrap();
    mqtt_core::client::Received {
        packet_type: packet.packet_type(),
        packet_id: packet.packet_id(),
        summary: packet.summary(h.version),
        bytes,
    }
}

#[test]
fn qos2_outbound_walks_publish_pubrec_pubrel_pubcomp() {
    let mut h = Harness::connected(ClientOptions::new(V5, "c"));
    let id = h
        .session
        .publish(message("t", "x", QoS::ExactlyOnce))
        .unwrap()
        .unwrap();
    assert_eq!(h.sent_kinds(), [PacketType::Publish]);
    assert_eq!(h.session.outbound()[0].state, OutboundState::AwaitingPubRec);
    h.receive(Packet::PubRec(PubResponse::new(id)));
    let sent = h.sent();
    assert!(
        matches!(sent[0].packet(), Packet::PubRel(r) if r.packet_id == id && r.reason == ReasonCode::SUCCESS)
    );
    assert_eq!(
        h.session.outbound()[0].state,
        OutboundState::AwaitingPubComp
    );
    h.receive(Packet::PubComp(PubResponse::new(id)));
    assert!(h.events().contains(&EventKind::PublishCompleted {
        packet_id: id,
        reason: ReasonCode::SUCCESS
    }));
    assert!(h.session.is_quiescent());
}

#[test]
fn a_refused_publish_ends_its_flow_v5() {
    let mut h = Harness::connected(ClientOptions::new(V5, "c"));
    let id = h
        .session
        .publish(message("t", "x", QoS::ExactlyOnce))
        .unwrap()
        .unwrap();
    h.sent();
    h.receive(Packet::PubRec(PubResponse {
        reason: ReasonCode::NOT_AUTHORIZED,
        ..PubResponse::new(id)
    }));
    assert!(h.events().contains(&EventKind::PublishRefused {
        packet_id: id,
        reason: ReasonCode::NOT_AUTHORIZED,
        name: "Not authorized"
    }));
    assert!(h.sent().is_empty(), "no PUBREL after a refusal");
    assert!(h.session.outbound().is_empty());
}

#[test]
fn inbound_qos2_is_delivered_once_even_when_resent() {
    let mut h = Harness::connected(ClientOptions::new(V311, "dashboard"));
    h.receive(incoming(
        "esp32-kitchen/ip",
        "192.168.1.20",
        QoS::ExactlyOnce,
        Some(5),
        false,
    ));
    assert_eq!(delivered(&h.events()), ["esp32-kitchen/ip 192.168.1.20"]);
    assert!(matches!(h.sent()[0].packet(), Packet::PubRec(r) if r.packet_id == 5));
    assert_eq!(h.session.awaiting_pubrel().collect::<Vec<_>>(), [5]);
    // The broker missed our PUBREC and resends: acknowledged again, not delivered again.
    h.receive(incoming(
        "esp32-kitchen/ip",
        "192.168.1.20",
        QoS::ExactlyOnce,
        Some(5),
        true,
    ));
    let events = h.events();
    assert!(delivered(&events).is_empty());
    assert!(events.contains(&EventKind::DuplicateSuppressed { packet_id: 5 }));
    assert_eq!(h.sent_kinds(), [PacketType::PubRec]);
    h.receive(Packet::PubRel(PubResponse::new(5)));
    assert!(
        matches!(h.sent()[0].packet(), Packet::PubComp(r) if r.packet_id == 5 && r.reason == ReasonCode::SUCCESS)
    );
    assert!(h.session.awaiting_pubrel().next().is_none());
    // After PUBREL the id is free: a new message with it is a new message.
    h.receive(incoming(
        "esp32-kitchen/ip",
        "192.168.1.21",
        QoS::ExactlyOnce,
        Some(5),
        false,
    ));
    assert_eq!(delivered(&h.events()), ["esp32-kitchen/ip 192.168.1.21"]);
}

/// Every summary a session gives (sent, then received) while a QoS 2 message comes in and is
/// acknowledged, and the bytes it gave them for.
fn qos2_inbound_summaries(describe_packets: bool) -> Vec<(String, Vec<u8>)> {
    let mut options = ClientOptions::new(V5, "dashboard");
    options.describe_packets = describe_packets;
    let mut h = Harness::new(options);
    h.session.connect(h.now).expect("connect");
    let mut seen = Vec::new();
    let sent = |h: &mut Harness, seen: &mut Vec<(String, Vec<u8>)>| {
        seen.extend(h.sent().into_iter().map(|out| (out.summary, out.bytes)));
    };
    sent(&mut h, &mut seen);
    h.receive(Packet::ConnAck(ConnAck::default()));
    h.receive(incoming(
        "esp32-kitchen/ip",
        "192.168.1.20",
        QoS::ExactlyOnce,
        Some(5),
        false,
    ));
    sent(&mut h, &mut seen);
    h.receive(Packet::PubRel(PubResponse::new(5)));
    sent(&mut h, &mut seen);
    for event in h.events() {
        if let EventKind::PacketReceived(received) = event {
            seen.push((received.summary, received.bytes));
        }
    }
    seen
}

#[test]
fn without_descriptions_the_bytes_summarize_to_what_the_session_would_have_said() {
    let described = qos2_inbound_summaries(true);
    let bare = qos2_inbound_summaries(false);
    assert_eq!(
        described.len(),
        6,
        "CONNECT, PUBREC, PUBCOMP sent; CONNACK, PUBLISH, PUBREL received"
    );
    assert_eq!(bare.len(), described.len());
    for ((summary, bytes), (empty, same_bytes)) in described.iter().zip(&bare) {
        assert!(!summary.is_empty());
        assert_eq!(empty, "", "no summary for {summary}");
        assert_eq!(same_bytes, bytes);
        assert_eq!(&mqtt_core::codec::summarize(bytes, V5), summary);
    }
    assert_eq!(
        mqtt_core::codec::summarize(&[0x30], V5),
        "1 byte, an incomplete packet"
    );
    assert!(mqtt_core::codec::summarize(&[0xF1, 0x00], V5).starts_with("2 bytes, not a packet: "));
}

#[test]
fn inbound_qos1_duplicates_are_delivered_twice() {
    let mut h = Harness::connected(ClientOptions::new(V311, "c"));
    h.receive(incoming("t", "x", QoS::AtLeastOnce, Some(9), false));
    h.receive(incoming("t", "x", QoS::AtLeastOnce, Some(9), true));
    assert_eq!(delivered(&h.events()), ["t x", "t x"]);
    assert_eq!(h.sent_kinds(), [PacketType::PubAck, PacketType::PubAck]);
}

#[test]
fn pubrel_for_an_unknown_id_is_answered() {
    for (version, reason) in [
        (V311, ReasonCode::SUCCESS),
        (V5, ReasonCode::PACKET_IDENTIFIER_NOT_FOUND),
    ] {
        let mut h = Harness::connected(ClientOptions::new(version, "c"));
        h.receive(Packet::PubRel(PubResponse::new(77)));
        assert!(
            matches!(h.sent()[0].packet(), Packet::PubComp(r) if r.packet_id == 77 && r.reason == reason)
        );
        assert_eq!(h.session.state(), ConnectionState::Connected);
    }
}

#[test]
fn keep_alive_pings_when_idle_and_times_out_without_pingresp() {
    let mut options = ClientOptions::new(V311, "c");
    options.keep_alive = 10;
    let mut h = Harness::connected(options);
    // Writing resets the idle clock.
    h.advance(9_000);
    h.session
        .publish(message("t", "x", QoS::AtMostOnce))
        .unwrap();
    h.sent();
    h.advance(9_000);
    assert!(h.sent().is_empty(), "not idle for 10 s yet");
    h.advance(1_000);
    assert!(h
        .events()
        .contains(&EventKind::TimerFired(Timer::KeepAlive)));
    assert_eq!(h.sent_kinds(), [PacketType::PingReq]);
    h.advance(250);
    h.receive(Packet::PingResp);
    assert!(h
        .events()
        .contains(&EventKind::PingResponse { round_trip: 250 }));
    // Next ping after another idle period; this time no PINGRESP comes.
    h.advance(10_000);
    assert_eq!(h.sent_kinds(), [PacketType::PingReq]);
    h.advance(10_000);
    let events = h.events();
    assert!(events.contains(&EventKind::TimerFired(Timer::PingTimeout)));
    assert!(events.contains(&EventKind::Closed(CloseReason::KeepAliveTimeout)));
    assert_eq!(h.session.state(), ConnectionState::Disconnected);
}

#[test]
fn the_broker_keep_alive_overrides_ours_v5() {
    let mut options = ClientOptions::new(V5, "c");
    options.keep_alive = 60;
    let mut h = Harness::new(options);
    h.session.connect(h.now).unwrap();
    h.sent();
    h.receive(Packet::ConnAck(ConnAck {
        properties: Properties(vec![
            Property::ServerKeepAlive(5),
            Property::AssignedClientIdentifier("auto-1"),
        ]),
        ..ConnAck::default()
    }));
    assert_eq!(
        (h.session.limits().keep_alive, h.session.client_id()),
        (5, "auto-1")
    );
    h.advance(5_000);
    assert_eq!(h.sent_kinds(), [PacketType::PingReq]);
}

#[test]
fn a_persistent_session_resends_publish_with_dup_and_pending_pubrel_in_order() {
    let mut options = ClientOptions::new(V311, "sensor");
    options.clean_start = false;
    let mut h = Harness::connected(options);
    let first = h
        .session
        .publish(message("t", "one", QoS::AtLeastOnce))
        .unwrap()
        .unwrap();
    let second = h
        .session
        .publish(message("t", "two", QoS::ExactlyOnce))
        .unwrap()
        .unwrap();
    assert_eq!(h.sent_kinds(), [PacketType::Publish, PacketType::Publish]);
    h.receive(Packet::PubRec(PubResponse::new(second)));
    assert_eq!(h.sent_kinds(), [PacketType::PubRel]);
    // The link dies before PUBACK and PUBCOMP.
    h.session.connection_lost(h.now);
    assert!(h
        .events()
        .contains(&EventKind::Closed(CloseReason::ConnectionLost)));
    h.session.connect(h.now).unwrap();
    assert_eq!(h.sent_kinds(), [PacketType::Connect]);
    h.receive(Packet::ConnAck(ConnAck {
        session_present: true,
        ..ConnAck::default()
    }));
    let sent = h.sent();
    assert!(
        matches!(sent[0].packet(), Packet::Publish(p) if p.packet_id == Some(first) && p.dup && p.payload == b"one")
    );
    assert!(matches!(sent[1].packet(), Packet::PubRel(r) if r.packet_id == second));
    assert_eq!(sent.len(), 2);
    h.receive(Packet::PubAck(PubResponse::new(first)));
    h.receive(Packet::PubComp(PubResponse::new(second)));
    assert!(h.session.is_quiescent());
}

#[test]
fn session_present_0_discards_our_state_and_reports_what_was_lost() {
    let mut options = ClientOptions::new(V5, "sensor");
    options.clean_start = false;
    let mut h = Harness::connected(options);
    h.session
        .publish(message("t", "lost", QoS::AtLeastOnce))
        .unwrap();
    h.sent();
    h.receive(incoming("in", "x", QoS::ExactlyOnce, Some(3), false));
    h.sent();
    h.session.connection_lost(h.now);
    h.session.connect(h.now).unwrap();
    h.sent();
    h.events();
    h.receive(Packet::ConnAck(ConnAck::default()));
    let events = h.events();
    let lost = events.iter().find_map(|e| match e {
        EventKind::SessionLost { unacknowledged } => Some(unacknowledged.clone()),
        _ => None,
    });
    assert_eq!(
        lost.map(|m| m.iter().map(|m| m.payload.clone()).collect::<Vec<_>>()),
        Some(vec![b"lost".to_vec()])
    );
    assert!(h.session.outbound().is_empty() && h.session.awaiting_pubrel().next().is_none());
    assert!(h.sent().is_empty(), "nothing is resent into a new session");
}

#[test]
fn session_present_on_a_clean_start_is_a_protocol_error() {
    let mut h = Harness::new(ClientOptions::new(V311, "c"));
    h.session.connect(h.now).unwrap();
    h.sent();
    h.receive(Packet::ConnAck(ConnAck {
        session_present: true,
        ..ConnAck::default()
    }));
    let closed = h.events().into_iter().find_map(|e| match e {
        EventKind::Closed(CloseReason::ProtocolError(SessionError::Protocol {
            violation,
            rule,
        })) => Some((violation, rule)),
        _ => None,
    });
    let (violation, rule) = closed.expect("closed with a protocol error");
    assert_eq!(violation, BrokerViolation::SessionPresentOnCleanStart);
    assert_eq!(rule.unwrap().to_string(), "MQTT-3.2.2-1 (3.1.1)");
}

#[test]
fn the_send_window_and_the_broker_receive_maximum_limit_messages_in_flight() {
    let mut options = ClientOptions::new(V5, "c");
    options.send_window = 3;
    let mut h = Harness::new(options);
    h.session.connect(h.now).unwrap();
    h.sent();
    h.receive(Packet::ConnAck(ConnAck {
        properties: Properties(vec![Property::ReceiveMaximum(2)]),
        ..ConnAck::default()
    }));
    let ids: Vec<u16> = (0..5)
        .map(|i| {
            h.session
                .publish(message("t", &i.to_string(), QoS::AtLeastOnce))
                .unwrap()
                .unwrap()
        })
        .collect();
    assert_eq!(
        h.sent().len(),
        2,
        "the broker's Receive Maximum of 2 wins over our window of 3"
    );
    h.receive(Packet::PubAck(PubResponse::new(ids[0])));
    let sent = h.sent();
    assert!(
        matches!(sent[..], [ref one] if matches!(one.packet(), Packet::Publish(p) if p.packet_id == Some(ids[2])))
    );
}

#[test]
fn subscribe_reports_granted_downgraded_and_refused_filters() {
    let mut h = Harness::connected(ClientOptions::new(V311, "dashboard"));
    let id = h
        .session
        .subscribe(
            vec![
                ("+/ip".into(), SubscriptionOptions::qos(QoS::ExactlyOnce)),
                (
                    "secret/#".into(),
                    SubscriptionOptions::qos(QoS::AtLeastOnce),
                ),
            ],
            None,
        )
        .unwrap();
    let sent = h.sent();
    let Packet::Subscribe(subscribe) = sent[0].packet() else {
        panic!()
    };
    assert_eq!(
        subscribe
            .filters
            .iter()
            .map(|f| f.filter.as_str())
            .collect::<Vec<_>>(),
        ["+/ip", "secret/#"]
    );
    h.receive(Packet::SubAck(SubAck {
        packet_id: id,
        properties: Properties::new(),
        codes: vec![ReasonCode(1), ReasonCode(0x80)],
    }));
    let results = h
        .events()
        .into_iter()
        .find_map(|e| match e {
            EventKind::Subscribed { results, .. } => Some(results),
            _ => None,
        })
        .unwrap();
    assert_eq!(results[0].granted, Ok(QoS::AtLeastOnce));
    assert!(results[0].is_downgraded());
    assert_eq!(results[1].granted, Err(ReasonCode(0x80)));
    assert_eq!(
        h.session
            .subscriptions()
            .iter()
            .map(|s| (s.filter.as_str(), s.granted))
            .collect::<Vec<_>>(),
        [("+/ip", Some(QoS::AtLeastOnce))]
    );
    let id = h.session.unsubscribe(vec!["+/ip".into()]).unwrap();
    assert_eq!(h.sent_kinds(), [PacketType::Unsubscribe]);
    h.receive(Packet::UnsubAck(UnsubAck {
        packet_id: id,
        ..UnsubAck::default()
    }));
    assert!(h.session.subscriptions().is_empty());
}

#[test]
fn a_packet_before_connack_closes_without_disconnect() {
    let mut h = Harness::new(ClientOptions::new(V5, "c"));
    h.session.connect(h.now).unwrap();
    h.sent();
    h.receive(incoming("t", "x", QoS::AtMostOnce, None, false));
    let events = h.events();
    assert!(events.iter().any(|e| matches!(e, EventKind::Closed(CloseReason::ProtocolError(SessionError::Protocol {
        violation: BrokerViolation::FirstPacketNotConnAck { got: PacketType::Publish }, rule: Some(rule)
    })) if rule.to_string() == "MQTT-3.2.0-1 (5.0)")));
    assert!(h.sent().is_empty());
}

#[test]
fn malformed_bytes_close_the_session_v5_with_disconnect_0x81_v311_silently() {
    let mut h = Harness::connected(ClientOptions::new(V5, "c"));
    h.receive_bytes(&[0x36, 0x03, 0x00, 0x01, 0x61]); // QoS 3 PUBLISH
    assert!(
        matches!(h.sent()[0].packet(), Packet::Disconnect(d) if d.reason == ReasonCode::MALFORMED_PACKET)
    );
    let events = h.events();
    assert!(events.iter().any(|e| matches!(e, EventKind::Closed(CloseReason::ProtocolError(SessionError::Malformed(error))) if error.to_string().contains("MQTT-3.3.1-4 (5.0)"))));
    assert_eq!(h.session.state(), ConnectionState::Disconnected);

    let mut h = Harness::connected(ClientOptions::new(V311, "c"));
    h.receive_bytes(&[0x36, 0x03, 0x00, 0x01, 0x61]);
    assert!(h.sent().is_empty());
    assert_eq!(h.session.state(), ConnectionState::Disconnected);
    // Later bytes are ignored, not decoded.
    h.receive_bytes(&[0xFF; 10]);
    assert!(h
        .events()
        .iter()
        .all(|e| !matches!(e, EventKind::PacketReceived(_))));
}

#[test]
fn topic_aliases_from_the_broker_are_resolved_and_checked_v5() {
    let mut options = ClientOptions::new(V5, "c");
    options.topic_alias_maximum = 2;
    let mut h = Harness::connected(options);
    let aliased = |name: &'static str, alias: u16| {
        Packet::Publish(Publish {
            properties: Properties(vec![Property::TopicAlias(alias)]),
            ..Publish::new(
                if name.is_empty() {
                    TopicName::EMPTY
                } else {
                    topic(name)
                },
                b"v",
            )
        })
    };
    h.receive(aliased("esp32-kitchen/ip", 1));
    h.receive(aliased("", 1));
    assert_eq!(
        delivered(&h.events()),
        ["esp32-kitchen/ip v", "esp32-kitchen/ip v"]
    );
    h.receive(aliased("x", 3));
    assert!(
        matches!(h.sent()[0].packet(), Packet::Disconnect(d) if d.reason == ReasonCode::TOPIC_ALIAS_INVALID)
    );
}

#[test]
fn the_teaching_retry_resends_within_a_connection_only_when_enabled() {
    let mut h = Harness::connected(ClientOptions::new(V311, "c"));
    h.session
        .publish(message("t", "x", QoS::AtLeastOnce))
        .unwrap();
    h.sent();
    h.advance(30_000);
    assert!(
        h.sent().iter().all(|o| o.kind() != PacketType::Publish),
        "conformant: no resend on a live connection"
    );

    let mut options = ClientOptions::new(V311, "c");
    options.teaching_retry = Some(2_000);
    let mut h = Harness::connected(options);
    let id = h
        .session
        .publish(message("t", "x", QoS::AtLeastOnce))
        .unwrap()
        .unwrap();
    h.sent();
    h.advance(2_000);
    assert!(h
        .events()
        .contains(&EventKind::TimerFired(Timer::Retry { packet_id: id })));
    let sent = h.sent();
    assert!(matches!(sent[0].packet(), Packet::Publish(p) if p.dup && p.packet_id == Some(id)));
    assert_eq!(h.session.outbound()[0].transmissions, 2);
}

#[test]
fn the_teaching_retry_can_be_switched_on_during_a_connection() {
    let mut h = Harness::connected(ClientOptions::new(V311, "c"));
    let id = h
        .session
        .publish(message("t", "x", QoS::AtLeastOnce))
        .unwrap()
        .unwrap();
    h.sent();
    h.advance(1_000);
    h.session.set_teaching_retry(Some(2_000));
    h.advance(1_000);
    let sent = h.sent();
    assert!(matches!(sent[0].packet(), Packet::Publish(p) if p.dup && p.packet_id == Some(id)));
    h.session.set_teaching_retry(None);
    h.advance(10_000);
    assert!(h.sent().iter().all(|o| o.kind() != PacketType::Publish));
}

#[test]
fn no_connack_in_time_closes() {
    let mut options = ClientOptions::new(V311, "c");
    options.connect_timeout = 5_000;
    let mut h = Harness::new(options);
    h.session.connect(h.now).unwrap();
    h.sent();
    h.advance(5_000);
    assert!(h
        .events()
        .contains(&EventKind::Closed(CloseReason::ConnectTimeout)));
}

#[test]
fn disconnect_flushes_queued_acknowledgements_first() {
    let mut h = Harness::connected(ClientOptions::new(V5, "c"));
    h.receive(incoming("t", "x", QoS::AtLeastOnce, Some(4), false));
    h.session
        .disconnect(h.now, ReasonCode::DISCONNECT_WITH_WILL);
    let sent = h.sent();
    assert_eq!(
        sent.iter().map(Out::kind).collect::<Vec<_>>(),
        [PacketType::PubAck, PacketType::Disconnect]
    );
    assert!(
        matches!(sent[1].packet(), Packet::Disconnect(d) if d.reason == ReasonCode::DISCONNECT_WITH_WILL)
    );
    assert!(h
        .events()
        .contains(&EventKind::Closed(CloseReason::Disconnected)));
    assert_eq!(h.session.state(), ConnectionState::Disconnected);
}

#[test]
fn the_broker_limits_refuse_what_it_cannot_take_v5() {
    let mut h = Harness::new(ClientOptions::new(V5, "c"));
    h.session.connect(h.now).unwrap();
    h.sent();
    h.receive(Packet::ConnAck(ConnAck {
        properties: Properties(vec![
            Property::MaximumQoS(QoS::AtLeastOnce),
            Property::RetainAvailable(false),
            Property::MaximumPacketSize(64),
        ]),
        ..ConnAck::default()
    }));
    assert_eq!(
        h.session.publish(message("t", "x", QoS::ExactlyOnce)),
        Err(UsageError::QosNotSupported {
            requested: 2,
            maximum: 1
        })
    );
    let retained = Message::new("t", "x", QoS::AtMostOnce, true).unwrap();
    assert_eq!(
        h.session.publish(retained),
        Err(UsageError::RetainNotAvailable)
    );
    assert!(matches!(
        h.session
            .publish(message("t", &"x".repeat(100), QoS::AtMostOnce)),
        Err(UsageError::PacketTooLarge { maximum: 64, .. })
    ));
    assert!(matches!(
        h.session
            .subscribe(vec![("a/#/b".into(), SubscriptionOptions::default())], None),
        Err(UsageError::Topic { .. })
    ));
    assert!(matches!(
        Message::new("a/+", "x", QoS::AtMostOnce, false),
        Err(mqtt_core::Violation::WildcardInTopicName { .. })
    ));
}

#[test]
fn options_that_cannot_make_a_connect_are_refused_up_front() {
    let mut options = ClientOptions::new(V311, "");
    options.clean_start = false;
    assert!(
        matches!(ClientSession::new(options), Err(UsageError::Encode(e)) if e.to_string().contains("MQTT-3.1.3-7"))
    );
    let mut options = ClientOptions::new(V5, "c");
    options.will = Some(WillOptions {
        topic: "status/#".into(),
        payload: Vec::new(),
        qos: QoS::AtMostOnce,
        retain: false,
        properties: MessageProperties::default(),
        delay_interval: 0,
    });
    assert!(matches!(
        ClientSession::new(options),
        Err(UsageError::Topic { .. })
    ));
}
