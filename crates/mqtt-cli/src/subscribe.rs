//! `mqtt sub`: connect, subscribe, print each message as it arrives, stop on -C/-W/-E.
//!
//! The count (-C) counts deliveries, and the session never delivers a QoS 2 message twice (a resend
//! with DUP=1 is acknowledged, not delivered), so `-C 1 -q 2` prints exactly one message. Before
//! leaving, the subscriber waits until no QoS 2 handshake is open (`awaiting_pubrel` empty, all
//! acknowledgements written) so the broker does not have to resend anything to a session that
//! might resume later.

use std::io::Write;
use std::time::{Duration, Instant};

use mqtt_core::client::{ClientSession, EventKind};
use mqtt_core::codec::{ReasonCode, SubscriptionOptions, TopicFilter};

use crate::args::SubArgs;
use crate::driver::{close_quietly, Driver};
use crate::error::CliError;
use crate::output::{render, Format};
use crate::settings::{qos, Settings};

/// How long one driver step may wait (the session's timers and -W cut it shorter).
const IDLE_POLL: Duration = Duration::from_millis(500);
/// After -C is reached: the longest wait for open QoS 2 handshakes to finish before disconnecting.
const DRAIN_GRACE: Duration = Duration::from_secs(10);

/// Runs `mqtt sub`.
pub fn run(args: &SubArgs) -> Result<(), CliError> {
    let settings = Settings::from_args(&args.connect)?;
    let mut filters = args.topics.clone();
    if let Some(topic) = &settings.url_topic {
        filters.insert(0, topic.clone());
    }
    if filters.is_empty() {
        return Err(CliError::Usage(
            "You must specify a topic to subscribe to.".into(),
        ));
    }
    for filter in &filters {
        let valid = TopicFilter::new(filter)
            .and_then(|checked| checked.check_for(settings.options.version))
            .is_ok();
        if !valid {
            return Err(CliError::Usage(format!(
                "Invalid subscription topic '{filter}', are all '+' and '#' wildcards correct?"
            )));
        }
    }
    let session = ClientSession::new(settings.options.clone())
        .map_err(|error| CliError::Usage(error.to_string()))?;
    let mut driver = Driver::new(session, settings.driver_config());
    if let Some(trace) = settings.trace() {
        driver = driver.with_trace(trace);
    }
    let options = SubscriptionOptions::qos(qos(args.connect.qos));
    let subscriber = Subscriber {
        driver,
        subscriptions: filters.into_iter().map(|f| (f, options)).collect(),
        format: Format {
            verbose: args.verbose,
            newline: !args.no_newline,
        },
        count: args.count,
        exit_after_subscribe: args.exit_after_subscribe,
        deadline: args
            .timeout
            .map(|s| Instant::now() + Duration::from_secs(s)),
        received: 0,
        connected_once: false,
        stop: None,
        timed_out: false,
    };
    subscriber.run()
}

/// Why the subscriber is on its way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// -C reached or -E satisfied: finish open QoS 2 handshakes (until this deadline), then leave.
    Draining(Instant),
    /// DISCONNECT requested.
    Disconnecting,
}

struct Subscriber {
    driver: Driver,
    subscriptions: Vec<(String, SubscriptionOptions)>,
    format: Format,
    count: Option<u64>,
    exit_after_subscribe: bool,
    deadline: Option<Instant>,
    received: u64,
    connected_once: bool,
    stop: Option<Stop>,
    timed_out: bool,
}

impl Subscriber {
    fn run(mut self) -> Result<(), CliError> {
        self.driver
            .start()
            .map_err(|error| CliError::from_driver(error, true))?;
        let result = self.receive();
        match result {
            Err(error @ (CliError::Usage(_) | CliError::Io(_) | CliError::SubscriptionsDenied)) => {
                close_quietly(&mut self.driver);
                Err(error)
            }
            Ok(()) if self.timed_out => Err(CliError::TimedOut),
            other => other,
        }
    }

    fn receive(&mut self) -> Result<(), CliError> {
        let mut stdout = std::io::stdout().lock();
        while !self.driver.is_finished() {
            let now = Instant::now();
            let mut wait = IDLE_POLL;
            if let Some(deadline) = self.deadline {
                wait = wait.min(deadline.saturating_duration_since(now));
            }
            let stepped = self.driver.step(wait);
            self.handle_events(&mut stdout)?;
            stepped.map_err(|error| CliError::from_driver(error, !self.connected_once))?;
            // Acknowledgements go out now, so a finished handshake is seen as finished at once.
            let sent = self.driver.transmit();
            self.handle_events(&mut stdout)?;
            sent.map_err(|error| CliError::from_driver(error, !self.connected_once))?;
            self.maybe_stop()?;
        }
        Ok(())
    }

    fn handle_events(&mut self, stdout: &mut impl Write) -> Result<(), CliError> {
        while let Some(event) = self.driver.poll_event() {
            match event.kind {
                EventKind::Connected { session_present } => {
                    // A resumed session still has its subscriptions; a fresh one needs them (again).
                    // Requests not yet acknowledged are resent by the session itself.
                    let first = !self.connected_once;
                    self.connected_once = true;
                    let session = self.driver.session();
                    if first || (!session_present && session.subscriptions().is_empty()) {
                        self.driver
                            .session_mut()
                            .subscribe(self.subscriptions.clone(), None)
                            .map_err(|error| CliError::Usage(error.to_string()))?;
                    }
                }
                EventKind::Subscribed { results, .. } => {
                    if results.iter().all(|result| result.granted.is_err()) {
                        return Err(CliError::SubscriptionsDenied);
                    }
                    if self.exit_after_subscribe && self.stop.is_none() {
                        self.stop = Some(Stop::Draining(Instant::now() + DRAIN_GRACE));
                    }
                }
                EventKind::MessageDelivered { message, .. } => {
                    if self.stop.is_some() {
                        // Past -C: acknowledged by the session, not printed.
                        continue;
                    }
                    let printed = stdout
                        .write_all(&render(&message, self.format))
                        .and_then(|()| stdout.flush());
                    if let Err(error) = printed {
                        return Err(CliError::io("cannot write to stdout", &error));
                    }
                    self.received += 1;
                    if self.count.is_some_and(|count| self.received >= count) {
                        self.stop = Some(Stop::Draining(Instant::now() + DRAIN_GRACE));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Starts the DISCONNECT once draining is done, or -W has run out.
    fn maybe_stop(&mut self) -> Result<(), CliError> {
        let now = Instant::now();
        if self.deadline.is_some_and(|deadline| now >= deadline)
            && self.stop != Some(Stop::Disconnecting)
        {
            self.timed_out = true;
            return self.disconnect();
        }
        if let Some(Stop::Draining(until)) = self.stop {
            let session = self.driver.session();
            let open_qos2 = session.awaiting_pubrel().next().is_some();
            if (self.driver.is_connected() && !open_qos2 && session.is_quiescent()) || now >= until
            {
                return self.disconnect();
            }
        }
        Ok(())
    }

    fn disconnect(&mut self) -> Result<(), CliError> {
        self.stop = Some(Stop::Disconnecting);
        self.driver
            .disconnect(ReasonCode::SUCCESS)
            .map_err(|error| CliError::from_driver(error, false))
    }
}
