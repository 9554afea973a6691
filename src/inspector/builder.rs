//! The other direction: a small form's fields → a packet → bytes, through mqtt-core's encoder.
//!
//! The form only collects what the user typed. Whether the packet is allowed (packet identifier 0,
//! a wildcard in a topic name, DUP on QoS 0, ...) is for the encoder to say, with the rule it cites, so
//! the builder teaches the same rules the decoder enforces. The only checks made here are about the
//! form itself, such as a packet identifier that is not a number.

use mqtt_core::codec::{
    Disconnect, Packet, Properties, PubResponse, Publish, Subscribe, Subscription,
    SubscriptionOptions, Unsubscribe,
};
use mqtt_core::{encode, ProtocolVersion, QoS, TopicFilter, TopicName, Violation};

/// The packet types the builder offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BuildKind {
    /// An application message.
    #[default]
    Publish,
    /// QoS 1 acknowledgement.
    PubAck,
    /// QoS 2, part 2.
    PubRec,
    /// QoS 2, part 3.
    PubRel,
    /// QoS 2, part 4.
    PubComp,
    /// Ask for messages on a filter.
    Subscribe,
    /// Drop a subscription.
    Unsubscribe,
    /// Keep-alive ping.
    PingReq,
    /// Orderly close.
    Disconnect,
}

impl BuildKind {
    /// Every kind, in the order the form lists them.
    pub const ALL: [BuildKind; 9] = [
        BuildKind::Publish,
        BuildKind::PubAck,
        BuildKind::PubRec,
        BuildKind::PubRel,
        BuildKind::PubComp,
        BuildKind::Subscribe,
        BuildKind::Unsubscribe,
        BuildKind::PingReq,
        BuildKind::Disconnect,
    ];

    /// The specification's name, also the `<option>` value.
    pub fn name(self) -> &'static str {
        match self {
            BuildKind::Publish => "PUBLISH",
            BuildKind::PubAck => "PUBACK",
            BuildKind::PubRec => "PUBREC",
            BuildKind::PubRel => "PUBREL",
            BuildKind::PubComp => "PUBCOMP",
            BuildKind::Subscribe => "SUBSCRIBE",
            BuildKind::Unsubscribe => "UNSUBSCRIBE",
            BuildKind::PingReq => "PINGREQ",
            BuildKind::Disconnect => "DISCONNECT",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        BuildKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Whether the form asks for a topic (a name for PUBLISH, a filter for (UN)SUBSCRIBE).
    pub fn uses_topic(self) -> bool {
        matches!(
            self,
            BuildKind::Publish | BuildKind::Subscribe | BuildKind::Unsubscribe
        )
    }

    /// What the topic field is called for this kind.
    pub fn topic_label(self) -> &'static str {
        match self {
            BuildKind::Publish => "Topic name",
            _ => "Topic filter",
        }
    }

    /// Whether the form asks for a payload.
    pub fn uses_payload(self) -> bool {
        self == BuildKind::Publish
    }

    /// Whether the form asks for DUP and RETAIN.
    pub fn uses_publish_flags(self) -> bool {
        self == BuildKind::Publish
    }

    /// Whether the form asks for a QoS (PUBLISH's, or the maximum a SUBSCRIBE requests).
    pub fn uses_qos(self) -> bool {
        matches!(self, BuildKind::Publish | BuildKind::Subscribe)
    }

    /// Whether the packet carries a packet identifier (a PUBLISH only at QoS 1 and 2).
    pub fn uses_packet_id(self, qos: u8) -> bool {
        match self {
            BuildKind::Publish => qos > 0,
            BuildKind::PingReq | BuildKind::Disconnect => false,
            _ => true,
        }
    }
}

/// What the builder form holds, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuilderForm {
    /// Packet type.
    pub kind: BuildKind,
    /// PUBLISH DUP flag.
    pub dup: bool,
    /// PUBLISH RETAIN flag.
    pub retain: bool,
    /// QoS 0 to 2.
    pub qos: u8,
    /// Topic name or filter.
    pub topic: String,
    /// PUBLISH payload, sent as UTF-8 text.
    pub payload: String,
    /// Packet identifier, as typed.
    pub packet_id: String,
}

impl Default for BuilderForm {
    fn default() -> Self {
        BuilderForm {
            kind: BuildKind::Publish,
            dup: false,
            retain: false,
            qos: 1,
            topic: String::from("sensors/kitchen/temperature"),
            payload: String::from("21.5"),
            packet_id: String::from("1"),
        }
    }
}

/// Why the form's packet has no bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// What is wrong, in words.
    pub message: String,
    /// The rule the encoder cites, e.g. `MQTT-2.3.1-1 (3.1.1)`; `None` for mistakes in the form itself.
    pub rule: Option<String>,
}

impl BuildError {
    fn form(message: &str) -> Self {
        BuildError {
            message: message.to_owned(),
            rule: None,
        }
    }

    /// A rule the specification sets, with its citation in `version`'s edition.
    fn rule(violation: Violation, version: ProtocolVersion) -> Self {
        BuildError {
            message: violation.to_string(),
            rule: violation.rule(version).map(|rule| rule.to_string()),
        }
    }
}

/// The bytes of the packet the form describes, encoded for `version`.
pub fn build(form: &BuilderForm, version: ProtocolVersion) -> Result<Vec<u8>, BuildError> {
    let qos = QoS::from_bits(form.qos).ok_or_else(|| BuildError::form("QoS must be 0, 1 or 2"))?;
    let packet_id = if form.kind.uses_packet_id(form.qos) {
        Some(parse_packet_id(&form.packet_id)?)
    } else {
        None
    };
    // Identifier 0 is passed on: refusing it is the encoder's job, and its message cites the rule.
    let id = packet_id.unwrap_or(0);
    let topic = form.topic.as_str();
    // Topics are checked where they are made (wildcards, emptiness): the codec's types refuse a bad one.
    let name = || TopicName::new(topic).map_err(|violation| BuildError::rule(violation, version));
    let filter =
        || TopicFilter::new(topic).map_err(|violation| BuildError::rule(violation, version));
    let packet = match form.kind {
        BuildKind::Publish => Packet::Publish(Publish {
            dup: form.dup,
            qos,
            retain: form.retain,
            packet_id,
            ..Publish::new(name()?, form.payload.as_bytes())
        }),
        BuildKind::PubAck => Packet::PubAck(PubResponse::new(id)),
        BuildKind::PubRec => Packet::PubRec(PubResponse::new(id)),
        BuildKind::PubRel => Packet::PubRel(PubResponse::new(id)),
        BuildKind::PubComp => Packet::PubComp(PubResponse::new(id)),
        BuildKind::Subscribe => Packet::Subscribe(Subscribe {
            packet_id: id,
            properties: Properties::new(),
            filters: vec![Subscription {
                filter: filter()?,
                options: SubscriptionOptions::qos(qos),
            }],
        }),
        BuildKind::Unsubscribe => Packet::Unsubscribe(Unsubscribe {
            packet_id: id,
            properties: Properties::new(),
            filters: vec![filter()?],
        }),
        BuildKind::PingReq => Packet::PingReq,
        BuildKind::Disconnect => Packet::Disconnect(Disconnect::default()),
    };
    let mut bytes = Vec::new();
    encode(&packet, version, &mut bytes).map_err(|error| BuildError {
        message: error.violation.to_string(),
        rule: error.rule.map(|rule| rule.to_string()),
    })?;
    Ok(bytes)
}

fn parse_packet_id(text: &str) -> Result<u16, BuildError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(BuildError::form("enter a packet identifier (1 to 65535)"));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BuildError::form(
            "the packet identifier must be a whole number (1 to 65535)",
        ));
    }
    text.parse()
        .map_err(|_| BuildError::form("the packet identifier is two bytes: at most 65535"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspector::hex::format_hex;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const V311: ProtocolVersion = ProtocolVersion::V311;
    const V5: ProtocolVersion = ProtocolVersion::V5;

    fn form(kind: BuildKind) -> BuilderForm {
        BuilderForm {
            kind,
            topic: String::from("a/b"),
            payload: String::from("hi"),
            packet_id: String::from("10"),
            ..BuilderForm::default()
        }
    }

    fn hex(form: &BuilderForm, version: ProtocolVersion) -> String {
        format_hex(&build(form, version).unwrap(), 0)
    }

    #[test]
    fn publish_bytes_follow_the_flags() {
        let mut publish = form(BuildKind::Publish);
        assert_eq!(hex(&publish, V311), "32 09 00 03 61 2f 62 00 0a 68 69");
        publish.qos = 0;
        publish.retain = true;
        assert_eq!(hex(&publish, V311), "31 07 00 03 61 2f 62 68 69");
        publish.qos = 2;
        publish.dup = true;
        assert_eq!(hex(&publish, V311), "3d 09 00 03 61 2f 62 00 0a 68 69");
        // 5.0 adds an empty property length after the packet identifier.
        assert_eq!(hex(&publish, V5), "3d 0a 00 03 61 2f 62 00 0a 00 68 69");
    }

    #[test]
    fn qos_0_publish_ignores_the_packet_id_field() {
        let mut publish = form(BuildKind::Publish);
        publish.qos = 0;
        publish.packet_id = String::from("not a number");
        assert!(build(&publish, V311).is_ok());
    }

    #[test]
    fn acknowledgements_subscribe_and_the_rest() {
        assert_eq!(hex(&form(BuildKind::PubAck), V311), "40 02 00 0a");
        assert_eq!(hex(&form(BuildKind::PubRec), V311), "50 02 00 0a");
        assert_eq!(hex(&form(BuildKind::PubRel), V311), "62 02 00 0a");
        assert_eq!(hex(&form(BuildKind::PubComp), V311), "70 02 00 0a");
        assert_eq!(
            hex(&form(BuildKind::Subscribe), V311),
            "82 08 00 0a 00 03 61 2f 62 01"
        );
        assert_eq!(
            hex(&form(BuildKind::Unsubscribe), V311),
            "a2 07 00 0a 00 03 61 2f 62"
        );
        assert_eq!(hex(&form(BuildKind::PingReq), V311), "c0 00");
        assert_eq!(hex(&form(BuildKind::Disconnect), V311), "e0 00");
    }

    #[test]
    fn packet_id_0_is_refused_by_the_encoder_with_its_rule() {
        let mut publish = form(BuildKind::Publish);
        publish.packet_id = String::from("0");
        let error = build(&publish, V311).unwrap_err();
        assert_eq!(error.rule.as_deref(), Some("MQTT-2.3.1-1 (3.1.1)"));
        assert!(
            error.message.contains("non-zero packet identifier"),
            "{}",
            error.message
        );
        assert_eq!(
            build(&publish, V5).unwrap_err().rule.as_deref(),
            Some("MQTT-2.2.1-3 (5.0)")
        );
    }

    #[test]
    fn wildcard_in_a_topic_name_is_refused_but_allowed_in_a_filter() {
        let mut publish = form(BuildKind::Publish);
        publish.topic = String::from("sensors/+/temperature");
        let error = build(&publish, V311).unwrap_err();
        assert_eq!(error.rule.as_deref(), Some("MQTT-3.3.2-2 (3.1.1)"));
        let mut subscribe = form(BuildKind::Subscribe);
        subscribe.topic = String::from("sensors/+/temperature");
        assert!(build(&subscribe, V311).is_ok());
    }

    #[test]
    fn dup_on_qos_0_is_refused() {
        let mut publish = form(BuildKind::Publish);
        publish.qos = 0;
        publish.dup = true;
        assert_eq!(
            build(&publish, V311).unwrap_err().rule.as_deref(),
            Some("MQTT-3.3.1-2 (3.1.1)")
        );
    }

    #[test]
    fn form_mistakes_are_reported_without_a_rule() {
        let mut ack = form(BuildKind::PubAck);
        for (typed, fragment) in [
            ("", "enter a packet identifier"),
            ("12a", "whole number"),
            ("70000", "65535"),
        ] {
            ack.packet_id = String::from(typed);
            let error = build(&ack, V311).unwrap_err();
            assert!(
                error.message.contains(fragment),
                "{typed:?}: {}",
                error.message
            );
            assert_eq!(error.rule, None);
        }
        ack.packet_id = String::from(" 7 ");
        assert_eq!(hex(&ack, V311), "40 02 00 07");
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in BuildKind::ALL {
            assert_eq!(BuildKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(BuildKind::from_name("CONNECT"), None);
        assert!(BuildKind::Publish.uses_packet_id(1) && !BuildKind::Publish.uses_packet_id(0));
    }
}
