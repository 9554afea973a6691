//! The message log (virtualized; filter by topic, client and direction; export as JSON) and the
//! selected message: its facts, its payload as text, JSON, hex or base64 — always in a text node, so
//! markup in a payload shows literally — and a chart of its topic's numbers.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;
use yew::virtual_dom::AttrValue;

use crate::components::el::{button, el, fragment, input, option};

use super::chart::{numeric_chart, HEIGHT, WIDTH};
use super::log_list::{
    client_filter, follow_checkbox, grid_cell, header, leading_cells, log_list, LogSource,
};
use super::virtual_list::VirtualList;
use super::{input_text, selected, Engine};
use crate::playground::log_view::{FilteredLog, LogFilter};
use crate::playground::model::{ClientKey, Direction, MessageRecord};
use crate::playground::payload::{preview, render, PayloadView};
use crate::playground::series;
use crate::playground::time::Clock;

/// What it shows and reports.
pub struct MessagesViewProps {
    /// The workspace.
    pub engine: Engine,
    /// Its revision.
    pub revision: u64,
    /// The filter.
    pub filter: LogFilter,
    /// Clients for the filter: (key, name).
    pub clients: Rc<Vec<(ClientKey, String)>>,
    /// The selected message.
    pub selected: Option<u64>,
    /// Following the newest message.
    pub follow: bool,
    /// The payload view.
    pub view: PayloadView,
    /// Wall clock.
    pub clock: Clock,
    /// Filter edits.
    pub on_topic: Callback<String>,
    /// Client filter.
    pub on_client: Callback<Option<ClientKey>>,
    /// Direction filter.
    pub on_direction: Callback<Option<Direction>>,
    /// A message was chosen.
    pub on_select: Callback<Option<u64>>,
    /// Follow on/off.
    pub on_follow: Callback<bool>,
    /// Payload view chosen.
    pub on_view: Callback<PayloadView>,
    /// Export what the filter shows.
    pub on_export: Callback<()>,
    /// Copy text.
    pub on_copy: Callback<String>,
    /// Open a packet record in the packet list.
    pub on_packet: Callback<u64>,
    /// The filtered view, kept between renders by the page.
    pub filtered: Rc<RefCell<FilteredLog>>,
}

/// The log with its toolbar and the selected message.
pub fn messages_view(props: &MessagesViewProps) -> Html {
    let list = log_list(
        &props.engine,
        &props.filtered,
        &props.filter,
        LogSource {
            log: |history| &history.messages,
            cells: |workspace, record, clock| {
                row_cells(record, workspace.name(record.client), clock)
            },
        },
        props.selected,
        props.clock,
        &props.on_select,
    );

    let on_topic = props
        .on_topic
        .reform(|event: InputEvent| input_text(&event));
    let on_client = props
        .on_client
        .reform(|event: Event| selected(&event).parse().ok());
    let on_direction = props
        .on_direction
        .reform(|event: Event| match selected(&event).as_str() {
            "sent" => Some(Direction::Sent),
            "received" => Some(Direction::Received),
            _ => None,
        });
    let on_follow = props
        .on_follow
        .reform(|event: Event| super::checked(&event));
    let on_export = props.on_export.reform(|_: MouseEvent| ());
    let header = header(&[
        ("c-time", "Time"),
        ("c-client", "Client"),
        ("c-dir", "Direction"),
        ("c-topic", "Topic"),
        ("c-qos", "QoS"),
        ("c-flags", "Flags"),
        ("c-payload", "Payload"),
    ]);
    let clients = client_filter("log-client", &props.clients, props.filter.client, on_client);
    let directions = el("select")
        .id("log-direction")
        .on_change(on_direction)
        .child(option("", props.filter.direction.is_none(), "Both"))
        .child(option(
            "received",
            props.filter.direction == Some(Direction::Received),
            "↓ Received",
        ))
        .child(option(
            "sent",
            props.filter.direction == Some(Direction::Sent),
            "↑ Sent",
        ));
    let toolbar = el("div")
        .class("toolbar")
        .attr("role", "search")
        .label("Filter messages")
        .child(
            el("div")
                .class("control grow")
                .child(
                    el("label").attr("for", "log-topic").text("Topic ").child(
                        el("span")
                            .class("hint")
                            .text("text, or a filter like home/+/temp"),
                    ),
                )
                .child(
                    input()
                        .id("log-topic")
                        .attr("type", "search")
                        .value(props.filter.topic.clone())
                        .on_input(on_topic)
                        .attr("autocomplete", "off")
                        .attr("spellcheck", "false")
                        .attr("placeholder", "all topics"),
                ),
        )
        .child(
            el("div")
                .class("control")
                .child(el("label").attr("for", "log-client").text("Client"))
                .child(clients),
        )
        .child(
            el("div")
                .class("control")
                .child(el("label").attr("for", "log-direction").text("Direction"))
                .child(directions),
        )
        .child(follow_checkbox("log-follow", props.follow, on_follow))
        .child(
            button()
                .id("log-export")
                .on_click(on_export)
                .flag("disabled", list.rows == 0)
                .text("Export JSON"),
        );
    fragment([
        toolbar.into(),
        el("p")
            .class("list-count")
            .attr("data-testid", "message-count")
            .text(list.count("messages"))
            .into(),
        html! {
            <VirtualList id="message-log" label="Messages" class="log-grid" rows={list.rows} {header}
                render={list.render} selected={list.selected_row} on_select={list.on_select}
                follow={props.follow} on_follow={props.on_follow.clone()} revision={props.revision}
                empty="No messages yet: subscribe a client, then publish." />
        },
        detail(props),
    ])
}

fn row_cells(record: &MessageRecord, client: &str, clock: &Clock) -> Html {
    let mut flags = Vec::new();
    if record.retain {
        flags.push("R");
    }
    if record.dup {
        flags.push("DUP");
    }
    let flags_title = match (record.retain, record.dup) {
        (true, true) => "retained, duplicate",
        (true, false) => "retained",
        (false, true) => "duplicate",
        _ => "",
    };
    let leading = leading_cells(
        clock,
        record.at,
        client,
        record.direction,
        (record.direction.arrow(), record.direction.word()),
    );
    fragment(
        leading.into_iter().chain([
            grid_cell()
                .class("c-topic")
                .attr("title", record.topic.to_string())
                .text(record.topic.to_string())
                .into(),
            grid_cell()
                .class("c-qos")
                .text(record.qos.level().to_string())
                .into(),
            grid_cell()
                .class("c-flags")
                .attr("title", flags_title)
                .text(flags.join(" "))
                .into(),
            grid_cell()
                .class("c-payload")
                .text(preview(&record.payload, 160))
                .into(),
        ]),
    )
}

/// One fact of the selected message: `<div><dt>term</dt><dd>value</dd></div>`.
fn fact(term: AttrValue, value: AttrValue) -> Html {
    el("div")
        .child(el("dt").text(term))
        .child(el("dd").text(value))
        .into()
}

/// "yes" or "no".
fn yes_no(yes: bool) -> AttrValue {
    if yes { "yes" } else { "no" }.into()
}

/// The selected message, if any.
fn detail(props: &MessagesViewProps) -> Html {
    let workspace = props.engine.0.read();
    let Some(record) = props
        .selected
        .and_then(|index| workspace.history().messages.get(index))
    else {
        return el("p")
            .class("detail-placeholder")
            .text("Select a message (click, or arrow keys in the list) to see its payload.")
            .into();
    };
    let rendered = render(&record.payload, props.view);
    let chart = workspace
        .topics()
        .numbers(&record.topic)
        .filter(|points| points.len() > 1)
        .and_then(|points| series::chart(points, WIDTH, HEIGHT));
    let on_copy = {
        let on_copy = props.on_copy.clone();
        let text = rendered.text.clone();
        Callback::from(move |_: MouseEvent| on_copy.emit(text.clone()))
    };
    let packet = record.packet;
    let on_packet = {
        let on_packet = props.on_packet.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(index) = packet {
                on_packet.emit(index);
            }
        })
    };
    let properties = record.properties.as_ref().map(|properties| {
        fragment([
            properties
                .content_type
                .as_ref()
                .map(|content_type| fact("Content type".into(), content_type.clone().into()))
                .unwrap_or_default(),
            properties
                .message_expiry_interval
                .map(|seconds| fact("Expiry".into(), format!("{seconds} s").into()))
                .unwrap_or_default(),
            properties
                .response_topic
                .as_ref()
                .map(|topic| fact("Response topic".into(), topic.clone().into()))
                .unwrap_or_default(),
            properties
                .user_properties
                .iter()
                .map(|(name, value)| {
                    fact(
                        format!("User property “{name}”").into(),
                        value.clone().into(),
                    )
                })
                .collect(),
        ])
    });
    let facts = el("dl")
        .class("facts")
        .child(fact(
            "Client".into(),
            format!(
                "{} ({})",
                workspace.name(record.client),
                record.direction.word()
            )
            .into(),
        ))
        .child(fact(
            "Time".into(),
            props.clock.time_of_day(record.at).into(),
        ))
        .child(fact("QoS".into(), record.qos.level().to_string().into()))
        .child(fact("Retain".into(), yes_no(record.retain)))
        .child_opt(
            (record.direction == Direction::Received)
                .then(|| fact("DUP".into(), yes_no(record.dup))),
        )
        .child_opt(
            record
                .packet_id
                .map(|id| fact("Packet id".into(), id.to_string().into())),
        )
        .child(fact(
            "Size".into(),
            format!("{} bytes", record.payload.len()).into(),
        ))
        .child_opt(properties);
    let views = el("div")
        .class("segmented")
        .attr("role", "radiogroup")
        .label("Show the payload as")
        .children(PayloadView::ALL.into_iter().map(|view| {
            let on_view = props.on_view.clone();
            let checked = view == props.view;
            button()
                .attr("role", "radio")
                .attr("aria-checked", if checked { "true" } else { "false" })
                .id(format!("payload-as-{}", view.label().to_ascii_lowercase()))
                .attr_opt("class", checked.then_some("on"))
                .on_click(Callback::from(move |_: MouseEvent| on_view.emit(view)))
                .text(view.label())
                .into()
        }));
    el("section")
        .class("message-detail")
        .label("Selected message")
        .attr("data-testid", "message-detail")
        .child(
            el("h3")
                .class("detail-title")
                .child(
                    el("span")
                        .attr("aria-hidden", "true")
                        .text(record.direction.arrow()),
                )
                .text(" ")
                .child(el("code").text(record.topic.to_string())),
        )
        .child(facts)
        .child(
            el("div")
                .class("payload-head")
                .child(views)
                .child(button().on_click(on_copy).text("Copy"))
                .child_opt(
                    packet
                        .is_some()
                        .then(|| button().on_click(on_packet).text("Show its PUBLISH packet")),
                ),
        )
        .child_opt(
            rendered
                .note
                .map(|note| el("p").class("field-hint").text(note)),
        )
        .child(
            el("pre")
                .class("payload")
                .attr("data-testid", "payload-view")
                .attr("tabindex", "0")
                .label("Payload")
                .text(rendered.text),
        )
        .child_opt(chart.map(|chart| numeric_chart(&record.topic, &chart)))
        .into()
}
