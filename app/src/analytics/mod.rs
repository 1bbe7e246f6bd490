//! Sales analytics for the staff dashboard: revenue, orders, average order value and refunds per
//! day in the shop's time zone (refunds on the day they were made), top products, keys sold and
//! left per pool, and the visitor funnel, over a date range compared with the period before. The
//! figures come from a daily rollup (`ssr::rollup`), so the dashboard stays fast however many
//! orders there are; the pages draw them as SVG charts with the same figures in tables.
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::types::Money;
use serde::{Deserialize, Serialize};

/// The longest range the dashboard shows at once (days).
pub const MAX_RANGE_DAYS: i64 = 366;

/// A range of days in the shop's time zone, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
}

impl Range {
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The same number of days just before.
    pub fn previous(&self) -> Range {
        let n = chrono::Duration::days(self.days());
        Range { from: self.from - n, to: self.to - n }
    }

    /// `from`/`to` as typed (`YYYY-MM-DD`); empty: the 30 days up to `today`. Refused: a bad date, an
    /// end before the start, more than [`MAX_RANGE_DAYS`].
    pub fn parse(from: &str, to: &str, today: chrono::NaiveDate) -> Result<Range, String> {
        let date = |s: &str, label: &str| {
            chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| format!("{label}: a date like 2026-12-01."))
        };
        let to = if to.trim().is_empty() { today } else { date(to, "To")? };
        let from = if from.trim().is_empty() { to - chrono::Duration::days(29) } else { date(from, "From")? };
        if to < from {
            return Err("The range ends before it starts.".into());
        }
        let r = Range { from, to };
        if r.days() > MAX_RANGE_DAYS {
            return Err(format!("Choose at most {MAX_RANGE_DAYS} days."));
        }
        Ok(r)
    }
}

/// One day's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFigures {
    pub day: chrono::NaiveDate,
    pub orders: i64,
    pub revenue: Money,
    pub refunded: Money,
    pub refunds: i64,
    pub units: i64,
    pub checkouts: i64,
}

/// A range's totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub orders: i64,
    pub revenue: Money,
    /// Revenue less refunds made in the range.
    pub net: Money,
    pub refunded: Money,
    pub refunds: i64,
    pub discount: Money,
    /// Revenue per paid order (rounded down); zero without orders.
    pub average_order: Money,
    pub units: i64,
}

/// A product's sales in the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFigures {
    pub product_id: i64,
    pub name: String,
    pub units: i64,
    pub revenue: Money,
}

/// A key pool (a keyed variant): keys sold in the range, and left now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolFigures {
    pub variant_id: i64,
    pub name: String,
    pub sold: i64,
    pub left: i64,
}

/// The funnel over the range: visitors (a day's unique visitors, summed over the days), visitors who
/// added to the cart, checkouts started, orders paid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    pub visitors: i64,
    pub carts: i64,
    pub checkouts: i64,
    pub paid: i64,
}

/// Everything the dashboard shows for a range and the period before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub range: Range,
    pub time_zone: String,
    pub days: Vec<DayFigures>,
    pub totals: Totals,
    pub before: Totals,
    pub top_by_units: Vec<ProductFigures>,
    pub top_by_revenue: Vec<ProductFigures>,
    pub pools: Vec<PoolFigures>,
    pub funnel: Funnel,
    pub funnel_before: Funnel,
}

/// A variant (or key pool) at or below its low-stock threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LowStock {
    pub variant_id: i64,
    pub product_id: i64,
    pub name: String,
    pub stock: i64,
    pub threshold: i64,
    /// A key pool (its stock is the keys left).
    pub keyed: bool,
}

/// What needs someone: low stock and jobs that failed for good.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alerts {
    /// The emptiest 50.
    pub low_stock: Vec<LowStock>,
    /// How many there are in all.
    pub low_stock_count: i64,
    pub dead_jobs: i64,
}

/// A change against the period before, as the dashboard words it ("+12 %", "−3 %", "new", "—").
pub fn change(now: i64, before: i64) -> String {
    match (now, before) {
        (0, 0) => "—".into(),
        (_, 0) => "new".into(),
        _ => {
            let pct = (now - before) as f64 * 100.0 / before as f64;
            let rounded = pct.round() as i64;
            match rounded {
                0 => "±0 %".into(),
                r if r > 0 => format!("+{r} %"),
                r => format!("−{} %", -r),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn ranges_default_to_thirty_days_and_compare_with_as_many_before() {
        let r = Range::parse("", "", d("2026-12-07")).unwrap();
        assert_eq!((r.from, r.to, r.days()), (d("2026-11-08"), d("2026-12-07"), 30));
        assert_eq!(r.previous(), Range { from: d("2026-10-09"), to: d("2026-11-07") });
        let one = Range::parse("2026-03-29", "2026-03-29", d("2026-12-07")).unwrap();
        assert_eq!(one.previous(), Range { from: d("2026-03-28"), to: d("2026-03-28") });
        assert!(Range::parse("2026-12-08", "2026-12-01", d("2026-12-07")).is_err());
        assert!(Range::parse("yesterday", "", d("2026-12-07")).is_err());
        assert!(Range::parse("2020-01-01", "2026-01-01", d("2026-12-07")).is_err());
    }

    #[test]
    fn changes_read_as_people_say_them() {
        assert_eq!(change(120, 100), "+20 %");
        assert_eq!(change(97, 100), "−3 %");
        assert_eq!(change(5, 0), "new");
        assert_eq!(change(0, 0), "—");
        assert_eq!(change(100, 100), "±0 %");
    }
}
