//! Order totals, computed on the server from database prices only. Integer minor units throughout;
//! every step is checked, so an overflow is an error rather than a wrong total.
pub use crate::types::{Quantity, QuantityError};
use serde::{Deserialize, Serialize};

/// A line as priced from the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedLine {
    pub variant_id: i64,
    pub unit_minor: i64,
    pub quantity: Quantity,
    /// Jewelry ships; games are delivered as keys.
    pub physical: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiscountKind {
    /// 1..=100 percent of the goods.
    Percent(u8),
    /// A fixed amount off the goods, in minor units.
    Fixed(i64),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discount {
    pub code: String,
    pub kind: DiscountKind,
    /// Of the goods it applies to.
    pub min_subtotal_minor: i64,
    /// Only this department's goods (their subtotal) are discounted; `None`: all goods.
    pub department: Option<crate::catalog::model::Department>,
}

impl Discount {
    /// Whether the code takes money off this line.
    pub fn applies_to(&self, line: &PricedLine) -> bool {
        self.department.is_none_or(|d| (d == crate::catalog::model::Department::Jewelry) == line.physical)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShippingMethod {
    Standard,
    /// Required above the insured threshold.
    Insured,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingRates {
    pub standard_minor: i64,
    pub insured_minor: i64,
    /// Goods worth more than this (after discount) must ship insured.
    pub insured_above_minor: i64,
}

impl Default for ShippingRates {
    fn default() -> Self {
        ShippingRates { standard_minor: 495, insured_minor: 1495, insured_above_minor: 50_000 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub shipping_minor: i64,
    /// VAT included in the total (prices include VAT).
    pub tax_minor: i64,
    pub total_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PricingError {
    #[error("{0}")]
    Quantity(#[from] QuantityError),
    #[error("Your cart is empty.")]
    Empty,
    #[error("That amount is too large.")]
    Overflow,
    #[error("This code needs a subtotal of at least {0} (minor units).")]
    BelowMinimum(i64),
    #[error("Choose a shipping method for the jewelry in your cart.")]
    ShippingNeeded,
    #[error("Orders above the insured-shipping threshold ship insured.")]
    InsuranceRequired,
    #[error("Nothing in your cart ships, so no shipping method applies.")]
    NothingShips,
    #[error("That discount is not valid.")]
    BadDiscount,
    /// A code for one department, and nothing of that department in the cart.
    #[error("That code is for {0} only.")]
    NotEligible(String),
}

/// VAT rate in basis points (2000 = 20 %), used to show the VAT included in a total.
pub const VAT_BASIS_POINTS: i64 = 2000;

/// The totals of an order. One discount at most (codes never stack), applied to goods only, never more
/// than the goods; shipping only when something ships, insured above the threshold.
pub fn totals(
    lines: &[PricedLine],
    discount: Option<&Discount>,
    shipping: Option<ShippingMethod>,
    rates: &ShippingRates,
) -> Result<Totals, PricingError> {
    if lines.is_empty() {
        return Err(PricingError::Empty);
    }
    let mut subtotal: i64 = 0;
    for l in lines {
        if l.unit_minor <= 0 {
            return Err(PricingError::Overflow);
        }
        let line = l.unit_minor.checked_mul(l.quantity.get() as i64).ok_or(PricingError::Overflow)?;
        subtotal = subtotal.checked_add(line).ok_or(PricingError::Overflow)?;
    }
    let discount_minor = match discount {
        None => 0,
        Some(d) => {
            // The goods the code applies to (no overflow: a part of the subtotal).
            let eligible: i64 = lines.iter().filter(|l| d.applies_to(l)).map(|l| l.unit_minor * l.quantity.get() as i64).sum();
            if eligible == 0 {
                let dept = d.department.map(|d| d.label().to_lowercase()).unwrap_or_default();
                return Err(PricingError::NotEligible(dept));
            }
            if eligible < d.min_subtotal_minor {
                return Err(PricingError::BelowMinimum(d.min_subtotal_minor));
            }
            match d.kind {
                DiscountKind::Percent(p) if (1..=100).contains(&p) => {
                    // Rounded down: the shop never gives more than the stated percentage.
                    (eligible as i128 * p as i128 / 100) as i64
                }
                DiscountKind::Fixed(v) if v > 0 => v.min(eligible),
                _ => return Err(PricingError::BadDiscount),
            }
        }
    };
    let goods = subtotal - discount_minor;
    let ships = lines.iter().any(|l| l.physical);
    let shipping_minor = match (ships, shipping) {
        (false, None) => 0,
        (false, Some(_)) => return Err(PricingError::NothingShips),
        (true, None) => return Err(PricingError::ShippingNeeded),
        (true, Some(ShippingMethod::Standard)) if goods > rates.insured_above_minor => {
            return Err(PricingError::InsuranceRequired);
        }
        (true, Some(ShippingMethod::Standard)) => rates.standard_minor,
        (true, Some(ShippingMethod::Insured)) => rates.insured_minor,
    };
    let total = goods.checked_add(shipping_minor).ok_or(PricingError::Overflow)?;
    let tax = (total as i128 * VAT_BASIS_POINTS as i128 / (10_000 + VAT_BASIS_POINTS) as i128) as i64;
    Ok(Totals { subtotal_minor: subtotal, discount_minor, shipping_minor, tax_minor: tax, total_minor: total })
}

/// A stable fingerprint of priced lines (variant, quantity, unit price), so an order can tell whether
/// the cart it was started from still matches.
pub fn fingerprint(lines: &[PricedLine]) -> String {
    let mut parts: Vec<String> =
        lines.iter().map(|l| format!("{}x{}@{}", l.variant_id, l.quantity.get(), l.unit_minor)).collect();
    parts.sort();
    parts.join(",")
}

/// The order's discount shared among its lines (in order) in proportion to their value, among the
/// lines the code applies to: cumulative shares rounded down, so the parts add up to exactly the
/// discount. The refund of a line's units takes its share off.
pub fn allocate_discount(lines: &[PricedLine], discount: Option<&Discount>, discount_minor: i64) -> Vec<i64> {
    let applies = |l: &PricedLine| discount.is_some_and(|d| d.applies_to(l));
    let value = |l: &PricedLine| l.unit_minor * l.quantity.get() as i64;
    let eligible: i64 = lines.iter().filter(|l| applies(l)).map(value).sum();
    let mut before = 0i64;
    lines
        .iter()
        .map(|l| {
            if !applies(l) || eligible == 0 {
                return 0;
            }
            let share = |v: i64| (discount_minor as i128 * v as i128 / eligible as i128) as i64;
            let part = share(before + value(l)) - share(before);
            before += value(l);
            part
        })
        .collect()
}

/// What was paid for goods worth `value` (minor units at their unit prices) out of an order's
/// `subtotal`: the value less its share of the order's `discount`. The shares of cumulative values
/// are subtracted from each other, so the parts of an order add up to exactly what was paid.
pub fn paid_share(subtotal: i64, discount: i64, value: i64) -> i64 {
    if subtotal <= 0 {
        return 0;
    }
    value - (discount as i128 * value as i128 / subtotal as i128) as i64
}

/// A line as a refund sees it: its value at unit prices, its share of the discount, the units
/// bought, refunded before and refunded now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundLine {
    pub unit_minor: i64,
    pub quantity: i64,
    pub discount_minor: i64,
    pub refunded_before: i64,
    pub units: i64,
}

/// The refund proposed for some units of some lines: what the buyer paid for them (each line's
/// share of the discount taken off, unit by unit). When no unit of the order is left afterwards it
/// is everything not yet refunded (`left`), shipping included. Never more than `left`.
pub fn suggested_refund(lines: &[RefundLine], left: i64, last: bool) -> i64 {
    let share: i64 = lines
        .iter()
        .map(|l| {
            let total = l.unit_minor * l.quantity;
            let paid = |units: i64| paid_share(total, l.discount_minor, l.unit_minor * units);
            paid(l.refunded_before + l.units) - paid(l.refunded_before)
        })
        .sum();
    if last { left.max(0) } else { share.clamp(0, left.max(0)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(id: i64, unit: i64, q: u8, physical: bool) -> PricedLine {
        PricedLine { variant_id: id, unit_minor: unit, quantity: Quantity::new(q as i64, 99).unwrap(), physical }
    }

    fn code(kind: DiscountKind, min: i64) -> Discount {
        Discount { code: "X".into(), kind, min_subtotal_minor: min, department: None }
    }

    #[test]
    fn quantity_is_bounded_by_the_product() {
        assert!(Quantity::new(0, 10).is_err());
        assert!(Quantity::new(-1, 10).is_err());
        assert_eq!(Quantity::new(10, 10).unwrap().get(), 10);
        assert_eq!(Quantity::new(11, 10), Err(QuantityError { max: 10 }));
        assert!(Quantity::new(100, 200).is_err(), "never above 99");
    }

    #[test]
    fn a_game_and_a_ring() {
        let rates = ShippingRates::default();
        let lines = [line(1, 5999, 1, false), line(2, 24_900, 1, true)];
        let t = totals(&lines, None, Some(ShippingMethod::Standard), &rates).unwrap();
        assert_eq!(t.subtotal_minor, 30_899);
        assert_eq!(t.shipping_minor, 495);
        assert_eq!(t.total_minor, 31_394);
        assert_eq!(t.tax_minor, 31_394 * 2000 / 12_000);
        assert_eq!(totals(&lines, None, None, &rates), Err(PricingError::ShippingNeeded));
        let games = [line(1, 5999, 2, false)];
        assert_eq!(totals(&games, None, Some(ShippingMethod::Standard), &rates), Err(PricingError::NothingShips));
        assert_eq!(totals(&games, None, None, &rates).unwrap().total_minor, 11_998);
    }

    #[test]
    fn expensive_jewelry_ships_insured() {
        let rates = ShippingRates::default();
        let lines = [line(2, 80_000, 1, true)];
        assert_eq!(totals(&lines, None, Some(ShippingMethod::Standard), &rates), Err(PricingError::InsuranceRequired));
        assert_eq!(totals(&lines, None, Some(ShippingMethod::Insured), &rates).unwrap().shipping_minor, 1495);
        // A discount that brings the goods under the threshold allows standard shipping.
        let d = code(DiscountKind::Fixed(40_000), 0);
        assert!(totals(&lines, Some(&d), Some(ShippingMethod::Standard), &rates).is_ok());
    }

    #[test]
    fn discounts_respect_minimums_and_never_exceed_the_goods() {
        let rates = ShippingRates::default();
        let lines = [line(1, 1000, 1, false)];
        assert_eq!(
            totals(&lines, Some(&code(DiscountKind::Percent(10), 2000)), None, &rates),
            Err(PricingError::BelowMinimum(2000))
        );
        let t = totals(&lines, Some(&code(DiscountKind::Fixed(5000), 0)), None, &rates).unwrap();
        assert_eq!((t.discount_minor, t.total_minor), (1000, 0), "a fixed code is capped at the goods");
        let t = totals(&[line(2, 999, 1, true)], Some(&code(DiscountKind::Fixed(5000), 0)), Some(ShippingMethod::Standard), &rates)
            .unwrap();
        assert_eq!(t.total_minor, 495, "shipping is never discounted");
        let t = totals(&[line(1, 999, 1, false)], Some(&code(DiscountKind::Percent(15), 0)), None, &rates).unwrap();
        assert_eq!(t.discount_minor, 149, "rounded down");
        assert_eq!(totals(&lines, Some(&code(DiscountKind::Percent(0), 0)), None, &rates), Err(PricingError::BadDiscount));
        assert_eq!(totals(&lines, Some(&code(DiscountKind::Percent(101), 0)), None, &rates), Err(PricingError::BadDiscount));
        assert_eq!(totals(&lines, Some(&code(DiscountKind::Fixed(-5), 0)), None, &rates), Err(PricingError::BadDiscount));
    }

    #[test]
    fn overflow_is_an_error() {
        let lines = [line(1, i64::MAX / 2, 3, false)];
        assert_eq!(totals(&lines, None, None, &ShippingRates::default()), Err(PricingError::Overflow));
        assert_eq!(totals(&[], None, None, &ShippingRates::default()), Err(PricingError::Empty));
    }

    #[test]
    fn fingerprint_ignores_order_but_not_price_or_quantity() {
        let a = [line(1, 100, 1, false), line(2, 200, 2, true)];
        let b = [line(2, 200, 2, true), line(1, 100, 1, false)];
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&[line(1, 100, 1, false), line(2, 201, 2, true)]));
        assert_ne!(fingerprint(&a), fingerprint(&[line(1, 100, 2, false), line(2, 200, 2, true)]));
    }

    fn arb_line() -> impl Strategy<Value = PricedLine> {
        (1i64..1000, 1i64..5_000_000, 1u8..=99, any::<bool>()).prop_map(|(id, unit, q, physical)| line(id, unit, q, physical))
    }

    fn arb_discount() -> impl Strategy<Value = Option<Discount>> {
        prop_oneof![
            Just(None),
            (1u8..=100, 0i64..1_000_000).prop_map(|(p, min)| Some(code(DiscountKind::Percent(p), min))),
            (1i64..10_000_000, 0i64..1_000_000).prop_map(|(v, min)| Some(code(DiscountKind::Fixed(v), min))),
        ]
    }

    proptest! {
        /// Whatever the cart, code and shipping: the total is never negative, the discount is applied once
        /// and never exceeds the goods, and the parts add up.
        #[test]
        fn totals_add_up_and_never_go_negative(
            lines in prop::collection::vec(arb_line(), 1..8),
            discount in arb_discount(),
            insured in any::<bool>(),
        ) {
            let rates = ShippingRates::default();
            let ships = lines.iter().any(|l| l.physical);
            let method = ships.then_some(if insured { ShippingMethod::Insured } else { ShippingMethod::Standard });
            match totals(&lines, discount.as_ref(), method, &rates) {
                Ok(t) => {
                    prop_assert!(t.total_minor >= 0);
                    prop_assert!(t.discount_minor >= 0 && t.discount_minor <= t.subtotal_minor);
                    prop_assert_eq!(t.total_minor, t.subtotal_minor - t.discount_minor + t.shipping_minor);
                    prop_assert!(t.tax_minor >= 0 && t.tax_minor <= t.total_minor);
                    let goods: i64 = lines.iter().map(|l| l.unit_minor * l.quantity.get() as i64).sum();
                    prop_assert_eq!(t.subtotal_minor, goods);
                    // Applying the code once more to what is left would give more off: it was applied once.
                    if let Some(Discount { kind: DiscountKind::Percent(p), .. }) = &discount {
                        prop_assert_eq!(t.discount_minor, goods * *p as i64 / 100);
                    }
                    if ships { prop_assert!(t.shipping_minor > 0); } else { prop_assert_eq!(t.shipping_minor, 0); }
                }
                Err(PricingError::BelowMinimum(min)) => prop_assert!(goods_of(&lines) < min),
                Err(PricingError::InsuranceRequired) => prop_assert!(!insured),
                Err(e) => prop_assert!(false, "unexpected {e:?}"),
            }
        }
    }

    proptest! {
        /// Refunding an order unit by unit, in any order, gives back exactly what was paid: the
        /// shares of the discount add up, shipping comes with the last unit, nothing goes negative.
        #[test]
        fn refunds_unit_by_unit_add_up_to_the_total(
            units in proptest::collection::vec(1i64..50_000, 1..12),
            discount_pct in 0i64..=100,
            shipping in 0i64..2_000,
        ) {
            // Each price is a line of two units; the code applies to every line.
            let lines: Vec<PricedLine> = units.iter().enumerate().map(|(i, &u)| PricedLine {
                variant_id: i as i64, unit_minor: u, quantity: Quantity::new(2, 10).unwrap(), physical: true,
            }).collect();
            let subtotal: i64 = units.iter().map(|u| u * 2).sum();
            let discount = subtotal * discount_pct / 100;
            let code = Discount { code: "X".into(), kind: DiscountKind::Percent(1), min_subtotal_minor: 0, department: None };
            let shares = allocate_discount(&lines, Some(&code), discount);
            prop_assert_eq!(shares.iter().sum::<i64>(), discount);
            let total = subtotal - discount + shipping;
            let mut refunded = 0;
            let mut before = vec![0i64; lines.len()];
            let steps: Vec<usize> = (0..lines.len()).chain(0..lines.len()).collect();
            for (n, &i) in steps.iter().enumerate() {
                let last = n + 1 == steps.len();
                let one = RefundLine { unit_minor: units[i], quantity: 2, discount_minor: shares[i], refunded_before: before[i], units: 1 };
                let r = suggested_refund(&[one], total - refunded, last);
                prop_assert!(r >= 0 && r <= total - refunded);
                if !last { prop_assert!(r <= units[i], "a unit never refunds more than its price"); }
                refunded += r;
                before[i] += 1;
            }
            prop_assert_eq!(refunded, total);
        }
    }

    #[test]
    fn a_refund_proposal_takes_the_discount_share_off_and_never_exceeds_what_is_left() {
        // Two rings of 100.00 with 10 % off and 4.95 shipping: 184.95 paid.
        let ring = RefundLine { unit_minor: 10_000, quantity: 1, discount_minor: 1_000, refunded_before: 0, units: 1 };
        assert_eq!(suggested_refund(&[ring], 18_495, false), 9_000);
        assert_eq!(suggested_refund(&[ring], 9_495, true), 9_495);
        // An amount refunded before (goodwill) leaves less to propose.
        assert_eq!(suggested_refund(&[ring], 495, false), 495);
        // A code for jewelry only: the game in the same order carries none of it.
        let lines = [
            PricedLine { variant_id: 1, unit_minor: 5_999, quantity: Quantity::new(1, 10).unwrap(), physical: false },
            PricedLine { variant_id: 2, unit_minor: 10_000, quantity: Quantity::new(2, 10).unwrap(), physical: true },
        ];
        let code = Discount { code: "RINGS".into(), kind: DiscountKind::Percent(10), min_subtotal_minor: 0, department: Some(crate::catalog::model::Department::Jewelry) };
        let t = totals(&lines, Some(&code), Some(ShippingMethod::Standard), &ShippingRates::default()).unwrap();
        assert_eq!(t.discount_minor, 2_000);
        assert_eq!(allocate_discount(&lines, Some(&code), t.discount_minor), vec![0, 2_000]);
        let game = RefundLine { unit_minor: 5_999, quantity: 1, discount_minor: 0, refunded_before: 0, units: 1 };
        assert_eq!(suggested_refund(&[game], t.total_minor, false), 5_999);
        // Nothing of its department in the cart: the code is refused.
        assert_eq!(totals(&lines[..1], Some(&code), None, &ShippingRates::default()), Err(PricingError::NotEligible("jewelry".into())));
    }

    fn goods_of(lines: &[PricedLine]) -> i64 {
        lines.iter().map(|l| l.unit_minor * l.quantity.get() as i64).sum()
    }
}
