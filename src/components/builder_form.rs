//! The packet builder: a small form, the bytes it encodes to (or the rule it breaks), and buttons to
//! inspect or copy them.

use std::rc::Rc;

use mqtt_core::ProtocolVersion;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

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
    html! {
        <section class="card builder-card" aria-labelledby="builder-heading">
            <h2 id="builder-heading">{ "Build a packet" }</h2>
            <form class="builder" data-testid="builder" aria-labelledby="builder-heading" onsubmit={on_submit}>
                <div class="controls">
                    <div class="control">
                        <label for="builder-type">{ "Packet type" }</label>
                        <select id="builder-type" onchange={on_kind}>
                            { for BuildKind::ALL.into_iter().map(|option| html! {
                                <option value={option.name()} selected={option == kind}>{ option.name() }</option>
                            }) }
                        </select>
                    </div>
                    if kind.uses_qos() {
                        <div class="control">
                            <label for="builder-qos">{ qos_label }</label>
                            <select id="builder-qos" onchange={on_qos}>
                                { for (0..=2u8).map(|qos| html! {
                                    <option value={qos.to_string()} selected={qos == form.qos}>{ format!("QoS {qos}") }</option>
                                }) }
                            </select>
                        </div>
                    }
                    if kind.uses_packet_id(form.qos) {
                        <div class="control">
                            <label for="builder-packet-id">{ "Packet identifier" }</label>
                            <input id="builder-packet-id" type="text" inputmode="numeric" autocomplete="off"
                                size="6" value={form.packet_id.clone()} oninput={on_packet_id} />
                        </div>
                    }
                </div>
                if kind.uses_publish_flags() {
                    <fieldset class="flags">
                        <legend>{ "Flags" }</legend>
                        <label class="check">
                            <input id="builder-dup" type="checkbox" checked={form.dup} onchange={on_dup} />
                            { "DUP " }<span class="hint">{ "a resend" }</span>
                        </label>
                        <label class="check">
                            <input id="builder-retain" type="checkbox" checked={form.retain} onchange={on_retain} />
                            { "RETAIN " }<span class="hint">{ "broker keeps it for new subscribers" }</span>
                        </label>
                    </fieldset>
                }
                if kind.uses_topic() {
                    <div class="control wide">
                        <label for="builder-topic">{ kind.topic_label() }</label>
                        <input id="builder-topic" type="text" autocomplete="off" autocapitalize="off"
                            spellcheck="false" value={form.topic.clone()} oninput={on_topic} />
                    </div>
                }
                if kind.uses_payload() {
                    <div class="control wide">
                        <label for="builder-payload">{ "Payload " }<span class="hint">{ "(sent as UTF-8 text)" }</span></label>
                        <textarea id="builder-payload" rows="2" value={form.payload.clone()} oninput={on_payload} />
                    </div>
                }
                <div class="builder-output" data-testid="builder-output">
                    { output(&props.built, props.version) }
                </div>
                <div class="buttons">
                    <button type="submit" class="primary" disabled={hex.is_none()}>{ "Inspect these bytes" }</button>
                    <button type="button" onclick={on_copy} disabled={hex.is_none()}>{ "Copy hex" }</button>
                    <span class="copy-status" role="status">
                        { match props.copied {
                            Some(true) => "Copied.",
                            Some(false) => "Could not copy: the browser refused clipboard access.",
                            None => "",
                        } }
                    </span>
                </div>
            </form>
        </section>
    }
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
        Ok(bytes) => html! {
            <>
                <p class="output-caption">
                    { format!("{} bytes, encoded as MQTT {}", bytes.len(), version.edition()) }
                </p>
                <code class="output-bytes">{ format_hex(bytes, 16) }</code>
            </>
        },
        Err(error) => html! {
            <div class="status error" data-testid="builder-error" role="status">
                <p class="status-title">
                    <span class="status-icon" aria-hidden="true">{ "✕" }</span>{ " " }
                    <strong>{ "Cannot encode: " }</strong>
                    { &error.message }
                </p>
                { " " }
                if let Some(rule) = &error.rule {
                    <p class="status-rule">{ "Rule " }<code class="rule">{ rule }</code></p>
                }
            </div>
        },
    }
}
