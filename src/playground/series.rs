//! Numbers over time: which payloads are numbers, and the geometry of their chart (an SVG polyline),
//! computed here so the component only draws. The points themselves live in the topic tree's nodes.
//!
//! Numbers are parsed and printed here by hand: the standard library's float parsing and formatting
//! would add tens of kilobytes to the page for what a chart needs.

use std::collections::VecDeque;

use mqtt_core::Instant;

/// Points kept per topic.
pub const POINTS: usize = 200;

/// The number a payload holds, if it is one: `21.5`, ` -3 `, `1e3`, `+0.25`.
pub fn numeric(payload: &[u8]) -> Option<f64> {
    if payload.is_empty() || payload.len() > 40 {
        return None;
    }
    let text = std::str::from_utf8(payload).ok()?.trim().as_bytes();
    let (negative, rest) = match text.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, text),
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let mut exponent: i32 = 0;
    let mut seen_point = false;
    let mut at = 0;
    while let Some(&byte) = rest.get(at) {
        match byte {
            b'0'..=b'9' => {
                if mantissa < 1_000_000_000_000_000 {
                    mantissa = mantissa * 10 + u64::from(byte - b'0');
                    if seen_point {
                        exponent -= 1;
                    }
                } else if !seen_point {
                    exponent += 1;
                }
                digits += 1;
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        at += 1;
    }
    if digits == 0 {
        return None;
    }
    if let Some(b'e' | b'E') = rest.get(at) {
        let tail = std::str::from_utf8(rest.get(at + 1..)?).ok()?;
        let power: i32 = tail.parse().ok().filter(|p: &i32| p.abs() <= 300)?;
        exponent += power;
        at = rest.len();
    }
    if at != rest.len() {
        return None;
    }
    let value = mantissa as f64 * 10f64.powi(exponent);
    value
        .is_finite()
        .then_some(if negative { -value } else { value })
}

/// `value` for people: up to three decimals, no trailing zeros (`21.5`, `-3`, `0.125`).
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return "?".into();
    }
    let negative = value < 0.0;
    let scaled = (value.abs() * 1000.0).round();
    if scaled >= 9.0e15 {
        return if negative {
            "-huge".into()
        } else {
            "huge".into()
        };
    }
    let scaled = scaled as u64;
    let (whole, fraction) = (scaled / 1000, scaled % 1000);
    let sign = if negative && scaled > 0 { "-" } else { "" };
    if fraction == 0 {
        return format!("{sign}{whole}");
    }
    let decimals = format!("{fraction:03}");
    format!("{sign}{whole}.{}", decimals.trim_end_matches('0'))
}

/// One decimal place, for SVG coordinates.
fn tenths(value: f64) -> String {
    let tenths = (value * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let tenths = tenths.unsigned_abs();
    format!("{sign}{}.{}", tenths / 10, tenths % 10)
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
        polyline.push_str(&tenths(x));
        polyline.push(',');
        polyline.push_str(&tenths(y));
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
        assert_eq!(numeric(b"+0.25"), Some(0.25));
        assert_eq!(numeric(b"1e3"), Some(1000.0));
        assert_eq!(numeric(b"2.5E-1"), Some(0.25));
        assert_eq!(numeric(b".5"), Some(0.5));
        // Beyond 18 digits the rest only scales (a chart needs no more precision).
        let big = numeric(b"12345678901234567890").unwrap();
        assert!((big / 1.2345678901234567e19 - 1.0).abs() < 1e-12);
        for text in [
            &b"on"[..],
            b"inf",
            b"NaN",
            b"",
            b"{\"t\":1}",
            b"1.2.3",
            b"-",
            b"1e",
            b"3 C",
            b"1e999",
        ] {
            assert_eq!(numeric(text), None, "{text:?}");
        }
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(format_number(21.5), "21.5");
        assert_eq!(format_number(-3.0), "-3");
        assert_eq!(format_number(0.125), "0.125");
        assert_eq!(format_number(0.1239), "0.124");
        assert_eq!(format_number(-0.0001), "0");
        assert_eq!(format_number(1e20), "huge");
    }

    #[test]
    fn the_chart_spans_the_box_with_the_maximum_at_the_top() {
        let points: VecDeque<(Instant, f64)> = [(0, 10.0), (500, 20.0), (1000, 15.0)].into();
        let chart = chart(&points, 100.0, 50.0).unwrap();
        assert_eq!(chart.polyline, "0.0,46.0 50.0,4.0 100.0,25.0");
        assert_eq!((chart.min, chart.max, chart.last), (10.0, 20.0, 15.0));
        assert_eq!((chart.count, chart.span_ms), (3, 1000));
        let flat: VecDeque<(Instant, f64)> = [(3, 1.0)].into();
        assert_eq!(
            super::chart(&flat, 100.0, 50.0).unwrap().polyline,
            "50.0,25.0"
        );
        assert!(super::chart(&VecDeque::new(), 1.0, 1.0).is_none());
    }
}
