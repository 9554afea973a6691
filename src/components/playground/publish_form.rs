//! Publishing from a client: topic, payload, QoS, retain, and (5.0) message expiry, content type,
//! response topic and user properties.

use std::rc::Rc;

use yew::prelude::*;

use super::{
    checked, error_for, form_end, input_text, qos_select, selected, text_field, textarea_text,
};
use crate::components::el::{el, input, textarea};
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
    let prompt = chosen.is_none().then(|| {
        el("option")
            .value("")
            .flag("selected", true)
            .flag("disabled", true)
            .text(if clients.is_empty() {
                "no clients yet"
            } else {
                "choose a client"
            })
    });
    el("div")
        .class("control")
        .child(el("label").attr("for", id).text(label.to_owned()))
        .child(
            el("select")
                .id(id)
                .on_change(onchange)
                .flag("disabled", clients.is_empty())
                .child_opt(prompt)
                .children(clients.iter().map(|(key, name, _, connected)| {
                    el("option")
                        .value(key.to_string())
                        .flag("selected", chosen == Some(*key))
                        .text(name.clone())
                        .text(if *connected { "" } else { " (not connected)" })
                        .into()
                })),
        )
        .into()
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
    let open_more = error
        .as_ref()
        .is_some_and(|e| e.field != "publish-topic" && e.field != "publish-form");
    let more = v5.then(|| {
        el("details")
            .class("more")
            .flag("open", open_more)
            .child(el("summary").text("MQTT 5.0 properties"))
            .child(
                el("div")
                    .class("controls")
                    .child(text_field(
                        "publish-expiry",
                        "Message expiry (s)",
                        &form.expiry,
                        text(PublishEdit::Expiry),
                        error_for(error, "publish-expiry"),
                        None,
                        "text",
                        "",
                    ))
                    .child(text_field(
                        "publish-content-type",
                        "Content type",
                        &form.content_type,
                        text(PublishEdit::ContentType),
                        None,
                        None,
                        "text",
                        "",
                    )),
            )
            .child(text_field(
                "publish-response",
                "Response topic",
                &form.response_topic,
                text(PublishEdit::ResponseTopic),
                error_for(error, "publish-response"),
                None,
                "text",
                "wide",
            ))
            .child(
                el("div")
                    .class("control wide")
                    .child(
                        el("label")
                            .attr("for", "publish-user-props")
                            .text("User properties ")
                            .child(el("span").class("hint").text("name=value, one per line")),
                    )
                    .child(
                        textarea()
                            .id("publish-user-props")
                            .attr("rows", "2")
                            .value(form.user_properties.clone())
                            .on_input(on_user_props),
                    )
                    .child_opt(
                        error_for(error, "publish-user-props")
                            .map(|message| el("p").class("field-error").text(message.to_owned())),
                    ),
            )
    });
    el("section")
        .class("card publish-card")
        .attr("aria-labelledby", "publish-heading")
        .child(el("h2").id("publish-heading").text("Publish"))
        .child(
            el("form")
                .id("publish-form")
                .on_submit(on_submit)
                .flag("novalidate", true)
                .child(
                    el("div")
                        .class("controls")
                        .child(client_select(
                            "publish-client",
                            "From",
                            &props.clients,
                            props.client,
                            props.on_client.clone(),
                        ))
                        .child(qos_select("publish-qos", "QoS", form.qos, on_qos))
                        .child(
                            el("label")
                                .class("check inline-check")
                                .child(
                                    input()
                                        .id("publish-retain")
                                        .attr("type", "checkbox")
                                        .checked(form.retain)
                                        .on_change(on_retain),
                                )
                                .text("Retain"),
                        ),
                )
                .child(text_field(
                    "publish-topic",
                    "Topic",
                    &form.topic,
                    text(PublishEdit::Topic),
                    error_for(error, "publish-topic"),
                    None,
                    "text",
                    "wide",
                ))
                .child(
                    el("div")
                        .class("control wide")
                        .child(
                            el("label")
                                .attr("for", "publish-payload")
                                .text("Payload ")
                                .child(
                                    el("span")
                                        .class("hint")
                                        .text("UTF-8 text · Ctrl+Enter publishes"),
                                ),
                        )
                        .child(
                            textarea()
                                .id("publish-payload")
                                .attr("rows", "2")
                                .value(form.payload.clone())
                                .on_input(on_payload)
                                .on_keydown(on_payload_key)
                                .attr("spellcheck", "false"),
                        ),
                )
                .child_opt(more)
                .child(form_end(
                    general,
                    "publish-button",
                    "Publish",
                    props.client.is_none(),
                )),
        )
        .into()
}
