//! CONNECT (MQTT §3.1): the first packet a client sends; it names the protocol level, so decoding it
//! also tells a broker which edition the rest of the connection speaks.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::codec::properties::{decode_if_v5, encoded_len_for, Properties};
use crate::codec::property_id::PropertyContext;
use crate::codec::reader::{hex_preview, Reader};
use crate::codec::span::{Field, SpanSink};
use crate::codec::writer::{binary_len, put_binary, put_string, put_u16, string_len};
use crate::codec::{DecodeError, EncodeError, PacketType, ProtocolVersion, QoS};
use crate::rule::Violation;
use crate::topic::{check_topic_name, TopicName};

/// The message the broker publishes for a client that vanishes without DISCONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Will<'a> {
    /// Topic the will is published to.
    pub topic: TopicName<'a>,
    /// Its payload.
    pub payload: &'a [u8],
    /// QoS it is published with.
    pub qos: QoS,
    /// Whether the broker retains it.
    pub retain: bool,
    /// 5.0 will properties (Will Delay Interval, Message Expiry, ...).
    pub properties: Properties<'a>,
}

/// CONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect<'a> {
    /// The protocol level this CONNECT announces (and is encoded with).
    pub protocol_version: ProtocolVersion,
    /// 3.1.1 Clean Session / 5.0 Clean Start.
    pub clean_start: bool,
    /// Seconds of silence after which the broker may consider the client gone (0 = never).
    pub keep_alive: u16,
    /// 5.0 properties.
    pub properties: Properties<'a>,
    /// Client identifier; may be empty (3.1.1: only with clean session).
    pub client_id: &'a str,
    /// The will, if any.
    pub will: Option<Will<'a>>,
    /// User name, if any.
    pub username: Option<&'a str>,
    /// Password, if any (binary data).
    pub password: Option<&'a [u8]>,
}

const FLAG_RESERVED: u8 = 0b0000_0001;
const FLAG_CLEAN: u8 = 0b0000_0010;
const FLAG_WILL: u8 = 0b0000_0100;
const FLAG_WILL_RETAIN: u8 = 0b0010_0000;
const FLAG_PASSWORD: u8 = 0b0100_0000;
const FLAG_USERNAME: u8 = 0b1000_0000;

impl<'a> Connect<'a> {
    /// A CONNECT with clean start, the given keep alive and nothing else.
    pub fn new(protocol_version: ProtocolVersion, client_id: &'a str, keep_alive: u16) -> Self {
        Connect {
            protocol_version,
            clean_start: true,
            keep_alive,
            properties: Properties::new(),
            client_id,
            will: None,
            username: None,
            password: None,
        }
    }

    fn flags(&self) -> u8 {
        let mut flags = 0;
        if self.clean_start {
            flags |= FLAG_CLEAN;
        }
        if let Some(will) = &self.will {
            flags |= FLAG_WILL | (will.qos.level() << 3);
            if will.retain {
                flags |= FLAG_WILL_RETAIN;
            }
        }
        if self.password.is_some() {
            flags |= FLAG_PASSWORD;
        }
        if self.username.is_some() {
            flags |= FLAG_USERNAME;
        }
        flags
    }

    pub(crate) fn decode<S: SpanSink>(r: &mut Reader<'a, '_, S>) -> Result<Self, DecodeError> {
        let (protocol_version, flags, keep_alive, properties) = r.group(
            "Variable header",
            "protocol name and level, connect flags, keep alive (and 5.0 properties)",
            |r| {
                let start = r.pos();
                let name = r.string("Protocol name")?;
                if name != "MQTT" {
                    return Err(r.error_at(
                        Violation::ProtocolName {
                            found: name.to_string(),
                        },
                        start,
                        r.pos() - start,
                    ));
                }
                r.sink.leaf(start, r.pos(), || {
                    Field::new("Protocol name", String::from("\"MQTT\""), "always \"MQTT\" for 3.1.1 and 5.0")
                });
                let level_at = r.pos();
                let level = r.u8("Protocol level")?;
                let version = ProtocolVersion::from_level(level).ok_or_else(|| {
                    r.error_at(Violation::UnsupportedProtocolLevel { level }, level_at, 1)
                })?;
                // From here on, cite the edition the client announced.
                r.version = version;
                r.sink.leaf(level_at, r.pos(), || {
                    Field::new(
                        "Protocol level",
                        format!("{level} (MQTT {version})"),
                        "4 = MQTT 3.1.1, 5 = MQTT 5.0; the broker answers in the same level",
                    )
                });
                let flags = read_flags(r)?;
                let keep_alive = r.u16_field(
                    "Keep alive",
                    "max seconds between packets from the client; it sends PINGREQ when idle (0 = off)",
                    |s| format!("{s} s"),
                )?;
                let properties = decode_if_v5(r, PropertyContext::Connect)?;
                Ok((version, flags, keep_alive, properties))
            },
        )?;
        r.group(
            "Payload",
            "client id, will, user name and password, in this order",
            |r| {
                let client_id = r.string_field(
                    "Client identifier",
                    "names the session at the broker; empty asks the broker to assign one",
                )?;
                let will = if flags & FLAG_WILL != 0 {
                    Some(decode_will(r, flags)?)
                } else {
                    None
                };
                let username = if flags & FLAG_USERNAME != 0 {
                    Some(r.string_field("User name", "used by the broker for authentication")?)
                } else {
                    None
                };
                let password = if flags & FLAG_PASSWORD != 0 {
                    let start = r.pos();
                    let password = r.binary("Password")?;
                    r.sink.leaf(start, r.pos(), || {
                        Field::new(
                            "Password",
                            format!("{} bytes (hidden)", password.len()),
                            "binary data; sent in clear text unless the connection uses TLS",
                        )
                    });
                    Some(password)
                } else {
                    None
                };
                Ok(Connect {
                    protocol_version,
                    clean_start: flags & FLAG_CLEAN != 0,
                    keep_alive,
                    properties,
                    client_id,
                    will,
                    username,
                    password,
                })
            },
        )
    }

    pub(crate) fn body_len(&self) -> Result<usize, EncodeError> {
        let version = self.protocol_version;
        let err = |violation| EncodeError::new(violation, version);
        if version == ProtocolVersion::V311 && self.client_id.is_empty() && !self.clean_start {
            return Err(err(Violation::EmptyClientIdNeedsCleanSession));
        }
        if version == ProtocolVersion::V311 && self.password.is_some() && self.username.is_none() {
            return Err(err(Violation::PasswordWithoutUsername));
        }
        // "MQTT" (6) + level (1) + flags (1) + keep alive (2).
        let mut len = 10;
        len += encoded_len_for(
            &self.properties,
            PropertyContext::Connect,
            PacketType::Connect,
            version,
        )?;
        len += string_len("Client identifier", self.client_id, version)?;
        if let Some(will) = &self.will {
            if will.topic.is_empty() {
                return Err(err(Violation::EmptyTopic {
                    field: "Will topic",
                }));
            }
            len += encoded_len_for(
                &will.properties,
                PropertyContext::Will,
                PacketType::Connect,
                version,
            )?;
            len += 2 + will.topic.len(); // TopicName guarantees the length and no NUL
            len += binary_len("Will payload", will.payload, version)?;
        }
        if let Some(username) = self.username {
            len += string_len("User name", username, version)?;
        }
        if let Some(password) = self.password {
            len += binary_len("Password", password, version)?;
        }
        Ok(len)
    }

    pub(crate) fn write_body(&self, out: &mut Vec<u8>) {
        let v5 = self.protocol_version.is_v5();
        put_string(out, "MQTT");
        out.push(self.protocol_version.level());
        out.push(self.flags());
        put_u16(out, self.keep_alive);
        if v5 {
            self.properties.write(out);
        }
        put_string(out, self.client_id);
        if let Some(will) = &self.will {
            if v5 {
                will.properties.write(out);
            }
            put_string(out, will.topic.as_str());
            put_binary(out, will.payload);
        }
        if let Some(username) = self.username {
            put_string(out, username);
        }
        if let Some(password) = self.password {
            put_binary(out, password);
        }
    }
}

/// Reads the connect flags byte and checks the combinations the specification forbids.
fn read_flags<S: SpanSink>(r: &mut Reader<'_, '_, S>) -> Result<u8, DecodeError> {
    let at = r.pos();
    let flags = r.u8("Connect flags")?;
    let will_qos = (flags >> 3) & 0b11;
    // Record the bits before judging them, so a refused combination is still shown bit by bit.
    let group = r.sink.open(at, || {
        Field::new(
            "Connect flags",
            format!("0x{flags:02X}"),
            "which optional parts the payload holds",
        )
    });
    let bit = |mask: u8| u8::from(flags & mask != 0);
    let clean_name = if r.version.is_v5() {
        "Clean start"
    } else {
        "Clean session"
    };
    r.sink.bits(at, 7, 7, || {
        Field::new(
            "User name flag",
            format!("{}", bit(FLAG_USERNAME)),
            "bit 7: a user name follows in the payload",
        )
    });
    r.sink.bits(at, 6, 6, || {
        Field::new(
            "Password flag",
            format!("{}", bit(FLAG_PASSWORD)),
            "bit 6: a password follows in the payload",
        )
    });
    r.sink.bits(at, 5, 5, || {
        Field::new(
            "Will retain",
            format!("{}", bit(FLAG_WILL_RETAIN)),
            "bit 5: the broker retains the will when it publishes it",
        )
    });
    r.sink.bits(at, 4, 3, || {
        Field::new(
            "Will QoS",
            format!("{will_qos}"),
            "bits 4-3: QoS the will is published with",
        )
    });
    r.sink.bits(at, 2, 2, || {
        Field::new(
            "Will flag",
            format!("{}", bit(FLAG_WILL)),
            "bit 2: a will (topic + message) follows; published if the client vanishes",
        )
    });
    r.sink.bits(at, 1, 1, || Field {
        name: clean_name.into(),
        value: format!("{}", bit(FLAG_CLEAN)),
        explain: "bit 1: 1 = start a fresh session, 0 = resume the stored one (queued messages, subscriptions)"
            .into(),
    });
    r.sink.bits(at, 0, 0, || {
        Field::new(
            "Reserved",
            format!("{}", bit(FLAG_RESERVED)),
            "bit 0: reserved, must be 0",
        )
    });
    r.sink.close(group, at + 1);
    let fail = |r: &Reader<'_, '_, S>, violation, (high, low)| {
        Err(r.error_at(violation, at, 1).in_bits(high, low))
    };
    if flags & FLAG_RESERVED != 0 {
        return fail(r, Violation::ConnectReservedFlag, (0, 0));
    }
    if flags & FLAG_WILL == 0 {
        if will_qos != 0 {
            return fail(r, Violation::WillQosWithoutWill, (4, 3));
        }
        if flags & FLAG_WILL_RETAIN != 0 {
            return fail(r, Violation::WillRetainWithoutWill, (5, 5));
        }
    } else if will_qos == 3 {
        return fail(r, Violation::WillQos3, (4, 3));
    }
    if r.version == ProtocolVersion::V311
        && flags & FLAG_PASSWORD != 0
        && flags & FLAG_USERNAME == 0
    {
        return fail(r, Violation::PasswordWithoutUsername, (6, 6));
    }
    Ok(flags)
}

fn decode_will<'a, S: SpanSink>(
    r: &mut Reader<'a, '_, S>,
    flags: u8,
) -> Result<Will<'a>, DecodeError> {
    let qos = match QoS::from_bits((flags >> 3) & 0b11) {
        Some(qos) => qos,
        // read_flags refused QoS 3 already; keep the decoder total anyway.
        None => return Err(r.error_at(Violation::WillQos3, r.pos(), 0)),
    };
    r.group(
        "Will",
        "published by the broker if this client disconnects without DISCONNECT",
        |r| {
            let properties = decode_if_v5(r, PropertyContext::Will)?;
            let start = r.pos();
            let topic = r.string("Will topic")?;
            check_topic_name(topic, "Will topic")
                .map_err(|violation| r.error_at(violation, start, r.pos() - start))?;
            r.sink.leaf(start, r.pos(), || {
                Field::new(
                    "Will topic",
                    format!("{topic:?}"),
                    "topic the will is published to",
                )
            });
            let start = r.pos();
            let payload = r.binary("Will payload")?;
            r.sink.leaf(start, r.pos(), || {
                Field::new(
                    "Will payload",
                    payload_preview(payload),
                    "the will message's payload",
                )
            });
            Ok(Will {
                topic: TopicName::checked(topic),
                payload,
                qos,
                retain: flags & FLAG_WILL_RETAIN != 0,
                properties,
            })
        },
    )
}

/// A payload shown as text when it is printable UTF-8, else as hex.
pub(crate) fn payload_preview(payload: &[u8]) -> String {
    match core::str::from_utf8(payload) {
        Ok(text)
            if !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t') =>
        {
            let shown: String = text.chars().take(120).collect();
            if shown.len() < text.len() {
                format!("{shown:?}… ({} bytes)", payload.len())
            } else {
                format!("{shown:?}")
            }
        }
        _ => hex_preview(payload),
    }
}
