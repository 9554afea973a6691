//! Application messages as the session, the broker and the UI keep them: owned, because they outlive
//! the buffer their PUBLISH was decoded from (queued for a sleeping subscriber, awaiting PUBACK, ...).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::codec::{Properties, Property, Publish, QoS, TopicName};
use crate::rule::Violation;

/// The 5.0 properties that belong to an application message (not to one hop of it, like Topic Alias).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessageProperties {
    /// Payload Format Indicator: `Some(true)` = UTF-8 text.
    pub payload_format_utf8: Option<bool>,
    /// Seconds the broker may keep the message for subscribers that have not got it yet.
    pub message_expiry_interval: Option<u32>,
    /// MIME type of the payload.
    pub content_type: Option<String>,
    /// Where the receiver should publish an answer.
    pub response_topic: Option<String>,
    /// Opaque bytes to match an answer with its request.
    pub correlation_data: Option<Vec<u8>>,
    /// Application-defined name/value pairs, in order.
    pub user_properties: Vec<(String, String)>,
    /// On delivery: which of the subscriber's subscriptions matched (set by the broker).
    pub subscription_identifiers: Vec<u32>,
}

impl MessageProperties {
    /// Whether there is nothing to send.
    pub fn is_empty(&self) -> bool {
        *self == MessageProperties::default()
    }

    /// Copies the message properties out of a decoded property list (Topic Alias and the rest of the
    /// per-hop properties are left out).
    pub fn from_properties(properties: &Properties<'_>) -> Self {
        let mut out = MessageProperties::default();
        for property in properties.iter() {
            match *property {
                Property::PayloadFormatIndicator(utf8) => out.payload_format_utf8 = Some(utf8),
                Property::MessageExpiryInterval(s) => out.message_expiry_interval = Some(s),
                Property::ContentType(t) => out.content_type = Some(t.to_string()),
                Property::ResponseTopic(t) => out.response_topic = Some(t.to_string()),
                Property::CorrelationData(b) => out.correlation_data = Some(b.to_vec()),
                Property::UserProperty(k, v) => {
                    out.user_properties.push((k.to_string(), v.to_string()))
                }
                Property::SubscriptionIdentifier(n) => out.subscription_identifiers.push(n),
                _ => {}
            }
        }
        out
    }

    /// Appends these properties, borrowed, to `list`.
    pub fn append_to<'a>(&'a self, list: &mut Properties<'a>) {
        if let Some(utf8) = self.payload_format_utf8 {
            list.push(Property::PayloadFormatIndicator(utf8));
        }
        if let Some(seconds) = self.message_expiry_interval {
            list.push(Property::MessageExpiryInterval(seconds));
        }
        if let Some(text) = &self.content_type {
            list.push(Property::ContentType(text));
        }
        if let Some(text) = &self.response_topic {
            list.push(Property::ResponseTopic(text));
        }
        if let Some(bytes) = &self.correlation_data {
            list.push(Property::CorrelationData(bytes));
        }
        for (name, value) in &self.user_properties {
            list.push(Property::UserProperty(name, value));
        }
        for &id in &self.subscription_identifiers {
            list.push(Property::SubscriptionIdentifier(id));
        }
    }
}

/// An application message: what a publisher sends and a subscriber receives.
///
/// The topic is private so that it stays the checked name it was made with: turning the message into
/// a PUBLISH (once per transmission) then needs no checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    topic: String,
    /// The payload; MQTT never looks inside.
    pub payload: Vec<u8>,
    /// QoS it travels with on this hop.
    pub qos: QoS,
    /// Retained: the broker keeps the latest per topic for future subscribers.
    pub retain: bool,
    /// 5.0 message properties.
    pub properties: MessageProperties,
}

impl Message {
    /// A message to `topic`, checking the topic name (no wildcards, not empty, no U+0000).
    pub fn new(
        topic: &str,
        payload: impl Into<Vec<u8>>,
        qos: QoS,
        retain: bool,
    ) -> Result<Self, Violation> {
        TopicName::new(topic)?;
        Ok(Message {
            topic: topic.to_string(),
            payload: payload.into(),
            qos,
            retain,
            properties: MessageProperties::default(),
        })
    }

    /// The message from a decoded PUBLISH whose topic is `topic` (resolved from a Topic Alias if need be).
    pub fn from_publish(publish: &Publish<'_>, topic: TopicName<'_>) -> Self {
        Self::from_publish_on(publish, topic.as_str().to_string())
    }

    /// [`Message::from_publish`] with the topic already owned — the session resolved it (a Topic
    /// Alias may stand for it) — so every received PUBLISH copies its topic once, not twice.
    /// `topic` must be a checked topic name: the PUBLISH's own or the one its alias was set to.
    pub(crate) fn from_publish_on(publish: &Publish<'_>, topic: String) -> Self {
        Message {
            topic,
            payload: publish.payload.to_vec(),
            qos: publish.qos,
            retain: publish.retain,
            properties: MessageProperties::from_properties(&publish.properties),
        }
    }

    /// The topic name.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// The topic as a checked name (it was checked when the message was made).
    pub fn topic_name(&self) -> TopicName<'_> {
        TopicName::checked(&self.topic)
    }

    /// A PUBLISH carrying this message.
    pub fn to_publish(&self, packet_id: Option<u16>, dup: bool) -> Publish<'_> {
        let mut properties = Properties::new();
        self.properties.append_to(&mut properties);
        Publish {
            dup,
            qos: self.qos,
            retain: self.retain,
            topic: self.topic_name(),
            packet_id,
            properties,
            payload: &self.payload,
        }
    }
}
