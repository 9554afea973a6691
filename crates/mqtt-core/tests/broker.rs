//! The teaching broker with real client sessions on instant, lossless links: routing, retained
//! messages, wills, sessions, queues and the 5.0 options, each asserted on what clients receive.

use mqtt_core::broker::{Broker, BrokerEventKind, ConnectionId, DisconnectReason, DropReason};
use mqtt_core::client::{ClientOptions, ClientSession, CloseReason, EventKind, WillOptions};
use mqtt_core::codec::{ProtocolVersion, QoS, ReasonCode, RetainHandling, SubscriptionOptions};
use mqtt_core::message::{Message, MessageProperties};
use ProtocolVersion::{V311, V5};

/// A delivery as a client saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Got {
    topic: String,
    payload: String,
    qos: QoS,
    retain: bool,
}

struct Client {
    session: ClientSession,
    conn: Option<ConnectionId>,
    got: Vec<Got>,
    events: Vec<EventKind>,
}

/// A broker and its clients on perfect links; `pump` runs until nothing moves.
struct Net {
    broker: Broker,
    clients: Vec<Client>,
    broker_events: Vec<BrokerEventKind>,
    now: u64,
}

impl Net {
    fn new() -> Self {
        Net {
            broker: Broker::default(),
            clients: Vec::new(),
            broker_events: Vec::new(),
            now: 0,
        }
    }

    fn add(&mut self, options: ClientOptions) -> usize {
        self.clients.push(Client {
            session: ClientSession::new(options).expect("valid options"),
            conn: None,
            got: Vec::new(),
            events: Vec::new(),
        });
        self.clients.len() - 1
    }

    fn client(&mut self, version: ProtocolVersion, id: &str, clean: bool) -> usize {
        let mut options = ClientOptions::new(version, id);
        options.clean_start = clean;
        if version == V5 && !clean {
            options.session_expiry_interval = u32::MAX;
        }
        self.add(options)
    }

    fn connect(&mut self, c: usize) {
        let conn = self.broker.accept(self.now);
        self.clients[c].conn = Some(conn);
        self.clients[c].session.connect(self.now).expect("connect");
        self.pump();
    }

    fn subscribe(&mut self, c: usize, filter: &str, qos: QoS) {
        self.subscribe_with(c, filter, SubscriptionOptions::qos(qos));
    }

    fn subscribe_with(&mut self, c: usize, filter: &str, options: SubscriptionOptions) {
        self.clients[c]
            .session
            .subscribe(vec![(filter.into(), options)], None)
            .expect("subscribe");
        self.pump();
    }

    fn publish(&mut self, c: usize, topic: &str, payload: &str, qos: QoS, retain: bool) {
        let message = Message::new(topic, payload.as_bytes(), qos, retain).expect("valid message");
        self.clients[c].session.publish(message).expect("publish");
        self.pump();
    }

    /// The transport dies without DISCONNECT.
    fn kill(&mut self, c: usize) {
        if let Some(conn) = self.clients[c].conn.take() {
            self.broker.connection_lost(conn, self.now);
            self.clients[c].session.connection_lost(self.now);
        }
        self.pump();
    }

    fn disconnect(&mut self, c: usize, reason: ReasonCode) {
        self.clients[c].session.disconnect(self.now, reason);
        self.pump();
    }

    fn advance(&mut self, ms: u64) {
        self.now += ms;
        if self.broker.poll_timeout().is_some_and(|at| at <= self.now) {
            self.broker.handle_timeout(self.now);
        }
        for client in &mut self.clients {
            if client
                .session
                .poll_timeout()
                .is_some_and(|at| at <= self.now)
            {
                client.session.handle_timeout(self.now);
            }
        }
        self.pump();
    }

    fn pump(&mut self) {
        for _ in 0..10_000 {
            let mut moved = false;
            let mut buf = Vec::new();
            for client in &mut self.clients {
                while let Some(sent) = client.session.poll_transmit(self.now, &mut buf) {
                    if let Some(conn) = client.conn {
                        self.broker.handle_bytes(conn, &buf[sent.bytes], self.now);
                    }
                    moved = true;
                }
                buf.clear();
                client.session.handle_written(self.now);
                while let Some(event) = client.session.poll_event() {
                    if let EventKind::MessageDelivered { message, .. } = &event.kind {
                        client.got.push(Got {
                            topic: message.topic().into(),
                            payload: String::from_utf8_lossy(&message.payload).into(),
                            qos: message.qos,
                            retain: message.retain,
                        });
                    }
                    if let EventKind::Closed(_) = event.kind {
                        if let Some(conn) = client.conn.take() {
                            self.broker.connection_lost(conn, self.now);
                        }
                    }
                    client.events.push(event.kind);
                    moved = true;
                }
            }
            while let Some((conn, sent)) = self.broker.poll_transmit(self.now, &mut buf) {
                if let Some(client) = self.clients.iter_mut().find(|c| c.conn == Some(conn)) {
                    client
                        .session
                        .handle_bytes(&buf[sent.bytes.clone()], self.now);
                }
                moved = true;
            }
            while let Some(event) = self.broker.poll_event() {
                if let BrokerEventKind::CloseConnection { conn } = event.kind {
                    if let Some(client) = self.clients.iter_mut().find(|c| c.conn == Some(conn)) {
                        client.conn = None;
                        client.session.connection_lost(self.now);
                    }
                }
                self.broker_events.push(event.kind);
                moved = true;
            }
            if !moved {
                return;
            }
        }
        panic!("the network never settled");
    }

    fn got(&self, c: usize) -> Vec<(String, String, QoS, bool)> {
        self.clients[c]
            .got
            .iter()
            .map(|g| (g.topic.clone(), g.payload.clone(), g.qos, g.retain))
            .collect()
    }

    fn payloads(&self, c: usize) -> Vec<String> {
        self.clients[c]
            .got
            .iter()
            .map(|g| g.payload.clone())
            .collect()
    }
}

fn got(topic: &str, payload: &str, qos: QoS, retain: bool) -> (String, String, QoS, bool) {
    (topic.into(), payload.into(), qos, retain)
}

#[test]
fn delivery_qos_is_the_lower_of_published_and_granted() {
    for version in [V311, V5] {
        for sub_qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
            let mut net = Net::new();
            let sub = net.client(version, "dashboard", true);
            let publisher = net.client(version, "esp32-kitchen", true);
            net.connect(sub);
            net.connect(publisher);
            net.subscribe(sub, "+/ip", sub_qos);
            for pub_qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
                net.publish(
                    publisher,
                    "esp32-kitchen/ip",
                    &format!("{}", pub_qos.level()),
                    pub_qos,
                    false,
                );
            }
            let expected: Vec<_> = [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce]
                .iter()
                .map(|q| {
                    got(
                        "esp32-kitchen/ip",
                        &format!("{}", q.level()),
                        (*q).min(sub_qos),
                        false,
                    )
                })
                .collect();
            assert_eq!(net.got(sub), expected, "{version:?} sub {sub_qos:?}");
            assert!(net.clients[publisher].session.is_quiescent());
        }
    }
}

#[test]
fn retained_latest_only_cleared_by_an_empty_payload() {
    let mut net = Net::new();
    let publisher = net.client(V311, "esp32-kitchen", true);
    net.connect(publisher);
    net.publish(
        publisher,
        "esp32-kitchen/ip",
        "192.168.1.20",
        QoS::AtLeastOnce,
        true,
    );
    net.publish(
        publisher,
        "esp32-kitchen/ip",
        "192.168.1.21",
        QoS::AtLeastOnce,
        true,
    );
    let late = net.client(V311, "late", true);
    net.connect(late);
    net.subscribe(late, "esp32-kitchen/#", QoS::ExactlyOnce);
    assert_eq!(
        net.got(late),
        [got(
            "esp32-kitchen/ip",
            "192.168.1.21",
            QoS::AtLeastOnce,
            true
        )]
    );
    // A live subscriber gets new retained publications with RETAIN=0 (MQTT-3.3.1-9 (3.1.1)).
    net.publish(
        publisher,
        "esp32-kitchen/ip",
        "192.168.1.22",
        QoS::AtMostOnce,
        true,
    );
    assert_eq!(
        net.got(late)[1],
        got("esp32-kitchen/ip", "192.168.1.22", QoS::AtMostOnce, false)
    );
    net.publish(publisher, "esp32-kitchen/ip", "", QoS::AtMostOnce, true);
    assert_eq!(net.broker.retained().count(), 0);
    let later = net.client(V311, "later", true);
    net.connect(later);
    net.subscribe(later, "#", QoS::AtLeastOnce);
    assert!(
        net.got(later).is_empty(),
        "a cleared topic has nothing retained"
    );
}

fn with_will(version: ProtocolVersion, id: &str, delay: u32) -> ClientOptions {
    let mut options = ClientOptions::new(version, id);
    options.will = Some(WillOptions {
        topic: format!("{id}/status"),
        payload: b"offline".to_vec(),
        qos: QoS::AtLeastOnce,
        retain: false,
        properties: MessageProperties::default(),
        delay_interval: delay,
    });
    options
}

#[test]
fn the_will_is_published_on_abnormal_disconnect_only() {
    for version in [V311, V5] {
        let mut net = Net::new();
        let watcher = net.client(version, "watcher", true);
        net.connect(watcher);
        net.subscribe(watcher, "+/status", QoS::AtLeastOnce);
        let sensor = net.add(with_will(version, "sensor", 0));
        net.connect(sensor);
        net.disconnect(sensor, ReasonCode::SUCCESS);
        assert!(
            net.got(watcher).is_empty(),
            "{version:?}: no will after a normal DISCONNECT"
        );
        net.connect(sensor);
        net.kill(sensor);
        assert_eq!(
            net.got(watcher),
            [got("sensor/status", "offline", QoS::AtLeastOnce, false)],
            "{version:?}"
        );
    }
}

#[test]
fn disconnect_with_will_message_publishes_it_v5() {
    let mut net = Net::new();
    let watcher = net.client(V5, "watcher", true);
    net.connect(watcher);
    net.subscribe(watcher, "#", QoS::AtMostOnce);
    let sensor = net.add(with_will(V5, "sensor", 0));
    net.connect(sensor);
    net.disconnect(sensor, ReasonCode::DISCONNECT_WITH_WILL);
    assert_eq!(net.payloads(watcher), ["offline"]);
}

#[test]
fn a_quick_reconnect_within_the_will_delay_cancels_the_will_v5() {
    let mut net = Net::new();
    let watcher = net.client(V5, "watcher", true);
    net.connect(watcher);
    net.subscribe(watcher, "#", QoS::AtMostOnce);
    let mut options = with_will(V5, "sensor", 10);
    options.clean_start = false;
    options.session_expiry_interval = 60;
    let sensor = net.add(options);
    net.connect(sensor);
    net.kill(sensor);
    assert!(net
        .broker_events
        .iter()
        .any(|e| matches!(e, BrokerEventKind::WillScheduled { at: 10_000, .. })));
    net.advance(5_000);
    net.connect(sensor);
    net.advance(10_000);
    assert!(
        net.got(watcher).is_empty(),
        "the reconnect cancelled the will"
    );
    net.kill(sensor);
    net.advance(10_000);
    assert_eq!(
        net.payloads(watcher),
        ["offline"],
        "published once the delay passed"
    );
}

#[test]
fn a_sleeping_persistent_subscriber_gets_its_queued_qos1_and_qos2_not_qos0() {
    for version in [V311, V5] {
        let mut net = Net::new();
        let sensor = net.client(version, "esp32-kitchen", true);
        let dashboard = net.client(version, "dashboard", false);
        net.connect(sensor);
        net.connect(dashboard);
        net.subscribe(dashboard, "esp32-kitchen/#", QoS::ExactlyOnce);
        net.disconnect(dashboard, ReasonCode::SUCCESS);
        for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
            net.publish(
                sensor,
                "esp32-kitchen/temp",
                &format!("q{}", qos.level()),
                qos,
                false,
            );
        }
        let session = net
            .broker
            .session("dashboard")
            .expect("persistent session kept");
        assert_eq!(session.queued().count(), 2, "{version:?}");
        assert!(net.broker_events.iter().any(|e| matches!(
            e,
            BrokerEventKind::MessageDropped {
                reason: DropReason::Qos0WhileOffline,
                ..
            }
        )));
        net.connect(dashboard);
        assert!(net.clients[dashboard]
            .events
            .contains(&EventKind::Connected {
                session_present: true
            }));
        assert_eq!(net.payloads(dashboard), ["q1", "q2"], "{version:?}");
    }
}

#[test]
fn a_duplicate_client_id_takes_over_the_session() {
    let mut net = Net::new();
    let first = net.client(V5, "esp32-kitchen", true);
    let second = net.client(V5, "esp32-kitchen", true);
    net.connect(first);
    net.connect(second);
    let closed = net.clients[first].events.iter().find_map(|e| match e {
        EventKind::Closed(reason) => Some(reason.clone()),
        _ => None,
    });
    assert!(
        matches!(
            closed,
            Some(CloseReason::ServerDisconnected {
                code: ReasonCode::SESSION_TAKEN_OVER,
                ..
            })
        ),
        "{closed:?}"
    );
    assert!(net.broker_events.iter().any(|e| matches!(
        e,
        BrokerEventKind::ClientDisconnected {
            reason: DisconnectReason::TakenOver,
            ..
        }
    )));
    assert_eq!(
        net.broker
            .session("esp32-kitchen")
            .and_then(|s| s.connection()),
        net.clients[second].conn
    );
}

#[test]
fn a_take_over_of_a_session_that_ends_with_its_connection_starts_a_new_one() {
    // 3.1.1 clean session / 5.0 Session Expiry 0, taken over by a connection asking to resume: the
    // old session ends with the old connection (MQTT-3.1.2-6 (3.1.1), §3.1.2.11.2 (5.0)), so the new
    // one starts empty, and the will is published because that session ended.
    for version in [V311, V5] {
        let mut net = Net::new();
        let watcher = net.client(version, "watcher", true);
        let publisher = net.client(version, "publisher", true);
        net.connect(watcher);
        net.connect(publisher);
        net.subscribe(watcher, "device/status", QoS::AtLeastOnce);
        let mut old = with_will(version, "device", 0);
        old.clean_start = version == V311;
        let old = net.add(old);
        let new = net.client(version, "device", false);
        net.connect(old);
        net.subscribe(old, "cmd/#", QoS::AtLeastOnce);
        net.connect(new);
        assert!(
            net.clients[new].events.contains(&EventKind::Connected {
                session_present: false
            }),
            "{version:?}: nothing to resume"
        );
        net.publish(publisher, "cmd/1", "after", QoS::AtLeastOnce, false);
        assert!(
            net.got(new).is_empty(),
            "{version:?}: no subscription inherited"
        );
        assert_eq!(net.payloads(watcher), ["offline"], "{version:?}");
    }
}

#[test]
fn a_take_over_that_resumes_the_session_publishes_the_will_in_3_1_1_only() {
    // 3.1.1: the old connection closes without DISCONNECT, so its will is published
    // (MQTT-3.1.2-8 (3.1.1)). 5.0: the new connection to the same session comes before the will's
    // delay has passed, so it is not (MQTT-3.1.3-9 (5.0)).
    for version in [V311, V5] {
        let mut net = Net::new();
        let watcher = net.client(version, "watcher", true);
        let publisher = net.client(version, "publisher", true);
        net.connect(watcher);
        net.connect(publisher);
        net.subscribe(watcher, "device/status", QoS::AtLeastOnce);
        let mut old = with_will(version, "device", 0);
        old.clean_start = false;
        old.session_expiry_interval = 600;
        let old = net.add(old);
        let new = net.client(version, "device", false);
        net.connect(old);
        net.subscribe(old, "cmd/#", QoS::AtLeastOnce);
        net.connect(new);
        assert!(
            net.clients[new].events.contains(&EventKind::Connected {
                session_present: true
            }),
            "{version:?}"
        );
        net.publish(publisher, "cmd/1", "after", QoS::AtLeastOnce, false);
        assert_eq!(
            net.payloads(new),
            ["after"],
            "{version:?}: subscription resumed"
        );
        let expected: &[&str] = if version == V311 { &["offline"] } else { &[] };
        assert_eq!(net.payloads(watcher), expected, "{version:?}");
    }
}

#[test]
fn overlapping_subscriptions_give_one_copy_at_the_highest_qos() {
    let mut net = Net::new();
    let sub = net.client(V311, "s", true);
    let publisher = net.client(V311, "p", true);
    net.connect(sub);
    net.connect(publisher);
    net.subscribe(sub, "home/#", QoS::AtMostOnce);
    net.subscribe(sub, "home/+/temp", QoS::ExactlyOnce);
    net.publish(
        publisher,
        "home/kitchen/temp",
        "21",
        QoS::ExactlyOnce,
        false,
    );
    assert_eq!(
        net.got(sub),
        [got("home/kitchen/temp", "21", QoS::ExactlyOnce, false)]
    );
}

#[test]
fn dollar_topics_are_not_matched_by_leading_wildcards() {
    let mut net = Net::new();
    let all = net.client(V311, "all", true);
    let sys = net.client(V311, "sys", true);
    let publisher = net.client(V311, "p", true);
    for c in [all, sys, publisher] {
        net.connect(c);
    }
    net.subscribe(all, "#", QoS::AtMostOnce);
    net.subscribe(sys, "$SYS/#", QoS::AtMostOnce);
    net.publish(
        publisher,
        "$SYS/broker/uptime",
        "42",
        QoS::AtMostOnce,
        false,
    );
    assert!(net.got(all).is_empty());
    assert_eq!(net.payloads(sys), ["42"]);
}

#[test]
fn qos2_resent_by_the_publisher_is_routed_once() {
    let mut net = Net::new();
    let sub = net.client(V5, "s", true);
    let mut options = ClientOptions::new(V5, "p");
    options.teaching_retry = Some(100);
    let publisher = net.add(options);
    net.connect(sub);
    net.connect(publisher);
    net.subscribe(sub, "t", QoS::ExactlyOnce);
    // The publisher's PUBLISH reaches the broker but the PUBREC is "slow": resend before it arrives.
    let message = Message::new("t", "once", QoS::ExactlyOnce, false).unwrap();
    net.clients[publisher].session.publish(message).unwrap();
    let mut buf = Vec::new();
    let sent = net.clients[publisher]
        .session
        .poll_transmit(net.now, &mut buf)
        .unwrap();
    net.clients[publisher].session.handle_written(net.now);
    let conn = net.clients[publisher].conn.unwrap();
    net.broker
        .handle_bytes(conn, &buf[sent.bytes.clone()], net.now);
    net.broker.handle_bytes(
        conn,
        &{
            let mut dup = buf[sent.bytes].to_vec();
            dup[0] |= 0x08; // DUP
            dup
        },
        net.now,
    );
    net.pump();
    assert_eq!(net.payloads(sub), ["once"]);
    assert!(net
        .broker_events
        .iter()
        .any(|e| matches!(e, BrokerEventKind::DuplicateSuppressed { .. })));
}

#[test]
fn shared_subscriptions_hand_each_message_to_one_member_in_turn_v5() {
    let mut net = Net::new();
    let a = net.client(V5, "worker-a", true);
    let b = net.client(V5, "worker-b", true);
    let publisher = net.client(V5, "p", true);
    for c in [a, b, publisher] {
        net.connect(c);
    }
    net.subscribe(a, "$share/workers/jobs/#", QoS::AtLeastOnce);
    net.subscribe(b, "$share/workers/jobs/#", QoS::AtLeastOnce);
    for i in 0..4 {
        net.publish(
            publisher,
            "jobs/build",
            &i.to_string(),
            QoS::AtLeastOnce,
            false,
        );
    }
    assert_eq!(net.payloads(a).len() + net.payloads(b).len(), 4);
    assert_eq!(net.payloads(a).len(), 2);
}

#[test]
fn no_local_and_retain_handling_and_retain_as_published_v5() {
    let mut net = Net::new();
    let c = net.client(V5, "chat", true);
    let other = net.client(V5, "other", true);
    net.connect(c);
    net.connect(other);
    net.publish(other, "room/old", "retained", QoS::AtMostOnce, true);
    net.subscribe_with(
        c,
        "room/#",
        SubscriptionOptions {
            qos: QoS::AtLeastOnce,
            no_local: true,
            retain_as_published: true,
            retain_handling: RetainHandling::DoNotSend,
        },
    );
    net.publish(c, "room/a", "mine", QoS::AtLeastOnce, false);
    net.publish(other, "room/b", "theirs", QoS::AtLeastOnce, true);
    assert_eq!(
        net.got(c),
        [got("room/b", "theirs", QoS::AtLeastOnce, true)],
        "no retained at subscribe, not my own, RETAIN kept"
    );
}

#[test]
fn a_silent_client_is_dropped_after_one_and_a_half_keep_alives_and_its_will_published() {
    let mut net = Net::new();
    let watcher = net.client(V311, "watcher", true);
    net.connect(watcher);
    net.subscribe(watcher, "#", QoS::AtMostOnce);
    let mut options = with_will(V311, "sensor", 0);
    options.keep_alive = 10;
    let sensor = net.add(options);
    net.connect(sensor);
    // The sensor's transport silently stops carrying anything (it never pings).
    net.clients[sensor].conn = None;
    net.advance(14_000);
    assert!(net.got(watcher).is_empty());
    net.advance(1_000);
    assert_eq!(net.payloads(watcher), ["offline"]);
    assert!(net.broker_events.iter().any(|e| matches!(
        e,
        BrokerEventKind::ClientDisconnected {
            reason: DisconnectReason::KeepAliveTimeout,
            ..
        }
    )));
}

#[test]
fn client_ids_empty_3_1_1_without_clean_session_is_refused_5_0_is_assigned() {
    let mut net = Net::new();
    let mut options = ClientOptions::new(V5, "");
    options.clean_start = true;
    let c = net.add(options);
    net.connect(c);
    assert!(net.clients[c].session.client_id().starts_with("auto-"));
    // 3.1.1 with clean session 0 and no id: the session refuses to send it, so speak raw bytes.
    let conn = net.broker.accept(0);
    net.broker.handle_bytes(
        conn,
        &[0x10, 0x0c, 0, 4, b'M', b'Q', b'T', b'T', 4, 0, 0, 60, 0, 0],
        0,
    );
    let mut buf = Vec::new();
    let (_, sent) = net.broker.poll_transmit(0, &mut buf).expect("CONNACK");
    assert_eq!(
        &buf[sent.bytes],
        &[0x20, 0x02, 0x00, 0x02],
        "identifier rejected"
    );
}

#[test]
fn sessions_expire_and_queued_messages_expire_v5() {
    let mut net = Net::new();
    let mut options = ClientOptions::new(V5, "sleepy");
    options.clean_start = false;
    options.session_expiry_interval = 30;
    let sleepy = net.add(options);
    let publisher = net.client(V5, "p", true);
    net.connect(sleepy);
    net.connect(publisher);
    net.subscribe(sleepy, "t", QoS::AtLeastOnce);
    net.disconnect(sleepy, ReasonCode::SUCCESS);
    let mut message = Message::new("t", "short-lived", QoS::AtLeastOnce, false).unwrap();
    message.properties.message_expiry_interval = Some(5);
    net.clients[publisher].session.publish(message).unwrap();
    net.publish(publisher, "t", "durable", QoS::AtLeastOnce, false);
    net.advance(10_000);
    net.connect(sleepy);
    assert_eq!(
        net.payloads(sleepy),
        ["durable"],
        "the 5 s message expired while queued"
    );
    net.disconnect(sleepy, ReasonCode::SUCCESS);
    net.advance(31_000);
    assert!(net.broker.session("sleepy").is_none(), "expired after 30 s");
}
