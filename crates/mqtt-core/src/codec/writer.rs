//! Encoding helpers: length checks that refuse what the specification forbids, and infallible writers.
//!
//! Every packet is encoded in two passes: `body_len` validates and sizes it (so nothing is written when
//! it is invalid), then `write_body` writes into a buffer reserved once for the whole packet.

use alloc::vec::Vec;

use super::{EncodeError, ProtocolVersion};
use crate::rule::Violation;

/// Size of a UTF-8 Encoded String field, refusing U+0000 and lengths over 65,535.
#[inline]
pub(crate) fn string_len(
    field: &'static str,
    text: &str,
    version: ProtocolVersion,
) -> Result<usize, EncodeError> {
    if text.as_bytes().contains(&0) {
        return Err(EncodeError::new(
            Violation::NullCharacter { field },
            version,
        ));
    }
    binary_len(field, text.as_bytes(), version)
}

/// Size of a Binary Data field, refusing lengths over 65,535.
#[inline]
pub(crate) fn binary_len(
    field: &'static str,
    bytes: &[u8],
    version: ProtocolVersion,
) -> Result<usize, EncodeError> {
    if bytes.len() > usize::from(u16::MAX) {
        return Err(EncodeError::new(
            Violation::FieldTooLong {
                field,
                len: bytes.len(),
            },
            version,
        ));
    }
    Ok(2 + bytes.len())
}

#[inline]
pub(crate) fn put_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_be_bytes());
}

#[inline]
pub(crate) fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_be_bytes());
}

/// Writes a length-prefixed field whose length was checked by [`binary_len`] or [`string_len`].
#[inline]
pub(crate) fn put_binary(out: &mut Vec<u8>, bytes: &[u8]) {
    // Checked by binary_len/string_len before any writing starts; saturating keeps it panic-free.
    put_u16(out, u16::try_from(bytes.len()).unwrap_or(u16::MAX));
    out.extend_from_slice(bytes);
}

#[inline]
pub(crate) fn put_string(out: &mut Vec<u8>, text: &str) {
    put_binary(out, text.as_bytes());
}
