//! Framing without decoding: where does the next packet end?
//!
//! Only the fixed header is read (type byte + remaining length), so a transport can split a byte stream
//! into whole packets cheaply — hold mode buffers and reveals packets one at a time with it, and lets
//! PINGRESP through without touching the session.

use super::varint::{read_varint, Varint};
use super::{DecodeError, ProtocolVersion};
use crate::rule::Violation;

/// The fixed header of a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedHeader {
    /// Byte 0: packet type (high nibble) and flags (low nibble).
    pub first_byte: u8,
    /// The Remaining Length: bytes after the fixed header.
    pub remaining_len: usize,
    /// Length of the fixed header itself (2 to 5 bytes).
    pub header_len: usize,
}

impl FixedHeader {
    /// Length of the whole packet.
    pub fn packet_len(&self) -> usize {
        self.header_len + self.remaining_len
    }

    /// The high nibble: the packet type number.
    pub fn type_nibble(&self) -> u8 {
        self.first_byte >> 4
    }

    /// The low nibble: the flags.
    pub fn flags(&self) -> u8 {
        self.first_byte & 0x0F
    }
}

/// Reads the fixed header at the start of `bytes`: `Ok(None)` if more bytes are needed to know the
/// length, an error if the remaining length is malformed (longer than 4 bytes, or — 5.0 — not minimal).
pub fn fixed_header(
    bytes: &[u8],
    version: ProtocolVersion,
) -> Result<Option<FixedHeader>, DecodeError> {
    let Some((&first_byte, rest)) = bytes.split_first() else {
        return Ok(None);
    };
    let field = "Remaining Length";
    match read_varint(rest) {
        Varint::Complete { value, len } => Ok(Some(FixedHeader {
            first_byte,
            remaining_len: value as usize,
            header_len: 1 + len,
        })),
        Varint::NeedMore => Ok(None),
        Varint::TooLong => Err(DecodeError::new(
            Violation::VarintTooLong { field },
            1,
            4,
            version,
        )),
        // 3.1.1 states no minimum-length rule for the remaining length; 5.0 does (MQTT-1.5.5-1).
        Varint::NonMinimal { len, .. } if !version.is_v5() => Ok(Some(FixedHeader {
            first_byte,
            remaining_len: non_minimal_value(rest, len),
            header_len: 1 + len,
        })),
        Varint::NonMinimal { len, needed } => Err(DecodeError::new(
            Violation::NonMinimalVarint {
                field,
                used: len,
                needed,
            },
            1,
            len,
            version,
        )),
    }
}

fn non_minimal_value(bytes: &[u8], len: usize) -> usize {
    bytes
        .iter()
        .take(len)
        .enumerate()
        .fold(0usize, |value, (index, byte)| {
            value | (usize::from(byte & 0x7F) << (7 * index))
        })
}

/// The length of the packet at the start of `bytes` (fixed header included): `Ok(None)` when more bytes
/// are needed to know it. Says nothing about whether the packet itself is well-formed.
pub fn frame_len(bytes: &[u8], version: ProtocolVersion) -> Result<Option<usize>, DecodeError> {
    Ok(fixed_header(bytes, version)?.map(|header| header.packet_len()))
}
