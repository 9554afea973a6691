//! Everything that happens in a simulated world, in order: what the sessions and the broker report,
//! and what only the world sees — packets written, in flight, delivered or lost, links cut, clients
//! asleep. The UI animates exactly these; if it isn't an event, it didn't happen.

use mqtt_core::broker::BrokerEventKind;
use mqtt_core::client::EventKind;
use mqtt_core::codec::PacketType;
use mqtt_core::Instant;

/// One event, numbered in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimEvent {
    /// Position in the world's history (0, 1, 2, ...).
    pub index: u64,
    /// Virtual time.
    pub at: Instant,
    /// Who it happened to: a client's name, or "broker".
    pub actor: String,
    /// What.
    pub kind: SimEventKind,
}

/// A packet put on a link: one arrow of the sequence diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmission {
    /// Transmission id, pairing this write with its arrival or loss.
    pub tx: u64,
    /// Sender (a client name or "broker").
    pub from: String,
    /// Receiver.
    pub to: String,
    /// Packet type.
    pub packet_type: PacketType,
    /// Packet identifier, if any.
    pub packet_id: Option<u16>,
    /// One-line summary.
    pub summary: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// When it will arrive (`None`: it will not).
    pub arrives_at: Option<Instant>,
}

/// Why a packet did not arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossReason {
    /// The link was cut while it was in flight.
    LinkCut,
    /// Teaching mode: the link lost it at random.
    TeachingLoss,
    /// Teaching mode: a scripted "drop the next ..." fault.
    ScriptedDrop,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimEventKind {
    /// A client session's event.
    Client(EventKind),
    /// The broker's event.
    Broker(BrokerEventKind),
    /// A packet was written onto a link.
    PacketWritten(Transmission),
    /// A packet arrived.
    PacketDelivered {
        /// Its transmission id.
        tx: u64,
    },
    /// A packet was lost.
    PacketLost {
        /// Its transmission id.
        tx: u64,
        /// Why.
        reason: LossReason,
    },
    /// Teaching mode: a packet will arrive twice; the copy has its own transmission id.
    PacketDuplicated {
        /// The original.
        tx: u64,
        /// The copy.
        copy: u64,
    },
    /// A client's link was cut: everything in flight on it is lost.
    LinkCut {
        /// The client.
        client: String,
    },
    /// A client went to sleep (disconnected cleanly, session kept).
    Asleep {
        /// The client.
        client: String,
        /// When it wakes.
        until: Instant,
    },
    /// A client woke up and reconnects.
    Awake {
        /// The client.
        client: String,
    },
    /// A scripted action took place.
    ActionApplied {
        /// What, in words.
        action: String,
    },
    /// A scripted action could not take place.
    ActionFailed {
        /// What was tried.
        action: String,
        /// Why not.
        error: String,
    },
}

/// A digest of a history: equal histories have equal digests, on every platform (FNV-1a over each
/// event's debug form, which contains no addresses and no hash-ordered maps).
pub fn digest(events: &[SimEvent]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for event in events {
        for byte in format!("{event:?}").bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}
