//! Adding a client: a name and the options MQTT offers at connect time — 3.1.1 or 5.0, client id,
//! user name and password, keep alive, clean session / clean start with session expiry, the will, and
//! the 5.0 properties worth teaching (receive maximum, topic alias maximum, user properties).

use mqtt_core::ProtocolVersion;
use yew::prelude::*;

use super::{checked, error_for, input_text, qos_select, selected, text_field, textarea_text};
use crate::playground::forms::{version_from, ClientForm, FormError};
use crate::playground_state::ClientEdit;

/// What it shows and reports.
pub struct AddClientFormProps {
    /// The form.
    pub form: ClientForm,
    /// A mistake in it.
    pub error: Option<FormError>,
    /// A field changed.
    pub on_edit: Callback<ClientEdit>,
    /// "Add client".
    pub on_submit: Callback<()>,
    /// A new generated client id.
    pub on_new_id: Callback<()>,
}

/// The form.
pub fn add_client_form(props: &AddClientFormProps) -> Html {
    let form = &props.form;
    let edit = &props.on_edit;
    let error = &props.error;
    let v5 = form.version.is_v5();
    let text = |make: fn(String) -> ClientEdit| {
        edit.reform(move |event: InputEvent| make(input_text(&event)))
    };
    let flag =
        |make: fn(bool) -> ClientEdit| edit.reform(move |event: Event| make(checked(&event)));
    let on_version =
        edit.reform(|event: Event| ClientEdit::Version(version_from(&selected(&event))));
    let on_will_qos =
        edit.reform(|event: Event| ClientEdit::WillQos(selected(&event).parse().unwrap_or(0)));
    let on_user_props =
        edit.reform(|event: InputEvent| ClientEdit::UserProperties(textarea_text(&event)));
    let on_submit = props
        .on_submit
        .reform(|event: SubmitEvent| event.prevent_default());
    let on_new_id = props.on_new_id.reform(|_: MouseEvent| ());
    let general = error
        .as_ref()
        .filter(|e| e.field == "client-form")
        .map(|e| e.message.clone());
    // A mistake in a folded-away option opens the fold, so the message is seen.
    let open_more = error
        .as_ref()
        .is_some_and(|e| !matches!(e.field, "client-name" | "client-id" | "client-form"));
    html! {
        <form class="add-client" id="add-client-form" onsubmit={on_submit} aria-labelledby="add-client-heading" novalidate=true>
            <h3 id="add-client-heading">{ "Add a client" }</h3>
            <div class="controls">
                { text_field("client-name", "Name", &form.name, text(ClientEdit::Name),
                    error_for(error, "client-name"), None, "text", "") }
                <div class="control narrow">
                    <label for="client-version">{ "MQTT" }</label>
                    <select id="client-version" onchange={on_version}>
                        { for [ProtocolVersion::V311, ProtocolVersion::V5].into_iter().map(|version| html! {
                            <option value={version.edition()} selected={version == form.version}>{ version.edition() }</option>
                        }) }
                    </select>
                </div>
            </div>
            <div class="controls">
                { text_field("client-id", "Client id", &form.client_id, text(ClientEdit::ClientId),
                    error_for(error, "client-id"), None, "text", "grow") }
                <div class="control shrink">
                    <span class="label-spacer" aria-hidden="true">{ "\u{a0}" }</span>
                    <button type="button" onclick={on_new_id} aria-label="Generate a new client id" title="Generate a new client id">{ "New id" }</button>
                </div>
            </div>
            <details class="more" open={open_more}>
                <summary>{ "Connection options" }</summary>
                <div class="controls">
                    { text_field("client-username", "User name", &form.username, text(ClientEdit::Username),
                        error_for(error, "client-username"), None, "text", "") }
                    { text_field("client-password", "Password", &form.password, text(ClientEdit::Password),
                        None, Some("kept in memory only; never logged or exported"), "password", "") }
                </div>
                <div class="controls">
                    { text_field("client-keepalive", "Keep alive (s)", &form.keep_alive, text(ClientEdit::KeepAlive),
                        error_for(error, "client-keepalive"), None, "text", "narrow") }
                    if v5 {
                        { text_field("client-expiry", "Session expiry (s)", &form.session_expiry, text(ClientEdit::SessionExpiry),
                            error_for(error, "client-expiry"), Some("0: the session ends with the connection"), "text", "") }
                    }
                </div>
                <label class="check">
                    <input id="client-clean" type="checkbox" checked={form.clean_start} onchange={flag(ClientEdit::CleanStart)} />
                    { if v5 { "Clean start " } else { "Clean session " } }
                    <span class="hint">{ "off: the broker keeps subscriptions and queues messages while the client is away (needed for Sleep)" }</span>
                </label>
                <label class="check">
                    <input id="client-will" type="checkbox" checked={form.will} onchange={flag(ClientEdit::Will)} />
                    { "Will " }<span class="hint">{ "published by the broker if the client vanishes without DISCONNECT" }</span>
                </label>
                if form.will {
                    <div class="controls nested">
                        { text_field("will-topic", "Will topic", &form.will_topic, text(ClientEdit::WillTopic),
                            error_for(error, "will-topic"), None, "text", "grow") }
                        { text_field("will-payload", "Will payload", &form.will_payload, text(ClientEdit::WillPayload),
                            None, None, "text", "") }
                        { qos_select("will-qos", "Will QoS", form.will_qos, on_will_qos) }
                        <label class="check">
                            <input id="will-retain" type="checkbox" checked={form.will_retain} onchange={flag(ClientEdit::WillRetain)} />
                            { "Retain" }
                        </label>
                        if v5 {
                            { text_field("will-delay", "Will delay (s)", &form.will_delay, text(ClientEdit::WillDelay),
                                error_for(error, "will-delay"), None, "text", "narrow") }
                        }
                    </div>
                }
                if v5 {
                    <fieldset class="v5">
                        <legend>{ "MQTT 5.0 properties" }</legend>
                        <div class="controls">
                            { text_field("client-receive-max", "Receive maximum", &form.receive_maximum, text(ClientEdit::ReceiveMaximum),
                                error_for(error, "client-receive-max"), Some("QoS 1/2 messages the broker may send unacknowledged"), "text", "") }
                            { text_field("client-alias-max", "Topic alias maximum", &form.topic_alias_maximum, text(ClientEdit::TopicAliasMaximum),
                                error_for(error, "client-alias-max"), Some("aliases the broker may use towards us"), "text", "") }
                        </div>
                        <div class="control wide">
                            <label for="client-user-props">{ "User properties " }<span class="hint">{ "name=value, one per line" }</span></label>
                            <textarea id="client-user-props" rows="2" value={form.user_properties.clone()} oninput={on_user_props}
                                aria-invalid={error_for(error, "client-user-props").map(|_| "true")} />
                            if let Some(message) = error_for(error, "client-user-props") {
                                <p class="field-error">{ message }</p>
                            }
                        </div>
                    </fieldset>
                }
            </details>
            if let Some(message) = general {
                <p class="field-error" role="alert">{ message }</p>
            }
            <div class="buttons">
                <button type="submit" class="primary" id="add-client">{ "Add and connect" }</button>
            </div>
        </form>
    }
}
