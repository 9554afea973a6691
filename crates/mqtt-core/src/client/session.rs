//! The session's state and the calls the application makes.

use alloc::collections::VecDeque;

use crate::sorted::{SortedMap, SortedSet};
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::error::UsageError;
use super::event::{CloseReason, ConnectionState, Event, EventKind, OutboundState, SessionError};
use super::options::{ClientOptions, ServerLimits};
use super::transmit::Outgoing;
use crate::codec::{Decoder, ProtocolVersion, QoS, ReasonCode, SubscriptionOptions, TopicFilter};
use crate::message::Message;
use crate::Instant;

/// One of our QoS 1/2 messages on its way: queued behind the send window, or in its handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundMessage {
    /// Its packet identifier (assigned when it was published).
    pub packet_id: u16,
    /// The message.
    pub message: Message,
    /// Where it stands.
    pub state: OutboundState,
    /// When its last PUBLISH or PUBREL was written (for the teaching retry).
    pub written_at: Option<Instant>,
    /// How many times its PUBLISH was sent.
    pub transmissions: u32,
}

/// A subscription as we know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionView {
    /// The filter.
    pub filter: String,
    /// What we asked for.
    pub options: SubscriptionOptions,
    /// What the broker granted; `None` until SUBACK.
    pub granted: Option<QoS>,
}

/// A SUBSCRIBE or UNSUBSCRIBE waiting for its acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Request {
    pub packet_id: u16,
    pub kind: RequestKind,
    /// Sent on the current connection (unacknowledged requests are sent again after a reconnect).
    pub sent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum RequestKind {
    Subscribe {
        filters: Vec<(String, SubscriptionOptions)>,
        subscription_identifier: Option<u32>,
    },
    Unsubscribe {
        filters: Vec<String>,
    },
}

/// The protocol state of one MQTT client. See the [module documentation](super).
#[derive(Debug, Clone)]
pub struct ClientSession {
    pub(super) options: ClientOptions,
    pub(super) state: ConnectionState,
    pub(super) decoder: Decoder,
    pub(super) limits: ServerLimits,
    /// Effective client id (the assigned one if the broker chose it).
    pub(super) client_id: String,
    /// Our QoS 1/2 messages in their handshakes, in the order they were first sent (MQTT-4.6.0-1).
    pub(super) outbound: Vec<OutboundMessage>,
    /// Messages the application published that are not sent yet (QoS 0 too), in order.
    pub(super) pending: VecDeque<(Option<u16>, Message)>,
    /// Inbound QoS 2 packet ids between PUBLISH and PUBREL: the record that prevents a second delivery.
    pub(super) awaiting_pubrel: SortedSet<u16>,
    /// Inbound 5.0 topic aliases on this connection.
    pub(super) topic_aliases: SortedMap<u16, String>,
    pub(super) requests: Vec<Request>,
    pub(super) subscriptions: Vec<SubscriptionView>,
    /// Packet ids taken by outbound messages and requests.
    pub(super) ids_in_use: SortedSet<u16>,
    pub(super) next_packet_id: u16,
    /// Control packets to send before any new application message: CONNECT, acknowledgements, resends,
    /// requests, PINGREQ, DISCONNECT.
    pub(super) queue: VecDeque<Outgoing>,
    /// Packets polled but not yet reported written, so `handle_written` knows what went out.
    pub(super) unwritten: Vec<Outgoing>,
    pub(super) events: VecDeque<Event>,
    pub(super) last_written: Instant,
    pub(super) ping_queued: bool,
    pub(super) ping_written_at: Option<Instant>,
    pub(super) connect_started: Instant,
    /// Why we are closing, reported once the last packet has been polled.
    pub(super) closing: Option<CloseReason>,
}

impl ClientSession {
    /// A session with `options`, not connected. Refuses options that could never make a valid CONNECT
    /// (a will topic with wildcards, a 3.1.1 empty client id without clean session, ...).
    pub fn new(options: ClientOptions) -> Result<Self, UsageError> {
        let session = ClientSession {
            decoder: decoder_for(&options),
            limits: ServerLimits::unlimited(options.keep_alive),
            client_id: options.client_id.clone(),
            options,
            state: ConnectionState::Disconnected,
            outbound: Vec::new(),
            pending: VecDeque::new(),
            awaiting_pubrel: SortedSet::new(),
            topic_aliases: SortedMap::new(),
            requests: Vec::new(),
            subscriptions: Vec::new(),
            ids_in_use: SortedSet::new(),
            next_packet_id: 1,
            queue: VecDeque::new(),
            unwritten: Vec::new(),
            events: VecDeque::new(),
            last_written: 0,
            ping_queued: false,
            ping_written_at: None,
            connect_started: 0,
            closing: None,
        };
        session.check_connect()?;
        Ok(session)
    }

    /// Starts a connection on a fresh transport: queues CONNECT. With clean start, whatever session
    /// state we had is discarded first (MQTT-3.1.2-6 (3.1.1)); unacknowledged messages are reported.
    pub fn connect(&mut self, now: Instant) -> Result<(), UsageError> {
        if self.state != ConnectionState::Disconnected {
            return Err(UsageError::AlreadyConnected);
        }
        self.decoder = decoder_for(&self.options);
        self.queue.clear();
        self.unwritten.clear();
        self.topic_aliases.clear();
        self.ping_queued = false;
        self.ping_written_at = None;
        self.closing = None;
        self.last_written = now;
        self.connect_started = now;
        self.limits = ServerLimits::unlimited(self.options.keep_alive);
        if self.options.clean_start {
            self.discard_session_state(now);
        }
        for request in &mut self.requests {
            request.sent = false;
        }
        self.queue.push_back(Outgoing::Connect);
        self.enter(ConnectionState::AwaitingConnAck, now);
        Ok(())
    }

    /// Publishes `message`: queued now, sent when connected and the send window allows. Returns its
    /// packet identifier (QoS 1/2).
    pub fn publish(&mut self, message: Message) -> Result<Option<u16>, UsageError> {
        if message.qos > self.limits.maximum_qos {
            return Err(UsageError::QosNotSupported {
                requested: message.qos.level(),
                maximum: self.limits.maximum_qos.level(),
            });
        }
        if message.retain && !self.limits.retain_available {
            return Err(UsageError::RetainNotAvailable);
        }
        let packet_id = match message.qos {
            QoS::AtMostOnce => None,
            _ => Some(self.peek_packet_id()?),
        };
        let size = self
            .publish_len(&message, packet_id)
            .map_err(UsageError::Encode)?;
        if let Some(maximum) = self.limits.maximum_packet_size {
            if size > maximum as usize {
                return Err(UsageError::PacketTooLarge { size, maximum });
            }
        }
        if let Some(id) = packet_id {
            self.take_packet_id(id);
        }
        self.pending.push_back((packet_id, message));
        Ok(packet_id)
    }

    /// Subscribes to `filters` (each with its options); `subscription_identifier` is 5.0 only.
    /// Returns the SUBSCRIBE's packet identifier.
    pub fn subscribe(
        &mut self,
        filters: Vec<(String, SubscriptionOptions)>,
        subscription_identifier: Option<u32>,
    ) -> Result<u16, UsageError> {
        if filters.is_empty() {
            return Err(UsageError::NoFilters);
        }
        for (filter, _) in &filters {
            self.check_filter(filter)?;
        }
        let kind = RequestKind::Subscribe {
            filters,
            subscription_identifier,
        };
        // Trial encoding catches what only the whole packet can tell (5.0 options in 3.1.1, ...).
        self.check_request(&kind)?;
        if let RequestKind::Subscribe { filters, .. } = &kind {
            for (filter, options) in filters {
                self.subscriptions.retain(|sub| sub.filter != *filter);
                self.subscriptions.push(SubscriptionView {
                    filter: filter.clone(),
                    options: *options,
                    granted: None,
                });
            }
        }
        self.add_request(kind)
    }

    /// Unsubscribes from `filters`. Returns the UNSUBSCRIBE's packet identifier.
    pub fn unsubscribe(&mut self, filters: Vec<String>) -> Result<u16, UsageError> {
        if filters.is_empty() {
            return Err(UsageError::NoFilters);
        }
        for filter in &filters {
            self.check_filter(filter)?;
        }
        self.add_request(RequestKind::Unsubscribe { filters })
    }

    /// Closes the connection in an orderly way: acknowledgements already queued go first, then
    /// DISCONNECT (5.0: with `reason`, e.g. 0x04 to have the broker publish the will anyway).
    pub fn disconnect(&mut self, now: Instant, reason: ReasonCode) {
        match self.state {
            ConnectionState::Connected => {
                let reason = if self.options.version.is_v5() {
                    reason
                } else {
                    ReasonCode::SUCCESS
                };
                self.queue.push_back(Outgoing::Disconnect(reason));
                self.closing = Some(CloseReason::Disconnected);
                self.enter(ConnectionState::Closing, now);
            }
            ConnectionState::AwaitingConnAck => self.close_now(now, CloseReason::Disconnected),
            ConnectionState::Closing | ConnectionState::Disconnected => {}
        }
    }

    /// The transport closed or failed without DISCONNECT. Session state is kept for a reconnect.
    pub fn connection_lost(&mut self, now: Instant) {
        if self.state != ConnectionState::Disconnected {
            let reason = self.closing.take().unwrap_or(CloseReason::ConnectionLost);
            self.close_now(now, reason);
        }
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    // --- Read-only views -------------------------------------------------------------------------

    /// Where the connection stands.
    pub fn state(&self) -> ConnectionState {
        self.state
    }

    /// The options the session was made with.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// The protocol version.
    pub fn version(&self) -> ProtocolVersion {
        self.options.version
    }

    /// The client id in effect (the broker's if it assigned one).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// What the broker's CONNACK allows.
    pub fn limits(&self) -> &ServerLimits {
        &self.limits
    }

    /// Our QoS 1/2 messages in their handshakes, in send order.
    pub fn outbound(&self) -> &[OutboundMessage] {
        &self.outbound
    }

    /// Published messages not sent yet: (packet id for QoS 1/2, message).
    pub fn pending(&self) -> impl Iterator<Item = (Option<u16>, &Message)> + '_ {
        self.pending.iter().map(|(id, message)| (*id, message))
    }

    /// Published messages not sent yet, counted without walking them.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Inbound QoS 2 packet ids we have delivered and wait to release (PUBREL).
    pub fn awaiting_pubrel(&self) -> impl Iterator<Item = u16> + '_ {
        self.awaiting_pubrel.iter().copied()
    }

    /// How many inbound QoS 2 records wait for PUBREL, counted without walking them. A broker may
    /// keep thousands open (mosquitto sends new PUBLISHes before the PUBRELs of earlier ones).
    pub fn awaiting_pubrel_len(&self) -> usize {
        self.awaiting_pubrel.len()
    }

    /// Subscriptions made or requested.
    pub fn subscriptions(&self) -> &[SubscriptionView] {
        &self.subscriptions
    }

    /// Whether nothing is in flight in either direction and nothing is queued: a good moment to
    /// disconnect without cutting a handshake short.
    pub fn is_quiescent(&self) -> bool {
        self.outbound.is_empty()
            && self.pending.is_empty()
            && self.awaiting_pubrel.is_empty()
            && self.requests.is_empty()
            && self.queue.is_empty()
    }

    // --- Internals shared by the other files of this module ---------------------------------------

    pub(super) fn emit(&mut self, at: Instant, kind: EventKind) {
        self.events.push_back(Event { at, kind });
    }

    pub(super) fn enter(&mut self, state: ConnectionState, now: Instant) {
        if self.state != state {
            self.state = state;
            self.emit(now, EventKind::StateEntered(state));
        }
    }

    /// Ends the connection now: nothing more is sent.
    pub(super) fn close_now(&mut self, now: Instant, reason: CloseReason) {
        self.queue.clear();
        self.unwritten.clear();
        self.ping_queued = false;
        self.ping_written_at = None;
        self.closing = None;
        // Whatever was sent on this connection and not acknowledged is sent again after a reconnect.
        for message in &mut self.outbound {
            message.written_at = None;
        }
        self.enter(ConnectionState::Disconnected, now);
        self.emit(now, EventKind::Closed(reason));
    }

    /// The broker broke the protocol: 5.0 tells it why with DISCONNECT (never before CONNACK), then
    /// the connection closes.
    pub(super) fn fail(&mut self, now: Instant, error: SessionError, reason: ReasonCode) {
        if self.options.version.is_v5() && self.state == ConnectionState::Connected {
            self.queue.clear();
            self.queue.push_back(Outgoing::Disconnect(reason));
            self.closing = Some(CloseReason::ProtocolError(error));
            self.enter(ConnectionState::Closing, now);
        } else {
            self.close_now(now, CloseReason::ProtocolError(error));
        }
    }

    /// Drops the session state: in-flight messages (reported), QoS 2 records, subscriptions.
    pub(super) fn discard_session_state(&mut self, now: Instant) {
        let dropped: Vec<OutboundMessage> = self.outbound.drain(..).collect();
        for message in &dropped {
            self.ids_in_use.remove(&message.packet_id);
        }
        self.awaiting_pubrel.clear();
        self.subscriptions.retain(|sub| sub.granted.is_none());
        if !dropped.is_empty() {
            let unacknowledged = dropped.into_iter().map(|m| m.message).collect();
            self.emit(now, EventKind::SessionLost { unacknowledged });
        }
    }

    /// The send window: ours, never above the broker's Receive Maximum.
    pub(super) fn window(&self) -> usize {
        usize::from(
            self.options
                .send_window
                .min(self.limits.receive_maximum)
                .max(1),
        )
    }

    fn peek_packet_id(&self) -> Result<u16, UsageError> {
        let mut id = self.next_packet_id;
        for _ in 0..=u16::MAX {
            if id != 0 && !self.ids_in_use.contains(&id) {
                return Ok(id);
            }
            id = id.wrapping_add(1);
        }
        Err(UsageError::NoPacketId)
    }

    fn take_packet_id(&mut self, id: u16) {
        self.ids_in_use.insert(id);
        self.next_packet_id = id.wrapping_add(1).max(1);
    }

    pub(super) fn release_packet_id(&mut self, id: u16) {
        self.ids_in_use.remove(&id);
    }

    fn check_filter(&self, filter: &str) -> Result<(), UsageError> {
        let version = self.options.version;
        TopicFilter::new(filter)
            .and_then(|filter| filter.check_for(version))
            .map_err(|violation| UsageError::topic(violation, version))
    }

    fn add_request(&mut self, kind: RequestKind) -> Result<u16, UsageError> {
        let packet_id = self.peek_packet_id()?;
        self.take_packet_id(packet_id);
        let connected = self.state == ConnectionState::Connected;
        self.requests.push(Request {
            packet_id,
            kind,
            sent: connected,
        });
        if connected {
            self.queue.push_back(Outgoing::Request(packet_id));
        }
        Ok(packet_id)
    }

    pub(super) fn request_index(&self, packet_id: u16) -> Option<usize> {
        self.requests.iter().position(|r| r.packet_id == packet_id)
    }

    /// Index and state of our in-flight message with `packet_id`.
    pub(super) fn outbound_state(&self, packet_id: u16) -> Option<(usize, OutboundState)> {
        self.outbound
            .iter()
            .enumerate()
            .find(|(_, m)| m.packet_id == packet_id)
            .map(|(index, m)| (index, m.state))
    }

    pub(super) fn set_client_id(&mut self, id: &str) {
        self.client_id = id.to_string();
    }
}

fn decoder_for(options: &ClientOptions) -> Decoder {
    let decoder = Decoder::new(options.version);
    match options.maximum_packet_size {
        Some(maximum) => decoder.with_max_packet_size(maximum as usize),
        None => decoder,
    }
}
