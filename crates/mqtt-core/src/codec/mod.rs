//! MQTT 3.1.1 and 5.0 packets: decode (borrowing from the input), encode, frame, and explain.
//!
//! * [`decode`] reads one packet from the start of a buffer: `Ok(None)` means "need more bytes",
//!   `Err` means malformed, with the offending byte offset and the rule broken.
//! * [`decode_traced`] does the same and records every field's byte span for the inspector.
//! * [`Decoder`] is the streaming form: push bytes in any chunking, pull packets out.
//! * [`encode`] writes a packet, refusing what the specification forbids.
//! * [`frame_len`] finds where a packet ends without decoding it.

mod error;
mod frame;
mod packet_type;
pub mod packets;
mod properties;
mod property_id;
mod reader;
mod reason_code;
pub mod span;
mod stream;
mod summary;
mod varint;
mod version;
mod writer;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

pub use error::{DecodeError, EncodeError};
pub use frame::{fixed_header, frame_len, FixedHeader};
pub use packet_type::PacketType;
pub use packets::auth::Auth;
pub use packets::connack::ConnAck;
pub use packets::connect::{Connect, Will};
pub use packets::disconnect::Disconnect;
pub use packets::pub_response::PubResponse;
pub use packets::publish::Publish;
pub use packets::suback::SubAck;
pub use packets::subscribe::{RetainHandling, Subscribe, Subscription, SubscriptionOptions};
pub use packets::unsuback::UnsubAck;
pub use packets::unsubscribe::Unsubscribe;
pub use properties::{Properties, Property};
pub use property_id::{PropertyContext, PropertyId};
pub use reason_code::ReasonCode;
pub use span::{Field, NoSpans, Span, SpanSink, Spans};
pub use stream::Decoder;
pub use summary::summarize;
pub use varint::VARINT_MAX;
pub use version::{ProtocolVersion, QoS};
// Packets hold checked topics; re-exported so `codec::*` is enough to build any packet.
pub use crate::topic::{TopicFilter, TopicName};

use reader::Reader;
use varint::{put_varint, varint_len};

use crate::rule::Violation;

/// The largest packet the protocol can express: 5 header bytes + 268,435,455.
pub const MAX_PACKET_SIZE: usize = 5 + VARINT_MAX as usize;

/// Any MQTT control packet, borrowing its strings and payload from the buffer it was decoded from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is the packet of the same name
pub enum Packet<'a> {
    Connect(alloc::boxed::Box<Connect<'a>>),
    ConnAck(ConnAck<'a>),
    Publish(Publish<'a>),
    PubAck(PubResponse<'a>),
    PubRec(PubResponse<'a>),
    PubRel(PubResponse<'a>),
    PubComp(PubResponse<'a>),
    Subscribe(Subscribe<'a>),
    SubAck(SubAck<'a>),
    Unsubscribe(Unsubscribe<'a>),
    UnsubAck(UnsubAck<'a>),
    PingReq,
    PingResp,
    Disconnect(Disconnect<'a>),
    Auth(Auth<'a>),
}

impl<'a> Packet<'a> {
    /// The packet's type.
    #[inline]
    pub fn packet_type(&self) -> PacketType {
        match self {
            Packet::Connect(_) => PacketType::Connect,
            Packet::ConnAck(_) => PacketType::ConnAck,
            Packet::Publish(_) => PacketType::Publish,
            Packet::PubAck(_) => PacketType::PubAck,
            Packet::PubRec(_) => PacketType::PubRec,
            Packet::PubRel(_) => PacketType::PubRel,
            Packet::PubComp(_) => PacketType::PubComp,
            Packet::Subscribe(_) => PacketType::Subscribe,
            Packet::SubAck(_) => PacketType::SubAck,
            Packet::Unsubscribe(_) => PacketType::Unsubscribe,
            Packet::UnsubAck(_) => PacketType::UnsubAck,
            Packet::PingReq => PacketType::PingReq,
            Packet::PingResp => PacketType::PingResp,
            Packet::Disconnect(_) => PacketType::Disconnect,
            Packet::Auth(_) => PacketType::Auth,
        }
    }

    /// The packet identifier, for the packets that carry one.
    pub fn packet_id(&self) -> Option<u16> {
        match self {
            Packet::Publish(p) => p.packet_id,
            Packet::PubAck(p) | Packet::PubRec(p) | Packet::PubRel(p) | Packet::PubComp(p) => {
                Some(p.packet_id)
            }
            Packet::Subscribe(p) => Some(p.packet_id),
            Packet::SubAck(p) => Some(p.packet_id),
            Packet::Unsubscribe(p) => Some(p.packet_id),
            Packet::UnsubAck(p) => Some(p.packet_id),
            _ => None,
        }
    }

    /// Size of the body (the Remaining Length), after checking the packet may be sent in `version`.
    #[inline]
    fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        match self {
            Packet::Connect(p) => p.body_len(),
            Packet::ConnAck(p) => p.body_len(version),
            Packet::Publish(p) => p.body_len(version),
            Packet::PubAck(p) | Packet::PubRec(p) | Packet::PubRel(p) | Packet::PubComp(p) => {
                p.body_len(self.packet_type(), version)
            }
            Packet::Subscribe(p) => p.body_len(version),
            Packet::SubAck(p) => p.body_len(version),
            Packet::Unsubscribe(p) => p.body_len(version),
            Packet::UnsubAck(p) => p.body_len(version),
            Packet::PingReq | Packet::PingResp => Ok(0),
            Packet::Disconnect(p) => p.body_len(version),
            Packet::Auth(p) => p.body_len(version),
        }
    }

    #[inline]
    /// Appends the encoded packet to `out`; see [`encode`].
    pub fn encode(
        &self,
        version: ProtocolVersion,
        out: &mut Vec<u8>,
    ) -> Result<usize, EncodeError> {
        encode(self, version, out)
    }

    /// The encoded size in bytes, fixed header included, after the same checks as [`encode`].
    pub fn encoded_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        let version = self.effective_version(version);
        let body = self.checked_body_len(version)?;
        Ok(1 + varint_len(body) + body as usize)
    }

    /// CONNECT carries its own protocol level; every other packet is encoded in `version`.
    #[inline]
    fn effective_version(&self, version: ProtocolVersion) -> ProtocolVersion {
        match self {
            Packet::Connect(connect) => connect.protocol_version,
            _ => version,
        }
    }

    #[inline]
    fn checked_body_len(&self, version: ProtocolVersion) -> Result<u32, EncodeError> {
        if let (Packet::Auth(_), ProtocolVersion::V311) = (self, version) {
            return Err(EncodeError::new(Violation::AuthNotInV311, version));
        }
        let body = self.body_len(version)?;
        u32::try_from(body)
            .ok()
            .filter(|&len| len <= VARINT_MAX)
            .ok_or_else(|| {
                EncodeError::new(
                    Violation::RemainingLengthTooLarge {
                        packet: self.packet_type(),
                        len: body,
                    },
                    version,
                )
            })
    }
}

/// Appends `packet` encoded for `version` to `out` and returns the number of bytes written.
///
/// A CONNECT is encoded at the protocol level it names. Nothing is written when the packet breaks a rule
/// of the specification (packet id 0, wildcards in a topic name, properties in 3.1.1, ...).
pub fn encode(
    packet: &Packet<'_>,
    version: ProtocolVersion,
    out: &mut Vec<u8>,
) -> Result<usize, EncodeError> {
    // One dispatch on the packet type: each arm sizes (and so validates) its body, then writes it.
    let v = version;
    match packet {
        Packet::Publish(p) => put_packet(out, 0x30 | p.flags(), p.body_len(v)?, v, |o| {
            p.write_body(v, o)
        }),
        Packet::PubAck(r) => put_packet(out, 0x40, r.body_len(PacketType::PubAck, v)?, v, |o| {
            r.write_body(v, o)
        }),
        Packet::PubRec(r) => put_packet(out, 0x50, r.body_len(PacketType::PubRec, v)?, v, |o| {
            r.write_body(v, o)
        }),
        Packet::PubRel(r) => put_packet(out, 0x62, r.body_len(PacketType::PubRel, v)?, v, |o| {
            r.write_body(v, o)
        }),
        Packet::PubComp(r) => put_packet(out, 0x70, r.body_len(PacketType::PubComp, v)?, v, |o| {
            r.write_body(v, o)
        }),
        Packet::PingReq => put_packet(out, 0xC0, 0, v, |_| {}),
        Packet::PingResp => put_packet(out, 0xD0, 0, v, |_| {}),
        Packet::Connect(c) => {
            let v = c.protocol_version;
            put_packet(out, 0x10, c.body_len()?, v, |o| c.write_body(o))
        }
        Packet::ConnAck(c) => put_packet(out, 0x20, c.body_len(v)?, v, |o| c.write_body(v, o)),
        Packet::Subscribe(s) => put_packet(out, 0x82, s.body_len(v)?, v, |o| s.write_body(v, o)),
        Packet::SubAck(s) => put_packet(out, 0x90, s.body_len(v)?, v, |o| s.write_body(v, o)),
        Packet::Unsubscribe(u) => put_packet(out, 0xA2, u.body_len(v)?, v, |o| u.write_body(v, o)),
        Packet::UnsubAck(u) => put_packet(out, 0xB0, u.body_len(v)?, v, |o| u.write_body(v, o)),
        Packet::Disconnect(d) => put_packet(out, 0xE0, d.body_len(v)?, v, |o| d.write_body(v, o)),
        Packet::Auth(a) if v == ProtocolVersion::V311 => {
            let _ = a;
            Err(EncodeError::new(Violation::AuthNotInV311, v))
        }
        Packet::Auth(a) => put_packet(out, 0xF0, a.body_len(v)?, v, |o| a.write_body(v, o)),
    }
}

/// Writes the fixed header for a body of `body` bytes, then the body; refuses bodies too long for
/// the remaining length.
#[inline(always)]
fn put_packet(
    out: &mut Vec<u8>,
    first_byte: u8,
    body: usize,
    version: ProtocolVersion,
    write_body: impl FnOnce(&mut Vec<u8>),
) -> Result<usize, EncodeError> {
    let Some(remaining) = u32::try_from(body).ok().filter(|&len| len <= VARINT_MAX) else {
        let packet = PacketType::from_nibble(first_byte >> 4).unwrap_or(PacketType::Publish);
        return Err(EncodeError::new(
            Violation::RemainingLengthTooLarge { packet, len: body },
            version,
        ));
    };
    let start = out.len();
    out.reserve(1 + varint_len(remaining) + body);
    out.push(first_byte);
    put_varint(out, remaining);
    write_body(out);
    Ok(out.len() - start)
}

/// Decodes the packet at the start of `bytes`.
///
/// Returns `Ok(Some((packet, len)))` with the bytes it used, `Ok(None)` when `bytes` holds only part of
/// a packet, and `Err` when the bytes are malformed. A CONNECT is read at the level it announces.
#[inline]
pub fn decode(
    bytes: &[u8],
    version: ProtocolVersion,
) -> Result<Option<(Packet<'_>, usize)>, DecodeError> {
    decode_with(bytes, version, &mut NoSpans)
}

/// Like [`decode`], replacing the contents of `spans` with every field's byte span. After an error the
/// spans decoded so far are kept, with the open groups closed at the failure; for an incomplete packet
/// (`Ok(None)`) the fields that have arrived are recorded.
pub fn decode_traced<'a>(
    bytes: &'a [u8],
    version: ProtocolVersion,
    spans: &mut Spans,
) -> Result<Option<(Packet<'a>, usize)>, DecodeError> {
    spans.clear();
    let result = decode_with(bytes, version, spans);
    match &result {
        Err(error) => spans.close_all(error.offset + error.len),
        Ok(None) => trace_partial(bytes, version, spans),
        Ok(Some(_)) => {}
    }
    result
}

/// Records the fields of a packet that has not fully arrived, as far as its bytes go, so a viewer can
/// show what is there. The outcome of this decode is irrelevant: the packet is incomplete.
fn trace_partial(bytes: &[u8], version: ProtocolVersion, spans: &mut Spans) {
    spans.clear();
    let Some(&first_byte) = bytes.first() else {
        return;
    };
    match fixed_header(bytes, version) {
        Ok(Some(header)) => {
            let _ = decode_body(bytes, &header, version, spans);
        }
        _ => record_fixed_header(
            spans,
            // The remaining length has not fully arrived: show byte 0 only.
            &FixedHeader {
                first_byte,
                remaining_len: 0,
                header_len: 1,
            },
            PacketType::from_nibble(first_byte >> 4),
        ),
    }
    spans.close_all(bytes.len());
}

pub(crate) fn decode_with<'a, S: SpanSink>(
    bytes: &'a [u8],
    version: ProtocolVersion,
    sink: &mut S,
) -> Result<Option<(Packet<'a>, usize)>, DecodeError> {
    let Some(header) = fixed_header(bytes, version)? else {
        return Ok(None);
    };
    let Some(packet_bytes) = bytes.get(..header.packet_len()) else {
        return Ok(None);
    };
    let packet = decode_body(packet_bytes, &header, version, sink)?;
    Ok(Some((packet, header.packet_len())))
}

/// Decodes one packet whose fixed header is `header`. `packet_bytes` is the whole packet — or, for a
/// partial trace, as much of it as has arrived, in which case the fields past the end are "truncated".
fn decode_body<'a, S: SpanSink>(
    packet_bytes: &'a [u8],
    header: &FixedHeader,
    version: ProtocolVersion,
    sink: &mut S,
) -> Result<Packet<'a>, DecodeError> {
    // Record byte 0 before judging it, so a viewer can show what a refused type or flags byte says.
    record_fixed_header(sink, header, PacketType::from_nibble(header.type_nibble()));
    let packet_type = check_first_byte(header, version)?;
    let mut r = Reader::new(packet_bytes, header.header_len, version, sink);
    let packet = match packet_type {
        PacketType::Connect => Packet::Connect(alloc::boxed::Box::new(Connect::decode(&mut r)?)),
        PacketType::ConnAck => Packet::ConnAck(ConnAck::decode(&mut r)?),
        PacketType::Publish => Packet::Publish(Publish::decode(&mut r, header.flags())?),
        PacketType::PubAck => Packet::PubAck(PubResponse::decode(&mut r, packet_type)?),
        PacketType::PubRec => Packet::PubRec(PubResponse::decode(&mut r, packet_type)?),
        PacketType::PubRel => Packet::PubRel(PubResponse::decode(&mut r, packet_type)?),
        PacketType::PubComp => Packet::PubComp(PubResponse::decode(&mut r, packet_type)?),
        PacketType::Subscribe => Packet::Subscribe(Subscribe::decode(&mut r)?),
        PacketType::SubAck => Packet::SubAck(SubAck::decode(&mut r)?),
        PacketType::Unsubscribe => Packet::Unsubscribe(Unsubscribe::decode(&mut r)?),
        PacketType::UnsubAck => Packet::UnsubAck(UnsubAck::decode(&mut r)?),
        PacketType::PingReq => Packet::PingReq,
        PacketType::PingResp => Packet::PingResp,
        PacketType::Disconnect => Packet::Disconnect(Disconnect::decode(&mut r)?),
        PacketType::Auth => Packet::Auth(Auth::decode(&mut r)?),
    };
    if !r.is_empty() {
        let count = r.remaining();
        return Err(r.error_at(
            Violation::TrailingBytes {
                packet: packet_type,
                count,
            },
            r.pos(),
            count,
        ));
    }
    Ok(packet)
}

/// Checks the packet type and the fixed flags of byte 0.
fn check_first_byte(
    header: &FixedHeader,
    version: ProtocolVersion,
) -> Result<PacketType, DecodeError> {
    let packet_type = PacketType::from_nibble(header.type_nibble()).ok_or_else(|| {
        DecodeError::new(Violation::ReservedPacketType, 0, 1, version).in_bits(7, 4)
    })?;
    if packet_type == PacketType::Auth && version == ProtocolVersion::V311 {
        return Err(DecodeError::new(Violation::AuthNotInV311, 0, 1, version).in_bits(7, 4));
    }
    if let Some(expected) = packet_type.required_flags() {
        if header.flags() != expected {
            return Err(DecodeError::new(
                Violation::ReservedFlags {
                    packet: packet_type,
                    expected,
                    found: header.flags(),
                },
                0,
                1,
                version,
            )
            .in_bits(3, 0));
        }
    }
    Ok(packet_type)
}

fn record_fixed_header<S: SpanSink>(
    sink: &mut S,
    header: &FixedHeader,
    packet_type: Option<PacketType>,
) {
    let group = sink.open(0, || {
        Field::new(
            "Fixed header",
            String::new(),
            "in every packet: type and flags in byte 0, then the remaining length",
        )
    });
    sink.bits(0, 7, 4, || match packet_type {
        Some(packet_type) => Field::new(
            "Packet type",
            format!("{} ({})", packet_type.name(), packet_type as u8),
            packet_type.explain(),
        ),
        None => Field::new(
            "Packet type",
            format!("reserved ({})", header.type_nibble()),
            "type 0 is reserved: no MQTT packet uses it",
        ),
    });
    let flags = header.flags();
    sink.bits(0, 3, 0, || match packet_type {
        Some(PacketType::Publish) => Field::new(
            "Flags",
            format!("DUP {} · QoS {} · RETAIN {}", (flags >> 3) & 1, (flags >> 1) & 3, flags & 1),
            "DUP = may be a resend; QoS = delivery guarantee; RETAIN = broker keeps it for new subscribers",
        ),
        Some(PacketType::PubRel | PacketType::Subscribe | PacketType::Unsubscribe) => Field::new(
            "Flags",
            format!("{flags:04b}"),
            "reserved: must be 0010 for PUBREL, SUBSCRIBE and UNSUBSCRIBE",
        ),
        _ => Field::new("Flags", format!("{flags:04b}"), "reserved: must be 0000 for this packet type"),
    });
    if header.header_len > 1 {
        sink.leaf(1, header.header_len, || {
            Field::new(
                "Remaining length",
                format!("{} bytes", header.remaining_len),
                "length of the rest of the packet; 7 bits per byte, high bit = more bytes follow",
            )
        });
    }
    sink.close(group, header.header_len);
}
