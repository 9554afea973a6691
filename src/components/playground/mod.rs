//! The playground page's components. Like the inspector's, each renders its props and reports what
//! the user did through callbacks. The ones that show MQTT traffic read the workspace through an
//! [`Engine`] handle during render and take the workspace `revision` as a prop, so they render again
//! exactly when the workspace changed (at most once per animation frame).

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::el::{el, fragment, input};
use crate::playground::forms::FormError;
use crate::services::driver::Driver;

pub mod broker_panel;
pub mod chart;
pub mod client_form;
pub mod client_list;
pub mod diagram_card;
pub mod diagram_view;
pub mod fault_panel;
pub mod hold_queue;
pub mod log_list;
pub mod measured;
pub mod message_view;
pub mod packet_view;
pub mod page;
pub mod publish_form;
pub mod scroll_position;
pub mod state_panels;
pub mod step_controls;
pub mod subscribe_form;
pub mod topic_tree;
pub mod traffic;
pub mod transcript;
pub mod virtual_list;

/// The workspace and its sockets, shared by the page (equal when it is the same driver).
#[derive(Clone)]
pub struct Engine(pub Rc<Driver>);

impl PartialEq for Engine {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The text of an `<input>` after an input event.
pub fn input_text(event: &InputEvent) -> String {
    event.target_unchecked_into::<HtmlInputElement>().value()
}

/// The text of a `<textarea>` after an input event.
pub fn textarea_text(event: &InputEvent) -> String {
    event.target_unchecked_into::<HtmlTextAreaElement>().value()
}

/// Whether a checkbox is ticked after a change event.
pub fn checked(event: &Event) -> bool {
    event.target_unchecked_into::<HtmlInputElement>().checked()
}

/// The value of a `<select>` after a change event.
pub fn selected(event: &Event) -> String {
    event.target_unchecked_into::<HtmlSelectElement>().value()
}

/// The message for `field`, if the form's error is about it.
pub fn error_for<'a>(error: &'a Option<FormError>, field: &str) -> Option<&'a str> {
    error
        .as_ref()
        .filter(|error| error.field == field)
        .map(|error| error.message.as_str())
}

/// A labelled text input with an optional hint and error (the error is announced and marks the
/// input invalid).
#[allow(clippy::too_many_arguments)]
pub fn text_field(
    id: &'static str,
    label: &str,
    value: &str,
    oninput: Callback<InputEvent>,
    error: Option<&str>,
    hint: Option<&str>,
    kind: &'static str,
    class: &'static str,
) -> Html {
    let described = match (error.is_some(), hint.is_some()) {
        (true, _) => Some(format!("{id}-error")),
        (false, true) => Some(format!("{id}-hint")),
        _ => None,
    };
    let note = match (error, hint) {
        (Some(message), _) => Some(
            el("p")
                .class("field-error")
                .id(format!("{id}-error"))
                .child(el("span").attr("aria-hidden", "true").text("✕ "))
                .text(message.to_owned()),
        ),
        (None, Some(hint)) => Some(
            el("p")
                .class("field-hint")
                .id(format!("{id}-hint"))
                .text(hint.to_owned()),
        ),
        (None, None) => None,
    };
    el("div")
        .class(&classes!("control", class))
        .child(el("label").attr("for", id).text(label.to_owned()))
        .child(
            input()
                .id(id)
                .attr("type", kind)
                .value(value.to_owned())
                .on_input(oninput)
                .attr("autocomplete", "off")
                .attr("autocapitalize", "off")
                .attr("spellcheck", "false")
                .attr_opt("aria-invalid", error.map(|_| "true"))
                .attr_opt("aria-describedby", described),
        )
        .child_opt(note)
        .into()
}

/// The end of a form: its error that is about no one field (announced when it appears), then its
/// submit button.
pub fn form_end(
    error: Option<String>,
    button_id: &'static str,
    label: &'static str,
    disabled: bool,
) -> Html {
    let error = error.map_or_else(Html::default, |message| {
        el("p")
            .class("field-error")
            .attr("role", "alert")
            .text(message)
            .into()
    });
    fragment([
        error,
        el("div")
            .class("buttons")
            .child(
                el("button")
                    .attr("type", "submit")
                    .class("primary")
                    .id(button_id)
                    .flag("disabled", disabled)
                    .text(label),
            )
            .into(),
    ])
}

/// A QoS `<select>`.
pub fn qos_select(id: &'static str, label: &str, value: u8, onchange: Callback<Event>) -> Html {
    el("div")
        .class("control narrow")
        .child(el("label").attr("for", id).text(label.to_owned()))
        .child(
            el("select")
                .id(id)
                .on_change(onchange)
                .children((0..=2u8).map(|qos| {
                    el("option")
                        .value(qos.to_string())
                        .flag("selected", qos == value)
                        .text(format!("QoS {qos}"))
                        .into()
                })),
        )
        .into()
}
