//! The sequence diagram's geometry, as plain Rust: where each step, lifeline and arrow goes.
//!
//! Every packet and every mark is a *step* (a [`Beat`](super::model::Beat)) with its own y: below the
//! previous step by at least [`MIN_GAP`], and further the more time passed between them (compressed,
//! so a 60 s keep-alive pause does not push everything off the page). Steps are laid out once, when
//! they are recorded, so drawing a window of the diagram costs the same however long the history is.

/// Where the first step is drawn.
pub const TOP: f32 = 20.0;
/// The least distance between two steps, so their labels never overlap.
pub const MIN_GAP: f32 = 22.0;
/// The most a pause can add.
pub const MAX_GAP: f32 = 240.0;

/// The vertical distance for `ms` milliseconds between two steps: 0.6 px/ms up to 200 ms (50 ms of
/// latency is a clear slope), then growing with the square root, at most [`MAX_GAP`].
pub fn gap(ms: u64) -> f32 {
    time_px(ms).max(MIN_GAP)
}

/// Time as distance, without the minimum.
pub fn time_px(ms: u64) -> f32 {
    let ms = ms as f32;
    if ms <= 200.0 {
        ms * 3.0 / 5.0
    } else {
        (120.0 + 2.5 * (ms - 200.0).sqrt()).min(MAX_GAP)
    }
}

/// How the diagram spreads across: room on the left for the times, outside the outermost lifelines,
/// and between two lifelines. The default is the wide layout.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Across {
    /// Room on the left for the times.
    pub gutter: f32,
    /// Room outside the outermost lifelines: for the marks' words when they go outward.
    pub side: f32,
    /// Between two lifelines.
    pub lane_gap: f32,
}

impl Default for Across {
    fn default() -> Self {
        Self::WIDE
    }
}

impl Across {
    /// A wide view: lifelines far apart, the marks' words outside the outermost ones ("✓ delivered"
    /// and a payload's first characters).
    pub const WIDE: Across = Across {
        gutter: 64.0,
        side: 190.0,
        lane_gap: 176.0,
    };
    /// The closest two lifelines come while the marks' words still go outside them.
    const CLOSEST_OUTWARD_GAP: f32 = 140.0;
    /// A narrow view's room for the times ("12.345 s" in the small font).
    const NARROW_GUTTER: f32 = 48.0;
    /// A narrow view's room outside the outermost lifelines: their dots and a lane name's half.
    const NARROW_SIDE: f32 = 16.0;
    /// The closest two lifelines come: "PUBLISH #1 QoS 2" still fits between them.
    const NARROWEST_GAP: f32 = 112.0;

    /// The layout of `lanes` lifelines in a view `width` px wide. The wide one when it fits, then
    /// lifelines closer together (down to 140 px); narrower still, the marks' words go inward,
    /// between the lifelines, which come closer again (down to 112 px apart), so a phone shows a
    /// publisher, the broker and a subscriber side by side instead of one lifeline and a sideways
    /// scroll.
    pub fn fit(width: f32, lanes: usize) -> Across {
        let wide = Self::WIDE;
        let gaps = lanes.saturating_sub(1).max(1) as f32;
        // max/min, not `clamp` (see `scene`).
        let outward_gap = ((width - wide.gutter - 2.0 * wide.side) / gaps).min(wide.lane_gap);
        if outward_gap >= Self::CLOSEST_OUTWARD_GAP {
            return Across {
                lane_gap: outward_gap,
                ..wide
            };
        }
        let room = width - Self::NARROW_GUTTER - 2.0 * Self::NARROW_SIDE;
        let lane_gap = (room / gaps).min(wide.lane_gap).max(Self::NARROWEST_GAP);
        // What the lifelines leave over (between a phone and a wide view) goes to both sides, so the
        // diagram sits in the middle of its view. It stays short of the wide layout's side, or the
        // lifelines would have been far enough apart for the words to go outside.
        let side = ((width - Self::NARROW_GUTTER - gaps * lane_gap) / 2.0).max(Self::NARROW_SIDE);
        Across {
            gutter: Self::NARROW_GUTTER,
            side,
            lane_gap,
        }
    }

    /// How many characters of a mark's words fit where they go: outside the outermost lifelines,
    /// or (inward) between two, in the smaller font a narrow view gives them (see the stylesheet).
    fn words_fit(&self) -> usize {
        let (room, char_px) = if self.marks_inward() {
            (self.lane_gap, 5.6)
        } else {
            (self.side, 6.6)
        };
        ((room - 12.0) / char_px).max(0.0) as usize
    }

    /// The marks' words go inward (towards the broker) when there is no room for them outside.
    pub fn marks_inward(&self) -> bool {
        self.side < Self::WIDE.side
    }

    /// The whole width for `lanes` lifelines.
    pub fn width(&self, lanes: usize) -> f32 {
        self.gutter + 2.0 * self.side + lanes.saturating_sub(1) as f32 * self.lane_gap
    }

    /// Where lifeline `n` (from the left) goes.
    fn lane_x(&self, n: usize) -> f32 {
        self.gutter + self.side + n as f32 * self.lane_gap
    }
}

use mqtt_core::{Instant, PacketType};

use super::model::{ClientKey, Direction, Mark, MarkKind, MessageRecord, PacketRecord};
use super::ring::Ring;
use super::workspace::{Playhead, Workspace};

/// A lifeline: a client's or (`client: None`) the broker's.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// Whose.
    pub client: Option<ClientKey>,
    /// Its name.
    pub name: String,
    /// Its x.
    pub x: f32,
}

/// Where an arrow stands at the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// It arrived (on a real broker: we sent it, and the broker's end is estimated).
    Arrived,
    /// Still on its way.
    InFlight,
    /// It never arrived.
    Lost,
}

/// A packet as an arrow.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrow {
    /// Its packet record.
    pub index: u64,
    /// From.
    pub x1: f32,
    /// From.
    pub y1: f32,
    /// To (where it arrived, was lost, or is expected).
    pub x2: f32,
    /// To.
    pub y2: f32,
    /// The y of its step (where it was written, or on a real broker where we saw it): its time goes
    /// there, and steps never overlap.
    pub y: f32,
    /// "PUBLISH #1 QoS 2 DUP RETAIN".
    pub label: String,
    /// At the cursor.
    pub fate: Fate,
    /// A resend (DUP) or a copy made by the link.
    pub dup: bool,
    /// While in flight: when it left and when it is due (workspace ms), to move it along.
    pub flight: Option<(f64, f64)>,
    /// Its time, for the margin.
    pub time: String,
    /// The whole story in time order, for the transcript: "0.05 s esp32-kitchen → broker: PUBLISH
    /// #1 QoS 1, arrived".
    pub text: String,
    /// Its name as a button: the words it shows first, as shown (label, marks, time), then where it
    /// went — so someone who says what they see ("click PUBREC #1") reaches it (WCAG 2.5.3).
    pub name: String,
}

impl Arrow {
    /// The words after its label, with their class: a lost packet's cross, or "(copy)" for a
    /// duplicate whose label does not already say DUP.
    pub fn mark_words(&self) -> Option<(&'static str, &'static str)> {
        mark_words(self.fate, self.dup, &self.label)
    }
}

fn mark_words(fate: Fate, dup: bool, label: &str) -> Option<(&'static str, &'static str)> {
    if fate == Fate::Lost {
        Some(("lost-word", " ✕ lost"))
    } else if dup && !label.contains("DUP") {
        Some(("dup-word", " (copy)"))
    } else {
        None
    }
}

/// A mark on a lifeline.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkView {
    /// Where.
    pub x: f32,
    /// Where.
    pub y: f32,
    /// Which way its words go: towards the outside of the diagram, or on a narrow one inward.
    pub left: bool,
    /// Its words.
    pub text: String,
    /// A CSS class: "delivered", "suppressed", "cut", "sleep", "closed".
    pub class: &'static str,
}

/// What to draw of the diagram between two heights, at the cursor.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scene {
    /// Lifelines, left to right.
    pub lanes: Vec<Lane>,
    /// How they spread across.
    pub across: Across,
    /// Total width.
    pub width: f32,
    /// Total height up to the cursor (and what is in flight).
    pub height: f32,
    /// Arrows in the window.
    pub arrows: Vec<Arrow>,
    /// Marks in the window.
    pub marks: Vec<MarkView>,
    /// The y of the last step shown.
    pub cursor_y: f32,
}

/// "1.250 s" after `origin`.
pub fn seconds(at: Instant, origin: Instant) -> String {
    let ms = at.saturating_sub(origin);
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

/// An arrow's words: type, packet id, and for a PUBLISH its QoS, DUP and RETAIN.
pub fn label(record: &PacketRecord) -> String {
    let mut text = record.packet_type.name().to_string();
    if let Some(id) = record.packet_id {
        text.push_str(&format!(" #{id}"));
    }
    if record.packet_type == PacketType::Publish {
        let flags = record.bytes.first().copied().unwrap_or(0);
        text.push_str(&format!(" QoS {}", flags >> 1 & 3));
        if flags & 8 != 0 {
            text.push_str(" DUP");
        }
        if flags & 1 != 0 {
            text.push_str(" RETAIN");
        }
    }
    text
}

/// The lifelines: the broker in the middle, clients alternating left and right of it (the first
/// client left, the second right: a publisher's PUBLISH crosses the page to the subscriber).
pub fn lanes(clients: &[(ClientKey, String)], across: Across) -> Vec<Lane> {
    let mut left: Vec<&(ClientKey, String)> = Vec::new();
    let mut right = Vec::new();
    for (n, client) in clients.iter().enumerate() {
        if n % 2 == 0 {
            left.push(client);
        } else {
            right.push(client);
        }
    }
    let order = left
        .iter()
        .rev()
        .map(|(key, name)| (Some(*key), name.clone()))
        .chain(std::iter::once((None, "broker".to_string())))
        .chain(right.iter().map(|(key, name)| (Some(*key), name.clone())));
    order
        .enumerate()
        .map(|(n, (client, name))| Lane {
            client,
            name,
            x: across.lane_x(n),
        })
        .collect()
}

fn lerp(a: f32, b: f32, f: f32) -> f32 {
    a + (b - a) * f.clamp(0.0, 1.0)
}

/// The part of the diagram between `top` and `bottom` at the playhead, laid out for a view `width`
/// px wide (`f32::INFINITY`: the wide layout, as exported).
pub fn scene(ws: &Workspace, playhead: &Playhead, top: f32, bottom: f32, width: f32) -> Scene {
    let history = ws.history();
    let cursor = playhead.cursor;
    let beats = &history.beats;
    let last = cursor.checked_sub(1).and_then(|i| beats.get(i)).copied();
    let cursor_y = last.map_or(TOP, |b| b.y);
    let origin = beats
        .get(playhead.first)
        .or(beats.get(beats.first()))
        .map_or(0, |b| b.at);
    // y at a time (a real broker's estimated ends): between the steps around it, or after the last.
    let y_at = |at: Instant| -> f32 {
        let next = beats.partition_point(|b| b.at <= at).min(cursor);
        let before = next.checked_sub(1).and_then(|i| beats.get(i));
        match (before, beats.get(next).filter(|_| next < cursor)) {
            (Some(a), Some(b)) if b.at > a.at => {
                lerp(a.y, b.y, (at - a.at) as f32 / (b.at - a.at) as f32)
            }
            (Some(a), _) => a.y + time_px(at.saturating_sub(a.at)),
            (None, Some(b)) => b.y,
            (None, None) => TOP,
        }
    };
    let mut arrows = Vec::new();
    let mut keys: Vec<ClientKey> = ws.clients().iter().map(|c| c.key).collect();
    let first = history
        .packets
        .partition_point(|p| p.y < top - ws.max_span() - MAX_GAP);
    for (index, p) in history.packets.iter_from(first) {
        if p.step >= cursor || p.y > bottom {
            break;
        }
        let current = p.step >= playhead.first;
        let to_broker = p.direction == Direction::Sent;
        let (mut y1, mut y2) = (p.y, p.y);
        let mut fate = Fate::Arrived;
        let mut flight = None;
        let mut fraction = 1.0;
        let at = p.at as f64;
        match (playhead.simulated && current, p.end) {
            (true, Some((step, end_y))) if step < cursor => {
                y2 = end_y;
                if p.lost.is_some() {
                    fate = Fate::Lost;
                    let lost_at = beats.get(step).map_or(p.at, |b| b.at);
                    fraction = match p.far_at {
                        Some(due) if due > p.at => (lost_at - p.at) as f32 / (due - p.at) as f32,
                        _ => 0.45,
                    };
                }
            }
            (true, _) => {
                fate = Fate::InFlight;
                let due = p.far_at.unwrap_or(p.at);
                let from = last.map_or(p.at, |b| b.at);
                y2 = (cursor_y + time_px(due.saturating_sub(from))).max(y1 + MIN_GAP / 2.0);
                flight = Some((at, due as f64));
                if p.far_at.is_none() {
                    fraction = 0.45;
                }
            }
            (false, _) if p.lost.is_some() => {
                fate = Fate::Lost;
                fraction = 0.3;
                y2 = y1 + 10.0;
            }
            (false, _) => {
                let far = p.far_at.unwrap_or(p.at);
                if to_broker {
                    // max/min, not `clamp`: `f32::clamp` asserts its bounds and its panic message
                    // would link a float printer into the page.
                    y2 = y_at(far).max(y1 + 6.0).min(y1 + MIN_GAP / 2.0);
                    if current && (far as f64) > playhead.time {
                        fate = Fate::InFlight;
                        flight = Some((at, far as f64));
                    }
                } else {
                    // The broker's send is an estimate, and a packet held in hold mode may have left
                    // long before it was revealed: a short slope keeps it beside its own step, clear
                    // of the arrows before it (the hold queue shows the wait).
                    y1 = y_at(far).max(y2 - MIN_GAP / 2.0).min(y2 - 6.0);
                }
            }
        }
        if y1.max(y2) < top {
            continue;
        }
        if !keys.contains(&p.client) {
            keys.push(p.client);
        }
        let who = ws.name(p.client);
        let label = label(p);
        let (from, to) = if to_broker {
            (who, "broker")
        } else {
            ("broker", who)
        };
        let what = match fate {
            Fate::Arrived if playhead.simulated || !to_broker => "arrived".to_string(),
            Fate::Arrived => "sent".to_string(),
            Fate::InFlight => "in flight".to_string(),
            Fate::Lost => p.lost.unwrap_or("lost").to_string(),
        };
        let dup = p
            .bytes
            .first()
            .is_some_and(|f| p.packet_type == PacketType::Publish && f & 8 != 0)
            || p.summary.ends_with("(duplicate)");
        let marks = mark_words(fate, dup, &label).map_or("", |(_, words)| words);
        let time = seconds(p.at, origin);
        arrows.push(Arrow {
            index,
            x1: if to_broker { 1.0 } else { 0.0 },
            y1,
            x2: fraction,
            y2,
            y: p.y,
            dup,
            text: format!("{time} {from} → {to}: {label}, {what}"),
            name: format!("{label}{marks} {time}: {from} → {to}, {what}"),
            label,
            fate,
            flight,
            time,
        });
    }
    let mut marks = Vec::new();
    let first = history.marks.partition_point(|m| m.y < top);
    let mut placed = Vec::new();
    for (_, m) in history.marks.iter_from(first) {
        if m.step >= cursor || m.y > bottom {
            break;
        }
        if let Some(key) = m.client {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        placed.push(m);
    }
    keys.sort_unstable();
    let named: Vec<(ClientKey, String)> = keys
        .iter()
        .map(|&key| (key, ws.name(key).to_string()))
        .collect();
    // The broker's lifeline and every client's that has something in the window.
    let across = Across::fit(width, named.len() + 1);
    let lanes = lanes(&named, across);
    let x_of = |client: Option<ClientKey>| {
        lanes
            .iter()
            .find(|lane| lane.client == client)
            .map_or(across.lane_x(0), |lane| lane.x)
    };
    let broker_x = x_of(None);
    for arrow in &mut arrows {
        let client_x = history
            .packets
            .get(arrow.index)
            .map_or(broker_x, |p| x_of(Some(p.client)));
        // x1 holds "from the client" and x2 the fraction of the way, until the lanes are known.
        let (from, to) = if arrow.x1 > 0.5 {
            (client_x, broker_x)
        } else {
            (broker_x, client_x)
        };
        let fraction = arrow.x2;
        arrow.x1 = from;
        arrow.x2 = lerp(from, to, fraction);
        if fraction < 1.0 {
            arrow.y2 = lerp(arrow.y1, arrow.y2, fraction);
        }
    }
    let (inward, fit) = (across.marks_inward(), across.words_fit());
    for m in placed {
        let x = x_of(m.client);
        marks.push(MarkView {
            x,
            y: m.y,
            left: if inward { x > broker_x } else { x < broker_x },
            text: mark_text(m, &history.messages, fit),
            class: mark_class(&m.kind),
        });
    }
    let in_flight = arrows
        .iter()
        .filter(|a| a.fate == Fate::InFlight)
        .map(|a| a.y2)
        .fold(cursor_y, f32::max);
    Scene {
        width: across.width(lanes.len()),
        lanes,
        across,
        height: in_flight + 2.0 * MIN_GAP,
        arrows,
        marks,
        cursor_y,
    }
}

/// A mark's words, in at most `fit` characters where that can be helped: a delivery shows as much
/// of its payload as fits (at least 4 characters, at most 14), cut with "…".
fn mark_text(mark: &Mark, messages: &Ring<MessageRecord>, fit: usize) -> String {
    match &mark.kind {
        MarkKind::Delivered(index) => match messages.get(*index) {
            Some(message) => {
                let dup = if message.dup { " (DUP)" } else { "" };
                // "✓ delivered “" and "”", and the DUP.
                let words = 14 + dup.chars().count();
                let room = fit.saturating_sub(words).clamp(4, 14);
                let payload = String::from_utf8_lossy(&message.payload);
                let short: String = if payload.chars().count() > room {
                    payload.chars().take(room - 1).chain(['…']).collect()
                } else {
                    payload.into_owned()
                };
                format!("✓ delivered “{short}”{dup}")
            }
            None => "✓ delivered".into(),
        },
        MarkKind::Suppressed(id) if mark.client.is_none() => format!("⊘ #{id} not routed again"),
        MarkKind::Suppressed(id) => format!("⊘ #{id} not delivered again"),
        MarkKind::LinkCut => "✂ link cut".into(),
        MarkKind::Asleep => "☾ asleep".into(),
        MarkKind::Awake => "☀ awake".into(),
        MarkKind::Closed(why) => format!("✕ {why}"),
    }
}

/// A mark's CSS class.
fn mark_class(kind: &MarkKind) -> &'static str {
    match kind {
        MarkKind::Delivered(_) => "delivered",
        MarkKind::Suppressed(_) => "suppressed",
        MarkKind::LinkCut => "cut",
        MarkKind::Asleep | MarkKind::Awake => "sleep",
        MarkKind::Closed(_) => "closed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn time_spreads_steps_apart_but_long_pauses_are_compressed() {
        assert_eq!(gap(0), MIN_GAP);
        assert_eq!(gap(50), 30.0);
        assert_eq!(gap(200), 120.0);
        assert!(gap(1_000) > gap(500) && gap(1_000) < MAX_GAP);
        assert_eq!(gap(60_000), MAX_GAP);
        let mut last = 0.0;
        for ms in (0..5_000).step_by(7) {
            assert!(time_px(ms) >= last, "monotonic at {ms}");
            last = time_px(ms);
        }
    }

    #[test]
    fn a_marks_words_fit_where_they_go() {
        let mark = |client, kind| Mark {
            step: 0,
            y: 0.0,
            at: 0,
            client,
            kind,
        };
        let mut messages = Ring::new(4);
        let delivered = |payload: &str, dup: bool| MessageRecord {
            at: 0,
            client: 1,
            direction: Direction::Received,
            topic: "home/t".into(),
            payload: payload.as_bytes().to_vec().into(),
            qos: mqtt_core::QoS::ExactlyOnce,
            retain: false,
            dup,
            packet_id: Some(1),
            properties: None,
            packet: None,
            step: 0,
        };
        let long = messages.push(delivered("a long payload value 12345", false));
        let short = messages.push(delivered("21.5", true));
        let (wide, narrow) = (Across::WIDE.words_fit(), Across::fit(340.0, 3).words_fit());
        assert!(narrow < wide, "{narrow} {wide}");
        let text =
            |index, fit| mark_text(&mark(Some(1), MarkKind::Delivered(index)), &messages, fit);
        // As much of the payload as fits, cut with "…"; the words never longer than the room.
        assert_eq!(text(long, wide), "✓ delivered “a long payl…”");
        assert_eq!(text(long, narrow), "✓ delivered “a long…”");
        for fit in [wide, narrow] {
            assert!(text(long, fit).chars().count() <= fit, "{fit}");
        }
        // A short payload whole, and a duplicate says so.
        assert_eq!(text(short, narrow), "✓ delivered “21.5” (DUP)");
        // At least a few characters, however little room.
        assert_eq!(text(long, 0), "✓ delivered “a l…”");
        // A message no longer kept.
        assert_eq!(text(99, wide), "✓ delivered");
        let broker = mark(None, MarkKind::Suppressed(2));
        assert_eq!(mark_text(&broker, &messages, wide), "⊘ #2 not routed again");
        let client = mark(Some(1), MarkKind::Suppressed(2));
        assert_eq!(
            mark_text(&client, &messages, wide),
            "⊘ #2 not delivered again"
        );
    }
}
