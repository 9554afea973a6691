//! What can be wrong with a packet, and which rule of which edition says so.
//!
//! [`Violation`] describes the problem in words a person can act on; [`Violation::rule`] names the
//! normative statement (e.g. `MQTT-3.3.1-4 (3.1.1)`) or, where the specification states the requirement
//! without a number, its section (e.g. `§2.2.3 (3.1.1)`). The same id can mean different rules in 3.1.1
//! and 5.0, so a rule is always printed with its edition. Decode errors (the peer's bytes are malformed)
//! and encode errors (the caller asked for something the specification forbids) share this description.

use alloc::string::String;
use core::fmt;

use crate::codec::{PacketType, PropertyContext, PropertyId, ProtocolVersion};

/// A rule of the specification: a normative statement id or a section, with its edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rule {
    /// `MQTT-x.y.z-n` for a normative statement, `§x.y.z` for a section.
    pub id: &'static str,
    /// The edition the id belongs to.
    pub version: ProtocolVersion,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.id, self.version.edition())
    }
}

/// Something the specification forbids, found in bytes we decoded or in a packet we were asked to encode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    /// Packet type 0 is reserved.
    #[error("packet type 0 is reserved; no MQTT packet starts with 0x0_")]
    ReservedPacketType,
    /// AUTH in a 3.1.1 connection.
    #[error("AUTH (packet type 15) exists only in MQTT 5.0; in 3.1.1 the type is reserved")]
    AuthNotInV311,
    /// Fixed-header flag bits that must have a fixed value do not.
    #[error("{packet} must have fixed-header flags {expected:04b}, found {found:04b}")]
    ReservedFlags {
        /// The packet whose flags are wrong.
        packet: PacketType,
        /// The value the table of flags requires.
        expected: u8,
        /// The value on the wire.
        found: u8,
    },
    /// A variable byte integer (e.g. the remaining length) still continues after 4 bytes.
    #[error("{field} does not end within 4 bytes (the 4th byte has its continuation bit set)")]
    VarintTooLong {
        /// Which integer.
        field: &'static str,
    },
    /// A variable byte integer encoded with more bytes than its value needs.
    #[error(
        "{field} uses {used} bytes where {needed} would do; the shortest encoding is required"
    )]
    NonMinimalVarint {
        /// Which integer.
        field: &'static str,
        /// Bytes on the wire.
        used: usize,
        /// Bytes the value needs.
        needed: usize,
    },
    /// A value too large for a variable byte integer.
    #[error("{field} is {value}, above the variable byte integer maximum of 268,435,455")]
    VarintTooLarge {
        /// Which integer.
        field: &'static str,
        /// The value asked for.
        value: u64,
    },
    /// A field runs past the end the remaining length announced.
    #[error(
        "{field} needs {needed} more byte(s) than the packet has (remaining length too short)"
    )]
    Truncated {
        /// The field being read.
        field: &'static str,
        /// How many bytes were missing.
        needed: usize,
    },
    /// Bytes left over inside the remaining length after the last field.
    #[error("{count} byte(s) after the last field of {packet}; the remaining length is too long")]
    TrailingBytes {
        /// The packet.
        packet: PacketType,
        /// How many bytes were left.
        count: usize,
    },
    /// A packet larger than the configured maximum.
    #[error("packet of {size} bytes is over the maximum packet size of {max} bytes")]
    PacketTooLarge {
        /// Size the fixed header announces (header included).
        size: usize,
        /// The configured maximum.
        max: usize,
    },
    /// A string that is not well-formed UTF-8.
    #[error("{field} is not well-formed UTF-8")]
    InvalidUtf8 {
        /// The field.
        field: &'static str,
    },
    /// A string containing U+0000.
    #[error("{field} contains the null character U+0000")]
    NullCharacter {
        /// The field.
        field: &'static str,
    },
    /// A string or binary field longer than its 2-byte length prefix can say.
    #[error("{field} is {len} bytes; a length-prefixed field holds at most 65,535")]
    FieldTooLong {
        /// The field.
        field: &'static str,
        /// Its length.
        len: usize,
    },
    /// The whole packet would exceed the largest remaining length.
    #[error("{packet} would have a remaining length of {len}, above the maximum of 268,435,455")]
    RemainingLengthTooLarge {
        /// The packet.
        packet: PacketType,
        /// The length it would need.
        len: usize,
    },
    /// PUBLISH with both QoS bits set.
    #[error("QoS 3 is reserved: a PUBLISH must not set both QoS bits")]
    PublishQos3,
    /// Packet identifier 0 where one is required.
    #[error("{packet} needs a non-zero packet identifier, found 0")]
    PacketIdZero {
        /// The packet.
        packet: PacketType,
    },
    /// DUP set on a QoS 0 PUBLISH.
    #[error("DUP must be 0 on a QoS 0 PUBLISH: QoS 0 messages are never resent")]
    DupOnQos0,
    /// An acknowledgement without any return or reason code.
    #[error(
        "{packet} must carry at least one return/reason code, one per topic filter of the request"
    )]
    NoReasonCodes {
        /// The packet.
        packet: PacketType,
    },
    /// QoS 0 PUBLISH with a packet identifier.
    #[error("a QoS 0 PUBLISH must not carry a packet identifier")]
    PacketIdOnQos0,
    /// QoS 1/2 PUBLISH without a packet identifier.
    #[error("a QoS {qos} PUBLISH needs a packet identifier")]
    PacketIdMissing {
        /// The QoS level asked for.
        qos: u8,
    },
    /// A topic name with `+` or `#`.
    #[error("{field} {topic:?} contains a wildcard ('+' or '#'); only topic filters may")]
    WildcardInTopicName {
        /// The field.
        field: &'static str,
        /// The offending name.
        topic: String,
    },
    /// An empty topic name or filter.
    #[error("{field} is empty; topic names and filters must be at least one character long")]
    EmptyTopic {
        /// The field.
        field: &'static str,
    },
    /// `#` not alone in the last level.
    #[error(
        "topic filter {filter:?}: '#' must be the last character and the only one in its level"
    )]
    MultiLevelWildcardMisplaced {
        /// The filter.
        filter: String,
    },
    /// `+` sharing a level with other characters.
    #[error("topic filter {filter:?}: '+' must be the only character in its level")]
    SingleLevelWildcardMisplaced {
        /// The filter.
        filter: String,
    },
    /// `$share/` with an empty share name or one containing a wildcard.
    #[error("shared subscription {filter:?}: the share name must be non-empty and contain no '+' or '#'")]
    ShareNameInvalid {
        /// The filter.
        filter: String,
    },
    /// `$share/name` without `/filter`.
    #[error("shared subscription {filter:?}: expected $share/<name>/<topic filter>")]
    SharedFilterMissing {
        /// The filter.
        filter: String,
    },
    /// CONNECT protocol name other than "MQTT".
    #[error(
        "protocol name must be \"MQTT\", found {found:?} (MQTT 3.1's \"MQIsdp\" is not supported)"
    )]
    ProtocolName {
        /// What was found.
        found: String,
    },
    /// CONNECT protocol level other than 4 or 5.
    #[error("protocol level {level} is not supported; use 4 (MQTT 3.1.1) or 5 (MQTT 5.0)")]
    UnsupportedProtocolLevel {
        /// The level byte.
        level: u8,
    },
    /// CONNECT flags bit 0 set.
    #[error("CONNECT flags bit 0 is reserved and must be 0")]
    ConnectReservedFlag,
    /// Will QoS without a will.
    #[error("Will QoS must be 0 when the Will Flag is 0")]
    WillQosWithoutWill,
    /// Will retain without a will.
    #[error("Will Retain must be 0 when the Will Flag is 0")]
    WillRetainWithoutWill,
    /// Will QoS 3.
    #[error("Will QoS 3 is reserved")]
    WillQos3,
    /// 3.1.1 password flag without user name flag.
    #[error(
        "a password needs a user name in MQTT 3.1.1 (Password Flag set, User Name Flag clear)"
    )]
    PasswordWithoutUsername,
    /// 3.1.1 empty client id with clean session 0.
    #[error("an empty client id needs Clean Session = 1 in MQTT 3.1.1; give a client id or set clean session")]
    EmptyClientIdNeedsCleanSession,
    /// CONNACK flags bits 7-1 set.
    #[error("CONNACK acknowledge flags bits 7-1 are reserved and must be 0, found {found:08b}")]
    ConnAckReservedFlags {
        /// The flags byte.
        found: u8,
    },
    /// Session Present set on a refused connection.
    #[error("Session Present must be 0 when the connection is refused (code 0x{code:02X})")]
    SessionPresentOnRefusal {
        /// The refusal code.
        code: u8,
    },
    /// A 3.1.1 return code outside the defined set.
    #[error("return code {code} (0x{code:02X}) is reserved in {packet} for MQTT 3.1.1")]
    ReservedReturnCode {
        /// The packet.
        packet: PacketType,
        /// The code.
        code: u8,
    },
    /// A 5.0 reason code that the packet does not allow.
    #[error("reason code 0x{code:02X} is not valid in {packet}")]
    InvalidReasonCode {
        /// The packet.
        packet: PacketType,
        /// The code.
        code: u8,
    },
    /// A reason code or property asked for in a 3.1.1 packet.
    #[error("{what} do not exist in MQTT 3.1.1 {packet}; switch to 5.0 or leave them out")]
    NotInV311 {
        /// What was asked for ("properties", "reason codes").
        what: &'static str,
        /// The packet.
        packet: PacketType,
    },
    /// Reserved bits in a SUBSCRIBE options byte.
    #[error("subscription options byte {found:08b} sets reserved bits")]
    SubscriptionOptionsReserved {
        /// The options byte.
        found: u8,
    },
    /// Requested QoS 3 in SUBSCRIBE.
    #[error("requested QoS 3 in SUBSCRIBE is reserved")]
    SubscribeQos3,
    /// Retain Handling 3.
    #[error("Retain Handling 3 is reserved (0 = send retained, 1 = only for new subscriptions, 2 = never)")]
    RetainHandling3,
    /// SUBSCRIBE or UNSUBSCRIBE without any topic filter.
    #[error("{packet} must contain at least one topic filter")]
    NoTopicFilters {
        /// The packet.
        packet: PacketType,
    },
    /// No Local on a shared subscription.
    #[error("No Local cannot be set on a shared subscription ({filter:?})")]
    NoLocalOnSharedSubscription {
        /// The filter.
        filter: String,
    },
    /// A property identifier 5.0 does not define.
    #[error("unknown property identifier 0x{id:02X}")]
    UnknownProperty {
        /// The identifier.
        id: u32,
    },
    /// A property in a packet that does not allow it.
    #[error("{property} is not allowed in {context}")]
    PropertyNotAllowed {
        /// The property.
        property: PropertyId,
        /// Where it appeared.
        context: PropertyContext,
    },
    /// A property that may appear once appears again.
    #[error("{property} appears more than once in {context}")]
    DuplicateProperty {
        /// The property.
        property: PropertyId,
        /// Where it appeared.
        context: PropertyContext,
    },
    /// A property with a value the specification forbids.
    #[error("{property} = {value} is not allowed in {context}: {expected}")]
    InvalidPropertyValue {
        /// The property.
        property: PropertyId,
        /// Where it appeared.
        context: PropertyContext,
        /// The value found.
        value: u32,
        /// What is allowed.
        expected: &'static str,
    },
    /// A 5.0 PUBLISH with an empty topic name and no Topic Alias.
    #[error("an empty topic name is only allowed together with a Topic Alias")]
    EmptyTopicWithoutAlias,
}

impl Violation {
    /// The rule this violates, cited for `version`'s edition; `None` where no rule applies (e.g. our own
    /// configured maximum packet size, or a field cut short).
    pub fn rule(&self, version: ProtocolVersion) -> Option<Rule> {
        use ProtocolVersion::{V311, V5};
        use Violation::*;
        let by_edition = |v311: &'static str, v5: &'static str| {
            let id = if version == V5 { v5 } else { v311 };
            Some(Rule { id, version })
        };
        let only = |edition: ProtocolVersion, id: &'static str| {
            Some(Rule {
                id,
                version: edition,
            })
        };
        match self {
            ReservedPacketType => by_edition("§2.2.1", "§2.1.2"),
            AuthNotInV311 => only(V311, "§2.2.1"),
            ReservedFlags { .. } => by_edition("MQTT-2.2.2-1", "MQTT-2.1.3-1"),
            VarintTooLong { .. } | VarintTooLarge { .. } | RemainingLengthTooLarge { .. } => {
                by_edition("§2.2.3", "§1.5.5")
            }
            NonMinimalVarint { .. } => by_edition("§2.2.3", "MQTT-1.5.5-1"),
            Truncated { .. } | TrailingBytes { .. } | PacketTooLarge { .. } => None,
            InvalidUtf8 { .. } => by_edition("MQTT-1.5.3-1", "MQTT-1.5.4-1"),
            NullCharacter { .. } => by_edition("MQTT-1.5.3-2", "MQTT-1.5.4-2"),
            FieldTooLong { .. } => by_edition("§1.5.3", "§1.5.4"),
            PublishQos3 => by_edition("MQTT-3.3.1-4", "MQTT-3.3.1-4"),
            PacketIdZero { packet } => match packet {
                PacketType::Publish | PacketType::Subscribe | PacketType::Unsubscribe => {
                    by_edition("MQTT-2.3.1-1", "MQTT-2.2.1-3")
                }
                // Acknowledgements echo the (non-zero) identifier of what they acknowledge.
                _ => by_edition("§2.3.1", "§2.2.1"),
            },
            PacketIdMissing { .. } => by_edition("MQTT-2.3.1-1", "MQTT-2.2.1-3"),
            DupOnQos0 => by_edition("MQTT-3.3.1-2", "MQTT-3.3.1-2"),
            NoReasonCodes { packet } => match packet {
                PacketType::UnsubAck => only(V5, "§3.11.3"),
                _ => by_edition("§3.9.3", "§3.9.3"),
            },
            PacketIdOnQos0 => by_edition("MQTT-2.3.1-5", "MQTT-2.2.1-2"),
            WildcardInTopicName { field, .. } if *field == "Response Topic" => {
                only(V5, "MQTT-3.3.2-14")
            }
            WildcardInTopicName { .. } => by_edition("MQTT-3.3.2-2", "MQTT-3.3.2-2"),
            EmptyTopic { .. } => by_edition("MQTT-4.7.3-1", "MQTT-4.7.3-1"),
            MultiLevelWildcardMisplaced { .. } => by_edition("MQTT-4.7.1-2", "MQTT-4.7.1-1"),
            SingleLevelWildcardMisplaced { .. } => by_edition("MQTT-4.7.1-3", "MQTT-4.7.1-2"),
            ShareNameInvalid { .. } => only(V5, "MQTT-4.8.2-1"),
            SharedFilterMissing { .. } => only(V5, "MQTT-4.8.2-2"),
            ProtocolName { .. } => by_edition("MQTT-3.1.2-1", "MQTT-3.1.2-1"),
            UnsupportedProtocolLevel { .. } => by_edition("MQTT-3.1.2-2", "MQTT-3.1.2-2"),
            ConnectReservedFlag => by_edition("MQTT-3.1.2-3", "MQTT-3.1.2-3"),
            WillQosWithoutWill => by_edition("MQTT-3.1.2-13", "MQTT-3.1.2-11"),
            WillQos3 => by_edition("MQTT-3.1.2-14", "§3.1.2.6"),
            WillRetainWithoutWill => by_edition("MQTT-3.1.2-15", "MQTT-3.1.2-13"),
            PasswordWithoutUsername => only(V311, "MQTT-3.1.2-22"),
            EmptyClientIdNeedsCleanSession => only(V311, "MQTT-3.1.3-7"),
            ConnAckReservedFlags { .. } => by_edition("§3.2.2.1", "MQTT-3.2.2-1"),
            SessionPresentOnRefusal { .. } => by_edition("MQTT-3.2.2-4", "MQTT-3.2.2-6"),
            ReservedReturnCode { packet, .. } => match packet {
                PacketType::SubAck => only(V311, "MQTT-3.9.3-2"),
                _ => only(V311, "§3.2.2.3"),
            },
            InvalidReasonCode { packet, .. } => only(V5, reason_code_section(*packet)),
            NotInV311 { .. } => only(V311, "§2.2"),
            SubscriptionOptionsReserved { .. } => by_edition("MQTT-3-8.3-4", "MQTT-3.8.3-5"),
            SubscribeQos3 => by_edition("MQTT-3-8.3-4", "§3.8.3.1"),
            RetainHandling3 => only(V5, "§3.8.3.1"),
            NoTopicFilters { packet } => match packet {
                PacketType::Unsubscribe => by_edition("MQTT-3.10.3-2", "MQTT-3.10.3-2"),
                _ => by_edition("MQTT-3.8.3-3", "MQTT-3.8.3-2"),
            },
            NoLocalOnSharedSubscription { .. } => only(V5, "MQTT-3.8.3-4"),
            UnknownProperty { .. } => only(V5, "§2.2.2.2"),
            PropertyNotAllowed { .. } => only(V5, "§2.2.2.2"),
            DuplicateProperty { property, context }
            | InvalidPropertyValue {
                property, context, ..
            } => only(V5, context.section(*property).unwrap_or("§2.2.2.2")),
            EmptyTopicWithoutAlias => only(V5, "§3.3.2.1"),
        }
    }
}

/// The 5.0 section listing the reason codes a packet may carry.
const fn reason_code_section(packet: PacketType) -> &'static str {
    match packet {
        PacketType::ConnAck => "§3.2.2.2",
        PacketType::PubAck => "§3.4.2.1",
        PacketType::PubRec => "§3.5.2.1",
        PacketType::PubRel => "§3.6.2.1",
        PacketType::PubComp => "§3.7.2.1",
        PacketType::SubAck => "§3.9.3",
        PacketType::UnsubAck => "§3.11.3",
        PacketType::Disconnect => "§3.14.2.1",
        PacketType::Auth => "§3.15.2.1",
        _ => "§2.4",
    }
}

/// Formats `"; see RULE"` when there is a rule, for error messages.
pub(crate) struct Citation(pub Option<Rule>);

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(rule) => write!(f, " [{rule}]"),
            None => Ok(()),
        }
    }
}
