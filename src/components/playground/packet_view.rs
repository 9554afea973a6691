//! Every packet on every client's connection, not only PUBLISH (virtualized), and the selected one
//! opened in the inspector: its bytes annotated field by field, 5.0 properties and reason codes
//! explained, decoded in the client's protocol version.

use std::cell::RefCell;
use std::rc::Rc;

use mqtt_core::ProtocolVersion;
use yew::prelude::*;

use super::log_list::{
    client_filter, follow_checkbox, grid_cell, header, leading_cells, log_list, LogSource,
};
use super::virtual_list::VirtualList;
use super::{selected, Engine};
use crate::components::el::{button, el, fragment, text};
use crate::components::result_panel::ResultPanel;
use crate::playground::log_view::{FilteredPackets, PacketFilter};
use crate::playground::model::{ClientKey, Direction, PacketRecord};
use crate::playground::time::{duration, Clock};
use crate::state::{Action, State};

/// What it shows and reports.
pub struct PacketsViewProps {
    /// The workspace.
    pub engine: Engine,
    /// Its revision.
    pub revision: u64,
    /// Clients for the filter: (key, name).
    pub clients: Rc<Vec<(ClientKey, String)>>,
    /// Only this client's packets.
    pub client: Option<ClientKey>,
    /// The selected packet.
    pub selected: Option<u64>,
    /// Follow the newest packet.
    pub follow: bool,
    /// Wall clock.
    pub clock: Clock,
    /// Client filter changed.
    pub on_client: Callback<Option<ClientKey>>,
    /// A packet was chosen.
    pub on_select: Callback<Option<u64>>,
    /// Follow on/off.
    pub on_follow: Callback<bool>,
    /// Open bytes in the Inspector page.
    pub on_inspect: Callback<(Vec<u8>, ProtocolVersion)>,
    /// The filtered view, kept between renders by the page.
    pub filtered: Rc<RefCell<FilteredPackets>>,
}

/// The packet list and the selected packet.
pub fn packets_view(props: &PacketsViewProps) -> Html {
    let filter = PacketFilter {
        client: props.client,
    };
    let list = log_list(
        &props.engine,
        &props.filtered,
        &filter,
        LogSource {
            log: |history| &history.packets,
            cells: |workspace, record, clock| {
                row_cells(
                    record,
                    workspace.name(record.client),
                    &record.summary_in(workspace.version(record.client)),
                    clock,
                )
            },
        },
        props.selected,
        props.clock,
        &props.on_select,
    );
    let on_client = props
        .on_client
        .reform(|event: Event| selected(&event).parse().ok());
    let on_follow = props
        .on_follow
        .reform(|event: Event| super::checked(&event));
    let header = header(&[
        ("c-time", "Time"),
        ("c-client", "Client"),
        ("c-dir", "Direction"),
        ("c-type", "Packet"),
        ("c-summary", "Summary"),
        ("c-size", "Bytes"),
        ("c-fate", "Arrival"),
    ]);
    let clients = client_filter("packet-client", &props.clients, props.client, on_client);
    let toolbar = el("div")
        .class("toolbar")
        .attr("role", "search")
        .label("Filter packets")
        .child(
            el("div")
                .class("control")
                .child(el("label").attr("for", "packet-client").text("Client"))
                .child(clients),
        )
        .child(follow_checkbox("packet-follow", props.follow, on_follow));
    fragment([
        toolbar.into(),
        el("p")
            .class("list-count")
            .attr("data-testid", "packet-count")
            .text(list.count("packets"))
            .into(),
        html! {
            <VirtualList id="packet-list" label="Packets" class="packet-grid" rows={list.rows} {header}
                render={list.render} selected={list.selected_row} on_select={list.on_select}
                follow={props.follow} on_follow={props.on_follow.clone()} revision={props.revision}
                empty="No packets yet: add a client." />
        },
        detail(props),
    ])
}

fn row_cells(record: &PacketRecord, client: &str, summary: &str, clock: &Clock) -> Html {
    let shown = match record.direction {
        Direction::Sent => ("→", "to broker"),
        Direction::Received => ("←", "from broker"),
    };
    let fate = fate(record);
    let leading = leading_cells(clock, record.at, client, record.direction, shown);
    fragment(
        leading.into_iter().chain([
            grid_cell()
                .class("c-type")
                .text(record.packet_type.name())
                .into(),
            grid_cell()
                .class("c-summary")
                .attr("title", summary.to_string())
                .text(summary.to_string())
                .into(),
            grid_cell()
                .class("c-size")
                .text(record.bytes.len().to_string())
                .into(),
            grid_cell()
                .class(&classes!("c-fate", record.lost.map(|_| "lost")))
                .text(fate)
                .into(),
        ]),
    )
}

/// Where the packet is: arrived after so long, lost, in flight, or (a real broker's side) unobserved.
fn fate(record: &PacketRecord) -> String {
    match (record.lost, record.arrived_at) {
        (Some(_), _) => "✕ lost".into(),
        (None, Some(at)) if record.direction == Direction::Received && at == record.at => {
            "received".into()
        }
        (None, Some(at)) => format!("after {}", duration(at.saturating_sub(record.at))),
        (None, None) if record.direction == Direction::Sent => "sent".into(),
        (None, None) => "in flight".into(),
    }
}

fn detail(props: &PacketsViewProps) -> Html {
    let workspace = props.engine.0.read();
    let Some(record) = props
        .selected
        .and_then(|index| workspace.history().packets.get(index))
    else {
        return el("p")
            .class("detail-placeholder")
            .text("Select a packet to see its bytes, field by field.")
            .into();
    };
    let version = workspace.version(record.client);
    let bytes = record.bytes.to_vec();
    let on_inspect = {
        let on_inspect = props.on_inspect.clone();
        let bytes = bytes.clone();
        Callback::from(move |_: MouseEvent| on_inspect.emit((bytes.clone(), version)))
    };
    let who = workspace.name(record.client);
    let how = match record.direction {
        Direction::Sent => format!("sent by {who} to the broker"),
        Direction::Received => format!("received by {who} from the broker"),
    };
    el("section")
        .class("packet-detail")
        .label("Selected packet")
        .attr("data-testid", "packet-detail")
        .child(
            el("div")
                .class("payload-head")
                .child(el("h3").class("detail-title").text(format!(
                    "{} · {how} at {}",
                    record.packet_type.name(),
                    props.clock.time_of_day(record.at)
                )))
                .child(
                    button()
                        .on_click(on_inspect)
                        .text("Open in the Inspector page"),
                ),
        )
        .child(
            el("p")
                .class("hint")
                .text(format!(
                    "Transmission #{} · {} bytes · decoded as MQTT {} (the client's version) · {}",
                    record.tx,
                    record.bytes.len(),
                    version.edition(),
                    fate(record)
                ))
                .child_opt(record.lost.map(|reason| text(format!(" · {reason}")))),
        )
        .child_opt(record.redacted.then(|| {
            el("p")
                .class("field-hint")
                .text("The password's bytes are shown as * : passwords are never recorded.")
        }))
        .child(html! { <PacketInspector key={record.tx.to_string()} {bytes} {version} /> })
        .into()
}

fn send<T: 'static>(
    dispatcher: &UseReducerDispatcher<State>,
    make: fn(T) -> Action,
) -> Callback<T> {
    let dispatcher = dispatcher.clone();
    Callback::from(move |value| dispatcher.dispatch(make(value)))
}

#[derive(Properties, PartialEq)]
struct PacketInspectorProps {
    bytes: Vec<u8>,
    version: ProtocolVersion,
}

/// The inspector's decoded view (hex, field tree, verdict) for one packet, with its own hover and
/// collapse state.
#[function_component(PacketInspector)]
fn packet_inspector(props: &PacketInspectorProps) -> Html {
    let state = {
        let (bytes, version) = (props.bytes.clone(), props.version);
        use_reducer(move || State::with_bytes(&bytes, version))
    };
    {
        let dispatcher = state.dispatcher();
        use_effect_with(
            (props.bytes.clone(), props.version),
            move |(bytes, version)| {
                dispatcher.dispatch(Action::LoadBytes(bytes.clone(), *version));
            },
        );
    }
    let dispatcher = state.dispatcher();
    let collapse = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |(index, collapse): (usize, bool)| {
            dispatcher.dispatch(Action::SetCollapsed(index, collapse))
        })
    };
    el("div")
        .class("embedded-inspector")
        .child(html! {
            <ResultPanel
                parsed={state.parsed.clone()}
                selected={state.selected.clone()}
                version={state.version}
                highlight={state.highlight()}
                error={state.error_bytes()}
                error_field={state.error_field()}
                pinned={state.pinned}
                collapsed={state.collapsed.clone()}
                on_select={send(&dispatcher, Action::SelectPacket)}
                on_hover={send(&dispatcher, Action::Hover)}
                on_pin={send(&dispatcher, Action::Pin)}
                on_collapse={collapse}
            />
        })
        .into()
}
