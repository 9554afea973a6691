//! `cargo xtask serve`: the app with live reload on a loopback address.
//!
//! Release mode, because that is what students get (and wasm-opt runs there, so size problems show
//! up early); `--offline`, because trunk must use the tools checked here and never download its own.
//!
//! `--broker` also starts a local mosquitto with a WebSocket listener on 127.0.0.1 (installed from
//! Debian when missing) and prints its URL; see [`crate::broker`] for how it is stopped.

use crate::broker::Mosquitto;
use crate::cmd::Cmd;
use crate::error::{Error, Result};
use crate::tools::Tools;

/// Options of `cargo xtask serve`.
pub struct Options {
    /// Port on 127.0.0.1 (default 8080).
    pub port: u16,
    /// Also run a local mosquitto with a WebSocket listener.
    pub broker: bool,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self> {
        let mut options = Self {
            port: 8080,
            broker: false,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--port" => options.port = crate::option_number("--port", args.next())?,
                "--broker" => options.broker = true,
                other => return Err(Error::new(format!("serve: unknown option `{other}`"))),
            }
        }
        Ok(options)
    }
}

/// Ensures the web tools (and mosquitto with `--broker`), then runs `trunk serve` until it is
/// stopped (Ctrl-C).
pub fn run(options: Options) -> Result {
    let mut tools = Tools::new();
    tools.for_web()?;
    // Dropped when serve returns: mosquitto is killed by its PID.
    let broker = if options.broker {
        let program = tools.for_broker()?;
        let broker = Mosquitto::start(&program)?;
        println!(
            "\nmosquitto is running on 127.0.0.1 (MQTT over TCP on port {}, log in {}).\n\
             In the app choose \"A real broker over WebSocket\" and paste:\n\n    {}\n",
            broker.tcp_port,
            broker.log_path().display(),
            broker.ws_url()
        );
        Some(broker)
    } else {
        None
    };
    let port = options.port.to_string();
    println!(
        "\nserving the app at http://127.0.0.1:{port}/ (Ctrl-C stops{}; trunk rebuilds on change)\n",
        if broker.is_some() { " both" } else { "" }
    );
    let served = Cmd::new("trunk")
        .without_error_backtraces()
        .args(["serve", "--release", "--offline", "--address", "127.0.0.1"])
        .args(["--port", &port])
        .run();
    drop(broker);
    served
}
