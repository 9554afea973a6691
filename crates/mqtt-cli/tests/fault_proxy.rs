//! Fault proxy: a TCP proxy between our clients and a real mosquitto that cuts connections at
//! seeded random byte counts, while a publisher streams QoS 1 and QoS 2 messages to a subscriber.
//! Both are persistent sessions (this crate's driver around mqtt-core's session) and reconnect
//! through the proxy after every cut.
//!
//! What must hold after at least 50 cuts: no QoS 1 message lost, no QoS 2 message lost, no QoS 2
//! message delivered twice (QoS 1 duplicates are allowed and counted). The counts are printed.
//! Set `MQTT_FAULT_SEED` to replay a seed.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::Mosquitto;
use mqtt_cli::driver::{Driver, DriverConfig, Reconnect};
use mqtt_cli::transport::Endpoint;
use mqtt_core::client::{ClientOptions, ClientSession, EventKind};
use mqtt_core::codec::{ProtocolVersion, QoS, ReasonCode, SubscriptionOptions};
use mqtt_core::message::Message;

/// Cuts required before the publisher may stop.
const MIN_CUTS: u32 = 60;
/// Messages the publisher sends at least (alternately QoS 1 and QoS 2).
const MIN_MESSAGES: u32 = 400;
/// A connection is cut after this many bytes (both directions together), drawn per connection.
const BUDGET: (u64, u64) = (40, 1500);
/// Everything must be over by then.
const DEADLINE: Duration = Duration::from_secs(90);

/// xorshift64*: tiny, seeded, good enough to place cuts.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> Self {
        XorShift(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

/// The proxy: accepts on a loopback port, forwards each connection to the broker, and cuts it
/// (both sides, mid-packet) once its byte budget is spent — while `cutting` is on.
struct Proxy {
    port: u16,
    cuts: Arc<AtomicU32>,
    cutting: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    accept_thread: Option<thread::JoinHandle<()>>,
}

impl Proxy {
    fn start(upstream: u16, seed: u64) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        listener.set_nonblocking(true).expect("non-blocking accept");
        let port = listener.local_addr().expect("proxy address").port();
        let cuts = Arc::new(AtomicU32::new(0));
        let cutting = Arc::new(AtomicBool::new(true));
        let stop = Arc::new(AtomicBool::new(false));
        let accept_thread = {
            let (cuts, cutting, stop) = (cuts.clone(), cutting.clone(), stop.clone());
            thread::spawn(move || {
                let mut rng = XorShift::new(seed);
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((client, _)) => {
                            let budget = rng.between(BUDGET.0, BUDGET.1);
                            if let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) {
                                Link::start(client, server, budget, &cuts, &cutting, &stop);
                            }
                        }
                        Err(_) => thread::sleep(Duration::from_millis(2)),
                    }
                }
            })
        };
        Proxy {
            port,
            cuts,
            cutting,
            stop,
            accept_thread: Some(accept_thread),
        }
    }

    fn cuts(&self) -> u32 {
        self.cuts.load(Ordering::Relaxed)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.accept_thread.take() {
            let _ = thread.join();
        }
    }
}

/// One proxied connection: two forwarding threads sharing a byte budget.
struct Link {
    client: TcpStream,
    server: TcpStream,
    budget: AtomicI64,
    cut: AtomicBool,
    cuts: Arc<AtomicU32>,
    cutting: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

impl Link {
    fn start(
        client: TcpStream,
        server: TcpStream,
        budget: u64,
        cuts: &Arc<AtomicU32>,
        cutting: &Arc<AtomicBool>,
        stop: &Arc<AtomicBool>,
    ) {
        let _ = client.set_nonblocking(false);
        let _ = client.set_nodelay(true);
        let _ = server.set_nodelay(true);
        let link = Arc::new(Link {
            client,
            server,
            budget: AtomicI64::new(i64::try_from(budget).unwrap_or(i64::MAX)),
            cut: AtomicBool::new(false),
            cuts: cuts.clone(),
            cutting: cutting.clone(),
            stop: stop.clone(),
        });
        for upstream in [true, false] {
            let link = link.clone();
            thread::spawn(move || link.forward(upstream));
        }
    }

    fn forward(&self, upstream: bool) {
        let (Ok(mut from), Ok(mut to)) = (
            if upstream { &self.client } else { &self.server }.try_clone(),
            if upstream { &self.server } else { &self.client }.try_clone(),
        ) else {
            return self.close();
        };
        let _ = from.set_read_timeout(Some(Duration::from_millis(50)));
        let mut chunk = [0u8; 4096];
        loop {
            if self.stop.load(Ordering::Relaxed) || self.cut.load(Ordering::Relaxed) {
                return self.close();
            }
            let n = match from.read(&mut chunk) {
                Ok(0) => return self.close(),
                Ok(n) => n,
                Err(error)
                    if matches!(
                        error.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue
                }
                Err(_) => return self.close(),
            };
            let before = self.budget.fetch_sub(n as i64, Ordering::Relaxed);
            if self.cutting.load(Ordering::Relaxed) && before < n as i64 {
                // Forward up to the cut point (possibly mid-packet), then cut both sides.
                let keep = usize::try_from(before.max(0)).unwrap_or(0);
                let _ = to.write_all(&chunk[..keep]);
                if !self.cut.swap(true, Ordering::Relaxed) {
                    self.cuts.fetch_add(1, Ordering::Relaxed);
                }
                return self.close();
            }
            if to.write_all(&chunk[..n]).is_err() {
                return self.close();
            }
        }
    }

    fn close(&self) {
        self.cut.store(true, Ordering::Relaxed);
        let _ = self.client.shutdown(Shutdown::Both);
        let _ = self.server.shutdown(Shutdown::Both);
    }
}

/// Persistent-session options for our test clients.
fn persistent(version: ProtocolVersion, id: &str) -> ClientOptions {
    let mut options = ClientOptions::new(version, id);
    options.clean_start = false;
    if version.is_v5() {
        options.session_expiry_interval = 600;
    }
    options
}

/// A driver through the proxy that reconnects quickly and keeps trying (also on its first try).
fn driver(options: ClientOptions, proxy_port: u16) -> Driver {
    let mut config = DriverConfig::new(Endpoint::Tcp {
        host: "127.0.0.1".into(),
        port: proxy_port,
    });
    config.io_timeout = Duration::from_secs(5);
    config.reconnect = Reconnect {
        enabled: true,
        retry_first: true,
        initial_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(100),
        max_attempts: 1_000,
    };
    Driver::new(ClientSession::new(options).expect("valid options"), config)
}

/// What the subscriber saw, per QoS: sequence number -> deliveries.
#[derive(Default)]
struct Seen {
    by_qos: [BTreeMap<u32, u32>; 3],
}

/// What the publisher published, per QoS: how many sequence numbers.
#[derive(Default)]
struct Published {
    sequences: [Vec<u32>; 3],
    done: bool,
}

fn payload(qos: QoS, sequence: u32) -> String {
    format!("q{}-{sequence:06}", qos.level())
}

fn parse(payload: &[u8]) -> Option<(usize, u32)> {
    let text = std::str::from_utf8(payload).ok()?;
    let (qos, sequence) = text.strip_prefix('q')?.split_once('-')?;
    Some((qos.parse().ok()?, sequence.parse().ok()?))
}

fn run_subscriber(
    version: ProtocolVersion,
    proxy_port: u16,
    ready: &AtomicBool,
    published: &Mutex<Published>,
    seen: &Mutex<Seen>,
    deadline: Instant,
) -> (u32, u64) {
    let mut sub = driver(persistent(version, "fault-sub"), proxy_port);
    sub.start().expect("subscriber start");
    let mut complete_since: Option<Instant> = None;
    while Instant::now() < deadline {
        sub.step(Duration::from_millis(20))
            .unwrap_or_else(|error| panic!("subscriber: {error}"));
        while let Some(event) = sub.poll_event() {
            match event.kind {
                // A fresh session needs the subscription; a resumed one has it, and a request not
                // yet acknowledged is resent by the session itself.
                EventKind::Connected { session_present }
                    if !session_present && sub.session().subscriptions().is_empty() =>
                {
                    sub.session_mut()
                        .subscribe(
                            vec![(
                                "fault/#".to_string(),
                                SubscriptionOptions::qos(QoS::ExactlyOnce),
                            )],
                            None,
                        )
                        .expect("subscribe");
                }
                EventKind::Subscribed { .. } => ready.store(true, Ordering::Relaxed),
                EventKind::MessageDelivered { message, .. } => {
                    let (qos, sequence) =
                        parse(&message.payload).expect("a payload the publisher made");
                    *seen.lock().expect("lock").by_qos[qos]
                        .entry(sequence)
                        .or_insert(0) += 1;
                }
                _ => {}
            }
        }
        let complete = {
            let published = published.lock().expect("lock");
            let seen = seen.lock().expect("lock");
            published.done
                && [1, 2].iter().all(|&qos| {
                    published.sequences[qos]
                        .iter()
                        .all(|s| seen.by_qos[qos].contains_key(s))
                })
        };
        match (complete, complete_since) {
            (true, None) => complete_since = Some(Instant::now()),
            // Linger a little after the last message: a late duplicate would show up here.
            (true, Some(since)) if since.elapsed() > Duration::from_millis(500) => break,
            _ => {}
        }
    }
    finish(&mut sub, "subscriber");
    (sub.links_opened(), sub.resends_after_pubrel())
}

fn run_publisher(
    version: ProtocolVersion,
    proxy: &Proxy,
    ready: &AtomicBool,
    published: &Mutex<Published>,
    deadline: Instant,
) -> u32 {
    while !ready.load(Ordering::Relaxed) {
        assert!(Instant::now() < deadline, "the subscriber never subscribed");
        thread::sleep(Duration::from_millis(5));
    }
    let mut publisher = driver(persistent(version, "fault-pub"), proxy.port);
    publisher.start().expect("publisher start");
    let mut sequence = 0u32;
    loop {
        assert!(
            Instant::now() < deadline,
            "the publisher did not finish in time"
        );
        let enough = proxy.cuts() >= MIN_CUTS && sequence >= MIN_MESSAGES;
        if !enough {
            let session = publisher.session();
            let queued = session.pending().count() + session.outbound().len();
            for _ in queued..40 {
                let qos = if sequence.is_multiple_of(2) {
                    QoS::AtLeastOnce
                } else {
                    QoS::ExactlyOnce
                };
                let message = Message::new("fault/stream", payload(qos, sequence), qos, false)
                    .expect("valid message");
                publisher.session_mut().publish(message).expect("publish");
                published.lock().expect("lock").sequences[usize::from(qos.level())].push(sequence);
                sequence += 1;
            }
        } else {
            // Enough cuts: let the connections live so the stream can complete.
            proxy.cutting.store(false, Ordering::Relaxed);
            published.lock().expect("lock").done = true;
            if publisher.is_connected() && publisher.session().is_quiescent() {
                break;
            }
        }
        publisher
            .step(Duration::from_millis(20))
            .unwrap_or_else(|error| panic!("publisher: {error}"));
        while let Some(event) = publisher.poll_event() {
            if let EventKind::SessionLost { unacknowledged } = event.kind {
                panic!(
                    "mosquitto lost the publisher's persistent session ({} messages)",
                    unacknowledged.len()
                );
            }
        }
    }
    finish(&mut publisher, "publisher");
    publisher.links_opened()
}

/// A clean DISCONNECT, bounded.
fn finish(driver: &mut Driver, who: &str) {
    driver
        .disconnect(ReasonCode::SUCCESS)
        .unwrap_or_else(|error| panic!("{who}: {error}"));
    let until = Instant::now() + Duration::from_secs(5);
    while !driver.is_finished() && Instant::now() < until {
        driver
            .step(Duration::from_millis(20))
            .unwrap_or_else(|error| panic!("{who}: {error}"));
    }
}

fn fault_run(version: ProtocolVersion, label: &str, default_seed: u64) {
    let seed = std::env::var("MQTT_FAULT_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(default_seed);
    let broker = Mosquitto::start();
    let proxy = Proxy::start(broker.port, seed);
    let started = Instant::now();
    let deadline = started + DEADLINE;
    let ready = AtomicBool::new(false);
    let published = Mutex::new(Published::default());
    let seen = Mutex::new(Seen::default());
    let ((sub_links, resends_after_pubrel), pub_links) = thread::scope(|scope| {
        let subscriber = scope
            .spawn(|| run_subscriber(version, proxy.port, &ready, &published, &seen, deadline));
        let pub_links = run_publisher(version, &proxy, &ready, &published, deadline);
        (subscriber.join().expect("subscriber thread"), pub_links)
    });

    let published = published.into_inner().expect("lock");
    let seen = seen.into_inner().expect("lock");
    let mut lost = [0usize; 3];
    let mut duplicated = [0u32; 3];
    for qos in [1, 2] {
        lost[qos] = published.sequences[qos]
            .iter()
            .filter(|s| !seen.by_qos[qos].contains_key(s))
            .count();
        duplicated[qos] = seen.by_qos[qos].values().map(|n| n - 1).sum();
    }
    let cuts = proxy.cuts();
    println!(
        "fault proxy | {label} | seed {seed} | {cuts} cuts | published QoS 1: {}, QoS 2: {} | \
         lost QoS 1: {}, QoS 2: {} | duplicated QoS 1: {}, QoS 2: {} | links: publisher {pub_links}, \
         subscriber {sub_links} | QoS 2 resent by the broker after PUBREL (not delivered): \
         {resends_after_pubrel} | {:.1} s",
        published.sequences[1].len(),
        published.sequences[2].len(),
        lost[1],
        lost[2],
        duplicated[1],
        duplicated[2],
        started.elapsed().as_secs_f64()
    );
    let context = || format!("seed {seed}; mosquitto log:\n{}", broker.log());
    assert!(cuts >= 50, "only {cuts} cuts; {}", context());
    assert_eq!(lost[1], 0, "QoS 1 messages lost; {}", context());
    assert_eq!(lost[2], 0, "QoS 2 messages lost; {}", context());
    assert_eq!(duplicated[2], 0, "QoS 2 messages duplicated; {}", context());
}

#[test]
fn no_loss_and_no_qos2_duplicates_through_cuts_mqtt_311() {
    fault_run(ProtocolVersion::V311, "3.1.1", 0x5EED_0311);
}

#[test]
fn no_loss_and_no_qos2_duplicates_through_cuts_mqtt_5() {
    fault_run(ProtocolVersion::V5, "5.0", 0x5EED_0500);
}
