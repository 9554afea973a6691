//! Time: keep alive, the PINGRESP and CONNACK deadlines, and the teaching retry.
//!
//! Keep alive counts silence from the last packet actually *written* (`handle_written`), not polled:
//! a packet held in the playground's hold mode has not been sent, and the broker's clock runs on what
//! it receives.

use super::event::{CloseReason, ConnectionState, EventKind, OutboundState, Timer};
use super::session::ClientSession;
use super::transmit::Outgoing;
use crate::Instant;

impl ClientSession {
    /// Everything polled so far has been written to the transport at `now`. (With nothing polled since
    /// the last call it changes nothing: only real writes reset the keep-alive clock.)
    pub fn handle_written(&mut self, now: Instant) {
        if self.unwritten.is_empty() {
            return;
        }
        self.last_written = now;
        for outgoing in core::mem::take(&mut self.unwritten) {
            match outgoing {
                Outgoing::PingReq => self.ping_written_at = Some(now),
                Outgoing::Publish { packet_id, .. } | Outgoing::PubRel(packet_id, _) => {
                    if let Some(entry) = self.outbound.iter_mut().find(|m| m.packet_id == packet_id)
                    {
                        entry.written_at = Some(now);
                    }
                }
                _ => {}
            }
        }
    }

    /// When [`ClientSession::handle_timeout`] should next be called, if ever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            ConnectionState::AwaitingConnAck => Some(
                self.connect_started
                    .saturating_add(self.options.connect_timeout),
            ),
            ConnectionState::Connected => [
                self.keep_alive_deadline(),
                self.ping_deadline(),
                self.retry_deadline(),
            ]
            .into_iter()
            .flatten()
            .min(),
            ConnectionState::Closing | ConnectionState::Disconnected => None,
        }
    }

    /// Fires the timers due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        match self.state {
            ConnectionState::AwaitingConnAck => {
                if now
                    >= self
                        .connect_started
                        .saturating_add(self.options.connect_timeout)
                {
                    self.emit(now, EventKind::TimerFired(Timer::ConnectTimeout));
                    self.close_now(now, CloseReason::ConnectTimeout);
                }
            }
            ConnectionState::Connected => {
                if self.ping_deadline().is_some_and(|deadline| now >= deadline) {
                    // No PINGRESP: the connection is dead; nothing more is sent on it.
                    self.emit(now, EventKind::TimerFired(Timer::PingTimeout));
                    self.close_now(now, CloseReason::KeepAliveTimeout);
                    return;
                }
                if self
                    .keep_alive_deadline()
                    .is_some_and(|deadline| now >= deadline)
                {
                    self.emit(now, EventKind::TimerFired(Timer::KeepAlive));
                    self.ping_queued = true;
                    self.queue.push_back(Outgoing::PingReq);
                }
                self.fire_retries(now);
            }
            ConnectionState::Closing | ConnectionState::Disconnected => {}
        }
    }

    fn keep_alive_ms(&self) -> Instant {
        Instant::from(self.limits.keep_alive) * 1000
    }

    /// Idle for a keep-alive period since the last write, and no ping under way.
    fn keep_alive_deadline(&self) -> Option<Instant> {
        let period = self.keep_alive_ms();
        (period > 0 && !self.ping_queued && self.ping_written_at.is_none())
            .then(|| self.last_written.saturating_add(period))
    }

    fn ping_deadline(&self) -> Option<Instant> {
        let timeout = self
            .options
            .ping_timeout
            .unwrap_or_else(|| self.keep_alive_ms());
        self.ping_written_at
            .map(|written| written.saturating_add(timeout))
    }

    /// Turns the teaching retry on (`Some(interval)`) or off at run time: the playground's switch.
    /// Messages already in flight use the new interval from their last write. Not conformant in 5.0
    /// (MQTT-4.4.0-1 (5.0)); see [`ClientOptions::teaching_retry`](super::ClientOptions::teaching_retry).
    pub fn set_teaching_retry(&mut self, interval: Option<Instant>) {
        self.options.teaching_retry = interval;
    }

    fn retry_deadline(&self) -> Option<Instant> {
        let interval = self.options.teaching_retry?;
        self.outbound
            .iter()
            .filter_map(|entry| entry.written_at)
            .min()
            .map(|written| written.saturating_add(interval))
    }

    /// Teaching retry: resend what has waited too long for its acknowledgement within this connection.
    fn fire_retries(&mut self, now: Instant) {
        let Some(interval) = self.options.teaching_retry else {
            return;
        };
        let mut due = alloc::vec::Vec::new();
        for entry in &mut self.outbound {
            if entry
                .written_at
                .is_some_and(|written| now >= written.saturating_add(interval))
            {
                entry.written_at = None;
                due.push((entry.packet_id, entry.state));
            }
        }
        for (packet_id, state) in due {
            self.emit(now, EventKind::TimerFired(Timer::Retry { packet_id }));
            let outgoing = match state {
                OutboundState::AwaitingPubComp => {
                    Outgoing::PubRel(packet_id, crate::codec::ReasonCode::SUCCESS)
                }
                _ => Outgoing::Publish {
                    packet_id,
                    dup: true,
                },
            };
            self.queue.push_back(outgoing);
        }
    }
}
