//! Hold mode on a real broker: per client, our packets waiting for "Send" (or "Drop": never sent)
//! and the broker's packets buffered before the session, waiting for "Reveal" — oldest first, the
//! order they go. A warning when we have been silent long enough for the broker's keep-alive to
//! matter.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::el::{button, el, fragment, text};
use crate::playground::model::ClientKey;
use crate::playground::real::HoldView;

/// What the queue shows and reports.
pub struct HoldQueueProps {
    /// Each client's queues (clients with nothing waiting are left out).
    pub holds: Vec<HoldView>,
    /// Client names.
    pub names: Rc<Vec<(ClientKey, String)>>,
    /// Send the client's oldest held packet.
    pub on_send: Callback<ClientKey>,
    /// Drop it instead.
    pub on_drop: Callback<ClientKey>,
    /// Hand the client's oldest buffered packet to its session.
    pub on_reveal: Callback<ClientKey>,
}

fn packet_name(packet_type: mqtt_core::PacketType, id: Option<u16>) -> String {
    match id {
        Some(id) => format!("{} #{id}", packet_type.name()),
        None => packet_type.name().to_string(),
    }
}

fn emit(on: &Callback<ClientKey>, key: ClientKey) -> Callback<MouseEvent> {
    let on = on.clone();
    Callback::from(move |_: MouseEvent| on.emit(key))
}

/// The queues (nothing when nothing waits).
pub fn hold_queue(props: &HoldQueueProps) -> Html {
    if props.holds.is_empty() {
        return Html::default();
    }
    let name = |key: ClientKey| {
        props
            .names
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("?", |(_, n)| n.as_str())
            .to_string()
    };
    let client = |h: &HoldView| {
        let who = name(h.key);
        let warning = h.keep_alive.map(|(silent, limit)| {
            el("p")
                .class("keepalive-warning")
                .attr("role", "alert")
                .child(el("span").attr("aria-hidden", "true").text("⚠ "))
                .text(format!("{silent} s since {who} last sent anything: the broker closes the connection after {limit} s of silence (1.5 × keep alive)."))
                .child_opt(h.ping_in.map(|ping| {
                    text(format!(
                        " Its PINGREQ goes out by itself in {ping} s (pings are never held)."
                    ))
                }))
        });
        let held = (!h.held.is_empty()).then(|| {
            let rows = h.held.iter().enumerate().map(|(n, (t, id, summary))| {
                let packet = packet_name(*t, *id);
                let buttons = (n == 0).then(|| {
                    fragment([
                        button()
                            .class("primary send-held")
                            .label(format!("Send {packet} from {who}"))
                            .on_click(emit(&props.on_send, h.key))
                            .text("Send")
                            .into(),
                        button()
                            .class("drop-held")
                            .label(format!("Drop {packet} from {who}: never sent"))
                            .on_click(emit(&props.on_drop, h.key))
                            .text("Drop")
                            .into(),
                    ])
                });
                el("li")
                    .attr("title", summary.clone())
                    .child(el("span").class("held-packet").text(packet.clone()))
                    .child_opt(buttons)
                    .into()
            });
            el("div")
                .class("hold-list")
                .child(el("span").class("hold-dir").text("↑ to send"))
                .child(el("ol").attr("data-testid", "held").children(rows))
        });
        let inbox = (!h.inbox.is_empty() || h.closing).then(|| {
            let rows = h.inbox.iter().enumerate().map(|(n, (t, id))| {
                let packet = packet_name(*t, *id);
                let reveal = (n == 0).then(|| {
                    button()
                        .class("reveal")
                        .label(format!("Reveal {packet} to {who}"))
                        .on_click(emit(&props.on_reveal, h.key))
                        .text("Reveal")
                });
                el("li")
                    .child(el("span").class("held-packet").text(packet.clone()))
                    .child_opt(reveal)
                    .into()
            });
            let closing = h.closing.then(|| {
                el("li")
                    .class("closing")
                    .text("then the connection closes")
                    .child_opt(h.inbox.is_empty().then(|| {
                        button()
                            .class("reveal")
                            .on_click(emit(&props.on_reveal, h.key))
                            .text("Reveal")
                    }))
            });
            el("div")
                .class("hold-list")
                .child(el("span").class("hold-dir").text("↓ buffered"))
                .child(
                    el("ol")
                        .attr("data-testid", "inbox")
                        .children(rows)
                        .child_opt(closing),
                )
        });
        el("li")
            .class("hold-client")
            .attr("data-name", who.clone())
            .child(el("strong").text(who.clone()))
            .child_opt(warning)
            .child_opt(held)
            .child_opt(inbox)
            .into()
    };
    el("section")
        .class("hold-queue")
        .attr("aria-labelledby", "hold-heading")
        .attr("data-testid", "hold-queue")
        .child(el("h3").id("hold-heading").text("Waiting in hold mode"))
        .child(
            el("ul")
                .class("hold-clients")
                .children(props.holds.iter().map(client)),
        )
        .into()
}
