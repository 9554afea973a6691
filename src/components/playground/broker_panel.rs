//! Which broker the clients talk to: the built-in teaching broker (simulated in the page, zero setup,
//! offline) or a real one over WebSocket, with presets, a URL checked as it is typed (mixed content,
//! raw TCP, wrong scheme…), and saved connection profiles.

use std::rc::Rc;

use yew::prelude::*;

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
        BrokerChoice::Simulated { latency_ms } => html! {
            <>{ "the built-in teaching broker" }<span class="hint">{ format!(" (links {latency_ms} ms)") }</span></>
        },
        BrokerChoice::WebSocket { url } => html! { <code>{ url }</code> },
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
    html! {
        <section class="card broker-card" aria-labelledby="broker-heading">
            <h2 id="broker-heading">{ "Broker" }</h2>
            <form onsubmit={on_submit} novalidate=true>
                <fieldset class="choice">
                    <legend class="visually-hidden">{ "Which broker" }</legend>
                    <label class="radio">
                        <input type="radio" name="broker-kind" id="broker-sim" checked={!ws} onchange={on_sim} />
                        <span>
                            { "Built-in teaching broker" }
                            <span class="hint block">{ "simulated in this page: no setup, works offline" }</span>
                        </span>
                    </label>
                    <label class="radio">
                        <input type="radio" name="broker-kind" id="broker-ws" checked={ws} onchange={on_ws} />
                        <span>
                            { "A real broker over WebSocket" }
                            <span class="hint block">{ "mosquitto, HiveMQ, EMQX… each client opens its own socket" }</span>
                        </span>
                    </label>
                </fieldset>
                if ws {
                    <div class="control wide">
                        <label for="broker-url">{ "WebSocket URL" }</label>
                        <div class="url-row">
                            <input id="broker-url" type="url" value={props.url.clone()} oninput={on_url}
                                autocomplete="url" spellcheck="false" inputmode="url"
                                placeholder="ws://127.0.0.1:9001"
                                aria-invalid={props.check.is_err().then_some("true")}
                                aria-describedby={message.as_ref().map(|_| "broker-url-message")} />
                            <select id="broker-preset" aria-label="Presets" onchange={on_preset}>
                                <option value="" selected=true>{ "Presets…" }</option>
                                { for PRESETS.iter().map(|(name, url)| html! {
                                    <option value={*url}>{ format!("{name} — {url}") }</option>
                                }) }
                            </select>
                        </div>
                        if let Some(message) = message {
                            <p id="broker-url-message" class={message_class} data-testid="broker-url-message">
                                <span aria-hidden="true">{ if message_class == "field-error" { "✕ " } else { "⚠ " } }</span>
                                { message }
                            </p>
                        }
                    </div>
                } else {
                    <div class="control">
                        <label for="sim-latency">{ "Link latency " }<span class="hint">{ "one way, per packet" }</span></label>
                        <select id="sim-latency" onchange={on_latency}>
                            { for LATENCIES.iter().map(|&ms| html! {
                                <option value={ms.to_string()} selected={ms == props.latency_ms}>{ format!("{ms} ms") }</option>
                            }) }
                        </select>
                    </div>
                }
                <div class="buttons">
                    <button type="submit" class="primary" id="broker-apply" disabled={!props.changed}>
                        { if ws { "Connect to this broker" } else { "Use the built-in broker" } }
                    </button>
                </div>
                <p class="in-use" data-testid="broker-in-use">{ "In use: " }{ in_use }</p>
                <p class="hint">{ "Changing the broker reconnects every client to the new one with the same options." }</p>
            </form>
            <details class="profiles">
                <summary>{ "Saved profiles" }</summary>
                if props.profiles.is_empty() {
                    <p class="hint">{ "None yet: save the broker and the new-client options below." }</p>
                } else {
                    <div class="controls">
                        <div class="control grow">
                            <label for="profile-pick">{ "Profile" }</label>
                            <select id="profile-pick" onchange={on_profile_choice}>
                                <option value="" selected={!has_choice}>{ "choose…" }</option>
                                { for props.profiles.iter().map(|p| html! {
                                    <option value={p.name.clone()} selected={p.name == chosen_profile}>
                                        { format!("{} — {}", p.name, if p.url.is_empty() { "built-in broker" } else { p.url.as_str() }) }
                                    </option>
                                }) }
                            </select>
                        </div>
                        <div class="control shrink">
                            <span class="label-spacer" aria-hidden="true">{ "\u{a0}" }</span>
                            <div class="button-row">
                                <button type="button" onclick={on_load} disabled={!has_choice}>{ "Load" }</button>
                                <button type="button" class="quiet" onclick={on_delete} disabled={!has_choice}>{ "Delete" }</button>
                            </div>
                        </div>
                    </div>
                }
                <div class="controls">
                    <div class="control grow">
                        <label for="profile-name">{ "Save as" }</label>
                        <input id="profile-name" type="text" value={props.profile_name.clone()} oninput={on_profile_name}
                            autocomplete="off" placeholder="e.g. local mosquitto" />
                    </div>
                    <div class="control shrink">
                        <span class="label-spacer" aria-hidden="true">{ "\u{a0}" }</span>
                        <button type="button" onclick={on_save} disabled={props.profile_name.trim().is_empty()}>{ "Save" }</button>
                    </div>
                </div>
                <label class="check">
                    <input id="profile-remember" type="checkbox" checked={props.remember_password} onchange={on_remember} />
                    { "Remember the password " }
                    <span class="hint">{ "stored in this browser in plain text; off: profiles never hold a password" }</span>
                </label>
            </details>
        </section>
    }
}
