//! The message log (virtualized; filter by topic, client and direction; export as JSON) and the
//! selected message: its facts, its payload as text, JSON, hex or base64 — always in a text node, so
//! markup in a payload shows literally — and a chart of its topic's numbers.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::chart::{numeric_chart, HEIGHT, WIDTH};
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
    let filtered = &props.filtered;
    let (rows, total, selected_row) = {
        let workspace = props.engine.0.read();
        let log = &workspace.history().messages;
        let mut view = filtered.borrow_mut();
        view.update(log, &props.filter);
        let selected_row = props.selected.and_then(|index| view.row_of(log, index));
        (view.len(log), log.len(), selected_row)
    };

    let render_row = {
        let engine = props.engine.clone();
        let filtered: Rc<RefCell<FilteredLog>> = filtered.clone();
        let clock = props.clock;
        Callback::from(move |row: usize| {
            let workspace = engine.0.read();
            let log = &workspace.history().messages;
            let Some(record) = filtered.borrow().index(log, row).and_then(|i| log.get(i)) else {
                return html! {};
            };
            row_cells(record, workspace.name(record.client), &clock)
        })
    };
    let on_select_row = {
        let engine = props.engine.clone();
        let filtered = filtered.clone();
        let on_select = props.on_select.clone();
        Callback::from(move |row: usize| {
            let workspace = engine.0.read();
            let index = filtered.borrow().index(&workspace.history().messages, row);
            on_select.emit(index);
        })
    };

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
    let header = html! {
        <>
            <span role="columnheader" class="c-time">{ "Time" }</span>
            <span role="columnheader" class="c-client">{ "Client" }</span>
            <span role="columnheader" class="c-dir">{ "Direction" }</span>
            <span role="columnheader" class="c-topic">{ "Topic" }</span>
            <span role="columnheader" class="c-qos">{ "QoS" }</span>
            <span role="columnheader" class="c-flags">{ "Flags" }</span>
            <span role="columnheader" class="c-payload">{ "Payload" }</span>
        </>
    };
    let count = if rows == total {
        format!("{total} messages")
    } else {
        format!("{rows} of {total} messages")
    };
    html! {
        <>
            <div class="toolbar" role="search" aria-label="Filter messages">
                <div class="control grow">
                    <label for="log-topic">{ "Topic " }<span class="hint">{ "text, or a filter like home/+/temp" }</span></label>
                    <input id="log-topic" type="search" value={props.filter.topic.clone()} oninput={on_topic}
                        autocomplete="off" spellcheck="false" placeholder="all topics" />
                </div>
                <div class="control">
                    <label for="log-client">{ "Client" }</label>
                    <select id="log-client" onchange={on_client}>
                        <option value="" selected={props.filter.client.is_none()}>{ "All clients" }</option>
                        { for props.clients.iter().map(|(key, name)| html! {
                            <option value={key.to_string()} selected={props.filter.client == Some(*key)}>{ name }</option>
                        }) }
                    </select>
                </div>
                <div class="control">
                    <label for="log-direction">{ "Direction" }</label>
                    <select id="log-direction" onchange={on_direction}>
                        <option value="" selected={props.filter.direction.is_none()}>{ "Both" }</option>
                        <option value="received" selected={props.filter.direction == Some(Direction::Received)}>{ "↓ Received" }</option>
                        <option value="sent" selected={props.filter.direction == Some(Direction::Sent)}>{ "↑ Sent" }</option>
                    </select>
                </div>
                <label class="check toolbar-check">
                    <input id="log-follow" type="checkbox" checked={props.follow} onchange={on_follow} />
                    { "Follow newest" }
                </label>
                <button type="button" id="log-export" onclick={on_export} disabled={rows == 0}>{ "Export JSON" }</button>
            </div>
            <p class="list-count" data-testid="message-count">{ count }</p>
            <VirtualList id="message-log" label="Messages" class="log-grid" rows={rows} {header}
                render={render_row} selected={selected_row} on_select={on_select_row}
                follow={props.follow} on_follow={props.on_follow.clone()} revision={props.revision}
                empty="No messages yet: subscribe a client, then publish." />
            { detail(props) }
        </>
    }
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
    html! {
        <>
            <span role="gridcell" class="c-time">{ clock.time_of_day(record.at) }</span>
            <span role="gridcell" class="c-client">{ client }</span>
            <span role="gridcell" class={classes!("c-dir", record.direction.word())}>
                <span aria-hidden="true">{ record.direction.arrow() }</span>{ " " }{ record.direction.word() }
            </span>
            <span role="gridcell" class="c-topic" title={record.topic.to_string()}>{ record.topic.to_string() }</span>
            <span role="gridcell" class="c-qos">{ record.qos.level() }</span>
            <span role="gridcell" class="c-flags" title={flags_title}>{ flags.join(" ") }</span>
            <span role="gridcell" class="c-payload">{ preview(&record.payload, 160) }</span>
        </>
    }
}

/// The selected message, if any.
fn detail(props: &MessagesViewProps) -> Html {
    let workspace = props.engine.0.read();
    let Some(record) = props
        .selected
        .and_then(|index| workspace.history().messages.get(index))
    else {
        return html! {
            <p class="detail-placeholder">{ "Select a message (click, or arrow keys in the list) to see its payload." }</p>
        };
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
    let properties = record.properties.clone();
    html! {
        <section class="message-detail" aria-label="Selected message" data-testid="message-detail">
            <h3 class="detail-title">
                <span aria-hidden="true">{ record.direction.arrow() }</span>{ " " }
                <code>{ record.topic.to_string() }</code>
            </h3>
            <dl class="facts">
                <div><dt>{ "Client" }</dt><dd>{ format!("{} ({})", workspace.name(record.client), record.direction.word()) }</dd></div>
                <div><dt>{ "Time" }</dt><dd>{ props.clock.time_of_day(record.at) }</dd></div>
                <div><dt>{ "QoS" }</dt><dd>{ record.qos.level() }</dd></div>
                <div><dt>{ "Retain" }</dt><dd>{ if record.retain { "yes" } else { "no" } }</dd></div>
                if record.direction == Direction::Received {
                    <div><dt>{ "DUP" }</dt><dd>{ if record.dup { "yes" } else { "no" } }</dd></div>
                }
                if let Some(id) = record.packet_id {
                    <div><dt>{ "Packet id" }</dt><dd>{ id }</dd></div>
                }
                <div><dt>{ "Size" }</dt><dd>{ format!("{} bytes", record.payload.len()) }</dd></div>
                if let Some(properties) = &properties {
                    if let Some(content_type) = &properties.content_type {
                        <div><dt>{ "Content type" }</dt><dd>{ content_type }</dd></div>
                    }
                    if let Some(seconds) = properties.message_expiry_interval {
                        <div><dt>{ "Expiry" }</dt><dd>{ format!("{seconds} s") }</dd></div>
                    }
                    if let Some(topic) = &properties.response_topic {
                        <div><dt>{ "Response topic" }</dt><dd>{ topic }</dd></div>
                    }
                    { for properties.user_properties.iter().map(|(name, value)| html! {
                        <div><dt>{ format!("User property “{name}”") }</dt><dd>{ value }</dd></div>
                    }) }
                }
            </dl>
            <div class="payload-head">
                <div class="segmented" role="radiogroup" aria-label="Show the payload as">
                    { for PayloadView::ALL.into_iter().map(|view| {
                        let on_view = props.on_view.clone();
                        let checked = view == props.view;
                        html! {
                            <button type="button" role="radio" aria-checked={if checked { "true" } else { "false" }}
                                id={format!("payload-as-{}", view.label().to_ascii_lowercase())}
                                class={classes!(checked.then_some("on"))}
                                onclick={Callback::from(move |_: MouseEvent| on_view.emit(view))}>
                                { view.label() }
                            </button>
                        }
                    }) }
                </div>
                <button type="button" onclick={on_copy}>{ "Copy" }</button>
                if packet.is_some() {
                    <button type="button" onclick={on_packet}>{ "Show its PUBLISH packet" }</button>
                }
            </div>
            if let Some(note) = &rendered.note {
                <p class="field-hint">{ note }</p>
            }
            <pre class="payload" data-testid="payload-view" tabindex="0" aria-label="Payload">{ rendered.text }</pre>
            if let Some(chart) = chart {
                { numeric_chart(&record.topic, &chart) }
            }
        </section>
    }
}
