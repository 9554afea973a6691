//! A small line chart of a topic's numeric payloads over time: an SVG polyline whose geometry
//! `playground::series::chart` computed, with the numbers also in words (the chart is an image to a
//! screen reader, labelled with what it shows).

use yew::prelude::*;

use crate::playground::series::{format_number as number, Chart};
use crate::playground::time::duration;

/// The drawing box.
pub const WIDTH: f64 = 320.0;
/// The drawing box.
pub const HEIGHT: f64 = 90.0;
/// The drawing box, as SVG writes it.
const VIEW_BOX: &str = "0 0 320 90";

/// The chart of `topic`'s numbers, with its caption.
pub fn numeric_chart(topic: &str, chart: &Chart) -> Html {
    let summary = format!(
        "{} values of {} over {}: from {} to {}, last {}",
        chart.count,
        topic,
        duration(chart.span_ms),
        number(chart.min),
        number(chart.max),
        number(chart.last)
    );
    html! {
        <figure class="chart" data-testid="chart">
            <svg viewBox={VIEW_BOX} role="img" aria-label={summary.clone()}
                preserveAspectRatio="none">
                <line class="chart-axis" x1="0" y1="90" x2="320" y2="90" />
                <polyline class="chart-line" points={chart.polyline.clone()} />
            </svg>
            <figcaption>
                <span>{ format!("max {}", number(chart.max)) }</span>
                <span>{ format!("min {}", number(chart.min)) }</span>
                <span>{ format!("last {}", number(chart.last)) }</span>
                <span class="hint">{ format!("{} values over {}", chart.count, duration(chart.span_ms)) }</span>
            </figcaption>
        </figure>
    }
}
