//! Every byte vector of mqtt-packet 9.0.2's suite (copied into `tests/vectors/` with its README and
//! licence), for 3.1.1 and 5.0: parse_generate round-trips byte-exact both ways, parse_only decodes to
//! the given packet, generate_only encodes to the given bytes, parse_error fails, generate_error is
//! refused. A missing file fails to compile (include_str!); an empty or shortened one fails the counts.

use mqtt_core::codec::{
    decode, encode, Auth, ConnAck, Connect, Disconnect, Packet, Properties, Property,
    ProtocolVersion, PubResponse, Publish, QoS, ReasonCode, RetainHandling, SubAck, Subscribe,
    Subscription, SubscriptionOptions, UnsubAck, Unsubscribe, Will,
};
use mqtt_core::{TopicFilter, TopicName};
use serde_json::{Map, Value};

const V311: &str = include_str!("vectors/mqtt-packet-v311.json");
const V5: &str = include_str!("vectors/mqtt-packet-v5.json");

/// Why each parse_error case must fail: our `Violation`, in full. A case failing for another reason
/// (say, running out of bytes before reaching the broken field) would hide a missing check.
const PARSE_ERROR_CAUSES: &[(u8, &str, &str)] = &[
    (4, "Not supported", r#"ReservedPacketType"#),
    (
        4,
        "Invalid variable byte integer",
        r#"VarintTooLong { field: "Remaining Length" }"#,
    ),
    (
        4,
        "Invalid variable byte integer (2)",
        r#"VarintTooLong { field: "Remaining Length" }"#,
    ),
    (
        4,
        "Invalid variable byte integer (3)",
        r#"VarintTooLong { field: "Remaining Length" }"#,
    ),
    (
        4,
        "Invalid variable byte integer (4)",
        r#"VarintTooLong { field: "Remaining Length" }"#,
    ),
    (
        4,
        "Invalid variable byte integer (5)",
        r#"VarintTooLong { field: "Remaining Length" }"#,
    ),
    (
        4,
        "Invalid variable byte integer (6)",
        r#"VarintTooLong { field: "Remaining Length" }"#,
    ),
    (
        4,
        "Cannot parse protocolId",
        r#"Truncated { field: "Protocol name", needed: 4 }"#,
    ),
    (
        4,
        "Malformed unsuback, payload length must be 2",
        r#"Truncated { field: "Packet identifier", needed: 1 }"#,
    ),
    (
        4,
        "Invalid header flag bits, must be 0x0 for connack packet",
        r#"ReservedFlags { packet: ConnAck, expected: 0, found: 1 }"#,
    ),
    (
        4,
        "Invalid connack flags, bits 7-1 must be set to 0",
        r#"ConnAckReservedFlags { found: 2 }"#,
    ),
    (
        4,
        "Packet must not have both QoS bits set to 1",
        r#"PublishQos3"#,
    ),
    (
        4,
        "Invalid header flag bits, must be 0x0 for puback packet",
        r#"ReservedFlags { packet: PubAck, expected: 0, found: 1 }"#,
    ),
    (
        4,
        "Invalid header flag bits, must be 0x0 for pubrec packet",
        r#"ReservedFlags { packet: PubRec, expected: 0, found: 1 }"#,
    ),
    (
        4,
        "Invalid header flag bits, must be 0x2 for pubrel packet",
        r#"ReservedFlags { packet: PubRel, expected: 2, found: 0 }"#,
    ),
    (
        4,
        "Invalid header flag bits, must be 0x0 for pubcomp packet",
        r#"ReservedFlags { packet: PubComp, expected: 0, found: 1 }"#,
    ),
    (
        4,
        "Invalid header flag bits, must be 0x2 for subscribe packet",
        r#"ReservedFlags { packet: Subscribe, expected: 2, found: 0 }"#,
    ),
    (4, "Invalid subscribe QoS, must be <= 2", r#"SubscribeQos3"#),
    (
        4,
        "Invalid subscribe topic flag bits, bits 7-2 must be 0",
        r#"SubscriptionOptionsReserved { found: 8 }"#,
    ),
    (
        4,
        "Invalid suback QoS, must be 0, 1, 2 or 128",
        r#"ReservedReturnCode { packet: SubAck, code: 3 }"#,
    ),
    (
        4,
        "Invalid header flag bits, must be 0x2 for unsubscribe packet",
        r#"ReservedFlags { packet: Unsubscribe, expected: 2, found: 0 }"#,
    ),
    (
        4,
        "Invalid header flag bits, must be 0x0 for unsuback packet",
        r#"ReservedFlags { packet: UnsubAck, expected: 0, found: 1 }"#,
    ),
    (
        4,
        "Invalid header flag bits, must be 0x0 for pingreq packet",
        r#"ReservedFlags { packet: PingReq, expected: 0, found: 1 }"#,
    ),
    (
        4,
        "Invalid header flag bits, must be 0x0 for pingresp packet",
        r#"ReservedFlags { packet: PingResp, expected: 0, found: 1 }"#,
    ),
    (
        4,
        "Invalid header flag bits, must be 0x0 for disconnect packet",
        r#"ReservedFlags { packet: Disconnect, expected: 0, found: 1 }"#,
    ),
    (
        4,
        "Cannot parse protocolId (2)",
        r#"Truncated { field: "Protocol name", needed: 9 }"#,
    ),
    (
        4,
        "Not supported auth packet for this version MQTT",
        r#"AuthNotInV311"#,
    ),
    (
        4,
        "Malformed Subscribe Payload",
        r#"NullCharacter { field: "Topic filter" }"#,
    ),
    (
        5,
        "Packet too short",
        r#"Truncated { field: "Keep alive", needed: 2 }"#,
    ),
    (
        5,
        "Malformed subscribe, no payload specified",
        r#"Truncated { field: "Packet identifier", needed: 2 }"#,
    ),
    (
        5,
        "Malformed suback, no payload specified",
        r#"Truncated { field: "Packet identifier", needed: 2 }"#,
    ),
    (
        5,
        "Malformed unsubscribe, no payload specified",
        r#"Truncated { field: "Packet identifier", needed: 2 }"#,
    ),
    (
        5,
        "Malformed unsuback, no payload specified",
        r#"Truncated { field: "Packet identifier", needed: 2 }"#,
    ),
    (
        5,
        "Invalid puback reason code",
        r#"InvalidReasonCode { packet: PubAck, code: 17 }"#,
    ),
    (
        5,
        "Invalid pubrel reason code",
        r#"InvalidReasonCode { packet: PubRel, code: 17 }"#,
    ),
    (
        5,
        "Invalid pubrel reason code (2)",
        r#"InvalidReasonCode { packet: PubRel, code: 16 }"#,
    ),
    (
        5,
        "Invalid pubcomp reason code",
        r#"InvalidReasonCode { packet: PubComp, code: 16 }"#,
    ),
    (
        5,
        "Invalid subscribe topic flag bits, bits 7-6 must be 0",
        r#"SubscriptionOptionsReserved { found: 128 }"#,
    ),
    (
        5,
        "Invalid retain handling, must be <= 2",
        r#"RetainHandling3"#,
    ),
    (
        5,
        "Invalid suback code",
        r#"InvalidReasonCode { packet: SubAck, code: 121 }"#,
    ),
    (
        5,
        "Invalid unsuback code",
        r#"InvalidReasonCode { packet: UnsubAck, code: 132 }"#,
    ),
    (
        5,
        "Invalid disconnect reason code",
        r#"InvalidReasonCode { packet: Disconnect, code: 5 }"#,
    ),
    (
        5,
        "Invalid auth reason code",
        r#"InvalidReasonCode { packet: Auth, code: 23 }"#,
    ),
    (5, "Unknown property", r#"UnknownProperty { id: 126 }"#),
];

#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    parse_generate: usize,
    parse_only: usize,
    generate_only: usize,
    parse_error: usize,
    generate_error: usize,
}

impl Counts {
    fn total(&self) -> usize {
        self.parse_generate
            + self.parse_only
            + self.generate_only
            + self.parse_error
            + self.generate_error
    }
}

#[test]
fn v311_vectors() {
    let counts = run_file(V311, 4);
    // The table in tests/vectors/README.md.
    assert_eq!(
        counts,
        Counts {
            parse_generate: 21,
            parse_only: 2,
            generate_only: 1,
            parse_error: 28,
            generate_error: 1
        }
    );
    assert_eq!(counts.total(), 53);
}

#[test]
fn v5_vectors() {
    let counts = run_file(V5, 5);
    assert_eq!(
        counts,
        Counts {
            parse_generate: 26,
            parse_only: 6,
            generate_only: 1,
            parse_error: 16,
            generate_error: 1
        }
    );
    assert_eq!(counts.total(), 50);
}

fn run_file(text: &str, level: u8) -> Counts {
    let cases: Vec<Value> = serde_json::from_str(text).expect("vector file is valid JSON");
    assert!(!cases.is_empty(), "vector file for level {level} is empty");
    let mut counts = Counts::default();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().expect("case has a name");
        let kind = case["kind"].as_str().expect("case has a kind");
        let version = match case["version"].as_u64() {
            Some(4) => ProtocolVersion::V311,
            Some(5) => ProtocolVersion::V5,
            other => panic!("{name}: unexpected version {other:?}"),
        };
        assert_eq!(version.level(), level, "{name}: case in the wrong file");
        let outcome = run_case(case, kind, version).and_then(|()| {
            if kind != "parse_error" {
                return Ok(());
            }
            let cause = PARSE_ERROR_CAUSES
                .iter()
                .find(|(l, n, _)| *l == level && *n == name)
                .map(|(_, _, cause)| *cause)
                .ok_or("no expected cause listed in PARSE_ERROR_CAUSES")?;
            let bytes = unhex(case["hex"].as_str().unwrap_or_default());
            match decode(&bytes, version) {
                Err(error) if format!("{:?}", error.violation) == cause => Ok(()),
                other => Err(format!("expected {cause}, got {other:?}")),
            }
        });
        // No vector contradicts the specification as we read it, so every case must pass as given.
        if let Err(why) = outcome {
            failures.push(format!("[{kind}] {name}: {why}"));
        }
        match kind {
            "parse_generate" => counts.parse_generate += 1,
            "parse_only" => counts.parse_only += 1,
            "generate_only" => counts.generate_only += 1,
            "parse_error" => counts.parse_error += 1,
            "generate_error" => counts.generate_error += 1,
            other => panic!("{name}: unknown kind {other}"),
        }
    }
    assert!(
        failures.is_empty(),
        "{} vector(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    counts
}

fn run_case(case: &Value, kind: &str, version: ProtocolVersion) -> Result<(), String> {
    let hex = case.get("hex").and_then(Value::as_str).map(unhex);
    match kind {
        "parse_generate" => {
            let bytes = hex.ok_or("no hex")?;
            let expected = packet_from_json(&case["packet"], version)?;
            check_decodes_to(&bytes, version, &expected, &case["packet"])?;
            check_encodes_to(&expected, version, &bytes)
        }
        "parse_only" => {
            let bytes = hex.ok_or("no hex")?;
            let expected = packet_from_json(&case["packet"], version)?;
            check_decodes_to(&bytes, version, &expected, &case["packet"])
        }
        "generate_only" => {
            let bytes = hex.ok_or("no hex")?;
            let packet = packet_from_json(&case["packet"], version)?;
            check_encodes_to(&packet, version, &bytes)
        }
        "parse_error" => {
            let bytes = hex.ok_or("no hex")?;
            match decode(&bytes, version) {
                Err(error) => {
                    assert!(
                        error.offset <= bytes.len(),
                        "error offset {} past the input",
                        error.offset
                    );
                    Ok(())
                }
                Ok(Some((packet, _))) => Err(format!("decoded {packet:?}, expected an error")),
                Ok(None) => Err("asked for more bytes, expected an error".into()),
            }
        }
        "generate_error" => {
            let packet = match packet_from_json(&case["packet"], version) {
                Ok(packet) => packet,
                // The packet cannot even be represented (e.g. QoS 3): refused by construction.
                Err(_) => return Ok(()),
            };
            let mut out = vec![0xAA];
            match encode(&packet, version, &mut out) {
                Err(_) if out == [0xAA] => Ok(()),
                Err(_) => Err("refused, but wrote bytes".into()),
                Ok(_) => Err(format!("encoded {}, expected a refusal", hexify(&out[1..]))),
            }
        }
        other => Err(format!("unknown kind {other}")),
    }
}

fn check_decodes_to(
    bytes: &[u8],
    version: ProtocolVersion,
    expected: &Packet<'_>,
    json: &Value,
) -> Result<(), String> {
    let (packet, used) = decode(bytes, version)
        .map_err(|error| format!("decode failed: {error}"))?
        .ok_or("decode asked for more bytes")?;
    if used != bytes.len() {
        return Err(format!("decode used {used} of {} bytes", bytes.len()));
    }
    if let Some(length) = json.get("length").and_then(Value::as_u64) {
        let header = mqtt_core::codec::fixed_header(bytes, version)
            .ok()
            .flatten()
            .ok_or("no fixed header")?;
        if header.remaining_len as u64 != length {
            return Err(format!(
                "remaining length {} != {length}",
                header.remaining_len
            ));
        }
    }
    if &packet != expected {
        return Err(format!("decoded\n  {packet:?}\nexpected\n  {expected:?}"));
    }
    Ok(())
}

fn check_encodes_to(
    packet: &Packet<'_>,
    version: ProtocolVersion,
    bytes: &[u8],
) -> Result<(), String> {
    let mut out = Vec::new();
    let written =
        encode(packet, version, &mut out).map_err(|error| format!("encode failed: {error}"))?;
    if written != out.len() || packet.encoded_len(version) != Ok(out.len()) {
        return Err("encode reported a wrong length".into());
    }
    if out != bytes {
        return Err(format!(
            "encoded {}\n expected {}",
            hexify(&out),
            hexify(bytes)
        ));
    }
    Ok(())
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("vector hex is valid"))
        .collect()
}

fn hexify(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// --- mqtt-packet's JSON shape → our packets. Test data lives for the whole run, so leaking is fine. ---

fn leak_str(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

fn leak_bytes(bytes: Vec<u8>) -> &'static [u8] {
    Box::leak(bytes.into_boxed_slice())
}

/// Text (UTF-8) or `{"hex": "..."}`.
fn binary(value: &Value) -> Result<&'static [u8], String> {
    match value {
        Value::String(text) => Ok(leak_bytes(text.as_bytes().to_vec())),
        Value::Object(map) => map
            .get("hex")
            .and_then(Value::as_str)
            .map(|hex| leak_bytes(unhex(hex)))
            .ok_or_else(|| format!("binary without hex: {value}")),
        other => Err(format!("not binary: {other}")),
    }
}

fn string(value: &Value) -> Result<&'static str, String> {
    value
        .as_str()
        .map(leak_str)
        .ok_or_else(|| format!("not a string: {value}"))
}

fn topic_name(value: &Value) -> Result<TopicName<'static>, String> {
    TopicName::new(string(value)?).map_err(|violation| violation.to_string())
}

fn topic_filter(value: &Value) -> Result<TopicFilter<'static>, String> {
    TopicFilter::new(string(value)?).map_err(|violation| violation.to_string())
}

fn uint(value: &Value) -> Result<u64, String> {
    value
        .as_u64()
        .ok_or_else(|| format!("not a number: {value}"))
}

fn u16_of(value: &Value) -> Result<u16, String> {
    u16::try_from(uint(value)?).map_err(|_| format!("not a u16: {value}"))
}

fn u32_of(value: &Value) -> Result<u32, String> {
    u32::try_from(uint(value)?).map_err(|_| format!("not a u32: {value}"))
}

fn boolean(value: &Value) -> Result<bool, String> {
    value
        .as_bool()
        .ok_or_else(|| format!("not a boolean: {value}"))
}

fn flag(map: &Map<String, Value>, key: &str) -> bool {
    map.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn qos(value: Option<&Value>) -> Result<QoS, String> {
    let level = value.map(uint).transpose()?.unwrap_or(0);
    QoS::from_bits(u8::try_from(level).unwrap_or(3))
        .ok_or_else(|| format!("QoS {level} is not representable"))
}

fn reason(map: &Map<String, Value>, key: &str) -> Result<ReasonCode, String> {
    Ok(ReasonCode(
        map.get(key).map(uint).transpose()?.unwrap_or(0) as u8
    ))
}

fn codes(value: Option<&Value>) -> Result<Vec<ReasonCode>, String> {
    let Some(list) = value else {
        return Ok(Vec::new());
    };
    list.as_array()
        .ok_or("codes are not an array")?
        .iter()
        .map(|code| {
            Ok(ReasonCode(
                u8::try_from(uint(code)?).map_err(|_| "code > 255")?,
            ))
        })
        .collect()
}

fn properties(value: Option<&Value>) -> Result<Properties<'static>, String> {
    let mut list = Properties::new();
    let Some(map) = value else { return Ok(list) };
    for (key, value) in map.as_object().ok_or("properties are not an object")? {
        let each = |value: &Value| -> Vec<Value> {
            match value {
                Value::Array(items) => items.clone(),
                single => vec![single.clone()],
            }
        };
        match key.as_str() {
            "payloadFormatIndicator" => {
                list.push(Property::PayloadFormatIndicator(boolean(value)?))
            }
            "messageExpiryInterval" => list.push(Property::MessageExpiryInterval(u32_of(value)?)),
            "contentType" => list.push(Property::ContentType(string(value)?)),
            "responseTopic" => list.push(Property::ResponseTopic(string(value)?)),
            "correlationData" => list.push(Property::CorrelationData(binary(value)?)),
            "subscriptionIdentifier" => {
                for id in each(value) {
                    list.push(Property::SubscriptionIdentifier(u32_of(&id)?));
                }
                &mut list
            }
            "sessionExpiryInterval" => list.push(Property::SessionExpiryInterval(u32_of(value)?)),
            "assignedClientIdentifier" => {
                list.push(Property::AssignedClientIdentifier(string(value)?))
            }
            "serverKeepAlive" => list.push(Property::ServerKeepAlive(u16_of(value)?)),
            "authenticationMethod" => list.push(Property::AuthenticationMethod(string(value)?)),
            "authenticationData" => list.push(Property::AuthenticationData(binary(value)?)),
            "requestProblemInformation" => {
                list.push(Property::RequestProblemInformation(boolean(value)?))
            }
            "willDelayInterval" => list.push(Property::WillDelayInterval(u32_of(value)?)),
            "requestResponseInformation" => {
                list.push(Property::RequestResponseInformation(boolean(value)?))
            }
            "responseInformation" => list.push(Property::ResponseInformation(string(value)?)),
            "serverReference" => list.push(Property::ServerReference(string(value)?)),
            "reasonString" => list.push(Property::ReasonString(string(value)?)),
            "receiveMaximum" => list.push(Property::ReceiveMaximum(u16_of(value)?)),
            "topicAliasMaximum" => list.push(Property::TopicAliasMaximum(u16_of(value)?)),
            "topicAlias" => list.push(Property::TopicAlias(u16_of(value)?)),
            "maximumQoS" => list.push(Property::MaximumQoS(qos(Some(value))?)),
            "retainAvailable" => list.push(Property::RetainAvailable(boolean(value)?)),
            "userProperties" => {
                for (name, values) in value.as_object().ok_or("userProperties is not an object")? {
                    for user_value in each(values) {
                        list.push(Property::UserProperty(leak_str(name), string(&user_value)?));
                    }
                }
                &mut list
            }
            "maximumPacketSize" => list.push(Property::MaximumPacketSize(u32_of(value)?)),
            "wildcardSubscriptionAvailable" => {
                list.push(Property::WildcardSubscriptionAvailable(boolean(value)?))
            }
            "subscriptionIdentifiersAvailable" => {
                list.push(Property::SubscriptionIdentifierAvailable(boolean(value)?))
            }
            "sharedSubscriptionAvailable" => {
                list.push(Property::SharedSubscriptionAvailable(boolean(value)?))
            }
            other => return Err(format!("unknown property {other}")),
        };
    }
    Ok(list)
}

fn packet_from_json(json: &Value, version: ProtocolVersion) -> Result<Packet<'static>, String> {
    let map = json.as_object().ok_or("packet is not an object")?;
    let get = |key: &str| map.get(key);
    let packet_id = || {
        get("messageId")
            .map(u16_of)
            .transpose()
            .map(Option::unwrap_or_default)
    };
    let props = || properties(get("properties"));
    let cmd = get("cmd").and_then(Value::as_str).ok_or("no cmd")?;
    Ok(match cmd {
        "connect" => {
            let protocol_version = match get("protocolVersion").map(uint).transpose()? {
                Some(4) => ProtocolVersion::V311,
                Some(5) => ProtocolVersion::V5,
                other => return Err(format!("protocolVersion {other:?}")),
            };
            let will = match get("will") {
                Some(Value::Object(will)) => Some(Will {
                    topic: topic_name(will.get("topic").ok_or("will without topic")?)?,
                    payload: binary(will.get("payload").ok_or("will without payload")?)?,
                    qos: qos(will.get("qos"))?,
                    retain: flag(will, "retain"),
                    properties: properties(will.get("properties"))?,
                }),
                _ => None,
            };
            Packet::Connect(Box::new(Connect {
                protocol_version,
                clean_start: flag(map, "clean"),
                keep_alive: get("keepalive").map(u16_of).transpose()?.unwrap_or(0),
                properties: props()?,
                client_id: get("clientId").map(string).transpose()?.unwrap_or(""),
                will,
                username: get("username").map(string).transpose()?,
                password: get("password").map(binary).transpose()?,
            }))
        }
        "connack" => Packet::ConnAck(ConnAck {
            session_present: flag(map, "sessionPresent"),
            code: if version.is_v5() {
                reason(map, "reasonCode")?
            } else {
                reason(map, "returnCode")?
            },
            properties: props()?,
        }),
        "publish" => {
            let qos = qos(get("qos"))?;
            Packet::Publish(Publish {
                dup: flag(map, "dup"),
                qos,
                retain: flag(map, "retain"),
                topic: topic_name(get("topic").ok_or("publish without topic")?)?,
                packet_id: if qos == QoS::AtMostOnce {
                    None
                } else {
                    Some(packet_id()?)
                },
                properties: props()?,
                payload: get("payload").map(binary).transpose()?.unwrap_or(&[]),
            })
        }
        "puback" | "pubrec" | "pubrel" | "pubcomp" => {
            let response = PubResponse {
                packet_id: packet_id()?,
                reason: reason(map, "reasonCode")?,
                properties: props()?,
            };
            match cmd {
                "puback" => Packet::PubAck(response),
                "pubrec" => Packet::PubRec(response),
                "pubrel" => Packet::PubRel(response),
                _ => Packet::PubComp(response),
            }
        }
        "subscribe" => {
            let mut filters = Vec::new();
            for sub in get("subscriptions")
                .and_then(Value::as_array)
                .ok_or("no subscriptions")?
            {
                let sub = sub.as_object().ok_or("subscription is not an object")?;
                let retain_handling = match sub.get("rh").map(uint).transpose()?.unwrap_or(0) {
                    0 => RetainHandling::SendOnSubscribe,
                    1 => RetainHandling::SendIfNew,
                    2 => RetainHandling::DoNotSend,
                    other => return Err(format!("retain handling {other} is not representable")),
                };
                filters.push(Subscription {
                    filter: topic_filter(sub.get("topic").ok_or("subscription without topic")?)?,
                    options: SubscriptionOptions {
                        qos: qos(sub.get("qos"))?,
                        no_local: flag(sub, "nl"),
                        retain_as_published: flag(sub, "rap"),
                        retain_handling,
                    },
                });
            }
            Packet::Subscribe(Subscribe {
                packet_id: packet_id()?,
                properties: props()?,
                filters,
            })
        }
        "suback" => Packet::SubAck(SubAck {
            packet_id: packet_id()?,
            properties: props()?,
            codes: codes(get("granted"))?,
        }),
        "unsubscribe" => Packet::Unsubscribe(Unsubscribe {
            packet_id: packet_id()?,
            properties: props()?,
            filters: get("unsubscriptions")
                .and_then(Value::as_array)
                .ok_or("no unsubscriptions")?
                .iter()
                .map(topic_filter)
                .collect::<Result<_, _>>()?,
        }),
        "unsuback" => Packet::UnsubAck(UnsubAck {
            packet_id: packet_id()?,
            properties: props()?,
            codes: codes(get("granted"))?,
        }),
        "pingreq" => Packet::PingReq,
        "pingresp" => Packet::PingResp,
        "disconnect" => Packet::Disconnect(Disconnect {
            reason: reason(map, "reasonCode")?,
            properties: props()?,
        }),
        "auth" => Packet::Auth(Auth {
            reason: reason(map, "reasonCode")?,
            properties: props()?,
        }),
        other => return Err(format!("unknown cmd {other}")),
    })
}
