//! CONNACK (MQTT §3.2): the broker's answer to CONNECT.

use alloc::format;
use alloc::vec::Vec;

use super::{check_reason_code, read_reason_code};
use crate::codec::properties::{decode_if_v5, encoded_len_for, Properties};
use crate::codec::property_id::PropertyContext;
use crate::codec::reader::Reader;
use crate::codec::reason_code::ReasonCode;
use crate::codec::span::{Field, SpanSink};
use crate::codec::{DecodeError, EncodeError, PacketType, ProtocolVersion};
use crate::rule::Violation;

/// CONNACK.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnAck<'a> {
    /// The broker resumed a stored session for this client id.
    pub session_present: bool,
    /// 3.1.1 return code or 5.0 reason code; 0 = accepted.
    pub code: ReasonCode,
    /// 5.0 properties (the broker's limits: Receive Maximum, Maximum QoS, Topic Alias Maximum, ...).
    pub properties: Properties<'a>,
}

impl<'a> ConnAck<'a> {
    pub(crate) fn decode<S: SpanSink>(r: &mut Reader<'a, '_, S>) -> Result<Self, DecodeError> {
        r.group("Variable header", "acknowledge flags, the verdict (and 5.0 properties)", |r| {
            let at = r.pos();
            let flags = r.u8("Acknowledge flags")?;
            let session_present = flags & 1 != 0;
            r.sink.bits(at, 7, 1, || {
                Field::new("Reserved", format!("{:07b}", flags >> 1), "bits 7-1: reserved, must be 0")
            });
            r.sink.bits(at, 0, 0, || {
                Field::new(
                    "Session present",
                    format!("{}", u8::from(session_present)),
                    "1 = the broker still had this client's session (subscriptions, queued messages)",
                )
            });
            if flags & 0xFE != 0 {
                return Err(r
                    .error_at(Violation::ConnAckReservedFlags { found: flags }, at, 1)
                    .in_bits(7, 1));
            }
            let name = if r.version.is_v5() { "Reason code" } else { "Return code" };
            let code_at = r.pos();
            let code = read_reason_code(r, PacketType::ConnAck, name)?;
            if session_present && code.is_error(PacketType::ConnAck, r.version) {
                return Err(r.error_at(Violation::SessionPresentOnRefusal { code: code.0 }, at, code_at + 1 - at));
            }
            let properties = decode_if_v5(r, PropertyContext::ConnAck)?;
            Ok(ConnAck {
                session_present,
                code,
                properties,
            })
        })
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        check_reason_code(self.code, PacketType::ConnAck, version)
            .map_err(|violation| EncodeError::new(violation, version))?;
        if self.session_present && self.code.is_error(PacketType::ConnAck, version) {
            return Err(EncodeError::new(
                Violation::SessionPresentOnRefusal { code: self.code.0 },
                version,
            ));
        }
        Ok(2 + encoded_len_for(
            &self.properties,
            PropertyContext::ConnAck,
            PacketType::ConnAck,
            version,
        )?)
    }

    pub(crate) fn write_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        out.push(u8::from(self.session_present));
        out.push(self.code.0);
        if version.is_v5() {
            self.properties.write(out);
        }
    }
}
