//! Our codec against rumqttc's mqttbytes, side by side in one criterion run.
//!
//! `cargo bench -p mqtt-core --bench codec` runs, for MQTT 3.1.1 (rumqttc `mqttbytes::v4`) and 5.0
//! (rumqttc `v5::mqttbytes::v5`):
//!
//! * `publish_1k_encode` / `publish_1k_decode`: one QoS 1 PUBLISH with a 1 KiB payload;
//! * `stream_encode` / `stream_decode`: a session-like stream of 200 small packets (QoS 0/1/2 PUBLISH
//!   with 16–64 B payloads and their PUBACK/PUBREC/PUBREL/PUBCOMP, PINGREQ/PINGRESP, SUBSCRIBE/SUBACK).
//!
//! Benchmarks are named `<group>/<v4|v5>/<ours|rumqttc>` so each pair sits together. After criterion
//! is done, the binary reads the estimates criterion wrote for this run and prints the ratio table
//! (throughput ours / rumqttc = time rumqttc / time ours).
//!
//! Fairness rules:
//! * packet structs (ours and theirs) are built once, outside the timed loops;
//! * both sides encode the same packets to byte-identical output (asserted) into a buffer reserved once
//!   with the same capacity and cleared before each iteration;
//! * decoding: ours reads from the slice; rumqttc's `Packet::read` consumes a `&mut BytesMut`, so each
//!   iteration gets a fresh copy made outside the timing (`iter_batched`, `BatchSize::SmallInput`);
//!   both drop their decoded packets inside the timing, as a real consumer would;
//! * every decode is checked once, outside the timing, against the packets that were encoded.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use bytes::BytesMut;
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput};
use mqtt_core::codec::{
    self, Packet, ProtocolVersion, PubResponse, Publish, ReasonCode, SubAck, Subscribe,
    Subscription, SubscriptionOptions,
};
use mqtt_core::{QoS, TopicFilter, TopicName};
use rumqttc::mqttbytes::v4 as r4;
use rumqttc::v5::mqttbytes::v5 as r5;

/// rumqttc's limit on incoming packets; generous so it never fires.
const MAX_SIZE: usize = 1 << 20;
const TOPIC: &str = "esp32-kitchen/sensors/temperature";
const PUBLISH_1K_PACKET_ID: u16 = 4242;

// ---------------------------------------------------------------------------------------------------
// The workload, described once and built for each library.

/// One packet of the workload, in neither library's types.
#[derive(Debug, Clone)]
enum Msg {
    Publish {
        qos: u8,
        topic: &'static str,
        packet_id: u16,
        payload: Vec<u8>,
    },
    PubAck(u16),
    PubRec(u16),
    PubRel(u16),
    PubComp(u16),
    PingReq,
    PingResp,
    Subscribe {
        packet_id: u16,
        filters: Vec<(&'static str, u8)>,
    },
    SubAck {
        packet_id: u16,
        codes: Vec<u8>,
    },
}

const TOPICS: [&str; 6] = [
    "esp32-kitchen/sensors/temperature",
    "esp32-kitchen/sensors/humidity",
    "esp32-livingroom/sensors/co2",
    "esp32-garage/door/state",
    "home/energy/meter/power",
    "esp32-bedroom/sensors/temperature",
];

/// A deterministic session: telemetry at QoS 0/1/2 with the matching acknowledgements, keep-alives,
/// and a SUBSCRIBE/SUBACK now and then. 200 packets, the same for both libraries.
fn stream_spec() -> Vec<Msg> {
    let mut seed: u32 = 0x2545_f491;
    let mut next = move || {
        // xorshift32
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    let mut packet_id: u16 = 0;
    let mut id = move || {
        packet_id = packet_id % 65_535 + 1;
        packet_id
    };
    let mut msgs = Vec::new();
    let mut round = 0u32;
    while msgs.len() < 200 {
        round += 1;
        let topic = TOPICS[(next() % TOPICS.len() as u32) as usize];
        let len = 16 + (next() % 49) as usize; // 16..=64 bytes
        let reading = format!(
            "{{\"v\":{}.{},\"ts\":{}",
            next() % 100,
            next() % 10,
            1_700_000_000 + round
        );
        let mut payload = reading.into_bytes();
        payload.resize(len - 1, b' ');
        payload.push(b'}');
        match next() % 10 {
            0..=4 => msgs.push(Msg::Publish {
                qos: 0,
                topic,
                packet_id: 0,
                payload,
            }),
            5..=7 => {
                let pid = id();
                msgs.push(Msg::Publish {
                    qos: 1,
                    topic,
                    packet_id: pid,
                    payload,
                });
                msgs.push(Msg::PubAck(pid));
            }
            _ => {
                let pid = id();
                msgs.push(Msg::Publish {
                    qos: 2,
                    topic,
                    packet_id: pid,
                    payload,
                });
                msgs.push(Msg::PubRec(pid));
                msgs.push(Msg::PubRel(pid));
                msgs.push(Msg::PubComp(pid));
            }
        }
        if round.is_multiple_of(15) {
            msgs.push(Msg::PingReq);
            msgs.push(Msg::PingResp);
        }
        if round % 25 == 1 {
            let pid = id();
            msgs.push(Msg::Subscribe {
                packet_id: pid,
                filters: vec![
                    ("esp32-kitchen/cmd/+", 1),
                    ("home/energy/#", 0),
                    ("+/sensors/temperature", 2),
                ],
            });
            msgs.push(Msg::SubAck {
                packet_id: pid,
                codes: vec![1, 0, 2],
            });
        }
    }
    msgs.truncate(200);
    msgs
}

fn qos_ours(level: u8) -> QoS {
    QoS::from_bits(level).expect("qos 0..=2")
}

fn ours_packets(spec: &[Msg]) -> Vec<Packet<'_>> {
    spec.iter()
        .map(|msg| match msg {
            Msg::Publish {
                qos,
                topic,
                packet_id,
                payload,
            } => Packet::Publish(Publish {
                qos: qos_ours(*qos),
                packet_id: (*qos > 0).then_some(*packet_id),
                ..Publish::new(TopicName::new(topic).expect("valid topic"), payload)
            }),
            Msg::PubAck(id) => Packet::PubAck(PubResponse::new(*id)),
            Msg::PubRec(id) => Packet::PubRec(PubResponse::new(*id)),
            Msg::PubRel(id) => Packet::PubRel(PubResponse::new(*id)),
            Msg::PubComp(id) => Packet::PubComp(PubResponse::new(*id)),
            Msg::PingReq => Packet::PingReq,
            Msg::PingResp => Packet::PingResp,
            Msg::Subscribe { packet_id, filters } => Packet::Subscribe(Subscribe {
                packet_id: *packet_id,
                filters: filters
                    .iter()
                    .map(|(filter, qos)| Subscription {
                        filter: TopicFilter::new(filter).expect("valid filter"),
                        options: SubscriptionOptions::qos(qos_ours(*qos)),
                    })
                    .collect(),
                ..Subscribe::default()
            }),
            Msg::SubAck { packet_id, codes } => Packet::SubAck(SubAck {
                packet_id: *packet_id,
                codes: codes.iter().map(|&code| ReasonCode(code)).collect(),
                ..SubAck::default()
            }),
        })
        .collect()
}

fn qos_v4(level: u8) -> rumqttc::mqttbytes::QoS {
    rumqttc::mqttbytes::qos(level).expect("qos 0..=2")
}

fn v4_packets(spec: &[Msg]) -> Vec<r4::Packet> {
    spec.iter()
        .map(|msg| match msg {
            Msg::Publish {
                qos,
                topic,
                packet_id,
                payload,
            } => {
                let mut publish = r4::Publish::new(*topic, qos_v4(*qos), payload.clone());
                publish.pkid = *packet_id;
                r4::Packet::Publish(publish)
            }
            Msg::PubAck(id) => r4::Packet::PubAck(r4::PubAck::new(*id)),
            Msg::PubRec(id) => r4::Packet::PubRec(r4::PubRec::new(*id)),
            Msg::PubRel(id) => r4::Packet::PubRel(r4::PubRel::new(*id)),
            Msg::PubComp(id) => r4::Packet::PubComp(r4::PubComp::new(*id)),
            Msg::PingReq => r4::Packet::PingReq,
            Msg::PingResp => r4::Packet::PingResp,
            Msg::Subscribe { packet_id, filters } => {
                let mut subscribe = r4::Subscribe::new_many(filters.iter().map(|(filter, qos)| {
                    r4::SubscribeFilter::new(filter.to_string(), qos_v4(*qos))
                }));
                subscribe.pkid = *packet_id;
                r4::Packet::Subscribe(subscribe)
            }
            Msg::SubAck { packet_id, codes } => r4::Packet::SubAck(r4::SubAck::new(
                *packet_id,
                codes
                    .iter()
                    .map(|&code| r4::SubscribeReasonCode::Success(qos_v4(code)))
                    .collect(),
            )),
        })
        .collect()
}

fn qos_v5(level: u8) -> rumqttc::v5::mqttbytes::QoS {
    rumqttc::v5::mqttbytes::qos(level).expect("qos 0..=2")
}

fn v5_packets(spec: &[Msg]) -> Vec<r5::Packet> {
    spec.iter()
        .map(|msg| match msg {
            Msg::Publish {
                qos,
                topic,
                packet_id,
                payload,
            } => {
                let mut publish = r5::Publish::new(*topic, qos_v5(*qos), payload.clone(), None);
                publish.pkid = *packet_id;
                r5::Packet::Publish(publish)
            }
            Msg::PubAck(id) => r5::Packet::PubAck(r5::PubAck::new(*id, None)),
            Msg::PubRec(id) => r5::Packet::PubRec(r5::PubRec::new(*id, None)),
            Msg::PubRel(id) => r5::Packet::PubRel(r5::PubRel::new(*id, None)),
            Msg::PubComp(id) => r5::Packet::PubComp(r5::PubComp::new(*id, None)),
            Msg::PingReq => r5::Packet::PingReq(r5::PingReq),
            Msg::PingResp => r5::Packet::PingResp(r5::PingResp),
            Msg::Subscribe { packet_id, filters } => {
                let mut subscribe = r5::Subscribe::new_many(
                    filters
                        .iter()
                        .map(|(filter, qos)| r5::Filter::new(*filter, qos_v5(*qos))),
                    None,
                );
                subscribe.pkid = *packet_id;
                r5::Packet::Subscribe(subscribe)
            }
            Msg::SubAck { packet_id, codes } => r5::Packet::SubAck(r5::SubAck {
                pkid: *packet_id,
                return_codes: codes
                    .iter()
                    .map(|&code| r5::SubscribeReasonCode::Success(qos_v5(code)))
                    .collect(),
                properties: None,
            }),
        })
        .collect()
}

fn publish_1k_spec() -> Vec<Msg> {
    let payload = (0..1024u32).map(|i| (i * 31 % 251) as u8).collect();
    vec![Msg::Publish {
        qos: 1,
        topic: TOPIC,
        packet_id: PUBLISH_1K_PACKET_ID,
        payload,
    }]
}

// ---------------------------------------------------------------------------------------------------
// The three sides of one workload: encode with each library, decode with each library.

trait Peer {
    type Packet: PartialEq + std::fmt::Debug;
    /// `Packet::write` for every packet, appending to `out`.
    fn encode_all(packets: &[Self::Packet], out: &mut BytesMut);
    /// `Packet::read` once: the next packet, split off the front of `buf`.
    fn read_one(buf: &mut BytesMut) -> Self::Packet;
    /// `read_one` until `buf` is empty.
    fn decode_all(buf: &mut BytesMut) -> Vec<Self::Packet> {
        let mut packets = Vec::new();
        while !buf.is_empty() {
            packets.push(Self::read_one(buf));
        }
        packets
    }
}

struct V4;
impl Peer for V4 {
    type Packet = r4::Packet;
    #[inline(always)]
    fn encode_all(packets: &[r4::Packet], out: &mut BytesMut) {
        for packet in packets {
            packet.write(out, MAX_SIZE).expect("rumqttc v4 encodes");
        }
    }
    #[inline(always)]
    fn read_one(buf: &mut BytesMut) -> r4::Packet {
        match r4::Packet::read(buf, MAX_SIZE) {
            Ok(packet) => packet,
            Err(error) => panic!("rumqttc v4 failed to decode: {error:?}"),
        }
    }
}

struct V5;
impl Peer for V5 {
    type Packet = r5::Packet;
    #[inline(always)]
    fn encode_all(packets: &[r5::Packet], out: &mut BytesMut) {
        for packet in packets {
            packet
                .write(out, Some(MAX_SIZE as u32))
                .expect("rumqttc v5 encodes");
        }
    }
    #[inline(always)]
    fn read_one(buf: &mut BytesMut) -> r5::Packet {
        match r5::Packet::read(buf, Some(MAX_SIZE as u32)) {
            Ok(packet) => packet,
            Err(error) => panic!("rumqttc v5 failed to decode: {error:?}"),
        }
    }
}

#[inline(always)]
fn ours_encode_all(packets: &[Packet<'_>], version: ProtocolVersion, out: &mut Vec<u8>) {
    for packet in packets {
        codec::encode(packet, version, out).expect("mqtt-core encodes");
    }
}

fn ours_decode_all(mut bytes: &[u8], version: ProtocolVersion) -> Vec<Packet<'_>> {
    let mut packets = Vec::new();
    while !bytes.is_empty() {
        let (packet, used) = codec::decode(bytes, version)
            .expect("mqtt-core decodes")
            .expect("whole packet");
        packets.push(packet);
        bytes = &bytes[used..];
    }
    packets
}

/// Encodes the workload with both libraries, checks both produce the same bytes and that each
/// library decodes them back to the packets it started from, then benchmarks all four.
fn bench_workload<P: Peer>(
    c: &mut Criterion,
    name: &str,
    tag: &str,
    version: ProtocolVersion,
    ours: &[Packet<'_>],
    theirs: &[P::Packet],
) {
    // Both encoders, once, outside the timing: same bytes, and each decoder recovers its packets.
    let mut ours_bytes = Vec::new();
    ours_encode_all(ours, version, &mut ours_bytes);
    let mut theirs_bytes = BytesMut::new();
    P::encode_all(theirs, &mut theirs_bytes);
    assert_eq!(
        ours_bytes,
        &theirs_bytes[..],
        "{name}/{tag}: the two encoders disagree on the bytes"
    );
    assert_eq!(
        ours_decode_all(&ours_bytes, version),
        ours,
        "{name}/{tag}: mqtt-core round trip"
    );
    assert_eq!(
        P::decode_all(&mut BytesMut::from(&ours_bytes[..])),
        theirs,
        "{name}/{tag}: rumqttc round trip"
    );
    let bytes = ours_bytes;
    let capacity = bytes.len();

    let mut group = c.benchmark_group(format!("{name}_encode"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function(BenchmarkId::new(tag, "ours"), |b| {
        let mut out = Vec::with_capacity(capacity);
        b.iter(|| {
            out.clear();
            ours_encode_all(black_box(ours), version, &mut out);
            black_box(&out);
        })
    });
    if name == "publish_1k" {
        // Context, not a contender: copying the packet's bytes once, which any encoder that writes
        // into a buffer must do. Encode ratios are bounded by how close both sides get to this.
        group.bench_function(BenchmarkId::new(tag, "memcpy-floor"), |b| {
            let mut out = Vec::with_capacity(capacity);
            b.iter(|| {
                out.clear();
                out.extend_from_slice(black_box(&bytes));
                black_box(&out);
            })
        });
    }
    group.bench_function(BenchmarkId::new(tag, "rumqttc"), |b| {
        let mut out = BytesMut::with_capacity(capacity);
        b.iter(|| {
            out.clear();
            P::encode_all(black_box(theirs), &mut out);
            black_box(&out);
        })
    });
    group.finish();

    let mut group = c.benchmark_group(format!("{name}_decode"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function(BenchmarkId::new(tag, "ours"), |b| {
        b.iter(|| {
            let mut rest: &[u8] = black_box(&bytes);
            while !rest.is_empty() {
                match codec::decode(rest, version) {
                    Ok(Some((packet, used))) => {
                        black_box(&packet);
                        rest = &rest[used..];
                    }
                    other => panic!("mqtt-core failed to decode: {other:?}"),
                }
            }
        })
    });
    let template = BytesMut::from(&bytes[..]);
    group.bench_function(BenchmarkId::new(tag, "rumqttc"), |b| {
        b.iter_batched(
            || template.clone(),
            |mut buf| {
                while !buf.is_empty() {
                    let packet = P::read_one(&mut buf);
                    black_box(&packet);
                }
                buf
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

// ---------------------------------------------------------------------------------------------------
// Running, and the ratio table.

const GROUPS: [&str; 4] = [
    "publish_1k_encode",
    "publish_1k_decode",
    "stream_encode",
    "stream_decode",
];
const GOAL: f64 = 1.5;

fn benches(c: &mut Criterion) {
    let publish_1k: &'static [Msg] = Box::leak(publish_1k_spec().into_boxed_slice());
    let stream: &'static [Msg] = Box::leak(stream_spec().into_boxed_slice());
    println!("stream workload: {}", describe(stream));
    for (name, spec) in [("publish_1k", publish_1k), ("stream", stream)] {
        let ours = ours_packets(spec);
        bench_workload::<V4>(
            c,
            name,
            "v4",
            ProtocolVersion::V311,
            &ours,
            &v4_packets(spec),
        );
        bench_workload::<V5>(c, name, "v5", ProtocolVersion::V5, &ours, &v5_packets(spec));
    }
}

/// How many packets of each kind a workload has, for the log.
fn describe(spec: &[Msg]) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for msg in spec {
        let kind = match msg {
            Msg::Publish { qos, .. } => format!("PUBLISH QoS {qos}"),
            other => format!("{other:?}")
                .split(['(', ' '])
                .next()
                .unwrap_or_default()
                .to_uppercase(),
        };
        match counts.iter_mut().find(|(name, _)| *name == kind) {
            Some((_, count)) => *count += 1,
            None => counts.push((kind, 1)),
        }
    }
    let list: Vec<String> = counts
        .iter()
        .map(|(name, count)| format!("{count} {name}"))
        .collect();
    format!("{} packets: {}", spec.len(), list.join(", "))
}

fn main() {
    let started = SystemTime::now();
    let args: Vec<String> = std::env::args().collect();
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(50)
        .nresamples(20_000)
        .without_plots()
        .configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
    // Only `cargo bench` (which passes `--bench`) measures; `cargo test --benches` runs each benchmark
    // once in test mode, `--list` and `--profile-time` write no estimates.
    let measured = args.iter().any(|arg| arg == "--bench")
        && !args
            .iter()
            .any(|arg| matches!(arg.as_str(), "--test" | "--list" | "--profile-time"));
    if !measured {
        return;
    }
    print_ratio_table(started);
}

/// Where criterion writes its results (the same lookup criterion does).
fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    let metadata = std::env::var_os("CARGO").and_then(|cargo| {
        let output = std::process::Command::new(cargo)
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .output()
            .ok()?;
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
        Some(PathBuf::from(json.get("target_directory")?.as_str()?))
    });
    metadata
        .unwrap_or_else(|| PathBuf::from("target"))
        .join("criterion")
}

/// Criterion's typical time per iteration (slope when it has one, else mean) and the median, in ns,
/// if this benchmark ran in this process.
fn estimate(
    home: &std::path::Path,
    group: &str,
    tag: &str,
    side: &str,
    since: SystemTime,
) -> Option<(f64, f64)> {
    let path = home
        .join(group)
        .join(tag)
        .join(side)
        .join("new")
        .join("estimates.json");
    let modified = std::fs::metadata(&path)
        .and_then(|meta| meta.modified())
        .ok()?;
    if modified < since {
        return None; // left over from an earlier run (e.g. filtered out this time)
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    let point = |key: &str| json.get(key)?.get("point_estimate")?.as_f64();
    Some((point("slope").or_else(|| point("mean"))?, point("median")?))
}

/// Bytes per iteration, from the benchmark.json criterion writes next to the estimates.
fn bytes_per_iter(home: &std::path::Path, group: &str, tag: &str, side: &str) -> Option<f64> {
    let path = home
        .join(group)
        .join(tag)
        .join(side)
        .join("new")
        .join("benchmark.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    json.get("throughput")?.get("Bytes")?.as_f64()
}

fn print_ratio_table(since: SystemTime) {
    let home = criterion_home();
    println!();
    println!("mqtt-core vs rumqttc 0.25.1 mqttbytes — throughput ratio ours/rumqttc (= time rumqttc / time ours)");
    println!(
        "goal: >= {GOAL:.1}x; times per iteration; GB/s = 1e9 bytes/s; estimates from {}",
        home.display()
    );
    println!();
    println!(
        "| {:<18} | {:<3} | {:>11} | {:>11} | {:>9} | {:>9} | {:>7} | {:>7} | {:<6} |",
        "benchmark", "ver", "ours", "rumqttc", "ours GB/s", "rq GB/s", "ratio", "ratio*", "goal"
    );
    println!(
        "|{:-<20}|{:-<5}|{:->13}|{:->13}|{:->11}|{:->11}|{:->9}|{:->9}|{:-<8}|",
        "", "", "", "", "", "", "", "", ""
    );
    let mut missing = 0;
    for group in GROUPS {
        for tag in ["v4", "v5"] {
            let ours = estimate(&home, group, tag, "ours", since);
            let theirs = estimate(&home, group, tag, "rumqttc", since);
            let (Some((ours_ns, ours_median)), Some((theirs_ns, theirs_median))) = (ours, theirs)
            else {
                missing += 1;
                continue;
            };
            let bytes = bytes_per_iter(&home, group, tag, "ours").unwrap_or(f64::NAN);
            let ratio = theirs_ns / ours_ns;
            println!(
                "| {:<18} | {:<3} | {:>11} | {:>11} | {:>9.2} | {:>9.2} | {:>6.2}x | {:>6.2}x | {:<6} |",
                group,
                tag,
                format_ns(ours_ns),
                format_ns(theirs_ns),
                bytes / ours_ns,
                bytes / theirs_ns,
                ratio,
                theirs_median / ours_median,
                if ratio >= GOAL { "ok" } else { "BELOW" }
            );
        }
    }
    println!();
    println!(
        "ratio = from criterion's typical estimate (slope, else mean); ratio* = from the medians."
    );
    if missing > 0 {
        println!("{missing} pair(s) not run in this invocation (filtered out?) are left out.");
    }
}

fn format_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.3} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}
