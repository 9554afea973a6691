//! The packet builder: a small form, the bytes it encodes to (or the rule it breaks), and buttons to
//! inspect or copy them.

use std::rc::Rc;

use mqtt_core::ProtocolVersion;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::decode_status::status_title;
use super::el::{button, el, fragment, input, option, textarea};
use super::hinted_checkbox;
use crate::inspector::builder::{BuildError, BuildKind, BuilderForm};
use crate::inspector::hex::format_hex;
use crate::state::BuilderEdit;

#[derive(Properties, PartialEq)]
pub struct BuilderFormViewProps {
    /// The form as typed.
    pub form: BuilderForm,
    /// The edition the bytes are encoded in.
    pub version: ProtocolVersion,
    /// The bytes, or why there are none.
    pub built: Rc<Result<Vec<u8>, BuildError>>,
    /// Outcome of the last copy, if any since the form changed.
    pub copied: Option<bool>,
    /// A field changed.
    pub on_edit: Callback<BuilderEdit>,
    /// "Inspect these bytes".
    pub on_inspect: Callback<()>,
    /// "Copy hex", with the text to copy.
    pub on_copy: Callback<String>,
}

/// The builder card.
#[function_component(BuilderFormView)]
pub fn builder_form_view(props: &BuilderFormViewProps) -> Html {
    let form = &props.form;
    let kind = form.kind;
    let edit = &props.on_edit;
    let on_kind = select_edit(edit, |value| {
        BuildKind::from_name(value).map(BuilderEdit::Kind)
    });
    let on_qos = select_edit(edit, |value| value.parse().ok().map(BuilderEdit::Qos));
    let checked = |event: &Event| event.target_unchecked_into::<HtmlInputElement>().checked();
    let on_dup = edit.reform(move |event: Event| BuilderEdit::Dup(checked(&event)));
    let on_retain = edit.reform(move |event: Event| BuilderEdit::Retain(checked(&event)));
    let text = |event: &InputEvent| event.target_unchecked_into::<HtmlInputElement>().value();
    let on_topic = edit.reform(move |event: InputEvent| BuilderEdit::Topic(text(&event)));
    let on_packet_id = edit.reform(move |event: InputEvent| BuilderEdit::PacketId(text(&event)));
    let on_payload = edit.reform(|event: InputEvent| {
        BuilderEdit::Payload(event.target_unchecked_into::<HtmlTextAreaElement>().value())
    });
    let on_submit = props
        .on_inspect
        .reform(|event: SubmitEvent| event.prevent_default());
    let hex = props
        .built
        .as_ref()
        .as_ref()
        .ok()
        .map(|bytes| format_hex(bytes, 16));
    let on_copy = {
        let (on_copy, hex) = (props.on_copy.clone(), hex.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(hex) = &hex {
                on_copy.emit(hex.clone());
            }
        })
    };
    let qos_label = if kind == BuildKind::Subscribe {
        "Maximum QoS"
    } else {
        "QoS"
    };
    let text_input = |id: &'static str, value: String, on_input: Callback<InputEvent>| {
        input()
            .id(id)
            .attr("type", "text")
            .attr("autocomplete", "off")
            .value(value)
            .on_input(on_input)
    };
    let kinds = el("select").id("builder-type").on_change(on_kind).children(
        BuildKind::ALL.into_iter().map(|option_kind| {
            option(option_kind.name(), option_kind == kind, option_kind.name()).into()
        }),
    );
    let qos = kind.uses_qos().then(|| {
        el("div")
            .class("control")
            .child(el("label").attr("for", "builder-qos").text(qos_label))
            .child(el("select").id("builder-qos").on_change(on_qos).children(
                (0..=2u8).map(|qos| {
                    option(qos.to_string(), qos == form.qos, format!("QoS {qos}")).into()
                }),
            ))
    });
    let packet_id = kind.uses_packet_id(form.qos).then(|| {
        el("div")
            .class("control")
            .child(
                el("label")
                    .attr("for", "builder-packet-id")
                    .text("Packet identifier"),
            )
            .child(
                text_input("builder-packet-id", form.packet_id.clone(), on_packet_id)
                    .attr("inputmode", "numeric")
                    .attr("size", "6"),
            )
    });
    let flags = kind.uses_publish_flags().then(|| {
        el("fieldset")
            .class("flags")
            .child(el("legend").text("Flags"))
            .child(hinted_checkbox(
                "builder-dup",
                form.dup,
                on_dup,
                "DUP ",
                "a resend",
            ))
            .child(hinted_checkbox(
                "builder-retain",
                form.retain,
                on_retain,
                "RETAIN ",
                "broker keeps it for new subscribers",
            ))
    });
    let topic = kind.uses_topic().then(|| {
        el("div")
            .class("control wide")
            .child(
                el("label")
                    .attr("for", "builder-topic")
                    .text(kind.topic_label()),
            )
            .child(
                text_input("builder-topic", form.topic.clone(), on_topic)
                    .attr("autocapitalize", "off")
                    .attr("spellcheck", "false"),
            )
    });
    let payload = kind.uses_payload().then(|| {
        el("div")
            .class("control wide")
            .child(
                el("label")
                    .attr("for", "builder-payload")
                    .text("Payload ")
                    .child(el("span").class("hint").text("(sent as UTF-8 text)")),
            )
            .child(
                textarea()
                    .id("builder-payload")
                    .attr("rows", "2")
                    .value(form.payload.clone())
                    .on_input(on_payload),
            )
    });
    el("section")
        .class("card builder-card")
        .attr("aria-labelledby", "builder-heading")
        .child(el("h2").id("builder-heading").text("Build a packet"))
        .child(
            el("form")
                .class("builder")
                .attr("data-testid", "builder")
                .attr("aria-labelledby", "builder-heading")
                .on_submit(on_submit)
                .child(
                    el("div")
                        .class("controls")
                        .child(
                            el("div")
                                .class("control")
                                .child(el("label").attr("for", "builder-type").text("Packet type"))
                                .child(kinds),
                        )
                        .child_opt(qos)
                        .child_opt(packet_id),
                )
                .child_opt(flags)
                .child_opt(topic)
                .child_opt(payload)
                .child(
                    el("div")
                        .class("builder-output")
                        .attr("data-testid", "builder-output")
                        .child(output(&props.built, props.version)),
                )
                .child(
                    el("div")
                        .class("buttons")
                        .child(
                            el("button")
                                .attr("type", "submit")
                                .class("primary")
                                .flag("disabled", hex.is_none())
                                .text("Inspect these bytes"),
                        )
                        .child(
                            button()
                                .on_click(on_copy)
                                .flag("disabled", hex.is_none())
                                .text("Copy hex"),
                        )
                        .child(el("span").class("copy-status").attr("role", "status").text(
                            match props.copied {
                                Some(true) => "Copied.",
                                Some(false) => {
                                    "Could not copy: the browser refused clipboard access."
                                }
                                None => "",
                            },
                        )),
                ),
        )
        .into()
}

/// A `<select>` change handler emitting the edit `parse` makes of the chosen value, if any.
fn select_edit(
    on_edit: &Callback<BuilderEdit>,
    parse: impl Fn(&str) -> Option<BuilderEdit> + 'static,
) -> Callback<Event> {
    let on_edit = on_edit.clone();
    Callback::from(move |event: Event| {
        if let Some(edit) = parse(&event.target_unchecked_into::<HtmlSelectElement>().value()) {
            on_edit.emit(edit);
        }
    })
}

/// The encoded bytes, or the error with its rule.
fn output(built: &Result<Vec<u8>, BuildError>, version: ProtocolVersion) -> Html {
    match built {
        Ok(bytes) => fragment([
            el("p")
                .class("output-caption")
                .text(format!(
                    "{} bytes, encoded as MQTT {}",
                    bytes.len(),
                    version.edition()
                ))
                .into(),
            el("code")
                .class("output-bytes")
                // Scrolls sideways on a phone: focusable, so the keyboard can scroll it too.
                .attr("tabindex", "0")
                .label("Encoded bytes")
                .text(format_hex(bytes, 16))
                .into(),
        ]),
        Err(error) => el("div")
            .class("status error")
            .attr("data-testid", "builder-error")
            .attr("role", "status")
            .child(status_title("✕", "Cannot encode: ").text(error.message.clone()))
            .text(" ")
            .child_opt(error.rule.as_ref().map(|rule| {
                el("p")
                    .class("status-rule")
                    .text("Rule ")
                    .child(el("code").class("rule").text(rule.clone()))
            }))
            .into(),
    }
}
