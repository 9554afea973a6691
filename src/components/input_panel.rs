//! Where bytes come in: the sample list, the protocol version and the hex text.

use std::rc::Rc;

use mqtt_core::ProtocolVersion;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::el::{el, option, textarea};
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
    let group = |category: &'static str| {
        let in_category = props.samples.iter().filter(|s| s.category == category);
        el("optgroup")
            .attr("label", category)
            .children(in_category.map(|sample| {
                option(sample.id, props.sample_id == Some(sample.id), sample.title).into()
            }))
            .into()
    };
    let samples = el("select")
        .id("sample")
        .on_change(on_sample)
        .child(option(
            CUSTOM_SAMPLE,
            props.sample_id.is_none(),
            "Your own bytes",
        ))
        .children(categories(&props.samples).into_iter().map(group));
    let versions = el("select")
        .id("protocol-version")
        .on_change(on_version)
        .children(EDITIONS.into_iter().map(|version| {
            option(
                version.edition(),
                props.version == version,
                format!("MQTT {}", version.edition()),
            )
            .into()
        }));
    el("section")
        .class("card input-card")
        .attr("aria-labelledby", "input-heading")
        .child(el("h2").id("input-heading").text("Input"))
        .child(
            el("div")
                .class("controls")
                .child(
                    el("div")
                        .class("control sample")
                        .child(el("label").attr("for", "sample").text("Sample"))
                        .child(samples),
                )
                .child(
                    el("div")
                        .class("control")
                        .child(
                            el("label")
                                .attr("for", "protocol-version")
                                .text("Protocol version"),
                        )
                        .child(versions),
                ),
        )
        .child(el("label").attr("for", "hex-input").text("Hex"))
        .child(
            textarea()
                .id("hex-input")
                .class("hex-input")
                .attr("rows", "7")
                .attr("wrap", "off")
                .attr("spellcheck", "false")
                .attr("autocomplete", "off")
                .attr("autocapitalize", "off")
                .attr("placeholder", "e.g. 30 0a 00 03 61 2f 62 68 65 6c 6c 6f")
                .attr("aria-describedby", described_by)
                .attr(
                    "aria-invalid",
                    if hex_error.is_some() { "true" } else { "false" },
                )
                .value(props.hex_input.clone())
                .on_input(on_input),
        )
        .child(
            el("p")
                .id("hex-help")
                .class("hint")
                .text(
                    "Spaces, newlines, commas and 0x prefixes are fine. A CONNECT is read at the version it \
                     announces; everything else at the version chosen above. ",
                )
                .text(byte_count),
        )
        .child_opt(hex_error.map(|error| {
            html! { <HexErrorView {error} text={props.hex_input.clone()} /> }
        }))
        .into()
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
