//! The deterministic MQTT network simulator: the playground's zero-setup broker and every lesson's
//! replay engine.
//!
//! A [`World`] holds the teaching broker, scripted client sessions and the links between them; it
//! runs on virtual time with a seeded RNG, so the same [`Scenario`] and seed give the same
//! [`SimEvent`]s natively and in the browser. Links behave like TCP unless a teaching mode or a fault
//! says otherwise. A [`Timeline`] records events with checkpoints so the playground can seek back and
//! forth and fork the future. Scenarios travel in share links ([`share`]).
//!
//! No I/O, no clock, no threads, no hash-ordered maps: it builds for `wasm32-unknown-unknown`.

pub mod event;
pub mod rng;
pub mod scenario;
pub mod share;
pub mod timeline;
pub mod workloads;
pub mod world;

pub use event::{digest, LossReason, SimEvent, SimEventKind, Transmission};
pub use scenario::{
    Action, ClientSpec, Fault, LinkSettings, PacketKind, Protocol, Scenario, ScenarioError,
};
pub use timeline::Timeline;
pub use world::{SimClient, World};
