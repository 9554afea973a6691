//! The message for hex text that is not hex, with the offending character marked in its line.

use yew::prelude::*;

use super::decode_status::status_icon;
use super::el::{el, text};

use crate::inspector::hex::HexError;

/// Characters of context shown on each side of the mistake.
const CONTEXT: usize = 24;

#[derive(Properties, PartialEq)]
pub struct HexErrorViewProps {
    /// What is wrong, and where.
    pub error: HexError,
    /// The text it was found in, for the excerpt.
    pub text: AttrValue,
}

/// Says what is wrong with the hex text and shows the spot.
#[function_component(HexErrorView)]
pub fn hex_error_view(props: &HexErrorViewProps) -> Html {
    let excerpt = props.error.excerpt(&props.text, CONTEXT);
    el("div")
        .class("hex-error")
        .id("hex-error")
        .attr("data-testid", "hex-error")
        .attr("aria-live", "polite")
        .child(
            el("p")
                .child(status_icon("✕"))
                .text(" ")
                .child(el("strong").text("Not hex: "))
                .text(props.error.to_string()),
        )
        .child(
            el("pre")
                .class("hex-error-excerpt")
                .attr("aria-hidden", "true")
                .child(
                    el("code")
                        .child_opt(excerpt.ellipsis_before.then(|| text("…")))
                        .text(excerpt.before)
                        .child(el("mark").text(excerpt.culprit))
                        .text(excerpt.after)
                        .child_opt(excerpt.ellipsis_after.then(|| text("…"))),
                ),
        )
        .into()
}
