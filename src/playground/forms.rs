//! The playground's forms as the user typed them, and their parsing into checked requests. A mistake
//! names its field (the input's id), so the page can mark that input and put the message under it.

use mqtt_core::codec::{ProtocolVersion, QoS, RetainHandling, SubscriptionOptions};
use mqtt_core::{TopicFilter, TopicName};

use super::config::{ClientConfig, PublishRequest, SubscribeRequest, WillConfig};
use super::profiles::Profile;

/// A mistake in a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    /// The input's id.
    pub field: &'static str,
    /// What is wrong, for people.
    pub message: String,
}

fn error(field: &'static str, message: impl Into<String>) -> FormError {
    FormError {
        field,
        message: message.into(),
    }
}

fn number<T: std::str::FromStr>(
    text: &str,
    field: &'static str,
    what: &str,
    max: u64,
) -> Result<T, FormError> {
    text.trim()
        .parse::<T>()
        .map_err(|_| error(field, format!("{what}: a whole number from 0 to {max}")))
}

fn optional_number<T: std::str::FromStr>(
    text: &str,
    field: &'static str,
    what: &str,
    max: u64,
) -> Result<Option<T>, FormError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        number(text, field, what, max).map(Some)
    }
}

/// `key=value` lines (blank lines ignored) as 5.0 user properties.
pub fn user_properties(
    text: &str,
    field: &'static str,
) -> Result<Vec<(String, String)>, FormError> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            line.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .filter(|(k, _)| !k.is_empty())
                .ok_or_else(|| {
                    error(
                        field,
                        format!("“{line}”: write user properties as name=value, one per line"),
                    )
                })
        })
        .collect()
}

/// The protocol version for a selector value.
pub fn version_from(value: &str) -> ProtocolVersion {
    if value == "5.0" {
        ProtocolVersion::V5
    } else {
        ProtocolVersion::V311
    }
}

/// A new client's options, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientForm {
    /// Our name for it.
    pub name: String,
    /// 3.1.1 or 5.0.
    pub version: ProtocolVersion,
    /// Client id.
    pub client_id: String,
    /// User name.
    pub username: String,
    /// Password.
    pub password: String,
    /// Keep alive, seconds.
    pub keep_alive: String,
    /// Clean session / clean start.
    pub clean_start: bool,
    /// 5.0 Session Expiry Interval, seconds.
    pub session_expiry: String,
    /// Whether it has a will.
    pub will: bool,
    /// Will topic.
    pub will_topic: String,
    /// Will payload.
    pub will_payload: String,
    /// Will QoS.
    pub will_qos: u8,
    /// Will retained.
    pub will_retain: bool,
    /// 5.0 Will Delay Interval, seconds.
    pub will_delay: String,
    /// 5.0 Receive Maximum.
    pub receive_maximum: String,
    /// 5.0 Topic Alias Maximum.
    pub topic_alias_maximum: String,
    /// 5.0 User Properties, `name=value` per line.
    pub user_properties: String,
}

impl ClientForm {
    /// A fresh form for a client called `name` with client id `client_id`.
    pub fn new(name: &str, client_id: &str) -> Self {
        ClientForm {
            name: name.into(),
            version: ProtocolVersion::V311,
            client_id: client_id.into(),
            username: String::new(),
            password: String::new(),
            keep_alive: "60".into(),
            clean_start: true,
            session_expiry: "0".into(),
            will: false,
            will_topic: format!("{name}/status"),
            will_payload: "offline".into(),
            will_qos: 1,
            will_retain: true,
            will_delay: "0".into(),
            receive_maximum: String::new(),
            topic_alias_maximum: String::new(),
            user_properties: String::new(),
        }
    }

    /// The checked options.
    pub fn parse(&self, taken: &dyn Fn(&str) -> bool) -> Result<ClientConfig, FormError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(error(
                "client-name",
                "Give the client a name, e.g. esp32-kitchen.",
            ));
        }
        if name.eq_ignore_ascii_case("broker") {
            return Err(error(
                "client-name",
                "“broker” is the broker's name; pick another.",
            ));
        }
        if taken(name) {
            return Err(error(
                "client-name",
                format!("A client called “{name}” already exists."),
            ));
        }
        let v5 = self.version.is_v5();
        let client_id = self.client_id.trim();
        if client_id.is_empty() && !self.clean_start && !v5 {
            return Err(error(
                "client-id",
                "MQTT 3.1.1 needs a client id for a persistent session (clean session off) \
                 (MQTT-3.1.3-7).",
            ));
        }
        if client_id.len() > 65_535 {
            return Err(error("client-id", "A client id is at most 65,535 bytes."));
        }
        let keep_alive = number(
            &self.keep_alive,
            "client-keepalive",
            "Keep alive (seconds)",
            65_535,
        )?;
        let session_expiry_s = if v5 {
            number(
                &self.session_expiry,
                "client-expiry",
                "Session expiry (seconds)",
                u64::from(u32::MAX),
            )?
        } else {
            0
        };
        let will = if self.will {
            let topic = self.will_topic.trim();
            TopicName::for_field(topic, "Will topic")
                .map_err(|violation| error("will-topic", violation.to_string()))?;
            Some(WillConfig {
                topic: topic.to_string(),
                payload: self.will_payload.clone(),
                qos: QoS::from_bits(self.will_qos).unwrap_or_default(),
                retain: self.will_retain,
                delay_s: if v5 {
                    number(
                        &self.will_delay,
                        "will-delay",
                        "Will delay (seconds)",
                        u64::from(u32::MAX),
                    )?
                } else {
                    0
                },
            })
        } else {
            None
        };
        let (receive_maximum, topic_alias_maximum, user_properties) = if v5 {
            let receive_maximum: Option<u16> = optional_number(
                &self.receive_maximum,
                "client-receive-max",
                "Receive maximum",
                65_535,
            )?;
            if receive_maximum == Some(0) {
                return Err(error(
                    "client-receive-max",
                    "Receive maximum is 1 to 65,535 (0 is a protocol error, §3.1.2.11.3 (5.0)).",
                ));
            }
            (
                receive_maximum,
                optional_number(
                    &self.topic_alias_maximum,
                    "client-alias-max",
                    "Topic alias maximum",
                    65_535,
                )?,
                user_properties(&self.user_properties, "client-user-props")?,
            )
        } else {
            (None, None, Vec::new())
        };
        let text = |s: &str| (!s.is_empty()).then(|| s.to_string());
        if self.username.is_empty() && !self.password.is_empty() && !v5 {
            return Err(error(
                "client-username",
                "MQTT 3.1.1 sends a password only with a user name (MQTT-3.1.2-22).",
            ));
        }
        Ok(ClientConfig {
            name: name.to_string(),
            version: self.version,
            client_id: client_id.to_string(),
            username: text(&self.username),
            password: text(&self.password),
            keep_alive,
            clean_start: self.clean_start,
            session_expiry_s,
            will,
            receive_maximum,
            topic_alias_maximum,
            user_properties,
        })
    }

    /// The parts of a profile this form fills in.
    pub fn apply_profile(&mut self, profile: &Profile) {
        self.version = version_from(&profile.version);
        self.username = profile.username.clone();
        self.password = profile.password.clone().unwrap_or_default();
        if !profile.keep_alive.is_empty() {
            self.keep_alive = profile.keep_alive.clone();
        }
        self.clean_start = profile.clean_start;
        if !profile.session_expiry.is_empty() {
            self.session_expiry = profile.session_expiry.clone();
        }
    }
}

/// The publish form, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishForm {
    /// Topic name.
    pub topic: String,
    /// Payload text.
    pub payload: String,
    /// QoS 0-2.
    pub qos: u8,
    /// Retained.
    pub retain: bool,
    /// 5.0 Message Expiry Interval, seconds.
    pub expiry: String,
    /// 5.0 Content Type.
    pub content_type: String,
    /// 5.0 Response Topic.
    pub response_topic: String,
    /// 5.0 User Properties, `name=value` per line.
    pub user_properties: String,
}

impl Default for PublishForm {
    fn default() -> Self {
        PublishForm {
            topic: "home/kitchen/temperature".into(),
            payload: "21.5".into(),
            qos: 1,
            retain: false,
            expiry: String::new(),
            content_type: String::new(),
            response_topic: String::new(),
            user_properties: String::new(),
        }
    }
}

impl PublishForm {
    /// The checked request, for a client speaking `version`.
    pub fn parse(&self, version: ProtocolVersion) -> Result<PublishRequest, FormError> {
        let topic = self.topic.trim();
        TopicName::new(topic).map_err(|violation| error("publish-topic", violation.to_string()))?;
        let mut request = PublishRequest::new(
            topic,
            &self.payload,
            QoS::from_bits(self.qos).unwrap_or_default(),
            self.retain,
        );
        if version.is_v5() {
            request.message_expiry_s = optional_number(
                &self.expiry,
                "publish-expiry",
                "Message expiry (seconds)",
                u64::from(u32::MAX),
            )?;
            let content_type = self.content_type.trim();
            request.content_type = (!content_type.is_empty()).then(|| content_type.to_string());
            let response = self.response_topic.trim();
            if !response.is_empty() {
                TopicName::new(response)
                    .map_err(|violation| error("publish-response", violation.to_string()))?;
                request.response_topic = Some(response.to_string());
            }
            request.user_properties = user_properties(&self.user_properties, "publish-user-props")?;
        }
        Ok(request)
    }
}

/// The subscribe form, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribeForm {
    /// Topic filter.
    pub filter: String,
    /// Requested QoS.
    pub qos: u8,
    /// 5.0 No Local.
    pub no_local: bool,
    /// 5.0 Retain As Published.
    pub retain_as_published: bool,
    /// 5.0 Retain Handling 0-2.
    pub retain_handling: u8,
}

impl Default for SubscribeForm {
    fn default() -> Self {
        SubscribeForm {
            filter: "home/#".into(),
            qos: 2,
            no_local: false,
            retain_as_published: false,
            retain_handling: 0,
        }
    }
}

impl SubscribeForm {
    /// The checked request, for a client speaking `version`.
    pub fn parse(&self, version: ProtocolVersion) -> Result<SubscribeRequest, FormError> {
        let filter = self.filter.trim();
        TopicFilter::new(filter)
            .and_then(|f| f.check_for(version))
            .map_err(|violation| error("subscribe-filter", violation.to_string()))?;
        let options = SubscriptionOptions {
            qos: QoS::from_bits(self.qos).unwrap_or_default(),
            no_local: version.is_v5() && self.no_local,
            retain_as_published: version.is_v5() && self.retain_as_published,
            retain_handling: match (version.is_v5(), self.retain_handling) {
                (true, 1) => RetainHandling::SendIfNew,
                (true, 2) => RetainHandling::DoNotSend,
                _ => RetainHandling::SendOnSubscribe,
            },
        };
        Ok(SubscribeRequest {
            filter: filter.to_string(),
            options,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn nobody(_: &str) -> bool {
        false
    }

    #[test]
    fn a_default_client_form_parses() {
        let config = ClientForm::new("esp32-kitchen", "mqttpg-0a1b")
            .parse(&nobody)
            .unwrap();
        assert_eq!(config.name, "esp32-kitchen");
        assert_eq!((config.keep_alive, config.clean_start), (60, true));
        assert_eq!(
            (config.username, config.password, config.will),
            (None, None, None)
        );
    }

    #[test]
    fn client_form_mistakes_name_their_field() {
        let form = ClientForm::new(" ", "id");
        assert_eq!(form.parse(&nobody).unwrap_err().field, "client-name");
        let form = ClientForm::new("dashboard", "id");
        assert!(form
            .parse(&|name| name == "dashboard")
            .unwrap_err()
            .message
            .contains("already"));
        let mut form = ClientForm::new("a", "id");
        form.keep_alive = "70000".into();
        assert_eq!(form.parse(&nobody).unwrap_err().field, "client-keepalive");
        let mut form = ClientForm::new("a", "");
        form.clean_start = false;
        assert!(form
            .parse(&nobody)
            .unwrap_err()
            .message
            .contains("MQTT-3.1.3-7"));
        let mut form = ClientForm::new("a", "id");
        form.will = true;
        form.will_topic = "a/#".into();
        assert_eq!(form.parse(&nobody).unwrap_err().field, "will-topic");
        let mut form = ClientForm::new("a", "id");
        form.version = ProtocolVersion::V5;
        form.user_properties = "site=lab\nnot a pair".into();
        assert_eq!(form.parse(&nobody).unwrap_err().field, "client-user-props");
        form.user_properties = "site = lab\n\n".into();
        form.receive_maximum = "0".into();
        assert_eq!(form.parse(&nobody).unwrap_err().field, "client-receive-max");
        form.receive_maximum = "10".into();
        let config = form.parse(&nobody).unwrap();
        assert_eq!(
            config.user_properties,
            [("site".to_string(), "lab".to_string())]
        );
        assert_eq!(config.receive_maximum, Some(10));
    }

    #[test]
    fn five_oh_fields_are_ignored_in_3_1_1() {
        let mut form = ClientForm::new("a", "id");
        form.session_expiry = "nonsense".into();
        form.receive_maximum = "nonsense".into();
        form.will = true;
        form.will_delay = "nonsense".into();
        let config = form.parse(&nobody).unwrap();
        assert_eq!(config.will.unwrap().topic, "a/status");
    }

    #[test]
    fn publish_and_subscribe_forms() {
        let request = PublishForm::default().parse(ProtocolVersion::V311).unwrap();
        assert_eq!(
            (request.topic.as_str(), request.qos),
            ("home/kitchen/temperature", QoS::AtLeastOnce)
        );
        let bad = PublishForm {
            topic: "home/+".into(),
            ..PublishForm::default()
        };
        assert_eq!(
            bad.parse(ProtocolVersion::V311).unwrap_err().field,
            "publish-topic"
        );
        let v5 = PublishForm {
            expiry: "30".into(),
            content_type: "text/plain".into(),
            user_properties: "unit=C".into(),
            ..PublishForm::default()
        };
        let request = v5.parse(ProtocolVersion::V5).unwrap();
        assert_eq!(request.message_expiry_s, Some(30));
        assert_eq!(
            v5.parse(ProtocolVersion::V311).unwrap().message_expiry_s,
            None
        );
        let subscribe = SubscribeForm {
            no_local: true,
            retain_handling: 2,
            ..SubscribeForm::default()
        };
        let request = subscribe.parse(ProtocolVersion::V5).unwrap();
        assert!(request.options.no_local);
        assert_eq!(request.options.retain_handling, RetainHandling::DoNotSend);
        assert!(
            !subscribe
                .parse(ProtocolVersion::V311)
                .unwrap()
                .options
                .no_local
        );
        let bad = SubscribeForm {
            filter: "a/#/b".into(),
            ..SubscribeForm::default()
        };
        assert_eq!(
            bad.parse(ProtocolVersion::V311).unwrap_err().field,
            "subscribe-filter"
        );
    }

    #[test]
    fn profiles_fill_the_client_form() {
        let mut form = ClientForm::new("a", "id");
        form.apply_profile(&Profile {
            version: "5.0".into(),
            username: "alice".into(),
            keep_alive: "30".into(),
            ..Profile::default()
        });
        assert_eq!(form.version, ProtocolVersion::V5);
        assert_eq!(
            (form.username.as_str(), form.keep_alive.as_str()),
            ("alice", "30")
        );
        assert_eq!(form.password, "");
    }
}
