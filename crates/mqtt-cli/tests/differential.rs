//! Differential test: our teaching broker against a real mosquitto, scenario by scenario.
//!
//! Every `tests/scenarios/*.json` is an [`mqtt_sim::Scenario`], run twice:
//!
//! 1. in the simulator: our broker, the scenario's lossless links (latency only);
//! 2. against a mosquitto started for the scenario (TCP on loopback, `persistence false`): one
//!    [`Driver`] per scenario client, each on its own thread, doing the same actions at the same
//!    times, in real milliseconds from a common start. Kill drops the socket without DISCONNECT
//!    ([`Driver::abort`]); sleep disconnects cleanly and later reconnects the same session
//!    ([`Driver::restart`]).
//!
//! Per client both runs must agree on the deliveries as far as MQTT lets them differ: grouped by
//! (topic, QoS), each group's sequence of (payload, RETAIN) must be equal — the same multiset of
//! (topic, payload, QoS, RETAIN), the same counts, and the same order within a topic and QoS
//! (MQTT-4.6.0-6 (3.1.1)). The order across QoS levels may differ: mosquitto forwards an inbound
//! QoS 2 message on PUBREL, we forward it on PUBLISH. They must also agree on each client's
//! connection story: every CONNACK's Session Present, every SUBACK's granted QoS, every UNSUBACK's
//! codes and how each connection ended (for example a take-over's DISCONNECT 0x8E in 5.0).
//!
//! Where the brokers differ on purpose, [`deliberate`] states both sides' deliveries (or connection
//! story) for that client with the rule that allows it, so the test still fails if either broker
//! changes. A mosquitto version that has since come round to our behaviour must then agree with us.
//!
//! Scenario clients never reconnect on their own here: the harness clears `reconnect_after_ms` and
//! the drivers do not reconnect, so after a take-over the old connection stays closed. `cut_link`
//! and faults are not supported (a real link cannot replay them), and every scenario sets `end_ms`
//! (the default ten quiet seconds would be ten real seconds).
//!
//! Run one or a few, with the table:
//! `MQTT_DIFFERENTIAL=name,name cargo test -p mqtt-cli --test differential -- --nocapture`.

mod common;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use common::Mosquitto;
use mqtt_cli::driver::{Driver, DriverConfig};
use mqtt_cli::transport::Endpoint;
use mqtt_core::client::{ClientSession, CloseReason, EventKind};
use mqtt_core::codec::{QoS, ReasonCode, RetainHandling, SubscriptionOptions};
use mqtt_core::message::{Message, MessageProperties};
use mqtt_sim::world::client_options;
use mqtt_sim::{Action, ClientSpec, Scenario, SimEventKind, World};

/// Scenarios run at the same time (each has its own mosquitto and one thread per client; they
/// mostly sleep, so this is about wall time, not cores).
const PARALLEL: usize = 6;

/// One message as a client's application received it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Delivery {
    topic: String,
    payload: String,
    qos: u8,
    retain: bool,
}

impl fmt::Display for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:?} QoS {} RETAIN={}",
            self.topic, self.payload, self.qos, self.retain as u8
        )
    }
}

/// A client's deliveries as MQTT orders them: per (topic, QoS), the (payload, RETAIN) sequence.
type Streams = BTreeMap<(String, u8), Vec<(String, bool)>>;

fn streams<'a>(deliveries: impl IntoIterator<Item = &'a Delivery>) -> Streams {
    let mut streams = Streams::new();
    for d in deliveries {
        streams
            .entry((d.topic.clone(), d.qos))
            .or_default()
            .push((d.payload.clone(), d.retain));
    }
    streams
}

/// What one scenario client saw.
#[derive(Debug, Default, Clone)]
struct Observed {
    /// Messages delivered to the application, in arrival order.
    deliveries: Vec<Delivery>,
    /// CONNACKs, SUBACKs, UNSUBACKs and closes, in order.
    story: Vec<String>,
}

impl Observed {
    fn observe(&mut self, kind: &EventKind) {
        match kind {
            EventKind::MessageDelivered { message, .. } => self.deliveries.push(Delivery {
                topic: message.topic().to_string(),
                payload: String::from_utf8_lossy(&message.payload).into_owned(),
                qos: message.qos.level(),
                retain: message.retain,
            }),
            EventKind::Connected { session_present } => self.story.push(format!(
                "CONNACK session present={}",
                *session_present as u8
            )),
            EventKind::Subscribed { results, .. } => {
                for result in results {
                    let granted = match result.granted {
                        Ok(qos) => format!("granted QoS {}", qos.level()),
                        Err(code) => format!("refused 0x{:02X}", code.0),
                    };
                    self.story
                        .push(format!("SUBACK {}: {granted}", result.filter));
                }
            }
            EventKind::Unsubscribed { filters, codes, .. } => {
                let codes: Vec<String> = codes.iter().map(|c| format!("0x{:02X}", c.0)).collect();
                self.story.push(format!(
                    "UNSUBACK {}: [{}]",
                    filters.join(", "),
                    codes.join(", ")
                ));
            }
            EventKind::Closed(reason) => self.story.push(match reason {
                CloseReason::Disconnected => "closed: we sent DISCONNECT".into(),
                CloseReason::ConnectionLost => "closed: connection lost".into(),
                CloseReason::ServerDisconnected { code, name, .. } => {
                    format!("closed: DISCONNECT from the broker 0x{:02X} {name}", code.0)
                }
                other => format!("closed: {other:?}"),
            }),
            _ => {}
        }
    }
}

/// Every client's observations, by its name in the scenario.
type Outcome = BTreeMap<String, Observed>;

/// A delivery written out: (topic, payload, QoS, RETAIN).
type D = (&'static str, &'static str, u8, bool);

/// A difference between our broker and mosquitto that the specification allows or demands, stated
/// for one client of one scenario with both sides' exact expectation.
struct Deliberate {
    scenario: &'static str,
    client: &'static str,
    /// The rule, with its edition.
    rule: &'static str,
    why: &'static str,
    differs: Differs,
    /// The first mosquitto version that behaves as we do (then both sides must agree).
    mosquitto_fixed_in: Option<(u32, u32, u32)>,
}

enum Differs {
    /// Deliveries, compared as [`Streams`].
    Deliveries {
        ours: &'static [D],
        mosquitto: &'static [D],
    },
    /// The connection story.
    Story {
        ours: &'static [&'static str],
        mosquitto: &'static [&'static str],
    },
}

/// The old connection's story in a 5.0 take-over: we send DISCONNECT 0x8E before closing.
const TAKEN_OVER_OURS: &[&str] = &[
    "CONNACK session present=0",
    "SUBACK cmd/#: granted QoS 1",
    "closed: DISCONNECT from the broker 0x8E Session taken over",
];
/// mosquitto before 2.0.15 just closes the connection (eclipse/mosquitto#2607).
const TAKEN_OVER_MOSQUITTO: &[&str] = &[
    "CONNACK session present=0",
    "SUBACK cmd/#: granted QoS 1",
    "closed: connection lost",
];

fn taken_over_5(scenario: &'static str) -> Deliberate {
    Deliberate {
        scenario,
        client: "old",
        rule: "MQTT-3.1.4-3 (5.0)",
        why: "on a take-over the server sends the existing 5.0 client DISCONNECT 0x8E (Session taken \
              over) and closes; mosquitto before 2.0.15 only closes (eclipse/mosquitto#2607)",
        differs: Differs::Story {
            ours: TAKEN_OVER_OURS,
            mosquitto: TAKEN_OVER_MOSQUITTO,
        },
        mosquitto_fixed_in: Some((2, 0, 15)),
    }
}

fn deliberate() -> Vec<Deliberate> {
    vec![
        Deliberate {
            scenario: "overlapping_subscriptions_5",
            client: "subscriber",
            rule: "MQTT-3.3.4-2 (5.0)",
            why: "overlapping subscriptions: the server MUST deliver respecting the highest QoS of the \
                  matching subscriptions and MAY send one more copy per further matching subscription; \
                  we send one copy at the highest QoS (with every Subscription Identifier, \
                  MQTT-3.3.4-3), mosquitto sends one copy per subscription to a 5.0 client (to a \
                  3.1.1 client it sends one, as we do)",
            differs: Differs::Deliveries {
                ours: &[
                    ("a/b/c", "both match, QoS 2", 2, false),
                    ("a/b/d", "only a/# matches", 1, false),
                    ("a/b/c", "both match, QoS 0", 0, false),
                    ("a/x/c", "both match, QoS 1", 1, false),
                ],
                mosquitto: &[
                    ("a/b/c", "both match, QoS 2", 2, false),
                    ("a/b/c", "both match, QoS 2", 1, false),
                    ("a/b/d", "only a/# matches", 1, false),
                    ("a/b/c", "both match, QoS 0", 0, false),
                    ("a/b/c", "both match, QoS 0", 0, false),
                    ("a/x/c", "both match, QoS 1", 1, false),
                    ("a/x/c", "both match, QoS 1", 1, false),
                ],
            },
            mosquitto_fixed_in: None,
        },
        Deliberate {
            scenario: "takeover_persistent_311",
            client: "watcher",
            rule: "MQTT-3.1.2-8 (3.1.1)",
            why: "3.1.1: the will MUST be published when the network connection closes unless a \
                  DISCONNECT deleted it, and a take-over closes the old connection without one; \
                  mosquitto drops the will when the new connection resumes the session (the 5.0 \
                  rule MQTT-3.1.3-9, which we follow for 5.0 clients)",
            differs: Differs::Deliveries {
                ours: &[("device/will", "old connection gone", 1, false)],
                mosquitto: &[],
            },
            mosquitto_fixed_in: None,
        },
        taken_over_5("takeover_clean_5"),
        taken_over_5("takeover_clean_by_persistent_5"),
        taken_over_5("takeover_persistent_5"),
    ]
}

/// The mosquitto on this machine, e.g. (2, 0, 11).
fn mosquitto_version() -> (u32, u32, u32) {
    let output = std::process::Command::new(common::tool("mosquitto"))
        .arg("-h")
        .output()
        .expect("run mosquitto -h");
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text
        .split_whitespace()
        .skip_while(|word| *word != "version")
        .nth(1)
        .unwrap_or_else(|| panic!("no version in `mosquitto -h`: {text}"));
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

fn expected_list(list: &[D]) -> Vec<Delivery> {
    list.iter()
        .map(|&(topic, payload, qos, retain)| Delivery {
            topic: topic.into(),
            payload: payload.into(),
            qos,
            retain,
        })
        .collect()
}

fn expected(list: &[D]) -> Streams {
    streams(&expected_list(list))
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

// --- Scenarios ---------------------------------------------------------------------------------

fn load_scenarios() -> Vec<(String, Scenario)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let only: Option<Vec<String>> = std::env::var("MQTT_DIFFERENTIAL")
        .ok()
        .map(|list| list.split(',').map(|s| s.trim().to_string()).collect());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    let mut scenarios = Vec::new();
    for path in paths {
        let name = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("a UTF-8 file name")
            .to_string();
        if only.as_ref().is_some_and(|only| !only.contains(&name)) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read a scenario");
        let mut scenario = Scenario::from_json(&text)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        assert!(
            scenario.end_ms.is_some(),
            "{name}: set end_ms (it is real time against mosquitto)"
        );
        assert!(
            scenario.faults.is_empty() && !scenario.link.is_teaching_mode(),
            "{name}: the differential test needs lossless links without faults"
        );
        for client in &mut scenario.clients {
            client.reconnect_after_ms = None;
            assert!(
                client.link.is_none(),
                "{name}: per-client links are not supported"
            );
        }
        for action in &scenario.actions {
            assert!(
                action.action != Action::CutLink,
                "{name}: cut_link cannot be replayed against a real broker"
            );
        }
        scenarios.push((name, scenario));
    }
    scenarios
}

// --- Our broker, in the simulator ----------------------------------------------------------------

/// Runs the scenario in the simulator: what each client saw, and the scripted actions that failed.
fn run_ours(scenario: &Scenario) -> (Outcome, Vec<String>) {
    let mut outcome: Outcome = scenario
        .clients
        .iter()
        .map(|c| (c.name.clone(), Observed::default()))
        .collect();
    let mut problems = Vec::new();
    let mut world = World::new(scenario.clone()).expect("a valid scenario");
    for event in world.run(1_000_000) {
        match &event.kind {
            SimEventKind::Client(kind) => {
                if let Some(observed) = outcome.get_mut(&event.actor) {
                    observed.observe(kind);
                }
            }
            SimEventKind::ActionFailed { action, error } => problems.push(format!(
                "simulator: {} at {} ms: {action}: {error}",
                event.actor, event.at
            )),
            _ => {}
        }
    }
    (outcome, problems)
}

// --- mosquitto, through drivers --------------------------------------------------------------------

/// What a client thread does at a time.
#[derive(Debug, Clone)]
enum Step {
    Do(Action),
    /// The end of a sleep: connect the same session again.
    Wake,
}

/// One client's steps in time order (scenario order among equal times).
fn plan(scenario: &Scenario, spec: &ClientSpec) -> Vec<(u64, Step)> {
    let mut steps = Vec::new();
    if spec.connect_at_start {
        steps.push((0, Step::Do(Action::Connect)));
    }
    for action in scenario.actions.iter().filter(|a| a.actor == spec.name) {
        steps.push((action.at_ms, Step::Do(action.action.clone())));
        if let Action::Sleep { for_ms } = action.action {
            steps.push((action.at_ms + for_ms, Step::Wake));
        }
    }
    steps.sort_by_key(|(at, _)| *at);
    steps
}

/// A scenario client on a real connection.
struct RealClient {
    driver: Driver,
    started: bool,
    /// Between a `sleep` and its wake.
    asleep: bool,
    start: Instant,
    observed: Observed,
    problems: Vec<String>,
    /// Driver errors (e.g. the connection closed by a take-over): expected in some scenarios, shown
    /// when a scenario fails.
    notes: Vec<String>,
    name: String,
}

impl RealClient {
    fn elapsed_ms(&self) -> u128 {
        self.start.elapsed().as_millis()
    }

    fn collect(&mut self) {
        while let Some(event) = self.driver.poll_event() {
            self.observed.observe(&event.kind);
        }
    }

    /// Runs the connection (reads, acknowledgements, keep-alive) until `deadline`.
    fn run_until(&mut self, deadline: Instant) {
        loop {
            self.collect();
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            let wait = (deadline - now).min(Duration::from_millis(10));
            if !self.started || self.driver.is_finished() {
                thread::sleep(wait);
                continue;
            }
            if let Err(error) = self.driver.step(wait) {
                let at = self.elapsed_ms();
                self.notes
                    .push(format!("{} at {at} ms: {error}", self.name));
            }
        }
    }

    fn execute(&mut self, step: Step) {
        let at = self.elapsed_ms();
        let result: Result<(), String> = match step {
            // A wake only reconnects a sleeper: an early `wake` action makes the wake planned at
            // the end of the sleep a no-op, as in the simulator.
            Step::Wake | Step::Do(Action::Wake) if !self.asleep => Ok(()),
            Step::Wake | Step::Do(Action::Wake | Action::Connect) => {
                self.asleep = false;
                let result = if self.started {
                    self.driver.restart()
                } else {
                    self.driver.start()
                };
                self.started = true;
                result.map_err(|e| e.to_string())
            }
            Step::Do(Action::Disconnect) => self
                .driver
                .disconnect(ReasonCode::SUCCESS)
                .map_err(|e| e.to_string()),
            Step::Do(Action::Sleep { .. }) => {
                self.asleep = true;
                self.driver
                    .disconnect(ReasonCode::SUCCESS)
                    .map_err(|e| e.to_string())
            }
            Step::Do(Action::Kill) => {
                self.driver.abort();
                Ok(())
            }
            Step::Do(Action::Subscribe {
                filter,
                qos,
                no_local,
                retain_as_published,
                retain_handling,
            }) => {
                let options = SubscriptionOptions {
                    qos: QoS::from_bits(qos).expect("a checked QoS"),
                    no_local,
                    retain_as_published,
                    retain_handling: match retain_handling {
                        1 => RetainHandling::SendIfNew,
                        2 => RetainHandling::DoNotSend,
                        _ => RetainHandling::SendOnSubscribe,
                    },
                };
                self.driver
                    .session_mut()
                    .subscribe(vec![(filter, options)], None)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            Step::Do(Action::Unsubscribe { filter }) => self
                .driver
                .session_mut()
                .unsubscribe(vec![filter])
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Step::Do(Action::Publish {
                topic,
                payload,
                qos,
                retain,
                properties,
            }) => {
                let mut message = Message::new(
                    &topic,
                    payload.into_bytes(),
                    QoS::from_bits(qos).expect("a checked QoS"),
                    retain,
                )
                .expect("a checked topic");
                message.properties = MessageProperties {
                    message_expiry_interval: properties.message_expiry_s,
                    content_type: properties.content_type,
                    response_topic: properties.response_topic,
                    user_properties: properties.user_properties,
                    ..MessageProperties::default()
                };
                self.driver
                    .session_mut()
                    .publish(message)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            Step::Do(Action::CutLink) => Err("cut_link is not supported".into()),
        };
        if let Err(error) = result {
            self.problems
                .push(format!("mosquitto run: {} at {at} ms: {error}", self.name));
        }
        // Out now, not at the next step.
        if self.started && !self.driver.is_finished() {
            if let Err(error) = self.driver.transmit() {
                self.notes
                    .push(format!("{} at {at} ms: {error}", self.name));
            }
        }
        self.collect();
    }
}

/// What the run against mosquitto gave.
struct RealRun {
    outcome: Outcome,
    problems: Vec<String>,
    notes: Vec<String>,
    log: String,
}

fn run_mosquitto(scenario: &Scenario) -> RealRun {
    let broker = Mosquitto::start();
    let end = Duration::from_millis(scenario.end());
    // A little ahead, so every thread is waiting when the clock starts.
    let start = Instant::now() + Duration::from_millis(50);
    let port = broker.port;
    let clients: Vec<RealClient> = thread::scope(|scope| {
        let handles: Vec<_> = scenario
            .clients
            .iter()
            .map(|spec| {
                let steps = plan(scenario, spec);
                scope.spawn(move || {
                    let mut config = DriverConfig::new(Endpoint::Tcp {
                        host: "127.0.0.1".into(),
                        port,
                    });
                    config.io_timeout = Duration::from_secs(5);
                    config.linger = Duration::from_millis(300);
                    config.reconnect.enabled = false;
                    let session =
                        ClientSession::new(client_options(spec)).expect("valid client options");
                    let mut client = RealClient {
                        driver: Driver::new(session, config),
                        started: false,
                        asleep: false,
                        start,
                        observed: Observed::default(),
                        problems: Vec::new(),
                        notes: Vec::new(),
                        name: spec.name.clone(),
                    };
                    for (at, step) in steps {
                        client.run_until(start + Duration::from_millis(at));
                        client.execute(step);
                    }
                    client.run_until(start + end);
                    client
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a client thread"))
            .collect()
    });
    let mut run = RealRun {
        outcome: Outcome::new(),
        problems: Vec::new(),
        notes: Vec::new(),
        log: broker.log(),
    };
    for client in clients {
        run.problems.extend(client.problems);
        run.notes.extend(client.notes);
        run.outcome.insert(client.name, client.observed);
    }
    run
}

// --- Comparing ---------------------------------------------------------------------------------

enum Verdict {
    Pass,
    /// Passed with these deliberate differences (rules).
    Deliberate(Vec<&'static str>),
    Fail(String),
}

struct Report {
    name: String,
    clients: usize,
    ours: usize,
    theirs: usize,
    seconds: f64,
    verdict: Verdict,
}

fn list(deliveries: &[Delivery]) -> String {
    if deliveries.is_empty() {
        return "      (nothing)\n".into();
    }
    deliveries.iter().map(|d| format!("      {d}\n")).collect()
}

fn compare(
    name: &str,
    scenario: &Scenario,
    deliberate: &[Deliberate],
    mosquitto: (u32, u32, u32),
) -> Report {
    let started = Instant::now();
    let (ours, mut problems) = run_ours(scenario);
    let real = run_mosquitto(scenario);
    problems.extend(real.problems.iter().cloned());
    let mut failures = String::new();
    let mut rules = Vec::new();
    for spec in &scenario.clients {
        let client = spec.name.as_str();
        let (mine, theirs) = (&ours[client], &real.outcome[client]);
        let mut explained = String::new();
        let mut deliveries_ok = None;
        let mut story_ok = None;
        for d in deliberate
            .iter()
            .filter(|d| d.scenario == name && d.client == client)
        {
            // A mosquitto that behaves as we do must agree with us.
            let fixed = d.mosquitto_fixed_in.is_some_and(|v| mosquitto >= v);
            if !fixed {
                rules.push(d.rule);
            }
            match d.differs {
                Differs::Deliveries {
                    ours: want,
                    mosquitto: theirs_want,
                } => {
                    let theirs_want = if fixed { want } else { theirs_want };
                    deliveries_ok = Some(
                        streams(&mine.deliveries) == expected(want)
                            && streams(&theirs.deliveries) == expected(theirs_want),
                    );
                    explained.push_str(&format!(
                        "    deliberate difference ({}: {}):\n    ours expected:\n{}    mosquitto expected:\n{}",
                        d.rule,
                        d.why,
                        list(&expected_list(want)),
                        list(&expected_list(theirs_want))
                    ));
                }
                Differs::Story {
                    ours: want,
                    mosquitto: theirs_want,
                } => {
                    let theirs_want = if fixed { want } else { theirs_want };
                    story_ok =
                        Some(mine.story == strings(want) && theirs.story == strings(theirs_want));
                    explained.push_str(&format!(
                        "    deliberate difference ({}: {}):\n    story, ours expected:      {want:?}\n    story, mosquitto expected: {theirs_want:?}\n",
                        d.rule, d.why
                    ));
                }
            }
        }
        let deliveries_ok = deliveries_ok
            .unwrap_or_else(|| streams(&mine.deliveries) == streams(&theirs.deliveries));
        let story_ok = story_ok.unwrap_or_else(|| mine.story == theirs.story);
        if deliveries_ok && story_ok {
            continue;
        }
        failures.push_str(&format!("  client {client}:\n{explained}"));
        failures.push_str(&format!(
            "    ours (simulator):\n{}    mosquitto:\n{}",
            list(&mine.deliveries),
            list(&theirs.deliveries)
        ));
        failures.push_str(&format!(
            "    story, ours:      {:?}\n    story, mosquitto: {:?}\n",
            mine.story, theirs.story
        ));
    }
    if !problems.is_empty() {
        failures.push_str(&format!(
            "  actions failed:\n    {}\n",
            problems.join("\n    ")
        ));
    }
    if !failures.is_empty() && !real.notes.is_empty() {
        failures.push_str(&format!(
            "  driver notes:\n    {}\n",
            real.notes.join("\n    ")
        ));
    }
    if !failures.is_empty() {
        failures.push_str(&format!("  mosquitto log:\n{}", real.log));
    }
    rules.sort_unstable();
    rules.dedup();
    let verdict = if !failures.is_empty() {
        Verdict::Fail(failures)
    } else if rules.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Deliberate(rules)
    };
    Report {
        name: name.to_string(),
        clients: scenario.clients.len(),
        ours: ours.values().map(|o| o.deliveries.len()).sum(),
        theirs: real.outcome.values().map(|o| o.deliveries.len()).sum(),
        seconds: started.elapsed().as_secs_f64(),
        verdict,
    }
}

#[test]
fn our_broker_and_mosquitto_deliver_the_same() {
    let started = Instant::now();
    let scenarios = load_scenarios();
    assert!(!scenarios.is_empty(), "no scenario selected");
    let deliberate = deliberate();
    let version = mosquitto_version();
    if std::env::var_os("MQTT_DIFFERENTIAL").is_none() {
        assert!(scenarios.len() >= 20, "at least 20 differential scenarios");
        for d in &deliberate {
            let scenario = scenarios.iter().find(|(name, _)| name == d.scenario);
            assert!(
                scenario.is_some_and(|(_, s)| s.client(d.client).is_some()),
                "DELIBERATE names {}/{}, which does not exist",
                d.scenario,
                d.client
            );
        }
    }
    let next = AtomicUsize::new(0);
    let reports = Mutex::new(Vec::new());
    thread::scope(|scope| {
        for _ in 0..PARALLEL.min(scenarios.len()) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some((name, scenario)) = scenarios.get(index) else {
                    return;
                };
                let report = compare(name, scenario, &deliberate, version);
                reports.lock().expect("lock").push(report);
            });
        }
    });
    let mut reports = reports.into_inner().expect("lock");
    reports.sort_by(|a, b| a.name.cmp(&b.name));

    let mut table = format!(
        "\ndifferential: our broker (simulator) vs mosquitto {}.{}.{}\n{:<34} {:>7} {:>16} {:>6}  result\n",
        version.0, version.1, version.2, "scenario", "clients", "ours/mosquitto", "secs"
    );
    for report in &reports {
        let result = match &report.verdict {
            Verdict::Pass => "pass".to_string(),
            Verdict::Deliberate(rules) => format!("pass (deliberate: {})", rules.join("; ")),
            Verdict::Fail(_) => "FAIL".to_string(),
        };
        table.push_str(&format!(
            "{:<34} {:>7} {:>16} {:>6.1}  {result}\n",
            report.name,
            report.clients,
            format!("{}/{}", report.ours, report.theirs),
            report.seconds
        ));
    }
    let failed: Vec<&Report> = reports
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Fail(_)))
        .collect();
    table.push_str(&format!(
        "{} scenarios, {} failed, {:.1} s\n",
        reports.len(),
        failed.len(),
        started.elapsed().as_secs_f64()
    ));
    println!("{table}");
    for report in &failed {
        if let Verdict::Fail(details) = &report.verdict {
            println!("--- {} ---\n{details}", report.name);
        }
    }
    assert!(
        failed.is_empty(),
        "{} scenario(s) differ: see above",
        failed.len()
    );
}
