//! MQTT over WebSocket: tungstenite on a std TCP socket, subprotocol `mqtt`, binary frames.
//!
//! A frame may carry several MQTT packets or part of one (MQTT-6.0.0-2: the receiver must not assume
//! alignment), so frames are only unwrapped into bytes; the session's streaming decoder does the rest.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;
use tungstenite::{HandshakeError, Message, WebSocket};

use super::tcp::connect_stream;
use super::{bracketed, is_idle, read_timeout, Recv, Transport, TransportError};

/// A WebSocket connection to a broker.
#[derive(Debug)]
pub struct WsTransport {
    socket: WebSocket<TcpStream>,
}

impl WsTransport {
    /// Connects to `ws://host:port/path` asking for the `mqtt` subprotocol (MQTT-6.0.0-3/-4), which
    /// brokers such as mosquitto require.
    pub fn connect(
        host: &str,
        port: u16,
        path: &str,
        io_timeout: Duration,
    ) -> Result<Self, TransportError> {
        let stream = connect_stream(host, port, io_timeout)?;
        let url = format!("ws://{}:{port}{path}", bracketed(host));
        let mut request = url
            .as_str()
            .into_client_request()
            .map_err(|error| TransportError::WebSocket(format!("{url}: {error}")))?;
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
        match tungstenite::client::client(request, stream) {
            Ok((socket, _response)) => Ok(WsTransport { socket }),
            Err(HandshakeError::Interrupted(_)) => Err(TransportError::WebSocket(format!(
                "no handshake answer from {url} within {} s",
                io_timeout.as_secs()
            ))),
            Err(HandshakeError::Failure(error)) => Err(TransportError::WebSocket(format!(
                "handshake with {url}: {error}"
            ))),
        }
    }
}

impl Transport for WsTransport {
    fn send(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        self.socket
            .send(Message::binary(bytes.to_vec()))
            .map_err(ws_error)
    }

    fn recv(&mut self, buf: &mut Vec<u8>, timeout: Duration) -> Result<Recv, TransportError> {
        self.socket
            .get_mut()
            .set_read_timeout(Some(read_timeout(timeout)))?;
        match self.socket.read() {
            Ok(Message::Binary(bytes)) => {
                buf.extend_from_slice(&bytes);
                Ok(Recv::Data(bytes.len()))
            }
            Ok(Message::Text(_)) => Err(TransportError::TextFrame),
            Ok(Message::Close(_)) => Ok(Recv::Closed),
            // Pings are answered by tungstenite itself on the next read or write.
            Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => Ok(Recv::Idle),
            Err(tungstenite::Error::Io(error)) if is_idle(&error) => Ok(Recv::Idle),
            Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                Ok(Recv::Closed)
            }
            Err(error) => Err(ws_error(error)),
        }
    }

    fn close(&mut self, linger: Duration) {
        if !linger.is_zero() {
            // The closing handshake: our Close frame, then read until the broker's answer or EOF.
            let _ = self.socket.close(None);
            let deadline = Instant::now() + linger;
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero()
                    || self
                        .socket
                        .get_mut()
                        .set_read_timeout(Some(read_timeout(left)))
                        .is_err()
                {
                    break;
                }
                match self.socket.read() {
                    Ok(_) => {}
                    Err(tungstenite::Error::Io(error)) if is_idle(&error) => {}
                    Err(_) => break,
                }
            }
        }
        let _ = self.socket.get_mut().shutdown(std::net::Shutdown::Both);
    }
}

fn ws_error(error: tungstenite::Error) -> TransportError {
    match error {
        tungstenite::Error::Io(error) => TransportError::Io(error),
        other => TransportError::WebSocket(other.to_string()),
    }
}
