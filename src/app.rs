//! The root component: the two pages (the playground, the packet inspector), their reducers, the
//! playground's workspace with its animation-frame loop, and the hooks tests and benchmarks read.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use crate::components::builder_form::BuilderFormView;
use crate::components::el::{el, fragment};
use crate::components::input_panel::InputPanel;
use crate::components::page_header::{page_header, Page};
use crate::components::playground::page::PlaygroundPage;
use crate::components::playground::Engine;
use crate::components::result_panel::ResultPanel;
use crate::inspector::highlight::Pointer;
use crate::playground::controls::{self, StepCommand};
use crate::playground::model::{Direction, MessageRecord};
use crate::playground::pace::RenderPace;
use crate::playground::profiles;
use crate::playground::workspace::BrokerChoice;
use crate::playground_state::{PgAction, PlaygroundState, Theme, DEFAULT_LATENCY_MS};
use crate::services::driver::Driver;
use crate::services::{clipboard, clock, page, random, storage};
use crate::state::{Action, BuilderEdit, State};

/// While the tab is hidden (no animation frames), timers still fire this often.
const BACKGROUND_TICK_MS: u32 = 250;

/// Every callback the inspector hands down, created once.
///
/// Stable callbacks keep component props equal between renders, so moving the mouse over a large
/// packet re-renders only the hex rows and tree rows whose highlight changed.
struct Handlers {
    edit_hex: Callback<String>,
    pick_sample: Callback<String>,
    set_version: Callback<mqtt_core::ProtocolVersion>,
    select_packet: Callback<usize>,
    hover: Callback<Option<Pointer>>,
    pin: Callback<Option<Pointer>>,
    collapse: Callback<(usize, bool)>,
    edit_builder: Callback<BuilderEdit>,
    inspect_built: Callback<()>,
    copy: Callback<String>,
}

impl Handlers {
    fn new(dispatcher: &UseReducerDispatcher<State>) -> Self {
        let copied = send(dispatcher, Action::Copied);
        let inspect = dispatcher.clone();
        Handlers {
            edit_hex: send(dispatcher, Action::EditHex),
            pick_sample: send(dispatcher, Action::PickSample),
            set_version: send(dispatcher, Action::SetVersion),
            select_packet: send(dispatcher, Action::SelectPacket),
            hover: send(dispatcher, Action::Hover),
            pin: send(dispatcher, Action::Pin),
            collapse: send(dispatcher, |(index, collapse)| {
                Action::SetCollapsed(index, collapse)
            }),
            edit_builder: send(dispatcher, Action::EditBuilder),
            inspect_built: Callback::from(move |()| {
                inspect.dispatch(Action::InspectBuilt);
                reveal_result();
            }),
            copy: Callback::from(move |text: String| clipboard::copy_text(text, copied.clone())),
        }
    }
}

/// The app.
#[function_component(App)]
pub fn app() -> Html {
    let current = use_state(|| Page::from_route(&page::route()));
    {
        let current = current.clone();
        use_effect_with((), move |_| {
            let listener = page::on_route_change(move |route| {
                current.set(Page::from_route(&route));
                page::scroll_to_top();
            });
            move || drop(listener)
        });
    }
    let inspector = use_reducer(State::default);
    let handlers = {
        let dispatcher = inspector.dispatcher();
        use_memo((), move |()| Handlers::new(&dispatcher))
    };
    let playground = use_reducer(|| {
        PlaygroundState::new(
            page::is_https(),
            &random::client_id(),
            profiles::decode(&storage::profiles()),
            Theme::from_value(&storage::theme()),
        )
    });
    let engine = use_memo((), |_| {
        Engine(Driver::new(BrokerChoice::Simulated {
            latency_ms: DEFAULT_LATENCY_MS,
        }))
    });

    // Renders spaced out during a flood (see `playground::pace`).
    let pace = use_memo((), |_| Rc::new(RefCell::new(RenderPace::default())));
    // The page's heartbeat: move the workspace to now every frame, re-render when it changed.
    {
        let engine = (*engine).clone();
        let dispatcher = playground.dispatcher();
        let pace = (*pace).clone();
        use_effect_with((), move |_| {
            let last = Rc::new(Cell::new(0u64));
            let hook_engine = engine.clone();
            let act_engine = engine.clone();
            let hook_pace = pace.clone();
            page::install_hooks(
                move |query| {
                    // How the page paces its renders (benchmarks report it beside the rates).
                    let pace = || hook_pace.try_borrow().ok();
                    match query {
                        "renderCostMs" => pace().map_or(f64::NAN, |pace| pace.cost_ms()),
                        "renderSpacingMs" => {
                            pace().map_or(f64::NAN, |pace| pace.flood_spacing_ms())
                        }
                        _ => read_hook(&hook_engine, query),
                    }
                },
                move |name, value| act_hook(&act_engine, name, value),
            );
            let frame = clock::Loop::start(
                move || {
                    engine.0.with(|workspace, now| workspace.tick(now));
                    let changed = engine
                        .0
                        .try_read()
                        .map(|workspace| (workspace.revision(), workspace.history().packets.end()));
                    let due = |(revision, packets): &(u64, u64)| {
                        *revision != last.get()
                            && pace.borrow_mut().due(clock::now() as f64, *packets)
                    };
                    if let Some((revision, _)) = changed.filter(due) {
                        last.set(revision);
                        let flooding = {
                            let mut pace = pace.borrow_mut();
                            engine.0.time_io(true);
                            pace.render_started(clock::precise_ms(), engine.0.io_ms());
                            pace.flooding()
                        };
                        dispatcher.dispatch(PgAction::Tick { revision, flooding });
                    }
                },
                BACKGROUND_TICK_MS,
            );
            // Effects run after the first render is in the DOM, with every control enabled.
            page::mark("ready");
            move || drop(frame)
        });
    }
    // The render the heartbeat asked for is done when this runs: this component is the root, and
    // Yew runs effects children first, so every effect of the render (and the layout a scroll
    // position forces) is behind us. Its cost paces the next renders.
    {
        let pace = (*pace).clone();
        let engine = (*engine).clone();
        use_effect(move || {
            if let Ok(mut pace) = pace.try_borrow_mut() {
                pace.render_finished(clock::precise_ms(), engine.0.io_ms());
                engine.0.time_io(false);
            }
        });
    }
    use_effect_with(playground.theme, |theme| page::apply_theme(theme.value()));

    let on_theme = {
        let playground = playground.clone();
        Callback::from(move |theme: Theme| {
            storage::save_theme(theme.value());
            playground.dispatch(PgAction::SetTheme(theme));
        })
    };
    let on_inspect = {
        let dispatcher = inspector.dispatcher();
        Callback::from(move |(bytes, version)| {
            dispatcher.dispatch(Action::LoadBytes(bytes, version));
            if let Some(window) = web_sys::window() {
                let _ = window.location().set_hash("inspector");
            }
        })
    };
    let body = match *current {
        Page::Playground => html! {
            <PlaygroundPage state={playground.clone()} engine={(*engine).clone()} {on_inspect} />
        },
        Page::Inspector => {
            let state = &inspector;
            el("main")
                .class("layout")
                .child(html! {
                    <InputPanel
                        samples={state.samples.clone()}
                        sample_id={state.sample_id}
                        version={state.version}
                        hex_input={state.hex_input.clone()}
                        parsed={state.parsed.clone()}
                        on_edit={handlers.edit_hex.clone()}
                        on_sample={handlers.pick_sample.clone()}
                        on_version={handlers.set_version.clone()}
                    />
                })
                .child(html! {
                    <ResultPanel
                        parsed={state.parsed.clone()}
                        selected={state.selected.clone()}
                        version={state.version}
                        highlight={state.highlight()}
                        error={state.error_bytes()}
                        error_field={state.error_field()}
                        pinned={state.pinned}
                        collapsed={state.collapsed.clone()}
                        on_select={handlers.select_packet.clone()}
                        on_hover={handlers.hover.clone()}
                        on_pin={handlers.pin.clone()}
                        on_collapse={handlers.collapse.clone()}
                    />
                })
                .child(html! {
                    <BuilderFormView
                        form={state.builder.clone()}
                        version={state.version}
                        built={state.built.clone()}
                        copied={state.copied}
                        on_edit={handlers.edit_builder.clone()}
                        on_inspect={handlers.inspect_built.clone()}
                        on_copy={handlers.copy.clone()}
                    />
                })
                .into()
        }
    };
    let skip_to = if *current == Page::Playground {
        "#playground"
    } else {
        "#hex-input"
    };
    fragment([
        el("a")
            .class("skip-link")
            .attr("href", skip_to)
            .text("Skip to content")
            .into(),
        page_header(*current, playground.theme, &on_theme),
        body,
    ])
}

/// Answers `window.__playground` queries (see README, "Test and benchmark hooks").
fn read_hook(engine: &Engine, query: &str) -> f64 {
    let Some(workspace) = engine.0.try_read() else {
        return f64::NAN;
    };
    match query {
        "received" => workspace.received_total() as f64,
        "messages" => workspace.history().messages.end() as f64,
        "packets" => workspace.history().packets.end() as f64,
        "clients" => workspace.clients().len() as f64,
        "cursor" | "head" | "first" | "playing" => {
            let playhead = workspace.playhead(clock::now());
            match query {
                "cursor" => playhead.cursor as f64,
                "head" => playhead.head as f64,
                "first" => playhead.first as f64,
                _ => f64::from(u8::from(playhead.playing)),
            }
        }
        // For the throughput benchmark: when the first and the latest delivered message arrived
        // (workspace milliseconds, i.e. `performance.now()`), and how many distinct payloads were
        // delivered (its publisher numbers every payload, so this finds duplicates).
        "firstReceivedAt" | "lastReceivedAt" => {
            let messages = &workspace.history().messages;
            let received =
                |(_, record): &(u64, &MessageRecord)| record.direction == Direction::Received;
            let found = if query == "firstReceivedAt" {
                messages.iter_from(messages.first()).find(received)
            } else {
                messages.iter_from(messages.first()).filter(received).last()
            };
            found.map_or(f64::NAN, |(_, record)| record.at as f64)
        }
        "receivedDistinct" => {
            let messages = &workspace.history().messages;
            let payloads: mqtt_core::sorted::SortedSet<&[u8]> = messages
                .iter_from(messages.first())
                .filter(|(_, record)| record.direction == Direction::Received)
                .map(|(_, record)| &record.payload[..])
                .collect();
            payloads.len() as f64
        }
        _ => match query.strip_prefix("received:") {
            Some(name) => workspace
                .find(name)
                .map_or(f64::NAN, |entry| entry.received as f64),
            None => f64::NAN,
        },
    }
}

/// The most simulator events a benchmark workload may take to run to its end.
const WORKLOAD_MAX_EVENTS: usize = 5_000_000;

/// Runs a `window.__playground` stepping control (see README, "Test and benchmark hooks") exactly
/// as the buttons do; the cursor after it, or NaN when nothing moved.
fn act_hook(engine: &Engine, name: &str, value: f64) -> f64 {
    // Benchmarks: mqtt-sim's standard workload (two clients, `value` messages each at QoS 1 and 2)
    // on the in-page broker, simulated to its end and paused there (`workload`) or playing from its
    // start (`workloadLive`); the packets recorded so far.
    if let ("workload" | "workloadLive", true) = (name, value.is_finite() && value >= 1.0) {
        let scenario = mqtt_sim::workloads::large(2, value as usize);
        let run = (name == "workload").then_some(WORKLOAD_MAX_EVENTS);
        let loaded = engine
            .0
            .try_with(|workspace, now| workspace.load_scenario(scenario, run, now));
        return match loaded {
            Some(Ok(packets)) => packets as f64,
            _ => f64::NAN,
        };
    }
    let command = match name {
        "seek" if value.is_finite() && value >= 0.0 => StepCommand::Seek(value as u64),
        "step" => StepCommand::Forward,
        "back" => StepCommand::Back,
        "play" => StepCommand::Play,
        "pause" => StepCommand::Pause,
        "speed" if value.is_finite() && value > 0.0 => StepCommand::Speed(value),
        _ => return f64::NAN,
    };
    let Some(moved) = engine.0.try_with(|workspace, now| {
        controls::apply(workspace, command, now).map(|_| workspace.playhead(now).cursor)
    }) else {
        return f64::NAN;
    };
    moved.map_or(f64::NAN, |cursor| cursor as f64)
}

/// A callback that dispatches the action `make` builds from its argument.
fn send<T: 'static>(
    dispatcher: &UseReducerDispatcher<State>,
    make: impl Fn(T) -> Action + 'static,
) -> Callback<T> {
    let dispatcher = dispatcher.clone();
    Callback::from(move |value| dispatcher.dispatch(make(value)))
}

/// Brings the decoded packet into view after "inspect these bytes": on a phone the builder sits
/// below it, out of sight.
fn reveal_result() {
    if let Some(heading) = gloo::utils::document().get_element_by_id("result-heading") {
        heading.scroll_into_view();
    }
}
