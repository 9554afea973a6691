//! Property tests: any packet we can build encodes and decodes back to itself, whole and under any
//! chunking of the stream; decoding with spans agrees with plain decoding and its spans nest; and no
//! sequence of bytes, however chunked, makes the decoder panic.

use mqtt_core::codec::{
    decode, decode_traced, encode, frame_len, Auth, ConnAck, Connect, Decoder, Disconnect, Packet,
    PacketType, Properties, Property, PropertyContext, ProtocolVersion, PubResponse, Publish, QoS,
    ReasonCode, RetainHandling, Spans, SubAck, Subscribe, Subscription, SubscriptionOptions,
    UnsubAck, Unsubscribe, Will,
};
use mqtt_core::{TopicFilter, TopicName};
use proptest::collection::vec;
use proptest::prelude::*;

// Generated packets borrow 'static data: leaking a few kilobytes per case keeps the strategies simple.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn leak_bytes(bytes: Vec<u8>) -> &'static [u8] {
    Box::leak(bytes.into_boxed_slice())
}

fn text() -> impl Strategy<Value = &'static str> {
    "[a-zA-Z0-9 _./é€😀\u{FEFF}-]{0,16}".prop_map(leak)
}

fn binary() -> impl Strategy<Value = &'static [u8]> {
    vec(any::<u8>(), 0..24).prop_map(leak_bytes)
}

fn topic_name() -> impl Strategy<Value = &'static str> {
    "[a-z0-9$]{1,6}(/[a-z0-9_ -]{0,6}){0,3}".prop_map(leak)
}

fn topic_filter(version: ProtocolVersion) -> impl Strategy<Value = &'static str> {
    let level = prop_oneof![3 => "[a-z0-9]{0,5}", 1 => Just("+".to_string())];
    let shared = if version.is_v5() { 0..2u8 } else { 0..1u8 };
    (vec(level, 1..4), any::<bool>(), shared, "[a-z]{1,4}").prop_map(
        |(levels, hash, shared, group)| {
            let mut filter = levels.join("/");
            if filter.is_empty() {
                filter.push('x'); // a single empty level would be an empty filter (MQTT-4.7.3-1)
            }
            if hash {
                filter.push_str("/#");
            }
            if shared == 1 {
                filter = format!("$share/{group}/{filter}");
            }
            leak(filter)
        },
    )
}

fn qos() -> impl Strategy<Value = QoS> {
    prop_oneof![
        Just(QoS::AtMostOnce),
        Just(QoS::AtLeastOnce),
        Just(QoS::ExactlyOnce)
    ]
}

fn packet_id() -> impl Strategy<Value = u16> {
    1..=u16::MAX
}

fn any_property() -> impl Strategy<Value = Property<'static>> {
    use Property as P;
    prop_oneof![
        any::<bool>().prop_map(P::PayloadFormatIndicator),
        any::<u32>().prop_map(P::MessageExpiryInterval),
        text().prop_map(P::ContentType),
        topic_name().prop_map(P::ResponseTopic),
        binary().prop_map(P::CorrelationData),
        (1..=268_435_455u32).prop_map(P::SubscriptionIdentifier),
        any::<u32>().prop_map(P::SessionExpiryInterval),
        text().prop_map(P::AssignedClientIdentifier),
        any::<u16>().prop_map(P::ServerKeepAlive),
        text().prop_map(P::AuthenticationMethod),
        binary().prop_map(P::AuthenticationData),
        any::<bool>().prop_map(P::RequestProblemInformation),
        any::<u32>().prop_map(P::WillDelayInterval),
        any::<bool>().prop_map(P::RequestResponseInformation),
        text().prop_map(P::ResponseInformation),
        text().prop_map(P::ServerReference),
        text().prop_map(P::ReasonString),
        (1..=u16::MAX).prop_map(P::ReceiveMaximum),
        any::<u16>().prop_map(P::TopicAliasMaximum),
        (1..=u16::MAX).prop_map(P::TopicAlias),
        prop_oneof![Just(QoS::AtMostOnce), Just(QoS::AtLeastOnce)].prop_map(P::MaximumQoS),
        any::<bool>().prop_map(P::RetainAvailable),
        (text(), text()).prop_map(|(k, v)| P::UserProperty(k, v)),
        (1..=u32::MAX).prop_map(P::MaximumPacketSize),
        any::<bool>().prop_map(P::WildcardSubscriptionAvailable),
        any::<bool>().prop_map(P::SubscriptionIdentifierAvailable),
        any::<bool>().prop_map(P::SharedSubscriptionAvailable),
    ]
}

/// Valid properties for `context`: only allowed ones, non-repeatable ones at most once.
fn properties(
    context: PropertyContext,
    version: ProtocolVersion,
) -> BoxedStrategy<Properties<'static>> {
    if !version.is_v5() {
        return Just(Properties::new()).boxed();
    }
    vec(any_property(), 0..6)
        .prop_map(move |candidates| {
            let mut kept = Properties::new();
            for property in candidates {
                let id = property.id();
                let allowed = context.section(id).is_some();
                let repeat_ok = context.may_repeat(id) || kept.get(id).is_none();
                if allowed && repeat_ok {
                    kept.push(property);
                }
            }
            kept
        })
        .boxed()
}

fn reason_code(packet: PacketType, version: ProtocolVersion) -> impl Strategy<Value = ReasonCode> {
    let valid: Vec<ReasonCode> = (0..=255u8)
        .map(ReasonCode)
        .filter(|code| code.is_valid_in(packet, version))
        .collect();
    proptest::sample::select(valid)
}

fn connect(version: ProtocolVersion) -> impl Strategy<Value = Packet<'static>> {
    let will = (
        topic_name(),
        binary(),
        qos(),
        any::<bool>(),
        properties(PropertyContext::Will, version),
    )
        .prop_map(|(topic, payload, qos, retain, properties)| Will {
            topic: TopicName::new(topic).expect("generated names are valid"),
            payload,
            qos,
            retain,
            properties,
        });
    (
        any::<bool>(),
        any::<u16>(),
        properties(PropertyContext::Connect, version),
        text(),
        proptest::option::of(will),
        proptest::option::of(text()),
        proptest::option::of(binary()),
    )
        .prop_map(
            move |(
                clean_start,
                keep_alive,
                properties,
                client_id,
                will,
                mut username,
                password,
            )| {
                if version == ProtocolVersion::V311 && password.is_some() && username.is_none() {
                    username = Some("user"); // MQTT-3.1.2-22 (3.1.1)
                }
                Packet::Connect(Box::new(Connect {
                    protocol_version: version,
                    // MQTT-3.1.3-7 (3.1.1): an empty client id needs a clean session.
                    clean_start: clean_start
                        || (version == ProtocolVersion::V311 && client_id.is_empty()),
                    keep_alive,
                    properties,
                    client_id,
                    will,
                    username,
                    password,
                }))
            },
        )
}

fn connack(version: ProtocolVersion) -> impl Strategy<Value = Packet<'static>> {
    (
        any::<bool>(),
        reason_code(PacketType::ConnAck, version),
        properties(PropertyContext::ConnAck, version),
    )
        .prop_map(move |(session_present, code, properties)| {
            Packet::ConnAck(ConnAck {
                session_present: session_present && !code.is_error(PacketType::ConnAck, version),
                code,
                properties,
            })
        })
}

fn publish(version: ProtocolVersion) -> impl Strategy<Value = Packet<'static>> {
    (
        qos(),
        any::<bool>(),
        any::<bool>(),
        topic_name(),
        packet_id(),
        properties(PropertyContext::Publish, version),
        vec(any::<u8>(), 0..80).prop_map(leak_bytes),
        (any::<bool>(), 1..=u16::MAX),
    )
        .prop_map(
            move |(qos, dup, retain, topic, id, mut properties, payload, (aliased, alias))| {
                let mut topic = TopicName::new(topic).expect("generated names are valid");
                // 5.0: an empty topic name stands for a Topic Alias.
                if version.is_v5() && aliased && properties.topic_alias().is_none() {
                    properties.push(Property::TopicAlias(alias));
                    topic = TopicName::EMPTY;
                }
                Packet::Publish(Publish {
                    dup: dup && qos != QoS::AtMostOnce,
                    qos,
                    retain,
                    topic,
                    packet_id: (qos != QoS::AtMostOnce).then_some(id),
                    properties,
                    payload,
                })
            },
        )
}

fn pub_response(
    packet: PacketType,
    version: ProtocolVersion,
) -> impl Strategy<Value = Packet<'static>> {
    let context = match packet {
        PacketType::PubAck => PropertyContext::PubAck,
        PacketType::PubRec => PropertyContext::PubRec,
        PacketType::PubRel => PropertyContext::PubRel,
        _ => PropertyContext::PubComp,
    };
    (
        packet_id(),
        reason_code(packet, version),
        properties(context, version),
    )
        .prop_map(move |(packet_id, reason, properties)| {
            let response = PubResponse {
                packet_id,
                reason,
                properties,
            };
            match packet {
                PacketType::PubAck => Packet::PubAck(response),
                PacketType::PubRec => Packet::PubRec(response),
                PacketType::PubRel => Packet::PubRel(response),
                _ => Packet::PubComp(response),
            }
        })
}

fn subscribe(version: ProtocolVersion) -> impl Strategy<Value = Packet<'static>> {
    let options =
        (qos(), any::<bool>(), any::<bool>(), 0..3u8).prop_map(move |(qos, nl, rap, rh)| {
            if !version.is_v5() {
                return SubscriptionOptions::qos(qos);
            }
            SubscriptionOptions {
                qos,
                no_local: nl,
                retain_as_published: rap,
                retain_handling: match rh {
                    0 => RetainHandling::SendOnSubscribe,
                    1 => RetainHandling::SendIfNew,
                    _ => RetainHandling::DoNotSend,
                },
            }
        });
    let subscription = (topic_filter(version), options).prop_map(|(filter, mut options)| {
        // MQTT-3.8.3-4 (5.0): no No Local on shared subscriptions.
        options.no_local &= !filter.starts_with("$share/");
        Subscription {
            filter: TopicFilter::new(filter).expect("generated filters are valid"),
            options,
        }
    });
    (
        packet_id(),
        properties(PropertyContext::Subscribe, version),
        vec(subscription, 1..4),
    )
        .prop_map(|(packet_id, properties, filters)| {
            Packet::Subscribe(Subscribe {
                packet_id,
                properties,
                filters,
            })
        })
}

fn suback(version: ProtocolVersion) -> impl Strategy<Value = Packet<'static>> {
    (
        packet_id(),
        properties(PropertyContext::SubAck, version),
        vec(reason_code(PacketType::SubAck, version), 1..5),
    )
        .prop_map(|(packet_id, properties, codes)| {
            Packet::SubAck(SubAck {
                packet_id,
                properties,
                codes,
            })
        })
}

fn unsubscribe(version: ProtocolVersion) -> impl Strategy<Value = Packet<'static>> {
    (
        packet_id(),
        properties(PropertyContext::Unsubscribe, version),
        vec(topic_filter(version), 1..4),
    )
        .prop_map(|(packet_id, properties, filters)| {
            Packet::Unsubscribe(Unsubscribe {
                packet_id,
                properties,
                filters: filters
                    .into_iter()
                    .map(|filter| TopicFilter::new(filter).expect("generated filters are valid"))
                    .collect(),
            })
        })
}

fn unsuback(version: ProtocolVersion) -> impl Strategy<Value = Packet<'static>> {
    let codes = if version.is_v5() {
        1..4usize
    } else {
        0..1usize
    };
    (
        packet_id(),
        properties(PropertyContext::UnsubAck, version),
        vec(reason_code(PacketType::UnsubAck, version), codes),
    )
        .prop_map(|(packet_id, properties, codes)| {
            Packet::UnsubAck(UnsubAck {
                packet_id,
                properties,
                codes,
            })
        })
}

fn disconnect(version: ProtocolVersion) -> impl Strategy<Value = Packet<'static>> {
    (
        reason_code(PacketType::Disconnect, version),
        properties(PropertyContext::Disconnect, version),
    )
        .prop_map(|(reason, properties)| Packet::Disconnect(Disconnect { reason, properties }))
}

fn auth() -> impl Strategy<Value = Packet<'static>> {
    (
        reason_code(PacketType::Auth, ProtocolVersion::V5),
        properties(PropertyContext::Auth, ProtocolVersion::V5),
    )
        .prop_map(|(reason, properties)| Packet::Auth(Auth { reason, properties }))
}

fn packet(version: ProtocolVersion) -> BoxedStrategy<Packet<'static>> {
    let common = prop_oneof![
        connect(version),
        connack(version),
        publish(version),
        pub_response(PacketType::PubAck, version),
        pub_response(PacketType::PubRec, version),
        pub_response(PacketType::PubRel, version),
        pub_response(PacketType::PubComp, version),
        subscribe(version),
        suback(version),
        unsubscribe(version),
        unsuback(version),
        Just(Packet::PingReq),
        Just(Packet::PingResp),
        disconnect(version),
    ];
    if version.is_v5() {
        prop_oneof![14 => common, 1 => auth()].boxed()
    } else {
        common.boxed()
    }
}

fn version_and_packets() -> impl Strategy<Value = (ProtocolVersion, Vec<Packet<'static>>)> {
    prop_oneof![Just(ProtocolVersion::V311), Just(ProtocolVersion::V5)]
        .prop_flat_map(|version| (Just(version), vec(packet(version), 1..6)))
}

/// Split points for a stream of `len` bytes, derived from arbitrary numbers (1-byte chunks included).
fn chunks(len: usize, cuts: &[usize]) -> Vec<(usize, usize)> {
    let mut points: Vec<usize> = cuts.iter().map(|cut| cut % (len + 1)).collect();
    points.push(0);
    points.push(len);
    points.sort_unstable();
    points.dedup();
    points.windows(2).map(|pair| (pair[0], pair[1])).collect()
}

/// Spans lie inside the packet, and each one lies inside the closest shallower span before it.
fn assert_spans_nest(spans: &Spans, packet_len: usize) {
    let mut parents: Vec<(usize, usize, u8)> = Vec::new();
    for span in spans.as_slice() {
        assert!(
            span.end() <= packet_len,
            "{span:?} past the packet ({packet_len} bytes)"
        );
        while parents
            .last()
            .is_some_and(|&(_, _, depth)| depth >= span.depth)
        {
            parents.pop();
        }
        if let Some(&(start, end, depth)) = parents.last() {
            assert_eq!(depth + 1, span.depth, "{span:?} skips a level");
            assert!(
                span.start >= start && span.end() <= end,
                "{span:?} outside its parent {start}..{end}"
            );
        } else {
            assert_eq!(span.depth, 0, "{span:?} has no parent");
        }
        parents.push((span.start, span.end(), span.depth));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn every_packet_round_trips((version, packets) in version_and_packets()) {
        for packet in &packets {
            let mut bytes = Vec::new();
            let written = encode(packet, version, &mut bytes).map_err(|e| TestCaseError::fail(format!("{e} for {packet:?}")))?;
            prop_assert_eq!(written, bytes.len());
            prop_assert_eq!(packet.encoded_len(version), Ok(bytes.len()));
            prop_assert_eq!(frame_len(&bytes, version), Ok(Some(bytes.len())));
            prop_assert_eq!(decode(&bytes, version), Ok(Some((packet.clone(), bytes.len()))));
            // One byte short is "need more", never an error.
            prop_assert_eq!(decode(&bytes[..bytes.len() - 1], version), Ok(None));
            let mut spans = Spans::new();
            prop_assert_eq!(decode_traced(&bytes, version, &mut spans), Ok(Some((packet.clone(), bytes.len()))));
            assert_spans_nest(&spans, bytes.len());
            prop_assert!(spans.as_slice().iter().any(|span| span.field.name == "Packet type"));
        }
    }

    #[test]
    fn a_stream_decodes_the_same_under_any_chunking(
        (version, packets) in version_and_packets(),
        cuts in vec(any::<usize>(), 0..40),
    ) {
        let mut stream = Vec::new();
        for packet in &packets {
            encode(packet, version, &mut stream).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        let mut decoder = Decoder::new(version);
        let mut decoded = 0;
        for (start, end) in chunks(stream.len(), &cuts) {
            decoder.push(&stream[start..end]);
            while let Some(packet) = decoder.next_packet().map_err(|e| TestCaseError::fail(e.to_string()))? {
                prop_assert_eq!(&packet, &packets[decoded]);
                decoded += 1;
            }
        }
        prop_assert_eq!(decoded, packets.len());
        prop_assert!(decoder.buffered().is_empty());
    }

    #[test]
    fn one_byte_at_a_time_frames_match_packet_lengths((version, packets) in version_and_packets()) {
        let mut stream = Vec::new();
        let mut lengths = Vec::new();
        for packet in &packets {
            lengths.push(encode(packet, version, &mut stream).map_err(|e| TestCaseError::fail(e.to_string()))?);
        }
        let mut decoder = Decoder::new(version);
        let mut frames = Vec::new();
        for byte in &stream {
            decoder.push(std::slice::from_ref(byte));
            while let Some(frame) = decoder.next_frame().map_err(|e| TestCaseError::fail(e.to_string()))? {
                frames.push(frame.len());
            }
        }
        prop_assert_eq!(frames, lengths);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_chunking_never_changes_the_outcome(
        bytes in vec(any::<u8>(), 0..256),
        cuts in vec(any::<usize>(), 0..16),
        v5 in any::<bool>(),
    ) {
        let version = if v5 { ProtocolVersion::V5 } else { ProtocolVersion::V311 };
        check_garbage(&bytes, &cuts, version)?;
    }

    /// Random bytes rarely get past the fixed header; valid streams with a few bytes changed reach every
    /// field decoder.
    #[test]
    fn mutated_packets_never_panic_and_chunking_never_changes_the_outcome(
        (version, packets) in version_and_packets(),
        mutations in vec((any::<usize>(), any::<u8>()), 1..4),
        cuts in vec(any::<usize>(), 0..16),
    ) {
        let mut bytes = Vec::new();
        for packet in &packets {
            encode(packet, version, &mut bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        for (at, value) in mutations {
            let len = bytes.len();
            bytes[at % len] = value;
        }
        check_garbage(&bytes, &cuts, version)?;
    }
}

/// Whatever `bytes` are: no panic, traced and plain decoding agree, errors point inside the input, and
/// decoding in chunks gives the same packets and the same final error as decoding all at once.
fn check_garbage(
    bytes: &[u8],
    cuts: &[usize],
    version: ProtocolVersion,
) -> Result<(), TestCaseError> {
    let _ = frame_len(bytes, version);
    let plain = decode(bytes, version);
    let mut spans = Spans::new();
    let traced = decode_traced(bytes, version, &mut spans);
    prop_assert_eq!(&plain, &traced);
    // Whatever the outcome, the spans recorded form a proper tree inside the input.
    assert_spans_nest(&spans, bytes.len());
    if let Err(error) = &plain {
        prop_assert!(
            error.offset + error.len <= bytes.len(),
            "{error:?} points past the input"
        );
    }
    // The whole input at once versus in chunks: the same packets, then the same error or need-more.
    let mut whole = Decoder::new(version).with_max_packet_size(128);
    whole.push(bytes);
    let mut expected = Vec::new();
    let end_whole = loop {
        match whole.next_packet() {
            Ok(Some(packet)) => expected.push(format!("{packet:?}")),
            other => break other.map(|_| ()),
        }
    };
    let mut chunked = Decoder::new(version).with_max_packet_size(128);
    let mut seen = Vec::new();
    let mut end_chunked = Ok(());
    for (start, end) in chunks(bytes.len(), cuts) {
        chunked.push(&bytes[start..end]);
        loop {
            match chunked.next_packet() {
                Ok(Some(packet)) => seen.push(format!("{packet:?}")),
                Ok(None) => break,
                Err(error) => {
                    end_chunked = Err(error);
                    break;
                }
            }
        }
        if end_chunked.is_err() {
            break;
        }
    }
    prop_assert_eq!(seen, expected);
    prop_assert_eq!(end_chunked, end_whole);
    Ok(())
}
