//! What a client asks for when it connects, and what the broker answered.

use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::{ConnAck, ProtocolVersion, QoS};
use crate::message::MessageProperties;
use crate::Instant;

/// The will: published by the broker for us if we vanish without DISCONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WillOptions {
    /// Topic the will is published to (checked when the session is created).
    pub topic: String,
    /// Its payload.
    pub payload: Vec<u8>,
    /// Its QoS.
    pub qos: QoS,
    /// Whether the broker retains it.
    pub retain: bool,
    /// 5.0 message properties of the will.
    pub properties: MessageProperties,
    /// 5.0 Will Delay Interval in seconds: a reconnect within it cancels the will.
    pub delay_interval: u32,
}

/// How a client session connects and behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// 3.1.1 or 5.0.
    pub version: ProtocolVersion,
    /// Client identifier; empty asks the broker to assign one (3.1.1: only with a clean session).
    pub client_id: String,
    /// 3.1.1 Clean Session / 5.0 Clean Start: `false` resumes the stored session.
    pub clean_start: bool,
    /// 5.0 Session Expiry Interval in seconds (0: the session ends with the connection;
    /// `u32::MAX`: never). 3.1.1 sessions without clean session never expire.
    pub session_expiry_interval: u32,
    /// Seconds of silence after which we send PINGREQ (0: no keep alive).
    pub keep_alive: u16,
    /// How long to wait for PINGRESP before declaring the connection dead; `None`: one keep-alive
    /// period.
    pub ping_timeout: Option<Instant>,
    /// How long to wait for CONNACK.
    pub connect_timeout: Instant,
    /// The will, if any.
    pub will: Option<WillOptions>,
    /// User name.
    pub username: Option<String>,
    /// Password (binary data).
    pub password: Option<Vec<u8>>,
    /// 5.0 Receive Maximum: how many QoS 1/2 PUBLISH the broker may have unacknowledged towards us.
    pub receive_maximum: u16,
    /// 5.0 Maximum Packet Size we accept (`None`: the protocol's limit).
    pub maximum_packet_size: Option<u32>,
    /// 5.0 Topic Alias Maximum we accept from the broker (0: none).
    pub topic_alias_maximum: u16,
    /// 5.0 User Properties of the CONNECT.
    pub user_properties: Vec<(String, String)>,
    /// Most QoS 1/2 PUBLISH we keep unacknowledged at once (never more than the broker's Receive
    /// Maximum). 20 by default: mosquitto resets a connection with more than 20 open inbound QoS 2.
    pub send_window: u16,
    /// Teaching option: resend an unacknowledged PUBLISH/PUBREL after this many milliseconds within one
    /// connection. Off by default: 3.1.1 only resends on reconnect and 5.0 forbids resending at any
    /// other time (MQTT-4.4.0-1 (5.0)), so with it on the session is not conformant.
    pub teaching_retry: Option<Instant>,
    /// Give every packet received or sent its one-line summary ([`Received::summary`],
    /// [`Sent::summary`]). On by default. A page that shows only the packets in view turns it off
    /// and summarizes their bytes with [`summarize`] when it draws them: during a flood, writing a
    /// summary for every packet was the largest single cost of recording it.
    ///
    /// [`Received::summary`]: super::Received::summary
    /// [`Sent::summary`]: super::Sent::summary
    /// [`summarize`]: crate::codec::summarize
    pub describe_packets: bool,
}

impl ClientOptions {
    /// Options for `client_id` with clean start, a 60 s keep alive and everything else default.
    pub fn new(version: ProtocolVersion, client_id: impl Into<String>) -> Self {
        ClientOptions {
            version,
            client_id: client_id.into(),
            clean_start: true,
            session_expiry_interval: 0,
            keep_alive: 60,
            ping_timeout: None,
            connect_timeout: 30_000,
            will: None,
            username: None,
            password: None,
            receive_maximum: u16::MAX,
            maximum_packet_size: None,
            topic_alias_maximum: 0,
            user_properties: Vec::new(),
            send_window: 20,
            teaching_retry: None,
            describe_packets: true,
        }
    }
}

/// What the broker told us in CONNACK (and the defaults when it said nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerLimits {
    /// Keep alive in effect (the broker's Server Keep Alive overrides ours).
    pub keep_alive: u16,
    /// How many QoS 1/2 PUBLISH we may have unacknowledged (5.0 Receive Maximum; 65,535 if absent).
    pub receive_maximum: u16,
    /// Highest QoS the broker accepts from us.
    pub maximum_qos: QoS,
    /// Whether the broker supports retained messages.
    pub retain_available: bool,
    /// Largest packet the broker accepts.
    pub maximum_packet_size: Option<u32>,
    /// Highest Topic Alias the broker accepts from us.
    pub topic_alias_maximum: u16,
    /// The client id the broker assigned, if we sent an empty one.
    pub assigned_client_id: Option<String>,
    /// 5.0 Session Expiry Interval the broker decided, if it changed ours.
    pub session_expiry_interval: Option<u32>,
    /// Whether wildcard subscriptions are available.
    pub wildcard_subscription_available: bool,
    /// Whether subscription identifiers are available.
    pub subscription_identifiers_available: bool,
    /// Whether shared subscriptions are available.
    pub shared_subscription_available: bool,
}

impl ServerLimits {
    /// No limits beyond our own keep alive: what 3.1.1 brokers (and silent 5.0 ones) mean.
    pub fn unlimited(keep_alive: u16) -> Self {
        ServerLimits {
            keep_alive,
            receive_maximum: u16::MAX,
            maximum_qos: QoS::ExactlyOnce,
            retain_available: true,
            maximum_packet_size: None,
            topic_alias_maximum: 0,
            assigned_client_id: None,
            session_expiry_interval: None,
            wildcard_subscription_available: true,
            subscription_identifiers_available: true,
            shared_subscription_available: true,
        }
    }

    /// The limits a CONNACK announces, on top of our keep alive.
    pub fn from_connack(connack: &ConnAck<'_>, keep_alive: u16) -> Self {
        use crate::codec::Property as P;
        let mut limits = ServerLimits::unlimited(keep_alive);
        for property in connack.properties.iter() {
            match *property {
                P::ServerKeepAlive(seconds) => limits.keep_alive = seconds,
                P::ReceiveMaximum(n) => limits.receive_maximum = n,
                P::MaximumQoS(qos) => limits.maximum_qos = qos,
                P::RetainAvailable(available) => limits.retain_available = available,
                P::MaximumPacketSize(n) => limits.maximum_packet_size = Some(n),
                P::TopicAliasMaximum(n) => limits.topic_alias_maximum = n,
                P::AssignedClientIdentifier(id) => limits.assigned_client_id = Some(id.into()),
                P::SessionExpiryInterval(s) => limits.session_expiry_interval = Some(s),
                P::WildcardSubscriptionAvailable(b) => limits.wildcard_subscription_available = b,
                P::SubscriptionIdentifierAvailable(b) => {
                    limits.subscription_identifiers_available = b
                }
                P::SharedSubscriptionAvailable(b) => limits.shared_subscription_available = b,
                _ => {}
            }
        }
        limits
    }
}
