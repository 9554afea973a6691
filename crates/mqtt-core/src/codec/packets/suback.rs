//! SUBACK (MQTT §3.9): one granted QoS or failure per filter of the SUBSCRIBE, in the same order.

use alloc::vec::Vec;

use super::{check_packet_id, check_reason_code, read_packet_id, read_reason_code};
use crate::codec::properties::{decode_if_v5, encoded_len_for, Properties};
use crate::codec::property_id::PropertyContext;
use crate::codec::reader::Reader;
use crate::codec::reason_code::ReasonCode;
use crate::codec::span::SpanSink;
use crate::codec::{DecodeError, EncodeError, PacketType, ProtocolVersion};
use crate::rule::Violation;

/// SUBACK.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubAck<'a> {
    /// Packet identifier of the SUBSCRIBE.
    pub packet_id: u16,
    /// 5.0 properties.
    pub properties: Properties<'a>,
    /// One per filter: granted QoS 0/1/2 or a failure (0x80 and above).
    pub codes: Vec<ReasonCode>,
}

impl<'a> SubAck<'a> {
    pub(crate) fn decode<S: SpanSink>(r: &mut Reader<'a, '_, S>) -> Result<Self, DecodeError> {
        let (packet_id, properties) = r.group(
            "Variable header",
            "packet identifier (and 5.0 properties)",
            |r| {
                let packet_id = read_packet_id(r, PacketType::SubAck)?;
                Ok((packet_id, decode_if_v5(r, PropertyContext::SubAck)?))
            },
        )?;
        let codes = r.group(
            "Payload",
            "one code per topic filter, in the order of the SUBSCRIBE",
            |r| {
                let name = if r.version.is_v5() {
                    "Reason code"
                } else {
                    "Return code"
                };
                let mut codes = Vec::new();
                while !r.is_empty() {
                    codes.push(read_reason_code(r, PacketType::SubAck, name)?);
                }
                if codes.is_empty() {
                    return Err(r.error_at(
                        Violation::NoReasonCodes {
                            packet: PacketType::SubAck,
                        },
                        r.pos(),
                        0,
                    ));
                }
                Ok(codes)
            },
        )?;
        Ok(SubAck {
            packet_id,
            properties,
            codes,
        })
    }

    #[inline]
    pub(crate) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        encode_codes_len(
            self.packet_id,
            &self.properties,
            &self.codes,
            PacketType::SubAck,
            version,
        )
    }

    #[inline]
    pub(crate) fn write_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        write_codes(self.packet_id, &self.properties, &self.codes, version, out);
    }
}

/// Size of packet id + properties + codes, shared by SUBACK and 5.0 UNSUBACK.
pub(crate) fn encode_codes_len(
    packet_id: u16,
    properties: &Properties<'_>,
    codes: &[ReasonCode],
    packet: PacketType,
    version: ProtocolVersion,
) -> Result<usize, EncodeError> {
    check_packet_id(packet_id, packet, version)?;
    if codes.is_empty() {
        return Err(EncodeError::new(
            Violation::NoReasonCodes { packet },
            version,
        ));
    }
    for &code in codes {
        check_reason_code(code, packet, version)
            .map_err(|violation| EncodeError::new(violation, version))?;
    }
    let context = if packet == PacketType::SubAck {
        PropertyContext::SubAck
    } else {
        PropertyContext::UnsubAck
    };
    Ok(2 + encoded_len_for(properties, context, packet, version)? + codes.len())
}

/// Writes packet id + properties + codes, shared by SUBACK and 5.0 UNSUBACK.
pub(crate) fn write_codes(
    packet_id: u16,
    properties: &Properties<'_>,
    codes: &[ReasonCode],
    version: ProtocolVersion,
    out: &mut Vec<u8>,
) {
    out.extend_from_slice(&packet_id.to_be_bytes());
    if version.is_v5() {
        properties.write(out);
    }
    out.extend(codes.iter().map(|code| code.0));
}
