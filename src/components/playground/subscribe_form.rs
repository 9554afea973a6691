//! Subscribing a client: a topic filter, the QoS asked for, and the 5.0 subscription options.

use std::rc::Rc;

use yew::prelude::*;

use super::publish_form::{client_select, ClientChoice};
use super::{checked, error_for, input_text, qos_select, selected, text_field};
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
    html! {
        <section class="card subscribe-card" aria-labelledby="subscribe-heading">
            <h2 id="subscribe-heading">{ "Subscribe" }</h2>
            <form id="subscribe-form" onsubmit={on_submit} novalidate=true>
                <div class="controls">
                    { client_select("subscribe-client", "Client", &props.clients, props.client, props.on_client.clone()) }
                    { qos_select("subscribe-qos", "Maximum QoS", form.qos, on_qos) }
                </div>
                { text_field("subscribe-filter", "Topic filter", &form.filter, on_filter,
                    error_for(error, "subscribe-filter"), Some("+ matches one level, # everything below; $SYS/# shows a broker's statistics"), "text", "wide") }
                <p class="hint trace-preset">
                    <button type="button" class="link-button" id="subscribe-trace-preset" onclick={on_trace_preset}>
                        { "Watch traced devices" }
                    </button>
                    { " fills in " }<code>{ TRACE_FILTER }</code>
                    { ": a board running mqtt-client with the trace on (MQTT_TRACE=1) then gets a lifeline of its own in the diagram." }
                </p>
                if v5 {
                    <details class="more">
                        <summary>{ "MQTT 5.0 options" }</summary>
                        <label class="check">
                            <input id="subscribe-no-local" type="checkbox" checked={form.no_local} onchange={on_no_local} />
                            { "No local " }<span class="hint">{ "don't send me my own messages" }</span>
                        </label>
                        <label class="check">
                            <input id="subscribe-rap" type="checkbox" checked={form.retain_as_published} onchange={on_rap} />
                            { "Retain as published " }<span class="hint">{ "keep the publisher's RETAIN flag" }</span>
                        </label>
                        <div class="control">
                            <label for="subscribe-rh">{ "Retained messages" }</label>
                            <select id="subscribe-rh" onchange={on_rh}>
                                <option value="0" selected={form.retain_handling == 0}>{ "send when subscribing" }</option>
                                <option value="1" selected={form.retain_handling == 1}>{ "send only for a new subscription" }</option>
                                <option value="2" selected={form.retain_handling == 2}>{ "never send" }</option>
                            </select>
                        </div>
                    </details>
                }
                if let Some(message) = general {
                    <p class="field-error" role="alert">{ message }</p>
                }
                <div class="buttons">
                    <button type="submit" class="primary" id="subscribe-button" disabled={props.client.is_none()}>{ "Subscribe" }</button>
                </div>
            </form>
        </section>
    }
}
