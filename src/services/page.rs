//! The page itself: its protocol, its `#route`, the theme attribute, and the performance mark the
//! benchmarks wait for.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Whether the page was loaded over https:// (then `ws://` to other machines is mixed content).
pub fn is_https() -> bool {
    web_sys::window()
        .and_then(|window| window.location().protocol().ok())
        .is_some_and(|protocol| protocol == "https:")
}

/// The fragment without `#`.
pub fn route() -> String {
    web_sys::window()
        .and_then(|window| window.location().hash().ok())
        .map(|hash| hash.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// Calls `changed` with the new route whenever the fragment changes (back/forward, links). Stops
/// when the returned listener is dropped.
pub fn on_route_change(changed: impl Fn(String) + 'static) -> gloo::events::EventListener {
    let window = gloo::utils::window();
    gloo::events::EventListener::new(&window, "hashchange", move |_| changed(route()))
}

/// Scrolls the window back to the top (a page switch starts at its beginning).
pub fn scroll_to_top() {
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Sets `data-theme` on `<html>` ("light", "dark"; "auto" removes it and follows the system).
pub fn apply_theme(value: &str) {
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = if value == "auto" {
            root.remove_attribute("data-theme")
        } else {
            root.set_attribute("data-theme", value)
        };
    }
}

/// `performance.mark(name)`: the benchmarks wait for "ready" (first render, controls enabled).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark(name);
    }
}

/// Moves keyboard focus to the element with `id`, if it exists.
pub fn focus(id: &str) {
    if let Some(element) = gloo::utils::document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// Whether the user asked the system for less motion (`prefers-reduced-motion: reduce`): packets
/// then jump between steps instead of gliding.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|window| {
            window
                .match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|query| query.matches())
}

/// Calls `pressed` with the key of every keydown meant as a page shortcut: not while typing (inputs,
/// text areas, selects, editable text), not for keys a focused widget handles itself (tabs, trees,
/// grids, sliders, or Space/Enter on a button or link), not with Ctrl/Alt/Meta. `pressed` returns
/// whether it used the key (then the browser's default, e.g. scrolling on Space, is prevented).
pub fn on_shortcut_key(pressed: impl Fn(&str) -> bool + 'static) -> gloo::events::EventListener {
    let document = gloo::utils::document();
    let options = gloo::events::EventListenerOptions::enable_prevent_default();
    gloo::events::EventListener::new_with_options(&document, "keydown", options, move |event| {
        let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        if event.default_prevented() || event.ctrl_key() || event.alt_key() || event.meta_key() {
            return;
        }
        let key = event.key();
        let target = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok());
        if let Some(element) = target {
            let tag = element.tag_name().to_ascii_lowercase();
            let role = element.get_attribute("role").unwrap_or_default();
            let editable = element
                .dyn_ref::<web_sys::HtmlElement>()
                .is_some_and(|e| e.is_content_editable());
            let typing = matches!(tag.as_str(), "input" | "textarea" | "select") || editable;
            let widget = matches!(
                role.as_str(),
                "tab" | "tablist" | "tree" | "treeitem" | "grid" | "row" | "gridcell" | "slider"
            );
            let pressable = matches!(tag.as_str(), "button" | "a" | "summary") || role == "button";
            if typing || widget || (pressable && (key == " " || key == "Enter")) {
                return;
            }
        }
        if pressed(&key) {
            event.prevent_default();
        }
    })
}

/// Exposes `window.__playground` for tests and benchmarks (see README): read-only numbers, and the
/// stepping controls.
///
/// `read` answers a query name ("received", "messages", "packets", "clients", "firstReceivedAt",
/// "lastReceivedAt", "receivedDistinct", `received:<name>`, "cursor", "head", "first", "playing",
/// "renderCostMs", "renderSpacingMs").
/// `act` runs a control ("seek" with a step, "step", "back", "play", "pause", "speed" with a factor)
/// and returns the cursor after it, or NaN when nothing moved.
pub fn install_hooks(
    read: impl Fn(&str) -> f64 + 'static,
    act: impl Fn(&str, f64) -> f64 + 'static,
) {
    let read = std::rc::Rc::new(read);
    let act = std::rc::Rc::new(act);
    let object = js_sys::Object::new();
    let set = |name: &str, value: &wasm_bindgen::JsValue| {
        let _ = js_sys::Reflect::set(&object, &name.into(), value);
    };
    for name in [
        "received",
        "messages",
        "packets",
        "clients",
        "firstReceivedAt",
        "lastReceivedAt",
        "receivedDistinct",
        "cursor",
        "head",
        "first",
        "playing",
        "renderCostMs",
        "renderSpacingMs",
    ] {
        let read = read.clone();
        let function = Closure::<dyn Fn() -> f64>::new(move || read(name));
        set(name, function.as_ref());
        function.forget();
    }
    let by_name = {
        let read = read.clone();
        Closure::<dyn Fn(String) -> f64>::new(move |client: String| {
            read(&format!("received:{client}"))
        })
    };
    set("receivedBy", by_name.as_ref());
    by_name.forget();
    for name in [
        "seek",
        "step",
        "back",
        "play",
        "pause",
        "speed",
        "workload",
        "workloadLive",
    ] {
        let act = act.clone();
        let function = Closure::<dyn Fn(wasm_bindgen::JsValue) -> f64>::new(
            move |value: wasm_bindgen::JsValue| act(name, value.as_f64().unwrap_or(f64::NAN)),
        );
        set(name, function.as_ref());
        function.forget();
    }
    let _ = js_sys::Reflect::set(&gloo::utils::window(), &"__playground".into(), &object);
}
