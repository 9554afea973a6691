//! The message for hex text that is not hex, with the offending character marked in its line.

use yew::prelude::*;

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
    html! {
        <div class="hex-error" id="hex-error" data-testid="hex-error" aria-live="polite">
            <p>
                <span class="status-icon" aria-hidden="true">{ "✕" }</span>{ " " }
                <strong>{ "Not hex: " }</strong>
                { props.error.to_string() }
            </p>
            <pre class="hex-error-excerpt" aria-hidden="true"><code>
                if excerpt.ellipsis_before { { "…" } }
                { excerpt.before }
                <mark>{ excerpt.culprit }</mark>
                { excerpt.after }
                if excerpt.ellipsis_after { { "…" } }
            </code></pre>
        </div>
    }
}
