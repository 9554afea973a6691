//! Variable Byte Integers: the remaining length, property lengths and some property values.
//!
//! 7 bits per byte, least significant group first, the high bit saying "more follows", at most 4 bytes
//! (MQTT §2.2.3 (3.1.1), §1.5.5 (5.0)), so at most 268,435,455.

use alloc::vec::Vec;

/// The largest value a variable byte integer can hold.
pub const VARINT_MAX: u32 = 268_435_455;

/// Outcome of reading a variable byte integer from the start of a slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Varint {
    /// The value and how many bytes it took.
    Complete { value: u32, len: usize },
    /// The slice ends before the last byte (the one without continuation bit).
    NeedMore,
    /// The 4th byte still has its continuation bit set.
    TooLong,
    /// Correct value, but more bytes than needed (e.g. `0x80 0x00` for 0).
    NonMinimal { len: usize, needed: usize },
}

/// Reads a variable byte integer from the start of `bytes`.
#[inline]
pub(crate) fn read_varint(bytes: &[u8]) -> Varint {
    let mut value: u32 = 0;
    for (index, &byte) in bytes.iter().take(4).enumerate() {
        value |= u32::from(byte & 0x7F) << (7 * index);
        if byte & 0x80 == 0 {
            let len = index + 1;
            // The shortest encoding never ends in a zero byte, except the value 0 itself in one byte.
            if len > 1 && byte == 0 {
                return Varint::NonMinimal {
                    len,
                    needed: varint_len(value),
                };
            }
            return Varint::Complete { value, len };
        }
    }
    if bytes.len() >= 4 {
        Varint::TooLong
    } else {
        Varint::NeedMore
    }
}

/// Bytes needed to encode `value` (which must be at most [`VARINT_MAX`]).
#[inline]
pub(crate) const fn varint_len(value: u32) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// Appends `value` (at most [`VARINT_MAX`]; callers check) as a variable byte integer.
#[inline]
pub(crate) fn put_varint(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_round_trip_with_minimal_length() {
        for value in [
            0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, VARINT_MAX,
        ] {
            let mut out = Vec::new();
            put_varint(&mut out, value);
            assert_eq!(out.len(), varint_len(value));
            assert_eq!(
                read_varint(&out),
                Varint::Complete {
                    value,
                    len: out.len()
                }
            );
        }
    }

    #[test]
    fn incomplete_too_long_and_non_minimal_are_told_apart() {
        assert_eq!(read_varint(&[]), Varint::NeedMore);
        assert_eq!(read_varint(&[0xFF, 0xFF]), Varint::NeedMore);
        assert_eq!(read_varint(&[0xFF, 0xFF, 0xFF, 0xFF]), Varint::TooLong);
        assert_eq!(
            read_varint(&[0x80, 0x00]),
            Varint::NonMinimal { len: 2, needed: 1 }
        );
        assert_eq!(
            read_varint(&[0x80, 0x80, 0x01]),
            Varint::Complete {
                value: 16_384,
                len: 3
            }
        );
    }
}
