//! The page title, the two pages (playground and packet inspector) and the theme switch.

use yew::prelude::*;

use super::playground::selected;
use crate::playground_state::Theme;

/// The app's pages, by `#fragment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `#playground` (and the default).
    Playground,
    /// `#inspector`.
    Inspector,
}

impl Page {
    /// The page for a fragment.
    pub fn from_route(route: &str) -> Self {
        if route == "inspector" {
            Page::Inspector
        } else {
            Page::Playground
        }
    }
}

/// The header for `page`, with the `theme` switch.
pub fn page_header(shown: Page, theme: Theme, on_theme: &Callback<Theme>) -> Html {
    let on_theme = on_theme.reform(|event: Event| Theme::from_value(&selected(&event)));
    let current = |page: Page| (shown == page).then_some("page");
    let lede = match shown {
        Page::Playground => {
            "Connect clients to the built-in teaching broker or a real one, publish and subscribe, and see \
             every message and every packet — down to the bytes."
        }
        Page::Inspector => {
            "Paste the bytes of MQTT packets, or pick a sample, to see every field, what it means and \
             which bytes carry it. Build a packet to see its bytes. It all runs in your browser."
        }
    };
    html! {
        <header class="page-header app-header">
            <div class="brand">
                <h1>
                    { "MQTT Playground" }
                    if shown == Page::Inspector { <span class="title-page">{ " — packet inspector" }</span> }
                </h1>
                <p class="lede">{ lede }</p>
            </div>
            <nav class="pages" aria-label="Pages">
                <a href="#playground" aria-current={current(Page::Playground)}>{ "Playground" }</a>
                <a href="#inspector" aria-current={current(Page::Inspector)}>{ "Packet inspector" }</a>
            </nav>
            <div class="theme-switch">
                <label for="theme">{ "Theme" }</label>
                <select id="theme" onchange={on_theme}>
                    { for [(Theme::Auto, "System"), (Theme::Light, "Light"), (Theme::Dark, "Dark")].into_iter().map(|(option, label)| html! {
                        <option value={option.value()} selected={option == theme}>{ label }</option>
                    }) }
                </select>
            </div>
        </header>
    }
}
