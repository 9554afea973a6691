//! Topic names, topic filters, matching, and MQTT 5.0 shared subscriptions (MQTT §4.7, §4.8).
//!
//! A topic *name* is where a message is published (`esp32-kitchen/ip`); a topic *filter* is what a
//! subscriber asks for and may use wildcards: `+` for exactly one level, `#` for any number of levels at
//! the end (including none, so `a/#` also matches `a`). Topics starting with `$` (like `$SYS/...`) are
//! the broker's own: a filter starting with a wildcard does not match them (MQTT-4.7.2-1).

use alloc::string::ToString;

use crate::codec::ProtocolVersion;
use crate::rule::Violation;

/// The prefix that marks a 5.0 shared subscription.
pub const SHARE_PREFIX: &str = "$share/";

/// Checks a topic name: at least one character, no wildcards, no U+0000, at most 65,535 bytes.
/// `field` names it in the error ("Topic name", "Will topic", "Response Topic").
pub fn check_topic_name(name: &str, field: &'static str) -> Result<(), Violation> {
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
