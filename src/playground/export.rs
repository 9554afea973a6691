//! The message log as JSON, for a file the user downloads: every message with its time, client,
//! direction, topic, flags and payload (as text when it is UTF-8, else base64). No passwords: they are
//! never part of a message.

use base64::Engine as _;
use serde::Serialize;

use super::model::{ClientKey, MessageRecord};
use super::time::Clock;

#[derive(Serialize)]
struct Export<'a> {
    format: &'static str,
    exported_at: String,
    broker: &'a str,
    count: usize,
    messages: Vec<Exported<'a>>,
}

#[derive(Serialize)]
struct Exported<'a> {
    time: String,
    client: &'a str,
    direction: &'static str,
    topic: &'a str,
    qos: u8,
    retain: bool,
    dup: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    packet_id: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload_base64: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    user_properties: Vec<(&'a str, &'a str)>,
}

/// The JSON document for `messages`, naming clients with `name` and the broker as `broker`.
pub fn messages_json<'a>(
    messages: impl Iterator<Item = &'a MessageRecord>,
    name: &dyn Fn(ClientKey) -> &'a str,
    broker: &'a str,
    clock: &Clock,
    now: mqtt_core::Instant,
) -> String {
    let messages: Vec<Exported<'a>> = messages
        .map(|record| {
            let text = std::str::from_utf8(&record.payload).ok();
            let properties = record.properties.as_deref();
            Exported {
                time: clock.iso(record.at),
                client: name(record.client),
                direction: record.direction.word(),
                topic: &record.topic,
                qos: record.qos.level(),
                retain: record.retain,
                dup: record.dup,
                packet_id: record.packet_id,
                payload: text,
                payload_base64: text
                    .is_none()
                    .then(|| base64::engine::general_purpose::STANDARD.encode(&record.payload)),
                content_type: properties.and_then(|p| p.content_type.as_deref()),
                user_properties: properties
                    .map(|p| {
                        p.user_properties
                            .iter()
                            .map(|(k, v)| (k.as_str(), v.as_str()))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let export = Export {
        format: "mqtt-playground messages 1",
        exported_at: clock.iso(now),
        broker,
        count: messages.len(),
        messages,
    };
    serde_json::to_string_pretty(&export).unwrap_or_default()
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
    fn messages_export_as_json_with_text_or_base64_payloads() {
        let text = MessageRecord {
            at: 5,
            client: 1,
            direction: Direction::Received,
            topic: Rc::from("kitchen/temp"),
            payload: Rc::from(&b"<b>21.5</b>"[..]),
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
        };
        let binary = MessageRecord {
            payload: Rc::from(&[0xffu8, 0x00][..]),
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
        assert_eq!(first["payload"], "<b>21.5</b>");
        assert_eq!(first["packet_id"], 3);
        assert_eq!(first["content_type"], "text/plain");
        assert_eq!(first["user_properties"][0][1], "v");
        let second = &value["messages"][1];
        assert_eq!(second["direction"], "sent");
        assert!(second.get("payload").is_none());
        assert_eq!(second["payload_base64"], "/wA=");
        assert!(!json.to_lowercase().contains("password"));
    }
}
