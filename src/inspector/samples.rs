//! Ready-made packets to inspect, so a first visit shows something real before anyone pastes bytes.
//!
//! The well-formed samples are built with mqtt-core's encoder when the app starts rather than written
//! out as hex: they can never drift from what the codec produces, and the code below reads like the
//! packet it makes. Only the deliberately broken samples are literal bytes, because the encoder
//! (rightly) refuses to write them.

use mqtt_core::codec::{
    ConnAck, Connect, Packet, Properties, Property, PubResponse, Publish, ReasonCode,
    RetainHandling, Subscribe, Subscription, SubscriptionOptions, Will,
};
use mqtt_core::{encode, ProtocolVersion, QoS, TopicFilter, TopicName};

/// A named packet (or a few bytes of packets) to load into the inspector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// Stable identifier, used as the `<option>` value.
    pub id: &'static str,
    /// What the list shows.
    pub title: &'static str,
    /// Heading the sample is listed under.
    pub category: &'static str,
    /// The edition to decode it with (choosing a sample sets it).
    pub version: ProtocolVersion,
    /// The bytes.
    pub bytes: Vec<u8>,
}

const V311: ProtocolVersion = ProtocolVersion::V311;
const V5: ProtocolVersion = ProtocolVersion::V5;
const CATEGORY_V311: &str = "MQTT 3.1.1";
const CATEGORY_V5: &str = "MQTT 5.0";
const CATEGORY_BROKEN: &str = "Broken on purpose";

/// Every sample, in the order the list shows them. The first is the one shown on arrival.
pub fn all() -> Vec<Sample> {
    let mut samples = Vec::new();
    let mut add = |id, title, category, version, bytes: Option<Vec<u8>>| {
        // The encoded samples are fixed and valid; should a future codec refuse one, the list simply
        // loses it (and the tests below fail) instead of the page failing to start.
        if let Some(bytes) = bytes {
            samples.push(Sample {
                id,
                title,
                category,
                version,
                bytes,
            });
        }
    };
    add(
        "connect-will",
        "CONNECT with will, user name & password",
        CATEGORY_V311,
        V311,
        connect_with_will().and_then(|packet| encoded(&[packet], V311)),
    );
    add(
        "publish-qos2",
        "QoS 2 PUBLISH",
        CATEGORY_V311,
        V311,
        publish_qos2().and_then(|packet| encoded(&[packet], V311)),
    );
    add(
        "pubrel",
        "PUBREL (QoS 2, step 3)",
        CATEGORY_V311,
        V311,
        encoded(&[Packet::PubRel(PubResponse::new(10))], V311),
    );
    add(
        "subscribe-wildcards",
        "SUBSCRIBE with wildcards",
        CATEGORY_V311,
        V311,
        subscribe_wildcards().and_then(|packet| encoded(&[packet], V311)),
    );
    add(
        "publish-then-puback",
        "QoS 1 PUBLISH + its PUBACK (two packets)",
        CATEGORY_V311,
        V311,
        publish_qos1()
            .and_then(|publish| encoded(&[publish, Packet::PubAck(PubResponse::new(7))], V311)),
    );
    add(
        "connack-v5",
        "5.0 CONNACK with properties",
        CATEGORY_V5,
        V5,
        connack_v5().and_then(|packet| encoded(&[packet], V5)),
    );
    add(
        "publish-v5-properties",
        "5.0 PUBLISH with properties",
        CATEGORY_V5,
        V5,
        publish_v5().and_then(|packet| encoded(&[packet], V5)),
    );
    add(
        "subscribe-v5-shared",
        "5.0 SUBSCRIBE: shared, with options",
        CATEGORY_V5,
        V5,
        subscribe_v5_shared().and_then(|packet| encoded(&[packet], V5)),
    );
    add(
        "publish-qos3",
        "Malformed: QoS 3 PUBLISH",
        CATEGORY_BROKEN,
        V311,
        // 0x36: PUBLISH with flags 0110, i.e. both QoS bits set; then "a/b", packet id 1, "hi".
        Some(vec![
            0x36, 0x09, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x01, b'h', b'i',
        ]),
    );
    add(
        "publish-truncated",
        "Incomplete: PUBLISH cut short",
        CATEGORY_BROKEN,
        V311,
        publish_qos1()
            .and_then(|packet| encoded(&[packet], V311))
            .map(|mut bytes| {
                bytes.truncate(bytes.len().saturating_sub(4));
                bytes
            }),
    );
    samples
}

/// The sample with identifier `id`.
pub fn find<'a>(samples: &'a [Sample], id: &str) -> Option<&'a Sample> {
    samples.iter().find(|sample| sample.id == id)
}

/// The packets encoded one after another, or `None` if the codec refuses one.
fn encoded(packets: &[Packet<'_>], version: ProtocolVersion) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for packet in packets {
        encode(packet, version, &mut out).ok()?;
    }
    Some(out)
}

fn connect_with_will() -> Option<Packet<'static>> {
    let mut connect = Connect::new(V311, "kitchen-sensor", 60);
    connect.will = Some(Will {
        topic: TopicName::new("sensors/kitchen/status").ok()?,
        payload: b"offline",
        qos: QoS::AtLeastOnce,
        retain: true,
        properties: Properties::new(),
    });
    connect.username = Some("alice");
    connect.password = Some(b"s3cret");
    Some(Packet::Connect(Box::new(connect)))
}

fn publish_qos2() -> Option<Packet<'static>> {
    Some(Packet::Publish(Publish {
        qos: QoS::ExactlyOnce,
        packet_id: Some(10),
        ..Publish::new(TopicName::new("home/kitchen/light").ok()?, b"on")
    }))
}

fn publish_qos1() -> Option<Packet<'static>> {
    Some(Packet::Publish(Publish {
        qos: QoS::AtLeastOnce,
        packet_id: Some(7),
        ..Publish::new(TopicName::new("sensors/kitchen/temperature").ok()?, b"21.5")
    }))
}

fn subscribe_wildcards() -> Option<Packet<'static>> {
    Some(Packet::Subscribe(Subscribe {
        packet_id: 2,
        properties: Properties::new(),
        filters: vec![
            Subscription {
                filter: TopicFilter::new("sensors/+/temperature").ok()?,
                options: SubscriptionOptions::qos(QoS::AtLeastOnce),
            },
            Subscription {
                filter: TopicFilter::new("home/#").ok()?,
                options: SubscriptionOptions::qos(QoS::ExactlyOnce),
            },
        ],
    }))
}

fn connack_v5() -> Option<Packet<'static>> {
    Some(Packet::ConnAck(ConnAck {
        session_present: false,
        code: ReasonCode::SUCCESS,
        properties: Properties(vec![
            Property::SessionExpiryInterval(3600),
            Property::ReceiveMaximum(20),
            Property::MaximumQoS(QoS::AtLeastOnce),
            Property::AssignedClientIdentifier("auto-7F3A9C"),
            Property::TopicAliasMaximum(10),
            Property::ServerKeepAlive(30),
        ]),
    }))
}

fn publish_v5() -> Option<Packet<'static>> {
    Some(Packet::Publish(Publish {
        qos: QoS::AtLeastOnce,
        packet_id: Some(42),
        properties: Properties(vec![
            Property::PayloadFormatIndicator(true),
            Property::MessageExpiryInterval(120),
            Property::ContentType("application/json"),
            Property::ResponseTopic("replies/dashboard"),
            Property::CorrelationData(b"req-42"),
            Property::UserProperty("unit", "celsius"),
        ]),
        ..Publish::new(
            TopicName::new("sensors/kitchen/temperature").ok()?,
            br#"{"t":21.5}"#,
        )
    }))
}

fn subscribe_v5_shared() -> Option<Packet<'static>> {
    Some(Packet::Subscribe(Subscribe {
        packet_id: 3,
        properties: Properties(vec![Property::SubscriptionIdentifier(5)]),
        filters: vec![
            Subscription {
                filter: TopicFilter::new("$share/workers/jobs/#").ok()?,
                options: SubscriptionOptions::qos(QoS::AtLeastOnce),
            },
            Subscription {
                filter: TopicFilter::new("alerts/+").ok()?,
                options: SubscriptionOptions {
                    qos: QoS::ExactlyOnce,
                    no_local: true,
                    retain_as_published: true,
                    retain_handling: RetainHandling::DoNotSend,
                },
            },
        ],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqtt_core::{decode, PacketType};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_sample_is_built_and_ids_are_unique() {
        let samples = all();
        assert_eq!(samples.len(), 10);
        for (index, sample) in samples.iter().enumerate() {
            assert!(!sample.bytes.is_empty(), "{}", sample.id);
            assert!(samples
                .iter()
                .skip(index + 1)
                .all(|other| other.id != sample.id));
        }
        assert_eq!(samples.first().map(|s| s.id), Some("connect-will"));
    }

    #[test]
    fn well_formed_samples_decode_completely() {
        for sample in all().iter().filter(|s| s.category != CATEGORY_BROKEN) {
            let mut rest = sample.bytes.as_slice();
            while !rest.is_empty() {
                match decode(rest, sample.version) {
                    Ok(Some((_, used))) => rest = &rest[used..],
                    other => panic!("{}: {other:?}", sample.id),
                }
            }
        }
    }

    #[test]
    fn connect_sample_is_the_3_1_1_connect_with_will_and_credentials() {
        let samples = all();
        let sample = find(&samples, "connect-will").unwrap();
        let Ok(Some((Packet::Connect(connect), _))) = decode(&sample.bytes, V311) else {
            panic!("not a CONNECT");
        };
        assert_eq!(connect.protocol_version, V311);
        assert_eq!(
            connect.will.map(|w| w.topic.as_str()),
            Some("sensors/kitchen/status")
        );
        assert_eq!(connect.username, Some("alice"));
        assert_eq!(connect.password, Some(&b"s3cret"[..]));
    }

    #[test]
    fn broken_samples_are_malformed_and_incomplete() {
        let samples = all();
        let qos3 = find(&samples, "publish-qos3").unwrap();
        let error = decode(&qos3.bytes, V311).unwrap_err();
        assert_eq!((error.offset, error.len), (0, 1));
        assert_eq!(
            error.rule.map(|r| r.to_string()).as_deref(),
            Some("MQTT-3.3.1-4 (3.1.1)")
        );
        let truncated = find(&samples, "publish-truncated").unwrap();
        assert_eq!(decode(&truncated.bytes, V311), Ok(None));
    }

    #[test]
    fn two_packet_sample_holds_a_publish_then_a_puback() {
        let samples = all();
        let sample = find(&samples, "publish-then-puback").unwrap();
        let (first, used) = decode(&sample.bytes, V311).unwrap().unwrap();
        assert_eq!(first.packet_type(), PacketType::Publish);
        let (second, _) = decode(&sample.bytes[used..], V311).unwrap().unwrap();
        assert_eq!(second.packet_type(), PacketType::PubAck);
    }
}
