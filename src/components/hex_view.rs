//! The packet's bytes, 16 to a row, with offsets and printable characters.
//!
//! Offsets are decimal and count from the packet's first byte, the same numbers the field tree and the
//! error message use ("byte 17"), so a student never converts between bases to find a byte.
//!
//! Each row is its own component whose props hold only the part of the highlight inside that row, so
//! when the pointer moves, only the rows whose marking changed render again — a 16 KB payload stays
//! responsive.

use std::ops::Range;
use std::rc::Rc;

use yew::prelude::*;

use super::el::el;
use crate::inspector::hex::byte_hex;
use crate::inspector::highlight::Pointer;
use crate::inspector::inspection::PacketView;

/// Bytes per row.
const ROW: usize = 16;

#[derive(Properties, PartialEq)]
pub struct HexViewProps {
    /// The packet whose bytes are shown.
    pub packet: Rc<PacketView>,
    /// Bytes to mark for the current pointer.
    pub lit: Range<usize>,
    /// Bytes a decode error blames.
    pub error: Option<Range<usize>>,
    /// The pointer moved onto a byte, or off the view.
    pub on_hover: Callback<Option<Pointer>>,
    /// A byte was clicked.
    pub on_pin: Callback<Option<Pointer>>,
}

/// The hex view.
#[function_component(HexView)]
pub fn hex_view(props: &HexViewProps) -> Html {
    let on_leave = props.on_hover.reform(|_: MouseEvent| None);
    let rows = props.packet.bytes.len().div_ceil(ROW);
    let error = props.error.clone().unwrap_or(0..0);
    el("div")
        .class("hex-pane")
        .child(
            el("h3")
                .id("hex-heading")
                .class("pane-heading")
                .text("Bytes ")
                .child(
                    el("span")
                        .class("hint")
                        .text("offsets from the packet's first byte"),
                ),
        )
        .child(
            el("div")
                .class("hex-view")
                .attr("data-testid", "hex-view")
                .attr("role", "group")
                .attr("aria-labelledby", "hex-heading")
                // Scrolls sideways on a phone: focusable, so the keyboard can scroll it too.
                .attr("tabindex", "0")
                .on_mouseleave(on_leave)
                .child(
                    el("div")
                        .class("hex-row hex-ruler")
                        .attr("aria-hidden", "true")
                        .child(el("span").class("hex-offset"))
                        .child(
                            el("span")
                                .class("hex-bytes")
                                .children((0..ROW).map(|column| {
                                    el("span")
                                        .class("ruler-cell")
                                        .text(column.to_string())
                                        .into()
                                })),
                        )
                        .child(
                            el("span")
                                .class("hex-ascii")
                                .child(el("span").class("ruler-text").text("text")),
                        ),
                )
                .children((0..rows).map(|row| {
                    let span = row * ROW..(row + 1) * ROW;
                    html! {
                        <HexRow
                            key={row}
                            packet={props.packet.clone()}
                            {row}
                            lit={within(&props.lit, &span)}
                            error={within(&error, &span)}
                            on_hover={props.on_hover.clone()}
                            on_pin={props.on_pin.clone()}
                        />
                    }
                })),
        )
        .into()
}

/// The part of `range` inside `row`; every empty result is `0..0`, so rows without marks compare equal.
fn within(range: &Range<usize>, row: &Range<usize>) -> Range<usize> {
    let start = range.start.max(row.start);
    let end = range.end.min(row.end);
    if start < end {
        start..end
    } else {
        0..0
    }
}

#[derive(Properties, PartialEq)]
struct HexRowProps {
    packet: Rc<PacketView>,
    /// Row number: bytes `row * 16` to `row * 16 + 15`.
    row: usize,
    /// Lit bytes in this row.
    lit: Range<usize>,
    /// Bytes of this row an error blames.
    error: Range<usize>,
    on_hover: Callback<Option<Pointer>>,
    on_pin: Callback<Option<Pointer>>,
}

/// One row: offset, up to 16 hex pairs, and the same bytes as text.
#[function_component(HexRow)]
fn hex_row(props: &HexRowProps) -> Html {
    let first = props.row * ROW;
    let chunk = props.packet.bytes.get(first..).unwrap_or_default();
    let chunk = chunk.get(..ROW).unwrap_or(chunk);
    let cells = |as_text: bool| {
        chunk
            .iter()
            .enumerate()
            .map(move |(column, &byte)| cell(props, first + column, byte, as_text))
    };
    el("div")
        .class("hex-row")
        .child(
            el("span")
                .class("hex-offset")
                .attr("aria-hidden", "true")
                .text(first.to_string()),
        )
        .child(el("span").class("hex-bytes").children(cells(false)))
        .child(
            el("span")
                .class("hex-ascii")
                .attr("aria-hidden", "true")
                .children(cells(true)),
        )
        .into()
}

/// One byte, as a hex pair (`span.byte`, one per byte) or as its character in the text column.
fn cell(props: &HexRowProps, offset: usize, byte: u8, as_text: bool) -> Html {
    let in_error = props.error.contains(&offset);
    let lit = props.lit.contains(&offset) || in_error;
    let flag = |on: bool| if on { "true" } else { "false" };
    let on_enter = props
        .on_hover
        .reform(move |_: MouseEvent| Some(Pointer::Byte(offset)));
    let on_click = props
        .on_pin
        .reform(move |_: MouseEvent| Some(Pointer::Byte(offset)));
    let class = classes!(
        if as_text { "ascii-char" } else { "byte" },
        lit.then_some("lit"),
        in_error.then_some("error")
    );
    let cell = el("span")
        .class(&class)
        .attr("data-highlighted", flag(lit))
        .on_mouseenter(on_enter)
        .on_click(on_click);
    if as_text {
        let shown = if byte.is_ascii_graphic() || byte == b' ' {
            char::from(byte)
        } else {
            '·'
        };
        cell.text(shown.to_string()).into()
    } else {
        cell.attr("data-offset", offset.to_string())
            .attr_opt("data-error", in_error.then_some("true"))
            .attr(
                "title",
                format!("byte {offset}: 0x{} = {byte}", byte_hex(byte)),
            )
            .text(byte_hex(byte))
            .into()
    }
}
