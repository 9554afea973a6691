//! The client: mqtt-core's session driven over a [`Connect`]ed stream and a [`Clock`].

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use embedded_io_async::{Read, Write};
use mqtt_core::client::{
    ClientSession, CloseReason, ConnectionState, EventKind, OutboundState, SubscribeResult,
};
use mqtt_core::codec::{PacketType, ReasonCode, SubscriptionOptions};
use mqtt_core::message::Message;
use mqtt_core::sorted::SortedMap;
use mqtt_core::{Instant, QoS};

use crate::config::{Config, Reconnect};
use crate::error::Error;
use crate::notice::{CloseText, Notice};
use crate::select::{select, Either};
use crate::trace::{self, Direction};
use crate::{Clock, Connect};

/// Refusals remembered for `wait_published`.
const REFUSALS_KEPT: usize = 64;
/// Bytes coalesced into one write.
const WRITE_CHUNK: usize = 2048;

/// Counters, for logs and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Connections accepted by CONNACK.
    pub connections: u32,
    /// Packets written.
    pub packets_sent: u32,
    /// Packets received.
    pub packets_received: u32,
    /// PINGREQ written.
    pub pings_sent: u32,
    /// PINGRESP received.
    pub pongs_received: u32,
    /// PUBLISH written again with DUP=1 (after a reconnect).
    pub resent_publishes: u32,
    /// Whether the last CONNACK resumed a session.
    pub last_session_present: bool,
    /// Trace records published.
    pub trace_records: u32,
}

type Observer = Box<dyn FnMut(&Notice<'_>)>;

/// An MQTT client over a [`Connect`]or and a [`Clock`]. See the [crate documentation](crate).
pub struct Client<C: Connect, K: Clock> {
    session: ClientSession,
    connector: C,
    clock: K,
    reconnect: Reconnect,
    conn: Option<C::Connection>,
    read_buf: Vec<u8>,
    write_buf: Vec<u8>,
    /// Messages received and not yet taken by `recv`.
    inbox: VecDeque<Message>,
    /// QoS 1/2 messages a 5.0 broker refused: packet id → reason code and name (the most recent
    /// ones, for `wait_published`).
    refused: SortedMap<u16, (u8, &'static str)>,
    /// QoS of our QoS 1/2 messages in flight, by packet id (for notices).
    qos_of: SortedMap<u16, QoS>,
    /// Packet ids that changed because the broker lost our session and we published again.
    renumbered: SortedMap<u16, u16>,
    /// SUBACK results by SUBSCRIBE packet id, until `subscribe` takes them.
    subacks: SortedMap<u16, Vec<SubscribeResult>>,
    /// SUBSCRIBEs we made again ourselves; nobody waits for their SUBACK.
    resubscribes: Vec<u16>,
    /// Our subscriptions, to make again if the broker forgets them.
    subscriptions: Vec<(String, QoS)>,
    /// In-flight packet ids when the current connection started (to map a lost session's messages).
    outbound_at_connect: Vec<u16>,
    /// Whether the owner wants a connection (`connect` until `disconnect`).
    want_connected: bool,
    /// Consecutive failures to get a connection accepted.
    failures: u32,
    /// No try before this time (backoff).
    next_try_at: Option<Instant>,
    last_failure: String,
    fatal: Option<Error>,
    stats: Stats,
    /// Streams opened so far: the connection number in trace records.
    links: u32,
    observer: Option<Observer>,
    trace: Option<Tracer>,
}

/// The trace's state: its topic and how much of each packet goes in.
struct Tracer {
    topic: String,
    max_bytes: usize,
}

impl<C: Connect, K: Clock> Client<C, K> {
    /// A client with `config`, not connected yet. Fails if the options can never make a valid
    /// CONNECT (a will topic with wildcards, ...).
    pub fn new(config: Config, connector: C, clock: K) -> Result<Self, Error> {
        let trace = (cfg!(feature = "trace") && config.trace).then(|| Tracer {
            topic: trace::trace_topic(&config.options.client_id),
            max_bytes: config.trace_max_bytes,
        });
        Ok(Client {
            session: ClientSession::new(config.options)?,
            connector,
            clock,
            reconnect: config.reconnect,
            conn: None,
            read_buf: vec![0; config.read_buffer.max(16)],
            write_buf: Vec::new(),
            inbox: VecDeque::new(),
            refused: SortedMap::new(),
            qos_of: SortedMap::new(),
            renumbered: SortedMap::new(),
            subacks: SortedMap::new(),
            resubscribes: Vec::new(),
            subscriptions: Vec::new(),
            outbound_at_connect: Vec::new(),
            want_connected: false,
            failures: 0,
            next_try_at: None,
            last_failure: String::new(),
            fatal: None,
            stats: Stats::default(),
            links: 0,
            observer: None,
            trace,
        })
    }

    /// Calls `observer` with every [`Notice`] (CONNACK, acknowledgements, reconnects, ...): hook a
    /// serial log here.
    pub fn set_observer(&mut self, observer: impl FnMut(&Notice<'_>) + 'static) {
        self.observer = Some(Box::new(observer));
    }

    /// Connects (CONNECT, then waits for CONNACK), retrying with backoff as the [`Reconnect`] policy
    /// says. Returns whether the broker resumed our session. From now on the client reconnects by
    /// itself whenever the link is lost, until [`Client::disconnect`].
    pub async fn connect(&mut self) -> Result<bool, Error> {
        self.want_connected = true;
        if self.is_connected() {
            return Ok(self.stats.last_session_present);
        }
        let connections = self.stats.connections;
        self.drive(None, |client| {
            (client.session.state() == ConnectionState::Connected
                && client.stats.connections > connections)
                .then_some(client.stats.last_session_present)
        })
        .await
        .map(|present| present.unwrap_or(false))
    }

    /// Publishes a message and waits until it is done: QoS 0 once written, QoS 1 at PUBACK, QoS 2 at
    /// PUBCOMP — across reconnects (an unacknowledged message is sent again with DUP=1).
    pub async fn publish(
        &mut self,
        topic: &str,
        payload: &[u8],
        qos: QoS,
        retain: bool,
    ) -> Result<(), Error> {
        match self.publish_nowait(topic, payload, qos, retain).await? {
            Some(packet_id) => self.wait_published(packet_id).await,
            None => {
                let trace_topic = self.trace.as_ref().map(|t| t.topic.clone());
                self.drive(None, move |client| {
                    let unsent = client.session.pending().any(|(id, message)| {
                        id.is_none() && Some(message.topic()) != trace_topic.as_deref()
                    });
                    (!unsent).then_some(())
                })
                .await
                .map(|_| ())
            }
        }
    }

    /// Queues a message and sends what can be sent now, without waiting for its acknowledgement;
    /// returns its packet id (QoS 1/2) for [`Client::wait_published`]. At most the session's send
    /// window (20 by default) are in flight at once; the rest wait their turn.
    pub async fn publish_nowait(
        &mut self,
        topic: &str,
        payload: &[u8],
        qos: QoS,
        retain: bool,
    ) -> Result<Option<u16>, Error> {
        if !self.want_connected {
            return Err(Error::NotConnected);
        }
        let message = Message::new(topic, payload, qos, retain).map_err(|violation| {
            mqtt_core::client::UsageError::topic(violation, self.session.version())
        })?;
        let packet_id = self.session.publish(message)?;
        if let Some(id) = packet_id {
            self.qos_of.insert(id, qos);
        }
        if self.session.state() == ConnectionState::Connected {
            self.flush().await;
            self.process_events();
        }
        Ok(packet_id)
    }

    /// Waits until the QoS 1/2 message `packet_id` (from [`Client::publish_nowait`]) has completed
    /// its handshake. Returns at once if it already has.
    pub async fn wait_published(&mut self, packet_id: u16) -> Result<(), Error> {
        self.drive(None, |client| {
            let id = client.current_id(packet_id);
            let session = &client.session;
            let in_flight = session.outbound().iter().any(|m| m.packet_id == id)
                || session.pending().any(|(pending, _)| pending == Some(id));
            if in_flight {
                return None;
            }
            Some(match client.refused.remove(&id) {
                None => Ok(()),
                Some((code, name)) => Err(Error::PublishRefused {
                    packet_id: id,
                    code,
                    name,
                }),
            })
        })
        .await?
        .unwrap_or(Ok(()))
    }

    /// Waits until nothing is in flight either way and nothing is queued (every QoS 1/2 message of
    /// ours acknowledged), or until `deadline`. Returns whether it got there.
    pub async fn wait_idle(&mut self, deadline: Option<Instant>) -> Result<bool, Error> {
        let done = self
            .drive(deadline, |client| {
                client.session.is_quiescent().then_some(())
            })
            .await?;
        Ok(done.is_some())
    }

    /// Subscribes to `filter` and waits for SUBACK; returns the QoS the broker granted. The
    /// subscription is made again if the broker ever comes back without our session.
    pub async fn subscribe(&mut self, filter: &str, qos: QoS) -> Result<QoS, Error> {
        if !self.want_connected {
            return Err(Error::NotConnected);
        }
        let packet_id = self.session.subscribe(
            vec![(filter.to_string(), SubscriptionOptions::qos(qos))],
            None,
        )?;
        self.subscriptions.retain(|(known, _)| known != filter);
        self.subscriptions.push((filter.to_string(), qos));
        let results = self
            .drive(None, |client| client.subacks.remove(&packet_id))
            .await?
            .unwrap_or_default();
        match results.first().map(|result| result.granted) {
            Some(Ok(granted)) => Ok(granted),
            Some(Err(code)) => {
                self.subscriptions.retain(|(known, _)| known != filter);
                Err(Error::SubscribeRefused {
                    filter: filter.to_string(),
                    code: code.0,
                })
            }
            None => Err(Error::SubscribeRefused {
                filter: filter.to_string(),
                code: 0x80,
            }),
        }
    }

    /// The next message for us, waiting as long as it takes (keeping the connection alive and
    /// reconnecting meanwhile).
    pub async fn recv(&mut self) -> Result<Message, Error> {
        loop {
            if let Some(message) = self.recv_until(None).await? {
                return Ok(message);
            }
        }
    }

    /// The next message, or `None` once `deadline` (the [`Clock`]'s milliseconds) has come. This is
    /// how a device idles: the connection is kept alive (PINGREQ) and restored meanwhile.
    pub async fn recv_until(
        &mut self,
        deadline: Option<Instant>,
    ) -> Result<Option<Message>, Error> {
        self.drive(deadline, |client| client.inbox.pop_front())
            .await
    }

    /// A message already received, without waiting or doing any I/O (like umqtt's `check_msg`
    /// after the fact: messages arrive while any other call runs).
    pub fn try_recv(&mut self) -> Option<Message> {
        self.inbox.pop_front()
    }

    /// Sends DISCONNECT (after whatever is queued) and closes the connection. The session's state is
    /// kept: a later [`Client::connect`] resumes it.
    pub async fn disconnect(&mut self) -> Result<(), Error> {
        self.want_connected = false;
        if self.conn.is_some() {
            let now = self.clock.now();
            self.session.disconnect(now, ReasonCode::SUCCESS);
            self.flush().await;
            if let Some(mut conn) = self.conn.take() {
                let _ = conn.flush().await;
            }
            self.session.connection_lost(self.clock.now());
            self.process_events();
        }
        Ok(())
    }

    /// The clock's time, in milliseconds.
    pub fn now(&self) -> Instant {
        self.clock.now()
    }

    /// Whether a connection is up (CONNACK received and not lost since).
    pub fn is_connected(&self) -> bool {
        self.session.state() == ConnectionState::Connected
    }

    /// The protocol session, read-only: in-flight messages, subscriptions, limits, ...
    pub fn session(&self) -> &ClientSession {
        &self.session
    }

    /// Counters.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The trace topic, if tracing is on.
    pub fn trace_topic(&self) -> Option<&str> {
        self.trace.as_ref().map(|t| t.topic.as_str())
    }

    // --- The engine ------------------------------------------------------------------------------

    /// Runs the connection until `done` says so or `deadline` passes (`Ok(None)`): sends what is
    /// queued, reads and acts on what arrives, fires timers, and reconnects after a loss.
    async fn drive<T>(
        &mut self,
        deadline: Option<Instant>,
        mut done: impl FnMut(&mut Self) -> Option<T>,
    ) -> Result<Option<T>, Error> {
        loop {
            self.process_events();
            self.flush().await;
            self.process_events();
            if let Some(error) = self.fatal.take() {
                return Err(error);
            }
            if let Some(value) = done(self) {
                return Ok(Some(value));
            }
            if deadline.is_some_and(|deadline| self.clock.now() >= deadline) {
                return Ok(None);
            }
            if self.conn.is_none() {
                if !self.want_connected {
                    return Err(Error::NotConnected);
                }
                self.open(deadline).await?;
                continue;
            }
            let wake = match (self.session.poll_timeout(), deadline) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            self.wait_for_input(wake).await;
        }
    }

    /// One try at a new connection, after the backoff delay: opens the stream and queues CONNECT.
    async fn open(&mut self, deadline: Option<Instant>) -> Result<(), Error> {
        if let Some(at) = self.next_try_at {
            let now = self.clock.now();
            if now < at {
                let until = deadline.map_or(at, |deadline| deadline.min(at));
                self.clock.sleep_until(until).await;
                if self.clock.now() < at {
                    return Ok(());
                }
            }
        }
        self.next_try_at = None;
        let attempt = self.failures + 1;
        self.notify(Notice::Connecting { attempt });
        match self.connector.connect().await {
            Ok(conn) => {
                self.conn = Some(conn);
                self.links += 1;
                self.outbound_at_connect = self
                    .session
                    .outbound()
                    .iter()
                    .map(|m| m.packet_id)
                    .collect();
                self.session.connect(self.clock.now())?;
            }
            Err(error) => {
                let error = format!("{error}");
                self.notify(Notice::ConnectFailed {
                    attempt,
                    error: &error,
                });
                self.last_failure = error;
                self.failed()?;
            }
        }
        Ok(())
    }

    /// Counts a failure and schedules the next try, or gives up.
    fn failed(&mut self) -> Result<(), Error> {
        self.failures += 1;
        if self
            .reconnect
            .max_attempts
            .is_some_and(|max| self.failures >= max)
        {
            let attempts = self.failures;
            self.failures = 0;
            self.want_connected = false;
            return Err(Error::GaveUp {
                attempts,
                last: core::mem::take(&mut self.last_failure),
            });
        }
        let delay = self.reconnect.delay(self.failures);
        self.next_try_at = Some(self.clock.now().saturating_add(delay));
        self.notify(Notice::Reconnecting {
            attempt: self.failures + 1,
            delay_ms: delay,
        });
        Ok(())
    }

    /// Waits for bytes or for `wake`, whichever comes first, and hands either to the session.
    async fn wait_for_input(&mut self, wake: Option<Instant>) {
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        let read = conn.read(&mut self.read_buf);
        let outcome = match wake {
            Some(at) => select(read, self.clock.sleep_until(at)).await,
            None => Either::Left(read.await),
        };
        let now = self.clock.now();
        match outcome {
            Either::Left(Ok(0)) => self.lost(now, "the broker closed the connection"),
            Either::Left(Ok(n)) => {
                let bytes = self.read_buf.get(..n).unwrap_or_default();
                self.session.handle_bytes(bytes, now);
            }
            Either::Left(Err(error)) => {
                let error = format!("read failed: {:?}", embedded_io_async::Error::kind(&error));
                self.lost(now, &error);
            }
            Either::Right(()) => self.session.handle_timeout(now),
        }
    }

    /// The transport failed: the session keeps its state for the next connection.
    fn lost(&mut self, now: Instant, why: &str) {
        self.conn = None;
        self.last_failure = why.to_string();
        self.session.connection_lost(now);
    }

    /// Writes everything the session has to send, coalescing packets into few writes.
    async fn flush(&mut self) {
        let mut buf = core::mem::take(&mut self.write_buf);
        while self.conn.is_some() {
            buf.clear();
            let now = self.clock.now();
            let mut sent = Vec::new();
            while buf.len() < WRITE_CHUNK {
                match self.session.poll_transmit(now, &mut buf) {
                    Some(packet) => sent.push(packet),
                    None => break,
                }
            }
            for packet in &sent {
                let bytes = buf.get(packet.bytes.clone()).unwrap_or_default();
                self.after_sent(now, packet.packet_type, packet.packet_id, bytes);
            }
            if buf.is_empty() {
                break;
            }
            let Some(conn) = self.conn.as_mut() else {
                break;
            };
            let written = match conn.write_all(&buf).await {
                Ok(()) => conn.flush().await,
                Err(error) => Err(error),
            };
            let now = self.clock.now();
            match written {
                Ok(()) => self.session.handle_written(now),
                Err(error) => {
                    let error =
                        format!("write failed: {:?}", embedded_io_async::Error::kind(&error));
                    self.lost(now, &error);
                }
            }
        }
        self.write_buf = buf;
    }

    /// Counts, logs and traces one packet handed to the transport.
    fn after_sent(
        &mut self,
        now: Instant,
        packet_type: PacketType,
        packet_id: Option<u16>,
        bytes: &[u8],
    ) {
        self.stats.packets_sent += 1;
        let is_trace = self
            .trace
            .as_ref()
            .is_some_and(|tracer| trace::publish_topic(bytes) == Some(tracer.topic.as_bytes()));
        match packet_type {
            PacketType::PingReq => self.stats.pings_sent += 1,
            PacketType::Publish if is_trace => self.stats.trace_records += 1,
            PacketType::Publish => {
                let first = bytes.first().copied().unwrap_or(0);
                if first & 0b1000 != 0 {
                    self.stats.resent_publishes += 1;
                }
                if (first >> 1) & 0b11 == 0 {
                    if let Some(topic) =
                        trace::publish_topic(bytes).and_then(|t| core::str::from_utf8(t).ok())
                    {
                        self.notify(Notice::Sent { topic });
                    }
                }
            }
            _ => {}
        }
        if !is_trace {
            self.trace_packet(now, Direction::Out, packet_id, bytes);
        }
    }

    /// Queues the trace record of one packet at QoS 0 (dropped if the session will not take it).
    fn trace_packet(
        &mut self,
        now: Instant,
        direction: Direction,
        packet_id: Option<u16>,
        bytes: &[u8],
    ) {
        let Some(tracer) = &self.trace else {
            return;
        };
        let line = trace::record(
            now,
            self.links,
            direction,
            packet_id,
            bytes,
            tracer.max_bytes,
        );
        if let Ok(message) = Message::new(&tracer.topic, line, QoS::AtMostOnce, false) {
            let _ = self.session.publish(message);
        }
    }

    /// Acts on everything the session reported.
    fn process_events(&mut self) {
        while let Some(event) = self.session.poll_event() {
            let now = event.at;
            match event.kind {
                EventKind::PacketReceived(received) => {
                    self.stats.packets_received += 1;
                    if received.packet_type == PacketType::PingResp {
                        self.stats.pongs_received += 1;
                    }
                    let is_trace = self.trace.as_ref().is_some_and(|tracer| {
                        trace::publish_topic(&received.bytes) == Some(tracer.topic.as_bytes())
                    });
                    if !is_trace {
                        self.trace_packet(now, Direction::In, received.packet_id, &received.bytes);
                    }
                }
                EventKind::Connected { session_present } => self.on_connected(session_present),
                EventKind::MessageDelivered { message, .. } => self.inbox.push_back(message),
                EventKind::PublishCompleted { packet_id, .. } => {
                    let qos = self.qos_of.remove(&packet_id).unwrap_or(QoS::AtLeastOnce);
                    self.notify(Notice::Acknowledged { packet_id, qos });
                    self.renumbered.retain(|_, new| *new != packet_id);
                }
                EventKind::PublishRefused {
                    packet_id,
                    reason,
                    name,
                } => {
                    self.qos_of.remove(&packet_id);
                    self.renumbered.retain(|_, new| *new != packet_id);
                    self.refuse(packet_id, reason.0, name);
                }
                EventKind::Subscribed { packet_id, results } => {
                    for result in &results {
                        let granted = result.granted.map_err(|code| code.0);
                        self.notify(Notice::Subscribed {
                            filter: &result.filter,
                            granted,
                        });
                    }
                    if let Some(index) = self.resubscribes.iter().position(|id| *id == packet_id) {
                        self.resubscribes.remove(index);
                    } else {
                        self.subacks.insert(packet_id, results);
                    }
                }
                EventKind::PingResponse { round_trip } => self.notify(Notice::Pong { round_trip }),
                EventKind::SessionLost { unacknowledged } => self.republish(unacknowledged),
                EventKind::Closed(reason) => self.on_closed(reason),
                _ => {}
            }
        }
    }

    fn on_connected(&mut self, session_present: bool) {
        self.stats.connections += 1;
        self.stats.last_session_present = session_present;
        self.failures = 0;
        self.next_try_at = None;
        let resending = self
            .session
            .outbound()
            .iter()
            .filter(|m| m.state != OutboundState::Queued)
            .count();
        self.notify(Notice::Connected {
            session_present,
            resending: if session_present { resending } else { 0 },
        });
        if !session_present {
            // The broker forgot our subscriptions with the session: make them again.
            let known: Vec<String> = self
                .session
                .subscriptions()
                .iter()
                .map(|s| s.filter.clone())
                .collect();
            let missing: Vec<(String, SubscriptionOptions)> = self
                .subscriptions
                .iter()
                .filter(|(filter, _)| !known.contains(filter))
                .map(|(filter, qos)| (filter.clone(), SubscriptionOptions::qos(*qos)))
                .collect();
            if !missing.is_empty() {
                self.notify(Notice::Resubscribing {
                    filters: missing.len(),
                });
                if let Ok(id) = self.session.subscribe(missing, None) {
                    self.resubscribes.push(id);
                }
            }
        }
    }

    /// The broker had no session: publish the dropped messages again, so `wait_published` on their
    /// old ids follows them to the new ones.
    fn republish(&mut self, unacknowledged: Vec<Message>) {
        let old_ids = core::mem::take(&mut self.outbound_at_connect);
        let count = unacknowledged.len();
        for (index, message) in unacknowledged.into_iter().enumerate() {
            let qos = message.qos;
            let old = old_ids.get(index).copied();
            if let Ok(Some(new)) = self.session.publish(message) {
                self.qos_of.insert(new, qos);
                if let Some(old) = old {
                    self.qos_of.remove(&old);
                    self.renumbered.insert(old, new);
                }
            }
        }
        self.notify(Notice::SessionLost { republished: count });
    }

    fn on_closed(&mut self, reason: CloseReason) {
        self.conn = None;
        self.notify(Notice::ConnectionLost { reason: &reason });
        if let CloseReason::Refused { code, name, .. } = reason {
            self.want_connected = false;
            self.fatal = Some(Error::Refused { code: code.0, name });
            return;
        }
        if self.want_connected {
            self.last_failure = CloseText(&reason).to_string();
            if let Err(error) = self.failed() {
                self.fatal = Some(error);
            }
        }
    }

    fn refuse(&mut self, packet_id: u16, code: u8, name: &'static str) {
        if self.refused.len() >= REFUSALS_KEPT {
            self.refused.pop_first();
        }
        self.refused.insert(packet_id, (code, name));
    }

    /// The id a message has now (it changes if it had to be published again).
    fn current_id(&self, mut packet_id: u16) -> u16 {
        for _ in 0..8 {
            match self.renumbered.get(&packet_id) {
                Some(&new) => packet_id = new,
                None => break,
            }
        }
        packet_id
    }

    fn notify(&mut self, notice: Notice<'_>) {
        if let Some(observer) = self.observer.as_mut() {
            observer(&notice);
        }
    }
}
