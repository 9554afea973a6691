//! The decoded fields as an ARIA tree: name, value, bytes and a one-line explanation per field.
//!
//! It follows the WAI-ARIA tree view pattern so it works from the keyboard: one tab stop (the pinned
//! or first row), arrow keys to move, Left/Right to close and open groups. Focusing a row pins it,
//! which lights its bytes exactly like hovering does.

use mqtt_core::sorted::SortedSet;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::el::{el, fragment, text};
use super::span_label;
use crate::inspector::highlight::Pointer;
use crate::inspector::inspection::PacketView;
use crate::inspector::tree::{navigate, visible, Nav, NavKey, Row};

#[derive(Properties, PartialEq)]
pub struct FieldTreeProps {
    /// The packet whose fields are shown.
    pub packet: Rc<PacketView>,
    /// Tree rows parallel to its spans.
    pub rows: Rc<[Row]>,
    /// Collapsed groups.
    pub collapsed: Rc<SortedSet<usize>>,
    /// The row to mark.
    pub highlighted: Option<usize>,
    /// The row a decode error points into.
    pub error_at: Option<usize>,
    /// The row that takes the tab stop.
    pub tab_stop: usize,
    /// The pointer moved onto a row, or off the tree.
    pub on_hover: Callback<Option<Pointer>>,
    /// A row was focused (clicked or reached with the keyboard).
    pub on_pin: Callback<Option<Pointer>>,
    /// A group was collapsed (`true`) or expanded.
    pub on_collapse: Callback<(usize, bool)>,
}

/// The field tree.
#[function_component(FieldTree)]
pub fn field_tree(props: &FieldTreeProps) -> Html {
    let tree_ref = use_node_ref();
    let on_leave = props.on_hover.reform(|_: MouseEvent| None);
    let shown = visible(&props.rows, &props.collapsed);
    el("div")
        .class("field-tree")
        .attr("role", "tree")
        .attr("data-testid", "field-tree")
        .label("Decoded fields")
        .node_ref(tree_ref.clone())
        .on_mouseleave(on_leave)
        .children(shown.into_iter().map(|index| {
            html! {
                // Keyed by span index, so opening and closing groups keeps the focused row's element
                // (and with it the keyboard focus).
                <FieldRow
                    key={index}
                    {index}
                    packet={props.packet.clone()}
                    rows={props.rows.clone()}
                    collapsed={props.collapsed.clone()}
                    lit={props.highlighted == Some(index)}
                    failed={props.error_at == Some(index)}
                    tab_stop={props.tab_stop == index}
                    tree_ref={tree_ref.clone()}
                    on_hover={props.on_hover.clone()}
                    on_pin={props.on_pin.clone()}
                    on_collapse={props.on_collapse.clone()}
                />
            }
        }))
        .into()
}

#[derive(Properties, PartialEq)]
struct FieldRowProps {
    /// Index of the span (and row) shown.
    index: usize,
    packet: Rc<PacketView>,
    rows: Rc<[Row]>,
    collapsed: Rc<SortedSet<usize>>,
    lit: bool,
    failed: bool,
    tab_stop: bool,
    tree_ref: NodeRef,
    on_hover: Callback<Option<Pointer>>,
    on_pin: Callback<Option<Pointer>>,
    on_collapse: Callback<(usize, bool)>,
}

/// One tree item. A component of its own so that only rows whose marking changed render again.
#[function_component(FieldRow)]
fn field_row(props: &FieldRowProps) -> Html {
    let index = props.index;
    let (Some(span), Some(row)) = (
        props.packet.spans.as_slice().get(index),
        props.rows.get(index),
    ) else {
        return Html::default();
    };
    let (lit, failed) = (props.lit, props.failed);
    let collapsed = props.collapsed.contains(&index);
    let expanded = row
        .has_children
        .then_some(if collapsed { "false" } else { "true" });
    let on_enter = props
        .on_hover
        .reform(move |_: MouseEvent| Some(Pointer::Field(index)));
    let on_focus = props
        .on_pin
        .reform(move |_: FocusEvent| Some(Pointer::Field(index)));
    let on_toggle = {
        let on_collapse = props.on_collapse.clone();
        Callback::from(move |event: MouseEvent| {
            event.stop_propagation();
            on_collapse.emit((index, !collapsed));
        })
    };
    let on_key = {
        let (rows, collapsed_set) = (props.rows.clone(), props.collapsed.clone());
        let (on_collapse, tree_ref) = (props.on_collapse.clone(), props.tree_ref.clone());
        let has_children = row.has_children;
        Callback::from(move |event: KeyboardEvent| {
            let key = event.key();
            if (key == "Enter" || key == " ") && has_children {
                event.prevent_default();
                on_collapse.emit((index, !collapsed));
                return;
            }
            let Some(nav_key) = NavKey::from_key(&key) else {
                return;
            };
            event.prevent_default();
            match navigate(&rows, &collapsed_set, index, nav_key) {
                Nav::Focus(target) => focus_row(&tree_ref, target),
                Nav::Expand(group) => on_collapse.emit((group, false)),
                Nav::Collapse(group) => on_collapse.emit((group, true)),
                Nav::Stay => {}
            }
        })
    };
    let explain_id = format!("field-{index}-explain");
    let true_false = |on: bool| if on { "true" } else { "false" };
    // The explanation sits beside the tree item, not inside it: the item's text (and accessible
    // name) stays "name value bytes", and the explanation is its description. Otherwise a search
    // for the "Topic name" item would also find the group whose explanation mentions a topic name.
    el("div")
        .attr("role", "none")
        .class(&classes!(
            "field",
            row.has_children.then_some("group"),
            lit.then_some("lit"),
            failed.then_some("error")
        ))
        .attr("style", format!("--depth: {}", row.depth))
        .child(
            el("div")
                .attr("role", "treeitem")
                .class("field-item")
                .attr("data-index", index.to_string())
                .attr("data-start", span.start.to_string())
                .attr("data-len", span.len.to_string())
                .attr("data-highlighted", true_false(lit))
                .attr_opt("data-error", failed.then_some("true"))
                .attr("aria-level", (usize::from(row.depth) + 1).to_string())
                .attr("aria-posinset", row.position.to_string())
                .attr("aria-setsize", row.siblings.to_string())
                .attr_opt("aria-expanded", expanded)
                .attr("aria-selected", true_false(lit))
                .attr("aria-describedby", explain_id.clone())
                .attr("tabindex", if props.tab_stop { "0" } else { "-1" })
                .on_mouseenter(on_enter.clone())
                .on_focus(on_focus)
                .on_keydown(on_key)
                .child(
                    el("span")
                        .class("field-toggle")
                        .attr("aria-hidden", "true")
                        .on_click(on_toggle)
                        .text(if !row.has_children {
                            ""
                        } else if collapsed {
                            "▸"
                        } else {
                            "▾"
                        }),
                )
                // Spaces between the parts keep the item's text readable ("Topic name "a/b" bytes
                // 2–6") for copying and for tests; in a grid they take no room.
                .text(" ")
                .child(el("span").class("field-name").text(span.field.name.clone()))
                .text(" ")
                .child_opt((!span.field.value.is_empty()).then(|| {
                    fragment([
                        el("span")
                            .class("field-value")
                            .text(span.field.value.clone())
                            .into(),
                        text(" "),
                    ])
                }))
                .child(
                    el("span")
                        .class("field-bytes")
                        .child_opt(failed.then(|| {
                            el("span")
                                .class("field-error-badge")
                                .text("✕ decoding failed here · ")
                        }))
                        .text(span_label(span)),
                ),
        )
        .child(
            el("div")
                .class("field-explain")
                .id(explain_id)
                .attr("aria-hidden", "true")
                .on_mouseenter(on_enter)
                .text(span.field.explain.clone()),
        )
        .into()
}

/// Moves keyboard focus to row `index` (its focus handler then pins it).
fn focus_row(tree_ref: &NodeRef, index: usize) {
    let target = tree_ref
        .cast::<Element>()
        .and_then(|tree| {
            tree.query_selector(&format!("[data-index=\"{index}\"]"))
                .ok()
                .flatten()
        })
        .and_then(|element| element.dyn_into::<HtmlElement>().ok());
    if let Some(element) = target {
        // Focusing can only fail for detached elements; there is nothing to do about that here.
        let _ = element.focus();
    }
}
