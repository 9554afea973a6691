//! A virtualized list: fixed-height rows, only the visible ones (plus a few) are in the DOM, so a log
//! of 100,000 messages renders and scrolls like one of 40. It is an ARIA grid with `aria-rowcount`
//! (screen readers learn the real length) and keyboard scrolling: arrows, Page Up/Down, Home/End move
//! the selection and bring it into view. With `follow` on it keeps the newest row in view; scrolling
//! up turns following off, scrolling back to the bottom turns it on again.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

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
    let scroll_top = use_state(|| 0.0f64);
    let height = use_state(|| 400.0f64);
    // The scroll position we set ourselves, so our own scrolling does not switch following off.
    let ours: Rc<Cell<Option<f64>>> = (*use_memo((), |_| Rc::new(Cell::new(None)))).clone();

    // Measure the viewport when mounted and when the window is resized — never on every render:
    // reading a size forces the browser to lay the page out there and then.
    {
        let scroller = scroller.clone();
        let height = height.clone();
        use_effect_with((), move |_| {
            let measure = move || {
                if let Some(element) = scroller.cast::<Element>() {
                    let measured = f64::from(element.client_height()) - ROW_HEIGHT;
                    if measured > 0.0 {
                        height.set(measured);
                    }
                }
            };
            measure();
            let listener =
                gloo::events::EventListener::new(&gloo::utils::window(), "resize", move |_| {
                    measure()
                });
            move || drop(listener)
        });
    }
    // After a change: keep the newest row in view when following (writing the scroll position only).
    {
        let scroller = scroller.clone();
        let scroll_top = scroll_top.clone();
        let ours = ours.clone();
        let (rows, follow, height) = (props.rows, props.follow, *height);
        use_effect_with(
            (rows, follow, props.revision, height.to_bits()),
            move |_| {
                let bottom = (rows as f64 * ROW_HEIGHT - height).max(0.0);
                if follow && (*scroll_top - bottom).abs() > 1.0 {
                    if let Some(element) = scroller.cast::<Element>() {
                        ours.set(Some(bottom));
                        element.set_scroll_top(bottom as i32);
                        scroll_top.set(bottom);
                    }
                }
            },
        );
    }

    let onscroll = {
        let scroll_top = scroll_top.clone();
        let on_follow = props.on_follow.clone();
        let follow = props.follow;
        let rows = props.rows;
        let height = *height;
        let ours = ours.clone();
        Callback::from(move |event: Event| {
            let element = event.target_unchecked_into::<Element>();
            let top = f64::from(element.scroll_top());
            if (top - *scroll_top).abs() >= 1.0 {
                scroll_top.set(top);
            }
            let at_bottom = top + height >= rows as f64 * ROW_HEIGHT - 2.0;
            match ours.take() {
                Some(expected) if (expected - top).abs() < 2.0 => {}
                _ => {
                    if follow && !at_bottom {
                        on_follow.emit(false);
                    } else if !follow && at_bottom && rows > 0 {
                        on_follow.emit(true);
                    }
                }
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
        let scroll_top = scroll_top.clone();
        let (rows, selected, height) = (props.rows, props.selected, *height);
        let ours = ours.clone();
        Callback::from(move |event: KeyboardEvent| {
            let page = (height / ROW_HEIGHT).floor() as usize;
            let Some(target) = key_target(&event.key(), selected, rows, page.saturating_sub(1))
            else {
                return;
            };
            event.prevent_default();
            on_select.emit(target);
            if let Some(element) = scroller.cast::<HtmlElement>() {
                if let Some(top) = scroll_to_show(target, ROW_HEIGHT, *scroll_top, height) {
                    ours.set(Some(top));
                    element.set_scroll_top(top as i32);
                    scroll_top.set(top);
                }
            }
        })
    };

    let shown = window(props.rows, ROW_HEIGHT, *scroll_top, *height);
    let id = props.id.clone();
    let active = props
        .selected
        .filter(|row| (shown.start..shown.end).contains(row))
        .map(|row| format!("{id}-row-{row}"));
    let spacer = format!("height: {}px", props.rows * ROW_PX);
    html! {
        <div id={id.clone()} class={classes!("vlist", props.class.clone())} role="grid"
            aria-label={props.label.clone()} aria-rowcount={(props.rows + 1).to_string()}
            aria-activedescendant={active} tabindex="0"
            ref={scroller} {onscroll} {onclick} {onkeydown}>
            <div class="vrow vhead" role="row" aria-rowindex="1">{ props.header.clone() }</div>
            if props.rows == 0 {
                <p class="vempty">{ props.empty.clone() }</p>
            }
            <div class="vspace" style={spacer} role="presentation">
                { for (shown.start..shown.end).map(|row| {
                    let selected = props.selected == Some(row);
                    html! {
                        <div key={row} id={format!("{id}-row-{row}")} class={classes!("vrow", selected.then_some("selected"))}
                            role="row" aria-rowindex={(row + 2).to_string()} aria-selected={if selected { "true" } else { "false" }}
                            data-row={row.to_string()} style={format!("top: {}px", row * ROW_PX)}>
                            { props.render.emit(row) }
                        </div>
                    }
                }) }
            </div>
        </div>
    }
}
