//! The only code that talks to browser APIs beyond rendering. Components call these with a callback
//! for the answer, so they never hold a promise or a JavaScript value themselves.

pub mod clipboard;
