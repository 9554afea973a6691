//! One test per rule the codec enforces, named after the rule's id (or section) and edition. Each test
//! checks both directions where both exist: decoding refuses the bytes (with the right offset and the
//! cited rule) and encoding refuses the packet.

use mqtt_core::codec::{
    decode, encode, ConnAck, Connect, DecodeError, Decoder, Disconnect, EncodeError, Packet,
    PacketType, Properties, Property, PropertyContext, PropertyId, ProtocolVersion, PubResponse,
    Publish, QoS, ReasonCode, RetainHandling, SubAck, Subscribe, Subscription, SubscriptionOptions,
    UnsubAck, Unsubscribe, Will,
};
use mqtt_core::{TopicFilter, TopicName, Violation};
use ProtocolVersion::{V311, V5};

fn bytes(hex: &str) -> Vec<u8> {
    let digits: String = hex.chars().filter(|c| !c.is_whitespace()).collect();
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("test hex"))
        .collect()
}

/// Decodes `hex`, which must be refused; returns the error.
fn refused(hex: &str, version: ProtocolVersion) -> DecodeError {
    match decode(&bytes(hex), version) {
        Err(error) => error,
        other => panic!("expected {hex} to be refused, got {other:?}"),
    }
}

/// Decodes `hex`, which must be one whole valid packet.
fn accepted(hex: &str, version: ProtocolVersion) -> Packet<'static> {
    let data: &'static [u8] = Box::leak(bytes(hex).into_boxed_slice());
    match decode(data, version) {
        Ok(Some((packet, used))) if used == data.len() => packet,
        other => panic!("expected {hex} to decode, got {other:?}"),
    }
}

/// Encoding must be refused, and write nothing.
fn encode_refused(packet: &Packet<'_>, version: ProtocolVersion) -> EncodeError {
    let mut out = Vec::new();
    match encode(packet, version, &mut out) {
        Err(error) => {
            assert!(out.is_empty(), "refused but wrote {out:?}");
            error
        }
        Ok(_) => panic!("expected {packet:?} to be refused, encoded {out:02x?}"),
    }
}

fn cited(rule: Option<mqtt_core::Rule>) -> String {
    rule.map(|rule| rule.to_string()).unwrap_or_default()
}

fn name(topic: &str) -> TopicName<'_> {
    TopicName::new(topic).expect("a valid test topic")
}

fn publish(topic: &str, qos: QoS, packet_id: Option<u16>) -> Packet<'_> {
    Packet::Publish(Publish {
        qos,
        packet_id,
        ..Publish::new(name(topic), b"21.5")
    })
}

fn subscribe(filter: &str, options: SubscriptionOptions) -> Packet<'_> {
    Packet::Subscribe(Subscribe {
        packet_id: 1,
        properties: Properties::new(),
        filters: vec![Subscription {
            filter: TopicFilter::new(filter).expect("a valid test filter"),
            options,
        }],
    })
}

#[test]
fn reserved_packet_type_0_is_malformed_2_2_1_v311_and_2_1_2_v5() {
    let error = refused("00 00", V311);
    assert_eq!(error.violation, Violation::ReservedPacketType);
    assert_eq!(cited(error.rule), "§2.2.1 (3.1.1)");
    assert_eq!(cited(refused("00 00", V5).rule), "§2.1.2 (5.0)");
}

#[test]
fn auth_exists_only_in_v5_2_2_1_v311() {
    assert_eq!(refused("f0 00", V311).violation, Violation::AuthNotInV311);
    assert!(matches!(accepted("f0 00", V5), Packet::Auth(_)));
    let auth = Packet::Auth(Default::default());
    assert_eq!(
        encode_refused(&auth, V311).violation,
        Violation::AuthNotInV311
    );
}

/// MQTT-2.2.2-1 (3.1.1) / MQTT-2.1.3-1 (5.0): every packet but PUBLISH has fixed flags.
#[test]
fn mqtt_2_2_2_1_v311_and_mqtt_2_1_3_1_v5_reserved_flags() {
    for (hex, packet, expected) in [
        ("11 00", PacketType::Connect, 0),
        ("23 02 00 00", PacketType::ConnAck, 0),
        ("48 02 00 01", PacketType::PubAck, 0),
        ("58 02 00 01", PacketType::PubRec, 0),
        ("63 02 00 01", PacketType::PubRel, 2),
        ("72 02 00 01", PacketType::PubComp, 0),
        ("83 02 00 01", PacketType::Subscribe, 2),
        ("98 02 00 01", PacketType::SubAck, 0),
        ("a0 02 00 01", PacketType::Unsubscribe, 2),
        ("b4 02 00 01", PacketType::UnsubAck, 0),
        ("c2 00", PacketType::PingReq, 0),
        ("d2 00", PacketType::PingResp, 0),
        ("e2 00", PacketType::Disconnect, 0),
        ("f1 00", PacketType::Auth, 0),
    ] {
        let error = refused(hex, V5);
        assert!(
            matches!(error.violation, Violation::ReservedFlags { packet: p, expected: e, .. } if p == packet && e == expected),
            "{hex}: {error}"
        );
        assert_eq!((error.offset, error.len), (0, 1));
        assert_eq!(cited(error.rule), "MQTT-2.1.3-1 (5.0)");
        if packet != PacketType::Auth {
            assert_eq!(cited(refused(hex, V311).rule), "MQTT-2.2.2-1 (3.1.1)");
        }
    }
}

/// §2.2.3 (3.1.1) / §1.5.5 (5.0): a variable byte integer has at most 4 bytes.
#[test]
fn remaining_length_over_4_bytes_2_2_3_v311_and_1_5_5_v5() {
    let error = refused("30 80 80 80 80 01", V311);
    assert_eq!(
        error.violation,
        Violation::VarintTooLong {
            field: "Remaining Length"
        }
    );
    assert_eq!(
        (error.offset, cited(error.rule)),
        (1, "§2.2.3 (3.1.1)".into())
    );
    // A property length that does not end within 4 bytes (5.0 PUBLISH, topic "a").
    let error = refused("30 08 00 01 61 ff ff ff ff 01", V5);
    assert_eq!(
        error.violation,
        Violation::VarintTooLong {
            field: "Property Length"
        }
    );
    assert_eq!(
        (error.offset, cited(error.rule)),
        (5, "§1.5.5 (5.0)".into())
    );
}

/// MQTT-1.5.5-1 (5.0): the shortest encoding is required; 3.1.1 states no such rule for the remaining
/// length, so it is accepted there.
#[test]
fn mqtt_1_5_5_1_v5_minimal_variable_byte_integers() {
    let error = refused("c0 80 00", V5);
    assert_eq!(
        error.violation,
        Violation::NonMinimalVarint {
            field: "Remaining Length",
            used: 2,
            needed: 1
        }
    );
    assert_eq!(cited(error.rule), "MQTT-1.5.5-1 (5.0)");
    assert_eq!(accepted("c0 80 00", V311), Packet::PingReq);
    // Subscription Identifier 1 written in two bytes.
    let error = refused("30 08 00 01 61 03 0b 81 00 78", V5);
    assert!(matches!(
        error.violation,
        Violation::NonMinimalVarint {
            field: "Subscription Identifier",
            ..
        }
    ));
}

/// §1.5.5 (5.0): values above 268,435,455 cannot be encoded (vector "var byte integer >24 bits").
#[test]
fn variable_byte_integer_maximum_1_5_5_v5() {
    let mut properties = Properties::new();
    properties.push(Property::SubscriptionIdentifier(268_435_456));
    let packet = Packet::Publish(Publish {
        properties,
        ..Publish::new(name("a"), b"")
    });
    assert!(matches!(
        encode_refused(&packet, V5).violation,
        Violation::InvalidPropertyValue {
            property: PropertyId::SubscriptionIdentifier,
            ..
        }
    ));
    // A payload that would push the remaining length past the maximum. calloc'ed, never touched.
    let huge = vec![0u8; 268_435_456];
    let error = encode_refused(&Packet::Publish(Publish::new(name("a"), &huge)), V311);
    assert!(matches!(
        error.violation,
        Violation::RemainingLengthTooLarge { .. }
    ));
    assert_eq!(cited(error.rule), "§2.2.3 (3.1.1)");
}

#[test]
fn bytes_after_the_last_field_are_malformed() {
    let error = refused("c0 01 00", V311);
    assert_eq!(
        error.violation,
        Violation::TrailingBytes {
            packet: PacketType::PingReq,
            count: 1
        }
    );
    assert_eq!((error.offset, error.len), (2, 1));
    // 3.1.1 PUBACK has exactly a packet identifier.
    assert!(matches!(
        refused("40 03 00 01 00", V311).violation,
        Violation::TrailingBytes { .. }
    ));
}

#[test]
fn fields_cut_short_by_the_remaining_length_are_malformed_not_incomplete() {
    // Remaining length 3 leaves the topic "abc" one byte short, although more bytes follow.
    let error = refused("30 03 00 03 61 62 63", V311);
    assert_eq!(
        error.violation,
        Violation::Truncated {
            field: "Topic name",
            needed: 2
        }
    );
    // Whereas a packet that hasn't fully arrived is "need more".
    assert_eq!(decode(&bytes("30 07 00 03 61"), V311), Ok(None));
}

/// The configured maximum packet size is checked as soon as the fixed header is known.
#[test]
fn packets_over_the_maximum_size_are_refused_before_their_body_arrives() {
    let mut decoder = Decoder::new(V5).with_max_packet_size(1024);
    decoder.push(&bytes("30 ff ff 03")); // announces 65,535 + 4 bytes
    let error = decoder.next_packet().expect_err("too large");
    assert_eq!(
        error.violation,
        Violation::PacketTooLarge {
            size: 65_539,
            max: 1024
        }
    );
    assert_eq!(
        decoder.buffered().len(),
        4,
        "nothing was reserved for the announced size"
    );
}

/// MQTT-1.5.3-1 (3.1.1) / MQTT-1.5.4-1 (5.0): strings must be well-formed UTF-8 (no surrogates).
#[test]
fn mqtt_1_5_3_1_v311_and_mqtt_1_5_4_1_v5_well_formed_utf8() {
    // Topic "a" + 0xC3 0x28 (invalid continuation).
    let error = refused("30 05 00 03 61 c3 28", V311);
    assert_eq!(
        error.violation,
        Violation::InvalidUtf8 {
            field: "Topic name"
        }
    );
    assert_eq!(
        (error.offset, error.len, cited(error.rule)),
        (5, 1, "MQTT-1.5.3-1 (3.1.1)".into())
    );
    // U+D800 encoded as ED A0 80 is not well-formed UTF-8.
    let error = refused("30 06 00 03 ed a0 80 00", V5);
    assert_eq!(
        error.violation,
        Violation::InvalidUtf8 {
            field: "Topic name"
        }
    );
    assert_eq!(cited(error.rule), "MQTT-1.5.4-1 (5.0)");
}

/// MQTT-1.5.3-2 (3.1.1) / MQTT-1.5.4-2 (5.0): no U+0000 in strings.
#[test]
fn mqtt_1_5_3_2_v311_and_mqtt_1_5_4_2_v5_no_null_character() {
    let error = refused("30 05 00 03 61 00 62", V311);
    assert_eq!(
        error.violation,
        Violation::NullCharacter {
            field: "Topic name"
        }
    );
    assert_eq!(
        (error.offset, cited(error.rule)),
        (5, "MQTT-1.5.3-2 (3.1.1)".into())
    );
    let connect = Packet::Connect(Box::new(Connect::new(V5, "a\0b", 30)));
    let error = encode_refused(&connect, V5);
    assert_eq!(
        error.violation,
        Violation::NullCharacter {
            field: "Client identifier"
        }
    );
    assert_eq!(cited(error.rule), "MQTT-1.5.4-2 (5.0)");
}

/// §1.5.3 (3.1.1): a length-prefixed string holds at most 65,535 bytes.
#[test]
fn strings_over_65535_bytes_cannot_be_encoded_1_5_3() {
    let long = "x".repeat(65_536);
    let error = encode_refused(
        &Packet::Connect(Box::new(Connect::new(V311, &long, 30))),
        V311,
    );
    assert_eq!(
        error.violation,
        Violation::FieldTooLong {
            field: "Client identifier",
            len: 65_536
        }
    );
}

/// MQTT-3.3.1-4: QoS 3 is not a QoS.
#[test]
fn mqtt_3_3_1_4_publish_qos_3() {
    for version in [V311, V5] {
        let error = refused("36 06 00 01 61 00 01 00", version);
        assert_eq!(error.violation, Violation::PublishQos3);
        assert_eq!((error.offset, error.len), (0, 1));
        assert!(
            error
                .to_string()
                .contains(&format!("MQTT-3.3.1-4 ({})", version.edition())),
            "{error}"
        );
    }
}

/// MQTT-3.3.1-2: DUP must be 0 on QoS 0.
#[test]
fn mqtt_3_3_1_2_no_dup_on_qos_0() {
    assert_eq!(
        refused("38 03 00 01 61", V311).violation,
        Violation::DupOnQos0
    );
    let packet = Packet::Publish(Publish {
        dup: true,
        ..Publish::new(name("a"), b"")
    });
    assert_eq!(
        cited(encode_refused(&packet, V5).rule),
        "MQTT-3.3.1-2 (5.0)"
    );
}

/// MQTT-2.3.1-1 (3.1.1) / MQTT-2.2.1-3 (5.0): a non-zero packet identifier where one is required.
#[test]
fn mqtt_2_3_1_1_v311_and_mqtt_2_2_1_3_v5_packet_id_non_zero() {
    let error = refused("32 05 00 01 61 00 00", V311);
    assert_eq!(
        error.violation,
        Violation::PacketIdZero {
            packet: PacketType::Publish
        }
    );
    assert_eq!(
        (error.offset, error.len, cited(error.rule)),
        (5, 2, "MQTT-2.3.1-1 (3.1.1)".into())
    );
    let error = refused("82 06 00 00 00 01 61 00", V311);
    assert_eq!(
        error.violation,
        Violation::PacketIdZero {
            packet: PacketType::Subscribe
        }
    );
    let error = refused("a2 05 00 00 00 01 61", V311);
    assert_eq!(
        error.violation,
        Violation::PacketIdZero {
            packet: PacketType::Unsubscribe
        }
    );
    let error = encode_refused(&publish("a", QoS::ExactlyOnce, Some(0)), V5);
    assert_eq!(cited(error.rule), "MQTT-2.2.1-3 (5.0)");
    let error = encode_refused(&publish("a", QoS::AtLeastOnce, None), V5);
    assert_eq!(error.violation, Violation::PacketIdMissing { qos: 1 });
    // Acknowledgements echo a non-zero identifier too.
    assert_eq!(
        refused("40 02 00 00", V311).violation,
        Violation::PacketIdZero {
            packet: PacketType::PubAck
        }
    );
    assert_eq!(
        cited(encode_refused(&Packet::PubRel(PubResponse::new(0)), V5).rule),
        "§2.2.1 (5.0)"
    );
}

/// MQTT-2.3.1-5 (3.1.1) / MQTT-2.2.1-2 (5.0): no packet identifier on QoS 0.
#[test]
fn mqtt_2_3_1_5_v311_and_mqtt_2_2_1_2_v5_no_packet_id_on_qos_0() {
    let packet = publish("a", QoS::AtMostOnce, Some(7));
    assert_eq!(
        encode_refused(&packet, V311).violation,
        Violation::PacketIdOnQos0
    );
    assert_eq!(
        cited(encode_refused(&packet, V311).rule),
        "MQTT-2.3.1-5 (3.1.1)"
    );
    assert_eq!(
        cited(encode_refused(&packet, V5).rule),
        "MQTT-2.2.1-2 (5.0)"
    );
    // On the wire QoS 0 simply has no identifier: these two bytes are payload.
    let Packet::Publish(decoded) = accepted("30 05 00 01 61 00 07", V311) else {
        panic!()
    };
    assert_eq!((decoded.packet_id, decoded.payload), (None, &[0, 7][..]));
}

/// MQTT-3.3.2-2: no wildcards in a topic name (PUBLISH and will).
#[test]
fn mqtt_3_3_2_2_no_wildcards_in_topic_names() {
    let error = refused("30 05 00 03 61 2f 2b", V311);
    assert!(matches!(
        error.violation,
        Violation::WildcardInTopicName {
            field: "Topic name",
            ..
        }
    ));
    assert_eq!(
        (error.offset, error.len, cited(error.rule)),
        (2, 5, "MQTT-3.3.2-2 (3.1.1)".into())
    );
    // A topic name is checked where it is made, so a PUBLISH or will with wildcards cannot be built.
    let error = TopicName::new("sensors/#").expect_err("wildcard");
    assert!(matches!(error, Violation::WildcardInTopicName { .. }));
    assert_eq!(cited(error.rule(V5)), "MQTT-3.3.2-2 (5.0)");
    assert!(matches!(
        TopicName::for_field("c/+", "Will topic"),
        Err(Violation::WildcardInTopicName {
            field: "Will topic",
            ..
        })
    ));
}

/// MQTT-3.3.2-14 (5.0): a Response Topic is a topic name, so no wildcards either.
#[test]
fn mqtt_3_3_2_14_v5_response_topic_without_wildcards() {
    // PUBLISH "a", properties: Response Topic "r/#".
    let error = refused("30 0a 00 01 61 06 08 00 03 72 2f 23", V5);
    assert!(matches!(
        error.violation,
        Violation::WildcardInTopicName {
            field: "Response Topic",
            ..
        }
    ));
    assert_eq!(cited(error.rule), "MQTT-3.3.2-14 (5.0)");
}

/// MQTT-4.7.3-1: topic names and filters are at least one character long.
#[test]
fn mqtt_4_7_3_1_topics_not_empty() {
    let error = refused("30 02 00 00", V311);
    assert_eq!(
        error.violation,
        Violation::EmptyTopic {
            field: "Topic name"
        }
    );
    assert_eq!(cited(error.rule), "MQTT-4.7.3-1 (3.1.1)");
    let error = refused("82 05 00 01 00 00 00", V5.max(V311));
    assert_eq!(
        error.violation,
        Violation::EmptyTopic {
            field: "Topic filter"
        }
    );
    assert_eq!(
        TopicFilter::new("").expect_err("empty"),
        Violation::EmptyTopic {
            field: "Topic filter"
        }
    );
}

/// §3.3.2.1 (5.0): an empty topic name needs a Topic Alias.
#[test]
fn empty_topic_name_needs_a_topic_alias_3_3_2_1_v5() {
    let error = refused("30 03 00 00 00", V5);
    assert_eq!(error.violation, Violation::EmptyTopicWithoutAlias);
    assert_eq!(cited(error.rule), "§3.3.2.1 (5.0)");
    let Packet::Publish(with_alias) = accepted("30 06 00 00 03 23 00 05", V5) else {
        panic!()
    };
    assert_eq!(
        (with_alias.topic, with_alias.properties.topic_alias()),
        (TopicName::EMPTY, Some(5))
    );
}

/// MQTT-4.7.1-2 (3.1.1) / MQTT-4.7.1-1 (5.0): '#' last and alone; MQTT-4.7.1-3 / MQTT-4.7.1-2: '+' alone.
#[test]
fn mqtt_4_7_1_wildcard_placement_in_subscribe() {
    // SUBSCRIBE id 1, filter "a#" QoS 0.
    let error = refused("82 07 00 01 00 02 61 23 00", V311);
    assert!(matches!(
        error.violation,
        Violation::MultiLevelWildcardMisplaced { .. }
    ));
    assert_eq!(
        (error.offset, error.len, cited(error.rule)),
        (4, 4, "MQTT-4.7.1-2 (3.1.1)".into())
    );
    assert_eq!(
        cited(refused("82 08 00 01 00 00 02 61 23 00", V5).rule),
        "MQTT-4.7.1-1 (5.0)"
    );
    let error = refused("82 07 00 01 00 02 61 2b 00", V311);
    assert!(matches!(
        error.violation,
        Violation::SingleLevelWildcardMisplaced { .. }
    ));
    assert_eq!(cited(error.rule), "MQTT-4.7.1-3 (3.1.1)");
    assert_eq!(
        cited(refused("82 08 00 01 00 00 02 61 2b 00", V5).rule),
        "MQTT-4.7.1-2 (5.0)"
    );
    assert!(matches!(
        TopicFilter::new("a/#/b"),
        Err(Violation::MultiLevelWildcardMisplaced { .. })
    ));
}

/// MQTT-4.8.2-1 / MQTT-4.8.2-2 (5.0): `$share/<name>/<filter>`.
#[test]
fn mqtt_4_8_2_shared_subscription_syntax_v5() {
    let error = encode_refused(&subscribe("$share//a", SubscriptionOptions::default()), V5);
    assert_eq!(cited(error.rule), "MQTT-4.8.2-1 (5.0)");
    let error = encode_refused(
        &subscribe("$share/group", SubscriptionOptions::default()),
        V5,
    );
    assert_eq!(cited(error.rule), "MQTT-4.8.2-2 (5.0)");
    // "$share/g/a" decodes, and in 3.1.1 "$share/group" is an ordinary filter.
    assert!(matches!(
        accepted("82 10 00 01 00 00 0a 24 73 68 61 72 65 2f 67 2f 61 00", V5),
        Packet::Subscribe(_)
    ));
    let mut out = Vec::new();
    assert!(encode(
        &subscribe("$share/group", SubscriptionOptions::default()),
        V311,
        &mut out
    )
    .is_ok());
}

/// MQTT-3.8.3-4 (5.0): No Local on a shared subscription is a protocol error.
#[test]
fn mqtt_3_8_3_4_v5_no_local_on_shared_subscription() {
    let options = SubscriptionOptions {
        no_local: true,
        ..SubscriptionOptions::default()
    };
    let error = encode_refused(&subscribe("$share/g/a", options), V5);
    assert!(matches!(
        error.violation,
        Violation::NoLocalOnSharedSubscription { .. }
    ));
    assert_eq!(cited(error.rule), "MQTT-3.8.3-4 (5.0)");
    let error = refused("82 10 00 01 00 00 0a 24 73 68 61 72 65 2f 67 2f 61 04", V5);
    assert!(matches!(
        error.violation,
        Violation::NoLocalOnSharedSubscription { .. }
    ));
    assert_eq!((error.offset, error.len), (17, 1));
}

/// MQTT-3-8.3-4 (3.1.1) / MQTT-3.8.3-5 (5.0): reserved bits of the options byte; QoS 3; Retain Handling 3.
#[test]
fn subscription_options_reserved_bits_qos_3_and_retain_handling_3() {
    let error = refused("82 06 00 01 00 01 61 04", V311);
    assert_eq!(
        error.violation,
        Violation::SubscriptionOptionsReserved { found: 4 }
    );
    assert_eq!(cited(error.rule), "MQTT-3-8.3-4 (3.1.1)");
    assert_eq!(
        cited(refused("82 07 00 01 00 00 01 61 40", V5).rule),
        "MQTT-3.8.3-5 (5.0)"
    );
    let error = refused("82 07 00 01 00 00 01 61 03", V5);
    assert_eq!(
        (error.violation, cited(error.rule)),
        (Violation::SubscribeQos3, "§3.8.3.1 (5.0)".into())
    );
    let error = refused("82 07 00 01 00 00 01 61 30", V5);
    assert_eq!(
        (error.violation, cited(error.rule)),
        (Violation::RetainHandling3, "§3.8.3.1 (5.0)".into())
    );
    // 5.0 options cannot be sent in 3.1.1.
    let options = SubscriptionOptions {
        retain_handling: RetainHandling::DoNotSend,
        ..SubscriptionOptions::default()
    };
    assert!(matches!(
        encode_refused(&subscribe("a", options), V311).violation,
        Violation::NotInV311 { .. }
    ));
}

/// MQTT-3.8.3-3 (3.1.1) / MQTT-3.8.3-2 (5.0) and MQTT-3.10.3-2: at least one topic filter.
#[test]
fn subscribe_and_unsubscribe_need_a_topic_filter() {
    let error = refused("82 02 00 01", V311);
    assert_eq!(
        error.violation,
        Violation::NoTopicFilters {
            packet: PacketType::Subscribe
        }
    );
    assert_eq!(cited(error.rule), "MQTT-3.8.3-3 (3.1.1)");
    assert_eq!(
        cited(refused("82 03 00 01 00", V5).rule),
        "MQTT-3.8.3-2 (5.0)"
    );
    let error = refused("a2 02 00 01", V311);
    assert_eq!(cited(error.rule), "MQTT-3.10.3-2 (3.1.1)");
    let empty = Packet::Subscribe(Subscribe {
        packet_id: 1,
        ..Default::default()
    });
    assert!(matches!(
        encode_refused(&empty, V5).violation,
        Violation::NoTopicFilters { .. }
    ));
    let empty = Packet::Unsubscribe(Unsubscribe {
        packet_id: 1,
        ..Default::default()
    });
    assert!(matches!(
        encode_refused(&empty, V5).violation,
        Violation::NoTopicFilters { .. }
    ));
}

/// §3.9.3: a SUBACK carries one code per filter, so at least one.
#[test]
fn suback_needs_a_code_3_9_3() {
    assert_eq!(
        refused("90 02 00 01", V311).violation,
        Violation::NoReasonCodes {
            packet: PacketType::SubAck
        }
    );
    let empty = Packet::SubAck(SubAck {
        packet_id: 1,
        ..Default::default()
    });
    assert!(matches!(
        encode_refused(&empty, V311).violation,
        Violation::NoReasonCodes { .. }
    ));
}

/// MQTT-3.9.3-2 (3.1.1): SUBACK return codes are 0x00, 0x01, 0x02 or 0x80.
#[test]
fn mqtt_3_9_3_2_v311_suback_return_codes() {
    let error = refused("90 03 00 01 87", V311);
    assert_eq!(
        error.violation,
        Violation::ReservedReturnCode {
            packet: PacketType::SubAck,
            code: 0x87
        }
    );
    assert_eq!(
        (error.offset, cited(error.rule)),
        (4, "MQTT-3.9.3-2 (3.1.1)".into())
    );
    // 0x87 "Not authorized" is a valid 5.0 SUBACK reason code.
    assert!(matches!(
        accepted("90 04 00 01 00 87", V5),
        Packet::SubAck(_)
    ));
}

/// MQTT-3.1.2-1: the protocol name is "MQTT" (3.1's "MQIsdp" is not supported).
#[test]
fn mqtt_3_1_2_1_protocol_name() {
    let error = refused(
        "10 10 00 06 4d 51 49 73 64 70 03 02 00 3c 00 02 63 31",
        V311,
    );
    assert!(matches!(&error.violation, Violation::ProtocolName { found } if found == "MQIsdp"));
    assert_eq!(
        (error.offset, error.len, cited(error.rule)),
        (2, 8, "MQTT-3.1.2-1 (3.1.1)".into())
    );
}

/// MQTT-3.1.2-2: unsupported protocol levels.
#[test]
fn mqtt_3_1_2_2_unsupported_protocol_level() {
    for level in ["03", "06"] {
        let error = refused(
            &format!("10 0d 00 04 4d 51 54 54 {level} 02 00 3c 00 01 63"),
            V311,
        );
        assert!(matches!(
            error.violation,
            Violation::UnsupportedProtocolLevel { .. }
        ));
        assert_eq!(
            (error.offset, error.len, cited(error.rule)),
            (8, 1, "MQTT-3.1.2-2 (3.1.1)".into())
        );
    }
}

/// The CONNECT's own level decides the edition, whatever the decoder was set to.
#[test]
fn connect_is_read_at_the_level_it_announces() {
    let Packet::Connect(connect) =
        accepted("10 0e 00 04 4d 51 54 54 05 02 00 3c 00 00 01 63", V311)
    else {
        panic!()
    };
    assert_eq!((connect.protocol_version, connect.client_id), (V5, "c"));
}

/// MQTT-3.1.2-3 at level 4 and level 5: the reserved connect flag must be 0.
#[test]
fn mqtt_3_1_2_3_connect_reserved_flag_at_levels_4_and_5() {
    let error = refused("10 0d 00 04 4d 51 54 54 04 03 00 3c 00 01 63", V311);
    assert_eq!(error.violation, Violation::ConnectReservedFlag);
    assert_eq!(
        (error.offset, error.len, cited(error.rule)),
        (9, 1, "MQTT-3.1.2-3 (3.1.1)".into())
    );
    let error = refused("10 0e 00 04 4d 51 54 54 05 03 00 3c 00 00 01 63", V5);
    assert_eq!(error.violation, Violation::ConnectReservedFlag);
    assert_eq!(
        (error.offset, cited(error.rule)),
        (9, "MQTT-3.1.2-3 (5.0)".into())
    );
}

/// Will flags: MQTT-3.1.2-13/-15/-14 (3.1.1), MQTT-3.1.2-11/-13 and §3.1.2.6 (5.0).
#[test]
fn will_qos_and_retain_need_a_will_and_will_qos_3_is_reserved() {
    // flags 0x0A: clean + will QoS 1, will flag clear.
    let error = refused("10 0d 00 04 4d 51 54 54 04 0a 00 3c 00 01 63", V311);
    assert_eq!(
        (error.violation, cited(error.rule)),
        (
            Violation::WillQosWithoutWill,
            "MQTT-3.1.2-13 (3.1.1)".into()
        )
    );
    let error = refused("10 0e 00 04 4d 51 54 54 05 0a 00 3c 00 00 01 63", V5);
    assert_eq!(cited(error.rule), "MQTT-3.1.2-11 (5.0)");
    // flags 0x22: clean + will retain, will flag clear.
    let error = refused("10 0d 00 04 4d 51 54 54 04 22 00 3c 00 01 63", V311);
    assert_eq!(
        (error.violation, cited(error.rule)),
        (
            Violation::WillRetainWithoutWill,
            "MQTT-3.1.2-15 (3.1.1)".into()
        )
    );
    let error = refused("10 0e 00 04 4d 51 54 54 05 22 00 3c 00 00 01 63", V5);
    assert_eq!(cited(error.rule), "MQTT-3.1.2-13 (5.0)");
    // flags 0x1E: clean + will flag + will QoS 3.
    let error = refused("10 0d 00 04 4d 51 54 54 04 1e 00 3c 00 01 63", V311);
    assert_eq!(
        (error.violation, cited(error.rule)),
        (Violation::WillQos3, "MQTT-3.1.2-14 (3.1.1)".into())
    );
    let error = refused("10 0e 00 04 4d 51 54 54 05 1e 00 3c 00 00 01 63", V5);
    assert_eq!(cited(error.rule), "§3.1.2.6 (5.0)");
}

/// MQTT-3.1.2-22 (3.1.1): a password needs a user name; 5.0 allows a password alone.
#[test]
fn mqtt_3_1_2_22_v311_password_needs_user_name() {
    // flags 0x42: clean + password.
    let error = refused(
        "10 11 00 04 4d 51 54 54 04 42 00 3c 00 01 63 00 02 70 77",
        V311,
    );
    assert_eq!(
        (error.violation, cited(error.rule)),
        (
            Violation::PasswordWithoutUsername,
            "MQTT-3.1.2-22 (3.1.1)".into()
        )
    );
    let Packet::Connect(connect) = accepted(
        "10 12 00 04 4d 51 54 54 05 42 00 3c 00 00 01 63 00 02 70 77",
        V5,
    ) else {
        panic!()
    };
    assert_eq!(
        (connect.username, connect.password),
        (None, Some(&b"pw"[..]))
    );
    let mut connect = Connect::new(V311, "c", 60);
    connect.password = Some(b"pw");
    assert_eq!(
        encode_refused(&Packet::Connect(Box::new(connect)), V311).violation,
        Violation::PasswordWithoutUsername
    );
}

/// MQTT-3.1.3-7 (3.1.1): an empty client id needs Clean Session 1. A broker must *answer* such a CONNECT
/// with CONNACK 0x02 (MQTT-3.1.3-8), so it decodes; we only refuse to send it. 5.0 allows it.
#[test]
fn mqtt_3_1_3_7_v311_empty_client_id_needs_clean_session() {
    let mut connect = Connect::new(V311, "", 60);
    connect.clean_start = false;
    let error = encode_refused(&Packet::Connect(Box::new(connect.clone())), V311);
    assert_eq!(
        (error.violation, cited(error.rule)),
        (
            Violation::EmptyClientIdNeedsCleanSession,
            "MQTT-3.1.3-7 (3.1.1)".into()
        )
    );
    let Packet::Connect(decoded) = accepted("10 0c 00 04 4d 51 54 54 04 00 00 3c 00 00", V311)
    else {
        panic!()
    };
    assert!(!decoded.clean_start && decoded.client_id.is_empty());
    connect.protocol_version = V5;
    let mut out = Vec::new();
    assert!(encode(&Packet::Connect(Box::new(connect)), V5, &mut out).is_ok());
}

/// §3.2.2.1 (3.1.1) / MQTT-3.2.2-1 (5.0): CONNACK flag bits 7-1 are reserved.
#[test]
fn connack_reserved_flags() {
    let error = refused("20 02 80 00", V311);
    assert_eq!(
        (error.violation, cited(error.rule)),
        (
            Violation::ConnAckReservedFlags { found: 0x80 },
            "§3.2.2.1 (3.1.1)".into()
        )
    );
    assert_eq!(
        cited(refused("20 03 02 00 00", V5).rule),
        "MQTT-3.2.2-1 (5.0)"
    );
}

/// MQTT-3.2.2-4 (3.1.1) / MQTT-3.2.2-6 (5.0): Session Present is 0 on a refusal.
#[test]
fn session_present_must_be_0_on_refusal() {
    assert_eq!(
        cited(refused("20 02 01 05", V311).rule),
        "MQTT-3.2.2-4 (3.1.1)"
    );
    assert_eq!(
        cited(refused("20 03 01 87 00", V5).rule),
        "MQTT-3.2.2-6 (5.0)"
    );
    let refusal = Packet::ConnAck(ConnAck {
        session_present: true,
        code: ReasonCode::NOT_AUTHORIZED,
        properties: Properties::new(),
    });
    assert_eq!(
        encode_refused(&refusal, V5).violation,
        Violation::SessionPresentOnRefusal { code: 0x87 }
    );
}

/// §3.2.2.3 (3.1.1): CONNACK return codes 6-255 are reserved.
#[test]
fn connack_return_codes_above_5_are_reserved_3_2_2_3_v311() {
    let error = refused("20 02 00 06", V311);
    assert_eq!(
        error.violation,
        Violation::ReservedReturnCode {
            packet: PacketType::ConnAck,
            code: 6
        }
    );
    assert_eq!(
        (error.offset, cited(error.rule)),
        (3, "§3.2.2.3 (3.1.1)".into())
    );
}

/// §2.4 (5.0): each packet allows its own set of reason codes.
#[test]
fn reason_codes_must_be_valid_for_their_packet_v5() {
    for (hex, packet, code, section) in [
        (
            "20 03 00 04 00",
            PacketType::ConnAck,
            0x04,
            "§3.2.2.2 (5.0)",
        ),
        ("40 03 00 01 92", PacketType::PubAck, 0x92, "§3.4.2.1 (5.0)"),
        ("50 03 00 01 04", PacketType::PubRec, 0x04, "§3.5.2.1 (5.0)"),
        ("62 03 00 01 80", PacketType::PubRel, 0x80, "§3.6.2.1 (5.0)"),
        (
            "70 03 00 01 10",
            PacketType::PubComp,
            0x10,
            "§3.7.2.1 (5.0)",
        ),
        (
            "90 04 00 01 00 03",
            PacketType::SubAck,
            0x03,
            "§3.9.3 (5.0)",
        ),
        (
            "b0 04 00 01 00 02",
            PacketType::UnsubAck,
            0x02,
            "§3.11.3 (5.0)",
        ),
        ("e0 01 01", PacketType::Disconnect, 0x01, "§3.14.2.1 (5.0)"),
        ("f0 01 01", PacketType::Auth, 0x01, "§3.15.2.1 (5.0)"),
    ] {
        let error = refused(hex, V5);
        assert_eq!(
            error.violation,
            Violation::InvalidReasonCode { packet, code },
            "{hex}"
        );
        assert_eq!(cited(error.rule), section, "{hex}");
    }
    let bad = Packet::PubComp(PubResponse {
        reason: ReasonCode::NO_MATCHING_SUBSCRIBERS,
        ..PubResponse::new(1)
    });
    assert!(matches!(
        encode_refused(&bad, V5).violation,
        Violation::InvalidReasonCode { .. }
    ));
}

/// §2.2 (3.1.1): 3.1.1 has no properties and no reason codes beyond CONNACK/SUBACK return codes.
#[test]
fn properties_and_reason_codes_cannot_be_sent_in_v311() {
    let mut properties = Properties::new();
    properties.push(Property::UserProperty("k", "v"));
    let packet = Packet::Publish(Publish {
        properties,
        ..Publish::new(name("a"), b"")
    });
    assert_eq!(
        encode_refused(&packet, V311).violation,
        Violation::NotInV311 {
            what: "properties",
            packet: PacketType::Publish
        }
    );
    let packet = Packet::PubAck(PubResponse {
        reason: ReasonCode::NO_MATCHING_SUBSCRIBERS,
        ..PubResponse::new(1)
    });
    assert_eq!(
        encode_refused(&packet, V311).violation,
        Violation::NotInV311 {
            what: "reason codes",
            packet: PacketType::PubAck
        }
    );
    let packet = Packet::UnsubAck(UnsubAck {
        packet_id: 1,
        codes: vec![ReasonCode::SUCCESS],
        ..Default::default()
    });
    assert!(matches!(
        encode_refused(&packet, V311).violation,
        Violation::NotInV311 { .. }
    ));
}

/// §2.2.2.2 (5.0): unknown property identifiers and properties in the wrong packet are malformed.
#[test]
fn unknown_and_misplaced_properties_2_2_2_2_v5() {
    let error = refused("e0 03 00 01 7e", V5);
    assert_eq!(
        (error.violation, error.offset, cited(error.rule)),
        (
            Violation::UnknownProperty { id: 0x7e },
            4,
            "§2.2.2.2 (5.0)".into()
        )
    );
    // Topic Alias (0x23) in DISCONNECT.
    let error = refused("e0 05 00 03 23 00 01", V5);
    assert_eq!(
        error.violation,
        Violation::PropertyNotAllowed {
            property: PropertyId::TopicAlias,
            context: PropertyContext::Disconnect
        }
    );
    let mut properties = Properties::new();
    properties.push(Property::AssignedClientIdentifier("x"));
    let packet = Packet::Disconnect(Disconnect {
        properties,
        ..Default::default()
    });
    assert!(matches!(
        encode_refused(&packet, V5).violation,
        Violation::PropertyNotAllowed { .. }
    ));
}

/// 5.0 "It is a Protocol Error to include X more than once", cited with X's section in that packet;
/// User Property repeats anywhere, Subscription Identifier repeats in PUBLISH only.
#[test]
fn properties_that_may_appear_once_v5() {
    // DISCONNECT with Session Expiry Interval twice.
    let error = refused("e0 0c 00 0a 11 00 00 00 01 11 00 00 00 02", V5);
    assert_eq!(
        error.violation,
        Violation::DuplicateProperty {
            property: PropertyId::SessionExpiryInterval,
            context: PropertyContext::Disconnect
        }
    );
    assert_eq!(
        (error.offset, cited(error.rule)),
        (9, "§3.14.2.2.2 (5.0)".into())
    );
    // SUBSCRIBE with Subscription Identifier twice.
    let error = refused("82 0b 00 01 04 0b 01 0b 02 00 01 61 00", V5);
    assert_eq!(cited(error.rule), "§3.8.2.1.2 (5.0)");
    // PUBLISH with two Subscription Identifiers and two User Properties is fine.
    let Packet::Publish(p) = accepted(
        "30 16 00 01 61 12 0b 01 0b 02 26 00 01 6b 00 01 76 26 00 01 6b 00 01 77",
        V5,
    ) else {
        panic!()
    };
    assert_eq!(
        p.properties.subscription_identifiers().collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(p.properties.user_properties().count(), 2);
    let mut properties = Properties::new();
    properties
        .push(Property::ReasonString("a"))
        .push(Property::ReasonString("b"));
    let packet = Packet::PubAck(PubResponse {
        properties,
        ..PubResponse::new(1)
    });
    assert!(matches!(
        encode_refused(&packet, V5).violation,
        Violation::DuplicateProperty { .. }
    ));
}

/// Property values the specification forbids (5.0 §3.1.2.11.3, §3.2.2.3.4, §3.3.2.3.4, §3.8.2.1.2, ...).
#[test]
fn forbidden_property_values_v5() {
    let connect = |props: &str| {
        refused(
            &format!(
                "10 {:02x} 00 04 4d 51 54 54 05 02 00 3c {props} 00 01 63",
                13 + bytes(props).len()
            ),
            V5,
        )
    };
    let error = connect("03 21 00 00");
    assert!(matches!(
        error.violation,
        Violation::InvalidPropertyValue {
            property: PropertyId::ReceiveMaximum,
            value: 0,
            ..
        }
    ));
    assert_eq!(
        (error.offset, cited(error.rule)),
        (14, "§3.1.2.11.3 (5.0)".into())
    );
    let error = connect("05 27 00 00 00 00");
    assert!(matches!(
        error.violation,
        Violation::InvalidPropertyValue {
            property: PropertyId::MaximumPacketSize,
            ..
        }
    ));
    let error = connect("02 17 02");
    assert!(matches!(
        error.violation,
        Violation::InvalidPropertyValue {
            property: PropertyId::RequestProblemInformation,
            value: 2,
            ..
        }
    ));
    let error = refused("20 05 00 00 02 24 02", V5);
    assert!(matches!(
        error.violation,
        Violation::InvalidPropertyValue {
            property: PropertyId::MaximumQoS,
            value: 2,
            ..
        }
    ));
    assert_eq!(cited(error.rule), "§3.2.2.3.4 (5.0)");
    let error = refused("30 07 00 01 61 03 23 00 00", V5);
    assert!(matches!(
        error.violation,
        Violation::InvalidPropertyValue {
            property: PropertyId::TopicAlias,
            ..
        }
    ));
    let error = refused("82 09 00 01 02 0b 00 00 01 61 00", V5);
    assert!(matches!(
        error.violation,
        Violation::InvalidPropertyValue {
            property: PropertyId::SubscriptionIdentifier,
            value: 0,
            ..
        }
    ));
    let mut properties = Properties::new();
    properties.push(Property::MaximumQoS(QoS::ExactlyOnce));
    let packet = Packet::ConnAck(ConnAck {
        properties,
        ..Default::default()
    });
    assert!(matches!(
        encode_refused(&packet, V5).violation,
        Violation::InvalidPropertyValue { .. }
    ));
}

/// The vectors have no 3.1.1 CONNECT with a will or credentials: this one is written from §3.1 (3.1.1).
#[test]
fn v311_connect_with_will_and_credentials_round_trips_byte_exact() {
    let wire = bytes(concat!(
        "10 47",                                        // CONNECT, remaining length 71
        "00 04 4d 51 54 54",                            // protocol name "MQTT"
        "04",                                           // level 4
        "ee",    // user, password, will retain, will QoS 1, will, clean
        "00 3c", // keep alive 60
        "00 0d 65 73 70 33 32 2d 6b 69 74 63 68 65 6e", // client id "esp32-kitchen"
        "00 14 65 73 70 33 32 2d 6b 69 74 63 68 65 6e 2f 73 74 61 74 75 73", // will topic "esp32-kitchen/status"
        "00 07 6f 66 66 6c 69 6e 65", // will payload "offline"
        "00 05 61 6c 69 63 65",       // user name "alice"
        "00 06 73 33 63 72 65 74",    // password "s3cret"
    ));
    let expected = Connect {
        protocol_version: V311,
        clean_start: true,
        keep_alive: 60,
        properties: Properties::new(),
        client_id: "esp32-kitchen",
        will: Some(Will {
            topic: name("esp32-kitchen/status"),
            payload: b"offline",
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: Properties::new(),
        }),
        username: Some("alice"),
        password: Some(b"s3cret"),
    };
    assert_eq!(
        decode(&wire, V311),
        Ok(Some((
            Packet::Connect(Box::new(expected.clone())),
            wire.len()
        )))
    );
    let mut out = Vec::new();
    encode(&Packet::Connect(Box::new(expected)), V311, &mut out).expect("valid CONNECT");
    assert_eq!(out, wire);
}

/// And a 3.1.1 CONNECT with credentials only, will QoS 2 without retain, persistent session.
#[test]
fn v311_connect_with_user_name_only_and_qos_2_will() {
    let mut connect = Connect::new(V311, "dashboard", 0);
    connect.clean_start = false;
    connect.username = Some("bob");
    connect.will = Some(Will {
        topic: name("t"),
        payload: b"",
        qos: QoS::ExactlyOnce,
        retain: false,
        properties: Properties::new(),
    });
    let mut out = Vec::new();
    encode(&Packet::Connect(Box::new(connect.clone())), V311, &mut out).expect("valid");
    // flags: user name (0x80) | will QoS 2 (0x10) | will (0x04) = 0x94; clean session 0.
    assert_eq!(out[9], 0x94);
    assert_eq!(
        decode(&out, V311),
        Ok(Some((Packet::Connect(Box::new(connect)), out.len())))
    );
}
