//! The packets found in the input, when there is more than one: choose which to inspect.

use std::rc::Rc;

use yew::prelude::*;

use super::byte_range_label;
use super::el::{button, el};
use crate::inspector::inspection::{Inspection, Outcome};

#[derive(Properties, PartialEq)]
pub struct PacketListProps {
    /// The packets.
    pub inspection: Rc<Inspection>,
    /// Index of the packet shown.
    pub selected: usize,
    /// A packet was chosen.
    pub on_select: Callback<usize>,
}

/// A list of buttons, one per packet, the selected one marked.
#[function_component(PacketList)]
pub fn packet_list(props: &PacketListProps) -> Html {
    let packets = &props.inspection.packets;
    el("nav")
        .class("packet-list")
        .label("Packets in the input")
        .child(
            el("p")
                .class("packet-list-title")
                .text(format!("{} packets in the input", packets.len())),
        )
        .child(
            el("ol").children(packets.iter().enumerate().map(|(index, packet)| {
                let current = index == props.selected;
                let (mark, state) = match packet.outcome {
                    Outcome::Decoded => ("✓", "ok"),
                    Outcome::Malformed(_) => ("✕", "error"),
                    Outcome::Incomplete(_) => ("…", "incomplete"),
                };
                let onclick = props.on_select.reform(move |_: MouseEvent| index);
                el("li")
                    .child(
                        button()
                            .class(&classes!("packet-item", state))
                            .attr_opt("aria-current", current.then_some("true"))
                            .on_click(onclick)
                            .child(
                                el("span")
                                    .class("packet-mark")
                                    .attr("aria-hidden", "true")
                                    .text(mark),
                            )
                            .child(
                                el("span")
                                    .class("packet-index")
                                    .text(format!("#{}", index + 1)),
                            )
                            .child(
                                el("span")
                                    .class("packet-summary")
                                    .text(packet.summary.clone()),
                            )
                            .child(el("span").class("packet-range").text(format!(
                                "input {}",
                                byte_range_label(packet.offset, packet.bytes.len())
                            ))),
                    )
                    .into()
            })),
        )
        .into()
}
