//! The sequence diagram's geometry, as plain Rust: where each step, lifeline and arrow goes.
//!
//! Every packet and every mark is a *step* (a [`Beat`](super::model::Beat)) with its own y: below the
//! previous step by at least [`MIN_GAP`], and further the more time passed between them (compressed,
//! so a 60 s keep-alive pause does not push everything off the page). Steps are laid out once, when
//! they are recorded, so drawing a window of the diagram costs the same however long the history is.

/// Where the first step is drawn.
pub const TOP: f32 = 20.0;
/// The least distance between two steps, so their labels never overlap.
pub const MIN_GAP: f32 = 18.0;
/// The most a pause can add.
pub const MAX_GAP: f32 = 240.0;

/// The vertical distance for `ms` milliseconds between two steps: 0.6 px/ms up to 200 ms (50 ms of
/// latency is a clear slope), then growing with the square root, at most [`MAX_GAP`].
pub fn gap(ms: u64) -> f32 {
    time_px(ms).max(MIN_GAP)
}

/// Time as distance, without the minimum.
pub fn time_px(ms: u64) -> f32 {
    let ms = ms as f32;
    if ms <= 200.0 {
        ms * 3.0 / 5.0
    } else {
        (120.0 + 2.5 * (ms - 200.0).sqrt()).min(MAX_GAP)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn time_spreads_steps_apart_but_long_pauses_are_compressed() {
        assert_eq!(gap(0), MIN_GAP);
        assert_eq!(gap(50), 30.0);
        assert_eq!(gap(200), 120.0);
        assert!(gap(1_000) > gap(500) && gap(1_000) < MAX_GAP);
        assert_eq!(gap(60_000), MAX_GAP);
        let mut last = 0.0;
        for ms in (0..5_000).step_by(7) {
            assert!(time_px(ms) >= last, "monotonic at {ms}");
            last = time_px(ms);
        }
    }
}
