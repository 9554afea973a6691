//! Drawing a [`Scene`]: the shapes the page and the exported file share (where a packet in flight
//! is, where a label goes, the cross of a lost packet), and the diagram as a standalone SVG file with
//! its styles inline, so it opens the same in any viewer, slide or PNG converter.

use std::fmt::Write;

use super::diagram::{Arrow, Fate, MarkView, Scene};

/// Room above the first step for the lifelines' names.
pub const HEAD: f32 = 30.0;

/// A coordinate as SVG text, to a tenth of a pixel. Why not `f32`'s `Display`: it prints every digit
/// of the shortest round trip (`12.333333`), and it is the only use of float formatting in the page —
/// a float printer (Grisu with a Dragon fallback and their tables) is kilobytes of WebAssembly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Px(pub f32);

impl std::fmt::Display for Px {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Saturating cast: a coordinate far outside any screen still prints as a number.
        let tenths = (self.0 * 10.0).round() as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let (whole, tenth) = (tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10);
        if tenth == 0 {
            write!(f, "{sign}{whole}")
        } else {
            write!(f, "{sign}{whole}.{tenth}")
        }
    }
}

/// [`Px`] as a string, for attributes.
pub fn px(value: f32) -> String {
    Px(value).to_string()
}

/// How far along its flight a packet is at `time` (0 just written, 1 arrived); 1 without a flight.
pub fn progress(flight: Option<(f64, f64)>, time: f64) -> f32 {
    match flight {
        Some((left, due)) if due > left => ((time - left) / (due - left)).clamp(0.0, 1.0) as f32,
        Some(_) => 1.0,
        None => 1.0,
    }
}

/// Where an arrow's tip is drawn at `progress` of its way.
pub fn tip(arrow: &Arrow, progress: f32) -> (f32, f32) {
    (
        arrow.x1 + (arrow.x2 - arrow.x1) * progress,
        arrow.y1 + (arrow.y2 - arrow.y1) * progress,
    )
}

/// Where an arrow's label goes: centred on the arrow (in flight: on its whole way), 4 px above it
/// and turned with it, reading left to right — as in hand-drawn sequence diagrams. Steps are at
/// least `MIN_GAP` apart, so a label fits between its arrow and the one before; the ends stay clear
/// for the arrowheads. Returns x, y and the angle in degrees.
pub fn label_at(arrow: &Arrow) -> (f32, f32, f32) {
    let (dx, dy) = (arrow.x2 - arrow.x1, arrow.y2 - arrow.y1);
    let angle = if dx.abs() < f32::EPSILON {
        0.0
    } else if dx > 0.0 {
        dy.atan2(dx).to_degrees()
    } else {
        (-dy).atan2(-dx).to_degrees()
    };
    (
        arrow.x1 + dx / 2.0,
        arrow.y1 + dy / 2.0 - 4.0,
        (angle * 10.0).round() / 10.0,
    )
}

/// The two strokes of a lost packet's cross.
pub fn cross(x: f32, y: f32) -> [(f32, f32, f32, f32); 2] {
    const R: f32 = 5.0;
    [(x - R, y - R, x + R, y + R), (x - R, y + R, x + R, y - R)]
}

/// A mark's words: beside its lifeline, towards the outside.
pub fn mark_text_at(mark: &MarkView) -> (f32, &'static str) {
    if mark.left {
        (mark.x - 9.0, "end")
    } else {
        (mark.x + 9.0, "start")
    }
}

/// CSS class of an arrow's fate.
pub fn fate_class(fate: Fate) -> &'static str {
    match fate {
        Fate::Arrived => "arrived",
        Fate::InFlight => "in-flight",
        Fate::Lost => "lost",
    }
}

/// Text for XML: `&`, `<`, `>` and quotes escaped (payloads are anybody's text).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn colour(fate: Fate, dup: bool) -> &'static str {
    match (fate, dup) {
        (Fate::Lost, _) => "#b91c1c",
        (Fate::InFlight, _) => "#1d4ed8",
        (Fate::Arrived, true) => "#b45309",
        (Fate::Arrived, false) => "#1f2937",
    }
}

fn mark_colour(class: &str) -> &'static str {
    match class {
        "delivered" => "#15803d",
        "suppressed" => "#7c3aed",
        "cut" | "closed" => "#b91c1c",
        _ => "#475569",
    }
}

/// The whole scene as a standalone SVG document (light colours, styles inline), at the playhead's
/// `time` for packets in flight.
pub fn standalone(scene: &Scene, title: &str, time: f64) -> String {
    let (width, height) = (Px(scene.width), Px(scene.height + HEAD));
    let (head, gutter) = (Px(HEAD), Px(scene.across.gutter));
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="system-ui, sans-serif" font-size="11"><title>{}</title><defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="context-stroke"/></marker></defs><rect width="100%" height="100%" fill="#ffffff"/>"##,
        escape(title)
    );
    for lane in &scene.lanes {
        let _ = write!(
            s,
            r##"<line x1="{x}" y1="{head}" x2="{x}" y2="{height}" stroke="#94a3b8" stroke-dasharray="4 4"/><text x="{x}" y="18" text-anchor="middle" font-weight="bold" font-size="12" fill="#0f172a">{}</text>"##,
            escape(&lane.name),
            x = Px(lane.x),
        );
    }
    let _ = write!(s, r#"<g transform="translate(0 {head})">"#);
    for arrow in &scene.arrows {
        let stroke = colour(arrow.fate, arrow.dup);
        let (tx, ty) = tip(arrow, progress(arrow.flight, time));
        let (px_tx, px_ty) = (Px(tx), Px(ty));
        let dash = if arrow.fate == Fate::InFlight {
            r#" stroke-dasharray="6 3""#
        } else {
            ""
        };
        let marker = if arrow.fate == Fate::Lost {
            ""
        } else {
            r#" marker-end="url(#head)""#
        };
        let _ = write!(
            s,
            r#"<line x1="{}" y1="{}" x2="{px_tx}" y2="{px_ty}" stroke="{stroke}" stroke-width="1.6"{dash}{marker}/>"#,
            Px(arrow.x1),
            Px(arrow.y1)
        );
        if arrow.fate == Fate::Lost {
            for (x1, y1, x2, y2) in cross(tx, ty) {
                let (x1, y1, x2, y2) = (Px(x1), Px(y1), Px(x2), Px(y2));
                let _ = write!(
                    s,
                    r#"<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{stroke}" stroke-width="2.2"/>"#
                );
            }
        }
        let (lx, ly, angle) = label_at(arrow);
        let (lx, ly, angle) = (Px(lx), Px(ly), Px(angle));
        let marks = arrow.mark_words().map_or("", |(_, words)| words);
        let _ = write!(
            s,
            r##"<text x="{lx}" y="{ly}" text-anchor="middle" transform="rotate({angle} {lx} {ly})" fill="{stroke}" stroke="#ffffff" stroke-width="3" paint-order="stroke">{}{marks}</text><text x="4" y="{}" fill="#64748b" font-size="10">{}</text>"##,
            escape(&arrow.label),
            Px(arrow.y + 3.0),
            escape(&arrow.time)
        );
    }
    for mark in &scene.marks {
        let fill = mark_colour(mark.class);
        let (tx, anchor) = mark_text_at(mark);
        let tx = Px(tx);
        let _ = write!(
            s,
            r#"<circle cx="{}" cy="{}" r="4.5" fill="{fill}"/><text x="{tx}" y="{}" text-anchor="{anchor}" fill="{fill}">{}</text>"#,
            Px(mark.x),
            Px(mark.y),
            Px(mark.y + 4.0),
            escape(&mark.text)
        );
    }
    let _ = write!(
        s,
        r##"<line x1="{gutter}" y1="{y}" x2="{width}" y2="{y}" stroke="#0ea5e9" stroke-dasharray="2 3"/></g></svg>"##,
        y = Px(scene.cursor_y + 6.0)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::diagram::Lane;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn arrow(fate: Fate, x2: f32, flight: Option<(f64, f64)>) -> Arrow {
        Arrow {
            index: 0,
            x1: 100.0,
            y1: 50.0,
            x2,
            y2: 80.0,
            y: 50.0,
            label: "PUBLISH #1 QoS 2".into(),
            fate,
            dup: false,
            flight,
            time: "0.000 s".into(),
            text: String::new(),
            name: String::new(),
        }
    }

    #[test]
    fn coordinates_print_to_a_tenth_of_a_pixel() {
        assert_eq!(px(100.0), "100");
        assert_eq!(px(12.5), "12.5");
        assert_eq!(px(12.333_333), "12.3");
        assert_eq!(px(0.96), "1");
        assert_eq!(px(-7.25), "-7.3");
        assert_eq!(px(-0.04), "0");
        assert_eq!(format!("rotate({} 1 2)", Px(-26.565)), "rotate(-26.6 1 2)");
    }

    #[test]
    fn a_packet_in_flight_moves_from_its_sender_to_its_receiver() {
        let a = arrow(Fate::InFlight, 300.0, Some((1_000.0, 1_050.0)));
        assert_eq!(progress(a.flight, 900.0), 0.0);
        assert_eq!(progress(a.flight, 1_025.0), 0.5);
        assert_eq!(progress(a.flight, 2_000.0), 1.0);
        assert_eq!(tip(&a, 0.5), (200.0, 65.0));
        assert_eq!(progress(None, 0.0), 1.0);
        // Centred above the arrow and turned with it: 30 px down over 200 px is 8.5°.
        assert_eq!(label_at(&a), (200.0, 61.0, 8.5));
        // Right to left, the text still reads left to right: the same slope the other way.
        let back = arrow(Fate::Arrived, 20.0, None);
        assert_eq!(label_at(&back), (60.0, 61.0, -20.6));
    }

    #[test]
    fn the_exported_file_stands_alone_and_escapes_payloads() {
        let scene = Scene {
            lanes: vec![
                Lane {
                    client: Some(1),
                    name: "a<b".into(),
                    x: 160.0,
                },
                Lane {
                    client: None,
                    name: "broker".into(),
                    x: 336.0,
                },
            ],
            across: Default::default(),
            width: 500.0,
            height: 200.0,
            arrows: vec![
                arrow(Fate::Arrived, 336.0, None),
                arrow(Fate::Lost, 250.0, None),
            ],
            marks: vec![MarkView {
                x: 160.0,
                y: 90.0,
                left: true,
                text: "✓ delivered “<img src=x>”".into(),
                class: "delivered",
            }],
            cursor_y: 90.0,
        };
        let svg = standalone(&scene, "QoS 2 & friends", 0.0);
        assert!(
            svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" width="500" height="230""#)
        );
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("<title>QoS 2 &amp; friends</title>"));
        assert!(svg.contains("a&lt;b"));
        assert!(svg.contains("&lt;img src=x&gt;") && !svg.contains("<img"));
        assert_eq!(
            svg.matches("marker-end").count(),
            1,
            "no arrowhead on the lost one"
        );
        assert_eq!(svg.matches("✕ lost").count(), 1);
        assert!(!svg.contains("class="), "styles are inline");
        assert_eq!(
            svg.matches(r#"text-anchor="middle" transform="rotate("#)
                .count(),
            2,
            "labels turned with their arrows"
        );
    }
}
