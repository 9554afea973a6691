//! Topic names, topic filters, matching, and MQTT 5.0 shared subscriptions (MQTT §4.7, §4.8).
//!
//! A topic *name* is where a message is published (`esp32-kitchen/ip`); a topic *filter* is what a
//! subscriber asks for and may use wildcards: `+` for exactly one level, `#` for any number of levels at
//! the end (including none, so `a/#` also matches `a`). Topics starting with `$` (like `$SYS/...`) are
//! the broker's own: a filter starting with a wildcard does not match them (MQTT-4.7.2-1).

use alloc::string::ToString;
use core::fmt;
use core::ops::Deref;

use crate::codec::ProtocolVersion;
use crate::rule::Violation;

/// `scan_topic` flag: a U+0000, `+` or `#` byte.
pub(crate) const NUL_OR_WILDCARD: u8 = 1;
/// `scan_topic` flag: a byte >= 0x80 (not ASCII).
pub(crate) const NON_ASCII: u8 = 2;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Non-zero iff some byte of `word` is 0 (the classic SWAR test; exact as a yes/no answer).
#[inline(always)]
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGHS
}

/// Non-zero iff some byte of `word` is U+0000, `+` or `#`.
#[inline(always)]
fn special_bytes(word: u64) -> u64 {
    zero_bytes(word)
        | zero_bytes(word ^ (ONES * u64::from(b'+')))
        | zero_bytes(word ^ (ONES * u64::from(b'#')))
}

/// One pass over a topic, eight bytes at a time: which of [`NUL_OR_WILDCARD`] and [`NON_ASCII`] occur.
/// Publishing is the hot path of every client and broker, and the topic is checked on every packet.
#[inline]
pub(crate) fn scan_topic(bytes: &[u8]) -> u8 {
    let mut special = 0u64;
    let mut high = 0u64;
    let chunks = bytes.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        if let Ok(eight) = <[u8; 8]>::try_from(chunk) {
            let word = u64::from_le_bytes(eight);
            special |= special_bytes(word);
            high |= word & HIGHS;
        }
    }
    // The tail: the last eight bytes again (re-checking some is harmless), or for short topics the
    // bytes shifted into a word padded with ASCII 'a' — in registers, since a byte-wise stack buffer
    // read back as a word stalls store forwarding.
    if !tail.is_empty() {
        let word = match bytes
            .len()
            .checked_sub(8)
            .and_then(|start| bytes.get(start..))
        {
            Some(last) => <[u8; 8]>::try_from(last).map_or(0, u64::from_le_bytes),
            None => tail
                .iter()
                .rev()
                .fold(ONES * u64::from(b'a'), |word, &byte| {
                    (word << 8) | u64::from(byte)
                }),
        };
        special |= special_bytes(word);
        high |= word & HIGHS;
    }
    (u8::from(special != 0) * NUL_OR_WILDCARD) | (u8::from(high != 0) * NON_ASCII)
}

/// A checked topic name: at least one character, no wildcards, no U+0000, at most 65,535 bytes —
/// or [`TopicName::EMPTY`], which a 5.0 PUBLISH sends when a Topic Alias stands for the name.
///
/// Checked once, where the name enters (the application's publish call, or decoding), so encoding a
/// PUBLISH — the hot path of every client and broker — only sizes and copies.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TopicName<'a>(&'a str);

impl<'a> TopicName<'a> {
    /// The empty name of a 5.0 PUBLISH that uses a Topic Alias (refused in 3.1.1 and without an alias).
    pub const EMPTY: TopicName<'static> = TopicName("");

    /// Checks `name` (MQTT-3.3.2-2, MQTT-4.7.3-1, MQTT-4.7.3-2, MQTT-4.7.3-3).
    pub fn new(name: &'a str) -> Result<Self, Violation> {
        check_topic_name(name, "Topic name")?;
        Ok(TopicName(name))
    }

    /// Checks `name`, naming it `field` in the error (e.g. "Will topic").
    pub fn for_field(name: &'a str, field: &'static str) -> Result<Self, Violation> {
        check_topic_name(name, field)?;
        Ok(TopicName(name))
    }

    /// A name the decoder has already checked (or the empty alias name).
    pub(crate) fn checked(name: &'a str) -> Self {
        TopicName(name)
    }

    /// The name.
    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

/// A checked topic filter: at least one character, wildcards placed as MQTT-4.7.1 requires, no U+0000,
/// at most 65,535 bytes. Whether a `$share/...` filter is a well-formed 5.0 shared subscription depends
/// on the protocol version, so that is checked when the SUBSCRIBE is encoded.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicFilter<'a>(&'a str);

impl<'a> TopicFilter<'a> {
    /// Checks `filter` (MQTT-4.7.1-2/-3 (3.1.1), MQTT-4.7.1-1/-2 (5.0), MQTT-4.7.3-1/-2/-3).
    pub fn new(filter: &'a str) -> Result<Self, Violation> {
        check_topic_filter(filter, ProtocolVersion::V311)?;
        Ok(TopicFilter(filter))
    }

    /// A filter the decoder has already checked.
    pub(crate) fn checked(filter: &'a str) -> Self {
        TopicFilter(filter)
    }

    /// The filter.
    pub fn as_str(&self) -> &'a str {
        self.0
    }

    /// Checks what depends on the protocol version: in 5.0 a `$share/...` filter must be a well-formed
    /// shared subscription (MQTT-4.8.2-1, MQTT-4.8.2-2 (5.0)); in 3.1.1 it is an ordinary filter.
    pub fn check_for(&self, version: ProtocolVersion) -> Result<(), Violation> {
        match (version, shared(self.0)) {
            (ProtocolVersion::V5, Some(Err(violation))) => Err(violation),
            _ => Ok(()),
        }
    }

    /// Whether this filter matches topic `name` (see [`matches`]); a 5.0 shared subscription matches
    /// with its inner filter.
    pub fn matches(&self, name: &str) -> bool {
        match shared(self.0) {
            Some(Ok(share)) => matches(share.filter, name),
            _ => matches(self.0, name),
        }
    }
}

macro_rules! string_like {
    ($name:ident) => {
        impl Deref for $name<'_> {
            type Target = str;
            fn deref(&self) -> &str {
                self.0
            }
        }

        impl fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self.0, f)
            }
        }

        impl fmt::Display for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }

        impl PartialEq<str> for $name<'_> {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name<'_> {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

string_like!(TopicName);

impl<'a> TryFrom<&'a str> for TopicName<'a> {
    type Error = Violation;
    fn try_from(name: &'a str) -> Result<Self, Violation> {
        TopicName::new(name)
    }
}

impl<'a> TryFrom<&'a str> for TopicFilter<'a> {
    type Error = Violation;
    fn try_from(filter: &'a str) -> Result<Self, Violation> {
        TopicFilter::new(filter)
    }
}
string_like!(TopicFilter);

/// The prefix that marks a 5.0 shared subscription.
pub const SHARE_PREFIX: &str = "$share/";

/// Checks a topic name: at least one character, no wildcards, no U+0000, at most 65,535 bytes.
/// `field` names it in the error ("Topic name", "Will topic", "Response Topic").
pub fn check_topic_name(name: &str, field: &'static str) -> Result<(), Violation> {
    // Fast accept in one pass; anything unusual takes the detailed path below for its error.
    if !name.is_empty()
        && name.len() <= usize::from(u16::MAX)
        && scan_topic(name.as_bytes()) & NUL_OR_WILDCARD == 0
    {
        return Ok(());
    }
    check_common(name, field)?;
    if name.bytes().any(|byte| byte == b'+' || byte == b'#') {
        return Err(Violation::WildcardInTopicName {
            field,
            topic: name.to_string(),
        });
    }
    Ok(())
}

/// Checks a topic filter: wildcard placement, and in 5.0 the `$share/<name>/<filter>` form.
pub fn check_topic_filter(filter: &str, version: ProtocolVersion) -> Result<(), Violation> {
    check_common(filter, "Topic filter")?;
    let inner = match (version, shared(filter)) {
        (ProtocolVersion::V5, Some(Ok(share))) => share.filter,
        (ProtocolVersion::V5, Some(Err(violation))) => return Err(violation),
        _ => filter,
    };
    check_wildcards(inner, filter)
}

fn check_common(text: &str, field: &'static str) -> Result<(), Violation> {
    if text.is_empty() {
        return Err(Violation::EmptyTopic { field });
    }
    if text.len() > usize::from(u16::MAX) {
        return Err(Violation::FieldTooLong {
            field,
            len: text.len(),
        });
    }
    if text.as_bytes().contains(&0) {
        return Err(Violation::NullCharacter { field });
    }
    Ok(())
}

fn check_wildcards(filter: &str, whole: &str) -> Result<(), Violation> {
    let mut levels = filter.split('/').peekable();
    while let Some(level) = levels.next() {
        if level.contains('#') && (level != "#" || levels.peek().is_some()) {
            return Err(Violation::MultiLevelWildcardMisplaced {
                filter: whole.to_string(),
            });
        }
        if level.contains('+') && level != "+" {
            return Err(Violation::SingleLevelWildcardMisplaced {
                filter: whole.to_string(),
            });
        }
    }
    Ok(())
}

/// A 5.0 shared subscription `$share/<share_name>/<filter>`: the broker hands each message to one member
/// of the group instead of to every subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedSubscription<'a> {
    /// The group name.
    pub share_name: &'a str,
    /// The topic filter the group subscribes to.
    pub filter: &'a str,
}

/// Parses `$share/<name>/<filter>`: `None` if `filter` is not a shared subscription, `Some(Err)` if it
/// starts like one but is malformed (MQTT-4.8.2-1, MQTT-4.8.2-2 (5.0)). Only 5.0 has shared subscriptions.
pub fn shared(filter: &str) -> Option<Result<SharedSubscription<'_>, Violation>> {
    let rest = filter.strip_prefix(SHARE_PREFIX)?;
    let Some((share_name, inner)) = rest.split_once('/') else {
        return Some(Err(if rest.is_empty() || rest.contains(['+', '#']) {
            Violation::ShareNameInvalid {
                filter: filter.to_string(),
            }
        } else {
            Violation::SharedFilterMissing {
                filter: filter.to_string(),
            }
        }));
    };
    if share_name.is_empty() || share_name.contains(['+', '#']) {
        return Some(Err(Violation::ShareNameInvalid {
            filter: filter.to_string(),
        }));
    }
    if inner.is_empty() {
        return Some(Err(Violation::SharedFilterMissing {
            filter: filter.to_string(),
        }));
    }
    Some(Ok(SharedSubscription {
        share_name,
        filter: inner,
    }))
}

/// Whether a valid topic `filter` matches topic `name`.
///
/// `+` matches exactly one level (an empty one too), `#` matches the rest including the parent level,
/// and `$`-topics are not matched by a filter that starts with a wildcard (MQTT-4.7.2-1). For a shared
/// subscription pass its inner filter.
pub fn matches(filter: &str, name: &str) -> bool {
    if name.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut filter_levels = filter.split('/');
    let mut name_levels = name.split('/');
    loop {
        match (filter_levels.next(), name_levels.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(wanted), Some(level)) if wanted == level => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProtocolVersion::{V311, V5};

    #[test]
    fn scan_finds_special_bytes_at_every_position() {
        for len in 0..40 {
            let plain = "a".repeat(len);
            assert_eq!(scan_topic(plain.as_bytes()), 0, "{len}");
            for at in 0..len {
                for (byte, flag) in [
                    (0u8, NUL_OR_WILDCARD),
                    (b'+', NUL_OR_WILDCARD),
                    (b'#', NUL_OR_WILDCARD),
                    (0xC3, NON_ASCII),
                ] {
                    let mut bytes = plain.clone().into_bytes();
                    bytes[at] = byte;
                    assert_eq!(scan_topic(&bytes), flag, "{byte:#x} at {at} of {len}");
                }
            }
        }
        // Bytes next to the special ones must not be mistaken for them.
        assert_eq!(scan_topic(b"*,\"$\x01\x7f/\x22\x24"), 0);
    }

    #[test]
    fn multi_level_wildcard_matches_the_parent_and_everything_below() {
        assert!(matches("sport/#", "sport"));
        assert!(matches("sport/#", "sport/tennis/player1"));
        assert!(matches("#", "a/b/c"));
        assert!(!matches("sport/#", "sports"));
    }

    #[test]
    fn single_level_wildcard_matches_one_level_including_an_empty_one() {
        assert!(matches("sport/+/player1", "sport/tennis/player1"));
        assert!(!matches("sport/+", "sport/tennis/player1"));
        assert!(matches("sport/+", "sport/"));
        assert!(matches("+/+", "/finance"));
        assert!(!matches("+", "/finance"));
        assert!(matches("esp32-kitchen/+", "esp32-kitchen/ip"));
    }

    #[test]
    fn empty_levels_are_levels() {
        assert!(matches("a//b", "a//b"));
        assert!(!matches("a/b", "a//b"));
        assert!(matches("/", "/"));
    }

    /// MQTT-4.7.2-1: `$`-topics are not matched by a filter starting with a wildcard.
    #[test]
    fn mqtt_4_7_2_1_dollar_topics_not_matched_by_leading_wildcard() {
        assert!(!matches("#", "$SYS/broker/uptime"));
        assert!(!matches("+/broker/uptime", "$SYS/broker/uptime"));
        assert!(matches("$SYS/#", "$SYS/broker/uptime"));
        assert!(matches("$SYS/+/uptime", "$SYS/broker/uptime"));
    }

    /// MQTT-4.7.1-2 (3.1.1) / MQTT-4.7.1-1 (5.0): '#' last and alone in its level.
    #[test]
    fn multi_level_wildcard_placement() {
        for good in ["#", "a/#", "/#", "+/#"] {
            assert_eq!(check_topic_filter(good, V311), Ok(()), "{good}");
        }
        for bad in ["a#", "a/#/b", "#/", "a/b#", "##"] {
            assert!(
                matches!(
                    check_topic_filter(bad, V5),
                    Err(Violation::MultiLevelWildcardMisplaced { .. })
                ),
                "{bad}"
            );
        }
    }

    /// MQTT-4.7.1-3 (3.1.1) / MQTT-4.7.1-2 (5.0): '+' occupies a whole level.
    #[test]
    fn single_level_wildcard_placement() {
        for good in ["+", "+/+", "a/+/b", "/+"] {
            assert_eq!(check_topic_filter(good, V311), Ok(()), "{good}");
        }
        for bad in ["a+", "a/+b", "++"] {
            assert!(
                matches!(
                    check_topic_filter(bad, V311),
                    Err(Violation::SingleLevelWildcardMisplaced { .. })
                ),
                "{bad}"
            );
        }
    }

    /// MQTT-3.3.2-2: no wildcards in topic names; MQTT-4.7.3-1: at least one character.
    #[test]
    fn topic_names_refuse_wildcards_and_emptiness() {
        assert_eq!(check_topic_name("esp32-kitchen/ip", "Topic name"), Ok(()));
        assert_eq!(check_topic_name("/", "Topic name"), Ok(()));
        assert!(matches!(
            check_topic_name("a/+", "Topic name"),
            Err(Violation::WildcardInTopicName { .. })
        ));
        assert!(matches!(
            check_topic_name("a/#", "Topic name"),
            Err(Violation::WildcardInTopicName { .. })
        ));
        assert_eq!(
            check_topic_name("", "Topic name"),
            Err(Violation::EmptyTopic {
                field: "Topic name"
            })
        );
        assert_eq!(
            check_topic_filter("", V5),
            Err(Violation::EmptyTopic {
                field: "Topic filter"
            })
        );
        assert_eq!(
            check_topic_name("a\0b", "Topic name"),
            Err(Violation::NullCharacter {
                field: "Topic name"
            })
        );
    }

    /// MQTT-4.8.2-1 and MQTT-4.8.2-2 (5.0): shared subscription syntax.
    #[test]
    fn shared_subscriptions_are_parsed_in_v5_only() {
        assert_eq!(
            shared("$share/dash/sensors/+"),
            Some(Ok(SharedSubscription {
                share_name: "dash",
                filter: "sensors/+"
            }))
        );
        assert_eq!(shared("sensors/+"), None);
        assert!(matches!(
            shared("$share//a"),
            Some(Err(Violation::ShareNameInvalid { .. }))
        ));
        assert!(matches!(
            shared("$share/g+/a"),
            Some(Err(Violation::ShareNameInvalid { .. }))
        ));
        assert!(matches!(
            shared("$share/g"),
            Some(Err(Violation::SharedFilterMissing { .. }))
        ));
        assert!(matches!(
            shared("$share/g/"),
            Some(Err(Violation::SharedFilterMissing { .. }))
        ));
        assert!(matches!(
            check_topic_filter("$share/g/a+", V5),
            Err(Violation::SingleLevelWildcardMisplaced { .. })
        ));
        // In 3.1.1 `$share/...` is an ordinary filter.
        assert_eq!(check_topic_filter("$share/g", V311), Ok(()));
        assert!(matches(
            shared("$share/g/a/#")
                .and_then(Result::ok)
                .map(|s| s.filter)
                .unwrap_or(""),
            "a/b"
        ));
    }
}
