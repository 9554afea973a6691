//! MQTT Playground: see MQTT work, in the browser.
//!
//! This first page is a packet inspector. The layers, from the outside in:
//!
//! * [`app`] — the root component: owns the one reducer and wires callbacks to actions.
//! * [`components`] — function components that render props and report user intent as callbacks.
//! * [`state`] — the reducer: every change to what the page shows goes through [`state::Action`].
//! * [`inspector`] — plain Rust (hex parsing, samples, decode loop, tree shape, highlights, builder),
//!   unit-tested natively and under wasm-bindgen-test.
//! * [`services`] — the only code that talks to browser APIs (the clipboard).
//!
//! All protocol knowledge lives in mqtt-core; nothing here parses or writes MQTT bytes by hand.
#![forbid(unsafe_code)]
// Input paths must never panic: no unwrap/expect/panic and no slice indexing outside tests.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod inspector;
pub mod playground;

pub mod app;
pub mod components;
pub mod playground_state;
pub mod services;
pub mod state;

pub use app::App;
