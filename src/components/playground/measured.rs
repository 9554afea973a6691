//! A size read from an element when it mounts and whenever the window is resized — never on every
//! render: reading a size forces the browser to lay the page out there and then, which during a
//! flood would be a layout per render. The message list measures its height this way, the diagram
//! its width.

use web_sys::Element;
use yew::prelude::*;

/// Calls `measure` with `node`'s element once mounted, and again after every window resize.
#[hook]
pub fn use_measure_on_resize<F>(node: &NodeRef, measure: F)
where
    F: Fn(&Element) + 'static,
{
    let node = node.clone();
    use_effect_with((), move |_| {
        let measure = move || {
            if let Some(element) = node.cast::<Element>() {
                measure(&element);
            }
        };
        measure();
        let listener =
            gloo::events::EventListener::new(&gloo::utils::window(), "resize", move |_| measure());
        move || drop(listener)
    });
}
