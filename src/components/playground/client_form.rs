//! Adding a client: a name and the options MQTT offers at connect time — 3.1.1 or 5.0, client id,
//! user name and password, keep alive, clean session / clean start with session expiry, the will, and
//! the 5.0 properties worth teaching (receive maximum, topic alias maximum, user properties).

use mqtt_core::ProtocolVersion;
use yew::prelude::*;

use super::{
    checked, error_for, form_end, input_text, qos_select, selected, text_field, textarea_text,
};
use crate::components::checkbox;
use crate::components::el::{button, el, textarea};
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
    // A checkbox inside its label; the label's words follow it.
    let check =
        |id: &'static str, on: bool, make: fn(bool) -> ClientEdit| checkbox(id, on, flag(make));
    let versions = el("select")
        .id("client-version")
        .on_change(on_version)
        .children(
            [ProtocolVersion::V311, ProtocolVersion::V5]
                .into_iter()
                .map(|version| {
                    el("option")
                        .value(version.edition())
                        .flag("selected", version == form.version)
                        .text(version.edition())
                        .into()
                }),
        );
    let clean_hint = "off: the broker keeps subscriptions and queues messages while the client is away (needed for Sleep)";
    let will_hint = "published by the broker if the client vanishes without DISCONNECT";
    let will = form.will.then(|| {
        el("div")
            .class("controls nested")
            .child(text_field(
                "will-topic",
                "Will topic",
                &form.will_topic,
                text(ClientEdit::WillTopic),
                error_for(error, "will-topic"),
                None,
                "text",
                "grow",
            ))
            .child(text_field(
                "will-payload",
                "Will payload",
                &form.will_payload,
                text(ClientEdit::WillPayload),
                None,
                None,
                "text",
                "",
            ))
            .child(qos_select(
                "will-qos",
                "Will QoS",
                form.will_qos,
                on_will_qos,
            ))
            .child(check("will-retain", form.will_retain, ClientEdit::WillRetain).text("Retain"))
            .child_opt(v5.then(|| {
                text_field(
                    "will-delay",
                    "Will delay (s)",
                    &form.will_delay,
                    text(ClientEdit::WillDelay),
                    error_for(error, "will-delay"),
                    None,
                    "text",
                    "narrow",
                )
            }))
    });
    let v5_properties = v5.then(|| {
        el("fieldset")
            .class("v5")
            .child(el("legend").text("MQTT 5.0 properties"))
            .child(
                el("div")
                    .class("controls")
                    .child(text_field(
                        "client-receive-max",
                        "Receive maximum",
                        &form.receive_maximum,
                        text(ClientEdit::ReceiveMaximum),
                        error_for(error, "client-receive-max"),
                        Some("QoS 1/2 messages the broker may send unacknowledged"),
                        "text",
                        "",
                    ))
                    .child(text_field(
                        "client-alias-max",
                        "Topic alias maximum",
                        &form.topic_alias_maximum,
                        text(ClientEdit::TopicAliasMaximum),
                        error_for(error, "client-alias-max"),
                        Some("aliases the broker may use towards us"),
                        "text",
                        "",
                    )),
            )
            .child(
                el("div")
                    .class("control wide")
                    .child(
                        el("label")
                            .attr("for", "client-user-props")
                            .text("User properties ")
                            .child(el("span").class("hint").text("name=value, one per line")),
                    )
                    .child(
                        textarea()
                            .id("client-user-props")
                            .attr("rows", "2")
                            .value(form.user_properties.clone())
                            .on_input(on_user_props)
                            .attr_opt(
                                "aria-invalid",
                                error_for(error, "client-user-props").map(|_| "true"),
                            ),
                    )
                    .child_opt(
                        error_for(error, "client-user-props")
                            .map(|message| el("p").class("field-error").text(message.to_owned())),
                    ),
            )
    });
    el("form")
        .class("add-client")
        .id("add-client-form")
        .on_submit(on_submit)
        .attr("aria-labelledby", "add-client-heading")
        .flag("novalidate", true)
        .child(el("h3").id("add-client-heading").text("Add a client"))
        .child(
            el("div")
                .class("controls")
                .child(text_field(
                    "client-name",
                    "Name",
                    &form.name,
                    text(ClientEdit::Name),
                    error_for(error, "client-name"),
                    None,
                    "text",
                    "",
                ))
                .child(
                    el("div")
                        .class("control narrow")
                        .child(el("label").attr("for", "client-version").text("MQTT"))
                        .child(versions),
                ),
        )
        .child(
            el("div")
                .class("controls")
                .child(text_field(
                    "client-id",
                    "Client id",
                    &form.client_id,
                    text(ClientEdit::ClientId),
                    error_for(error, "client-id"),
                    None,
                    "text",
                    "grow",
                ))
                .child(
                    el("div")
                        .class("control shrink")
                        .child(
                            el("span")
                                .class("label-spacer")
                                .attr("aria-hidden", "true")
                                .text("\u{a0}"),
                        )
                        .child(
                            button()
                                .on_click(on_new_id)
                                // Its name is what it shows (WCAG 2.5.3); the title says more.
                                .attr("title", "Generate a new client id")
                                .text("New id"),
                        ),
                ),
        )
        .child(
            el("details")
                .class("more")
                .flag("open", open_more)
                .child(el("summary").text("Connection options"))
                .child(
                    el("div")
                        .class("controls")
                        .child(text_field(
                            "client-username",
                            "User name",
                            &form.username,
                            text(ClientEdit::Username),
                            error_for(error, "client-username"),
                            None,
                            "text",
                            "",
                        ))
                        .child(text_field(
                            "client-password",
                            "Password",
                            &form.password,
                            text(ClientEdit::Password),
                            None,
                            Some("kept in memory only; never logged or exported"),
                            "password",
                            "",
                        )),
                )
                .child(
                    el("div")
                        .class("controls")
                        .child(text_field(
                            "client-keepalive",
                            "Keep alive (s)",
                            &form.keep_alive,
                            text(ClientEdit::KeepAlive),
                            error_for(error, "client-keepalive"),
                            None,
                            "text",
                            "narrow",
                        ))
                        .child_opt(v5.then(|| {
                            text_field(
                                "client-expiry",
                                "Session expiry (s)",
                                &form.session_expiry,
                                text(ClientEdit::SessionExpiry),
                                error_for(error, "client-expiry"),
                                Some("0: the session ends with the connection"),
                                "text",
                                "",
                            )
                        })),
                )
                .child(
                    check("client-clean", form.clean_start, ClientEdit::CleanStart)
                        .text(if v5 { "Clean start " } else { "Clean session " })
                        .child(el("span").class("hint").text(clean_hint)),
                )
                .child(
                    check("client-will", form.will, ClientEdit::Will)
                        .text("Will ")
                        .child(el("span").class("hint").text(will_hint)),
                )
                .child_opt(will)
                .child_opt(v5_properties),
        )
        .child(form_end(general, "add-client", "Add and connect", false))
        .into()
}
