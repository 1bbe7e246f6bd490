//! Listing and search parameters: parsed once, on the server, from the raw query string pairs.
//! Unknown keys are ignored; malformed values of known keys are a `BadRequest` with a clear message.
use crate::error::AppError;
use serde::{Deserialize, Serialize};

pub const PER_PAGE: u32 = 24;
pub const MAX_PAGE: u32 = 1000;
pub const MAX_SEARCH_CHARS: usize = 200;
const MAX_VALUES_PER_FACET: usize = 20;
const MAX_VALUE_CHARS: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Sort {
    /// Best match for searches; featured-then-newest for listings.
    #[default]
    Relevance,
    PriceAsc,
    PriceDesc,
    Newest,
    Name,
}

impl Sort {
    pub const ALL: [Sort; 5] = [Sort::Relevance, Sort::PriceAsc, Sort::PriceDesc, Sort::Newest, Sort::Name];

    pub fn parse(s: &str) -> Option<Sort> {
        Some(match s {
            "" | "relevance" => Sort::Relevance,
            "price-asc" => Sort::PriceAsc,
            "price-desc" => Sort::PriceDesc,
            "newest" => Sort::Newest,
            "name" => Sort::Name,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::PriceAsc => "price-asc",
            Sort::PriceDesc => "price-desc",
            Sort::Newest => "newest",
            Sort::Name => "name",
        }
    }
    pub fn label(self, searching: bool) -> &'static str {
        match self {
            Sort::Relevance if searching => "Best match",
            Sort::Relevance => "Featured",
            Sort::PriceAsc => "Price: low to high",
            Sort::PriceDesc => "Price: high to low",
            Sort::Newest => "Newest",
            Sort::Name => "Name: A to Z",
        }
    }
}

/// Price ranges offered as a facet, in minor units: [min, max).
pub const PRICE_BUCKETS: [(&str, &str, i64, Option<i64>); 6] = [
    ("0-25", "Under €25", 0, Some(2_500)),
    ("25-50", "€25 – €50", 2_500, Some(5_000)),
    ("50-100", "€50 – €100", 5_000, Some(10_000)),
    ("100-250", "€100 – €250", 10_000, Some(25_000)),
    ("250-1000", "€250 – €1,000", 25_000, Some(100_000)),
    ("1000-", "€1,000 and up", 100_000, None),
];

pub fn price_bucket(key: &str) -> Option<(i64, Option<i64>)> {
    PRICE_BUCKETS.iter().find(|b| b.0 == key).map(|b| (b.2, b.3))
}

pub fn price_bucket_label(key: &str) -> &'static str {
    PRICE_BUCKETS.iter().find(|b| b.0 == key).map(|b| b.1).unwrap_or("")
}

/// The facets a listing can filter on. Keys are the query-string names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FacetKey {
    Platform,
    Genre,
    Metal,
    Stone,
    Price,
    InStock,
}

impl FacetKey {
    pub fn key(self) -> &'static str {
        match self {
            FacetKey::Platform => "platform",
            FacetKey::Genre => "genre",
            FacetKey::Metal => "metal",
            FacetKey::Stone => "stone",
            FacetKey::Price => "price",
            FacetKey::InStock => "in_stock",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            FacetKey::Platform => "Platform",
            FacetKey::Genre => "Genre",
            FacetKey::Metal => "Metal",
            FacetKey::Stone => "Stone",
            FacetKey::Price => "Price",
            FacetKey::InStock => "Availability",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListingQuery {
    pub page: u32,
    pub sort: Sort,
    pub q: Option<String>,
    pub platforms: Vec<String>,
    pub genres: Vec<String>,
    pub metals: Vec<String>,
    pub stones: Vec<String>,
    pub prices: Vec<String>,
    pub in_stock: bool,
}

impl ListingQuery {
    pub fn parse(pairs: &[(String, String)]) -> Result<ListingQuery, AppError> {
        let mut out = ListingQuery { page: 1, ..Default::default() };
        for (key, value) in pairs {
            let value = value.trim();
            match key.as_str() {
                "page" => {
                    out.page = match value.parse::<u32>() {
                        Ok(p) if (1..=MAX_PAGE).contains(&p) => p,
                        _ => {
                            return Err(AppError::BadRequest(format!(
                                "The page number must be a whole number from 1 to {MAX_PAGE}."
                            )));
                        }
                    }
                }
                "sort" => {
                    out.sort = Sort::parse(value).ok_or_else(|| {
                        AppError::BadRequest("Unknown sort order. Choose one from the list.".into())
                    })?
                }
                "q" => {
                    if value.chars().count() > MAX_SEARCH_CHARS {
                        return Err(AppError::BadRequest(format!(
                            "Search text is too long (at most {MAX_SEARCH_CHARS} characters)."
                        )));
                    }
                    let cleaned: String = value.chars().filter(|c| !c.is_control()).collect();
                    if !cleaned.trim().is_empty() {
                        out.q = Some(cleaned.trim().to_owned());
                    }
                }
                "platform" => push_value(&mut out.platforms, value)?,
                "genre" => push_value(&mut out.genres, value)?,
                "metal" => push_value(&mut out.metals, value)?,
                "stone" => push_value(&mut out.stones, value)?,
                "price" => {
                    // An unknown range selects nothing rather than failing: a clean, empty filter.
                    push_value(&mut out.prices, value)?
                }
                "in_stock" => out.in_stock = matches!(value, "1" | "true" | "on" | "yes"),
                _ => {} // unknown parameters (utm_*, old facets) are ignored
            }
        }
        Ok(out)
    }

    pub fn values(&self, key: FacetKey) -> &[String] {
        match key {
            FacetKey::Platform => &self.platforms,
            FacetKey::Genre => &self.genres,
            FacetKey::Metal => &self.metals,
            FacetKey::Stone => &self.stones,
            FacetKey::Price => &self.prices,
            FacetKey::InStock => &[],
        }
    }

    /// How many filter values are selected (each facet value counts, "in stock" counts once).
    pub fn active_filter_count(&self) -> usize {
        [FacetKey::Platform, FacetKey::Genre, FacetKey::Metal, FacetKey::Stone, FacetKey::Price]
            .iter()
            .map(|k| self.values(*k).len())
            .sum::<usize>()
            + usize::from(self.in_stock)
    }

    pub fn has_filters(&self) -> bool {
        self.active_filter_count() > 0
    }

    /// The query string (with leading `?`, or empty) for this query. Page 1 and default sort are omitted
    /// so every listing has one canonical URL.
    pub fn to_query_string(&self) -> String {
        let mut parts: Vec<(String, String)> = Vec::new();
        if let Some(q) = &self.q {
            parts.push(("q".into(), q.clone()));
        }
        for key in [FacetKey::Platform, FacetKey::Genre, FacetKey::Metal, FacetKey::Stone, FacetKey::Price] {
            for v in self.values(key) {
                parts.push((key.key().into(), v.clone()));
            }
        }
        if self.in_stock {
            parts.push(("in_stock".into(), "1".into()));
        }
        if self.sort != Sort::Relevance {
            parts.push(("sort".into(), self.sort.as_str().into()));
        }
        if self.page > 1 {
            parts.push(("page".into(), self.page.to_string()));
        }
        if parts.is_empty() {
            return String::new();
        }
        let encoded: Vec<String> =
            parts.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        format!("?{}", encoded.join("&"))
    }

    pub fn with_page(&self, page: u32) -> ListingQuery {
        ListingQuery { page, ..self.clone() }
    }

    /// The same query with one facet value switched on or off (back to page 1).
    pub fn toggled(&self, key: FacetKey, value: &str) -> ListingQuery {
        let mut next = ListingQuery { page: 1, ..self.clone() };
        let list = match key {
            FacetKey::Platform => &mut next.platforms,
            FacetKey::Genre => &mut next.genres,
            FacetKey::Metal => &mut next.metals,
            FacetKey::Stone => &mut next.stones,
            FacetKey::Price => &mut next.prices,
            FacetKey::InStock => {
                next.in_stock = !next.in_stock;
                return next;
            }
        };
        if let Some(pos) = list.iter().position(|v| v == value) {
            list.remove(pos);
        } else {
            list.push(value.to_owned());
        }
        next
    }

    pub fn cleared(&self) -> ListingQuery {
        ListingQuery { page: 1, sort: self.sort, q: self.q.clone(), ..Default::default() }
    }
}

fn push_value(list: &mut Vec<String>, value: &str) -> Result<(), AppError> {
    if value.is_empty() {
        return Ok(());
    }
    if value.chars().count() > MAX_VALUE_CHARS || list.len() >= MAX_VALUES_PER_FACET {
        return Err(AppError::BadRequest("Too many or too long filter values.".into()));
    }
    if !list.iter().any(|v| v == value) {
        list.push(value.to_owned());
    }
    Ok(())
}

/// Percent-encoding for query-string components (RFC 3986 unreserved characters kept).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_to_first_page_and_relevance() {
        let q = ListingQuery::parse(&[]).unwrap();
        assert_eq!(q.page, 1);
        assert_eq!(q.sort, Sort::Relevance);
        assert_eq!(q.to_query_string(), "");
    }

    #[test]
    fn rejects_bad_pages_with_a_clear_message() {
        for bad in ["-1", "abc", "0", "1.5", "", "99999999999"] {
            let err = ListingQuery::parse(&pairs(&[("page", bad)])).unwrap_err();
            assert!(matches!(err, AppError::BadRequest(ref m) if m.contains("page")), "{bad}: {err:?}");
        }
        assert_eq!(ListingQuery::parse(&pairs(&[("page", "3")])).unwrap().page, 3);
    }

    #[test]
    fn rejects_long_search_text_and_unknown_sort() {
        let long = "a".repeat(10 * 1024);
        assert!(ListingQuery::parse(&pairs(&[("q", &long)])).is_err());
        assert!(ListingQuery::parse(&pairs(&[("sort", "drop table")])).is_err());
    }

    #[test]
    fn ignores_unknown_keys_and_blank_search() {
        let q = ListingQuery::parse(&pairs(&[("utm_source", "x"), ("colour", "red"), ("q", "   ")])).unwrap();
        assert_eq!(q, ListingQuery { page: 1, ..Default::default() });
    }

    #[test]
    fn round_trips_through_the_query_string() {
        let q = ListingQuery::parse(&pairs(&[
            ("platform", "Xbox Series X|S"),
            ("platform", "PC"),
            ("price", "25-50"),
            ("in_stock", "1"),
            ("sort", "price-asc"),
            ("page", "2"),
            ("q", "space & time"),
        ]))
        .unwrap();
        let qs = q.to_query_string();
        assert_eq!(
            qs,
            "?q=space+%26+time&platform=Xbox+Series+X%7CS&platform=PC&price=25-50&in_stock=1&sort=price-asc&page=2"
        );
    }

    #[test]
    fn toggling_a_facet_resets_the_page() {
        let q = ListingQuery { page: 4, ..Default::default() };
        let on = q.toggled(FacetKey::Metal, "Platinum");
        assert_eq!(on.page, 1);
        assert_eq!(on.metals, vec!["Platinum"]);
        assert!(on.toggled(FacetKey::Metal, "Platinum").metals.is_empty());
        assert!(q.toggled(FacetKey::InStock, "").in_stock);
    }
}
