//! Devices seen through their packet trace: a board running mqtt-client with the trace on publishes
//! one JSON record per packet to `mqtt-playground/trace/<clientId>` (docs/trace-format.md). Any
//! client of the page subscribed to that topic brings the records in; each becomes an arrow on the
//! device's own lifeline, so a real ESP32's QoS 2 handshake is drawn beside the page's clients.
//!
//! Only the device's end of each packet is observed, on the device's clock. Its records are placed
//! on the page's clock by the arrival of the first one (intervals kept from the device's `t`), and the
//! broker's end is estimated with half the round trip of the device's own PINGREQ→PINGRESP or
//! CONNECT→CONNACK, as for the page's clients on a real broker.

use std::collections::VecDeque;

use mqtt_client::trace::{self, TraceRecord};
use mqtt_core::codec::{self, PacketType};
use mqtt_core::{Instant, ProtocolVersion};

use super::model::{ClientKey, Direction, PacketRecord};

/// Where trace records are published: this prefix, then the device's client id.
pub const TRACE_PREFIX: &str = "mqtt-playground/trace/";
/// The filter that brings every traced device's records.
pub const TRACE_FILTER: &str = "mqtt-playground/trace/+";
/// Devices get keys from here up, apart from the page's own clients.
pub const FIRST_DEVICE_KEY: ClientKey = 1 << 24;
/// Records remembered per device to drop the copies a second watching client brings in.
const REMEMBERED: usize = 256;

/// The device a trace topic names, if it is one (`mqtt-playground/trace/<clientId>`, one level).
pub fn device_of(topic: &str) -> Option<&str> {
    topic
        .strip_prefix(TRACE_PREFIX)
        .filter(|id| !id.is_empty() && !id.contains('/'))
}

/// One traced device.
#[derive(Debug, Clone)]
pub struct TracedDevice {
    /// Its lifeline's key.
    pub key: ClientKey,
    /// Its client id (the trace topic's last level).
    pub client_id: String,
    /// The protocol version its packets are read in: from its CONNECT's protocol level, 3.1.1
    /// until a CONNECT has been seen.
    pub version: ProtocolVersion,
    /// Page time minus device time (`t`), fixed by the first record and lowered if a later record
    /// would otherwise be placed after it arrived.
    offset: i128,
    /// The estimated one-way latency, in ms, once a round trip was seen.
    pub latency_ms: Option<u64>,
    /// The device time of an unanswered PINGREQ or CONNECT.
    asked_at: Option<(PacketType, Instant)>,
    /// Records drawn.
    pub packets: u64,
    /// The connection number of the last record.
    pub connection: u32,
    /// Fingerprints of recent records (copies are dropped).
    recent: VecDeque<u64>,
}

/// What a trace message became.
#[derive(Debug, Clone, PartialEq)]
pub enum Traced {
    /// A new arrow on the device's lifeline (`new_device` when the device was not known before).
    Packet {
        /// The record, placed on the page's clock.
        record: PacketRecord,
        /// The device's first record: name its lifeline.
        new_device: bool,
    },
    /// The same record again (another watching client brought it in).
    Copy,
    /// Not a trace record: why, for a notice.
    Unreadable(String),
}

/// Every traced device seen.
#[derive(Debug, Clone, Default)]
pub struct TracedDevices {
    devices: Vec<TracedDevice>,
}

impl TracedDevices {
    /// The devices, in the order they appeared.
    pub fn list(&self) -> &[TracedDevice] {
        &self.devices
    }

    /// A device by its lifeline's key.
    pub fn get(&self, key: ClientKey) -> Option<&TracedDevice> {
        self.devices.iter().find(|d| d.key == key)
    }

    /// Reads the payload of a message on `device`'s trace topic that arrived at `arrived_at` (page
    /// time).
    pub fn on_message(&mut self, device: &str, payload: &[u8], arrived_at: Instant) -> Traced {
        let Ok(text) = core::str::from_utf8(payload) else {
            return Traced::Unreadable("the payload is not UTF-8 text".into());
        };
        let record = match trace::parse_trace_line(text.trim()) {
            Ok(record) => record,
            Err(error) => return Traced::Unreadable(error.to_string()),
        };
        let known = self.devices.iter().position(|d| d.client_id == device);
        let new_device = known.is_none();
        let index = known.unwrap_or_else(|| {
            let key = FIRST_DEVICE_KEY + self.devices.len() as ClientKey;
            self.devices.push(TracedDevice {
                key,
                client_id: device.to_string(),
                version: ProtocolVersion::V311,
                offset: i128::from(arrived_at) - i128::from(record.time),
                latency_ms: None,
                asked_at: None,
                packets: 0,
                connection: record.connection,
                recent: VecDeque::new(),
            });
            self.devices.len() - 1
        });
        let Some(entry) = self.devices.get_mut(index) else {
            return Traced::Unreadable("device list out of step".into());
        };
        let print = fingerprint(&record);
        if entry.recent.contains(&print) {
            return Traced::Copy;
        }
        if entry.recent.len() == REMEMBERED {
            entry.recent.pop_front();
        }
        entry.recent.push_back(print);
        Traced::Packet {
            record: entry.place(&record, arrived_at),
            new_device,
        }
    }
}

impl TracedDevice {
    /// The record as an arrow on this device's lifeline.
    fn place(&mut self, record: &TraceRecord, arrived_at: Instant) -> PacketRecord {
        // A record can't have happened after it arrived: if it would, the first record was slow
        // and the clocks are re-aligned from this one.
        let mut at = i128::from(record.time) + self.offset;
        if at > i128::from(arrived_at) {
            self.offset = i128::from(arrived_at) - i128::from(record.time);
            at = i128::from(arrived_at);
        }
        let at = u64::try_from(at.max(0)).unwrap_or(0);
        self.connection = record.connection;
        self.packets += 1;
        if record.packet_type == PacketType::Connect {
            if let Some(version) = connect_level(&record.bytes) {
                self.version = version;
            }
        }
        let direction = match record.direction {
            trace::Direction::Out => Direction::Sent,
            trace::Direction::In => Direction::Received,
        };
        self.learn_latency(record);
        let mut packet = PacketRecord::new(
            self.key,
            direction,
            at,
            record.packet_type,
            record.packet_id,
            summary(record, self.version),
            record.bytes.clone(),
        );
        // Cut CONNECTs (credentials) and long packets: the inspector shows what there is.
        packet.redacted = record.is_truncated();
        packet.arrived_at = Some(arrived_at);
        let latency = self.latency_ms.unwrap_or(0);
        packet.far_at = Some(match direction {
            Direction::Sent => at + latency,
            Direction::Received => at.saturating_sub(latency),
        });
        packet
    }

    /// Half the round trip of PINGREQ→PINGRESP or CONNECT→CONNACK, on the device's clock.
    fn learn_latency(&mut self, record: &TraceRecord) {
        match (record.direction, record.packet_type) {
            (trace::Direction::Out, asked @ (PacketType::PingReq | PacketType::Connect)) => {
                self.asked_at = Some((asked, record.time));
            }
            (trace::Direction::In, answer @ (PacketType::PingResp | PacketType::ConnAck)) => {
                let expected = if answer == PacketType::PingResp {
                    PacketType::PingReq
                } else {
                    PacketType::Connect
                };
                if let Some((asked, at)) = self.asked_at.take() {
                    if asked == expected && record.time >= at {
                        self.latency_ms = Some((record.time - at) / 2);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The protocol version a CONNECT announces (its protocol level, after the protocol name).
fn connect_level(bytes: &[u8]) -> Option<ProtocolVersion> {
    // Fixed header: the type byte, then a remaining length of 1 to 4 bytes.
    let mut at = 1;
    loop {
        let byte = *bytes.get(at)?;
        at += 1;
        if byte & 0x80 == 0 {
            break;
        }
        if at > 4 {
            return None;
        }
    }
    let name_len = usize::from(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]));
    match bytes.get(at + 2 + name_len)? {
        5 => Some(ProtocolVersion::V5),
        4 => Some(ProtocolVersion::V311),
        _ => None,
    }
}

/// mqtt-core's one-line summary of the traced bytes; for a cut record, what the record says.
fn summary(record: &TraceRecord, version: ProtocolVersion) -> String {
    if !record.is_truncated() {
        if let Ok(Some((packet, _))) = codec::decode(&record.bytes, version) {
            return packet.summary(version);
        }
    }
    let mut text = record.packet_type.name().to_string();
    if let Some(id) = record.packet_id {
        text.push_str(&format!(" #{id}"));
    }
    if let Some(qos) = record.qos {
        text.push_str(&format!(" QoS {qos}"));
    }
    if record.is_truncated() {
        text.push_str(&format!(
            " (traced: the first {} of {} bytes)",
            record.bytes.len(),
            record.len
        ));
    } else {
        text.push_str(" (traced bytes that do not decode)");
    }
    text
}

/// Identifies a record among its neighbours (FNV-1a over what makes it unique).
fn fingerprint(record: &TraceRecord) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(&record.time.to_le_bytes());
    eat(&record.connection.to_le_bytes());
    eat(&[record.direction as u8, record.flags]);
    eat(&record.len.to_le_bytes());
    eat(&record.bytes);
    hash
}

/// A trace record of the packet `hex` (docs/trace-format.md), as a board with the trace on publishes
/// it: for tests.
#[cfg(test)]
pub(crate) fn record_line(
    t: u64,
    c: u32,
    dir: &str,
    kind: &str,
    id: Option<u16>,
    hex: &str,
) -> String {
    let first = hex
        .get(..2)
        .and_then(|byte| u8::from_str_radix(byte, 16).ok())
        .unwrap_or(0);
    let id = id.map_or(String::new(), |id| format!(",\"id\":{id}"));
    let qos = if kind == "PUBLISH" {
        format!(",\"qos\":{}", first >> 1 & 3)
    } else {
        String::new()
    };
    format!(
        "{{\"v\":1,\"t\":{t},\"c\":{c},\"dir\":\"{dir}\",\"type\":\"{kind}\"{id}{qos},\"flags\":{},\"len\":{},\"hex\":\"{hex}\"}}",
        first & 0x0f,
        hex.len() / 2
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(t: u64, c: u32, dir: &str, kind: &str, id: Option<u16>, hex: &str) -> Vec<u8> {
        record_line(t, c, dir, kind, id, hex).into_bytes()
    }

    /// A 3.1.1 CONNECT of client "k", keep alive 60.
    const CONNECT_311: &str = "100d00044d5154540402003c00016b";
    /// The same at level 5 (with an empty property length).
    const CONNECT_5: &str = "100e00044d5154540502003c0000016b";

    fn packet(traced: Traced) -> PacketRecord {
        match traced {
            Traced::Packet { record, .. } => record,
            other => panic!("expected a packet, got {other:?}"),
        }
    }

    #[test]
    fn trace_topics_name_one_device() {
        assert_eq!(
            device_of("mqtt-playground/trace/esp32-kitchen"),
            Some("esp32-kitchen")
        );
        assert_eq!(device_of("mqtt-playground/trace/"), None);
        assert_eq!(device_of("mqtt-playground/trace/a/b"), None);
        assert_eq!(device_of("esp32-kitchen/ip"), None);
    }

    #[test]
    fn a_device_gets_its_own_lifeline_and_its_clock_is_aligned_by_the_first_record() {
        let mut devices = TracedDevices::default();
        let traced = devices.on_message(
            "esp32-kitchen",
            &line(5_000, 1, "out", "CONNECT", None, CONNECT_311),
            100_000,
        );
        let Traced::Packet { record, new_device } = traced else {
            panic!("a packet");
        };
        assert!(new_device);
        assert_eq!(record.client, FIRST_DEVICE_KEY);
        assert_eq!(record.direction, Direction::Sent);
        assert_eq!(record.at, 100_000, "the first record sets the offset");
        assert_eq!(record.packet_type, PacketType::Connect);
        assert!(record.summary.starts_with("CONNECT"), "{}", record.summary);
        // CONNACK 40 ms later on the device's clock: a round trip of 40, a one-way estimate of 20.
        let connack = packet(devices.on_message(
            "esp32-kitchen",
            &line(5_040, 1, "in", "CONNACK", None, "20020000"),
            100_050,
        ));
        assert_eq!(
            connack.at, 100_040,
            "intervals come from the device's clock"
        );
        assert_eq!(connack.direction, Direction::Received);
        let device = &devices.list()[0];
        assert_eq!(device.latency_ms, Some(20));
        assert_eq!(device.client_id, "esp32-kitchen");
        // A PUBLISH sent afterwards: the broker's end is estimated 20 ms later.
        let publish = packet(devices.on_message(
            "esp32-kitchen",
            &line(
                6_000,
                1,
                "out",
                "PUBLISH",
                Some(1),
                "320a0003612f620001686921",
            ),
            101_010,
        ));
        assert_eq!(publish.at, 101_000);
        assert_eq!(publish.far_at, Some(101_020));
        assert_eq!(publish.packet_id, Some(1));
    }

    #[test]
    fn a_record_that_would_land_after_its_arrival_realigns_the_clock() {
        let mut devices = TracedDevices::default();
        packet(devices.on_message("d", &line(1_000, 1, "out", "PINGREQ", None, "c000"), 50_000));
        let pingresp = packet(devices.on_message(
            "d",
            &line(1_100, 1, "in", "PINGRESP", None, "d000"),
            50_060,
        ));
        assert_eq!(pingresp.at, 50_060, "clamped to when it arrived");
        let later = packet(devices.on_message(
            "d",
            &line(1_200, 1, "out", "PINGREQ", None, "c000"),
            50_300,
        ));
        assert_eq!(later.at, 50_160, "the new offset holds for later records");
        assert_eq!(devices.list()[0].latency_ms, Some(50));
    }

    #[test]
    fn copies_from_a_second_watching_client_are_dropped() {
        let mut devices = TracedDevices::default();
        let record = line(10, 1, "out", "PINGREQ", None, "c000");
        assert!(matches!(
            devices.on_message("d", &record, 5),
            Traced::Packet { .. }
        ));
        assert_eq!(devices.on_message("d", &record, 6), Traced::Copy);
        // The same packet at another time is a new record.
        let again = line(20, 1, "out", "PINGREQ", None, "c000");
        assert!(matches!(
            devices.on_message("d", &again, 7),
            Traced::Packet { .. }
        ));
        assert_eq!(devices.list()[0].packets, 2);
    }

    #[test]
    fn the_connect_level_picks_the_version_packets_are_read_in() {
        let mut devices = TracedDevices::default();
        packet(devices.on_message("v5", &line(1, 1, "out", "CONNECT", None, CONNECT_5), 10));
        assert_eq!(devices.list()[0].version, ProtocolVersion::V5);
        // A 5.0 PUBACK with a reason code decodes in 5.0.
        let puback = packet(devices.on_message(
            "v5",
            &line(
                2,
                1,
                "in",
                "PUBACK",
                Some(7),
                "40030007 10".replace(' ', "").as_str(),
            ),
            11,
        ));
        assert!(puback.summary.starts_with("PUBACK"), "{}", puback.summary);
        assert!(
            !puback.summary.contains("do not decode"),
            "{}",
            puback.summary
        );
        assert_eq!(
            connect_level(&[0x10]),
            None,
            "too short is no level, not a panic"
        );
    }

    #[test]
    fn cut_and_unreadable_records_say_so() {
        let mut devices = TracedDevices::default();
        // A CONNECT with credentials, cut after 10 bytes of variable header: len says 30.
        let cut = b"{\"v\":1,\"t\":1,\"c\":1,\"dir\":\"out\",\"type\":\"CONNECT\",\"flags\":0,\"len\":30,\"hex\":\"101c00044d51545404c2003c\"}";
        let record = packet(devices.on_message("d", cut, 10));
        assert!(
            record.summary.contains("the first 12 of 30 bytes"),
            "{}",
            record.summary
        );
        assert!(record.redacted);
        assert_eq!(devices.list()[0].version, ProtocolVersion::V311);
        assert!(matches!(
            devices.on_message("d", b"hello", 11),
            Traced::Unreadable(_)
        ));
        assert!(matches!(
            devices.on_message("d", &[0xff, 0xfe], 12),
            Traced::Unreadable(_)
        ));
    }
}
