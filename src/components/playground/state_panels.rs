//! The state beside the diagram, at the cursor: per client its connection, its QoS 1/2 messages in
//! their handshakes (what each waits for), its inbound QoS 2 records, subscriptions and the latest
//! messages delivered; for the in-page broker its sessions, what it queues for offline clients and
//! its retained store. Stepping back shows them as they were.

use yew::prelude::*;

use super::Engine;
use crate::playground::model::{ClientKey, Direction};
use crate::playground::panels::{BrokerPanel, ClientPanel};

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
    html! { <span class="none">{ "none" }</span> }
}

/// "… and 7,936 more" when a list was cut (a flood can leave thousands of QoS 2 records open).
fn more(total: usize, shown: usize) -> Html {
    if total <= shown {
        return html! {};
    }
    html! { <span class="chip more" data-testid="more">{ format!("… and {} more ({total} in all)", total - shown) }</span> }
}

fn client_panel(panel: &ClientPanel, name: &str, received: Vec<String>) -> Html {
    html! {
        <article class="state-client" data-name={name.to_string()} data-testid="client-state">
            <h4>{ name }{ " " }<span class="state-word" data-testid="connection-state">{ panel.state }</span></h4>
            <dl>
                <dt>{ "Outbound in flight" }</dt>
                <dd data-testid="outbound">
                    if panel.outbound.is_empty() { { none() } }
                    { for panel.outbound.iter().map(|o| html! {
                        <span class="chip">{ format!("#{} QoS {} {} — awaiting {}", o.packet_id, o.qos, o.topic, o.waiting) }</span>
                    }) }
                    { more(panel.outbound_total, panel.outbound.len()) }
                </dd>
                <dt>{ "Inbound QoS 2 (until PUBREL)" }</dt>
                <dd data-testid="inbound">
                    if panel.inbound.is_empty() { { none() } }
                    { for panel.inbound.iter().map(|id| html! { <span class="chip">{ format!("#{id}") }</span> }) }
                    { more(panel.inbound_total, panel.inbound.len()) }
                </dd>
                <dt>{ "Subscriptions" }</dt>
                <dd data-testid="subscriptions">
                    if panel.subscriptions.is_empty() { { none() } }
                    { for panel.subscriptions.iter().map(|(filter, asked, granted)| {
                        let granted = granted.map_or("waiting for SUBACK".to_string(), |g| format!("granted {g}"));
                        html! { <span class="chip">{ format!("{filter} QoS {asked} ({granted})") }</span> }
                    }) }
                </dd>
                <dt>{ "Received (latest)" }</dt>
                <dd data-testid="received">
                    if received.is_empty() { { none() } }
                    { for received.iter().map(|text| html! { <span class="chip">{ text }</span> }) }
                </dd>
            </dl>
        </article>
    }
}

fn broker_state(broker: &BrokerPanel) -> Html {
    html! {
        <article class="state-broker" data-testid="broker-state">
            <h4>{ "broker (in the page)" }</h4>
            <dl>
                <dt>{ "Sessions" }</dt>
                <dd>
                    if broker.sessions.is_empty() { { none() } }
                    <ul class="sessions">
                        { for broker.sessions.iter().map(|s| {
                            let inflight: Vec<String> = s.inflight.iter().map(|(id, w)| format!("#{id} awaiting {w}")).collect();
                            html! {
                                <li data-client-id={s.client_id.clone()}>
                                    <strong>{ &s.client_id }</strong>
                                    { if s.connected { " · connected" } else { " · offline (session kept)" } }
                                    if !inflight.is_empty() { <div>{ format!("to it: {}", inflight.join(", ")) }</div> }
                                    if !s.awaiting_pubrel.is_empty() {
                                        <div>{ format!("from it, until PUBREL: {}", s.awaiting_pubrel.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(", ")) }</div>
                                    }
                                    if !s.queued.is_empty() {
                                        <div data-testid="queued">{ format!("queued for it ({}): {}", s.queued.len(), s.queued.join(", ")) }</div>
                                    }
                                </li>
                            }
                        }) }
                    </ul>
                </dd>
                <dt>{ "Retained" }</dt>
                <dd data-testid="retained">
                    if broker.retained.is_empty() { { none() } }
                    { for broker.retained.iter().map(|(topic, payload)| html! { <span class="chip">{ format!("{topic} = “{payload}”") }</span> }) }
                </dd>
            </dl>
        </article>
    }
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
    html! {
        <section class="state-panels" aria-label="State at the cursor" data-testid="state-panels">
            { for panels.clients.iter().zip(names).map(|(panel, name)| {
                let received = latest_received(engine, panel.key, cursor, 3);
                client_panel(panel, &name, received)
            }) }
            if let Some(broker) = &panels.broker { { broker_state(broker) } }
            if panels.broker.is_none() && !panels.clients.is_empty() {
                <p class="hint">{ "A real broker's own state is not observable: only our sessions are shown." }</p>
            }
        </section>
    }
}
