//! The message log as JSON, for a file the user downloads: every message with its time, client,
//! direction, topic, flags and payload (as text when it is UTF-8, else base64). No passwords: they are
//! never part of a message. Written by hand (a few lines) rather than with serde, which would add its
//! weight to the page.

use base64::Engine as _;

use super::model::{ClientKey, MessageRecord};
use super::time::Clock;

/// `text` as a JSON string literal.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The JSON document for `messages`, naming clients with `name` and the broker as `broker`.
pub fn messages_json<'a>(
    messages: impl Iterator<Item = &'a MessageRecord>,
    name: &dyn Fn(ClientKey) -> &'a str,
    broker: &str,
    clock: &Clock,
    now: mqtt_core::Instant,
) -> String {
    let mut items = Vec::new();
    for record in messages {
        let mut fields = vec![
            ("time", json_string(&clock.iso(record.at))),
            ("client", json_string(name(record.client))),
            ("direction", json_string(record.direction.word())),
            ("topic", json_string(&record.topic)),
            ("qos", record.qos.level().to_string()),
            ("retain", record.retain.to_string()),
            ("dup", record.dup.to_string()),
        ];
        if let Some(id) = record.packet_id {
            fields.push(("packet_id", id.to_string()));
        }
        match std::str::from_utf8(&record.payload) {
            Ok(text) => fields.push(("payload", json_string(text))),
            Err(_) => fields.push((
                "payload_base64",
                json_string(&base64::engine::general_purpose::STANDARD.encode(&record.payload[..])),
            )),
        }
        if let Some(properties) = record.properties.as_deref() {
            if let Some(content_type) = &properties.content_type {
                fields.push(("content_type", json_string(content_type)));
            }
            if !properties.user_properties.is_empty() {
                let pairs: Vec<String> = properties
                    .user_properties
                    .iter()
                    .map(|(k, v)| format!("[{}, {}]", json_string(k), json_string(v)))
                    .collect();
                fields.push(("user_properties", format!("[{}]", pairs.join(", "))));
            }
        }
        let body: Vec<String> = fields
            .into_iter()
            .map(|(key, value)| format!("\"{key}\": {value}"))
            .collect();
        items.push(format!("    {{{}}}", body.join(", ")));
    }
    format!(
        "{{\n  \"format\": \"mqtt-playground messages 1\",\n  \"exported_at\": {},\n  \"broker\": {},\n  \
         \"count\": {},\n  \"messages\": [\n{}\n  ]\n}}\n",
        json_string(&clock.iso(now)),
        json_string(broker),
        items.len(),
        items.join(",\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::model::Direction;
    use mqtt_core::codec::QoS;
    use mqtt_core::message::MessageProperties;
    use std::rc::Rc;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(
            json_string("a\"b\\c\nd\u{1}é"),
            "\"a\\\"b\\\\c\\nd\\u0001é\""
        );
    }

    #[test]
    fn messages_export_as_json_with_text_or_base64_payloads() {
        let text = MessageRecord {
            at: 5,
            client: 1,
            direction: Direction::Received,
            topic: Rc::from("kitchen/temp"),
            payload: b"<b>\"21.5\"</b>".to_vec().into(),
            qos: QoS::AtLeastOnce,
            retain: true,
            dup: false,
            packet_id: Some(3),
            properties: Some(Rc::new(MessageProperties {
                content_type: Some("text/plain".into()),
                user_properties: vec![("k".into(), "v".into())],
                ..MessageProperties::default()
            })),
            packet: None,
            step: 0,
        };
        let binary = MessageRecord {
            payload: vec![0xffu8, 0x00].into(),
            properties: None,
            direction: Direction::Sent,
            packet_id: None,
            ..text.clone()
        };
        let json = messages_json(
            [text, binary].iter(),
            &|_| "dashboard",
            "ws://127.0.0.1:9001",
            &Clock::default(),
            10,
        );
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["count"], 2);
        assert_eq!(value["broker"], "ws://127.0.0.1:9001");
        let first = &value["messages"][0];
        assert_eq!(first["time"], "1970-01-01T00:00:00.005Z");
        assert_eq!(first["client"], "dashboard");
        assert_eq!(first["payload"], "<b>\"21.5\"</b>");
        assert_eq!(first["qos"], 1);
        assert_eq!(first["retain"], true);
        assert_eq!(first["packet_id"], 3);
        assert_eq!(first["content_type"], "text/plain");
        assert_eq!(first["user_properties"][0][1], "v");
        let second = &value["messages"][1];
        assert_eq!(second["direction"], "sent");
        assert!(second.get("payload").is_none());
        assert_eq!(second["payload_base64"], "/wA=");
        let empty = messages_json([].iter(), &|_| "", "b", &Clock::default(), 0);
        let value: serde_json::Value = serde_json::from_str(&empty).unwrap();
        assert_eq!(value["count"], 0);
    }
}
