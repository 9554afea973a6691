//! Requests the application makes that cannot be carried out.

use crate::codec::EncodeError;
use crate::rule::{Citation, Rule, Violation};

/// Something the application asked for that the protocol or the broker does not allow. Nothing was
/// queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsageError {
    /// A topic name or filter the specification forbids.
    #[error("{violation}{}", Citation(*.rule))]
    Topic {
        /// What is wrong.
        violation: Violation,
        /// The rule.
        rule: Option<Rule>,
    },
    /// A packet the specification does not allow (e.g. properties in 3.1.1).
    #[error("{0}")]
    Encode(EncodeError),
    /// QoS above the broker's Maximum QoS.
    #[error(
        "the broker accepts at most QoS {maximum} (CONNACK Maximum QoS); asked for QoS {requested}"
    )]
    QosNotSupported {
        /// QoS asked for.
        requested: u8,
        /// The broker's maximum.
        maximum: u8,
    },
    /// Retain with a broker that has no retained messages.
    #[error("the broker does not support retained messages (CONNACK Retain Available = 0)")]
    RetainNotAvailable,
    /// A packet larger than the broker accepts.
    #[error("the PUBLISH would be {size} bytes; the broker accepts at most {maximum} (CONNACK Maximum Packet Size)")]
    PacketTooLarge {
        /// Its size.
        size: usize,
        /// The broker's maximum.
        maximum: u32,
    },
    /// Every packet identifier is taken.
    #[error("no packet identifier is free: 65,535 messages and requests are in flight")]
    NoPacketId,
    /// SUBSCRIBE/UNSUBSCRIBE without filters.
    #[error("give at least one topic filter")]
    NoFilters,
    /// `connect` while a connection is open or opening.
    #[error("the session is already connected or connecting; disconnect first")]
    AlreadyConnected,
}

impl UsageError {
    /// A topic violation, citing the rule of `version`'s edition.
    pub fn topic(violation: Violation, version: crate::codec::ProtocolVersion) -> Self {
        let rule = violation.rule(version);
        UsageError::Topic { violation, rule }
    }
}
