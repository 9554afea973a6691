//! A small line chart of a topic's numeric payloads over time: an SVG polyline whose geometry
//! `playground::series::chart` computed, with the numbers also in words (the chart is an image to a
//! screen reader, labelled with what it shows).

use yew::prelude::*;

use crate::components::el::el;
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
    el("figure")
        .class("chart")
        .attr("data-testid", "chart")
        .child(
            el("svg")
                .attr("viewBox", VIEW_BOX)
                .attr("role", "img")
                .label(summary)
                .attr("preserveAspectRatio", "none")
                .child(
                    el("line")
                        .class("chart-axis")
                        .attr("x1", "0")
                        .attr("y1", "90")
                        .attr("x2", "320")
                        .attr("y2", "90"),
                )
                .child(
                    el("polyline")
                        .class("chart-line")
                        .attr("points", chart.polyline.clone()),
                ),
        )
        .child(
            el("figcaption")
                .child(el("span").text(format!("max {}", number(chart.max))))
                .child(el("span").text(format!("min {}", number(chart.min))))
                .child(el("span").text(format!("last {}", number(chart.last))))
                .child(el("span").class("hint").text(format!(
                    "{} values over {}",
                    chart.count,
                    duration(chart.span_ms)
                ))),
        )
        .into()
}
