//! Which broker the clients talk to: the built-in teaching broker (simulated in the page, zero setup,
//! offline) or a real one over WebSocket, with presets, a URL checked as it is typed (mixed content,
//! raw TCP, wrong scheme…), and saved connection profiles.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::el::{button, el, fragment, input, option, text};

use super::{checked, input_text, selected};
use crate::playground::explain::CheckedUrl;
use crate::playground::profiles::Profile;
use crate::playground::workspace::BrokerChoice;
use crate::playground_state::{BrokerKind, PRESETS};

/// Latencies offered for the simulated links.
const LATENCIES: [u64; 5] = [0, 20, 50, 200, 1000];

/// What it shows and reports.
pub struct BrokerPanelProps {
    /// Kind chosen.
    pub kind: BrokerKind,
    /// URL as typed.
    pub url: AttrValue,
    /// Its check.
    pub check: Result<CheckedUrl, String>,
    /// Simulated latency.
    pub latency_ms: u64,
    /// In use.
    pub applied: BrokerChoice,
    /// Whether the form differs from what is in use (and is usable).
    pub changed: bool,
    /// Saved profiles.
    pub profiles: Rc<Vec<Profile>>,
    /// Profile name as typed.
    pub profile_name: AttrValue,
    /// Remember the password with the profile.
    pub remember_password: bool,
    /// Kind chosen.
    pub on_kind: Callback<BrokerKind>,
    /// URL typed or preset picked.
    pub on_url: Callback<String>,
    /// Latency picked.
    pub on_latency: Callback<u64>,
    /// "Use this broker".
    pub on_apply: Callback<()>,
    /// Profile name typed.
    pub on_profile_name: Callback<String>,
    /// "Remember password" ticked.
    pub on_remember: Callback<bool>,
    /// Save the current settings as a profile.
    pub on_save: Callback<()>,
    /// Load a profile by name.
    pub on_load: Callback<String>,
    /// Delete a profile by name.
    pub on_delete: Callback<String>,
    /// The profile chosen in the list.
    pub chosen_profile: AttrValue,
    /// A profile was chosen in the list.
    pub on_choose: Callback<String>,
}

/// The broker card.
pub fn broker_panel(props: &BrokerPanelProps) -> Html {
    let chosen_profile = props.chosen_profile.to_string();
    let ws = props.kind == BrokerKind::WebSocket;
    let on_sim = props.on_kind.reform(|_: Event| BrokerKind::Simulated);
    let on_ws = props.on_kind.reform(|_: Event| BrokerKind::WebSocket);
    let on_url = props.on_url.reform(|event: InputEvent| input_text(&event));
    let on_preset = {
        let on_url = props.on_url.clone();
        Callback::from(move |event: Event| {
            let value = selected(&event);
            if !value.is_empty() {
                on_url.emit(value);
            }
        })
    };
    let on_latency = props
        .on_latency
        .reform(|event: Event| selected(&event).parse().unwrap_or(50));
    let on_submit = props
        .on_apply
        .reform(|event: SubmitEvent| event.prevent_default());
    let in_use = match &props.applied {
        BrokerChoice::Simulated { latency_ms } => fragment([
            text("the built-in teaching broker"),
            el("span")
                .class("hint")
                .text(format!(" (links {latency_ms} ms)"))
                .into(),
        ]),
        BrokerChoice::WebSocket { url } => el("code").text(url.clone()).into(),
    };
    let (message, message_class) = match (&props.check, ws) {
        (Err(error), true) => (Some(error.clone()), "field-error"),
        (Ok(checked), true) => (checked.warning.clone(), "field-warning"),
        _ => (None, ""),
    };
    let on_profile_choice = props.on_choose.reform(|event: Event| selected(&event));
    let on_load = {
        let on_load = props.on_load.clone();
        let chosen = chosen_profile.clone();
        Callback::from(move |_: MouseEvent| on_load.emit(chosen.clone()))
    };
    let on_delete = {
        let on_delete = props.on_delete.clone();
        let chosen = chosen_profile.clone();
        Callback::from(move |_: MouseEvent| on_delete.emit(chosen.clone()))
    };
    let on_profile_name = props
        .on_profile_name
        .reform(|event: InputEvent| input_text(&event));
    let on_remember = props.on_remember.reform(|event: Event| checked(&event));
    let on_save = props.on_save.reform(|_: MouseEvent| ());
    let has_choice = props.profiles.iter().any(|p| p.name == chosen_profile);
    let radio = |id: &'static str,
                 on: bool,
                 on_change: Callback<Event>,
                 title: &'static str,
                 hint: &'static str| {
        el("label")
            .class("radio")
            .child(
                input()
                    .attr("type", "radio")
                    .attr("name", "broker-kind")
                    .id(id)
                    .checked(on)
                    .on_change(on_change),
            )
            .child(
                el("span")
                    .text(title)
                    .child(el("span").class("hint block").text(hint)),
            )
    };
    let choice = el("fieldset")
        .class("choice")
        .child(el("legend").class("visually-hidden").text("Which broker"))
        .child(radio(
            "broker-sim",
            !ws,
            on_sim,
            "Built-in teaching broker",
            "simulated in this page: no setup, works offline",
        ))
        .child(radio(
            "broker-ws",
            ws,
            on_ws,
            "A real broker over WebSocket",
            "mosquitto, HiveMQ, EMQX… each client opens its own socket",
        ));
    let control = if ws {
        let url = input()
            .id("broker-url")
            .attr("type", "url")
            .value(props.url.clone())
            .on_input(on_url)
            .attr("autocomplete", "url")
            .attr("spellcheck", "false")
            .attr("inputmode", "url")
            .attr("placeholder", "ws://127.0.0.1:9001")
            .attr_opt("aria-invalid", props.check.is_err().then_some("true"))
            .attr_opt(
                "aria-describedby",
                message.as_ref().map(|_| "broker-url-message"),
            );
        let presets = el("select")
            .id("broker-preset")
            .label("Presets")
            .on_change(on_preset)
            .child(option("", true, "Presets…"))
            .children(PRESETS.iter().map(|(name, url)| {
                el("option")
                    .value(*url)
                    .text(format!("{name} — {url}"))
                    .into()
            }));
        el("div")
            .class("control wide")
            .child(el("label").attr("for", "broker-url").text("WebSocket URL"))
            .child(el("div").class("url-row").child(url).child(presets))
            .child_opt(message.map(|message| {
                el("p")
                    .id("broker-url-message")
                    .class(message_class)
                    .attr("data-testid", "broker-url-message")
                    .child(el("span").attr("aria-hidden", "true").text(
                        if message_class == "field-error" {
                            "✕ "
                        } else {
                            "⚠ "
                        },
                    ))
                    .text(message)
            }))
    } else {
        el("div")
            .class("control")
            .child(
                el("label")
                    .attr("for", "sim-latency")
                    .text("Link latency ")
                    .child(el("span").class("hint").text("one way, per packet")),
            )
            .child(
                el("select")
                    .id("sim-latency")
                    .on_change(on_latency)
                    .children(LATENCIES.iter().map(|&ms| {
                        el("option")
                            .value(ms.to_string())
                            .flag("selected", ms == props.latency_ms)
                            .text(format!("{ms} ms"))
                            .into()
                    })),
            )
    };
    let form = el("form")
        .on_submit(on_submit)
        .flag("novalidate", true)
        .child(choice)
        .child(control)
        .child(
            el("div").class("buttons").child(
                el("button")
                    .attr("type", "submit")
                    .class("primary")
                    .id("broker-apply")
                    .flag("disabled", !props.changed)
                    .text(if ws {
                        "Connect to this broker"
                    } else {
                        "Use the built-in broker"
                    }),
            ),
        )
        .child(
            el("p")
                .class("in-use")
                .attr("data-testid", "broker-in-use")
                .text("In use: ")
                .child(in_use),
        )
        .child(el("p").class("hint").text(
            "Changing the broker reconnects every client to the new one with the same options.",
        ));
    let label_spacer = || {
        el("span")
            .class("label-spacer")
            .attr("aria-hidden", "true")
            .text("\u{a0}")
    };
    let saved = if props.profiles.is_empty() {
        el("p")
            .class("hint")
            .text("None yet: save the broker and the new-client options below.")
    } else {
        let pick = el("select")
            .id("profile-pick")
            .on_change(on_profile_choice)
            .child(
                el("option")
                    .value("")
                    .flag("selected", !has_choice)
                    .text("choose…"),
            )
            .children(props.profiles.iter().map(|p| {
                el("option")
                    .value(p.name.clone())
                    .flag("selected", p.name == chosen_profile)
                    .text(format!(
                        "{} — {}",
                        p.name,
                        if p.url.is_empty() {
                            "built-in broker"
                        } else {
                            p.url.as_str()
                        }
                    ))
                    .into()
            }));
        el("div")
            .class("controls")
            .child(
                el("div")
                    .class("control grow")
                    .child(el("label").attr("for", "profile-pick").text("Profile"))
                    .child(pick),
            )
            .child(
                el("div")
                    .class("control shrink")
                    .child(label_spacer())
                    .child(
                        el("div")
                            .class("button-row")
                            .child(
                                button()
                                    .on_click(on_load)
                                    .flag("disabled", !has_choice)
                                    .text("Load"),
                            )
                            .child(
                                button()
                                    .class("quiet")
                                    .on_click(on_delete)
                                    .flag("disabled", !has_choice)
                                    .text("Delete"),
                            ),
                    ),
            )
    };
    let save = el("div")
        .class("controls")
        .child(
            el("div")
                .class("control grow")
                .child(el("label").attr("for", "profile-name").text("Save as"))
                .child(
                    input()
                        .id("profile-name")
                        .attr("type", "text")
                        .value(props.profile_name.clone())
                        .on_input(on_profile_name)
                        .attr("autocomplete", "off")
                        .attr("placeholder", "e.g. local mosquitto"),
                ),
        )
        .child(
            el("div")
                .class("control shrink")
                .child(label_spacer())
                .child(
                    button()
                        .on_click(on_save)
                        .flag("disabled", props.profile_name.trim().is_empty())
                        .text("Save"),
                ),
        );
    let remember = el("label")
        .class("check")
        .child(
            input()
                .id("profile-remember")
                .attr("type", "checkbox")
                .checked(props.remember_password)
                .on_change(on_remember),
        )
        .text("Remember the password ")
        .child(
            el("span")
                .class("hint")
                .text("stored in this browser in plain text; off: profiles never hold a password"),
        );
    el("section")
        .class("card broker-card")
        .attr("aria-labelledby", "broker-heading")
        .child(el("h2").id("broker-heading").text("Broker"))
        .child(form)
        .child(
            el("details")
                .class("profiles")
                .child(el("summary").text("Saved profiles"))
                .child(saved)
                .child(save)
                .child(remember),
        )
        .into()
}
