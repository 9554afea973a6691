//! PUBACK, PUBREC, PUBREL and PUBCOMP (MQTT §3.4–§3.7): the answers in the QoS 1 and QoS 2 flows.
//!
//! The four share one layout (packet id, 5.0 reason code and properties) and differ only in their
//! type, their fixed flags (PUBREL: 0010) and the reason codes they allow, so they share this file.

use alloc::vec::Vec;

use super::{check_packet_id, check_reason_code, read_packet_id, read_reason_code};
use crate::codec::properties::{encoded_len_for, Properties};
use crate::codec::property_id::PropertyContext;
use crate::codec::reader::Reader;
use crate::codec::reason_code::ReasonCode;
use crate::codec::span::SpanSink;
use crate::codec::{DecodeError, EncodeError, PacketType, ProtocolVersion};

/// PUBACK, PUBREC, PUBREL or PUBCOMP (the variant of [`crate::codec::Packet`] says which).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PubResponse<'a> {
    /// The packet identifier of the PUBLISH this answers.
    pub packet_id: u16,
    /// 5.0 reason code (always success in 3.1.1).
    pub reason: ReasonCode,
    /// 5.0 properties (Reason String, User Property).
    pub properties: Properties<'a>,
}

impl<'a> PubResponse<'a> {
    /// A successful response for `packet_id`.
    pub fn new(packet_id: u16) -> Self {
        PubResponse {
            packet_id,
            ..PubResponse::default()
        }
    }

    #[inline]
    pub(crate) fn decode<S: SpanSink>(
        r: &mut Reader<'a, '_, S>,
        packet: PacketType,
    ) -> Result<Self, DecodeError> {
        r.group(
            "Variable header",
            "packet identifier (and 5.0 reason code and properties)",
            |r| {
                let packet_id = read_packet_id(r, packet)?;
                let mut response = PubResponse::new(packet_id);
                // 5.0: the reason code may be left out when it is 0x00 and there are no properties, and
                // the property length when the remaining length is 3 (§3.4.2.1, §3.4.2.2.1 and siblings).
                if r.version.is_v5() && !r.is_empty() {
                    response.reason = read_reason_code(r, packet, "Reason code")?;
                    if !r.is_empty() {
                        response.properties = Properties::decode(r, context(packet))?;
                    }
                }
                Ok(response)
            },
        )
    }

    #[inline]
    pub(crate) fn body_len(
        &self,
        packet: PacketType,
        version: ProtocolVersion,
    ) -> Result<usize, EncodeError> {
        check_packet_id(self.packet_id, packet, version)?;
        check_reason_code(self.reason, packet, version)
            .map_err(|violation| EncodeError::new(violation, version))?;
        let properties = encoded_len_for(&self.properties, context(packet), packet, version)?;
        Ok(if self.is_short(version) {
            2
        } else {
            3 + properties
        })
    }

    /// 3.1.1 always, and 5.0 success without properties: just the packet identifier.
    #[inline]
    fn is_short(&self, version: ProtocolVersion) -> bool {
        !version.is_v5() || (self.reason == ReasonCode::SUCCESS && self.properties.is_empty())
    }

    #[inline]
    pub(crate) fn write_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.packet_id.to_be_bytes());
        if !self.is_short(version) {
            out.push(self.reason.0);
            self.properties.write(out);
        }
    }
}

fn context(packet: PacketType) -> PropertyContext {
    match packet {
        PacketType::PubRec => PropertyContext::PubRec,
        PacketType::PubRel => PropertyContext::PubRel,
        PacketType::PubComp => PropertyContext::PubComp,
        _ => PropertyContext::PubAck,
    }
}
