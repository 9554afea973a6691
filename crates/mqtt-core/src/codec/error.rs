//! The two ways the codec fails, split by whose fault it is.
//!
//! * [`DecodeError`]: the bytes are malformed — the peer broke the specification (or the user pasted
//!   something wrong into the inspector). It says where: the byte offset and length within the packet,
//!   so a UI can highlight the culprit.
//! * [`EncodeError`]: the caller asked us to send something the specification forbids. Nothing is
//!   written.
//!
//! "Need more bytes" is not an error: decoders return `Ok(None)` for it.

use crate::rule::{Citation, Rule, Violation};

use super::ProtocolVersion;

/// Malformed input: what is wrong, where, and which rule says so.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed packet at byte {offset}: {violation}{}", cite(.rule))]
pub struct DecodeError {
    /// What is wrong.
    pub violation: Violation,
    /// Offset of the offending bytes from the first byte of the packet.
    pub offset: usize,
    /// How many bytes are at fault (at least 1 where there are bytes to blame).
    pub len: usize,
    /// When the fault is in some bits of one byte (flags): those bits, as (highest, lowest).
    pub bits: Option<(u8, u8)>,
    /// The rule broken, in the edition the decoder was reading.
    pub rule: Option<Rule>,
}

impl DecodeError {
    /// An error for `len` bytes at `offset`, citing the rule of `version`'s edition.
    pub fn new(violation: Violation, offset: usize, len: usize, version: ProtocolVersion) -> Self {
        let rule = violation.rule(version);
        DecodeError {
            violation,
            offset,
            len,
            bits: None,
            rule,
        }
    }

    /// Blames bits `high..=low` of the byte at `offset` (a flag inside a flags byte).
    pub fn in_bits(mut self, high: u8, low: u8) -> Self {
        self.bits = Some((high, low));
        self
    }
}

/// A packet the specification does not allow us to send. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot encode: {violation}{}", cite(.rule))]
pub struct EncodeError {
    /// What is wrong with the packet.
    pub violation: Violation,
    /// The rule it would break.
    pub rule: Option<Rule>,
}

impl EncodeError {
    /// An error citing the rule of `version`'s edition.
    pub fn new(violation: Violation, version: ProtocolVersion) -> Self {
        let rule = violation.rule(version);
        EncodeError { violation, rule }
    }
}

fn cite(rule: &Option<Rule>) -> Citation {
    Citation(*rule)
}
