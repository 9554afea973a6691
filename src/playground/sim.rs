//! The simulated backend: an mqtt-sim world in live mode (its scenario never ends), advanced to the
//! wall clock every animation frame. Clients are added and driven with `World::add_client` and
//! `World::inject`; the world's events become the workspace's records.

use std::collections::VecDeque;

use mqtt_core::client::{ClientSession, EventKind};
use mqtt_core::{Instant, ProtocolVersion};
use mqtt_sim::scenario::BROKER;
use mqtt_sim::{Action, LinkSettings, LossReason, Scenario, SimEventKind, World};

use super::config::{ClientConfig, PublishRequest, SubscribeRequest};
use super::model::{ClientKey, Direction, Level, Notice};
use super::vec_map::VecMap;
use super::workspace::{Shared, Source};

/// "Until woken": a sleep long enough never to end by itself in a session.
const SLEEP_UNTIL_WOKEN_MS: u64 = 365 * 24 * 3_600_000;

#[derive(Debug)]
pub(crate) struct SimBackend {
    world: World,
    /// Workspace time at the world's time 0.
    origin: Instant,
    actors: VecMap<String, ClientKey>,
    keys: VecMap<ClientKey, String>,
    /// The world's transmission ids of packets still in flight and our packet record indices, in
    /// transmission order (the world numbers transmissions as it writes them, and we record them in
    /// that order), so lookups are binary searches.
    in_flight: VecDeque<(u64, u64)>,
    link: LinkSettings,
}

impl SimBackend {
    pub fn new(latency_ms: u64, now: Instant) -> Result<Self, String> {
        let mut scenario = Scenario::new("playground");
        scenario.end_ms = Some(u64::MAX);
        scenario.link.latency_ms = latency_ms;
        let link = scenario.link;
        let world =
            World::new(scenario).map_err(|error| format!("the simulator cannot start: {error}"))?;
        Ok(SimBackend {
            world,
            origin: now,
            actors: VecMap::default(),
            keys: VecMap::default(),
            in_flight: VecDeque::new(),
            link,
        })
    }

    pub fn session(&self, key: ClientKey) -> Option<&ClientSession> {
        let actor = self.keys.get(&key)?;
        self.world
            .clients()
            .iter()
            .find(|client| client.name() == actor)
            .map(|client| client.session())
    }

    fn actor(&self, key: ClientKey) -> Result<String, String> {
        self.keys
            .get(&key)
            .cloned()
            .ok_or_else(|| "unknown client".into())
    }

    pub fn add(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        config: &ClientConfig,
        now: Instant,
    ) -> Result<(), String> {
        // A removed client keeps its actor name in the world, so a new one may need another.
        let mut actor = config.name.clone();
        let mut n = 2;
        while self.actors.contains_key(&actor) || actor == BROKER {
            actor = format!("{} ({n})", config.name);
            n += 1;
        }
        let mut spec = config.spec(&actor);
        spec.link = Some(self.link);
        self.world
            .add_client(spec)
            .map_err(|error| error.to_string())?;
        self.actors.insert(actor.clone(), key);
        self.keys.insert(key, actor);
        self.tick(shared, now);
        Ok(())
    }

    fn inject(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        action: Action,
        now: Instant,
    ) -> Result<(), String> {
        let actor = self.actor(key)?;
        // Catch up first, so the action happens now and not at the last frame's time.
        self.tick(shared, now);
        self.world
            .inject(&actor, action)
            .map_err(|error| error.to_string())?;
        self.tick(shared, now);
        Ok(())
    }

    pub fn connect(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        now: Instant,
    ) -> Result<(), String> {
        self.inject(shared, key, Action::Connect, now)
    }

    pub fn disconnect(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        now: Instant,
    ) -> Result<(), String> {
        self.inject(shared, key, Action::Disconnect, now)
    }

    pub fn kill(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        now: Instant,
    ) -> Result<(), String> {
        self.inject(shared, key, Action::Kill, now)
    }

    pub fn sleep(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        now: Instant,
    ) -> Result<(), String> {
        self.inject(
            shared,
            key,
            Action::Sleep {
                for_ms: SLEEP_UNTIL_WOKEN_MS,
            },
            now,
        )
    }

    pub fn remove(&mut self, shared: &mut Shared, key: ClientKey, now: Instant) {
        let connected = self.session(key).is_some_and(|session| {
            session.state() != mqtt_core::client::ConnectionState::Disconnected
        });
        if connected {
            let _ = self.inject(shared, key, Action::Disconnect, now);
        }
    }

    pub fn publish(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        request: &PublishRequest,
        version: ProtocolVersion,
        now: Instant,
    ) -> Result<(), String> {
        self.inject(shared, key, request.action(version), now)
    }

    pub fn subscribe(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        request: &SubscribeRequest,
        version: ProtocolVersion,
        now: Instant,
    ) -> Result<(), String> {
        self.inject(shared, key, request.action(version), now)
    }

    pub fn unsubscribe(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        filter: &str,
        now: Instant,
    ) -> Result<(), String> {
        self.inject(
            shared,
            key,
            Action::Unsubscribe {
                filter: filter.to_string(),
            },
            now,
        )
    }

    /// The record index of in-flight transmission `tx`, which has now arrived or been lost.
    fn take_in_flight(&mut self, tx: u64) -> Option<u64> {
        let at = self.in_flight.binary_search_by_key(&tx, |&(t, _)| t).ok()?;
        self.in_flight.remove(at).map(|(_, index)| index)
    }

    /// Runs the world up to `now` and records what happened.
    pub fn tick(&mut self, shared: &mut Shared, now: Instant) {
        let Some(time) = now.checked_sub(self.origin) else {
            return;
        };
        for event in self.world.advance_to(time) {
            let at = self.origin + event.at;
            match event.kind {
                SimEventKind::PacketWritten(t) => {
                    let (actor, direction) = if t.from == BROKER {
                        (&t.to, Direction::Received)
                    } else {
                        (&t.from, Direction::Sent)
                    };
                    let Some(&key) = self.actors.get(actor) else {
                        continue;
                    };
                    let index = shared.record_packet(
                        key,
                        direction,
                        at,
                        t.packet_type,
                        t.packet_id,
                        t.summary,
                        t.bytes,
                        None,
                        false,
                    );
                    // The record for a received PUBLISH is linked to its message on arrival, not now.
                    if direction == Direction::Received {
                        shared.last_publish_in.remove(&key);
                    }
                    // Until it arrives or is lost (a packet lost at once is reported right after).
                    self.in_flight.push_back((t.tx, index));
                }
                SimEventKind::PacketDelivered { tx } => {
                    if let Some(index) = self.take_in_flight(tx) {
                        if let Some(record) = shared.history.packets.get_mut(index) {
                            record.arrived_at = Some(at);
                            if record.direction == Direction::Received
                                && record.packet_type == mqtt_core::PacketType::Publish
                            {
                                let client = record.client;
                                shared.last_publish_in.insert(client, index);
                            }
                        }
                        shared.changed();
                    }
                }
                SimEventKind::PacketLost { tx, reason } => {
                    let index = self.take_in_flight(tx);
                    if let Some(record) = index.and_then(|i| shared.history.packets.get_mut(i)) {
                        record.lost = Some(match reason {
                            LossReason::LinkCut => {
                                "lost: the connection was cut while it was in flight"
                            }
                            LossReason::TeachingLoss => "lost (teaching mode)",
                            LossReason::ScriptedDrop => "dropped (scripted fault)",
                        });
                    }
                    shared.changed();
                }
                SimEventKind::PacketDuplicated { tx, copy } => {
                    let original = self
                        .in_flight
                        .binary_search_by_key(&tx, |&(t, _)| t)
                        .ok()
                        .and_then(|at| self.in_flight.get(at))
                        .and_then(|&(_, i)| shared.history.packets.get(i))
                        .cloned();
                    if let Some(record) = original {
                        let index = shared.record_packet(
                            record.client,
                            record.direction,
                            at,
                            record.packet_type,
                            record.packet_id,
                            format!("{} (duplicate)", record.summary),
                            record.bytes,
                            None,
                            false,
                        );
                        // The copy's id is the newest: it goes at the end, keeping the order.
                        self.in_flight.push_back((copy, index));
                    }
                }
                SimEventKind::Client(kind) => {
                    let Some(&key) = self.actors.get(&event.actor) else {
                        continue;
                    };
                    if let EventKind::PacketReceived(_) = kind {
                        continue;
                    }
                    shared.client_event(key, at, kind, Source::Simulated);
                }
                SimEventKind::Broker(kind) => shared.broker_event(at, kind),
                SimEventKind::ActionFailed { action, error } => {
                    let key = self.actors.get(&event.actor).copied();
                    shared.notify(Notice::new(
                        at,
                        key,
                        Level::Warning,
                        format!("Could not {action}: {error}."),
                    ));
                }
                SimEventKind::LinkCut { .. }
                | SimEventKind::Asleep { .. }
                | SimEventKind::Awake { .. }
                | SimEventKind::ActionApplied { .. } => {}
            }
        }
    }
}
