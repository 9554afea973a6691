//! How connections end: closed by us, by the client's DISCONNECT, or by the transport — and what
//! happens to the session and the will.

use super::connection::{ConnectionPhase, Outgoing};
use super::event::{BrokerEventKind, ConnectionId, DisconnectReason};
use super::{Broker, ScheduledWill};
use crate::codec::{ProtocolVersion, ReasonCode};
use crate::Instant;

impl Broker {
    /// The transport of `conn` closed or failed. Without DISCONNECT the will is published.
    pub fn connection_lost(&mut self, conn: ConnectionId, now: Instant) {
        let Some(connection) = self.connections.get(&conn) else {
            return;
        };
        if connection.phase != ConnectionPhase::Closing {
            self.detach(conn, DisconnectReason::ConnectionLost, now);
        }
        self.connections.remove(&conn);
        self.ready.remove(&conn);
    }

    /// We close `conn`: 5.0 tells the client why with DISCONNECT `code` (never before CONNACK,
    /// MQTT-3.14.0-1 (5.0)); what is queued for it is still sent, then `CloseConnection`.
    pub(crate) fn close(
        &mut self,
        conn: ConnectionId,
        reason: DisconnectReason,
        code: Option<ReasonCode>,
        now: Instant,
    ) {
        let Some(connection) = self.connections.get_mut(&conn) else {
            return;
        };
        if connection.phase == ConnectionPhase::Closing {
            return;
        }
        let was_connected = connection.phase == ConnectionPhase::Connected;
        if let (true, Some(ProtocolVersion::V5), Some(code)) =
            (was_connected, connection.version, code)
        {
            connection.queue.push_back(Outgoing::Disconnect(code));
        }
        connection.phase = ConnectionPhase::Closing;
        // Serve it once more so what is queued goes out and the close is reported.
        self.ready.insert(conn);
        self.detach(conn, reason, now);
    }

    /// The client sent DISCONNECT: nothing more is sent to it.
    pub(crate) fn end(&mut self, conn: ConnectionId, reason: DisconnectReason, now: Instant) {
        self.detach(conn, reason, now);
        self.connections.remove(&conn);
        self.ready.remove(&conn);
        self.emit(now, BrokerEventKind::CloseConnection { conn });
    }

    /// Separates a connection from its session: the will, the session's expiry, the event.
    fn detach(&mut self, conn: ConnectionId, reason: DisconnectReason, now: Instant) {
        let Some(connection) = self.connections.get_mut(&conn) else {
            return;
        };
        let client_id = connection.client_id.clone();
        let publishes_will = match &reason {
            DisconnectReason::ClientDisconnected(code) => *code == ReasonCode::DISCONNECT_WITH_WILL,
            DisconnectReason::Refused(_) => false,
            _ => true,
        };
        let will = connection.will.take().filter(|_| publishes_will);
        let taken_over = reason == DisconnectReason::TakenOver;
        self.emit(
            now,
            BrokerEventKind::ClientDisconnected {
                conn,
                client_id: client_id.clone(),
                reason,
            },
        );
        let Some(client_id) = client_id else {
            return;
        };
        let mut session_ends = false;
        let mut expiry = u32::MAX;
        if let Some(session) = self.sessions.get_mut(&client_id) {
            if session.connection == Some(conn) {
                session.connection = None;
                expiry = session.expiry_interval;
                // A take-over hands the session straight to the new connection.
                if !taken_over {
                    if session.expiry_interval == 0 {
                        session_ends = true;
                    } else if session.expiry_interval != u32::MAX {
                        session.expires_at =
                            Some(now.saturating_add(Instant::from(session.expiry_interval) * 1000));
                    }
                }
            }
        }
        if session_ends {
            self.sessions.remove(&client_id);
            self.emit(
                now,
                BrokerEventKind::SessionEnded {
                    client_id: client_id.clone(),
                },
            );
        }
        if let Some(will) = will {
            // 5.0 Will Delay: published after the delay or when the session ends, whichever is first.
            let delay = will.delay_interval.min(expiry);
            if delay == 0 || session_ends {
                self.publish_will(client_id, will.message, now);
            } else {
                let at = now.saturating_add(Instant::from(delay) * 1000);
                self.emit(
                    now,
                    BrokerEventKind::WillScheduled {
                        client_id: client_id.clone(),
                        at,
                    },
                );
                self.wills.push(ScheduledWill {
                    client_id,
                    at,
                    message: will.message,
                });
            }
        }
    }
}
