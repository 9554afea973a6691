//! A board without the board: the firmware's `ip` program on the host, with the trace on, so the
//! playground's traced-device lifeline can be seen (and tested) without an ESP32.
//!
//! ```sh
//! cargo run -p mqtt-client --example traced_device -- 127.0.0.1 1883 esp32-kitchen
//! ```
//!
//! It connects like the firmware does (same crate, same trace), publishes its "IP address" to
//! `<clientId>/ip` at QoS 2 with retain, waits a keep-alive round (a PINGREQ/PINGRESP gives the
//! playground its latency estimate), publishes once more at QoS 1, and disconnects.

use std::net::{SocketAddr, ToSocketAddrs};
use std::process::ExitCode;

use mqtt_client::{Config, QoS};

// The host adapter the tests use: TCP via tokio for embassy-net, tokio's timer for embassy-time.
#[path = "../tests/common/tokio_adapter.rs"]
mod tokio_adapter;

use tokio_adapter::{TcpConnector, TokioClock};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [host, port, id] = args.as_slice() else {
        eprintln!("usage: traced_device HOST PORT CLIENT_ID   (e.g. 127.0.0.1 1883 esp32-kitchen)");
        return ExitCode::from(2);
    };
    let Some(address) = format!("{host}:{port}")
        .to_socket_addrs()
        .ok()
        .and_then(|mut found| found.next())
    else {
        eprintln!("traced_device: cannot resolve {host}:{port}");
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("traced_device: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(address, id)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("traced_device: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(address: SocketAddr, id: &str) -> Result<(), mqtt_client::Error> {
    // A 2 s keep alive: the PINGREQ comes quickly (the firmware's default is longer).
    let config = Config::new(id)
        .persistent(false)
        .with_keep_alive(2)
        .with_trace(true);
    let clock = TokioClock::new();
    let mut client = mqtt_client::Client::new(config, TcpConnector(address), clock)?;
    client.set_observer(|notice| println!("{notice}"));
    client.connect().await?;
    let topic = format!("{id}/ip");
    client
        .publish(&topic, b"192.0.2.20", QoS::ExactlyOnce, true)
        .await?;
    // Idle through a keep-alive round: PINGREQ, PINGRESP, and the trace records go out.
    client.recv_until(Some(client.now() + 2_600)).await?;
    client
        .publish(&topic, b"192.0.2.20", QoS::AtLeastOnce, true)
        .await?;
    client.recv_until(Some(client.now() + 300)).await?;
    client.disconnect().await
}
