//! A simulated world: the teaching broker, the scripted clients, the links between them, a queue of
//! what happens next, virtual time and a seeded RNG. `step()` does the next thing and reports it.
//! Same scenario and seed, same events — natively and in the browser.

use std::collections::BTreeMap;
use std::rc::Rc;

use mqtt_core::broker::{Broker, BrokerEventKind, ConnectionId};
use mqtt_core::client::{ClientOptions, ClientSession, CloseReason, EventKind, WillOptions};
use mqtt_core::codec::{PacketType, QoS, ReasonCode, RetainHandling, SubscriptionOptions};
use mqtt_core::message::{Message, MessageProperties};
use mqtt_core::Instant;

use crate::event::{LossReason, SimEvent, SimEventKind, Transmission};
use crate::rng::Rng;
use crate::scenario::{Action, ClientSpec, Fault, LinkSettings, Scenario, ScenarioError, BROKER};

/// Something scheduled to happen at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scheduled {
    /// A scripted action (index into the scenario's actions), or an injected one.
    Action { actor: usize, action: Action },
    /// Bytes arriving at one end of a client's link.
    Arrival {
        client: usize,
        /// The broker connection it was written on: bytes for the broker reach that connection even
        /// after the client has let go of it (its DISCONNECT is still on the wire).
        conn: Option<ConnectionId>,
        to_broker: bool,
        tx: u64,
        bytes: Vec<u8>,
        packet_type: PacketType,
    },
    /// The broker closed the connection; the client notices after what was in flight.
    ClosedByBroker { client: usize, conn: ConnectionId },
    /// The client closed the connection; the broker notices after what was in flight.
    ClosedByClient { client: usize, conn: ConnectionId },
    /// Reconnect after a cut.
    Reconnect { client: usize },
    /// End of a sleep.
    Wake { client: usize },
}

/// A scripted client and its link.
#[derive(Debug, Clone)]
pub struct SimClient {
    name: String,
    session: ClientSession,
    conn: Option<ConnectionId>,
    link: LinkSettings,
    reconnect_after: Option<u64>,
    /// When the last packet in each direction arrives, so later ones never overtake it.
    last_up: Instant,
    last_down: Instant,
    asleep: bool,
    /// Killed on purpose: stays down until told to connect.
    killed: bool,
    /// Removed by the user: gone for good; its name may be used again.
    removed: bool,
    /// Its session's next timer, cached: asking every session every step would cost O(clients).
    deadline: Option<Instant>,
}

impl SimClient {
    /// Our name for it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its session, for the state panels.
    pub fn session(&self) -> &ClientSession {
        &self.session
    }

    /// Its broker connection, when connected.
    pub fn connection(&self) -> Option<ConnectionId> {
        self.conn
    }

    /// Whether it is sleeping.
    pub fn is_asleep(&self) -> bool {
        self.asleep
    }

    /// Whether the user removed it.
    pub fn is_removed(&self) -> bool {
        self.removed
    }

    /// Its link settings.
    pub fn link(&self) -> &LinkSettings {
        &self.link
    }
}

/// How a cut came about, which decides whether the client reconnects.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CutCause {
    /// A network fault: the client reconnects if it is set to.
    Fault,
    /// The client was killed: it stays down.
    Kill,
}

/// The whole simulated world. Cloning it is a checkpoint.
#[derive(Debug, Clone)]
pub struct World {
    scenario: Rc<Scenario>,
    now: Instant,
    rng: Rng,
    broker: Broker,
    clients: Vec<SimClient>,
    queue: BTreeMap<(Instant, u64), Scheduled>,
    next_seq: u64,
    next_tx: u64,
    next_event: u64,
    /// Scripted faults not yet fired.
    faults: Vec<Fault>,
    /// Events produced by the step under way.
    out: Vec<SimEvent>,
    /// Clients something happened to in the step under way: only they can have packets or events
    /// to report, and only their timers need asking again.
    active: mqtt_core::sorted::SortedSet<usize>,
    /// The broker's next timer, cached at the end of each step.
    broker_deadline: Option<Instant>,
}

impl World {
    /// A world for a checked scenario, at time 0.
    pub fn new(scenario: Scenario) -> Result<Self, ScenarioError> {
        scenario.validate()?;
        let mut clients = Vec::new();
        for spec in &scenario.clients {
            let session = ClientSession::new(client_options(spec)).map_err(|error| {
                ScenarioError::Invalid {
                    at: format!("clients ({})", spec.name),
                    problem: error.to_string(),
                }
            })?;
            clients.push(SimClient {
                name: spec.name.clone(),
                session,
                conn: None,
                link: spec.link.unwrap_or(scenario.link),
                reconnect_after: spec.reconnect_after_ms,
                last_up: 0,
                last_down: 0,
                asleep: false,
                killed: false,
                removed: false,
                deadline: None,
            });
        }
        let mut world = World {
            rng: Rng::new(scenario.seed),
            faults: scenario.faults.clone(),
            now: 0,
            broker: Broker::default(),
            clients,
            queue: BTreeMap::new(),
            next_seq: 0,
            next_tx: 1,
            next_event: 0,
            out: Vec::new(),
            active: mqtt_core::sorted::SortedSet::new(),
            broker_deadline: None,
            scenario: Rc::new(scenario),
        };
        for (index, spec) in world.scenario.clients.clone().iter().enumerate() {
            if spec.connect_at_start {
                world.schedule(
                    0,
                    Scheduled::Action {
                        actor: index,
                        action: Action::Connect,
                    },
                );
            }
        }
        for action in world.scenario.actions.clone() {
            if let Some(actor) = world.client_index(&action.actor) {
                world.schedule(
                    action.at_ms,
                    Scheduled::Action {
                        actor,
                        action: action.action,
                    },
                );
            }
        }
        Ok(world)
    }

    // --- Views ----------------------------------------------------------------------------------------

    /// Virtual time now.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The broker, for its state panels.
    pub fn broker(&self) -> &Broker {
        &self.broker
    }

    /// The clients, in scenario order.
    pub fn clients(&self) -> &[SimClient] {
        &self.clients
    }

    /// When the next thing happens, if anything is left.
    pub fn next_time(&self) -> Option<Instant> {
        let queued = self.queue.keys().next().map(|(at, _)| *at);
        let timers = self
            .clients
            .iter()
            .filter_map(|c| c.deadline)
            .chain(self.broker_deadline);
        queued.into_iter().chain(timers).min()
    }

    /// Whether the world has run past the scenario's end or has nothing left to do.
    pub fn is_finished(&self) -> bool {
        self.next_time().is_none_or(|at| at > self.scenario.end())
    }

    // --- Running --------------------------------------------------------------------------------------

    /// Does the next thing and returns what happened (empty when finished).
    pub fn step(&mut self) -> Vec<SimEvent> {
        let Some(at) = self.next_time().filter(|at| *at <= self.scenario.end()) else {
            return Vec::new();
        };
        self.now = self.now.max(at);
        let due_item = self
            .queue
            .keys()
            .next()
            .copied()
            .filter(|(time, _)| *time <= self.now);
        match due_item {
            Some(key) => {
                if let Some(item) = self.queue.remove(&key) {
                    self.run_scheduled(item);
                }
            }
            None => self.fire_timers(),
        }
        self.settle();
        core::mem::take(&mut self.out)
    }

    /// Runs to the end (or `max_events`), returning everything that happened.
    pub fn run(&mut self, max_events: usize) -> Vec<SimEvent> {
        let mut all = Vec::new();
        while all.len() < max_events {
            let events = self.step();
            if events.is_empty() && self.is_finished() {
                break;
            }
            all.extend(events);
        }
        all
    }

    /// Runs to the end and returns how many events happened, keeping none of them: what the speed
    /// benchmarks (native and in the browser) time, without the cost of collecting the events.
    pub fn run_to_end(&mut self) -> usize {
        let mut events = 0;
        loop {
            let step = self.step();
            if step.is_empty() && self.is_finished() {
                return events;
            }
            events += step.len();
        }
    }

    /// Runs everything due up to `time`, then sets the clock to `time`: how a live world follows the
    /// wall clock (the playground calls it every animation frame).
    pub fn advance_to(&mut self, time: Instant) -> Vec<SimEvent> {
        let mut all = Vec::new();
        while self.next_time().is_some_and(|at| at <= time) {
            let events = self.step();
            if events.is_empty() && self.is_finished() {
                break;
            }
            all.extend(events);
        }
        self.now = self.now.max(time);
        all
    }

    /// Makes `actor` do `action` now (the playground's buttons; a fork of the timeline).
    pub fn inject(&mut self, actor: &str, action: Action) -> Result<(), ScenarioError> {
        let index = self
            .client_index(actor)
            .ok_or_else(|| ScenarioError::Invalid {
                at: "action".into(),
                problem: format!("no client is named {actor:?}"),
            })?;
        let now = self.now;
        self.schedule(
            now,
            Scheduled::Action {
                actor: index,
                action,
            },
        );
        Ok(())
    }

    /// Adds a client at run time (the playground's "add client"); it connects now if it says so.
    pub fn add_client(&mut self, spec: ClientSpec) -> Result<(), ScenarioError> {
        let invalid = |problem: String| ScenarioError::Invalid {
            at: format!("client {:?}", spec.name),
            problem,
        };
        if spec.name.is_empty() || spec.name == BROKER || self.client_index(&spec.name).is_some() {
            return Err(invalid("needs a unique name other than \"broker\"".into()));
        }
        let session =
            ClientSession::new(client_options(&spec)).map_err(|e| invalid(e.to_string()))?;
        self.clients.push(SimClient {
            name: spec.name.clone(),
            session,
            conn: None,
            link: spec.link.unwrap_or(self.scenario.link),
            reconnect_after: spec.reconnect_after_ms,
            last_up: self.now,
            last_down: self.now,
            asleep: false,
            killed: false,
            removed: false,
            deadline: None,
        });
        self.active.insert(self.clients.len() - 1);
        if spec.connect_at_start {
            let index = self.clients.len() - 1;
            let now = self.now;
            self.schedule(
                now,
                Scheduled::Action {
                    actor: index,
                    action: Action::Connect,
                },
            );
        }
        Ok(())
    }

    /// Removes a client: it vanishes like a killed one (its will is published) and never comes back;
    /// its name can be given to a new client.
    pub fn remove_client(&mut self, name: &str) -> Result<(), ScenarioError> {
        let index = self
            .client_index(name)
            .ok_or_else(|| ScenarioError::Invalid {
                at: "remove".into(),
                problem: format!("no client is named {name:?}"),
            })?;
        self.queue.retain(|_, item| match item {
            Scheduled::Action { actor, .. }
            | Scheduled::Reconnect { client: actor }
            | Scheduled::Wake { client: actor } => *actor != index,
            _ => true,
        });
        let client = &mut self.clients[index];
        client.removed = true;
        client.asleep = false;
        // It vanishes in the next step, so the cut and the will are reported like any other event.
        let now = self.now;
        self.schedule(
            now,
            Scheduled::Action {
                actor: index,
                action: Action::Kill,
            },
        );
        Ok(())
    }

    /// Adds a fault from now on.
    pub fn add_fault(&mut self, fault: Fault) {
        self.faults.push(fault);
    }

    /// Turns `actor`'s teaching retry on (`Some(ms)`) or off from now on (the playground's switch; not
    /// conformant in 5.0, MQTT-4.4.0-1 (5.0)).
    pub fn set_teaching_retry(
        &mut self,
        actor: &str,
        retry_ms: Option<u64>,
    ) -> Result<(), ScenarioError> {
        let index = self
            .client_index(actor)
            .ok_or_else(|| ScenarioError::Invalid {
                at: "teaching retry".into(),
                problem: format!("no client is named {actor:?}"),
            })?;
        let client = &mut self.clients[index];
        client.session.set_teaching_retry(retry_ms);
        client.deadline = client.session.poll_timeout();
        Ok(())
    }

    /// Changes the link of `actor` from now on (packets already in flight keep their arrival time).
    pub fn set_link(&mut self, actor: &str, link: LinkSettings) {
        if let Some(index) = self.client_index(actor) {
            self.clients[index].link = link;
        }
    }

    // --- Internals ------------------------------------------------------------------------------------

    fn client_index(&self, name: &str) -> Option<usize> {
        self.clients
            .iter()
            .position(|c| c.name == name && !c.removed)
    }

    fn schedule(&mut self, at: Instant, item: Scheduled) {
        self.next_seq += 1;
        self.queue.insert((at, self.next_seq), item);
    }

    fn emit(&mut self, actor: &str, kind: SimEventKind) {
        self.out.push(SimEvent {
            index: self.next_event,
            at: self.now,
            actor: actor.into(),
            kind,
        });
        self.next_event += 1;
    }

    fn run_scheduled(&mut self, item: Scheduled) {
        match item {
            Scheduled::Action { actor, action } => self.apply(actor, action),
            Scheduled::Arrival {
                client,
                conn,
                to_broker,
                tx,
                bytes,
                packet_type,
            } => self.arrive(client, conn, to_broker, tx, &bytes, packet_type),
            Scheduled::ClosedByBroker { client, conn } => {
                self.active.insert(client);
                if self.clients[client].conn == Some(conn) {
                    self.clients[client].conn = None;
                    let now = self.now;
                    self.clients[client].session.connection_lost(now);
                }
            }
            Scheduled::ClosedByClient { client, conn } => {
                let now = self.now;
                self.broker.connection_lost(conn, now);
                if self.clients[client].conn == Some(conn) {
                    self.clients[client].conn = None;
                }
            }
            Scheduled::Reconnect { client } => {
                if self.clients[client].conn.is_none() && !self.clients[client].asleep {
                    self.apply(client, Action::Connect);
                }
            }
            Scheduled::Wake { client } => {
                // Woken early (or removed) meanwhile: nothing left to do.
                if !self.clients[client].asleep || self.clients[client].removed {
                    return;
                }
                self.clients[client].asleep = false;
                let name = self.clients[client].name.clone();
                self.emit(
                    &name,
                    SimEventKind::Awake {
                        client: name.clone(),
                    },
                );
                self.apply(client, Action::Connect);
            }
        }
    }

    fn apply(&mut self, actor: usize, action: Action) {
        self.active.insert(actor);
        let now = self.now;
        let name = self.clients[actor].name.clone();
        let description = describe(&action);
        let result: Result<(), String> = match action {
            Action::Connect => {
                if self.clients[actor].conn.is_some() {
                    Err("already connected".into())
                } else {
                    let conn = self.broker.accept(now);
                    let client = &mut self.clients[actor];
                    client.killed = false;
                    client.conn = Some(conn);
                    client.last_up = now;
                    client.last_down = now;
                    client.session.connect(now).map_err(|e| e.to_string())
                }
            }
            Action::Disconnect => {
                self.clients[actor]
                    .session
                    .disconnect(now, ReasonCode::SUCCESS);
                Ok(())
            }
            Action::Kill => {
                self.cut(actor, CutCause::Kill);
                Ok(())
            }
            Action::CutLink => {
                self.cut(actor, CutCause::Fault);
                Ok(())
            }
            Action::Wake => {
                if self.clients[actor].asleep {
                    self.clients[actor].asleep = false;
                    self.queue.retain(
                        |_, item| !matches!(item, Scheduled::Wake { client } if *client == actor),
                    );
                    self.emit(
                        &name,
                        SimEventKind::Awake {
                            client: name.clone(),
                        },
                    );
                    self.apply(actor, Action::Connect);
                    Ok(())
                } else {
                    Err("not asleep".into())
                }
            }
            Action::Sleep { for_ms } => {
                let client = &mut self.clients[actor];
                client.asleep = true;
                client.session.disconnect(now, ReasonCode::SUCCESS);
                let until = now + for_ms;
                self.emit(
                    &name,
                    SimEventKind::Asleep {
                        client: name.clone(),
                        until,
                    },
                );
                self.schedule(until, Scheduled::Wake { client: actor });
                Ok(())
            }
            Action::Subscribe {
                filter,
                qos,
                no_local,
                retain_as_published,
                retain_handling,
            } => {
                let options = SubscriptionOptions {
                    qos: QoS::from_bits(qos).unwrap_or_default(),
                    no_local,
                    retain_as_published,
                    retain_handling: match retain_handling {
                        1 => RetainHandling::SendIfNew,
                        2 => RetainHandling::DoNotSend,
                        _ => RetainHandling::SendOnSubscribe,
                    },
                };
                self.clients[actor]
                    .session
                    .subscribe(vec![(filter, options)], None)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            Action::Unsubscribe { filter } => self.clients[actor]
                .session
                .unsubscribe(vec![filter])
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Action::Publish {
                topic,
                payload,
                qos,
                retain,
                properties,
            } => Message::new(
                &topic,
                payload.into_bytes(),
                QoS::from_bits(qos).unwrap_or_default(),
                retain,
            )
            .map_err(|e| e.to_string())
            .map(|mut message| {
                message.properties = MessageProperties {
                    message_expiry_interval: properties.message_expiry_s,
                    content_type: properties.content_type,
                    response_topic: properties.response_topic,
                    user_properties: properties.user_properties,
                    ..MessageProperties::default()
                };
                message
            })
            .and_then(|message| {
                self.clients[actor]
                    .session
                    .publish(message)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }),
        };
        let kind = match result {
            Ok(()) => SimEventKind::ActionApplied {
                action: description,
            },
            Err(error) => SimEventKind::ActionFailed {
                action: description,
                error,
            },
        };
        self.emit(&name, kind);
    }

    /// Cuts a client's link: both directions lose what is in flight; both ends see the connection die.
    fn cut(&mut self, client: usize, cause: CutCause) {
        self.active.insert(client);
        let name = self.clients[client].name.clone();
        self.emit(
            &name,
            SimEventKind::LinkCut {
                client: name.clone(),
            },
        );
        let lost: Vec<(Instant, u64)> = self
            .queue
            .iter()
            .filter(
                |(_, item)| matches!(item, Scheduled::Arrival { client: c, .. } if *c == client),
            )
            .map(|(key, _)| *key)
            .collect();
        for key in lost {
            if let Some(Scheduled::Arrival { tx, to_broker, .. }) = self.queue.remove(&key) {
                let actor = if to_broker {
                    BROKER.to_string()
                } else {
                    name.clone()
                };
                self.emit(
                    &actor,
                    SimEventKind::PacketLost {
                        tx,
                        reason: LossReason::LinkCut,
                    },
                );
            }
        }
        self.queue.retain(|_, item| {
            !matches!(item, Scheduled::ClosedByBroker { client: c, .. } | Scheduled::ClosedByClient { client: c, .. } if *c == client)
        });
        let now = self.now;
        if let Some(conn) = self.clients[client].conn.take() {
            self.broker.connection_lost(conn, now);
        }
        // A killed client stays down; after a fault it reconnects (see `drain`).
        self.clients[client].killed = cause == CutCause::Kill;
        self.clients[client].session.connection_lost(now);
    }

    fn arrive(
        &mut self,
        client: usize,
        conn: Option<ConnectionId>,
        to_broker: bool,
        tx: u64,
        bytes: &[u8],
        packet_type: PacketType,
    ) {
        let now = self.now;
        let receiver = if to_broker {
            BROKER.to_string()
        } else {
            self.clients[client].name.clone()
        };
        self.emit(&receiver, SimEventKind::PacketDelivered { tx });
        if to_broker {
            if let Some(conn) = conn {
                self.broker.handle_bytes(conn, bytes, now);
            }
        } else {
            self.active.insert(client);
            self.clients[client].session.handle_bytes(bytes, now);
        }
        if self.take_fault(|f| matches!(f, Fault::CutAfter { packet, to } if packet.0 == packet_type && *to == receiver)) {
            self.drain();
            self.cut(client, CutCause::Fault);
        }
    }

    fn fire_timers(&mut self) {
        let now = self.now;
        if self.broker_deadline.is_some_and(|at| at <= now) {
            self.broker.handle_timeout(now);
        }
        for (index, client) in self.clients.iter_mut().enumerate() {
            if client.deadline.is_some_and(|at| at <= now) {
                client.session.handle_timeout(now);
                self.active.insert(index);
            }
        }
    }

    /// Removes and reports the first unfired fault matching `test`.
    fn take_fault(&mut self, test: impl Fn(&Fault) -> bool) -> bool {
        match self.faults.iter().position(test) {
            Some(index) => {
                self.faults.remove(index);
                true
            }
            None => false,
        }
    }

    /// Lets every endpoint send what it has and reports every session and broker event, until quiet.
    fn settle(&mut self) {
        for _ in 0..100_000 {
            // Events first, so what a packet caused is logged before the packets it causes.
            let moved = self.drain() | self.transmit_clients() | self.transmit_broker();
            if !moved {
                break;
            }
        }
        for index in core::mem::take(&mut self.active) {
            if let Some(client) = self.clients.get_mut(index) {
                client.deadline = client.session.poll_timeout();
            }
        }
        self.broker_deadline = self.broker.poll_timeout();
    }

    fn transmit_clients(&mut self) -> bool {
        let mut moved = false;
        let now = self.now;
        let active: Vec<usize> = self.active.iter().copied().collect();
        for index in active {
            let mut buf = Vec::new();
            while let Some(sent) = self.clients[index].session.poll_transmit(now, &mut buf) {
                let bytes = buf.get(sent.bytes.clone()).unwrap_or_default().to_vec();
                self.put_on_link(
                    index,
                    true,
                    sent.packet_type,
                    sent.packet_id,
                    sent.summary,
                    bytes,
                );
                moved = true;
            }
            self.clients[index].session.handle_written(now);
        }
        moved
    }

    fn transmit_broker(&mut self) -> bool {
        let mut moved = false;
        let now = self.now;
        let mut buf = Vec::new();
        while let Some((conn, sent)) = self.broker.poll_transmit(now, &mut buf) {
            let bytes = buf.get(sent.bytes.clone()).unwrap_or_default().to_vec();
            if let Some(index) = self.clients.iter().position(|c| c.conn == Some(conn)) {
                self.put_on_link(
                    index,
                    false,
                    sent.packet_type,
                    sent.packet_id,
                    sent.summary,
                    bytes,
                );
            }
            moved = true;
        }
        moved
    }

    /// A packet written onto a client's link, in one direction: scheduled to arrive after the latency,
    /// never before an earlier one; or lost, doubled or cut as faults and teaching mode decide.
    fn put_on_link(
        &mut self,
        client: usize,
        to_broker: bool,
        packet_type: PacketType,
        packet_id: Option<u16>,
        summary: String,
        bytes: Vec<u8>,
    ) {
        let now = self.now;
        let name = self.clients[client].name.clone();
        let (from, to) = if to_broker {
            (name.clone(), BROKER.to_string())
        } else {
            (BROKER.to_string(), name.clone())
        };
        let tx = self.next_tx;
        self.next_tx += 1;
        let link = self.clients[client].link;
        let conn = self.clients[client].conn;
        let scripted_drop = self.take_fault(|f| {
            matches!(f, Fault::DropNext { .. }) && f.watches(packet_type, &from, &to)
        });
        let random_drop = !scripted_drop && self.rng.chance(link.teaching_loss_percent);
        let duplicate = self.take_fault(|f| {
            matches!(f, Fault::DuplicateNext { .. }) && f.watches(packet_type, &from, &to)
        }) || self.rng.chance(link.teaching_duplicate_percent);
        let cut_in_flight = self.take_fault(|f| {
            matches!(f, Fault::CutWhileInFlight { .. }) && f.watches(packet_type, &from, &to)
        });
        let jitter = self.rng.below(link.jitter_ms + 1);
        let last = if to_broker {
            self.clients[client].last_up
        } else {
            self.clients[client].last_down
        };
        let arrives = (now + link.latency_ms + jitter).max(last);
        let lost = scripted_drop || random_drop;
        self.emit(
            &from,
            SimEventKind::PacketWritten(Transmission {
                tx,
                from: from.clone(),
                to: to.clone(),
                packet_type,
                packet_id,
                summary,
                bytes: bytes.clone(),
                arrives_at: (!lost).then_some(arrives),
            }),
        );
        if lost {
            let reason = if scripted_drop {
                LossReason::ScriptedDrop
            } else {
                LossReason::TeachingLoss
            };
            self.emit(&to, SimEventKind::PacketLost { tx, reason });
            return;
        }
        if to_broker {
            self.clients[client].last_up = arrives;
        } else {
            self.clients[client].last_down = arrives;
        }
        self.schedule(
            arrives,
            Scheduled::Arrival {
                client,
                conn,
                to_broker,
                tx,
                bytes: bytes.clone(),
                packet_type,
            },
        );
        if duplicate {
            let copy = self.next_tx;
            self.next_tx += 1;
            self.emit(&from, SimEventKind::PacketDuplicated { tx, copy });
            self.schedule(
                arrives,
                Scheduled::Arrival {
                    client,
                    conn,
                    to_broker,
                    tx: copy,
                    bytes,
                    packet_type,
                },
            );
        }
        if cut_in_flight {
            self.cut(client, CutCause::Fault);
        }
    }

    /// Reports session and broker events, and closes transports the sessions and the broker are done with.
    fn drain(&mut self) -> bool {
        let mut moved = false;
        let now = self.now;
        let active: Vec<usize> = self.active.iter().copied().collect();
        for index in active {
            while let Some(event) = self.clients[index].session.poll_event() {
                moved = true;
                let name = self.clients[index].name.clone();
                if let EventKind::Closed(reason) = &event.kind {
                    // The session is done with its transport: the broker sees the close after the
                    // packets still in flight towards it (like a TCP FIN).
                    if *reason != CloseReason::ConnectionLost {
                        if let Some(conn) = self.clients[index].conn.take() {
                            let at = self.clients[index].last_up.max(now);
                            self.schedule(
                                at,
                                Scheduled::ClosedByClient {
                                    client: index,
                                    conn,
                                },
                            );
                        }
                    }
                    // A connection that failed or timed out is a network failure: try again, as real
                    // clients do (unless killed or asleep on purpose).
                    let failed = matches!(
                        reason,
                        CloseReason::ConnectionLost
                            | CloseReason::ConnectTimeout
                            | CloseReason::KeepAliveTimeout
                    );
                    let client = &self.clients[index];
                    if failed && !client.killed && !client.asleep {
                        if let Some(delay) = client.reconnect_after {
                            self.schedule(now + delay, Scheduled::Reconnect { client: index });
                        }
                    }
                }
                self.emit(&name, SimEventKind::Client(event.kind));
            }
        }
        while let Some(event) = self.broker.poll_event() {
            moved = true;
            if let BrokerEventKind::CloseConnection { conn } = event.kind {
                if let Some(index) = self.clients.iter().position(|c| c.conn == Some(conn)) {
                    let at = self.clients[index].last_down.max(now);
                    self.schedule(
                        at,
                        Scheduled::ClosedByBroker {
                            client: index,
                            conn,
                        },
                    );
                }
            }
            self.emit(BROKER, SimEventKind::Broker(event.kind));
        }
        moved
    }
}

/// The session options a scenario client asks for.
pub fn client_options(spec: &ClientSpec) -> ClientOptions {
    let mut options = ClientOptions::new(
        spec.protocol.into(),
        spec.client_id.clone().unwrap_or_else(|| spec.name.clone()),
    );
    options.clean_start = spec.clean_start;
    options.session_expiry_interval = spec.session_expiry_s;
    options.keep_alive = spec.keep_alive_s;
    options.teaching_retry = spec.teaching_retry_ms;
    options.receive_maximum = spec.receive_maximum.unwrap_or(u16::MAX);
    options.topic_alias_maximum = spec.topic_alias_maximum.unwrap_or(0);
    options.user_properties = spec.user_properties.clone();
    options.will = spec.will.as_ref().map(|will| WillOptions {
        topic: will.topic.clone(),
        payload: will.payload.clone().into_bytes(),
        qos: QoS::from_bits(will.qos).unwrap_or_default(),
        retain: will.retain,
        properties: MessageProperties::default(),
        delay_interval: will.delay_s,
    });
    options
}

/// An action in words, for the event log.
fn describe(action: &Action) -> String {
    match action {
        Action::Connect => "connect".into(),
        Action::Disconnect => "disconnect".into(),
        Action::Kill => "kill abruptly (no DISCONNECT)".into(),
        Action::CutLink => "cut the link".into(),
        Action::Wake => "wake up".into(),
        Action::Sleep { for_ms } => format!("sleep for {} s", for_ms / 1000),
        Action::Subscribe { filter, qos, .. } => format!("subscribe {filter:?} QoS {qos}"),
        Action::Unsubscribe { filter } => format!("unsubscribe {filter:?}"),
        Action::Publish {
            topic,
            payload,
            qos,
            retain,
            ..
        } => {
            let retain = if *retain { " retained" } else { "" };
            format!("publish {payload:?} to {topic:?} QoS {qos}{retain}")
        }
    }
}
