//! `localStorage` for what the user asked the page to remember: connection profiles (no password
//! unless "remember password" is ticked — `playground::profiles` enforces that before anything gets
//! here) and the theme. Storage may be unavailable (private windows, blocked cookies): then nothing is
//! remembered and nothing fails.

const PROFILES: &str = "mqtt-playground.profiles";
const THEME: &str = "mqtt-playground.theme";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

fn set(key: &str, value: &str) -> bool {
    storage().is_some_and(|storage| storage.set_item(key, value).is_ok())
}

/// The stored profiles, as JSON.
pub fn profiles() -> String {
    get(PROFILES).unwrap_or_default()
}

/// Stores the profiles (JSON from `playground::profiles::encode`); `false` if storage is unavailable.
pub fn save_profiles(json: &str) -> bool {
    set(PROFILES, json)
}

/// The stored theme value.
pub fn theme() -> String {
    get(THEME).unwrap_or_default()
}

/// Stores the theme value.
pub fn save_theme(value: &str) {
    set(THEME, value);
}
