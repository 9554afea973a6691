//! A virtualized list: fixed-height rows, only the visible ones (plus a few) are in the DOM, so a log
//! of 100,000 messages renders and scrolls like one of 40. It is an ARIA grid with `aria-rowcount`
//! (screen readers learn the real length) and keyboard scrolling: arrows, Page Up/Down, Home/End move
//! the selection and bring it into view. With `follow` on it keeps the newest row in view; scrolling
//! up turns following off, scrolling back to the bottom turns it on again.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::measured::use_measure_on_resize;
use super::scroll_position::use_scroll_position;
use crate::components::el::el;
use crate::playground::log_view::{key_target, scroll_to_show, window};

/// Row height in pixels (matches `--row-height` in the stylesheet).
pub const ROW_HEIGHT: f64 = 30.0;
/// The same, for building style strings without float formatting.
const ROW_PX: usize = 30;

#[derive(Properties, PartialEq)]
pub struct VirtualListProps {
    /// Element id (rows get `{id}-row-{n}`).
    pub id: AttrValue,
    /// Accessible name.
    pub label: AttrValue,
    /// Number of rows.
    pub rows: usize,
    /// The header row's cells.
    pub header: Html,
    /// Renders row `n`'s cells.
    pub render: Callback<usize, Html>,
    /// The selected row.
    pub selected: Option<usize>,
    /// A row was chosen (click or keyboard).
    pub on_select: Callback<usize>,
    /// Keep the newest row in view.
    #[prop_or(false)]
    pub follow: bool,
    /// Following was turned on or off by scrolling.
    #[prop_or_default]
    pub on_follow: Callback<bool>,
    /// Changes when the content changes.
    pub revision: u64,
    /// CSS class for the grid's column layout.
    pub class: AttrValue,
    /// What to say when there are no rows.
    pub empty: AttrValue,
}

/// The list.
#[function_component(VirtualList)]
pub fn virtual_list(props: &VirtualListProps) -> Html {
    let scroller = use_node_ref();
    // Following moves this during the render, so new rows arrive already in the right window — no
    // second render and no second layout (during a flood that pair cost more than the rows); our own
    // scrolling neither re-renders nor switches following off (see `scroll_position`).
    let position = use_scroll_position();
    let height = use_state(|| 400.0f64);

    // The viewport's height, when mounted and when the window is resized.
    {
        let height = height.clone();
        use_measure_on_resize(&scroller, move |element| {
            let measured = f64::from(element.client_height()) - ROW_HEIGHT;
            if measured > 0.0 {
                height.set(measured);
            }
        });
    }
    // Following: draw the newest rows now, and move the element there after the render.
    if props.follow {
        position.set((props.rows as f64 * ROW_HEIGHT - *height).max(0.0));
    }
    {
        let scroller = scroller.clone();
        let position = position.clone();
        let follow = props.follow;
        use_effect(move || {
            // The element clamps what it cannot show.
            if let Some(element) = scroller.cast::<Element>().filter(|_| follow) {
                position.write_to(&element);
            }
        });
    }

    let onscroll = {
        let position = position.clone();
        let on_follow = props.on_follow.clone();
        let follow = props.follow;
        let rows = props.rows;
        let height = *height;
        Callback::from(move |event: Event| {
            let top = f64::from(event.target_unchecked_into::<Element>().scroll_top());
            if !position.scrolled(top) {
                return;
            }
            let at_bottom = top + height >= rows as f64 * ROW_HEIGHT - 2.0;
            if follow && !at_bottom {
                on_follow.emit(false);
            } else if !follow && at_bottom && rows > 0 {
                on_follow.emit(true);
            }
        })
    };

    let onclick = {
        let on_select = props.on_select.clone();
        Callback::from(move |event: MouseEvent| {
            let row = event
                .target()
                .and_then(|target| target.dyn_into::<Element>().ok())
                .and_then(|element| element.closest("[data-row]").ok().flatten())
                .and_then(|row| row.get_attribute("data-row"))
                .and_then(|row| row.parse::<usize>().ok());
            if let Some(row) = row {
                on_select.emit(row);
            }
        })
    };

    let onkeydown = {
        let on_select = props.on_select.clone();
        let scroller = scroller.clone();
        let position = position.clone();
        let (rows, selected, height) = (props.rows, props.selected, *height);
        Callback::from(move |event: KeyboardEvent| {
            let page = (height / ROW_HEIGHT).floor() as usize;
            let Some(target) = key_target(&event.key(), selected, rows, page.saturating_sub(1))
            else {
                return;
            };
            event.prevent_default();
            on_select.emit(target);
            if let Some(element) = scroller.cast::<HtmlElement>() {
                if let Some(top) = scroll_to_show(target, ROW_HEIGHT, position.get(), height) {
                    position.jump(&element, top);
                }
            }
        })
    };

    let shown = window(props.rows, ROW_HEIGHT, position.get(), *height);
    let id = props.id.clone();
    let active = props
        .selected
        .filter(|row| (shown.start..shown.end).contains(row))
        .map(|row| format!("{id}-row-{row}"));
    let spacer = format!("height: {}px", props.rows * ROW_PX);
    let grid = el("div")
        .id(id.clone())
        .class(&classes!("vlist", props.class.clone()))
        .attr("role", "grid")
        .label(props.label.clone())
        .attr("aria-rowcount", (props.rows + 1).to_string())
        .attr_opt("aria-activedescendant", active)
        .attr("tabindex", "0")
        .node_ref(scroller)
        .on_click(onclick)
        .on_keydown(onkeydown)
        .child(
            el("div")
                .class("vrow vhead")
                .attr("role", "row")
                .attr("aria-rowindex", "1")
                .child(props.header.clone()),
        )
        .child_opt((props.rows == 0).then(|| el("p").class("vempty").text(props.empty.clone())))
        .child(
            el("div")
                .class("vspace")
                .attr("style", spacer)
                .attr("role", "presentation")
                .children((shown.start..shown.end).map(|row| {
                    let selected = props.selected == Some(row);
                    el("div")
                        .key(shown.key(row))
                        .id(format!("{id}-row-{row}"))
                        .class(&classes!("vrow", selected.then_some("selected")))
                        .attr("role", "row")
                        .attr("aria-rowindex", (row + 2).to_string())
                        .attr("aria-selected", if selected { "true" } else { "false" })
                        .attr("data-row", row.to_string())
                        .attr("style", format!("top: {}px", row * ROW_PX))
                        .child(props.render.emit(row))
                        .into()
                })),
        );
    grid.on_scroll(onscroll).into()
}
