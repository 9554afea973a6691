//! DISCONNECT (MQTT §3.14): an orderly close. 3.1.1 has no body; 5.0 adds a reason and properties,
//! and either side may send it.

use alloc::vec::Vec;

use super::{check_reason_code, read_reason_code};
use crate::codec::properties::{encoded_len_for, Properties};
use crate::codec::property_id::PropertyContext;
use crate::codec::reader::Reader;
use crate::codec::reason_code::ReasonCode;
use crate::codec::span::SpanSink;
use crate::codec::{DecodeError, EncodeError, PacketType, ProtocolVersion};

/// DISCONNECT.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Disconnect<'a> {
    /// 5.0 reason (0x00 normal, 0x04 "with will message", errors).
    pub reason: ReasonCode,
    /// 5.0 properties (Session Expiry Interval, Reason String, Server Reference, User Property).
    pub properties: Properties<'a>,
}

impl<'a> Disconnect<'a> {
    pub(crate) fn decode<S: SpanSink>(r: &mut Reader<'a, '_, S>) -> Result<Self, DecodeError> {
        decode_reason_and_properties(r, PacketType::Disconnect, PropertyContext::Disconnect)
            .map(|(reason, properties)| Disconnect { reason, properties })
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        reason_and_properties_len(
            self.reason,
            &self.properties,
            PacketType::Disconnect,
            version,
        )
    }

    pub(crate) fn write_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        write_reason_and_properties(self.reason, &self.properties, version, out);
    }
}

/// Reads the optional 5.0 reason code and properties of DISCONNECT and AUTH: absent means success
/// (§3.14.2.1, §3.15.2.1 (5.0)).
pub(crate) fn decode_reason_and_properties<'a, S: SpanSink>(
    r: &mut Reader<'a, '_, S>,
    packet: PacketType,
    context: PropertyContext,
) -> Result<(ReasonCode, Properties<'a>), DecodeError> {
    if !r.version.is_v5() || r.is_empty() {
        return Ok((ReasonCode::SUCCESS, Properties::new()));
    }
    r.group("Variable header", "reason code and properties", |r| {
        let reason = read_reason_code(r, packet, "Reason code")?;
        let properties = if r.is_empty() {
            Properties::new()
        } else {
            Properties::decode(r, context)?
        };
        Ok((reason, properties))
    })
}

/// Size of reason + properties; 5.0 always writes both (the form peers such as mqtt-packet expect).
pub(crate) fn reason_and_properties_len(
    reason: ReasonCode,
    properties: &Properties<'_>,
    packet: PacketType,
    version: ProtocolVersion,
) -> Result<usize, EncodeError> {
    check_reason_code(reason, packet, version)
        .map_err(|violation| EncodeError::new(violation, version))?;
    let context = if packet == PacketType::Auth {
        PropertyContext::Auth
    } else {
        PropertyContext::Disconnect
    };
    let properties = encoded_len_for(properties, context, packet, version)?;
    Ok(if version.is_v5() { 1 + properties } else { 0 })
}

pub(crate) fn write_reason_and_properties(
    reason: ReasonCode,
    properties: &Properties<'_>,
    version: ProtocolVersion,
    out: &mut Vec<u8>,
) {
    if version.is_v5() {
        out.push(reason.0);
        properties.write(out);
    }
}
