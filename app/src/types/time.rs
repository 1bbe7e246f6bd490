//! Moments as a shopper reads them.

/// "on 2 Dec 2026 at 14:00 UTC".
pub fn launch_label(unix_secs: i64) -> String {
    chrono::DateTime::from_timestamp(unix_secs, 0)
        .map(|t| t.format("on %-d %b %Y at %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// "1:02:03" or "02:03" until a moment `secs` away.
pub fn countdown(secs: i64) -> String {
    let s = secs.max(0);
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 { format!("{h}:{m:02}:{sec:02}") } else { format!("{m:02}:{sec:02}") }
}
