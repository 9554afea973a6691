//! A payload shown four ways: text, pretty JSON, hex and base64. MQTT never looks inside a payload,
//! so neither do we until asked; every view is plain text that components put in text nodes (never
//! HTML), so `<img src=x onerror=alert(1)>` shows literally.

use base64::Engine as _;

use crate::inspector::hex::byte_hex;

/// How to show a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PayloadView {
    /// UTF-8 text.
    #[default]
    Text,
    /// Pretty-printed JSON.
    Json,
    /// Hex with offsets and the printable characters.
    Hex,
    /// Base64.
    Base64,
}

impl PayloadView {
    /// All views, in the order of the switcher.
    pub const ALL: [PayloadView; 4] = [
        PayloadView::Text,
        PayloadView::Json,
        PayloadView::Hex,
        PayloadView::Base64,
    ];

    /// Its name in the switcher.
    pub fn label(self) -> &'static str {
        match self {
            PayloadView::Text => "Text",
            PayloadView::Json => "JSON",
            PayloadView::Hex => "Hex",
            PayloadView::Base64 => "Base64",
        }
    }
}

/// A payload rendered: the text to show, and a note when the view does not fit the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The text to show (in a text node).
    pub text: String,
    /// Why the view could not show the bytes as they are, if so.
    pub note: Option<String>,
}

/// Payloads longer than this are cut in the viewer (the export keeps them whole).
pub const MAX_SHOWN: usize = 64 * 1024;

/// `payload` as `view`.
pub fn render(payload: &[u8], view: PayloadView) -> Rendered {
    let (shown, cut) = match payload.get(..MAX_SHOWN) {
        Some(head) if payload.len() > MAX_SHOWN => (head, true),
        _ => (payload, false),
    };
    let mut rendered = match view {
        PayloadView::Text => match std::str::from_utf8(shown) {
            Ok(text) => Rendered {
                text: text.to_string(),
                note: None,
            },
            Err(_) => Rendered {
                text: String::from_utf8_lossy(shown).into_owned(),
                note: Some(
                    "Not valid UTF-8: bytes that are not text show as �. The Hex view shows them all."
                        .into(),
                ),
            },
        },
        PayloadView::Json => match pretty_json(payload) {
            Ok(text) => Rendered { text, note: None },
            Err(error) => Rendered {
                text: String::from_utf8_lossy(shown).into_owned(),
                note: Some(format!("Not JSON: {error}. Shown as text.")),
            },
        },
        PayloadView::Hex => Rendered {
            text: hex_dump(shown),
            note: None,
        },
        PayloadView::Base64 => Rendered {
            text: base64::engine::general_purpose::STANDARD.encode(payload),
            note: None,
        },
    };
    if cut && view != PayloadView::Base64 && rendered.note.is_none() {
        rendered.note = Some(format!(
            "Showing the first {} KiB of {} bytes.",
            MAX_SHOWN / 1024,
            payload.len()
        ));
    }
    rendered
}

/// A one-line preview for the message log: the text with control characters made visible, cut at
/// `max` characters; or a hex start for binary payloads.
pub fn preview(payload: &[u8], max: usize) -> String {
    if payload.is_empty() {
        return "(empty)".into();
    }
    let head = payload.get(..max.saturating_mul(4)).unwrap_or(payload);
    match std::str::from_utf8(head) {
        Ok(text) => one_line(text, max),
        // A multi-byte character cut at the end of `head` is still text.
        Err(error) if error.error_len().is_none() && error.valid_up_to() > 0 => one_line(
            head.get(..error.valid_up_to())
                .map_or("", |b| std::str::from_utf8(b).unwrap_or("")),
            max,
        ),
        Err(_) => {
            let bytes: Vec<String> = payload.iter().take(max / 3).map(|&b| byte_hex(b)).collect();
            format!(
                "0x {}{}",
                bytes.join(" "),
                if payload.len() > max / 3 { " …" } else { "" }
            )
        }
    }
}

fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        out.push(match c {
            '\n' => '⏎',
            '\t' => '→',
            c if c.is_control() => '·',
            c => c,
        });
    }
    out
}

/// Hex with offsets, 16 bytes a line, and the printable characters.
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (row, chunk) in bytes.chunks(16).enumerate() {
        if row > 0 {
            out.push('\n');
        }
        out.push_str(&format!("{:06x}  ", row * 16));
        for n in 0..16 {
            match chunk.get(n) {
                Some(&byte) => {
                    out.push_str(&byte_hex(byte));
                    out.push(' ');
                }
                None => out.push_str("   "),
            }
            if n == 7 {
                out.push(' ');
            }
        }
        out.push(' ');
        for &byte in chunk {
            out.push(if byte.is_ascii_graphic() || byte == b' ' {
                char::from(byte)
            } else {
                '·'
            });
        }
    }
    out
}

/// Pretty-prints JSON (two-space indent), keeping key order and number text exactly as sent, or says
/// where it is not JSON.
pub fn pretty_json(bytes: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    let mut parser = Json {
        text,
        at: 0,
        out: String::with_capacity(text.len() * 2),
    };
    parser.skip_space();
    parser.value(0)?;
    parser.skip_space();
    if parser.at < text.len() {
        return Err(format!("unexpected text at character {}", parser.at + 1));
    }
    Ok(parser.out)
}

/// A strict JSON reader that writes the pretty form as it reads.
struct Json<'a> {
    text: &'a str,
    at: usize,
    out: String,
}

impl Json<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    fn error(&self, what: &str) -> String {
        match self.peek() {
            Some(_) => format!("{what} at character {}", self.at + 1),
            None => format!("{what} at the end"),
        }
    }

    fn newline(&mut self, depth: usize) {
        self.out.push('\n');
        for _ in 0..depth {
            self.out.push_str("  ");
        }
    }

    fn value(&mut self, depth: usize) -> Result<(), String> {
        if depth > 200 {
            return Err("nested too deeply".into());
        }
        match self.peek() {
            Some(b'{') => self.container(depth, b'}', true),
            Some(b'[') => self.container(depth, b']', false),
            Some(b'"') => self.string(),
            Some(b't') => self.word("true"),
            Some(b'f') => self.word("false"),
            Some(b'n') => self.word("null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error("expected a value")),
        }
    }

    fn container(&mut self, depth: usize, close: u8, object: bool) -> Result<(), String> {
        self.out.push(if object { '{' } else { '[' });
        self.at += 1;
        self.skip_space();
        if self.peek() == Some(close) {
            self.at += 1;
            self.out.push(char::from(close));
            return Ok(());
        }
        loop {
            self.newline(depth + 1);
            if object {
                if self.peek() != Some(b'"') {
                    return Err(self.error("expected a \"key\""));
                }
                self.string()?;
                self.skip_space();
                if self.peek() != Some(b':') {
                    return Err(self.error("expected ':'"));
                }
                self.at += 1;
                self.out.push_str(": ");
                self.skip_space();
            }
            self.value(depth + 1)?;
            self.skip_space();
            match self.peek() {
                Some(b',') => {
                    self.at += 1;
                    self.out.push(',');
                    self.skip_space();
                }
                Some(c) if c == close => {
                    self.at += 1;
                    self.newline(depth);
                    self.out.push(char::from(close));
                    return Ok(());
                }
                _ => {
                    return Err(self.error(if object {
                        "expected ',' or '}'"
                    } else {
                        "expected ',' or ']'"
                    }))
                }
            }
        }
    }

    fn string(&mut self) -> Result<(), String> {
        let start = self.at;
        self.at += 1;
        loop {
            match self.peek() {
                None => return Err("unterminated string at the end".into()),
                Some(b'"') => {
                    self.at += 1;
                    break;
                }
                Some(b'\\') => {
                    self.at += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.at += 1
                        }
                        Some(b'u') => {
                            let hex = self.text.get(self.at + 1..self.at + 5).unwrap_or("");
                            if hex.len() != 4 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                                return Err(self.error("bad \\u escape"));
                            }
                            self.at += 5;
                        }
                        _ => return Err(self.error("bad escape")),
                    }
                }
                Some(c) if c < 0x20 => return Err(self.error("control character in a string")),
                Some(_) => self.at += 1,
            }
        }
        self.out
            .push_str(self.text.get(start..self.at).unwrap_or_default());
        Ok(())
    }

    fn word(&mut self, word: &str) -> Result<(), String> {
        if self
            .text
            .get(self.at..)
            .is_some_and(|rest| rest.starts_with(word))
        {
            self.at += word.len();
            self.out.push_str(word);
            Ok(())
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn number(&mut self) -> Result<(), String> {
        let start = self.at;
        let digits = |json: &mut Self| {
            let from = json.at;
            while matches!(json.peek(), Some(b'0'..=b'9')) {
                json.at += 1;
            }
            json.at > from
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        if self.peek() == Some(b'0') {
            self.at += 1;
        } else if !digits(self) {
            return Err(self.error("bad number"));
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !digits(self) {
                return Err(self.error("bad number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return Err(self.error("bad number"));
            }
        }
        self.out
            .push_str(self.text.get(start..self.at).unwrap_or_default());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn json_is_pretty_printed_keeping_key_order_and_numbers() {
        let pretty =
            pretty_json(br#"{"z":1.50,"a":[true,null,{"k":"v\"x"}],"e":{},"l":[]}"#).unwrap();
        assert_eq!(
            pretty,
            "{\n  \"z\": 1.50,\n  \"a\": [\n    true,\n    null,\n    {\n      \"k\": \"v\\\"x\"\n    }\n  ],\n  \"e\": {},\n  \"l\": []\n}"
        );
        assert_eq!(pretty_json(b" 42 ").unwrap(), "42");
        assert_eq!(pretty_json(b"\"\\u00e9\"").unwrap(), "\"\\u00e9\"");
    }

    #[test]
    fn bad_json_says_where() {
        assert_eq!(
            pretty_json(b"{\"a\" 1}").unwrap_err(),
            "expected ':' at character 6"
        );
        assert_eq!(
            pretty_json(b"[1,]").unwrap_err(),
            "expected a value at character 4"
        );
        assert_eq!(
            pretty_json(b"01").unwrap_err(),
            "unexpected text at character 2"
        );
        assert_eq!(
            pretty_json(b"{").unwrap_err(),
            "expected a \"key\" at the end"
        );
        assert_eq!(
            pretty_json(b"21.5 C").unwrap_err(),
            "unexpected text at character 6"
        );
        assert!(pretty_json(&[b'['; 300]).unwrap_err().contains("deeply"));
        let not_json = render(b"hello", PayloadView::Json);
        assert_eq!(not_json.text, "hello");
        assert!(not_json.note.unwrap().starts_with("Not JSON"));
    }

    #[test]
    fn views_of_the_same_bytes() {
        let xss = b"<img src=x onerror=alert(1)>";
        assert_eq!(
            render(xss, PayloadView::Text).text,
            "<img src=x onerror=alert(1)>"
        );
        assert_eq!(render(b"hi", PayloadView::Base64).text, "aGk=");
        assert_eq!(
            render(b"hi\x00", PayloadView::Hex).text,
            "000000  68 69 00                                          hi·"
        );
        let binary = render(&[0xff, 0x41], PayloadView::Text);
        assert_eq!(binary.text, "\u{fffd}A");
        assert!(binary.note.unwrap().contains("UTF-8"));
        let big = vec![b'a'; MAX_SHOWN + 1];
        assert!(render(&big, PayloadView::Text)
            .note
            .unwrap()
            .contains("first 64 KiB"));
    }

    #[test]
    fn previews_fit_one_line() {
        assert_eq!(preview(b"a\nb\tc", 10), "a⏎b→c");
        assert_eq!(preview(b"abcdef", 3), "abc…");
        assert_eq!(preview(b"", 3), "(empty)");
        assert_eq!(preview(&[0x00, 0xff, 0x10], 30), "0x 00 ff 10");
        assert_eq!(preview("é".repeat(10).as_bytes(), 2), "éé…");
    }
}
