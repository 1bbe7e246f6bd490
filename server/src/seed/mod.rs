//! Writes the demo shop (the `demo` crate's data) into the database and its pictures into the
//! media store (the media directory or the S3 bucket): catalog, accounts, discount codes, key
//! pools, a limited drop and game builds.
//! Only in a build with the `demo` feature (the default); without it, `seed_demo = true` is refused
//! by the configuration check.
//!
//! The catalog is planned in memory first (pure: `demo::plan_catalog`), then the pictures are
//! rendered to a scratch directory on blocking threads and stored, and finally every row is inserted in a single
//! transaction. Seeding is skipped when any product exists.

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::Utc;
use demo::{Details, ProductPlan, images};
pub use demo::{DEMO_ADMIN, DEMO_SHOPPER, DEMO_SUPPORT};
#[cfg(test)]
use demo::{GAMES, JEWELRY};
use sqlx::{PgPool, Postgres, Transaction};

use crate::config::{Config, ProviderKind};

/// Key for `pg_advisory_xact_lock`, so two processes seeding the same database at once cannot
/// both insert the catalog.
const SEED_LOCK_KEY: i64 = 0x5EED_CA7A_1064;

/// Everything the demo needs in the database (each step leaves what exists alone), logged as it goes.
pub async fn seed_demo_data(config: &Config, pool: &PgPool) -> Result<()> {
    let started = Instant::now();
    let media = crate::media_store(config);
    let scratch = crate::photo_staging_dir(config).join(format!("demo-{}", uuid::Uuid::new_v4().simple()));
    if seed_demo(pool, media.as_ref(), &scratch).await.context("seeding demo data")? {
        tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "seeded the demo catalog");
    }
    seed_demo_discounts(pool).await.context("seeding demo discount codes")?;
    let cipher = config.licenses.cipher().context("licenses.encryption_keys")?;
    let keys = seed_demo_keys(pool, &cipher).await.context("seeding demo license keys")?;
    if keys > 0 {
        tracing::info!(keys, "seeded demo license keys");
    }
    if let Some(slug) = seed_demo_drop(pool, &cipher).await.context("seeding the demo drop")? {
        tracing::info!(%slug, "seeded a limited drop launching in 15 minutes");
    }
    let downloads = config.downloads.downloads();
    let builds = seed_demo_builds(pool, downloads.store.as_ref()).await.context("seeding demo game builds")?;
    if builds > 0 {
        tracing::info!(builds, store = downloads.store.name(), "seeded demo game builds");
    }
    if config.auth.provider == ProviderKind::Builtin {
        seed_demo_users(&crate::builtin_provider(config, pool)).await.context("seeding demo users")?;
    }
    Ok(())
}

/// Creates the demo admin, support and shopper accounts, confirmed, unless they exist.
pub async fn seed_demo_users(provider: &app::accounts::ssr::builtin::BuiltinProvider) -> Result<()> {
    use app::accounts::model::Role;
    use app::types::Email;
    for ((email, password), role) in [(DEMO_ADMIN, Role::Admin), (DEMO_SUPPORT, Role::Support), (DEMO_SHOPPER, Role::Shopper)] {
        let email = Email::parse(email).map_err(anyhow::Error::msg)?;
        provider.create_confirmed(&email, password, role).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(())
}

/// The demo discount codes (`demo::DEMO_DISCOUNTS`), unless they exist.
pub async fn seed_demo_discounts(pool: &PgPool) -> Result<()> {
    for d in &demo::DEMO_DISCOUNTS {
        sqlx::query(
            "INSERT INTO discount_codes (code, kind, value, min_subtotal_minor, per_customer_limit)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING",
        )
        .bind(d.code)
        .bind(d.kind)
        .bind(d.value)
        .bind(d.min_subtotal_minor)
        .bind(d.per_customer_limit)
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// Gives every in-stock demo game variant without a pool a pool of generated keys (its stock
/// becomes the pool's size). Returns how many keys were made.
pub async fn seed_demo_keys(pool: &PgPool, cipher: &app::library::keys::ssr::crypto::KeyCipher) -> Result<i64> {
    use app::library::keys::ssr::{import::generate_keys, pool::import};
    let variants: Vec<(i64, i32)> = sqlx::query_as(
        "SELECT v.id, v.stock FROM variants v JOIN products p ON p.id = v.product_id
         WHERE p.department = 'games' AND NOT v.keyed AND v.stock > 0 ORDER BY v.id",
    )
    .fetch_all(pool)
    .await?;
    let mut made = 0;
    for (id, stock) in variants {
        let keys = generate_keys(demo::DEMO_KEY_PATTERN, stock.min(demo::DEMO_KEYS_PER_VARIANT) as usize)?;
        made += import(pool, cipher, id, &keys).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(made)
}

/// The demo's limited drop (`demo::DEMO_DROP`), unless one exists.
pub async fn seed_demo_drop(pool: &PgPool, cipher: &app::library::keys::ssr::crypto::KeyCipher) -> Result<Option<String>> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM products WHERE launch_at IS NOT NULL)").fetch_one(pool).await?;
    if exists {
        return Ok(None);
    }
    let (name, price, keys, launch_in) = demo::DEMO_DROP;
    let (slug, _) = app::library::keys::ssr::drops::create_drop(pool, cipher, name, price, keys, launch_in)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Some(slug))
}

/// The demo builds (`demo::DEMO_BUILDS`) for every game that has none. The files are generated
/// bytes, the same on every run. Returns how many builds it stored.
pub async fn seed_demo_builds(pool: &PgPool, store: &dyn app::library::downloads::ssr::store::ObjectStore) -> Result<usize> {
    use app::library::downloads::ssr::builds::{BuildError, add_build};
    let games: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, slug, name FROM products p WHERE department = 'games'
         AND NOT EXISTS (SELECT 1 FROM builds b WHERE b.product_id = p.id) ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    let mut made = 0;
    for (id, slug, name) in games {
        for (version, changelog) in demo::DEMO_BUILDS {
            let bytes = demo::demo_build_bytes(&name, version);
            match add_build(pool, store, id, version, changelog, &format!("{slug}-{version}.bin"), bytes).await {
                Ok(_) => made += 1,
                // Another server seeding at the same moment stored it.
                Err(BuildError::DuplicateVersion(_)) => {}
                Err(e) => return Err(anyhow::anyhow!("demo build of {slug}: {e}")),
            }
        }
    }
    Ok(made)
}

/// Inserts the demo catalog (both departments) unless products already exist; draws the product
/// pictures in `scratch` (removed after) and stores them in the shop's media store (the media
/// directory, or the S3 bucket behind the CDN). Returns Ok(true) if it seeded, Ok(false) if the
/// catalog already had products.
pub async fn seed_demo(
    pool: &sqlx::PgPool,
    media: &dyn app::platform::objects::MediaStore,
    scratch: &std::path::Path,
) -> anyhow::Result<bool> {
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

    let plan = demo::plan_catalog(Utc::now());

    // Pictures before any row: they are idempotent (same slug, same bytes), so if anything below
    // fails, the transaction rolls back and the files left behind are simply rewritten next time.
    let started = Instant::now();
    let jobs = demo::image_jobs(&plan);
    let job_count = jobs.len();
    let dir = scratch.to_owned();
    tokio::task::spawn_blocking(move || images::write_all(&dir, &jobs))
        .await
        .context("demo image generation task panicked")??;
    let stored = store_pictures(media, scratch).await;
    let _ = tokio::fs::remove_dir_all(scratch).await;
    stored?;
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

/// Every file drawn in `dir` into the media store as `products/<file>`, eight at a time.
async fn store_pictures(media: &dyn app::platform::objects::MediaStore, dir: &std::path::Path) -> Result<()> {
    use futures::stream::{self, StreamExt, TryStreamExt};
    let mut files = Vec::new();
    let mut entries = tokio::fs::read_dir(dir).await.with_context(|| format!("reading {}", dir.display()))?;
    while let Some(entry) = entries.next_entry().await? {
        files.push((entry.path(), entry.file_name().to_string_lossy().into_owned()));
    }
    stream::iter(files)
        .map(|(path, name)| async move {
            let key = format!("products/{name}");
            media.put_file(&key, &path, "image/jpeg").await.with_context(|| format!("storing demo picture {key}"))
        })
        .buffer_unordered(8)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(())
}

async fn product_count(pool: &PgPool) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM products")
        .fetch_one(pool)
        .await?)
}

// ---------------------------------------------------------------------------------------------
// Inserts
// ---------------------------------------------------------------------------------------------

async fn insert_categories(
    tx: &mut Transaction<'_, Postgres>,
) -> Result<HashMap<&'static str, i64>> {
    let mut ids = HashMap::new();
    // Roots come first in the data file, so a parent id is always known before its children.
    for c in demo::categories() {
        let parent_id = match &c.parent {
            Some(parent) => Some(*ids.get(parent.as_str()).with_context(|| {
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
        .bind(&c.slug)
        .bind(&c.name)
        .bind(&c.department)
        .bind(parent_id)
        .bind(&c.description)
        .bind(c.position)
        .fetch_one(&mut **tx)
        .await
        .with_context(|| format!("inserting category {}", c.slug))?;
        ids.insert(c.slug.as_str(), id);
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
            (slug, name, department, category_id, summary, description, currency, featured, created_at, search_text, keywords)
         VALUES ($1, $2, $3, $4, $5, $6, 'EUR', $7, $8, $9, $9)
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
    // Kept as the keywords too, so a staff edit rebuilds the same search text.
    .bind(app::catalog::edit::search_text(p.name, &p.search_phrases))
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
