//! The streaming decoder: bytes arrive in any chunking (one at a time included), packets come out.
//!
//! It buffers only bytes that actually arrived — a remaining length claiming 200 MB allocates nothing
//! until 200 MB are there — and refuses a packet as soon as its fixed header says it is over the
//! configured maximum, before its body arrives.

use alloc::vec::Vec;

use super::{decode, fixed_header, DecodeError, Packet, ProtocolVersion, MAX_PACKET_SIZE};
use crate::rule::Violation;

/// Splits a byte stream into packets.
#[derive(Debug, Clone)]
pub struct Decoder {
    version: ProtocolVersion,
    max_packet_size: usize,
    buffer: Vec<u8>,
    /// Bytes at the front of `buffer` that belong to packets already handed out.
    consumed: usize,
    /// A malformed stream stays failed: MQTT closes the connection, there is no resynchronising.
    failed: Option<DecodeError>,
}

impl Decoder {
    /// A decoder for `version` accepting packets up to the protocol's maximum size.
    pub fn new(version: ProtocolVersion) -> Self {
        Decoder {
            version,
            max_packet_size: MAX_PACKET_SIZE,
            buffer: Vec::new(),
            consumed: 0,
            failed: None,
        }
    }

    /// Refuses packets larger than `max` bytes (fixed header included), e.g. our 5.0 Maximum Packet Size.
    pub fn with_max_packet_size(mut self, max: usize) -> Self {
        self.max_packet_size = max;
        self
    }

    /// The edition packets are read in (a broker learns it from the CONNECT).
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    /// Switches the edition, e.g. after a broker has read the CONNECT.
    pub fn set_version(&mut self, version: ProtocolVersion) {
        self.version = version;
    }

    /// Bytes received but not yet returned as packets.
    pub fn buffered(&self) -> &[u8] {
        self.buffer.get(self.consumed..).unwrap_or_default()
    }

    /// Appends bytes from the transport.
    pub fn push(&mut self, bytes: &[u8]) {
        self.compact();
        self.buffer.extend_from_slice(bytes);
    }

    /// Drops bytes of packets already handed out, so the buffer holds only what is pending.
    fn compact(&mut self) {
        if self.consumed == 0 {
            return;
        }
        if self.consumed >= self.buffer.len() {
            self.buffer.clear();
        } else {
            self.buffer.drain(..self.consumed);
        }
        self.consumed = 0;
    }

    /// The bytes of the next whole packet, without decoding it; `Ok(None)` until it has fully arrived.
    pub fn next_frame(&mut self) -> Result<Option<&[u8]>, DecodeError> {
        let Some(len) = self.next_len()? else {
            return Ok(None);
        };
        let start = self.consumed;
        self.consumed += len;
        Ok(self.buffer.get(start..start + len))
    }

    /// The next packet, decoded; `Ok(None)` until it has fully arrived. An error is final.
    pub fn next_packet(&mut self) -> Result<Option<Packet<'_>>, DecodeError> {
        let Some(len) = self.next_len()? else {
            return Ok(None);
        };
        let start = self.consumed;
        let bytes = self.buffer.get(start..start + len).unwrap_or_default();
        match decode(bytes, self.version) {
            Ok(Some((packet, used))) => {
                self.consumed += used;
                Ok(Some(packet))
            }
            Ok(None) => Ok(None),
            Err(error) => {
                self.failed = Some(error.clone());
                Err(error)
            }
        }
    }

    /// Length of the next packet if it is complete, checking the size limit as soon as it is known.
    fn next_len(&mut self) -> Result<Option<usize>, DecodeError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let pending = self.buffer.get(self.consumed..).unwrap_or_default();
        let header = match fixed_header(pending, self.version) {
            Ok(Some(header)) => header,
            Ok(None) => return Ok(None),
            Err(error) => return Err(self.fail(error)),
        };
        let len = header.packet_len();
        if len > self.max_packet_size {
            let error = DecodeError::new(
                Violation::PacketTooLarge {
                    size: len,
                    max: self.max_packet_size,
                },
                0,
                header.header_len,
                self.version,
            );
            return Err(self.fail(error));
        }
        Ok((pending.len() >= len).then_some(len))
    }

    fn fail(&mut self, error: DecodeError) -> DecodeError {
        self.failed = Some(error.clone());
        error
    }
}
