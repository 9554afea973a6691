//! How `mqtt sub` prints a message, byte for byte as `mosquitto_sub` does: the payload (raw bytes,
//! not re-encoded), `topic payload` with `-v`, `topic (null)` for an empty payload with `-v`, and a
//! newline unless `-N`.

use mqtt_core::message::Message;

/// The printing options of `sub`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    /// `-v`: prefix the topic.
    pub verbose: bool,
    /// Not `-N`: end each message with a newline.
    pub newline: bool,
}

/// The bytes printed for `message`.
pub fn render(message: &Message, format: Format) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.topic().len() + message.payload.len() + 2);
    if format.verbose {
        if message.payload.is_empty() {
            // mosquitto prints nothing at all for an empty payload with -v -N.
            if format.newline {
                out.extend_from_slice(message.topic().as_bytes());
                out.extend_from_slice(b" (null)\n");
            }
            return out;
        }
        out.extend_from_slice(message.topic().as_bytes());
        out.push(b' ');
    }
    out.extend_from_slice(&message.payload);
    if format.newline {
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqtt_core::QoS;

    fn message(payload: &[u8]) -> Message {
        Message::new("a/b", payload, QoS::AtMostOnce, false).expect("valid topic")
    }

    #[test]
    fn prints_like_mosquitto_sub() {
        let plain = Format {
            verbose: false,
            newline: true,
        };
        let verbose = Format {
            verbose: true,
            newline: true,
        };
        let bare = Format {
            verbose: true,
            newline: false,
        };
        assert_eq!(render(&message(b"hi"), plain), b"hi\n");
        assert_eq!(render(&message(b""), plain), b"\n");
        assert_eq!(render(&message(b"hi"), verbose), b"a/b hi\n");
        assert_eq!(render(&message(b""), verbose), b"a/b (null)\n");
        assert_eq!(render(&message(b"hi"), bare), b"a/b hi");
        assert_eq!(render(&message(b""), bare), b"");
    }
}
