//! The course's stories as scenarios, each asserting its outcome in what the subscriber received.

use mqtt_core::client::EventKind;
use mqtt_core::codec::PacketType;
use mqtt_core::codec::QoS;
use mqtt_sim::scenario::ScheduledAction;
use mqtt_sim::{
    Action, ClientSpec, Fault, LinkSettings, PacketKind, Protocol, Scenario, SimEvent,
    SimEventKind, World,
};

fn at(ms: u64, actor: &str, action: Action) -> ScheduledAction {
    ScheduledAction {
        at_ms: ms,
        actor: actor.into(),
        action,
    }
}

fn subscribe(filter: &str, qos: u8) -> Action {
    Action::Subscribe {
        filter: filter.into(),
        qos,
        no_local: false,
        retain_as_published: false,
        retain_handling: 0,
    }
}

fn publish(topic: &str, payload: &str, qos: u8, retain: bool) -> Action {
    Action::Publish {
        topic: topic.into(),
        payload: payload.into(),
        qos,
        retain,
        properties: Default::default(),
    }
}

fn persistent(name: &str, protocol: Protocol) -> ClientSpec {
    let mut spec = ClientSpec::new(name);
    spec.protocol = protocol;
    spec.clean_start = false;
    spec.session_expiry_s = 3600;
    spec
}

fn run(scenario: Scenario) -> Vec<SimEvent> {
    World::new(scenario).expect("valid scenario").run(100_000)
}

/// Payloads delivered to `actor`'s application, in order.
fn received(events: &[SimEvent], actor: &str) -> Vec<(String, QoS)> {
    events
        .iter()
        .filter(|e| e.actor == actor)
        .filter_map(|e| match &e.kind {
            SimEventKind::Client(EventKind::MessageDelivered { message, .. }) => Some((
                String::from_utf8_lossy(&message.payload).into_owned(),
                message.qos,
            )),
            _ => None,
        })
        .collect()
}

fn payloads(events: &[SimEvent], actor: &str) -> Vec<String> {
    received(events, actor)
        .into_iter()
        .map(|(p, _)| p)
        .collect()
}

/// dashboard subscribes to `sensors/#` at `sub_qos`; esp32-kitchen publishes one message at `qos`
/// at 1 s; `fault` strikes.
fn one_message(qos: u8, protocol: Protocol, faults: Vec<Fault>, retry: Option<u64>) -> Scenario {
    let mut scenario = Scenario::new("one message");
    let mut sensor = persistent("esp32-kitchen", protocol);
    sensor.teaching_retry_ms = retry;
    scenario.clients = vec![persistent("dashboard", protocol), sensor];
    scenario.actions = vec![
        at(0, "dashboard", subscribe("sensors/#", 2)),
        at(
            1_000,
            "esp32-kitchen",
            publish("sensors/kitchen/temp", "21.5", qos, false),
        ),
    ];
    scenario.faults = faults;
    scenario
}

fn cut_while(packet: PacketType, to: &str) -> Fault {
    Fault::CutWhileInFlight {
        packet: PacketKind(packet),
        to: to.into(),
    }
}

#[test]
fn qos0_is_lost_when_the_link_is_cut() {
    for protocol in [Protocol::V311, Protocol::V5] {
        let events = run(one_message(
            0,
            protocol,
            vec![cut_while(PacketType::Publish, "broker")],
            None,
        ));
        assert!(
            payloads(&events, "dashboard").is_empty(),
            "{protocol:?}: QoS 0 is never resent"
        );
        assert!(events
            .iter()
            .any(|e| matches!(e.kind, SimEventKind::PacketLost { .. })));
    }
}

#[test]
fn qos1_is_delivered_twice_when_the_puback_dies_with_the_connection() {
    for protocol in [Protocol::V311, Protocol::V5] {
        let events = run(one_message(
            1,
            protocol,
            vec![cut_while(PacketType::PubAck, "esp32-kitchen")],
            None,
        ));
        assert_eq!(
            payloads(&events, "dashboard"),
            ["21.5", "21.5"],
            "{protocol:?}"
        );
        // The second copy is the publisher's resend after reconnecting, with DUP=1.
        let resent = events.iter().any(|e| match &e.kind {
            SimEventKind::PacketWritten(t) => {
                t.from == "esp32-kitchen" && t.summary.contains("DUP")
            }
            _ => false,
        });
        assert!(resent);
    }
}

#[test]
fn qos1_is_delivered_twice_in_teaching_mode_when_the_puback_is_lost_and_retry_is_on() {
    let events = run(one_message(
        1,
        Protocol::V311,
        vec![Fault::DropNext {
            packet: PacketKind(PacketType::PubAck),
            to: "esp32-kitchen".into(),
            from: None,
        }],
        Some(3_000),
    ));
    assert_eq!(payloads(&events, "dashboard"), ["21.5", "21.5"]);
    assert!(events
        .iter()
        .any(|e| matches!(&e.kind, SimEventKind::Client(EventKind::TimerFired(_)))));
}

#[test]
fn qos2_is_delivered_exactly_once_under_the_same_faults() {
    for protocol in [Protocol::V311, Protocol::V5] {
        for fault in [
            cut_while(PacketType::PubRec, "esp32-kitchen"),
            cut_while(PacketType::PubComp, "esp32-kitchen"),
            cut_while(PacketType::PubRel, "broker"),
            cut_while(PacketType::PubRec, "broker"),
            Fault::CutAfter {
                packet: PacketKind(PacketType::PubRec),
                to: "esp32-kitchen".into(),
            },
        ] {
            let events = run(one_message(2, protocol, vec![fault.clone()], None));
            assert_eq!(
                payloads(&events, "dashboard"),
                ["21.5"],
                "{protocol:?} {fault:?}"
            );
        }
        let events = run(one_message(
            2,
            protocol,
            vec![Fault::DropNext {
                packet: PacketKind(PacketType::PubRec),
                to: "esp32-kitchen".into(),
                from: None,
            }],
            Some(3_000),
        ));
        assert_eq!(
            payloads(&events, "dashboard"),
            ["21.5"],
            "{protocol:?} teaching drop"
        );
        assert!(events.iter().any(|e| matches!(
            &e.kind,
            SimEventKind::Broker(mqtt_core::broker::BrokerEventKind::DuplicateSuppressed { .. })
        )));
    }
}

#[test]
fn retained_a_late_subscriber_gets_only_the_latest_and_a_cleared_topic_nothing() {
    let mut scenario = Scenario::new("retained");
    scenario.clients = vec![
        ClientSpec::new("esp32-kitchen"),
        ClientSpec::new("late"),
        ClientSpec::new("later"),
    ];
    scenario.clients[1].connect_at_start = false;
    scenario.clients[2].connect_at_start = false;
    scenario.actions = vec![
        at(
            100,
            "esp32-kitchen",
            publish("esp32-kitchen/ip", "192.168.1.20", 1, true),
        ),
        at(
            200,
            "esp32-kitchen",
            publish("esp32-kitchen/ip", "192.168.1.21", 1, true),
        ),
        at(1_000, "late", Action::Connect),
        at(1_100, "late", subscribe("+/ip", 1)),
        at(
            2_000,
            "esp32-kitchen",
            publish("esp32-kitchen/ip", "", 1, true),
        ),
        at(3_000, "later", Action::Connect),
        at(3_100, "later", subscribe("+/ip", 1)),
    ];
    let events = run(scenario);
    // The late subscriber gets the latest retained value, then the clearing publication itself.
    assert_eq!(payloads(&events, "late"), ["192.168.1.21", ""]);
    assert!(payloads(&events, "later").is_empty());
}

#[test]
fn a_sleeping_persistent_subscriber_gets_its_queued_qos1_and_qos2_on_wake_up() {
    for protocol in [Protocol::V311, Protocol::V5] {
        let mut scenario = Scenario::new("sleeping listener");
        scenario.clients = vec![
            persistent("dashboard", protocol),
            ClientSpec::new("esp32-kitchen"),
        ];
        scenario.clients[1].protocol = protocol;
        scenario.actions = vec![
            at(0, "dashboard", subscribe("esp32-kitchen/#", 2)),
            at(500, "dashboard", Action::Sleep { for_ms: 30_000 }),
            at(
                1_000,
                "esp32-kitchen",
                publish("esp32-kitchen/temp", "q0", 0, false),
            ),
            at(
                1_100,
                "esp32-kitchen",
                publish("esp32-kitchen/temp", "q1", 1, false),
            ),
            at(
                1_200,
                "esp32-kitchen",
                publish("esp32-kitchen/temp", "q2", 2, false),
            ),
        ];
        let events = run(scenario);
        assert_eq!(
            received(&events, "dashboard"),
            [
                ("q1".into(), QoS::AtLeastOnce),
                ("q2".into(), QoS::ExactlyOnce)
            ],
            "{protocol:?}"
        );
        assert!(events
            .iter()
            .any(|e| matches!(&e.kind, SimEventKind::Awake { .. })));
    }
}

#[test]
fn esp32_kitchen_publishes_its_ip_and_a_wildcard_subscriber_sees_it() {
    let mut scenario = Scenario::new("the course's ESP32");
    scenario.clients = vec![
        ClientSpec::new("dashboard"),
        ClientSpec::new("esp32-kitchen"),
    ];
    scenario.actions = vec![
        at(0, "dashboard", subscribe("+/ip", 1)),
        at(
            1_000,
            "esp32-kitchen",
            publish("esp32-kitchen/ip", "192.168.1.20", 1, false),
        ),
    ];
    let events = run(scenario);
    assert_eq!(payloads(&events, "dashboard"), ["192.168.1.20"]);
}

#[test]
fn links_never_reorder_even_with_jitter() {
    let mut scenario = Scenario::new("ordering");
    scenario.link = LinkSettings {
        latency_ms: 40,
        jitter_ms: 200,
        ..LinkSettings::default()
    };
    scenario.seed = 7;
    scenario.clients = vec![
        ClientSpec::new("dashboard"),
        ClientSpec::new("esp32-kitchen"),
    ];
    scenario.actions = vec![at(0, "dashboard", subscribe("t", 1))];
    for i in 0..20 {
        scenario.actions.push(at(
            1_000 + i,
            "esp32-kitchen",
            publish("t", &i.to_string(), 1, false),
        ));
    }
    let events = run(scenario);
    let expected: Vec<String> = (0..20).map(|i| i.to_string()).collect();
    assert_eq!(payloads(&events, "dashboard"), expected);
}

#[test]
fn clients_added_at_run_time_join_the_world() {
    let mut scenario = Scenario::new("live");
    scenario.end_ms = Some(u64::MAX);
    let mut world = World::new(scenario).unwrap();
    world.add_client(ClientSpec::new("dashboard")).unwrap();
    world.add_client(ClientSpec::new("esp32-kitchen")).unwrap();
    assert!(
        world.add_client(ClientSpec::new("dashboard")).is_err(),
        "names are unique"
    );
    world.inject("dashboard", subscribe("+/ip", 1)).unwrap();
    let mut events = world.advance_to(1_000);
    assert_eq!(world.now(), 1_000);
    world
        .inject(
            "esp32-kitchen",
            publish("esp32-kitchen/ip", "10.0.0.7", 1, false),
        )
        .unwrap();
    events.extend(world.advance_to(2_000));
    assert_eq!(payloads(&events, "dashboard"), ["10.0.0.7"]);
}

#[test]
fn a_clean_disconnect_reaches_the_broker_so_no_will_is_published() {
    // The DISCONNECT is still on the wire when the client lets go of its connection; it must reach
    // the broker, which then discards the will (MQTT-3.1.2-8 (3.1.1)). A sleep is such a DISCONNECT.
    for protocol in [Protocol::V311, Protocol::V5] {
        let mut scenario = Scenario::new("polite clients");
        let will = |topic: &str| mqtt_sim::scenario::WillSpec {
            topic: topic.into(),
            payload: "offline".into(),
            qos: 1,
            retain: false,
            delay_s: 0,
        };
        let mut polite = ClientSpec::new("polite");
        polite.will = Some(will("polite/status"));
        let mut sleeper = persistent("sleeper", protocol);
        sleeper.will = Some(will("sleeper/status"));
        let mut killed = ClientSpec::new("killed");
        killed.will = Some(will("killed/status"));
        let mut watcher = ClientSpec::new("watcher");
        for client in [&mut polite, &mut killed, &mut watcher] {
            client.protocol = protocol;
        }
        scenario.clients = vec![watcher, polite, sleeper, killed];
        scenario.actions = vec![
            at(0, "watcher", subscribe("+/status", 1)),
            at(500, "polite", Action::Disconnect),
            at(500, "sleeper", Action::Sleep { for_ms: 1_000 }),
            at(700, "killed", Action::Kill),
        ];
        let events = run(scenario);
        assert_eq!(payloads(&events, "watcher"), ["offline"], "{protocol:?}");
        let wills: Vec<&str> = events
            .iter()
            .filter_map(|e| match &e.kind {
                SimEventKind::Broker(mqtt_core::broker::BrokerEventKind::WillPublished {
                    client_id,
                    ..
                }) => Some(client_id.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(wills, ["killed"], "{protocol:?}");
    }
}

#[test]
fn a_sleeper_can_be_woken_early_and_a_removed_client_frees_its_name() {
    let mut scenario = Scenario::new("live");
    scenario.end_ms = Some(u64::MAX);
    let mut world = World::new(scenario).unwrap();
    let mut sleeper = persistent("sensor", Protocol::V5);
    sleeper.will = Some(mqtt_sim::scenario::WillSpec {
        topic: "sensor/status".into(),
        payload: "gone".into(),
        qos: 1,
        retain: false,
        delay_s: 0,
    });
    world.add_client(sleeper).unwrap();
    world.add_client(ClientSpec::new("watcher")).unwrap();
    world.inject("watcher", subscribe("sensor/#", 1)).unwrap();
    let mut events = world.advance_to(500);
    world
        .inject("sensor", Action::Sleep { for_ms: 3_600_000 })
        .unwrap();
    events.extend(world.advance_to(1_000));
    assert!(world.clients()[0].is_asleep());
    world.inject("sensor", Action::Wake).unwrap();
    events.extend(world.advance_to(2_000));
    assert!(!world.clients()[0].is_asleep());
    assert!(
        world.clients()[0].connection().is_some(),
        "reconnected on wake"
    );
    assert!(
        payloads(&events, "watcher").is_empty(),
        "sleeping is a clean disconnect: no will"
    );
    world.remove_client("sensor").unwrap();
    events.extend(world.advance_to(3_000));
    assert_eq!(
        payloads(&events, "watcher"),
        ["gone"],
        "removal is abrupt: the will is published"
    );
    world
        .add_client(ClientSpec::new("sensor"))
        .expect("the name is free again");
    assert!(world.inject("sensor", Action::Connect).is_ok());
}

/// "Drop the next PUBLISH from the kitchen": the bathroom's PUBLISH, written first, goes through;
/// the kitchen's QoS 0 one is lost (and only that one), and the fault survives a JSON round trip.
#[test]
fn a_fault_from_one_client_leaves_the_others_packets_alone() {
    let mut scenario = Scenario::new("drop from one sender");
    scenario.clients = vec![
        persistent("dashboard", Protocol::V311),
        persistent("esp32-bathroom", Protocol::V311),
        persistent("esp32-kitchen", Protocol::V311),
    ];
    scenario.actions = vec![
        at(0, "dashboard", subscribe("sensors/#", 2)),
        at(
            1_000,
            "esp32-bathroom",
            publish("sensors/bathroom/temp", "24.0", 0, false),
        ),
        at(
            1_100,
            "esp32-kitchen",
            publish("sensors/kitchen/temp", "21.5", 0, false),
        ),
        at(
            1_200,
            "esp32-kitchen",
            publish("sensors/kitchen/temp", "21.6", 0, false),
        ),
    ];
    scenario.faults = vec![Fault::DropNext {
        packet: PacketKind(PacketType::Publish),
        to: "broker".into(),
        from: Some("esp32-kitchen".into()),
    }];
    let json = scenario.to_json();
    assert!(json.contains(r#""from": "esp32-kitchen""#), "{json}");
    let scenario = Scenario::from_json(&json).expect("reads back");
    assert_eq!(payloads(&run(scenario), "dashboard"), ["24.0", "21.6"]);
}
