//! The clients: one card each with its state (a symbol and a word, never colour alone), counters,
//! subscriptions with what the broker granted, the latest problem explained, and its actions —
//! connect/disconnect, sleep/wake (persistent sessions), kill abruptly (no DISCONNECT: the will goes
//! out), remove.

use mqtt_core::client::ConnectionState;
use yew::prelude::*;

use super::Engine;
use crate::components::el::{button, el, fragment, text, El};
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
                awaiting_pubrel: session.map_or(0, |s| s.awaiting_pubrel_len()),
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
    let stat = |term: El, value: El| el("div").child(term).child(value);
    let meta = el("p")
        .class("client-meta")
        .child(
            el("code")
                .attr("title", "client identifier")
                .text(client.client_id.clone()),
        )
        .text(format!(
            " · MQTT {} · keep alive {} s · ",
            client.edition, client.keep_alive
        ))
        .text(if client.persistent {
            "persistent session"
        } else {
            "clean session"
        })
        .child_opt(
            client
                .will
                .as_ref()
                .map(|will| fragment([text(" · will on "), el("code").text(will.clone()).into()])),
        );
    let stats = el("dl")
        .class("client-stats")
        .child(stat(
            el("dt").text("Received"),
            el("dd")
                .attr("data-testid", "received-count")
                .text(client.received.to_string()),
        ))
        .child(stat(
            el("dt").text("Published"),
            el("dd")
                .attr("data-testid", "sent-count")
                .text(client.sent.to_string()),
        ))
        .child(stat(
            el("dt")
                .attr("title", "QoS 1/2 messages in their handshakes")
                .text("In flight"),
            el("dd").text(in_flight.to_string()),
        ))
        .child_opt(client.latency_ms.map(|latency| {
            stat(
                el("dt")
                    .attr("title", "half the PINGREQ→PINGRESP round trip")
                    .text("Latency"),
                el("dd").text(format!("~{latency} ms")),
            )
        }));
    let subscription = |(filter, requested, granted): &(String, u8, Option<u8>)| -> Html {
        let on_unsubscribe = on_unsubscribe.clone();
        let unsubscribe_filter = filter.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            on_unsubscribe.emit((key, unsubscribe_filter.clone()))
        });
        let (text, downgraded) = match granted {
            None => (
                format!("QoS {requested} requested, waiting for SUBACK"),
                false,
            ),
            Some(qos) if qos < requested => {
                (format!("granted QoS {qos} (asked {requested})"), true)
            }
            Some(qos) => (format!("QoS {qos}"), false),
        };
        let warning = downgraded.then(|| el("span").attr("aria-hidden", "true").text("⚠ "));
        el("li")
            .class(&classes!(
                "subscription",
                downgraded.then_some("downgraded")
            ))
            .child(el("code").text(filter.clone()))
            .child(el("span").class("hint").child_opt(warning).text(text))
            .child(
                button()
                    .class("icon-button")
                    .on_click(onclick)
                    .flag("disabled", !connected)
                    .label(format!("Unsubscribe {name} from {filter}"))
                    .attr("title", "Unsubscribe")
                    .text("✕"),
            )
            .into()
    };
    let subscriptions = (!client.subscriptions.is_empty()).then(|| {
        el("ul")
            .class("subscriptions")
            .label(format!("Subscriptions of {name}"))
            .children(client.subscriptions.iter().map(subscription))
    });
    let problem = client.problem.as_ref().map(|problem| {
        el("div")
            .class(&classes!("notice", problem.level.class()))
            .attr("role", "alert")
            .attr("data-testid", "client-problem")
            .child(
                el("p")
                    .class("notice-title")
                    .child(
                        el("span")
                            .class("notice-icon")
                            .attr("aria-hidden", "true")
                            .text(problem.level.icon()),
                    )
                    .text(problem.title.clone()),
            )
            .child_opt((!problem.details.is_empty()).then(|| {
                el("ul").class("notice-details").children(
                    problem
                        .details
                        .iter()
                        .map(|line| el("li").text(line.clone()).into()),
                )
            }))
            .child(
                button()
                    .class("link-button")
                    .on_click(command(ClientCommand::Dismiss))
                    .label(format!("Dismiss the message about {name}"))
                    .text("Dismiss"),
            )
    });
    let connect = if active {
        button()
            .on_click(command(ClientCommand::Disconnect))
            .attr("title", "Orderly close with DISCONNECT: no will")
            .text("Disconnect")
    } else if status == Status::Asleep {
        button()
            .class("primary")
            .on_click(command(ClientCommand::Wake))
            .attr(
                "title",
                "Reconnect and resume the session: queued messages arrive",
            )
            .text("Wake")
    } else {
        button()
            .class("primary")
            .on_click(command(ClientCommand::Connect))
            .text("Connect")
    };
    let actions = el("div")
        .class("client-actions")
        .child(connect)
        .child_opt((client.persistent && status != Status::Asleep).then(|| {
            button()
                .on_click(command(ClientCommand::Sleep))
                .flag("disabled", !connected)
                .attr(
                    "title",
                    "Disconnect cleanly, keeping the session at the broker (a battery sensor)",
                )
                .text("Sleep")
        }))
        .child(
            button()
                .class("danger")
                .on_click(command(ClientCommand::Kill))
                .flag("disabled", !active)
                .attr(
                    "title",
                    "Close the connection without DISCONNECT: the broker publishes the will",
                )
                .text("Kill abruptly"),
        )
        .child(
            button()
                .class("quiet")
                .on_click(command(ClientCommand::Remove))
                .label(format!("Remove {name}"))
                .text("Remove"),
        );
    el("li")
        .key(key)
        .class(&classes!("client-card", status.class()))
        .attr("aria-labelledby", heading.clone())
        .attr("data-testid", "client-card")
        .attr("data-name", name.clone())
        .child(
            el("div")
                .class("client-head")
                .child(el("h3").id(heading).text(name.clone()))
                .child(
                    el("span")
                        .class(&classes!("badge", "status", status.class()))
                        .attr("data-testid", "client-status")
                        .child(el("span").attr("aria-hidden", "true").text(status.icon()))
                        .text(" ")
                        .text(status.label()),
                ),
        )
        .child(meta)
        .child(stats)
        .child_opt(subscriptions)
        .child_opt(problem)
        .child(actions)
        .into()
}
