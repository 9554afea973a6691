//! The records every view reads, the same for both backends.

use std::rc::Rc;

use std::borrow::Cow;

use mqtt_core::codec::{summarize, PacketType, ProtocolVersion, QoS};
use mqtt_core::message::MessageProperties;
use mqtt_core::Instant;

/// Our stable number for a client (names can be reused after a client is removed; keys never are).
pub type ClientKey = u32;

/// Which way a packet or message went, seen from the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the client to the broker.
    Sent,
    /// From the broker to the client.
    Received,
}

impl Direction {
    /// "sent" or "received".
    pub fn word(self) -> &'static str {
        match self {
            Direction::Sent => "sent",
            Direction::Received => "received",
        }
    }

    /// An arrow that reads without colour: ↑ for sent, ↓ for received.
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Sent => "↑",
            Direction::Received => "↓",
        }
    }
}

/// One MQTT control packet on one client's connection: one arrow of a sequence diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct PacketRecord {
    /// When it was written (sent) or, for a real broker's packets, when its frame arrived.
    pub at: Instant,
    /// The client whose connection carried it.
    pub client: ClientKey,
    /// Which way.
    pub direction: Direction,
    /// Transmission id, unique in the workspace: pairs a write with its arrival or loss.
    pub tx: u64,
    /// Packet type.
    pub packet_type: PacketType,
    /// Packet identifier, if it has one.
    pub packet_id: Option<u16>,
    /// One-line summary from mqtt-core, or empty: a real broker's packets are summarized from their
    /// bytes only when shown (see [`PacketRecord::summary_in`]).
    pub summary: String,
    /// The bytes (a CONNECT's password bytes are masked: passwords never go into logs). Shared: a
    /// received PUBLISH's message holds its payload as the tail of these bytes.
    pub bytes: Rc<Vec<u8>>,
    /// When it arrived at the other end, when that was seen (simulated links; a real broker's
    /// packets arrive as they are recorded).
    pub arrived_at: Option<Instant>,
    /// Why it never arrived, if it was lost on a simulated link.
    pub lost: Option<&'static str>,
    /// Whether bytes were masked (a password).
    pub redacted: bool,
    /// The diagram step at which it appeared: written (ours, and every simulated packet) or handed to
    /// the session (a real broker's packets). Shown once the cursor is past it.
    pub step: u64,
    /// Its y in the sequence diagram (at `step`).
    pub y: f32,
    /// Simulated packets: the step and y where it arrived or was lost.
    pub end: Option<(u64, f32)>,
    /// The time of its far end: when a simulated packet is due; on a real broker, an estimate from the
    /// one-way latency (ours: when the broker got it; the broker's: when the broker sent it).
    pub far_at: Option<Instant>,
}

impl PacketRecord {
    /// A record of a packet on `client`'s connection, not yet placed in the history (the workspace
    /// numbers it and gives it its diagram step).
    pub fn new(
        client: ClientKey,
        direction: Direction,
        at: Instant,
        packet_type: PacketType,
        packet_id: Option<u16>,
        summary: String,
        bytes: Vec<u8>,
    ) -> Self {
        PacketRecord {
            at,
            client,
            direction,
            tx: 0,
            packet_type,
            packet_id,
            summary,
            bytes: Rc::new(bytes),
            arrived_at: None,
            lost: None,
            redacted: false,
            step: 0,
            y: 0.0,
            end: None,
            far_at: None,
        }
    }

    /// Its one-line summary: [`summary`](Self::summary), or else mqtt-core's summary of its bytes
    /// in `version` (its client's). A flood records tens of thousands of packets a second and the
    /// packet list shows a screenful; writing each one's summary as it came was the largest single
    /// cost of recording it.
    pub fn summary_in(&self, version: ProtocolVersion) -> Cow<'_, str> {
        if self.summary.is_empty() {
            Cow::Owned(summarize(&self.bytes, version))
        } else {
            Cow::Borrowed(&self.summary)
        }
    }
}

/// An application message a client sent or received.
/// A message's payload, shared by the log, the topic tree and the views without copying: either
/// bytes of its own, or the tail of the PUBLISH packet that carried it (its packet record holds those
/// bytes anyway). During a flood of 1 KiB messages, a second copy of every payload — its allocation,
/// and the fresh memory the history grows into — was a tenth of the page's time.
#[derive(Clone)]
pub struct Payload {
    bytes: Rc<Vec<u8>>,
    start: usize,
}

impl Payload {
    /// The payload is the last `len` bytes of `packet` (checked: otherwise a copy of its own).
    pub fn tail_of(packet: &Rc<Vec<u8>>, payload: Vec<u8>) -> Payload {
        if packet.ends_with(&payload) {
            Payload {
                bytes: packet.clone(),
                start: packet.len() - payload.len(),
            }
        } else {
            Payload::from(payload)
        }
    }
}

#[cfg(test)]
impl Payload {
    /// Whether these are `packet`'s bytes (not a copy).
    pub fn shares(&self, packet: &Rc<Vec<u8>>) -> bool {
        Rc::ptr_eq(&self.bytes, packet)
    }
}

impl From<Vec<u8>> for Payload {
    fn from(bytes: Vec<u8>) -> Payload {
        Payload {
            bytes: Rc::new(bytes),
            start: 0,
        }
    }
}

impl std::ops::Deref for Payload {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.bytes.get(self.start..).unwrap_or_default()
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Payload) -> bool {
        **self == **other
    }
}

impl Eq for Payload {}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    /// When it was published, or delivered to the client's application.
    pub at: Instant,
    /// The client.
    pub client: ClientKey,
    /// Published by the client (sent) or delivered to it (received).
    pub direction: Direction,
    /// Topic name.
    pub topic: Rc<str>,
    /// Payload.
    pub payload: Payload,
    /// QoS on this hop.
    pub qos: QoS,
    /// RETAIN flag as it came (a received retained message was stored by the broker).
    pub retain: bool,
    /// DUP flag as it came.
    pub dup: bool,
    /// Packet identifier on this hop (QoS 1/2).
    pub packet_id: Option<u16>,
    /// 5.0 message properties, when there are any.
    pub properties: Option<Rc<MessageProperties>>,
    /// Index of the PUBLISH packet record that carried it (received messages), for the inspector.
    pub packet: Option<u64>,
    /// The diagram step: its delivery mark (received) or the steps recorded when it was published.
    pub step: u64,
}

/// Something drawn on a lifeline of the sequence diagram that is not a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkKind {
    /// A message was delivered to the application (the record index of the message): exactly-once
    /// is *seen* as one mark per message.
    Delivered(u64),
    /// A resent QoS 2 PUBLISH was recognised and not delivered again.
    Suppressed(u16),
    /// The link was cut: everything in flight on it is lost.
    LinkCut,
    /// The client went to sleep (disconnected, session kept).
    Asleep,
    /// The client woke up.
    Awake,
    /// The connection closed (why, for people).
    Closed(&'static str),
}

/// A mark on a lifeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// Its diagram step.
    pub step: u64,
    /// Its y.
    pub y: f32,
    /// When.
    pub at: Instant,
    /// Whose lifeline (`None`: the broker's).
    pub client: Option<ClientKey>,
    /// What.
    pub kind: MarkKind,
}

/// A step of the sequence diagram: when it happened and where it is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Beat {
    /// When.
    pub at: Instant,
    /// Its y.
    pub y: f32,
}

/// Where a client stands, as the client list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Not connected.
    Disconnected,
    /// Opening the WebSocket.
    Opening,
    /// CONNECT sent, waiting for CONNACK.
    Connecting,
    /// Connected.
    Connected,
    /// DISCONNECT sent or closing.
    Closing,
    /// Disconnected cleanly with its session kept at the broker (a sleeping sensor).
    Asleep,
    /// Closed without DISCONNECT on purpose: the broker publishes its will.
    Killed,
    /// The last attempt failed (refused, unreachable, timed out): see its notice.
    Failed,
}

impl Status {
    /// The word shown in the badge.
    pub fn label(self) -> &'static str {
        match self {
            Status::Disconnected => "Disconnected",
            Status::Opening => "Opening socket…",
            Status::Connecting => "Connecting…",
            Status::Connected => "Connected",
            Status::Closing => "Closing…",
            Status::Asleep => "Asleep",
            Status::Killed => "Killed",
            Status::Failed => "Failed",
        }
    }

    /// A symbol for the badge, so the state never depends on colour alone.
    pub fn icon(self) -> &'static str {
        match self {
            Status::Connected => "●",
            Status::Opening | Status::Connecting | Status::Closing => "◌",
            Status::Disconnected => "○",
            Status::Asleep => "☾",
            Status::Killed => "✕",
            Status::Failed => "!",
        }
    }

    /// A CSS class name.
    pub fn class(self) -> &'static str {
        match self {
            Status::Connected => "connected",
            Status::Opening | Status::Connecting | Status::Closing => "busy",
            Status::Disconnected => "disconnected",
            Status::Asleep => "asleep",
            Status::Killed => "killed",
            Status::Failed => "failed",
        }
    }

    /// Whether a connection is open or on its way.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            Status::Opening | Status::Connecting | Status::Connected | Status::Closing
        )
    }
}

/// How serious a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// For the record.
    Info,
    /// Worth knowing: a lower QoS granted, a refused subscription.
    Warning,
    /// Something failed.
    Error,
}

impl Level {
    /// A symbol, so the level never depends on colour alone.
    pub fn icon(self) -> &'static str {
        match self {
            Level::Info => "i",
            Level::Warning => "⚠",
            Level::Error => "✕",
        }
    }

    /// A CSS class name.
    pub fn class(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// A message for a person: what happened and, when it failed, the likely causes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// When.
    pub at: Instant,
    /// Which client, if any.
    pub client: Option<ClientKey>,
    /// How serious.
    pub level: Level,
    /// One line.
    pub title: String,
    /// More lines (causes, what to try), each shown as its own item.
    pub details: Vec<String>,
}

impl Notice {
    /// A notice without details.
    pub fn new(
        at: Instant,
        client: Option<ClientKey>,
        level: Level,
        title: impl Into<String>,
    ) -> Self {
        Notice {
            at,
            client,
            level,
            title: title.into(),
            details: Vec::new(),
        }
    }

    /// The same notice with `details`.
    pub fn with_details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn a_payload_is_the_tail_of_its_publish_when_it_is_one() {
        // PUBLISH "t" QoS 0 with payload "21.5".
        let packet = Rc::new(vec![0x30, 0x07, 0x00, 0x01, b't', b'2', b'1', b'.', b'5']);
        let shared = Payload::tail_of(&packet, b"21.5".to_vec());
        assert_eq!(&*shared, b"21.5");
        assert!(shared.shares(&packet));
        // Bytes that do not end with the payload (another packet): a copy of its own, never wrong.
        let other = Payload::tail_of(&packet, b"22.0".to_vec());
        assert_eq!(&*other, b"22.0");
        assert!(!other.shares(&packet));
        // Longer than the packet, and empty.
        assert_eq!(&*Payload::tail_of(&packet, vec![0; 20]), &[0; 20][..]);
        assert!(Payload::tail_of(&packet, Vec::new()).is_empty());
        assert_eq!(Payload::from(b"21.5".to_vec()), shared);
    }
}
