//! What comes in: bytes from the broker, decoded and acted on packet by packet.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::event::{
    BrokerViolation, CloseReason, ConnectionState, EventKind, OutboundState, Received,
    SessionError, SubscribeResult,
};
use super::options::ServerLimits;
use super::session::{ClientSession, RequestKind, SubscriptionView};
use super::transmit::Outgoing;
use crate::codec::{
    decode, ConnAck, Decoder, Packet, PacketType, PubResponse, Publish, QoS, ReasonCode, SubAck,
    UnsubAck,
};
use crate::message::Message;
use crate::rule::Violation;
use crate::Instant;

impl ClientSession {
    /// Bytes from the transport, in any chunking. Each whole packet is acted on at once; malformed
    /// bytes or a protocol violation close the session with an error event (never a panic).
    pub fn handle_bytes(&mut self, bytes: &[u8], now: Instant) {
        if matches!(
            self.state,
            ConnectionState::Disconnected | ConnectionState::Closing
        ) {
            return;
        }
        // The decoder is taken out so a packet borrowing its buffer can be handled with `&mut self`.
        let mut decoder = core::mem::replace(&mut self.decoder, Decoder::new(self.options.version));
        decoder.push(bytes);
        while self.state == ConnectionState::AwaitingConnAck
            || self.state == ConnectionState::Connected
        {
            let frame = match decoder.next_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(error) => {
                    self.on_malformed(error, now);
                    break;
                }
            };
            match decode(frame, self.options.version) {
                Ok(Some((packet, _))) => {
                    self.emit(
                        now,
                        EventKind::PacketReceived(Received {
                            packet_type: packet.packet_type(),
                            packet_id: packet.packet_id(),
                            summary: if self.options.describe_packets {
                                packet.summary(self.options.version)
                            } else {
                                String::new()
                            },
                            bytes: frame.to_vec(),
                        }),
                    );
                    self.on_packet(packet, now);
                }
                Ok(None) => break,
                Err(error) => {
                    self.on_malformed(error, now);
                    break;
                }
            }
        }
        self.decoder = decoder;
    }

    fn on_malformed(&mut self, error: crate::codec::DecodeError, now: Instant) {
        if let Violation::PacketTooLarge { .. } = error.violation {
            self.violation(BrokerViolation::PacketTooLarge, now);
        } else {
            self.fail(
                now,
                SessionError::Malformed(error),
                ReasonCode::MALFORMED_PACKET,
            );
        }
    }

    pub(super) fn violation(&mut self, violation: BrokerViolation, now: Instant) {
        let rule = violation.rule(self.options.version);
        let reason = violation.reason_code();
        self.fail(now, SessionError::Protocol { violation, rule }, reason);
    }

    fn on_packet(&mut self, packet: Packet<'_>, now: Instant) {
        if self.state == ConnectionState::AwaitingConnAck {
            match packet {
                Packet::ConnAck(connack) => self.on_connack(&connack, now),
                Packet::Auth(_) => self.violation(BrokerViolation::UnexpectedAuth, now),
                other => self.violation(
                    BrokerViolation::FirstPacketNotConnAck {
                        got: other.packet_type(),
                    },
                    now,
                ),
            }
            return;
        }
        match packet {
            Packet::Publish(publish) => self.on_publish(&publish, now),
            Packet::PubAck(response) => self.on_puback(&response, now),
            Packet::PubRec(response) => self.on_pubrec(&response, now),
            Packet::PubRel(response) => self.on_pubrel(&response),
            Packet::PubComp(response) => self.on_pubcomp(&response, now),
            Packet::SubAck(suback) => self.on_suback(&suback, now),
            Packet::UnsubAck(unsuback) => self.on_unsuback(&unsuback, now),
            Packet::PingResp => {
                if let Some(written) = self.ping_written_at.take() {
                    self.emit(
                        now,
                        EventKind::PingResponse {
                            round_trip: now.saturating_sub(written),
                        },
                    );
                }
            }
            Packet::Disconnect(disconnect) => {
                let version = self.options.version;
                let reason = CloseReason::ServerDisconnected {
                    code: disconnect.reason,
                    name: disconnect.reason.name(PacketType::Disconnect, version),
                    reason: disconnect
                        .properties
                        .reason_string()
                        .map(ToString::to_string),
                };
                self.close_now(now, reason);
            }
            Packet::ConnAck(_) => self.violation(BrokerViolation::SecondConnAck, now),
            Packet::Auth(_) => self.violation(BrokerViolation::UnexpectedAuth, now),
            Packet::Connect(_)
            | Packet::Subscribe(_)
            | Packet::Unsubscribe(_)
            | Packet::PingReq => {
                let got = packet.packet_type();
                self.violation(BrokerViolation::ClientOnlyPacket { got }, now)
            }
        }
    }

    fn on_connack(&mut self, connack: &ConnAck<'_>, now: Instant) {
        let version = self.options.version;
        if connack.code.is_error(PacketType::ConnAck, version) {
            let reason = CloseReason::Refused {
                code: connack.code,
                name: connack.code.name(PacketType::ConnAck, version),
                reason: connack.properties.reason_string().map(ToString::to_string),
            };
            self.close_now(now, reason);
            return;
        }
        if connack.session_present && self.options.clean_start {
            // MQTT-3.2.2-4 (5.0): a client without session state must close on Session Present = 1.
            self.violation(BrokerViolation::SessionPresentOnCleanStart, now);
            return;
        }
        self.limits = if version.is_v5() {
            ServerLimits::from_connack(connack, self.options.keep_alive)
        } else {
            ServerLimits::unlimited(self.options.keep_alive)
        };
        if let Some(assigned) = self.limits.assigned_client_id.clone() {
            self.set_client_id(&assigned);
        }
        self.enter(ConnectionState::Connected, now);
        self.emit(
            now,
            EventKind::Connected {
                session_present: connack.session_present,
            },
        );
        if connack.session_present {
            self.queue_resends();
        } else {
            // MQTT-3.2.2-5 (5.0): no session at the broker, so none here either.
            self.discard_session_state(now);
        }
        self.queue_unsent_requests();
    }

    fn on_publish(&mut self, publish: &Publish<'_>, now: Instant) {
        let topic = match self.resolve_topic(publish) {
            Ok(topic) => topic,
            Err(violation) => {
                self.violation(violation, now);
                return;
            }
        };
        let message = Message::from_publish_on(publish, topic);
        match (publish.qos, publish.packet_id) {
            (QoS::AtMostOnce, _) | (_, None) => self.deliver(message, None, publish.dup, now),
            (QoS::AtLeastOnce, Some(id)) => {
                // QoS 1 delivers every copy it receives: a resend after a lost PUBACK arrives twice.
                if self.inbound_unacknowledged() >= usize::from(self.options.receive_maximum) {
                    self.receive_maximum_exceeded(now);
                    return;
                }
                self.deliver(message, Some(id), publish.dup, now);
                self.queue.push_back(Outgoing::PubAck(id));
            }
            (QoS::ExactlyOnce, Some(id)) => {
                if self.awaiting_pubrel.contains(&id) {
                    // Already delivered: acknowledge again, never deliver twice.
                    self.emit(now, EventKind::DuplicateSuppressed { packet_id: id });
                } else {
                    if self.inbound_unacknowledged() >= usize::from(self.options.receive_maximum) {
                        self.receive_maximum_exceeded(now);
                        return;
                    }
                    self.awaiting_pubrel.insert(id);
                    self.deliver(message, Some(id), publish.dup, now);
                }
                self.queue.push_back(Outgoing::PubRec(id));
            }
        }
    }

    /// Inbound QoS 1/2 not yet acknowledged: QoS 2 records and queued PUBACKs.
    fn inbound_unacknowledged(&self) -> usize {
        let pubacks = self
            .queue
            .iter()
            .filter(|o| matches!(o, Outgoing::PubAck(_)))
            .count();
        self.awaiting_pubrel.len() + pubacks
    }

    fn receive_maximum_exceeded(&mut self, now: Instant) {
        let maximum = self.options.receive_maximum;
        self.violation(BrokerViolation::ReceiveMaximumExceeded { maximum }, now);
    }

    fn deliver(&mut self, message: Message, packet_id: Option<u16>, dup: bool, now: Instant) {
        self.emit(
            now,
            EventKind::MessageDelivered {
                message,
                packet_id,
                dup,
            },
        );
    }

    /// The topic of a PUBLISH, through the 5.0 Topic Alias if it uses one (§3.3.2.3.4 (5.0)).
    fn resolve_topic(&mut self, publish: &Publish<'_>) -> Result<String, BrokerViolation> {
        let Some(alias) = publish.properties.topic_alias() else {
            return Ok(publish.topic.as_str().to_string());
        };
        let maximum = self.options.topic_alias_maximum;
        if alias == 0 || alias > maximum {
            return Err(BrokerViolation::TopicAliasInvalid { alias, maximum });
        }
        if publish.topic.is_empty() {
            self.topic_aliases
                .get(&alias)
                .cloned()
                .ok_or(BrokerViolation::TopicAliasUnknown { alias })
        } else {
            let topic = publish.topic.as_str().to_string();
            self.topic_aliases.insert(alias, topic.clone());
            Ok(topic)
        }
    }

    fn on_puback(&mut self, response: &PubResponse<'_>, now: Instant) {
        let id = response.packet_id;
        match self.outbound_state(id) {
            Some((index, OutboundState::AwaitingPubAck)) => {
                self.outbound.remove(index);
                self.release_packet_id(id);
                self.report_outcome(id, response.reason, PacketType::PubAck, now);
            }
            _ => self.emit(
                now,
                EventKind::UnexpectedAck {
                    packet: PacketType::PubAck,
                    packet_id: id,
                },
            ),
        }
    }

    fn on_pubrec(&mut self, response: &PubResponse<'_>, now: Instant) {
        let id = response.packet_id;
        match self.outbound_state(id) {
            Some((index, OutboundState::AwaitingPubRec)) if response.reason.0 >= 0x80 => {
                // 5.0: a refused QoS 2 message ends here, without PUBREL.
                self.outbound.remove(index);
                self.release_packet_id(id);
                self.report_outcome(id, response.reason, PacketType::PubRec, now);
            }
            Some((index, OutboundState::AwaitingPubRec | OutboundState::AwaitingPubComp)) => {
                // The receiver has it: from now on we only release it (a repeated PUBREC after a
                // resend gets its PUBREL again).
                if let Some(entry) = self.outbound.get_mut(index) {
                    entry.state = OutboundState::AwaitingPubComp;
                    entry.written_at = None;
                }
                self.queue
                    .push_back(Outgoing::PubRel(id, ReasonCode::SUCCESS));
            }
            _ => {
                self.emit(
                    now,
                    EventKind::UnexpectedAck {
                        packet: PacketType::PubRec,
                        packet_id: id,
                    },
                );
                // Let the broker finish its side: 5.0 says we have no record of it.
                let reason = if self.options.version.is_v5() {
                    ReasonCode::PACKET_IDENTIFIER_NOT_FOUND
                } else {
                    ReasonCode::SUCCESS
                };
                self.queue.push_back(Outgoing::PubRel(id, reason));
            }
        }
    }

    fn on_pubrel(&mut self, response: &PubResponse<'_>) {
        let id = response.packet_id;
        let reason = if self.awaiting_pubrel.remove(&id) || !self.options.version.is_v5() {
            ReasonCode::SUCCESS
        } else {
            // A PUBREL for an id we hold no record of (e.g. resent after our PUBCOMP was lost):
            // still answered, so the broker can finish (§3.7.2.1 (5.0)).
            ReasonCode::PACKET_IDENTIFIER_NOT_FOUND
        };
        self.queue.push_back(Outgoing::PubComp(id, reason));
    }

    fn on_pubcomp(&mut self, response: &PubResponse<'_>, now: Instant) {
        let id = response.packet_id;
        match self.outbound_state(id) {
            Some((index, OutboundState::AwaitingPubComp)) => {
                self.outbound.remove(index);
                self.release_packet_id(id);
                self.report_outcome(id, ReasonCode::SUCCESS, PacketType::PubComp, now);
            }
            _ => self.emit(
                now,
                EventKind::UnexpectedAck {
                    packet: PacketType::PubComp,
                    packet_id: id,
                },
            ),
        }
    }

    fn report_outcome(
        &mut self,
        packet_id: u16,
        reason: ReasonCode,
        packet: PacketType,
        now: Instant,
    ) {
        let kind = if reason.0 >= 0x80 {
            EventKind::PublishRefused {
                packet_id,
                reason,
                name: reason.name(packet, self.options.version),
            }
        } else {
            EventKind::PublishCompleted { packet_id, reason }
        };
        self.emit(now, kind);
    }

    fn on_suback(&mut self, suback: &SubAck<'_>, now: Instant) {
        let id = suback.packet_id;
        let Some(index) = self.request_index(id) else {
            self.violation(
                BrokerViolation::UnknownPacketId {
                    packet: PacketType::SubAck,
                    packet_id: id,
                },
                now,
            );
            return;
        };
        let Some(RequestKind::Subscribe { filters, .. }) =
            self.requests.get(index).map(|r| &r.kind)
        else {
            self.violation(
                BrokerViolation::UnknownPacketId {
                    packet: PacketType::SubAck,
                    packet_id: id,
                },
                now,
            );
            return;
        };
        if filters.len() != suback.codes.len() {
            let expected = filters.len();
            self.violation(
                BrokerViolation::CodeCountMismatch {
                    packet: PacketType::SubAck,
                    got: suback.codes.len(),
                    expected,
                },
                now,
            );
            return;
        }
        let request = self.requests.remove(index);
        self.release_packet_id(id);
        let RequestKind::Subscribe { filters, .. } = request.kind else {
            return;
        };
        let results: Vec<SubscribeResult> = filters
            .into_iter()
            .zip(&suback.codes)
            .map(|((filter, requested), code)| SubscribeResult {
                filter,
                requested,
                granted: QoS::from_bits(code.0)
                    .filter(|_| code.0 < 0x80)
                    .ok_or(*code),
            })
            .collect();
        for result in &results {
            match result.granted {
                Ok(qos) => {
                    if let Some(view) = self
                        .subscriptions
                        .iter_mut()
                        .find(|s| s.filter == result.filter)
                    {
                        view.granted = Some(qos);
                    } else {
                        self.subscriptions.push(SubscriptionView {
                            filter: result.filter.clone(),
                            options: result.requested,
                            granted: Some(qos),
                        });
                    }
                }
                Err(_) => self
                    .subscriptions
                    .retain(|s| s.filter != result.filter || s.granted.is_some()),
            }
        }
        self.emit(
            now,
            EventKind::Subscribed {
                packet_id: id,
                results,
            },
        );
    }

    fn on_unsuback(&mut self, unsuback: &UnsubAck<'_>, now: Instant) {
        let id = unsuback.packet_id;
        let expected = match self
            .request_index(id)
            .and_then(|index| self.requests.get(index))
            .map(|r| &r.kind)
        {
            Some(RequestKind::Unsubscribe { filters }) => filters.len(),
            _ => {
                self.violation(
                    BrokerViolation::UnknownPacketId {
                        packet: PacketType::UnsubAck,
                        packet_id: id,
                    },
                    now,
                );
                return;
            }
        };
        if self.options.version.is_v5() && unsuback.codes.len() != expected {
            self.violation(
                BrokerViolation::CodeCountMismatch {
                    packet: PacketType::UnsubAck,
                    got: unsuback.codes.len(),
                    expected,
                },
                now,
            );
            return;
        }
        let Some(index) = self.request_index(id) else {
            return;
        };
        let request = self.requests.remove(index);
        self.release_packet_id(id);
        let RequestKind::Unsubscribe { filters } = request.kind else {
            return;
        };
        self.subscriptions.retain(|s| !filters.contains(&s.filter));
        self.emit(
            now,
            EventKind::Unsubscribed {
                packet_id: id,
                filters,
                codes: unsuback.codes.clone(),
            },
        );
    }
}
