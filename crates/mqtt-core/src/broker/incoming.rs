//! What clients send: decoded per connection and acted on.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::connection::{ConnectionPhase, Outgoing, PendingWill};
use super::event::{BrokerEventKind, ClientFault, ConnectionId, DisconnectReason};
use super::session::{Session, Subscription};
use super::Broker;
use crate::client::{OutboundState, Received};
use crate::codec::{
    decode, Connect, DecodeError, Packet, PacketType, ProtocolVersion, PubResponse, Publish, QoS,
    ReasonCode, RetainHandling, Subscribe, Unsubscribe,
};
use crate::message::Message;
use crate::rule::{Rule, Violation};
use crate::topic::shared;
use crate::Instant;

/// A protocol violation by a client, citing the rule of its edition.
fn client_violation(
    what: &'static str,
    v311: &'static str,
    v5: &'static str,
    version: ProtocolVersion,
) -> ClientFault {
    ClientFault::Protocol {
        what,
        rule: Some(Rule {
            id: if version.is_v5() { v5 } else { v311 },
            version,
        }),
    }
}

impl Broker {
    /// Bytes from a connection's transport, in any chunking.
    pub fn handle_bytes(&mut self, conn: ConnectionId, bytes: &[u8], now: Instant) {
        let Some(connection) = self.connections.get_mut(&conn) else {
            return;
        };
        if connection.phase == ConnectionPhase::Closing {
            return;
        }
        connection.last_received = now;
        connection.decoder.push(bytes);
        // Whatever arrives may free the window or queue answers.
        self.ready.insert(conn);
        // Frames are copied out so each packet can be handled with the whole broker borrowed.
        let mut frames = Vec::new();
        let mut failure = None;
        loop {
            match connection.decoder.next_frame() {
                Ok(Some(frame)) => frames.push(frame.to_vec()),
                Ok(None) => break,
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
        }
        for frame in frames {
            let version = match self.connections.get(&conn) {
                Some(c) if c.phase != ConnectionPhase::Closing => {
                    c.version.unwrap_or(ProtocolVersion::V5)
                }
                _ => return,
            };
            match decode(&frame, version) {
                Ok(Some((packet, _))) => {
                    let version = match &packet {
                        Packet::Connect(connect) => connect.protocol_version,
                        _ => version,
                    };
                    self.emit(
                        now,
                        BrokerEventKind::PacketReceived {
                            conn,
                            received: Received {
                                packet_type: packet.packet_type(),
                                packet_id: packet.packet_id(),
                                summary: packet.summary(version),
                                bytes: frame.clone(),
                            },
                        },
                    );
                    self.on_packet(conn, packet, now);
                }
                Ok(None) => {}
                Err(error) => {
                    self.on_malformed(conn, error, now);
                    return;
                }
            }
        }
        if let Some(error) = failure {
            self.on_malformed(conn, error, now);
        }
    }

    fn on_malformed(&mut self, conn: ConnectionId, error: DecodeError, now: Instant) {
        let awaiting_connect = self
            .connections
            .get(&conn)
            .is_some_and(|c| c.phase == ConnectionPhase::AwaitingConnect);
        if awaiting_connect {
            // A CONNECT we cannot read: an unsupported level gets its CONNACK code first; anything else
            // just closes (a server never sends DISCONNECT before CONNACK, MQTT-3.14.0-1 (5.0)).
            if let Violation::UnsupportedProtocolLevel { level } = error.violation {
                let (version, code) = if level > 5 {
                    (
                        ProtocolVersion::V5,
                        ReasonCode::UNSUPPORTED_PROTOCOL_VERSION,
                    )
                } else {
                    (ProtocolVersion::V311, ReasonCode(1))
                };
                self.refuse(conn, version, code, now);
                return;
            }
        }
        let reason = if matches!(error.violation, Violation::PacketTooLarge { .. }) {
            ReasonCode::PACKET_TOO_LARGE
        } else {
            ReasonCode::MALFORMED_PACKET
        };
        self.close(
            conn,
            DisconnectReason::ProtocolError(ClientFault::Malformed(error)),
            Some(reason),
            now,
        );
    }

    fn on_packet(&mut self, conn: ConnectionId, packet: Packet<'_>, now: Instant) {
        let Some(connection) = self.connections.get(&conn) else {
            return;
        };
        let version = connection.version.unwrap_or(ProtocolVersion::V5);
        if connection.phase == ConnectionPhase::AwaitingConnect {
            match packet {
                Packet::Connect(connect) => self.on_connect(conn, &connect, now),
                _ => {
                    // MQTT-3.1.0-1: the first packet from a client must be CONNECT.
                    let error = client_violation(
                        "the first packet must be CONNECT",
                        "MQTT-3.1.0-1",
                        "MQTT-3.1.0-1",
                        version,
                    );
                    self.close(conn, DisconnectReason::ProtocolError(error), None, now);
                }
            }
            return;
        }
        match packet {
            Packet::Publish(publish) => self.on_publish(conn, &publish, now),
            Packet::PubAck(r) => self.on_ack(conn, &r, PacketType::PubAck, now),
            Packet::PubRec(r) => self.on_ack(conn, &r, PacketType::PubRec, now),
            Packet::PubRel(r) => self.on_pubrel(conn, &r),
            Packet::PubComp(r) => self.on_ack(conn, &r, PacketType::PubComp, now),
            Packet::Subscribe(subscribe) => self.on_subscribe(conn, &subscribe, now),
            Packet::Unsubscribe(unsubscribe) => self.on_unsubscribe(conn, &unsubscribe),
            Packet::PingReq => self.push(conn, Outgoing::PingResp),
            Packet::Disconnect(disconnect) => {
                if let Some(expiry) = disconnect.properties.session_expiry_interval() {
                    if let Some(session) = self.session_of_mut(conn) {
                        session.expiry_interval = expiry;
                    }
                }
                let reason = DisconnectReason::ClientDisconnected(disconnect.reason);
                // 0x04 "Disconnect with Will Message" keeps the will; a normal DISCONNECT discards it.
                if disconnect.reason != ReasonCode::DISCONNECT_WITH_WILL {
                    if let Some(connection) = self.connections.get_mut(&conn) {
                        connection.will = None;
                    }
                }
                self.end(conn, reason, now);
            }
            Packet::Connect(_) => {
                let error = client_violation(
                    "a second CONNECT on one connection",
                    "MQTT-3.1.0-2",
                    "MQTT-3.1.0-2",
                    version,
                );
                self.close(
                    conn,
                    DisconnectReason::ProtocolError(error),
                    Some(ReasonCode::PROTOCOL_ERROR),
                    now,
                );
            }
            Packet::Auth(_) => {
                let error = client_violation(
                    "AUTH without an authentication method",
                    "§4.12",
                    "§4.12",
                    version,
                );
                self.close(
                    conn,
                    DisconnectReason::ProtocolError(error),
                    Some(ReasonCode::PROTOCOL_ERROR),
                    now,
                );
            }
            Packet::ConnAck(_) | Packet::SubAck(_) | Packet::UnsubAck(_) | Packet::PingResp => {
                let error =
                    client_violation("a packet only brokers send", "§2.2.1", "§2.1.2", version);
                self.close(
                    conn,
                    DisconnectReason::ProtocolError(error),
                    Some(ReasonCode::PROTOCOL_ERROR),
                    now,
                );
            }
        }
    }

    fn on_connect(&mut self, conn: ConnectionId, connect: &Connect<'_>, now: Instant) {
        let version = connect.protocol_version;
        let mut client_id = connect.client_id.to_string();
        let mut assigned = None;
        if client_id.is_empty() {
            if version == ProtocolVersion::V311 && !connect.clean_start {
                // MQTT-3.1.3-8 (3.1.1): identifier rejected.
                self.refuse(conn, version, ReasonCode(2), now);
                return;
            }
            client_id = format!("auto-{}", self.next_assigned_id);
            self.next_assigned_id += 1;
            if version.is_v5() {
                assigned = Some(client_id.clone());
            }
        }
        // Take-over: the existing connection of this client id is closed (MQTT-3.1.4-2 (3.1.1)).
        let mut ended_with_old = false;
        if let Some(old) = self.sessions.get(&client_id).and_then(Session::connection) {
            if old != conn {
                // A session that lasts only as long as its connection (3.1.1 clean session, 5.0
                // Session Expiry 0) ends with it; nothing of it is resumed (MQTT-3.1.2-6 (3.1.1),
                // §3.1.2.11.2 (5.0)).
                ended_with_old = self
                    .sessions
                    .get(&client_id)
                    .is_some_and(|s| s.expiry_interval == 0);
                let session_ends = connect.clean_start || ended_with_old;
                let (old_version, will) = match self.connections.get_mut(&old) {
                    Some(c) => (c.version, c.will.take()),
                    None => (None, None),
                };
                self.close(
                    old,
                    DisconnectReason::TakenOver,
                    Some(ReasonCode::SESSION_TAKEN_OVER),
                    now,
                );
                // The old connection closed without DISCONNECT: 3.1.1 publishes its will
                // (MQTT-3.1.2-8 (3.1.1)). In 5.0 a new connection to a session that continues comes
                // before the will's delay has passed, so no will (MQTT-3.1.3-9 (5.0)); a session that
                // ends publishes it at once, whatever its delay (§3.1.3.2.2 (5.0)).
                if let Some(will) = will {
                    if session_ends || old_version != Some(ProtocolVersion::V5) {
                        self.publish_will(client_id.clone(), will.message, now);
                    }
                }
            }
        }
        // A reconnect cancels a will still waiting for its delay.
        self.wills.retain(|will| will.client_id != client_id);
        let session_present =
            !connect.clean_start && !ended_with_old && self.sessions.contains_key(&client_id);
        if !session_present {
            if self.sessions.remove(&client_id).is_some() {
                self.emit(
                    now,
                    BrokerEventKind::SessionEnded {
                        client_id: client_id.clone(),
                    },
                );
            }
            self.sessions
                .insert(client_id.clone(), Session::new(client_id.clone(), version));
        }
        let expiry_interval = match version {
            ProtocolVersion::V311 if connect.clean_start => 0,
            ProtocolVersion::V311 => u32::MAX,
            ProtocolVersion::V5 => connect.properties.session_expiry_interval().unwrap_or(0),
        };
        let keep_alive = self
            .config
            .server_keep_alive
            .filter(|_| version.is_v5())
            .unwrap_or(connect.keep_alive);
        if let Some(session) = self.sessions.get_mut(&client_id) {
            session.version = version;
            session.connection = Some(conn);
            session.expires_at = None;
            session.expiry_interval = expiry_interval;
            session.receive_maximum = connect.properties.receive_maximum().unwrap_or(u16::MAX);
            session.maximum_packet_size = connect.properties.maximum_packet_size();
        }
        let will = connect.will.as_ref().map(|will| PendingWill {
            message: Message::from_publish(
                &Publish {
                    dup: false,
                    qos: will.qos,
                    retain: will.retain,
                    topic: will.topic,
                    packet_id: None,
                    properties: will.properties.clone(),
                    payload: will.payload,
                },
                will.topic,
            ),
            delay_interval: will
                .properties
                .iter()
                .find_map(|p| match p {
                    crate::codec::Property::WillDelayInterval(s) => Some(*s),
                    _ => None,
                })
                .unwrap_or(0),
        });
        if let Some(connection) = self.connections.get_mut(&conn) {
            connection.version = Some(version);
            connection.decoder.set_version(version);
            connection.client_id = Some(client_id.clone());
            connection.keep_alive = keep_alive;
            connection.will = will;
            connection.phase = ConnectionPhase::Connected;
            connection.queue.push_back(Outgoing::ConnAck {
                code: ReasonCode::SUCCESS,
                session_present,
                assigned_client_id: assigned,
            });
            self.ready.insert(conn);
        }
        self.emit(
            now,
            BrokerEventKind::ClientConnected {
                conn,
                client_id: client_id.clone(),
                session_present,
            },
        );
        if session_present {
            self.queue_resends(conn, &client_id);
        }
    }

    /// After a resumed session's CONNACK: every unacknowledged PUBLISH again with DUP=1 and every
    /// PUBREL, in order (MQTT-4.4.0-1).
    fn queue_resends(&mut self, conn: ConnectionId, client_id: &str) {
        let resends: Vec<Outgoing> = self
            .sessions
            .get(client_id)
            .map(|session| {
                session
                    .inflight
                    .iter()
                    .map(|m| match m.state {
                        OutboundState::AwaitingPubComp => Outgoing::PubRel(m.packet_id),
                        _ => Outgoing::Publish {
                            packet_id: m.packet_id,
                            dup: true,
                        },
                    })
                    .collect()
            })
            .unwrap_or_default();
        for outgoing in resends {
            self.push(conn, outgoing);
        }
    }

    /// Refuses a CONNECT with `code` (in `version`'s terms), then closes.
    fn refuse(
        &mut self,
        conn: ConnectionId,
        version: ProtocolVersion,
        code: ReasonCode,
        now: Instant,
    ) {
        if let Some(connection) = self.connections.get_mut(&conn) {
            connection.version = Some(version);
            connection.queue.push_back(Outgoing::ConnAck {
                code,
                session_present: false,
                assigned_client_id: None,
            });
            self.ready.insert(conn);
        }
        self.close(conn, DisconnectReason::Refused(code), None, now);
    }

    fn on_publish(&mut self, conn: ConnectionId, publish: &Publish<'_>, now: Instant) {
        let (version, client_id) = match self.connections.get(&conn) {
            Some(c) => (
                c.version.unwrap_or(ProtocolVersion::V5),
                c.client_id.clone(),
            ),
            None => return,
        };
        let topic = match self.resolve_alias(conn, publish) {
            Ok(topic) => topic,
            Err(()) => {
                let error = client_violation(
                    "a Topic Alias of 0, above our maximum, or never set",
                    "§3.3.2.3.4",
                    "§3.3.4",
                    version,
                );
                self.close(
                    conn,
                    DisconnectReason::ProtocolError(error),
                    Some(ReasonCode::TOPIC_ALIAS_INVALID),
                    now,
                );
                return;
            }
        };
        if publish.retain && !self.config.retain_available {
            let error = client_violation(
                "RETAIN although Retain Available = 0",
                "§3.3.1.3",
                "MQTT-3.3.1-11",
                version,
            );
            self.close(
                conn,
                DisconnectReason::ProtocolError(error),
                Some(ReasonCode::RETAIN_NOT_SUPPORTED),
                now,
            );
            return;
        }
        if publish.qos > self.config.maximum_qos {
            let error = client_violation(
                "a QoS above Maximum QoS",
                "§3.3.1.2",
                "MQTT-3.2.2-11",
                version,
            );
            self.close(
                conn,
                DisconnectReason::ProtocolError(error),
                Some(ReasonCode::QOS_NOT_SUPPORTED),
                now,
            );
            return;
        }
        let message = Message::from_publish_on(publish, topic);
        let id = publish.packet_id;
        if let (QoS::ExactlyOnce, Some(id)) = (publish.qos, id) {
            let session = self.session_of_mut(conn);
            let duplicate = session
                .as_ref()
                .is_some_and(|s| s.awaiting_pubrel.contains(&id));
            let open = session.as_ref().map_or(0, |s| s.awaiting_pubrel.len());
            if duplicate {
                self.emit(
                    now,
                    BrokerEventKind::DuplicateSuppressed {
                        conn,
                        packet_id: id,
                    },
                );
                self.push(conn, Outgoing::PubRec(id, ReasonCode::SUCCESS));
                return;
            }
            if open >= usize::from(self.config.receive_maximum) {
                let error = client_violation(
                    "more open QoS 2 messages than our Receive Maximum",
                    "§4.9",
                    "MQTT-3.3.4-7",
                    version,
                );
                self.close(
                    conn,
                    DisconnectReason::ProtocolError(error),
                    Some(ReasonCode::RECEIVE_MAXIMUM_EXCEEDED),
                    now,
                );
                return;
            }
            if let Some(session) = self.session_of_mut(conn) {
                session.awaiting_pubrel.insert(id);
            }
        }
        let reached = self.route(message, client_id.as_deref(), now);
        // 5.0: tell the publisher nobody was listening (0x10), as mosquitto does.
        let reason = if version.is_v5() && reached == 0 {
            ReasonCode::NO_MATCHING_SUBSCRIBERS
        } else {
            ReasonCode::SUCCESS
        };
        match (publish.qos, id) {
            (QoS::AtLeastOnce, Some(id)) => self.push(conn, Outgoing::PubAck(id, reason)),
            (QoS::ExactlyOnce, Some(id)) => self.push(conn, Outgoing::PubRec(id, reason)),
            _ => {}
        }
    }

    /// The topic of a client's PUBLISH through its 5.0 Topic Alias; `Err` for an invalid alias.
    fn resolve_alias(&mut self, conn: ConnectionId, publish: &Publish<'_>) -> Result<String, ()> {
        let maximum = self.config.topic_alias_maximum;
        let Some(connection) = self.connections.get_mut(&conn) else {
            return Err(());
        };
        let Some(alias) = publish.properties.topic_alias() else {
            return Ok(publish.topic.as_str().to_string());
        };
        if alias == 0 || alias > maximum {
            return Err(());
        }
        if publish.topic.is_empty() {
            connection.topic_aliases.get(&alias).cloned().ok_or(())
        } else {
            connection
                .topic_aliases
                .insert(alias, publish.topic.as_str().to_string());
            Ok(publish.topic.as_str().to_string())
        }
    }

    /// PUBACK, PUBREC or PUBCOMP for a message we sent the client.
    fn on_ack(
        &mut self,
        conn: ConnectionId,
        response: &PubResponse<'_>,
        packet: PacketType,
        now: Instant,
    ) {
        let id = response.packet_id;
        let mut pubrel = false;
        if let Some(session) = self.session_of_mut(conn) {
            let position = session.inflight.iter().position(|m| m.packet_id == id);
            if let Some(index) = position {
                let state = session.inflight.get(index).map(|m| m.state);
                match (packet, state) {
                    (PacketType::PubAck, Some(OutboundState::AwaitingPubAck))
                    | (PacketType::PubComp, Some(OutboundState::AwaitingPubComp)) => {
                        session.inflight.remove(index);
                    }
                    (PacketType::PubRec, Some(OutboundState::AwaitingPubRec))
                        if response.reason.0 >= 0x80 =>
                    {
                        session.inflight.remove(index);
                    }
                    (
                        PacketType::PubRec,
                        Some(OutboundState::AwaitingPubRec | OutboundState::AwaitingPubComp),
                    ) => {
                        if let Some(entry) = session.inflight.get_mut(index) {
                            entry.state = OutboundState::AwaitingPubComp;
                        }
                        pubrel = true;
                    }
                    _ => {}
                }
            } else if packet == PacketType::PubRec {
                // Let the client finish its side of a flow we have no record of.
                pubrel = true;
            }
        }
        if pubrel {
            self.push(conn, Outgoing::PubRel(id));
        }
        let _ = now;
    }

    fn on_pubrel(&mut self, conn: ConnectionId, response: &PubResponse<'_>) {
        let id = response.packet_id;
        let version = self.connections.get(&conn).and_then(|c| c.version);
        let known = self
            .session_of_mut(conn)
            .is_some_and(|session| session.awaiting_pubrel.remove(&id));
        let reason = if known || version != Some(ProtocolVersion::V5) {
            ReasonCode::SUCCESS
        } else {
            ReasonCode::PACKET_IDENTIFIER_NOT_FOUND
        };
        self.push(conn, Outgoing::PubComp(id, reason));
    }

    fn on_subscribe(&mut self, conn: ConnectionId, subscribe: &Subscribe<'_>, now: Instant) {
        let identifier = subscribe.properties.subscription_identifiers().next();
        let maximum_qos = self.config.maximum_qos;
        let mut codes = Vec::new();
        let mut retained_for = Vec::new();
        let Some(session) = self.session_of_mut(conn) else {
            return;
        };
        let v5 = session.version.is_v5();
        for requested in &subscribe.filters {
            let filter = requested.filter.as_str().to_string();
            let granted = requested.options.qos.min(maximum_qos);
            let mut options = requested.options;
            options.qos = granted;
            let existed = session.subscriptions.contains_key(&filter);
            // An identical filter replaces the existing subscription (MQTT-3.8.4-3 (3.1.1)).
            session.subscriptions.insert(
                filter.clone(),
                Subscription {
                    filter: filter.clone(),
                    options,
                    identifier,
                },
            );
            codes.push(ReasonCode(granted.level()));
            let is_shared = v5 && shared(&filter).is_some();
            let send_retained = match options.retain_handling {
                RetainHandling::SendOnSubscribe => true,
                RetainHandling::SendIfNew => !existed,
                RetainHandling::DoNotSend => false,
            };
            // Retained messages are not sent to shared subscriptions (§4.8.2 (5.0)).
            if send_retained && !is_shared {
                retained_for.push((filter, options, identifier));
            }
        }
        self.push(conn, Outgoing::SubAck(subscribe.packet_id, codes));
        for (filter, options, identifier) in retained_for {
            self.send_retained(conn, &filter, options, identifier, now);
        }
    }

    fn on_unsubscribe(&mut self, conn: ConnectionId, unsubscribe: &Unsubscribe<'_>) {
        let Some(session) = self.session_of_mut(conn) else {
            return;
        };
        let codes = unsubscribe
            .filters
            .iter()
            .map(
                |filter| match session.subscriptions.remove(filter.as_str()) {
                    Some(_) => ReasonCode::SUCCESS,
                    None => ReasonCode::NO_SUBSCRIPTION_EXISTED,
                },
            )
            .collect();
        self.push(conn, Outgoing::UnsubAck(unsubscribe.packet_id, codes));
    }

    /// The session of a connection's client.
    pub(crate) fn session_of_mut(&mut self, conn: ConnectionId) -> Option<&mut Session> {
        let client_id = self.connections.get(&conn)?.client_id.as_ref()?;
        self.sessions.get_mut(client_id)
    }

    pub(crate) fn push(&mut self, conn: ConnectionId, outgoing: Outgoing) {
        if let Some(connection) = self.connections.get_mut(&conn) {
            connection.queue.push_back(outgoing);
            self.ready.insert(conn);
        }
    }
}
