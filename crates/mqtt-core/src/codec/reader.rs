//! A cursor over one whole packet that never reads past the remaining length and never panics.
//!
//! Offsets are counted from the first byte of the packet (the fixed header), so errors and spans point
//! at the same bytes a hex view shows.

use alloc::string::String;

use super::span::{Field, SpanSink};
use super::varint::{read_varint, Varint};
use super::{DecodeError, ProtocolVersion};
use crate::rule::Violation;

pub(crate) struct Reader<'a, 's, S: SpanSink> {
    packet: &'a [u8],
    pos: usize,
    /// The edition whose rules errors cite. CONNECT switches it to the level it announces.
    pub version: ProtocolVersion,
    pub sink: &'s mut S,
}

impl<'a, 's, S: SpanSink> Reader<'a, 's, S> {
    /// A reader over `packet` (exactly one packet) starting after its fixed header.
    pub fn new(
        packet: &'a [u8],
        body_start: usize,
        version: ProtocolVersion,
        sink: &'s mut S,
    ) -> Self {
        Reader {
            packet,
            pos: body_start,
            version,
            sink,
        }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.packet.len().saturating_sub(self.pos)
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// An error blaming `len` bytes at `offset`.
    pub fn error_at(&self, violation: Violation, offset: usize, len: usize) -> DecodeError {
        DecodeError::new(violation, offset, len, self.version)
    }

    /// Takes the next `n` bytes, or reports `field` as cut short by the remaining length.
    #[inline]
    pub fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.saturating_add(n);
        match self.packet.get(self.pos..end) {
            Some(bytes) => {
                self.pos = end;
                Ok(bytes)
            }
            None => {
                let available = self.remaining();
                Err(self.error_at(
                    Violation::Truncated {
                        field,
                        needed: n - available,
                    },
                    self.pos,
                    available,
                ))
            }
        }
    }

    /// Everything up to the end of the packet.
    pub fn rest(&mut self) -> &'a [u8] {
        let rest = self.packet.get(self.pos..).unwrap_or_default();
        self.pos = self.packet.len();
        rest
    }

    #[inline]
    pub fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        match self.take(1, field)? {
            [byte] => Ok(*byte),
            _ => Err(self.error_at(Violation::Truncated { field, needed: 1 }, self.pos, 0)),
        }
    }

    #[inline]
    pub fn u16(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        match self.take(2, field)? {
            [high, low] => Ok(u16::from_be_bytes([*high, *low])),
            _ => Err(self.error_at(Violation::Truncated { field, needed: 2 }, self.pos, 0)),
        }
    }

    pub fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        match self.take(4, field)? {
            [a, b, c, d] => Ok(u32::from_be_bytes([*a, *b, *c, *d])),
            _ => Err(self.error_at(Violation::Truncated { field, needed: 4 }, self.pos, 0)),
        }
    }

    /// A variable byte integer inside the packet body.
    pub fn varint(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        let start = self.pos;
        let available = self.packet.get(start..).unwrap_or_default();
        match read_varint(available) {
            Varint::Complete { value, len } => {
                self.pos += len;
                Ok(value)
            }
            Varint::NeedMore => Err(self.error_at(
                Violation::Truncated { field, needed: 1 },
                start,
                available.len(),
            )),
            Varint::TooLong => Err(self.error_at(Violation::VarintTooLong { field }, start, 4)),
            Varint::NonMinimal { len, needed } => Err(self.error_at(
                Violation::NonMinimalVarint {
                    field,
                    used: len,
                    needed,
                },
                start,
                len,
            )),
        }
    }

    /// Binary Data: a 2-byte length and that many bytes.
    pub fn binary(&mut self, field: &'static str) -> Result<&'a [u8], DecodeError> {
        let len = self.u16(field)?;
        self.take(usize::from(len), field)
    }

    /// A UTF-8 Encoded String: well-formed UTF-8 without U+0000 (MQTT §1.5.3 (3.1.1), §1.5.4 (5.0)).
    pub fn string(&mut self, field: &'static str) -> Result<&'a str, DecodeError> {
        let start = self.pos;
        let bytes = self.binary(field)?;
        let text_start = start + 2;
        match core::str::from_utf8(bytes) {
            Ok(text) => {
                if let Some(null) = bytes.iter().position(|&byte| byte == 0) {
                    return Err(self.error_at(
                        Violation::NullCharacter { field },
                        text_start + null,
                        1,
                    ));
                }
                Ok(text)
            }
            Err(error) => {
                let bad_len = error
                    .error_len()
                    .unwrap_or(bytes.len() - error.valid_up_to());
                Err(self.error_at(
                    Violation::InvalidUtf8 { field },
                    text_start + error.valid_up_to(),
                    bad_len.max(1),
                ))
            }
        }
    }

    /// A topic name that is plain ASCII without NUL or wildcards (the usual case), accepted in one pass;
    /// `None` (nothing consumed) sends the caller down the general path, which reports the errors.
    #[inline]
    pub fn plain_topic(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let len = usize::from(u16::from_be_bytes([
            *self.packet.get(start)?,
            *self.packet.get(start + 1)?,
        ]));
        let bytes = self.packet.get(start + 2..start + 2 + len)?;
        if len == 0 || crate::topic::scan_topic(bytes) != 0 {
            return None;
        }
        let text = core::str::from_utf8(bytes).ok()?; // all ASCII: cannot fail
        self.pos = start + 2 + len;
        Some(text)
    }

    /// Runs `read` inside a group named `name`, so the fields it records become the group's children.
    #[inline(always)]
    pub fn group<T>(
        &mut self,
        name: &'static str,
        explain: &'static str,
        read: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        let token = self
            .sink
            .open(self.pos, || Field::new(name, String::new(), explain));
        let value = read(self)?;
        self.sink.close(token, self.pos);
        Ok(value)
    }

    /// Reads a string and records it as one leaf (length prefix included).
    pub fn string_field(
        &mut self,
        name: &'static str,
        explain: &'static str,
    ) -> Result<&'a str, DecodeError> {
        let start = self.pos;
        let text = self.string(name)?;
        self.sink
            .leaf(start, self.pos, || Field::new(name, quote(text), explain));
        Ok(text)
    }

    /// Reads a two-byte integer and records it as one leaf.
    pub fn u16_field(
        &mut self,
        name: &'static str,
        explain: &'static str,
        render: impl FnOnce(u16) -> String,
    ) -> Result<u16, DecodeError> {
        let start = self.pos;
        let value = self.u16(name)?;
        self.sink
            .leaf(start, self.pos, || Field::new(name, render(value), explain));
        Ok(value)
    }
}

/// A string as shown in the inspector: quoted, escapes for control characters.
pub(crate) fn quote(text: &str) -> String {
    alloc::format!("{text:?}")
}

/// Bytes as lowercase hex, shortened past 64 bytes, for showing binary fields.
pub(crate) fn hex_preview(bytes: &[u8]) -> String {
    use core::fmt::Write;
    let mut out = String::new();
    for byte in bytes.iter().take(64) {
        let _ = write!(out, "{byte:02x}");
    }
    if bytes.len() > 64 {
        let _ = write!(out, "… ({} bytes)", bytes.len());
    }
    out
}
