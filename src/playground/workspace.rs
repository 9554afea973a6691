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
use super::model::{
    Beat, ClientKey, Direction, Level, Mark, MarkKind, MessageRecord, Notice, PacketRecord,
    Payload, Status,
};
use super::panels::Panels;
use super::real::{HoldView, RealBackend};
use super::ring::Ring;
use super::sim::SimBackend;
use super::topics::TopicTree;
use super::traced::{self, Traced, TracedDevices};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Intent {
    #[default]
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

/// Where the sequence diagram's cursor is, and how time moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Playhead {
    /// The first step of the current broker's history (the cursor cannot go before it).
    pub first: u64,
    /// Steps shown.
    pub cursor: u64,
    /// Steps recorded.
    pub head: u64,
    /// Workspace time at the playhead, for animating packets in flight (virtual on the simulator).
    pub time: f64,
    /// Playing (the simulator runs; a real broker's packets flow) or paused (the simulator waits; a
    /// real broker's packets are held).
    pub playing: bool,
    /// The simulator's speed (1: real time).
    pub speed: f64,
    /// On the simulator (fully steppable) or a real broker (stepping back shows the record).
    pub simulated: bool,
}

impl Playhead {
    /// Whether the cursor is at the end of the history.
    pub fn at_head(&self) -> bool {
        self.cursor >= self.head
    }
}

/// A fault to arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Lose the next such packet.
    Drop,
    /// Deliver the next such packet twice.
    Duplicate,
}

/// Which packets a fault watches: those travelling to the broker (from anyone), to a client, or from
/// a client (to the broker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FaultAim {
    /// Any packet to the broker.
    #[default]
    ToBroker,
    /// The broker's packets to this client.
    To(ClientKey),
    /// This client's packets to the broker.
    From(ClientKey),
}

impl FaultAim {
    /// The client it names, if any.
    pub fn client(self) -> Option<ClientKey> {
        match self {
            FaultAim::ToBroker => None,
            FaultAim::To(key) | FaultAim::From(key) => Some(key),
        }
    }
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
    /// Marks on the diagram's lifelines (deliveries, suppressed duplicates, cuts, sleep).
    pub marks: Ring<Mark>,
    /// The diagram's steps: packets and marks, each at its own y.
    pub beats: Ring<Beat>,
}

/// Records kept at most (the oldest tenth goes when full); generous enough for 100,000 messages
/// with their packets at QoS 2.
pub const MAX_MESSAGES: usize = 250_000;
/// Packets kept at most.
pub const MAX_PACKETS: usize = 600_000;
/// Bytes of payloads (messages) and of packets (their bytes and summaries) kept at most, each: a
/// flood of large messages keeps fewer of them rather than running the tab out of memory.
pub const MAX_HISTORY_BYTES: usize = 128 << 20;

impl Default for History {
    fn default() -> Self {
        History {
            packets: Ring::weighed(MAX_PACKETS, MAX_HISTORY_BYTES, |p: &PacketRecord| {
                p.bytes.len() + p.summary.len()
            }),
            // A payload that shares its PUBLISH record's bytes counts in both: still an upper bound.
            messages: Ring::weighed(MAX_MESSAGES, MAX_HISTORY_BYTES, |m: &MessageRecord| {
                m.payload.len() + m.topic.len()
            }),
            events: Ring::new(50_000),
            broker_events: Ring::new(50_000),
            notices: Ring::new(2_000),
            marks: Ring::new(MAX_MESSAGES),
            beats: Ring::new(MAX_PACKETS + MAX_MESSAGES),
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
    /// Rebuilding a forked simulation: notices are not told again.
    pub replaying: bool,
    /// The longest arrow drawn so far, in pixels (to find the arrows crossing a window).
    pub max_span: f32,
    /// Devices drawn from their packet trace (`mqtt-playground/trace/<clientId>`).
    pub devices: TracedDevices,
    /// Hold mode on a real broker: the time between steps is the user's thinking, not the network's,
    /// so it does not space the diagram's steps (a handshake walked over a minute stays on one screen).
    pub compact: bool,
    /// The last message's topic: a flood repeats one topic, and its messages share this string
    /// instead of allocating it again each.
    pub last_topic: Option<Rc<str>>,
}

/// In hold mode, steps are spaced as if at most this many milliseconds passed between them.
pub const COMPACT_MS: u64 = 40;

/// What the simulator's rebuild restores: the shared state when the simulated backend started.
#[derive(Debug, Clone)]
pub(crate) struct SharedBase {
    ends: [u64; 6],
    topics: TopicTree,
    clients: Vec<ClientEntry>,
    next_tx: u64,
    received_total: u64,
    last_publish_in: VecMap<ClientKey, u64>,
    devices: TracedDevices,
}

impl Shared {
    pub fn entry(&mut self, key: ClientKey) -> Option<&mut ClientEntry> {
        self.clients.iter_mut().find(|entry| entry.key == key)
    }

    /// `topic` as a shared string, the last one's when it is the same.
    fn shared_topic(&mut self, topic: &str) -> Rc<str> {
        match &self.last_topic {
            Some(last) if **last == *topic => last.clone(),
            _ => {
                let shared: Rc<str> = Rc::from(topic);
                self.last_topic = Some(shared.clone());
                shared
            }
        }
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
        if !self.replaying {
            self.history.notices.push(notice);
        }
        self.changed();
    }

    /// Steps recorded so far (the diagram's head).
    pub fn steps(&self) -> u64 {
        self.history.beats.end()
    }

    /// A new step of the diagram at `at`: its number and its y, below the previous one by at least
    /// [`diagram::MIN_GAP`](super::diagram::MIN_GAP) and more the more time passed.
    pub fn beat(&mut self, at: Instant) -> (u64, f32) {
        let compact = self.compact;
        let y = self
            .history
            .beats
            .last()
            .map_or(super::diagram::TOP, |last| {
                let passed = at.saturating_sub(last.at);
                last.y
                    + super::diagram::gap(if compact {
                        passed.min(COMPACT_MS)
                    } else {
                        passed
                    })
            });
        (self.history.beats.push(Beat { at, y }), y)
    }

    /// A mark on a lifeline at `at` (a step of its own).
    pub fn mark(&mut self, at: Instant, client: Option<ClientKey>, kind: MarkKind) {
        let (step, y) = self.beat(at);
        self.history.marks.push(Mark {
            step,
            y,
            at,
            client,
            kind,
        });
        self.changed();
    }

    /// Records a packet (a step of the diagram at `shown_at`) and returns its index.
    pub fn record_packet(&mut self, mut record: PacketRecord, shown_at: Instant) -> u64 {
        self.next_tx += 1;
        record.tx = self.next_tx;
        (record.step, record.y) = self.beat(shown_at);
        let (client, direction, packet_type) =
            (record.client, record.direction, record.packet_type);
        let index = self.history.packets.push(record);
        if direction == Direction::Received && packet_type == PacketType::Publish {
            self.last_publish_in.insert(client, index);
        }
        self.changed();
        index
    }

    /// The state a forked simulation's history is rebuilt from.
    pub fn base(&self) -> SharedBase {
        let h = &self.history;
        SharedBase {
            ends: [
                h.packets.end(),
                h.messages.end(),
                h.events.end(),
                h.broker_events.end(),
                h.marks.end(),
                h.beats.end(),
            ],
            topics: self.topics.clone(),
            clients: self.clients.clone(),
            next_tx: self.next_tx,
            received_total: self.received_total,
            last_publish_in: self.last_publish_in.clone(),
            devices: self.devices.clone(),
        }
    }

    /// Back to `base` (every record made since is forgotten; clients keep their place in the list,
    /// with the counters and status they had then, or none if they came later).
    pub fn restore(&mut self, base: &SharedBase) {
        let [packets, messages, events, broker_events, marks, beats] = base.ends;
        let h = &mut self.history;
        h.packets.truncate(packets);
        h.messages.truncate(messages);
        h.events.truncate(events);
        h.broker_events.truncate(broker_events);
        h.marks.truncate(marks);
        h.beats.truncate(beats);
        self.topics = base.topics.clone();
        self.next_tx = base.next_tx;
        self.received_total = base.received_total;
        self.last_publish_in = base.last_publish_in.clone();
        self.devices = base.devices.clone();
        for entry in &mut self.clients {
            let then = base.clients.iter().find(|c| c.key == entry.key);
            entry.status = then.map_or(Status::Disconnected, |c| c.status);
            entry.received = then.map_or(0, |c| c.received);
            entry.sent = then.map_or(0, |c| c.sent);
            entry.problem = then.and_then(|c| c.problem.clone());
            entry.intent = then.map_or(Intent::None, |c| c.intent);
        }
        self.changed();
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
        let topic = self.shared_topic(message.topic());
        self.history.messages.push(MessageRecord {
            at,
            client,
            direction: Direction::Sent,
            topic,
            payload: Payload::from(message.payload.clone()),
            qos: message.qos,
            retain: message.retain,
            dup: false,
            packet_id: None,
            properties: (!message.properties.is_empty())
                .then(|| Rc::new(message.properties.clone())),
            packet: None,
            step: self.history.beats.end(),
        });
        self.changed();
    }

    /// Handles one session event; returns the close reason when the connection ended.
    pub fn client_event(
        &mut self,
        key: ClientKey,
        at: Instant,
        kind: EventKind,
    ) -> Option<CloseReason> {
        self.changed();
        let (version, keep_alive) = match self.entry(key) {
            Some(entry) => (entry.config.version, entry.config.keep_alive),
            None => (ProtocolVersion::V311, 0),
        };
        match kind {
            // Recorded by the backend, which knows when it arrived.
            EventKind::PacketReceived(_) => None,
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
        let topic = self.shared_topic(message.topic());
        let packet = self.last_publish_in.get(&client).copied();
        // The PUBLISH that carried it is recorded already: its bytes end with this payload.
        let payload = match packet.and_then(|index| self.history.packets.get(index)) {
            Some(record) => Payload::tail_of(&record.bytes, message.payload),
            None => Payload::from(message.payload),
        };
        self.topics.record(&topic, &payload, message.retain, at);
        let traced = traced::device_of(&topic).map(|device| (device.to_string(), payload.clone()));
        if let Some(entry) = self.entry(client) {
            entry.received += 1;
        }
        self.received_total += 1;
        let (step, y) = self.beat(at);
        let index = self.history.messages.push(MessageRecord {
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
            step,
        });
        self.history.marks.push(Mark {
            step,
            y,
            at,
            client: Some(client),
            kind: MarkKind::Delivered(index),
        });
        if let Some((device, payload)) = traced {
            self.trace_record(client, &device, &payload, at);
        }
    }

    /// A traced device's packet record, brought in by `watcher`: an arrow on the device's lifeline.
    fn trace_record(&mut self, watcher: ClientKey, device: &str, payload: &[u8], at: Instant) {
        match self.devices.on_message(device, payload, at) {
            Traced::Packet { record, new_device } => {
                // Named once, and again only when its CONNECT changes the version it is read in.
                let key = record.client;
                let named = self.names.get(&key).map(|(_, version)| *version);
                if let Some(found) = self.devices.get(key).filter(|d| named != Some(d.version)) {
                    let name = format!("{} (traced)", found.client_id);
                    self.names.insert(key, (name, found.version));
                }
                if new_device {
                    self.notify(Notice::new(
                        at,
                        Some(watcher),
                        Level::Info,
                        format!(
                            "Tracing {device}: its packets appear on its own lifeline, the broker's end \
                             estimated from its own round trips (CONNECT→CONNACK, PINGREQ→PINGRESP)."
                        ),
                    ));
                }
                self.record_packet(record, at);
            }
            Traced::Copy => {}
            Traced::Unreadable(why) => self.notify(Notice::new(
                at,
                Some(watcher),
                Level::Info,
                format!(
                    "A message on {}{device} is not a trace record ({why}); see docs/trace-format.md.",
                    traced::TRACE_PREFIX
                ),
            )),
        }
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
            EventKind::DuplicateSuppressed { packet_id } => {
                self.mark(at, Some(key), MarkKind::Suppressed(*packet_id));
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
                    let (level, text) = explain::subscription_result(
                        &result.filter,
                        result.requested.qos.level(),
                        granted,
                    );
                    self.notify(notice(level, text));
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
        if let BrokerEventKind::DuplicateSuppressed { packet_id, .. } = kind {
            self.mark(at, None, MarkKind::Suppressed(packet_id));
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
        workspace.backend = Self::backend_for(&broker, &workspace.shared, now);
        workspace
    }

    fn backend_for(broker: &BrokerChoice, shared: &Shared, now: Instant) -> Backend {
        match broker {
            BrokerChoice::Simulated { latency_ms } => {
                match SimBackend::new(*latency_ms, shared, now) {
                    Ok(sim) => Backend::Simulated(Box::new(sim)),
                    Err(error) => Backend::Unavailable(error),
                }
            }
            BrokerChoice::WebSocket { url } => Backend::Real(RealBackend::new(url, shared)),
        }
    }

    /// Switches to another broker: every connection closes, and every client connects again to the
    /// new broker with the same options. The history stays.
    pub fn set_broker(&mut self, broker: BrokerChoice, now: Instant) {
        if let Backend::Real(real) = &mut self.backend {
            real.close_all(&mut self.shared, now);
        }
        self.broker = broker.clone();
        self.shared.compact = false;
        self.backend = Self::backend_for(&broker, &self.shared, now);
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
        let entry = self.client(key).cloned();
        match &mut self.backend {
            Backend::Simulated(sim) => {
                if let Some(entry) = entry {
                    sim.remove(&mut self.shared, entry, now);
                }
            }
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
            Backend::Simulated(sim) => sim
                .connect(&mut self.shared, key, now)
                .map(|()| sim.intend(&mut self.shared, key, Intent::None)),
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
            Backend::Simulated(sim) => sim
                .disconnect(&mut self.shared, key, now)
                .map(|()| sim.intend(&mut self.shared, key, Intent::None)),
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
            Backend::Simulated(sim) => sim
                .kill(&mut self.shared, key, now)
                .map(|()| sim.intend(&mut self.shared, key, Intent::Kill)),
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
            Backend::Simulated(sim) => sim
                .sleep(&mut self.shared, key, now)
                .map(|()| sim.intend(&mut self.shared, key, Intent::Sleep)),
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
            Backend::Simulated(sim) => {
                sim.publish(&mut self.shared, key, request, &message, version, now)?
            }
            Backend::Real(real) => {
                real.publish(&mut self.shared, key, message.clone(), now)?;
                self.shared.record_sent(key, now, &message);
            }
            Backend::Unavailable(error) => return Err(error.clone()),
        }
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

    // --- The playhead: play, pause, step, seek ------------------------------------------------------

    /// Where the diagram's cursor is and how time moves.
    pub fn playhead(&self, now: Instant) -> Playhead {
        match &self.backend {
            Backend::Simulated(sim) => sim.playhead(&self.shared),
            Backend::Real(real) => real.playhead(&self.shared, now),
            Backend::Unavailable(_) => {
                let steps = self.shared.steps();
                Playhead {
                    first: steps,
                    cursor: steps,
                    head: steps,
                    time: now as f64,
                    playing: false,
                    speed: 1.0,
                    simulated: true,
                }
            }
        }
    }

    /// Plays: the simulator runs on from the cursor (replaying what is recorded, then live); on a
    /// real broker everything held is sent and revealed, in order, and packets flow again.
    pub fn play(&mut self, now: Instant) {
        match &mut self.backend {
            Backend::Simulated(sim) => sim.play(),
            Backend::Real(real) => real.set_hold(&mut self.shared, false, now),
            Backend::Unavailable(_) => {}
        }
        self.shared.changed();
    }

    /// Pauses: the simulator stops; on a real broker our packets are held and the broker's buffered
    /// (PINGREQ/PINGRESP still flow).
    pub fn pause(&mut self, now: Instant) {
        match &mut self.backend {
            Backend::Simulated(sim) => {
                sim.tick(&mut self.shared, now);
                sim.pause(&mut self.shared);
            }
            Backend::Real(real) => real.set_hold(&mut self.shared, true, now),
            Backend::Unavailable(_) => {}
        }
    }

    /// One step forward (pauses). `Err` says why nothing moved.
    pub fn step_forward(&mut self, now: Instant) -> Result<(), String> {
        match &mut self.backend {
            Backend::Simulated(sim) => sim.step_forward(&mut self.shared),
            Backend::Real(real) => real.step_forward(&mut self.shared, now),
            Backend::Unavailable(error) => Err(error.clone()),
        }
    }

    /// One step back (pauses). On a real broker this only shows the recorded past.
    pub fn step_back(&mut self) {
        match &mut self.backend {
            Backend::Simulated(sim) => sim.step_back(&mut self.shared),
            Backend::Real(real) => real.step_back(&mut self.shared),
            Backend::Unavailable(_) => {}
        }
    }

    /// Moves the cursor so that step `step` is the last shown.
    pub fn seek(&mut self, step: u64) {
        match &mut self.backend {
            Backend::Simulated(sim) => sim.seek(&mut self.shared, step),
            Backend::Real(real) => real.seek(&mut self.shared, step),
            Backend::Unavailable(_) => {}
        }
    }

    /// The simulator's speed (1: real time).
    pub fn set_speed(&mut self, speed: f64) {
        if let Backend::Simulated(sim) = &mut self.backend {
            sim.set_speed(speed);
        }
        self.shared.changed();
    }

    /// The state panels at the cursor.
    pub fn panels(&self) -> Rc<Panels> {
        match &self.backend {
            Backend::Simulated(sim) => sim.panels(&self.shared),
            Backend::Real(real) => Rc::new(real.panels(&self.shared)),
            Backend::Unavailable(_) => Rc::default(),
        }
    }

    /// Replaces the clients and the broker with `scenario` on the simulator: its clients, links,
    /// faults and scripted actions (a share link, a benchmark's workload). With `run` it is simulated
    /// to its end at once (at most `max_events` events) and paused there; otherwise it plays from its
    /// start. Returns the packets recorded so far.
    pub fn load_scenario(
        &mut self,
        scenario: mqtt_sim::Scenario,
        run: Option<usize>,
        now: Instant,
    ) -> Result<u64, String> {
        if let Backend::Real(real) = &mut self.backend {
            real.close_all(&mut self.shared, now);
        }
        let latency_ms = scenario.link.latency_ms;
        self.shared.compact = false;
        let mut sim = SimBackend::new(latency_ms, &self.shared, now)?;
        self.shared.clients.clear();
        let mut keys = Vec::new();
        for spec in &scenario.clients {
            let config = ClientConfig::from_spec(spec);
            let key = self.next_key;
            self.next_key += 1;
            self.shared
                .names
                .insert(key, (config.name.clone(), config.version));
            self.shared.clients.push(ClientEntry {
                key,
                config,
                status: Status::Disconnected,
                received: 0,
                sent: 0,
                problem: None,
                latency_ms: None,
                intent: Intent::None,
            });
            keys.push((spec.name.clone(), key));
        }
        sim.load(&mut self.shared, scenario, &keys)?;
        if let Some(max_events) = run {
            sim.run_to_end(&mut self.shared, max_events);
            sim.pause(&mut self.shared);
        }
        self.broker = BrokerChoice::Simulated { latency_ms };
        self.backend = Backend::Simulated(Box::new(sim));
        self.shared.changed();
        Ok(self.shared.history.packets.end())
    }

    // --- Hold mode (real broker) --------------------------------------------------------------------

    /// What each client holds and buffers (real broker, paused).
    pub fn holds(&self, now: Instant) -> Vec<HoldView> {
        match &self.backend {
            Backend::Real(real) => real.holds(now),
            _ => Vec::new(),
        }
    }

    /// Sends `key`'s oldest held packet.
    pub fn send_held(&mut self, key: ClientKey, now: Instant) -> Result<(), String> {
        match &mut self.backend {
            Backend::Real(real) => real.send_held(&mut self.shared, key, now),
            _ => Err("Only a real broker holds packets.".into()),
        }
    }

    /// Drops `key`'s oldest held packet (never sent).
    pub fn drop_held(&mut self, key: ClientKey, now: Instant) -> Result<(), String> {
        match &mut self.backend {
            Backend::Real(real) => real.drop_held(&mut self.shared, key, now),
            _ => Err("Only a real broker holds packets.".into()),
        }
    }

    /// Hands `key`'s oldest buffered packet from the broker to its session.
    pub fn reveal(&mut self, key: ClientKey, now: Instant) -> Result<(), String> {
        match &mut self.backend {
            Backend::Real(real) => real.reveal(&mut self.shared, key, now),
            _ => Err("Only a real broker's packets are buffered.".into()),
        }
    }

    // --- Faults -------------------------------------------------------------------------------------

    /// Arms a fault for the next `packet` that `aim` watches for: on the simulator any aim; on a real
    /// broker only our own packets can be dropped (`FaultAim::From`), before they are sent.
    pub fn arm_fault(
        &mut self,
        kind: FaultKind,
        packet: PacketType,
        aim: FaultAim,
        now: Instant,
    ) -> Result<(), String> {
        let make: fn(mqtt_sim::PacketKind, String, Option<String>) -> mqtt_sim::Fault = match kind {
            FaultKind::Drop => |packet, to, from| mqtt_sim::Fault::DropNext { packet, to, from },
            FaultKind::Duplicate => {
                |packet, to, from| mqtt_sim::Fault::DuplicateNext { packet, to, from }
            }
        };
        match &mut self.backend {
            Backend::Simulated(sim) => sim.add_fault(&mut self.shared, make, packet, aim, now),
            Backend::Real(real) => match (kind, aim) {
                (FaultKind::Drop, FaultAim::From(key)) => {
                    real.drop_next(key, packet);
                    self.shared.changed();
                    Ok(())
                }
                _ => Err(
                    "On a real broker only our own packets can be dropped: choose the client that \
                     sends it."
                        .into(),
                ),
            },
            Backend::Unavailable(error) => Err(error.clone()),
        }
    }

    /// Faults armed and not fired yet, in words.
    pub fn armed_faults(&self) -> Vec<String> {
        match &self.backend {
            Backend::Simulated(sim) => sim.armed(),
            Backend::Real(real) => real.armed(&|key| self.name(key).to_string()),
            Backend::Unavailable(_) => Vec::new(),
        }
    }

    /// The simulated links' settings (`None` on a real broker).
    pub fn link(&self) -> Option<mqtt_sim::LinkSettings> {
        match &self.backend {
            Backend::Simulated(sim) => Some(sim.link()),
            _ => None,
        }
    }

    /// New settings for every simulated link, from the cursor on.
    pub fn set_link(&mut self, link: mqtt_sim::LinkSettings, now: Instant) -> Result<(), String> {
        match &mut self.backend {
            Backend::Simulated(sim) => sim.set_link(&mut self.shared, link, now),
            _ => Err("Latency and loss are set on the simulated links only.".into()),
        }
    }

    /// Cuts `key`'s link: everything in flight is lost (on a real broker: the socket is closed).
    pub fn cut_link(&mut self, key: ClientKey, now: Instant) -> Result<(), String> {
        self.active(key)?;
        match &mut self.backend {
            Backend::Simulated(sim) => sim.cut(&mut self.shared, key, now),
            Backend::Real(_) => self.kill(key, now),
            Backend::Unavailable(error) => Err(error.clone()),
        }
    }

    /// `key`'s teaching retry interval, if on.
    pub fn teaching_retry(&self, key: ClientKey) -> Option<u64> {
        self.session(key)?.options().teaching_retry
    }

    /// Turns `key`'s teaching retry on (resend after `retry_ms`) or off.
    pub fn set_teaching_retry(
        &mut self,
        key: ClientKey,
        retry_ms: Option<u64>,
        now: Instant,
    ) -> Result<(), String> {
        self.active(key)?;
        match &mut self.backend {
            Backend::Simulated(sim) => sim.set_teaching_retry(&mut self.shared, key, retry_ms, now),
            Backend::Real(real) => {
                real.set_teaching_retry(key, retry_ms);
                self.shared.changed();
                Ok(())
            }
            Backend::Unavailable(error) => Err(error.clone()),
        }
    }

    /// A WebSocket opened.
    pub fn on_open(&mut self, socket: SocketId, now: Instant) {
        if let Backend::Real(real) = &mut self.backend {
            real.on_open(&mut self.shared, socket, now);
        }
    }

    /// Binary frames arrived together on a socket, each with its time: each any number of packets,
    /// or part of one (the session's streaming decoder joins and splits them; see
    /// `RealBackend::on_frames`).
    pub fn on_frames<'a>(
        &mut self,
        socket: SocketId,
        frames: impl IntoIterator<Item = (&'a [u8], Instant)>,
    ) {
        if let Backend::Real(real) = &mut self.backend {
            real.on_frames(&mut self.shared, socket, frames);
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

    /// Devices drawn from their packet trace.
    pub fn traced_devices(&self) -> &TracedDevices {
        &self.shared.devices
    }

    /// The longest arrow of the diagram so far, in pixels.
    pub fn max_span(&self) -> f32 {
        self.shared.max_span
    }
}
