//! `mqtt pub`: connect, publish, wait until every QoS 1/2 handshake has completed, disconnect.
//!
//! Messages are handed to the session only after CONNACK (as mosquitto_pub does in its connect
//! callback), so the broker's limits (Maximum QoS, Retain Available) are known and refusals read
//! like mosquitto's. If the connection drops, the driver reconnects; with a clean session the
//! broker forgot our unacknowledged messages, so the session reports them (`SessionLost`) and they
//! are published again — at least once for QoS 2, see the help text.

use std::io::{BufRead, Read};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Duration;

use mqtt_core::client::{ClientSession, EventKind, UsageError};
use mqtt_core::codec::ReasonCode;
use mqtt_core::message::Message;

use crate::args::PubArgs;
use crate::driver::Driver;
use crate::error::CliError;
use crate::settings::{qos, Settings};

/// How long one driver step may wait while stdin lines can arrive.
const LINE_POLL: Duration = Duration::from_millis(20);
/// How long one driver step may wait otherwise (the session's timers cut it shorter).
const IDLE_POLL: Duration = Duration::from_millis(500);

/// Where the payloads come from.
enum Payloads {
    /// One message, known before connecting (-m, -n, -f, -s).
    One(Vec<u8>),
    /// One message per stdin line, as lines arrive (-l); `None` marks the end of stdin.
    Lines(Receiver<Result<Vec<u8>, String>>),
}

/// Runs `mqtt pub`.
pub fn run(args: &PubArgs) -> Result<(), CliError> {
    let settings = Settings::from_args(&args.connect)?;
    let topic = args
        .topic
        .clone()
        .or_else(|| settings.url_topic.clone())
        .ok_or_else(|| CliError::Usage("Both topic and message must be supplied.".into()))?;
    let template =
        Message::new(&topic, Vec::new(), qos(args.connect.qos), args.retain).map_err(|_| {
            CliError::Usage(format!(
                "Invalid publish topic '{topic}', does it contain '+' or '#'?"
            ))
        })?;
    let payloads = payloads(args)?;
    let session = ClientSession::new(settings.options.clone())
        .map_err(|error| CliError::Usage(error.to_string()))?;
    let mut driver = Driver::new(session, settings.driver_config());
    if let Some(trace) = settings.trace() {
        driver = driver.with_trace(trace);
    }
    Publisher {
        driver,
        template,
        payloads,
        input_done: false,
        first_connack: false,
        disconnecting: false,
    }
    .run()
}

/// Reads the payload source before connecting, except `-l`, which streams.
fn payloads(args: &PubArgs) -> Result<Payloads, CliError> {
    if let Some(message) = &args.message {
        return Ok(Payloads::One(message.clone().into_bytes()));
    }
    if let Some(path) = &args.file {
        return std::fs::read(path)
            .map(Payloads::One)
            .map_err(|error| CliError::io(&format!("cannot read {}", path.display()), &error));
    }
    if args.stdin_file {
        let mut payload = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut payload)
            .map_err(|error| CliError::io("cannot read stdin", &error))?;
        return Ok(Payloads::One(payload));
    }
    if args.stdin_line {
        return Ok(Payloads::Lines(stdin_lines()));
    }
    // -n (clap makes sure exactly one payload flag was given).
    Ok(Payloads::One(Vec::new()))
}

/// A thread that reads stdin line by line, so the driver never blocks on a terminal.
fn stdin_lines() -> Receiver<Result<Vec<u8>, String>> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        loop {
            let mut line = Vec::new();
            match stdin.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {
                    if line.last() == Some(&b'\n') {
                        line.pop();
                    }
                    if sender.send(Ok(line)).is_err() {
                        break;
                    }
                }
                Err(error) => {
                    let _ = sender.send(Err(error.to_string()));
                    break;
                }
            }
        }
    });
    receiver
}

struct Publisher {
    driver: Driver,
    template: Message,
    payloads: Payloads,
    /// Every payload has been handed to the session.
    input_done: bool,
    first_connack: bool,
    disconnecting: bool,
}

impl Publisher {
    fn run(mut self) -> Result<(), CliError> {
        self.driver
            .start()
            .map_err(|error| CliError::from_driver(error, true))?;
        match self.publish_all() {
            Err(error @ (CliError::Usage(_) | CliError::Io(_))) => {
                // Our own mistake, not the link's: leave cleanly (no will), then report it.
                crate::driver::close_quietly(&mut self.driver);
                Err(error)
            }
            other => other,
        }
    }

    fn publish_all(&mut self) -> Result<(), CliError> {
        while !self.driver.is_finished() {
            let wait = match self.payloads {
                Payloads::Lines(_) if !self.input_done => LINE_POLL,
                _ => IDLE_POLL,
            };
            let stepped = self.driver.step(wait);
            self.handle_events()?;
            stepped.map_err(|error| CliError::from_driver(error, !self.first_connack))?;
            if self.first_connack && !self.input_done {
                self.take_input()?;
            }
            self.driver
                .transmit()
                .map_err(|error| CliError::from_driver(error, false))?;
            self.handle_events()?;
            let session = self.driver.session();
            if self.first_connack
                && self.input_done
                && !self.disconnecting
                && self.driver.is_connected()
                && session.is_quiescent()
            {
                self.disconnecting = true;
                self.driver
                    .disconnect(ReasonCode::SUCCESS)
                    .map_err(|error| CliError::from_driver(error, false))?;
            }
        }
        Ok(())
    }

    fn handle_events(&mut self) -> Result<(), CliError> {
        while let Some(event) = self.driver.poll_event() {
            match event.kind {
                EventKind::Connected { .. } if !self.first_connack => {
                    self.first_connack = true;
                    if let Payloads::One(payload) = &self.payloads {
                        let payload = payload.clone();
                        self.publish(payload)?;
                        self.input_done = true;
                    }
                }
                EventKind::SessionLost { unacknowledged } => {
                    // The broker has no record of these: publish them again so they arrive.
                    for message in unacknowledged {
                        self.driver
                            .session_mut()
                            .publish(message)
                            .map_err(publish_error)?;
                    }
                }
                EventKind::PublishRefused {
                    packet_id, name, ..
                } => {
                    eprintln!("Warning: Publish {packet_id} failed: {name}.");
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Hands every stdin line that has arrived to the session.
    fn take_input(&mut self) -> Result<(), CliError> {
        let Payloads::Lines(lines) = &self.payloads else {
            return Ok(());
        };
        let mut arrived = Vec::new();
        loop {
            match lines.try_recv() {
                Ok(Ok(line)) => arrived.push(line),
                Ok(Err(error)) => return Err(CliError::Io(format!("cannot read stdin: {error}"))),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.input_done = true;
                    break;
                }
            }
        }
        for line in arrived {
            self.publish(line)?;
        }
        Ok(())
    }

    fn publish(&mut self, payload: Vec<u8>) -> Result<(), CliError> {
        let mut message = self.template.clone();
        message.payload = payload;
        self.driver
            .session_mut()
            .publish(message)
            .map(drop)
            .map_err(publish_error)
    }
}

/// mosquitto_pub's words for a publish the session refuses.
fn publish_error(error: UsageError) -> CliError {
    match error {
        UsageError::QosNotSupported { .. } => {
            CliError::Usage("Message QoS not supported on broker, try a lower QoS.".into())
        }
        UsageError::PacketTooLarge { .. } => {
            CliError::Usage(format!("Message payload is too large ({error})."))
        }
        other => CliError::Usage(other.to_string()),
    }
}
