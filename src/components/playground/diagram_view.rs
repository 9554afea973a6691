//! The sequence diagram itself: an SVG with one lifeline per client and the broker, every packet an
//! arrow (in flight it glides from sender to receiver, lost it ends in a cross and the word "lost"),
//! deliveries and suppressed duplicates as marks on the lifelines, and the cursor as a line.
//!
//! Only the scrolled-to window is in the DOM (the scene is computed for it), so a history of 10,000
//! packets scrolls like one of 10. It re-renders on its own once per animation frame only while a
//! packet is in flight and time is moving — never with `prefers-reduced-motion`, where packets jump
//! from step to step.
//!
//! The layout across is fitted to the view's width ([`Across`](crate::playground::diagram::Across)):
//! on a phone the lifelines close up and the marks' words go between them, so three lifelines fit
//! without a sideways scroll.

use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

use super::measured::use_measure_on_resize;
use super::scroll_position::use_scroll_position;
use super::Engine;
use crate::components::el::{el, fragment, El};
use crate::playground::diagram::{scene, Arrow, Fate, MarkView};
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
    /// Traffic is a flood: each (spaced-out) render shows the packets where they are, and nothing
    /// glides in between — a render every frame would take the time the messages need.
    pub flooding: bool,
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
    let landing = use_mut_ref(|| None::<gloo::timers::callback::Timeout>);
    // The view's width, which the layout fits (a phone's is narrower than three lifelines at their
    // wide spacing). Wide until measured.
    let fitted_to = use_state_eq(|| f32::INFINITY);

    {
        let fitted_to = fitted_to.clone();
        use_measure_on_resize(&scroller, move |element| {
            fitted_to.set(element.client_width() as f32)
        });
    }

    let (view, playhead) = {
        let workspace = props.engine.0.read();
        let playhead = workspace.playhead(clock::now());
        let draw = |top: f64| {
            let (top, bottom) = (
                top as f32 - HEAD - MARGIN,
                top as f32 + VIEWPORT as f32 + MARGIN,
            );
            scene(&workspace, &playhead, top, bottom, *fitted_to)
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
        && !props.flooding
        && view.arrows.iter().any(|a| a.fate == Fate::InFlight);

    // Where in-flight packets are drawn: the playhead's time, or now at a real broker's head.
    let time = if playhead.simulated || !playhead.at_head() {
        playhead.time
    } else {
        clock::now() as f64
    };

    // During a flood (on a real broker: the simulator's cursor moves every frame anyway) nothing
    // glides, but what is in flight at the last render must still land when the flood stops: one
    // more render when the last of it is due, in wall-clock time.
    let live = playhead.playing && !playhead.simulated && playhead.at_head();
    let landing_in_ms = if props.flooding && live {
        view.arrows
            .iter()
            .filter(|a| a.fate == Fate::InFlight)
            .filter_map(|a| a.flight.map(|(_, due)| due))
            .reduce(f64::max)
            .map(|due| (due - time).max(0.0) as u32 + 1)
    } else {
        None
    };

    // Animate: one more frame while something flies.
    {
        let frame = frame.clone();
        let pending = pending.clone();
        let landing = landing.clone();
        use_effect_with(
            (moving, landing_in_ms, *frame, props.revision),
            move |(moving, landing_in_ms, ..)| {
                let next = *frame + 1;
                *landing.borrow_mut() = None;
                *pending.borrow_mut() = None;
                if *moving {
                    *pending.borrow_mut() = Some(clock::next_frame(move || frame.set(next)));
                } else if let Some(ms) = *landing_in_ms {
                    *landing.borrow_mut() = Some(clock::after(ms, move || frame.set(next)));
                }
            },
        );
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

    let (width, height) = (view.width, view.height + HEAD);
    if view.lanes.is_empty() {
        return el("div")
            .class("diagram-scroll empty")
            .node_ref(scroller)
            .attr("data-testid", "diagram")
            .child(el("p").class("diagram-empty").text(
                "No packets yet. Add clients (or the two of the quick start), subscribe and publish: every packet \
                 appears here as an arrow between a client's lifeline and the broker's. Pause, then step through \
                 a QoS 2 handshake one packet at a time.",
            ))
            .into();
    }
    // The lifelines' names stay on top while the history scrolls under them. Each is centred on its
    // lifeline, but kept inside the diagram (an outer name on a narrow view would stick out, and
    // the view would scroll sideways for it) and narrower than the room between lifelines.
    let name_room = view.across.lane_gap - 8.0;
    let heads = el("div")
        .class("lane-heads")
        .attr("style", format!("width: {}px", Px(width)))
        .attr("aria-hidden", "true")
        .children(view.lanes.iter().map(|lane| {
            el("span")
                .class(&classes!(
                    "lane-name",
                    lane.client.is_none().then_some("broker")
                ))
                .attr(
                    "style",
                    format!(
                        "left: {x}px; max-width: {room}px; \
                         transform: translateX(max(-{x}px, min(-50%, {right}px - 100%)))",
                        x = Px(lane.x),
                        room = Px(name_room),
                        right = Px(width - lane.x),
                    ),
                )
                .attr("title", lane.name.clone())
                .text(lane.name.clone())
                .into()
        }));
    let markers = el("defs").children(["arrived", "dup", "in-flight"].iter().map(|kind| {
        el("marker")
            .id(format!("dg-head-{kind}"))
            .class(&classes!("dg-head", *kind))
            .attr("viewBox", "0 0 10 10")
            .attr("refX", "10")
            .attr("refY", "5")
            .attr("markerWidth", "7")
            .attr("markerHeight", "7")
            .attr("orient", "auto-start-reverse")
            .child(el("path").attr("d", "M0 0L10 5L0 10z"))
            .into()
    }));
    let svg = el("svg")
        .class(&classes!(
            "diagram",
            view.across.marks_inward().then_some("narrow")
        ))
        .attr("width", px(width))
        .attr("height", px(height))
        .attr("role", "group")
        .label("Sequence diagram: lifelines of the clients and the broker, one arrow per packet")
        .child(markers)
        .children(
            view.lanes
                .iter()
                .map(|lane| line("lifeline", (lane.x, HEAD), (lane.x, height)).into()),
        )
        .child(
            el("g")
                .attr("transform", format!("translate(0 {})", Px(HEAD)))
                .children(view.arrows.iter().map(|arrow| {
                    arrow_view(
                        arrow,
                        time,
                        props.selected == Some(arrow.index),
                        &props.on_select,
                    )
                }))
                .children(view.marks.iter().map(mark_view))
                .child(line(
                    "cursor-line",
                    (view.across.gutter, view.cursor_y + 6.0),
                    (width, view.cursor_y + 6.0),
                )),
        );
    el("div")
        .class("diagram-scroll")
        .node_ref(scroller)
        .attr("tabindex", "-1")
        .attr("data-testid", "diagram")
        .on_scroll(onscroll)
        .child(heads)
        .child(svg)
        .into()
}

/// A `<line>` from `(x1, y1)` to `(x2, y2)`.
fn line(class: &'static str, (x1, y1): (f32, f32), (x2, y2): (f32, f32)) -> El {
    el("line")
        .class(class)
        .attr("x1", px(x1))
        .attr("y1", px(y1))
        .attr("x2", px(x2))
        .attr("y2", px(y2))
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
    let (in_flight, lost) = (arrow.fate == Fate::InFlight, arrow.fate == Fate::Lost);
    let from = (arrow.x1, arrow.y1);
    // Everything drawn, in a group of its own with the mouse's tooltip (the whole story, a loss's
    // reason too): a tooltip on the button itself would count as its visible text, which its name
    // would then have to repeat.
    let drawing = el("g")
        .class("arrow-body")
        .child(el("title").text(arrow.text.clone()))
        .child_opt(in_flight.then(|| line("ghost", from, (arrow.x2, arrow.y2))))
        .child(line("hit", from, (tx, ty)))
        .child(line("shaft", from, (tx, ty)).attr_opt("marker-end", head))
        .child_opt(lost.then(|| {
            fragment(
                cross(tx, ty)
                    .iter()
                    .map(|&(x1, y1, x2, y2)| line("cross", (x1, y1), (x2, y2)).into()),
            )
        }))
        .child_opt(in_flight.then(|| {
            el("circle")
                .class("packet-dot")
                .attr("cx", px(tx))
                .attr("cy", px(ty))
                .attr("r", "4")
        }))
        .child(
            el("text")
                .class("arrow-label")
                .attr("x", px(lx))
                .attr("y", px(ly))
                .attr("text-anchor", "middle")
                .attr(
                    "transform",
                    format!("rotate({} {} {})", Px(angle), Px(lx), Px(ly)),
                )
                .text(arrow.label.clone())
                .child_opt(
                    arrow
                        .mark_words()
                        .map(|(class, words)| el("tspan").class(class).text(words)),
                ),
        )
        // Not drawn (SVG draws text only inside <text>), but it keeps the label and the time two
        // words for whatever reads the arrow's text, as they are two on screen.
        .text(" ")
        .child(
            el("text")
                .class("arrow-time")
                .attr("x", "4")
                .attr("y", px(arrow.y + 3.0))
                .text(arrow.time.clone()),
        );
    el("g")
        .class(&class)
        .attr("role", "button")
        .attr("tabindex", "0")
        .label(arrow.name.clone())
        .attr("data-index", index.to_string())
        .attr("data-label", arrow.label.clone())
        .attr("data-fate", fate_class(arrow.fate))
        .on_click(onclick)
        .on_keydown(onkeydown)
        .child(drawing)
        .into()
}

/// A mark on a lifeline: a dot and its words, towards the outside.
fn mark_view(mark: &MarkView) -> Html {
    let (x, anchor) = mark_text_at(mark);
    el("g")
        .class(&classes!("mark", mark.class))
        .attr("data-mark", mark.class)
        .child(
            el("circle")
                .attr("cx", px(mark.x))
                .attr("cy", px(mark.y))
                .attr("r", "4.5"),
        )
        .child(
            el("text")
                .attr("x", px(x))
                .attr("y", px(mark.y + 4.0))
                .attr("text-anchor", anchor)
                .text(mark.text.clone()),
        )
        .into()
}
