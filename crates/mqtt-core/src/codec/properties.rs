//! MQTT 5.0 properties: decoded in wire order, validated for their packet, encoded in the order given.
//!
//! Properties are kept as a list rather than a struct of optional fields because the order is visible on
//! the wire and the specification leaves it open: keeping it means decode → encode reproduces the exact
//! bytes, and the inspector shows the packet as it really was.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::property_id::{PropertyContext, PropertyId};
use super::reader::{hex_preview, quote, Reader};
use super::span::{Field, SpanSink};
use super::varint::{put_varint, varint_len, VARINT_MAX};
use super::writer::{binary_len, put_binary, put_string, put_u16, put_u32, string_len};
use super::{DecodeError, EncodeError, ProtocolVersion, QoS};
use crate::rule::Violation;
use crate::topic;

/// One property with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is documented by PropertyId::explain
pub enum Property<'a> {
    PayloadFormatIndicator(bool),
    MessageExpiryInterval(u32),
    ContentType(&'a str),
    ResponseTopic(&'a str),
    CorrelationData(&'a [u8]),
    SubscriptionIdentifier(u32),
    SessionExpiryInterval(u32),
    AssignedClientIdentifier(&'a str),
    ServerKeepAlive(u16),
    AuthenticationMethod(&'a str),
    AuthenticationData(&'a [u8]),
    RequestProblemInformation(bool),
    WillDelayInterval(u32),
    RequestResponseInformation(bool),
    ResponseInformation(&'a str),
    ServerReference(&'a str),
    ReasonString(&'a str),
    ReceiveMaximum(u16),
    TopicAliasMaximum(u16),
    TopicAlias(u16),
    MaximumQoS(QoS),
    RetainAvailable(bool),
    UserProperty(&'a str, &'a str),
    MaximumPacketSize(u32),
    WildcardSubscriptionAvailable(bool),
    SubscriptionIdentifierAvailable(bool),
    SharedSubscriptionAvailable(bool),
}

impl Property<'_> {
    /// Which property this is.
    pub const fn id(&self) -> PropertyId {
        use Property as P;
        use PropertyId as I;
        match self {
            P::PayloadFormatIndicator(_) => I::PayloadFormatIndicator,
            P::MessageExpiryInterval(_) => I::MessageExpiryInterval,
            P::ContentType(_) => I::ContentType,
            P::ResponseTopic(_) => I::ResponseTopic,
            P::CorrelationData(_) => I::CorrelationData,
            P::SubscriptionIdentifier(_) => I::SubscriptionIdentifier,
            P::SessionExpiryInterval(_) => I::SessionExpiryInterval,
            P::AssignedClientIdentifier(_) => I::AssignedClientIdentifier,
            P::ServerKeepAlive(_) => I::ServerKeepAlive,
            P::AuthenticationMethod(_) => I::AuthenticationMethod,
            P::AuthenticationData(_) => I::AuthenticationData,
            P::RequestProblemInformation(_) => I::RequestProblemInformation,
            P::WillDelayInterval(_) => I::WillDelayInterval,
            P::RequestResponseInformation(_) => I::RequestResponseInformation,
            P::ResponseInformation(_) => I::ResponseInformation,
            P::ServerReference(_) => I::ServerReference,
            P::ReasonString(_) => I::ReasonString,
            P::ReceiveMaximum(_) => I::ReceiveMaximum,
            P::TopicAliasMaximum(_) => I::TopicAliasMaximum,
            P::TopicAlias(_) => I::TopicAlias,
            P::MaximumQoS(_) => I::MaximumQoS,
            P::RetainAvailable(_) => I::RetainAvailable,
            P::UserProperty(_, _) => I::UserProperty,
            P::MaximumPacketSize(_) => I::MaximumPacketSize,
            P::WildcardSubscriptionAvailable(_) => I::WildcardSubscriptionAvailable,
            P::SubscriptionIdentifierAvailable(_) => I::SubscriptionIdentifierAvailable,
            P::SharedSubscriptionAvailable(_) => I::SharedSubscriptionAvailable,
        }
    }

    /// The value as shown in the inspector.
    pub fn render_value(&self) -> String {
        use Property as P;
        match *self {
            P::PayloadFormatIndicator(utf8) => {
                String::from(if utf8 { "1 (UTF-8 text)" } else { "0 (bytes)" })
            }
            P::MessageExpiryInterval(s) | P::SessionExpiryInterval(s) | P::WillDelayInterval(s) => {
                format!("{s} s")
            }
            P::ServerKeepAlive(s) => format!("{s} s"),
            P::ContentType(t)
            | P::ResponseTopic(t)
            | P::AssignedClientIdentifier(t)
            | P::AuthenticationMethod(t)
            | P::ResponseInformation(t)
            | P::ServerReference(t)
            | P::ReasonString(t) => quote(t),
            P::CorrelationData(b) | P::AuthenticationData(b) => hex_preview(b),
            P::SubscriptionIdentifier(n) | P::MaximumPacketSize(n) => format!("{n}"),
            P::ReceiveMaximum(n) | P::TopicAliasMaximum(n) | P::TopicAlias(n) => format!("{n}"),
            P::MaximumQoS(q) => format!("{}", q.level()),
            P::RequestProblemInformation(b)
            | P::RequestResponseInformation(b)
            | P::RetainAvailable(b)
            | P::WildcardSubscriptionAvailable(b)
            | P::SubscriptionIdentifierAvailable(b)
            | P::SharedSubscriptionAvailable(b) => String::from(if b { "1" } else { "0" }),
            P::UserProperty(name, value) => format!("{} = {}", quote(name), quote(value)),
        }
    }

    /// A value the specification forbids for this property, as (value, what is allowed).
    fn forbidden_value(&self) -> Option<(u32, &'static str)> {
        match *self {
            Property::ReceiveMaximum(0) => Some((0, "Receive Maximum must be 1 to 65,535")),
            Property::TopicAlias(0) => Some((0, "Topic Alias must be 1 to 65,535")),
            Property::MaximumPacketSize(0) => Some((0, "Maximum Packet Size must be at least 1")),
            Property::SubscriptionIdentifier(0) => {
                Some((0, "Subscription Identifier must be 1 to 268,435,455"))
            }
            Property::SubscriptionIdentifier(n) if n > VARINT_MAX => {
                Some((n, "Subscription Identifier must be 1 to 268,435,455"))
            }
            Property::MaximumQoS(QoS::ExactlyOnce) => {
                Some((2, "Maximum QoS is 0 or 1 (absent means 2)"))
            }
            _ => None,
        }
    }

    /// Refuses what may not be sent: forbidden values, strings with U+0000 or over 65,535 bytes, a
    /// Response Topic with wildcards.
    fn validate(
        &self,
        context: PropertyContext,
        version: ProtocolVersion,
    ) -> Result<(), EncodeError> {
        use Property as P;
        if let Some((value, expected)) = self.forbidden_value() {
            return Err(EncodeError::new(
                Violation::InvalidPropertyValue {
                    property: self.id(),
                    context,
                    value,
                    expected,
                },
                version,
            ));
        }
        let name = self.id().name();
        match *self {
            P::ResponseTopic(t) => {
                topic::check_topic_name(t, "Response Topic")
                    .map_err(|v| EncodeError::new(v, version))?;
                string_len(name, t, version)?;
            }
            P::ContentType(t)
            | P::AssignedClientIdentifier(t)
            | P::AuthenticationMethod(t)
            | P::ResponseInformation(t)
            | P::ServerReference(t)
            | P::ReasonString(t) => {
                string_len(name, t, version)?;
            }
            P::CorrelationData(b) | P::AuthenticationData(b) => {
                binary_len(name, b, version)?;
            }
            P::UserProperty(k, v) => {
                string_len(name, k, version)?;
                string_len(name, v, version)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Encoded size, identifier byte included.
    fn size(&self) -> usize {
        use Property as P;
        1 + match *self {
            P::PayloadFormatIndicator(_)
            | P::RequestProblemInformation(_)
            | P::RequestResponseInformation(_)
            | P::MaximumQoS(_)
            | P::RetainAvailable(_)
            | P::WildcardSubscriptionAvailable(_)
            | P::SubscriptionIdentifierAvailable(_)
            | P::SharedSubscriptionAvailable(_) => 1,
            P::ServerKeepAlive(_)
            | P::ReceiveMaximum(_)
            | P::TopicAliasMaximum(_)
            | P::TopicAlias(_) => 2,
            P::MessageExpiryInterval(_)
            | P::SessionExpiryInterval(_)
            | P::WillDelayInterval(_)
            | P::MaximumPacketSize(_) => 4,
            P::SubscriptionIdentifier(n) => varint_len(n),
            P::ContentType(t)
            | P::ResponseTopic(t)
            | P::AssignedClientIdentifier(t)
            | P::AuthenticationMethod(t)
            | P::ResponseInformation(t)
            | P::ServerReference(t)
            | P::ReasonString(t) => 2 + t.len(),
            P::CorrelationData(b) | P::AuthenticationData(b) => 2 + b.len(),
            P::UserProperty(k, v) => 4 + k.len() + v.len(),
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        use Property as P;
        out.push(self.id().id());
        match *self {
            P::PayloadFormatIndicator(b)
            | P::RequestProblemInformation(b)
            | P::RequestResponseInformation(b)
            | P::RetainAvailable(b)
            | P::WildcardSubscriptionAvailable(b)
            | P::SubscriptionIdentifierAvailable(b)
            | P::SharedSubscriptionAvailable(b) => out.push(u8::from(b)),
            P::MaximumQoS(q) => out.push(q.level()),
            P::ServerKeepAlive(n)
            | P::ReceiveMaximum(n)
            | P::TopicAliasMaximum(n)
            | P::TopicAlias(n) => put_u16(out, n),
            P::MessageExpiryInterval(n)
            | P::SessionExpiryInterval(n)
            | P::WillDelayInterval(n)
            | P::MaximumPacketSize(n) => put_u32(out, n),
            P::SubscriptionIdentifier(n) => put_varint(out, n),
            P::ContentType(t)
            | P::ResponseTopic(t)
            | P::AssignedClientIdentifier(t)
            | P::AuthenticationMethod(t)
            | P::ResponseInformation(t)
            | P::ServerReference(t)
            | P::ReasonString(t) => put_string(out, t),
            P::CorrelationData(b) | P::AuthenticationData(b) => put_binary(out, b),
            P::UserProperty(k, v) => {
                put_string(out, k);
                put_string(out, v);
            }
        }
    }
}

/// The properties of one packet (or of a will), in wire order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Properties<'a>(pub Vec<Property<'a>>);

impl<'a> Properties<'a> {
    /// No properties.
    pub const fn new() -> Self {
        Properties(Vec::new())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds a property at the end.
    pub fn push(&mut self, property: Property<'a>) -> &mut Self {
        self.0.push(property);
        self
    }

    /// The properties in wire order.
    pub fn iter(&self) -> core::slice::Iter<'_, Property<'a>> {
        self.0.iter()
    }

    /// The first property with identifier `id`.
    pub fn get(&self, id: PropertyId) -> Option<&Property<'a>> {
        self.0.iter().find(|property| property.id() == id)
    }

    /// Session Expiry Interval in seconds, if present.
    pub fn session_expiry_interval(&self) -> Option<u32> {
        self.0.iter().find_map(|p| match p {
            Property::SessionExpiryInterval(s) => Some(*s),
            _ => None,
        })
    }

    /// Receive Maximum, if present.
    pub fn receive_maximum(&self) -> Option<u16> {
        self.0.iter().find_map(|p| match p {
            Property::ReceiveMaximum(n) => Some(*n),
            _ => None,
        })
    }

    /// Maximum Packet Size, if present.
    pub fn maximum_packet_size(&self) -> Option<u32> {
        self.0.iter().find_map(|p| match p {
            Property::MaximumPacketSize(n) => Some(*n),
            _ => None,
        })
    }

    /// Topic Alias Maximum, if present.
    pub fn topic_alias_maximum(&self) -> Option<u16> {
        self.0.iter().find_map(|p| match p {
            Property::TopicAliasMaximum(n) => Some(*n),
            _ => None,
        })
    }

    /// Topic Alias, if present.
    pub fn topic_alias(&self) -> Option<u16> {
        self.0.iter().find_map(|p| match p {
            Property::TopicAlias(n) => Some(*n),
            _ => None,
        })
    }

    /// Reason String, if present.
    pub fn reason_string(&self) -> Option<&'a str> {
        self.0.iter().find_map(|p| match p {
            Property::ReasonString(s) => Some(*s),
            _ => None,
        })
    }

    /// Every User Property as (name, value), in order.
    pub fn user_properties(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.0.iter().filter_map(|p| match p {
            Property::UserProperty(k, v) => Some((*k, *v)),
            _ => None,
        })
    }

    /// Every Subscription Identifier, in order.
    pub fn subscription_identifiers(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().filter_map(|p| match p {
            Property::SubscriptionIdentifier(n) => Some(*n),
            _ => None,
        })
    }

    /// Size of the property list (Property Length prefix included), after checking each property is
    /// allowed in `context`, appears at most once unless it may repeat, and has an allowed value.
    #[inline]
    pub(crate) fn encoded_len(
        &self,
        context: PropertyContext,
        version: ProtocolVersion,
    ) -> Result<usize, EncodeError> {
        if self.0.is_empty() {
            return Ok(1); // Property Length 0
        }
        self.list_len(context, version)
    }

    fn list_len(
        &self,
        context: PropertyContext,
        version: ProtocolVersion,
    ) -> Result<usize, EncodeError> {
        let mut seen: u64 = 0;
        let mut len = 0usize;
        for property in &self.0 {
            let id = property.id();
            check_placement(id, context, &mut seen)
                .map_err(|violation| EncodeError::new(violation, version))?;
            property.validate(context, version)?;
            len += property.size();
        }
        let prefix = u32::try_from(len)
            .ok()
            .filter(|&n| n <= VARINT_MAX)
            .ok_or_else(|| {
                EncodeError::new(
                    Violation::VarintTooLarge {
                        field: "Property Length",
                        value: len as u64,
                    },
                    version,
                )
            })?;
        Ok(varint_len(prefix) + len)
    }

    /// Writes Property Length and the properties; [`Properties::encoded_len`] validated them.
    #[inline]
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        // Most packets carry no properties: a Property Length of 0, without a call.
        if self.0.is_empty() {
            out.push(0);
            return;
        }
        self.write_list(out);
    }

    fn write_list(&self, out: &mut Vec<u8>) {
        let len: usize = self.0.iter().map(Property::size).sum();
        put_varint(out, u32::try_from(len).unwrap_or(VARINT_MAX));
        for property in &self.0 {
            property.write(out);
        }
    }

    /// Reads Property Length and the properties that follow, for `context`.
    pub(crate) fn decode<S: SpanSink>(
        r: &mut Reader<'a, '_, S>,
        context: PropertyContext,
    ) -> Result<Self, DecodeError> {
        let group_start = r.pos();
        let group = r.sink.open(group_start, || {
            Field::new(
                "Properties",
                String::new(),
                "MQTT 5.0 properties: optional, each an identifier and a value",
            )
        });
        let len_start = r.pos();
        let len = r.varint("Property Length")? as usize;
        r.sink.leaf(len_start, r.pos(), || {
            Field::new(
                "Property length",
                format!("{len}"),
                "bytes of properties that follow",
            )
        });
        if len > r.remaining() {
            return Err(r.error_at(
                Violation::Truncated {
                    field: "Properties",
                    needed: len - r.remaining(),
                },
                len_start,
                r.pos() - len_start,
            ));
        }
        let end = r.pos() + len;
        let mut list = Vec::new();
        let mut seen: u64 = 0;
        while r.pos() < end {
            let start = r.pos();
            let property = decode_one(r, context, &mut seen)?;
            if r.pos() > end {
                return Err(r.error_at(
                    Violation::Truncated {
                        field: property.id().name(),
                        needed: r.pos() - end,
                    },
                    start,
                    end - start,
                ));
            }
            r.sink.leaf(start, r.pos(), || {
                Field::new(
                    property.id().name(),
                    property.render_value(),
                    property.id().explain(),
                )
            });
            list.push(property);
        }
        r.sink.close(group, r.pos());
        Ok(Properties(list))
    }
}

/// Checks that `id` may appear in `context` and, unless it may repeat, has not appeared yet.
fn check_placement(
    id: PropertyId,
    context: PropertyContext,
    seen: &mut u64,
) -> Result<(), Violation> {
    if context.section(id).is_none() {
        return Err(Violation::PropertyNotAllowed {
            property: id,
            context,
        });
    }
    let bit = 1u64 << id.id();
    if *seen & bit != 0 && !context.may_repeat(id) {
        return Err(Violation::DuplicateProperty {
            property: id,
            context,
        });
    }
    *seen |= bit;
    Ok(())
}

fn decode_one<'a, S: SpanSink>(
    r: &mut Reader<'a, '_, S>,
    context: PropertyContext,
    seen: &mut u64,
) -> Result<Property<'a>, DecodeError> {
    use Property as P;
    use PropertyId as I;
    let start = r.pos();
    let raw_id = r.varint("Property Identifier")?;
    let id_len = r.pos() - start;
    let id = PropertyId::from_id(raw_id)
        .ok_or_else(|| r.error_at(Violation::UnknownProperty { id: raw_id }, start, id_len))?;
    check_placement(id, context, seen).map_err(|violation| r.error_at(violation, start, id_len))?;
    let name = id.name();
    let value_start = r.pos();
    let flag = |r: &mut Reader<'a, '_, S>| -> Result<bool, DecodeError> {
        match r.u8(name)? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(r.error_at(
                Violation::InvalidPropertyValue {
                    property: id,
                    context,
                    value: u32::from(other),
                    expected: "the value must be 0 or 1",
                },
                value_start,
                1,
            )),
        }
    };
    let property = match id {
        I::PayloadFormatIndicator => P::PayloadFormatIndicator(flag(r)?),
        I::RequestProblemInformation => P::RequestProblemInformation(flag(r)?),
        I::RequestResponseInformation => P::RequestResponseInformation(flag(r)?),
        I::RetainAvailable => P::RetainAvailable(flag(r)?),
        I::WildcardSubscriptionAvailable => P::WildcardSubscriptionAvailable(flag(r)?),
        I::SubscriptionIdentifierAvailable => P::SubscriptionIdentifierAvailable(flag(r)?),
        I::SharedSubscriptionAvailable => P::SharedSubscriptionAvailable(flag(r)?),
        I::MaximumQoS => match r.u8(name)? {
            0 => P::MaximumQoS(QoS::AtMostOnce),
            1 => P::MaximumQoS(QoS::AtLeastOnce),
            other => {
                return Err(r.error_at(
                    Violation::InvalidPropertyValue {
                        property: id,
                        context,
                        value: u32::from(other),
                        expected: "Maximum QoS is 0 or 1 (absent means 2)",
                    },
                    value_start,
                    1,
                ))
            }
        },
        I::MessageExpiryInterval => P::MessageExpiryInterval(r.u32(name)?),
        I::SessionExpiryInterval => P::SessionExpiryInterval(r.u32(name)?),
        I::WillDelayInterval => P::WillDelayInterval(r.u32(name)?),
        I::MaximumPacketSize => P::MaximumPacketSize(r.u32(name)?),
        I::ServerKeepAlive => P::ServerKeepAlive(r.u16(name)?),
        I::ReceiveMaximum => P::ReceiveMaximum(r.u16(name)?),
        I::TopicAliasMaximum => P::TopicAliasMaximum(r.u16(name)?),
        I::TopicAlias => P::TopicAlias(r.u16(name)?),
        I::SubscriptionIdentifier => P::SubscriptionIdentifier(r.varint(name)?),
        I::ContentType => P::ContentType(r.string(name)?),
        I::ResponseTopic => {
            let text = r.string(name)?;
            topic::check_topic_name(text, "Response Topic")
                .map_err(|violation| r.error_at(violation, value_start, r.pos() - value_start))?;
            P::ResponseTopic(text)
        }
        I::AssignedClientIdentifier => P::AssignedClientIdentifier(r.string(name)?),
        I::AuthenticationMethod => P::AuthenticationMethod(r.string(name)?),
        I::ResponseInformation => P::ResponseInformation(r.string(name)?),
        I::ServerReference => P::ServerReference(r.string(name)?),
        I::ReasonString => P::ReasonString(r.string(name)?),
        I::CorrelationData => P::CorrelationData(r.binary(name)?),
        I::AuthenticationData => P::AuthenticationData(r.binary(name)?),
        I::UserProperty => {
            let key = r.string(name)?;
            P::UserProperty(key, r.string(name)?)
        }
    };
    if let Some((value, expected)) = property.forbidden_value() {
        return Err(r.error_at(
            Violation::InvalidPropertyValue {
                property: id,
                context,
                value,
                expected,
            },
            value_start,
            r.pos() - value_start,
        ));
    }
    Ok(property)
}

/// Reads properties in 5.0, nothing in 3.1.1.
pub(crate) fn decode_if_v5<'a, S: SpanSink>(
    r: &mut Reader<'a, '_, S>,
    context: PropertyContext,
) -> Result<Properties<'a>, DecodeError> {
    if r.version.is_v5() {
        Properties::decode(r, context)
    } else {
        Ok(Properties::new())
    }
}

/// Size of the properties in 5.0 (0 in 3.1.1, where asking for properties is refused).
#[inline]
pub(crate) fn encoded_len_for(
    properties: &Properties<'_>,
    context: PropertyContext,
    packet: super::PacketType,
    version: ProtocolVersion,
) -> Result<usize, EncodeError> {
    if version.is_v5() {
        properties.encoded_len(context, version)
    } else if properties.is_empty() {
        Ok(0)
    } else {
        Err(EncodeError::new(
            Violation::NotInV311 {
                what: "properties",
                packet,
            },
            version,
        ))
    }
}
