//! Demo catalog: two departments (digital game licences and physical jewelry) with categories,
//! products, department details, purchasable variants and generated product pictures.
//!
//! The catalog is planned in memory first (pure, deterministic apart from `created_at`, which is
//! relative to "now"), then the pictures are rendered to disk on blocking threads, and finally
//! every row is inserted in a single transaction. Seeding is skipped when any product exists.

mod games;
mod images;
mod jewelry;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgPool, Postgres, Transaction};

/// Key for `pg_advisory_xact_lock`, so two processes seeding the same database at once cannot
/// both insert the catalog.
const SEED_LOCK_KEY: i64 = 0x5EED_CA7A_1064;

/// The demo accounts of the built-in provider (documented in the README).
pub const DEMO_ADMIN: (&str, &str) = ("admin@example.com", "Admin-demo-2026!");
pub const DEMO_SHOPPER: (&str, &str) = ("shopper@example.com", "Shopper-demo-2026!");

/// Creates the demo admin and shopper, confirmed, unless they exist.
pub async fn seed_demo_users(provider: &app::accounts::ssr::builtin::BuiltinProvider) -> anyhow::Result<()> {
    use app::accounts::model::Email;
    for ((email, password), admin) in [(DEMO_ADMIN, true), (DEMO_SHOPPER, false)] {
        let email = Email::parse(email).map_err(anyhow::Error::msg)?;
        provider.create_confirmed(&email, password, admin).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(())
}

/// The demo discount codes (documented in the README): 10% off once per customer, and €20 off
/// orders of €100 or more.
pub const DEMO_DISCOUNTS: [(&str, &str, i64, i64, Option<i32>); 2] =
    [("WELCOME10", "percent", 10, 0, Some(1)), ("SPARKLE20", "fixed", 2_000, 10_000, None)];

pub async fn seed_demo_discounts(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    for (code, kind, value, min, per_customer) in DEMO_DISCOUNTS {
        sqlx::query(
            "INSERT INTO discount_codes (code, kind, value, min_subtotal_minor, per_customer_limit)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING",
        )
        .bind(code)
        .bind(kind)
        .bind(value)
        .bind(min)
        .bind(per_customer)
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// Keys per game variant in the demo (or fewer when the variant had less stock).
pub const DEMO_KEYS_PER_VARIANT: i32 = 20;

/// Gives every in-stock demo game variant without a pool a pool of generated keys (its stock
/// becomes the pool's size). Returns how many keys were made.
pub async fn seed_demo_keys(pool: &sqlx::PgPool, cipher: &app::licenses::ssr::crypto::KeyCipher) -> anyhow::Result<i64> {
    use app::licenses::ssr::{import::generate, pool::import};
    let variants: Vec<(i64, i32)> = sqlx::query_as(
        "SELECT v.id, v.stock FROM variants v JOIN products p ON p.id = v.product_id
         WHERE p.department = 'games' AND NOT v.keyed AND v.stock > 0 ORDER BY v.id",
    )
    .fetch_all(pool)
    .await?;
    let mut made = 0;
    for (id, stock) in variants {
        let keys: Vec<String> = (0..stock.min(DEMO_KEYS_PER_VARIANT)).map(|_| generate("PF-XXXXX-XXXXX-XXXXX-XXXXX")).collect();
        made += import(pool, cipher, id, &keys).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(made)
}

/// Inserts the demo catalog (both departments) unless products already exist; writes generated
/// product images under `media_dir`. Returns Ok(true) if it seeded, Ok(false) if the catalog already had products.
pub async fn seed_demo(pool: &sqlx::PgPool, media_dir: &std::path::Path) -> anyhow::Result<bool> {
    // Cheap check first, so a seeded database costs one query.
    if product_count(pool).await? > 0 {
        return Ok(false);
    }

    // Serialise seeders (e.g. two server processes starting at once) on an advisory lock held by
    // the transaction, and re-check under it: the loser waits, then finds the catalog and leaves.
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(SEED_LOCK_KEY)
        .execute(&mut *tx)
        .await?;
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM products")
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        tx.rollback().await?;
        return Ok(false);
    }

    let plan = plan_catalog(Utc::now());

    // Pictures before any row: they are idempotent (same slug, same bytes), so if anything below
    // fails, the transaction rolls back and the files left behind are simply rewritten next time.
    let started = Instant::now();
    let jobs: Vec<images::Job> = plan
        .iter()
        .flat_map(|p| {
            p.images.iter().map(|img| images::Job {
                stem: format!("{}-{}", p.slug, img.n),
                art: img.art.clone(),
            })
        })
        .collect();
    let job_count = jobs.len();
    let dir = media_dir.join("products");
    tokio::task::spawn_blocking(move || images::write_all(&dir, &jobs))
        .await
        .context("demo image generation task panicked")??;
    tracing::info!(
        images = job_count,
        files = job_count * images::WIDTHS.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "generated demo product images"
    );

    let started = Instant::now();
    let categories = insert_categories(&mut tx).await?;
    let mut variant_count = 0;
    for product in &plan {
        insert_product(&mut tx, product, &categories)
            .await
            .with_context(|| format!("inserting demo product {}", product.slug))?;
        variant_count += product.variants.len();
    }
    tx.commit().await?;
    tracing::info!(
        products = plan.len(),
        variants = variant_count,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "seeded demo catalog"
    );
    Ok(true)
}

async fn product_count(pool: &PgPool) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM products")
        .fetch_one(pool)
        .await?)
}

// ---------------------------------------------------------------------------------------------
// Plan types
// ---------------------------------------------------------------------------------------------

pub(crate) const GAMES: &str = "games";
pub(crate) const JEWELRY: &str = "jewelry";

pub(crate) struct CategorySeed {
    pub slug: &'static str,
    pub name: &'static str,
    pub department: &'static str,
    /// `None` for a department root.
    pub parent: Option<&'static str>,
    pub description: &'static str,
    pub position: i32,
}

pub(crate) const CATEGORIES: &[CategorySeed] = &[
    CategorySeed {
        slug: "games",
        name: "Games",
        department: GAMES,
        parent: None,
        description: "Digital game keys for PC and consoles, delivered instantly to your account.",
        position: 1,
    },
    CategorySeed {
        slug: "jewelry",
        name: "Jewelry",
        department: JEWELRY,
        parent: None,
        description: "Fine jewelry made to order in our workshop, with certified gemstones.",
        position: 2,
    },
    CategorySeed {
        slug: "action-adventure",
        name: "Action & Adventure",
        department: GAMES,
        parent: Some("games"),
        description: "Fast combat, daring platforming and sprawling worlds to explore.",
        position: 1,
    },
    CategorySeed {
        slug: "role-playing",
        name: "Role-Playing",
        department: GAMES,
        parent: Some("games"),
        description: "Story-rich RPGs where your party, your choices and your build matter.",
        position: 2,
    },
    CategorySeed {
        slug: "strategy",
        name: "Strategy & Simulation",
        department: GAMES,
        parent: Some("games"),
        description: "Outthink your rivals or build something great, one careful decision at a time.",
        position: 3,
    },
    CategorySeed {
        slug: "racing-sports",
        name: "Racing & Sports",
        department: GAMES,
        parent: Some("games"),
        description: "Supercars, rally stages and stadiums full of fans, from arcade fun to full simulation.",
        position: 4,
    },
    CategorySeed {
        slug: "puzzle-indie",
        name: "Puzzle & Indie",
        department: GAMES,
        parent: Some("games"),
        description: "Clever puzzles and small-studio gems with big ideas.",
        position: 5,
    },
    CategorySeed {
        slug: "rings",
        name: "Rings",
        department: JEWELRY,
        parent: Some("jewelry"),
        description: "Engagement rings, wedding bands and cocktail rings, made to your size.",
        position: 1,
    },
    CategorySeed {
        slug: "necklaces",
        name: "Necklaces",
        department: JEWELRY,
        parent: Some("jewelry"),
        description: "Pendants, chains and strands to wear alone or layered.",
        position: 2,
    },
    CategorySeed {
        slug: "earrings",
        name: "Earrings",
        department: JEWELRY,
        parent: Some("jewelry"),
        description: "Studs, hoops and drops, from everyday staples to evening statements.",
        position: 3,
    },
    CategorySeed {
        slug: "bracelets",
        name: "Bracelets",
        department: JEWELRY,
        parent: Some("jewelry"),
        description: "Tennis bracelets, cuffs, bangles and beaded strands for every wrist.",
        position: 4,
    },
];

/// One product, fully resolved and ready to insert.
pub(crate) struct ProductPlan {
    pub slug: &'static str,
    pub name: &'static str,
    pub department: &'static str,
    /// Leaf category slug.
    pub category: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub featured: bool,
    pub created_at: DateTime<Utc>,
    pub search_text: String,
    pub details: Details,
    pub variants: Vec<VariantPlan>,
    pub images: Vec<ImagePlan>,
}

pub(crate) enum Details {
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
pub(crate) struct VariantPlan {
    pub sku: String,
    pub price_minor: i64,
    pub stock: i32,
    pub platform: Option<&'static str>,
    pub edition: Option<&'static str>,
    pub metal: Option<&'static str>,
    pub ring_size: Option<i16>,
}

pub(crate) struct ImagePlan {
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
pub(crate) fn plan_catalog(now: DateTime<Utc>) -> Vec<ProductPlan> {
    let mut plan = games::plan(now);
    plan.extend(jewelry::plan(now));
    plan
}

// ---------------------------------------------------------------------------------------------
// Inserts
// ---------------------------------------------------------------------------------------------

async fn insert_categories(
    tx: &mut Transaction<'_, Postgres>,
) -> Result<HashMap<&'static str, i64>> {
    let mut ids = HashMap::new();
    // Roots come first in CATEGORIES, so a parent id is always known before its children.
    for c in CATEGORIES {
        let parent_id = match c.parent {
            Some(parent) => Some(*ids.get(parent).with_context(|| {
                format!("category {} listed before its parent {parent}", c.slug)
            })?),
            None => None,
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO categories (slug, name, department, parent_id, description, position)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name
             RETURNING id",
        )
        .bind(c.slug)
        .bind(c.name)
        .bind(c.department)
        .bind(parent_id)
        .bind(c.description)
        .bind(c.position)
        .fetch_one(&mut **tx)
        .await
        .with_context(|| format!("inserting category {}", c.slug))?;
        ids.insert(c.slug, id);
    }
    Ok(ids)
}

async fn insert_product(
    tx: &mut Transaction<'_, Postgres>,
    p: &ProductPlan,
    categories: &HashMap<&'static str, i64>,
) -> Result<()> {
    let category_id = *categories
        .get(p.category)
        .with_context(|| format!("unknown category {}", p.category))?;
    let product_id: i64 = sqlx::query_scalar(
        "INSERT INTO products
            (slug, name, department, category_id, summary, description, currency, featured, created_at, search_text)
         VALUES ($1, $2, $3, $4, $5, $6, 'EUR', $7, $8, $9)
         RETURNING id",
    )
    .bind(p.slug)
    .bind(p.name)
    .bind(p.department)
    .bind(category_id)
    .bind(p.summary)
    .bind(p.description)
    .bind(p.featured)
    .bind(p.created_at)
    .bind(&p.search_text)
    .fetch_one(&mut **tx)
    .await?;

    match &p.details {
        Details::Game {
            genre,
            publisher,
            release_date,
            age_rating,
            system_requirements,
        } => {
            sqlx::query(
                "INSERT INTO game_details (product_id, genre, publisher, release_date, age_rating, system_requirements)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(product_id)
            .bind(*genre)
            .bind(*publisher)
            .bind(*release_date)
            .bind(*age_rating)
            .bind(*system_requirements)
            .execute(&mut **tx)
            .await?;
        }
        Details::Jewelry {
            stone,
            carat_hundredths,
            finish,
            cert_lab,
            cert_number,
            cert_grade,
        } => {
            sqlx::query(
                "INSERT INTO jewelry_details (product_id, stone, carat_hundredths, finish, cert_lab, cert_number, cert_grade)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(product_id)
            .bind(*stone)
            .bind(*carat_hundredths)
            .bind(*finish)
            .bind(*cert_lab)
            .bind(*cert_number)
            .bind(*cert_grade)
            .execute(&mut **tx)
            .await?;
        }
    }

    for (i, v) in p.variants.iter().enumerate() {
        sqlx::query(
            "INSERT INTO variants (product_id, sku, price_minor, stock, position, platform, edition, metal, ring_size)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(product_id)
        .bind(&v.sku)
        .bind(v.price_minor)
        .bind(v.stock)
        .bind(i as i32 + 1)
        .bind(v.platform)
        .bind(v.edition)
        .bind(v.metal)
        .bind(v.ring_size)
        .execute(&mut **tx)
        .await
        .with_context(|| format!("inserting variant {}", v.sku))?;
    }

    let widths: Vec<i32> = images::WIDTHS.iter().map(|&w| w as i32).collect();
    for img in &p.images {
        sqlx::query(
            "INSERT INTO product_images (product_id, position, alt, path_prefix, widths, width, height)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(product_id)
        .bind(img.n)
        .bind(&img.alt)
        .bind(img.path_prefix(p.slug))
        .bind(&widths)
        .bind(images::WIDTH as i32)
        .bind(images::HEIGHT as i32)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
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

/// Joins keyword phrases into `search_text`, dropping words that are already in the name (the
/// name is indexed with a higher weight anyway) and repeated phrases. Phrases stay intact
/// ("Rose gold", not "Rose"), so substring (trigram) search finds them too.
pub(crate) fn search_text(name: &str, phrases: &[&str]) -> String {
    fn norm(w: &str) -> String {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    }
    let in_name: Vec<String> = name.split_whitespace().map(norm).collect();
    let mut seen: Vec<String> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    for phrase in phrases {
        let kept: Vec<&str> = phrase
            .split_whitespace()
            .filter(|w| {
                let key = norm(w);
                !key.is_empty() && !in_name.contains(&key)
            })
            .collect();
        let kept = kept.join(" ");
        let key = kept.to_lowercase();
        if !kept.is_empty() && !seen.contains(&key) {
            seen.push(key);
            out.push(kept);
        }
    }
    out.join(" ")
}

/// Rounds a price in minor units to a shop-style "…900" amount (e.g. 125 860 → 125 900).
pub(crate) fn shop_price(minor: i64) -> i64 {
    ((minor + 500) / 1000).max(1) * 1000 - 100
}
