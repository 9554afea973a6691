//! Play, pause, step back and forward, first and last, speed and a timeline scrubber over the
//! diagram, with the keyboard shortcuts written beside them. On a real broker the controls say what
//! they can and cannot do: pausing holds our packets, stepping back only shows the record.

use yew::prelude::*;

use super::selected;
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
    html! {
        <button type="button" {id} aria-label={label.to_string()} title={format!("{label} ({key})")} {disabled}
            onclick={Callback::from(move |_: MouseEvent| on.emit(command))}>{ text.to_string() }</button>
    }
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
    html! {
        <div class="step-bar">
            <div class="step-controls" role="group" aria-label="Stepping" aria-describedby="shortcut-help">
                { button("step-first", "|◀", "First step", "Home", StepCommand::First, on, at_first) }
                { button("step-back", "◀ Back", "Step back", "←", StepCommand::Back, on, at_first) }
                { play }
                { button("step-forward", "Step ▶", "Step forward", "→", StepCommand::Forward, on, false) }
                { button("step-last", "▶|", "Last step", "End", StepCommand::Last, on, at_head) }
                if p.simulated {
                    <label class="speed" for="step-speed">{ "Speed" }
                        <select id="step-speed" onchange={on_speed} title="Speed (+ and −)">
                            { for SPEEDS.iter().enumerate().map(|(rung, &speed)| html! {
                                <option value={rung.to_string()} selected={(speed - p.speed).abs() < 1e-9}>{ speed_label(speed) }</option>
                            }) }
                        </select>
                    </label>
                }
                <input type="range" id="step-scrubber" class="scrubber" aria-label="Timeline: the step shown"
                    min={p.first.to_string()} max={p.head.to_string()} value={p.cursor.to_string()}
                    aria-valuetext={format!("Step {at} of {of}")} oninput={on_scrub} />
                <output id="step-position" for="step-scrubber" data-testid="step-position">{ format!("{at} / {of}") }</output>
            </div>
            <p id="shortcut-help" class="hint shortcuts">{ SHORTCUTS }</p>
            if !p.simulated && !at_head {
                <p class="history-note" role="note" data-testid="history-note">
                    <span aria-hidden="true">{ "↺ " }</span>{ &props.position }
                </p>
            } else if !p.simulated && !p.playing {
                <p class="hold-note" role="note" data-testid="hold-note">
                    { "Hold mode: our packets wait below until you send them, the broker's are buffered (never lost) \
                       and revealed one step at a time. PINGREQ/PINGRESP are never held." }
                </p>
            }
        </div>
    }
}
