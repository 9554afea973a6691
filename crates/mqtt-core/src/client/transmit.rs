//! What goes out: the queue of packets to send, how each becomes bytes, and what is reported about it.

use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use super::error::UsageError;
use super::event::{ConnectionState, OutboundState};
use super::session::{ClientSession, OutboundMessage, RequestKind};
use crate::codec::{
    encode, Connect, Disconnect, EncodeError, Packet, PacketType, Properties, Property,
    PubResponse, ReasonCode, Subscribe, Subscription, TopicFilter, TopicName, Unsubscribe, Will,
};
use crate::message::Message;
use crate::Instant;

/// A packet waiting in the control queue, or just polled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outgoing {
    Connect,
    /// Our QoS 1/2 PUBLISH, by packet id (the message lives in `outbound`).
    Publish {
        packet_id: u16,
        dup: bool,
    },
    /// A QoS 0 PUBLISH (polled straight from `pending`; never queued).
    PublishQos0,
    PubAck(u16),
    PubRec(u16),
    PubRel(u16, ReasonCode),
    PubComp(u16, ReasonCode),
    /// SUBSCRIBE or UNSUBSCRIBE, by packet id (the request lives in `requests`).
    Request(u16),
    PingReq,
    Disconnect(ReasonCode),
}

/// What `poll_transmit` wrote into the buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The packet's type.
    pub packet_type: PacketType,
    /// Its packet identifier, if it has one.
    pub packet_id: Option<u16>,
    /// One-line summary for logs and diagrams; empty unless
    /// [`describe_packets`](super::ClientOptions::describe_packets).
    pub summary: String,
    /// Where its bytes are in the buffer.
    pub bytes: Range<usize>,
}

impl ClientSession {
    /// Appends the next packet to send to `buf` and describes it; `None` when there is nothing to send
    /// now. Loop to coalesce several packets into one write, or stop after one to hold it. Call
    /// [`ClientSession::handle_written`] once the bytes have really gone out.
    pub fn poll_transmit(&mut self, now: Instant, buf: &mut Vec<u8>) -> Option<Sent> {
        loop {
            let outgoing = self.next_outgoing(now)?;
            let start = buf.len();
            match self.encode_outgoing(&outgoing, buf) {
                Ok(Some((packet_type, packet_id, summary))) => {
                    self.after_polled(&outgoing, now);
                    return Some(Sent {
                        packet_type,
                        packet_id,
                        summary,
                        bytes: start..buf.len(),
                    });
                }
                // The entry refers to something already gone (e.g. a request answered meanwhile).
                Ok(None) => buf.truncate(start),
                // Our own state always encodes; if it ever does not, drop the packet, never panic.
                Err(_) => buf.truncate(start),
            }
        }
    }

    /// The next packet: the control queue first (in AwaitingConnAck only CONNECT), then application
    /// messages as the send window allows.
    fn next_outgoing(&mut self, now: Instant) -> Option<Outgoing> {
        match self.state {
            ConnectionState::Disconnected => None,
            ConnectionState::AwaitingConnAck => match self.queue.front() {
                Some(Outgoing::Connect) => self.queue.pop_front(),
                _ => None,
            },
            ConnectionState::Closing => {
                let next = self.queue.pop_front();
                if next.is_none() {
                    self.finish_closing(now);
                }
                next
            }
            ConnectionState::Connected => self.queue.pop_front().or_else(|| self.next_pending()),
        }
    }

    /// Moves the next application message into flight if the window allows.
    fn next_pending(&mut self) -> Option<Outgoing> {
        let (packet_id, _) = self.pending.front()?;
        match packet_id {
            None => Some(Outgoing::PublishQos0),
            Some(packet_id) => {
                let in_flight = self
                    .outbound
                    .iter()
                    .filter(|m| m.state != OutboundState::Queued)
                    .count();
                if in_flight >= self.window() {
                    return None;
                }
                let packet_id = *packet_id;
                let (_, message) = self.pending.pop_front()?;
                let state = match message.qos {
                    crate::codec::QoS::ExactlyOnce => OutboundState::AwaitingPubRec,
                    _ => OutboundState::AwaitingPubAck,
                };
                self.outbound.push(OutboundMessage {
                    packet_id,
                    message,
                    state,
                    written_at: None,
                    transmissions: 0,
                });
                Some(Outgoing::Publish {
                    packet_id,
                    dup: false,
                })
            }
        }
    }

    fn finish_closing(&mut self, now: Instant) {
        let reason = self
            .closing
            .take()
            .unwrap_or(super::event::CloseReason::Disconnected);
        self.close_now(now, reason);
    }

    /// Encodes `outgoing` into `buf`: (type, packet id, summary if described), or `None` if it no
    /// longer applies.
    fn encode_outgoing(
        &self,
        outgoing: &Outgoing,
        buf: &mut Vec<u8>,
    ) -> Result<Option<(PacketType, Option<u16>, String)>, EncodeError> {
        let version = self.options.version;
        let owned_connect;
        let qos0;
        let packet = match *outgoing {
            Outgoing::Connect => {
                owned_connect = self.connect_packet();
                Packet::Connect(alloc::boxed::Box::new(owned_connect))
            }
            Outgoing::Publish { packet_id, dup } => {
                match self.outbound.iter().find(|m| m.packet_id == packet_id) {
                    Some(entry) => Packet::Publish(entry.message.to_publish(Some(packet_id), dup)),
                    None => return Ok(None),
                }
            }
            Outgoing::PublishQos0 => match self.pending.front() {
                Some((None, message)) => {
                    qos0 = message;
                    Packet::Publish(qos0.to_publish(None, false))
                }
                _ => return Ok(None),
            },
            Outgoing::PubAck(id) => Packet::PubAck(PubResponse::new(id)),
            Outgoing::PubRec(id) => Packet::PubRec(PubResponse::new(id)),
            Outgoing::PubRel(id, reason) => Packet::PubRel(PubResponse {
                reason,
                ..PubResponse::new(id)
            }),
            Outgoing::PubComp(id, reason) => Packet::PubComp(PubResponse {
                reason,
                ..PubResponse::new(id)
            }),
            Outgoing::Request(packet_id) => {
                match self.requests.iter().find(|r| r.packet_id == packet_id) {
                    Some(request) => request_packet(packet_id, &request.kind),
                    None => return Ok(None),
                }
            }
            Outgoing::PingReq => Packet::PingReq,
            Outgoing::Disconnect(reason) => Packet::Disconnect(Disconnect {
                reason,
                properties: Properties::new(),
            }),
        };
        encode(&packet, version, buf)?;
        let summary = if self.options.describe_packets {
            packet.summary(version)
        } else {
            String::new()
        };
        Ok(Some((packet.packet_type(), packet.packet_id(), summary)))
    }

    /// Bookkeeping once a packet has been handed to the owner.
    fn after_polled(&mut self, outgoing: &Outgoing, now: Instant) {
        match *outgoing {
            Outgoing::PublishQos0 => {
                self.pending.pop_front();
            }
            Outgoing::Publish { packet_id, .. } => {
                if let Some(entry) = self.outbound.iter_mut().find(|m| m.packet_id == packet_id) {
                    entry.transmissions += 1;
                }
            }
            Outgoing::PingReq => self.ping_queued = false,
            Outgoing::Disconnect(_) => {
                // Nothing is sent after DISCONNECT.
                self.finish_closing(now);
                return;
            }
            _ => {}
        }
        self.unwritten.push(outgoing.clone());
    }

    /// The CONNECT our options describe.
    pub(super) fn connect_packet(&self) -> Connect<'_> {
        let options = &self.options;
        let v5 = options.version.is_v5();
        let mut connect = Connect::new(options.version, &options.client_id, options.keep_alive);
        connect.clean_start = options.clean_start;
        connect.username = options.username.as_deref();
        connect.password = options.password.as_deref();
        if v5 {
            let properties = &mut connect.properties;
            if options.session_expiry_interval != 0 {
                properties.push(Property::SessionExpiryInterval(
                    options.session_expiry_interval,
                ));
            }
            if options.receive_maximum != u16::MAX {
                properties.push(Property::ReceiveMaximum(options.receive_maximum));
            }
            if let Some(maximum) = options.maximum_packet_size {
                properties.push(Property::MaximumPacketSize(maximum));
            }
            if options.topic_alias_maximum != 0 {
                properties.push(Property::TopicAliasMaximum(options.topic_alias_maximum));
            }
            for (name, value) in &options.user_properties {
                properties.push(Property::UserProperty(name, value));
            }
        }
        connect.will = options.will.as_ref().map(|will| {
            let mut properties = Properties::new();
            if v5 {
                if will.delay_interval != 0 {
                    properties.push(Property::WillDelayInterval(will.delay_interval));
                }
                will.properties.append_to(&mut properties);
            }
            Will {
                // Checked by `check_connect` when the session was made; an invalid one fails to encode.
                topic: TopicName::new(&will.topic).unwrap_or(TopicName::EMPTY),
                payload: &will.payload,
                qos: will.qos,
                retain: will.retain,
                properties,
            }
        });
        connect
    }

    /// Refuses options that can never make a valid CONNECT.
    pub(super) fn check_connect(&self) -> Result<(), UsageError> {
        if let Some(will) = &self.options.will {
            TopicName::for_field(&will.topic, "Will topic")
                .map_err(|violation| UsageError::topic(violation, self.options.version))?;
        }
        Packet::Connect(alloc::boxed::Box::new(self.connect_packet()))
            .encoded_len(self.options.version)
            .map(|_| ())
            .map_err(UsageError::Encode)
    }

    /// Refuses a SUBSCRIBE/UNSUBSCRIBE the codec would not encode.
    pub(super) fn check_request(&self, kind: &RequestKind) -> Result<(), UsageError> {
        request_packet(1, kind)
            .encoded_len(self.options.version)
            .map(|_| ())
            .map_err(UsageError::Encode)
    }

    /// A message's PUBLISH for queuing checks (size, encodability).
    pub(super) fn publish_len(
        &self,
        message: &Message,
        packet_id: Option<u16>,
    ) -> Result<usize, EncodeError> {
        Packet::Publish(message.to_publish(packet_id, false)).encoded_len(self.options.version)
    }

    /// Queues the packets that resume a session after a reconnect: every unacknowledged PUBLISH again
    /// with DUP=1 and every pending PUBREL, in their original order (MQTT-4.4.0-1, MQTT-4.6.0-1).
    pub(super) fn queue_resends(&mut self) {
        for entry in &self.outbound {
            let outgoing = match entry.state {
                OutboundState::AwaitingPubAck | OutboundState::AwaitingPubRec => {
                    Outgoing::Publish {
                        packet_id: entry.packet_id,
                        dup: true,
                    }
                }
                OutboundState::AwaitingPubComp => {
                    Outgoing::PubRel(entry.packet_id, ReasonCode::SUCCESS)
                }
                OutboundState::Queued => continue,
            };
            self.queue.push_back(outgoing);
        }
    }

    /// Queues SUBSCRIBE/UNSUBSCRIBE requests not yet sent on this connection.
    pub(super) fn queue_unsent_requests(&mut self) {
        for request in &mut self.requests {
            if !request.sent {
                request.sent = true;
                self.queue.push_back(Outgoing::Request(request.packet_id));
            }
        }
    }
}

/// The SUBSCRIBE or UNSUBSCRIBE for a request. Filters were checked when the request was made.
fn request_packet(packet_id: u16, kind: &RequestKind) -> Packet<'_> {
    match kind {
        RequestKind::Subscribe {
            filters,
            subscription_identifier,
        } => {
            let mut properties = Properties::new();
            if let Some(id) = subscription_identifier {
                properties.push(Property::SubscriptionIdentifier(*id));
            }
            Packet::Subscribe(Subscribe {
                packet_id,
                properties,
                filters: filters
                    .iter()
                    .filter_map(|(filter, options)| {
                        TopicFilter::new(filter).ok().map(|filter| Subscription {
                            filter,
                            options: *options,
                        })
                    })
                    .collect(),
            })
        }
        RequestKind::Unsubscribe { filters } => Packet::Unsubscribe(Unsubscribe {
            packet_id,
            properties: Properties::new(),
            filters: filters
                .iter()
                .filter_map(|filter| TopicFilter::new(filter).ok())
                .collect(),
        }),
    }
}
