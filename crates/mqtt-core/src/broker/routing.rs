//! Where a published message goes: the retained store, every matching subscription (one copy per
//! client at the highest granted QoS), one member of each shared group, and the offline queues.

use crate::sorted::SortedMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::event::{BrokerEventKind, ConnectionId, DropReason};
use super::session::Delivery;
use super::{Broker, Retained};
use crate::codec::{QoS, SubscriptionOptions};
use crate::message::Message;
use crate::topic::{matches, shared};
use crate::Instant;

/// A client a message goes to, with what its matching subscriptions ask for.
struct Target {
    client_id: String,
    qos: QoS,
    retain_as_published: bool,
    identifiers: Vec<u32>,
}

/// A member of a shared subscription group that matched.
struct GroupMember {
    client_id: String,
    options: SubscriptionOptions,
    identifier: Option<u32>,
    online: bool,
}

/// What happened to one copy.
enum Outcome {
    Sent,
    Queued,
    Dropped,
}

impl Broker {
    /// Routes a published message; returns how many subscribers it reached (now or queued).
    pub(crate) fn route(&mut self, message: Message, from: Option<&str>, now: Instant) -> usize {
        let topic = message.topic().to_string();
        if message.retain {
            self.store_retained(&message, now);
        }
        let targets = self.targets(&topic, from);
        let (mut delivered_to, mut queued_for) = (0, 0);
        for target in targets {
            let mut copy = message.clone();
            copy.qos = message.qos.min(target.qos);
            // An established subscription gets RETAIN=0 unless it asked to keep the publisher's flag
            // (MQTT-3.3.1-9 (3.1.1), Retain As Published (5.0)).
            copy.retain = message.retain && target.retain_as_published;
            copy.properties.subscription_identifiers = target.identifiers;
            match self.deliver(&target.client_id, copy, now) {
                Outcome::Sent => delivered_to += 1,
                Outcome::Queued => queued_for += 1,
                Outcome::Dropped => {}
            }
        }
        self.emit(
            now,
            BrokerEventKind::MessageRouted {
                from: from.map(ToString::to_string),
                topic,
                qos: message.qos,
                delivered_to,
                queued_for,
            },
        );
        delivered_to + queued_for
    }

    fn store_retained(&mut self, message: &Message, now: Instant) {
        let topic = message.topic().to_string();
        if message.payload.is_empty() {
            // An empty retained message clears the topic (MQTT-3.3.1-10 (3.1.1)) and is not stored.
            self.retained.remove(&topic);
            self.emit(now, BrokerEventKind::RetainedCleared { topic });
        } else {
            self.retained.insert(
                topic.clone(),
                Retained {
                    message: message.clone(),
                    stored_at: now,
                },
            );
            self.emit(now, BrokerEventKind::RetainedStored { topic });
        }
    }

    /// The clients a message on `topic` goes to. Overlapping subscriptions of one client give one copy
    /// at the highest granted QoS with every matching Subscription Identifier (MQTT-3.3.5-1 (3.1.1));
    /// each shared group gives one copy to one member, in turn.
    fn targets(&mut self, topic: &str, from: Option<&str>) -> Vec<Target> {
        let mut targets = Vec::new();
        let mut groups: SortedMap<String, Vec<GroupMember>> = SortedMap::new();
        for (client_id, session) in &self.sessions {
            let mut best: Option<Target> = None;
            for subscription in session.subscriptions.values() {
                let shared_inner = match shared(&subscription.filter) {
                    Some(Ok(share)) if session.version.is_v5() => Some(share.filter),
                    _ => None,
                };
                let filter = shared_inner.unwrap_or(&subscription.filter);
                if !matches(filter, topic) {
                    continue;
                }
                if shared_inner.is_some() {
                    groups
                        .get_or_insert_with(subscription.filter.clone(), Vec::new)
                        .push(GroupMember {
                            client_id: client_id.clone(),
                            options: subscription.options,
                            identifier: subscription.identifier,
                            online: session.connection.is_some(),
                        });
                    continue;
                }
                // No Local: not back to its own publisher (MQTT-3.8.3-3 (5.0)).
                if subscription.options.no_local && from == Some(client_id.as_str()) {
                    continue;
                }
                let target = best.get_or_insert_with(|| Target {
                    client_id: client_id.clone(),
                    qos: QoS::AtMostOnce,
                    retain_as_published: false,
                    identifiers: Vec::new(),
                });
                target.qos = target.qos.max(subscription.options.qos);
                target.retain_as_published |= subscription.options.retain_as_published;
                target.identifiers.extend(subscription.identifier);
            }
            targets.extend(best);
        }
        for (group, members) in groups {
            let cursor = self.share_cursor.get_or_insert_with(group, || 0);
            // The next member in turn, preferring connected ones so a sleeping member doesn't hold
            // the group's messages.
            let count = members.len();
            let pick = (0..count)
                .map(|step| (*cursor + step) % count)
                .find(|&index| members.get(index).is_some_and(|m| m.online))
                .unwrap_or(*cursor % count);
            *cursor = pick + 1;
            if let Some(member) = members.into_iter().nth(pick) {
                targets.push(Target {
                    client_id: member.client_id,
                    qos: member.options.qos,
                    retain_as_published: member.options.retain_as_published,
                    identifiers: member.identifier.into_iter().collect(),
                });
            }
        }
        targets
    }

    /// Hands one copy to a session: sent when connected, queued when a persistent session sleeps
    /// (QoS 1/2 only: QoS 0 is never queued).
    fn deliver(&mut self, client_id: &str, message: Message, now: Instant) -> Outcome {
        let max_queued = self.config.max_queued;
        let Some(session) = self.sessions.get_mut(client_id) else {
            return Outcome::Dropped;
        };
        let topic = message.topic().to_string();
        let online = session.connection.is_some();
        let drop = if !online && message.qos == QoS::AtMostOnce {
            Some(DropReason::Qos0WhileOffline)
        } else if max_queued > 0 && session.queue.len() >= max_queued {
            Some(DropReason::QueueFull)
        } else {
            None
        };
        if let Some(reason) = drop {
            let client_id = client_id.to_string();
            self.emit(
                now,
                BrokerEventKind::MessageDropped {
                    client_id,
                    topic,
                    reason,
                },
            );
            return Outcome::Dropped;
        }
        let qos = message.qos;
        session.queue.push_back(Delivery {
            message,
            queued_at: now,
        });
        if let Some(conn) = session.connection {
            self.ready.insert(conn);
        }
        if online {
            Outcome::Sent
        } else {
            let client_id = client_id.to_string();
            self.emit(
                now,
                BrokerEventKind::MessageQueued {
                    client_id,
                    topic,
                    qos,
                },
            );
            Outcome::Queued
        }
    }

    /// Retained messages matching a new subscription, sent with RETAIN=1 (MQTT-3.3.1-6 (3.1.1)).
    pub(crate) fn send_retained(
        &mut self,
        conn: ConnectionId,
        filter: &str,
        options: SubscriptionOptions,
        identifier: Option<u32>,
        now: Instant,
    ) {
        let Some(client_id) = self
            .connections
            .get(&conn)
            .and_then(|c| c.client_id.clone())
        else {
            return;
        };
        self.drop_expired_retained(now);
        let copies: Vec<Message> = self
            .retained
            .values()
            .filter(|retained| matches(filter, retained.message.topic()))
            .map(|retained| {
                let mut copy = retained.message.clone();
                copy.qos = copy.qos.min(options.qos);
                copy.retain = true;
                copy.properties.subscription_identifiers = identifier.into_iter().collect();
                copy
            })
            .collect();
        for copy in copies {
            self.deliver(&client_id, copy, now);
        }
    }

    /// Retained messages whose 5.0 Message Expiry Interval has passed are no longer retained.
    fn drop_expired_retained(&mut self, now: Instant) {
        self.retained.retain(|_, retained| {
            match retained.message.properties.message_expiry_interval {
                Some(seconds) => {
                    now < retained
                        .stored_at
                        .saturating_add(Instant::from(seconds) * 1000)
                }
                None => true,
            }
        });
    }

    /// Publishes a will on behalf of a client that is gone.
    pub(crate) fn publish_will(&mut self, client_id: String, message: Message, now: Instant) {
        let topic = message.topic().to_string();
        self.emit(now, BrokerEventKind::WillPublished { client_id, topic });
        self.route(message, None, now);
    }
}
