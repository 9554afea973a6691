//! `bench-flood`: the native flooding publisher behind `cargo xtask bench browser`.
//!
//! It publishes `--count` messages to `--topic` over several TCP connections as fast as the broker
//! takes them, so that the page subscribing over WebSocket is the only bottleneck (`mosquitto_pub -l`
//! tops out near 22,000 messages/s; this reaches ~100,000/s at QoS 0 on loopback):
//!
//! * every packet is encoded before the clock starts (mqtt-core's encoder), and written in large
//!   writes: all of a connection's QoS 0 packets in one `write_all`; at QoS 1/2 each refill of the
//!   window in one write, together with the PUBRELs the last read asked for;
//! * each connection keeps at most `--window` (≤ 20) QoS 1/2 messages open: mosquitto resets a
//!   connection with more than `max_inflight_messages` (20) incoming QoS 2 messages open;
//! * at the end every connection sends PINGREQ and waits for PINGRESP: mosquitto answers in order,
//!   so the answer proves the broker has read every PUBLISH before it (at QoS 1/2 the last
//!   acknowledgement proves it too).
//!
//! Message `i` (0-based, across all connections) has a payload of `--size` bytes starting with `i` as
//! 16 zero-padded decimal digits, padded with `x`: receivers check for gaps and duplicates with it.
//! Prints one JSON line: `{"messages":…,"seconds":…,"rate":…,"connections":…,"cpu_seconds":…}`.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use clap::Parser;
use mqtt_core::codec::{decode, frame_len, Connect, Packet, ProtocolVersion, PubResponse, Publish};
use mqtt_core::{QoS, TopicName};

const VERSION: ProtocolVersion = ProtocolVersion::V311;
/// Digits of the message number at the start of each payload.
const INDEX_DIGITS: usize = 16;

/// Floods a broker with pre-built PUBLISH packets (a benchmark load generator).
#[derive(Parser, Debug, Clone)]
#[command(name = "bench-flood")]
struct Args {
    /// Broker host (MQTT over TCP).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Broker port.
    #[arg(long, default_value_t = 1883)]
    port: u16,
    /// Topic to publish to.
    #[arg(long)]
    topic: String,
    /// Messages in all.
    #[arg(long)]
    count: u64,
    /// QoS 0, 1 or 2.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    qos: u8,
    /// Payload bytes (at least 16: the message number).
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(16..))]
    size: u32,
    /// TCP connections sharing the messages.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    connections: u32,
    /// QoS 1/2 messages open per connection at most.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=20))]
    window: u16,
    /// Client id prefix (the connection number is appended).
    #[arg(long, default_value = "bench-flood")]
    client_id: String,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench-flood: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> io::Result<()> {
    let qos = QoS::from_bits(args.qos).unwrap_or_default();
    let connections = u64::from(args.connections).min(args.count.max(1));
    let barrier = Arc::new(Barrier::new(connections as usize + 1));
    let mut threads = Vec::new();
    for connection in 0..connections {
        let first = args.count * connection / connections;
        let end = args.count * (connection + 1) / connections;
        let (args, barrier) = (args.clone(), barrier.clone());
        threads.push(std::thread::spawn(move || {
            let mut flood = Flood::connect(&args, connection, qos)?;
            let packets = Packets::build(&args, qos, first..end)?;
            barrier.wait();
            flood.send(&packets, args.window)
        }));
    }
    // Every connection is open and every packet built: the clock starts now.
    barrier.wait();
    let started = Instant::now();
    let mut failure = None;
    for thread in threads {
        match thread.join() {
            Ok(Ok(())) => {}
            Ok(Err(error)) => failure = Some(error),
            Err(_) => failure = Some(io::Error::other("a connection's thread panicked")),
        }
    }
    if let Some(error) = failure {
        return Err(error);
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"messages\":{},\"seconds\":{seconds:.6},\"rate\":{:.0},\"connections\":{connections},\"qos\":{},\"size\":{},\"cpu_seconds\":{:.3}}}",
        args.count,
        args.count as f64 / seconds,
        args.qos,
        args.size,
        cpu_seconds().unwrap_or(f64::NAN)
    );
    Ok(())
}

/// This process's CPU time so far (user + system, all threads), from `/proc/self/stat` (Linux).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ, the unit of these fields, is 100 on Linux.
    Some(ticks / 100.0)
}

/// One connection's messages, encoded back to back, and where each packet starts.
struct Packets {
    bytes: Vec<u8>,
    starts: Vec<usize>,
}

impl Packets {
    fn build(args: &Args, qos: QoS, indices: std::ops::Range<u64>) -> io::Result<Self> {
        let topic = TopicName::new(&args.topic).map_err(|v| invalid(format!("topic: {v}")))?;
        let mut payload = vec![b'x'; args.size as usize];
        let mut packets = Packets {
            bytes: Vec::new(),
            starts: Vec::with_capacity(indices.clone().count() + 1),
        };
        for (n, index) in indices.enumerate() {
            let digits = format!("{index:0width$}", width = INDEX_DIGITS);
            payload[..INDEX_DIGITS].copy_from_slice(digits.as_bytes());
            let publish = Publish {
                qos,
                packet_id: (qos != QoS::AtMostOnce).then(|| packet_id(n)),
                ..Publish::new(topic, &payload)
            };
            packets.starts.push(packets.bytes.len());
            Packet::Publish(publish)
                .encode(VERSION, &mut packets.bytes)
                .map_err(|error| invalid(error.to_string()))?;
        }
        packets.starts.push(packets.bytes.len());
        Ok(packets)
    }

    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// The bytes of packets `from..to`.
    fn range(&self, from: usize, to: usize) -> &[u8] {
        &self.bytes[self.starts[from]..self.starts[to]]
    }
}

/// The `n`-th packet id of a connection: 1 to 65,535, then again (at most 20 are ever open).
fn packet_id(n: usize) -> u16 {
    (n % 65_535) as u16 + 1
}

/// A connected publisher.
struct Flood {
    stream: TcpStream,
    qos: QoS,
    /// Bytes read and not yet decoded start at `at`.
    received: Vec<u8>,
    at: usize,
}

impl Flood {
    fn connect(args: &Args, connection: u64, qos: QoS) -> io::Result<Self> {
        let mut stream = TcpStream::connect((args.host.as_str(), args.port))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        let client_id = format!("{}-{connection}", args.client_id);
        let mut bytes = Vec::new();
        Packet::Connect(Box::new(Connect::new(VERSION, &client_id, 0)))
            .encode(VERSION, &mut bytes)
            .map_err(|error| invalid(error.to_string()))?;
        stream.write_all(&bytes)?;
        let mut flood = Flood {
            stream,
            qos,
            received: Vec::new(),
            at: 0,
        };
        match flood.next_packet()? {
            Incoming::ConnAck(0) => Ok(flood),
            Incoming::ConnAck(code) => Err(invalid(format!("CONNACK refused: code {code}"))),
            _ => Err(invalid("expected CONNACK".into())),
        }
    }

    /// Sends every packet, keeping at most `window` QoS 1/2 messages open, then PINGREQ → PINGRESP.
    fn send(&mut self, packets: &Packets, window: u16) -> io::Result<()> {
        if self.qos == QoS::AtMostOnce {
            self.stream.write_all(packets.range(0, packets.len()))?;
        } else {
            let (mut next, mut open, mut done) = (0usize, 0usize, 0usize);
            let mut out = Vec::new();
            while done < packets.len() {
                let from = next;
                while open < usize::from(window) && next < packets.len() {
                    next += 1;
                    open += 1;
                }
                out.extend_from_slice(packets.range(from, next));
                if !out.is_empty() {
                    self.stream.write_all(&out)?;
                    out.clear();
                }
                // Everything the last read brought, then one write with the answers and the refill.
                loop {
                    match self.next_packet()? {
                        Incoming::PubAck if self.qos == QoS::AtLeastOnce => {
                            (open, done) = (open - 1, done + 1)
                        }
                        Incoming::PubComp if self.qos == QoS::ExactlyOnce => {
                            (open, done) = (open - 1, done + 1)
                        }
                        Incoming::PubRec(id) if self.qos == QoS::ExactlyOnce => {
                            Packet::PubRel(PubResponse::new(id))
                                .encode(VERSION, &mut out)
                                .map_err(|error| invalid(error.to_string()))?;
                        }
                        other => return Err(invalid(format!("unexpected {other:?}"))),
                    }
                    if !self.has_packet()? {
                        break;
                    }
                }
            }
        }
        let mut ping = Vec::new();
        Packet::PingReq
            .encode(VERSION, &mut ping)
            .map_err(|error| invalid(error.to_string()))?;
        self.stream.write_all(&ping)?;
        loop {
            if let Incoming::PingResp = self.next_packet()? {
                break;
            }
        }
        let _ = self.stream.write_all(&[0xE0, 0x00]); // DISCONNECT
        Ok(())
    }

    /// Whether a whole packet is already buffered.
    fn has_packet(&self) -> io::Result<bool> {
        let rest = &self.received[self.at..];
        Ok(frame_len(rest, VERSION)
            .map_err(|error| invalid(error.to_string()))?
            .is_some_and(|len| len <= rest.len()))
    }

    /// The next packet from the broker, reading as much as is there.
    fn next_packet(&mut self) -> io::Result<Incoming> {
        let mut chunk = [0u8; 64 * 1024];
        loop {
            let rest = &self.received[self.at..];
            let decoded = decode(rest, VERSION).map_err(|e| invalid(e.to_string()))?;
            if let Some((packet, len)) = decoded {
                let incoming = match packet {
                    Packet::ConnAck(connack) => Incoming::ConnAck(connack.code.0),
                    Packet::PubAck(_) => Incoming::PubAck,
                    Packet::PubRec(rec) => Incoming::PubRec(rec.packet_id),
                    Packet::PubComp(_) => Incoming::PubComp,
                    Packet::PingResp => Incoming::PingResp,
                    other => Incoming::Other(format!("{:?}", other.packet_type())),
                };
                self.at += len;
                return Ok(incoming);
            }
            self.received.drain(..self.at);
            self.at = 0;
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the broker closed the connection",
                ));
            }
            self.received.extend_from_slice(&chunk[..n]);
        }
    }
}

#[derive(Debug)]
enum Incoming {
    ConnAck(u8),
    PubAck,
    PubRec(u16),
    PubComp,
    PingResp,
    // Only shown, in the error for an unexpected packet.
    #[allow(dead_code)]
    Other(String),
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}
