//! One line (or a few) on how decoding the selected packet went: well-formed, malformed, incomplete.

use std::rc::Rc;

use mqtt_core::ProtocolVersion;
use yew::prelude::*;

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
        Outcome::Decoded => html! {
            <div class="status ok" role="status">
                <p class="status-title">
                    <span class="status-icon" aria-hidden="true">{ "✓" }</span>{ " " }
                    <strong>{ "Well-formed " }</strong>
                    { &packet.summary }
                </p>
                { " " }
                <p class="status-detail">
                    { format!("{} bytes, read as MQTT {}. Point at a field or a byte to see how they match.",
                        packet.bytes.len(), props.version.edition()) }
                </p>
            </div>
        },
        Outcome::Malformed(error) => malformed(error),
        Outcome::Incomplete(incomplete) => html! {
            <div class="status incomplete" data-testid="decode-incomplete" role="status">
                <p class="status-title">
                    <span class="status-icon" aria-hidden="true">{ "…" }</span>{ " " }
                    <strong>{ "Incomplete packet" }</strong>
                </p>
                { " " }
                <p class="status-message">{ incomplete.message() }</p>
                { " " }
                <p class="status-detail">
                    { "Not malformed, just cut short: a receiver waits for the rest. Paste the missing bytes, \
                       or check the remaining length (from byte 1)." }
                </p>
            </div>
        },
    };
    html! {
        <>
            { verdict }
            if props.undecoded > 0 {
                <p class="status-note">
                    { if props.stopped_at_limit {
                        format!("Only the first {MAX_PACKETS} packets are shown; {} more bytes were not decoded.",
                            props.undecoded)
                    } else {
                        format!("{} byte{} after this packet were not decoded: a receiver closes the connection at a \
                                 malformed packet, so it never reads further.",
                            props.undecoded, if props.undecoded == 1 { "" } else { "s" })
                    } }
                </p>
            }
        </>
    }
}

fn malformed(error: &Malformed) -> Html {
    let extent = match error.len {
        0 => String::from(" (something is missing there)"),
        1 => String::new(),
        n => format!(" ({n} bytes)"),
    };
    html! {
        <div class="status error" data-testid="decode-error" role="status">
            <p class="status-title">
                <span class="status-icon" aria-hidden="true">{ "✕" }</span>{ " " }
                <strong>{ "Malformed packet" }</strong>
                { format!(" at byte {}{extent}:", error.offset) }
            </p>
            { " " }
            <p class="status-message">{ &error.message }</p>
            { " " }
            if let Some(rule) = &error.rule {
                <p class="status-rule">{ "Rule " }<code class="rule">{ rule }</code></p>
                { " " }
            }
            <p class="status-detail">
                { "The marked bytes are where decoding failed; the fields read before that are listed below." }
            </p>
        </div>
    }
}
