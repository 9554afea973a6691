//! The tabs over the traffic views: messages, packets, topics (WAI-ARIA tabs: arrow keys move between
//! them, each tab says how many items it holds).

use yew::prelude::*;

use crate::components::el::{button, el};
use crate::playground_state::TrafficTab;
use crate::services::page;

const TABS: [(TrafficTab, &str, &str); 3] = [
    (TrafficTab::Messages, "messages", "Messages"),
    (TrafficTab::Packets, "packets", "Packets"),
    (TrafficTab::Topics, "topics", "Topics"),
];

/// The id of a tab's panel.
pub fn panel_id(tab: TrafficTab) -> &'static str {
    match tab {
        TrafficTab::Messages => "panel-messages",
        TrafficTab::Packets => "panel-packets",
        TrafficTab::Topics => "panel-topics",
    }
}

/// The id of a tab.
pub fn tab_id(tab: TrafficTab) -> &'static str {
    match tab {
        TrafficTab::Messages => "tab-messages",
        TrafficTab::Packets => "tab-packets",
        TrafficTab::Topics => "tab-topics",
    }
}

/// The tab bar: `current` is open; `counts` (messages, packets, topics) are shown on the tabs.
pub fn traffic_tabs(
    current: TrafficTab,
    counts: (usize, usize, usize),
    on_tab: &Callback<TrafficTab>,
) -> Html {
    let onkeydown = {
        let on_tab = on_tab.clone();
        Callback::from(move |event: KeyboardEvent| {
            let at = TABS
                .iter()
                .position(|(tab, ..)| *tab == current)
                .unwrap_or(0);
            let next = match event.key().as_str() {
                "ArrowRight" => (at + 1) % TABS.len(),
                "ArrowLeft" => (at + TABS.len() - 1) % TABS.len(),
                "Home" => 0,
                "End" => TABS.len() - 1,
                _ => return,
            };
            event.prevent_default();
            if let Some((tab, ..)) = TABS.get(next) {
                on_tab.emit(*tab);
                page::focus(tab_id(*tab));
            }
        })
    };
    let (messages, packets, topics) = counts;
    el("div")
        .class("tabs")
        .attr("role", "tablist")
        .label("Traffic")
        .on_keydown(onkeydown)
        .children(TABS.iter().map(|&(tab, _, label)| {
            let selected = tab == current;
            let count = match tab {
                TrafficTab::Messages => messages,
                TrafficTab::Packets => packets,
                TrafficTab::Topics => topics,
            };
            let on_tab = on_tab.clone();
            button()
                .attr("role", "tab")
                .id(tab_id(tab))
                .attr("aria-controls", panel_id(tab))
                .attr("aria-selected", if selected { "true" } else { "false" })
                .attr("tabindex", if selected { "0" } else { "-1" })
                .class(&classes!("tab", selected.then_some("on")))
                .on_click(Callback::from(move |_: MouseEvent| on_tab.emit(tab)))
                .text(label)
                .text(" ")
                .child(el("span").class("count").text(count.to_string()))
                .into()
        }))
        .into()
}
