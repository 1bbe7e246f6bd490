//! Moments as a shopper reads them.

/// "on 2 Dec 2026 at 14:00 UTC". Worked out by hand rather than with chrono's formatter: this
/// runs in the shopper's WASM (the product page's picker), where chrono's strftime machinery
/// cost several KB; a test checks it against chrono.
pub fn launch_label(unix_secs: i64) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (year, month, day) = civil_from_days(unix_secs.div_euclid(86_400));
    let secs = unix_secs.rem_euclid(86_400);
    format!("on {day} {} {year} at {:02}:{:02} UTC", MONTHS[month as usize - 1], secs / 3600, secs % 3600 / 60)
}

/// The proleptic Gregorian (year, month, day) of a day counted from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
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

/// "1:02:03" or "02:03" until a moment `secs` away.
pub fn countdown(secs: i64) -> String {
    let s = secs.max(0);
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 { format!("{h}:{m:02}:{sec:02}") } else { format!("{m:02}:{sec:02}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_labels_read_as_chrono_writes_them() {
        assert_eq!(launch_label(1_796_220_000), "on 2 Dec 2026 at 14:00 UTC");
        // Every day from 1900 to 2200 at a moving time of day, leap days and year ends included.
        let mut t = -2_208_988_800;
        while t < 7_258_118_400 {
            let expected = chrono::DateTime::from_timestamp(t, 0).unwrap().format("on %-d %b %Y at %H:%M UTC").to_string();
            assert_eq!(launch_label(t), expected, "at {t}");
            t += 86_400 + 61;
        }
    }
}
