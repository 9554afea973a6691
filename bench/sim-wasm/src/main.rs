//! The native side of the simulator benchmark: `sim-native-bench [RUNS]` prints one JSON line per
//! run of [`sim_wasm_bench::run`], the very code the bench page runs as WebAssembly.

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(5);
    for _ in 0..runs {
        println!("{}", sim_wasm_bench::run(100, 1_000, 256));
    }
}
