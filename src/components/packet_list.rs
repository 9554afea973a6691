//! The packets found in the input, when there is more than one: choose which to inspect.

use std::rc::Rc;

use yew::prelude::*;

use super::byte_range_label;
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
    html! {
        <nav class="packet-list" aria-label="Packets in the input">
            <p class="packet-list-title">{ format!("{} packets in the input", packets.len()) }</p>
            <ol>
                { for packets.iter().enumerate().map(|(index, packet)| {
                    let current = index == props.selected;
                    let (mark, state) = match packet.outcome {
                        Outcome::Decoded => ("✓", "ok"),
                        Outcome::Malformed(_) => ("✕", "error"),
                        Outcome::Incomplete(_) => ("…", "incomplete"),
                    };
                    let onclick = props.on_select.reform(move |_: MouseEvent| index);
                    html! {
                        <li>
                            <button
                                type="button"
                                class={classes!("packet-item", state)}
                                aria-current={current.then_some("true")}
                                {onclick}
                            >
                                <span class="packet-mark" aria-hidden="true">{ mark }</span>
                                <span class="packet-index">{ format!("#{}", index + 1) }</span>
                                <span class="packet-summary">{ &packet.summary }</span>
                                <span class="packet-range">
                                    { format!("input {}", byte_range_label(packet.offset, packet.bytes.len())) }
                                </span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </nav>
    }
}
