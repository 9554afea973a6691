//! The root component: holds the reducer and turns component callbacks into actions.

use yew::prelude::*;

use crate::components::builder_form::BuilderFormView;
use crate::components::input_panel::InputPanel;
use crate::components::page_header::PageHeader;
use crate::components::result_panel::ResultPanel;
use crate::inspector::highlight::Pointer;
use crate::services::clipboard;
use crate::state::{Action, BuilderEdit, State};

/// Every callback the page hands down, created once.
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

/// The packet inspector page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::default);
    let handlers = {
        let dispatcher = state.dispatcher();
        use_memo((), move |()| Handlers::new(&dispatcher))
    };
    html! {
        <>
            <PageHeader />
            <main class="layout">
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
                <BuilderFormView
                    form={state.builder.clone()}
                    version={state.version}
                    built={state.built.clone()}
                    copied={state.copied}
                    on_edit={handlers.edit_builder.clone()}
                    on_inspect={handlers.inspect_built.clone()}
                    on_copy={handlers.copy.clone()}
                />
            </main>
        </>
    }
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
