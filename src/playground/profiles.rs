//! Saved connection profiles: a broker and the options new clients get. Stored in the browser
//! (`services::storage`). A password is saved only when the user ticks "remember password";
//! otherwise the profile is stored without it.
//!
//! The stored form is one line per profile, fields separated by tabs (tabs, newlines and
//! backslashes escaped): simple to read back without a JSON parser in the page.

/// The first line of the stored text.
const HEADER: &str = "mqtt-playground profiles 1";

/// One saved profile.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Profile {
    /// Its name in the list.
    pub name: String,
    /// `""` for the built-in broker, else the WebSocket URL.
    pub url: String,
    /// "3.1.1" or "5.0".
    pub version: String,
    /// User name.
    pub username: String,
    /// Password, only with `remember_password`.
    pub password: Option<String>,
    /// Whether the user asked to store the password.
    pub remember_password: bool,
    /// Keep alive, seconds (text as typed).
    pub keep_alive: String,
    /// Clean session / clean start.
    pub clean_start: bool,
    /// 5.0 Session Expiry Interval (text as typed).
    pub session_expiry: String,
}

impl Profile {
    /// The profile as it may be stored: without the password unless the user asked.
    pub fn for_storage(mut self) -> Self {
        if !self.remember_password {
            self.password = None;
        }
        self
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn flag(on: bool) -> &'static str {
    if on {
        "1"
    } else {
        "0"
    }
}

/// Reads the stored list; anything unreadable is skipped (a broken entry must never stop the page
/// from starting).
pub fn decode(text: &str) -> Vec<Profile> {
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Vec::new();
    }
    lines
        .filter_map(|line| {
            let fields: Vec<String> = line.split('\t').map(unescape).collect();
            let [name, url, version, username, password, remember, keep_alive, clean, expiry] =
                <[String; 9]>::try_from(fields).ok()?;
            (!name.is_empty()).then(|| Profile {
                name,
                url,
                version,
                username,
                password: password.strip_prefix('=').map(str::to_string),
                remember_password: remember == "1",
                keep_alive,
                clean_start: clean == "1",
                session_expiry: expiry,
            })
        })
        .collect()
}

/// The list as stored (passwords removed where not asked for).
pub fn encode(profiles: &[Profile]) -> String {
    let mut out = String::from(HEADER);
    for profile in profiles.iter().cloned().map(Profile::for_storage) {
        let password = profile
            .password
            .map(|p| format!("={p}"))
            .unwrap_or_default();
        let fields = [
            escape(&profile.name),
            escape(&profile.url),
            escape(&profile.version),
            escape(&profile.username),
            escape(&password),
            flag(profile.remember_password).into(),
            escape(&profile.keep_alive),
            flag(profile.clean_start).into(),
            escape(&profile.session_expiry),
        ];
        out.push('\n');
        out.push_str(&fields.join("\t"));
    }
    out
}

/// `profiles` with `profile` saved: replacing one of the same name, else added, sorted by name.
pub fn upsert(profiles: &[Profile], profile: Profile) -> Vec<Profile> {
    let mut list: Vec<Profile> = profiles
        .iter()
        .filter(|p| p.name != profile.name)
        .cloned()
        .collect();
    // Inserted in place (the list is kept sorted): no sort routine in the page for one profile.
    let key = profile.name.to_ascii_lowercase();
    let at = list
        .iter()
        .position(|p| p.name.to_ascii_lowercase() > key)
        .unwrap_or(list.len());
    list.insert(at, profile);
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn profile(name: &str, remember: bool) -> Profile {
        Profile {
            name: name.into(),
            url: "ws://127.0.0.1:9001".into(),
            version: "5.0".into(),
            username: "alice".into(),
            password: Some("s3cret".into()),
            remember_password: remember,
            keep_alive: "60".into(),
            clean_start: true,
            session_expiry: "0".into(),
        }
    }

    #[test]
    fn passwords_are_stored_only_when_asked() {
        let stored = encode(&[profile("a", false), profile("b", true)]);
        let back = decode(&stored);
        assert_eq!(back[0].password, None);
        assert_eq!(back[1].password.as_deref(), Some("s3cret"));
        assert_eq!(stored.matches("s3cret").count(), 1);
        assert_eq!(back[1], profile("b", true));
    }

    #[test]
    fn awkward_characters_round_trip() {
        let mut odd = profile("tab\there\nnew\\line", true);
        odd.password = Some(String::new());
        let back = decode(&encode(std::slice::from_ref(&odd)));
        assert_eq!(back, [odd]);
    }

    #[test]
    fn broken_storage_gives_an_empty_list_and_upsert_replaces_by_name() {
        assert!(decode("{not ours").is_empty());
        assert!(decode("").is_empty());
        assert!(decode(&format!("{HEADER}\nshort\tline")).is_empty());
        let list = upsert(&[profile("local", false)], profile("Cloud", false));
        let list = upsert(
            &list,
            Profile {
                url: "x".into(),
                ..profile("local", false)
            },
        );
        let names: Vec<&str> = list.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Cloud", "local"]);
        assert_eq!(list[1].url, "x");
    }
}
