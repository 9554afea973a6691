//! The packet trace: one compact JSON object per packet a client sends or receives, published at
//! QoS 0 to `mqtt-playground/trace/<clientId>` so the playground can draw a real device's packets.
//! The format is specified in `docs/trace-format.md`; this module writes it ([`record`]) and reads it
//! ([`parse_trace_line`], for the app, which builds for wasm32: no std, no dependencies).
//!
//! ```text
//! {"v":1,"t":5123,"c":1,"dir":"out","type":"PUBLISH","id":7,"qos":1,"flags":2,"len":29,"hex":"321b00..."}
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write as _};

use mqtt_core::{Instant, PacketType};

/// Where trace records of client `client_id` are published.
pub fn trace_topic(client_id: &str) -> String {
    let mut topic = String::from(TOPIC_PREFIX);
    topic.push_str(client_id);
    topic
}

/// The prefix of every trace topic: subscribe to `mqtt-playground/trace/+` to see every traced device.
pub const TOPIC_PREFIX: &str = "mqtt-playground/trace/";

/// The format version written in `"v"`.
pub const FORMAT_VERSION: u32 = 1;

/// Which way a packet went, seen from the traced client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The client sent it (`"out"`).
    Out,
    /// The client received it (`"in"`).
    In,
}

impl Direction {
    /// `"out"` or `"in"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Direction::Out => "out",
            Direction::In => "in",
        }
    }
}

/// One traced packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceRecord {
    /// Format version (`"v"`), 1.
    pub version: u32,
    /// The client's clock in milliseconds (`"t"`): since boot on a device, not wall time.
    pub time: Instant,
    /// Connection number (`"c"`): 1 for the first, +1 for each reconnect.
    pub connection: u32,
    /// Sent or received (`"dir"`).
    pub direction: Direction,
    /// The packet type (`"type"`, the specification's name, e.g. `"PUBREL"`).
    pub packet_type: PacketType,
    /// Packet identifier (`"id"`), if the packet has one.
    pub packet_id: Option<u16>,
    /// QoS of a PUBLISH (`"qos"`), `None` for other packets.
    pub qos: Option<u8>,
    /// The low four bits of the first byte (`"flags"`): for PUBLISH DUP (8), QoS (6), RETAIN (1).
    pub flags: u8,
    /// The whole packet's length in bytes (`"len"`).
    pub len: usize,
    /// The packet's bytes (`"hex"`), or its first bytes if it was longer than the tracer's limit.
    pub bytes: Vec<u8>,
}

impl TraceRecord {
    /// Whether `bytes` holds only the start of the packet.
    pub fn is_truncated(&self) -> bool {
        self.bytes.len() < self.len
    }

    /// DUP flag (PUBLISH only).
    pub fn dup(&self) -> bool {
        self.packet_type == PacketType::Publish && self.flags & 0b1000 != 0
    }

    /// RETAIN flag (PUBLISH only).
    pub fn retain(&self) -> bool {
        self.packet_type == PacketType::Publish && self.flags & 0b0001 != 0
    }
}

/// The JSON line for one packet: `bytes` is the whole packet, of which at most `max_bytes` are
/// written in `hex`.
pub fn record(
    time: Instant,
    connection: u32,
    direction: Direction,
    packet_id: Option<u16>,
    bytes: &[u8],
    max_bytes: usize,
) -> String {
    let first = bytes.first().copied().unwrap_or(0);
    let packet_type = PacketType::from_nibble(first >> 4);
    let max_bytes = max_bytes.min(credentials_at(bytes).unwrap_or(usize::MAX));
    let mut out = String::with_capacity(96 + 2 * bytes.len().min(max_bytes));
    // Writing into a String cannot fail.
    let _ = write_record(
        &mut out,
        time,
        connection,
        direction,
        packet_type,
        packet_id,
        bytes,
        max_bytes,
    );
    out
}

#[allow(clippy::too_many_arguments)]
fn write_record(
    out: &mut String,
    time: Instant,
    connection: u32,
    direction: Direction,
    packet_type: Option<PacketType>,
    packet_id: Option<u16>,
    bytes: &[u8],
    max_bytes: usize,
) -> fmt::Result {
    let first = bytes.first().copied().unwrap_or(0);
    let name = packet_type.map_or("RESERVED", PacketType::name);
    write!(
        out,
        "{{\"v\":{FORMAT_VERSION},\"t\":{time},\"c\":{connection},\"dir\":\"{}\",\"type\":\"{name}\"",
        direction.as_str()
    )?;
    if let Some(id) = packet_id {
        write!(out, ",\"id\":{id}")?;
    }
    if packet_type == Some(PacketType::Publish) {
        write!(out, ",\"qos\":{}", (first >> 1) & 0b11)?;
    }
    write!(
        out,
        ",\"flags\":{},\"len\":{},\"hex\":\"",
        first & 0x0f,
        bytes.len()
    )?;
    for byte in bytes.iter().take(max_bytes) {
        write!(out, "{byte:02x}")?;
    }
    out.push_str("\"}");
    Ok(())
}

/// Where a CONNECT that carries a user name or password must be cut so that no credential goes
/// into the trace: after its fixed header and the 10 bytes of variable header every edition has
/// (protocol name, level, connect flags, keep alive). `None` for other packets.
fn credentials_at(bytes: &[u8]) -> Option<usize> {
    let (&first, rest) = bytes.split_first()?;
    if first >> 4 != 1 {
        return None;
    }
    let length_bytes = rest.iter().take(4).position(|b| b & 0x80 == 0)? + 1;
    let header = 1 + length_bytes;
    // Connect Flags: user name 0x80, password 0x40 (in 3.1.1 and 5.0 alike).
    let flags = bytes.get(header + 7).copied().unwrap_or(0xff);
    (flags & 0xc0 != 0).then_some(header + 10)
}

/// The topic of a PUBLISH packet's bytes, if they are one (used to keep the trace's own PUBLISHes
/// out of the trace).
pub(crate) fn publish_topic(bytes: &[u8]) -> Option<&[u8]> {
    let (&first, rest) = bytes.split_first()?;
    if first >> 4 != 3 {
        return None;
    }
    // Skip the Remaining Length (1 to 4 bytes, high bit = more).
    let length_bytes = rest.iter().take(4).position(|b| b & 0x80 == 0)? + 1;
    let rest = rest.get(length_bytes..)?;
    let (len, rest) = rest.split_at_checked(2)?;
    let len = usize::from(u16::from_be_bytes([*len.first()?, *len.get(1)?]));
    rest.get(..len)
}

/// Why a trace line could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceParseError {
    /// Byte offset in the line where reading stopped.
    pub at: usize,
    /// What was wrong.
    pub reason: &'static str,
}

impl fmt::Display for TraceParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not a trace record (at byte {}): {}",
            self.at, self.reason
        )
    }
}

impl core::error::Error for TraceParseError {}

/// Reads one trace record (one JSON object, as published; surrounding whitespace is fine). Keys may
/// come in any order; unknown keys are skipped (later format versions may add some); `id` and `qos`
/// may be absent or `null`. Checks that the record is consistent: the type and flags agree with the
/// first byte of `hex`, and `hex` is no longer than `len`.
pub fn parse_trace_line(line: &str) -> Result<TraceRecord, TraceParseError> {
    let mut parser = Parser {
        text: line.as_bytes(),
        at: 0,
    };
    let mut version = None;
    let mut time = None;
    let mut connection = None;
    let mut direction = None;
    let mut packet_type = None;
    let mut packet_id = None;
    let mut qos = None;
    let mut flags = None;
    let mut len = None;
    let mut bytes = None;

    parser.expect(b'{')?;
    if !parser.eat(b'}') {
        loop {
            let key = parser.string()?;
            parser.expect(b':')?;
            let start = parser.at;
            let value = parser.value()?;
            let number = |max: u64| match value {
                Value::Number(n) if n <= max => Ok(n),
                Value::Number(_) => Err(TraceParseError {
                    at: start,
                    reason: "number out of range",
                }),
                _ => Err(TraceParseError {
                    at: start,
                    reason: "expected a number",
                }),
            };
            let optional = |max: u64| match value {
                Value::Null => Ok(None),
                _ => number(max).map(Some),
            };
            let text = || match &value {
                Value::String(s) => Ok(s.as_str()),
                _ => Err(TraceParseError {
                    at: start,
                    reason: "expected a string",
                }),
            };
            let bad = |reason| TraceParseError { at: start, reason };
            match key.as_str() {
                "v" => version = Some(number(u64::from(u32::MAX))? as u32),
                "t" => time = Some(number(u64::MAX)?),
                "c" => connection = Some(number(u64::from(u32::MAX))? as u32),
                "dir" => {
                    direction = Some(match text()? {
                        "out" => Direction::Out,
                        "in" => Direction::In,
                        _ => return Err(bad("dir must be \"out\" or \"in\"")),
                    })
                }
                "type" => {
                    let name = text()?;
                    packet_type = Some(
                        (1..=15)
                            .filter_map(PacketType::from_nibble)
                            .find(|t| t.name() == name)
                            .ok_or_else(|| bad("unknown packet type"))?,
                    )
                }
                "id" => packet_id = optional(u64::from(u16::MAX))?.map(|n| n as u16),
                "qos" => qos = optional(2)?.map(|n| n as u8),
                "flags" => flags = Some(number(15)? as u8),
                "len" => len = Some(number(u64::from(u32::MAX))? as usize),
                "hex" => {
                    bytes = Some(
                        decode_hex(text()?)
                            .ok_or_else(|| bad("hex must be pairs of hex digits"))?,
                    )
                }
                _ => {}
            }
            if parser.eat(b',') {
                continue;
            }
            parser.expect(b'}')?;
            break;
        }
    }
    parser.skip_space();
    if parser.at != parser.text.len() {
        return Err(parser.error("text after the object"));
    }

    let missing = |reason| TraceParseError {
        at: line.len(),
        reason,
    };
    let record = TraceRecord {
        version: version.ok_or_else(|| missing("missing \"v\""))?,
        time: time.ok_or_else(|| missing("missing \"t\""))?,
        connection: connection.ok_or_else(|| missing("missing \"c\""))?,
        direction: direction.ok_or_else(|| missing("missing \"dir\""))?,
        packet_type: packet_type.ok_or_else(|| missing("missing \"type\""))?,
        packet_id,
        qos,
        flags: flags.ok_or_else(|| missing("missing \"flags\""))?,
        len: len.ok_or_else(|| missing("missing \"len\""))?,
        bytes: bytes.ok_or_else(|| missing("missing \"hex\""))?,
    };
    if record.version != FORMAT_VERSION {
        return Err(missing("unsupported format version"));
    }
    if record.bytes.len() > record.len {
        return Err(missing("\"hex\" is longer than \"len\""));
    }
    if let Some(&first) = record.bytes.first() {
        if first >> 4 != record.packet_type as u8 || first & 0x0f != record.flags {
            return Err(missing("\"type\"/\"flags\" disagree with the first byte"));
        }
    }
    if (record.packet_type == PacketType::Publish) != record.qos.is_some() {
        return Err(missing("\"qos\" belongs to PUBLISH and only PUBLISH"));
    }
    Ok(record)
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    let nibble = |d: u8| (d as char).to_digit(16).map(|n| n as u8);
    digits
        .chunks_exact(2)
        .map(|pair| match pair {
            [high, low] => Some(nibble(*high)? << 4 | nibble(*low)?),
            _ => None,
        })
        .collect()
}

enum Value {
    Number(u64),
    String(String),
    Null,
    Other,
}

/// Just enough JSON for a flat object: strings (with escapes), unsigned integers, null, booleans.
struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn error(&self, reason: &'static str) -> TraceParseError {
        TraceParseError {
            at: self.at,
            reason,
        }
    }

    fn skip_space(&mut self) {
        while matches!(self.text.get(self.at), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        if self.text.get(self.at) == Some(&byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), TraceParseError> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(self.error(match byte {
                b'{' => "expected '{'",
                b'}' => "expected ',' or '}'",
                b':' => "expected ':'",
                _ => "unexpected character",
            }))
        }
    }

    fn string(&mut self) -> Result<String, TraceParseError> {
        if !self.eat(b'"') {
            return Err(self.error("expected a string"));
        }
        let mut out = String::new();
        loop {
            let Some(&byte) = self.text.get(self.at) else {
                return Err(self.error("unterminated string"));
            };
            self.at += 1;
            match byte {
                b'"' => return Ok(out),
                b'\\' => {
                    let escaped = self.text.get(self.at).copied();
                    self.at += 1;
                    match escaped {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'n') => out.push('\n'),
                        Some(b't') => out.push('\t'),
                        Some(b'r') => out.push('\r'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'u') => {
                            let hex = self
                                .text
                                .get(self.at..self.at + 4)
                                .and_then(|h| core::str::from_utf8(h).ok())
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                                .ok_or_else(|| self.error("bad \\u escape"))?;
                            self.at += 4;
                            out.push(char::from_u32(hex).unwrap_or('\u{fffd}'));
                        }
                        _ => return Err(self.error("bad escape")),
                    }
                }
                _ => {
                    // Copy the rest of a UTF-8 sequence whole.
                    let start = self.at - 1;
                    let width = match byte {
                        0x00..=0x7f => 1,
                        0xc0..=0xdf => 2,
                        0xe0..=0xef => 3,
                        _ => 4,
                    };
                    let piece = self
                        .text
                        .get(start..start + width)
                        .and_then(|p| core::str::from_utf8(p).ok())
                        .ok_or_else(|| self.error("invalid UTF-8"))?;
                    out.push_str(piece);
                    self.at = start + width;
                }
            }
        }
    }

    fn value(&mut self) -> Result<Value, TraceParseError> {
        self.skip_space();
        match self.text.get(self.at) {
            Some(b'"') => self.string().map(Value::String),
            Some(b'0'..=b'9') => {
                let mut n: u64 = 0;
                while let Some(&digit @ b'0'..=b'9') = self.text.get(self.at) {
                    n = n
                        .checked_mul(10)
                        .and_then(|n| n.checked_add(u64::from(digit - b'0')))
                        .ok_or_else(|| self.error("number too large"))?;
                    self.at += 1;
                }
                if matches!(self.text.get(self.at), Some(b'.' | b'e' | b'E')) {
                    return Err(self.error("expected an integer"));
                }
                Ok(Value::Number(n))
            }
            _ => {
                for (word, value) in [
                    ("null", Value::Null),
                    ("true", Value::Other),
                    ("false", Value::Other),
                ] {
                    if self.text.get(self.at..self.at + word.len()) == Some(word.as_bytes()) {
                        self.at += word.len();
                        return Ok(value);
                    }
                }
                Err(self.error("expected a value"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    const QOS1_PUBLISH: [u8; 9] = [0x32, 0x07, 0x00, 0x01, b'a', 0x00, 0x07, b'h', b'i'];

    #[test]
    fn a_record_is_one_compact_line() {
        let line = record(5123, 1, Direction::Out, Some(7), &QOS1_PUBLISH, 256);
        assert_eq!(
            line,
            r#"{"v":1,"t":5123,"c":1,"dir":"out","type":"PUBLISH","id":7,"qos":1,"flags":2,"len":9,"hex":"32070001610007" }"#
                .replace("\" }", "6869\"}")
        );
        let ping = record(9, 2, Direction::In, None, &[0xd0, 0x00], 256);
        assert_eq!(
            ping,
            r#"{"v":1,"t":9,"c":2,"dir":"in","type":"PINGRESP","flags":0,"len":2,"hex":"d000"}"#
        );
    }

    #[test]
    fn records_read_back() {
        let line = record(5123, 3, Direction::Out, Some(7), &QOS1_PUBLISH, 256);
        let parsed = parse_trace_line(&line).unwrap();
        assert_eq!(
            parsed,
            TraceRecord {
                version: 1,
                time: 5123,
                connection: 3,
                direction: Direction::Out,
                packet_type: PacketType::Publish,
                packet_id: Some(7),
                qos: Some(1),
                flags: 2,
                len: 9,
                bytes: QOS1_PUBLISH.to_vec(),
            }
        );
        assert!(!parsed.dup() && !parsed.retain() && !parsed.is_truncated());
    }

    #[test]
    fn long_packets_are_cut_and_say_so() {
        let line = record(1, 1, Direction::In, Some(7), &QOS1_PUBLISH, 4);
        let parsed = parse_trace_line(&line).unwrap();
        assert_eq!(parsed.bytes, vec![0x32, 0x07, 0x00, 0x01]);
        assert_eq!(parsed.len, 9);
        assert!(parsed.is_truncated());
    }

    #[test]
    fn the_parser_takes_any_order_spaces_nulls_and_unknown_keys() {
        let line = r#"  { "hex" : "e000", "len": 2, "flags": 0, "type": "DISCONNECT", "dir": "out",
            "c": 1, "t": 0, "v": 1, "id": null, "future": {"x": [1]}, "note": "a \"b\" \u00e9" }"#;
        // Nested values are not part of version 1: they are refused, not misread.
        assert!(parse_trace_line(line).is_err());
        let line = line.replace(r#""future": {"x": [1]}, "#, "");
        let parsed = parse_trace_line(&line).unwrap();
        assert_eq!(parsed.packet_type, PacketType::Disconnect);
        assert_eq!(parsed.packet_id, None);
        assert_eq!(parsed.bytes, vec![0xe0, 0x00]);
    }

    #[test]
    fn inconsistent_or_broken_records_are_refused() {
        let good = record(1, 1, Direction::Out, Some(7), &QOS1_PUBLISH, 256);
        let cases = [
            good.replace("\"type\":\"PUBLISH\"", "\"type\":\"PUBACK\""),
            good.replace("\"flags\":2", "\"flags\":3"),
            good.replace("\"len\":9", "\"len\":3"),
            good.replace("\"qos\":1,", ""),
            good.replace("\"dir\":\"out\"", "\"dir\":\"up\""),
            good.replace("\"v\":1", "\"v\":2"),
            good.replace("\"hex\":\"32", "\"hex\":\"3"),
            good.replace("\"t\":1", "\"t\":1.5"),
            good.replace("\"c\":1,", ""),
            good.clone() + "x",
            good[..good.len() - 1].into(),
            String::new(),
            "[]".into(),
        ];
        for case in cases {
            let error = parse_trace_line(&case).expect_err(&case);
            assert!(!error.to_string().is_empty());
        }
    }

    #[test]
    fn credentials_never_reach_the_trace() {
        // CONNECT 3.1.1, flags 0xc2 (user name, password, clean session), id "a", user "u", password "pw".
        let connect = [
            0x10, 0x17, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0xc2, 0x00, 0x3c, 0x00, 0x01,
            b'a', 0x00, 0x01, b'u', 0x00, 0x02, b'p', b'w',
        ];
        let parsed = parse_trace_line(&record(0, 1, Direction::Out, None, &connect, 256)).unwrap();
        assert_eq!(parsed.bytes, connect[..12].to_vec());
        assert_eq!(parsed.len, connect.len());
        // Without credentials the whole CONNECT is there.
        let mut anonymous = connect;
        anonymous[9] = 0x02;
        let parsed =
            parse_trace_line(&record(0, 1, Direction::Out, None, &anonymous, 256)).unwrap();
        assert_eq!(parsed.bytes.len(), connect.len());
    }

    #[test]
    fn the_publish_topic_is_found_in_the_bytes() {
        assert_eq!(publish_topic(&QOS1_PUBLISH), Some(&b"a"[..]));
        assert_eq!(publish_topic(&[0xd0, 0x00]), None);
        assert_eq!(publish_topic(&[0x30, 0x80]), None);
        assert_eq!(publish_topic(&[0x30, 0x05, 0x00, 0x09, b'a']), None);
        assert_eq!(
            trace_topic("esp32-kitchen"),
            "mqtt-playground/trace/esp32-kitchen"
        );
    }
}
