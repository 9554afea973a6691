//! Faults, at the cursor: link latency and teaching loss (simulator), "drop / duplicate the next …",
//! cutting a client's link, sleep and wake, and the teaching retry — labelled for what it is: 3.1.1
//! resends only on reconnect and 5.0 forbids resending at any other time. On the simulator every
//! change forks the future; on a real broker only our own packets can be dropped, and a cut closes
//! the socket.

use std::rc::Rc;

use mqtt_core::PacketType;
use yew::prelude::*;

use crate::components::el::{button, el, input, option};

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
    let wake = if client.status == Status::Asleep {
        button().on_click(act(ClientFault::Wake)).text("☀ Wake")
    } else {
        button()
            .flag("disabled", client.status != Status::Connected)
            .on_click(act(ClientFault::Sleep))
            .text("☾ Sleep")
    };
    el("li")
        .class("fault-client")
        .attr("data-name", client.name.clone())
        .child(el("strong").text(client.name.clone()))
        .child(
            button()
                .class("cut-link")
                .flag("disabled", !active)
                .on_click(act(ClientFault::Cut))
                .label(format!("Cut the link of {}", client.name))
                .text("✂ Cut the link"),
        )
        .child(wake)
        .child(
            el("span")
                .class("retry")
                .child(
                    input()
                        .attr("type", "checkbox")
                        .id(id.clone())
                        .checked(client.retry)
                        .on_change(on_retry),
                )
                .child(el("label").attr("for", id).text(format!(
                    "Teaching retry (resend after {} s)",
                    RETRY_MS / 1000
                )))
                .child(el("span").class("warning-label").text(format!(" ⚠ {rule}"))),
        )
        .into()
}

/// A range input's change, as the number it now shows (a value that does not parse is ignored).
fn on_number<T: std::str::FromStr + 'static>(on: &Callback<T>) -> Callback<Event> {
    let on = on.clone();
    Callback::from(move |event: Event| {
        let value = event
            .target_unchecked_into::<web_sys::HtmlInputElement>()
            .value();
        if let Ok(number) = value.parse() {
            on.emit(number)
        }
    })
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
    let hint = if props.simulated {
        "Changes apply at the cursor: in the past, the recorded future is dropped and simulated again (a fork)."
    } else {
        "On a real broker only our own packets can be dropped (before they are sent), and cutting the link closes the WebSocket. Changes apply from now: the past cannot be re-played."
    };
    let sliders = props.link.map(|(latency, loss)| {
        let range = |id: &'static str,
                     max: &'static str,
                     step: &'static str,
                     value: String,
                     on: Callback<Event>| {
            input()
                .attr("type", "range")
                .id(id)
                .attr("min", "0")
                .attr("max", max)
                .attr("step", step)
                .value(value)
                .on_change(on)
        };
        let on_latency = on_number(&props.on_latency);
        let on_loss = on_number(&props.on_loss);
        el("div")
            .class("sliders")
            .child(
                el("label")
                    .attr("for", "link-latency")
                    .text(format!("Latency {latency} ms one way")),
            )
            .child(range(
                "link-latency",
                "1000",
                "10",
                latency.to_string(),
                on_latency,
            ))
            .child(el("label").attr("for", "link-loss").text(format!(
                "Loss {loss} % (teaching mode: a live TCP link never loses one packet)"
            )))
            .child(range("link-loss", "50", "1", loss.to_string(), on_loss))
    });
    let kinds = el("select")
        .id("fault-kind")
        .label("What to do")
        .on_change(on_kind)
        .child(option("drop", props.kind == FaultKind::Drop, "Drop"))
        .child_opt(
            props
                .simulated
                .then(|| option("duplicate", duplicate, "Duplicate")),
        );
    let packets = el("select")
        .id("fault-packet")
        .label("Packet type")
        .on_change(on_packet)
        .children(
            FAULT_PACKETS
                .iter()
                .map(|p| option(p.name(), *p == props.packet, p.name()).into()),
        );
    let targets = el("select")
        .id("fault-target")
        .label("Which link and way")
        .on_change(on_aim)
        .child_opt(props.simulated.then(|| {
            option(
                "broker",
                props.aim == FaultAim::ToBroker,
                "to the broker (from anyone)",
            )
        }))
        .children(props.clients.iter().flat_map(|c| {
            let to = props.simulated.then(|| {
                option(
                    format!("to:{}", c.key),
                    props.aim == FaultAim::To(c.key),
                    format!("to {}", c.name),
                )
                .into()
            });
            let from = option(
                format!("from:{}", c.key),
                props.aim == FaultAim::From(c.key),
                format!("from {}", c.name),
            );
            to.into_iter().chain([from.into()])
        }));
    let armed = (!props.armed.is_empty()).then(|| {
        el("ul")
            .class("armed")
            .attr("data-testid", "armed-faults")
            .label("Armed faults")
            .children(props.armed.iter().map(|armed| {
                el("li")
                    .child(el("span").attr("aria-hidden", "true").text("⚡ "))
                    .text(armed.clone())
                    .into()
            }))
    });
    el("details")
        .class("fault-panel card-section")
        .flag("open", true)
        .child(el("summary").child(el("h3").text("Faults")))
        .child(el("p").class("hint").text(hint))
        .child_opt(sliders)
        .child(
            el("form")
                .class("arm-fault")
                .on_submit(on_arm)
                .label("Arm a fault")
                .child(kinds)
                .child(el("span").text(" the next "))
                .child(packets)
                .child(targets)
                .child(
                    el("button")
                        .attr("type", "submit")
                        .id("fault-arm")
                        .text("Arm"),
                ),
        )
        .child_opt(armed)
        .child(
            el("ul").class("fault-clients").children(
                props
                    .clients
                    .iter()
                    .map(|c| client_row(c, &props.on_client)),
            ),
        )
        .into()
}
