//! One file per packet (the four publish responses share one: they differ only in their name and the
//! reason codes they allow). Each packet type knows how to decode itself from a [`Reader`] and how to
//! size and write its body; framing (fixed header) is done once in `codec/mod.rs`.

pub mod auth;
pub mod connack;
pub mod connect;
pub mod disconnect;
pub mod pub_response;
pub mod publish;
pub mod suback;
pub mod subscribe;
pub mod unsuback;
pub mod unsubscribe;

use alloc::format;

use super::reader::Reader;
use super::reason_code::ReasonCode;
use super::span::{Field, SpanSink};
use super::{DecodeError, EncodeError, PacketType, ProtocolVersion};
use crate::rule::Violation;

/// Reads and records a Packet Identifier, refusing 0.
pub(crate) fn read_packet_id<S: SpanSink>(
    r: &mut Reader<'_, '_, S>,
    packet: PacketType,
) -> Result<u16, DecodeError> {
    let start = r.pos();
    let id = r.u16_field(
        "Packet identifier",
        "matches this packet with its acknowledgement; reused once the flow completes",
        |id| format!("{id}"),
    )?;
    if id == 0 {
        return Err(r.error_at(Violation::PacketIdZero { packet }, start, 2));
    }
    Ok(id)
}

/// Refuses to encode packet identifier 0.
#[inline]
pub(crate) fn check_packet_id(
    id: u16,
    packet: PacketType,
    version: ProtocolVersion,
) -> Result<(), EncodeError> {
    if id == 0 {
        return Err(EncodeError::new(
            Violation::PacketIdZero { packet },
            version,
        ));
    }
    Ok(())
}

/// Reads and records one reason (or return) code, refusing codes `packet` does not allow.
pub(crate) fn read_reason_code<S: SpanSink>(
    r: &mut Reader<'_, '_, S>,
    packet: PacketType,
    name: &'static str,
) -> Result<ReasonCode, DecodeError> {
    let start = r.pos();
    let code = ReasonCode(r.u8(name)?);
    check_reason_code(code, packet, r.version)
        .map_err(|violation| r.error_at(violation, start, 1))?;
    let version = r.version;
    r.sink.leaf(start, r.pos(), || Field {
        name: name.into(),
        value: format!("0x{:02X} {}", code.0, code.name(packet, version)),
        explain: code.explain(packet, version).into(),
    });
    Ok(code)
}

/// Whether `packet` may carry `code` in `version`, as the violation to report if not.
#[inline]
pub(crate) fn check_reason_code(
    code: ReasonCode,
    packet: PacketType,
    version: ProtocolVersion,
) -> Result<(), Violation> {
    if code.is_valid_in(packet, version) {
        return Ok(());
    }
    Err(match version {
        ProtocolVersion::V311 if matches!(packet, PacketType::ConnAck | PacketType::SubAck) => {
            Violation::ReservedReturnCode {
                packet,
                code: code.0,
            }
        }
        ProtocolVersion::V311 => Violation::NotInV311 {
            what: "reason codes",
            packet,
        },
        ProtocolVersion::V5 => Violation::InvalidReasonCode {
            packet,
            code: code.0,
        },
    })
}
