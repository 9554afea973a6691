//! The diagram as text, for screen readers and for copying into notes: the steps before the cursor
//! as an ordered list (the latest few hundred), and the newest step announced politely as the cursor
//! moves.

use yew::prelude::*;

use crate::components::el::{el, fragment};
use crate::playground::diagram::{scene, Scene};
use crate::playground::workspace::{Playhead, Workspace};

/// How far above the cursor the transcript reaches, in diagram pixels (a few hundred steps).
const REACH: f32 = 6_000.0;

/// The transcript's lines, oldest first: each arrow's story and each mark with its lifeline.
pub fn lines(scene: &Scene) -> Vec<String> {
    let mut items: Vec<(f32, String)> = scene
        .arrows
        .iter()
        .map(|a| (a.y1, a.text.clone()))
        .collect();
    for mark in &scene.marks {
        let lane = scene
            .lanes
            .iter()
            .find(|l| l.x == mark.x)
            .map_or("?", |l| l.name.as_str());
        items.push((mark.y, format!("{lane}: {}", mark.text)));
    }
    items.sort_by(|a, b| a.0.total_cmp(&b.0));
    items.into_iter().map(|(_, text)| text).collect()
}

/// The transcript's heading: how many steps it tells, and that they are only the latest when the
/// history reaches further back than the transcript does (a flood has tens of thousands of steps).
fn heading(shown: usize, reaches_back_further: bool) -> String {
    if reaches_back_further {
        format!("Text transcript (the latest {shown} steps up to the cursor)")
    } else {
        format!("Text transcript ({shown} steps up to the cursor)")
    }
}

/// The transcript at the playhead. Its lines are in the page only while it is `open`: closed, a
/// `<details>` shows them to nobody (screen readers included), and every render during a flood
/// rewrote a few hundred of them. `on_toggle` hears it opened or closed.
pub fn transcript(
    workspace: &Workspace,
    playhead: &Playhead,
    open: bool,
    on_toggle: Callback<bool>,
) -> Html {
    let beats = &workspace.history().beats;
    let bottom = beats
        .get(playhead.cursor.saturating_sub(1))
        .map_or(0.0, |b| b.y);
    let top = bottom - REACH;
    // The oldest step this broker's history still keeps (a long run forgets the first ones).
    let reaches_back_further = beats
        .get(playhead.first.max(beats.first()))
        .is_some_and(|first| first.y < top);
    let view = scene(workspace, playhead, top, bottom + 1.0, f32::INFINITY);
    let lines = lines(&view);
    let latest = lines.last().cloned().unwrap_or_default();
    fragment([
        el("p")
            .class("visually-hidden")
            .attr("aria-live", "polite")
            .attr("data-testid", "latest-step")
            .text(latest)
            .into(),
        el("details")
            .class("transcript")
            .flag("open", open)
            .on_toggle(Callback::from(move |event: Event| {
                let element = event.target_dyn_into::<web_sys::Element>();
                on_toggle.emit(element.is_some_and(|e| e.has_attribute("open")));
            }))
            .child(el("summary").text(heading(lines.len(), reaches_back_further)))
            .child(
                // Its own scroller: focusable, so the keyboard can scroll it too.
                el("ol")
                    .attr("data-testid", "transcript")
                    .attr("tabindex", "0")
                    .label("Transcript")
                    .children(
                        lines
                            .into_iter()
                            .filter(|_| open)
                            .map(|line| el("li").text(line).into()),
                    ),
            )
            .into(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::diagram::{Arrow, Fate, Lane, MarkView};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn arrow(y: f32, text: &str) -> Arrow {
        Arrow {
            index: 0,
            x1: 0.0,
            y1: y,
            x2: 1.0,
            y2: y + 10.0,
            y,
            label: String::new(),
            fate: Fate::Arrived,
            dup: false,
            flight: None,
            time: String::new(),
            text: text.into(),
            name: String::new(),
        }
    }

    #[test]
    fn the_heading_says_when_the_transcript_reaches_back_only_so_far() {
        assert_eq!(
            heading(3, false),
            "Text transcript (3 steps up to the cursor)"
        );
        assert!(heading(273, true).starts_with("Text transcript (the latest 273 steps"));
    }

    #[test]
    fn lines_follow_the_diagram_top_down_and_name_each_mark_s_lifeline() {
        let scene = Scene {
            lanes: vec![Lane {
                client: Some(2),
                name: "dashboard".into(),
                x: 336.0,
            }],
            arrows: vec![arrow(20.0, "PUBLISH"), arrow(64.0, "PUBREC")],
            marks: vec![MarkView {
                x: 336.0,
                y: 42.0,
                left: false,
                text: "✓ delivered “21.5”".into(),
                class: "delivered",
            }],
            ..Scene::default()
        };
        assert_eq!(
            lines(&scene),
            ["PUBLISH", "dashboard: ✓ delivered “21.5”", "PUBREC"]
        );
    }
}
