//! The only code that talks to browser APIs beyond rendering. Components call these with a callback
//! for the answer, so they never hold a promise or a JavaScript value themselves.
//!
//! * [`driver`] — runs the playground's workspace with real sockets and the page's clock.
//! * [`ws`] — WebSockets (subprotocol `mqtt`, binary frames).
//! * [`clock`] — `performance.now()`, the wall clock, the animation-frame loop.
//! * [`storage`] — `localStorage` for profiles and the theme.
//! * [`download`] — saving an export as a file.
//! * [`image`] — an SVG drawn onto a canvas and saved as PNG.
//! * [`clipboard`] — copying text.
//! * [`random`] — generated client ids.
//! * [`page`] — the page's protocol and route, the theme attribute, marks and test hooks.

pub mod clipboard;
pub mod clock;
pub mod download;
pub mod driver;
pub mod image;
pub mod page;
pub mod random;
pub mod storage;
pub mod ws;
