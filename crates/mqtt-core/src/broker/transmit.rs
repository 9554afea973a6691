//! What the broker sends, connection by connection in turn.

use alloc::string::String;
use alloc::vec::Vec;

use super::connection::{ConnectionPhase, Outgoing};
use super::event::{BrokerEventKind, ConnectionId, DropReason};
use super::session::Inflight;
use super::Broker;
use crate::client::{OutboundState, Sent};
use crate::codec::{
    encode, ConnAck, Disconnect, EncodeError, Packet, PacketType, Properties, Property,
    ProtocolVersion, PubResponse, QoS, SubAck, UnsubAck,
};
use crate::Instant;

impl Broker {
    /// Appends the next packet to send to `buf`: which connection it is for and what it is. Connections
    /// take turns. `None` when nothing is due now.
    pub fn poll_transmit(
        &mut self,
        now: Instant,
        buf: &mut Vec<u8>,
    ) -> Option<(ConnectionId, Sent)> {
        while !self.ready.is_empty() {
            let conn = self
                .ready
                .range(self.serve_cursor.saturating_add(1)..)
                .next()
                .or_else(|| self.ready.iter().next())
                .copied()?;
            self.serve_cursor = conn;
            match self.transmit_for(conn, now, buf) {
                Some(sent) => return Some((conn, sent)),
                // Nothing more from it until something happens to it.
                None => {
                    self.ready.remove(&conn);
                }
            }
        }
        None
    }

    fn transmit_for(
        &mut self,
        conn: ConnectionId,
        now: Instant,
        buf: &mut Vec<u8>,
    ) -> Option<Sent> {
        loop {
            let Some(outgoing) = self.next_outgoing(conn, now) else {
                let closing = self
                    .connections
                    .get(&conn)
                    .is_some_and(|c| c.phase == ConnectionPhase::Closing);
                if closing {
                    self.connections.remove(&conn);
                    self.emit(now, BrokerEventKind::CloseConnection { conn });
                }
                return None;
            };
            let start = buf.len();
            match self.encode_outgoing(conn, &outgoing, buf) {
                Ok(Some((packet_type, packet_id, summary))) => {
                    return Some(Sent {
                        packet_type,
                        packet_id,
                        summary,
                        bytes: start..buf.len(),
                    });
                }
                // Gone meanwhile, or (never for our own state) not encodable: skip it.
                Ok(None) | Err(_) => buf.truncate(start),
            }
        }
    }

    /// The connection's control packets first, then the session's messages as its window allows.
    fn next_outgoing(&mut self, conn: ConnectionId, now: Instant) -> Option<Outgoing> {
        let connection = self.connections.get_mut(&conn)?;
        if let Some(outgoing) = connection.queue.pop_front() {
            return Some(outgoing);
        }
        if connection.phase != ConnectionPhase::Connected {
            return None;
        }
        let client_id = connection.client_id.clone()?;
        let window = self.config.max_inflight;
        loop {
            let session = self.sessions.get_mut(&client_id)?;
            let window = usize::from(window.min(session.receive_maximum).max(1));
            let front = session.queue.front()?;
            if front.message.qos != QoS::AtMostOnce && session.inflight.len() >= window {
                return None;
            }
            let mut delivery = session.queue.pop_front()?;
            // 5.0 Message Expiry: drop what expired while it waited, and pass on the time left.
            if let Some(seconds) = delivery.message.properties.message_expiry_interval {
                let waited = now.saturating_sub(delivery.queued_at) / 1000;
                match u32::try_from(waited)
                    .ok()
                    .and_then(|waited| seconds.checked_sub(waited))
                {
                    Some(left) if left > 0 => {
                        delivery.message.properties.message_expiry_interval = Some(left)
                    }
                    _ => {
                        self.dropped(&client_id, &delivery.message, DropReason::Expired, now);
                        continue;
                    }
                }
            }
            let session = self.sessions.get_mut(&client_id)?;
            if let Some(maximum) = session.maximum_packet_size {
                let size = Packet::Publish(delivery.message.to_publish(Some(1), false))
                    .encoded_len(session.version);
                if size.map_or(true, |size| size > maximum as usize) {
                    self.dropped(&client_id, &delivery.message, DropReason::TooLarge, now);
                    continue;
                }
            }
            if delivery.message.qos == QoS::AtMostOnce {
                return Some(Outgoing::PublishQos0(delivery.message));
            }
            let packet_id = session.take_packet_id()?;
            let state = if delivery.message.qos == QoS::ExactlyOnce {
                OutboundState::AwaitingPubRec
            } else {
                OutboundState::AwaitingPubAck
            };
            session.inflight.push(Inflight {
                packet_id,
                delivery,
                state,
            });
            return Some(Outgoing::Publish {
                packet_id,
                dup: false,
            });
        }
    }

    fn dropped(
        &mut self,
        client_id: &str,
        message: &crate::message::Message,
        reason: DropReason,
        now: Instant,
    ) {
        self.emit(
            now,
            BrokerEventKind::MessageDropped {
                client_id: String::from(client_id),
                topic: String::from(message.topic()),
                reason,
            },
        );
    }

    fn encode_outgoing(
        &self,
        conn: ConnectionId,
        outgoing: &Outgoing,
        buf: &mut Vec<u8>,
    ) -> Result<Option<(PacketType, Option<u16>, String)>, EncodeError> {
        let Some(connection) = self.connections.get(&conn) else {
            return Ok(None);
        };
        let version = connection.version.unwrap_or(ProtocolVersion::V311);
        let session = connection
            .client_id
            .as_ref()
            .and_then(|id| self.sessions.get(id));
        let packet = match outgoing {
            Outgoing::ConnAck {
                code,
                session_present,
                assigned_client_id,
            } => {
                let mut properties = Properties::new();
                if version.is_v5() && code.0 < 0x80 {
                    if let Some(id) = assigned_client_id {
                        properties.push(Property::AssignedClientIdentifier(id));
                    }
                    self.announce_limits(&mut properties);
                }
                Packet::ConnAck(ConnAck {
                    session_present: *session_present,
                    code: *code,
                    properties,
                })
            }
            Outgoing::Publish { packet_id, dup } => {
                let Some(entry) =
                    session.and_then(|s| s.inflight.iter().find(|m| m.packet_id == *packet_id))
                else {
                    return Ok(None);
                };
                Packet::Publish(entry.delivery.message.to_publish(Some(*packet_id), *dup))
            }
            Outgoing::PublishQos0(message) => Packet::Publish(message.to_publish(None, false)),
            Outgoing::PubAck(id, reason) => Packet::PubAck(response(*id, *reason, version)),
            Outgoing::PubRec(id, reason) => Packet::PubRec(response(*id, *reason, version)),
            Outgoing::PubRel(id) => Packet::PubRel(PubResponse::new(*id)),
            Outgoing::PubComp(id, reason) => Packet::PubComp(response(*id, *reason, version)),
            Outgoing::SubAck(id, codes) => Packet::SubAck(SubAck {
                packet_id: *id,
                properties: Properties::new(),
                codes: codes.clone(),
            }),
            Outgoing::UnsubAck(id, codes) => Packet::UnsubAck(UnsubAck {
                packet_id: *id,
                properties: Properties::new(),
                codes: if version.is_v5() {
                    codes.clone()
                } else {
                    Vec::new()
                },
            }),
            Outgoing::PingResp => Packet::PingResp,
            Outgoing::Disconnect(code) => Packet::Disconnect(Disconnect {
                reason: *code,
                properties: Properties::new(),
            }),
        };
        encode(&packet, version, buf)?;
        Ok(Some((
            packet.packet_type(),
            packet.packet_id(),
            packet.summary(version),
        )))
    }

    /// The 5.0 CONNACK properties that tell a client our limits (defaults are left out).
    fn announce_limits<'a>(&'a self, properties: &mut Properties<'a>) {
        let config = &self.config;
        if config.receive_maximum != u16::MAX {
            properties.push(Property::ReceiveMaximum(config.receive_maximum));
        }
        if config.maximum_qos != QoS::ExactlyOnce {
            properties.push(Property::MaximumQoS(config.maximum_qos));
        }
        if !config.retain_available {
            properties.push(Property::RetainAvailable(false));
        }
        if config.topic_alias_maximum != 0 {
            properties.push(Property::TopicAliasMaximum(config.topic_alias_maximum));
        }
        if let Some(seconds) = config.server_keep_alive {
            properties.push(Property::ServerKeepAlive(seconds));
        }
    }
}

/// A publish response; reason codes exist only in 5.0.
fn response(
    id: u16,
    reason: crate::codec::ReasonCode,
    version: ProtocolVersion,
) -> PubResponse<'static> {
    PubResponse {
        reason: if version.is_v5() {
            reason
        } else {
            crate::codec::ReasonCode::SUCCESS
        },
        ..PubResponse::new(id)
    }
}
