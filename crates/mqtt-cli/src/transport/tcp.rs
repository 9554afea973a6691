//! MQTT over TCP with std's blocking sockets and timeouts.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::{is_idle, read_timeout, Recv, Transport, TransportError};

/// How much one read takes from the socket at most.
const READ_CHUNK: usize = 64 * 1024;

/// A TCP connection to a broker.
#[derive(Debug)]
pub struct TcpTransport {
    stream: TcpStream,
    /// The read timeout last set, to skip a system call when it has not changed.
    read_timeout: Option<Duration>,
    /// Where reads land before they are appended to the caller's buffer.
    scratch: Vec<u8>,
}

impl TcpTransport {
    /// Connects to `host:port`, trying each address the name resolves to, each within `io_timeout`.
    pub fn connect(host: &str, port: u16, io_timeout: Duration) -> Result<Self, TransportError> {
        let stream = connect_stream(host, port, io_timeout)?;
        Ok(TcpTransport {
            stream,
            read_timeout: None,
            scratch: vec![0; READ_CHUNK],
        })
    }
}

/// A connected, configured socket: no Nagle delay (MQTT packets are small and latency is what a
/// person watches), writes bounded by `io_timeout`.
pub(crate) fn connect_stream(
    host: &str,
    port: u16,
    io_timeout: Duration,
) -> Result<TcpStream, TransportError> {
    let addresses: Vec<_> = (host, port).to_socket_addrs()?.collect();
    let mut last_error = None;
    for address in &addresses {
        match TcpStream::connect_timeout(address, io_timeout) {
            Ok(stream) => {
                stream.set_nodelay(true)?;
                stream.set_write_timeout(Some(io_timeout))?;
                stream.set_read_timeout(Some(io_timeout))?;
                return Ok(stream);
            }
            Err(error) => last_error = Some(error),
        }
    }
    Err(match last_error {
        Some(error) => TransportError::Io(error),
        None => TransportError::Resolve(host.to_string()),
    })
}

impl Transport for TcpTransport {
    fn send(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        self.stream.write_all(bytes)?;
        Ok(())
    }

    fn recv(&mut self, buf: &mut Vec<u8>, timeout: Duration) -> Result<Recv, TransportError> {
        let timeout = read_timeout(timeout);
        if self.read_timeout != Some(timeout) {
            self.stream.set_read_timeout(Some(timeout))?;
            self.read_timeout = Some(timeout);
        }
        match self.stream.read(&mut self.scratch) {
            Ok(0) => Ok(Recv::Closed),
            Ok(n) => {
                buf.extend_from_slice(self.scratch.get(..n).unwrap_or_default());
                Ok(Recv::Data(n))
            }
            Err(error) if is_idle(&error) => Ok(Recv::Idle),
            Err(error) => Err(error.into()),
        }
    }

    fn close(&mut self, linger: Duration) {
        if linger.is_zero() {
            let _ = self.stream.shutdown(Shutdown::Both);
            return;
        }
        // FIN after our last bytes, then read until the broker closes: closing with unread bytes
        // would send a reset, which can destroy a DISCONNECT the broker has not read yet.
        let _ = self.stream.shutdown(Shutdown::Write);
        let deadline = Instant::now() + linger;
        let mut sink = [0u8; 4096];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero()
                || self
                    .stream
                    .set_read_timeout(Some(read_timeout(left)))
                    .is_err()
            {
                break;
            }
            match self.stream.read(&mut sink) {
                Ok(0) => break,
                Ok(_) => {}
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}
