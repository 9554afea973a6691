//! AUTH (MQTT §3.15, 5.0 only): the steps of an extended authentication (challenge/response) exchange.

use alloc::vec::Vec;

use super::disconnect::{
    decode_reason_and_properties, reason_and_properties_len, write_reason_and_properties,
};
use crate::codec::properties::Properties;
use crate::codec::property_id::PropertyContext;
use crate::codec::reader::Reader;
use crate::codec::reason_code::ReasonCode;
use crate::codec::span::SpanSink;
use crate::codec::{DecodeError, EncodeError, PacketType, ProtocolVersion};

/// AUTH.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Auth<'a> {
    /// 0x00 success, 0x18 continue authentication, 0x19 re-authenticate.
    pub reason: ReasonCode,
    /// Authentication Method and Data, Reason String, User Property.
    pub properties: Properties<'a>,
}

impl<'a> Auth<'a> {
    pub(crate) fn decode<S: SpanSink>(r: &mut Reader<'a, '_, S>) -> Result<Self, DecodeError> {
        decode_reason_and_properties(r, PacketType::Auth, PropertyContext::Auth)
            .map(|(reason, properties)| Auth { reason, properties })
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        reason_and_properties_len(self.reason, &self.properties, PacketType::Auth, version)
    }

    pub(crate) fn write_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        write_reason_and_properties(self.reason, &self.properties, version, out);
    }
}
