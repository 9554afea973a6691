//! What a client is made with, and what it is asked to publish or subscribe: checked values, turned
//! into mqtt-core session options (real broker) or mqtt-sim scenario data (simulated broker).

use mqtt_core::client::{ClientOptions, WillOptions};
use mqtt_core::codec::{ProtocolVersion, QoS, RetainHandling, SubscriptionOptions};
use mqtt_core::message::{Message, MessageProperties};
use mqtt_sim::scenario::{PublishProperties, WillSpec};
use mqtt_sim::{Action, ClientSpec, Protocol};

/// A client's will.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WillConfig {
    /// Topic name.
    pub topic: String,
    /// Payload text.
    pub payload: String,
    /// QoS.
    pub qos: QoS,
    /// Retained.
    pub retain: bool,
    /// 5.0 Will Delay Interval, seconds.
    pub delay_s: u32,
}

/// Everything a client connects with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// Our name for it, e.g. `esp32-kitchen`.
    pub name: String,
    /// 3.1.1 or 5.0.
    pub version: ProtocolVersion,
    /// MQTT client identifier.
    pub client_id: String,
    /// User name.
    pub username: Option<String>,
    /// Password. Kept in memory for reconnects; never logged, exported or put in a link.
    pub password: Option<String>,
    /// Keep alive, seconds.
    pub keep_alive: u16,
    /// Clean session (3.1.1) / clean start (5.0).
    pub clean_start: bool,
    /// 5.0 Session Expiry Interval, seconds.
    pub session_expiry_s: u32,
    /// The will.
    pub will: Option<WillConfig>,
    /// 5.0 Receive Maximum.
    pub receive_maximum: Option<u16>,
    /// 5.0 Topic Alias Maximum.
    pub topic_alias_maximum: Option<u16>,
    /// 5.0 User Properties of the CONNECT.
    pub user_properties: Vec<(String, String)>,
}

impl ClientConfig {
    /// A 3.1.1 client with defaults.
    pub fn new(name: &str, client_id: &str) -> Self {
        ClientConfig {
            name: name.into(),
            version: ProtocolVersion::V311,
            client_id: client_id.into(),
            username: None,
            password: None,
            keep_alive: 60,
            clean_start: true,
            session_expiry_s: 0,
            will: None,
            receive_maximum: None,
            topic_alias_maximum: None,
            user_properties: Vec::new(),
        }
    }

    /// Whether the broker keeps its session while it is away, so it can sleep and wake.
    pub fn is_persistent(&self) -> bool {
        !self.clean_start && (!self.version.is_v5() || self.session_expiry_s > 0)
    }

    /// Session options for mqtt-core.
    pub fn options(&self) -> ClientOptions {
        let mut options = ClientOptions::new(self.version, self.client_id.clone());
        options.clean_start = self.clean_start;
        options.keep_alive = self.keep_alive;
        options.username = self.username.clone();
        options.password = self.password.clone().map(String::into_bytes);
        if self.version.is_v5() {
            options.session_expiry_interval = self.session_expiry_s;
            options.receive_maximum = self.receive_maximum.unwrap_or(u16::MAX);
            options.topic_alias_maximum = self.topic_alias_maximum.unwrap_or(0);
            options.user_properties = self.user_properties.clone();
        }
        options.will = self.will.as_ref().map(|will| WillOptions {
            topic: will.topic.clone(),
            payload: will.payload.clone().into_bytes(),
            qos: will.qos,
            retain: will.retain,
            properties: MessageProperties::default(),
            delay_interval: if self.version.is_v5() {
                will.delay_s
            } else {
                0
            },
        });
        options
    }

    /// The simulator's description of this client, as actor `actor`. The teaching broker does not
    /// authenticate, so user name and password are not part of it; it never reconnects on its own.
    pub fn spec(&self, actor: &str) -> ClientSpec {
        let v5 = self.version.is_v5();
        let mut spec = ClientSpec::new(actor);
        spec.client_id = Some(self.client_id.clone());
        spec.protocol = if v5 { Protocol::V5 } else { Protocol::V311 };
        spec.clean_start = self.clean_start;
        spec.session_expiry_s = if v5 { self.session_expiry_s } else { 0 };
        spec.keep_alive_s = self.keep_alive;
        spec.will = self.will.as_ref().map(|will| WillSpec {
            topic: will.topic.clone(),
            payload: will.payload.clone(),
            qos: will.qos.level(),
            retain: will.retain,
            delay_s: if v5 { will.delay_s } else { 0 },
        });
        spec.reconnect_after_ms = None;
        spec.connect_at_start = true;
        if v5 {
            spec.receive_maximum = self.receive_maximum;
            spec.topic_alias_maximum = self.topic_alias_maximum;
            spec.user_properties = self.user_properties.clone();
        }
        spec
    }

    /// The options of a scenario's client (a share link's or a benchmark's).
    pub fn from_spec(spec: &ClientSpec) -> Self {
        let mut config =
            ClientConfig::new(&spec.name, spec.client_id.as_deref().unwrap_or(&spec.name));
        config.version = spec.protocol.into();
        config.clean_start = spec.clean_start;
        config.session_expiry_s = spec.session_expiry_s;
        config.keep_alive = spec.keep_alive_s;
        config.will = spec.will.as_ref().map(|will| WillConfig {
            topic: will.topic.clone(),
            payload: will.payload.clone(),
            qos: QoS::from_bits(will.qos).unwrap_or_default(),
            retain: will.retain,
            delay_s: will.delay_s,
        });
        config.receive_maximum = spec.receive_maximum;
        config.topic_alias_maximum = spec.topic_alias_maximum;
        config.user_properties = spec.user_properties.clone();
        config
    }
}

/// A message to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishRequest {
    /// Topic name.
    pub topic: String,
    /// Payload text.
    pub payload: String,
    /// QoS.
    pub qos: QoS,
    /// Retained.
    pub retain: bool,
    /// 5.0 Message Expiry Interval, seconds.
    pub message_expiry_s: Option<u32>,
    /// 5.0 Content Type.
    pub content_type: Option<String>,
    /// 5.0 Response Topic.
    pub response_topic: Option<String>,
    /// 5.0 User Properties.
    pub user_properties: Vec<(String, String)>,
}

impl PublishRequest {
    /// A plain message.
    pub fn new(topic: &str, payload: &str, qos: QoS, retain: bool) -> Self {
        PublishRequest {
            topic: topic.into(),
            payload: payload.into(),
            qos,
            retain,
            message_expiry_s: None,
            content_type: None,
            response_topic: None,
            user_properties: Vec::new(),
        }
    }

    /// The 5.0 properties (only what 5.0 carries; empty otherwise).
    pub fn properties(&self, version: ProtocolVersion) -> MessageProperties {
        if !version.is_v5() {
            return MessageProperties::default();
        }
        MessageProperties {
            message_expiry_interval: self.message_expiry_s,
            content_type: self.content_type.clone(),
            response_topic: self.response_topic.clone(),
            user_properties: self.user_properties.clone(),
            ..MessageProperties::default()
        }
    }

    /// The message for a real session, checking the topic name.
    pub fn message(&self, version: ProtocolVersion) -> Result<Message, String> {
        let mut message = Message::new(&self.topic, self.payload.as_bytes(), self.qos, self.retain)
            .map_err(|violation| format!("topic: {violation}"))?;
        message.properties = self.properties(version);
        Ok(message)
    }

    /// The simulator's action.
    pub fn action(&self, version: ProtocolVersion) -> Action {
        let properties = self.properties(version);
        Action::Publish {
            topic: self.topic.clone(),
            payload: self.payload.clone(),
            qos: self.qos.level(),
            retain: self.retain,
            properties: PublishProperties {
                message_expiry_s: properties.message_expiry_interval,
                content_type: properties.content_type,
                response_topic: properties.response_topic,
                user_properties: properties.user_properties,
            },
        }
    }
}

/// A subscription to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribeRequest {
    /// Topic filter.
    pub filter: String,
    /// QoS and 5.0 options.
    pub options: SubscriptionOptions,
}

impl SubscribeRequest {
    /// A subscription with only a QoS.
    pub fn new(filter: &str, qos: QoS) -> Self {
        SubscribeRequest {
            filter: filter.into(),
            options: SubscriptionOptions::qos(qos),
        }
    }

    /// The options that apply in `version` (3.1.1 has only the QoS).
    pub fn options_for(&self, version: ProtocolVersion) -> SubscriptionOptions {
        if version.is_v5() {
            self.options
        } else {
            SubscriptionOptions::qos(self.options.qos)
        }
    }

    /// The simulator's action.
    pub fn action(&self, version: ProtocolVersion) -> Action {
        let options = self.options_for(version);
        Action::Subscribe {
            filter: self.filter.clone(),
            qos: options.qos.level(),
            no_local: options.no_local,
            retain_as_published: options.retain_as_published,
            retain_handling: match options.retain_handling {
                RetainHandling::SendOnSubscribe => 0,
                RetainHandling::SendIfNew => 1,
                RetainHandling::DoNotSend => 2,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn five_oh_options_reach_the_session_and_the_simulator_but_not_in_3_1_1() {
        let mut config = ClientConfig::new("dashboard", "mqttpg-1");
        config.receive_maximum = Some(5);
        config.user_properties = vec![("site".into(), "lab".into())];
        config.session_expiry_s = 60;
        config.clean_start = false;
        assert!(
            config.is_persistent(),
            "3.1.1 sessions without clean session persist"
        );
        let options = config.options();
        assert_eq!(options.receive_maximum, u16::MAX);
        assert!(options.user_properties.is_empty());
        config.version = ProtocolVersion::V5;
        let options = config.options();
        assert_eq!(
            (options.receive_maximum, options.session_expiry_interval),
            (5, 60)
        );
        let spec = config.spec("dashboard");
        assert_eq!(spec.receive_maximum, Some(5));
        assert_eq!(spec.client_id.as_deref(), Some("mqttpg-1"));
        assert_eq!(spec.reconnect_after_ms, None);
        config.session_expiry_s = 0;
        assert!(!config.is_persistent(), "5.0 needs an expiry to persist");
    }

    #[test]
    fn publish_checks_the_topic_and_drops_5_0_properties_in_3_1_1() {
        let mut request = PublishRequest::new("kitchen/temp", "21.5", QoS::AtLeastOnce, true);
        request.content_type = Some("text/plain".into());
        let message = request.message(ProtocolVersion::V311).unwrap();
        assert!(message.properties.is_empty());
        let message = request.message(ProtocolVersion::V5).unwrap();
        assert_eq!(
            message.properties.content_type.as_deref(),
            Some("text/plain")
        );
        let wild = PublishRequest::new("kitchen/#", "", QoS::AtMostOnce, false);
        assert!(wild
            .message(ProtocolVersion::V311)
            .unwrap_err()
            .contains("topic"));
        assert!(matches!(
            request.action(ProtocolVersion::V5),
            Action::Publish {
                qos: 1,
                retain: true,
                ..
            }
        ));
    }

    #[test]
    fn subscribe_options_are_5_0_only() {
        let mut request = SubscribeRequest::new("kitchen/#", QoS::ExactlyOnce);
        request.options.no_local = true;
        request.options.retain_handling = RetainHandling::DoNotSend;
        assert!(!request.options_for(ProtocolVersion::V311).no_local);
        assert!(matches!(
            request.action(ProtocolVersion::V5),
            Action::Subscribe {
                qos: 2,
                no_local: true,
                retain_handling: 2,
                ..
            }
        ));
    }
}
