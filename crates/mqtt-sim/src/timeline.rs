//! A recorded history you can move through: events, a cursor, and checkpoints (world clones) so any
//! point can be rebuilt quickly. Seeking restores the nearest checkpoint and replays; changing
//! something at the cursor forks: the future is dropped and simulated again.

use crate::event::SimEvent;
use crate::scenario::{Action, Fault, LinkSettings, Scenario, ScenarioError};
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
            let step = self.head.step();
            if step.is_empty() && self.head.is_finished() {
                break;
            }
            self.events.extend(step);
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
        let (mut world, boundary) = self.world_at(self.cursor);
        match edit {
            Edit::Action { actor, action } => world.inject(&actor, action)?,
            Edit::Fault(fault) => world.add_fault(fault),
            Edit::Link { actor, link } => world.set_link(&actor, link),
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
