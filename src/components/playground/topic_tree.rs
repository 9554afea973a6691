//! The topic tree of everything received: one row per topic level with its message count, last value
//! and a "retained" badge (a word, not only a colour). It is an ARIA tree: one tab stop, arrow keys
//! to move, Right/Left to open and close, Enter to show the topic's messages.

use mqtt_core::sorted::SortedSet;
use std::rc::Rc;

use yew::prelude::*;

use super::chart::{numeric_chart, HEIGHT, WIDTH};
use super::Engine;
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

    let detail = props.selected.and_then(|index| tree.node(index)).map(|node| {
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
        html! {
            <aside class="topic-detail" aria-label="Selected topic">
                <h3 class="topic-title"><code>{ if topic.is_empty() { "(empty level)".to_string() } else { topic.clone() } }</code></h3>
                <dl class="facts">
                    <div><dt>{ "Messages here" }</dt><dd>{ node.messages }</dd></div>
                    <div><dt>{ "Including below" }</dt><dd>{ node.total }</dd></div>
                    <div><dt>{ "Retained" }</dt><dd>{ if node.retained { "yes: the broker keeps the last message for new subscribers" } else { "no" } }</dd></div>
                </dl>
                if let Some((payload, _)) = &node.last {
                    <p class="facts-label">{ "Last value" }</p>
                    <pre class="payload small">{ preview(payload, 400) }</pre>
                }
                if let Some(chart) = chart {
                    { numeric_chart(&topic, &chart) }
                }
                if node.messages > 0 {
                    <button type="button" onclick={on_show}>{ "Show these messages in the log" }</button>
                }
            </aside>
        }
    });

    html! {
        <div class="topics-layout">
            <div class="topic-tree-wrap">
                if rows.is_empty() {
                    <p class="empty">{ "No messages received yet. Subscribe a client (e.g. to #) and publish: every topic seen appears here, $SYS included when the broker publishes it." }</p>
                } else {
                    <ul class="topic-tree" role="tree" aria-label="Topics received" data-testid="topic-tree" {onkeydown}>
                        { for rows.iter().map(|&index| {
                            let Some(node) = tree.node(index) else { return html! {} };
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
                            html! {
                                <li id={format!("topic-node-{index}")} role="treeitem"
                                    class={classes!("topic-node", selected.then_some("selected"))}
                                    aria-level={(node.depth + 1).to_string()}
                                    aria-setsize={size.to_string()} aria-posinset={position.to_string()}
                                    aria-expanded={has_children.then_some(if open { "true" } else { "false" })}
                                    aria-selected={if selected { "true" } else { "false" }}
                                    tabindex={if tab_stop == Some(index) { "0" } else { "-1" }}
                                    data-topic={node.topic.to_string()}
                                    style={format!("--depth: {}", node.depth)} {onclick}>
                                    <span class="topic-toggle" aria-hidden="true" onclick={ontoggle}>
                                        { if has_children { if open { "▾" } else { "▸" } } else { "" } }
                                    </span>
                                    <span class="topic-name">{ if node.segment.is_empty() { "(empty)" } else { node.segment.as_str() } }</span>
                                    if let Some((payload, _)) = &node.last {
                                        <span class="topic-value">{ preview(payload, 60) }</span>
                                    }
                                    if system { <span class="badge system" title="broker topics: # does not match them">{ "broker" }</span> }
                                    if node.retained { <span class="badge retained">{ "retained" }</span> }
                                    <span class="topic-count" title="messages on this topic and below">
                                        { if node.total == 1 { "1 msg".to_string() } else { format!("{} msgs", node.total) } }
                                    </span>
                                </li>
                            }
                        }) }
                    </ul>
                    if truncated {
                        <p class="hint">{ format!("Showing the first {MAX_ROWS} rows; collapse some branches to see the rest.") }</p>
                    }
                }
            </div>
            if !rows.is_empty() {
                { detail.unwrap_or_else(|| html! {
                    <p class="detail-placeholder topic-detail">{ "Select a topic to see its last value, whether it is retained, and a chart of its numbers." }</p>
                }) }
            }
        </div>
    }
}
