//! An async MQTT client for small devices, in the spirit of MicroPython's `umqtt.simple` — but with
//! QoS 2, keep alive, and reconnects that resume a persistent session.
//!
//! ```text
//! let mut client = Client::new(Config::new("esp32-kitchen"), connector, clock)?;
//! client.connect().await?;
//! client.publish("esp32-kitchen/ip", b"192.168.1.23", QoS::AtLeastOnce, true).await?;
//! client.subscribe("esp32-kitchen/cmd", QoS::ExactlyOnce).await?;
//! let message = client.recv().await?;
//! ```
//!
//! `no_std` + `alloc`, no executor of its own, no socket of its own. It is generic over three small
//! things the owner supplies, so the same code runs on an ESP32 (embassy-net, embassy-time) and in
//! host tests (tokio) against a real mosquitto:
//!
//! * [`Connect`] opens a fresh byte stream to the broker (an `embedded-io-async` `Read + Write`),
//!   once for the first connection and again for every reconnect;
//! * [`Clock`] says what time it is (milliseconds) and sleeps until a time;
//! * the protocol itself is `mqtt-core`'s sans-IO [`ClientSession`](mqtt_core::client::ClientSession),
//!   the same session the playground and the CLI drive.
//!
//! The client makes progress only while one of its `async` methods runs (there is no background
//! task): `publish` waits for PUBACK / PUBCOMP, `subscribe` for SUBACK, `recv` and `recv_until` for a
//! message — and all of them answer PINGREQ deadlines, read incoming messages into an inbox, and
//! reconnect with backoff if the link dies. A device that has nothing to do calls
//! [`Client::recv_until`] with its next deadline, which keeps the connection alive meanwhile.
//!
//! With the `trace` feature (on by default) and [`Config::with_trace`], the client publishes each of
//! its packets as one compact JSON line at QoS 0 to `mqtt-playground/trace/<clientId>`, so the
//! playground can draw the device's real packets; the format is in `docs/trace-format.md` and
//! [`trace::parse_trace_line`] reads it back (that parser needs no feature and builds for wasm32).
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// The futures these traits return run on one executor (embassy's, or a current-thread tokio in tests):
// no `Send` bound is wanted.
#![allow(async_fn_in_trait)]
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

mod client;
mod config;
mod error;
mod notice;
mod select;
pub mod trace;

pub use client::{Client, Stats};
pub use config::{Config, Reconnect};
pub use error::Error;
pub use notice::Notice;

/// The protocol core, re-exported so a firmware needs one dependency.
pub use mqtt_core;
pub use mqtt_core::message::Message;
pub use mqtt_core::{Instant, ProtocolVersion, QoS};

/// Opens a fresh connection to the broker: a byte stream, already connected (TCP, or anything else
/// that carries MQTT's bytes in order).
///
/// Called for the first connection and again after every loss, so it must not hand out the same
/// stream twice. The client drops the old connection before it asks for a new one, so a connector
/// with a single socket buffer (embassy-net's `TcpClient` with a pool of one) works.
///
/// The connection's `read` must be cancel-safe — dropping a pending `read` future loses no bytes —
/// because the client races it against its timers. embassy-net's TCP socket and tokio's streams
/// (through `embedded-io-adapters`) are.
pub trait Connect {
    /// The stream.
    type Connection: embedded_io_async::Read + embedded_io_async::Write;
    /// Why a connection could not be opened, as a sentence for logs and [`Error::GaveUp`]
    /// (Display, not Debug: a firmware image should not carry derived Debug code for it).
    type Error: core::fmt::Display;

    /// Opens a new connection (resolving the broker's name first, if it has one).
    async fn connect(&mut self) -> Result<Self::Connection, Self::Error>;
}

/// The time source: milliseconds from any fixed origin (boot, say), never going backwards.
pub trait Clock {
    /// Now, in milliseconds.
    fn now(&self) -> Instant;

    /// Completes at `at` (at once if `at` has passed). Must be cancel-safe: the client races it
    /// against a read.
    async fn sleep_until(&self, at: Instant);
}
