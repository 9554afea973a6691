//! How often the page re-renders for traffic. Every frame the workspace moves to now; the page renders
//! again when something changed. During a flood from a real broker (tens of thousands of packets a
//! second) a render per frame — the log, the packet list, the diagram, each with its layout — costs
//! the page more than receiving the messages does, so it falls far behind what the socket delivers.
//! While packets arrive faster than [`FLOOD_PACKETS_PER_S`], renders are spaced [`FLOOD_FRAME_MS`]
//! apart: the page stays alive (counts move ten times a second, scrolling stays smooth because it
//! does not wait for traffic), and the CPU goes to the messages. Anything slower — a simulated
//! handshake, a step in hold mode — renders every frame, so animations are untouched.

/// Packets per second above which traffic counts as a flood.
pub const FLOOD_PACKETS_PER_S: f64 = 1_000.0;
/// The spacing of renders during a flood, in milliseconds.
pub const FLOOD_FRAME_MS: f64 = 100.0;

/// When the last render happened, and how many packets had been recorded then.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderPace {
    rendered_at: f64,
    packets_then: u64,
}

impl RenderPace {
    /// Whether a change seen at `now` (ms) with `packets` recorded so far should render now. A `false`
    /// is only a postponement: asked again on a later frame, it renders once the flood's spacing has
    /// passed or the traffic has calmed.
    pub fn due(&mut self, now: f64, packets: u64) -> bool {
        let elapsed = now - self.rendered_at;
        let arrived = packets.saturating_sub(self.packets_then) as f64;
        let flooding = arrived > FLOOD_PACKETS_PER_S * elapsed.max(1.0) / 1_000.0;
        if flooding && elapsed < FLOOD_FRAME_MS {
            return false;
        }
        self.rendered_at = now;
        self.packets_then = packets;
        true
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn a_handshake_renders_every_frame() {
        let mut pace = RenderPace::default();
        let mut packets = 0;
        for frame in 1..=60 {
            // A simulated QoS 2 exchange: a packet every few frames.
            if frame % 3 == 0 {
                packets += 1;
            }
            assert!(pace.due(f64::from(frame) * 16.7, packets), "frame {frame}");
        }
    }

    #[test]
    fn a_flood_renders_ten_times_a_second_and_the_end_of_it_at_once() {
        let mut pace = RenderPace::default();
        assert!(pace.due(0.0, 0));
        let mut packets = 0;
        let mut renders = 0;
        for frame in 1..=60 {
            packets += 500; // 30,000 packets a second
            if pace.due(f64::from(frame) * 16.7, packets) {
                renders += 1;
            }
        }
        assert!((9..=11).contains(&renders), "{renders} renders in a second");
        // The flood stops: the next frame shows where it ended, without waiting for the spacing.
        let mut quiet = pace;
        assert!(quiet.due(61.0 * 16.7, packets) || quiet.due(62.0 * 16.7, packets));
    }
}
