//! The engine: clients, their sessions (real or simulated) and the normalized history. See the
//! [module documentation](super).
//!
//! Heavy, fast-changing data lives here, outside the Yew reducer: the page keeps the workspace in an
//! `Rc<RefCell<…>>`, calls it from event handlers and once per animation frame ([`Workspace::tick`]),
//! and re-renders when [`Workspace::revision`] moved.

use std::rc::Rc;

use mqtt_core::broker::BrokerEventKind;
use mqtt_core::client::{ClientSession, CloseReason, ConnectionState, EventKind};
use mqtt_core::codec::{PacketType, ProtocolVersion};
use mqtt_core::message::Message;
use mqtt_core::Instant;

use super::config::{ClientConfig, PublishRequest, SubscribeRequest};
use super::explain;
use super::model::{ClientKey, Direction, Level, MessageRecord, Notice, PacketRecord, Status};
use super::real::RealBackend;
use super::ring::Ring;
use super::sim::SimBackend;
use super::topics::TopicTree;
use super::vec_map::VecMap;

/// A WebSocket, numbered by the workspace (a reconnect gets a new number, so late events of an old
/// socket are recognised and ignored).
pub type SocketId = u32;

/// I/O the workspace asks the page to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Io {
    /// Open a WebSocket (subprotocol `mqtt`, binary frames) to `url`.
    Open {
        /// Its number.
        socket: SocketId,
        /// Where.
        url: String,
    },
    /// Send one binary frame: every packet a poll produced, coalesced.
    Send {
        /// Which socket.
        socket: SocketId,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// Close the socket (without an MQTT DISCONNECT, unless one was just sent).
    Close {
        /// Which socket.
        socket: SocketId,
    },
}

/// Which broker the clients talk to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerChoice {
    /// The teaching broker, simulated in the page, with this one-way link latency.
    Simulated {
        /// Milliseconds each packet takes.
        latency_ms: u64,
    },
    /// A real broker over WebSocket.
    WebSocket {
        /// Its URL (checked with [`explain::check_url`]).
        url: String,
    },
}

impl BrokerChoice {
    /// How the broker is named in exports and headings.
    pub fn label(&self) -> String {
        match self {
            BrokerChoice::Simulated { .. } => {
                "built-in teaching broker (simulated in the page)".into()
            }
            BrokerChoice::WebSocket { url } => url.clone(),
        }
    }
}

/// Something a client was asked to do and is on its way to, which decides its status after the close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Intent {
    /// Nothing in particular.
    None,
    /// Going to sleep: the session stays at the broker.
    Sleep,
    /// Killed abruptly: the broker publishes the will.
    Kill,
}

/// A client as the workspace knows it.
#[derive(Debug, Clone)]
pub struct ClientEntry {
    /// Its key.
    pub key: ClientKey,
    /// Its options.
    pub config: ClientConfig,
    /// Where it stands.
    pub status: Status,
    /// Messages delivered to it.
    pub received: u64,
    /// Messages it published.
    pub sent: u64,
    /// The latest warning or error since its last connection attempt, if any.
    pub problem: Option<Notice>,
    /// Half the last PINGREQ→PINGRESP round trip: the one-way latency estimate.
    pub latency_ms: Option<u64>,
    pub(crate) intent: Intent,
}

/// A client session event other than packets and messages (those have their own records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientEventRecord {
    /// When.
    pub at: Instant,
    /// Whose.
    pub client: ClientKey,
    /// What.
    pub kind: EventKind,
}

/// A teaching-broker event (simulated broker only; a real broker's decisions are not observed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerEventRecord {
    /// When.
    pub at: Instant,
    /// What.
    pub kind: BrokerEventKind,
}

/// Everything recorded, in order.
#[derive(Debug, Clone)]
pub struct History {
    /// Every packet on every client's connection.
    pub packets: Ring<PacketRecord>,
    /// Every message published or delivered.
    pub messages: Ring<MessageRecord>,
    /// Session events (connected, subscribed, timers, closes, ...).
    pub events: Ring<ClientEventRecord>,
    /// The teaching broker's events.
    pub broker_events: Ring<BrokerEventRecord>,
    /// Every notice shown.
    pub notices: Ring<Notice>,
}

/// Records kept at most (the oldest tenth goes when full); generous enough for 100,000 messages
/// with their packets at QoS 2.
pub const MAX_MESSAGES: usize = 250_000;
/// Packets kept at most.
pub const MAX_PACKETS: usize = 600_000;

impl Default for History {
    fn default() -> Self {
        History {
            packets: Ring::new(MAX_PACKETS),
            messages: Ring::new(MAX_MESSAGES),
            events: Ring::new(50_000),
            broker_events: Ring::new(50_000),
            notices: Ring::new(2_000),
        }
    }
}

/// The parts both backends write to.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    pub clients: Vec<ClientEntry>,
    pub names: VecMap<ClientKey, (String, ProtocolVersion)>,
    pub history: History,
    pub topics: TopicTree,
    pub io: Vec<Io>,
    pub next_tx: u64,
    pub received_total: u64,
    pub revision: u64,
    /// The last PUBLISH record that reached each client, to link its message to its packet.
    pub last_publish_in: VecMap<ClientKey, u64>,
}

/// Where a client event came from: a real session reports received packets itself; the simulator
/// reports them as link events instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Real,
    Simulated,
}

impl Shared {
    pub fn entry(&mut self, key: ClientKey) -> Option<&mut ClientEntry> {
        self.clients.iter_mut().find(|entry| entry.key == key)
    }

    pub fn changed(&mut self) {
        self.revision = self.revision.wrapping_add(1);
    }

    pub fn set_status(&mut self, key: ClientKey, status: Status) {
        if let Some(entry) = self.entry(key) {
            entry.status = status;
        }
        self.changed();
    }

    /// Records a notice, on the client's card when it is a warning or an error.
    pub fn notify(&mut self, notice: Notice) {
        if notice.level >= Level::Warning {
            if let Some(entry) = notice.client.and_then(|key| self.entry(key)) {
                entry.problem = Some(notice.clone());
            }
        }
        self.history.notices.push(notice);
        self.changed();
    }

    /// Records a packet and returns its index.
    #[allow(clippy::too_many_arguments)]
    pub fn record_packet(
        &mut self,
        client: ClientKey,
        direction: Direction,
        at: Instant,
        packet_type: PacketType,
        packet_id: Option<u16>,
        summary: String,
        bytes: Vec<u8>,
        arrived_at: Option<Instant>,
        redacted: bool,
    ) -> u64 {
        self.next_tx += 1;
        let index = self.history.packets.push(PacketRecord {
            at,
            client,
            direction,
            tx: self.next_tx,
            packet_type,
            packet_id,
            summary,
            bytes,
            arrived_at,
            lost: None,
            redacted,
        });
        if direction == Direction::Received && packet_type == PacketType::Publish {
            self.last_publish_in.insert(client, index);
        }
        self.changed();
        index
    }

    /// A message the client published.
    pub fn record_sent(&mut self, client: ClientKey, at: Instant, message: &Message) {
        if let Some(entry) = self.entry(client) {
            entry.sent += 1;
        }
        if message.retain {
            self.topics
                .note_retained(message.topic(), message.payload.is_empty());
        }
        self.history.messages.push(MessageRecord {
            at,
            client,
            direction: Direction::Sent,
            topic: Rc::from(message.topic()),
            payload: Rc::from(message.payload.as_slice()),
            qos: message.qos,
            retain: message.retain,
            dup: false,
            packet_id: None,
            properties: (!message.properties.is_empty())
                .then(|| Rc::new(message.properties.clone())),
            packet: None,
        });
        self.changed();
    }

    /// Handles one session event; returns the close reason when the connection ended.
    pub fn client_event(
        &mut self,
        key: ClientKey,
        at: Instant,
        kind: EventKind,
        source: Source,
    ) -> Option<CloseReason> {
        self.changed();
        let (version, keep_alive) = match self.entry(key) {
            Some(entry) => (entry.config.version, entry.config.keep_alive),
            None => (ProtocolVersion::V311, 0),
        };
        match kind {
            EventKind::PacketReceived(received) => {
                if source == Source::Real {
                    self.record_packet(
                        key,
                        Direction::Received,
                        at,
                        received.packet_type,
                        received.packet_id,
                        received.summary,
                        received.bytes,
                        Some(at),
                        false,
                    );
                }
                None
            }
            EventKind::MessageDelivered {
                message,
                packet_id,
                dup,
            } => {
                self.deliver(key, at, message, packet_id, dup);
                None
            }
            other => {
                let close = self.session_event(key, at, &other, version, keep_alive);
                self.history.events.push(ClientEventRecord {
                    at,
                    client: key,
                    kind: other,
                });
                close
            }
        }
    }

    fn deliver(
        &mut self,
        client: ClientKey,
        at: Instant,
        message: Message,
        packet_id: Option<u16>,
        dup: bool,
    ) {
        let topic: Rc<str> = Rc::from(message.topic());
        let payload: Rc<[u8]> = Rc::from(message.payload);
        self.topics.record(&topic, &payload, message.retain, at);
        if let Some(entry) = self.entry(client) {
            entry.received += 1;
        }
        self.received_total += 1;
        let packet = self.last_publish_in.get(&client).copied();
        self.history.messages.push(MessageRecord {
            at,
            client,
            direction: Direction::Received,
            topic,
            payload,
            qos: message.qos,
            retain: message.retain,
            dup,
            packet_id,
            properties: (!message.properties.is_empty()).then(|| Rc::new(message.properties)),
            packet,
        });
    }

    fn session_event(
        &mut self,
        key: ClientKey,
        at: Instant,
        kind: &EventKind,
        version: ProtocolVersion,
        keep_alive: u16,
    ) -> Option<CloseReason> {
        let notice = |level, title: String| Notice::new(at, Some(key), level, title);
        match kind {
            EventKind::StateEntered(state) => {
                let status = match state {
                    ConnectionState::AwaitingConnAck => Some(Status::Connecting),
                    ConnectionState::Connected => Some(Status::Connected),
                    ConnectionState::Closing => Some(Status::Closing),
                    // Decided by the close reason.
                    ConnectionState::Disconnected => None,
                };
                if let Some(status) = status {
                    self.set_status(key, status);
                }
                None
            }
            EventKind::Connected { session_present } => {
                let resumed = if *session_present {
                    "the broker resumed its stored session"
                } else {
                    "a new session"
                };
                self.notify(notice(Level::Info, format!("Connected: {resumed}.")));
                None
            }
            EventKind::SessionLost { unacknowledged } => {
                self.notify(notice(
                    Level::Warning,
                    format!(
                        "The broker had no session for this client: {} unacknowledged message(s) \
                         were dropped with it.",
                        unacknowledged.len()
                    ),
                ));
                None
            }
            EventKind::PublishRefused {
                packet_id,
                reason,
                name,
            } => {
                self.notify(notice(
                    Level::Warning,
                    format!(
                        "The broker refused PUBLISH id {packet_id}: {name} (0x{:02X}).",
                        reason.0
                    ),
                ));
                None
            }
            EventKind::Subscribed { results, .. } => {
                for result in results {
                    let granted = match result.granted {
                        Ok(qos) => Ok(qos.level()),
                        Err(code) => Err((code.0, code.name(PacketType::SubAck, version))),
                    };
                    if let Some(text) = explain::subscription_result(
                        &result.filter,
                        result.requested.qos.level(),
                        granted,
                    ) {
                        self.notify(notice(Level::Warning, text));
                    }
                }
                None
            }
            EventKind::PingResponse { round_trip } => {
                if let Some(entry) = self.entry(key) {
                    entry.latency_ms = Some(round_trip / 2);
                }
                None
            }
            EventKind::Closed(reason) => {
                let intent = self.entry(key).map_or(Intent::None, |entry| entry.intent);
                let status = match (reason, intent) {
                    (CloseReason::Disconnected, Intent::Sleep) => Status::Asleep,
                    (CloseReason::Disconnected, _) => Status::Disconnected,
                    (CloseReason::ConnectionLost, Intent::Kill) => Status::Killed,
                    // The backend knows more (the socket's close code) and may refine this.
                    (CloseReason::ConnectionLost, _) => Status::Failed,
                    _ => Status::Failed,
                };
                self.set_status(key, status);
                if let Some(entry) = self.entry(key) {
                    if intent != Intent::Sleep || *reason != CloseReason::Disconnected {
                        entry.intent = Intent::None;
                    }
                }
                match (reason, intent) {
                    (CloseReason::Disconnected, Intent::Sleep) => self.notify(notice(
                        Level::Info,
                        "Asleep: disconnected cleanly; the broker keeps its session and queues QoS 1/2 \
                         messages for it."
                            .into(),
                    )),
                    (CloseReason::ConnectionLost, Intent::Kill) => self.notify(notice(
                        Level::Info,
                        "Killed: the connection closed without DISCONNECT, so the broker publishes \
                         the will (if the client has one)."
                            .into(),
                    )),
                    _ => {
                        if let Some((title, details)) =
                            explain::session_closed(reason, version, keep_alive)
                        {
                            self.notify(notice(Level::Error, title).with_details(details));
                        }
                    }
                }
                Some(reason.clone())
            }
            _ => None,
        }
    }

    pub fn broker_event(&mut self, at: Instant, kind: BrokerEventKind) {
        if let BrokerEventKind::PacketReceived { .. } = kind {
            return;
        }
        if let BrokerEventKind::WillPublished { client_id, topic } = &kind {
            self.notify(Notice::new(
                at,
                None,
                Level::Info,
                format!("The broker published the will of “{client_id}” on “{topic}”."),
            ));
        }
        self.history
            .broker_events
            .push(BrokerEventRecord { at, kind });
        self.changed();
    }
}

/// The backend in use.
#[derive(Debug)]
enum Backend {
    Simulated(Box<SimBackend>),
    Real(RealBackend),
    /// The simulator could not start (a bug): every action says so.
    Unavailable(String),
}

/// The page's MQTT world. See the [module documentation](super).
#[derive(Debug)]
pub struct Workspace {
    shared: Shared,
    backend: Backend,
    broker: BrokerChoice,
    next_key: ClientKey,
}

impl Workspace {
    /// A workspace on `broker`, at workspace time `now`.
    pub fn new(broker: BrokerChoice, now: Instant) -> Self {
        let mut workspace = Workspace {
            shared: Shared::default(),
            backend: Backend::Unavailable(String::new()),
            broker: broker.clone(),
            next_key: 1,
        };
        workspace.backend = Self::backend_for(&broker, now);
        workspace
    }

    fn backend_for(broker: &BrokerChoice, now: Instant) -> Backend {
        match broker {
            BrokerChoice::Simulated { latency_ms } => match SimBackend::new(*latency_ms, now) {
                Ok(sim) => Backend::Simulated(Box::new(sim)),
                Err(error) => Backend::Unavailable(error),
            },
            BrokerChoice::WebSocket { url } => Backend::Real(RealBackend::new(url)),
        }
    }

    /// Switches to another broker: every connection closes, and every client connects again to the
    /// new broker with the same options. The history stays.
    pub fn set_broker(&mut self, broker: BrokerChoice, now: Instant) {
        if let Backend::Real(real) = &mut self.backend {
            real.close_all(&mut self.shared);
        }
        self.broker = broker.clone();
        self.backend = Self::backend_for(&broker, now);
        self.shared.notify(Notice::new(
            now,
            None,
            Level::Info,
            format!("Broker: {}.", broker.label()),
        ));
        let configs: Vec<(ClientKey, ClientConfig)> = self
            .shared
            .clients
            .iter()
            .map(|entry| (entry.key, entry.config.clone()))
            .collect();
        for (key, config) in configs {
            if let Some(entry) = self.shared.entry(key) {
                entry.status = Status::Disconnected;
                entry.intent = Intent::None;
                entry.problem = None;
            }
            if let Err(error) = self.attach(key, &config, now) {
                self.shared
                    .notify(Notice::new(now, Some(key), Level::Error, error));
            }
        }
        self.shared.changed();
    }

    fn attach(
        &mut self,
        key: ClientKey,
        config: &ClientConfig,
        now: Instant,
    ) -> Result<(), String> {
        match &mut self.backend {
            Backend::Simulated(sim) => sim.add(&mut self.shared, key, config, now),
            Backend::Real(real) => real.add(&mut self.shared, key, config, now),
            Backend::Unavailable(error) => Err(error.clone()),
        }
    }

    /// Adds a client and connects it. Fails on options the session refuses (nothing is added then).
    pub fn add_client(&mut self, config: ClientConfig, now: Instant) -> Result<ClientKey, String> {
        if self.find(&config.name).is_some() {
            return Err(format!("A client called “{}” already exists.", config.name));
        }
        let key = self.next_key;
        self.shared.clients.push(ClientEntry {
            key,
            config: config.clone(),
            status: Status::Disconnected,
            received: 0,
            sent: 0,
            problem: None,
            latency_ms: None,
            intent: Intent::None,
        });
        if let Err(error) = self.attach(key, &config, now) {
            self.shared.clients.retain(|entry| entry.key != key);
            return Err(error);
        }
        self.next_key += 1;
        self.shared
            .names
            .insert(key, (config.name.clone(), config.version));
        self.shared.changed();
        Ok(key)
    }

    /// Removes a client: it disconnects cleanly first. Its records stay in the history.
    pub fn remove_client(&mut self, key: ClientKey, now: Instant) {
        match &mut self.backend {
            Backend::Simulated(sim) => sim.remove(&mut self.shared, key, now),
            Backend::Real(real) => real.remove(&mut self.shared, key, now),
            Backend::Unavailable(_) => {}
        }
        self.shared.clients.retain(|entry| entry.key != key);
        self.shared.changed();
    }

    fn active(&self, key: ClientKey) -> Result<&ClientEntry, String> {
        self.client(key)
            .ok_or_else(|| "That client was removed.".to_string())
    }

    /// Opens a new connection.
    pub fn connect(&mut self, key: ClientKey, now: Instant) -> Result<(), String> {
        let status = self.active(key)?.status;
        if status.is_active() {
            return Err("Already connected or connecting.".into());
        }
        if let Some(entry) = self.shared.entry(key) {
            entry.problem = None;
            entry.intent = Intent::None;
        }
        match &mut self.backend {
            Backend::Simulated(sim) => sim.connect(&mut self.shared, key, now),
            Backend::Real(real) => real.connect(&mut self.shared, key, now),
            Backend::Unavailable(error) => Err(error.clone()),
        }
    }

    /// Disconnects in an orderly way (DISCONNECT): no will.
    pub fn disconnect(&mut self, key: ClientKey, now: Instant) -> Result<(), String> {
        self.active(key)?;
        if let Some(entry) = self.shared.entry(key) {
            entry.intent = Intent::None;
        }
        match &mut self.backend {
            Backend::Simulated(sim) => sim.disconnect(&mut self.shared, key, now),
            Backend::Real(real) => real.disconnect(&mut self.shared, key, now),
            Backend::Unavailable(error) => Err(error.clone()),
        }
    }

    /// Closes the connection without DISCONNECT: the broker publishes the will.
    pub fn kill(&mut self, key: ClientKey, now: Instant) -> Result<(), String> {
        let status = self.active(key)?.status;
        if !status.is_active() {
            return Err("Not connected: there is no connection to kill.".into());
        }
        if let Some(entry) = self.shared.entry(key) {
            entry.intent = Intent::Kill;
        }
        match &mut self.backend {
            Backend::Simulated(sim) => sim.kill(&mut self.shared, key, now),
            Backend::Real(real) => real.kill(&mut self.shared, key, now),
            Backend::Unavailable(error) => Err(error.clone()),
        }
    }

    /// Sleeps like a battery sensor: DISCONNECT with the session kept (needs a persistent session).
    pub fn sleep(&mut self, key: ClientKey, now: Instant) -> Result<(), String> {
        let entry = self.active(key)?;
        if !entry.config.is_persistent() {
            return Err(
                "Sleep needs a persistent session: turn clean session/clean start off (and, in 5.0, \
                 set a session expiry above 0) when adding the client."
                    .into(),
            );
        }
        if entry.status != Status::Connected {
            return Err("Only a connected client can go to sleep.".into());
        }
        if let Some(entry) = self.shared.entry(key) {
            entry.intent = Intent::Sleep;
        }
        match &mut self.backend {
            Backend::Simulated(sim) => sim.sleep(&mut self.shared, key, now),
            Backend::Real(real) => real.disconnect(&mut self.shared, key, now),
            Backend::Unavailable(error) => Err(error.clone()),
        }
    }

    /// Wakes a sleeping client: it reconnects and resumes its session.
    pub fn wake(&mut self, key: ClientKey, now: Instant) -> Result<(), String> {
        if self.active(key)?.status != Status::Asleep {
            return Err("This client is not asleep.".into());
        }
        self.connect(key, now)
    }

    /// Publishes a message (queued until connected if need be).
    pub fn publish(
        &mut self,
        key: ClientKey,
        request: &PublishRequest,
        now: Instant,
    ) -> Result<(), String> {
        let version = self.active(key)?.config.version;
        let message = request.message(version)?;
        match &mut self.backend {
            Backend::Simulated(sim) => sim.publish(&mut self.shared, key, request, version, now)?,
            Backend::Real(real) => real.publish(&mut self.shared, key, message.clone(), now)?,
            Backend::Unavailable(error) => return Err(error.clone()),
        }
        self.shared.record_sent(key, now, &message);
        Ok(())
    }

    /// Subscribes.
    pub fn subscribe(
        &mut self,
        key: ClientKey,
        request: &SubscribeRequest,
        now: Instant,
    ) -> Result<(), String> {
        let version = self.active(key)?.config.version;
        mqtt_core::TopicFilter::new(&request.filter)
            .and_then(|filter| filter.check_for(version))
            .map_err(|violation| format!("filter: {violation}"))?;
        match &mut self.backend {
            Backend::Simulated(sim) => sim.subscribe(&mut self.shared, key, request, version, now),
            Backend::Real(real) => real.subscribe(&mut self.shared, key, request, version, now),
            Backend::Unavailable(error) => Err(error.clone()),
        }
    }

    /// Unsubscribes.
    pub fn unsubscribe(
        &mut self,
        key: ClientKey,
        filter: &str,
        now: Instant,
    ) -> Result<(), String> {
        self.active(key)?;
        match &mut self.backend {
            Backend::Simulated(sim) => sim.unsubscribe(&mut self.shared, key, filter, now),
            Backend::Real(real) => real.unsubscribe(&mut self.shared, key, filter, now),
            Backend::Unavailable(error) => Err(error.clone()),
        }
    }

    /// Forgets a client's problem notice (the user dismissed it).
    pub fn dismiss_problem(&mut self, key: ClientKey) {
        if let Some(entry) = self.shared.entry(key) {
            entry.problem = None;
        }
        self.shared.changed();
    }

    /// Moves time to `now`: the simulator runs what is due, timers fire (keep alive, timeouts).
    /// Called every animation frame and from a slower timer when the tab is hidden.
    pub fn tick(&mut self, now: Instant) {
        match &mut self.backend {
            Backend::Simulated(sim) => sim.tick(&mut self.shared, now),
            Backend::Real(real) => real.tick(&mut self.shared, now),
            Backend::Unavailable(_) => {}
        }
    }

    /// A WebSocket opened.
    pub fn on_open(&mut self, socket: SocketId, now: Instant) {
        if let Backend::Real(real) = &mut self.backend {
            real.on_open(&mut self.shared, socket, now);
        }
    }

    /// A binary frame arrived: any number of packets, or part of one (the session's streaming
    /// decoder joins and splits them).
    pub fn on_frame(&mut self, socket: SocketId, bytes: &[u8], now: Instant) {
        if let Backend::Real(real) = &mut self.backend {
            real.on_frame(&mut self.shared, socket, bytes, now);
        }
    }

    /// A text frame arrived: MQTT over WebSocket is binary only, so the connection is broken.
    pub fn on_text_frame(&mut self, socket: SocketId, now: Instant) {
        if let Backend::Real(real) = &mut self.backend {
            real.on_text_frame(&mut self.shared, socket, now);
        }
    }

    /// A WebSocket closed (or failed: code 1006), with its close code and reason.
    pub fn on_close(&mut self, socket: SocketId, code: u16, reason: &str, now: Instant) {
        if let Backend::Real(real) = &mut self.backend {
            real.on_close(&mut self.shared, socket, code, reason, now);
        }
    }

    /// The page could not even create the WebSocket (the browser refused the URL).
    pub fn on_open_failed(&mut self, socket: SocketId, error: &str, now: Instant) {
        if let Backend::Real(real) = &mut self.backend {
            real.on_open_failed(&mut self.shared, socket, error, now);
        }
    }

    /// The I/O to do now, in order.
    pub fn take_io(&mut self) -> Vec<Io> {
        std::mem::take(&mut self.shared.io)
    }

    // --- Views -----------------------------------------------------------------------------------

    /// Changes whenever anything shown may have changed.
    pub fn revision(&self) -> u64 {
        self.shared.revision
    }

    /// The broker in use.
    pub fn broker(&self) -> &BrokerChoice {
        &self.broker
    }

    /// The clients, in the order they were added.
    pub fn clients(&self) -> &[ClientEntry] {
        &self.shared.clients
    }

    /// A client.
    pub fn client(&self, key: ClientKey) -> Option<&ClientEntry> {
        self.shared.clients.iter().find(|entry| entry.key == key)
    }

    /// The client called `name`.
    pub fn find(&self, name: &str) -> Option<&ClientEntry> {
        self.shared
            .clients
            .iter()
            .find(|entry| entry.config.name == name)
    }

    /// The name of any client ever added (removed ones too).
    pub fn name(&self, key: ClientKey) -> &str {
        self.shared
            .names
            .get(&key)
            .map_or("?", |(name, _)| name.as_str())
    }

    /// The protocol version of any client ever added (3.1.1 for unknown keys): the edition its
    /// packets are decoded in.
    pub fn version(&self, key: ClientKey) -> ProtocolVersion {
        self.shared
            .names
            .get(&key)
            .map_or(ProtocolVersion::V311, |(_, version)| *version)
    }

    /// A client's session: state, subscriptions, messages in flight.
    pub fn session(&self, key: ClientKey) -> Option<&ClientSession> {
        match &self.backend {
            Backend::Simulated(sim) => sim.session(key),
            Backend::Real(real) => real.session(key),
            Backend::Unavailable(_) => None,
        }
    }

    /// Everything recorded.
    pub fn history(&self) -> &History {
        &self.shared.history
    }

    /// The topic tree.
    pub fn topics(&self) -> &TopicTree {
        &self.shared.topics
    }

    /// Messages delivered to all clients so far.
    pub fn received_total(&self) -> u64 {
        self.shared.received_total
    }
}
