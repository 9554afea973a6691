//! The simulated backend: an mqtt-sim [`Timeline`] in live mode (its scenario never ends).
//!
//! * **Playing**: virtual time follows the wall clock × the speed; everything due runs, one world step
//!   at a time, and the cursor stays at the end of the history.
//! * **Paused**: nothing advances. Step forward at the end runs the world until something visible
//!   happens; anywhere else (and step back) moves the cursor between recorded world steps.
//! * **Playing from the past** replays the recorded steps in time until it reaches the end, then goes
//!   on live.
//! * **Any user action or fault** is a fork at the cursor ([`Timeline::fork`]): in the past the
//!   recorded future is dropped, and the workspace's history is rebuilt from the events kept.
//!
//! The world's events become the workspace's records ([`Translation`]); user-side records (messages
//! published, what a client was asked to do, clients added or removed) are logged with the event count
//! they belong to, so a rebuild replays them in the same place.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use mqtt_core::client::{ClientSession, EventKind};
use mqtt_core::message::Message;
use mqtt_core::{Instant, PacketType, ProtocolVersion};
use mqtt_sim::scenario::BROKER;
use mqtt_sim::timeline::Edit;
use mqtt_sim::{
    Action, Fault, LinkSettings, LossReason, Scenario, SimEvent, SimEventKind, Timeline,
};

use super::config::{ClientConfig, PublishRequest, SubscribeRequest};
use super::model::{ClientKey, Direction, Level, MarkKind, Notice, PacketRecord};
use super::panels::{broker_panel, client_panel, Panels};
use super::vec_map::VecMap;
use super::workspace::{ClientEntry, FaultAim, Intent, Playhead, Shared, SharedBase};

/// "Until woken": a sleep long enough never to end by itself in a session.
const SLEEP_UNTIL_WOKEN_MS: u64 = 365 * 24 * 3_600_000;
/// World steps run per call at most (a guard; a live world never needs this many per frame).
const MAX_STEPS: usize = 200_000;

/// Something the user did that the rebuild of a forked history must repeat in its place.
#[derive(Debug, Clone)]
enum UserRecord {
    /// A message published (the message log's "sent" entry).
    Sent(ClientKey, Instant, Message),
    /// What the client was asked to do, which decides its status when it closes.
    Intent(ClientKey, Intent),
    /// A client was added.
    Added(ClientKey),
    /// A client was removed (as it was).
    Removed(Box<ClientEntry>),
}

/// Turning world events into records: the state that survives between events.
#[derive(Debug, Default)]
struct Translation {
    /// Events translated.
    done: usize,
    /// The world's transmission ids in flight and our packet record indices, in transmission order.
    in_flight: VecDeque<(u64, u64)>,
    /// The event behind each diagram step this backend recorded.
    beat_events: Vec<usize>,
}

#[derive(Debug)]
pub(crate) struct SimBackend {
    timeline: Timeline,
    /// Workspace time at the world's time 0.
    origin: Instant,
    actors: VecMap<String, ClientKey>,
    keys: VecMap<ClientKey, String>,
    link: LinkSettings,
    /// The workspace's history when this backend started.
    base: SharedBase,
    /// Diagram steps before this backend's first.
    first_step: u64,
    tr: Translation,
    user: Vec<(usize, UserRecord)>,
    /// Event counts at the end of each world step that produced events.
    boundaries: Vec<usize>,
    /// Events shown.
    cursor: usize,
    /// World time at the playhead, milliseconds.
    time: f64,
    playing: bool,
    speed: f64,
    wall: Option<Instant>,
    /// Faults armed, with the event count when they were armed (shown until they fire).
    faults: Vec<(usize, Fault)>,
    panels: RefCell<Option<(usize, u64, Rc<Panels>)>>,
}

fn describe_loss(reason: LossReason) -> &'static str {
    match reason {
        LossReason::LinkCut => "lost: the connection was cut while it was in flight",
        LossReason::TeachingLoss => "lost (teaching mode)",
        LossReason::ScriptedDrop => "dropped (scripted fault)",
    }
}

impl SimBackend {
    pub fn new(latency_ms: u64, shared: &Shared, now: Instant) -> Result<Self, String> {
        let mut scenario = Scenario::new("playground");
        scenario.end_ms = Some(u64::MAX);
        scenario.link.latency_ms = latency_ms;
        let link = scenario.link;
        let timeline = Timeline::new(scenario)
            .map_err(|error| format!("the simulator cannot start: {error}"))?;
        Ok(SimBackend {
            timeline,
            origin: now,
            actors: VecMap::default(),
            keys: VecMap::default(),
            link,
            base: shared.base(),
            first_step: shared.steps(),
            tr: Translation::default(),
            user: Vec::new(),
            boundaries: Vec::new(),
            cursor: 0,
            time: 0.0,
            playing: true,
            speed: 1.0,
            wall: Some(now),
            faults: Vec::new(),
            panels: RefCell::new(None),
        })
    }

    fn at_head(&self) -> bool {
        self.cursor >= self.timeline.events().len()
    }

    /// A client's session at the end of the history.
    pub fn session(&self, key: ClientKey) -> Option<&ClientSession> {
        let actor = self.keys.get(&key)?;
        self.timeline
            .head()
            .clients()
            .iter()
            .find(|client| client.name() == actor && !client.is_removed())
            .map(|client| client.session())
    }

    fn actor(&self, key: ClientKey) -> Result<String, String> {
        self.keys
            .get(&key)
            .cloned()
            .ok_or_else(|| "unknown client".into())
    }

    /// Applies `edit` at the cursor: at the end of the history it happens now; in the past the
    /// recorded future is dropped and the workspace's history rebuilt without it.
    fn fork(&mut self, shared: &mut Shared, edit: Edit, now: Instant) -> Result<(), String> {
        // Playing live: catch up first, so the change happens now and not at the last frame's time.
        self.tick(shared, now);
        let len = self.timeline.events().len();
        if self.cursor < len {
            self.timeline.seek(self.cursor);
        }
        self.timeline
            .fork(edit)
            .map_err(|error| error.to_string())?;
        let boundary = self.timeline.events().len();
        if boundary < len {
            self.rebuild(shared, boundary);
        }
        self.boundaries.retain(|&b| b <= boundary);
        self.faults.retain(|(at, _)| *at <= boundary);
        self.cursor = boundary;
        self.panels.replace(None);
        shared.changed();
        Ok(())
    }

    fn log(&mut self, record: UserRecord) {
        self.user.push((self.timeline.events().len(), record));
    }

    /// The workspace's history again from the start of this backend up to `boundary` events.
    fn rebuild(&mut self, shared: &mut Shared, boundary: usize) {
        shared.restore(&self.base);
        for (at, record) in self.user.iter().rev() {
            if *at <= boundary {
                continue;
            }
            match record {
                UserRecord::Added(key) => {
                    shared.clients.retain(|entry| entry.key != *key);
                    if let Some(actor) = self.keys.remove(key) {
                        self.actors.remove(&actor);
                    }
                }
                UserRecord::Removed(entry) => {
                    let at = shared.clients.partition_point(|e| e.key < entry.key);
                    shared.clients.insert(at, (**entry).clone());
                }
                _ => {}
            }
        }
        self.user.retain(|(at, _)| *at <= boundary);
        self.tr = Translation::default();
        shared.replaying = true;
        let mut user = 0;
        for index in 0..=boundary {
            while let Some((at, record)) = self.user.get(user).filter(|(at, _)| *at == index) {
                let _ = at;
                match record {
                    UserRecord::Sent(key, time, message) => {
                        shared.record_sent(*key, *time, message)
                    }
                    UserRecord::Intent(key, intent) => {
                        if let Some(entry) = shared.entry(*key) {
                            entry.intent = *intent;
                        }
                    }
                    UserRecord::Added(_) | UserRecord::Removed(_) => {}
                }
                user += 1;
            }
            if index < boundary {
                self.translate(shared, index);
            }
        }
        self.tr.done = boundary;
        shared.replaying = false;
    }

    /// Translates every recorded event not translated yet.
    fn translate_new(&mut self, shared: &mut Shared) {
        let len = self.timeline.events().len();
        while self.tr.done < len {
            let index = self.tr.done;
            self.translate(shared, index);
            self.tr.done = index + 1;
        }
    }

    // --- Clients and their actions ------------------------------------------------------------------

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
        self.fork(shared, Edit::AddClient(spec), now)?;
        self.actors.insert(actor.clone(), key);
        self.keys.insert(key, actor);
        self.log(UserRecord::Added(key));
        Ok(())
    }

    /// Records that `entry` was removed (a fork can bring it back) after a clean disconnect.
    pub fn remove(&mut self, shared: &mut Shared, entry: ClientEntry, now: Instant) {
        let connected = self.session(entry.key).is_some_and(|session| {
            session.state() != mqtt_core::client::ConnectionState::Disconnected
        });
        if connected {
            let _ = self.act(shared, entry.key, Action::Disconnect, now);
        }
        self.log(UserRecord::Removed(Box::new(entry)));
    }

    fn act(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        action: Action,
        now: Instant,
    ) -> Result<(), String> {
        let actor = self.actor(key)?;
        self.fork(shared, Edit::Action { actor, action }, now)
    }

    /// What the client is on its way to (after the action's fork, which may have rebuilt the
    /// history), logged so a rebuild repeats it.
    pub fn intend(&mut self, shared: &mut Shared, key: ClientKey, intent: Intent) {
        if let Some(entry) = shared.entry(key) {
            entry.intent = intent;
        }
        self.log(UserRecord::Intent(key, intent));
    }

    pub fn connect(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        now: Instant,
    ) -> Result<(), String> {
        let asleep = self
            .timeline
            .head()
            .clients()
            .iter()
            .any(|c| self.keys.get(&key).is_some_and(|a| a == c.name()) && c.is_asleep());
        let action = if asleep {
            Action::Wake
        } else {
            Action::Connect
        };
        self.act(shared, key, action, now)
    }

    pub fn disconnect(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        now: Instant,
    ) -> Result<(), String> {
        self.act(shared, key, Action::Disconnect, now)
    }

    pub fn kill(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        now: Instant,
    ) -> Result<(), String> {
        self.act(shared, key, Action::Kill, now)
    }

    pub fn cut(&mut self, shared: &mut Shared, key: ClientKey, now: Instant) -> Result<(), String> {
        self.act(shared, key, Action::CutLink, now)
    }

    pub fn sleep(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        now: Instant,
    ) -> Result<(), String> {
        let action = Action::Sleep {
            for_ms: SLEEP_UNTIL_WOKEN_MS,
        };
        self.act(shared, key, action, now)
    }

    pub fn publish(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        request: &PublishRequest,
        message: &Message,
        version: ProtocolVersion,
        now: Instant,
    ) -> Result<(), String> {
        self.act(shared, key, request.action(version), now)?;
        let at = self.origin + self.timeline.head().now();
        self.log(UserRecord::Sent(key, at, message.clone()));
        shared.record_sent(key, at, message);
        Ok(())
    }

    pub fn subscribe(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        request: &SubscribeRequest,
        version: ProtocolVersion,
        now: Instant,
    ) -> Result<(), String> {
        self.act(shared, key, request.action(version), now)
    }

    pub fn unsubscribe(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        filter: &str,
        now: Instant,
    ) -> Result<(), String> {
        let action = Action::Unsubscribe {
            filter: filter.to_string(),
        };
        self.act(shared, key, action, now)
    }

    // --- Faults -------------------------------------------------------------------------------------

    /// Arms a fault for the next matching packet. `to` is a client key or `None` for the broker.
    pub fn add_fault(
        &mut self,
        shared: &mut Shared,
        make: fn(mqtt_sim::PacketKind, String, Option<String>) -> Fault,
        packet: PacketType,
        aim: FaultAim,
        now: Instant,
    ) -> Result<(), String> {
        let (to, from) = match aim {
            FaultAim::ToBroker => (BROKER.to_string(), None),
            FaultAim::To(key) => (self.actor(key)?, None),
            FaultAim::From(key) => (BROKER.to_string(), Some(self.actor(key)?)),
        };
        let fault = make(mqtt_sim::PacketKind(packet), to, from);
        self.fork(shared, Edit::Fault(fault.clone()), now)?;
        let at = self.timeline.events().len();
        self.faults.push((at, fault));
        Ok(())
    }

    /// Faults armed and not fired yet, in words.
    pub fn armed(&self) -> Vec<String> {
        self.faults
            .iter()
            .map(|(_, fault)| {
                let (packet, to) = fault.target();
                let verb = match fault {
                    Fault::DropNext { .. } => "drop",
                    Fault::DuplicateNext { .. } => "duplicate",
                    Fault::CutWhileInFlight { .. } => "cut the link under",
                    Fault::CutAfter { .. } => "cut the link after",
                };
                match fault.from() {
                    Some(from) => format!("{verb} the next {} from {from} to {to}", packet.name()),
                    None => format!("{verb} the next {} to {to}", packet.name()),
                }
            })
            .collect()
    }

    /// The links' settings (the same for every client).
    pub fn link(&self) -> LinkSettings {
        self.link
    }

    /// New settings for every client's link from now on.
    pub fn set_link(
        &mut self,
        shared: &mut Shared,
        link: LinkSettings,
        now: Instant,
    ) -> Result<(), String> {
        let actors: Vec<String> = self.keys.iter().map(|(_, a)| a.clone()).collect();
        self.link = link;
        for actor in actors {
            if self
                .timeline
                .head()
                .clients()
                .iter()
                .any(|c| c.name() == actor && !c.is_removed())
            {
                self.fork(shared, Edit::Link { actor, link }, now)?;
            }
        }
        Ok(())
    }

    pub fn set_teaching_retry(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        retry_ms: Option<u64>,
        now: Instant,
    ) -> Result<(), String> {
        let actor = self.actor(key)?;
        self.fork(shared, Edit::TeachingRetry { actor, retry_ms }, now)
    }

    // --- Time and the cursor --------------------------------------------------------------------------

    /// Runs the world at the end of the history up to world time `time`.
    fn run_until(&mut self, shared: &mut Shared, time: Instant) {
        for _ in 0..MAX_STEPS {
            if self.timeline.head().next_time().is_none_or(|at| at > time) {
                break;
            }
            if self.timeline.step() > 0 {
                self.boundaries.push(self.timeline.events().len());
            }
        }
        self.timeline.advance_to(time);
        self.translate_new(shared);
        self.cursor = self.timeline.events().len();
    }

    /// Moves time to `now` (workspace time): while playing, world time advances by the wall time
    /// passed × the speed.
    pub fn tick(&mut self, shared: &mut Shared, now: Instant) {
        let last = self.wall.replace(now).unwrap_or(now);
        if !self.playing {
            return;
        }
        self.time += now.saturating_sub(last) as f64 * self.speed;
        let time = self.time as Instant;
        if !self.at_head() {
            let before = self.cursor;
            let events = self.timeline.events();
            let from = self.boundaries.partition_point(|&b| b <= self.cursor);
            for &boundary in self.boundaries.get(from..).unwrap_or_default() {
                let due = events.get(boundary - 1).is_some_and(|e| e.at <= time);
                if !due {
                    break;
                }
                self.cursor = boundary;
            }
            if self.cursor != before {
                shared.changed();
            }
            if !self.at_head() {
                return;
            }
        }
        let before = self.timeline.events().len();
        self.run_until(shared, time);
        if self.timeline.events().len() != before {
            self.fire_faults(before);
        }
    }

    /// Forgets armed faults that the events from `from` on show fired.
    fn fire_faults(&mut self, from: usize) {
        if self.faults.is_empty() {
            return;
        }
        let events = self.timeline.events();
        for event in events.get(from..).unwrap_or_default() {
            let fired =
                |t: &mqtt_sim::Transmission, f: &Fault| f.watches(t.packet_type, &t.from, &t.to);
            let position = match &event.kind {
                SimEventKind::PacketWritten(t) if t.arrives_at.is_none() => self
                    .faults
                    .iter()
                    .position(|(_, f)| matches!(f, Fault::DropNext { .. }) && fired(t, f)),
                SimEventKind::PacketDuplicated { tx, .. } => {
                    let written = events.iter().rev().find_map(|e| match &e.kind {
                        SimEventKind::PacketWritten(t) if t.tx == *tx => Some(t),
                        _ => None,
                    });
                    written.and_then(|t| {
                        self.faults.iter().position(|(_, f)| {
                            matches!(f, Fault::DuplicateNext { .. }) && fired(t, f)
                        })
                    })
                }
                _ => None,
            };
            if let Some(at) = position {
                self.faults.remove(at);
            }
        }
    }

    pub fn play(&mut self) {
        self.playing = true;
    }

    pub fn pause(&mut self, shared: &mut Shared) {
        self.playing = false;
        shared.changed();
    }

    pub fn set_speed(&mut self, speed: f64) {
        self.speed = speed.clamp(0.01, 100.0);
    }

    fn has_beat(events: &[SimEvent]) -> bool {
        events.iter().any(|event| {
            matches!(
                event.kind,
                SimEventKind::PacketWritten(_)
                    | SimEventKind::PacketDelivered { .. }
                    | SimEventKind::PacketLost { .. }
                    | SimEventKind::PacketDuplicated { .. }
                    | SimEventKind::LinkCut { .. }
                    | SimEventKind::Asleep { .. }
                    | SimEventKind::Awake { .. }
                    | SimEventKind::Client(
                        EventKind::MessageDelivered { .. } | EventKind::DuplicateSuppressed { .. }
                    )
            )
        })
    }

    fn sync_time(&mut self) {
        let at = self
            .cursor
            .checked_sub(1)
            .and_then(|i| self.timeline.events().get(i))
            .map_or(0, |e| e.at);
        self.time = at as f64;
    }

    /// One step forward: to the next recorded world step that shows something, or at the end of the
    /// history, the world runs until something visible happens. `Err` when nothing is left to happen.
    pub fn step_forward(&mut self, shared: &mut Shared) -> Result<(), String> {
        self.playing = false;
        if !self.at_head() {
            let from = self.boundaries.partition_point(|&b| b <= self.cursor);
            let events = self.timeline.events();
            let mut previous = self.cursor;
            let mut target = events.len();
            for &boundary in self.boundaries.get(from..).unwrap_or_default() {
                if Self::has_beat(events.get(previous..boundary).unwrap_or_default()) {
                    target = boundary;
                    break;
                }
                previous = boundary;
            }
            self.cursor = target;
        } else {
            let mut moved = false;
            for _ in 0..MAX_STEPS {
                if self.timeline.head().next_time().is_none() {
                    break;
                }
                let before = self.timeline.events().len();
                if self.timeline.step() == 0 {
                    continue;
                }
                let len = self.timeline.events().len();
                self.boundaries.push(len);
                self.fire_faults(before);
                moved = true;
                if Self::has_beat(self.timeline.events().get(before..).unwrap_or_default()) {
                    break;
                }
            }
            self.translate_new(shared);
            self.cursor = self.timeline.events().len();
            if !moved {
                return Err(
                    "Nothing more will happen: publish something, or change a fault.".into(),
                );
            }
        }
        self.sync_time();
        self.panels.replace(None);
        shared.changed();
        Ok(())
    }

    /// One step back: to the previous recorded world step that showed something.
    pub fn step_back(&mut self, shared: &mut Shared) {
        self.playing = false;
        let events = self.timeline.events();
        let upto = self.boundaries.partition_point(|&b| b < self.cursor);
        let mut target = 0;
        let mut end = self.cursor;
        for &boundary in self.boundaries.get(..upto).unwrap_or_default().iter().rev() {
            if Self::has_beat(events.get(boundary..end).unwrap_or_default()) {
                target = boundary;
                break;
            }
            end = boundary;
        }
        // Back past the first visible step: the very beginning.
        if !Self::has_beat(events.get(target..self.cursor).unwrap_or_default()) {
            target = 0;
        }
        self.cursor = target;
        self.sync_time();
        self.panels.replace(None);
        shared.changed();
    }

    /// Moves the cursor so that diagram step `step` is the last shown (rounded to its world step).
    pub fn seek(&mut self, shared: &mut Shared, step: u64) {
        let index = step.saturating_sub(self.first_step);
        self.cursor = match index.checked_sub(1) {
            None => 0,
            Some(beat) => {
                let event = self
                    .tr
                    .beat_events
                    .get(beat as usize)
                    .copied()
                    .unwrap_or(usize::MAX);
                let at = self.boundaries.partition_point(|&b| b <= event);
                self.boundaries
                    .get(at)
                    .copied()
                    .unwrap_or(self.timeline.events().len())
            }
        };
        self.sync_time();
        self.panels.replace(None);
        shared.changed();
    }

    /// Where the playhead is.
    pub fn playhead(&self, shared: &Shared) -> Playhead {
        let shown = self.tr.beat_events.partition_point(|&e| e < self.cursor);
        Playhead {
            first: self.first_step,
            cursor: self.first_step + shown as u64,
            head: shared.steps(),
            time: self.origin as f64 + self.time,
            playing: self.playing,
            speed: self.speed,
            simulated: true,
        }
    }

    /// The state panels at the cursor (the world rebuilt there, cached).
    pub fn panels(&self, shared: &Shared) -> Rc<Panels> {
        if let Some((cursor, revision, panels)) = &*self.panels.borrow() {
            if *cursor == self.cursor && (*revision == shared.revision || !self.at_head()) {
                return panels.clone();
            }
        }
        let rebuilt;
        let world = if self.at_head() {
            self.timeline.head()
        } else {
            rebuilt = self.timeline.world_at(self.cursor).0;
            &rebuilt
        };
        let clients = shared
            .clients
            .iter()
            .filter_map(|entry| {
                let actor = self.keys.get(&entry.key)?;
                let client = world
                    .clients()
                    .iter()
                    .find(|c| c.name() == actor && !c.is_removed())?;
                Some(Rc::new(client_panel(
                    entry.key,
                    client.session(),
                    client.is_asleep(),
                )))
            })
            .collect();
        let panels = Rc::new(Panels {
            clients,
            broker: Some(broker_panel(world.broker())),
        });
        self.panels
            .replace(Some((self.cursor, shared.revision, panels.clone())));
        panels
    }

    /// Benchmarks: loads `scenario` as the world (clients as in the scenario, named as there).
    pub fn load(
        &mut self,
        shared: &mut Shared,
        scenario: Scenario,
        keys: &[(String, ClientKey)],
    ) -> Result<(), String> {
        self.timeline = Timeline::new(scenario).map_err(|e| e.to_string())?;
        self.actors = VecMap::default();
        self.keys = VecMap::default();
        for (actor, key) in keys {
            self.actors.insert(actor.clone(), *key);
            self.keys.insert(*key, actor.clone());
            self.user.push((0, UserRecord::Added(*key)));
        }
        self.boundaries.clear();
        self.faults.clear();
        self.rebuild(shared, 0);
        self.cursor = 0;
        self.time = 0.0;
        Ok(())
    }

    /// Benchmarks: runs the loaded world to its end (at most `max_events` events).
    pub fn run_to_end(&mut self, shared: &mut Shared, max_events: usize) {
        while self.timeline.events().len() < max_events && !self.timeline.is_finished() {
            if self.timeline.step() > 0 {
                self.boundaries.push(self.timeline.events().len());
            }
        }
        self.translate_new(shared);
        self.cursor = self.timeline.events().len();
        self.sync_time();
        self.panels.replace(None);
        shared.changed();
    }

    // --- Events to records ------------------------------------------------------------------------------

    fn step_mark(
        &mut self,
        shared: &mut Shared,
        index: usize,
        at: Instant,
        client: Option<ClientKey>,
        kind: MarkKind,
    ) {
        self.tr.beat_events.push(index);
        shared.mark(at, client, kind);
    }

    /// The record index of in-flight transmission `tx`, which has now arrived or been lost.
    fn take_in_flight(&mut self, tx: u64) -> Option<u64> {
        let at = self
            .tr
            .in_flight
            .binary_search_by_key(&tx, |&(t, _)| t)
            .ok()?;
        self.tr.in_flight.remove(at).map(|(_, index)| index)
    }

    fn translate(&mut self, shared: &mut Shared, index: usize) {
        let Some(event) = self.timeline.events().get(index) else {
            return;
        };
        let at = self.origin + event.at;
        let actor_key = self.actors.get(&event.actor).copied();
        match &event.kind {
            SimEventKind::PacketWritten(t) => {
                let (actor, direction) = if t.from == BROKER {
                    (&t.to, Direction::Received)
                } else {
                    (&t.from, Direction::Sent)
                };
                let Some(&key) = self.actors.get(actor) else {
                    return;
                };
                let mut record = PacketRecord::new(
                    key,
                    direction,
                    at,
                    t.packet_type,
                    t.packet_id,
                    t.summary.clone(),
                    t.bytes.clone(),
                );
                record.far_at = t.arrives_at.map(|due| self.origin + due);
                let (tx, lost) = (t.tx, t.arrives_at.is_none());
                self.tr.beat_events.push(index);
                let record_index = shared.record_packet(record, at);
                // The record for a received PUBLISH is linked to its message on arrival, not now.
                if direction == Direction::Received {
                    shared.last_publish_in.remove(&key);
                }
                // Until it arrives or is lost (a packet lost at once is reported right after).
                let _ = lost;
                self.tr.in_flight.push_back((tx, record_index));
            }
            SimEventKind::PacketDelivered { tx } | SimEventKind::PacketLost { tx, .. } => {
                let lost = match &event.kind {
                    SimEventKind::PacketLost { reason, .. } => Some(describe_loss(*reason)),
                    _ => None,
                };
                let Some(record_index) = self.take_in_flight(*tx) else {
                    return;
                };
                self.tr.beat_events.push(index);
                let end = shared.beat(at);
                if let Some(record) = shared.history.packets.get_mut(record_index) {
                    record.end = Some(end);
                    shared.max_span = shared.max_span.max(end.1 - record.y);
                    match lost {
                        Some(reason) => record.lost = Some(reason),
                        None => {
                            record.arrived_at = Some(at);
                            if record.direction == Direction::Received
                                && record.packet_type == PacketType::Publish
                            {
                                let client = record.client;
                                shared.last_publish_in.insert(client, record_index);
                            }
                        }
                    }
                }
                shared.changed();
            }
            SimEventKind::PacketDuplicated { tx, copy } => {
                let original = self
                    .tr
                    .in_flight
                    .binary_search_by_key(tx, |&(t, _)| t)
                    .ok()
                    .and_then(|at| self.tr.in_flight.get(at))
                    .and_then(|&(_, i)| shared.history.packets.get(i))
                    .cloned();
                if let Some(mut record) = original {
                    record.summary = format!("{} (duplicate)", record.summary);
                    record.at = at;
                    record.end = None;
                    self.tr.beat_events.push(index);
                    let copy_index = shared.record_packet(record, at);
                    // The copy's id is the newest: it goes at the end, keeping the order.
                    self.tr.in_flight.push_back((*copy, copy_index));
                }
            }
            SimEventKind::Client(kind) => {
                let Some(key) = actor_key else {
                    return;
                };
                match kind {
                    EventKind::PacketReceived(_) => {}
                    EventKind::MessageDelivered { .. } | EventKind::DuplicateSuppressed { .. } => {
                        self.tr.beat_events.push(index);
                        shared.client_event(key, at, kind.clone());
                    }
                    _ => {
                        shared.client_event(key, at, kind.clone());
                    }
                }
            }
            SimEventKind::Broker(kind) => {
                if matches!(
                    kind,
                    mqtt_core::broker::BrokerEventKind::DuplicateSuppressed { .. }
                ) {
                    self.tr.beat_events.push(index);
                }
                shared.broker_event(at, kind.clone());
            }
            SimEventKind::ActionFailed { action, error } => {
                shared.notify(Notice::new(
                    at,
                    actor_key,
                    Level::Warning,
                    format!("Could not {action}: {error}."),
                ));
            }
            SimEventKind::LinkCut { .. } => {
                self.step_mark(shared, index, at, actor_key, MarkKind::LinkCut)
            }
            SimEventKind::Asleep { .. } => {
                self.step_mark(shared, index, at, actor_key, MarkKind::Asleep)
            }
            SimEventKind::Awake { .. } => {
                self.step_mark(shared, index, at, actor_key, MarkKind::Awake)
            }
            SimEventKind::ActionApplied { .. } => {}
        }
    }
}
