//! The playground page: the broker and the clients on the side; publish, subscribe and the traffic
//! (messages, packets, topics) in the main column. It turns what the user does into workspace calls
//! (through the driver, which performs the socket I/O) and reducer actions.

use std::rc::Rc;

use mqtt_core::codec::QoS;
use mqtt_core::ProtocolVersion;
use yew::prelude::*;

use super::broker_panel::{broker_panel, BrokerPanelProps};
use super::client_form::{add_client_form, AddClientFormProps};
use super::client_list::{client_card, client_views, ClientCommand};
use super::diagram_card::DiagramCard;
use super::message_view::{messages_view, MessagesViewProps};
use super::packet_view::{packets_view, PacketsViewProps};
use super::publish_form::{publish_panel, ClientChoice, PublishPanelProps};
use super::subscribe_form::{subscribe_panel, SubscribePanelProps};
use super::topic_tree::{topic_tree_view, TopicTreeProps};
use super::traffic::{panel_id, tab_id, traffic_tabs};
use super::Engine;
use crate::components::el::{button, el};
use crate::playground::config::{ClientConfig, SubscribeRequest, WillConfig};
use crate::playground::export;
use crate::playground::forms::FormError;
use crate::playground::log_view::{FilteredLog, FilteredPackets};
use crate::playground::model::{ClientKey, Status};
use crate::playground::profiles;
use crate::playground::time::Clock;
use crate::playground_state::{ClientEdit, PgAction, PlaygroundState, TrafficTab};
use crate::services::{clipboard, clock, download, random, storage};

#[derive(Properties, PartialEq)]
pub struct PlaygroundPageProps {
    /// The page's reducer.
    pub state: UseReducerHandle<PlaygroundState>,
    /// The workspace.
    pub engine: Engine,
    /// Open bytes in the Inspector page.
    pub on_inspect: Callback<(Vec<u8>, ProtocolVersion)>,
}

/// A callback dispatching the action `make` builds from its argument.
pub(super) fn send<T: 'static>(
    state: &UseReducerHandle<PlaygroundState>,
    make: fn(T) -> PgAction,
) -> Callback<T> {
    let state = state.clone();
    Callback::from(move |value| state.dispatch(make(value)))
}

fn form_error(field: &'static str, message: String) -> FormError {
    FormError { field, message }
}

/// The page.
#[function_component(PlaygroundPage)]
pub fn playground_page(props: &PlaygroundPageProps) -> Html {
    let state = &props.state;
    let engine = &props.engine;
    let clock: Clock = *use_memo((), |_| clock::wall_clock());
    // The lists' filtered views, kept between renders so each frame only reads what is new.
    let message_filter = use_mut_ref(FilteredLog::default);
    let packet_filter = use_mut_ref(FilteredPackets::default);

    // --- broker -----------------------------------------------------------------------------------
    let on_apply = {
        let (state, engine) = (state.clone(), engine.clone());
        Callback::from(move |()| match state.chosen_broker() {
            Ok(choice) => {
                engine
                    .0
                    .with(|workspace, now| workspace.set_broker(choice.clone(), now));
                state.dispatch(PgAction::BrokerApplied(choice));
            }
            Err(error) => state.dispatch(PgAction::Status(error)),
        })
    };
    let on_save_profile = {
        let state = state.clone();
        Callback::from(move |()| {
            let list = state.profiles_with_current();
            let saved = storage::save_profiles(&profiles::encode(&list));
            state.dispatch(PgAction::SetProfiles(list));
            state.dispatch(PgAction::Status(if saved {
                format!("Saved profile {}.", state.profile_name.trim())
            } else {
                "This browser does not let the page store profiles (private window?).".into()
            }));
        })
    };
    let on_load_profile = {
        let state = state.clone();
        Callback::from(move |name: String| {
            if let Some(profile) = state.profiles.iter().find(|p| p.name == name) {
                state.dispatch(PgAction::LoadProfile(profile.clone()));
            }
        })
    };
    let on_delete_profile = {
        let state = state.clone();
        Callback::from(move |name: String| {
            let list: Vec<_> = state
                .profiles
                .iter()
                .filter(|p| p.name != name)
                .cloned()
                .collect();
            storage::save_profiles(&profiles::encode(&list));
            state.dispatch(PgAction::SetProfiles(list));
            state.dispatch(PgAction::Status(format!("Deleted profile {name}.")));
        })
    };

    // --- clients ----------------------------------------------------------------------------------
    let on_add = {
        let (state, engine) = (state.clone(), engine.clone());
        Callback::from(move |()| {
            let parsed = {
                let workspace = engine.0.read();
                state
                    .client_form
                    .parse(&|name| workspace.find(name).is_some())
            };
            let config = match parsed {
                Ok(config) => config,
                Err(error) => {
                    let field = error.field;
                    state.dispatch(PgAction::ClientRejected(error));
                    crate::services::page::focus(field);
                    return;
                }
            };
            let name = config.name.clone();
            match engine
                .0
                .with(|workspace, now| workspace.add_client(config, now))
            {
                Ok(key) => state.dispatch(PgAction::ClientAdded {
                    key,
                    name,
                    next_id: random::client_id(),
                }),
                Err(message) => {
                    state.dispatch(PgAction::ClientRejected(form_error("client-form", message)))
                }
            }
        })
    };
    let on_quick_start = {
        let (state, engine) = (state.clone(), engine.clone());
        Callback::from(move |_: MouseEvent| {
            let form = &state.client_form;
            let base = |name: &str| {
                let mut config = ClientConfig::new(name, &random::client_id());
                config.version = form.version;
                config.username = (!form.username.is_empty()).then(|| form.username.clone());
                config.password = (!form.password.is_empty()).then(|| form.password.clone());
                config
            };
            let mut kitchen = base("esp32-kitchen");
            kitchen.will = Some(WillConfig {
                topic: "home/kitchen/status".into(),
                payload: "offline".into(),
                qos: QoS::AtLeastOnce,
                retain: true,
                delay_s: 0,
            });
            let dashboard = base("dashboard");
            for config in [kitchen, dashboard] {
                let name = config.name.clone();
                if engine.0.read().find(&name).is_some() {
                    continue;
                }
                match engine
                    .0
                    .with(|workspace, now| workspace.add_client(config, now))
                {
                    Ok(key) => {
                        state.dispatch(PgAction::ClientAdded {
                            key,
                            name: name.clone(),
                            next_id: random::client_id(),
                        });
                        if name == "dashboard" {
                            let request = SubscribeRequest::new("home/#", QoS::ExactlyOnce);
                            let _ = engine
                                .0
                                .with(|workspace, now| workspace.subscribe(key, &request, now));
                        }
                    }
                    Err(message) => state.dispatch(PgAction::Status(message)),
                }
            }
        })
    };
    let on_new_id = {
        let state = state.clone();
        Callback::from(move |()| {
            state.dispatch(PgAction::EditClient(ClientEdit::ClientId(
                random::client_id(),
            )))
        })
    };
    let on_command = {
        let (state, engine) = (state.clone(), engine.clone());
        Callback::from(move |(key, command): (ClientKey, ClientCommand)| {
            let name = engine.0.read().name(key).to_string();
            let result = engine.0.with(|workspace, now| match command {
                ClientCommand::Connect => workspace
                    .connect(key, now)
                    .map(|_| format!("Connecting {name}…")),
                ClientCommand::Disconnect => workspace
                    .disconnect(key, now)
                    .map(|_| format!("Disconnected {name}.")),
                ClientCommand::Sleep => workspace
                    .sleep(key, now)
                    .map(|_| format!("{name} is going to sleep.")),
                ClientCommand::Wake => workspace.wake(key, now).map(|_| format!("Waking {name}…")),
                ClientCommand::Kill => workspace
                    .kill(key, now)
                    .map(|_| format!("Killed {name} without DISCONNECT.")),
                ClientCommand::Remove => {
                    workspace.remove_client(key, now);
                    Ok(format!("Removed {name}."))
                }
                ClientCommand::Dismiss => {
                    workspace.dismiss_problem(key);
                    Ok(String::new())
                }
            });
            if command == ClientCommand::Remove {
                state.dispatch(PgAction::ClientRemoved(key));
            }
            match result {
                Ok(text) if text.is_empty() => {}
                Ok(text) | Err(text) => state.dispatch(PgAction::Status(text)),
            }
        })
    };
    let on_unsubscribe = {
        let (state, engine) = (state.clone(), engine.clone());
        Callback::from(move |(key, filter): (ClientKey, String)| {
            let result = engine
                .0
                .with(|workspace, now| workspace.unsubscribe(key, &filter, now));
            state.dispatch(PgAction::Status(match result {
                Ok(()) => format!("Unsubscribing from {filter}…"),
                Err(error) => error,
            }));
        })
    };

    // --- publish and subscribe -------------------------------------------------------------------
    let on_publish = {
        let (state, engine) = (state.clone(), engine.clone());
        Callback::from(move |()| {
            let Some(key) = state.publish_client else {
                state.dispatch(PgAction::PublishRejected(form_error(
                    "publish-form",
                    "Choose a client to publish from.".into(),
                )));
                return;
            };
            let version = engine.0.read().version(key);
            let request = match state.publish.parse(version) {
                Ok(request) => request,
                Err(error) => return state.dispatch(PgAction::PublishRejected(error)),
            };
            match engine
                .0
                .with(|workspace, now| workspace.publish(key, &request, now))
            {
                Ok(()) => state.dispatch(PgAction::Published(format!(
                    "Published {} byte(s) to {} at QoS {}{}.",
                    request.payload.len(),
                    request.topic,
                    request.qos.level(),
                    if request.retain { ", retained" } else { "" }
                ))),
                Err(message) => state.dispatch(PgAction::PublishRejected(form_error(
                    "publish-form",
                    message,
                ))),
            }
        })
    };
    let on_subscribe = {
        let (state, engine) = (state.clone(), engine.clone());
        Callback::from(move |()| {
            let Some(key) = state.subscribe_client else {
                state.dispatch(PgAction::SubscribeRejected(form_error(
                    "subscribe-form",
                    "Choose a client to subscribe.".into(),
                )));
                return;
            };
            let version = engine.0.read().version(key);
            let request = match state.subscribe.parse(version) {
                Ok(request) => request,
                Err(error) => return state.dispatch(PgAction::SubscribeRejected(error)),
            };
            match engine
                .0
                .with(|workspace, now| workspace.subscribe(key, &request, now))
            {
                Ok(()) => state.dispatch(PgAction::Subscribed(format!(
                    "SUBSCRIBE sent for {} at QoS {}: the broker’s answer shows under Recent events.",
                    request.filter,
                    request.options.qos.level()
                ))),
                Err(message) => state.dispatch(PgAction::SubscribeRejected(form_error(
                    "subscribe-form",
                    message,
                ))),
            }
        })
    };

    // --- traffic -----------------------------------------------------------------------------------
    let on_export = {
        let (state, engine) = (state.clone(), engine.clone());
        Callback::from(move |()| {
            let workspace = engine.0.read();
            let log = &workspace.history().messages;
            let mut view = FilteredLog::default();
            view.update(log, &state.log_filter);
            let broker = workspace.broker().label();
            let now = clock::now();
            let json = export::messages_json(
                view.indices(log).filter_map(|index| log.get(index)),
                &|key| workspace.name(key),
                &broker,
                &clock,
                now,
            );
            let stamp: String = clock
                .iso(now)
                .chars()
                .filter(char::is_ascii_digit)
                .take(14)
                .collect();
            let saved = download::save_text(
                &format!("mqtt-messages-{stamp}.json"),
                "application/json",
                &json,
            );
            state.dispatch(PgAction::Status(if saved {
                format!("Exported {} message(s).", view.len(log))
            } else {
                "The browser refused the download.".into()
            }));
        })
    };
    let on_copy = {
        let state = state.clone();
        Callback::from(move |text: String| {
            let state = state.clone();
            clipboard::copy_text(
                text,
                Callback::from(move |ok: bool| {
                    state.dispatch(PgAction::Status(
                        if ok {
                            "Copied."
                        } else {
                            "Could not copy: the browser refused clipboard access."
                        }
                        .into(),
                    ))
                }),
            );
        })
    };

    // --- what to render ------------------------------------------------------------------------------
    let revision = state.revision;
    let cards = client_views(engine);
    let choices: Rc<Vec<ClientChoice>> = Rc::new(
        cards
            .iter()
            .map(|c| {
                (
                    c.key,
                    c.name.clone(),
                    c.edition == "5.0",
                    c.status == Status::Connected,
                )
            })
            .collect(),
    );
    let names: Rc<Vec<(ClientKey, String)>> =
        Rc::new(cards.iter().map(|c| (c.key, c.name.clone())).collect());
    // Packets also come from devices seen through their trace (they have packets, no messages).
    let packet_names: Rc<Vec<(ClientKey, String)>> = {
        let workspace = engine.0.read();
        let devices = workspace.traced_devices().list().iter();
        Rc::new(
            names
                .iter()
                .cloned()
                .chain(devices.map(|d| (d.key, workspace.name(d.key).to_string())))
                .collect(),
        )
    };
    let (message_count, packet_count, topic_count, notices) = {
        let workspace = engine.0.read();
        let history = workspace.history();
        let notices: Vec<(String, String, &'static str, &'static str)> = history
            .notices
            .iter_from(history.notices.end().saturating_sub(6))
            .map(|(_, n)| {
                let who = n
                    .client
                    .map(|key| format!("{}: ", workspace.name(key)))
                    .unwrap_or_default();
                (
                    clock.time_of_day(n.at),
                    format!("{who}{}", n.title),
                    n.level.icon(),
                    n.level.class(),
                )
            })
            .collect();
        (
            history.messages.len(),
            history.packets.len(),
            workspace.topics().topic_count(),
            notices,
        )
    };
    let tab = state.tab;
    let panel = match tab {
        TrafficTab::Messages => messages_view(&MessagesViewProps {
            engine: engine.clone(),
            revision,
            filter: state.log_filter.clone(),
            clients: names.clone(),
            selected: state.selected_message,
            follow: state.follow,
            view: state.payload_view,
            clock,
            on_topic: send(state, PgAction::SetLogTopic),
            on_client: send(state, PgAction::SetLogClient),
            on_direction: send(state, PgAction::SetLogDirection),
            on_select: send(state, PgAction::SelectMessage),
            on_follow: send(state, PgAction::SetFollow),
            on_view: send(state, PgAction::SetPayloadView),
            on_export,
            on_copy: on_copy.clone(),
            on_packet: send(state, PgAction::ShowPacket),
            filtered: message_filter.clone(),
        }),
        TrafficTab::Packets => packets_view(&PacketsViewProps {
            engine: engine.clone(),
            revision,
            clients: packet_names,
            client: state.packet_client,
            selected: state.selected_packet,
            follow: state.packets_follow,
            clock,
            on_client: send(state, PgAction::SetPacketClient),
            on_select: send(state, PgAction::SelectPacket),
            on_follow: send(state, PgAction::SetPacketsFollow),
            on_inspect: props.on_inspect.clone(),
            filtered: packet_filter.clone(),
        }),
        TrafficTab::Topics => {
            let expand = state.clone();
            let select = state.clone();
            topic_tree_view(&TopicTreeProps {
                engine: engine.clone(),
                revision,
                collapsed: state.collapsed_topics.clone(),
                selected: state.selected_topic,
                on_expand: Callback::from(move |(node, open)| {
                    expand.dispatch(PgAction::SetExpanded(node, open))
                }),
                on_select: Callback::from(move |node| {
                    select.dispatch(PgAction::SelectTopic(Some(node)))
                }),
                on_show: send(state, PgAction::ShowTopic),
            })
        }
    };
    let broker = broker_panel(&BrokerPanelProps {
        kind: state.broker_kind,
        url: state.url.clone().into(),
        check: state.url_check.clone(),
        latency_ms: state.latency_ms,
        applied: state.applied.clone(),
        changed: state.broker_changed(),
        profiles: state.profiles.clone(),
        profile_name: state.profile_name.clone().into(),
        remember_password: state.remember_password,
        on_kind: send(state, PgAction::SetBrokerKind),
        on_url: send(state, PgAction::SetUrl),
        on_latency: send(state, PgAction::SetLatency),
        on_apply,
        on_profile_name: send(state, PgAction::SetProfileName),
        on_remember: send(state, PgAction::SetRememberPassword),
        on_save: on_save_profile,
        on_load: on_load_profile,
        on_delete: on_delete_profile,
        chosen_profile: state.chosen_profile.clone().into(),
        on_choose: send(state, PgAction::ChooseProfile),
    });
    let add_form = add_client_form(&AddClientFormProps {
        form: state.client_form.clone(),
        error: state.client_error.clone(),
        on_edit: send(state, PgAction::EditClient),
        on_submit: on_add,
        on_new_id,
    });
    let publish = publish_panel(&PublishPanelProps {
        clients: choices.clone(),
        client: state.publish_client,
        form: state.publish.clone(),
        error: state.publish_error.clone(),
        on_client: send(state, PgAction::SetPublishClient),
        on_edit: send(state, PgAction::EditPublish),
        on_submit: on_publish,
    });
    let subscribe = subscribe_panel(&SubscribePanelProps {
        clients: choices,
        client: state.subscribe_client,
        form: state.subscribe.clone(),
        error: state.subscribe_error.clone(),
        on_client: send(state, PgAction::SetSubscribeClient),
        on_edit: send(state, PgAction::EditSubscribe),
        on_submit: on_subscribe,
    });
    let no_clients = cards.is_empty();
    let clients = if no_clients {
        el("div")
            .class("empty-state")
            .child(el("p").text(
                "No clients yet. Add your own below, or start with two: a kitchen sensor that publishes \
                 (with a will) and a dashboard subscribed to home/#.",
            ))
            .child(
                button()
                    .class("primary")
                    .id("quick-start")
                    .on_click(on_quick_start)
                    .text("Add esp32-kitchen and dashboard"),
            )
    } else {
        el("ul").class("client-list").children(
            cards
                .iter()
                .map(|client| client_card(client, &on_command, &on_unsubscribe)),
        )
    };
    let events = (!notices.is_empty()).then(|| {
        el("section")
            .class("card events-card")
            .attr("aria-labelledby", "events-heading")
            .child(el("h2").id("events-heading").text("Recent events"))
            .child(
                el("ol")
                    .class("events")
                    .attr("data-testid", "events")
                    .children(notices.into_iter().rev().map(|(time, text, icon, class)| {
                        el("li")
                            .class(class)
                            .child(
                                el("span")
                                    .class("event-icon")
                                    .attr("aria-hidden", "true")
                                    .text(icon),
                            )
                            .child(el("time").text(time))
                            .text(" ")
                            .child(el("span").text(text))
                            .into()
                    })),
            )
    });
    el("main")
        .class("playground")
        .id("playground")
        .child(
            el("div")
                .class("pg-side")
                .child(broker)
                .child(
                    el("section")
                        .class("card clients-card")
                        .attr("aria-labelledby", "clients-heading")
                        .child(
                            el("h2")
                                .id("clients-heading")
                                .text("Clients ")
                                .child(el("span").class("count").text(cards.len().to_string())),
                        )
                        .child(clients)
                        .child(add_form),
                )
                .child_opt(events),
        )
        .child(
            el("div")
                .class("pg-main")
                .child(html! { <DiagramCard state={state.clone()} engine={engine.clone()} /> })
                .child(el("div").class("pg-forms").child(publish).child(subscribe))
                .child(
                    el("p")
                        .class("pg-status")
                        .attr("role", "status")
                        .attr("aria-live", "polite")
                        .attr("data-testid", "status")
                        .text(state.status.clone()),
                )
                .child(
                    el("section")
                        .class("card traffic-card")
                        .label("Traffic")
                        .child(traffic_tabs(
                            tab,
                            (message_count, packet_count, topic_count),
                            &send(state, PgAction::SetTab),
                        ))
                        .child(
                            el("div")
                                .class("tab-panel")
                                .attr("role", "tabpanel")
                                .id(panel_id(tab))
                                .attr("aria-labelledby", tab_id(tab))
                                .child(panel),
                        ),
                ),
        )
        .into()
}
