//! Hex text ⇄ bytes, forgiving about how people paste hex and precise about what is wrong.
//!
//! Students paste bytes from Wireshark, from C arrays, from a log line: `30 0a`, `0x30, 0x0a`, `300a`
//! split over lines. Whitespace and commas separate groups, each group may start with `0x`, and a group
//! must hold whole bytes (an even number of digits; `0x3` alone is accepted as one byte because C and
//! Python print small bytes that way). Anything else is refused with the exact character to fix, since
//! "invalid hex" alone sends people hunting through a hundred characters.

use core::fmt;

/// Why hex text could not be read, and where (so the UI can point at the character).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexError {
    /// Index of the offending character (in characters, not bytes), from 0.
    pub position: usize,
    /// Line of that character, from 1.
    pub line: usize,
    /// Column of that character within its line, from 1.
    pub column: usize,
    /// What is wrong there.
    pub kind: HexErrorKind,
}

/// What is wrong with the character at [`HexError::position`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HexErrorKind {
    /// A character that is neither a hex digit nor an allowed separator.
    NotHex(char),
    /// The last digit of a group with an odd number of digits: half a byte.
    UnpairedDigit {
        /// How many digits the group has.
        digits: usize,
    },
    /// `0x` with no digits after it.
    EmptyPrefix,
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "character {} (line {}, column {}): ",
            self.position + 1,
            self.line,
            self.column
        )?;
        match self.kind {
            HexErrorKind::NotHex(c) => write!(
                f,
                "{c:?} is not a hex digit; use 0-9 and a-f, separated by spaces, newlines or commas"
            ),
            HexErrorKind::UnpairedDigit { digits: 1 } => {
                f.write_str("a lone hex digit: every byte needs two (write 0a, not a)")
            }
            HexErrorKind::UnpairedDigit { digits } => write!(
                f,
                "this digit has no partner: its group has {digits} hex digits, and every byte needs two"
            ),
            HexErrorKind::EmptyPrefix => f.write_str("\"0x\" must be followed by hex digits"),
        }
    }
}

impl HexError {
    /// The line holding the mistake, split around the offending character, shortened to about
    /// `width` characters on each side so a long pasted line still shows the spot.
    pub fn excerpt(&self, text: &str, width: usize) -> Excerpt {
        let line = text
            .split('\n')
            .nth(self.line.saturating_sub(1))
            .unwrap_or_default();
        let chars: Vec<char> = line.trim_end_matches('\r').chars().collect();
        let at = self.column.saturating_sub(1).min(chars.len());
        let from = at.saturating_sub(width);
        let to = chars.len().min(at + 1 + width);
        let collect =
            |range: std::ops::Range<usize>| chars.get(range).unwrap_or_default().iter().collect();
        Excerpt {
            ellipsis_before: from > 0,
            before: collect(from..at),
            culprit: collect(at..(at + 1).min(chars.len())),
            after: collect((at + 1).min(chars.len())..to),
            ellipsis_after: to < chars.len(),
        }
    }
}

/// A piece of one line of input around a mistake, for showing it marked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Excerpt {
    /// Whether the line goes on to the left.
    pub ellipsis_before: bool,
    /// Text before the mistake.
    pub before: String,
    /// The offending character.
    pub culprit: String,
    /// Text after it.
    pub after: String,
    /// Whether the line goes on to the right.
    pub ellipsis_after: bool,
}

/// A character with its position, as the parser walks the text.
#[derive(Clone, Copy)]
struct Located {
    c: char,
    position: usize,
    line: usize,
    column: usize,
}

impl Located {
    fn error(self, kind: HexErrorKind) -> HexError {
        HexError {
            position: self.position,
            line: self.line,
            column: self.column,
            kind,
        }
    }
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == ','
}

/// Reads hex text into bytes. Empty (or separator-only) text gives no bytes, not an error.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
    let mut located = Vec::with_capacity(text.len());
    let (mut line, mut column) = (1, 1);
    for (position, c) in text.chars().enumerate() {
        located.push(Located {
            c,
            position,
            line,
            column,
        });
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    let mut bytes = Vec::with_capacity(located.len() / 2);
    for group in located
        .split(|l| is_separator(l.c))
        .filter(|g| !g.is_empty())
    {
        parse_group(group, &mut bytes)?;
    }
    Ok(bytes)
}

/// Appends the bytes of one separator-free group such as `0x300a` or `30`.
fn parse_group(group: &[Located], bytes: &mut Vec<u8>) -> Result<(), HexError> {
    let (prefixed, digits) = match group {
        [zero, x, rest @ ..] if zero.c == '0' && (x.c == 'x' || x.c == 'X') => {
            if rest.is_empty() {
                return Err(x.error(HexErrorKind::EmptyPrefix));
            }
            (true, rest)
        }
        _ => (false, group),
    };
    let mut values = Vec::with_capacity(digits.len());
    for l in digits {
        let value =
            l.c.to_digit(16)
                .ok_or_else(|| l.error(HexErrorKind::NotHex(l.c)))?;
        // to_digit(16) is at most 15, so this never truncates.
        values.push(value as u8);
    }
    match (prefixed, values.as_slice(), digits.last()) {
        (true, [single], _) => bytes.push(*single),
        (_, _, Some(last)) if values.len() % 2 == 1 => {
            return Err(last.error(HexErrorKind::UnpairedDigit {
                digits: values.len(),
            }))
        }
        _ => bytes.extend(values.chunks_exact(2).map(|pair| match pair {
            [high, low] => (high << 4) | low,
            _ => 0,
        })),
    }
    Ok(())
}

/// Bytes as lowercase hex pairs, space-separated, `per_line` bytes to a line (0 = one line).
pub fn format_hex(bytes: &[u8], per_line: usize) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (index, byte) in bytes.iter().enumerate() {
        if index > 0 {
            let line_break = per_line > 0 && index % per_line == 0;
            out.push(if line_break { '\n' } else { ' ' });
        }
        out.push_str(&byte_hex(*byte));
    }
    out
}

/// One byte as two lowercase hex digits.
pub fn byte_hex(byte: u8) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digit = |nibble: u8| char::from(DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'?'));
    [digit(byte >> 4), digit(byte & 0x0f)].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn reads_the_ways_people_paste_hex() {
        let expected = vec![0x30, 0x0a, 0xff];
        for text in [
            "30 0a ff",
            "300aff",
            "30\n0A\r\nFF",
            "0x30, 0x0a, 0xFF",
            "0x300aff",
            "  30,0a ,ff  ",
        ] {
            assert_eq!(parse_hex(text), Ok(expected.clone()), "{text:?}");
        }
    }

    #[test]
    fn a_single_digit_after_0x_is_one_byte() {
        assert_eq!(parse_hex("0x3, 0x0, 0xa"), Ok(vec![0x03, 0x00, 0x0a]));
    }

    #[test]
    fn empty_text_is_no_bytes() {
        assert_eq!(parse_hex(""), Ok(vec![]));
        assert_eq!(parse_hex(" \n, "), Ok(vec![]));
    }

    #[test]
    fn points_at_the_character_that_is_not_hex() {
        let error = parse_hex("30 0a\n00 0g").unwrap_err();
        assert_eq!(error.kind, HexErrorKind::NotHex('g'));
        assert_eq!((error.position, error.line, error.column), (10, 2, 5));
        assert!(error
            .to_string()
            .starts_with("character 11 (line 2, column 5): 'g' is not a hex digit"));
    }

    #[test]
    fn counts_characters_not_utf8_bytes() {
        let error = parse_hex("é 30 ").unwrap_err();
        assert_eq!(error.kind, HexErrorKind::NotHex('é'));
        assert_eq!(error.position, 0);
        let error = parse_hex("30 ü").unwrap_err();
        assert_eq!((error.position, error.column), (3, 4));
    }

    #[test]
    fn points_at_the_unpaired_digit_of_an_odd_group() {
        let error = parse_hex("30 0a 0").unwrap_err();
        assert_eq!(error.kind, HexErrorKind::UnpairedDigit { digits: 1 });
        assert_eq!(error.position, 6);
        assert!(error
            .to_string()
            .ends_with("a lone hex digit: every byte needs two (write 0a, not a)"));
        let error = parse_hex("300a0").unwrap_err();
        assert!(error.to_string().contains("its group has 5 hex digits"));
        assert_eq!(error.kind, HexErrorKind::UnpairedDigit { digits: 5 });
        assert_eq!(error.position, 4);
        let error = parse_hex("0x300").unwrap_err();
        assert_eq!(
            (error.kind, error.position),
            (HexErrorKind::UnpairedDigit { digits: 3 }, 4)
        );
    }

    #[test]
    fn refuses_a_bare_prefix() {
        let error = parse_hex("30 0x").unwrap_err();
        assert_eq!((error.kind, error.position), (HexErrorKind::EmptyPrefix, 4));
    }

    #[test]
    fn prefix_only_counts_at_the_start_of_a_group() {
        let error = parse_hex("300x").unwrap_err();
        assert_eq!((error.kind, error.position), (HexErrorKind::NotHex('x'), 3));
    }

    #[test]
    fn excerpt_marks_the_offending_character_on_its_line() {
        let text = "30 0a\r\n00 0g 11 22";
        let error = parse_hex(text).unwrap_err();
        let excerpt = error.excerpt(text, 3);
        assert_eq!(
            excerpt,
            Excerpt {
                ellipsis_before: true,
                before: "0 0".into(),
                culprit: "g".into(),
                after: " 11".into(),
                ellipsis_after: true,
            }
        );
        let whole = error.excerpt(text, 40);
        assert_eq!(
            (whole.before.as_str(), whole.after.as_str()),
            ("00 0", " 11 22")
        );
        assert!(!whole.ellipsis_before && !whole.ellipsis_after);
    }

    #[test]
    fn formats_sixteen_bytes_per_line() {
        let bytes: Vec<u8> = (0..18).collect();
        let text = format_hex(&bytes, 16);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f");
        assert_eq!(lines[1], "10 11");
        assert_eq!(parse_hex(&text), Ok(bytes));
        assert_eq!(format_hex(&[0xab, 0x01], 0), "ab 01");
    }
}
