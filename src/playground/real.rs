//! The real-broker backend: one mqtt-core session per client, each over its own WebSocket.
//!
//! Frames go straight into the session's streaming decoder (packets split or joined across frames are
//! its business). After every input the session is polled until quiet: every packet it has to send is
//! appended to one buffer and sent as one binary frame, so a burst of acknowledgements costs one
//! `ws.send`, and the JS↔wasm boundary is crossed once per frame each way.
//!
//! **Hold mode** (the page is paused) walks a handshake on a real broker packet by packet:
//!
//! * our packets are polled from the session one at a time and wait in a per-client queue until the
//!   user sends (`RealBackend::send_held`) or drops (`RealBackend::drop_held`) them; only then are
//!   they written and `handle_written` called, so keep alive counts real silence;
//! * the broker's bytes are split into whole packets (`frame_len`) and wait in a per-client inbox,
//!   never lost, until revealed one at a time (`RealBackend::reveal`); a close waits behind them;
//! * PINGREQ/PINGRESP are never held (holding can't get us dropped), and neither are CONNECT, CONNACK
//!   and DISCONNECT (the connection's own setup and teardown).
//!
//! Stepping back shows the recorded history, with the sessions' state snapshotted as it changed: a real
//! broker cannot un-send anything.

use std::collections::VecDeque;
use std::rc::Rc;

use mqtt_core::client::{ClientOptions, ClientSession, CloseReason, ConnectionState, EventKind};
use mqtt_core::codec::{self, PacketType, ReasonCode};
use mqtt_core::message::Message;
use mqtt_core::Instant;

use super::config::{ClientConfig, SubscribeRequest};
use super::explain;
use super::model::{ClientKey, Direction, Level, MarkKind, Notice, PacketRecord, Status};
use super::panels::{client_panel, client_panel_after, ClientPanel, Panels};
use super::ring::Ring;
use super::vec_map::VecMap;
use super::workspace::{Io, Playhead, Shared, SocketId};

/// A packet of ours waiting in hold mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// Order among everything waiting (ours and the broker's).
    pub seq: u64,
    /// Type.
    pub packet_type: PacketType,
    /// Packet identifier.
    pub packet_id: Option<u16>,
    /// The bytes (a password masked).
    pub bytes: Vec<u8>,
    /// Whether bytes were masked.
    pub redacted: bool,
    /// When it was held.
    pub since: Instant,
}

/// Something from the broker waiting to be revealed in hold mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbox {
    /// A whole packet.
    Packet {
        /// Order among everything waiting.
        seq: u64,
        /// Type.
        packet_type: PacketType,
        /// Packet identifier.
        packet_id: Option<u16>,
        /// Its bytes.
        bytes: Vec<u8>,
        /// When its frame arrived.
        at: Instant,
    },
    /// The connection closed after the packets before it.
    Closed {
        /// Order among everything waiting.
        seq: u64,
        /// Close code.
        code: u16,
        /// Close reason.
        reason: String,
    },
}

impl Inbox {
    fn seq(&self) -> u64 {
        match self {
            Inbox::Packet { seq, .. } | Inbox::Closed { seq, .. } => *seq,
        }
    }
}

/// What the page shows of a client's hold queues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldView {
    /// Whose.
    pub key: ClientKey,
    /// Our packets waiting to be sent, oldest first: type, id, summary.
    pub held: Vec<(PacketType, Option<u16>, String)>,
    /// The broker's packets waiting to be revealed: type and id, oldest first.
    pub inbox: Vec<(PacketType, Option<u16>)>,
    /// The connection closed behind the inbox.
    pub closing: bool,
    /// The broker's keep alive, when we have been quiet for more than half of it: seconds silent
    /// and the broker's limit (1.5 × keep alive).
    pub keep_alive: Option<(u64, u64)>,
    /// Seconds until our next PINGREQ (never held).
    pub ping_in: Option<u64>,
}

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
    /// Hold mode: our packets waiting for "send".
    held: VecDeque<Held>,
    /// Hold mode: the broker's packets (and a close) waiting to be revealed.
    inbox: VecDeque<Inbox>,
    /// Hold mode: the bytes of a packet that has not fully arrived.
    partial: Vec<u8>,
    /// When we last really wrote something.
    last_write: Instant,
    /// When the CONNECT went out, for the first latency estimate (CONNECT→CONNACK is a round trip).
    connect_written: Option<Instant>,
    /// Hold mode: when the packet being revealed to the session arrived (its events happen when it
    /// is revealed). Otherwise a packet arrived when the session got it: its event's time.
    revealed_from: Option<Instant>,
    /// The latest state snapshot, to record only changes.
    last_panel: Option<Rc<ClientPanel>>,
}

#[derive(Debug)]
pub(crate) struct RealBackend {
    url: String,
    clients: VecMap<ClientKey, RealClient>,
    sockets: VecMap<SocketId, ClientKey>,
    next_socket: SocketId,
    /// Paused: hold mode.
    hold: bool,
    /// Orders everything held.
    seq: u64,
    /// Shown steps when looking back (`None`: the present).
    cursor: Option<u64>,
    /// Diagram steps before this backend's first.
    first_step: u64,
    /// Session state snapshots: (step, client, state) whenever a client's state changed.
    snapshots: Ring<(u64, ClientKey, Rc<ClientPanel>)>,
    /// Faults on our own packets: drop the next one of this type from this client.
    drops: Vec<(ClientKey, PacketType)>,
}

/// Snapshots kept at most.
const MAX_SNAPSHOTS: usize = 200_000;

/// Records a packet of ours that went out (or, with `lost`, never did) at `now`.
fn record_ours(
    shared: &mut Shared,
    key: ClientKey,
    packet: Held,
    latency: u64,
    lost: Option<&'static str>,
    now: Instant,
) {
    let mut record = PacketRecord::new(
        key,
        Direction::Sent,
        now,
        packet.packet_type,
        packet.packet_id,
        // Summarized from the bytes when shown.
        String::new(),
        packet.bytes,
    );
    record.redacted = packet.redacted;
    record.lost = lost;
    record.far_at = lost.is_none().then_some(now + latency);
    shared.record_packet(record, now);
}

impl RealBackend {
    pub fn new(url: &str, shared: &Shared) -> Self {
        RealBackend {
            url: url.to_string(),
            clients: VecMap::default(),
            sockets: VecMap::default(),
            next_socket: 1,
            hold: false,
            seq: 0,
            cursor: None,
            first_step: shared.steps(),
            snapshots: Ring::new(MAX_SNAPSHOTS),
            drops: Vec::new(),
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
        // Packets are summarized from their bytes when shown (`PacketRecord::summary_in`), not as
        // they come: a flood brings tens of thousands a second.
        let options = ClientOptions {
            describe_packets: false,
            ..config.options()
        };
        let session = ClientSession::new(options).map_err(|error| error.to_string())?;
        self.clients.insert(
            key,
            RealClient {
                session,
                password_len: config.password.as_ref().map_or(0, String::len),
                socket: None,
                opened: false,
                open_deadline: 0,
                held: VecDeque::new(),
                inbox: VecDeque::new(),
                partial: Vec::new(),
                last_write: now,
                connect_written: None,
                revealed_from: None,
                last_panel: None,
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
    fn detach(&mut self, shared: &mut Shared, key: ClientKey, now: Instant) {
        if let Some(socket) = self.clients.get_mut(&key).and_then(|c| c.socket.take()) {
            self.sockets.remove(&socket);
            shared.io.push(Io::Close { socket });
        }
        self.forget_held(shared, key, now);
    }

    /// The connection is gone: what we held was never sent (recorded as lost, our doing), and the
    /// broker's packets still waiting went with it.
    fn forget_held(&mut self, shared: &mut Shared, key: ClientKey, now: Instant) {
        let Some(client) = self.clients.get_mut(&key) else {
            return;
        };
        client.inbox.clear();
        client.partial.clear();
        let held: Vec<Held> = client.held.drain(..).collect();
        for packet in held {
            let lost = Some("never sent: the connection closed while it was held");
            record_ours(shared, key, packet, 0, lost, now);
        }
    }

    pub fn close_all(&mut self, shared: &mut Shared, now: Instant) {
        let keys: Vec<ClientKey> = self.clients.keys().copied().collect();
        for key in keys {
            self.detach(shared, key, now);
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
            self.detach(shared, key, now);
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
        self.detach(shared, key, now);
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
        self.detach(shared, key, now);
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

    /// One frame, on its own: what [`RealBackend::on_frames`] does in hold mode and while a packet is
    /// split across frames.
    fn on_frame(&mut self, shared: &mut Shared, socket: SocketId, bytes: &[u8], now: Instant) {
        let Some(key) = self.current(socket) else {
            return;
        };
        let hold = self.hold;
        let Some(client) = self.clients.get_mut(&key) else {
            return;
        };
        if !hold && client.partial.is_empty() {
            client.session.handle_bytes(bytes, now);
            self.settle(shared, key, now);
            return;
        }
        // Holding: whole packets wait in the inbox; PINGRESP and CONNACK go through.
        client.partial.extend_from_slice(bytes);
        let version = client.session.version();
        let mut through: Vec<Vec<u8>> = Vec::new();
        while !client.partial.is_empty() {
            let len = match codec::frame_len(&client.partial, version) {
                Ok(Some(len)) if len <= client.partial.len() => len,
                Ok(_) => break,
                // Malformed: the session says what is wrong and closes.
                Err(_) => client.partial.len(),
            };
            let packet: Vec<u8> = client.partial.drain(..len).collect();
            let decoded = codec::decode(&packet, version)
                .ok()
                .flatten()
                .map(|(p, _)| (p.packet_type(), p.packet_id()));
            match decoded {
                Some((packet_type, packet_id))
                    if hold
                        && !matches!(packet_type, PacketType::PingResp | PacketType::ConnAck) =>
                {
                    self.seq += 1;
                    client.inbox.push_back(Inbox::Packet {
                        seq: self.seq,
                        packet_type,
                        packet_id,
                        bytes: packet,
                        at: now,
                    });
                    shared.changed();
                }
                _ => through.push(packet),
            }
        }
        if !hold && !client.partial.is_empty() {
            through.push(std::mem::take(&mut client.partial));
        }
        for packet in through {
            let Some(client) = self
                .clients
                .get_mut(&key)
                .filter(|c| c.socket == Some(socket))
            else {
                return;
            };
            client.session.handle_bytes(&packet, now);
            self.settle(shared, key, now);
        }
    }

    /// Frames that arrived together, each with its time: fed to the session one after the other, and
    /// settled once. The session then answers them all at once, in one send, as they leave; the
    /// history shows them so, every packet received before the acknowledgements it caused. Hold
    /// mode and a packet split across frames go frame by frame ([`RealBackend::on_frame`]).
    pub fn on_frames<'a>(
        &mut self,
        shared: &mut Shared,
        socket: SocketId,
        frames: impl IntoIterator<Item = (&'a [u8], Instant)>,
    ) {
        let hold = self.hold;
        let Some(key) = self.current(socket) else {
            return;
        };
        let frames = frames.into_iter();
        let Some(client) = self.clients.get_mut(&key) else {
            return;
        };
        if hold || !client.partial.is_empty() {
            for (bytes, at) in frames {
                self.on_frame(shared, socket, bytes, at);
            }
            return;
        }
        let mut last = None;
        for (bytes, at) in frames {
            // A session that closed (a malformed packet) ignores what follows.
            client.session.handle_bytes(bytes, at);
            last = Some(at);
        }
        if let Some(now) = last {
            self.settle(shared, key, now);
        }
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
        self.detach(shared, key, now);
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
        let hold = self.hold;
        let Some(client) = self.clients.get_mut(&key) else {
            return;
        };
        if hold
            && client
                .inbox
                .iter()
                .any(|item| matches!(item, Inbox::Packet { .. }))
        {
            // The broker's last packets are revealed first; the close waits behind them.
            self.seq += 1;
            client.inbox.push_back(Inbox::Closed {
                seq: self.seq,
                code,
                reason: reason.to_string(),
            });
            shared.changed();
            return;
        }
        self.closed(shared, key, code, reason, now);
    }

    /// The socket of `key` closed (now, or revealed after the packets before it).
    fn closed(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        code: u16,
        reason: &str,
        now: Instant,
    ) {
        if let Some(socket) = self.clients.get_mut(&key).and_then(|c| c.socket.take()) {
            self.sockets.remove(&socket);
        }
        self.forget_held(shared, key, now);
        let Some(client) = self.clients.get_mut(&key) else {
            return;
        };
        let opened = client.opened;
        let was_connected = client.session.state() != ConnectionState::Disconnected;
        if was_connected {
            client.session.connection_lost(now);
            self.settle(shared, key, now);
        }
        if opened {
            shared.mark(now, Some(key), MarkKind::Closed("the connection closed"));
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
                self.detach(shared, key, now);
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
    /// before our PUBREL); a close waits until what was polled before it has been sent. In hold mode
    /// our packets wait in the queue instead (all but PINGREQ, CONNECT and DISCONNECT).
    fn settle(&mut self, shared: &mut Shared, key: ClientKey, now: Instant) {
        let mut scratch = Vec::new();
        for _ in 0..1_000 {
            let hold = self.hold;
            let Some(client) = self.clients.get_mut(&key) else {
                return;
            };
            let latency = shared
                .clients
                .iter()
                .find(|e| e.key == key)
                .and_then(|e| e.latency_ms)
                .unwrap_or(0);
            let mut moved = false;
            let mut closed = None;
            while let Some(event) = client.session.poll_event() {
                moved = true;
                match event.kind {
                    EventKind::PacketReceived(received) => {
                        let arrived = client.revealed_from.unwrap_or(event.at);
                        let mut record = PacketRecord::new(
                            key,
                            Direction::Received,
                            arrived,
                            received.packet_type,
                            received.packet_id,
                            // Empty: the session does not describe packets here.
                            received.summary,
                            received.bytes,
                        );
                        record.arrived_at = Some(event.at);
                        record.far_at = Some(arrived.saturating_sub(latency));
                        shared.record_packet(record, event.at);
                    }
                    kind => {
                        if let (EventKind::Connected { .. }, Some(written)) =
                            (&kind, client.connect_written.take())
                        {
                            // CONNECT→CONNACK is a round trip: the first latency estimate.
                            if let Some(entry) = shared.entry(key) {
                                entry.latency_ms = Some(event.at.saturating_sub(written) / 2);
                            }
                        }
                        if let Some(reason) = shared.client_event(key, event.at, kind) {
                            closed = Some(reason);
                        }
                    }
                }
            }
            let mut out = Vec::new();
            while let Some(sent) = client.session.poll_transmit(now, &mut scratch) {
                moved = true;
                let bytes = scratch.get(sent.bytes.clone()).unwrap_or_default().to_vec();
                scratch.clear();
                let redacted = false;
                if sent.packet_type == PacketType::Connect {
                    // Never held, so it is written now, in full; the record masks the password.
                    client.connect_written = Some(now);
                    if client.password_len > 0 {
                        out.extend_from_slice(&bytes);
                        let mut masked = bytes;
                        // The password is the CONNECT's last field: mask it, keeping the length.
                        let start = masked.len().saturating_sub(client.password_len);
                        for byte in masked.iter_mut().skip(start) {
                            *byte = b'*';
                        }
                        let packet = Held {
                            seq: 0,
                            packet_type: sent.packet_type,
                            packet_id: sent.packet_id,
                            bytes: masked,
                            redacted: true,
                            since: now,
                        };
                        record_ours(shared, key, packet, latency, None, now);
                        continue;
                    }
                }
                let packet = Held {
                    seq: 0,
                    packet_type: sent.packet_type,
                    packet_id: sent.packet_id,
                    bytes: Vec::new(),
                    redacted,
                    since: now,
                };
                if let Some(at) = self
                    .drops
                    .iter()
                    .position(|&(k, t)| k == key && t == sent.packet_type)
                {
                    // Our own fault: it never goes out, though the session believes it did.
                    self.drops.remove(at);
                    let packet = Held { bytes, ..packet };
                    record_ours(
                        shared,
                        key,
                        packet,
                        0,
                        Some("dropped by you: never sent"),
                        now,
                    );
                    continue;
                }
                let bypass = matches!(
                    sent.packet_type,
                    PacketType::PingReq | PacketType::Connect | PacketType::Disconnect
                );
                if hold && !bypass {
                    self.seq += 1;
                    client.held.push_back(Held {
                        seq: self.seq,
                        bytes,
                        ..packet
                    });
                    shared.changed();
                    continue;
                }
                out.extend_from_slice(&bytes);
                let packet = Held { bytes, ..packet };
                record_ours(shared, key, packet, latency, None, now);
            }
            if !out.is_empty() {
                if let Some(socket) = client.socket.filter(|_| client.opened) {
                    shared.io.push(Io::Send { socket, bytes: out });
                }
                client.session.handle_written(now);
                client.last_write = now;
            }
            // The session is done with this connection (the broker refused us, a timer expired, our
            // DISCONNECT went out): close the socket. A lost connection has no socket left to close.
            if closed.is_some_and(|reason| reason != CloseReason::ConnectionLost) {
                self.detach(shared, key, now);
            }
            if !moved {
                self.snapshot(shared, key);
                return;
            }
        }
    }

    /// Records the client's session state if it changed since the last snapshot.
    fn snapshot(&mut self, shared: &Shared, key: ClientKey) {
        let Some(client) = self.clients.get_mut(&key) else {
            return;
        };
        let last = client.last_panel.as_deref();
        if last.is_some_and(|last| last.shows(key, &client.session, false)) {
            return;
        }
        let panel = Rc::new(client_panel_after(last, key, &client.session, false));
        client.last_panel = Some(panel.clone());
        self.snapshots.push((shared.steps(), key, panel));
    }

    // --- Hold mode and the cursor -----------------------------------------------------------------

    /// Pause (hold everything from now on) or play (send and reveal everything waiting, in order, and
    /// go live).
    pub fn set_hold(&mut self, shared: &mut Shared, hold: bool, now: Instant) {
        self.hold = hold;
        shared.compact = hold;
        if !hold {
            self.cursor = None;
            while self.next_waiting().is_some() {
                if self.step_waiting(shared, now).is_err() {
                    break;
                }
            }
        }
        shared.changed();
    }

    /// The client whose waiting item is the oldest, and whether it is ours (held) or the broker's.
    fn next_waiting(&self) -> Option<(ClientKey, bool)> {
        self.clients
            .iter()
            .flat_map(|(&key, c)| {
                let ours = c.held.front().map(|h| (h.seq, key, true));
                let theirs = c.inbox.front().map(|i| (i.seq(), key, false));
                ours.into_iter().chain(theirs)
            })
            .min()
            .map(|(_, key, ours)| (key, ours))
    }

    /// Sends or reveals the oldest thing waiting.
    fn step_waiting(&mut self, shared: &mut Shared, now: Instant) -> Result<(), String> {
        match self.next_waiting() {
            Some((key, true)) => self.send_held(shared, key, now),
            Some((key, false)) => self.reveal(shared, key, now),
            None => Err("Nothing is waiting: publish or subscribe, then step.".into()),
        }
    }

    /// Writes `key`'s oldest held packet.
    pub fn send_held(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        now: Instant,
    ) -> Result<(), String> {
        let latency = shared
            .clients
            .iter()
            .find(|e| e.key == key)
            .and_then(|e| e.latency_ms)
            .unwrap_or(0);
        let client = self.clients.get_mut(&key).ok_or("unknown client")?;
        let packet = client
            .held
            .pop_front()
            .ok_or("Nothing is held for this client.")?;
        if let Some(socket) = client.socket.filter(|_| client.opened) {
            shared.io.push(Io::Send {
                socket,
                bytes: packet.bytes.clone(),
            });
        }
        client.session.handle_written(now);
        client.last_write = now;
        record_ours(shared, key, packet, latency, None, now);
        self.cursor = None;
        self.settle(shared, key, now);
        Ok(())
    }

    /// Discards `key`'s oldest held packet: it is never sent (the session believes it was).
    pub fn drop_held(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        now: Instant,
    ) -> Result<(), String> {
        let client = self.clients.get_mut(&key).ok_or("unknown client")?;
        let packet = client
            .held
            .pop_front()
            .ok_or("Nothing is held for this client.")?;
        record_ours(
            shared,
            key,
            packet,
            0,
            Some("dropped by you: never sent"),
            now,
        );
        self.cursor = None;
        Ok(())
    }

    /// Hands `key`'s oldest waiting packet from the broker to its session (or the close behind them).
    pub fn reveal(
        &mut self,
        shared: &mut Shared,
        key: ClientKey,
        now: Instant,
    ) -> Result<(), String> {
        let client = self.clients.get_mut(&key).ok_or("unknown client")?;
        let item = client
            .inbox
            .pop_front()
            .ok_or("Nothing is waiting for this client.")?;
        self.cursor = None;
        match item {
            Inbox::Packet { bytes, at, .. } => {
                client.revealed_from = Some(at);
                client.session.handle_bytes(&bytes, now);
                self.settle(shared, key, now);
                if let Some(client) = self.clients.get_mut(&key) {
                    client.revealed_from = None;
                }
            }
            Inbox::Closed { code, reason, .. } => self.closed(shared, key, code, &reason, now),
        }
        Ok(())
    }

    /// Turns `key`'s teaching retry on or off.
    pub fn set_teaching_retry(&mut self, key: ClientKey, retry_ms: Option<u64>) {
        if let Some(client) = self.clients.get_mut(&key) {
            client.session.set_teaching_retry(retry_ms);
        }
    }

    /// Drops the next packet of `packet` type that `key` sends (our own fault).
    pub fn drop_next(&mut self, key: ClientKey, packet: PacketType) {
        self.drops.push((key, packet));
    }

    /// Armed drops, in words.
    pub fn armed(&self, name: &dyn Fn(ClientKey) -> String) -> Vec<String> {
        self.drops
            .iter()
            .map(|&(key, packet)| format!("drop the next {} from {}", packet.name(), name(key)))
            .collect()
    }

    /// Each client's queues, for the hold panel (clients with nothing waiting are left out).
    pub fn holds(&self, now: Instant) -> Vec<HoldView> {
        self.clients
            .iter()
            .filter_map(|(&key, c)| {
                let keep_alive = u64::from(c.session.options().keep_alive) * 1000;
                let silent = now.saturating_sub(c.last_write);
                let connected = c.session.state() == ConnectionState::Connected;
                let warn = connected && keep_alive > 0 && silent * 2 >= keep_alive;
                let waiting = !c.held.is_empty() || !c.inbox.is_empty();
                (waiting || warn && self.hold).then(|| HoldView {
                    key,
                    held: c
                        .held
                        .iter()
                        .map(|h| {
                            let version = c.session.options().version;
                            (
                                h.packet_type,
                                h.packet_id,
                                codec::summarize(&h.bytes, version),
                            )
                        })
                        .collect(),
                    inbox: c
                        .inbox
                        .iter()
                        .filter_map(|i| match i {
                            Inbox::Packet {
                                packet_type,
                                packet_id,
                                ..
                            } => Some((*packet_type, *packet_id)),
                            Inbox::Closed { .. } => None,
                        })
                        .collect(),
                    closing: c.inbox.iter().any(|i| matches!(i, Inbox::Closed { .. })),
                    keep_alive: warn.then_some((silent / 1000, keep_alive * 3 / 2000)),
                    ping_in: c
                        .session
                        .poll_timeout()
                        .filter(|_| connected)
                        .map(|at| at.saturating_sub(now) / 1000),
                })
            })
            .collect()
    }

    /// One step forward: in the recorded past, the next recorded step; in the present (paused), the
    /// oldest packet waiting is sent or revealed.
    pub fn step_forward(&mut self, shared: &mut Shared, now: Instant) -> Result<(), String> {
        if let Some(cursor) = self.cursor {
            let next = cursor + 1;
            self.cursor = (next < shared.steps()).then_some(next);
            shared.changed();
            return Ok(());
        }
        self.hold = true;
        shared.compact = true;
        self.step_waiting(shared, now)
    }

    /// One step back in the recorded history (nothing is un-sent).
    pub fn step_back(&mut self, shared: &mut Shared) {
        let cursor = self.cursor.unwrap_or(shared.steps());
        self.cursor = Some(cursor.saturating_sub(1).max(self.first_step));
        self.hold = true;
        shared.compact = true;
        shared.changed();
    }

    /// Shows the history up to step `step` (the present when it is the last).
    pub fn seek(&mut self, shared: &mut Shared, step: u64) {
        let step = step.max(self.first_step);
        self.cursor = (step < shared.steps()).then_some(step);
        if self.cursor.is_some() {
            self.hold = true;
            shared.compact = true;
        }
        shared.changed();
    }

    /// Where the playhead is.
    pub fn playhead(&self, shared: &Shared, now: Instant) -> Playhead {
        let head = shared.steps();
        let cursor = self.cursor.unwrap_or(head);
        let time = match self.cursor {
            Some(c) => c
                .checked_sub(1)
                .and_then(|i| shared.history.beats.get(i))
                .map_or(now, |b| b.at),
            None => now,
        };
        Playhead {
            first: self.first_step,
            cursor,
            head,
            time: time as f64,
            playing: !self.hold,
            speed: 1.0,
            simulated: false,
        }
    }

    /// The sessions' state at the cursor: live in the present, else the snapshots taken then.
    pub fn panels(&self, shared: &Shared) -> Panels {
        let clients = shared
            .clients
            .iter()
            .filter_map(|entry| {
                let key = entry.key;
                match self.cursor {
                    None => {
                        let client = self.clients.get(&key)?;
                        Some(Rc::new(client_panel(key, &client.session, false)))
                    }
                    Some(cursor) => {
                        let end = self
                            .snapshots
                            .partition_point(|(step, _, _)| *step <= cursor);
                        let from = end.saturating_sub(self.snapshots.len() as u64);
                        (from..end)
                            .rev()
                            .filter_map(|i| self.snapshots.get(i))
                            .find(|(_, k, _)| *k == key)
                            .map(|(_, _, panel)| panel.clone())
                    }
                }
            })
            .collect();
        Panels {
            clients,
            broker: None,
        }
    }
}
