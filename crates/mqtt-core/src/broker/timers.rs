//! Time at the broker: keep-alive enforcement, delayed wills and session expiry.

use alloc::vec::Vec;

use super::connection::ConnectionPhase;
use super::event::{BrokerEventKind, DisconnectReason};
use super::Broker;
use crate::codec::ReasonCode;
use crate::Instant;

impl Broker {
    /// When [`Broker::handle_timeout`] should next be called, if ever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let keep_alive = self.connections.values().filter_map(keep_alive_deadline);
        let wills = self.wills.iter().map(|will| will.at);
        let sessions = self.sessions.values().filter_map(|s| s.expires_at);
        keep_alive.chain(wills).chain(sessions).min()
    }

    /// Fires what is due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        let silent: Vec<_> = self
            .connections
            .values()
            .filter(|c| keep_alive_deadline(c).is_some_and(|deadline| now >= deadline))
            .map(|c| c.id)
            .collect();
        for conn in silent {
            self.close(
                conn,
                DisconnectReason::KeepAliveTimeout,
                Some(ReasonCode::KEEP_ALIVE_TIMEOUT),
                now,
            );
        }
        let (due, later): (Vec<_>, Vec<_>) = core::mem::take(&mut self.wills)
            .into_iter()
            .partition(|w| now >= w.at);
        self.wills = later;
        for will in due {
            self.publish_will(will.client_id, will.message, now);
        }
        let expired: Vec<_> = self
            .sessions
            .values()
            .filter(|s| s.connection.is_none() && s.expires_at.is_some_and(|at| now >= at))
            .map(|s| s.client_id.clone())
            .collect();
        for client_id in expired {
            self.sessions.remove(&client_id);
            self.emit(now, BrokerEventKind::SessionEnded { client_id });
        }
    }
}

/// A client silent for one and a half keep-alive periods is gone (MQTT-3.1.2-24 (3.1.1)).
fn keep_alive_deadline(connection: &super::connection::Connection) -> Option<Instant> {
    (connection.phase == ConnectionPhase::Connected && connection.keep_alive > 0).then(|| {
        connection
            .last_received
            .saturating_add(Instant::from(connection.keep_alive) * 1500)
    })
}
