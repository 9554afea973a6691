//! mqtt-client's `Connect` and `Clock` on tokio: what firmware/ supplies on the chip with embassy-net
//! and embassy-time. Shared by the host tests and the `traced_device` example (through `#[path]`).

use std::net::SocketAddr;
use std::time::Duration;

use embedded_io_adapters::tokio_1::FromTokio;
use mqtt_client::{Clock, Connect};

/// Opens a TCP connection to the broker each time it is asked.
pub struct TcpConnector(pub SocketAddr);

impl Connect for TcpConnector {
    type Connection = FromTokio<tokio::net::TcpStream>;
    type Error = std::io::Error;

    async fn connect(&mut self) -> Result<Self::Connection, Self::Error> {
        let stream = tokio::net::TcpStream::connect(self.0).await?;
        stream.set_nodelay(true)?;
        Ok(FromTokio::new(stream))
    }
}

/// Milliseconds since the clock was made, on tokio's timer.
#[derive(Clone, Copy)]
pub struct TokioClock(tokio::time::Instant);

impl TokioClock {
    pub fn new() -> Self {
        TokioClock(tokio::time::Instant::now())
    }
}

impl Clock for TokioClock {
    fn now(&self) -> u64 {
        self.0.elapsed().as_millis() as u64
    }

    async fn sleep_until(&self, at: u64) {
        tokio::time::sleep_until(self.0 + Duration::from_millis(at)).await
    }
}
