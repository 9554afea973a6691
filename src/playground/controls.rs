//! The stepping controls as plain Rust: what a button, a key or a test hook asks for
//! ([`StepCommand`]), the keyboard map, the speed ladder, and applying a command to the workspace
//! with a sentence for the status line. The page and the `window.__playground` hooks both go through
//! [`apply`], so a benchmark drives the diagram exactly as a student does.

use mqtt_core::Instant;

use super::workspace::Workspace;

/// Something the stepping controls can do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepCommand {
    /// Play if paused, pause if playing.
    TogglePlay,
    /// Play.
    Play,
    /// Pause.
    Pause,
    /// One step forward.
    Forward,
    /// One step back.
    Back,
    /// To the first step of the current broker's history.
    First,
    /// To the newest step.
    Last,
    /// The next faster speed.
    Faster,
    /// The next slower speed.
    Slower,
    /// Show up to this diagram step (pauses: scrubbing is looking, not playing).
    Seek(u64),
    /// This speed.
    Speed(f64),
}

/// The simulator's speeds, slowest first: slow enough to watch a 50 ms packet fly, fast enough to
/// skip a keep-alive pause.
pub const SPEEDS: [f64; 7] = [0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0];

/// The command for a key (`KeyboardEvent.key`), if it is a shortcut.
pub fn key_command(key: &str) -> Option<StepCommand> {
    Some(match key {
        " " | "k" => StepCommand::TogglePlay,
        "ArrowRight" | "l" => StepCommand::Forward,
        "ArrowLeft" | "j" => StepCommand::Back,
        "Home" => StepCommand::First,
        "End" => StepCommand::Last,
        "+" | "=" => StepCommand::Faster,
        "-" | "_" => StepCommand::Slower,
        _ => return None,
    })
}

/// The help line for the shortcuts (shown and given to screen readers as the controls' description).
pub const SHORTCUTS: &str = "Keys: Space play/pause · ← → step · Home/End first/last · + − speed";

/// The speed after `speed` in the ladder (`up`: faster), staying at the ends.
pub fn next_speed(speed: f64, up: bool) -> f64 {
    let at = SPEEDS
        .iter()
        .position(|s| *s >= speed - 1e-9)
        .unwrap_or(SPEEDS.len() - 1);
    let next = if up {
        (at + 1).min(SPEEDS.len() - 1)
    } else {
        at.saturating_sub(1)
    };
    SPEEDS.get(next).copied().unwrap_or(speed)
}

/// "×0.25", "×1", "×10": to a hundredth, in integers (no float printer in the page for this).
pub fn speed_label(speed: f64) -> String {
    // Saturating cast: a speed set through the hooks can be anything.
    let hundredths = (speed * 100.0).round() as u64;
    let (whole, fraction) = (hundredths / 100, hundredths % 100);
    match fraction {
        0 => format!("×{whole}"),
        f if f % 10 == 0 => format!("×{whole}.{}", f / 10),
        f => format!("×{whole}.{f:02}"),
    }
}

/// Does `command` to the workspace at `now`; the sentence says where the cursor is now, or why
/// nothing moved.
pub fn apply(ws: &mut Workspace, command: StepCommand, now: Instant) -> Result<String, String> {
    let playhead = ws.playhead(now);
    match command {
        StepCommand::TogglePlay if playhead.playing => return apply(ws, StepCommand::Pause, now),
        StepCommand::TogglePlay => return apply(ws, StepCommand::Play, now),
        StepCommand::Play => {
            ws.play(now);
            return Ok(if playhead.simulated {
                "Playing.".into()
            } else {
                "Live: held packets sent, buffered ones revealed.".into()
            });
        }
        StepCommand::Pause => {
            ws.pause(now);
            return Ok(if playhead.simulated {
                "Paused.".into()
            } else {
                "Paused: our packets are held and the broker's buffered until you step (pings still flow)."
                    .into()
            });
        }
        StepCommand::Forward => ws.step_forward(now)?,
        StepCommand::Back => ws.step_back(),
        StepCommand::First => {
            ws.pause(now);
            ws.seek(playhead.first);
        }
        StepCommand::Last => {
            if playhead.simulated {
                ws.pause(now);
            }
            ws.seek(playhead.head);
        }
        StepCommand::Seek(step) => {
            ws.pause(now);
            ws.seek(step.clamp(playhead.first, playhead.head));
        }
        StepCommand::Faster | StepCommand::Slower | StepCommand::Speed(_) => {
            let speed = match command {
                StepCommand::Speed(speed) => speed,
                _ => next_speed(playhead.speed, command == StepCommand::Faster),
            };
            ws.set_speed(speed);
            return Ok(format!("Speed {}.", speed_label(ws.playhead(now).speed)));
        }
    }
    Ok(position(ws, now))
}

/// "Step 4 of 9." — and on a real broker in the past, that it is the record.
pub fn position(ws: &Workspace, now: Instant) -> String {
    let p = ws.playhead(now);
    let (at, of) = (p.cursor - p.first, p.head - p.first);
    if !p.simulated && !p.at_head() {
        format!(
            "Step {at} of {of}: the recorded history (a real broker cannot un-send). Play or End \
             returns to the present."
        )
    } else {
        format!("Step {at} of {of}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::config::{ClientConfig, PublishRequest};
    use crate::playground::workspace::BrokerChoice;
    use mqtt_core::codec::QoS;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn keys_map_to_commands_and_others_are_left_alone() {
        assert_eq!(key_command(" "), Some(StepCommand::TogglePlay));
        assert_eq!(key_command("ArrowLeft"), Some(StepCommand::Back));
        assert_eq!(key_command("ArrowRight"), Some(StepCommand::Forward));
        assert_eq!(key_command("End"), Some(StepCommand::Last));
        assert_eq!(key_command("+"), Some(StepCommand::Faster));
        assert_eq!(key_command("a"), None);
        assert_eq!(key_command("Enter"), None);
    }

    #[test]
    fn speeds_climb_and_fall_along_the_ladder_and_stop_at_its_ends() {
        assert_eq!(next_speed(1.0, true), 2.0);
        assert_eq!(next_speed(1.0, false), 0.5);
        assert_eq!(next_speed(10.0, true), 10.0);
        assert_eq!(next_speed(0.1, false), 0.1);
        assert_eq!(
            next_speed(3.0, true),
            10.0,
            "between rungs: from the next one up"
        );
        assert_eq!(speed_label(0.25), "×0.25");
        assert_eq!(speed_label(0.1), "×0.1");
        assert_eq!(speed_label(10.0), "×10");
        assert_eq!(speed_label(0.05), "×0.05");
    }

    #[test]
    fn commands_move_the_cursor_and_say_where_it_is() {
        let mut now = 1_000;
        let mut ws = Workspace::new(BrokerChoice::Simulated { latency_ms: 20 }, now);
        let key = ws.add_client(ClientConfig::new("a", "id-a"), now).unwrap();
        for _ in 0..30 {
            now += 10;
            ws.tick(now);
        }
        assert_eq!(
            apply(&mut ws, StepCommand::TogglePlay, now).unwrap(),
            "Paused."
        );
        let request = PublishRequest::new("t", "x", QoS::AtLeastOnce, false);
        ws.publish(key, &request, now).unwrap();
        let before = ws.playhead(now);
        let said = apply(&mut ws, StepCommand::Forward, now).unwrap();
        assert_eq!(
            said,
            format!(
                "Step {} of {}.",
                before.head - before.first + 1,
                before.head - before.first + 1
            )
        );
        apply(&mut ws, StepCommand::Forward, now).unwrap();
        let head = ws.playhead(now);
        apply(&mut ws, StepCommand::First, now).unwrap();
        assert_eq!(ws.playhead(now).cursor, head.first);
        apply(&mut ws, StepCommand::Seek(head.first + 2), now).unwrap();
        // Rounded up to the end of its world step (a step can show several things at once).
        let cursor = ws.playhead(now).cursor;
        assert!(
            (head.first + 2..head.head).contains(&cursor),
            "{cursor} in {head:?}"
        );
        apply(&mut ws, StepCommand::Last, now).unwrap();
        assert!(ws.playhead(now).at_head() && !ws.playhead(now).playing);
        assert_eq!(
            apply(&mut ws, StepCommand::Faster, now).unwrap(),
            "Speed ×2."
        );
        assert_eq!(ws.playhead(now).speed, 2.0);
        assert_eq!(
            apply(&mut ws, StepCommand::TogglePlay, now).unwrap(),
            "Playing."
        );
        assert!(ws.playhead(now).playing);
    }
}
