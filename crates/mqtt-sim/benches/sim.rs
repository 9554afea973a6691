//! `cargo xtask bench sim`: how fast the simulator runs a large scenario (packet events per second;
//! goal ≥ 1,000,000/s native) and how long seeking takes on a 10,000-event timeline (goal ≤ 16 ms).

use std::time::{Duration, Instant};

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput};
use mqtt_sim::rng::Rng;
use mqtt_sim::{workloads, Timeline, World};

const CLIENTS: usize = 100;
const MESSAGES: usize = 1_000;

fn run_large() -> usize {
    World::new(workloads::large(CLIENTS, MESSAGES))
        .expect("valid workload")
        .run_to_end()
}

fn main() {
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(15))
        .without_plots()
        .configure_from_args();

    let events = run_large();
    let mut group = criterion.benchmark_group("sim");
    group.throughput(Throughput::Elements(events as u64));
    group.bench_function(
        BenchmarkId::new("events", format!("{CLIENTS}x{MESSAGES}")),
        |b| b.iter(|| black_box(run_large())),
    );
    group.finish();

    // A 10,000-event timeline, sought at seeded random points.
    let mut timeline = Timeline::new(workloads::large(20, 100)).expect("valid workload");
    timeline.run(10_000);
    let length = timeline.events().len();
    let mut rng = Rng::new(16);
    let targets: Vec<usize> = (0..256)
        .map(|_| rng.below(length as u64 + 1) as usize)
        .collect();
    let mut group = criterion.benchmark_group("timeline");
    group.bench_function(BenchmarkId::new("seek", length), |b| {
        let mut next = 0;
        b.iter(|| {
            next = (next + 1) % targets.len();
            black_box(timeline.seek(targets[next]))
        })
    });
    group.finish();
    criterion.final_summary();

    // The figures the goals are stated in, measured directly as well.
    let started = Instant::now();
    let counted = run_large();
    let rate = counted as f64 / started.elapsed().as_secs_f64();
    let mut seeks: Vec<Duration> = targets
        .iter()
        .map(|&target| {
            let started = Instant::now();
            black_box(timeline.seek(target));
            started.elapsed()
        })
        .collect();
    seeks.sort();
    let p95 = seeks[seeks.len() * 95 / 100];
    let max = seeks[seeks.len() - 1];
    println!("\nsimulator: {counted} events ({CLIENTS} clients x {MESSAGES} QoS 1/2 messages, wildcards)");
    println!(
        "  events/s: {rate:.0}  (goal >= 1,000,000: {})",
        if rate >= 1e6 { "met" } else { "NOT met" }
    );
    println!(
        "  seek on a {length}-event timeline: p95 {:.3} ms, max {:.3} ms  (goal <= 16 ms: {})",
        p95.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
        if max <= Duration::from_millis(16) {
            "met"
        } else {
            "NOT met"
        }
    );
}
