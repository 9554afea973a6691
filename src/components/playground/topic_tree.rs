//! The topic tree of everything received: one row per topic level with its message count, last value
//! and a "retained" badge (a word, not only a colour). It is an ARIA tree: one tab stop, arrow keys
//! to move, Right/Left to open and close, Enter to show the topic's messages.

use mqtt_core::sorted::SortedSet;
use std::rc::Rc;

use yew::prelude::*;
use yew::virtual_dom::AttrValue;

use super::chart::{numeric_chart, HEIGHT, WIDTH};
use super::Engine;
use crate::components::el::{button, el, fragment};
use crate::playground::payload::preview;
use crate::playground::series;
use crate::services::page;

/// Rows shown at most (a flood of distinct topics must not freeze the page).
const MAX_ROWS: usize = 2_000;

/// What the topic tree shows and reports.
pub struct TopicTreeProps {
    /// The workspace.
    pub engine: Engine,
    /// Its revision.
    pub revision: u64,
    /// Collapsed nodes.
    pub collapsed: Rc<SortedSet<usize>>,
    /// Selected node.
    pub selected: Option<usize>,
    /// Expand (`true`) or collapse a node.
    pub on_expand: Callback<(usize, bool)>,
    /// A node was selected.
    pub on_select: Callback<usize>,
    /// Show this topic's messages in the log.
    pub on_show: Callback<String>,
}

/// The tree and the selected topic's details.
pub fn topic_tree_view(props: &TopicTreeProps) -> Html {
    let workspace = props.engine.0.read();
    let tree = workspace.topics();
    let collapsed = props.collapsed.clone();
    let visible = tree.visible(&|index| !collapsed.contains(&index));
    let truncated = visible.len() > MAX_ROWS;
    let rows: Vec<usize> = visible.iter().copied().take(MAX_ROWS).collect();
    let tab_stop = props
        .selected
        .filter(|node| rows.contains(node))
        .or_else(|| rows.first().copied());

    let onkeydown = {
        let rows = rows.clone();
        let on_expand = props.on_expand.clone();
        let on_select = props.on_select.clone();
        let on_show = props.on_show.clone();
        let collapsed = props.collapsed.clone();
        let parents: Vec<(usize, Option<usize>, bool, String)> = rows
            .iter()
            .filter_map(|&i| {
                tree.node(i)
                    .map(|n| (i, n.parent, !n.children.is_empty(), n.topic.to_string()))
            })
            .collect();
        Callback::from(move |event: KeyboardEvent| {
            let Some(current) = tab_stop else {
                return;
            };
            let at = rows.iter().position(|&r| r == current).unwrap_or(0);
            let info = parents.iter().find(|(i, ..)| *i == current);
            let has_children = info.is_some_and(|(_, _, c, _)| *c);
            let open = !collapsed.contains(&current);
            let target = match event.key().as_str() {
                "ArrowDown" => rows.get(at + 1).copied(),
                "ArrowUp" => at.checked_sub(1).and_then(|a| rows.get(a)).copied(),
                "Home" => rows.first().copied(),
                "End" => rows.last().copied(),
                "ArrowRight" if has_children && !open => {
                    on_expand.emit((current, true));
                    None
                }
                "ArrowRight" if has_children => rows.get(at + 1).copied(),
                "ArrowLeft" if has_children && open => {
                    on_expand.emit((current, false));
                    None
                }
                "ArrowLeft" => info.and_then(|(_, parent, ..)| *parent),
                "Enter" => {
                    if let Some((.., topic)) = info {
                        on_show.emit(topic.clone());
                    }
                    None
                }
                _ => return,
            };
            event.prevent_default();
            if let Some(target) = target {
                on_select.emit(target);
                page::focus(&format!("topic-node-{target}"));
            }
        })
    };

    let selected_node = props.selected.and_then(|index| tree.node(index));
    let detail = selected_node.map(|node| -> Html {
        let topic = node.topic.to_string();
        let chart = workspace
            .topics()
            .numbers(&topic)
            .and_then(|points| series::chart(points, WIDTH, HEIGHT));
        let on_show = {
            let on_show = props.on_show.clone();
            let topic = topic.clone();
            Callback::from(move |_: MouseEvent| on_show.emit(topic.clone()))
        };
        let retained = if node.retained {
            "yes: the broker keeps the last message for new subscribers"
        } else {
            "no"
        };
        let fact = |term: &'static str, value: AttrValue| {
            el("div")
                .child(el("dt").text(term))
                .child(el("dd").text(value))
        };
        el("aside")
            .class("topic-detail")
            .label("Selected topic")
            .child(
                el("h3")
                    .class("topic-title")
                    .child(el("code").text(if topic.is_empty() {
                        "(empty level)".to_string()
                    } else {
                        topic.clone()
                    })),
            )
            .child(
                el("dl")
                    .class("facts")
                    .child(fact("Messages here", node.messages.to_string().into()))
                    .child(fact("Including below", node.total.to_string().into()))
                    .child(fact("Retained", retained.into())),
            )
            .child_opt(node.last.as_ref().map(|(payload, _)| {
                fragment([
                    el("p").class("facts-label").text("Last value").into(),
                    el("pre")
                        .class("payload small")
                        .text(preview(payload, 400))
                        .into(),
                ])
            }))
            .child_opt(chart.map(|chart| numeric_chart(&topic, &chart)))
            .child_opt((node.messages > 0).then(|| {
                button()
                    .on_click(on_show)
                    .text("Show these messages in the log")
            }))
            .into()
    });

    let list = if rows.is_empty() {
        let empty = "No messages received yet. Subscribe a client (e.g. to #) and publish: every topic seen appears here, $SYS included when the broker publishes it.";
        el("p").class("empty").text(empty).into()
    } else {
        let row = |index: usize| -> Html {
            let Some(node) = tree.node(index) else {
                return Html::default();
            };
            let has_children = !node.children.is_empty();
            let open = !props.collapsed.contains(&index);
            let (position, size) = tree.position(index);
            let selected = props.selected == Some(index);
            let on_select = props.on_select.clone();
            let onclick = Callback::from(move |_: MouseEvent| on_select.emit(index));
            let on_expand = props.on_expand.clone();
            let ontoggle = Callback::from(move |event: MouseEvent| {
                event.stop_propagation();
                on_expand.emit((index, !open));
            });
            // "$SYS" and the like: broker topics that "#" does not match.
            let system = node.depth == 0 && node.segment.starts_with('$');
            let toggle = match (has_children, open) {
                (false, _) => "",
                (true, true) => "▾",
                (true, false) => "▸",
            };
            let name = if node.segment.is_empty() {
                "(empty)".to_string()
            } else {
                node.segment.clone()
            };
            let count = if node.total == 1 {
                "1 msg".to_string()
            } else {
                format!("{} msgs", node.total)
            };
            let value = node
                .last
                .as_ref()
                .map(|(payload, _)| el("span").class("topic-value").text(preview(payload, 60)));
            el("li")
                .id(format!("topic-node-{index}"))
                .attr("role", "treeitem")
                .class(&classes!("topic-node", selected.then_some("selected")))
                .attr("aria-level", (node.depth + 1).to_string())
                .attr("aria-setsize", size.to_string())
                .attr("aria-posinset", position.to_string())
                .attr_opt(
                    "aria-expanded",
                    has_children.then_some(if open { "true" } else { "false" }),
                )
                .attr("aria-selected", if selected { "true" } else { "false" })
                .attr("tabindex", if tab_stop == Some(index) { "0" } else { "-1" })
                .attr("data-topic", node.topic.to_string())
                .attr("style", format!("--depth: {}", node.depth))
                .on_click(onclick)
                .child(
                    el("span")
                        .class("topic-toggle")
                        .attr("aria-hidden", "true")
                        .on_click(ontoggle)
                        .text(toggle),
                )
                .child(el("span").class("topic-name").text(name))
                .child_opt(value)
                .child_opt(system.then(|| {
                    el("span")
                        .class("badge system")
                        .attr("title", "broker topics: # does not match them")
                        .text("broker")
                }))
                .child_opt(
                    node.retained
                        .then(|| el("span").class("badge retained").text("retained")),
                )
                .child(
                    el("span")
                        .class("topic-count")
                        .attr("title", "messages on this topic and below")
                        .text(count),
                )
                .into()
        };
        fragment([
            el("ul")
                .class("topic-tree")
                .attr("role", "tree")
                .label("Topics received")
                .attr("data-testid", "topic-tree")
                .on_keydown(onkeydown)
                .children(rows.iter().map(|&index| row(index)))
                .into(),
            // Like html!'s `if` without `else`: nothing still takes a place.
            if truncated {
                let hint = format!(
                    "Showing the first {MAX_ROWS} rows; collapse some branches to see the rest."
                );
                el("p").class("hint").text(hint).into()
            } else {
                Html::default()
            },
        ])
    };
    el("div")
        .class("topics-layout")
        .child(el("div").class("topic-tree-wrap").child(list))
        .child_opt((!rows.is_empty()).then(|| {
            detail.unwrap_or_else(|| {
                let placeholder = "Select a topic to see its last value, whether it is retained, and a chart of its numbers.";
                el("p")
                    .class("detail-placeholder topic-detail")
                    .text(placeholder)
                    .into()
            })
        }))
        .into()
}
