//! The session's time source: milliseconds since the driver started, from the monotonic clock.
//!
//! `mqtt-core` never reads a clock (it also runs in a browser and on a chip); the owner converts. A
//! monotonic clock keeps keep-alive honest when the wall clock jumps.

use std::time::Duration;

use mqtt_core::Instant;

/// Milliseconds since this clock was made.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: std::time::Instant,
}

impl Clock {
    /// A clock at 0 now.
    pub fn new() -> Self {
        Clock {
            start: std::time::Instant::now(),
        }
    }

    /// Now, in the session's unit.
    pub fn now(&self) -> Instant {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// How long from now until `at` (zero if it has passed).
    pub fn until(&self, at: Instant) -> Duration {
        Duration::from_millis(at.saturating_sub(self.now()))
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}
