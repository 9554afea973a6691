//! Protocol levels and quality-of-service levels: the two small enums every other module needs.

use core::fmt;

/// The protocol level a connection speaks. 3.1 ("MQIsdp", level 3) is not supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProtocolVersion {
    /// MQTT 3.1.1 (protocol level 4), OASIS Standard 2014.
    V311,
    /// MQTT 5.0 (protocol level 5), OASIS Standard 2019.
    V5,
}

impl ProtocolVersion {
    /// The protocol level byte sent in CONNECT.
    pub const fn level(self) -> u8 {
        match self {
            ProtocolVersion::V311 => 4,
            ProtocolVersion::V5 => 5,
        }
    }

    /// The version for a CONNECT protocol level byte, if we speak it.
    pub const fn from_level(level: u8) -> Option<Self> {
        match level {
            4 => Some(ProtocolVersion::V311),
            5 => Some(ProtocolVersion::V5),
            _ => None,
        }
    }

    /// The edition as people write it: `3.1.1` or `5.0`.
    pub const fn edition(self) -> &'static str {
        match self {
            ProtocolVersion::V311 => "3.1.1",
            ProtocolVersion::V5 => "5.0",
        }
    }

    /// Whether this version carries properties and reason codes.
    pub const fn is_v5(self) -> bool {
        matches!(self, ProtocolVersion::V5)
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.edition())
    }
}

/// Delivery guarantee of a message (MQTT §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum QoS {
    /// QoS 0: fire and forget; lost if the link fails.
    #[default]
    AtMostOnce = 0,
    /// QoS 1: acknowledged by PUBACK; resent until then, so it may arrive twice.
    AtLeastOnce = 1,
    /// QoS 2: four-part handshake PUBLISH/PUBREC/PUBREL/PUBCOMP; delivered exactly once.
    ExactlyOnce = 2,
}

impl QoS {
    /// The QoS for the two wire bits, `None` for the reserved value 3.
    pub const fn from_bits(bits: u8) -> Option<Self> {
        match bits {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }

    /// The numeric level, 0 to 2.
    pub const fn level(self) -> u8 {
        self as u8
    }

    /// A one-line explanation for a student.
    pub const fn explain(self) -> &'static str {
        match self {
            QoS::AtMostOnce => "at most once: sent once, never acknowledged, lost if the link fails",
            QoS::AtLeastOnce => {
                "at least once: resent until a PUBACK arrives, so the receiver may see it twice"
            }
            QoS::ExactlyOnce => {
                "exactly once: PUBLISH, PUBREC, PUBREL, PUBCOMP; the receiver keeps a record so it delivers once"
            }
        }
    }
}

impl fmt::Display for QoS {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QoS {}", self.level())
    }
}
