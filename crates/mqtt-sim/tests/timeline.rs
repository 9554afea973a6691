//! Determinism, seeking, forking, the scenario format's errors and share links.

use mqtt_core::client::EventKind;
use mqtt_core::codec::PacketType;
use mqtt_sim::scenario::{ScheduledAction, FORMAT_VERSION};
use mqtt_sim::share::{self, ShareLinkError};
use mqtt_sim::timeline::Edit;
use mqtt_sim::{
    digest, Action, ClientSpec, Fault, LinkSettings, PacketKind, Scenario, ScenarioError,
    SimEventKind, Timeline, World,
};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// A busy scenario with randomness in it: teaching loss and duplication, jitter, retries, a sleeper.
fn busy() -> Scenario {
    let mut scenario = Scenario::new("busy");
    scenario.seed = 2026;
    scenario.link = LinkSettings {
        latency_ms: 30,
        jitter_ms: 40,
        teaching_loss_percent: 10,
        teaching_duplicate_percent: 5,
    };
    let mut sensor = ClientSpec::new("esp32-kitchen");
    sensor.teaching_retry_ms = Some(500);
    sensor.clean_start = false;
    let mut dashboard = ClientSpec::new("dashboard");
    dashboard.clean_start = false;
    dashboard.teaching_retry_ms = Some(500);
    sensor.keep_alive_s = 10;
    dashboard.keep_alive_s = 10;
    scenario.clients = vec![dashboard, sensor];
    // Long enough for lost CONNECTs to time out (30 s) and reconnect.
    scenario.end_ms = Some(90_000);
    let at = |ms, actor: &str, action| ScheduledAction {
        at_ms: ms,
        actor: actor.into(),
        action,
    };
    scenario.actions.push(at(
        0,
        "dashboard",
        Action::Subscribe {
            filter: "+/#".into(),
            qos: 2,
            no_local: false,
            retain_as_published: false,
            retain_handling: 0,
        },
    ));
    for i in 0..30u64 {
        scenario.actions.push(at(
            500 + i * 100,
            "esp32-kitchen",
            Action::Publish {
                topic: "esp32-kitchen/temp".into(),
                payload: format!("{i}"),
                qos: (i % 3) as u8,
                retain: i % 10 == 0,
                properties: Default::default(),
            },
        ));
    }
    scenario
        .actions
        .push(at(2_000, "dashboard", Action::Sleep { for_ms: 5_000 }));
    scenario
}

/// The digest the busy scenario must produce on every platform. If the simulation changes on purpose,
/// update it — natively and under wasm-bindgen-test this same test checks the same constant.
const BUSY_DIGEST: u64 = 0x669f_64e1_68e5_3de8;

#[test]
fn the_same_scenario_and_seed_give_the_same_events_everywhere() {
    let first = World::new(busy()).unwrap().run(1_000_000);
    let second = World::new(busy()).unwrap().run(1_000_000);
    assert!(first.len() > 500, "a busy history ({} events)", first.len());
    assert_eq!(digest(&first), digest(&second));
    assert!(
        first
            .iter()
            .any(|e| matches!(e.kind, SimEventKind::PacketLost { .. })),
        "teaching loss happened"
    );
    let mut other_seed = busy();
    other_seed.seed += 1;
    assert_ne!(
        digest(&first),
        digest(&World::new(other_seed).unwrap().run(1_000_000))
    );
    assert_eq!(digest(&first), BUSY_DIGEST, "digest {:#x}", digest(&first));
}

#[test]
fn seeking_rebuilds_the_exact_state_at_any_event() {
    let mut timeline = Timeline::new(busy()).unwrap();
    timeline.run(1_000_000);
    let total = timeline.events().len();
    // The state after each step, recorded while running a fresh world step by step.
    let mut world = World::new(busy()).unwrap();
    let mut states = vec![(0usize, format!("{world:?}"))];
    let mut produced = 0;
    loop {
        let step = world.step();
        if step.is_empty() {
            break;
        }
        produced += step.len();
        states.push((produced, format!("{world:?}")));
    }
    assert_eq!(produced, total);
    for &target in &[total, total / 2, 1, total / 3, 0, total - 1, total / 5] {
        let seen = timeline.seek(target);
        let (boundary, expected) = states.iter().find(|(count, _)| *count >= target).unwrap();
        assert_eq!(timeline.cursor(), target);
        assert_eq!(
            &format!("{seen:?}"),
            expected,
            "state at event {target} (step boundary {boundary})"
        );
    }
}

#[test]
fn a_change_at_the_cursor_forks_the_future() {
    let mut scenario = Scenario::new("fork");
    let mut sensor = ClientSpec::new("esp32-kitchen");
    sensor.clean_start = false; // a persistent session resends after the cut
    scenario.clients = vec![ClientSpec::new("dashboard"), sensor];
    let at = |ms, actor: &str, action| ScheduledAction {
        at_ms: ms,
        actor: actor.into(),
        action,
    };
    scenario.actions = vec![
        at(
            0,
            "dashboard",
            Action::Subscribe {
                filter: "#".into(),
                qos: 1,
                no_local: false,
                retain_as_published: false,
                retain_handling: 0,
            },
        ),
        at(
            1_000,
            "esp32-kitchen",
            Action::Publish {
                topic: "a".into(),
                payload: "1".into(),
                qos: 1,
                retain: false,
                properties: Default::default(),
            },
        ),
        at(
            2_000,
            "esp32-kitchen",
            Action::Publish {
                topic: "a".into(),
                payload: "2".into(),
                qos: 1,
                retain: false,
                properties: Default::default(),
            },
        ),
    ];
    let delivered = |timeline: &Timeline| -> Vec<String> {
        timeline
            .events()
            .iter()
            .filter(|e| e.actor == "dashboard")
            .filter_map(|e| match &e.kind {
                SimEventKind::Client(EventKind::MessageDelivered { message, .. }) => {
                    Some(String::from_utf8_lossy(&message.payload).into_owned())
                }
                _ => None,
            })
            .collect()
    };
    let mut timeline = Timeline::new(scenario).unwrap();
    timeline.run(100_000);
    assert_eq!(delivered(&timeline), ["1", "2"]);
    // Back to just after the first message was published; from there the dashboard's link is cut.
    let index = timeline.events().iter().position(|e| matches!(&e.kind, SimEventKind::ActionApplied { action } if action.contains("\"1\""))).unwrap() + 1;
    timeline.seek(index);
    timeline
        .fork(Edit::Action {
            actor: "dashboard".into(),
            action: Action::Kill,
        })
        .unwrap();
    assert!(
        timeline.events().len() <= index + 8,
        "the old future is gone"
    );
    timeline.run(100_000);
    assert!(
        delivered(&timeline).is_empty(),
        "killed before the first delivery: {:?}",
        delivered(&timeline)
    );
    // And a fault edit: drop the next PUBACK to the sensor instead.
    timeline.seek(0);
    timeline
        .fork(Edit::Fault(Fault::CutWhileInFlight {
            packet: PacketKind(PacketType::PubAck),
            to: "esp32-kitchen".into(),
        }))
        .unwrap();
    timeline.run(100_000);
    assert_eq!(delivered(&timeline), ["1", "1", "2"]);
}

#[test]
fn scenarios_round_trip_through_json_and_share_links() {
    let scenario = busy();
    assert_eq!(
        Scenario::from_json(&scenario.to_json()),
        Ok(scenario.clone())
    );
    let link = share::encode(&scenario);
    assert!(
        link.starts_with("v1.") && link.len() < 2_000,
        "{} characters",
        link.len()
    );
    assert!(
        link.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
        "URL-safe"
    );
    assert_eq!(share::decode(&format!("#{link}")), Ok(scenario));
}

#[test]
fn bad_scenarios_and_links_get_clear_errors() {
    let error = |json: &str| Scenario::from_json(json).unwrap_err().to_string();
    assert!(error("{").starts_with("not a valid scenario"));
    assert_eq!(
        error(r#"{"version": 9, "clients": []}"#),
        format!(
            "scenario format version 9 is not supported (this build reads 1 to {FORMAT_VERSION})"
        )
    );
    assert!(
        error(r#"{"version": 1, "clients": [], "colour": 1}"#).contains("unknown field `colour`")
    );
    assert_eq!(
        error(
            r#"{"version": 1, "clients": [{"name": "a"}], "actions": [{"at_ms": 5, "actor": "b", "action": {"do": "connect"}}]}"#
        ),
        "actions[0] (b at 5 ms): no client is named \"b\""
    );
    assert!(error(r#"{"version": 1, "clients": [{"name": "a"}], "actions": [{"at_ms": 5, "actor": "a", "action": {"do": "publish", "topic": "a/#"}}]}"#).contains("wildcard"));
    assert!(error(r#"{"version": 1, "clients": [{"name": "a"}], "actions": [{"at_ms": 5, "actor": "a", "action": {"do": "sleep", "for_ms": 9}}]}"#).contains("persistent session"));
    assert!(error(r#"{"version": 1, "clients": [{"name": "a"}], "faults": [{"fault": "drop_next", "packet": "PUBACKK", "to": "a"}]}"#).contains("unknown packet type"));
    assert!(error(r#"{"version": 1, "clients": [{"name": "broker"}]}"#)
        .contains("other than \"broker\""));
    assert!(matches!(
        Scenario::from_json(r#"{"version": 1, "clients": [{"name": "a"}, {"name": "a"}]}"#),
        Err(ScenarioError::Invalid { .. })
    ));

    assert_eq!(share::decode("hello"), Err(ShareLinkError::NotALink));
    assert_eq!(
        share::decode("v7.abc"),
        Err(ShareLinkError::UnknownVersion("7".into()))
    );
    assert_eq!(share::decode("v1.***"), Err(ShareLinkError::NotBase64));
    assert_eq!(share::decode("v1.AAAA"), Err(ShareLinkError::NotCompressed));
    let not_a_scenario = format!("v1.{}", {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(miniz_oxide::deflate::compress_to_vec(b"[1,2]", 9))
    });
    assert!(matches!(
        share::decode(&not_a_scenario),
        Err(ShareLinkError::Scenario(_))
    ));
}

#[test]
fn a_live_timeline_records_user_actions_as_forks_and_seeks_through_them() {
    let mut scenario = Scenario::new("live");
    scenario.end_ms = Some(u64::MAX);
    scenario.clients = vec![
        ClientSpec::new("dashboard"),
        ClientSpec::new("esp32-kitchen"),
    ];
    let mut timeline = Timeline::new(scenario).unwrap();
    timeline.advance_to(300);
    timeline
        .fork(Edit::Action {
            actor: "dashboard".into(),
            action: Action::Subscribe {
                filter: "+/ip".into(),
                qos: 1,
                no_local: false,
                retain_as_published: false,
                retain_handling: 0,
            },
        })
        .unwrap();
    timeline.advance_to(1_000);
    timeline
        .fork(Edit::Action {
            actor: "esp32-kitchen".into(),
            action: Action::Publish {
                topic: "esp32-kitchen/ip".into(),
                payload: "10.0.0.7".into(),
                qos: 1,
                retain: false,
                properties: Default::default(),
            },
        })
        .unwrap();
    timeline.advance_to(2_000);
    let delivered = |events: &[mqtt_sim::SimEvent]| {
        events
            .iter()
            .filter(|e| {
                matches!(
                    &e.kind,
                    SimEventKind::Client(EventKind::MessageDelivered { .. })
                )
            })
            .count()
    };
    assert_eq!(delivered(timeline.events()), 1);
    assert_eq!(timeline.cursor(), timeline.events().len());
    // Every point of the recorded history can be rebuilt, including after the user's actions.
    let end = timeline.events().len();
    let at_end = format!(
        "{:?}",
        timeline.head().clients()[0].session().subscriptions()
    );
    let rebuilt = timeline.seek(end);
    assert_eq!(
        format!("{:?}", rebuilt.clients()[0].session().subscriptions()),
        at_end
    );
    let before = timeline.seek(2);
    assert!(before.clients()[0].session().subscriptions().is_empty());
    assert!(timeline.time_at_cursor() <= 300);
    // Stepping at the end of a live history runs the world on (here: nothing due until keep alive).
    timeline.seek(end);
    assert!(
        timeline.step() > 0,
        "the next thing (a keep-alive ping) happens"
    );
}

#[test]
fn clients_join_and_leave_and_switch_the_teaching_retry_as_forks() {
    let mut scenario = Scenario::new("live");
    scenario.end_ms = Some(u64::MAX);
    scenario.clients = vec![ClientSpec::new("dashboard")];
    let mut timeline = Timeline::new(scenario).unwrap();
    timeline.advance_to(200);
    let before_join = timeline.events().len();
    timeline
        .fork(Edit::AddClient(ClientSpec::new("esp32-kitchen")))
        .unwrap();
    assert!(
        timeline
            .fork(Edit::AddClient(ClientSpec::new("esp32-kitchen")))
            .is_err(),
        "names are unique; a refused edit changes nothing"
    );
    timeline.advance_to(400);
    assert_eq!(timeline.head().clients().len(), 2);
    assert!(timeline.events().iter().any(|e| e.actor == "esp32-kitchen"
        && matches!(e.kind, SimEventKind::Client(EventKind::Connected { .. }))));
    timeline
        .fork(Edit::TeachingRetry {
            actor: "esp32-kitchen".into(),
            retry_ms: Some(500),
        })
        .unwrap();
    assert_eq!(
        timeline.head().clients()[1]
            .session()
            .options()
            .teaching_retry,
        Some(500)
    );
    // Before it joined, the world had one client (an edit belongs to the point where it was made:
    // seeking exactly there shows it); forking there drops the join.
    assert_eq!(timeline.seek(before_join).clients().len(), 2);
    assert_eq!(timeline.seek(before_join - 1).clients().len(), 1);
    timeline
        .fork(Edit::RemoveClient {
            actor: "dashboard".into(),
        })
        .unwrap();
    timeline.advance_to(600);
    // The join was in the dropped future: only the removed dashboard is left.
    let clients = timeline.head().clients();
    assert_eq!(clients.len(), 1);
    assert!(clients[0].is_removed());
}

#[test]
fn running_to_the_end_counts_what_running_collects() {
    let collected = World::new(busy()).expect("valid").run(usize::MAX).len();
    let counted = World::new(busy()).expect("valid").run_to_end();
    assert!(collected > 100, "{collected} events");
    assert_eq!(counted, collected);
}
