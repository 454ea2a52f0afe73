//! Small formatting helpers for pages and API bodies.

use chrono::{DateTime, Utc};
use zhian_domain::time::shanghai;

/// Tenths of an hour as text: `15` → `1.5`, `20` → `2`.
#[must_use]
pub fn hours(tenths: u32) -> String {
    if tenths.is_multiple_of(10) { (tenths / 10).to_string() } else { format!("{}.{}", tenths / 10, tenths % 10) }
}

/// An instant as Beijing time, to the minute.
#[must_use]
pub fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&shanghai()).format("%Y-%m-%d %H:%M").to_string()
}

/// The style of a slot's status on a page: `ok`, `warn` or `bad`.
#[must_use]
pub fn slot_css(status: zhian_domain::SlotStatus) -> &'static str {
    use zhian_domain::SlotStatus;
    match status {
        SlotStatus::Done | SlotStatus::Excused => "ok",
        SlotStatus::Late | SlotStatus::Due => "warn",
        SlotStatus::Missing | SlotStatus::Upcoming => "bad",
    }
}

/// Whole yuan with thousands separators.
#[must_use]
pub fn yuan(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn hours_and_money_read_naturally() {
        assert_eq!(super::hours(15), "1.5");
        assert_eq!(super::hours(20), "2");
        assert_eq!(super::yuan(3_000_000), "3,000,000");
    }
}
