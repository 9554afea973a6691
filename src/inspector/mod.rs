//! The inspector's logic as plain Rust: no Yew, no browser, tested natively and under wasm.
//!
//! Components only render what these modules compute. Decoding and encoding themselves belong to
//! mqtt-core; this layer turns its results into things to show.
//!
//! * [`hex`] — forgiving hex text → bytes, with the exact position of a mistake.
//! * [`samples`] — ready-made packets, built with mqtt-core's encoder.
//! * [`inspection`] — pasted bytes → packets with field spans, errors and "need more bytes".
//! * [`tree`] — the span list's tree shape and keyboard navigation.
//! * [`highlight`] — which bytes and field light up for what the user points at.
//! * [`builder`] — form fields → packet bytes.

pub mod builder;
pub mod hex;
pub mod highlight;
pub mod inspection;
pub mod samples;
pub mod tree;
