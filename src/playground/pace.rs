//! How often the page re-renders for traffic. Every frame the workspace moves to now; the page renders
//! again when something changed. During a flood from a real broker (tens of thousands of packets a
//! second) a render per frame — the log, the packet list, the diagram, each with its layout — costs
//! the page more than receiving the messages does, so it falls far behind what the socket delivers.
//! While packets arrive faster than [`FLOOD_PACKETS_PER_S`], renders are spaced so that they take at
//! most [`FLOOD_RENDER_SHARE`] of the page's time — judged by what the last renders cost, between
//! [`FLOOD_FRAME_MS`] and [`FLOOD_FRAME_MAX_MS`] apart: a light page (one tab, few rows) still moves
//! ten times a second, a heavy one (the diagram redrawn, long lists) a few times; scrolling stays
//! smooth because it does not wait for traffic, and the CPU goes to the messages. Anything slower — a
//! simulated handshake, a step in hold mode — renders every frame, so animations are untouched.

/// Packets per second above which traffic counts as a flood.
pub const FLOOD_PACKETS_PER_S: f64 = 1_000.0;
/// The closest spacing of renders during a flood, in milliseconds.
pub const FLOOD_FRAME_MS: f64 = 100.0;
/// The widest spacing: the page still shows the flood moving at least once a second.
pub const FLOOD_FRAME_MAX_MS: f64 = 1_000.0;
/// The share of the page's time renders may take during a flood. What is measured is the render and
/// the layout it forces; the browser's own style, layout and paint afterwards come on top, about as
/// much again. A twentieth, not a tenth: measured in the flood benchmarks, a tenth cost a tenth of the
/// throughput (and more with the browser's part), while a page updated four or five times a second
/// still shows a flood moving.
pub const FLOOD_RENDER_SHARE: f64 = 0.05;

/// When the last render happened, how many packets had been recorded then, and what renders cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderPace {
    rendered_at: f64,
    packets_then: u64,
    /// What a render costs, in milliseconds: a dearer one counts at once, a cheaper one halfway.
    cost_ms: f64,
    /// The render under way: when it was asked for, and the socket time spent by then.
    started: Option<(f64, f64)>,
    /// The last change seen came in a flood.
    flooding: bool,
}

impl RenderPace {
    /// A render took `ms` (from the change to its effects having run). A dearer render counts at
    /// once, a cheaper one halfway: when a flood starts, the lists and the diagram fill up and the
    /// renders grow dearer by the frame, and an average that lags behind them let the first half
    /// second of a flood go to rendering, while the broker's queue for the page grew.
    pub fn rendered(&mut self, ms: f64) {
        self.cost_ms = if ms >= self.cost_ms {
            ms
        } else {
            (self.cost_ms + ms) / 2.0
        };
    }

    /// A render was asked for at `now` (ms), when sockets had taken `io_ms` in all.
    pub fn render_started(&mut self, now: f64, io_ms: f64) {
        self.started = Some((now, io_ms));
    }

    /// The render asked for last has run, its effects (and the layout they force) included. Yew
    /// yields to the browser in the middle of a long render, and the frames that arrive meanwhile
    /// are handled then, and waiting acknowledgements flushed: their time (`io_ms` has grown by it)
    /// is not the render's.
    pub fn render_finished(&mut self, now: f64, io_ms: f64) {
        if let Some((at, io_then)) = self.started.take() {
            self.rendered(((now - at) - (io_ms - io_then)).max(0.0));
        }
    }

    /// Whether the last change seen came in a flood. The diagram then stops animating packets
    /// between renders: gliding would cost a render every frame, the very thing the spacing saves.
    pub fn flooding(&self) -> bool {
        self.flooding
    }

    /// What a render costs, in milliseconds (see [`RenderPace::rendered`]).
    pub fn cost_ms(&self) -> f64 {
        self.cost_ms
    }

    /// How far apart renders are during a flood.
    pub fn flood_spacing_ms(&self) -> f64 {
        (self.cost_ms / FLOOD_RENDER_SHARE).clamp(FLOOD_FRAME_MS, FLOOD_FRAME_MAX_MS)
    }

    /// Whether a change seen at `now` (ms) with `packets` recorded so far should render now. A `false`
    /// is only a postponement: asked again on a later frame, it renders once the flood's spacing has
    /// passed or the traffic has calmed.
    pub fn due(&mut self, now: f64, packets: u64) -> bool {
        let elapsed = now - self.rendered_at;
        let arrived = packets.saturating_sub(self.packets_then) as f64;
        let flooding = arrived > FLOOD_PACKETS_PER_S * elapsed.max(1.0) / 1_000.0;
        self.flooding = flooding;
        if flooding && elapsed < self.flood_spacing_ms() {
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

    /// Renders during a flood: how many in a second, when each costs `cost_ms`.
    fn renders_in_a_flood_second(cost_ms: f64) -> usize {
        let mut pace = RenderPace::default();
        assert!(pace.due(0.0, 0));
        pace.rendered(cost_ms);
        let (mut packets, mut renders) = (0, 0);
        for frame in 1..=60 {
            packets += 500;
            if pace.due(f64::from(frame) * 16.7, packets) {
                pace.rendered(cost_ms);
                renders += 1;
            }
        }
        renders
    }

    #[test]
    fn a_costly_render_is_spaced_to_keep_its_share_of_the_time() {
        // 25 ms renders: 500 ms apart, two a second, a twentieth of the time.
        assert!((1..=2).contains(&renders_in_a_flood_second(25.0)));
        // 10 ms renders: 200 ms apart.
        assert!((4..=5).contains(&renders_in_a_flood_second(10.0)));
        // Cheap renders still come ten times a second.
        assert!((9..=11).contains(&renders_in_a_flood_second(2.0)));
        // However costly, the flood is still seen moving once a second.
        assert_eq!(renders_in_a_flood_second(500.0), 1);
    }

    #[test]
    fn a_dearer_render_counts_at_once_and_one_slow_render_does_not_stall_the_page() {
        let mut pace = RenderPace::default();
        pace.rendered(10.0);
        pace.rendered(20.0);
        // A flood's renders growing dearer space the next ones at once: 20 ms → 400 ms apart.
        assert_eq!(pace.flood_spacing_ms(), 400.0);
        pace.rendered(300.0);
        assert_eq!(pace.flood_spacing_ms(), 1_000.0);
        // Five ordinary renders later, it is back under half a second.
        for _ in 0..5 {
            pace.rendered(10.0);
        }
        assert!(
            pace.flood_spacing_ms() < 500.0,
            "{}",
            pace.flood_spacing_ms()
        );
    }

    #[test]
    fn frames_handled_in_the_middle_of_a_render_are_not_its_cost() {
        let mut pace = RenderPace::default();
        // Asked for at 100 ms, done at 160 ms; sockets took 45 ms of that while Yew had yielded.
        pace.render_started(100.0, 1_000.0);
        pace.render_finished(160.0, 1_045.0);
        assert_eq!(pace.cost_ms(), 15.0);
        // A render nobody timed (a click, not the heartbeat) changes nothing.
        pace.render_finished(400.0, 1_100.0);
        assert_eq!(pace.cost_ms(), 15.0);
    }
}
