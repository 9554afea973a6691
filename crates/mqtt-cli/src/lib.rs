//! `mqtt pub` and `mqtt sub`: a command line in the style of `mosquitto_pub` / `mosquitto_sub`, built on
//! `mqtt-core`'s sans-IO [`ClientSession`](mqtt_core::client::ClientSession).
//!
//! The crate is thin on purpose: the protocol lives in the session, this crate only supplies what a
//! session must not know about:
//!
//! * [`transport`] — bytes to and from a broker: TCP (std) or WebSocket (tungstenite, subprotocol `mqtt`).
//! * [`driver`] — runs a session against a transport with a real clock: timers through read timeouts,
//!   writes coalesced, and a reconnect loop that resumes a persistent session.
//! * [`args`] — the command line (clap), flags as mosquitto spells them; [`settings`] turns it into
//!   session options and an endpoint.
//! * [`publish`] and [`subscribe`] — the two commands; [`output`] prints what `sub` receives.
//! * [`redelivery`] — keeps a broker bug (mosquitto resending a QoS 2 PUBLISH after PUBREL) from
//!   reaching the application as a second delivery.
//!
//! It is a library as well as the `mqtt` binary so that tests can drive sessions through the very same
//! transport and driver (the fault-proxy test does).
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Input paths (arguments, sockets, stdin) must never panic.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod args;
pub mod clock;
pub mod driver;
pub mod error;
pub mod output;
pub mod publish;
pub mod redelivery;
pub mod settings;
pub mod subscribe;
pub mod transport;

pub use error::CliError;

/// Runs a parsed command line; the `Ok` value is the exit code of a run that went as asked.
pub fn run(cli: args::Cli) -> Result<(), CliError> {
    match cli.command {
        args::Command::Pub(args) => publish::run(&args),
        args::Command::Sub(args) => subscribe::run(&args),
    }
}
