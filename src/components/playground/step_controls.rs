//! Play, pause, step back and forward, first and last, speed and a timeline scrubber over the
//! diagram, with the keyboard shortcuts written beside them. On a real broker the controls say what
//! they can and cannot do: pausing holds our packets, stepping back only shows the record.

use yew::prelude::*;

use super::selected;
use crate::components::el::{el, input, option};
use crate::playground::controls::{speed_label, StepCommand, SHORTCUTS, SPEEDS};
use crate::playground::workspace::Playhead;

/// What the controls show and report.
pub struct StepControlsProps {
    /// Where the cursor is.
    pub playhead: Playhead,
    /// "Step 4 of 9." and what that means.
    pub position: String,
    /// A control was used.
    pub on_command: Callback<StepCommand>,
}

fn button(
    id: &'static str,
    text: &str,
    label: &str,
    key: &str,
    command: StepCommand,
    on: &Callback<StepCommand>,
    disabled: bool,
) -> Html {
    let on = on.clone();
    el("button")
        .attr("type", "button")
        .id(id)
        .label(label.to_string())
        .attr("title", format!("{label} ({key})"))
        .flag("disabled", disabled)
        .on_click(Callback::from(move |_: MouseEvent| on.emit(command)))
        .text(text.to_string())
        .into()
}

/// The controls.
pub fn step_controls(props: &StepControlsProps) -> Html {
    let p = props.playhead;
    let on = &props.on_command;
    let (at_first, at_head) = (p.cursor <= p.first, p.at_head());
    let play = if p.playing {
        button(
            "play-pause",
            "‖ Pause",
            "Pause",
            "Space",
            StepCommand::Pause,
            on,
            false,
        )
    } else {
        button(
            "play-pause",
            "▶ Play",
            "Play",
            "Space",
            StepCommand::Play,
            on,
            false,
        )
    };
    let on_speed = {
        let on = on.clone();
        Callback::from(move |event: Event| {
            // The option's value is its rung on the ladder (no float parser in the page for this).
            let rung = selected(&event).parse::<usize>().ok();
            if let Some(&speed) = rung.and_then(|rung| SPEEDS.get(rung)) {
                on.emit(StepCommand::Speed(speed));
            }
        })
    };
    let on_scrub = {
        let on = on.clone();
        Callback::from(move |event: InputEvent| {
            if let Ok(step) = super::input_text(&event).parse::<u64>() {
                on.emit(StepCommand::Seek(step));
            }
        })
    };
    let (at, of) = (p.cursor - p.first, p.head - p.first);
    let speed = p.simulated.then(|| {
        el("label")
            .class("speed")
            .attr("for", "step-speed")
            .text("Speed")
            .child(
                el("select")
                    .id("step-speed")
                    .on_change(on_speed)
                    .attr("title", "Speed (+ and −)")
                    .children(SPEEDS.iter().enumerate().map(|(rung, &speed)| {
                        option(
                            rung.to_string(),
                            (speed - p.speed).abs() < 1e-9,
                            speed_label(speed),
                        )
                        .into()
                    })),
            )
    });
    let note = if !p.simulated && !at_head {
        Some(
            el("p")
                .class("history-note")
                .attr("role", "note")
                .attr("data-testid", "history-note")
                .child(el("span").attr("aria-hidden", "true").text("↺ "))
                .text(props.position.clone()),
        )
    } else if !p.simulated && !p.playing {
        Some(
            el("p")
                .class("hold-note")
                .attr("role", "note")
                .attr("data-testid", "hold-note")
                .text(
                    "Hold mode: our packets wait below until you send them, the broker's are buffered (never lost) \
                       and revealed one step at a time. PINGREQ/PINGRESP are never held.",
                ),
        )
    } else {
        None
    };
    el("div")
        .class("step-bar")
        .child(
            el("div")
                .class("step-controls")
                .attr("role", "group")
                .label("Stepping")
                .attr("aria-describedby", "shortcut-help")
                .child(button(
                    "step-first",
                    "|◀",
                    "First step",
                    "Home",
                    StepCommand::First,
                    on,
                    at_first,
                ))
                .child(button(
                    "step-back",
                    "◀ Back",
                    "Step back",
                    "←",
                    StepCommand::Back,
                    on,
                    at_first,
                ))
                .child(play)
                .child(button(
                    "step-forward",
                    "Step ▶",
                    "Step forward",
                    "→",
                    StepCommand::Forward,
                    on,
                    false,
                ))
                .child(button(
                    "step-last",
                    "▶|",
                    "Last step",
                    "End",
                    StepCommand::Last,
                    on,
                    at_head,
                ))
                .child_opt(speed)
                .child(
                    input()
                        .attr("type", "range")
                        .id("step-scrubber")
                        .class("scrubber")
                        .label("Timeline: the step shown")
                        .attr("min", p.first.to_string())
                        .attr("max", p.head.to_string())
                        .value(p.cursor.to_string())
                        .attr("aria-valuetext", format!("Step {at} of {of}"))
                        .on_input(on_scrub),
                )
                .child(
                    el("output")
                        .id("step-position")
                        .attr("for", "step-scrubber")
                        .attr("data-testid", "step-position")
                        .text(format!("{at} / {of}")),
                ),
        )
        .child(
            el("p")
                .id("shortcut-help")
                .class("hint shortcuts")
                .text(SHORTCUTS),
        )
        .child_opt(note)
        .into()
}
