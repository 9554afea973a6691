//! PUBLISH (MQTT §3.3): an application message, in either direction.

use alloc::format;
use alloc::vec::Vec;

use super::connect::payload_preview;
use super::{check_packet_id, read_packet_id};
use crate::codec::properties::{decode_if_v5, encoded_len_for, Properties};
use crate::codec::property_id::PropertyContext;
use crate::codec::reader::Reader;
use crate::codec::span::{Field, SpanSink};
use crate::codec::writer::{put_string, put_u16};
use crate::codec::{DecodeError, EncodeError, PacketType, ProtocolVersion, QoS};
use crate::rule::Violation;
use crate::topic::{check_topic_name, TopicName};

/// PUBLISH.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Publish<'a> {
    /// This is a resend of a PUBLISH the receiver may already have seen.
    pub dup: bool,
    /// Delivery guarantee.
    pub qos: QoS,
    /// The broker keeps it as the topic's retained message (latest only) for future subscribers.
    pub retain: bool,
    /// Topic name (5.0: may be [`TopicName::EMPTY`] when a Topic Alias stands for it).
    pub topic: TopicName<'a>,
    /// Present exactly when QoS > 0.
    pub packet_id: Option<u16>,
    /// 5.0 properties.
    pub properties: Properties<'a>,
    /// The application message; MQTT never looks inside.
    pub payload: &'a [u8],
}

impl<'a> Publish<'a> {
    /// A QoS 0 PUBLISH of `payload` to `topic`.
    pub fn new(topic: TopicName<'a>, payload: &'a [u8]) -> Self {
        Publish {
            topic,
            payload,
            ..Publish::default()
        }
    }

    #[inline]
    pub(crate) fn flags(&self) -> u8 {
        (u8::from(self.dup) << 3) | (self.qos.level() << 1) | u8::from(self.retain)
    }

    /// Reads the flags of the fixed header: DUP, QoS (3 is refused) and RETAIN.
    pub(crate) fn decode_flags<S: SpanSink>(
        r: &Reader<'a, '_, S>,
        flags: u8,
    ) -> Result<(bool, QoS, bool), DecodeError> {
        let qos = QoS::from_bits((flags >> 1) & 0b11)
            .ok_or_else(|| r.error_at(Violation::PublishQos3, 0, 1).in_bits(3, 0))?;
        let dup = flags & 0b1000 != 0;
        if dup && qos == QoS::AtMostOnce {
            return Err(r.error_at(Violation::DupOnQos0, 0, 1).in_bits(3, 0));
        }
        Ok((dup, qos, flags & 1 != 0))
    }

    #[inline]
    pub(crate) fn decode<S: SpanSink>(
        r: &mut Reader<'a, '_, S>,
        flags: u8,
    ) -> Result<Self, DecodeError> {
        let (dup, qos, retain) = Self::decode_flags(r, flags)?;
        let (topic, packet_id, properties) = r.group(
            "Variable header",
            "topic name, packet identifier (QoS 1/2 only) and 5.0 properties",
            |r| {
                let start = r.pos();
                let plain = r.plain_topic();
                let topic = match plain {
                    Some(topic) => topic,
                    None => r.string("Topic name")?,
                };
                let topic_end = r.pos();
                let blame = |r: &Reader<'a, '_, S>, violation| r.error_at(violation, start, topic_end - start);
                if plain.is_none() && !(topic.is_empty() && r.version.is_v5()) {
                    check_topic_name(topic, "Topic name").map_err(|violation| blame(r, violation))?;
                }
                r.sink.leaf(start, topic_end, || {
                    Field::new(
                        "Topic name",
                        format!("{topic:?}"),
                        "where the message is published; subscribers' filters are matched against it",
                    )
                });
                let packet_id = if qos == QoS::AtMostOnce {
                    None
                } else {
                    Some(read_packet_id(r, PacketType::Publish)?)
                };
                let properties = decode_if_v5(r, PropertyContext::Publish)?;
                if topic.is_empty() && properties.topic_alias().is_none() {
                    return Err(blame(r, Violation::EmptyTopicWithoutAlias));
                }
                Ok((TopicName::checked(topic), packet_id, properties))
            },
        )?;
        let start = r.pos();
        let payload = r.rest();
        r.sink.leaf(start, r.pos(), || {
            Field::new(
                "Payload",
                payload_preview(payload),
                "the application message: any bytes, the rest of the packet (its length is implied)",
            )
        });
        Ok(Publish {
            dup,
            qos,
            retain,
            topic,
            packet_id,
            properties,
            payload,
        })
    }

    #[inline]
    pub(crate) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        let err = |violation| EncodeError::new(violation, version);
        if self.dup && self.qos == QoS::AtMostOnce {
            return Err(err(Violation::DupOnQos0));
        }
        let id_len = match (self.qos, self.packet_id) {
            (QoS::AtMostOnce, None) => 0,
            (QoS::AtMostOnce, Some(_)) => return Err(err(Violation::PacketIdOnQos0)),
            (qos, None) => return Err(err(Violation::PacketIdMissing { qos: qos.level() })),
            (_, Some(id)) => {
                check_packet_id(id, PacketType::Publish, version)?;
                2
            }
        };
        // A non-empty TopicName was checked when it was made; the empty one needs a 5.0 Topic Alias.
        if self.topic.is_empty() {
            if !version.is_v5() {
                return Err(err(Violation::EmptyTopic {
                    field: "Topic name",
                }));
            }
            if self.properties.topic_alias().is_none() {
                return Err(err(Violation::EmptyTopicWithoutAlias));
            }
        }
        let properties = encoded_len_for(
            &self.properties,
            PropertyContext::Publish,
            PacketType::Publish,
            version,
        )?;
        // TopicName guarantees no NUL and at most 65,535 bytes.
        Ok(2 + self.topic.len() + id_len + properties + self.payload.len())
    }

    #[inline]
    pub(crate) fn write_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_string(out, self.topic.as_str());
        if let Some(id) = self.packet_id {
            put_u16(out, id);
        }
        if version.is_v5() {
            self.properties.write(out);
        }
        out.extend_from_slice(self.payload);
    }
}
