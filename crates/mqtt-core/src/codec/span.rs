//! Byte spans of decoded fields, for annotating bytes the way Wireshark does.
//!
//! Decoding is generic over a [`SpanSink`]. The plain decoder passes [`NoSpans`], whose methods are empty
//! and inlined away, so describing fields costs nothing unless someone asks for it: every description is
//! built inside a closure that only [`Spans`] calls. The inspector passes [`Spans`] and gets a pre-order
//! list of fields with depths, which is a tree without any pointers.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

/// What a field is, as shown next to its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Field name, e.g. `Topic name` or `Session Expiry Interval`.
    pub name: Cow<'static, str>,
    /// The decoded value rendered for people, e.g. `"a/b"` or `30 s`; empty for groups.
    pub value: String,
    /// One line explaining what the field means.
    pub explain: Cow<'static, str>,
}

impl Field {
    /// A field with a static name and explanation.
    pub fn new(name: &'static str, value: String, explain: &'static str) -> Self {
        Field {
            name: Cow::Borrowed(name),
            value,
            explain: Cow::Borrowed(explain),
        }
    }
}

/// A decoded field and the bytes it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Offset of the first byte, from the start of the packet.
    pub start: usize,
    /// Number of bytes (groups cover their children).
    pub len: usize,
    /// Nesting depth: 0 for the top-level parts (fixed header, variable header, payload).
    pub depth: u8,
    /// For a field packed into part of one byte (packet type, flags, connect flags): its bits, as
    /// (highest, lowest), e.g. `(7, 4)` for the packet type nibble.
    pub bits: Option<(u8, u8)>,
    /// What the field is.
    pub field: Field,
}

impl Span {
    /// One past the last byte.
    pub fn end(&self) -> usize {
        self.start + self.len
    }

    /// Whether `offset` lies inside this span.
    pub fn contains(&self, offset: usize) -> bool {
        offset >= self.start && offset < self.end()
    }
}

/// Receives field spans while a packet is decoded.
pub trait SpanSink {
    /// A field covering `start..end`.
    fn leaf(&mut self, start: usize, end: usize, field: impl FnOnce() -> Field);
    /// Opens a group starting at `start`; fields recorded until [`SpanSink::close`] are its children.
    /// Returns a token for `close`.
    fn open(&mut self, start: usize, field: impl FnOnce() -> Field) -> usize;
    /// Closes the group `token` at `end`.
    fn close(&mut self, token: usize, end: usize);
    /// A field made of bits `high..=low` of the byte at `at`.
    fn bits(&mut self, at: usize, high: u8, low: u8, field: impl FnOnce() -> Field);
}

/// The sink that records nothing: plain, fast decoding.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoSpans;

impl SpanSink for NoSpans {
    #[inline(always)]
    fn leaf(&mut self, _: usize, _: usize, _: impl FnOnce() -> Field) {}
    #[inline(always)]
    fn open(&mut self, _: usize, _: impl FnOnce() -> Field) -> usize {
        0
    }
    #[inline(always)]
    fn close(&mut self, _: usize, _: usize) {}
    #[inline(always)]
    fn bits(&mut self, _: usize, _: u8, _: u8, _: impl FnOnce() -> Field) {}
}

/// The sink that records every field, in pre-order with depths.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Spans {
    spans: Vec<Span>,
    open: Vec<usize>,
}

impl Spans {
    /// An empty recorder.
    pub fn new() -> Self {
        Spans::default()
    }

    /// The recorded spans, parents before their children.
    pub fn as_slice(&self) -> &[Span] {
        &self.spans
    }

    /// Takes the recorded spans.
    pub fn into_vec(self) -> Vec<Span> {
        self.spans
    }

    /// Closes every group still open at `end`: after a decode error, the groups being read reach up to
    /// the failure, so the tree still shows where decoding stopped.
    pub fn close_all(&mut self, end: usize) {
        while let Some(token) = self.open.last().copied() {
            self.close(token, end);
        }
    }

    /// Every span containing `offset`, outermost first, with its index: a byte can belong to several
    /// fields at once (byte 0 holds both the packet type and the flags).
    pub fn fields_at(&self, offset: usize) -> impl Iterator<Item = (usize, &Span)> + '_ {
        self.spans
            .iter()
            .enumerate()
            .filter(move |(_, span)| span.contains(offset))
    }

    /// The field a decode error blames: the one covering exactly the error's bits when it names bits
    /// (a wrong flag), else the deepest field at the error's offset.
    pub fn field_for_error(&self, error: &super::DecodeError) -> Option<usize> {
        error
            .bits
            .and_then(|bits| {
                self.fields_at(error.offset)
                    .filter(|(_, span)| span.bits == Some(bits))
                    .map(|(index, _)| index)
                    .last()
            })
            .or_else(|| self.innermost_at(error.offset))
    }

    /// Forgets everything recorded.
    pub fn clear(&mut self) {
        self.spans.clear();
        self.open.clear();
    }

    /// The deepest span containing `offset` (the field a byte belongs to); among fields sharing the byte
    /// at the same depth (bit fields), the first.
    pub fn innermost_at(&self, offset: usize) -> Option<usize> {
        let mut best: Option<(usize, u8)> = None;
        for (index, span) in self.spans.iter().enumerate() {
            if span.contains(offset) && best.is_none_or(|(_, depth)| span.depth > depth) {
                best = Some((index, span.depth));
            }
        }
        best.map(|(index, _)| index)
    }
}

impl SpanSink for Spans {
    fn leaf(&mut self, start: usize, end: usize, field: impl FnOnce() -> Field) {
        let depth = u8::try_from(self.open.len()).unwrap_or(u8::MAX);
        self.spans.push(Span {
            start,
            len: end.saturating_sub(start),
            depth,
            bits: None,
            field: field(),
        });
    }

    fn bits(&mut self, at: usize, high: u8, low: u8, field: impl FnOnce() -> Field) {
        self.leaf(at, at + 1, field);
        if let Some(span) = self.spans.last_mut() {
            span.bits = Some((high, low));
        }
    }

    fn open(&mut self, start: usize, field: impl FnOnce() -> Field) -> usize {
        self.leaf(start, start, field);
        let token = self.spans.len() - 1;
        self.open.push(token);
        token
    }

    fn close(&mut self, token: usize, end: usize) {
        if let Some(position) = self.open.iter().rposition(|&open| open == token) {
            self.open.truncate(position);
        }
        // A group reaches at least to the end of its last child: an error found after reading on
        // (e.g. an empty topic judged once the properties are known) may blame bytes before them.
        let children_end = self
            .spans
            .get(token + 1..)
            .unwrap_or_default()
            .iter()
            .map(Span::end)
            .max()
            .unwrap_or(end);
        if let Some(span) = self.spans.get_mut(token) {
            span.len = end.max(children_end).saturating_sub(span.start);
        }
    }
}
