//! SUBSCRIBE (MQTT §3.8): topic filters, each with the QoS asked for (and 5.0 subscription options).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{check_packet_id, read_packet_id};
use crate::codec::properties::{decode_if_v5, encoded_len_for, Properties};
use crate::codec::property_id::PropertyContext;
use crate::codec::reader::Reader;
use crate::codec::span::{Field, SpanSink};
use crate::codec::writer::{put_string, put_u16};
use crate::codec::{DecodeError, EncodeError, PacketType, ProtocolVersion, QoS};
use crate::rule::Violation;
use crate::topic::{check_topic_filter, shared, TopicFilter};

/// What the broker does with retained messages when the subscription is made (5.0 §3.8.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RetainHandling {
    /// Send retained messages at subscribe time (the only 3.1.1 behaviour).
    #[default]
    SendOnSubscribe = 0,
    /// Send them only if the subscription did not exist yet.
    SendIfNew = 1,
    /// Never send retained messages for this subscription.
    DoNotSend = 2,
}

/// The options byte of a subscription. In 3.1.1 only `qos` exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SubscriptionOptions {
    /// Maximum QoS the subscriber wants messages at.
    pub qos: QoS,
    /// 5.0: don't send me my own publications.
    pub no_local: bool,
    /// 5.0: keep the RETAIN flag as the publisher set it.
    pub retain_as_published: bool,
    /// 5.0: retained messages at subscribe time.
    pub retain_handling: RetainHandling,
}

impl SubscriptionOptions {
    /// Options with only a QoS.
    pub fn qos(qos: QoS) -> Self {
        SubscriptionOptions {
            qos,
            ..SubscriptionOptions::default()
        }
    }

    fn byte(&self) -> u8 {
        self.qos.level()
            | (u8::from(self.no_local) << 2)
            | (u8::from(self.retain_as_published) << 3)
            | ((self.retain_handling as u8) << 4)
    }

    fn has_v5_options(&self) -> bool {
        self.no_local
            || self.retain_as_published
            || self.retain_handling != RetainHandling::SendOnSubscribe
    }

    /// Parses the options byte, refusing reserved bits and values.
    fn parse(byte: u8, version: ProtocolVersion) -> Result<Self, Violation> {
        let reserved = match version {
            ProtocolVersion::V311 => 0b1111_1100,
            ProtocolVersion::V5 => 0b1100_0000,
        };
        if byte & reserved != 0 {
            return Err(Violation::SubscriptionOptionsReserved { found: byte });
        }
        let qos = QoS::from_bits(byte & 0b11).ok_or(Violation::SubscribeQos3)?;
        let retain_handling = match (byte >> 4) & 0b11 {
            0 => RetainHandling::SendOnSubscribe,
            1 => RetainHandling::SendIfNew,
            2 => RetainHandling::DoNotSend,
            _ => return Err(Violation::RetainHandling3),
        };
        Ok(SubscriptionOptions {
            qos,
            no_local: byte & 0b0100 != 0,
            retain_as_published: byte & 0b1000 != 0,
            retain_handling,
        })
    }

    fn describe(&self, version: ProtocolVersion) -> String {
        if version.is_v5() {
            format!(
                "QoS {}, no local {}, retain as published {}, retain handling {}",
                self.qos.level(),
                u8::from(self.no_local),
                u8::from(self.retain_as_published),
                self.retain_handling as u8
            )
        } else {
            format!("QoS {}", self.qos.level())
        }
    }
}

/// One topic filter of a SUBSCRIBE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscription<'a> {
    /// The filter (wildcards allowed; 5.0 `$share/<group>/<filter>`).
    pub filter: TopicFilter<'a>,
    /// Its options.
    pub options: SubscriptionOptions,
}

/// SUBSCRIBE.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subscribe<'a> {
    /// Packet identifier, echoed by the SUBACK.
    pub packet_id: u16,
    /// 5.0 properties (Subscription Identifier, User Property).
    pub properties: Properties<'a>,
    /// At least one filter.
    pub filters: Vec<Subscription<'a>>,
}

impl<'a> Subscribe<'a> {
    pub(crate) fn decode<S: SpanSink>(r: &mut Reader<'a, '_, S>) -> Result<Self, DecodeError> {
        let (packet_id, properties) = r.group(
            "Variable header",
            "packet identifier (and 5.0 properties)",
            |r| {
                let packet_id = read_packet_id(r, PacketType::Subscribe)?;
                Ok((packet_id, decode_if_v5(r, PropertyContext::Subscribe)?))
            },
        )?;
        let filters = r.group(
            "Payload",
            "topic filters, each followed by its options byte",
            |r| {
                let mut filters = Vec::new();
                while !r.is_empty() {
                    let start = r.pos();
                    let filter = r.string("Topic filter")?;
                    let filter_end = r.pos();
                    check_topic_filter(filter, r.version)
                        .map_err(|violation| r.error_at(violation, start, filter_end - start))?;
                    let options_at = r.pos();
                    let byte = r.u8("Subscription options")?;
                    let options = SubscriptionOptions::parse(byte, r.version)
                        .map_err(|violation| r.error_at(violation, options_at, 1))?;
                    if options.no_local && r.version.is_v5() && shared(filter).is_some() {
                        return Err(r.error_at(
                            Violation::NoLocalOnSharedSubscription {
                                filter: filter.to_string(),
                            },
                            options_at,
                            1,
                        ));
                    }
                    let version = r.version;
                    r.sink.leaf(start, filter_end, || {
                        Field::new(
                            "Topic filter",
                            format!("{filter:?}"),
                            "'+' matches one level, '#' the rest",
                        )
                    });
                    r.sink.leaf(options_at, r.pos(), || {
                        Field::new(
                            if version.is_v5() {
                                "Subscription options"
                            } else {
                                "Requested QoS"
                            },
                            options.describe(version),
                            "highest QoS to deliver at; the broker may grant less",
                        )
                    });
                    filters.push(Subscription {
                        filter: TopicFilter::checked(filter),
                        options,
                    });
                }
                if filters.is_empty() {
                    return Err(r.error_at(
                        Violation::NoTopicFilters {
                            packet: PacketType::Subscribe,
                        },
                        r.pos(),
                        0,
                    ));
                }
                Ok(filters)
            },
        )?;
        Ok(Subscribe {
            packet_id,
            properties,
            filters,
        })
    }

    #[inline]
    pub(crate) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        let err = |violation| EncodeError::new(violation, version);
        check_packet_id(self.packet_id, PacketType::Subscribe, version)?;
        if self.filters.is_empty() {
            return Err(err(Violation::NoTopicFilters {
                packet: PacketType::Subscribe,
            }));
        }
        let mut len = 2 + encoded_len_for(
            &self.properties,
            PropertyContext::Subscribe,
            PacketType::Subscribe,
            version,
        )?;
        for subscription in &self.filters {
            subscription.filter.check_for(version).map_err(err)?;
            if !version.is_v5() && subscription.options.has_v5_options() {
                return Err(err(Violation::NotInV311 {
                    what: "subscription options other than QoS",
                    packet: PacketType::Subscribe,
                }));
            }
            if subscription.options.no_local
                && version.is_v5()
                && shared(subscription.filter.as_str()).is_some()
            {
                return Err(err(Violation::NoLocalOnSharedSubscription {
                    filter: subscription.filter.to_string(),
                }));
            }
            // TopicFilter guarantees no NUL and at most 65,535 bytes.
            len += 2 + subscription.filter.len() + 1;
        }
        Ok(len)
    }

    #[inline]
    pub(crate) fn write_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_u16(out, self.packet_id);
        if version.is_v5() {
            self.properties.write(out);
        }
        for subscription in &self.filters {
            put_string(out, subscription.filter.as_str());
            out.push(subscription.options.byte());
        }
    }
}
