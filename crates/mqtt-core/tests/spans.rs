//! The byte spans the inspector shows: where fields are, what they say, and what is shown when the bytes
//! are refused or incomplete.

use mqtt_core::codec::{decode_traced, ProtocolVersion, Spans};

fn bytes(hex: &str) -> Vec<u8> {
    let digits: String = hex.chars().filter(|c| !c.is_whitespace()).collect();
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("test hex"))
        .collect()
}

fn span<'s>(spans: &'s Spans, name: &str) -> &'s mqtt_core::codec::Span {
    spans
        .as_slice()
        .iter()
        .find(|span| span.field.name == name)
        .unwrap_or_else(|| panic!("no {name} in {spans:#?}"))
}

#[test]
fn qos2_publish_fields_cover_their_bytes() {
    // The vector "maximal publish": DUP, QoS 2, RETAIN, topic "test", id 10, payload "test".
    let data = bytes("3d 0c 00 04 74 65 73 74 00 0a 74 65 73 74");
    let mut spans = Spans::new();
    decode_traced(&data, ProtocolVersion::V311, &mut spans)
        .expect("valid")
        .expect("complete");
    let topic = span(&spans, "Topic name");
    assert_eq!(
        (topic.start, topic.len, topic.field.value.as_str()),
        (2, 6, "\"test\"")
    );
    let id = span(&spans, "Packet identifier");
    assert_eq!((id.start, id.len, id.field.value.as_str()), (8, 2, "10"));
    let payload = span(&spans, "Payload");
    assert_eq!((payload.start, payload.len), (10, 4));
    let flags = span(&spans, "Flags");
    assert_eq!(
        (flags.bits, flags.field.value.as_str()),
        (Some((3, 0)), "DUP 1 · QoS 2 · RETAIN 1")
    );
    assert_eq!(span(&spans, "Packet type").bits, Some((7, 4)));
    // Byte 9 belongs to the packet identifier; byte 0 to the type first, then the flags.
    assert_eq!(
        spans
            .innermost_at(9)
            .map(|i| &spans.as_slice()[i].field.name),
        Some(&"Packet identifier".into())
    );
    let at_zero: Vec<&str> = spans
        .fields_at(0)
        .map(|(_, span)| &*span.field.name)
        .collect();
    assert_eq!(at_zero, ["Fixed header", "Packet type", "Flags"]);
}

#[test]
fn a_refused_first_byte_still_shows_what_it_says() {
    // PUBREL with flags 0000 instead of 0010: the student sees the type and the wrong flags.
    let mut spans = Spans::new();
    let error = decode_traced(&bytes("60 02 00 01"), ProtocolVersion::V311, &mut spans)
        .expect_err("bad flags");
    assert_eq!(error.offset, 0);
    assert_eq!(span(&spans, "Packet type").field.value, "PUBREL (6)");
    assert_eq!(span(&spans, "Flags").field.value, "0000");
}

#[test]
fn an_incomplete_packet_shows_the_fields_that_have_arrived() {
    let mut spans = Spans::new();
    // PUBLISH announcing 12 bytes, of which the topic and half the packet id have arrived.
    let partial = bytes("32 0c 00 04 74 65 73 74 00");
    assert_eq!(
        decode_traced(&partial, ProtocolVersion::V311, &mut spans),
        Ok(None)
    );
    assert_eq!(span(&spans, "Topic name").field.value, "\"test\"");
    assert!(spans.as_slice().iter().all(|span| span.end() <= 9));
    // Only byte 0 of the fixed header.
    assert_eq!(
        decode_traced(&bytes("30"), ProtocolVersion::V311, &mut spans),
        Ok(None)
    );
    assert_eq!(span(&spans, "Packet type").field.value, "PUBLISH (3)");
    assert!(
        spans
            .as_slice()
            .iter()
            .all(|span| span.field.name != "Topic name"),
        "spans were replaced"
    );
}

#[test]
fn a_malformed_field_closes_its_groups_at_the_failure() {
    let mut spans = Spans::new();
    // SUBSCRIBE with filter "a#": the payload group reaches the end of the bad filter.
    let error = decode_traced(
        &bytes("82 07 00 01 00 02 61 23 00"),
        ProtocolVersion::V311,
        &mut spans,
    )
    .expect_err("misplaced #");
    let payload = span(&spans, "Payload");
    assert_eq!(
        (payload.start, payload.end()),
        (4, error.offset + error.len)
    );
}

#[test]
fn an_error_in_a_flag_points_at_that_flag() {
    let mut spans = Spans::new();
    let error = decode_traced(&bytes("36 03 00 01 61"), ProtocolVersion::V311, &mut spans)
        .expect_err("QoS 3");
    let field = spans
        .field_for_error(&error)
        .map(|i| &*spans.as_slice()[i].field.name);
    assert_eq!(field, Some("Flags"));
    // CONNECT with the reserved connect flag set: the "Reserved" bit, not the whole byte.
    let connect = bytes("10 0d 00 04 4d 51 54 54 04 03 00 3c 00 01 63");
    let error =
        decode_traced(&connect, ProtocolVersion::V311, &mut spans).expect_err("reserved bit");
    let field = spans.field_for_error(&error).map(|i| &spans.as_slice()[i]);
    assert_eq!(
        field.map(|span| (&*span.field.name, span.bits)),
        Some(("Reserved", Some((0, 0))))
    );
}

/// Found by fuzzing: an error judged after later fields were read (an empty 5.0 topic without a Topic
/// Alias, known only once the properties are read) must not cut the groups short of their children.
#[test]
fn groups_still_contain_their_children_when_the_error_blames_earlier_bytes() {
    let mut spans = Spans::new();
    let data = bytes("32 05 00 00 00 01 00");
    let error = decode_traced(&data, ProtocolVersion::V5, &mut spans).expect_err("empty topic");
    assert_eq!((error.offset, error.len), (2, 2));
    let header = span(&spans, "Variable header");
    for child in ["Topic name", "Packet identifier", "Properties"] {
        let child = span(&spans, child);
        assert!(
            child.start >= header.start && child.end() <= header.end(),
            "{child:?} outside {header:?}"
        );
    }
}
