//! The decoded side of the page: packet list, verdict, hex view and field tree.

use mqtt_core::sorted::SortedSet;
use std::ops::Range;
use std::rc::Rc;

use mqtt_core::ProtocolVersion;
use yew::prelude::*;

use super::decode_status::DecodeStatus;
use super::el::{el, fragment};
use super::field_tree::FieldTree;
use super::hex_view::HexView;
use super::packet_list::PacketList;
use crate::inspector::highlight::{Highlight, Pointer};
use crate::inspector::inspection::{Outcome, MAX_PACKETS};
use crate::inspector::tree::shown_as;
use crate::state::{Parsed, Selected};

#[derive(Properties, PartialEq)]
pub struct ResultPanelProps {
    /// What the hex text holds.
    pub parsed: Rc<Parsed>,
    /// The packet shown.
    pub selected: Option<Selected>,
    /// The edition decoded in.
    pub version: ProtocolVersion,
    /// What is lit.
    pub highlight: Highlight,
    /// Bytes a decode error blames.
    pub error: Option<Range<usize>>,
    /// The tree row a decode error points into.
    pub error_field: Option<usize>,
    /// The pinned pointer (its field takes the tree's tab stop).
    pub pinned: Option<Pointer>,
    /// Collapsed tree groups.
    pub collapsed: Rc<SortedSet<usize>>,
    /// A packet of the list was chosen.
    pub on_select: Callback<usize>,
    /// The pointer moved.
    pub on_hover: Callback<Option<Pointer>>,
    /// Something was clicked or focused.
    pub on_pin: Callback<Option<Pointer>>,
    /// A tree group was collapsed or expanded.
    pub on_collapse: Callback<(usize, bool)>,
}

/// The result card.
#[function_component(ResultPanel)]
pub fn result_panel(props: &ResultPanelProps) -> Html {
    let body = match (&*props.parsed, &props.selected) {
        (Parsed::Packets(inspection), Some(selected)) => {
            let is_last = selected.index + 1 == inspection.packets.len();
            let undecoded = if is_last { inspection.undecoded } else { 0 };
            let stopped_at_limit = inspection.packets.len() == MAX_PACKETS
                && selected.packet.outcome == Outcome::Decoded;
            let pinned_field = match props.pinned {
                Some(Pointer::Field(field)) => Some(field),
                _ => None,
            };
            let tab_stop =
                pinned_field.map_or(0, |field| shown_as(&selected.rows, &props.collapsed, field));
            let has_fields = !selected.packet.spans.as_slice().is_empty();
            let packet_list = if inspection.packets.len() > 1 {
                html! {
                    <PacketList
                        inspection={inspection.clone()}
                        selected={selected.index}
                        on_select={props.on_select.clone()}
                    />
                }
            } else {
                Html::default()
            };
            let fields = if has_fields {
                html! {
                    <FieldTree
                        packet={selected.packet.clone()}
                        rows={selected.rows.clone()}
                        collapsed={props.collapsed.clone()}
                        highlighted={props.highlight.field}
                        error_at={props.error_field}
                        {tab_stop}
                        on_hover={props.on_hover.clone()}
                        on_pin={props.on_pin.clone()}
                        on_collapse={props.on_collapse.clone()}
                    />
                }
            } else {
                el("p")
                    .class("empty")
                    .text(no_fields_reason(&selected.packet.outcome))
                    .into()
            };
            fragment([
                packet_list,
                html! {
                    <DecodeStatus
                        packet={selected.packet.clone()}
                        version={props.version}
                        {undecoded}
                        {stopped_at_limit}
                    />
                },
                el("div")
                    .class("panes")
                    .child(html! {
                        <HexView
                            packet={selected.packet.clone()}
                            lit={props.highlight.bytes.clone()}
                            error={props.error.clone()}
                            on_hover={props.on_hover.clone()}
                            on_pin={props.on_pin.clone()}
                        />
                    })
                    .child(
                        el("div")
                            .class("tree-pane")
                            .child(
                                el("h3").class("pane-heading").text("Fields ").child(
                                    el("span")
                                        .class("hint keyboard-hint")
                                        .text("arrow keys move, ← → close and open groups"),
                                ),
                            )
                            .child(fields),
                    )
                    .into(),
            ])
        }
        (Parsed::BadHex(_), _) => el("p")
            .class("empty")
            .text("Fix the hex text (see the message under it) to see the packet.")
            .into(),
        _ => el("p")
            .class("empty")
            .text("Paste hex bytes or pick a sample to see them decoded here.")
            .into(),
    };
    el("section")
        .class("card result-card")
        .attr("aria-labelledby", "result-heading")
        .child(el("h2").id("result-heading").text("Decoded"))
        .child(body)
        .into()
}

/// Why a packet has no fields to show.
fn no_fields_reason(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Incomplete(_) => "The fields are shown once the whole packet is there.",
        _ => "No fields: decoding failed in the fixed header, before any field was complete.",
    }
}
