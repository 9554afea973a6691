//! Standard workloads for the simulator's benchmarks (native and in the browser), so both measure the
//! same thing.

use crate::scenario::{Action, ClientSpec, LinkSettings, Scenario, ScheduledAction};

/// `clients` clients each publishing `messages` messages at QoS 1 and 2 (alternating) to
/// `sensors/<i>/temp`, every client subscribed with a wildcard to its neighbour's sensors
/// (`sensors/<i+1>/+`), so every message is routed through the subscription tree to one subscriber.
pub fn large(clients: usize, messages: usize) -> Scenario {
    let mut scenario = Scenario::new("benchmark: many clients, QoS 1/2, wildcards");
    scenario.link = LinkSettings {
        latency_ms: 5,
        ..LinkSettings::default()
    };
    for i in 0..clients {
        scenario.clients.push(ClientSpec::new(&format!("c{i}")));
        scenario.actions.push(ScheduledAction {
            at_ms: 0,
            actor: format!("c{i}"),
            action: Action::Subscribe {
                filter: format!("sensors/{}/+", (i + 1) % clients),
                qos: 2,
                no_local: false,
                retain_as_published: false,
                retain_handling: 0,
            },
        });
    }
    for n in 0..messages {
        for i in 0..clients {
            scenario.actions.push(ScheduledAction {
                at_ms: 100 + n as u64 * 10,
                actor: format!("c{i}"),
                action: Action::Publish {
                    topic: format!("sensors/{i}/temp"),
                    payload: format!("{n}"),
                    qos: 1 + (n % 2) as u8,
                    retain: false,
                    properties: Default::default(),
                },
            });
        }
    }
    scenario.end_ms = Some(100 + messages as u64 * 10 + 5_000);
    scenario
}
