//! `decode_traced` against arbitrary bytes: the spans it records describe the packet truthfully.
//!
//! Input: `control, bytes...`; `control` bit 0 picks the version (0 = 3.1.1, 1 = 5.0).
//!
//! Properties checked:
//! 1. `decode_traced` returns exactly what `decode` returns (tracing changes nothing);
//! 2. spans lie within the packet (the decoded length on success, the input after an error);
//! 3. spans form a tree in pre-order: the first has depth 0, depth grows by at most one from one span to
//!    the next, and every span lies inside its parent (the nearest earlier span one level up);
//! 4. on success the top-level spans cover the packet from byte 0 to its last byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mqtt_core::codec::Spans;
use mqtt_core::{decode, decode_traced, ProtocolVersion};

fuzz_target!(|data: &[u8]| {
    let Some((&control, bytes)) = data.split_first() else {
        return;
    };
    let version = if control & 1 == 0 {
        ProtocolVersion::V311
    } else {
        ProtocolVersion::V5
    };
    let mut spans = Spans::new();
    let traced = decode_traced(bytes, version, &mut spans);
    let plain = decode(bytes, version);
    assert_eq!(traced, plain, "decode_traced and decode disagree");

    let limit = match &traced {
        Ok(Some((_, len))) => *len,
        Ok(None) => bytes.len(),
        Err(_) => bytes.len(),
    };
    let spans = spans.as_slice();
    // (depth, start, end) of the open ancestors of the current span.
    let mut parents: Vec<(u8, usize, usize)> = Vec::new();
    let mut previous_depth: Option<u8> = None;
    for (index, span) in spans.iter().enumerate() {
        let end = span
            .start
            .checked_add(span.len)
            .expect("span end overflows");
        assert!(
            end <= limit,
            "span {index} {:?} ends at {end}, past the packet ({limit} bytes); spans: {spans:#?}",
            span.field.name
        );
        match previous_depth {
            None => assert_eq!(span.depth, 0, "the first span is not at depth 0"),
            Some(depth) => assert!(
                span.depth <= depth + 1,
                "span {index} skips a level; spans: {spans:#?}"
            ),
        }
        previous_depth = Some(span.depth);
        while parents
            .last()
            .is_some_and(|&(depth, _, _)| depth >= span.depth)
        {
            parents.pop();
        }
        if let Some(&(_, parent_start, parent_end)) = parents.last() {
            assert!(
                parent_start <= span.start && end <= parent_end,
                "span {index} {:?} {}..{end} is outside its parent {parent_start}..{parent_end}; spans: {spans:#?}",
                span.field.name,
                span.start
            );
        }
        parents.push((span.depth, span.start, end));
    }
    if let Ok(Some((_, len))) = &traced {
        let top: Vec<_> = spans.iter().filter(|span| span.depth == 0).collect();
        let first = top.first().expect("a decoded packet has spans");
        let last_end = top
            .iter()
            .map(|span| span.start + span.len)
            .max()
            .unwrap_or(0);
        assert_eq!(
            first.start, 0,
            "the first top-level span does not start at byte 0"
        );
        assert_eq!(
            last_end, *len,
            "the top-level spans do not reach the end of the packet"
        );
    }
});
