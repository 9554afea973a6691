//! A recorded history you can move through: events, a cursor, and checkpoints (world clones) so any
//! point can be rebuilt quickly. Seeking restores the nearest checkpoint and replays; changing
//! something at the cursor forks: the future is dropped and simulated again.

use crate::event::SimEvent;
use crate::scenario::{Action, ClientSpec, Fault, LinkSettings, Scenario, ScenarioError};
use crate::world::World;

/// How many events between checkpoints: seeking replays at most this many.
const CHECKPOINT_EVERY: usize = 64;

/// A world state taken before a step, and how many events had happened by then.
#[derive(Debug, Clone)]
struct Checkpoint {
    events: usize,
    world: World,
}

/// A change made at the cursor, which forks the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// A client does something now.
    Action {
        /// Which client.
        actor: String,
        /// What.
        action: Action,
    },
    /// A fault from now on.
    Fault(Fault),
    /// A client's link changes from now on.
    Link {
        /// Which client.
        actor: String,
        /// The new settings.
        link: LinkSettings,
    },
    /// A client joins now (it connects now if its spec says so).
    AddClient(ClientSpec),
    /// A client leaves for good, like a killed one (its will is published).
    RemoveClient {
        /// Which client.
        actor: String,
    },
    /// A client's teaching retry changes from now on (`None`: off).
    TeachingRetry {
        /// Which client.
        actor: String,
        /// The retry interval.
        retry_ms: Option<u64>,
    },
}

/// A simulation's history with a cursor.
#[derive(Debug, Clone)]
pub struct Timeline {
    events: Vec<SimEvent>,
    checkpoints: Vec<Checkpoint>,
    /// The world at the end of the recorded history, ready to go on.
    head: World,
    /// Events at or before the cursor have "happened" for the viewer.
    cursor: usize,
}

impl Timeline {
    /// A timeline for `scenario`, with nothing simulated yet.
    pub fn new(scenario: Scenario) -> Result<Self, ScenarioError> {
        let world = World::new(scenario)?;
        Ok(Timeline {
            events: Vec::new(),
            checkpoints: vec![Checkpoint {
                events: 0,
                world: world.clone(),
            }],
            head: world,
            cursor: 0,
        })
    }

    /// Simulates until at least `until` events are recorded or the world is finished.
    pub fn extend_to(&mut self, until: usize) {
        while self.events.len() < until && !self.head.is_finished() {
            self.checkpoint_if_due();
            let step = self.head.step();
            if step.is_empty() && self.head.is_finished() {
                break;
            }
            self.events.extend(step);
        }
    }

    /// Live mode: runs the world up to virtual time `time`, recording its events (with checkpoints)
    /// and moving the cursor to the end. The playground calls it every animation frame while playing.
    pub fn advance_to(&mut self, time: mqtt_core::Instant) {
        loop {
            let due = self.head.next_time().is_some_and(|at| at <= time);
            if !due {
                break;
            }
            self.checkpoint_if_due();
            let step = self.head.step();
            if step.is_empty() && self.head.is_finished() {
                break;
            }
            self.events.extend(step);
        }
        self.head.advance_to(time);
        self.cursor = self.events.len();
    }

    /// Runs one more step of the world (the "step forward" button at the end of the history) and
    /// moves the cursor past its events; returns how many events it produced (0: nothing left).
    pub fn step(&mut self) -> usize {
        self.checkpoint_if_due();
        let step = self.head.step();
        let produced = step.len();
        self.events.extend(step);
        self.cursor = self.events.len();
        produced
    }

    /// The world at the end of the recorded history.
    pub fn head(&self) -> &World {
        &self.head
    }

    /// Virtual time of the event the cursor is on (0 before any event).
    pub fn time_at_cursor(&self) -> mqtt_core::Instant {
        self.cursor
            .checked_sub(1)
            .and_then(|index| self.events.get(index))
            .map_or(0, |event| event.at)
    }

    fn checkpoint_if_due(&mut self) {
        if self
            .checkpoints
            .last()
            .is_some_and(|c| self.events.len() >= c.events + CHECKPOINT_EVERY)
        {
            self.checkpoints.push(Checkpoint {
                events: self.events.len(),
                world: self.head.clone(),
            });
        }
    }

    /// Simulates to the end (at most `max_events`).
    pub fn run(&mut self, max_events: usize) {
        self.extend_to(max_events);
    }

    /// The recorded events.
    pub fn events(&self) -> &[SimEvent] {
        &self.events
    }

    /// How many events have happened at the cursor.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Whether the simulation has nothing more to do.
    pub fn is_finished(&self) -> bool {
        self.head.is_finished()
    }

    /// Moves the cursor to `index` events (simulating further if needed) and returns the world as it
    /// was then: rebuilt from the nearest checkpoint, never guessed.
    pub fn seek(&mut self, index: usize) -> World {
        self.extend_to(index);
        self.cursor = index.min(self.events.len());
        self.world_at(self.cursor).0
    }

    /// The world after the step that produced event `index - 1` (the state a viewer sees with `index`
    /// events shown), and how many events that step boundary covers (at least `index`).
    pub fn world_at(&self, index: usize) -> (World, usize) {
        let checkpoint = self
            .checkpoints
            .iter()
            .rev()
            .find(|c| c.events <= index)
            .or_else(|| self.checkpoints.first());
        let (mut world, mut produced) = match checkpoint {
            Some(c) => (c.world.clone(), c.events),
            None => return (self.head.clone(), self.events.len()),
        };
        while produced < index {
            let step = world.step();
            if step.is_empty() {
                break;
            }
            produced += step.len();
        }
        (world, produced)
    }

    /// Changes something at the cursor: the future is dropped and simulated again from the step
    /// boundary at (or just after) the cursor.
    pub fn fork(&mut self, edit: Edit) -> Result<(), ScenarioError> {
        // At the end of the history the head is the exact present (its clock included, in live
        // mode); anywhere else the past is rebuilt from a checkpoint.
        let (mut world, boundary) = if self.cursor >= self.events.len() {
            (self.head.clone(), self.events.len())
        } else {
            self.world_at(self.cursor)
        };
        match edit {
            Edit::Action { actor, action } => world.inject(&actor, action)?,
            Edit::Fault(fault) => world.add_fault(fault),
            Edit::Link { actor, link } => world.set_link(&actor, link),
            Edit::AddClient(spec) => world.add_client(spec)?,
            Edit::RemoveClient { actor } => world.remove_client(&actor)?,
            Edit::TeachingRetry { actor, retry_ms } => {
                world.set_teaching_retry(&actor, retry_ms)?
            }
        }
        self.events.truncate(boundary);
        self.checkpoints.retain(|c| c.events <= boundary);
        self.checkpoints.push(Checkpoint {
            events: boundary,
            world: world.clone(),
        });
        self.head = world;
        self.cursor = boundary;
        Ok(())
    }
}
