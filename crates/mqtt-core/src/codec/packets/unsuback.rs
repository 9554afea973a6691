//! UNSUBACK (MQTT §3.11): 3.1.1 only echoes the packet id; 5.0 adds one reason code per filter.

use alloc::vec::Vec;

use super::check_packet_id;
use super::read_packet_id;
use super::read_reason_code;
use super::suback::{encode_codes_len, write_codes};
use crate::codec::properties::{encoded_len_for, Properties};
use crate::codec::property_id::PropertyContext;
use crate::codec::reader::Reader;
use crate::codec::reason_code::ReasonCode;
use crate::codec::span::SpanSink;
use crate::codec::{DecodeError, EncodeError, PacketType, ProtocolVersion};
use crate::rule::Violation;

/// UNSUBACK.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnsubAck<'a> {
    /// Packet identifier of the UNSUBSCRIBE.
    pub packet_id: u16,
    /// 5.0 properties.
    pub properties: Properties<'a>,
    /// 5.0: one per filter (empty in 3.1.1).
    pub codes: Vec<ReasonCode>,
}

impl<'a> UnsubAck<'a> {
    pub(crate) fn decode<S: SpanSink>(r: &mut Reader<'a, '_, S>) -> Result<Self, DecodeError> {
        let (packet_id, properties) = r.group(
            "Variable header",
            "packet identifier (and 5.0 properties)",
            |r| {
                let packet_id = read_packet_id(r, PacketType::UnsubAck)?;
                let properties = if r.version.is_v5() {
                    Properties::decode(r, PropertyContext::UnsubAck)?
                } else {
                    Properties::new()
                };
                Ok((packet_id, properties))
            },
        )?;
        let mut codes = Vec::new();
        if r.version.is_v5() {
            codes = r.group(
                "Payload",
                "one reason code per topic filter, in the order of the UNSUBSCRIBE",
                |r| {
                    let mut codes = Vec::new();
                    while !r.is_empty() {
                        codes.push(read_reason_code(r, PacketType::UnsubAck, "Reason code")?);
                    }
                    if codes.is_empty() {
                        return Err(r.error_at(
                            Violation::NoReasonCodes {
                                packet: PacketType::UnsubAck,
                            },
                            r.pos(),
                            0,
                        ));
                    }
                    Ok(codes)
                },
            )?;
        }
        Ok(UnsubAck {
            packet_id,
            properties,
            codes,
        })
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        if version.is_v5() {
            return encode_codes_len(
                self.packet_id,
                &self.properties,
                &self.codes,
                PacketType::UnsubAck,
                version,
            );
        }
        check_packet_id(self.packet_id, PacketType::UnsubAck, version)?;
        encoded_len_for(
            &self.properties,
            PropertyContext::UnsubAck,
            PacketType::UnsubAck,
            version,
        )?;
        if !self.codes.is_empty() {
            return Err(EncodeError::new(
                Violation::NotInV311 {
                    what: "reason codes",
                    packet: PacketType::UnsubAck,
                },
                version,
            ));
        }
        Ok(2)
    }

    pub(crate) fn write_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        write_codes(self.packet_id, &self.properties, &self.codes, version, out);
    }
}
