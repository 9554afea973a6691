//! Timestamps for people. The workspace counts milliseconds from the page's start
//! (`performance.now()`); the page knows when that was on the wall clock, and the local time zone.

use mqtt_core::Instant;

/// How to turn workspace time into the wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clock {
    /// Unix time in milliseconds at workspace time 0.
    pub epoch_ms: i64,
    /// Minutes to add to UTC for local time (the opposite of JavaScript's `getTimezoneOffset`).
    pub utc_offset_min: i32,
}

impl Clock {
    /// Unix milliseconds of workspace time `at`.
    pub fn unix_ms(&self, at: Instant) -> i64 {
        self.epoch_ms + i64::try_from(at).unwrap_or(i64::MAX / 2)
    }

    /// Local `HH:MM:SS.mmm`.
    pub fn time_of_day(&self, at: Instant) -> String {
        let local = self.unix_ms(at) + i64::from(self.utc_offset_min) * 60_000;
        let day_ms = local.rem_euclid(86_400_000);
        format!(
            "{:02}:{:02}:{:02}.{:03}",
            day_ms / 3_600_000,
            day_ms / 60_000 % 60,
            day_ms / 1000 % 60,
            day_ms % 1000
        )
    }

    /// UTC ISO 8601, e.g. `2026-11-25T14:03:22.123Z` (for exports).
    pub fn iso(&self, at: Instant) -> String {
        let ms = self.unix_ms(at);
        let days = ms.div_euclid(86_400_000);
        let day_ms = ms.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
            day_ms / 3_600_000,
            day_ms / 60_000 % 60,
            day_ms / 1000 % 60,
            day_ms % 1000
        )
    }
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A duration for people: `850 ms`, `4.2 s`, `3 min 5 s`.
pub fn duration(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{}.{} s", ms / 1000, ms % 1000 / 100),
        _ => format!("{} min {} s", ms / 60_000, ms / 1000 % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn wall_clock_times() {
        // 2026-11-25T14:03:22.000Z
        let clock = Clock {
            epoch_ms: 1_795_615_402_000,
            utc_offset_min: 60,
        };
        assert_eq!(clock.iso(123), "2026-11-25T14:03:22.123Z");
        assert_eq!(clock.time_of_day(123), "15:03:22.123");
        assert_eq!(Clock::default().iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            Clock {
                epoch_ms: 951_782_400_000,
                utc_offset_min: 0
            }
            .iso(0),
            "2000-02-29T00:00:00.000Z"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(4_200), "4.2 s");
        assert_eq!(duration(185_000), "3 min 5 s");
    }
}
