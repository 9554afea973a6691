//! One line (or a few) on how decoding the selected packet went: well-formed, malformed, incomplete.

use std::rc::Rc;

use mqtt_core::ProtocolVersion;
use yew::prelude::*;

use super::el::{el, fragment, text, El};

use crate::inspector::inspection::{Malformed, Outcome, PacketView, MAX_PACKETS};

#[derive(Properties, PartialEq)]
pub struct DecodeStatusProps {
    /// The packet.
    pub packet: Rc<PacketView>,
    /// The edition it was decoded in.
    pub version: ProtocolVersion,
    /// Bytes after it that were not decoded (only for the last packet).
    pub undecoded: usize,
    /// Whether decoding stopped because the list reached its maximum length.
    pub stopped_at_limit: bool,
}

/// The verdict for the selected packet.
#[function_component(DecodeStatus)]
pub fn decode_status(props: &DecodeStatusProps) -> Html {
    let packet = &props.packet;
    let verdict = match &packet.outcome {
        Outcome::Decoded => el("div")
            .class("status ok")
            .attr("role", "status")
            .child(status_title("✓", "Well-formed ").text(packet.summary.clone()))
            .text(" ")
            .child(el("p").class("status-detail").text(format!(
                "{} bytes, read as MQTT {}. Point at a field or a byte to see how they match.",
                packet.bytes.len(),
                props.version.edition()
            )))
            .into(),
        Outcome::Malformed(error) => malformed(error),
        Outcome::Incomplete(incomplete) => el("div")
            .class("status incomplete")
            .attr("data-testid", "decode-incomplete")
            .attr("role", "status")
            .child(status_title("…", "Incomplete packet"))
            .text(" ")
            .child(el("p").class("status-message").text(incomplete.message()))
            .text(" ")
            .child(el("p").class("status-detail").text(
                "Not malformed, just cut short: a receiver waits for the rest. Paste the missing bytes, \
                 or check the remaining length (from byte 1).",
            ))
            .into(),
    };
    let note = (props.undecoded > 0).then(|| {
        el("p")
            .class("status-note")
            .text(if props.stopped_at_limit {
                format!(
                    "Only the first {MAX_PACKETS} packets are shown; {} more bytes were not decoded.",
                    props.undecoded
                )
            } else {
                format!(
                    "{} byte{} after this packet were not decoded: a receiver closes the connection at a \
                     malformed packet, so it never reads further.",
                    props.undecoded,
                    if props.undecoded == 1 { "" } else { "s" }
                )
            })
            .into()
    });
    fragment([verdict, note.unwrap_or_default()])
}

/// A status's title line: its icon (hidden from screen readers, the words carry the meaning) and
/// its bold heading; what follows is added by the caller.
pub fn status_title(icon: &'static str, heading: &'static str) -> El {
    el("p")
        .class("status-title")
        .child(status_icon(icon))
        .text(" ")
        .child(el("strong").text(heading))
}

/// The `<span class="status-icon">` that leads a status title.
pub fn status_icon(icon: &'static str) -> El {
    el("span")
        .class("status-icon")
        .attr("aria-hidden", "true")
        .text(icon)
}

fn malformed(error: &Malformed) -> Html {
    let extent = match error.len {
        0 => String::from(" (something is missing there)"),
        1 => String::new(),
        n => format!(" ({n} bytes)"),
    };
    el("div")
        .class("status error")
        .attr("data-testid", "decode-error")
        .attr("role", "status")
        .child(
            status_title("✕", "Malformed packet")
                .text(format!(" at byte {}{extent}:", error.offset)),
        )
        .text(" ")
        .child(el("p").class("status-message").text(error.message.clone()))
        .text(" ")
        .child_opt(error.rule.as_ref().map(|rule| {
            fragment([
                el("p")
                    .class("status-rule")
                    .text("Rule ")
                    .child(el("code").class("rule").text(rule.clone()))
                    .into(),
                text(" "),
            ])
        }))
        .child(el("p").class("status-detail").text(
            "The marked bytes are where decoding failed; the fields read before that are listed below.",
        ))
        .into()
}
