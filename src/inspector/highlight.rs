//! Which bytes and which field light up, from what the user points at.
//!
//! The tree and the hex view are two views of one packet; pointing at either shows the match in the
//! other. Pointing at a field lights its bytes; pointing at a byte lights the innermost field holding it
//! (mqtt-core's [`Spans::innermost_at`]) and that field's bytes, the way Wireshark does. A decode error
//! lights the bytes it blames, whatever the pointer does.

use std::ops::Range;

use mqtt_core::codec::Spans;

/// What the user points at (mouse, focus or tap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointer {
    /// A row of the field tree: the index of its span.
    Field(usize),
    /// A byte of the hex view: its offset from the packet's first byte.
    Byte(usize),
}

/// What to light up for a pointer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Highlight {
    /// The field (span index) to mark in the tree.
    pub field: Option<usize>,
    /// The bytes to mark in the hex view.
    pub bytes: Range<usize>,
}

impl Highlight {
    /// Whether the byte at `offset` is lit.
    pub fn has_byte(&self, offset: usize) -> bool {
        self.bytes.contains(&offset)
    }
}

/// The highlight for `pointer` over a packet decoded into `spans`.
pub fn highlight(spans: &Spans, pointer: Option<Pointer>) -> Highlight {
    match pointer {
        None => Highlight::default(),
        Some(Pointer::Field(index)) => Highlight {
            field: spans.as_slice().get(index).map(|_| index),
            bytes: spans
                .as_slice()
                .get(index)
                .map_or(0..0, |span| span.start..span.end()),
        },
        Some(Pointer::Byte(offset)) => match spans.innermost_at(offset) {
            Some(index) => Highlight {
                field: Some(index),
                bytes: spans
                    .as_slice()
                    .get(index)
                    .map_or(offset..offset + 1, |span| span.start..span.end()),
            },
            // Bytes after a decode error belong to no field; light just the byte.
            None => Highlight {
                field: None,
                bytes: offset..offset + 1,
            },
        },
    }
}

/// The bytes to mark for a decode error blaming `len` bytes at `offset` of a `packet_len`-byte packet.
///
/// An error about something missing blames zero bytes (e.g. "at least one topic filter" at the end
/// of a SUBSCRIBE); then the byte at the offset — or the last byte, when the offset is the end of the
/// packet — is marked, so the place is still visible.
pub fn error_bytes(offset: usize, len: usize, packet_len: usize) -> Range<usize> {
    if packet_len == 0 {
        return 0..0;
    }
    let start = offset.min(packet_len - 1);
    let end = offset.saturating_add(len.max(1)).min(packet_len);
    start..end.max(start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspector::{inspection, samples};
    use mqtt_core::ProtocolVersion;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The QoS 2 PUBLISH sample: 34 14 | 00 12 "home/kitchen/light" | 00 0a | "on".
    fn publish_qos2() -> Spans {
        let sample = samples::find(&samples::all(), "publish-qos2")
            .unwrap()
            .clone();
        assert_eq!(&sample.bytes[..4], &[0x34, 0x18, 0x00, 0x12]);
        inspection::inspect(&sample.bytes, ProtocolVersion::V311).packets[0]
            .spans
            .clone()
    }

    fn field_index(spans: &Spans, name: &str) -> usize {
        spans
            .as_slice()
            .iter()
            .position(|s| s.field.name == name)
            .unwrap()
    }

    #[test]
    fn pointing_at_a_field_lights_its_bytes() {
        let spans = publish_qos2();
        let topic = field_index(&spans, "Topic name");
        let lit = highlight(&spans, Some(Pointer::Field(topic)));
        // Length prefix (2 bytes) + 18 characters, right after the 2-byte fixed header.
        assert_eq!(lit.bytes, 2..22);
        assert_eq!(lit.field, Some(topic));
        let id = field_index(&spans, "Packet identifier");
        assert_eq!(highlight(&spans, Some(Pointer::Field(id))).bytes, 22..24);
        let payload = field_index(&spans, "Payload");
        assert_eq!(
            highlight(&spans, Some(Pointer::Field(payload))).bytes,
            24..26
        );
    }

    #[test]
    fn pointing_at_a_group_lights_all_of_it() {
        let spans = publish_qos2();
        let header = field_index(&spans, "Variable header");
        assert_eq!(highlight(&spans, Some(Pointer::Field(header))).bytes, 2..24);
    }

    #[test]
    fn pointing_at_a_byte_lights_its_innermost_field() {
        let spans = publish_qos2();
        let lit = highlight(&spans, Some(Pointer::Byte(10)));
        assert_eq!(lit.field, Some(field_index(&spans, "Topic name")));
        assert_eq!(lit.bytes, 2..22);
        assert!(lit.has_byte(2) && lit.has_byte(21) && !lit.has_byte(22));
        let lit = highlight(&spans, Some(Pointer::Byte(1)));
        assert_eq!(lit.field, Some(field_index(&spans, "Remaining length")));
        assert_eq!(lit.bytes, 1..2);
    }

    #[test]
    fn a_byte_outside_every_field_lights_only_itself() {
        let spans = publish_qos2();
        assert_eq!(
            highlight(&spans, Some(Pointer::Byte(99))),
            Highlight {
                field: None,
                bytes: 99..100
            }
        );
        assert_eq!(
            highlight(&spans, Some(Pointer::Field(99))),
            Highlight::default()
        );
        assert_eq!(highlight(&spans, None), Highlight::default());
    }

    #[test]
    fn error_bytes_are_the_blamed_bytes_kept_inside_the_packet() {
        assert_eq!(error_bytes(0, 1, 11), 0..1);
        assert_eq!(error_bytes(4, 3, 11), 4..7);
        assert_eq!(error_bytes(9, 5, 11), 9..11);
        // Something missing at the end of the packet: mark its last byte.
        assert_eq!(error_bytes(11, 0, 11), 10..11);
        assert_eq!(error_bytes(5, 0, 11), 5..6);
        assert_eq!(error_bytes(0, 0, 0), 0..0);
    }
}
