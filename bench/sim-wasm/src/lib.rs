//! The simulator's speed, measured by the same code natively and as WebAssembly in Chromium
//! (`cargo xtask bench browser`; built with the `bench` profile, opt-level 3 — not the app's
//! size-first opt-level "z").
//!
//! Two figures, as in `cargo xtask bench sim`: packet events per second on
//! [`workloads::large`]`(100, 1000)` (goal ≥ 1,000,000/s), and the time to seek to seeded random
//! points of a 10,000-event timeline (goal ≤ 16 ms).

use mqtt_sim::rng::Rng;
use mqtt_sim::{workloads, Timeline, World};
use wasm_bindgen::prelude::wasm_bindgen;

/// Runs the large workload to its end; returns the number of events.
pub fn run_large(clients: usize, messages: usize) -> usize {
    World::new(workloads::large(clients, messages)).map_or(0, |mut world| world.run_to_end())
}

/// Runs both measurements with `now` (milliseconds) as the clock and returns them as JSON:
/// `{"events":…,"ms":…,"events_per_s":…,"timeline_events":…,"seek_ms":{"p50":…,"p95":…,"max":…,"mean":…}}`.
pub fn measure(now: &dyn Fn() -> f64, clients: usize, messages: usize, seeks: usize) -> String {
    let started = now();
    let events = std::hint::black_box(run_large(clients, messages));
    let ms = now() - started;

    let Ok(mut timeline) = Timeline::new(workloads::large(20, 100)) else {
        return "{\"error\":\"the timeline workload is invalid\"}".into();
    };
    timeline.run(10_000);
    let length = timeline.events().len();
    let mut rng = Rng::new(16);
    let mut times: Vec<f64> = (0..seeks.max(1))
        .map(|_| {
            let target = rng.below(length as u64 + 1) as usize;
            let started = now();
            std::hint::black_box(timeline.seek(target));
            now() - started
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let at = |q: usize| times[(times.len() * q / 100).min(times.len() - 1)];
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    format!(
        "{{\"events\":{events},\"ms\":{ms:.3},\"events_per_s\":{:.0},\"timeline_events\":{length},\
         \"seek_ms\":{{\"p50\":{:.4},\"p95\":{:.4},\"max\":{:.4},\"mean\":{mean:.4}}}}}",
        events as f64 / (ms / 1e3),
        at(50),
        at(95),
        times[times.len() - 1],
    )
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
extern "C" {
    /// `performance.now()`.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// The bench page's entry point: [`measure`] with `performance.now()` as the clock.
#[wasm_bindgen]
pub fn run(clients: usize, messages: usize, seeks: usize) -> String {
    #[cfg(target_arch = "wasm32")]
    let now = performance_now;
    #[cfg(not(target_arch = "wasm32"))]
    let now = {
        let origin = std::time::Instant::now();
        move || origin.elapsed().as_secs_f64() * 1e3
    };
    measure(&now, clients, messages, seeks)
}
