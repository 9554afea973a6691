//! Numbers over time: the last numeric payloads per topic, and the geometry of their chart (an SVG
//! polyline), computed here so the component only draws.

use std::collections::{BTreeMap, VecDeque};

use mqtt_core::Instant;

/// Points kept per topic.
pub const POINTS: usize = 200;
/// Topics with a series at most (the oldest-created series are not dropped; new topics stop getting
/// one), so a flood of distinct topics cannot grow memory without bound.
pub const MAX_TOPICS: usize = 2_000;

/// The number a payload holds, if it is one: `21.5`, ` -3 `, `1e3`, or a JSON number.
pub fn numeric(payload: &[u8]) -> Option<f64> {
    if payload.is_empty() || payload.len() > 40 {
        return None;
    }
    let text = std::str::from_utf8(payload).ok()?.trim();
    if text.is_empty()
        || !text
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    {
        return None;
    }
    text.parse::<f64>().ok().filter(|value| value.is_finite())
}

/// The numeric values received per topic.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    topics: BTreeMap<String, VecDeque<(Instant, f64)>>,
}

impl Series {
    /// Records `payload` on `topic` if it is a number.
    pub fn record(&mut self, topic: &str, payload: &[u8], at: Instant) {
        let Some(value) = numeric(payload) else {
            return;
        };
        if !self.topics.contains_key(topic) && self.topics.len() >= MAX_TOPICS {
            return;
        }
        let points = self.topics.entry(topic.to_string()).or_default();
        if points.len() == POINTS {
            points.pop_front();
        }
        points.push_back((at, value));
    }

    /// The points of `topic`, oldest first.
    pub fn points(&self, topic: &str) -> Option<&VecDeque<(Instant, f64)>> {
        self.topics.get(topic)
    }
}

/// A chart's geometry in a `width` × `height` box.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// `x,y x,y …` for an SVG polyline.
    pub polyline: String,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Newest value.
    pub last: f64,
    /// Number of points.
    pub count: usize,
    /// Milliseconds between the first and the last point.
    pub span_ms: u64,
}

/// Lays `points` out over time in a `width` × `height` box (y grows downwards, as in SVG), with a
/// little headroom so a flat line does not sit on the edge.
pub fn chart(points: &VecDeque<(Instant, f64)>, width: f64, height: f64) -> Option<Chart> {
    let (first_at, _) = *points.front()?;
    let (last_at, last) = *points.back()?;
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for &(_, value) in points {
        min = min.min(value);
        max = max.max(value);
    }
    let span = last_at.saturating_sub(first_at);
    let range = if max > min { max - min } else { 1.0 };
    let pad = height * 0.08;
    let mut polyline = String::new();
    for (n, &(at, value)) in points.iter().enumerate() {
        let x = if span == 0 {
            if points.len() == 1 {
                width / 2.0
            } else {
                width * n as f64 / (points.len() - 1) as f64
            }
        } else {
            width * (at - first_at) as f64 / span as f64
        };
        let y = if max > min {
            pad + (height - 2.0 * pad) * (max - value) / range
        } else {
            height / 2.0
        };
        if !polyline.is_empty() {
            polyline.push(' ');
        }
        polyline.push_str(&format!("{x:.1},{y:.1}"));
    }
    Some(Chart {
        polyline,
        min,
        max,
        last,
        count: points.len(),
        span_ms: span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn numbers_are_recognised_and_text_is_not() {
        assert_eq!(numeric(b"21.5"), Some(21.5));
        assert_eq!(numeric(b" -3\n"), Some(-3.0));
        assert_eq!(numeric(b"1e3"), Some(1000.0));
        assert_eq!(numeric(b"on"), None);
        assert_eq!(numeric(b"inf"), None);
        assert_eq!(numeric(b"NaN"), None);
        assert_eq!(numeric(b""), None);
        assert_eq!(numeric(b"{\"t\":1}"), None);
    }

    #[test]
    fn series_keep_the_last_points_per_topic() {
        let mut series = Series::default();
        for n in 0..(POINTS as u64 + 5) {
            series.record("t", n.to_string().as_bytes(), n);
        }
        series.record("t", b"text", 999);
        let points = series.points("t").unwrap();
        assert_eq!(points.len(), POINTS);
        assert_eq!(points.front(), Some(&(5, 5.0)));
        assert!(series.points("other").is_none());
    }

    #[test]
    fn the_chart_spans_the_box_with_the_maximum_at_the_top() {
        let points: VecDeque<(Instant, f64)> = [(0, 10.0), (500, 20.0), (1000, 15.0)].into();
        let chart = chart(&points, 100.0, 50.0).unwrap();
        assert_eq!(chart.polyline, "0.0,46.0 50.0,4.0 100.0,25.0");
        assert_eq!((chart.min, chart.max, chart.last), (10.0, 20.0, 15.0));
        assert_eq!((chart.count, chart.span_ms), (3, 1000));
        let flat: VecDeque<(Instant, f64)> = [(3, 1.0)].into();
        assert_eq!(chart_flat(&flat), "50.0,25.0");
        assert!(super::chart(&VecDeque::new(), 1.0, 1.0).is_none());
    }

    fn chart_flat(points: &VecDeque<(Instant, f64)>) -> String {
        chart(points, 100.0, 50.0).unwrap().polyline
    }
}
