//! The page title and what the page is for.

use yew::prelude::*;

/// The title and a one-line explanation.
#[function_component(PageHeader)]
pub fn page_header() -> Html {
    html! {
        <header class="page-header">
            <h1>{ "MQTT Playground — packet inspector" }</h1>
            <p class="lede">
                { "Paste the bytes of MQTT packets, or pick a sample, to see every field, what it means \
                   and which bytes carry it. Build a packet to see its bytes. It all runs in your browser." }
            </p>
        </header>
    }
}
