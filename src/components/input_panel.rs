//! Where bytes come in: the sample list, the protocol version and the hex text.

use std::rc::Rc;

use mqtt_core::ProtocolVersion;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::hex_error::HexErrorView;
use crate::inspector::samples::Sample;
use crate::state::{edition_from_str, Parsed, EDITIONS};

/// The `<option>` value for "the user's own bytes".
pub const CUSTOM_SAMPLE: &str = "custom";

#[derive(Properties, PartialEq)]
pub struct InputPanelProps {
    /// The samples to offer.
    pub samples: Rc<[Sample]>,
    /// The chosen sample, `None` for the user's own bytes.
    pub sample_id: Option<&'static str>,
    /// The edition selected.
    pub version: ProtocolVersion,
    /// The hex text.
    pub hex_input: AttrValue,
    /// What the text holds (for the byte count and the hex error).
    pub parsed: Rc<Parsed>,
    /// The text was edited.
    pub on_edit: Callback<String>,
    /// A sample was chosen (by id; [`CUSTOM_SAMPLE`] for none).
    pub on_sample: Callback<String>,
    /// The edition was changed.
    pub on_version: Callback<ProtocolVersion>,
}

/// The input card.
#[function_component(InputPanel)]
pub fn input_panel(props: &InputPanelProps) -> Html {
    let on_input = props
        .on_edit
        .reform(|event: InputEvent| event.target_unchecked_into::<HtmlTextAreaElement>().value());
    let on_sample = props
        .on_sample
        .reform(|event: Event| event.target_unchecked_into::<HtmlSelectElement>().value());
    let on_version = {
        let on_version = props.on_version.clone();
        Callback::from(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(version) = edition_from_str(&value) {
                on_version.emit(version);
            }
        })
    };
    let hex_error = match &*props.parsed {
        Parsed::BadHex(error) => Some(error.clone()),
        _ => None,
    };
    let described_by = if hex_error.is_some() {
        "hex-help hex-error"
    } else {
        "hex-help"
    };
    let byte_count = match &*props.parsed {
        Parsed::Packets(inspection) => {
            let total: usize = inspection
                .packets
                .iter()
                .map(|p| p.bytes.len())
                .sum::<usize>()
                + inspection.undecoded;
            format!("{total} byte{}.", if total == 1 { "" } else { "s" })
        }
        _ => String::new(),
    };
    html! {
        <section class="card input-card" aria-labelledby="input-heading">
            <h2 id="input-heading">{ "Input" }</h2>
            <div class="controls">
                <div class="control sample">
                    <label for="sample">{ "Sample" }</label>
                    <select id="sample" onchange={on_sample}>
                        <option value={CUSTOM_SAMPLE} selected={props.sample_id.is_none()}>
                            { "Your own bytes" }
                        </option>
                        { for categories(&props.samples).into_iter().map(|category| html! {
                            <optgroup label={category}>
                                { for props.samples.iter().filter(|s| s.category == category).map(|sample| html! {
                                    <option value={sample.id} selected={props.sample_id == Some(sample.id)}>
                                        { sample.title }
                                    </option>
                                }) }
                            </optgroup>
                        }) }
                    </select>
                </div>
                <div class="control">
                    <label for="protocol-version">{ "Protocol version" }</label>
                    <select id="protocol-version" onchange={on_version}>
                        { for EDITIONS.into_iter().map(|version| html! {
                            <option value={version.edition()} selected={props.version == version}>
                                { format!("MQTT {}", version.edition()) }
                            </option>
                        }) }
                    </select>
                </div>
            </div>
            <label for="hex-input">{ "Hex" }</label>
            <textarea
                id="hex-input"
                class="hex-input"
                rows="7"
                wrap="off"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                placeholder="e.g. 30 0a 00 03 61 2f 62 68 65 6c 6c 6f"
                aria-describedby={described_by}
                aria-invalid={if hex_error.is_some() { "true" } else { "false" }}
                value={props.hex_input.clone()}
                oninput={on_input}
            />
            <p id="hex-help" class="hint">
                { "Spaces, newlines, commas and 0x prefixes are fine. A CONNECT is read at the version it \
                   announces; everything else at the version chosen above. " }
                { byte_count }
            </p>
            if let Some(error) = hex_error {
                <HexErrorView {error} text={props.hex_input.clone()} />
            }
        </section>
    }
}

/// The sample categories in the order they first appear.
fn categories(samples: &[Sample]) -> Vec<&'static str> {
    let mut seen: Vec<&'static str> = Vec::new();
    for sample in samples {
        if !seen.contains(&sample.category) {
            seen.push(sample.category);
        }
    }
    seen
}
