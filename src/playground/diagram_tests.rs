//! The diagram's scene on real histories: a simulated QoS 2 handshake walked step by step, a lost
//! packet, the visible window, and the labels of a PUBLISH's flags.

use mqtt_core::codec::{PacketType, QoS};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::config::{ClientConfig, PublishRequest, SubscribeRequest};
use super::diagram::{label, scene, Across, Fate, Scene};
use super::model::{ClientKey, Direction, PacketRecord};
use super::workspace::{BrokerChoice, FaultAim, FaultKind, Workspace};

/// A simulated workspace with a publisher and a subscriber at QoS `qos`, paused.
struct Sim {
    ws: Workspace,
    now: u64,
    kitchen: ClientKey,
    dashboard: ClientKey,
}

impl Sim {
    fn new(qos: QoS) -> Self {
        let mut ws = Workspace::new(BrokerChoice::Simulated { latency_ms: 20 }, 10_000);
        let mut now = 10_000;
        let add = |ws: &mut Workspace, name: &str| {
            ws.add_client(ClientConfig::new(name, &format!("id-{name}")), now)
                .unwrap()
        };
        let kitchen = add(&mut ws, "esp32-kitchen");
        let dashboard = add(&mut ws, "dashboard");
        let mut sim = Sim {
            ws,
            now,
            kitchen,
            dashboard,
        };
        sim.run(300);
        let request = SubscribeRequest::new("home/#", qos);
        sim.ws.subscribe(dashboard, &request, sim.now).unwrap();
        sim.run(300);
        now = sim.now;
        sim.ws.pause(now);
        sim
    }

    fn run(&mut self, ms: u64) {
        for _ in 0..ms / 10 {
            self.now += 10;
            self.ws.tick(self.now);
        }
    }

    fn publish(&mut self, qos: QoS) {
        let request = PublishRequest::new("home/t", "21.5", qos, false);
        self.ws.publish(self.kitchen, &request, self.now).unwrap();
    }

    /// The whole scene, laid out wide (as exported).
    fn scene(&self) -> Scene {
        self.scene_in(f32::INFINITY)
    }

    /// The whole scene, laid out for a view `width` px wide.
    fn scene_in(&self, width: f32) -> Scene {
        scene(&self.ws, &self.ws.playhead(self.now), 0.0, f32::MAX, width)
    }
}

/// The arrows' words, from the cursor's newest back `n`.
fn last_arrows(scene: &Scene, n: usize) -> Vec<String> {
    let from = scene.arrows.len().saturating_sub(n);
    scene.arrows[from..]
        .iter()
        .map(|a| format!("{} {:?}", a.label, a.fate))
        .collect()
}

#[test]
fn a_qos2_handshake_moves_across_the_lanes_and_is_delivered_once() {
    let mut sim = Sim::new(QoS::ExactlyOnce);
    sim.publish(QoS::ExactlyOnce);
    sim.ws.step_forward(sim.now).unwrap();
    let first = sim.scene();
    // The publisher left of the broker, the subscriber right of it: the PUBLISH crosses the page.
    let names: Vec<&str> = first.lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["esp32-kitchen", "broker", "dashboard"]);
    assert_eq!(first.lanes[1].x - first.lanes[0].x, Across::WIDE.lane_gap);
    assert!(first.width > first.lanes[2].x);
    let publish = first.arrows.last().unwrap();
    assert_eq!(publish.label, "PUBLISH #1 QoS 2");
    assert_eq!(publish.fate, Fate::InFlight);
    let (left, due) = publish.flight.expect("in flight: when it left and is due");
    assert_eq!(due - left, 20.0, "the simulated latency");
    assert_eq!(
        (publish.x1, publish.x2),
        (first.lanes[0].x, first.lanes[1].x)
    );
    assert!(publish.y2 > publish.y1, "it slopes down with its latency");
    assert!(publish
        .text
        .contains("esp32-kitchen → broker: PUBLISH #1 QoS 2, in flight"));
    for _ in 0..8 {
        sim.ws.step_forward(sim.now).unwrap();
    }
    let end = sim.scene();
    assert_eq!(
        last_arrows(&end, 8),
        [
            "PUBLISH #1 QoS 2 Arrived",
            "PUBREC #1 Arrived",
            "PUBLISH #1 QoS 2 Arrived",
            "PUBREL #1 Arrived",
            "PUBREC #1 Arrived",
            "PUBCOMP #1 Arrived",
            "PUBREL #1 Arrived",
            "PUBCOMP #1 Arrived",
        ]
    );
    let delivered: Vec<_> = end
        .marks
        .iter()
        .filter(|m| m.class == "delivered")
        .collect();
    assert_eq!(delivered.len(), 1, "exactly once, seen");
    let subscriber = end
        .lanes
        .iter()
        .find(|l| l.client == Some(sim.dashboard))
        .unwrap();
    assert_eq!(delivered[0].x, subscriber.x, "on the subscriber's lifeline");
    assert!(!delivered[0].left, "its words point away from the broker");
    assert!(
        delivered[0].text.contains("“21.5”"),
        "{}",
        delivered[0].text
    );
    assert!(end.height > end.cursor_y);
    // Every arrow is drawn between its client's lane and the broker's, never past them.
    for arrow in &end.arrows {
        let lanes = [arrow.x1, arrow.x2];
        assert!(lanes.contains(&end.lanes[1].x), "{arrow:?}");
    }
    // Back two steps: what came after the cursor is gone from the picture, the state with it.
    sim.ws.step_back();
    sim.ws.step_back();
    let back = sim.scene();
    assert!(back.cursor_y < end.cursor_y);
    assert!(back.arrows.len() < end.arrows.len());
    assert!(back.arrows.iter().any(|a| a.fate == Fate::InFlight));
}

#[test]
fn a_dropped_puback_ends_in_a_cross_part_way_and_says_so() {
    let mut sim = Sim::new(QoS::AtLeastOnce);
    sim.ws
        .arm_fault(
            FaultKind::Drop,
            PacketType::PubAck,
            FaultAim::To(sim.kitchen),
            sim.now,
        )
        .unwrap();
    sim.publish(QoS::AtLeastOnce);
    for _ in 0..6 {
        if sim.ws.step_forward(sim.now).is_err() {
            break;
        }
    }
    let scene = sim.scene();
    let lost: Vec<_> = scene
        .arrows
        .iter()
        .filter(|a| a.fate == Fate::Lost)
        .collect();
    assert_eq!(lost.len(), 1, "{:#?}", scene.arrows);
    let puback = lost[0];
    assert_eq!(puback.label, "PUBACK #1");
    let (broker, kitchen) = (scene.lanes[1].x, scene.lanes[0].x);
    assert_eq!(puback.x1, broker);
    assert!(puback.x2 < broker && puback.x2 > kitchen, "{puback:?}");
    assert!(puback.text.contains("dropped"), "{}", puback.text);
    // Its name as a button starts with what it shows, as shown: label, cross, time; then its way.
    let shown = format!("PUBACK #1 ✕ lost {}", puback.time);
    assert!(puback.name.starts_with(&shown), "{}", puback.name);
    assert!(
        puback.name.contains(": broker → esp32-kitchen, ") && puback.name.contains("dropped"),
        "{}",
        puback.name
    );
    assert_eq!(puback.mark_words(), Some(("lost-word", " ✕ lost")));
    // An arrival shows its label and time only; the transcript's story stays in time order.
    let arrived = scene
        .arrows
        .iter()
        .find(|a| a.fate == Fate::Arrived)
        .unwrap();
    assert_eq!(arrived.mark_words(), None);
    assert!(
        arrived
            .name
            .starts_with(&format!("{} {}: ", arrived.label, arrived.time)),
        "{}",
        arrived.name
    );
    assert!(arrived.text.starts_with(&arrived.time), "{}", arrived.text);
    assert_eq!(
        scene
            .marks
            .iter()
            .filter(|m| m.class == "delivered")
            .count(),
        1
    );
}

#[test]
fn only_the_window_is_drawn() {
    let mut sim = Sim::new(QoS::AtMostOnce);
    sim.ws.play(sim.now);
    for _ in 0..30 {
        sim.publish(QoS::AtLeastOnce);
        sim.run(400);
    }
    let all = sim.scene();
    assert!(all.arrows.len() > 80, "{}", all.arrows.len());
    let (top, bottom) = (all.height / 2.0, all.height / 2.0 + 200.0);
    let part = scene(
        &sim.ws,
        &sim.ws.playhead(sim.now),
        top,
        bottom,
        f32::INFINITY,
    );
    assert!(!part.arrows.is_empty() && part.arrows.len() < all.arrows.len() / 3);
    for arrow in &part.arrows {
        assert!(
            arrow.y1.max(arrow.y2) >= top && arrow.y1.min(arrow.y2) <= bottom,
            "{arrow:?}"
        );
    }
    assert!(part.marks.iter().all(|m| m.y >= top && m.y <= bottom));
    assert_eq!(part.lanes, all.lanes, "lanes do not jump while scrolling");
    assert_eq!(part.height, all.height);
}

#[test]
fn labels_show_type_id_qos_dup_and_retain() {
    let record = |bytes: Vec<u8>, packet_type, id| {
        PacketRecord::new(1, Direction::Sent, 0, packet_type, id, String::new(), bytes)
    };
    let publish = record(vec![0x3D, 0], PacketType::Publish, Some(7));
    assert_eq!(label(&publish), "PUBLISH #7 QoS 2 DUP RETAIN");
    let plain = record(vec![0x30, 0], PacketType::Publish, None);
    assert_eq!(label(&plain), "PUBLISH QoS 0");
    let pubrel = record(vec![0x62, 2, 0, 9], PacketType::PubRel, Some(9));
    assert_eq!(label(&pubrel), "PUBREL #9");
}

#[test]
fn on_a_phone_three_lifelines_fit_side_by_side_and_the_marks_words_go_inward() {
    let mut sim = Sim::new(QoS::ExactlyOnce);
    sim.publish(QoS::ExactlyOnce);
    for _ in 0..9 {
        sim.ws.step_forward(sim.now).unwrap();
    }
    let wide = sim.scene();
    // A 390 px phone's diagram is about 340 px wide inside its card.
    let narrow = sim.scene_in(340.0);
    assert!(wide.width > 340.0, "the wide layout would scroll sideways");
    assert!(narrow.width <= 340.0, "{}", narrow.width);
    let names: Vec<&str> = narrow.lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["esp32-kitchen", "broker", "dashboard"]);
    let gap = narrow.lanes[1].x - narrow.lanes[0].x;
    assert!((112.0..176.0).contains(&gap), "{gap}");
    assert!(narrow.lanes[0].x >= narrow.across.gutter);
    // The same arrows, between the narrow lanes.
    assert_eq!(last_arrows(&narrow, 8), last_arrows(&wide, 8));
    for arrow in &narrow.arrows {
        assert!(
            [arrow.x1, arrow.x2].contains(&narrow.lanes[1].x),
            "{arrow:?}"
        );
    }
    // The delivery mark's words turn towards the broker: outside there is no room for them.
    let delivered = narrow
        .marks
        .iter()
        .find(|m| m.class == "delivered")
        .unwrap();
    assert_eq!(delivered.x, narrow.lanes[2].x);
    assert!(delivered.left, "inward, towards the broker");
    let wide_delivered = wide.marks.iter().find(|m| m.class == "delivered").unwrap();
    assert!(!wide_delivered.left, "outward when there is room");
}

#[test]
fn the_layout_is_wide_when_it_fits_and_never_squeezes_lanes_below_their_labels() {
    let wide = Across::WIDE;
    assert_eq!(Across::fit(f32::INFINITY, 3), wide);
    assert_eq!(Across::fit(wide.width(3), 3), wide);
    assert!(!wide.marks_inward());
    // A little narrower: the lifelines come closer, the marks' words still outside them.
    let closer = Across::fit(wide.width(3) - 40.0, 3);
    assert_eq!(closer.lane_gap, wide.lane_gap - 20.0);
    assert!(!closer.marks_inward());
    assert_eq!(closer.width(3), wide.width(3) - 40.0);
    // Narrower than 140 px between lifelines: their words go between them instead.
    let narrow = Across::fit(wide.gutter + 2.0 * wide.side + 2.0 * 140.0 - 1.0, 3);
    assert!(narrow.marks_inward());
    assert!(narrow.width(3) <= wide.gutter + 2.0 * wide.side + 2.0 * 140.0 - 1.0);
    // Between a phone and a wide view: the wide spacing, the words inward, the rest either side.
    let between = Across::fit(640.0, 3);
    assert!(between.marks_inward());
    assert_eq!(between.lane_gap, wide.lane_gap);
    assert_eq!(between.width(3), 640.0);
    // Two lifelines keep their wide spacing on a phone; only the room outside shrinks.
    assert_eq!(Across::fit(340.0, 2).lane_gap, wide.lane_gap);
    // Five do not fit a phone: they keep 112 px between them, and the view scrolls.
    let five = Across::fit(340.0, 5);
    assert_eq!(five.lane_gap, 112.0);
    assert!(five.width(5) > 340.0);
    // Nothing measured yet, or a hidden view: still a usable layout.
    assert_eq!(Across::fit(0.0, 3).lane_gap, 112.0);
}
