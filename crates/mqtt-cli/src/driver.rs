//! Runs a [`ClientSession`] against a real link and a real clock.
//!
//! The session is sans-IO: it says what to send (`poll_transmit`), when it next needs the clock
//! (`poll_timeout`) and what happened (`poll_event`). The driver supplies the rest, in one thread:
//!
//! * every packet the session has ready is coalesced into one write, then `handle_written`, so the
//!   keep-alive clock counts real silence;
//! * reads wait at most until the session's next timer, so timers fire without a timer thread;
//! * when the link dies it tells the session (`connection_lost`) and reconnects with exponential
//!   backoff; the same session object reconnects, so a persistent session resumes (resends with
//!   DUP=1, PUBREL again, the QoS 2 records that stop a second delivery all survive).
//!
//! Events pass through a [`RedeliveryGuard`], which keeps one broker bug (a QoS 2 PUBLISH sent again
//! after its PUBREL) from becoming a second delivery.
//!
//! The application (a command, a test) calls [`Driver::step`] in a loop, reads the events it cares
//! about with [`Driver::poll_event`] and acts on the session between steps.

use std::collections::VecDeque;
use std::time::{Duration, Instant as StdInstant};

use mqtt_core::client::{
    ClientSession, CloseReason, ConnectionState, Event, EventKind, SessionError, UsageError,
};
use mqtt_core::codec::{ProtocolVersion, ReasonCode};

use crate::clock::Clock;
use crate::redelivery::RedeliveryGuard;
use crate::transport::{self, Endpoint, Recv, Transport, TransportError};

/// How the driver reconnects after the link drops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconnect {
    /// Reconnect at all.
    pub enabled: bool,
    /// Also retry when the very first connection fails. The CLI does not (like mosquitto, a broker
    /// that is not there on the first try is an error); a test behind a fault proxy does.
    pub retry_first: bool,
    /// Wait before the first retry; doubled after each failed attempt.
    pub initial_delay: Duration,
    /// The longest wait between attempts.
    pub max_delay: Duration,
    /// Consecutive attempts that fail (no CONNACK) before giving up.
    pub max_attempts: u32,
}

impl Default for Reconnect {
    /// 0.1 s doubling to 5 s, ten attempts in a row (about half a minute), first connection not
    /// retried.
    fn default() -> Self {
        Reconnect {
            enabled: true,
            retry_first: false,
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            max_attempts: 10,
        }
    }
}

/// Where and how to connect.
#[derive(Debug, Clone)]
pub struct DriverConfig {
    /// The broker.
    pub endpoint: Endpoint,
    /// Bound on connecting, the WebSocket handshake and each write.
    pub io_timeout: Duration,
    /// How long a clean close waits for the broker to close its side after our DISCONNECT.
    pub linger: Duration,
    /// Reconnecting.
    pub reconnect: Reconnect,
}

impl DriverConfig {
    /// Defaults for `endpoint`: 10 s I/O timeout, 1 s linger, [`Reconnect::default`].
    pub fn new(endpoint: Endpoint) -> Self {
        DriverConfig {
            endpoint,
            io_timeout: Duration::from_secs(10),
            linger: Duration::from_secs(1),
            reconnect: Reconnect::default(),
        }
    }
}

/// Why the driver stopped for good. Each carries what a person needs to act on it.
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    /// The link could not be opened (first connection, or every reconnect attempt) or failed.
    #[error("{0}")]
    Transport(#[from] TransportError),
    /// The link dropped and reconnecting is off or gave up.
    #[error("the connection was lost{}", detail(.0))]
    ConnectionLost(Option<TransportError>),
    /// The broker refused the CONNECT.
    #[error("connection refused: {name}")]
    Refused {
        /// The CONNACK return/reason code.
        code: ReasonCode,
        /// Its name in the connection's edition.
        name: &'static str,
        /// 5.0 Reason String.
        reason: Option<String>,
        /// The edition, to word the message as mosquitto does.
        version: ProtocolVersion,
    },
    /// The broker broke the protocol; the session closed (5.0: with a DISCONNECT saying why).
    #[error("{0}")]
    Protocol(SessionError),
    /// The broker sent DISCONNECT (5.0).
    #[error("the broker closed the connection: {name} (0x{:02X}){}", .code.0, reason_suffix(.reason))]
    ServerDisconnected {
        /// Its reason code.
        code: ReasonCode,
        /// The code's name.
        name: &'static str,
        /// 5.0 Reason String.
        reason: Option<String>,
    },
    /// No CONNACK within the session's connect timeout.
    #[error("no CONNACK from the broker in time")]
    ConnectTimeout,
    /// No PINGRESP in time.
    #[error("keepalive exceeded: no PINGRESP from the broker in time")]
    KeepAliveTimeout,
    /// The application asked the session for something it cannot do.
    #[error("{0}")]
    Usage(#[from] UsageError),
}

fn detail(error: &Option<TransportError>) -> String {
    error
        .as_ref()
        .map(|error| format!(" ({error})"))
        .unwrap_or_default()
}

fn reason_suffix(reason: &Option<String>) -> String {
    reason
        .as_ref()
        .map(|reason| format!(": {reason}"))
        .unwrap_or_default()
}

/// A debug line sink (`-d`): told about every packet sent and received.
pub type Trace = Box<dyn FnMut(&str) + Send>;

/// A session, its link, its clock and its reconnect state. See the [module documentation](self).
pub struct Driver {
    session: ClientSession,
    config: DriverConfig,
    clock: Clock,
    link: Option<Box<dyn Transport>>,
    /// Outgoing packets of one step, written at once.
    out: Vec<u8>,
    /// Bytes read, handed to the session.
    incoming: Vec<u8>,
    /// Session events the driver has looked at, for the application.
    events: VecDeque<Event>,
    /// When the next reconnect attempt is due.
    reconnect_at: Option<StdInstant>,
    /// Consecutive attempts that ended without CONNACK.
    failures: u32,
    /// A CONNACK accepted us on the current link.
    connected_on_link: bool,
    ever_connected: bool,
    /// We asked for DISCONNECT: a closed link now means done, not reconnect.
    stopping: bool,
    finished: bool,
    last_error: Option<TransportError>,
    links_opened: u32,
    trace: Option<Trace>,
    guard: RedeliveryGuard,
}

impl Driver {
    /// A driver for `session`; nothing happens until [`Driver::start`].
    pub fn new(session: ClientSession, config: DriverConfig) -> Self {
        Driver {
            session,
            config,
            clock: Clock::new(),
            link: None,
            out: Vec::new(),
            incoming: Vec::new(),
            events: VecDeque::new(),
            reconnect_at: None,
            failures: 0,
            connected_on_link: false,
            ever_connected: false,
            stopping: false,
            finished: false,
            last_error: None,
            links_opened: 0,
            trace: None,
            guard: RedeliveryGuard::default(),
        }
    }

    /// Reports every packet sent and received to `trace` (the CLI's `-d`).
    pub fn with_trace(mut self, trace: Trace) -> Self {
        self.trace = Some(trace);
        self
    }

    /// The session, to look at.
    pub fn session(&self) -> &ClientSession {
        &self.session
    }

    /// The session, to publish, subscribe, ...; what it queues goes out on the next step.
    pub fn session_mut(&mut self) -> &mut ClientSession {
        &mut self.session
    }

    /// Now on the session's clock.
    pub fn now(&self) -> mqtt_core::Instant {
        self.clock.now()
    }

    /// How many links were opened (the first connection plus each reconnect).
    pub fn links_opened(&self) -> u32 {
        self.links_opened
    }

    /// How many QoS 2 resends after PUBREL (a broker bug) were kept from the application; see
    /// [`crate::redelivery`].
    pub fn resends_after_pubrel(&self) -> u64 {
        self.guard.suppressed()
    }

    /// Whether the session is connected (CONNACK accepted) right now.
    pub fn is_connected(&self) -> bool {
        self.session.state() == ConnectionState::Connected
    }

    /// Whether the driver is done: our DISCONNECT went out, or we stopped while the link was down.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The next event the session produced, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Opens the first link and sends CONNECT. The CONNACK arrives in a later [`Driver::step`].
    pub fn start(&mut self) -> Result<(), DriverError> {
        self.open_link()
    }

    /// Connects the same session again after the driver finished (a clean disconnect, an
    /// [`abort`](Driver::abort), or a lost link with reconnecting off): a sleeping sensor waking up,
    /// a killed client coming back. The session keeps its state, so a persistent session resumes.
    /// Does nothing while a link is open.
    pub fn restart(&mut self) -> Result<(), DriverError> {
        if self.link.is_some() {
            return Ok(());
        }
        self.stopping = false;
        self.finished = false;
        self.reconnect_at = None;
        self.failures = 0;
        self.open_link()
    }

    /// Asks for an orderly end: queued acknowledgements, then DISCONNECT, then close. Finished at
    /// once if the link is down.
    pub fn disconnect(&mut self, reason: ReasonCode) -> Result<(), DriverError> {
        self.stopping = true;
        self.reconnect_at = None;
        if self.link.is_none() {
            self.finished = true;
            return Ok(());
        }
        let now = self.clock.now();
        self.session.disconnect(now, reason);
        self.flush();
        self.process_events()
    }

    /// Drops the link without DISCONNECT, as a crash would (the broker publishes the will).
    pub fn abort(&mut self) {
        if let Some(mut link) = self.link.take() {
            link.close(Duration::ZERO);
        }
        let now = self.clock.now();
        self.stopping = true;
        self.reconnect_at = None;
        self.session.connection_lost(now);
        let _ = self.process_events();
        self.finished = true;
    }

    /// One turn: write what is ready, wait up to `max_wait` (less if a session timer is due sooner)
    /// for bytes, hand them over, fire due timers, write the answers. Reconnects when it is time.
    pub fn step(&mut self, max_wait: Duration) -> Result<(), DriverError> {
        if self.finished {
            return Ok(());
        }
        if self.link.is_none() {
            return self.wait_and_reconnect(max_wait);
        }
        self.flush();
        self.process_events()?;
        if let Some(link) = self.link.as_mut() {
            let wait = match self.session.poll_timeout() {
                Some(at) => self.clock.until(at).min(max_wait),
                None => max_wait,
            };
            self.incoming.clear();
            let result = link.recv(&mut self.incoming, wait);
            let now = self.clock.now();
            match result {
                Ok(Recv::Data(_)) => self.session.handle_bytes(&self.incoming, now),
                Ok(Recv::Idle) => {}
                Ok(Recv::Closed) => self.session.connection_lost(now),
                Err(error) => {
                    self.last_error = Some(error);
                    self.session.connection_lost(now);
                }
            }
        }
        let now = self.clock.now();
        if self.session.poll_timeout().is_some_and(|at| at <= now) {
            self.session.handle_timeout(now);
        }
        // What arrived is looked at (and traced) before the answers to it are written.
        let received = self.process_events();
        self.flush();
        let flushed = self.process_events();
        received.and(flushed)
    }

    /// Writes what the session has ready now, without waiting for anything: lets the application
    /// see the effect of what it just queued (e.g. a QoS 0 PUBLISH is out, so the session is
    /// quiescent) before it decides to wait or to leave.
    pub fn transmit(&mut self) -> Result<(), DriverError> {
        self.flush();
        self.process_events()
    }

    /// Everything the session has ready, in one write.
    fn flush(&mut self) {
        let Some(link) = self.link.as_mut() else {
            return;
        };
        let now = self.clock.now();
        self.out.clear();
        while let Some(sent) = self.session.poll_transmit(now, &mut self.out) {
            if let Some(trace) = self.trace.as_mut() {
                trace(&format!(
                    "Client {} sending {}",
                    self.session.client_id(),
                    sent.summary
                ));
            }
        }
        if self.out.is_empty() {
            return;
        }
        match link.send(&self.out) {
            Ok(()) => self.session.handle_written(self.clock.now()),
            Err(error) => {
                self.last_error = Some(error);
                self.session.connection_lost(self.clock.now());
            }
        }
    }

    /// Looks at each new session event (a closed connection means closing the link and maybe
    /// reconnecting) and keeps it for the application. Returns the first fatal error, after all
    /// events are queued.
    fn process_events(&mut self) -> Result<(), DriverError> {
        let mut outcome = Ok(());
        while let Some(mut event) = self.session.poll_event() {
            event.kind = self.guard.filter(event.kind);
            match &event.kind {
                EventKind::PacketReceived(received) => {
                    if let Some(trace) = self.trace.as_mut() {
                        trace(&format!(
                            "Client {} received {}",
                            self.session.client_id(),
                            received.summary
                        ));
                    }
                }
                EventKind::Connected { .. } => {
                    self.connected_on_link = true;
                    self.ever_connected = true;
                    self.failures = 0;
                    self.last_error = None;
                }
                EventKind::Closed(reason) => {
                    if let Err(error) = self.on_closed(reason) {
                        if outcome.is_ok() {
                            outcome = Err(error);
                        }
                    }
                }
                _ => {}
            }
            self.events.push_back(event);
        }
        outcome
    }

    fn on_closed(&mut self, reason: &CloseReason) -> Result<(), DriverError> {
        // After our own DISCONNECT (or a 5.0 DISCONNECT that tells the broker why we close) the
        // broker closes its side: wait for that so the packet is not lost to a reset.
        let told_broker = matches!(reason, CloseReason::Disconnected)
            || (matches!(reason, CloseReason::ProtocolError(_))
                && self.session.version().is_v5()
                && self.connected_on_link);
        if let Some(mut link) = self.link.take() {
            link.close(if told_broker {
                self.config.linger
            } else {
                Duration::ZERO
            });
        }
        let reached_connack = std::mem::take(&mut self.connected_on_link);
        match reason {
            CloseReason::Disconnected => {
                self.finished = true;
                Ok(())
            }
            CloseReason::Refused {
                code, name, reason, ..
            } => {
                self.finished = true;
                Err(DriverError::Refused {
                    code: *code,
                    name,
                    reason: reason.clone(),
                    version: self.session.version(),
                })
            }
            CloseReason::ProtocolError(error) => {
                self.finished = true;
                Err(DriverError::Protocol(error.clone()))
            }
            CloseReason::ServerDisconnected { code, name, reason } => {
                self.finished = true;
                Err(DriverError::ServerDisconnected {
                    code: *code,
                    name,
                    reason: reason.clone(),
                })
            }
            CloseReason::ConnectTimeout
            | CloseReason::KeepAliveTimeout
            | CloseReason::ConnectionLost => {
                if self.stopping {
                    self.finished = true;
                    return Ok(());
                }
                if !reached_connack {
                    self.failures += 1;
                }
                if self.may_reconnect() {
                    self.schedule_reconnect();
                    return Ok(());
                }
                self.finished = true;
                Err(match reason {
                    CloseReason::ConnectTimeout => DriverError::ConnectTimeout,
                    CloseReason::KeepAliveTimeout => DriverError::KeepAliveTimeout,
                    _ => DriverError::ConnectionLost(self.last_error.take()),
                })
            }
        }
    }

    fn may_reconnect(&self) -> bool {
        let reconnect = &self.config.reconnect;
        reconnect.enabled
            && (self.ever_connected || reconnect.retry_first)
            && self.failures < reconnect.max_attempts
    }

    /// The next attempt after the initial delay, doubled per consecutive failure, capped.
    fn schedule_reconnect(&mut self) {
        let reconnect = &self.config.reconnect;
        let factor = 1u32 << self.failures.min(16);
        let delay = reconnect
            .initial_delay
            .saturating_mul(factor)
            .min(reconnect.max_delay);
        self.reconnect_at = Some(StdInstant::now() + delay);
    }

    fn wait_and_reconnect(&mut self, max_wait: Duration) -> Result<(), DriverError> {
        let Some(at) = self.reconnect_at else {
            // Not started, or stopped: nothing can happen, so do not spin.
            std::thread::sleep(max_wait.min(Duration::from_millis(10)));
            return Ok(());
        };
        let left = at.saturating_duration_since(StdInstant::now());
        if left > max_wait {
            std::thread::sleep(max_wait);
            return Ok(());
        }
        std::thread::sleep(left);
        self.reconnect_at = None;
        self.open_link()
    }

    /// Opens a link and queues CONNECT; a failure schedules the next attempt or gives up.
    fn open_link(&mut self) -> Result<(), DriverError> {
        match transport::open(&self.config.endpoint, self.config.io_timeout) {
            Ok(link) => {
                self.link = Some(link);
                self.links_opened += 1;
                self.connected_on_link = false;
                let now = self.clock.now();
                self.session.connect(now)?;
                self.flush();
                self.process_events()
            }
            Err(error) => {
                self.failures += 1;
                if self.may_reconnect() {
                    self.last_error = Some(error);
                    self.schedule_reconnect();
                    Ok(())
                } else {
                    self.finished = true;
                    Err(DriverError::Transport(error))
                }
            }
        }
    }
}

/// Disconnects cleanly and waits (boundedly) for the DISCONNECT to go out, ignoring errors: for
/// leaving after a local failure, when the failure is what gets reported.
pub fn close_quietly(driver: &mut Driver) {
    if driver.disconnect(ReasonCode::SUCCESS).is_err() {
        return;
    }
    let deadline = StdInstant::now() + Duration::from_secs(5);
    while !driver.is_finished() && StdInstant::now() < deadline {
        if driver.step(Duration::from_millis(100)).is_err() {
            return;
        }
    }
}
