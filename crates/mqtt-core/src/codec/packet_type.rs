//! The control packet types of the fixed header (MQTT §2.1.2 in both editions).

use core::fmt;

/// The 4-bit packet type in the first byte of every packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // the names are the specification's
pub enum PacketType {
    Connect = 1,
    ConnAck = 2,
    Publish = 3,
    PubAck = 4,
    PubRec = 5,
    PubRel = 6,
    PubComp = 7,
    Subscribe = 8,
    SubAck = 9,
    Unsubscribe = 10,
    UnsubAck = 11,
    PingReq = 12,
    PingResp = 13,
    Disconnect = 14,
    Auth = 15,
}

impl PacketType {
    /// The type for the high nibble of byte 0; `None` for the reserved value 0.
    pub const fn from_nibble(nibble: u8) -> Option<Self> {
        Some(match nibble {
            1 => PacketType::Connect,
            2 => PacketType::ConnAck,
            3 => PacketType::Publish,
            4 => PacketType::PubAck,
            5 => PacketType::PubRec,
            6 => PacketType::PubRel,
            7 => PacketType::PubComp,
            8 => PacketType::Subscribe,
            9 => PacketType::SubAck,
            10 => PacketType::Unsubscribe,
            11 => PacketType::UnsubAck,
            12 => PacketType::PingReq,
            13 => PacketType::PingResp,
            14 => PacketType::Disconnect,
            15 => PacketType::Auth,
            _ => return None,
        })
    }

    /// The name as the specification writes it, e.g. `PUBREL`.
    pub const fn name(self) -> &'static str {
        match self {
            PacketType::Connect => "CONNECT",
            PacketType::ConnAck => "CONNACK",
            PacketType::Publish => "PUBLISH",
            PacketType::PubAck => "PUBACK",
            PacketType::PubRec => "PUBREC",
            PacketType::PubRel => "PUBREL",
            PacketType::PubComp => "PUBCOMP",
            PacketType::Subscribe => "SUBSCRIBE",
            PacketType::SubAck => "SUBACK",
            PacketType::Unsubscribe => "UNSUBSCRIBE",
            PacketType::UnsubAck => "UNSUBACK",
            PacketType::PingReq => "PINGREQ",
            PacketType::PingResp => "PINGRESP",
            PacketType::Disconnect => "DISCONNECT",
            PacketType::Auth => "AUTH",
        }
    }

    /// The fixed flags every packet but PUBLISH must carry (MQTT §2.2.2 (3.1.1), §2.1.3 (5.0)):
    /// `0b0010` for PUBREL, SUBSCRIBE and UNSUBSCRIBE, `0` for the rest. PUBLISH has real flags.
    pub const fn required_flags(self) -> Option<u8> {
        match self {
            PacketType::Publish => None,
            PacketType::PubRel | PacketType::Subscribe | PacketType::Unsubscribe => Some(0b0010),
            _ => Some(0),
        }
    }

    /// What the packet is for, in one line.
    pub const fn explain(self) -> &'static str {
        match self {
            PacketType::Connect => "client asks the broker to open a session",
            PacketType::ConnAck => "broker accepts or refuses the CONNECT",
            PacketType::Publish => "carries an application message to the other side",
            PacketType::PubAck => "QoS 1: the receiver has the message (ends the QoS 1 flow)",
            PacketType::PubRec => {
                "QoS 2 part 2: the receiver has the message and recorded its packet id"
            }
            PacketType::PubRel => "QoS 2 part 3: the sender lets the receiver forget the packet id",
            PacketType::PubComp => {
                "QoS 2 part 4: the receiver released the packet id; the flow is done"
            }
            PacketType::Subscribe => "client asks for messages on one or more topic filters",
            PacketType::SubAck => {
                "broker answers a SUBSCRIBE with a granted QoS or error per filter"
            }
            PacketType::Unsubscribe => "client drops one or more subscriptions",
            PacketType::UnsubAck => "broker confirms an UNSUBSCRIBE",
            PacketType::PingReq => "client is alive; keeps the connection open when idle",
            PacketType::PingResp => "broker answers a PINGREQ",
            PacketType::Disconnect => "orderly close; a client's DISCONNECT discards its will",
            PacketType::Auth => "MQTT 5.0 extended authentication exchange",
        }
    }
}

impl fmt::Display for PacketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
