//! A guard against one broker bug: a QoS 2 message sent again *after* its PUBREL.
//!
//! The specification lets a receiver forget a QoS 2 packet identifier once PUBREL arrives (it answers
//! PUBCOMP, and "MUST treat any subsequent PUBLISH packet that contains that Packet Identifier as being
//! a new Application Message", MQTT-4.3.3-12 (5.0)); mqtt-core's session does exactly that. The sender
//! in turn must never resend the PUBLISH once it has sent PUBREL. mosquitto (2.0.x, and its current
//! source) breaks that when a connection drops twice before it gets to resend a pending PUBREL: its
//! `db__message_reconnect_reset_outgoing` turns the message's `resend_pubrel` state back into
//! `publish_qos2`, so the subscriber receives the old message again with DUP=1 and a spec-following
//! client delivers it a second time. The fault-proxy test provokes this within a few dozen cuts.
//!
//! The guard remembers a fingerprint (topic + payload) of each QoS 2 message whose PUBREL arrived, per
//! packet identifier. A later PUBLISH with DUP=1, the same identifier and the same fingerprint is
//! taken for that resend and not delivered (the session has already acknowledged it, so the
//! handshake still completes). A PUBLISH with DUP=0 is always a new message and clears the memory.
//! The one case it misjudges — the broker received our PUBCOMP, reused the identifier for a new
//! message with the very same topic and payload, and our copy of its first transmission was lost —
//! would drop that repeat; a broker that follows the protocol never triggers the guard at all.

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use mqtt_core::client::EventKind;
use mqtt_core::codec::{PacketType, QoS};
use mqtt_core::message::Message;

/// See the [module documentation](self).
#[derive(Debug, Clone, Default)]
pub struct RedeliveryGuard {
    /// QoS 2 messages delivered and not yet released, by packet identifier.
    delivered: BTreeMap<u16, u64>,
    /// QoS 2 messages released (PUBREL seen), by packet identifier.
    released: BTreeMap<u16, u64>,
    suppressed: u64,
}

impl RedeliveryGuard {
    /// How many resends the guard kept from the application.
    pub fn suppressed(&self) -> u64 {
        self.suppressed
    }

    /// Looks at one session event; returns the event the application should see instead (a
    /// `DuplicateSuppressed` for a resend after PUBREL), or the event unchanged.
    pub fn filter(&mut self, kind: EventKind) -> EventKind {
        match kind {
            EventKind::PacketReceived(ref received)
                if received.packet_type == PacketType::PubRel =>
            {
                if let Some(id) = received.packet_id {
                    if let Some(fingerprint) = self.delivered.remove(&id) {
                        self.released.insert(id, fingerprint);
                    }
                }
                kind
            }
            EventKind::MessageDelivered {
                ref message,
                packet_id: Some(id),
                dup,
            } if message.qos == QoS::ExactlyOnce => {
                let fingerprint = fingerprint(message);
                let resend = dup && self.released.get(&id) == Some(&fingerprint);
                self.released.remove(&id);
                self.delivered.insert(id, fingerprint);
                if resend {
                    self.suppressed += 1;
                    EventKind::DuplicateSuppressed { packet_id: id }
                } else {
                    kind
                }
            }
            other => other,
        }
    }
}

fn fingerprint(message: &Message) -> u64 {
    let mut hasher = DefaultHasher::new();
    message.topic().hash(&mut hasher);
    message.payload.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqtt_core::client::Received;

    fn publish(payload: &str, id: u16, dup: bool) -> EventKind {
        EventKind::MessageDelivered {
            message: Message::new("t", payload, QoS::ExactlyOnce, false).expect("valid"),
            packet_id: Some(id),
            dup,
        }
    }

    fn pubrel(id: u16) -> EventKind {
        EventKind::PacketReceived(Received {
            packet_type: PacketType::PubRel,
            packet_id: Some(id),
            summary: String::new(),
            bytes: Vec::new(),
        })
    }

    fn delivered(kind: &EventKind) -> bool {
        matches!(kind, EventKind::MessageDelivered { .. })
    }

    #[test]
    fn a_resend_after_pubrel_is_not_delivered_again() {
        let mut guard = RedeliveryGuard::default();
        assert!(delivered(&guard.filter(publish("a", 7, false))));
        guard.filter(pubrel(7));
        assert_eq!(
            guard.filter(publish("a", 7, true)),
            EventKind::DuplicateSuppressed { packet_id: 7 }
        );
        assert_eq!(guard.suppressed(), 1);
    }

    #[test]
    fn new_messages_reusing_the_identifier_are_delivered() {
        let mut guard = RedeliveryGuard::default();
        guard.filter(publish("a", 7, false));
        guard.filter(pubrel(7));
        // First transmission of a new message: DUP=0.
        assert!(delivered(&guard.filter(publish("a", 7, false))));
        guard.filter(pubrel(7));
        // A resend of a different message.
        assert!(delivered(&guard.filter(publish("b", 7, true))));
        // Without a PUBREL the session itself suppresses resends; the guard stays out of it.
        assert!(delivered(&guard.filter(publish("c", 8, true))));
        assert_eq!(guard.suppressed(), 0);
    }
}
