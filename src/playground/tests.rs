//! The workspace end to end, natively and under wasm: the simulated backend as the page runs it, and
//! the real backend against mqtt-core's teaching broker standing in for a WebSocket broker (the
//! harness plays the browser: it opens "sockets", carries frames — split and joined — and closes them).

use std::collections::BTreeMap;

use mqtt_core::broker::{Broker, BrokerConfig, BrokerEventKind, ConnectionId};
use mqtt_core::client::ConnectionState;
use mqtt_core::codec::{encode, ConnAck, Packet, PacketType, ProtocolVersion, QoS, ReasonCode};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::config::{ClientConfig, PublishRequest, SubscribeRequest, WillConfig};
use super::model::{ClientKey, Direction, Level, MarkKind, Payload, Status};
use super::workspace::{BrokerChoice, FaultAim, FaultKind, Io, SocketId, Workspace, COMPACT_MS};

fn config(name: &str) -> ClientConfig {
    ClientConfig::new(name, &format!("mqttpg-{name}"))
}

fn persistent(name: &str) -> ClientConfig {
    let mut config = config(name);
    config.clean_start = false;
    config
}

fn received(ws: &Workspace, key: ClientKey) -> Vec<(String, String, u8, bool)> {
    ws.history()
        .messages
        .iter_from(0)
        .map(|(_, m)| m)
        .filter(|m| m.client == key && m.direction == Direction::Received)
        .map(|m| {
            (
                m.topic.to_string(),
                String::from_utf8_lossy(&m.payload).into_owned(),
                m.qos.level(),
                m.retain,
            )
        })
        .collect()
}

/// The payloads `key` received, as text, in order.
fn payloads(ws: &Workspace, key: ClientKey) -> Vec<String> {
    received(ws, key)
        .into_iter()
        .map(|(_, payload, ..)| payload)
        .collect()
}

fn packet_types(ws: &Workspace, key: ClientKey) -> Vec<(Direction, PacketType)> {
    ws.history()
        .packets
        .iter_from(0)
        .map(|(_, p)| p)
        .filter(|p| p.client == key)
        .map(|p| (p.direction, p.packet_type))
        .collect()
}

// --- Simulated -----------------------------------------------------------------------------------

/// A simulated workspace and a clock, started at 10 s of page time.
struct Sim {
    ws: Workspace,
    now: u64,
}

impl Sim {
    fn new() -> Self {
        Sim {
            ws: Workspace::new(BrokerChoice::Simulated { latency_ms: 20 }, 10_000),
            now: 10_000,
        }
    }

    fn add(&mut self, config: ClientConfig) -> ClientKey {
        let key = self.ws.add_client(config, self.now).unwrap();
        self.run(200);
        key
    }

    fn run(&mut self, ms: u64) {
        for _ in 0..ms / 10 {
            self.now += 10;
            self.ws.tick(self.now);
        }
    }
}

#[test]
fn simulated_fan_out_at_every_qos() {
    let mut sim = Sim::new();
    let kitchen = sim.add(config("esp32-kitchen"));
    let dashboard = sim.add(config("dashboard"));
    let phone = sim.add(config("phone"));
    assert_eq!(sim.ws.client(kitchen).unwrap().status, Status::Connected);
    for key in [dashboard, phone] {
        sim.ws
            .subscribe(
                key,
                &SubscribeRequest::new("home/#", QoS::ExactlyOnce),
                sim.now,
            )
            .unwrap();
    }
    sim.run(200);
    for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
        let request = PublishRequest::new(
            "home/kitchen/temp",
            &format!("2{}", qos.level()),
            qos,
            false,
        );
        sim.ws.publish(kitchen, &request, sim.now).unwrap();
    }
    sim.run(500);
    let expected: Vec<(String, String, u8, bool)> = (0..3)
        .map(|q| ("home/kitchen/temp".into(), format!("2{q}"), q, false))
        .collect();
    assert_eq!(received(&sim.ws, dashboard), expected);
    assert_eq!(received(&sim.ws, phone), expected);
    assert_eq!(sim.ws.received_total(), 6);
    assert_eq!(sim.ws.client(dashboard).unwrap().received, 3);
    assert_eq!(sim.ws.client(kitchen).unwrap().sent, 3);
    let sent = packet_types(&sim.ws, kitchen);
    for kind in [PacketType::PubAck, PacketType::PubRec, PacketType::PubComp] {
        assert!(
            sent.contains(&(Direction::Received, kind)),
            "{kind:?} missing: {sent:?}"
        );
    }
    assert!(sent.contains(&(Direction::Sent, PacketType::PubRel)));
    // Every packet arrived, with a time after it was written, and has a unique transmission id.
    let packets: Vec<_> = sim
        .ws
        .history()
        .packets
        .iter_from(0)
        .map(|(_, p)| p.clone())
        .collect();
    assert!(packets
        .iter()
        .all(|p| p.arrived_at.is_some_and(|at| at >= p.at)));
    let mut txs: Vec<u64> = packets.iter().map(|p| p.tx).collect();
    txs.dedup();
    assert_eq!(txs.len(), packets.len());
    // A received message points at the PUBLISH that carried it.
    let (_, message) = sim
        .ws
        .history()
        .messages
        .iter_from(0)
        .find(|(_, m)| m.client == dashboard && m.qos == QoS::ExactlyOnce)
        .unwrap();
    let publish = sim
        .ws
        .history()
        .packets
        .get(message.packet.unwrap())
        .unwrap();
    assert_eq!(
        (publish.packet_type, publish.client),
        (PacketType::Publish, dashboard)
    );
    // The topic tree and the chart saw it.
    let topics = sim.ws.topics();
    let node = topics
        .node(topics.find("home/kitchen/temp").unwrap())
        .unwrap();
    assert_eq!(node.messages, 6);
    assert_eq!(topics.numbers("home/kitchen/temp").unwrap().len(), 6);
}

#[test]
fn simulated_retained_will_and_sleep() {
    let mut sim = Sim::new();
    let mut with_will = config("esp32-kitchen");
    with_will.will = Some(WillConfig {
        topic: "esp32-kitchen/status".into(),
        payload: "offline".into(),
        qos: QoS::AtLeastOnce,
        retain: true,
        delay_s: 0,
    });
    let kitchen = sim.add(with_will);
    let request = PublishRequest::new("esp32-kitchen/ip", "192.168.1.20", QoS::AtLeastOnce, true);
    sim.ws.publish(kitchen, &request, sim.now).unwrap();
    sim.run(200);
    // A late subscriber gets the retained message.
    let late = sim.add(persistent("dashboard"));
    sim.ws
        .subscribe(
            late,
            &SubscribeRequest::new("esp32-kitchen/#", QoS::AtLeastOnce),
            sim.now,
        )
        .unwrap();
    sim.run(200);
    assert_eq!(
        received(&sim.ws, late),
        [("esp32-kitchen/ip".into(), "192.168.1.20".into(), 1, true)]
    );
    let topics = sim.ws.topics();
    assert!(
        topics
            .node(topics.find("esp32-kitchen/ip").unwrap())
            .unwrap()
            .retained
    );
    // Killed abruptly: the will goes out.
    sim.ws.kill(kitchen, sim.now).unwrap();
    sim.run(200);
    assert_eq!(sim.ws.client(kitchen).unwrap().status, Status::Killed);
    assert_eq!(received(&sim.ws, late).last().unwrap().1, "offline");
    assert!(sim
        .ws
        .history()
        .notices
        .iter_from(0)
        .any(|(_, n)| n.title.contains("published the will")));
    assert!(
        sim.ws.kill(kitchen, sim.now).is_err(),
        "nothing left to kill"
    );
    // The dashboard sleeps; what arrives meanwhile waits at the broker.
    sim.ws.sleep(late, sim.now).unwrap();
    sim.run(200);
    assert_eq!(sim.ws.client(late).unwrap().status, Status::Asleep);
    sim.ws.connect(kitchen, sim.now).unwrap();
    sim.run(200);
    let news = PublishRequest::new("esp32-kitchen/ip", "192.168.1.21", QoS::AtLeastOnce, false);
    sim.ws.publish(kitchen, &news, sim.now).unwrap();
    sim.run(200);
    let before = received(&sim.ws, late).len();
    sim.ws.wake(late, sim.now).unwrap();
    sim.run(300);
    assert_eq!(sim.ws.client(late).unwrap().status, Status::Connected);
    assert_eq!(
        received(&sim.ws, late)[before..].last().unwrap().1,
        "192.168.1.21"
    );
    // Sleep needs a persistent session.
    let error = sim.ws.sleep(kitchen, sim.now).unwrap_err();
    assert!(error.contains("persistent session"));
}

#[test]
fn removed_clients_keep_their_records_and_names_can_be_reused() {
    let mut sim = Sim::new();
    let first = sim.add(config("dashboard"));
    assert!(sim.ws.add_client(config("dashboard"), sim.now).is_err());
    sim.ws.remove_client(first, sim.now);
    sim.run(200);
    assert!(sim.ws.client(first).is_none());
    assert_eq!(sim.ws.name(first), "dashboard");
    assert!(packet_types(&sim.ws, first).contains(&(Direction::Sent, PacketType::Disconnect)));
    let second = sim.add(config("dashboard"));
    assert_ne!(first, second);
    assert_eq!(sim.ws.client(second).unwrap().status, Status::Connected);
    assert!(sim.ws.session(second).is_some());
}

#[test]
fn switching_brokers_reconnects_every_client() {
    let mut sim = Sim::new();
    let key = sim.add(config("dashboard"));
    sim.ws.set_broker(
        BrokerChoice::WebSocket {
            url: "ws://127.0.0.1:9001".into(),
        },
        sim.now,
    );
    assert_eq!(sim.ws.client(key).unwrap().status, Status::Opening);
    assert_eq!(
        sim.ws.take_io(),
        [Io::Open {
            socket: 1,
            url: "ws://127.0.0.1:9001".into()
        }]
    );
    sim.ws
        .set_broker(BrokerChoice::Simulated { latency_ms: 0 }, sim.now);
    assert_eq!(sim.ws.take_io(), [Io::Close { socket: 1 }]);
    sim.run(100);
    assert_eq!(sim.ws.client(key).unwrap().status, Status::Connected);
}

// --- Real, against the teaching broker behind fake sockets ------------------------------------

/// Plays the browser and a broker: carries the workspace's I/O to a `Broker` and back.
struct Net {
    ws: Workspace,
    broker: Broker,
    now: u64,
    conns: BTreeMap<SocketId, ConnectionId>,
    /// Deliver the broker's bytes one byte per frame (packets split across frames).
    split: bool,
    /// Deliver the broker's packets one per frame, all of a pump's frames for a socket in one batch
    /// a millisecond apart (as a flood arrives in the page).
    batched: bool,
    /// Frames the workspace sent, per socket.
    frames: Vec<(SocketId, Vec<u8>)>,
    /// Sockets that never open.
    refuse_sockets: bool,
}

impl Net {
    fn new(config: BrokerConfig) -> Self {
        Net {
            ws: Workspace::new(
                BrokerChoice::WebSocket {
                    url: "ws://broker.test:9001".into(),
                },
                0,
            ),
            broker: Broker::new(config),
            now: 1_000,
            conns: BTreeMap::new(),
            split: false,
            batched: false,
            frames: Vec::new(),
            refuse_sockets: false,
        }
    }

    fn add(&mut self, config: ClientConfig) -> ClientKey {
        let key = self.ws.add_client(config, self.now).unwrap();
        self.pump();
        key
    }

    /// Carries everything until quiet.
    fn pump(&mut self) {
        for _ in 0..100 {
            let mut moved = false;
            for io in self.ws.take_io() {
                moved = true;
                match io {
                    Io::Open { socket, .. } => {
                        if self.refuse_sockets {
                            self.ws.on_close(socket, 1006, "", self.now);
                        } else {
                            self.conns.insert(socket, self.broker.accept(self.now));
                            self.ws.on_open(socket, self.now);
                        }
                    }
                    Io::Send { socket, bytes } => {
                        self.frames.push((socket, bytes.clone()));
                        if let Some(&conn) = self.conns.get(&socket) {
                            self.broker.handle_bytes(conn, &bytes, self.now);
                        }
                    }
                    Io::Close { socket } => {
                        if let Some(conn) = self.conns.remove(&socket) {
                            self.broker.connection_lost(conn, self.now);
                        }
                        // The browser reports the close of a socket we closed ourselves too.
                        self.ws.on_close(socket, 1005, "", self.now);
                    }
                }
            }
            let mut out: BTreeMap<ConnectionId, Vec<u8>> = BTreeMap::new();
            let mut buf = Vec::new();
            while let Some((conn, sent)) = self.broker.poll_transmit(self.now, &mut buf) {
                out.entry(conn)
                    .or_default()
                    .extend_from_slice(&buf[sent.bytes]);
                moved = true;
            }
            for (conn, bytes) in out {
                let Some(socket) = self.socket_of(conn) else {
                    continue;
                };
                if self.split {
                    for byte in bytes {
                        self.ws.on_frames(socket, [(&[byte][..], self.now)]);
                    }
                } else if self.batched {
                    let mut packets = Vec::new();
                    let mut rest = &bytes[..];
                    while let Ok(Some(len)) =
                        mqtt_core::codec::frame_len(rest, ProtocolVersion::V311)
                    {
                        let (packet, after) = rest.split_at(len);
                        packets.push(packet);
                        rest = after;
                    }
                    let start = self.now;
                    self.now += packets.len() as u64;
                    let timed = packets.into_iter().zip(start..);
                    self.ws.on_frames(socket, timed);
                } else {
                    self.ws.on_frames(socket, [(&bytes[..], self.now)]);
                }
            }
            while let Some(event) = self.broker.poll_event() {
                if let BrokerEventKind::CloseConnection { conn } = event.kind {
                    if let Some(socket) = self.socket_of(conn) {
                        self.conns.remove(&socket);
                        self.ws.on_close(socket, 1000, "", self.now);
                        moved = true;
                    }
                }
            }
            if !moved {
                return;
            }
        }
    }

    /// The frames the workspace sent on `socket`.
    fn sent_on(&self, socket: SocketId) -> Vec<&Vec<u8>> {
        self.frames
            .iter()
            .filter(|(on, _)| *on == socket)
            .map(|(_, bytes)| bytes)
            .collect()
    }

    fn socket_of(&self, conn: ConnectionId) -> Option<SocketId> {
        self.conns.iter().find(|(_, &c)| c == conn).map(|(&s, _)| s)
    }

    fn advance(&mut self, ms: u64) {
        for _ in 0..ms / 100 {
            self.now += 100;
            self.ws.tick(self.now);
            self.pump();
        }
    }

    fn problem(&self, key: ClientKey) -> String {
        let notice = self.ws.client(key).unwrap().problem.clone().unwrap();
        format!("{} | {}", notice.title, notice.details.join(" | "))
    }
}

#[test]
fn real_sessions_over_split_frames_and_coalesced_acks() {
    let mut net = Net::new(BrokerConfig::default());
    net.split = true;
    let kitchen = net.add(config("esp32-kitchen"));
    let dashboard = net.add(config("dashboard"));
    assert_eq!(net.ws.client(dashboard).unwrap().status, Status::Connected);
    net.ws
        .subscribe(
            dashboard,
            &SubscribeRequest::new("home/#", QoS::ExactlyOnce),
            net.now,
        )
        .unwrap();
    net.pump();
    // The broker's five PUBLISH reach the dashboard in one frame: its five PUBREC go back in one.
    net.split = false;
    for n in 0..5 {
        let request = PublishRequest::new("home/t", &n.to_string(), QoS::ExactlyOnce, false);
        net.ws.publish(kitchen, &request, net.now).unwrap();
    }
    net.pump();
    assert_eq!(payloads(&net.ws, dashboard), ["0", "1", "2", "3", "4"]);
    // Each delivered payload is its PUBLISH record's bytes, not a copy of them.
    let history = net.ws.history();
    for (_, message) in history.messages.iter_from(0) {
        if message.direction == Direction::Received {
            let packet = message.packet.and_then(|index| history.packets.get(index));
            assert!(
                packet.is_some_and(|p| message.payload.shares(&p.bytes)),
                "{message:?}"
            );
        }
    }
    let dashboard_frames = net.sent_on(2);
    assert!(
        dashboard_frames
            .iter()
            .any(|frame| frame.len() == 20 && frame.chunks(4).all(|c| c[0] == 0x50)),
        "{dashboard_frames:02x?}"
    );
    // Received packets are recorded with their bytes, even when they came a byte at a time.
    let types = packet_types(&net.ws, dashboard);
    assert!(types.contains(&(Direction::Received, PacketType::SubAck)));
    assert!(types.contains(&(Direction::Sent, PacketType::PubRec)));
    assert!(types.contains(&(Direction::Sent, PacketType::PubComp)));
    let (_, connack) = net
        .ws
        .history()
        .packets
        .iter_from(0)
        .find(|(_, p)| p.client == dashboard && p.packet_type == PacketType::ConnAck)
        .unwrap();
    assert_eq!(*connack.bytes, [0x20, 0x02, 0x00, 0x00]);
    // Recorded without a summary, both ways; the list shows mqtt-core's summary of the bytes.
    assert_eq!(connack.summary, "");
    assert_eq!(
        connack.summary_in(net.ws.version(dashboard)),
        "CONNACK 0x00 Connection accepted"
    );
    let (_, pubrec) = net
        .ws
        .history()
        .packets
        .iter_from(0)
        .find(|(_, p)| p.client == dashboard && p.packet_type == PacketType::PubRec)
        .unwrap();
    assert_eq!(
        (pubrec.summary.as_str(), pubrec.direction),
        ("", Direction::Sent)
    );
    assert_eq!(pubrec.summary_in(net.ws.version(dashboard)), "PUBREC id 1");
    // A packet is recorded before the packets it causes: PUBREC in, then PUBREL out.
    let kitchen_types = packet_types(&net.ws, kitchen);
    let pubrec = kitchen_types
        .iter()
        .position(|p| *p == (Direction::Received, PacketType::PubRec))
        .unwrap();
    let pubrel = kitchen_types
        .iter()
        .position(|p| *p == (Direction::Sent, PacketType::PubRel))
        .unwrap();
    assert!(pubrec < pubrel, "{kitchen_types:?}");
    // Disconnect: DISCONNECT goes out, then the socket closes, and the client is simply disconnected.
    net.ws.disconnect(dashboard, net.now).unwrap();
    net.pump();
    assert_eq!(
        net.ws.client(dashboard).unwrap().status,
        Status::Disconnected
    );
    assert!(net.ws.client(dashboard).unwrap().problem.is_none());
    assert_eq!(
        packet_types(&net.ws, dashboard).last(),
        Some(&(Direction::Sent, PacketType::Disconnect))
    );
}

#[test]
fn real_frames_that_arrive_together_are_answered_together_each_at_its_own_time() {
    let mut net = Net::new(BrokerConfig::default());
    let kitchen = net.add(config("esp32-kitchen"));
    let dashboard = net.add(config("dashboard"));
    net.ws
        .subscribe(
            dashboard,
            &SubscribeRequest::new("home/#", QoS::AtLeastOnce),
            net.now,
        )
        .unwrap();
    net.pump();
    for n in 0..5 {
        let request = PublishRequest::new("home/t", &n.to_string(), QoS::AtLeastOnce, false);
        net.ws.publish(kitchen, &request, net.now).unwrap();
    }
    net.batched = true;
    let from = net.ws.history().packets.end();
    net.frames.clear();
    net.pump();
    assert_eq!(payloads(&net.ws, dashboard), ["0", "1", "2", "3", "4"]);
    // The five PUBLISH came as five frames in one batch: the five PUBACK leave in one frame.
    let dashboard_frames = net.sent_on(2);
    assert_eq!(dashboard_frames.len(), 1, "{dashboard_frames:02x?}");
    assert!(
        dashboard_frames[0].len() == 20 && dashboard_frames[0].chunks(4).all(|c| c[0] == 0x40),
        "{dashboard_frames:02x?}"
    );
    // The history shows it so: every PUBLISH received, each at the time its frame arrived, then the
    // acknowledgements, sent when the batch was handled.
    let history = net.ws.history();
    let batch: Vec<(Direction, PacketType, u64)> = history
        .packets
        .iter_from(from)
        .filter(|(_, p)| p.client == dashboard)
        .map(|(_, p)| (p.direction, p.packet_type, p.at))
        .collect();
    let publishes: Vec<u64> = batch
        .iter()
        .take(5)
        .map(|&(direction, packet_type, at)| {
            assert_eq!(
                (direction, packet_type),
                (Direction::Received, PacketType::Publish)
            );
            at
        })
        .collect();
    let first = publishes[0];
    assert_eq!(
        publishes,
        (first..first + 5).collect::<Vec<_>>(),
        "{batch:?}"
    );
    assert_eq!(
        batch[5..],
        [(Direction::Sent, PacketType::PubAck, first + 4); 5],
        "{batch:?}"
    );
}

#[test]
fn real_will_on_kill_and_the_password_never_recorded() {
    let mut net = Net::new(BrokerConfig::default());
    let mut kitchen_config = config("esp32-kitchen");
    kitchen_config.username = Some("alice".into());
    kitchen_config.password = Some("s3cret".into());
    kitchen_config.will = Some(WillConfig {
        topic: "esp32-kitchen/status".into(),
        payload: "offline".into(),
        qos: QoS::AtMostOnce,
        retain: false,
        delay_s: 0,
    });
    let kitchen = net.add(kitchen_config);
    let dashboard = net.add(config("dashboard"));
    net.ws
        .subscribe(
            dashboard,
            &SubscribeRequest::new("esp32-kitchen/status", QoS::AtMostOnce),
            net.now,
        )
        .unwrap();
    net.pump();
    net.ws.kill(kitchen, net.now).unwrap();
    net.pump();
    assert_eq!(net.ws.client(kitchen).unwrap().status, Status::Killed);
    assert_eq!(received(&net.ws, dashboard).last().unwrap().1, "offline");
    let (_, connect) = net
        .ws
        .history()
        .packets
        .iter_from(0)
        .find(|(_, p)| p.client == kitchen && p.packet_type == PacketType::Connect)
        .unwrap();
    assert!(connect.redacted);
    assert!(connect.bytes.ends_with(b"******"));
    assert!(!connect.bytes.windows(6).any(|w| w == b"s3cret"));
    // The frame on the wire carried the real password.
    assert!(net.frames[0].1.windows(6).any(|w| w == b"s3cret"));
}

#[test]
fn real_subscription_downgrade_is_noticed() {
    let mut net = Net::new(BrokerConfig {
        maximum_qos: QoS::AtLeastOnce,
        ..BrokerConfig::default()
    });
    let key = net.add(config("dashboard"));
    net.ws
        .subscribe(
            key,
            &SubscribeRequest::new("a/#", QoS::ExactlyOnce),
            net.now,
        )
        .unwrap();
    net.pump();
    let notice = net.ws.client(key).unwrap().problem.clone().unwrap();
    assert_eq!(notice.level, Level::Warning);
    assert!(notice.title.contains("granted QoS 1") && notice.title.contains("asked for QoS 2"));
    let subscription = &net.ws.session(key).unwrap().subscriptions()[0];
    assert_eq!(subscription.granted, Some(QoS::AtLeastOnce));
}

#[test]
fn real_refusal_unreachable_broker_and_timeouts_explain_themselves() {
    // A refusing "broker": CONNACK "not authorized", then the close.
    let mut ws = Workspace::new(
        BrokerChoice::WebSocket {
            url: "ws://broker.test:9001".into(),
        },
        0,
    );
    let key = ws.add_client(config("dashboard"), 0).unwrap();
    assert_eq!(
        ws.take_io(),
        [Io::Open {
            socket: 1,
            url: "ws://broker.test:9001".into()
        }]
    );
    ws.on_open(1, 5);
    assert!(matches!(
        ws.take_io().as_slice(),
        [Io::Send { socket: 1, .. }]
    ));
    let mut refusal = Vec::new();
    let connack = ConnAck {
        code: ReasonCode(5),
        ..ConnAck::default()
    };
    encode(
        &Packet::ConnAck(connack),
        ProtocolVersion::V311,
        &mut refusal,
    )
    .unwrap();
    ws.on_frames(1, [(&refusal[..], 10)]);
    assert_eq!(ws.take_io(), [Io::Close { socket: 1 }]);
    ws.on_close(1, 1000, "", 11);
    let entry = ws.client(key).unwrap();
    assert_eq!(entry.status, Status::Failed);
    let problem = entry.problem.clone().unwrap();
    assert_eq!(
        problem.title,
        "The broker refused the connection: not authorized (0x05)."
    );

    // Nothing listening: the socket fails before it opens.
    let mut net = Net::new(BrokerConfig::default());
    net.refuse_sockets = true;
    let key = net.add(config("dashboard"));
    assert_eq!(net.ws.client(key).unwrap().status, Status::Failed);
    let problem = net.problem(key);
    assert!(
        problem.contains("Could not open a WebSocket to ws://broker.test:9001"),
        "{problem}"
    );
    assert!(problem.contains("Wrong port or path"), "{problem}");
    // Connecting again is allowed and clears the problem.
    net.refuse_sockets = false;
    net.ws.connect(key, net.now).unwrap();
    assert!(net.ws.client(key).unwrap().problem.is_none());
    net.pump();
    assert_eq!(net.ws.client(key).unwrap().status, Status::Connected);

    // A socket that never answers.
    let mut ws = Workspace::new(
        BrokerChoice::WebSocket {
            url: "wss://slow.test".into(),
        },
        0,
    );
    let key = ws.add_client(config("dashboard"), 0).unwrap();
    ws.take_io();
    ws.tick(10_001);
    assert_eq!(ws.take_io(), [Io::Close { socket: 1 }]);
    let problem = ws.client(key).unwrap().problem.clone().unwrap();
    assert!(problem.title.contains("did not open within 10 s"));
    assert!(problem
        .details
        .join(" ")
        .contains("open https://slow.test once"));
    ws.on_open(1, 10_002);
    assert_eq!(
        ws.take_io(),
        [Io::Close { socket: 1 }],
        "a late open is closed again"
    );
}

#[test]
fn real_keep_alive_sends_pingreq_and_times_out_without_pingresp() {
    let mut net = Net::new(BrokerConfig::default());
    let mut quick = config("dashboard");
    quick.keep_alive = 2;
    let key = net.add(quick);
    net.advance(2_100);
    assert!(packet_types(&net.ws, key).contains(&(Direction::Received, PacketType::PingResp)));
    assert!(net.ws.client(key).unwrap().latency_ms.is_some());
    // The broker goes silent: its connection is gone but the socket stays up.
    net.conns.clear();
    net.advance(6_000);
    assert_eq!(net.ws.client(key).unwrap().status, Status::Failed);
    assert!(net.problem(key).contains("Keep-alive timeout"));
    assert_eq!(
        net.ws.session(key).unwrap().state(),
        ConnectionState::Disconnected
    );
}

#[test]
fn real_broker_closing_the_socket_is_explained() {
    let mut net = Net::new(BrokerConfig::default());
    let first = net.add(config("a"));
    // Same client id: the broker takes the session over and closes the first connection.
    let mut twin = config("b");
    twin.client_id = "mqttpg-a".into();
    net.add(twin);
    assert_eq!(net.ws.client(first).unwrap().status, Status::Failed);
    let problem = net.problem(first);
    assert!(
        problem.contains("The broker closed the connection"),
        "{problem}"
    );
    assert!(problem.contains("same client id"), "{problem}");
}

// --- Stepping, forks and hold mode -----------------------------------------------------------------

/// The packets the diagram shows at the cursor, oldest first: "client TYPE" with `>` for sent and `<`
/// for received, and `…` in flight, `✕` lost (arrived packets have no suffix).
fn shown(ws: &Workspace, now: u64) -> Vec<String> {
    let playhead = ws.playhead(now);
    let cursor = playhead.cursor;
    ws.history()
        .packets
        .iter_from(0)
        .map(|(_, p)| p)
        .filter(|p| p.step < cursor)
        .map(|p| {
            let dir = if p.direction == Direction::Sent {
                '>'
            } else {
                '<'
            };
            let fate = match (p.lost, p.end) {
                (Some(_), Some((step, _))) if step < cursor => "✕",
                (Some(_), None) => "✕",
                (None, Some((step, _))) if step < cursor => "",
                (None, None) if !playhead.simulated => "",
                _ => "…",
            };
            format!("{} {dir}{}{fate}", ws.name(p.client), p.packet_type.name())
        })
        .collect()
}

/// What a client panel says at the cursor: outbound waits and inbound QoS 2 ids.
fn panel(ws: &Workspace, key: ClientKey) -> (Vec<&'static str>, Vec<u16>) {
    let panels = ws.panels();
    let client = panels.clients.iter().find(|c| c.key == key).unwrap();
    (
        client.outbound.iter().map(|o| o.waiting).collect(),
        client.inbound.clone(),
    )
}

fn deliveries(ws: &Workspace, key: ClientKey) -> usize {
    let cursor = ws.playhead(0).cursor;
    ws.history()
        .marks
        .iter_from(0)
        .filter(|(_, m)| {
            m.step < cursor && m.client == Some(key) && matches!(m.kind, MarkKind::Delivered(_))
        })
        .count()
}

#[test]
fn simulated_qos2_walked_step_by_step_then_back() {
    let mut sim = Sim::new();
    let kitchen = sim.add(config("esp32-kitchen"));
    let dashboard = sim.add(config("dashboard"));
    let request = SubscribeRequest::new("home/#", QoS::ExactlyOnce);
    sim.ws.subscribe(dashboard, &request, sim.now).unwrap();
    sim.run(200);
    sim.ws.pause(sim.now);
    let paused = sim.ws.playhead(sim.now);
    assert!(paused.at_head() && !paused.playing && paused.simulated);
    let publish = PublishRequest::new("home/t", "21.5", QoS::ExactlyOnce, false);
    sim.ws.publish(kitchen, &publish, sim.now).unwrap();
    sim.run(1_000);
    assert_eq!(
        sim.ws.playhead(sim.now).head,
        paused.head,
        "paused: nothing moves"
    );
    let base = shown(&sim.ws, sim.now).len();
    let mut walk = Vec::new();
    for _ in 0..9 {
        sim.ws.step_forward(sim.now).unwrap();
        let now = shown(&sim.ws, sim.now);
        walk.push(now[base..].join(", "));
        walk.push(format!(
            "{:?} {:?}",
            panel(&sim.ws, kitchen),
            panel(&sim.ws, dashboard)
        ));
    }
    let expected = [
        "esp32-kitchen >PUBLISH…",
        r#"(["PUBREC"], []) ([], [])"#,
        "esp32-kitchen >PUBLISH, esp32-kitchen <PUBREC…, dashboard <PUBLISH…",
        r#"(["PUBREC"], []) ([], [])"#,
        "esp32-kitchen >PUBLISH, esp32-kitchen <PUBREC, dashboard <PUBLISH…, esp32-kitchen >PUBREL…",
        r#"(["PUBCOMP"], []) ([], [])"#,
        "esp32-kitchen >PUBLISH, esp32-kitchen <PUBREC, dashboard <PUBLISH, esp32-kitchen >PUBREL…, dashboard >PUBREC…",
        r#"(["PUBCOMP"], []) ([], [1])"#,
    ];
    assert_eq!(walk[..8], expected, "{walk:#?}");
    // The dashboard got the message once, and exactly-once holds to the end of the handshake.
    assert_eq!(deliveries(&sim.ws, dashboard), 1);
    let end = walk.last().unwrap().clone();
    assert_eq!(end, r#"([], []) ([], [])"#, "{walk:#?}");
    assert!(
        walk[walk.len() - 2].ends_with("dashboard <PUBREL, dashboard >PUBCOMP"),
        "{walk:#?}"
    );
    // Back: the state as it was.
    for _ in 0..5 {
        sim.ws.step_back();
    }
    assert_eq!(panel(&sim.ws, kitchen).0, ["PUBCOMP"]);
    assert_eq!(deliveries(&sim.ws, dashboard), 1);
    sim.ws.step_back();
    sim.ws.step_back();
    assert_eq!(panel(&sim.ws, kitchen).0, ["PUBREC"]);
    assert_eq!(deliveries(&sim.ws, dashboard), 0);
    // Playing from the past replays, then goes on live.
    sim.ws.play(sim.now);
    sim.run(500);
    assert!(sim.ws.playhead(sim.now).at_head());
    assert_eq!(deliveries(&sim.ws, dashboard), 1);
    assert_eq!(sim.ws.client(dashboard).unwrap().received, 1);
}

#[test]
fn simulated_lost_puback_and_retry_duplicate_qos1_and_a_fork_before_the_loss_undoes_it() {
    let mut sim = Sim::new();
    let kitchen = sim.add(config("esp32-kitchen"));
    let dashboard = sim.add(config("dashboard"));
    let request = SubscribeRequest::new("home/#", QoS::AtLeastOnce);
    sim.ws.subscribe(dashboard, &request, sim.now).unwrap();
    sim.run(200);
    sim.ws
        .set_teaching_retry(kitchen, Some(1_000), sim.now)
        .unwrap();
    assert_eq!(sim.ws.teaching_retry(kitchen), Some(1_000));
    sim.ws
        .arm_fault(
            FaultKind::Drop,
            PacketType::PubAck,
            FaultAim::To(kitchen),
            sim.now,
        )
        .unwrap();
    assert_eq!(
        sim.ws.armed_faults(),
        ["drop the next PUBACK to esp32-kitchen"]
    );
    let publish = PublishRequest::new("home/t", "21.5", QoS::AtLeastOnce, false);
    sim.ws.publish(kitchen, &publish, sim.now).unwrap();
    sim.run(2_000);
    assert!(sim.ws.armed_faults().is_empty(), "the fault fired");
    // QoS 1 delivered twice: the resent PUBLISH (DUP) is a new message to the broker.
    assert_eq!(received(&sim.ws, dashboard).len(), 2);
    assert_eq!(deliveries(&sim.ws, dashboard), 2);
    let lost = sim
        .ws
        .history()
        .packets
        .iter_from(0)
        .find(|(_, p)| p.lost.is_some())
        .map(|(_, p)| (p.packet_type, p.client))
        .unwrap();
    assert_eq!(lost, (PacketType::PubAck, kitchen));
    // Back to just after the PUBLISH was written, and the retry switched off there: a new future.
    let publish_step = sim
        .ws
        .history()
        .packets
        .iter_from(0)
        .find(|(_, p)| p.client == kitchen && p.packet_type == PacketType::Publish)
        .map(|(_, p)| p.step)
        .unwrap();
    sim.ws.pause(sim.now);
    sim.ws.seek(publish_step + 1);
    assert_eq!(
        shown(&sim.ws, sim.now).last().unwrap(),
        "esp32-kitchen >PUBLISH…"
    );
    let messages = sim.ws.history().messages.end();
    sim.ws.set_teaching_retry(kitchen, None, sim.now).unwrap();
    assert!(
        sim.ws.playhead(sim.now).at_head(),
        "the recorded future is gone"
    );
    assert!(sim.ws.history().messages.end() < messages);
    assert_eq!(received(&sim.ws, dashboard).len(), 0);
    sim.ws.play(sim.now);
    sim.run(3_000);
    // Still lost (the fault was armed before), but without the retry: one delivery, and the message
    // stays in the kitchen's session waiting for its PUBACK.
    assert_eq!(received(&sim.ws, dashboard).len(), 1);
    assert_eq!(sim.ws.client(dashboard).unwrap().received, 1);
    assert_eq!(panel(&sim.ws, kitchen).0, ["PUBACK"]);
}

#[test]
fn simulated_qos2_stays_exactly_once_when_the_pubrec_is_lost() {
    let mut sim = Sim::new();
    let kitchen = sim.add(config("esp32-kitchen"));
    let dashboard = sim.add(config("dashboard"));
    let request = SubscribeRequest::new("home/#", QoS::ExactlyOnce);
    sim.ws.subscribe(dashboard, &request, sim.now).unwrap();
    sim.run(200);
    sim.ws
        .set_teaching_retry(kitchen, Some(1_000), sim.now)
        .unwrap();
    sim.ws
        .arm_fault(
            FaultKind::Drop,
            PacketType::PubRec,
            FaultAim::To(kitchen),
            sim.now,
        )
        .unwrap();
    let publish = PublishRequest::new("home/t", "21.5", QoS::ExactlyOnce, false);
    sim.ws.publish(kitchen, &publish, sim.now).unwrap();
    sim.run(3_000);
    assert_eq!(received(&sim.ws, dashboard).len(), 1, "exactly once");
    let suppressed = sim
        .ws
        .history()
        .marks
        .iter_from(0)
        .filter(|(_, m)| m.client.is_none() && matches!(m.kind, MarkKind::Suppressed(_)))
        .count();
    assert_eq!(suppressed, 1, "the broker recognised the resent PUBLISH");
    let dup = sim
        .ws
        .history()
        .packets
        .iter_from(0)
        .filter(|(_, p)| p.client == kitchen && p.packet_type == PacketType::Publish)
        .map(|(_, p)| p.bytes[0] & 0x08 != 0)
        .collect::<Vec<_>>();
    assert_eq!(dup, [false, true], "the resend carries DUP");
    assert_eq!(panel(&sim.ws, kitchen).0, Vec::<&str>::new());
    let panels = sim.ws.panels();
    let broker = panels.broker.as_ref().unwrap();
    assert_eq!(broker.sessions.len(), 2);
}

#[test]
fn real_hold_mode_walks_a_qos2_handshake_packet_by_packet() {
    let mut net = Net::new(BrokerConfig::default());
    let kitchen = net.add(config("esp32-kitchen"));
    let dashboard = net.add(config("dashboard"));
    let request = SubscribeRequest::new("home/#", QoS::ExactlyOnce);
    net.ws.subscribe(dashboard, &request, net.now).unwrap();
    net.pump();
    net.ws.pause(net.now);
    let publish = PublishRequest::new("home/t", "21.5", QoS::ExactlyOnce, false);
    net.ws.publish(kitchen, &publish, net.now).unwrap();
    net.pump();
    let base = shown(&net.ws, net.now).len();
    let holds = net.ws.holds(net.now);
    assert_eq!(holds.len(), 1);
    assert_eq!(holds[0].held[0].0, PacketType::Publish);
    assert_eq!(
        panel(&net.ws, kitchen).0,
        ["PUBREC"],
        "the session thinks it sent it"
    );
    let mut walk = Vec::new();
    loop {
        match net.ws.step_forward(net.now) {
            Ok(()) => {}
            Err(message) => {
                assert!(message.contains("Nothing is waiting"), "{message}");
                break;
            }
        }
        net.pump();
        walk.push(shown(&net.ws, net.now).last().unwrap().clone());
        let waiting: Vec<String> = net
            .ws
            .holds(net.now)
            .iter()
            .map(|h| {
                let held = h.held.iter().map(|p| format!("hold {}", p.0.name()));
                let inbox = h.inbox.iter().map(|p| format!("inbox {}", p.0.name()));
                format!(
                    "{}: {}",
                    net.ws.name(h.key),
                    held.chain(inbox).collect::<Vec<_>>().join(" ")
                )
            })
            .collect();
        walk.push(waiting.join("; "));
        assert!(walk.len() < 40, "{walk:#?}");
    }
    let expected = [
        "esp32-kitchen >PUBLISH",
        "esp32-kitchen: inbox PUBREC; dashboard: inbox PUBLISH",
        "esp32-kitchen <PUBREC",
        "esp32-kitchen: hold PUBREL; dashboard: inbox PUBLISH",
        "dashboard <PUBLISH",
        "esp32-kitchen: hold PUBREL; dashboard: hold PUBREC",
        "esp32-kitchen >PUBREL",
        "esp32-kitchen: inbox PUBCOMP; dashboard: hold PUBREC",
        "dashboard >PUBREC",
        "esp32-kitchen: inbox PUBCOMP; dashboard: inbox PUBREL",
        "esp32-kitchen <PUBCOMP",
        "dashboard: inbox PUBREL",
        "dashboard <PUBREL",
        "dashboard: hold PUBCOMP",
        "dashboard >PUBCOMP",
        "",
    ];
    assert_eq!(walk, expected);
    assert_eq!(received(&net.ws, dashboard).len(), 1);
    assert_eq!(shown(&net.ws, net.now).len(), base + 8);
    // Back through the record: the state as it was (nothing is un-sent).
    for _ in 0..4 {
        net.ws.step_back();
    }
    let head = net.ws.playhead(net.now);
    assert!(!head.at_head() && !head.simulated);
    assert_eq!(panel(&net.ws, kitchen).0, ["PUBCOMP"]);
    assert_eq!(panel(&net.ws, dashboard).1, [1], "waiting for PUBREL then");
    net.ws.play(net.now);
    assert!(net.ws.playhead(net.now).at_head());
    assert_eq!(panel(&net.ws, dashboard).1, Vec::<u16>::new());
}

#[test]
fn real_hold_mode_spaces_steps_by_clicks_not_by_the_minutes_between_them() {
    let mut net = Net::new(BrokerConfig::default());
    let kitchen = net.add(config("esp32-kitchen"));
    net.ws.pause(net.now);
    let publish = PublishRequest::new("home/t", "21.5", QoS::AtLeastOnce, false);
    net.ws.publish(kitchen, &publish, net.now).unwrap();
    net.pump();
    let mut ys = Vec::new();
    for _ in 0..2 {
        net.advance(20_000);
        net.ws.step_forward(net.now).unwrap();
        net.pump();
        ys.push(net.ws.history().beats.last().unwrap().y);
    }
    let gap = ys[1] - ys[0];
    assert!(gap <= super::diagram::gap(COMPACT_MS), "{gap}");
    // Playing again: time spaces the steps as usual.
    net.ws.play(net.now);
    net.advance(1_000);
    net.ws.publish(kitchen, &publish, net.now).unwrap();
    net.pump();
    let last = net.ws.history().beats.last().unwrap().y;
    assert!(
        last - ys[1] > super::diagram::gap(COMPACT_MS),
        "{}",
        last - ys[1]
    );
}

#[test]
fn real_hold_never_holds_pings_drops_our_own_packets_and_keeps_a_close_behind_the_inbox() {
    let mut net = Net::new(BrokerConfig::default());
    let mut quick = config("esp32-kitchen");
    quick.keep_alive = 2;
    let kitchen = net.add(quick);
    net.ws.pause(net.now);
    net.advance(1_100);
    let holds = net.ws.holds(net.now);
    assert_eq!(
        holds[0].keep_alive,
        Some((1, 3)),
        "quiet for half the keep alive: warned"
    );
    net.advance(1_000);
    assert!(packet_types(&net.ws, kitchen).contains(&(Direction::Received, PacketType::PingResp)));
    assert_eq!(net.ws.client(kitchen).unwrap().status, Status::Connected);
    // Dropping a held packet: never sent, recorded as our own loss.
    let publish = PublishRequest::new("home/t", "1", QoS::AtLeastOnce, false);
    net.ws.publish(kitchen, &publish, net.now).unwrap();
    net.pump();
    net.ws.drop_held(kitchen, net.now).unwrap();
    let (_, last) = net.ws.history().packets.iter_from(0).last().unwrap();
    assert_eq!(
        (last.packet_type, last.lost),
        (PacketType::Publish, Some("dropped by you: never sent"))
    );
    // A PUBLISH sent, its PUBACK buffered, then the broker closes: the close waits its turn.
    let publish = PublishRequest::new("home/t", "2", QoS::AtLeastOnce, false);
    net.ws.publish(kitchen, &publish, net.now).unwrap();
    net.pump();
    net.ws.send_held(kitchen, net.now).unwrap();
    net.pump();
    assert_eq!(net.ws.holds(net.now)[0].inbox.len(), 1);
    let socket = *net.conns.keys().next().unwrap();
    net.conns.clear();
    net.ws.on_close(socket, 1000, "", net.now);
    assert!(net.ws.holds(net.now)[0].closing);
    assert_eq!(net.ws.client(kitchen).unwrap().status, Status::Connected);
    net.ws.reveal(kitchen, net.now).unwrap();
    assert_eq!(
        panel(&net.ws, kitchen).0,
        ["PUBACK"],
        "the first one still waits"
    );
    net.ws.reveal(kitchen, net.now).unwrap();
    assert_eq!(net.ws.client(kitchen).unwrap().status, Status::Failed);
    // The real-broker fault: drop the next PUBLISH we send.
    net.ws.play(net.now);
    net.ws.connect(kitchen, net.now).unwrap();
    net.pump();
    net.ws
        .arm_fault(
            FaultKind::Drop,
            PacketType::Publish,
            FaultAim::From(kitchen),
            net.now,
        )
        .unwrap();
    assert_eq!(
        net.ws.armed_faults(),
        ["drop the next PUBLISH from esp32-kitchen"]
    );
    net.ws.publish(kitchen, &publish, net.now).unwrap();
    net.pump();
    let (_, last) = net.ws.history().packets.iter_from(0).last().unwrap();
    assert_eq!(last.lost, Some("dropped by you: never sent"));
    assert!(net.ws.armed_faults().is_empty());
}

#[test]
fn a_benchmark_workload_loads_runs_to_its_end_and_seeks() {
    let mut ws = Workspace::new(BrokerChoice::Simulated { latency_ms: 50 }, 0);
    ws.add_client(config("gone"), 0).unwrap();
    let packets = ws
        .load_scenario(mqtt_sim::workloads::large(2, 60), Some(1_000_000), 100)
        .unwrap();
    assert!(packets > 400, "{packets} packets");
    let names: Vec<&str> = ws
        .clients()
        .iter()
        .map(|c| c.config.name.as_str())
        .collect();
    assert_eq!(names, ["c0", "c1"]);
    let head = ws.playhead(100);
    assert!(head.at_head() && !head.playing);
    assert_eq!(ws.client(ws.clients()[1].key).unwrap().received, 60);
    ws.seek(head.head / 2);
    let middle = ws.playhead(100);
    assert!(middle.cursor >= head.head / 2 && middle.cursor < head.head);
    assert!(!ws.panels().clients.is_empty());
    ws.seek(0);
    assert_eq!(ws.playhead(100).cursor, head.first);
}

// --- Traced devices --------------------------------------------------------------------------------

/// A trace record of `hex` on the board's first connection.
fn trace_line(t: u64, dir: &str, kind: &str, id: Option<u16>, hex: &str) -> String {
    super::traced::record_line(t, 1, dir, kind, id, hex)
}

#[test]
fn a_traced_device_is_drawn_on_its_own_lifeline_once_however_many_clients_watch() {
    use super::diagram;
    use super::traced::{FIRST_DEVICE_KEY, TRACE_FILTER};

    let mut net = Net::new(BrokerConfig::default());
    let relay = net.add(config("relay"));
    let watchers = [net.add(config("dashboard")), net.add(config("laptop"))];
    for key in watchers {
        net.ws
            .subscribe(
                key,
                &SubscribeRequest::new(TRACE_FILTER, QoS::AtMostOnce),
                net.now,
            )
            .unwrap();
    }
    net.pump();
    // The board's QoS 2 publish of its IP, as its trace tells it: PUBLISH, PUBREC, PUBREL, PUBCOMP
    // (3.1.1, packet id 1), the records 30 ms apart on the board's clock.
    let records = [
        trace_line(9_000, "out", "PINGREQ", None, "c000"),
        trace_line(9_010, "in", "PINGRESP", None, "d000"),
        trace_line(
            9_100,
            "out",
            "PUBLISH",
            Some(1),
            "3418001065737033322d6b69746368656e2f6970000131302e30",
        ),
        trace_line(9_130, "in", "PUBREC", Some(1), "50020001"),
        trace_line(9_160, "out", "PUBREL", Some(1), "62020001"),
        trace_line(9_190, "in", "PUBCOMP", Some(1), "70020001"),
    ];
    for line in &records {
        let request = PublishRequest::new(
            "mqtt-playground/trace/esp32-kitchen",
            line,
            QoS::AtMostOnce,
            false,
        );
        net.ws.publish(relay, &request, net.now).unwrap();
        net.pump();
        net.advance(30);
    }
    let device = FIRST_DEVICE_KEY;
    assert_eq!(net.ws.name(device), "esp32-kitchen (traced)");
    assert_eq!(
        packet_types(&net.ws, device),
        [
            (Direction::Sent, PacketType::PingReq),
            (Direction::Received, PacketType::PingResp),
            (Direction::Sent, PacketType::Publish),
            (Direction::Received, PacketType::PubRec),
            (Direction::Sent, PacketType::PubRel),
            (Direction::Received, PacketType::PubComp),
        ],
        "each record once, though two clients brought it in"
    );
    let devices = net.ws.traced_devices().list();
    assert_eq!(devices.len(), 1);
    assert_eq!(
        devices[0].latency_ms,
        Some(5),
        "half the PINGREQ→PINGRESP round trip"
    );
    let publish = net
        .ws
        .history()
        .packets
        .iter_from(0)
        .map(|(_, p)| p)
        .find(|p| p.client == device && p.packet_type == PacketType::Publish)
        .unwrap();
    assert!(
        publish.summary.contains("esp32-kitchen/ip"),
        "the bytes are decoded: {}",
        publish.summary
    );
    assert_eq!(publish.far_at, Some(publish.at + 5));
    // The diagram draws the device as a lifeline of its own, beside the page's clients.
    let playhead = net.ws.playhead(net.now);
    let scene = diagram::scene(&net.ws, &playhead, 0.0, f32::MAX, f32::INFINITY);
    let lanes: Vec<&str> = scene.lanes.iter().map(|l| l.name.as_str()).collect();
    assert!(
        lanes.contains(&"esp32-kitchen (traced)") && lanes.contains(&"broker"),
        "{lanes:?}"
    );
    assert!(scene
        .arrows
        .iter()
        .any(|a| a.label == "PUBREL #1" && a.text.contains("esp32-kitchen (traced) → broker")));
    // Something else on a trace topic is explained, not drawn.
    let request = PublishRequest::new(
        "mqtt-playground/trace/esp32-kitchen",
        "hello",
        QoS::AtMostOnce,
        false,
    );
    net.ws.publish(relay, &request, net.now).unwrap();
    net.pump();
    assert_eq!(packet_types(&net.ws, device).len(), 6);
    assert!(net
        .ws
        .history()
        .notices
        .iter_from(0)
        .any(|(_, n)| n.title.contains("is not a trace record")));
}

#[test]
fn simulated_drop_the_next_packet_from_one_client_spares_the_others() {
    let mut sim = Sim::new();
    let kitchen = sim.add(config("esp32-kitchen"));
    let bathroom = sim.add(config("esp32-bathroom"));
    let dashboard = sim.add(config("dashboard"));
    let request = SubscribeRequest::new("home/#", QoS::AtMostOnce);
    sim.ws.subscribe(dashboard, &request, sim.now).unwrap();
    sim.run(200);
    sim.ws
        .arm_fault(
            FaultKind::Drop,
            PacketType::Publish,
            FaultAim::From(kitchen),
            sim.now,
        )
        .unwrap();
    assert_eq!(
        sim.ws.armed_faults(),
        ["drop the next PUBLISH from esp32-kitchen to broker"]
    );
    // The bathroom publishes first: a PUBLISH to the broker, but not from the kitchen.
    for (who, payload) in [(bathroom, "24.0"), (kitchen, "21.5"), (kitchen, "21.6")] {
        let publish = PublishRequest::new("home/t", payload, QoS::AtMostOnce, false);
        sim.ws.publish(who, &publish, sim.now).unwrap();
        sim.run(100);
    }
    sim.run(500);
    assert!(sim.ws.armed_faults().is_empty(), "the fault fired");
    let payloads: Vec<String> = received(&sim.ws, dashboard)
        .into_iter()
        .map(|m| m.1)
        .collect();
    assert_eq!(payloads, ["24.0", "21.6"]);
    let lost: Vec<_> = sim
        .ws
        .history()
        .packets
        .iter_from(0)
        .filter(|(_, p)| p.lost.is_some())
        .map(|(_, p)| (p.packet_type, p.client))
        .collect();
    assert_eq!(lost, [(PacketType::Publish, kitchen)]);
}

/// A flood of large payloads keeps fewer messages, not more memory than the budget (the payload is
/// shared here, so the test itself stays small while the log counts every copy).
#[test]
fn history_keeps_payloads_within_its_byte_budget() {
    use super::model::MessageRecord;
    use super::workspace::{History, MAX_HISTORY_BYTES};
    use std::rc::Rc;

    let payload = Payload::from(vec![7u8; MAX_HISTORY_BYTES / 4]);
    let mut history = History::default();
    for n in 0..12u64 {
        let index = history.messages.push(MessageRecord {
            at: n,
            client: 1,
            direction: Direction::Received,
            topic: Rc::from("cam/frame"),
            payload: payload.clone(),
            qos: QoS::AtMostOnce,
            retain: false,
            dup: false,
            packet_id: None,
            properties: None,
            packet: None,
            step: n,
        });
        assert_eq!(index, n, "indices stay stable while the oldest go");
        assert!(history.messages.bytes() <= MAX_HISTORY_BYTES);
    }
    assert!(
        (3..=4).contains(&history.messages.len()),
        "{} kept",
        history.messages.len()
    );
    assert_eq!(history.messages.last().map(|m| m.at), Some(11));
}
