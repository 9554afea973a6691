//! A compact element builder, used instead of `html!` for elements.
//!
//! Why not `html!`: the macro builds every element inline — the tag, its attribute array or boxed
//! values, its listener box, its child vector and the `Rc` around it — so each element costs about
//! 270 bytes of WebAssembly, and the page has close to a thousand of them. Here the construction
//! lives once, in the small non-generic methods below, and each element in a view is a short chain
//! of calls. The DOM produced is the same: same tags, attributes, listeners, keys and node refs, and
//! `<input>`/`<textarea>` keep Yew's controlled `value`/`checked` handling.
//!
//! Components (`<DiagramCard … />`) are still written with `html!`.
//!
//! ```ignore
//! el("button").attr("type", "button").class("cut-link").flag("disabled", !active)
//!     .on_click(cut).text("✂ Cut the link")
//! ```

use std::rc::Rc;

use yew::html::{
    onchange, onclick, onfocus, oninput, onkeydown, onmouseenter, onmouseleave, onscroll, onsubmit,
    ontoggle,
};
use yew::virtual_dom::{AttrValue, Attributes, Key, Listener, Listeners, VNode, VTag, VText};
use yew::{
    Callback, Event, FocusEvent, Html, InputEvent, KeyboardEvent, MouseEvent, NodeRef, SubmitEvent,
};

/// An element being built. Boxed so each call in a chain moves one pointer, not the whole tag.
pub struct El(Box<VTag>);

/// An element with this tag (not `input` or `textarea`: see [`input`] and [`textarea`]).
pub fn el(tag: &'static str) -> El {
    El(Box::new(VTag::__new_other(
        AttrValue::Static(tag),
        NodeRef::default(),
        None,
        Attributes::Static(&[]),
        Listeners::None,
        VNode::default(),
    )))
}

/// An `<input>`: its `value` and `checked` are properties Yew keeps in step with the DOM.
pub fn input() -> El {
    El(Box::new(VTag::__new_input(
        None,
        None,
        NodeRef::default(),
        None,
        Attributes::Static(&[]),
        Listeners::None,
    )))
}

/// A `<textarea>`, whose `value` Yew keeps in step with the DOM.
pub fn textarea() -> El {
    El(Box::new(VTag::__new_textarea(
        None,
        None,
        NodeRef::default(),
        None,
        Attributes::Static(&[]),
        Listeners::None,
    )))
}

/// A `<button type="button">` (not a form's submit button).
pub fn button() -> El {
    el("button").attr("type", "button")
}

/// An `<option>` of a `<select>`: its value, whether it is the one selected, and its label.
pub fn option(value: impl Into<AttrValue>, selected: bool, label: impl Into<AttrValue>) -> El {
    el("option")
        .value(value)
        .flag("selected", selected)
        .text(label)
}

/// A text node.
pub fn text(value: impl Into<AttrValue>) -> Html {
    VNode::VText(VText::new(value.into()))
}

/// Nodes side by side, with no element around them.
pub fn fragment(nodes: impl IntoIterator<Item = Html>) -> Html {
    nodes.into_iter().collect()
}

impl El {
    /// An attribute.
    pub fn attr(self, name: &'static str, value: impl Into<AttrValue>) -> Self {
        self.set(name, value.into())
    }

    fn set(mut self, name: &'static str, value: AttrValue) -> Self {
        self.0.add_attribute(name, value);
        self
    }

    /// An attribute that is there only when `value` is.
    pub fn attr_opt(self, name: &'static str, value: Option<impl Into<AttrValue>>) -> Self {
        match value {
            Some(value) => self.set(name, value.into()),
            None => self,
        }
    }

    /// A boolean attribute (`disabled`, `open`, `selected`, …): present when `on`.
    pub fn flag(self, name: &'static str, on: bool) -> Self {
        if on {
            self.set(name, AttrValue::Static(name))
        } else {
            self
        }
    }

    /// The `class` attribute.
    pub fn class(self, value: impl Into<AttrValue>) -> Self {
        self.set("class", value.into())
    }

    /// The `id` attribute.
    pub fn id(self, value: impl Into<AttrValue>) -> Self {
        self.set("id", value.into())
    }

    /// The `aria-label` attribute.
    pub fn label(self, value: impl Into<AttrValue>) -> Self {
        self.set("aria-label", value.into())
    }

    /// The `value` of an `<input>` or `<textarea>` (a kept-in-step property), or the `value`
    /// attribute of any other element (`<option>`, `<button>`).
    pub fn value(mut self, value: impl Into<AttrValue>) -> Self {
        let value = value.into();
        if self.0.children().is_some() {
            self.set("value", value)
        } else {
            self.0.set_value(value);
            self
        }
    }

    /// The `checked` property of an `<input>`.
    pub fn checked(mut self, checked: bool) -> Self {
        self.0.set_checked(checked);
        self
    }

    /// The node ref, to reach the element after render.
    pub fn node_ref(mut self, node_ref: NodeRef) -> Self {
        self.0.node_ref = node_ref;
        self
    }

    /// The key that identifies this element among its siblings across renders.
    pub fn key(mut self, key: impl Into<Key>) -> Self {
        self.0.key = Some(key.into());
        self
    }

    fn listen(mut self, listener: Rc<dyn Listener>) -> Self {
        self.0.add_listener(listener);
        self
    }

    /// `click`.
    pub fn on_click(self, callback: Callback<MouseEvent>) -> Self {
        self.listen(Rc::new(onclick::Wrapper::new(callback)))
    }

    /// `change`.
    pub fn on_change(self, callback: Callback<Event>) -> Self {
        self.listen(Rc::new(onchange::Wrapper::new(callback)))
    }

    /// `input`.
    pub fn on_input(self, callback: Callback<InputEvent>) -> Self {
        self.listen(Rc::new(oninput::Wrapper::new(callback)))
    }

    /// `submit`.
    pub fn on_submit(self, callback: Callback<SubmitEvent>) -> Self {
        self.listen(Rc::new(onsubmit::Wrapper::new(callback)))
    }

    /// `keydown`.
    pub fn on_keydown(self, callback: Callback<KeyboardEvent>) -> Self {
        self.listen(Rc::new(onkeydown::Wrapper::new(callback)))
    }

    /// `scroll`.
    pub fn on_scroll(self, callback: Callback<Event>) -> Self {
        self.listen(Rc::new(onscroll::Wrapper::new(callback)))
    }

    /// `focus`.
    pub fn on_focus(self, callback: Callback<FocusEvent>) -> Self {
        self.listen(Rc::new(onfocus::Wrapper::new(callback)))
    }

    /// `toggle` (a `<details>` opened or closed).
    pub fn on_toggle(self, callback: Callback<Event>) -> Self {
        self.listen(Rc::new(ontoggle::Wrapper::new(callback)))
    }

    /// `mouseenter`.
    pub fn on_mouseenter(self, callback: Callback<MouseEvent>) -> Self {
        self.listen(Rc::new(onmouseenter::Wrapper::new(callback)))
    }

    /// `mouseleave`.
    pub fn on_mouseleave(self, callback: Callback<MouseEvent>) -> Self {
        self.listen(Rc::new(onmouseleave::Wrapper::new(callback)))
    }

    /// A child node: an element, a component, text, or nothing (`Html::default()`).
    pub fn child(mut self, child: impl Into<Html>) -> Self {
        self.0.add_child(child.into());
        self
    }

    /// A child only when there is one. Like `html!`'s `if` without `else`, nothing still takes a
    /// place (an empty list), so the siblings after it keep their positions and Yew, which matches
    /// unkeyed children by position, does not rebuild them when it appears or goes.
    pub fn child_opt(mut self, child: Option<impl Into<Html>>) -> Self {
        self.0
            .add_child(child.map_or_else(Html::default, Into::into));
        self
    }

    /// A text child.
    pub fn text(mut self, value: impl Into<AttrValue>) -> Self {
        self.0.add_child(text(value));
        self
    }

    /// Children from an iterator, as one nested list like `html!`'s `{ for … }`: keyed items
    /// stay a list of their own, which Yew then matches by key.
    pub fn children(mut self, children: impl IntoIterator<Item = Html>) -> Self {
        self.0.add_child(children.into_iter().collect());
        self
    }
}

impl From<El> for Html {
    fn from(element: El) -> Html {
        VNode::VTag(Rc::new(*element.0))
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn tag(html: Html) -> Rc<VTag> {
        match html {
            VNode::VTag(tag) => tag,
            other => panic!("not an element: {other:?}"),
        }
    }

    fn attributes(tag: &VTag) -> Vec<(String, String)> {
        let mut all: Vec<_> = tag
            .attributes
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        all.sort();
        all
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn attributes_flags_and_optional_ones_are_what_html_would_set() {
        let li = tag(el("li")
            .class("fault-client")
            .attr("data-name", String::from("dashboard"))
            .label("Cut the link")
            .flag("open", true)
            .flag("disabled", false)
            .attr_opt("title", None::<&str>)
            .attr_opt("aria-current", Some("page"))
            .into());
        assert_eq!(li.tag(), "li");
        assert_eq!(
            attributes(&li),
            pairs(&[
                ("aria-current", "page"),
                ("aria-label", "Cut the link"),
                ("class", "fault-client"),
                ("data-name", "dashboard"),
                ("open", "open"),
            ])
        );
        assert_eq!(tag(button().into()).attributes.iter().count(), 1);
    }

    #[test]
    fn inputs_keep_value_and_checked_as_properties_other_elements_as_attributes() {
        let field = tag(input()
            .attr("type", "checkbox")
            .value("on")
            .checked(true)
            .into());
        assert_eq!(field.value().map(|v| v.to_string()), Some("on".into()));
        assert_eq!(field.checked(), Some(true));
        assert_eq!(attributes(&field), pairs(&[("type", "checkbox")]));
        let area = tag(textarea().value("21.5").into());
        assert_eq!(area.value().map(|v| v.to_string()), Some("21.5".into()));
        let plain = tag(el("option").value("drop").into());
        assert_eq!(attributes(&plain), pairs(&[("value", "drop")]));
        let chosen = tag(option("2", true, "QoS 2").into());
        assert_eq!(
            attributes(&chosen),
            pairs(&[("selected", "selected"), ("value", "2")])
        );
        assert!(matches!(chosen.children(), Some(VNode::VList(c)) if c.len() == 1));
        let other = tag(option("1", false, "QoS 1").into());
        assert_eq!(attributes(&other), pairs(&[("value", "1")]));
    }

    #[test]
    fn children_keep_the_shape_html_gives_them() {
        let list = tag(el("ul")
            .text("a")
            .child_opt(None::<Html>)
            .child_opt(Some(el("li")))
            .children((0..3).map(|n| el("li").key(n).into()))
            .into());
        let Some(VNode::VList(children)) = list.children() else {
            panic!("no child list");
        };
        // Text, an empty placeholder where nothing was, the element, and the items as one list.
        assert_eq!(children.len(), 4);
        assert!(matches!(&children[0], VNode::VText(_)));
        assert!(matches!(&children[1], VNode::VList(empty) if empty.is_empty()));
        assert!(matches!(&children[2], VNode::VTag(_)));
        assert!(matches!(&children[3], VNode::VList(items) if items.len() == 3));
    }

    #[test]
    fn listeners_are_attached() {
        let clicked = tag(button().on_click(Callback::noop()).into());
        let plain = tag(button().into());
        assert_ne!(*clicked, *plain);
    }
}
