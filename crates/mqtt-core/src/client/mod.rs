//! The client session: the protocol state of one MQTT client, sans-IO.
//!
//! Bytes and time go in (`handle_bytes`, `handle_written`, `handle_timeout`), bytes and events come out
//! (`poll_transmit`, `poll_event`, `poll_timeout`). The session never touches a socket or a clock, so
//! the playground, the simulator, the CLI and the ESP32 firmware all drive the same code, and a test can
//! drive it packet by packet.

mod error;
mod event;
mod incoming;
mod options;
mod session;
mod timers;
mod transmit;

pub use error::UsageError;
pub use event::{
    BrokerViolation, CloseReason, ConnectionState, Event, EventKind, OutboundState, Received,
    SessionError, SubscribeResult, Timer,
};
pub use options::{ClientOptions, ServerLimits, WillOptions};
pub use session::{ClientSession, OutboundMessage, SubscriptionView};
pub use transmit::Sent;
