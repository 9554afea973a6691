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

/// Exposes `window.__playground`: a few read-only numbers for tests and benchmarks (see README).
/// `read` answers a query name ("received", "messages", "packets", "clients", "firstReceivedAt",
/// "lastReceivedAt", "receivedDistinct" or "received:<name>").
pub fn install_hooks(read: impl Fn(&str) -> f64 + 'static) {
    let read = std::rc::Rc::new(read);
    let object = js_sys::Object::new();
    let entries: [(&str, &str); 7] = [
        ("received", "received"),
        ("messages", "messages"),
        ("packets", "packets"),
        ("clients", "clients"),
        ("firstReceivedAt", "firstReceivedAt"),
        ("lastReceivedAt", "lastReceivedAt"),
        ("receivedDistinct", "receivedDistinct"),
    ];
    for (name, query) in entries {
        let read = read.clone();
        let query = query.to_string();
        let function = Closure::<dyn Fn() -> f64>::new(move || read(&query));
        let _ = js_sys::Reflect::set(&object, &name.into(), function.as_ref());
        function.forget();
    }
    let by_name = {
        let read = read.clone();
        Closure::<dyn Fn(String) -> f64>::new(move |client: String| {
            read(&format!("received:{client}"))
        })
    };
    let _ = js_sys::Reflect::set(&object, &"receivedBy".into(), by_name.as_ref());
    by_name.forget();
    let _ = js_sys::Reflect::set(&gloo::utils::window(), &"__playground".into(), &object);
}
