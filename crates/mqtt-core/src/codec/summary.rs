//! One-line summaries of packets, for packet lists, sequence-diagram labels and logs.

use alloc::format;
use alloc::string::String;
use core::fmt::Write;

use super::{Packet, PacketType, ProtocolVersion, ReasonCode};

impl Packet<'_> {
    /// A one-line description such as `PUBLISH "esp32-kitchen/ip" QoS 1 id 7 DUP (12 B)` or
    /// `SUBACK id 3 [QoS 1, 0x80]`. `version` names reason codes in the right edition.
    pub fn summary(&self, version: ProtocolVersion) -> String {
        let mut text = String::from(self.packet_type().name());
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
                write!(out, " {:?} MQTT {}", c.client_id, c.protocol_version)?;
                write!(out, " {}", if c.clean_start { "clean" } else { "resume" })?;
                write!(out, " keep alive {} s", c.keep_alive)?;
                if let Some(will) = &c.will {
                    write!(out, " will {:?} QoS {}", will.topic, will.qos.level())?;
                }
                if let Some(user) = c.username {
                    write!(out, " user {user:?}")?;
                }
            }
            Packet::ConnAck(c) => {
                write!(out, " {}", reason(c.code, PacketType::ConnAck))?;
                if c.session_present {
                    out.push_str(" session present");
                }
            }
            Packet::Publish(p) => {
                write!(out, " {:?} QoS {}", p.topic, p.qos.level())?;
                if let Some(id) = p.packet_id {
                    write!(out, " id {id}")?;
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
                write!(out, " ({} B)", p.payload.len())?;
            }
            Packet::PubAck(r) | Packet::PubRec(r) | Packet::PubRel(r) | Packet::PubComp(r) => {
                write!(out, " id {}", r.packet_id)?;
                if r.reason != ReasonCode::SUCCESS {
                    write!(out, " {}", reason(r.reason, self.packet_type()))?;
                }
            }
            Packet::Subscribe(s) => {
                write!(out, " id {}", s.packet_id)?;
                for (index, sub) in s.filters.iter().enumerate() {
                    let sep = if index == 0 { " [" } else { ", " };
                    write!(out, "{sep}{:?} QoS {}", sub.filter, sub.options.qos.level())?;
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
                    write!(out, "{sep}{filter:?}")?;
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
}
