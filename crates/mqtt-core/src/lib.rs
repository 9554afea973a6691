//! The protocol core of the MQTT Playground: everything that is pure protocol and nothing else.
//!
//! `no_std` + `alloc` so the very same code runs in the browser (WebAssembly), in the native CLI and on an
//! ESP32. It knows no clock, no socket and no thread: bytes and time come in as arguments, bytes and events
//! go out as return values (sans-IO, in the style of `quinn-proto`).
//!
//! * [`codec`] — MQTT 3.1.1 and 5.0 packets, both directions, with byte spans for every decoded field.
//! * [`topic`] — topic name and filter validation, matching and 5.0 shared subscriptions.
//! * [`broker`] — the teaching broker: the whole broker in memory, for the playground and lessons.
//! * [`client`] — the client session: connect, publish/subscribe at every QoS, keep alive, resume.
//! * [`message`] — owned application messages, as sessions and brokers keep them.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Input paths must never panic: no unwrap/expect and no slice indexing outside tests.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

extern crate alloc;

pub mod broker;
pub mod client;
pub mod codec;
pub mod message;
pub mod rule;
pub mod sorted;
pub mod topic;

/// A point in time, in milliseconds, from whatever clock the owner uses (`performance.now()`,
/// `std::time::Instant`, `embassy_time::Instant`, or a simulator's virtual clock). The core never
/// reads a clock itself.
pub type Instant = u64;

pub use codec::{
    decode, decode_traced, encode, frame_len, DecodeError, Decoder, EncodeError, Packet,
    PacketType, ProtocolVersion, QoS,
};
pub use rule::{Rule, Violation};
pub use topic::{TopicFilter, TopicName};
