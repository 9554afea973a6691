//! MQTT 5.0 property identifiers, where each may appear, and where the specification defines it.
//!
//! One table answers three questions at once: is property X allowed in packet Y, may it repeat, and which
//! section of MQTT 5.0 to cite when it is misused. Keeping it in one place keeps decode, encode and the
//! error messages in agreement.

use core::fmt;

/// Identifier of an MQTT 5.0 property (MQTT §2.2.2.2 (5.0), Table 2-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // the names are the specification's
pub enum PropertyId {
    PayloadFormatIndicator = 0x01,
    MessageExpiryInterval = 0x02,
    ContentType = 0x03,
    ResponseTopic = 0x08,
    CorrelationData = 0x09,
    SubscriptionIdentifier = 0x0B,
    SessionExpiryInterval = 0x11,
    AssignedClientIdentifier = 0x12,
    ServerKeepAlive = 0x13,
    AuthenticationMethod = 0x15,
    AuthenticationData = 0x16,
    RequestProblemInformation = 0x17,
    WillDelayInterval = 0x18,
    RequestResponseInformation = 0x19,
    ResponseInformation = 0x1A,
    ServerReference = 0x1C,
    ReasonString = 0x1F,
    ReceiveMaximum = 0x21,
    TopicAliasMaximum = 0x22,
    TopicAlias = 0x23,
    MaximumQoS = 0x24,
    RetainAvailable = 0x25,
    UserProperty = 0x26,
    MaximumPacketSize = 0x27,
    WildcardSubscriptionAvailable = 0x28,
    SubscriptionIdentifierAvailable = 0x29,
    SharedSubscriptionAvailable = 0x2A,
}

impl PropertyId {
    /// The property for an identifier, `None` if 5.0 defines no such property.
    pub const fn from_id(id: u32) -> Option<Self> {
        use PropertyId::*;
        Some(match id {
            0x01 => PayloadFormatIndicator,
            0x02 => MessageExpiryInterval,
            0x03 => ContentType,
            0x08 => ResponseTopic,
            0x09 => CorrelationData,
            0x0B => SubscriptionIdentifier,
            0x11 => SessionExpiryInterval,
            0x12 => AssignedClientIdentifier,
            0x13 => ServerKeepAlive,
            0x15 => AuthenticationMethod,
            0x16 => AuthenticationData,
            0x17 => RequestProblemInformation,
            0x18 => WillDelayInterval,
            0x19 => RequestResponseInformation,
            0x1A => ResponseInformation,
            0x1C => ServerReference,
            0x1F => ReasonString,
            0x21 => ReceiveMaximum,
            0x22 => TopicAliasMaximum,
            0x23 => TopicAlias,
            0x24 => MaximumQoS,
            0x25 => RetainAvailable,
            0x26 => UserProperty,
            0x27 => MaximumPacketSize,
            0x28 => WildcardSubscriptionAvailable,
            0x29 => SubscriptionIdentifierAvailable,
            0x2A => SharedSubscriptionAvailable,
            _ => return None,
        })
    }

    /// The identifier byte.
    pub const fn id(self) -> u8 {
        self as u8
    }

    /// The name as the specification writes it.
    pub const fn name(self) -> &'static str {
        use PropertyId::*;
        match self {
            PayloadFormatIndicator => "Payload Format Indicator",
            MessageExpiryInterval => "Message Expiry Interval",
            ContentType => "Content Type",
            ResponseTopic => "Response Topic",
            CorrelationData => "Correlation Data",
            SubscriptionIdentifier => "Subscription Identifier",
            SessionExpiryInterval => "Session Expiry Interval",
            AssignedClientIdentifier => "Assigned Client Identifier",
            ServerKeepAlive => "Server Keep Alive",
            AuthenticationMethod => "Authentication Method",
            AuthenticationData => "Authentication Data",
            RequestProblemInformation => "Request Problem Information",
            WillDelayInterval => "Will Delay Interval",
            RequestResponseInformation => "Request Response Information",
            ResponseInformation => "Response Information",
            ServerReference => "Server Reference",
            ReasonString => "Reason String",
            ReceiveMaximum => "Receive Maximum",
            TopicAliasMaximum => "Topic Alias Maximum",
            TopicAlias => "Topic Alias",
            MaximumQoS => "Maximum QoS",
            RetainAvailable => "Retain Available",
            UserProperty => "User Property",
            MaximumPacketSize => "Maximum Packet Size",
            WildcardSubscriptionAvailable => "Wildcard Subscription Available",
            SubscriptionIdentifierAvailable => "Subscription Identifiers Available",
            SharedSubscriptionAvailable => "Shared Subscription Available",
        }
    }

    /// What the property does, in one line for a student.
    pub const fn explain(self) -> &'static str {
        use PropertyId::*;
        match self {
            PayloadFormatIndicator => "1 = the payload is UTF-8 text, 0 = unspecified bytes",
            MessageExpiryInterval => "seconds the broker keeps the message for subscribers that have not got it yet",
            ContentType => "MIME type of the payload, e.g. application/json",
            ResponseTopic => "topic the receiver should publish its answer to (request/response)",
            CorrelationData => "opaque bytes the requester uses to match an answer to its request",
            SubscriptionIdentifier => "number that tells the subscriber which of its subscriptions matched",
            SessionExpiryInterval => "seconds the broker keeps the session after the connection closes (0 = end with it)",
            AssignedClientIdentifier => "client id the broker chose because the client sent an empty one",
            ServerKeepAlive => "keep alive the broker imposes, overriding the client's value",
            AuthenticationMethod => "name of the extended authentication method (e.g. SCRAM-SHA-1)",
            AuthenticationData => "method-specific authentication bytes",
            RequestProblemInformation => "0 = the broker may send reason strings/user properties only on PUBLISH, CONNACK, DISCONNECT",
            WillDelayInterval => "seconds the broker waits before publishing the will (a quick reconnect cancels it)",
            RequestResponseInformation => "1 = ask the broker for Response Information in CONNACK",
            ResponseInformation => "basis the broker suggests for building response topics",
            ServerReference => "another broker the client should use",
            ReasonString => "human-readable diagnostic; not to be parsed",
            ReceiveMaximum => "how many QoS 1/2 messages the sender of this may have unacknowledged at once",
            TopicAliasMaximum => "highest topic alias the sender of this accepts (0 = none)",
            TopicAlias => "number standing for the topic name, so later PUBLISHes can omit it",
            MaximumQoS => "highest QoS the broker supports",
            RetainAvailable => "0 = the broker does not support retained messages",
            UserProperty => "application-defined name/value pair; may repeat",
            MaximumPacketSize => "largest packet, in bytes, the sender of this accepts",
            WildcardSubscriptionAvailable => "0 = the broker does not support wildcard subscriptions",
            SubscriptionIdentifierAvailable => "0 = the broker does not support subscription identifiers",
            SharedSubscriptionAvailable => "0 = the broker does not support shared subscriptions",
        }
    }
}

impl fmt::Display for PropertyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (0x{:02X})", self.name(), self.id())
    }
}

/// Where a property list sits: a packet, or the will inside CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // one variant per packet type that has properties, plus the will
pub enum PropertyContext {
    Connect,
    Will,
    ConnAck,
    Publish,
    PubAck,
    PubRec,
    PubRel,
    PubComp,
    Subscribe,
    SubAck,
    Unsubscribe,
    UnsubAck,
    Disconnect,
    Auth,
}

impl PropertyContext {
    /// Name for messages: the packet name, or "CONNECT will".
    pub const fn name(self) -> &'static str {
        use PropertyContext::*;
        match self {
            Connect => "CONNECT",
            Will => "CONNECT will",
            ConnAck => "CONNACK",
            Publish => "PUBLISH",
            PubAck => "PUBACK",
            PubRec => "PUBREC",
            PubRel => "PUBREL",
            PubComp => "PUBCOMP",
            Subscribe => "SUBSCRIBE",
            SubAck => "SUBACK",
            Unsubscribe => "UNSUBSCRIBE",
            UnsubAck => "UNSUBACK",
            Disconnect => "DISCONNECT",
            Auth => "AUTH",
        }
    }

    /// The 5.0 section that defines `id` in this context, or `None` if `id` is not allowed here.
    ///
    /// These sections are also where "It is a Protocol Error to include X more than once" and the
    /// allowed values are stated, so they are what a duplicate or bad value cites.
    pub const fn section(self, id: PropertyId) -> Option<&'static str> {
        use PropertyContext as C;
        use PropertyId as P;
        Some(match (self, id) {
            (C::Connect, P::SessionExpiryInterval) => "§3.1.2.11.2",
            (C::Connect, P::ReceiveMaximum) => "§3.1.2.11.3",
            (C::Connect, P::MaximumPacketSize) => "§3.1.2.11.4",
            (C::Connect, P::TopicAliasMaximum) => "§3.1.2.11.5",
            (C::Connect, P::RequestResponseInformation) => "§3.1.2.11.6",
            (C::Connect, P::RequestProblemInformation) => "§3.1.2.11.7",
            (C::Connect, P::UserProperty) => "§3.1.2.11.8",
            (C::Connect, P::AuthenticationMethod) => "§3.1.2.11.9",
            (C::Connect, P::AuthenticationData) => "§3.1.2.11.10",
            (C::Will, P::WillDelayInterval) => "§3.1.3.2.2",
            (C::Will, P::PayloadFormatIndicator) => "§3.1.3.2.3",
            (C::Will, P::MessageExpiryInterval) => "§3.1.3.2.4",
            (C::Will, P::ContentType) => "§3.1.3.2.5",
            (C::Will, P::ResponseTopic) => "§3.1.3.2.6",
            (C::Will, P::CorrelationData) => "§3.1.3.2.7",
            (C::Will, P::UserProperty) => "§3.1.3.2.8",
            (C::ConnAck, P::SessionExpiryInterval) => "§3.2.2.3.2",
            (C::ConnAck, P::ReceiveMaximum) => "§3.2.2.3.3",
            (C::ConnAck, P::MaximumQoS) => "§3.2.2.3.4",
            (C::ConnAck, P::RetainAvailable) => "§3.2.2.3.5",
            (C::ConnAck, P::MaximumPacketSize) => "§3.2.2.3.6",
            (C::ConnAck, P::AssignedClientIdentifier) => "§3.2.2.3.7",
            (C::ConnAck, P::TopicAliasMaximum) => "§3.2.2.3.8",
            (C::ConnAck, P::ReasonString) => "§3.2.2.3.9",
            (C::ConnAck, P::UserProperty) => "§3.2.2.3.10",
            (C::ConnAck, P::WildcardSubscriptionAvailable) => "§3.2.2.3.11",
            (C::ConnAck, P::SubscriptionIdentifierAvailable) => "§3.2.2.3.12",
            (C::ConnAck, P::SharedSubscriptionAvailable) => "§3.2.2.3.13",
            (C::ConnAck, P::ServerKeepAlive) => "§3.2.2.3.14",
            (C::ConnAck, P::ResponseInformation) => "§3.2.2.3.15",
            (C::ConnAck, P::ServerReference) => "§3.2.2.3.16",
            (C::ConnAck, P::AuthenticationMethod) => "§3.2.2.3.17",
            (C::ConnAck, P::AuthenticationData) => "§3.2.2.3.18",
            (C::Publish, P::PayloadFormatIndicator) => "§3.3.2.3.2",
            (C::Publish, P::MessageExpiryInterval) => "§3.3.2.3.3",
            (C::Publish, P::TopicAlias) => "§3.3.2.3.4",
            (C::Publish, P::ResponseTopic) => "§3.3.2.3.5",
            (C::Publish, P::CorrelationData) => "§3.3.2.3.6",
            (C::Publish, P::UserProperty) => "§3.3.2.3.7",
            (C::Publish, P::SubscriptionIdentifier) => "§3.3.2.3.8",
            (C::Publish, P::ContentType) => "§3.3.2.3.9",
            (C::PubAck, P::ReasonString) => "§3.4.2.2.2",
            (C::PubAck, P::UserProperty) => "§3.4.2.2.3",
            (C::PubRec, P::ReasonString) => "§3.5.2.2.2",
            (C::PubRec, P::UserProperty) => "§3.5.2.2.3",
            (C::PubRel, P::ReasonString) => "§3.6.2.2.2",
            (C::PubRel, P::UserProperty) => "§3.6.2.2.3",
            (C::PubComp, P::ReasonString) => "§3.7.2.2.2",
            (C::PubComp, P::UserProperty) => "§3.7.2.2.3",
            (C::Subscribe, P::SubscriptionIdentifier) => "§3.8.2.1.2",
            (C::Subscribe, P::UserProperty) => "§3.8.2.1.3",
            (C::SubAck, P::ReasonString) => "§3.9.2.1.2",
            (C::SubAck, P::UserProperty) => "§3.9.2.1.3",
            (C::Unsubscribe, P::UserProperty) => "§3.10.2.1.2",
            (C::UnsubAck, P::ReasonString) => "§3.11.2.1.2",
            (C::UnsubAck, P::UserProperty) => "§3.11.2.1.3",
            (C::Disconnect, P::SessionExpiryInterval) => "§3.14.2.2.2",
            (C::Disconnect, P::ReasonString) => "§3.14.2.2.3",
            (C::Disconnect, P::UserProperty) => "§3.14.2.2.4",
            (C::Disconnect, P::ServerReference) => "§3.14.2.2.5",
            (C::Auth, P::AuthenticationMethod) => "§3.15.2.2.2",
            (C::Auth, P::AuthenticationData) => "§3.15.2.2.3",
            (C::Auth, P::ReasonString) => "§3.15.2.2.4",
            (C::Auth, P::UserProperty) => "§3.15.2.2.5",
            _ => return None,
        })
    }

    /// Whether `id` may appear more than once here: User Property anywhere, Subscription Identifier in
    /// PUBLISH (one per matching subscription, §3.3.4).
    pub const fn may_repeat(self, id: PropertyId) -> bool {
        matches!(id, PropertyId::UserProperty)
            || matches!(
                (self, id),
                (PropertyContext::Publish, PropertyId::SubscriptionIdentifier)
            )
    }
}

impl fmt::Display for PropertyContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
