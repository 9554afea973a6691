//! The real-broker backend: one mqtt-core session per client, each over its own WebSocket.
//!
//! Frames go straight into the session's streaming decoder (packets split or joined across frames are
//! its business). After every input the session is polled until quiet: every packet it has to send is
//! appended to one buffer and sent as one binary frame, so a burst of acknowledgements costs one
//! `ws.send`, and the JS↔wasm boundary is crossed once per frame each way.

use mqtt_core::client::{ClientSession, CloseReason, ConnectionState};
use mqtt_core::codec::{PacketType, ReasonCode};
use mqtt_core::message::Message;
use mqtt_core::Instant;

use super::config::{ClientConfig, SubscribeRequest};
use super::explain;
use super::model::{ClientKey, Direction, Level, Notice, Status};
use super::vec_map::VecMap;
use super::workspace::{Io, Shared, SocketId, Source};

/// How long a WebSocket may take to open before we give up on it.
pub const OPEN_TIMEOUT_MS: Instant = 10_000;

#[derive(Debug)]
struct RealClient {
    session: ClientSession,
    /// The password, to mask it in the recorded CONNECT.
    password_len: usize,
    socket: Option<SocketId>,
    opened: bool,
    open_deadline: Instant,
}

#[derive(Debug)]
pub(crate) struct RealBackend {
    url: String,
    clients: VecMap<ClientKey, RealClient>,
    sockets: VecMap<SocketId, ClientKey>,
    next_socket: SocketId,
}

impl RealBackend {
    pub fn new(url: &str) -> Self {
        RealBackend {
            url: url.to_string(),
            clients: VecMap::default(),
            sockets: VecMap::default(),
            next_socket: 1,
        }
    }

    pub fn session(&self, key: ClientKey) -> Option<&ClientSession> {
        self.clients.get(&key).map(|client| &client.session)
    }

    pub fn add(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        config: &ClientConfig,
        now: Instant,
    ) -> Result<(), String> {
        let session = ClientSession::new(config.options()).map_err(|error| error.to_string())?;
        self.clients.insert(
            key,
            RealClient {
                session,
                password_len: config.password.as_ref().map_or(0, String::len),
                socket: None,
                opened: false,
                open_deadline: 0,
            },
        );
        self.connect(shared, key, now)
    }

    pub fn connect(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        now: Instant,
    ) -> Result<(), String> {
        let client = self.clients.get_mut(&key).ok_or("unknown client")?;
        if client.socket.is_some() {
            return Err("Already connected or connecting.".into());
        }
        let socket = self.next_socket;
        self.next_socket += 1;
        client.socket = Some(socket);
        client.opened = false;
        client.open_deadline = now + OPEN_TIMEOUT_MS;
        self.sockets.insert(socket, key);
        shared.io.push(Io::Open {
            socket,
            url: self.url.clone(),
        });
        shared.set_status(key, Status::Opening);
        Ok(())
    }

    /// Closes a client's socket and forgets it (its late events are ignored).
    fn detach(&mut self, shared: &mut Shared, key: ClientKey) {
        if let Some(socket) = self.clients.get_mut(&key).and_then(|c| c.socket.take()) {
            self.sockets.remove(&socket);
            shared.io.push(Io::Close { socket });
        }
    }

    pub fn close_all(&mut self, shared: &mut Shared) {
        let keys: Vec<ClientKey> = self.clients.keys().copied().collect();
        for key in keys {
            self.detach(shared, key);
        }
    }

    pub fn disconnect(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        now: Instant,
    ) -> Result<(), String> {
        let client = self.clients.get_mut(&key).ok_or("unknown client")?;
        if client.socket.is_some() && !client.opened {
            self.detach(shared, key);
            shared.set_status(key, Status::Disconnected);
            return Ok(());
        }
        if client.session.state() == ConnectionState::Disconnected {
            return Err("Not connected.".into());
        }
        client.session.disconnect(now, ReasonCode::SUCCESS);
        self.settle(shared, key, now);
        Ok(())
    }

    pub fn kill(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        now: Instant,
    ) -> Result<(), String> {
        self.detach(shared, key);
        let client = self.clients.get_mut(&key).ok_or("unknown client")?;
        if client.session.state() == ConnectionState::Disconnected {
            shared.set_status(key, Status::Killed);
        } else {
            client.session.connection_lost(now);
        }
        self.settle(shared, key, now);
        Ok(())
    }

    pub fn remove(&mut self, shared: &mut Shared, key: ClientKey, now: Instant) {
        if let Some(client) = self.clients.get_mut(&key) {
            if client.session.state() == ConnectionState::Connected {
                client.session.disconnect(now, ReasonCode::SUCCESS);
                self.settle(shared, key, now);
            }
        }
        self.detach(shared, key);
        self.clients.remove(&key);
    }

    pub fn publish(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        message: Message,
        now: Instant,
    ) -> Result<(), String> {
        let client = self.clients.get_mut(&key).ok_or("unknown client")?;
        client
            .session
            .publish(message)
            .map_err(|error| error.to_string())?;
        if client.session.state() != ConnectionState::Connected {
            shared.notify(Notice::new(
                now,
                Some(key),
                Level::Info,
                "Not connected: the message waits in the client and goes out when it connects.",
            ));
        }
        self.settle(shared, key, now);
        Ok(())
    }

    pub fn subscribe(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        request: &SubscribeRequest,
        version: mqtt_core::ProtocolVersion,
        now: Instant,
    ) -> Result<(), String> {
        let client = self.clients.get_mut(&key).ok_or("unknown client")?;
        client
            .session
            .subscribe(
                vec![(request.filter.clone(), request.options_for(version))],
                None,
            )
            .map_err(|error| error.to_string())?;
        self.settle(shared, key, now);
        Ok(())
    }

    pub fn unsubscribe(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        filter: &str,
        now: Instant,
    ) -> Result<(), String> {
        let client = self.clients.get_mut(&key).ok_or("unknown client")?;
        client
            .session
            .unsubscribe(vec![filter.to_string()])
            .map_err(|error| error.to_string())?;
        self.settle(shared, key, now);
        Ok(())
    }

    fn current(&self, socket: SocketId) -> Option<ClientKey> {
        let key = *self.sockets.get(&socket)?;
        (self.clients.get(&key)?.socket == Some(socket)).then_some(key)
    }

    pub fn on_open(&mut self, shared: &mut Shared, socket: SocketId, now: Instant) {
        let Some(key) = self.current(socket) else {
            // A socket we gave up on opened after all.
            shared.io.push(Io::Close { socket });
            return;
        };
        let Some(client) = self.clients.get_mut(&key) else {
            return;
        };
        client.opened = true;
        if let Err(error) = client.session.connect(now) {
            shared.notify(Notice::new(now, Some(key), Level::Error, error.to_string()));
        }
        self.settle(shared, key, now);
    }

    pub fn on_frame(&mut self, shared: &mut Shared, socket: SocketId, bytes: &[u8], now: Instant) {
        let Some(key) = self.current(socket) else {
            return;
        };
        if let Some(client) = self.clients.get_mut(&key) {
            client.session.handle_bytes(bytes, now);
        }
        self.settle(shared, key, now);
    }

    pub fn on_text_frame(&mut self, shared: &mut Shared, socket: SocketId, now: Instant) {
        let Some(key) = self.current(socket) else {
            return;
        };
        shared.notify(Notice::new(
            now,
            Some(key),
            Level::Error,
            "The server sent a text frame: MQTT over WebSocket uses binary frames only. Is this an MQTT \
             broker's WebSocket endpoint?",
        ));
        self.detach(shared, key);
        if let Some(client) = self.clients.get_mut(&key) {
            client.session.connection_lost(now);
        }
        self.settle(shared, key, now);
        shared.set_status(key, Status::Failed);
    }

    pub fn on_open_failed(
        &mut self,
        shared: &mut Shared,
        socket: SocketId,
        error: &str,
        now: Instant,
    ) {
        let Some(key) = self.current(socket) else {
            return;
        };
        self.sockets.remove(&socket);
        if let Some(client) = self.clients.get_mut(&key) {
            client.socket = None;
        }
        shared.notify(Notice::new(
            now,
            Some(key),
            Level::Error,
            format!(
                "The browser refused to open a WebSocket to {}: {error}",
                self.url
            ),
        ));
        shared.set_status(key, Status::Failed);
    }

    pub fn on_close(
        &mut self,
        shared: &mut Shared,
        socket: SocketId,
        code: u16,
        reason: &str,
        now: Instant,
    ) {
        let Some(key) = self.current(socket) else {
            self.sockets.remove(&socket);
            return;
        };
        self.sockets.remove(&socket);
        let Some(client) = self.clients.get_mut(&key) else {
            return;
        };
        client.socket = None;
        let opened = client.opened;
        let was_connected = client.session.state() != ConnectionState::Disconnected;
        if was_connected {
            client.session.connection_lost(now);
            self.settle(shared, key, now);
        }
        let (title, details) = explain::socket_closed(code, reason, opened, &self.url);
        shared.notify(Notice::new(now, Some(key), Level::Error, title).with_details(details));
        shared.set_status(key, Status::Failed);
    }

    pub fn tick(&mut self, shared: &mut Shared, now: Instant) {
        let keys: Vec<ClientKey> = self.clients.keys().copied().collect();
        for key in keys {
            let Some(client) = self.clients.get_mut(&key) else {
                continue;
            };
            if client.socket.is_some() && !client.opened && now >= client.open_deadline {
                self.detach(shared, key);
                let (_, details) = explain::socket_closed(1006, "", false, &self.url);
                shared.notify(
                    Notice::new(
                        now,
                        Some(key),
                        Level::Error,
                        format!(
                            "The WebSocket to {} did not open within {} s.",
                            self.url,
                            OPEN_TIMEOUT_MS / 1000
                        ),
                    )
                    .with_details(details),
                );
                shared.set_status(key, Status::Failed);
                continue;
            }
            if client.session.poll_timeout().is_some_and(|at| at <= now) {
                client.session.handle_timeout(now);
                self.settle(shared, key, now);
            }
        }
    }

    /// Handles the session's events, then sends everything it has to send (as one frame), until
    /// quiet. Events first, so a packet that arrived is recorded before the packets it causes (PUBREC
    /// before our PUBREL); a close waits until what was polled before it has been sent.
    fn settle(&mut self, shared: &mut Shared, key: ClientKey, now: Instant) {
        for _ in 0..1_000 {
            let Some(client) = self.clients.get_mut(&key) else {
                return;
            };
            let mut moved = false;
            let mut closed = None;
            while let Some(event) = client.session.poll_event() {
                moved = true;
                if let Some(reason) = shared.client_event(key, event.at, event.kind, Source::Real) {
                    closed = Some(reason);
                }
            }
            let mut buf = Vec::new();
            while let Some(sent) = client.session.poll_transmit(now, &mut buf) {
                moved = true;
                let mut bytes = buf.get(sent.bytes.clone()).unwrap_or_default().to_vec();
                let mut redacted = false;
                if sent.packet_type == PacketType::Connect && client.password_len > 0 {
                    // The password is the CONNECT's last field: mask it, keeping the length.
                    let start = bytes.len().saturating_sub(client.password_len);
                    for byte in bytes.iter_mut().skip(start) {
                        *byte = b'*';
                    }
                    redacted = true;
                }
                shared.record_packet(
                    key,
                    Direction::Sent,
                    now,
                    sent.packet_type,
                    sent.packet_id,
                    sent.summary,
                    bytes,
                    None,
                    redacted,
                );
            }
            if !buf.is_empty() {
                if let Some(socket) = client.socket.filter(|_| client.opened) {
                    shared.io.push(Io::Send { socket, bytes: buf });
                }
                client.session.handle_written(now);
            }
            // The session is done with this connection (the broker refused us, a timer expired, our
            // DISCONNECT went out): close the socket. A lost connection has no socket left to close.
            if closed.is_some_and(|reason| reason != CloseReason::ConnectionLost) {
                self.detach(shared, key);
            }
            if !moved {
                return;
            }
        }
    }
}
