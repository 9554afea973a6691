//! The page title, the two pages (playground and packet inspector) and the theme switch.

use yew::prelude::*;

use super::el::{el, option};
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
    let themes = [
        (Theme::Auto, "System"),
        (Theme::Light, "Light"),
        (Theme::Dark, "Dark"),
    ];
    el("header")
        .class("page-header app-header")
        .child(
            el("div")
                .class("brand")
                .child(
                    el("h1").text("MQTT Playground").child_opt(
                        (shown == Page::Inspector)
                            .then(|| el("span").class("title-page").text(" — packet inspector")),
                    ),
                )
                .child(el("p").class("lede").text(lede)),
        )
        .child(
            el("nav")
                .class("pages")
                .label("Pages")
                .child(
                    el("a")
                        .attr("href", "#playground")
                        .attr_opt("aria-current", current(Page::Playground))
                        .text("Playground"),
                )
                .child(
                    el("a")
                        .attr("href", "#inspector")
                        .attr_opt("aria-current", current(Page::Inspector))
                        .text("Packet inspector"),
                ),
        )
        .child(
            el("div")
                .class("theme-switch")
                .child(el("label").attr("for", "theme").text("Theme"))
                .child(el("select").id("theme").on_change(on_theme).children(
                    themes.into_iter().map(|(choice, label)| {
                        option(choice.value(), choice == theme, label).into()
                    }),
                )),
        )
        .into()
}
