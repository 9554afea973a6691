//! The clients: one card each with its state (a symbol and a word, never colour alone), counters,
//! subscriptions with what the broker granted, the latest problem explained, and its actions —
//! connect/disconnect, sleep/wake (persistent sessions), kill abruptly (no DISCONNECT: the will goes
//! out), remove.

use mqtt_core::client::ConnectionState;
use yew::prelude::*;

use super::Engine;
use crate::playground::model::{ClientKey, Notice, Status};

/// What a card shows, copied out of the workspace so unchanged cards do not render again.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientView {
    /// Key.
    pub key: ClientKey,
    /// Name.
    pub name: String,
    /// Client id in effect.
    pub client_id: String,
    /// "3.1.1" or "5.0".
    pub edition: &'static str,
    /// Keep alive, seconds.
    pub keep_alive: u16,
    /// Whether its session persists (it can sleep).
    pub persistent: bool,
    /// Whether it has a will.
    pub will: Option<String>,
    /// Status.
    pub status: Status,
    /// Messages received.
    pub received: u64,
    /// Messages published.
    pub sent: u64,
    /// Our QoS 1/2 messages in their handshakes, and waiting behind the window.
    pub in_flight: usize,
    /// Inbound QoS 2 waiting for PUBREL.
    pub awaiting_pubrel: usize,
    /// Subscriptions: filter, requested QoS, granted QoS (`None`: waiting for SUBACK).
    pub subscriptions: Vec<(String, u8, Option<u8>)>,
    /// The latest problem.
    pub problem: Option<Notice>,
    /// One-way latency estimate.
    pub latency_ms: Option<u64>,
}

/// The cards for every client in the workspace.
pub fn client_views(engine: &Engine) -> Vec<ClientView> {
    let workspace = engine.0.read();
    workspace
        .clients()
        .iter()
        .map(|entry| {
            let session = workspace.session(entry.key);
            let config = &entry.config;
            ClientView {
                key: entry.key,
                name: config.name.clone(),
                client_id: session
                    .map_or_else(|| config.client_id.clone(), |s| s.client_id().to_string()),
                edition: config.version.edition(),
                keep_alive: config.keep_alive,
                persistent: config.is_persistent(),
                will: config.will.as_ref().map(|will| will.topic.clone()),
                status: entry.status,
                received: entry.received,
                sent: entry.sent,
                in_flight: session.map_or(0, |s| {
                    s.outbound().len() + s.pending().filter(|(id, _)| id.is_some()).count()
                }),
                awaiting_pubrel: session.map_or(0, |s| s.awaiting_pubrel().count()),
                subscriptions: session.map_or_else(Vec::new, |s| {
                    s.subscriptions()
                        .iter()
                        .map(|sub| {
                            (
                                sub.filter.clone(),
                                sub.options.qos.level(),
                                sub.granted.map(|q| q.level()),
                            )
                        })
                        .collect()
                }),
                problem: entry.problem.clone(),
                latency_ms: entry
                    .latency_ms
                    .filter(|_| session.is_some_and(|s| s.state() == ConnectionState::Connected)),
            }
        })
        .collect()
}

/// What a client can be asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientCommand {
    /// Connect.
    Connect,
    /// Disconnect cleanly.
    Disconnect,
    /// Sleep (persistent session).
    Sleep,
    /// Wake.
    Wake,
    /// Close without DISCONNECT.
    Kill,
    /// Remove.
    Remove,
    /// Dismiss its problem notice.
    Dismiss,
}

/// One client's card; `on_command` hears its buttons, `on_unsubscribe` its subscriptions' ✕.
pub fn client_card(
    client: &ClientView,
    on_command: &Callback<(ClientKey, ClientCommand)>,
    on_unsubscribe: &Callback<(ClientKey, String)>,
) -> Html {
    let key = client.key;
    let command = |command: ClientCommand| {
        let on_command = on_command.clone();
        Callback::from(move |_: MouseEvent| on_command.emit((key, command)))
    };
    let status = client.status;
    let connected = status == Status::Connected;
    let active = status.is_active();
    let heading = format!("client-{key}-name");
    let name = &client.name;
    let in_flight = client.in_flight + client.awaiting_pubrel;
    html! {
        <li key={key} class={classes!("client-card", status.class())} aria-labelledby={heading.clone()}
            data-testid="client-card" data-name={name.clone()}>
            <div class="client-head">
                <h3 id={heading}>{ name }</h3>
                <span class={classes!("badge", "status", status.class())} data-testid="client-status">
                    <span aria-hidden="true">{ status.icon() }</span>{ " " }{ status.label() }
                </span>
            </div>
            <p class="client-meta">
                <code title="client identifier">{ &client.client_id }</code>
                { format!(" · MQTT {} · keep alive {} s · ", client.edition, client.keep_alive) }
                { if client.persistent { "persistent session" } else { "clean session" } }
                if let Some(will) = &client.will {
                    { " · will on " }<code>{ will }</code>
                }
            </p>
            <dl class="client-stats">
                <div><dt>{ "Received" }</dt><dd data-testid="received-count">{ client.received }</dd></div>
                <div><dt>{ "Published" }</dt><dd data-testid="sent-count">{ client.sent }</dd></div>
                <div><dt title="QoS 1/2 messages in their handshakes">{ "In flight" }</dt><dd>{ in_flight }</dd></div>
                if let Some(latency) = client.latency_ms {
                    <div><dt title="half the PINGREQ→PINGRESP round trip">{ "Latency" }</dt><dd>{ format!("~{latency} ms") }</dd></div>
                }
            </dl>
            if !client.subscriptions.is_empty() {
                <ul class="subscriptions" aria-label={format!("Subscriptions of {name}")}>
                    { for client.subscriptions.iter().map(|(filter, requested, granted)| {
                        let on_unsubscribe = on_unsubscribe.clone();
                        let unsubscribe_filter = filter.clone();
                        let onclick = Callback::from(move |_: MouseEvent| on_unsubscribe.emit((key, unsubscribe_filter.clone())));
                        let (text, downgraded) = match granted {
                            None => (format!("QoS {requested} requested, waiting for SUBACK"), false),
                            Some(qos) if qos < requested => (format!("granted QoS {qos} (asked {requested})"), true),
                            Some(qos) => (format!("QoS {qos}"), false),
                        };
                        html! {
                            <li class={classes!("subscription", downgraded.then_some("downgraded"))}>
                                <code>{ filter }</code>
                                <span class="hint">
                                    if downgraded { <span aria-hidden="true">{ "⚠ " }</span> }
                                    { text }
                                </span>
                                <button type="button" class="icon-button" onclick={onclick} disabled={!connected}
                                    aria-label={format!("Unsubscribe {name} from {filter}")} title="Unsubscribe">{ "✕" }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
            if let Some(problem) = &client.problem {
                <div class={classes!("notice", problem.level.class())} role="alert" data-testid="client-problem">
                    <p class="notice-title">
                        <span class="notice-icon" aria-hidden="true">{ problem.level.icon() }</span>
                        { &problem.title }
                    </p>
                    if !problem.details.is_empty() {
                        <ul class="notice-details">
                            { for problem.details.iter().map(|line| html! { <li>{ line }</li> }) }
                        </ul>
                    }
                    <button type="button" class="link-button" onclick={command(ClientCommand::Dismiss)}
                        aria-label={format!("Dismiss the message about {name}")}>{ "Dismiss" }</button>
                </div>
            }
            <div class="client-actions">
                if active {
                    <button type="button" onclick={command(ClientCommand::Disconnect)}
                        title="Orderly close with DISCONNECT: no will">{ "Disconnect" }</button>
                } else if status == Status::Asleep {
                    <button type="button" class="primary" onclick={command(ClientCommand::Wake)}
                        title="Reconnect and resume the session: queued messages arrive">{ "Wake" }</button>
                } else {
                    <button type="button" class="primary" onclick={command(ClientCommand::Connect)}>{ "Connect" }</button>
                }
                if client.persistent && status != Status::Asleep {
                    <button type="button" onclick={command(ClientCommand::Sleep)} disabled={!connected}
                        title="Disconnect cleanly, keeping the session at the broker (a battery sensor)">{ "Sleep" }</button>
                }
                <button type="button" class="danger" onclick={command(ClientCommand::Kill)} disabled={!active}
                    title="Close the connection without DISCONNECT: the broker publishes the will">{ "Kill abruptly" }</button>
                <button type="button" class="quiet" onclick={command(ClientCommand::Remove)}
                    aria-label={format!("Remove {name}")}>{ "Remove" }</button>
            </div>
        </li>
    }
}
