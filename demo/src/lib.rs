//! The demo shop's data, kept out of the server so it is neither compiled with every server
//! change nor part of a production build that does not want it (`server`'s default `demo`
//! feature): two departments (digital game licences and physical jewelry) read from the TOML
//! files in `data/`, the painters of their product pictures, and the demo accounts, discount
//! codes, key pools, drop and game builds.
//!
//! Everything here is pure and deterministic (apart from `created_at`, relative to "now"); the
//! server's `seed` module writes it to the database and the pictures to the media directory.

pub mod catalog;
mod games;
pub mod images;
mod jewelry;
#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};

pub use catalog::Category;
pub use jewelry::Style;

/// The demo accounts of the built-in provider (documented in the README): (e-mail, password).
pub const DEMO_ADMIN: (&str, &str) = ("admin@example.com", "Admin-demo-2026!");
pub const DEMO_SHOPPER: (&str, &str) = ("shopper@example.com", "Shopper-demo-2026!");
/// Support staff: orders, customers, shipping and refunds up to the support limit.
pub const DEMO_SUPPORT: (&str, &str) = ("support@example.com", "Support-demo-2026!");

/// A demo discount code, as the staff would enter it.
pub struct DiscountSeed {
    pub code: &'static str,
    /// `percent` or `fixed`.
    pub kind: &'static str,
    /// Percent, or minor units off.
    pub value: i64,
    pub min_subtotal_minor: i64,
    pub per_customer_limit: Option<i32>,
}

/// The demo discount codes (documented in the README): 10% off once per customer, and €20 off
/// orders of €100 or more.
pub const DEMO_DISCOUNTS: [DiscountSeed; 2] = [
    DiscountSeed { code: "WELCOME10", kind: "percent", value: 10, min_subtotal_minor: 0, per_customer_limit: Some(1) },
    DiscountSeed { code: "SPARKLE20", kind: "fixed", value: 2_000, min_subtotal_minor: 10_000, per_customer_limit: None },
];

/// Keys per game variant in the demo (or fewer when the variant had less stock), and their pattern.
pub const DEMO_KEYS_PER_VARIANT: i32 = 20;
pub const DEMO_KEY_PATTERN: &str = "PF-XXXXX-XXXXX-XXXXX-XXXXX";

/// The demo's limited drop: name, price in minor units, keys, and seconds after the first start
/// at which it launches.
pub const DEMO_DROP: (&str, i64, usize, i64) = ("Starfall Founders Edition", 2499, 50, 15 * 60);

/// The two builds every demo game gets: (version, changelog).
pub const DEMO_BUILDS: [(&str, &str); 2] = [
    ("1.0.0", "First release."),
    ("1.1.0", "Faster loading on older machines.\nFixed a crash when the controller disconnects.\nNew photo mode."),
];

/// A readable header, then 192 KiB of deterministic filler (xorshift), so checksums are stable.
pub fn demo_build_bytes(name: &str, version: &str) -> Vec<u8> {
    let mut bytes = format!("{name} {version} (demo build)\n").into_bytes();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ bytes.iter().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(*b as u64));
    while bytes.len() < 192 * 1024 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes
}

// ---------------------------------------------------------------------------------------------
// Plan types
// ---------------------------------------------------------------------------------------------

pub const GAMES: &str = "games";
pub const JEWELRY: &str = "jewelry";

/// The category tree, department roots first (so a parent is always known before its children).
pub fn categories() -> &'static [Category] {
    catalog::categories()
}

/// One product, fully resolved and ready to insert.
pub struct ProductPlan {
    pub slug: &'static str,
    pub name: &'static str,
    pub department: &'static str,
    /// Leaf category slug.
    pub category: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub featured: bool,
    pub created_at: DateTime<Utc>,
    /// What shoppers may search for besides the name (keywords, attributes, options); the catalog
    /// joins them into the product's search text and keywords (`app::catalog::edit::search_text`).
    pub search_phrases: Vec<&'static str>,
    pub details: Details,
    pub variants: Vec<VariantPlan>,
    pub images: Vec<ImagePlan>,
}

pub enum Details {
    Game {
        genre: &'static str,
        publisher: &'static str,
        release_date: NaiveDate,
        age_rating: &'static str,
        system_requirements: &'static str,
    },
    Jewelry {
        stone: Option<&'static str>,
        carat_hundredths: Option<i32>,
        finish: &'static str,
        cert_lab: Option<&'static str>,
        cert_number: Option<&'static str>,
        cert_grade: Option<&'static str>,
    },
}

#[derive(Debug, Clone)]
pub struct VariantPlan {
    pub sku: String,
    pub price_minor: i64,
    pub stock: i32,
    pub platform: Option<&'static str>,
    pub edition: Option<&'static str>,
    pub metal: Option<&'static str>,
    pub ring_size: Option<i16>,
}

pub struct ImagePlan {
    /// 1-based; also the `position` column.
    pub n: i32,
    pub alt: String,
    pub art: images::Art,
}

impl ImagePlan {
    pub fn path_prefix(&self, slug: &str) -> String {
        format!("products/{slug}-{}", self.n)
    }
}

/// The whole demo catalog, games first. `now` anchors the `created_at` spread.
pub fn plan_catalog(now: DateTime<Utc>) -> Vec<ProductPlan> {
    let mut plan = games::plan(now);
    plan.extend(jewelry::plan(now));
    plan
}

/// A product's first `count` pictures, numbered from 1: each (shot, alt text) drawn as `art(shot)`.
pub(crate) fn plan_images<S, const N: usize>(shots: [(S, String); N], count: usize, art: impl Fn(S) -> images::Art) -> Vec<ImagePlan> {
    shots
        .into_iter()
        .take(count)
        .enumerate()
        .map(|(i, (shot, alt))| ImagePlan { n: i as i32 + 1, alt, art: art(shot) })
        .collect()
}

/// Every picture of a plan, as render jobs (`<slug>-<n>`).
pub fn image_jobs(plan: &[ProductPlan]) -> Vec<images::Job> {
    plan.iter()
        .flat_map(|p| p.images.iter().map(|img| images::Job { stem: format!("{}-{}", p.slug, img.n), art: img.art.clone() }))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Small deterministic helpers shared by the data modules
// ---------------------------------------------------------------------------------------------

/// FNV-1a: a stable hash (std's hasher is randomly keyed), so stock levels, dates and pictures
/// are the same on every run.
pub(crate) fn hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    // Final avalanche so nearby inputs give unrelated low bits.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

/// Rounds a price in minor units to a shop-style "…900" amount (e.g. 125 860 → 125 900).
pub(crate) fn shop_price(minor: i64) -> i64 {
    ((minor + 500) / 1000).max(1) * 1000 - 100
}
