//! The playground page's reducer: UI state only — forms as typed, selections, filters, view options.
//!
//! The MQTT world itself (clients, sessions, the history of packets and messages) lives in the
//! [`Workspace`](crate::playground::workspace::Workspace) outside Yew, because it changes thousands of
//! times a second under load. This state holds a `revision` copied from it at most once per animation
//! frame ([`PgAction::Tick`]), which is what makes the views that read the workspace render again.

use mqtt_core::sorted::SortedSet;
use std::rc::Rc;

use mqtt_core::codec::ProtocolVersion;
use yew::Reducible;

use crate::playground::explain::{check_url, CheckedUrl};
use crate::playground::forms::{ClientForm, FormError, PublishForm, SubscribeForm};
use crate::playground::log_view::LogFilter;
use crate::playground::model::{ClientKey, Direction};
use crate::playground::payload::PayloadView;
use crate::playground::profiles::{self, Profile};
use crate::playground::workspace::{BrokerChoice, FaultAim, FaultKind};
use mqtt_core::codec::PacketType;

/// The default simulated link latency, milliseconds.
pub const DEFAULT_LATENCY_MS: u64 = 50;

/// The kind of broker chosen in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokerKind {
    /// The teaching broker in the page.
    Simulated,
    /// A real broker over WebSocket.
    WebSocket,
}

/// Which view of the traffic is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrafficTab {
    /// The message log.
    Messages,
    /// Every packet.
    Packets,
    /// The topic tree.
    Topics,
}

/// The colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Follow the system.
    Auto,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// The stored and `data-theme` value.
    pub fn value(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The theme for a stored value.
    pub fn from_value(value: &str) -> Self {
        match value {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::Auto,
        }
    }
}

/// Ready-made broker URLs.
pub const PRESETS: [(&str, &str); 7] = [
    (
        "Local mosquitto (cargo xtask serve --broker)",
        "ws://127.0.0.1:9001",
    ),
    ("test.mosquitto.org (TLS)", "wss://test.mosquitto.org:8081"),
    ("test.mosquitto.org", "ws://test.mosquitto.org:8080"),
    (
        "HiveMQ public broker (TLS)",
        "wss://broker.hivemq.com:8884/mqtt",
    ),
    ("HiveMQ public broker", "ws://broker.hivemq.com:8000/mqtt"),
    ("EMQX public broker (TLS)", "wss://broker.emqx.io:8084/mqtt"),
    ("EMQX public broker", "ws://broker.emqx.io:8083/mqtt"),
];

/// Everything the playground page shows that is not MQTT state.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaygroundState {
    /// The workspace revision last rendered.
    pub revision: u64,
    /// Traffic is a flood (see `playground::pace`): the diagram shows each render as it is, without
    /// animating packets in between.
    pub flooding: bool,
    /// Whether the page itself came over https:// (for the mixed-content check).
    pub page_is_https: bool,
    /// Broker kind chosen in the form.
    pub broker_kind: BrokerKind,
    /// URL as typed.
    pub url: String,
    /// What is wrong with the URL, or what to watch out for.
    pub url_check: Result<CheckedUrl, String>,
    /// Simulated link latency, milliseconds.
    pub latency_ms: u64,
    /// The broker the workspace uses.
    pub applied: BrokerChoice,
    /// The add-client form.
    pub client_form: ClientForm,
    /// What is wrong with it.
    pub client_error: Option<FormError>,
    /// Number for the next default client name.
    pub next_client_number: u32,
    /// The client the publish form publishes from.
    pub publish_client: Option<ClientKey>,
    /// The publish form.
    pub publish: PublishForm,
    /// What went wrong publishing.
    pub publish_error: Option<FormError>,
    /// The client the subscribe form subscribes.
    pub subscribe_client: Option<ClientKey>,
    /// The subscribe form.
    pub subscribe: SubscribeForm,
    /// What went wrong subscribing.
    pub subscribe_error: Option<FormError>,
    /// The last thing done, for the status line read by screen readers.
    pub status: String,
    /// The traffic view.
    pub tab: TrafficTab,
    /// The message log's filter.
    pub log_filter: LogFilter,
    /// The selected message (record index).
    pub selected_message: Option<u64>,
    /// Keep the newest message in view.
    pub follow: bool,
    /// How payloads are shown.
    pub payload_view: PayloadView,
    /// The packet list's client filter.
    pub packet_client: Option<ClientKey>,
    /// The selected packet (record index).
    pub selected_packet: Option<u64>,
    /// Keep the newest packet in view.
    pub packets_follow: bool,
    /// Collapsed topic tree nodes (everything is open until closed, as in MQTT Explorer).
    pub collapsed_topics: Rc<SortedSet<usize>>,
    /// The selected topic tree node.
    pub selected_topic: Option<usize>,
    /// Saved profiles.
    pub profiles: Rc<Vec<Profile>>,
    /// The profile chosen in the list.
    pub chosen_profile: String,
    /// Name to save the current settings under.
    pub profile_name: String,
    /// Store the password with the profile.
    pub remember_password: bool,
    /// Colour theme.
    pub theme: Theme,
    /// The fault form: drop or duplicate…
    pub fault_kind: FaultKind,
    /// …the next packet of this type…
    pub fault_packet: PacketType,
    /// …to (simulator) or from (real broker) this client; `None`: to the broker.
    pub fault_aim: FaultAim,
}

/// The packet types a fault can aim at, in handshake order.
pub const FAULT_PACKETS: [PacketType; 7] = [
    PacketType::Publish,
    PacketType::PubAck,
    PacketType::PubRec,
    PacketType::PubRel,
    PacketType::PubComp,
    PacketType::Subscribe,
    PacketType::SubAck,
];

/// An edit of the add-client form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEdit {
    /// Name.
    Name(String),
    /// Protocol version.
    Version(ProtocolVersion),
    /// Client id.
    ClientId(String),
    /// User name.
    Username(String),
    /// Password.
    Password(String),
    /// Keep alive.
    KeepAlive(String),
    /// Clean session / clean start.
    CleanStart(bool),
    /// Session expiry.
    SessionExpiry(String),
    /// Will on or off.
    Will(bool),
    /// Will topic.
    WillTopic(String),
    /// Will payload.
    WillPayload(String),
    /// Will QoS.
    WillQos(u8),
    /// Will retained.
    WillRetain(bool),
    /// Will delay.
    WillDelay(String),
    /// Receive maximum.
    ReceiveMaximum(String),
    /// Topic alias maximum.
    TopicAliasMaximum(String),
    /// User properties.
    UserProperties(String),
}

/// An edit of the publish form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishEdit {
    /// Topic.
    Topic(String),
    /// Payload.
    Payload(String),
    /// QoS.
    Qos(u8),
    /// Retain.
    Retain(bool),
    /// Message expiry.
    Expiry(String),
    /// Content type.
    ContentType(String),
    /// Response topic.
    ResponseTopic(String),
    /// User properties.
    UserProperties(String),
}

/// An edit of the subscribe form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscribeEdit {
    /// Filter.
    Filter(String),
    /// QoS.
    Qos(u8),
    /// No Local.
    NoLocal(bool),
    /// Retain As Published.
    RetainAsPublished(bool),
    /// Retain Handling.
    RetainHandling(u8),
}

/// Everything that can happen on the playground page.
#[derive(Debug, Clone, PartialEq)]
pub enum PgAction {
    /// The workspace changed (once per animation frame at most): its revision, and whether traffic
    /// is a flood (then renders are spaced out and nothing glides between them).
    Tick { revision: u64, flooding: bool },
    /// The broker kind was chosen.
    SetBrokerKind(BrokerKind),
    /// The URL was edited (or a preset picked).
    SetUrl(String),
    /// The simulated latency was changed.
    SetLatency(u64),
    /// The workspace now uses this broker.
    BrokerApplied(BrokerChoice),
    /// The add-client form changed.
    EditClient(ClientEdit),
    /// A client was added; the form starts over with this client id.
    ClientAdded {
        /// The new client.
        key: ClientKey,
        /// Its name, for the status line.
        name: String,
        /// The next client's generated id.
        next_id: String,
    },
    /// The add-client form has a mistake.
    ClientRejected(FormError),
    /// A client was removed.
    ClientRemoved(ClientKey),
    /// The publish form's client.
    SetPublishClient(ClientKey),
    /// The publish form changed.
    EditPublish(PublishEdit),
    /// Published.
    Published(String),
    /// Publishing failed.
    PublishRejected(FormError),
    /// The subscribe form's client.
    SetSubscribeClient(ClientKey),
    /// The subscribe form changed.
    EditSubscribe(SubscribeEdit),
    /// Subscribed.
    Subscribed(String),
    /// Subscribing failed.
    SubscribeRejected(FormError),
    /// Something else happened worth a status line.
    Status(String),
    /// The traffic view.
    SetTab(TrafficTab),
    /// The log's topic filter.
    SetLogTopic(String),
    /// The log's client filter.
    SetLogClient(Option<ClientKey>),
    /// The log's direction filter.
    SetLogDirection(Option<Direction>),
    /// A message was selected.
    SelectMessage(Option<u64>),
    /// Follow the newest message.
    SetFollow(bool),
    /// The payload view.
    SetPayloadView(PayloadView),
    /// The packet list's client filter.
    SetPacketClient(Option<ClientKey>),
    /// A packet was selected.
    SelectPacket(Option<u64>),
    /// Follow the newest packet.
    SetPacketsFollow(bool),
    /// Show a packet in the packet list (from a message).
    ShowPacket(u64),
    /// Show a topic's messages in the log (from the topic tree).
    ShowTopic(String),
    /// A topic node was expanded (`true`) or collapsed.
    SetExpanded(usize, bool),
    /// A topic node was selected.
    SelectTopic(Option<usize>),
    /// The profile name was edited.
    SetProfileName(String),
    /// "Remember password" was ticked.
    SetRememberPassword(bool),
    /// The profiles list (after saving or deleting).
    SetProfiles(Vec<Profile>),
    /// A profile was chosen in the list.
    ChooseProfile(String),
    /// A profile was loaded into the forms.
    LoadProfile(Profile),
    /// The theme.
    SetTheme(Theme),
    /// The fault form's kind.
    SetFaultKind(FaultKind),
    /// The fault form's packet type.
    SetFaultPacket(PacketType),
    /// The fault form's client (`None`: the broker).
    SetFaultAim(FaultAim),
}

impl PlaygroundState {
    /// The initial state: the built-in broker, an empty add-client form for `client-1`.
    pub fn new(page_is_https: bool, client_id: &str, profiles: Vec<Profile>, theme: Theme) -> Self {
        let url = PRESETS[0].1.to_string();
        PlaygroundState {
            revision: 0,
            flooding: false,
            page_is_https,
            broker_kind: BrokerKind::Simulated,
            url_check: check_url(&url, page_is_https),
            url,
            latency_ms: DEFAULT_LATENCY_MS,
            applied: BrokerChoice::Simulated {
                latency_ms: DEFAULT_LATENCY_MS,
            },
            client_form: ClientForm::new("client-1", client_id),
            client_error: None,
            next_client_number: 2,
            publish_client: None,
            publish: PublishForm::default(),
            publish_error: None,
            subscribe_client: None,
            subscribe: SubscribeForm::default(),
            subscribe_error: None,
            status: String::new(),
            tab: TrafficTab::Messages,
            log_filter: LogFilter::default(),
            selected_message: None,
            follow: true,
            payload_view: PayloadView::Text,
            packet_client: None,
            selected_packet: None,
            packets_follow: true,
            collapsed_topics: Rc::default(),
            selected_topic: None,
            profiles: Rc::new(profiles),
            chosen_profile: String::new(),
            profile_name: String::new(),
            remember_password: false,
            theme,
            fault_kind: FaultKind::Drop,
            fault_packet: PacketType::PubAck,
            fault_aim: FaultAim::ToBroker,
        }
    }

    /// The broker the form describes, if it is usable.
    pub fn chosen_broker(&self) -> Result<BrokerChoice, String> {
        match self.broker_kind {
            BrokerKind::Simulated => Ok(BrokerChoice::Simulated {
                latency_ms: self.latency_ms,
            }),
            BrokerKind::WebSocket => self
                .url_check
                .as_ref()
                .map(|checked| BrokerChoice::WebSocket {
                    url: checked.url.clone(),
                })
                .map_err(Clone::clone),
        }
    }

    /// Whether the form describes another broker than the one in use.
    pub fn broker_changed(&self) -> bool {
        self.chosen_broker()
            .is_ok_and(|chosen| chosen != self.applied)
    }

    /// The profile the current settings make.
    pub fn profile(&self) -> Profile {
        let form = &self.client_form;
        Profile {
            name: self.profile_name.trim().to_string(),
            url: match self.broker_kind {
                BrokerKind::Simulated => String::new(),
                BrokerKind::WebSocket => self.url.trim().to_string(),
            },
            version: form.version.edition().to_string(),
            username: form.username.clone(),
            password: (!form.password.is_empty()).then(|| form.password.clone()),
            remember_password: self.remember_password,
            keep_alive: form.keep_alive.clone(),
            clean_start: form.clean_start,
            session_expiry: form.session_expiry.clone(),
        }
    }

    /// The profile list with the current settings saved (its password only if asked).
    pub fn profiles_with_current(&self) -> Vec<Profile> {
        profiles::upsert(&self.profiles, self.profile().for_storage())
    }

    fn edit_client(&mut self, edit: ClientEdit) {
        let form = &mut self.client_form;
        match edit {
            ClientEdit::Name(name) => {
                // The default will topic follows the name until it is edited.
                if form.will_topic == format!("{}/status", form.name) {
                    form.will_topic = format!("{name}/status");
                }
                form.name = name;
            }
            ClientEdit::Version(version) => form.version = version,
            ClientEdit::ClientId(id) => form.client_id = id,
            ClientEdit::Username(text) => form.username = text,
            ClientEdit::Password(text) => form.password = text,
            ClientEdit::KeepAlive(text) => form.keep_alive = text,
            ClientEdit::CleanStart(on) => form.clean_start = on,
            ClientEdit::SessionExpiry(text) => form.session_expiry = text,
            ClientEdit::Will(on) => form.will = on,
            ClientEdit::WillTopic(text) => form.will_topic = text,
            ClientEdit::WillPayload(text) => form.will_payload = text,
            ClientEdit::WillQos(qos) => form.will_qos = qos,
            ClientEdit::WillRetain(on) => form.will_retain = on,
            ClientEdit::WillDelay(text) => form.will_delay = text,
            ClientEdit::ReceiveMaximum(text) => form.receive_maximum = text,
            ClientEdit::TopicAliasMaximum(text) => form.topic_alias_maximum = text,
            ClientEdit::UserProperties(text) => form.user_properties = text,
        }
        self.client_error = None;
    }

    fn edit_publish(&mut self, edit: PublishEdit) {
        let form = &mut self.publish;
        match edit {
            PublishEdit::Topic(text) => form.topic = text,
            PublishEdit::Payload(text) => form.payload = text,
            PublishEdit::Qos(qos) => form.qos = qos,
            PublishEdit::Retain(on) => form.retain = on,
            PublishEdit::Expiry(text) => form.expiry = text,
            PublishEdit::ContentType(text) => form.content_type = text,
            PublishEdit::ResponseTopic(text) => form.response_topic = text,
            PublishEdit::UserProperties(text) => form.user_properties = text,
        }
        self.publish_error = None;
    }

    fn edit_subscribe(&mut self, edit: SubscribeEdit) {
        let form = &mut self.subscribe;
        match edit {
            SubscribeEdit::Filter(text) => form.filter = text,
            SubscribeEdit::Qos(qos) => form.qos = qos,
            SubscribeEdit::NoLocal(on) => form.no_local = on,
            SubscribeEdit::RetainAsPublished(on) => form.retain_as_published = on,
            SubscribeEdit::RetainHandling(value) => form.retain_handling = value,
        }
        self.subscribe_error = None;
    }
}

impl Reducible for PlaygroundState {
    type Action = PgAction;

    fn reduce(self: Rc<Self>, action: PgAction) -> Rc<Self> {
        if let PgAction::Tick { revision, flooding } = action {
            if revision == self.revision && flooding == self.flooding {
                return self;
            }
        }
        let mut next = (*self).clone();
        match action {
            PgAction::Tick { revision, flooding } => {
                next.revision = revision;
                next.flooding = flooding;
            }
            PgAction::SetBrokerKind(kind) => next.broker_kind = kind,
            PgAction::SetUrl(url) => {
                next.url_check = check_url(&url, next.page_is_https);
                next.url = url;
                next.broker_kind = BrokerKind::WebSocket;
            }
            PgAction::SetLatency(ms) => next.latency_ms = ms,
            PgAction::BrokerApplied(choice) => {
                next.status = format!("Now using the {}.", broker_words(&choice));
                next.applied = choice;
            }
            PgAction::EditClient(edit) => next.edit_client(edit),
            PgAction::ClientAdded { key, name, next_id } => {
                let number = next.next_client_number;
                let mut form = ClientForm::new(&format!("client-{number}"), &next_id);
                // Keep the connection settings for the next client; only name, id and will reset.
                let old = &next.client_form;
                form.version = old.version;
                form.username = old.username.clone();
                form.password = old.password.clone();
                form.keep_alive = old.keep_alive.clone();
                form.clean_start = old.clean_start;
                form.session_expiry = old.session_expiry.clone();
                next.client_form = form;
                next.next_client_number = number + 1;
                next.client_error = None;
                next.publish_client.get_or_insert(key);
                next.subscribe_client = Some(key);
                next.status = format!("Added {name}.");
            }
            PgAction::ClientRejected(error) => next.client_error = Some(error),
            PgAction::ClientRemoved(key) => {
                if next.publish_client == Some(key) {
                    next.publish_client = None;
                }
                if next.subscribe_client == Some(key) {
                    next.subscribe_client = None;
                }
                if next.log_filter.client == Some(key) {
                    next.log_filter.client = None;
                }
                if next.packet_client == Some(key) {
                    next.packet_client = None;
                }
                if next.fault_aim.client() == Some(key) {
                    next.fault_aim = FaultAim::ToBroker;
                }
            }
            PgAction::SetPublishClient(key) => {
                next.publish_client = Some(key);
                next.publish_error = None;
            }
            PgAction::EditPublish(edit) => next.edit_publish(edit),
            PgAction::Published(text) => {
                next.publish_error = None;
                next.status = text;
            }
            PgAction::PublishRejected(error) => next.publish_error = Some(error),
            PgAction::SetSubscribeClient(key) => {
                next.subscribe_client = Some(key);
                next.subscribe_error = None;
            }
            PgAction::EditSubscribe(edit) => next.edit_subscribe(edit),
            PgAction::Subscribed(text) => {
                next.subscribe_error = None;
                next.status = text;
            }
            PgAction::SubscribeRejected(error) => next.subscribe_error = Some(error),
            PgAction::Status(text) => next.status = text,
            PgAction::SetTab(tab) => next.tab = tab,
            PgAction::SetLogTopic(text) => next.log_filter.topic = text,
            PgAction::SetLogClient(client) => next.log_filter.client = client,
            PgAction::SetLogDirection(direction) => next.log_filter.direction = direction,
            PgAction::SelectMessage(index) => {
                next.selected_message = index;
                // Choosing an older message stops following the newest.
                if index.is_some() {
                    next.follow = false;
                }
            }
            PgAction::SetFollow(on) => next.follow = on,
            PgAction::SetPayloadView(view) => next.payload_view = view,
            PgAction::SetPacketClient(client) => next.packet_client = client,
            PgAction::SelectPacket(index) => {
                next.selected_packet = index;
                if index.is_some() {
                    next.packets_follow = false;
                }
            }
            PgAction::SetPacketsFollow(on) => next.packets_follow = on,
            PgAction::ShowPacket(index) => {
                next.tab = TrafficTab::Packets;
                next.packet_client = None;
                next.selected_packet = Some(index);
                next.packets_follow = false;
            }
            PgAction::ShowTopic(topic) => {
                next.tab = TrafficTab::Messages;
                next.log_filter.topic = topic;
                next.follow = true;
            }
            PgAction::SetExpanded(node, open) => {
                let mut collapsed = (*next.collapsed_topics).clone();
                if open {
                    collapsed.remove(&node);
                } else {
                    collapsed.insert(node);
                }
                next.collapsed_topics = Rc::new(collapsed);
            }
            PgAction::SelectTopic(node) => next.selected_topic = node,
            PgAction::SetProfileName(name) => next.profile_name = name,
            PgAction::SetRememberPassword(on) => next.remember_password = on,
            PgAction::SetProfiles(list) => {
                if !list.iter().any(|p| p.name == next.chosen_profile) {
                    next.chosen_profile.clear();
                }
                next.profiles = Rc::new(list);
            }
            PgAction::ChooseProfile(name) => next.chosen_profile = name,
            PgAction::LoadProfile(profile) => {
                if profile.url.is_empty() {
                    next.broker_kind = BrokerKind::Simulated;
                } else {
                    next.url_check = check_url(&profile.url, next.page_is_https);
                    next.url = profile.url.clone();
                    next.broker_kind = BrokerKind::WebSocket;
                }
                next.client_form.apply_profile(&profile);
                next.remember_password = profile.remember_password;
                next.profile_name = profile.name.clone();
                next.status = format!("Loaded profile {}.", profile.name);
            }
            PgAction::SetTheme(theme) => next.theme = theme,
            PgAction::SetFaultKind(kind) => next.fault_kind = kind,
            PgAction::SetFaultPacket(packet) => next.fault_packet = packet,
            PgAction::SetFaultAim(aim) => next.fault_aim = aim,
        }
        Rc::new(next)
    }
}

/// "built-in teaching broker" or "broker at ws://…", for status lines.
pub fn broker_words(choice: &BrokerChoice) -> String {
    match choice {
        BrokerChoice::Simulated { .. } => "built-in teaching broker".into(),
        BrokerChoice::WebSocket { url } => format!("broker at {url}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn start() -> Rc<PlaygroundState> {
        Rc::new(PlaygroundState::new(
            false,
            "mqttpg-00aa",
            Vec::new(),
            Theme::Auto,
        ))
    }

    #[test]
    fn the_page_starts_on_the_built_in_broker_with_a_client_form() {
        let state = start();
        assert_eq!(state.applied, BrokerChoice::Simulated { latency_ms: 50 });
        assert_eq!(state.client_form.name, "client-1");
        assert_eq!(state.client_form.client_id, "mqttpg-00aa");
        assert!(!state.broker_changed());
        assert_eq!(state.tab, TrafficTab::Messages);
        assert!(state.follow);
    }

    #[test]
    fn an_unchanged_tick_keeps_the_same_state() {
        let state = start();
        let tick = |revision, flooding| PgAction::Tick { revision, flooding };
        let same = state.clone().reduce(tick(0, false));
        assert!(Rc::ptr_eq(&state, &same));
        let newer = state.reduce(tick(3, false));
        assert_eq!(newer.revision, 3);
        let flood = newer.clone().reduce(tick(3, true));
        assert!(flood.flooding && !Rc::ptr_eq(&newer, &flood));
    }

    #[test]
    fn urls_are_checked_as_typed_and_a_changed_broker_can_be_applied() {
        let state = start().reduce(PgAction::SetUrl("mqtt://x:1883".into()));
        assert_eq!(state.broker_kind, BrokerKind::WebSocket);
        assert!(state.chosen_broker().unwrap_err().contains("raw TCP"));
        assert!(!state.broker_changed());
        let state = state.reduce(PgAction::SetUrl("ws://127.0.0.1:9001".into()));
        assert!(state.broker_changed());
        let state = state.reduce(PgAction::BrokerApplied(BrokerChoice::WebSocket {
            url: "ws://127.0.0.1:9001".into(),
        }));
        assert!(!state.broker_changed());
        assert_eq!(state.status, "Now using the broker at ws://127.0.0.1:9001.");
        let https = Rc::new(PlaygroundState::new(true, "id", Vec::new(), Theme::Auto))
            .reduce(PgAction::SetUrl("ws://broker.example:9001".into()));
        assert!(https.chosen_broker().unwrap_err().contains("Mixed content"));
    }

    #[test]
    fn adding_a_client_resets_name_and_id_but_keeps_connection_settings() {
        let state = start().reduce(PgAction::EditClient(ClientEdit::Name(
            "esp32-kitchen".into(),
        )));
        assert_eq!(state.client_form.will_topic, "esp32-kitchen/status");
        let state = state.reduce(PgAction::EditClient(ClientEdit::Version(
            ProtocolVersion::V5,
        )));
        let state = state.reduce(PgAction::EditClient(ClientEdit::Username("alice".into())));
        let state = state.reduce(PgAction::ClientRejected(FormError {
            field: "client-name",
            message: "x".into(),
        }));
        assert!(state.client_error.is_some());
        let state = state.reduce(PgAction::ClientAdded {
            key: 1,
            name: "esp32-kitchen".into(),
            next_id: "mqttpg-11bb".into(),
        });
        assert_eq!(state.client_form.name, "client-2");
        assert_eq!(state.client_form.client_id, "mqttpg-11bb");
        assert_eq!(state.client_form.version, ProtocolVersion::V5);
        assert_eq!(state.client_form.username, "alice");
        assert_eq!(
            (state.publish_client, state.subscribe_client),
            (Some(1), Some(1))
        );
        assert!(state.client_error.is_none());
        let state = state.reduce(PgAction::ClientAdded {
            key: 2,
            name: "dashboard".into(),
            next_id: "x".into(),
        });
        // The publisher stays; the newest client is the one to subscribe.
        assert_eq!(
            (state.publish_client, state.subscribe_client),
            (Some(1), Some(2))
        );
        let state = state.reduce(PgAction::SetLogClient(Some(2)));
        let state = state.reduce(PgAction::ClientRemoved(2));
        assert_eq!(
            (state.subscribe_client, state.log_filter.client),
            (None, None)
        );
    }

    #[test]
    fn form_errors_clear_when_the_form_is_edited() {
        let error = FormError {
            field: "publish-topic",
            message: "x".into(),
        };
        let state = start().reduce(PgAction::PublishRejected(error.clone()));
        assert_eq!(state.publish_error, Some(error));
        let state = state.reduce(PgAction::EditPublish(PublishEdit::Topic("a".into())));
        assert_eq!(state.publish_error, None);
        let state = state.reduce(PgAction::SubscribeRejected(FormError {
            field: "subscribe-filter",
            message: "x".into(),
        }));
        let state = state.reduce(PgAction::EditSubscribe(SubscribeEdit::Qos(0)));
        assert_eq!(
            (state.subscribe_error.clone(), state.subscribe.qos),
            (None, 0)
        );
    }

    #[test]
    fn selecting_a_message_stops_following_and_topics_expand() {
        let state = start().reduce(PgAction::SelectMessage(Some(4)));
        assert!(!state.follow);
        let state = state.reduce(PgAction::SetFollow(true));
        assert!(state.follow);
        let state = state.reduce(PgAction::SetExpanded(3, false));
        let state = state.reduce(PgAction::SetExpanded(5, false));
        let state = state.reduce(PgAction::SetExpanded(3, true));
        assert_eq!(*state.collapsed_topics, SortedSet::from([5]));
    }

    #[test]
    fn profiles_save_without_the_password_unless_asked_and_load_into_the_forms() {
        let state = start()
            .reduce(PgAction::SetUrl("ws://127.0.0.1:9001".into()))
            .reduce(PgAction::EditClient(ClientEdit::Username("alice".into())))
            .reduce(PgAction::EditClient(ClientEdit::Password("s3cret".into())))
            .reduce(PgAction::SetProfileName("local".into()));
        let saved = state.profiles_with_current();
        assert_eq!(saved[0].password, None);
        assert_eq!(saved[0].url, "ws://127.0.0.1:9001");
        let remembered = state
            .clone()
            .reduce(PgAction::SetRememberPassword(true))
            .profiles_with_current();
        assert_eq!(remembered[0].password.as_deref(), Some("s3cret"));
        let fresh = start().reduce(PgAction::LoadProfile(saved[0].clone()));
        assert_eq!(fresh.broker_kind, BrokerKind::WebSocket);
        assert_eq!(fresh.url, "ws://127.0.0.1:9001");
        assert_eq!(fresh.client_form.username, "alice");
        assert_eq!(fresh.client_form.password, "");
        let simulated = start().reduce(PgAction::LoadProfile(Profile {
            name: "sim".into(),
            ..Profile::default()
        }));
        assert_eq!(simulated.broker_kind, BrokerKind::Simulated);
    }

    #[test]
    fn jumping_from_a_message_to_its_packet_and_from_a_topic_to_its_messages() {
        let state = start()
            .reduce(PgAction::SetPacketClient(Some(2)))
            .reduce(PgAction::ShowPacket(17));
        assert_eq!(state.tab, TrafficTab::Packets);
        assert_eq!(
            (state.packet_client, state.selected_packet),
            (None, Some(17))
        );
        assert!(!state.packets_follow);
        let state = state.reduce(PgAction::ShowTopic("home/kitchen/temp".into()));
        assert_eq!(state.tab, TrafficTab::Messages);
        assert_eq!(state.log_filter.topic, "home/kitchen/temp");
    }

    #[test]
    fn the_fault_form_aims_at_a_packet_and_forgets_a_removed_client() {
        let state = start();
        assert_eq!(
            (state.fault_kind, state.fault_packet, state.fault_aim),
            (FaultKind::Drop, PacketType::PubAck, FaultAim::ToBroker)
        );
        let state = state
            .reduce(PgAction::SetFaultKind(FaultKind::Duplicate))
            .reduce(PgAction::SetFaultPacket(PacketType::PubRec))
            .reduce(PgAction::SetFaultAim(FaultAim::From(2)));
        assert_eq!(
            (state.fault_kind, state.fault_packet, state.fault_aim),
            (FaultKind::Duplicate, PacketType::PubRec, FaultAim::From(2))
        );
        let state = state.reduce(PgAction::ClientRemoved(3));
        assert_eq!(state.fault_aim, FaultAim::From(2));
        let state = state.reduce(PgAction::ClientRemoved(2));
        assert_eq!(
            state.fault_aim,
            FaultAim::ToBroker,
            "the broker, not a removed client"
        );
        assert!(FAULT_PACKETS.contains(&state.fault_packet));
    }

    #[test]
    fn themes_round_trip_through_their_stored_values() {
        for theme in [Theme::Auto, Theme::Light, Theme::Dark] {
            assert_eq!(Theme::from_value(theme.value()), theme);
        }
        assert_eq!(Theme::from_value("neon"), Theme::Auto);
    }
}
