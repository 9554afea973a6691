//! Splits pasted bytes into packets and decodes each with mqtt-core, keeping every field's byte span.
//!
//! This is the only place the inspector decodes. Whatever mqtt-core says — a packet, "need more bytes",
//! or malformed at byte N — becomes plain data the components render; they never look at bytes
//! themselves. Decoding stops at the first malformed packet, as a real MQTT peer would: it closes the
//! connection there, so nothing after it is ever read.

use mqtt_core::codec::Spans;
use mqtt_core::{decode_traced, frame_len, DecodeError, PacketType, ProtocolVersion};

/// More packets than this in one paste are not decoded: the list would be unusable long before.
pub const MAX_PACKETS: usize = 256;

/// All packets found in the input, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inspection {
    /// The packets, the last of which may be malformed or incomplete.
    pub packets: Vec<PacketView>,
    /// Bytes after a malformed packet (or past [`MAX_PACKETS`]) that were not decoded.
    pub undecoded: usize,
}

/// One packet's bytes and what decoding them found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketView {
    /// Offset of the packet's first byte in the whole input.
    pub offset: usize,
    /// The packet's bytes (for an incomplete packet: what there is).
    pub bytes: Vec<u8>,
    /// Every decoded field, parents before children, offsets from the packet's first byte.
    pub spans: Spans,
    /// Short description for the packet list, e.g. `PUBLISH · QoS 1 · id 7`.
    pub summary: String,
    /// Whether it decoded.
    pub outcome: Outcome,
}

/// How decoding one packet ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A complete, well-formed packet.
    Decoded,
    /// Malformed: the spans hold what was decoded up to the failure.
    Malformed(Malformed),
    /// The bytes end before the packet does.
    Incomplete(Incomplete),
}

/// A decode error, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// What is wrong, in words.
    pub message: String,
    /// The rule broken, e.g. `MQTT-3.3.1-4 (3.1.1)`, where the specification numbers one.
    pub rule: Option<String>,
    /// First offending byte, from the packet's first byte.
    pub offset: usize,
    /// Number of offending bytes (0 when something is missing at `offset`).
    pub len: usize,
    /// The span the error blames (for a wrong flag, that flag's bits), if any was decoded.
    pub field: Option<usize>,
}

impl Malformed {
    /// The error as shown, blaming a field among `spans`.
    fn new(error: &DecodeError, spans: &Spans) -> Self {
        Malformed {
            message: error.violation.to_string(),
            rule: error.rule.map(|rule| rule.to_string()),
            offset: error.offset,
            len: error.len,
            field: spans.field_for_error(error),
        }
    }
}

/// Why a packet is incomplete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Incomplete {
    /// Not even the fixed header (type byte and remaining length) is complete.
    Header {
        /// Bytes there are.
        have: usize,
    },
    /// The fixed header announces a longer packet than the bytes hold.
    Body {
        /// Whole packet length the fixed header announces (header included).
        announced: usize,
        /// Bytes there are.
        have: usize,
    },
}

impl Incomplete {
    /// One line for people, e.g. `incomplete: the fixed header announces 33 bytes, you pasted 29`.
    pub fn message(self) -> String {
        match self {
            Incomplete::Header { have: 1 } => String::from(
                "incomplete: only byte 0 (type and flags) is there; the remaining length that follows it is missing",
            ),
            Incomplete::Header { have } => format!(
                "incomplete: the fixed header is cut short after {have} bytes: the last remaining-length \
                 byte has its continuation bit (0x80) set, so more must follow"
            ),
            Incomplete::Body { announced, have } => format!(
                "incomplete: the fixed header announces {announced} bytes, you pasted {have} \
                 ({} more needed)",
                announced.saturating_sub(have)
            ),
        }
    }
}

/// Decodes `bytes` packet after packet in `version`.
pub fn inspect(bytes: &[u8], version: ProtocolVersion) -> Inspection {
    let mut inspection = Inspection::default();
    let mut offset = 0;
    while let Some(rest) = bytes.get(offset..).filter(|rest| !rest.is_empty()) {
        if inspection.packets.len() == MAX_PACKETS {
            inspection.undecoded = rest.len();
            break;
        }
        let view = inspect_one(rest, offset, version);
        let stop = view.outcome != Outcome::Decoded;
        offset += view.bytes.len();
        inspection.packets.push(view);
        if stop {
            inspection.undecoded = bytes.len().saturating_sub(offset);
            break;
        }
    }
    inspection
}

/// Decodes the packet at the start of `rest`, which starts at `offset` in the input.
fn inspect_one(rest: &[u8], offset: usize, version: ProtocolVersion) -> PacketView {
    let mut spans = Spans::new();
    let result = decode_traced(rest, version, &mut spans);
    // How far this packet reaches, so the bytes of the next one are not shown as part of it. A fixed
    // header that cannot be read at all leaves nothing to go by but the rest of the input.
    let framed = match frame_len(rest, version) {
        Ok(Some(len)) => len.min(rest.len()),
        _ => rest.len(),
    };
    let (outcome, summary, len) = match result {
        Ok(Some((packet, used))) => (Outcome::Decoded, packet.summary(version), used),
        Ok(None) => {
            let incomplete = match frame_len(rest, version) {
                Ok(Some(announced)) => Incomplete::Body {
                    announced,
                    have: rest.len(),
                },
                _ => Incomplete::Header { have: rest.len() },
            };
            (
                Outcome::Incomplete(incomplete),
                type_name(rest, "incomplete"),
                rest.len(),
            )
        }
        Err(error) => (
            Outcome::Malformed(Malformed::new(&error, &spans)),
            type_name(rest, "malformed"),
            framed,
        ),
    };
    PacketView {
        offset,
        bytes: rest.get(..len).unwrap_or(rest).to_vec(),
        spans,
        summary,
        outcome,
    }
}

/// The packet list's label for a decoded packet.
/// The packet list's label for a packet that did not decode: its type, if byte 0 names one.
fn type_name(bytes: &[u8], problem: &str) -> String {
    match bytes
        .first()
        .and_then(|byte| PacketType::from_nibble(byte >> 4))
    {
        Some(packet_type) => format!("{} · {problem}", packet_type.name()),
        None => problem.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspector::samples;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const V311: ProtocolVersion = ProtocolVersion::V311;

    fn sample(id: &str) -> samples::Sample {
        samples::find(&samples::all(), id).unwrap().clone()
    }

    #[test]
    fn one_packet_decodes_with_spans_from_its_first_byte() {
        let pubrel = sample("pubrel");
        let inspection = inspect(&pubrel.bytes, V311);
        assert_eq!(inspection.packets.len(), 1);
        let packet = &inspection.packets[0];
        assert_eq!(packet.bytes, vec![0x62, 0x02, 0x00, 0x0a]);
        assert_eq!(packet.outcome, Outcome::Decoded);
        assert_eq!(packet.summary, "PUBREL id 10");
        assert_eq!(packet.spans.as_slice()[0].start, 0);
        assert_eq!(inspection.undecoded, 0);
    }

    #[test]
    fn several_packets_are_listed_in_order_with_their_offsets() {
        let both = sample("publish-then-puback");
        let inspection = inspect(&both.bytes, V311);
        let summaries: Vec<&str> = inspection
            .packets
            .iter()
            .map(|p| p.summary.as_str())
            .collect();
        assert_eq!(
            summaries,
            [
                "PUBLISH \"sensors/kitchen/temperature\" QoS 1 id 7 (4 B)",
                "PUBACK id 7"
            ]
        );
        let puback = &inspection.packets[1];
        assert_eq!(puback.offset, both.bytes.len() - 4);
        assert_eq!(puback.bytes, vec![0x40, 0x02, 0x00, 0x07]);
    }

    #[test]
    fn malformed_packet_keeps_partial_spans_and_stops_decoding() {
        let mut bytes = sample("publish-qos3").bytes;
        bytes.extend_from_slice(&[0xc0, 0x00]); // a PINGREQ after it is never read
        let inspection = inspect(&bytes, V311);
        assert_eq!(inspection.packets.len(), 1);
        let packet = &inspection.packets[0];
        assert_eq!(packet.bytes.len(), 11);
        assert_eq!(inspection.undecoded, 2);
        let Outcome::Malformed(malformed) = &packet.outcome else {
            panic!("{:?}", packet.outcome);
        };
        assert_eq!((malformed.offset, malformed.len), (0, 1));
        assert_eq!(malformed.rule.as_deref(), Some("MQTT-3.3.1-4 (3.1.1)"));
        assert!(malformed.message.contains("QoS 3"));
        assert_eq!(packet.summary, "PUBLISH · malformed");
        assert!(packet
            .spans
            .as_slice()
            .iter()
            .any(|s| s.field.name == "Remaining length"));
    }

    #[test]
    fn cut_short_packet_says_how_many_bytes_were_announced() {
        let truncated = sample("publish-truncated");
        let inspection = inspect(&truncated.bytes, V311);
        let packet = &inspection.packets[0];
        let announced = truncated.bytes.len() + 4;
        assert_eq!(
            packet.outcome,
            Outcome::Incomplete(Incomplete::Body {
                announced,
                have: truncated.bytes.len()
            })
        );
        assert_eq!(
            Incomplete::Body {
                announced: 35,
                have: 31
            }
            .message(),
            "incomplete: the fixed header announces 35 bytes, you pasted 31 (4 more needed)"
        );
    }

    #[test]
    fn complete_packet_followed_by_a_partial_header() {
        // PINGREQ, then a PUBLISH whose remaining length has its continuation bit set and stops.
        let inspection = inspect(&[0xc0, 0x00, 0x30, 0x80], V311);
        assert_eq!(inspection.packets.len(), 2);
        assert_eq!(inspection.packets[0].summary, "PINGREQ");
        assert_eq!(inspection.packets[1].offset, 2);
        assert_eq!(
            inspection.packets[1].outcome,
            Outcome::Incomplete(Incomplete::Header { have: 2 })
        );
        assert!(Incomplete::Header { have: 2 }
            .message()
            .contains("cut short after 2 bytes"));
        let lone = inspect(&[0x30], V311);
        assert_eq!(
            lone.packets[0].outcome,
            Outcome::Incomplete(Incomplete::Header { have: 1 })
        );
        assert!(Incomplete::Header { have: 1 }
            .message()
            .contains("only byte 0"));
    }

    #[test]
    fn an_unreadable_fixed_header_blames_all_remaining_bytes() {
        // Remaining length with the continuation bit set in all four bytes.
        let inspection = inspect(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01], V311);
        let packet = &inspection.packets[0];
        assert_eq!(packet.bytes.len(), 6);
        let Outcome::Malformed(malformed) = &packet.outcome else {
            panic!("{:?}", packet.outcome);
        };
        assert_eq!((malformed.offset, malformed.len), (1, 4));
    }

    #[test]
    fn version_matters_for_5_0_packets() {
        let connack = sample("connack-v5");
        assert_eq!(
            inspect(&connack.bytes, ProtocolVersion::V5).packets[0].outcome,
            Outcome::Decoded
        );
        let as_311 = inspect(&connack.bytes, V311);
        assert!(matches!(as_311.packets[0].outcome, Outcome::Malformed(_)));
    }

    #[test]
    fn stops_listing_after_the_maximum_number_of_packets() {
        let pings: Vec<u8> = [0xc0, 0x00].repeat(MAX_PACKETS + 3);
        let inspection = inspect(&pings, V311);
        assert_eq!(inspection.packets.len(), MAX_PACKETS);
        assert_eq!(inspection.undecoded, 6);
    }

    #[test]
    fn empty_input_has_no_packets() {
        assert_eq!(inspect(&[], V311), Inspection::default());
    }
}
