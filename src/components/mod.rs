//! Function components. Each renders its props and reports what the user did through callbacks;
//! none holds state of its own or knows anything about MQTT bytes.

pub mod builder_form;
pub mod decode_status;
pub mod el;
pub mod field_tree;
pub mod hex_error;
pub mod hex_view;
pub mod input_panel;
pub mod packet_list;
pub mod page_header;
pub mod playground;
pub mod result_panel;

use yew::{Callback, Event};

use el::{el, input, El};

/// A checkbox inside its `<label class="check">`; the label's words follow it.
pub fn checkbox(id: &'static str, on: bool, on_change: Callback<Event>) -> El {
    el("label").class("check").child(
        input()
            .id(id)
            .attr("type", "checkbox")
            .checked(on)
            .on_change(on_change),
    )
}

/// A [`checkbox`] with its words and a hint after them.
pub fn hinted_checkbox(
    id: &'static str,
    on: bool,
    on_change: Callback<Event>,
    label: &'static str,
    hint: &'static str,
) -> El {
    checkbox(id, on, on_change)
        .text(label)
        .child(el("span").class("hint").text(hint))
}

/// "byte 5", "bytes 2–21" or "no bytes (at 26)": a span's place, as the tree and status lines show it.
pub fn byte_range_label(start: usize, len: usize) -> String {
    match len {
        0 => format!("no bytes (at {start})"),
        1 => format!("byte {start}"),
        _ => format!("bytes {start}–{}", start + len - 1),
    }
}

/// "byte 0 · bits 7–4" for a field packed into part of a byte, else [`byte_range_label`].
pub fn span_label(span: &mqtt_core::codec::Span) -> String {
    let bytes = byte_range_label(span.start, span.len);
    match span.bits {
        Some((high, low)) if high == low => format!("{bytes} · bit {high}"),
        Some((high, low)) => format!("{bytes} · bits {high}–{low}"),
        None => bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqtt_core::codec::{Field, Span};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn bit_fields_name_their_bits() {
        let span = |bits| Span {
            start: 0,
            len: 1,
            depth: 1,
            bits,
            field: Field::new("Flags", String::new(), ""),
        };
        assert_eq!(span_label(&span(Some((3, 0)))), "byte 0 · bits 3–0");
        assert_eq!(span_label(&span(Some((5, 5)))), "byte 0 · bit 5");
        assert_eq!(span_label(&span(None)), "byte 0");
        assert_eq!(byte_range_label(2, 6), "bytes 2–7");
    }
}
