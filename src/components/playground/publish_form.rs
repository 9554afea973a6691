//! Publishing from a client: topic, payload, QoS, retain, and (5.0) message expiry, content type,
//! response topic and user properties.

use std::rc::Rc;

use yew::prelude::*;

use super::{checked, error_for, input_text, qos_select, selected, text_field, textarea_text};
use crate::playground::forms::{FormError, PublishForm};
use crate::playground::model::ClientKey;
use crate::playground_state::PublishEdit;

/// A client to pick in the form: key, name, protocol version is 5.0, connected.
pub type ClientChoice = (ClientKey, String, bool, bool);

/// The client `<select>` shared by the publish and subscribe forms.
pub fn client_select(
    id: &'static str,
    label: &str,
    clients: &[ClientChoice],
    chosen: Option<ClientKey>,
    on_change: Callback<ClientKey>,
) -> Html {
    let onchange = Callback::from(move |event: Event| {
        if let Ok(key) = selected(&event).parse() {
            on_change.emit(key);
        }
    });
    html! {
        <div class="control">
            <label for={id}>{ label }</label>
            <select {id} {onchange} disabled={clients.is_empty()}>
                if chosen.is_none() {
                    <option value="" selected=true disabled=true>{ if clients.is_empty() { "no clients yet" } else { "choose a client" } }</option>
                }
                { for clients.iter().map(|(key, name, _, connected)| html! {
                    <option value={key.to_string()} selected={chosen == Some(*key)}>
                        { name }{ if *connected { "" } else { " (not connected)" } }
                    </option>
                }) }
            </select>
        </div>
    }
}

/// What it shows and reports.
pub struct PublishPanelProps {
    /// Clients to publish from.
    pub clients: Rc<Vec<ClientChoice>>,
    /// The chosen client.
    pub client: Option<ClientKey>,
    /// The form.
    pub form: PublishForm,
    /// A mistake.
    pub error: Option<FormError>,
    /// Client chosen.
    pub on_client: Callback<ClientKey>,
    /// A field changed.
    pub on_edit: Callback<PublishEdit>,
    /// "Publish".
    pub on_submit: Callback<()>,
}

/// The publish card.
pub fn publish_panel(props: &PublishPanelProps) -> Html {
    let form = &props.form;
    let edit = &props.on_edit;
    let error = &props.error;
    let v5 = props
        .client
        .and_then(|key| props.clients.iter().find(|c| c.0 == key))
        .is_some_and(|c| c.2);
    let text = |make: fn(String) -> PublishEdit| {
        edit.reform(move |event: InputEvent| make(input_text(&event)))
    };
    let on_payload = edit.reform(|event: InputEvent| PublishEdit::Payload(textarea_text(&event)));
    let on_qos =
        edit.reform(|event: Event| PublishEdit::Qos(selected(&event).parse().unwrap_or(0)));
    let on_retain = edit.reform(|event: Event| PublishEdit::Retain(checked(&event)));
    let on_user_props =
        edit.reform(|event: InputEvent| PublishEdit::UserProperties(textarea_text(&event)));
    let on_submit = props
        .on_submit
        .reform(|event: SubmitEvent| event.prevent_default());
    // Ctrl/Cmd+Enter in the payload publishes.
    let on_payload_key = {
        let on_submit = props.on_submit.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
                event.prevent_default();
                on_submit.emit(());
            }
        })
    };
    let general = error
        .as_ref()
        .filter(|e| e.field == "publish-form")
        .map(|e| e.message.clone());
    html! {
        <section class="card publish-card" aria-labelledby="publish-heading">
            <h2 id="publish-heading">{ "Publish" }</h2>
            <form id="publish-form" onsubmit={on_submit} novalidate=true>
                <div class="controls">
                    { client_select("publish-client", "From", &props.clients, props.client, props.on_client.clone()) }
                    { qos_select("publish-qos", "QoS", form.qos, on_qos) }
                    <label class="check inline-check">
                        <input id="publish-retain" type="checkbox" checked={form.retain} onchange={on_retain} />
                        { "Retain" }
                    </label>
                </div>
                { text_field("publish-topic", "Topic", &form.topic, text(PublishEdit::Topic),
                    error_for(error, "publish-topic"), None, "text", "wide") }
                <div class="control wide">
                    <label for="publish-payload">{ "Payload " }<span class="hint">{ "UTF-8 text · Ctrl+Enter publishes" }</span></label>
                    <textarea id="publish-payload" rows="2" value={form.payload.clone()} oninput={on_payload}
                        onkeydown={on_payload_key} spellcheck="false" />
                </div>
                if v5 {
                    <details class="more" open={error.as_ref().is_some_and(|e| e.field != "publish-topic" && e.field != "publish-form")}>
                        <summary>{ "MQTT 5.0 properties" }</summary>
                        <div class="controls">
                            { text_field("publish-expiry", "Message expiry (s)", &form.expiry, text(PublishEdit::Expiry),
                                error_for(error, "publish-expiry"), None, "text", "") }
                            { text_field("publish-content-type", "Content type", &form.content_type, text(PublishEdit::ContentType),
                                None, None, "text", "") }
                        </div>
                        { text_field("publish-response", "Response topic", &form.response_topic, text(PublishEdit::ResponseTopic),
                            error_for(error, "publish-response"), None, "text", "wide") }
                        <div class="control wide">
                            <label for="publish-user-props">{ "User properties " }<span class="hint">{ "name=value, one per line" }</span></label>
                            <textarea id="publish-user-props" rows="2" value={form.user_properties.clone()} oninput={on_user_props} />
                            if let Some(message) = error_for(error, "publish-user-props") {
                                <p class="field-error">{ message }</p>
                            }
                        </div>
                    </details>
                }
                if let Some(message) = general {
                    <p class="field-error" role="alert">{ message }</p>
                }
                <div class="buttons">
                    <button type="submit" class="primary" id="publish-button" disabled={props.client.is_none()}>{ "Publish" }</button>
                </div>
            </form>
        </section>
    }
}
