//! The sequence diagram itself: an SVG with one lifeline per client and the broker, every packet an
//! arrow (in flight it glides from sender to receiver, lost it ends in a cross and the word "lost"),
//! deliveries and suppressed duplicates as marks on the lifelines, and the cursor as a line.
//!
//! Only the scrolled-to window is in the DOM (the scene is computed for it), so a history of 10,000
//! packets scrolls like one of 10. It re-renders on its own once per animation frame only while a
//! packet is in flight and time is moving — never with `prefers-reduced-motion`, where packets jump
//! from step to step.

use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

use super::scroll_position::use_scroll_position;
use super::Engine;
use crate::playground::diagram::{scene, Arrow, Fate, MarkView, GUTTER};
use crate::playground::diagram_svg::{
    cross, fate_class, label_at, mark_text_at, progress, px, tip, Px, HEAD,
};
use crate::services::clock;

/// The diagram's viewport height in px (matches `.diagram-scroll` in the stylesheet).
const VIEWPORT: f64 = 420.0;
/// Drawn beyond the viewport, so a fast scroll does not show a gap before the next render.
const MARGIN: f32 = 160.0;

#[derive(Properties, PartialEq)]
pub struct DiagramViewProps {
    /// The workspace.
    pub engine: Engine,
    /// Its revision (changes whenever the history or the cursor changed).
    pub revision: u64,
    /// The packet open in the inspector (highlighted).
    pub selected: Option<u64>,
    /// An arrow was chosen: its packet record.
    pub on_select: Callback<u64>,
    /// No gliding: packets jump between steps.
    pub reduced_motion: bool,
}

/// The diagram.
#[function_component(DiagramView)]
pub fn diagram_view(props: &DiagramViewProps) -> Html {
    let scroller = use_node_ref();
    // Keeping the cursor in view moves this during the render (see `scroll_position`).
    let position = use_scroll_position();
    // The cursor (and head) the view was last drawn for: the view follows it only when it moves.
    let followed = use_mut_ref(|| None::<(u64, u64)>);
    // Bumped by the animation frame: the only thing it does is render again.
    let frame = use_state(|| 0u32);
    let pending = use_mut_ref(|| None::<gloo::render::AnimationFrame>);

    let (view, playhead) = {
        let workspace = props.engine.0.read();
        let playhead = workspace.playhead(clock::now());
        let draw = |top: f64| {
            let (top, bottom) = (
                top as f32 - HEAD - MARGIN,
                top as f32 + VIEWPORT as f32 + MARGIN,
            );
            scene(&workspace, &playhead, top, bottom)
        };
        let mut view = draw(position.get());
        // Keep the cursor in view when it moves (stepping, seeking, playing).
        let moved = followed.replace(Some((playhead.cursor, playhead.head)))
            != Some((playhead.cursor, playhead.head));
        let cursor_y = f64::from(view.cursor_y + HEAD);
        let shown = position.get() + 24.0..position.get() + VIEWPORT - 48.0;
        if moved && !shown.contains(&cursor_y) {
            position.set((cursor_y - VIEWPORT * 0.8).max(0.0));
            view = draw(position.get());
        }
        (Rc::new(view), playhead)
    };
    let moving = playhead.playing
        && !props.reduced_motion
        && view.arrows.iter().any(|a| a.fate == Fate::InFlight);

    // Animate: one more frame while something flies.
    {
        let frame = frame.clone();
        let pending = pending.clone();
        use_effect_with((moving, *frame, props.revision), move |(moving, ..)| {
            if *moving {
                let next = *frame + 1;
                *pending.borrow_mut() = Some(clock::next_frame(move || frame.set(next)));
            } else {
                pending.borrow_mut().take();
            }
        });
    }
    // After the render, move the element to where the view was drawn.
    {
        let scroller = scroller.clone();
        let position = position.clone();
        use_effect(move || {
            if let Some(element) = scroller.cast::<Element>() {
                position.write_to(&element);
            }
        });
    }
    let onscroll = Callback::from(move |event: Event| {
        position.scrolled(f64::from(
            event.target_unchecked_into::<Element>().scroll_top(),
        ));
    });

    let time = if playhead.simulated || !playhead.at_head() {
        playhead.time
    } else {
        clock::now() as f64
    };
    let (width, height) = (view.width, view.height + HEAD);
    if view.lanes.is_empty() {
        return html! {
            <div class="diagram-scroll empty" data-testid="diagram">
                <p class="diagram-empty">
                    { "No packets yet. Add clients (or the two of the quick start), subscribe and publish: every packet \
                       appears here as an arrow between a client's lifeline and the broker's. Pause, then step through \
                       a QoS 2 handshake one packet at a time." }
                </p>
            </div>
        };
    }
    html! {
        <div class="diagram-scroll" ref={scroller} {onscroll} tabindex="-1" data-testid="diagram">
            // The lifelines' names stay on top while the history scrolls under them.
            <div class="lane-heads" style={format!("width: {}px", Px(width))} aria-hidden="true">
                { for view.lanes.iter().map(|lane| html! {
                    <span class={classes!("lane-name", lane.client.is_none().then_some("broker"))}
                        style={format!("left: {}px", Px(lane.x))}>{ &lane.name }</span>
                }) }
            </div>
            <svg class="diagram" width={px(width)} height={px(height)}
                role="group" aria-label="Sequence diagram: lifelines of the clients and the broker, one arrow per packet">
                <defs>
                    { for ["arrived", "dup", "in-flight"].iter().map(|kind| html! {
                        <marker id={format!("dg-head-{kind}")} class={classes!("dg-head", *kind)} viewBox="0 0 10 10" refX="10" refY="5"
                            markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M0 0L10 5L0 10z" />
                        </marker>
                    }) }
                </defs>
                { for view.lanes.iter().map(|lane| html! {
                    <line class="lifeline" x1={px(lane.x)} x2={px(lane.x)}
                        y1={px(HEAD)} y2={px(height)} />
                }) }
                <g transform={format!("translate(0 {})", Px(HEAD))}>
                    { for view.arrows.iter().map(|arrow| arrow_view(arrow, time, props.selected == Some(arrow.index), &props.on_select)) }
                    { for view.marks.iter().map(mark_view) }
                    <line class="cursor-line" x1={px(GUTTER)} x2={px(width)}
                        y1={px(view.cursor_y + 6.0)} y2={px(view.cursor_y + 6.0)} />
                </g>
            </svg>
        </div>
    }
}

/// One packet: its line (dashed and growing while in flight), its arrowhead or cross, its label and
/// time. A button for the keyboard: Enter or a click opens its bytes.
fn arrow_view(arrow: &Arrow, time: f64, selected: bool, on_select: &Callback<u64>) -> Html {
    let moved = if arrow.fate == Fate::InFlight {
        progress(arrow.flight, time)
    } else {
        1.0
    };
    let (tx, ty) = tip(arrow, moved);
    let (lx, ly, angle) = label_at(arrow);
    let index = arrow.index;
    let onclick = {
        let on_select = on_select.clone();
        Callback::from(move |_: MouseEvent| on_select.emit(index))
    };
    let onkeydown = {
        let on_select = on_select.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" || event.key() == " " {
                event.prevent_default();
                on_select.emit(index);
            }
        })
    };
    let head = match (arrow.fate, arrow.dup) {
        (Fate::Lost, _) => None,
        (Fate::InFlight, _) => Some("url(#dg-head-in-flight)"),
        (Fate::Arrived, true) => Some("url(#dg-head-dup)"),
        (Fate::Arrived, false) => Some("url(#dg-head-arrived)"),
    };
    let class = classes!(
        "arrow",
        fate_class(arrow.fate),
        arrow.dup.then_some("dup"),
        selected.then_some("selected")
    );
    html! {
        <g {class} role="button" tabindex="0" aria-label={arrow.text.clone()}
            data-index={index.to_string()} data-label={arrow.label.clone()} data-fate={fate_class(arrow.fate)}
            {onclick} {onkeydown}>
            <title>{ &arrow.text }</title>
            if arrow.fate == Fate::InFlight {
                <line class="ghost" x1={px(arrow.x1)} y1={px(arrow.y1)}
                    x2={px(arrow.x2)} y2={px(arrow.y2)} />
            }
            <line class="hit" x1={px(arrow.x1)} y1={px(arrow.y1)} x2={px(tx)} y2={px(ty)} />
            <line class="shaft" x1={px(arrow.x1)} y1={px(arrow.y1)} x2={px(tx)} y2={px(ty)}
                marker-end={head} />
            if arrow.fate == Fate::Lost {
                { for cross(tx, ty).iter().map(|&(x1, y1, x2, y2)| html! {
                    <line class="cross" x1={px(x1)} y1={px(y1)} x2={px(x2)} y2={px(y2)} />
                }) }
            }
            if arrow.fate == Fate::InFlight {
                <circle class="packet-dot" cx={px(tx)} cy={px(ty)} r="4" />
            }
            <text class="arrow-label" x={px(lx)} y={px(ly)} text-anchor="middle"
                transform={format!("rotate({} {} {})", Px(angle), Px(lx), Px(ly))}>
                { &arrow.label }
                if arrow.fate == Fate::Lost { <tspan class="lost-word">{ " ✕ lost" }</tspan> }
                if arrow.dup && !arrow.label.contains("DUP") { <tspan class="dup-word">{ " (copy)" }</tspan> }
            </text>
            <text class="arrow-time" x="4" y={px(arrow.y + 3.0)}>{ &arrow.time }</text>
        </g>
    }
}

/// A mark on a lifeline: a dot and its words, towards the outside.
fn mark_view(mark: &MarkView) -> Html {
    let (x, anchor) = mark_text_at(mark);
    html! {
        <g class={classes!("mark", mark.class)} data-mark={mark.class}>
            <circle cx={px(mark.x)} cy={px(mark.y)} r="4.5" />
            <text x={px(x)} y={px(mark.y + 4.0)} text-anchor={anchor}>{ &mark.text }</text>
        </g>
    }
}
