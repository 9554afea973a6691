//! Reason codes (MQTT 5.0 §2.4) and the 3.1.1 return codes they grew out of.
//!
//! One byte type serves both editions: a 3.1.1 CONNACK return code 5 ("not authorized") and a 5.0
//! reason code 0x87 ("Not authorized") are both a [`ReasonCode`]; which values a packet may carry is
//! decided by [`ReasonCode::is_valid_in`].

use core::fmt;

use super::{PacketType, ProtocolVersion};

/// A reason code (5.0) or return code (3.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ReasonCode(pub u8);

#[allow(missing_docs)] // the names are the specification's
impl ReasonCode {
    pub const SUCCESS: ReasonCode = ReasonCode(0x00);
    pub const GRANTED_QOS_1: ReasonCode = ReasonCode(0x01);
    pub const GRANTED_QOS_2: ReasonCode = ReasonCode(0x02);
    pub const DISCONNECT_WITH_WILL: ReasonCode = ReasonCode(0x04);
    pub const NO_MATCHING_SUBSCRIBERS: ReasonCode = ReasonCode(0x10);
    pub const NO_SUBSCRIPTION_EXISTED: ReasonCode = ReasonCode(0x11);
    pub const CONTINUE_AUTHENTICATION: ReasonCode = ReasonCode(0x18);
    pub const RE_AUTHENTICATE: ReasonCode = ReasonCode(0x19);
    pub const UNSPECIFIED_ERROR: ReasonCode = ReasonCode(0x80);
    pub const MALFORMED_PACKET: ReasonCode = ReasonCode(0x81);
    pub const PROTOCOL_ERROR: ReasonCode = ReasonCode(0x82);
    pub const IMPLEMENTATION_SPECIFIC_ERROR: ReasonCode = ReasonCode(0x83);
    pub const UNSUPPORTED_PROTOCOL_VERSION: ReasonCode = ReasonCode(0x84);
    pub const CLIENT_IDENTIFIER_NOT_VALID: ReasonCode = ReasonCode(0x85);
    pub const BAD_USER_NAME_OR_PASSWORD: ReasonCode = ReasonCode(0x86);
    pub const NOT_AUTHORIZED: ReasonCode = ReasonCode(0x87);
    pub const SERVER_UNAVAILABLE: ReasonCode = ReasonCode(0x88);
    pub const SERVER_BUSY: ReasonCode = ReasonCode(0x89);
    pub const BANNED: ReasonCode = ReasonCode(0x8A);
    pub const SERVER_SHUTTING_DOWN: ReasonCode = ReasonCode(0x8B);
    pub const BAD_AUTHENTICATION_METHOD: ReasonCode = ReasonCode(0x8C);
    pub const KEEP_ALIVE_TIMEOUT: ReasonCode = ReasonCode(0x8D);
    pub const SESSION_TAKEN_OVER: ReasonCode = ReasonCode(0x8E);
    pub const TOPIC_FILTER_INVALID: ReasonCode = ReasonCode(0x8F);
    pub const TOPIC_NAME_INVALID: ReasonCode = ReasonCode(0x90);
    pub const PACKET_IDENTIFIER_IN_USE: ReasonCode = ReasonCode(0x91);
    pub const PACKET_IDENTIFIER_NOT_FOUND: ReasonCode = ReasonCode(0x92);
    pub const RECEIVE_MAXIMUM_EXCEEDED: ReasonCode = ReasonCode(0x93);
    pub const TOPIC_ALIAS_INVALID: ReasonCode = ReasonCode(0x94);
    pub const PACKET_TOO_LARGE: ReasonCode = ReasonCode(0x95);
    pub const MESSAGE_RATE_TOO_HIGH: ReasonCode = ReasonCode(0x96);
    pub const QUOTA_EXCEEDED: ReasonCode = ReasonCode(0x97);
    pub const ADMINISTRATIVE_ACTION: ReasonCode = ReasonCode(0x98);
    pub const PAYLOAD_FORMAT_INVALID: ReasonCode = ReasonCode(0x99);
    pub const RETAIN_NOT_SUPPORTED: ReasonCode = ReasonCode(0x9A);
    pub const QOS_NOT_SUPPORTED: ReasonCode = ReasonCode(0x9B);
    pub const USE_ANOTHER_SERVER: ReasonCode = ReasonCode(0x9C);
    pub const SERVER_MOVED: ReasonCode = ReasonCode(0x9D);
    pub const SHARED_SUBSCRIPTIONS_NOT_SUPPORTED: ReasonCode = ReasonCode(0x9E);
    pub const CONNECTION_RATE_EXCEEDED: ReasonCode = ReasonCode(0x9F);
    pub const MAXIMUM_CONNECT_TIME: ReasonCode = ReasonCode(0xA0);
    pub const SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED: ReasonCode = ReasonCode(0xA1);
    pub const WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED: ReasonCode = ReasonCode(0xA2);

    /// 3.1.1 SUBACK return code for a refused subscription (same byte as 5.0 "Unspecified error").
    pub const SUBACK_FAILURE: ReasonCode = ReasonCode(0x80);

    /// Whether `packet` may carry this code in `version` (5.0 §2.4 Table 2-6; 3.1.1 §3.2.2.3, §3.9.3).
    pub const fn is_valid_in(self, packet: PacketType, version: ProtocolVersion) -> bool {
        let code = self.0;
        match version {
            ProtocolVersion::V311 => match packet {
                PacketType::ConnAck => code <= 5,
                PacketType::SubAck => matches!(code, 0x00 | 0x01 | 0x02 | 0x80),
                _ => code == 0,
            },
            ProtocolVersion::V5 => match packet {
                PacketType::ConnAck => matches!(
                    code,
                    0x00 | 0x80..=0x8A | 0x8C | 0x90 | 0x95 | 0x97 | 0x99..=0x9D | 0x9F
                ),
                PacketType::PubAck | PacketType::PubRec => {
                    matches!(
                        code,
                        0x00 | 0x10 | 0x80 | 0x83 | 0x87 | 0x90 | 0x91 | 0x97 | 0x99
                    )
                }
                PacketType::PubRel | PacketType::PubComp => matches!(code, 0x00 | 0x92),
                PacketType::SubAck => matches!(
                    code,
                    0x00 | 0x01
                        | 0x02
                        | 0x80
                        | 0x83
                        | 0x87
                        | 0x8F
                        | 0x91
                        | 0x97
                        | 0x9E
                        | 0xA1
                        | 0xA2
                ),
                PacketType::UnsubAck => {
                    matches!(code, 0x00 | 0x11 | 0x80 | 0x83 | 0x87 | 0x8F | 0x91)
                }
                PacketType::Disconnect => matches!(
                    code,
                    0x00 | 0x04 | 0x80..=0x83 | 0x87 | 0x89 | 0x8B | 0x8D..=0x90 | 0x93..=0xA2
                ),
                PacketType::Auth => matches!(code, 0x00 | 0x18 | 0x19),
                _ => code == 0,
            },
        }
    }

    /// Whether this code reports a failure (0x80 and above; 3.1.1 CONNACK: anything but 0).
    pub const fn is_error(self, packet: PacketType, version: ProtocolVersion) -> bool {
        match (version, packet) {
            (ProtocolVersion::V311, PacketType::ConnAck) => self.0 != 0,
            _ => self.0 >= 0x80,
        }
    }

    /// The code's name in `packet` (0x00 is "Success", "Normal disconnection" or "Granted QoS 0").
    pub const fn name(self, packet: PacketType, version: ProtocolVersion) -> &'static str {
        if let (ProtocolVersion::V311, PacketType::ConnAck) = (version, packet) {
            return match self.0 {
                0 => "Connection accepted",
                1 => "Connection refused: unacceptable protocol version",
                2 => "Connection refused: identifier rejected",
                3 => "Connection refused: server unavailable",
                4 => "Connection refused: bad user name or password",
                5 => "Connection refused: not authorized",
                _ => "Reserved",
            };
        }
        match self.0 {
            0x00 => match packet {
                PacketType::Disconnect => "Normal disconnection",
                PacketType::SubAck => "Granted QoS 0",
                _ => "Success",
            },
            0x01 => "Granted QoS 1",
            0x02 => "Granted QoS 2",
            0x04 => "Disconnect with Will Message",
            0x10 => "No matching subscribers",
            0x11 => "No subscription existed",
            0x18 => "Continue authentication",
            0x19 => "Re-authenticate",
            0x80 => match (version, packet) {
                (ProtocolVersion::V311, _) => "Failure",
                _ => "Unspecified error",
            },
            0x81 => "Malformed Packet",
            0x82 => "Protocol Error",
            0x83 => "Implementation specific error",
            0x84 => "Unsupported Protocol Version",
            0x85 => "Client Identifier not valid",
            0x86 => "Bad User Name or Password",
            0x87 => "Not authorized",
            0x88 => "Server unavailable",
            0x89 => "Server busy",
            0x8A => "Banned",
            0x8B => "Server shutting down",
            0x8C => "Bad authentication method",
            0x8D => "Keep Alive timeout",
            0x8E => "Session taken over",
            0x8F => "Topic Filter invalid",
            0x90 => "Topic Name invalid",
            0x91 => "Packet Identifier in use",
            0x92 => "Packet Identifier not found",
            0x93 => "Receive Maximum exceeded",
            0x94 => "Topic Alias invalid",
            0x95 => "Packet too large",
            0x96 => "Message rate too high",
            0x97 => "Quota exceeded",
            0x98 => "Administrative action",
            0x99 => "Payload format invalid",
            0x9A => "Retain not supported",
            0x9B => "QoS not supported",
            0x9C => "Use another server",
            0x9D => "Server moved",
            0x9E => "Shared Subscriptions not supported",
            0x9F => "Connection rate exceeded",
            0xA0 => "Maximum connect time",
            0xA1 => "Subscription Identifiers not supported",
            0xA2 => "Wildcard Subscriptions not supported",
            _ => "Reserved",
        }
    }

    /// What the code tells a student, in one line.
    pub const fn explain(self, packet: PacketType, version: ProtocolVersion) -> &'static str {
        if let (ProtocolVersion::V311, PacketType::ConnAck) = (version, packet) {
            return match self.0 {
                0 => "the broker accepted the connection",
                1 => "the broker does not speak the protocol level in CONNECT",
                2 => "the client id is not allowed (e.g. empty without clean session)",
                3 => "the MQTT service is unavailable",
                4 => "user name or password rejected",
                _ => "the client is not authorized to connect",
            };
        }
        match (self.0, packet) {
            (0x00, PacketType::SubAck) => "subscription accepted; messages arrive at QoS 0",
            (0x01, PacketType::SubAck) => "subscription accepted; messages arrive at up to QoS 1",
            (0x02, PacketType::SubAck) => "subscription accepted; messages arrive at up to QoS 2",
            (0x00, PacketType::Disconnect) => "orderly close; the will is discarded",
            (0x00, _) => "the operation succeeded",
            (0x04, _) => "close, but publish the will anyway",
            (0x10, _) => "accepted, but nobody is subscribed to the topic",
            (0x11, _) => "there was no such subscription to remove",
            (0x18, _) | (0x19, _) => "extended authentication continues",
            (0x80, PacketType::SubAck) => "the broker refused this subscription",
            (0x8E, _) => "another connection took over this client id",
            (0x91, _) => "that packet id is already in use",
            (0x92, _) => {
                "the receiver has no record of that packet id (e.g. lost with the session)"
            }
            (0x93, _) => "more QoS 1/2 messages in flight than Receive Maximum allows",
            (0x95, _) => "the packet exceeds the receiver's Maximum Packet Size",
            (0x9B, _) => "the QoS asked for is above what the broker supports",
            (code, _) if code >= 0x80 => "the operation failed; see the reason name",
            _ => "",
        }
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:02X}", self.0)
    }
}
