//! Hold mode on a real broker: per client, our packets waiting for "Send" (or "Drop": never sent)
//! and the broker's packets buffered before the session, waiting for "Reveal" — oldest first, the
//! order they go. A warning when we have been silent long enough for the broker's keep-alive to
//! matter.

use std::rc::Rc;

use yew::prelude::*;

use crate::playground::model::ClientKey;
use crate::playground::real::HoldView;

/// What the queue shows and reports.
pub struct HoldQueueProps {
    /// Each client's queues (clients with nothing waiting are left out).
    pub holds: Vec<HoldView>,
    /// Client names.
    pub names: Rc<Vec<(ClientKey, String)>>,
    /// Send the client's oldest held packet.
    pub on_send: Callback<ClientKey>,
    /// Drop it instead.
    pub on_drop: Callback<ClientKey>,
    /// Hand the client's oldest buffered packet to its session.
    pub on_reveal: Callback<ClientKey>,
}

fn packet_name(packet_type: mqtt_core::PacketType, id: Option<u16>) -> String {
    match id {
        Some(id) => format!("{} #{id}", packet_type.name()),
        None => packet_type.name().to_string(),
    }
}

fn emit(on: &Callback<ClientKey>, key: ClientKey) -> Callback<MouseEvent> {
    let on = on.clone();
    Callback::from(move |_: MouseEvent| on.emit(key))
}

/// The queues (nothing when nothing waits).
pub fn hold_queue(props: &HoldQueueProps) -> Html {
    if props.holds.is_empty() {
        return Html::default();
    }
    let name = |key: ClientKey| {
        props
            .names
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("?", |(_, n)| n.as_str())
            .to_string()
    };
    html! {
        <section class="hold-queue" aria-labelledby="hold-heading" data-testid="hold-queue">
            <h3 id="hold-heading">{ "Waiting in hold mode" }</h3>
            <ul class="hold-clients">
                { for props.holds.iter().map(|h| {
                    let who = name(h.key);
                    html! {
                        <li class="hold-client" data-name={who.clone()}>
                            <strong>{ &who }</strong>
                            if let Some((silent, limit)) = h.keep_alive {
                                <p class="keepalive-warning" role="alert">
                                    <span aria-hidden="true">{ "⚠ " }</span>
                                    { format!("{silent} s since {who} last sent anything: the broker closes the connection after {limit} s of silence (1.5 × keep alive).") }
                                    if let Some(ping) = h.ping_in { { format!(" Its PINGREQ goes out by itself in {ping} s (pings are never held).") } }
                                </p>
                            }
                            if !h.held.is_empty() {
                                <div class="hold-list">
                                    <span class="hold-dir">{ "↑ to send" }</span>
                                    <ol data-testid="held">
                                        { for h.held.iter().enumerate().map(|(n, (t, id, summary))| html! {
                                            <li title={summary.clone()}>
                                                <span class="held-packet">{ packet_name(*t, *id) }</span>
                                                if n == 0 {
                                                    <button type="button" class="primary send-held" aria-label={format!("Send {} from {who}", packet_name(*t, *id))}
                                                        onclick={emit(&props.on_send, h.key)}>{ "Send" }</button>
                                                    <button type="button" class="drop-held" aria-label={format!("Drop {} from {who}: never sent", packet_name(*t, *id))}
                                                        onclick={emit(&props.on_drop, h.key)}>{ "Drop" }</button>
                                                }
                                            </li>
                                        }) }
                                    </ol>
                                </div>
                            }
                            if !h.inbox.is_empty() || h.closing {
                                <div class="hold-list">
                                    <span class="hold-dir">{ "↓ buffered" }</span>
                                    <ol data-testid="inbox">
                                        { for h.inbox.iter().enumerate().map(|(n, (t, id))| html! {
                                            <li>
                                                <span class="held-packet">{ packet_name(*t, *id) }</span>
                                                if n == 0 {
                                                    <button type="button" class="reveal" aria-label={format!("Reveal {} to {who}", packet_name(*t, *id))}
                                                        onclick={emit(&props.on_reveal, h.key)}>{ "Reveal" }</button>
                                                }
                                            </li>
                                        }) }
                                        if h.closing {
                                            <li class="closing">
                                                { "then the connection closes" }
                                                if h.inbox.is_empty() {
                                                    <button type="button" class="reveal" onclick={emit(&props.on_reveal, h.key)}>{ "Reveal" }</button>
                                                }
                                            </li>
                                        }
                                    </ol>
                                </div>
                            }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
