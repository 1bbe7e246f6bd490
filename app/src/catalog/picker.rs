//! Variant picker rules, shared by the server render and the browser island:
//! which option values exist, which are sold out, and what clicking one selects.
use crate::catalog::model::Variant;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OptionState {
    /// Part of the current selection.
    Selected,
    /// Clicking selects `target`, which is in stock.
    Available,
    /// Clicking selects `target`, which exists but is sold out.
    SoldOut,
    /// No variant has this value together with the rest of the selection.
    Unavailable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionChoice {
    pub value: String,
    pub state: OptionState,
    /// The variant a click selects; `None` when unavailable.
    pub target: Option<i64>,
    /// Whether the selected/target variant has stock (for the Selected state too).
    pub in_stock: bool,
}

/// The variant shown when none (or an unknown one) is asked for: the first in stock, else the first.
pub fn default_variant(variants: &[Variant], requested: Option<i64>) -> Option<&Variant> {
    requested
        .and_then(|id| variants.iter().find(|v| v.id == id))
        .or_else(|| variants.iter().find(|v| v.stock > 0))
        .or_else(|| variants.first())
}

/// Distinct values of option `dim`, in a shopper-friendly order (numbers numerically).
fn values_of(variants: &[Variant], dim: usize) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for v in variants {
        if let Some(val) = v.options.get(dim)
            && !seen.contains(val) {
                seen.push(val.clone());
            }
    }
    if seen.iter().all(|s| decimal(s).is_some()) {
        seen.sort_by_key(|s| decimal(s));
    }
    seen
}

/// A size like "7", "7.5" or "10.25" as thousandths, so sizes sort as numbers. (Not through f64:
/// this runs in the shopper's WASM, where float parsing costs kilobytes.)
fn decimal(s: &str) -> Option<u64> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| !t.is_empty() && t.len() <= 12 && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (s.contains('.') && !digits(frac)) || frac.len() > 3 {
        return None;
    }
    let frac_value = format!("{frac:0<3}").parse::<u64>().ok()?;
    Some(whole.parse::<u64>().ok()? * 1000 + frac_value)
}

/// The choices for every option dimension given the selected variant.
pub fn choices(variants: &[Variant], dims: usize, selected: &Variant) -> Vec<Vec<OptionChoice>> {
    (0..dims)
        .map(|dim| {
            values_of(variants, dim)
                .into_iter()
                .map(|value| {
                    if selected.options.get(dim) == Some(&value) {
                        return OptionChoice {
                            value,
                            state: OptionState::Selected,
                            target: Some(selected.id),
                            in_stock: selected.stock > 0,
                        };
                    }
                    let with_value: Vec<&Variant> =
                        variants.iter().filter(|v| v.options.get(dim) == Some(&value)).collect();
                    // Keep every other selected option if such a variant exists.
                    let exact = with_value.iter().copied().find(|v| {
                        (0..dims).all(|d| d == dim || v.options.get(d) == selected.options.get(d))
                    });
                    // Changing the first option may move the others; later options may not.
                    let target = exact.or_else(|| {
                        (dim == 0)
                            .then(|| with_value.iter().copied().find(|v| v.stock > 0).or(with_value.first().copied()))
                            .flatten()
                    });
                    match target {
                        Some(t) => OptionChoice {
                            value,
                            state: if t.stock > 0 { OptionState::Available } else { OptionState::SoldOut },
                            target: Some(t.id),
                            in_stock: t.stock > 0,
                        },
                        None => OptionChoice { value, state: OptionState::Unavailable, target: None, in_stock: false },
                    }
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Money;

    fn v(id: i64, opts: &[&str], stock: i32) -> Variant {
        Variant {
            id,
            sku: format!("SKU-{id}"),
            price: Money::eur(1000 + id),
            stock,
            options: opts.iter().map(|s| s.to_string()).collect(),
            was: None,
        }
    }

    /// A ring in gold 5-7 and platinum 6-7, with gold 6 sold out.
    fn ring() -> Vec<Variant> {
        vec![
            v(1, &["Yellow gold", "5"], 2),
            v(2, &["Yellow gold", "6"], 0),
            v(3, &["Yellow gold", "7"], 1),
            v(4, &["Platinum", "7"], 3),
            v(5, &["Platinum", "6"], 0),
        ]
    }

    fn state(c: &[OptionChoice], value: &str) -> (OptionState, Option<i64>) {
        let c = c.iter().find(|c| c.value == value).unwrap();
        (c.state, c.target)
    }

    #[test]
    fn defaults_to_first_in_stock_variant() {
        let mut vs = ring();
        vs[0].stock = 0;
        assert_eq!(default_variant(&vs, None).unwrap().id, 3);
        assert_eq!(default_variant(&vs, Some(5)).unwrap().id, 5);
        assert_eq!(default_variant(&vs, Some(999)).unwrap().id, 3, "unknown ids fall back");
    }

    #[test]
    fn greys_out_combinations_that_do_not_exist_or_are_sold_out() {
        let vs = ring();
        let ch = choices(&vs, 2, &vs[3]); // Platinum 7
        assert_eq!(state(&ch[0], "Platinum"), (OptionState::Selected, Some(4)));
        assert_eq!(state(&ch[0], "Yellow gold"), (OptionState::Available, Some(3)), "keeps size 7");
        assert_eq!(state(&ch[1], "5"), (OptionState::Unavailable, None), "no platinum 5");
        assert_eq!(state(&ch[1], "6"), (OptionState::SoldOut, Some(5)));
        assert_eq!(state(&ch[1], "7"), (OptionState::Selected, Some(4)));
        let sizes: Vec<&str> = ch[1].iter().map(|c| c.value.as_str()).collect();
        assert_eq!(sizes, ["5", "6", "7"], "sizes sorted numerically");
    }

    #[test]
    fn sizes_sort_as_numbers_and_words_keep_their_order() {
        assert_eq!(decimal("7"), Some(7000));
        assert_eq!(decimal("7.5"), Some(7500));
        assert_eq!(decimal("10.25"), Some(10_250));
        for bad in ["", ".", "7.", ".5", "-1", "1e3", "7.5.1", "7.1234", "seven", "1 0"] {
            assert_eq!(decimal(bad), None, "{bad:?}");
        }
        let sized = |opts: &[&str]| -> Vec<Variant> { opts.iter().enumerate().map(|(i, o)| v(i as i64, &[o], 1)).collect() };
        assert_eq!(values_of(&sized(&["10", "7.5", "9", "7"]), 0), ["7", "7.5", "9", "10"]);
        assert_eq!(values_of(&sized(&["Deluxe", "Standard", "10"]), 0), ["Deluxe", "Standard", "10"]);
    }

    #[test]
    fn switching_first_option_moves_to_an_existing_variant() {
        let vs = ring();
        let ch = choices(&vs, 2, &vs[0]); // Yellow gold 5: no platinum 5
        assert_eq!(state(&ch[0], "Platinum"), (OptionState::Available, Some(4)), "first in-stock platinum");
    }
}
