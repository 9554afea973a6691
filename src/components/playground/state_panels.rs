//! The state beside the diagram, at the cursor: per client its connection, its QoS 1/2 messages in
//! their handshakes (what each waits for), its inbound QoS 2 records, subscriptions and the latest
//! messages delivered; for the in-page broker its sessions, what it queues for offline clients and
//! its retained store. Stepping back shows them as they were.

use yew::prelude::*;

use super::Engine;
use crate::components::el::el;
use crate::playground::model::{ClientKey, Direction};
use crate::playground::panels::{BrokerPanel, ClientPanel, SessionPanel};

/// Messages delivered to `key` before the cursor, newest last (at most `n`; only the latest few
/// hundred records are looked at, so this stays cheap with a long history).
fn latest_received(engine: &Engine, key: ClientKey, cursor: u64, n: usize) -> Vec<String> {
    let workspace = engine.0.read();
    let messages = &workspace.history().messages;
    let end = messages.partition_point(|m| m.step < cursor);
    let mut found: Vec<String> = messages
        .iter_from(end.saturating_sub(400))
        .take_while(|(i, _)| *i < end)
        .filter(|(_, m)| m.client == key && m.direction == Direction::Received)
        .map(|(_, m)| {
            let dup = if m.dup { ", DUP" } else { "" };
            format!(
                "“{}” on {} (QoS {}{dup})",
                String::from_utf8_lossy(&m.payload),
                m.topic,
                m.qos.level()
            )
        })
        .collect();
    let from = found.len().saturating_sub(n);
    found.drain(..from);
    found
}

fn none() -> Html {
    el("span").class("none").text("none").into()
}

/// One item of a list, as a chip.
fn chip(text: impl Into<AttrValue>) -> Html {
    el("span").class("chip").text(text).into()
}

/// "… and 7,936 more" when a list was cut (a flood can leave thousands of QoS 2 records open).
fn more(total: usize, shown: usize) -> Html {
    if total <= shown {
        return Html::default();
    }
    el("span")
        .class("chip more")
        .attr("data-testid", "more")
        .text(format!("… and {} more ({total} in all)", total - shown))
        .into()
}

fn client_panel(panel: &ClientPanel, name: &str, received: Vec<String>) -> Html {
    let outbound = el("dd")
        .attr("data-testid", "outbound")
        .child_opt(panel.outbound.is_empty().then(none))
        .children(panel.outbound.iter().map(|o| {
            chip(format!(
                "#{} QoS {} {} — awaiting {}",
                o.packet_id, o.qos, o.topic, o.waiting
            ))
        }))
        .child(more(panel.outbound_total, panel.outbound.len()));
    let inbound = el("dd")
        .attr("data-testid", "inbound")
        .child_opt(panel.inbound.is_empty().then(none))
        .children(panel.inbound.iter().map(|id| chip(format!("#{id}"))))
        .child(more(panel.inbound_total, panel.inbound.len()));
    let subscriptions = el("dd")
        .attr("data-testid", "subscriptions")
        .child_opt(panel.subscriptions.is_empty().then(none))
        .children(panel.subscriptions.iter().map(|(filter, asked, granted)| {
            let granted =
                granted.map_or("waiting for SUBACK".to_string(), |g| format!("granted {g}"));
            chip(format!("{filter} QoS {asked} ({granted})"))
        }));
    let received = el("dd")
        .attr("data-testid", "received")
        .child_opt(received.is_empty().then(none))
        .children(received.into_iter().map(chip));
    el("article")
        .class("state-client")
        .attr("data-name", name.to_string())
        .attr("data-testid", "client-state")
        .child(
            el("h3").text(name.to_string()).text(" ").child(
                el("span")
                    .class("state-word")
                    .attr("data-testid", "connection-state")
                    .text(panel.state),
            ),
        )
        .child(
            el("dl")
                .child(el("dt").text("Outbound in flight"))
                .child(outbound)
                .child(el("dt").text("Inbound QoS 2 (until PUBREL)"))
                .child(inbound)
                .child(el("dt").text("Subscriptions"))
                .child(subscriptions)
                .child(el("dt").text("Received (latest)"))
                .child(received),
        )
        .into()
}

fn session(s: &SessionPanel) -> Html {
    let inflight: Vec<String> = s
        .inflight
        .iter()
        .map(|(id, w)| format!("#{id} awaiting {w}"))
        .collect();
    el("li")
        .attr("data-client-id", s.client_id.clone())
        .child(el("strong").text(s.client_id.clone()))
        .text(if s.connected {
            " · connected"
        } else {
            " · offline (session kept)"
        })
        .child_opt(
            (!inflight.is_empty())
                .then(|| el("div").text(format!("to it: {}", inflight.join(", ")))),
        )
        .child_opt((!s.awaiting_pubrel.is_empty()).then(|| {
            el("div").text(format!(
                "from it, until PUBREL: {}",
                s.awaiting_pubrel
                    .iter()
                    .map(|id| format!("#{id}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }))
        .child_opt((!s.queued.is_empty()).then(|| {
            el("div").attr("data-testid", "queued").text(format!(
                "queued for it ({}): {}",
                s.queued.len(),
                s.queued.join(", ")
            ))
        }))
        .into()
}

fn broker_state(broker: &BrokerPanel) -> Html {
    el("article")
        .class("state-broker")
        .attr("data-testid", "broker-state")
        .child(el("h3").text("broker (in the page)"))
        .child(
            el("dl")
                .child(el("dt").text("Sessions"))
                .child(
                    el("dd")
                        .child_opt(broker.sessions.is_empty().then(none))
                        .child(
                            el("ul")
                                .class("sessions")
                                .children(broker.sessions.iter().map(session)),
                        ),
                )
                .child(el("dt").text("Retained"))
                .child(
                    el("dd")
                        .attr("data-testid", "retained")
                        .child_opt(broker.retained.is_empty().then(none))
                        .children(
                            broker
                                .retained
                                .iter()
                                .map(|(topic, payload)| chip(format!("{topic} = “{payload}”"))),
                        ),
                ),
        )
        .into()
}

/// The panels at the cursor (`cursor` from the playhead).
pub fn state_panels(engine: &Engine, cursor: u64) -> Html {
    let (panels, names) = {
        let workspace = engine.0.read();
        let panels = workspace.panels();
        let names: Vec<String> = panels
            .clients
            .iter()
            .map(|c| workspace.name(c.key).to_string())
            .collect();
        (panels, names)
    };
    el("section")
        .class("state-panels")
        .label("State at the cursor")
        .attr("data-testid", "state-panels")
        .children(panels.clients.iter().zip(names).map(|(panel, name)| {
            let received = latest_received(engine, panel.key, cursor, 3);
            client_panel(panel, &name, received)
        }))
        .child_opt(panels.broker.as_ref().map(broker_state))
        .child_opt(
            (panels.broker.is_none() && !panels.clients.is_empty()).then(|| {
                el("p").class("hint").text(
                    "A real broker's own state is not observable: only our sessions are shown.",
                )
            }),
        )
        .into()
}
