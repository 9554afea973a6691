//! The playground's engine as plain Rust: no Yew, no web-sys, tested natively and under wasm.
//!
//! A [`Workspace`](workspace::Workspace) is the page's whole MQTT world: the broker choice, the clients
//! with their sessions, and one normalized history of everything that went over the wire. It has two
//! backends behind the same API:
//!
//! * **Simulated** — an [`mqtt_sim::World`] in live mode (a scenario that never ends), advanced to the
//!   wall clock every animation frame: the teaching broker and simulated links, in the page, offline.
//! * **Real** — one [`mqtt_core::client::ClientSession`] per client, each over its own WebSocket to a
//!   real broker. The workspace never touches a socket: it asks for I/O with [`Io`](workspace::Io)
//!   commands (open, send, close) and is told what happened (`on_open`, `on_frame`, `on_close`).
//!
//! Both backends produce the same records: [`PacketRecord`](model::PacketRecord)s (time, client,
//! direction, transmission id, type, packet id, summary, bytes, fate) and
//! [`MessageRecord`](model::MessageRecord)s (time, client, topic, payload, QoS, retain, dup). The
//! message log, the topic tree, the charts, the packet list and the sequence diagram only read these;
//! each packet and mark is also a *step* of the diagram, so the cursor can move over the history.
//!
//! * [`model`] — the records, client status and notices.
//! * [`ring`] — an append-only log with a cap that keeps indices stable when old entries go.
//! * [`config`] — a client's options, the publish and subscribe requests.
//! * [`forms`] — the forms as typed text, parsed into those with a message per field.
//! * [`workspace`] — the engine and its two backends, with the playhead (play, pause, step, seek),
//!   hold mode on a real broker and faults.
//! * [`panels`] — the sessions' and the in-page broker's state at the cursor.
//! * [`diagram`] — the sequence diagram's geometry: lifelines, arrows with their fate, marks, for the
//!   window of the diagram in view.
//! * [`diagram_svg`] — shapes shared by the page and the export, and the diagram as a standalone SVG.
//! * [`controls`] — stepping commands, the keyboard map and the speed ladder.
//! * [`explain`] — URL checks and what a close code, a refusal or a timeout means for a person.
//! * [`topics`] — the topic tree of everything received.
//! * [`traced`] — devices drawn from their packet trace (`mqtt-playground/trace/<clientId>`).
//! * [`series`] — which payloads are numbers, and the chart's geometry.
//! * [`log_view`] — filtering the message log incrementally, and the virtual window of a list.
//! * [`pace`] — renders spaced out while a real broker floods the page.
//! * [`outbox`] — sends coalesced per socket until the page flushes them.
//! * [`payload`] — a payload as text, pretty JSON, hex or base64.
//! * [`export`] — the message log as JSON.
//! * [`profiles`] — saved connection profiles (never a password unless asked).
//! * [`time`] — timestamps for people.
//! * [`vec_map`] — a small map that costs less WebAssembly than a `BTreeMap`.

pub mod config;
pub mod controls;
pub mod diagram;
pub mod diagram_svg;
pub mod explain;
pub mod export;
pub mod forms;
pub mod log_view;
pub mod model;
pub mod outbox;
pub mod pace;
pub mod panels;
pub mod payload;
pub mod profiles;
pub mod ring;
pub mod series;
pub mod time;
pub mod topics;
pub mod traced;
pub mod vec_map;
pub mod workspace;

#[cfg(test)]
mod diagram_tests;
pub mod real;
mod sim;
#[cfg(test)]
mod tests;
