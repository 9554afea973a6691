//! UNSUBSCRIBE (MQTT §3.10): topic filters to drop, exactly as they were subscribed.

use alloc::format;
use alloc::vec::Vec;

use super::{check_packet_id, read_packet_id};
use crate::codec::properties::{decode_if_v5, encoded_len_for, Properties};
use crate::codec::property_id::PropertyContext;
use crate::codec::reader::Reader;
use crate::codec::span::{Field, SpanSink};
use crate::codec::writer::{put_string, put_u16};
use crate::codec::{DecodeError, EncodeError, PacketType, ProtocolVersion};
use crate::rule::Violation;
use crate::topic::{check_topic_filter, TopicFilter};

/// UNSUBSCRIBE.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unsubscribe<'a> {
    /// Packet identifier, echoed by the UNSUBACK.
    pub packet_id: u16,
    /// 5.0 properties (User Property).
    pub properties: Properties<'a>,
    /// At least one filter.
    pub filters: Vec<TopicFilter<'a>>,
}

impl<'a> Unsubscribe<'a> {
    pub(crate) fn decode<S: SpanSink>(r: &mut Reader<'a, '_, S>) -> Result<Self, DecodeError> {
        let (packet_id, properties) = r.group(
            "Variable header",
            "packet identifier (and 5.0 properties)",
            |r| {
                let packet_id = read_packet_id(r, PacketType::Unsubscribe)?;
                Ok((packet_id, decode_if_v5(r, PropertyContext::Unsubscribe)?))
            },
        )?;
        let filters = r.group("Payload", "the topic filters to remove", |r| {
            let mut filters = Vec::new();
            while !r.is_empty() {
                let start = r.pos();
                let filter = r.string("Topic filter")?;
                check_topic_filter(filter, r.version)
                    .map_err(|violation| r.error_at(violation, start, r.pos() - start))?;
                r.sink.leaf(start, r.pos(), || {
                    Field::new(
                        "Topic filter",
                        format!("{filter:?}"),
                        "compared character by character with existing subscriptions",
                    )
                });
                filters.push(TopicFilter::checked(filter));
            }
            if filters.is_empty() {
                return Err(r.error_at(
                    Violation::NoTopicFilters {
                        packet: PacketType::Unsubscribe,
                    },
                    r.pos(),
                    0,
                ));
            }
            Ok(filters)
        })?;
        Ok(Unsubscribe {
            packet_id,
            properties,
            filters,
        })
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        check_packet_id(self.packet_id, PacketType::Unsubscribe, version)?;
        if self.filters.is_empty() {
            return Err(EncodeError::new(
                Violation::NoTopicFilters {
                    packet: PacketType::Unsubscribe,
                },
                version,
            ));
        }
        let mut len = 2 + encoded_len_for(
            &self.properties,
            PropertyContext::Unsubscribe,
            PacketType::Unsubscribe,
            version,
        )?;
        for filter in &self.filters {
            filter
                .check_for(version)
                .map_err(|violation| EncodeError::new(violation, version))?;
            // TopicFilter guarantees no NUL and at most 65,535 bytes.
            len += 2 + filter.len();
        }
        Ok(len)
    }

    pub(crate) fn write_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_u16(out, self.packet_id);
        if version.is_v5() {
            self.properties.write(out);
        }
        for filter in &self.filters {
            put_string(out, filter.as_str());
        }
    }
}
