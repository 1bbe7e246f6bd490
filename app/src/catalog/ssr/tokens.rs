//! Facet tokens: how a shopper's filters are said to the listing read model
//! (migrations/20261206000001_listing_index.sql writes the same strings for every product).
//!
//! A token is `key=value` segments in [`ORDER`], joined by U+001F: a product has the token
//! `platform=PC␟price=0-25` when one of its variants is both. Genre and stone belong to the product;
//! platform, metal, price and "in stock" to a variant, so combinations of those are what keep
//! "PC under €25" meaning one variant that is both.
use crate::catalog::query::{FacetKey, ListingQuery};

pub const SEP: char = '\u{1f}';

/// Facet keys in token order.
pub const ORDER: [FacetKey; 6] = [
    FacetKey::Genre,
    FacetKey::Stone,
    FacetKey::Platform,
    FacetKey::Metal,
    FacetKey::Price,
    FacetKey::InStock,
];

/// Genre and stone: one value per product.
pub fn is_product_level(key: FacetKey) -> bool {
    matches!(key, FacetKey::Genre | FacetKey::Stone)
}

fn selection(q: &ListingQuery, key: FacetKey) -> Vec<&str> {
    match key {
        FacetKey::InStock if q.in_stock => vec!["1"],
        FacetKey::InStock => Vec::new(),
        _ => q.values(key).iter().map(String::as_str).collect(),
    }
}

pub fn segment(key: FacetKey, value: &str) -> String {
    format!("{}={}", key.key(), value)
}

/// Every token that takes one selected value of each selected key in `keys` (in token order);
/// `[""]` when none of them is selected.
fn combine(q: &ListingQuery, keys: impl Iterator<Item = FacetKey>) -> Vec<String> {
    let mut out = vec![String::new()];
    for key in keys {
        let values = selection(q, key);
        if values.is_empty() {
            continue;
        }
        out = out
            .iter()
            .flat_map(|prefix| {
                values.iter().map(move |v| {
                    if prefix.is_empty() {
                        segment(key, v)
                    } else {
                        format!("{prefix}{SEP}{}", segment(key, v))
                    }
                })
            })
            .collect();
    }
    out
}

/// A filter as token lists: a product matches when its tokens overlap every list. (A drop before its
/// launch has no in-stock token, so "in stock" needs nothing more.)
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    pub any_of: Vec<Vec<String>>,
}

/// The filter of every selection but `except`'s.
pub fn filter(q: &ListingQuery, except: Option<FacetKey>) -> Filter {
    let mut any_of = Vec::new();
    for key in ORDER
        .into_iter()
        .filter(|k| is_product_level(*k) && Some(*k) != except)
    {
        let values = selection(q, key);
        if !values.is_empty() {
            any_of.push(values.iter().map(|v| segment(key, v)).collect());
        }
    }
    let variant_keys = || {
        ORDER
            .into_iter()
            .filter(|k| !is_product_level(*k) && Some(*k) != except)
    };
    if variant_keys().any(|k| !selection(q, k).is_empty()) {
        any_of.push(combine(q, variant_keys()));
    }
    Filter { any_of }
}

/// The one token naming every selection but `except`'s ("" for none), when each key has at most
/// one value selected: the context under which listing_counts keeps its counts. None otherwise.
pub fn context(q: &ListingQuery, except: Option<FacetKey>) -> Option<String> {
    let keys = || ORDER.into_iter().filter(|k| Some(*k) != except);
    if keys().any(|k| selection(q, k).len() > 1) {
        return None;
    }
    combine(q, keys()).pop()
}

/// `ctx` with `key=value` put in its place in token order.
pub fn with(ctx: &str, key: FacetKey, value: &str) -> String {
    let rank = |k: &str| {
        ORDER
            .iter()
            .position(|o| o.key() == k)
            .unwrap_or(ORDER.len())
    };
    let mine = rank(key.key());
    let mut parts: Vec<String> = ctx
        .split(SEP)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let at = parts
        .iter()
        .position(|p| rank(p.split('=').next().unwrap_or_default()) > mine)
        .unwrap_or(parts.len());
    parts.insert(at, segment(key, value));
    parts.join(&SEP.to_string())
}

/// For counting `key` by scanning matching products: the rest a token must hold besides `key`'s
/// segment. Products were already filtered on everything but `key`; only variant keys need to sit
/// on the same variant as `key`'s value.
pub fn scan_contexts(q: &ListingQuery, key: FacetKey) -> Vec<String> {
    if is_product_level(key) {
        return vec![String::new()];
    }
    combine(
        q,
        ORDER
            .into_iter()
            .filter(|k| !is_product_level(*k) && *k != key),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ssr::tests::query as q;
    fn t(parts: &[&str]) -> String {
        parts.join("\u{1f}")
    }

    #[test]
    fn no_selection_is_no_filter_and_the_empty_context() {
        assert_eq!(filter(&q(&[]), None), Filter::default());
        assert_eq!(context(&q(&[]), None).as_deref(), Some(""));
    }

    #[test]
    fn variant_keys_combine_on_one_variant_and_product_keys_stand_apart() {
        let query = q(&[
            ("genre", "RPG"),
            ("platform", "PC"),
            ("platform", "Nintendo Switch"),
            ("price", "0-25"),
            ("in_stock", "1"),
        ]);
        let f = filter(&query, None);
        assert_eq!(
            f.any_of,
            vec![
                vec!["genre=RPG".to_owned()],
                vec![
                    t(&["platform=PC", "price=0-25", "in_stock=1"]),
                    t(&["platform=Nintendo Switch", "price=0-25", "in_stock=1"])
                ],
            ]
        );
        // Counting platforms ignores the platform selection, keeps the rest.
        let f = filter(&query, Some(FacetKey::Platform));
        assert_eq!(f.any_of[1], vec![t(&["price=0-25", "in_stock=1"])]);
        assert_eq!(
            scan_contexts(&query, FacetKey::Platform),
            vec![t(&["price=0-25", "in_stock=1"])]
        );
        assert_eq!(scan_contexts(&query, FacetKey::Genre), vec![String::new()]);
        assert_eq!(
            with(&t(&["genre=RPG", "in_stock=1"]), FacetKey::Price, "0-25"),
            t(&["genre=RPG", "price=0-25", "in_stock=1"])
        );
        assert_eq!(with("", FacetKey::Genre, "RPG"), "genre=RPG");
    }

    #[test]
    fn a_context_exists_only_for_single_values() {
        let query = q(&[
            ("genre", "RPG"),
            ("platform", "PC"),
            ("platform", "Nintendo Switch"),
            ("in_stock", "1"),
        ]);
        assert_eq!(context(&query, None), None);
        assert_eq!(
            context(&query, Some(FacetKey::Platform)),
            Some(t(&["genre=RPG", "in_stock=1"]))
        );
        assert_eq!(
            context(&q(&[("price", "25-50"), ("genre", "RPG")]), None),
            Some(t(&["genre=RPG", "price=25-50"]))
        );
    }
}
