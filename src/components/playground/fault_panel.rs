//! Faults, at the cursor: link latency and teaching loss (simulator), "drop / duplicate the next …",
//! cutting a client's link, sleep and wake, and the teaching retry — labelled for what it is: 3.1.1
//! resends only on reconnect and 5.0 forbids resending at any other time. On the simulator every
//! change forks the future; on a real broker only our own packets can be dropped, and a cut closes
//! the socket.

use std::rc::Rc;

use mqtt_core::PacketType;
use yew::prelude::*;

use super::{checked, selected};
use crate::playground::model::{ClientKey, Status};
use crate::playground::workspace::{FaultAim, FaultKind};
use crate::playground_state::FAULT_PACKETS;

/// The teaching retry's interval when switched on here.
pub const RETRY_MS: u64 = 1_000;

/// Something done to one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientFault {
    /// Cut its link (everything in flight is lost; a real socket is closed).
    Cut,
    /// Sleep (persistent session) or wake.
    Sleep,
    /// Wake.
    Wake,
    /// Teaching retry on or off.
    Retry(bool),
}

/// A client as the fault panel lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultClient {
    /// Key.
    pub key: ClientKey,
    /// Name.
    pub name: String,
    /// Status.
    pub status: Status,
    /// Teaching retry on.
    pub retry: bool,
    /// MQTT 5.0 (where resending in a session is forbidden).
    pub v5: bool,
}

/// What the panel shows and reports.
pub struct FaultPanelProps {
    /// On the simulator (else a real broker).
    pub simulated: bool,
    /// Link latency (ms) and teaching loss (%), on the simulator.
    pub link: Option<(u64, u8)>,
    /// The clients.
    pub clients: Rc<Vec<FaultClient>>,
    /// The fault form.
    pub kind: FaultKind,
    /// Its packet type.
    pub packet: PacketType,
    /// Which packets it watches: to the broker, to a client, or from a client.
    pub aim: FaultAim,
    /// Faults armed, in words.
    pub armed: Vec<String>,
    /// Form edits.
    pub on_kind: Callback<FaultKind>,
    /// Form edits.
    pub on_packet: Callback<PacketType>,
    /// Form edits.
    pub on_aim: Callback<FaultAim>,
    /// Arm the fault the form describes.
    pub on_arm: Callback<()>,
    /// A client's fault.
    pub on_client: Callback<(ClientKey, ClientFault)>,
    /// New latency (ms).
    pub on_latency: Callback<u64>,
    /// New teaching loss (%).
    pub on_loss: Callback<u8>,
}

/// The aim an option of the target list stands for: "broker", "to:KEY" or "from:KEY".
fn aim_of(value: &str) -> FaultAim {
    let key = |rest: &str| rest.parse::<ClientKey>().ok();
    if let Some(key) = value.strip_prefix("to:").and_then(key) {
        FaultAim::To(key)
    } else if let Some(key) = value.strip_prefix("from:").and_then(key) {
        FaultAim::From(key)
    } else {
        FaultAim::ToBroker
    }
}

fn client_row(client: &FaultClient, on: &Callback<(ClientKey, ClientFault)>) -> Html {
    let key = client.key;
    let act = |fault: ClientFault| {
        let on = on.clone();
        Callback::from(move |_: MouseEvent| on.emit((key, fault)))
    };
    let on_retry = {
        let on = on.clone();
        Callback::from(move |event: Event| on.emit((key, ClientFault::Retry(checked(&event)))))
    };
    let id = format!("retry-{key}");
    let rule = if client.v5 {
        "non-conformant in MQTT 5.0 (MQTT-4.4.0-1): a teaching switch"
    } else {
        "3.1.1 resends only on reconnect: a teaching switch"
    };
    let active = client.status.is_active();
    html! {
        <li class="fault-client" data-name={client.name.clone()}>
            <strong>{ &client.name }</strong>
            <button type="button" class="cut-link" disabled={!active} onclick={act(ClientFault::Cut)}
                aria-label={format!("Cut the link of {}", client.name)}>{ "✂ Cut the link" }</button>
            if client.status == Status::Asleep {
                <button type="button" onclick={act(ClientFault::Wake)}>{ "☀ Wake" }</button>
            } else {
                <button type="button" disabled={client.status != Status::Connected} onclick={act(ClientFault::Sleep)}>{ "☾ Sleep" }</button>
            }
            <span class="retry">
                <input type="checkbox" id={id.clone()} checked={client.retry} onchange={on_retry} />
                <label for={id}>{ format!("Teaching retry (resend after {} s)", RETRY_MS / 1000) }</label>
                <span class="warning-label">{ format!(" ⚠ {rule}") }</span>
            </span>
        </li>
    }
}

/// The panel.
pub fn fault_panel(props: &FaultPanelProps) -> Html {
    let on_kind = {
        let on = props.on_kind.clone();
        Callback::from(move |event: Event| {
            on.emit(if selected(&event) == "duplicate" {
                FaultKind::Duplicate
            } else {
                FaultKind::Drop
            })
        })
    };
    let on_packet = {
        let on = props.on_packet.clone();
        Callback::from(move |event: Event| {
            let value = selected(&event);
            if let Some(packet) = FAULT_PACKETS.iter().find(|p| p.name() == value) {
                on.emit(*packet);
            }
        })
    };
    let on_aim = {
        let on = props.on_aim.clone();
        Callback::from(move |event: Event| on.emit(aim_of(&selected(&event))))
    };
    let on_arm = {
        let on = props.on_arm.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            on.emit(())
        })
    };
    let duplicate = props.kind == FaultKind::Duplicate && props.simulated;
    html! {
        <details class="fault-panel card-section" open=true>
            <summary><h3>{ "Faults" }</h3></summary>
            if !props.simulated {
                <p class="hint">{ "On a real broker only our own packets can be dropped (before they are sent), and cutting the link closes the WebSocket. Changes apply from now: the past cannot be re-played." }</p>
            } else {
                <p class="hint">{ "Changes apply at the cursor: in the past, the recorded future is dropped and simulated again (a fork)." }</p>
            }
            if let Some((latency, loss)) = props.link {
                <div class="sliders">
                    <label for="link-latency">{ format!("Latency {latency} ms one way") }</label>
                    <input type="range" id="link-latency" min="0" max="1000" step="10" value={latency.to_string()}
                        onchange={let on = props.on_latency.clone(); Callback::from(move |e: Event| {
                            if let Ok(v) = e.target_unchecked_into::<web_sys::HtmlInputElement>().value().parse() { on.emit(v) }
                        })} />
                    <label for="link-loss">{ format!("Loss {loss} % (teaching mode: a live TCP link never loses one packet)") }</label>
                    <input type="range" id="link-loss" min="0" max="50" step="1" value={loss.to_string()}
                        onchange={let on = props.on_loss.clone(); Callback::from(move |e: Event| {
                            if let Ok(v) = e.target_unchecked_into::<web_sys::HtmlInputElement>().value().parse() { on.emit(v) }
                        })} />
                </div>
            }
            <form class="arm-fault" onsubmit={on_arm} aria-label="Arm a fault">
                <select id="fault-kind" aria-label="What to do" onchange={on_kind}>
                    <option value="drop" selected={props.kind == FaultKind::Drop}>{ "Drop" }</option>
                    if props.simulated {
                        <option value="duplicate" selected={duplicate}>{ "Duplicate" }</option>
                    }
                </select>
                <span>{ " the next " }</span>
                <select id="fault-packet" aria-label="Packet type" onchange={on_packet}>
                    { for FAULT_PACKETS.iter().map(|p| html! {
                        <option value={p.name()} selected={*p == props.packet}>{ p.name() }</option>
                    }) }
                </select>
                <select id="fault-target" aria-label="Which link and way" onchange={on_aim}>
                    if props.simulated {
                        <option value="broker" selected={props.aim == FaultAim::ToBroker}>{ "to the broker (from anyone)" }</option>
                    }
                    { for props.clients.iter().map(|c| html! { <>
                        if props.simulated {
                            <option value={format!("to:{}", c.key)} selected={props.aim == FaultAim::To(c.key)}>{ format!("to {}", c.name) }</option>
                        }
                        <option value={format!("from:{}", c.key)} selected={props.aim == FaultAim::From(c.key)}>{ format!("from {}", c.name) }</option>
                    </> }) }
                </select>
                <button type="submit" id="fault-arm">{ "Arm" }</button>
            </form>
            if !props.armed.is_empty() {
                <ul class="armed" data-testid="armed-faults" aria-label="Armed faults">
                    { for props.armed.iter().map(|text| html! { <li><span aria-hidden="true">{ "⚡ " }</span>{ text }</li> }) }
                </ul>
            }
            <ul class="fault-clients">
                { for props.clients.iter().map(|c| client_row(c, &props.on_client)) }
            </ul>
        </details>
    }
}
