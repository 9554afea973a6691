//! Randomness from `crypto.getRandomValues`, for generated client ids.

/// `mqttpg-` and 8 random hex digits: short (3.1.1 brokers must accept ids of up to 23 characters)
/// and unlikely to collide with anyone else's on a public broker.
pub fn client_id() -> String {
    let mut bytes = [0u8; 4];
    let filled = web_sys::window()
        .and_then(|window| window.crypto().ok())
        .is_some_and(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // No Web Crypto: fall back to the clock, still unique enough for a page.
        let now = (js_sys::Date::now() * 1000.0) as u64;
        bytes = (now as u32).to_le_bytes();
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("mqttpg-{hex}")
}
