//! `cargo xtask serve`: the app with live reload on a loopback address.
//!
//! Release mode, because that is what students get (and wasm-opt runs there, so size problems show
//! up early); `--offline`, because trunk must use the tools checked here and never download its own.

use crate::cmd::Cmd;
use crate::error::{Error, Result};
use crate::tools::Tools;

/// Options of `cargo xtask serve`.
pub struct Options {
    /// Port on 127.0.0.1 (default 8080).
    pub port: u16,
    // Room for later options, e.g. `--broker ws://127.0.0.1:N` to point the app at a real broker.
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self> {
        let mut options = Self { port: 8080 };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--port" => options.port = crate::option_number("--port", args.next())?,
                other => return Err(Error::new(format!("serve: unknown option `{other}`"))),
            }
        }
        Ok(options)
    }
}

/// Ensures the web tools, then runs `trunk serve` until it is stopped (Ctrl-C).
pub fn run(options: Options) -> Result {
    Tools::new().for_web()?;
    let port = options.port.to_string();
    println!(
        "\nserving the app at http://127.0.0.1:{port}/ (Ctrl-C stops; trunk rebuilds on change)\n"
    );
    Cmd::new("trunk")
        .without_error_backtraces()
        .args(["serve", "--release", "--offline", "--address", "127.0.0.1"])
        .args(["--port", &port])
        .run()
}
