//! The diagram card, the first thing on the page: stepping controls, hold queues (real broker), the
//! sequence diagram with the state panels beside it, its text transcript, export, and the faults.
//! It turns what the user does into workspace calls (through the driver) and status lines; the
//! keyboard shortcuts are installed here, for the whole page.

use std::rc::Rc;

use yew::prelude::*;

use super::diagram_view::DiagramView;
use super::fault_panel::{fault_panel, ClientFault, FaultClient, FaultPanelProps, RETRY_MS};
use super::hold_queue::{hold_queue, HoldQueueProps};
use super::state_panels::state_panels;
use super::step_controls::{step_controls, StepControlsProps};
use super::transcript::transcript;
use super::Engine;
use crate::components::el::{button, el};
use crate::playground::controls::{self, StepCommand};
use crate::playground::diagram::scene;
use crate::playground::diagram_svg::{standalone, HEAD};
use crate::playground::model::ClientKey;
use crate::playground::workspace::{FaultAim, FaultKind, Workspace};
use crate::playground_state::{PgAction, PlaygroundState};
use crate::services::{clock, download, image, page};

#[derive(Properties, PartialEq)]
pub struct DiagramCardProps {
    /// The page's reducer.
    pub state: UseReducerHandle<PlaygroundState>,
    /// The workspace.
    pub engine: Engine,
}

/// A callback running `change` on the workspace and showing its outcome on the status line.
fn act<T: 'static>(
    state: &UseReducerHandle<PlaygroundState>,
    engine: &Engine,
    change: impl Fn(&mut Workspace, T, u64) -> Result<String, String> + 'static,
) -> Callback<T> {
    let (state, engine) = (state.clone(), engine.clone());
    Callback::from(move |value: T| {
        let said = engine.0.with(|ws, now| change(ws, value, now));
        match said {
            Ok(text) | Err(text) => state.dispatch(PgAction::Status(text)),
        }
    })
}

fn export(engine: &Engine, png: bool, state: &UseReducerHandle<PlaygroundState>) {
    let (svg, width, height) = {
        let workspace = engine.0.read();
        let playhead = workspace.playhead(clock::now());
        let whole = scene(&workspace, &playhead, f32::MIN, f32::MAX, f32::INFINITY);
        let title = format!("MQTT sequence diagram — {}", workspace.broker().label());
        (
            standalone(&whole, &title, playhead.time),
            whole.width,
            whole.height + HEAD,
        )
    };
    let name = format!("mqtt-sequence-{}", clock::now());
    if png {
        let state = state.clone();
        image::save_svg_as_png(
            &format!("{name}.png"),
            &svg,
            width,
            height,
            Callback::from(move |ok: bool| {
                state.dispatch(PgAction::Status(
                    if ok {
                        "Exported the diagram as PNG."
                    } else {
                        "The browser refused to draw the PNG."
                    }
                    .into(),
                ))
            }),
        );
    } else {
        let saved = download::save_text(&format!("{name}.svg"), "image/svg+xml", &svg);
        state.dispatch(PgAction::Status(
            if saved {
                "Exported the diagram as SVG."
            } else {
                "The browser refused the download."
            }
            .into(),
        ));
    }
}

/// The card.
#[function_component(DiagramCard)]
pub fn diagram_card(props: &DiagramCardProps) -> Html {
    let (state, engine) = (&props.state, &props.engine);
    let reduced_motion = *use_memo((), |_| page::prefers_reduced_motion());
    let update = use_force_update();
    let on_command = act(state, engine, |ws, command: StepCommand, now| {
        controls::apply(ws, command, now)
    });
    // Shortcuts for the whole page (not while typing; see `page::on_shortcut_key`).
    {
        let on_command = on_command.clone();
        use_effect_with((), move |_| {
            let listener = page::on_shortcut_key(move |key| match controls::key_command(key) {
                Some(command) => {
                    on_command.emit(command);
                    true
                }
                None => false,
            });
            move || drop(listener)
        });
    }
    let transcript_open = use_state_eq(|| false);
    let on_transcript_toggle = {
        let transcript_open = transcript_open.clone();
        Callback::from(move |open: bool| transcript_open.set(open))
    };
    let (playhead, position, holds, names, clients, armed, link, body) = {
        let workspace = engine.0.read();
        let now = clock::now();
        let playhead = workspace.playhead(now);
        let names: Rc<Vec<(ClientKey, String)>> = Rc::new(
            workspace
                .clients()
                .iter()
                .map(|c| (c.key, c.config.name.clone()))
                .collect(),
        );
        let clients: Rc<Vec<FaultClient>> = Rc::new(
            workspace
                .clients()
                .iter()
                .map(|c| FaultClient {
                    key: c.key,
                    name: c.config.name.clone(),
                    status: c.status,
                    retry: workspace.teaching_retry(c.key).is_some(),
                    v5: c.config.version.is_v5(),
                })
                .collect(),
        );
        let link = workspace
            .link()
            .map(|l| (l.latency_ms, l.teaching_loss_percent));
        (
            playhead,
            controls::position(&workspace, now),
            workspace.holds(now),
            names,
            clients,
            workspace.armed_faults(),
            link,
            transcript(
                &workspace,
                &playhead,
                *transcript_open,
                on_transcript_toggle,
            ),
        )
    };
    // In hold mode the queue's keep-alive warning and ping countdown change with time alone.
    {
        let hold = !playhead.simulated && !playhead.playing;
        use_effect_with(hold, move |hold| {
            let timer = hold.then(|| clock::every(1_000, move || update.force_update()));
            move || drop(timer)
        });
    }
    let on_select = {
        let state = state.clone();
        Callback::from(move |index: u64| {
            state.dispatch(PgAction::ShowPacket(index));
            page::focus("packet-list");
        })
    };
    // A real broker's only fault is dropping our own packet: aimed at a sender.
    let aim = match (playhead.simulated, state.fault_aim) {
        (true, aim) | (false, aim @ FaultAim::From(_)) => aim,
        (false, aim) => aim
            .client()
            .or(names.first().map(|(k, _)| *k))
            .map_or(FaultAim::ToBroker, FaultAim::From),
    };
    // A real broker's only fault is dropping our own packet.
    let kind = if playhead.simulated {
        state.fault_kind
    } else {
        FaultKind::Drop
    };
    let packet = state.fault_packet;
    let faults = fault_panel(&FaultPanelProps {
        simulated: playhead.simulated,
        link,
        clients,
        kind,
        packet,
        aim,
        armed,
        on_kind: super::page::send(state, PgAction::SetFaultKind),
        on_packet: super::page::send(state, PgAction::SetFaultPacket),
        on_aim: super::page::send(state, PgAction::SetFaultAim),
        on_arm: act(state, engine, move |ws, (), now| {
            ws.arm_fault(kind, packet, aim, now)?;
            Ok(format!(
                "Armed: {}.",
                ws.armed_faults().last().cloned().unwrap_or_default()
            ))
        }),
        on_client: act(
            state,
            engine,
            |ws, (key, fault): (ClientKey, ClientFault), now| {
                let name = ws.name(key).to_string();
                match fault {
                    ClientFault::Cut => ws
                        .cut_link(key, now)
                        .map(|()| format!("Cut the link of {name}.")),
                    ClientFault::Sleep => ws
                        .sleep(key, now)
                        .map(|()| format!("{name} is going to sleep.")),
                    ClientFault::Wake => ws.wake(key, now).map(|()| format!("Waking {name}…")),
                    ClientFault::Retry(on) => ws
                        .set_teaching_retry(key, on.then_some(RETRY_MS), now)
                        .map(|()| {
                            format!(
                                "Teaching retry {} for {name}.",
                                if on { "on" } else { "off" }
                            )
                        }),
                }
            },
        ),
        on_latency: act(state, engine, |ws, ms: u64, now| {
            let mut link = ws
                .link()
                .ok_or("Only simulated links have a latency to set.")?;
            link.latency_ms = ms;
            ws.set_link(link, now)
                .map(|()| format!("Latency {ms} ms from the cursor on."))
        }),
        on_loss: act(state, engine, |ws, percent: u8, now| {
            let mut link = ws.link().ok_or("Only simulated links lose packets.")?;
            link.teaching_loss_percent = percent;
            ws.set_link(link, now)
                .map(|()| format!("Teaching loss {percent} % from the cursor on."))
        }),
    });
    let holds = hold_queue(&HoldQueueProps {
        holds,
        names,
        on_send: act(state, engine, |ws, key, now| {
            ws.send_held(key, now).map(|()| "Sent.".into())
        }),
        on_drop: act(state, engine, |ws, key, now| {
            ws.drop_held(key, now)
                .map(|()| "Dropped: never sent (the session believes it was).".into())
        }),
        on_reveal: act(state, engine, |ws, key, now| {
            ws.reveal(key, now).map(|()| "Revealed.".into())
        }),
    });
    let controls = step_controls(&StepControlsProps {
        playhead,
        position,
        on_command,
    });
    let on_svg = {
        let (engine, state) = (engine.clone(), state.clone());
        Callback::from(move |_: MouseEvent| export(&engine, false, &state))
    };
    let on_png = {
        let (engine, state) = (engine.clone(), state.clone());
        Callback::from(move |_: MouseEvent| export(&engine, true, &state))
    };
    let legend = |class: &'static str, text: &'static str| el("span").class(class).text(text);
    el("section")
        .class("card diagram-card")
        .attr("aria-labelledby", "diagram-heading")
        .attr("data-testid", "diagram-card")
        .child(
            el("div")
                .class("diagram-head")
                .child(el("h2").id("diagram-heading").text("Sequence diagram"))
                .child(
                    el("p")
                        .class("legend")
                        .label("Legend")
                        .child(legend("lg arrived", "→ arrived"))
                        .child(legend("lg in-flight", "⇢ in flight"))
                        .child(legend("lg lost", "✕ lost"))
                        .child(legend("lg dup", "DUP resent / (copy)"))
                        .child(legend("lg delivered", "✓ delivered to the app"))
                        .child(legend("lg suppressed", "⊘ duplicate not delivered")),
                )
                .child(
                    el("div")
                        .class("export")
                        .child(button().id("export-svg").on_click(on_svg).text("Export SVG"))
                        .child(button().id("export-png").on_click(on_png).text("Export PNG")),
                ),
        )
        .child(controls)
        .child(holds)
        .child(
            el("div")
                .class("diagram-body")
                .child(
                    el("div")
                        .class("diagram-column")
                        .child(html! {
                            <DiagramView engine={engine.clone()} revision={state.revision} selected={state.selected_packet}
                                {on_select} {reduced_motion} flooding={state.flooding} />
                        })
                        .child(body),
                )
                .child(state_panels(engine, playhead.cursor)),
        )
        .child(faults)
        .into()
}
