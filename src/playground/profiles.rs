//! Saved connection profiles: a broker and the options new clients get. Stored in the browser
//! (`services::storage`) as JSON. A password is saved only when the user ticks "remember password";
//! otherwise the profile is stored without it.

use serde::{Deserialize, Serialize};

/// One saved profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
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

/// Reads the stored list; anything unreadable gives an empty list (a broken entry must never stop
/// the page from starting).
pub fn decode(text: &str) -> Vec<Profile> {
    serde_json::from_str(text).unwrap_or_default()
}

/// The list as stored (passwords removed where not asked for).
pub fn encode(profiles: &[Profile]) -> String {
    let stored: Vec<Profile> = profiles.iter().cloned().map(Profile::for_storage).collect();
    serde_json::to_string(&stored).unwrap_or_else(|_| "[]".into())
}

/// `profiles` with `profile` saved: replacing one of the same name, else added, sorted by name.
pub fn upsert(profiles: &[Profile], profile: Profile) -> Vec<Profile> {
    let mut list: Vec<Profile> = profiles
        .iter()
        .filter(|p| p.name != profile.name)
        .cloned()
        .collect();
    list.push(profile);
    list.sort_by_key(|a| a.name.to_lowercase());
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
            ..Profile::default()
        }
    }

    #[test]
    fn passwords_are_stored_only_when_asked() {
        let stored = encode(&[profile("a", false), profile("b", true)]);
        let back = decode(&stored);
        assert_eq!(back[0].password, None);
        assert_eq!(back[1].password.as_deref(), Some("s3cret"));
        assert_eq!(stored.matches("s3cret").count(), 1);
    }

    #[test]
    fn broken_storage_gives_an_empty_list_and_upsert_replaces_by_name() {
        assert!(decode("{not json").is_empty());
        assert!(decode("").is_empty());
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
