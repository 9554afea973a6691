//! One-line summaries of packets, for packet lists, sequence-diagram labels and logs.

use alloc::format;
use alloc::string::String;
use core::fmt::Write;

use super::{Packet, PacketType, ProtocolVersion, ReasonCode};

/// Writes `n` in decimal, as `{}` does, without going through the formatting machinery: every
/// PUBLISH and acknowledgement summary has a packet id, a QoS or a size.
fn push_number(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = n;
    loop {
        start -= 1;
        if let Some(digit) = digits.get_mut(start) {
            *digit = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 || start == 0 {
            break;
        }
    }
    out.push_str(core::str::from_utf8(digits.get(start..).unwrap_or_default()).unwrap_or_default());
}

/// Writes `text` in double quotes, exactly as `{:?}` does. Most topics and client ids need no
/// escaping, and then they are copied whole instead of going through `Debug`'s per-character escape.
fn write_quoted(out: &mut String, text: &str) -> core::fmt::Result {
    let plain = text
        .chars()
        .all(|c| c != '"' && c != '\\' && c != '\'' && (' '..='~').contains(&c));
    if plain {
        out.reserve(text.len() + 2);
        out.push('"');
        out.push_str(text);
        out.push('"');
        Ok(())
    } else {
        write!(out, "{text:?}")
    }
}

impl Packet<'_> {
    /// A one-line description such as `PUBLISH "esp32-kitchen/ip" QoS 1 id 7 DUP (12 B)` or
    /// `SUBACK id 3 [QoS 1, 0x80]`. `version` names reason codes in the right edition.
    pub fn summary(&self, version: ProtocolVersion) -> String {
        // Room for the usual summary, so it is written without growing (a flood summarizes every
        // packet, and each reallocation showed in its profile), and not much more: logs keep it.
        // An acknowledgement is `PUBCOMP id 65535`; a PUBLISH adds its topic, QoS, flags and size.
        let capacity = match self {
            Packet::Publish(p) => p.topic.len() + 48,
            Packet::Connect(c) => c.client_id.len() + 64,
            Packet::PubAck(_) | Packet::PubRec(_) | Packet::PubRel(_) | Packet::PubComp(_) => 16,
            _ => 32,
        };
        let mut text = String::with_capacity(capacity);
        text.push_str(self.packet_type().name());
        // Writing to a String cannot fail.
        let _ = self.write_details(&mut text, version);
        text
    }

    fn write_details(&self, out: &mut String, version: ProtocolVersion) -> core::fmt::Result {
        let reason = |code: ReasonCode, packet: PacketType| -> String {
            format!("0x{:02X} {}", code.0, code.name(packet, version))
        };
        match self {
            Packet::Connect(c) => {
                out.push(' ');
                write_quoted(out, c.client_id)?;
                write!(out, " MQTT {}", c.protocol_version)?;
                write!(out, " {}", if c.clean_start { "clean" } else { "resume" })?;
                write!(out, " keep alive {} s", c.keep_alive)?;
                if let Some(will) = &c.will {
                    out.push_str(" will ");
                    write_quoted(out, will.topic.as_str())?;
                    write!(out, " QoS {}", will.qos.level())?;
                }
                if let Some(user) = c.username {
                    out.push_str(" user ");
                    write_quoted(out, user)?;
                }
            }
            Packet::ConnAck(c) => {
                write!(out, " {}", reason(c.code, PacketType::ConnAck))?;
                if c.session_present {
                    out.push_str(" session present");
                }
            }
            Packet::Publish(p) => {
                out.push(' ');
                write_quoted(out, p.topic.as_str())?;
                out.push_str(" QoS ");
                push_number(out, p.qos.level().into());
                if let Some(id) = p.packet_id {
                    out.push_str(" id ");
                    push_number(out, id.into());
                }
                if p.dup {
                    out.push_str(" DUP");
                }
                if p.retain {
                    out.push_str(" RETAIN");
                }
                if let Some(alias) = p.properties.topic_alias() {
                    write!(out, " alias {alias}")?;
                }
                out.push_str(" (");
                push_number(out, p.payload.len());
                out.push_str(" B)");
            }
            Packet::PubAck(r) | Packet::PubRec(r) | Packet::PubRel(r) | Packet::PubComp(r) => {
                out.push_str(" id ");
                push_number(out, r.packet_id.into());
                if r.reason != ReasonCode::SUCCESS {
                    write!(out, " {}", reason(r.reason, self.packet_type()))?;
                }
            }
            Packet::Subscribe(s) => {
                write!(out, " id {}", s.packet_id)?;
                for (index, sub) in s.filters.iter().enumerate() {
                    let sep = if index == 0 { " [" } else { ", " };
                    out.push_str(sep);
                    write_quoted(out, sub.filter.as_str())?;
                    write!(out, " QoS {}", sub.options.qos.level())?;
                }
                out.push(']');
            }
            Packet::SubAck(s) => {
                write!(out, " id {}", s.packet_id)?;
                for (index, code) in s.codes.iter().enumerate() {
                    let sep = if index == 0 { " [" } else { ", " };
                    if code.0 <= 2 {
                        write!(out, "{sep}QoS {}", code.0)?;
                    } else {
                        write!(out, "{sep}0x{:02X}", code.0)?;
                    }
                }
                out.push(']');
            }
            Packet::Unsubscribe(u) => {
                write!(out, " id {}", u.packet_id)?;
                for (index, filter) in u.filters.iter().enumerate() {
                    let sep = if index == 0 { " [" } else { ", " };
                    out.push_str(sep);
                    write_quoted(out, filter.as_str())?;
                }
                out.push(']');
            }
            Packet::UnsubAck(u) => write!(out, " id {}", u.packet_id)?,
            Packet::PingReq | Packet::PingResp => {}
            Packet::Disconnect(d) => {
                if version.is_v5() {
                    write!(out, " {}", reason(d.reason, PacketType::Disconnect))?;
                }
            }
            Packet::Auth(a) => write!(out, " {}", reason(a.reason, PacketType::Auth))?,
        }
        Ok(())
    }
}

/// The summary of the one packet `bytes` hold, or what is wrong with them: for a page that keeps
/// packets as bytes and describes only those it shows (see
/// [`ClientOptions::describe_packets`](crate::client::ClientOptions::describe_packets)).
pub fn summarize(bytes: &[u8], version: ProtocolVersion) -> String {
    let size = || match bytes.len() {
        1 => String::from("1 byte"),
        n => format!("{n} bytes"),
    };
    match super::decode(bytes, version) {
        Ok(Some((packet, _))) => packet.summary(version),
        Ok(None) => format!("{}, an incomplete packet", size()),
        Err(error) => format!("{}, not a packet: {error}", size()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Publish, QoS, SubAck};
    use crate::topic::TopicName;
    use alloc::vec;

    #[test]
    fn publish_and_suback_summaries_name_what_matters() {
        let publish = Packet::Publish(Publish {
            qos: QoS::AtLeastOnce,
            packet_id: Some(7),
            dup: true,
            ..Publish::new(TopicName::new("esp32-kitchen/ip").unwrap(), b"192.168.1.20")
        });
        assert_eq!(
            publish.summary(ProtocolVersion::V311),
            "PUBLISH \"esp32-kitchen/ip\" QoS 1 id 7 DUP (12 B)"
        );
        let suback = Packet::SubAck(SubAck {
            packet_id: 3,
            codes: vec![ReasonCode::GRANTED_QOS_1, ReasonCode::SUBACK_FAILURE],
            ..SubAck::default()
        });
        assert_eq!(
            suback.summary(ProtocolVersion::V311),
            "SUBACK id 3 [QoS 1, 0x80]"
        );
        assert_eq!(Packet::PingReq.summary(ProtocolVersion::V5), "PINGREQ");
    }

    #[test]
    fn numbers_are_written_exactly_as_display_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 65_535, 1_000_000, usize::MAX] {
            let mut out = String::new();
            push_number(&mut out, n);
            assert_eq!(out, format!("{n}"));
        }
    }

    #[test]
    fn quoted_text_is_exactly_what_debug_writes() {
        for text in [
            "esp32-kitchen/ip",
            "",
            "a b/+/#",
            "say \"hi\"",
            "back\\slash",
            "it's",
            "tab\there",
            "new\nline",
            "caf\u{e9}/\u{1F321}",
            "\u{7f}del",
        ] {
            let mut out = String::new();
            write_quoted(&mut out, text).unwrap();
            assert_eq!(out, format!("{text:?}"), "{text}");
        }
    }
}
