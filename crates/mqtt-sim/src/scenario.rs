//! The scenario format: everything needed to replay a lesson — clients, link settings, scripted
//! actions and faults, and the seed. Versioned serde data; decoding is total: any input gives a checked
//! scenario or an error that says what to fix.

use serde::{Deserialize, Serialize};

use mqtt_core::codec::{PacketType, ProtocolVersion, QoS};
use mqtt_core::{TopicFilter, TopicName};

/// The format version this build writes. Every released version keeps decoding.
pub const FORMAT_VERSION: u32 = 1;

/// The name of the broker as an actor.
pub const BROKER: &str = "broker";

/// A whole simulation to run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version (1).
    pub version: u32,
    /// A title for people.
    #[serde(default)]
    pub title: String,
    /// Seed of the random choices (teaching loss, jitter).
    #[serde(default)]
    pub seed: u64,
    /// Links between every client and the broker (a client may override).
    #[serde(default)]
    pub link: LinkSettings,
    /// The clients.
    pub clients: Vec<ClientSpec>,
    /// What the clients do, and when.
    #[serde(default)]
    pub actions: Vec<ScheduledAction>,
    /// What goes wrong on the links.
    #[serde(default)]
    pub faults: Vec<Fault>,
    /// When the simulation stops, in milliseconds (default: 10 s after the last action).
    #[serde(default)]
    pub end_ms: Option<u64>,
}

/// How a link between a client and the broker behaves.
///
/// By default like TCP: ordered and reliable while up, with latency; packets are lost only when the
/// link is cut. `teaching_loss_percent` and `teaching_duplicate_percent` are the course's simplified
/// model (single packets lost or doubled on a live link), a labelled teaching mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkSettings {
    /// One-way latency in milliseconds.
    pub latency_ms: u64,
    /// Extra random delay up to this many milliseconds (packets still never overtake each other).
    pub jitter_ms: u64,
    /// Teaching mode: chance (percent) that a packet is lost on a live link.
    pub teaching_loss_percent: u8,
    /// Teaching mode: chance (percent) that a packet arrives twice.
    pub teaching_duplicate_percent: u8,
}

impl Default for LinkSettings {
    fn default() -> Self {
        LinkSettings {
            latency_ms: 50,
            jitter_ms: 0,
            teaching_loss_percent: 0,
            teaching_duplicate_percent: 0,
        }
    }
}

impl LinkSettings {
    /// Whether the course's simplified per-packet loss or duplication is on.
    pub fn is_teaching_mode(&self) -> bool {
        self.teaching_loss_percent > 0 || self.teaching_duplicate_percent > 0
    }
}

/// Protocol version as written in scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Protocol {
    /// MQTT 3.1.1.
    #[serde(rename = "3.1.1")]
    #[default]
    V311,
    /// MQTT 5.0.
    #[serde(rename = "5.0")]
    V5,
}

impl From<Protocol> for ProtocolVersion {
    fn from(protocol: Protocol) -> Self {
        match protocol {
            Protocol::V311 => ProtocolVersion::V311,
            Protocol::V5 => ProtocolVersion::V5,
        }
    }
}

/// The will of a scripted client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WillSpec {
    /// Topic.
    pub topic: String,
    /// Payload (text).
    #[serde(default)]
    pub payload: String,
    /// QoS 0-2.
    #[serde(default)]
    pub qos: u8,
    /// Retained.
    #[serde(default)]
    pub retain: bool,
    /// 5.0 Will Delay Interval, seconds.
    #[serde(default)]
    pub delay_s: u32,
}

fn yes() -> bool {
    true
}

fn sixty() -> u16 {
    60
}

fn one_second() -> Option<u64> {
    Some(1_000)
}

/// A scripted client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    /// Our name for it (an actor name, unique, not "broker"), e.g. `esp32-kitchen` or `dashboard`.
    pub name: String,
    /// The MQTT client id; the name if absent.
    #[serde(default)]
    pub client_id: Option<String>,
    /// "3.1.1" or "5.0".
    #[serde(default)]
    pub protocol: Protocol,
    /// Clean session / clean start.
    #[serde(default = "yes")]
    pub clean_start: bool,
    /// 5.0 Session Expiry Interval, seconds (a persistent 5.0 session needs more than 0).
    #[serde(default)]
    pub session_expiry_s: u32,
    /// Keep alive, seconds.
    #[serde(default = "sixty")]
    pub keep_alive_s: u16,
    /// The will.
    #[serde(default)]
    pub will: Option<WillSpec>,
    /// Teaching retry interval (resend within a connection; not conformant in 5.0).
    #[serde(default)]
    pub teaching_retry_ms: Option<u64>,
    /// Reconnect this long after the link is cut (`null`: stay down).
    #[serde(default = "one_second")]
    pub reconnect_after_ms: Option<u64>,
    /// Connect at time 0.
    #[serde(default = "yes")]
    pub connect_at_start: bool,
    /// This client's link, if it differs from the scenario's.
    #[serde(default)]
    pub link: Option<LinkSettings>,
    /// 5.0 Receive Maximum (absent: 65,535).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receive_maximum: Option<u16>,
    /// 5.0 Topic Alias Maximum (absent: 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_alias_maximum: Option<u16>,
    /// 5.0 User Properties of the CONNECT.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_properties: Vec<(String, String)>,
}

impl ClientSpec {
    /// A 3.1.1 client with defaults.
    pub fn new(name: &str) -> Self {
        ClientSpec {
            name: name.into(),
            client_id: None,
            protocol: Protocol::V311,
            clean_start: true,
            session_expiry_s: 0,
            keep_alive_s: 60,
            will: None,
            teaching_retry_ms: None,
            reconnect_after_ms: Some(1_000),
            connect_at_start: true,
            link: None,
            receive_maximum: None,
            topic_alias_maximum: None,
            user_properties: Vec::new(),
        }
    }

    /// Whether its session outlives a connection at the broker.
    pub fn is_persistent(&self) -> bool {
        !self.clean_start && (self.protocol == Protocol::V311 || self.session_expiry_s > 0)
    }
}

/// An action at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledAction {
    /// When, in milliseconds from the start.
    pub at_ms: u64,
    /// Which client.
    pub actor: String,
    /// What it does, e.g. `{"do": "publish", "topic": "esp32-kitchen/ip", "payload": "192.168.1.20", "qos": 1}`.
    pub action: Action,
}

/// What a client can be made to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Open a connection (CONNECT).
    Connect,
    /// Close in an orderly way (DISCONNECT; no will).
    Disconnect,
    /// Vanish without DISCONNECT: the broker publishes the will.
    Kill,
    /// Subscribe.
    Subscribe {
        /// Topic filter.
        filter: String,
        /// Requested QoS.
        qos: u8,
        /// 5.0 No Local.
        #[serde(default)]
        no_local: bool,
        /// 5.0 Retain As Published.
        #[serde(default)]
        retain_as_published: bool,
        /// 5.0 Retain Handling (0-2).
        #[serde(default)]
        retain_handling: u8,
    },
    /// Unsubscribe.
    Unsubscribe {
        /// Topic filter.
        filter: String,
    },
    /// Publish.
    Publish {
        /// Topic name.
        topic: String,
        /// Payload (text).
        #[serde(default)]
        payload: String,
        /// QoS 0-2.
        #[serde(default)]
        qos: u8,
        /// Retained.
        #[serde(default)]
        retain: bool,
        /// 5.0 message properties.
        #[serde(default, skip_serializing_if = "PublishProperties::is_empty")]
        properties: PublishProperties,
    },
    /// Sleep like a battery sensor: DISCONNECT cleanly, reconnect later with the session kept.
    Sleep {
        /// For how long.
        for_ms: u64,
    },
    /// Cut the client's link (both directions lose what is in flight).
    CutLink,
    /// Wake a sleeping client now (before its sleep would end).
    Wake,
}

/// 5.0 properties of a scripted PUBLISH.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PublishProperties {
    /// Message Expiry Interval, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_expiry_s: Option<u32>,
    /// Content Type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Response Topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_topic: Option<String>,
    /// User Properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub user_properties: Vec<(String, String)>,
}

impl PublishProperties {
    /// Whether none is set.
    pub fn is_empty(&self) -> bool {
        *self == PublishProperties::default()
    }
}

/// A packet type as written in scenarios: "PUBLISH", "PUBACK", ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PacketKind(pub PacketType);

impl TryFrom<String> for PacketKind {
    type Error = String;
    fn try_from(name: String) -> Result<Self, String> {
        (1..=15)
            .filter_map(PacketType::from_nibble)
            .find(|packet| packet.name().eq_ignore_ascii_case(&name))
            .map(PacketKind)
            .ok_or_else(|| format!("unknown packet type {name:?} (expected e.g. \"PUBACK\")"))
    }
}

impl From<PacketKind> for String {
    fn from(kind: PacketKind) -> String {
        kind.0.name().into()
    }
}

/// A scripted fault. `to` names the actor the packet travels to: a client, or "broker".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Cut the link while the next such packet to `to` is in flight: it dies with the connection
    /// (how real duplicates happen).
    CutWhileInFlight {
        /// The packet type.
        packet: PacketKind,
        /// Where it travels.
        to: String,
    },
    /// Cut the link right after the next such packet reaches `to`.
    CutAfter {
        /// The packet type.
        packet: PacketKind,
        /// Where it arrives.
        to: String,
    },
    /// Teaching mode: lose the next such packet to `to` on a live link.
    DropNext {
        /// The packet type.
        packet: PacketKind,
        /// Where it travels.
        to: String,
        /// Only a packet from this client ("drop the next PUBACK from X": `to` is then "broker");
        /// absent: from anyone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
    },
    /// Teaching mode: deliver the next such packet to `to` twice.
    DuplicateNext {
        /// The packet type.
        packet: PacketKind,
        /// Where it travels.
        to: String,
        /// Only a packet from this client (`to` is then "broker"); absent: from anyone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
    },
}

impl Fault {
    /// The packet and destination the fault watches for.
    pub fn target(&self) -> (PacketType, &str) {
        match self {
            Fault::CutWhileInFlight { packet, to }
            | Fault::CutAfter { packet, to }
            | Fault::DropNext { packet, to, .. }
            | Fault::DuplicateNext { packet, to, .. } => (packet.0, to),
        }
    }

    /// The only sender whose packet the fault watches for, if it names one.
    pub fn from(&self) -> Option<&str> {
        match self {
            Fault::DropNext { from, .. } | Fault::DuplicateNext { from, .. } => from.as_deref(),
            Fault::CutWhileInFlight { .. } | Fault::CutAfter { .. } => None,
        }
    }

    /// Whether a `packet` written by `sender` to `receiver` is the one the fault watches for.
    pub fn watches(&self, packet: PacketType, sender: &str, receiver: &str) -> bool {
        let (watched, to) = self.target();
        watched == packet && to == receiver && self.from().is_none_or(|from| from == sender)
    }
}

/// A scenario that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// Not JSON, or not the shape of a scenario.
    #[error("not a valid scenario: {0}")]
    Syntax(String),
    /// A format version this build does not know.
    #[error(
        "scenario format version {found} is not supported (this build reads 1 to {FORMAT_VERSION})"
    )]
    UnknownVersion {
        /// The version found.
        found: u32,
    },
    /// Well-formed but inconsistent: where, and what is wrong.
    #[error("{at}: {problem}")]
    Invalid {
        /// Where, e.g. `actions[2]`.
        at: String,
        /// What is wrong.
        problem: String,
    },
}

fn invalid(at: impl Into<String>, problem: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid {
        at: at.into(),
        problem: problem.into(),
    }
}

impl Scenario {
    /// An empty scenario of the current format.
    pub fn new(title: &str) -> Self {
        Scenario {
            version: FORMAT_VERSION,
            title: title.into(),
            seed: 0,
            link: LinkSettings::default(),
            clients: Vec::new(),
            actions: Vec::new(),
            faults: Vec::new(),
            end_ms: None,
        }
    }

    /// When the simulation stops: `end_ms`, or 10 s after the last action (a sleep counts until its
    /// wake-up).
    pub fn end(&self) -> u64 {
        self.end_ms.unwrap_or_else(|| {
            let last = self
                .actions
                .iter()
                .map(|a| match a.action {
                    Action::Sleep { for_ms } => a.at_ms.saturating_add(for_ms),
                    _ => a.at_ms,
                })
                .max()
                .unwrap_or(0);
            last.saturating_add(10_000)
        })
    }

    /// Reads and checks a scenario from JSON.
    pub fn from_json(text: &str) -> Result<Self, ScenarioError> {
        // The version is read first, so a newer format gets a clear message instead of a field error.
        let version = serde_json::from_str::<serde_json::Value>(text)
            .map_err(|error| ScenarioError::Syntax(error.to_string()))?
            .get("version")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| ScenarioError::Syntax("missing \"version\"".into()))?;
        let version = u32::try_from(version).unwrap_or(u32::MAX);
        if version == 0 || version > FORMAT_VERSION {
            return Err(ScenarioError::UnknownVersion { found: version });
        }
        let scenario: Scenario =
            serde_json::from_str(text).map_err(|error| ScenarioError::Syntax(error.to_string()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// The scenario as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks everything the simulator relies on.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.version == 0 || self.version > FORMAT_VERSION {
            return Err(ScenarioError::UnknownVersion {
                found: self.version,
            });
        }
        check_link(&self.link, "link")?;
        for (i, client) in self.clients.iter().enumerate() {
            let at = format!("clients[{i}] ({})", client.name);
            if client.name.is_empty() || client.name == BROKER {
                return Err(invalid(at, "a client needs a name other than \"broker\""));
            }
            if self.clients[..i]
                .iter()
                .any(|other| other.name == client.name)
            {
                return Err(invalid(at, "another client has the same name"));
            }
            if let Some(will) = &client.will {
                TopicName::new(&will.topic)
                    .map_err(|v| invalid(&at, format!("will topic: {v}")))?;
                check_qos(will.qos, &at)?;
            }
            if let Some(link) = &client.link {
                check_link(link, &at)?;
            }
        }
        for (i, action) in self.actions.iter().enumerate() {
            let at = format!("actions[{i}] ({} at {} ms)", action.actor, action.at_ms);
            let client = self
                .client(&action.actor)
                .ok_or_else(|| invalid(&at, format!("no client is named {:?}", action.actor)))?;
            match &action.action {
                Action::Subscribe {
                    filter,
                    qos,
                    retain_handling,
                    ..
                } => {
                    TopicFilter::new(filter).map_err(|v| invalid(&at, v.to_string()))?;
                    check_qos(*qos, &at)?;
                    if *retain_handling > 2 {
                        return Err(invalid(at, "retain_handling is 0, 1 or 2"));
                    }
                }
                Action::Unsubscribe { filter } => {
                    TopicFilter::new(filter).map_err(|v| invalid(&at, v.to_string()))?;
                }
                Action::Publish { topic, qos, .. } => {
                    TopicName::new(topic).map_err(|v| invalid(&at, v.to_string()))?;
                    check_qos(*qos, &at)?;
                }
                Action::Sleep { .. } if !client.is_persistent() => {
                    return Err(invalid(
                        at,
                        "sleep needs a persistent session: set clean_start to false (and session_expiry_s above 0 in 5.0)",
                    ));
                }
                _ => {}
            }
        }
        for (i, fault) in self.faults.iter().enumerate() {
            let (_, to) = fault.target();
            if to != BROKER && self.client(to).is_none() {
                return Err(invalid(
                    format!("faults[{i}]"),
                    format!("no client is named {to:?}"),
                ));
            }
        }
        Ok(())
    }

    /// The client named `name`.
    pub fn client(&self, name: &str) -> Option<&ClientSpec> {
        self.clients.iter().find(|client| client.name == name)
    }
}

fn check_qos(qos: u8, at: &str) -> Result<QoS, ScenarioError> {
    QoS::from_bits(qos).ok_or_else(|| invalid(at, format!("QoS {qos} does not exist (0, 1 or 2)")))
}

fn check_link(link: &LinkSettings, at: &str) -> Result<(), ScenarioError> {
    if link.teaching_loss_percent > 100 || link.teaching_duplicate_percent > 100 {
        return Err(invalid(at, "percentages are 0 to 100"));
    }
    Ok(())
}
