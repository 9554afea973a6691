//! Subscribing a client: a topic filter, the QoS asked for, and the 5.0 subscription options.

use std::rc::Rc;

use yew::prelude::*;

use super::publish_form::{client_select, ClientChoice};
use super::{checked, error_for, form_end, input_text, qos_select, selected, text_field};
use crate::components::el::{button, el};
use crate::components::hinted_checkbox;
use crate::playground::forms::{FormError, SubscribeForm};
use crate::playground::model::ClientKey;
use crate::playground::traced::TRACE_FILTER;
use crate::playground_state::SubscribeEdit;

/// What it shows and reports.
pub struct SubscribePanelProps {
    /// Clients to subscribe.
    pub clients: Rc<Vec<ClientChoice>>,
    /// The chosen client.
    pub client: Option<ClientKey>,
    /// The form.
    pub form: SubscribeForm,
    /// A mistake.
    pub error: Option<FormError>,
    /// Client chosen.
    pub on_client: Callback<ClientKey>,
    /// A field changed.
    pub on_edit: Callback<SubscribeEdit>,
    /// "Subscribe".
    pub on_submit: Callback<()>,
}

/// The subscribe card.
pub fn subscribe_panel(props: &SubscribePanelProps) -> Html {
    let form = &props.form;
    let edit = &props.on_edit;
    let error = &props.error;
    let v5 = props
        .client
        .and_then(|key| props.clients.iter().find(|c| c.0 == key))
        .is_some_and(|c| c.2);
    let on_filter = edit.reform(|event: InputEvent| SubscribeEdit::Filter(input_text(&event)));
    let on_qos =
        edit.reform(|event: Event| SubscribeEdit::Qos(selected(&event).parse().unwrap_or(0)));
    let on_no_local = edit.reform(|event: Event| SubscribeEdit::NoLocal(checked(&event)));
    let on_rap = edit.reform(|event: Event| SubscribeEdit::RetainAsPublished(checked(&event)));
    let on_rh = edit.reform(|event: Event| {
        SubscribeEdit::RetainHandling(selected(&event).parse().unwrap_or(0))
    });
    // A preset, not a subscription: the user still sees the filter and presses Subscribe.
    let on_trace_preset = {
        let edit = edit.clone();
        Callback::from(move |_: MouseEvent| {
            edit.emit(SubscribeEdit::Filter(TRACE_FILTER.to_string()));
            edit.emit(SubscribeEdit::Qos(0));
        })
    };
    let on_submit = props
        .on_submit
        .reform(|event: SubmitEvent| event.prevent_default());
    let general = error
        .as_ref()
        .filter(|e| e.field == "subscribe-form")
        .map(|e| e.message.clone());
    let filter_hint = "+ matches one level, # everything below; $SYS/# shows a broker's statistics";
    let preset_note = ": a board running mqtt-client with the trace on (MQTT_TRACE=1) then gets a lifeline of its own in the diagram.";
    let retain_handling = |value: u8, label: &'static str| {
        el("option")
            .value(value.to_string())
            .flag("selected", form.retain_handling == value)
            .text(label)
    };
    let more = v5.then(|| {
        el("details")
            .class("more")
            .child(el("summary").text("MQTT 5.0 options"))
            .child(hinted_checkbox(
                "subscribe-no-local",
                form.no_local,
                on_no_local,
                "No local ",
                "don't send me my own messages",
            ))
            .child(hinted_checkbox(
                "subscribe-rap",
                form.retain_as_published,
                on_rap,
                "Retain as published ",
                "keep the publisher's RETAIN flag",
            ))
            .child(
                el("div")
                    .class("control")
                    .child(
                        el("label")
                            .attr("for", "subscribe-rh")
                            .text("Retained messages"),
                    )
                    .child(
                        el("select")
                            .id("subscribe-rh")
                            .on_change(on_rh)
                            .child(retain_handling(0, "send when subscribing"))
                            .child(retain_handling(1, "send only for a new subscription"))
                            .child(retain_handling(2, "never send")),
                    ),
            )
    });
    el("section")
        .class("card subscribe-card")
        .attr("aria-labelledby", "subscribe-heading")
        .child(el("h2").id("subscribe-heading").text("Subscribe"))
        .child(
            el("form")
                .id("subscribe-form")
                .on_submit(on_submit)
                .flag("novalidate", true)
                .child(
                    el("div")
                        .class("controls")
                        .child(client_select(
                            "subscribe-client",
                            "Client",
                            &props.clients,
                            props.client,
                            props.on_client.clone(),
                        ))
                        .child(qos_select("subscribe-qos", "Maximum QoS", form.qos, on_qos)),
                )
                .child(text_field(
                    "subscribe-filter",
                    "Topic filter",
                    &form.filter,
                    on_filter,
                    error_for(error, "subscribe-filter"),
                    Some(filter_hint),
                    "text",
                    "wide",
                ))
                .child(
                    el("p")
                        .class("hint trace-preset")
                        .child(
                            button()
                                .class("link-button")
                                .id("subscribe-trace-preset")
                                .on_click(on_trace_preset)
                                .text("Watch traced devices"),
                        )
                        .text(" fills in ")
                        .child(el("code").text(TRACE_FILTER))
                        .text(preset_note),
                )
                .child_opt(more)
                .child(form_end(
                    general,
                    "subscribe-button",
                    "Subscribe",
                    props.client.is_none(),
                )),
        )
        .into()
}
