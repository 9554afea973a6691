//! Passes the linker script esp-hal needs, and turns the build environment into the firmware's
//! configuration: WIFI_SSID, WIFI_PASSWORD, MQTT_BROKER, MQTT_PORT, MQTT_CLIENT_ID, MQTT_TRACE,
//! SENSOR_PERIOD_S. Unset ones get placeholders (what CI builds with) and a warning, so nothing
//! secret ever has to live in the repository.

const SETTINGS: &[(&str, &str)] = &[
    ("WIFI_SSID", "your-wifi"),
    ("WIFI_PASSWORD", ""),
    ("MQTT_BROKER", "your-broker"),
    ("MQTT_PORT", "1883"),
    // Empty: `esp32-` and the last three bytes of the board's MAC address.
    ("MQTT_CLIENT_ID", ""),
    ("MQTT_TRACE", "0"),
    ("SENSOR_PERIOD_S", "10"),
];

fn main() {
    println!("cargo:rustc-link-arg=-Tlinkall.x");
    for (name, placeholder) in SETTINGS {
        println!("cargo:rerun-if-env-changed={name}");
        let value = std::env::var(name).unwrap_or_else(|_| {
            if *name == "WIFI_SSID" {
                println!(
                    "cargo:warning=WIFI_SSID is not set: building with the placeholder `{placeholder}` \
                     (set WIFI_SSID, WIFI_PASSWORD and MQTT_BROKER to flash a board)"
                );
            }
            placeholder.to_string()
        });
        if *name == "MQTT_PORT" && value.parse::<u16>().is_err() {
            panic!("MQTT_PORT must be a port number, not `{value}`");
        }
        if *name == "SENSOR_PERIOD_S" && value.parse::<u32>().map_or(true, |s| s == 0) {
            panic!("SENSOR_PERIOD_S must be a whole number of seconds ≥ 1, not `{value}`");
        }
        println!("cargo:rustc-env=FW_{name}={value}");
    }
}
