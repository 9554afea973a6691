//! mqtt-client against a real mosquitto on loopback, through the same tokio adapter a host program
//! would use (the firmware supplies embassy-net and embassy-time instead).

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{client, mosquitto_pub, run, unique_id, Mosquitto, Sub};
use mqtt_client::trace::{parse_trace_line, trace_topic, Direction};
use mqtt_client::{Config, QoS, Reconnect};
use mqtt_core::PacketType;

const LIMIT: Duration = Duration::from_secs(60);

/// The course's example, done right: connect first, then publish `<clientId>/ip` — at each QoS.
#[test]
fn publishes_its_ip_at_qos_0_1_and_2() {
    let broker = Mosquitto::start();
    let id = unique_id("ip");
    let topic = format!("{id}/ip");
    let sub = Sub::start(&broker, &format!("{id}/#"), 3, 20);
    let (mut device, log) = client(&broker, Config::new(&id));
    run(LIMIT, async {
        device.connect().await.expect("connect");
        for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
            let payload = format!("192.0.2.{}", qos.level());
            device
                .publish(&topic, payload.as_bytes(), qos, false)
                .await
                .expect("publish");
        }
        device.disconnect().await.expect("disconnect");
    });
    assert_eq!(
        sub.lines(),
        [0, 1, 2].map(|n| format!("{topic} 192.0.2.{n}")),
        "log: {:?}\nbroker: {}",
        log.lines(),
        broker.log()
    );
    assert_eq!(log.count("PUBACK for packet"), 1, "{:?}", log.lines());
    assert_eq!(log.count("PUBCOMP for packet"), 1, "{:?}", log.lines());
    assert_eq!(log.count("CONNACK accepted"), 1);
}

/// A retained `<clientId>/ip` reaches a subscriber that comes later, flagged as retained.
#[test]
fn a_retained_ip_reaches_a_later_subscriber() {
    let broker = Mosquitto::start();
    let id = unique_id("retain");
    let topic = format!("{id}/ip");
    let (mut device, _) = client(&broker, Config::new(&id));
    let (mut viewer, _) = client(&broker, Config::new(unique_id("viewer")).persistent(false));
    run(LIMIT, async {
        device.connect().await.expect("connect");
        device
            .publish(&topic, b"192.0.2.7", QoS::ExactlyOnce, true)
            .await
            .expect("publish");
        device.disconnect().await.expect("disconnect");

        viewer.connect().await.expect("viewer connects");
        assert_eq!(
            viewer.subscribe(&format!("{id}/#"), QoS::AtLeastOnce).await,
            Ok(QoS::AtLeastOnce)
        );
        let deadline = viewer.now() + 10_000;
        let message = viewer
            .recv_until(Some(deadline))
            .await
            .expect("recv")
            .expect("the retained message");
        assert_eq!(message.topic(), topic);
        assert_eq!(message.payload, b"192.0.2.7");
        assert!(
            message.retain,
            "a retained message is delivered with RETAIN=1"
        );
        assert_eq!(
            message.qos,
            QoS::AtLeastOnce,
            "downgraded to the subscription's QoS"
        );
        viewer.disconnect().await.expect("disconnect");
    });
}

/// Subscribe to a command topic and receive what mosquitto_pub sends there, at QoS 1 and 2.
#[test]
fn subscribes_and_receives() {
    let broker = Mosquitto::start();
    let id = unique_id("cmd");
    let topic = format!("{id}/cmd");
    let (mut device, _) = client(&broker, Config::new(&id).persistent(false));
    run(LIMIT, async {
        device.connect().await.expect("connect");
        assert_eq!(
            device.subscribe(&topic, QoS::ExactlyOnce).await,
            Ok(QoS::ExactlyOnce)
        );
        // A wildcard in a topic name is the caller's mistake, refused before anything is sent.
        assert!(matches!(
            device.publish("a/+", b"x", QoS::AtMostOnce, false).await,
            Err(mqtt_client::Error::Usage(_))
        ));
        // mosquitto_pub blocks this thread; the broker holds the messages until we read.
        mosquitto_pub(&broker, &topic, "led on", 1);
        mosquitto_pub(&broker, &topic, "led off", 2);
        let mut got = Vec::new();
        let deadline = device.now() + 10_000;
        while got.len() < 2 {
            match device.recv_until(Some(deadline)).await.expect("recv") {
                Some(message) => got.push((
                    String::from_utf8(message.payload).unwrap(),
                    message.qos.level(),
                )),
                None => panic!("only {got:?} arrived"),
            }
        }
        assert_eq!(got, [("led on".to_string(), 1), ("led off".to_string(), 2)]);
        device.disconnect().await.expect("disconnect");
    });
}

/// The broker is stopped (SIGTERM: it saves its state) and started again while QoS 1 and 2
/// messages are in flight. The publisher reconnects with backoff, resumes its session, sends the
/// unacknowledged ones again with DUP=1, and the persistent subscriber gets every message: QoS 2
/// exactly once, QoS 1 at least once.
#[test]
fn a_broker_restart_mid_stream_loses_no_qos_1_or_2_message() {
    const COUNT: usize = 120;
    let mut broker = Mosquitto::start_persistent();
    let id = unique_id("sensor");
    let topic = format!("{id}/reading");
    let fast = Reconnect {
        initial_delay: 100,
        max_delay: 1_000,
        max_attempts: Some(50),
    };
    let (mut device, device_log) = client(&broker, Config::new(&id).with_reconnect(fast));
    let (mut viewer, viewer_log) = client(
        &broker,
        Config::new(unique_id("viewer")).with_reconnect(fast),
    );
    let received = run(LIMIT, async {
        viewer.connect().await.expect("viewer connects");
        viewer
            .subscribe(&topic, QoS::ExactlyOnce)
            .await
            .expect("subscribe");
        device.connect().await.expect("connect");

        let mut ids = Vec::new();
        for n in 0..COUNT {
            let qos = if n % 2 == 0 {
                QoS::AtLeastOnce
            } else {
                QoS::ExactlyOnce
            };
            let id = device
                .publish_nowait(&topic, n.to_string().as_bytes(), qos, false)
                .await
                .expect("queue")
                .expect("a packet id");
            ids.push(id);
        }
        // Let a third of them complete; then the window is full of unacknowledged ones.
        device
            .wait_published(ids[COUNT / 3])
            .await
            .expect("first third");
        assert!(
            !device.session().outbound().is_empty(),
            "messages are in flight when the broker goes"
        );
        broker.restart();

        for id in ids {
            device
                .wait_published(id)
                .await
                .expect("every message completes");
        }
        assert!(device.wait_idle(Some(device.now() + 10_000)).await.unwrap());

        let mut received: BTreeMap<usize, (u32, u8)> = BTreeMap::new();
        let deadline = viewer.now() + 20_000;
        while received.len() < COUNT {
            let Some(message) = viewer.recv_until(Some(deadline)).await.expect("recv") else {
                break;
            };
            let n: usize = String::from_utf8(message.payload).unwrap().parse().unwrap();
            let entry = received.entry(n).or_insert((0, message.qos.level()));
            entry.0 += 1;
        }
        // Anything still on its way (QoS 1 duplicates) has a moment to arrive.
        while let Some(message) = viewer
            .recv_until(Some(viewer.now() + 300))
            .await
            .expect("recv")
        {
            let n: usize = String::from_utf8(message.payload).unwrap().parse().unwrap();
            received.entry(n).or_insert((0, message.qos.level())).0 += 1;
        }
        device.disconnect().await.expect("disconnect");
        viewer.disconnect().await.expect("disconnect");
        received
    });
    let stats = device.stats();
    eprintln!("device: {stats:?}\nviewer: {:?}", viewer.stats());
    let missing: Vec<usize> = (0..COUNT).filter(|n| !received.contains_key(n)).collect();
    assert!(
        missing.is_empty(),
        "lost {missing:?}\ndevice: {:?}\nviewer: {:?}\nbroker: {}",
        device_log.lines(),
        viewer_log.lines(),
        broker.log()
    );
    for (n, (copies, qos)) in &received {
        if *qos == 2 {
            assert_eq!(*copies, 1, "QoS 2 message {n} arrived {copies} times");
        }
    }
    assert_eq!(stats.connections, 2, "one reconnect");
    assert!(stats.last_session_present, "the broker resumed the session");
    assert!(
        stats.resent_publishes > 0,
        "unacknowledged messages were sent again with DUP=1"
    );
    assert!(device_log.count("reconnecting in") >= 1);
    assert!(viewer.stats().last_session_present);
}

/// On an idle link the client sends PINGREQ each keep-alive period and mosquitto, which drops a
/// client silent for 1.5 periods, keeps the connection.
#[test]
fn keep_alive_holds_an_idle_link() {
    let broker = Mosquitto::start();
    let id = unique_id("idle");
    let (mut device, log) = client(&broker, Config::new(&id).with_keep_alive(1));
    run(LIMIT, async {
        device.connect().await.expect("connect");
        let until = device.now() + 3_600;
        assert_eq!(device.recv_until(Some(until)).await, Ok(None));
        assert!(device.is_connected());
        device
            .publish(&format!("{id}/ip"), b"192.0.2.1", QoS::AtLeastOnce, false)
            .await
            .expect("still usable after idling");
        device.disconnect().await.expect("disconnect");
    });
    let stats = device.stats();
    assert!(stats.pings_sent >= 3, "{stats:?}");
    assert!(stats.pongs_received >= 3, "{stats:?}");
    assert_eq!(stats.connections, 1, "never dropped: {:?}", log.lines());
    assert!(log.count("PINGRESP after") >= 3);
}

/// With the trace on, every packet of the client appears as one JSON record on
/// `mqtt-playground/trace/<clientId>`, in order, and the trace's own PUBLISHes do not.
#[test]
fn the_trace_shows_each_packet_once() {
    let broker = Mosquitto::start();
    let id = unique_id("traced");
    let (mut viewer, _) = client(&broker, Config::new(unique_id("viewer")).persistent(false));
    let (mut device, _) = client(&broker, Config::new(&id).persistent(false).with_trace(true));
    let records = run(LIMIT, async {
        viewer.connect().await.expect("viewer connects");
        viewer
            .subscribe(&trace_topic(&id), QoS::AtMostOnce)
            .await
            .expect("subscribe");
        device.connect().await.expect("connect");
        device
            .publish(&format!("{id}/ip"), b"192.0.2.9", QoS::ExactlyOnce, true)
            .await
            .expect("publish");
        device
            .subscribe(&format!("{id}/cmd"), QoS::AtLeastOnce)
            .await
            .expect("subscribe");
        // The SUBACK's record goes out with the next write; idle briefly so it does.
        device.recv_until(Some(device.now() + 200)).await.unwrap();
        let mut records = Vec::new();
        let deadline = viewer.now() + 5_000;
        while records.len() < 8 {
            let Some(message) = viewer.recv_until(Some(deadline)).await.unwrap() else {
                break;
            };
            let line = String::from_utf8(message.payload).unwrap();
            records.push(parse_trace_line(&line).unwrap_or_else(|e| panic!("{e}: {line}")));
        }
        device.disconnect().await.unwrap();
        viewer.disconnect().await.unwrap();
        records
    });
    let seen: Vec<(Direction, PacketType)> = records
        .iter()
        .map(|r| (r.direction, r.packet_type))
        .collect();
    use Direction::{In, Out};
    use PacketType::*;
    assert_eq!(
        seen,
        [
            (Out, Connect),
            (In, ConnAck),
            (Out, Publish),
            (In, PubRec),
            (Out, PubRel),
            (In, PubComp),
            (Out, Subscribe),
            (In, SubAck),
        ]
    );
    let publish = &records[2];
    assert_eq!(publish.qos, Some(2));
    assert!(publish.retain() && !publish.dup());
    assert_eq!(publish.packet_id, records[5].packet_id);
    assert!(records
        .iter()
        .all(|r| r.connection == 1 && !r.is_truncated()));
    assert!(records.windows(2).all(|w| w[0].time <= w[1].time));
    assert_eq!(device.stats().trace_records as usize, records.len());
}

/// A broker that restarts *without* persistence has forgotten our session: the client publishes
/// the unacknowledged messages again (new packet ids; `wait_published` follows them) and makes its
/// subscriptions again, so commands still arrive.
#[test]
fn a_broker_that_forgot_the_session_gets_messages_and_subscriptions_again() {
    let mut broker = Mosquitto::start();
    let id = unique_id("forgot");
    let fast = Reconnect {
        initial_delay: 100,
        max_delay: 1_000,
        max_attempts: Some(50),
    };
    let (mut device, log) = client(&broker, Config::new(&id).with_reconnect(fast));
    run(LIMIT, async {
        device.connect().await.expect("connect");
        device
            .subscribe(&format!("{id}/cmd"), QoS::AtLeastOnce)
            .await
            .expect("subscribe");
        let mut ids = Vec::new();
        for n in 0..60 {
            let qos = if n % 2 == 0 {
                QoS::AtLeastOnce
            } else {
                QoS::ExactlyOnce
            };
            let topic = format!("{id}/reading");
            ids.push(
                device
                    .publish_nowait(&topic, n.to_string().as_bytes(), qos, false)
                    .await
                    .expect("queue")
                    .expect("a packet id"),
            );
        }
        device.wait_published(ids[20]).await.expect("some complete");
        broker.restart();
        for id in &ids {
            device
                .wait_published(*id)
                .await
                .expect("every message completes");
        }
        // Waiting again for a finished message returns at once.
        device.wait_published(ids[0]).await.expect("already done");
        assert!(!device.stats().last_session_present);
        mosquitto_pub(&broker, &format!("{id}/cmd"), "still listening", 1);
        let message = device
            .recv_until(Some(device.now() + 10_000))
            .await
            .expect("recv")
            .expect("the command arrives over the re-made subscription");
        assert_eq!(message.payload, b"still listening");
        device.disconnect().await.expect("disconnect");
    });
    assert_eq!(
        log.count("the broker had lost our session"),
        1,
        "{:?}",
        log.lines()
    );
    assert_eq!(log.count("subscribing to 1 again"), 1, "{:?}", log.lines());
}
