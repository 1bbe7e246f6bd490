//! Limited drops: a game with a fixed pool of keys that goes on sale at a launch time. The sale
//! rules live where they apply (cart and checkout refuse a product before its launch; the pool is
//! the stock); this makes one.
use super::crypto::KeyCipher;
use super::import::generate_keys;
use super::pool::{import, PoolError};
use sqlx::PgPool;

const DROP_PATTERN: &str = "DROP-XXXXX-XXXXX-XXXXX-XXXXX";

/// A new drop named `name` (its slug is made from the name and a number) in the first games
/// category, looking like that category's first game, with `keys` generated keys, launching
/// `launch_in_secs` from now. Returns (slug, variant id).
pub async fn create_drop(
    pool: &PgPool,
    cipher: &KeyCipher,
    name: &str,
    price_minor: i64,
    keys: usize,
    launch_in_secs: i64,
) -> Result<(String, i64), PoolError> {
    let mut tx = pool.begin().await?;
    let n: i64 = sqlx::query_scalar("SELECT count(*) + 1 FROM products WHERE slug LIKE 'drop-%'").fetch_one(&mut *tx).await?;
    let base: String = name.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let base = base.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    let slug = format!("drop-{base}-{n}-{}", &uuid::Uuid::new_v4().simple().to_string()[..6]);
    let product: i64 = sqlx::query_scalar(
        "INSERT INTO products (slug, name, department, category_id, summary, description, launch_at, search_text, max_per_order)
         SELECT $1, $2, 'games', id, 'A limited drop: a fixed number of keys, on sale from its launch.',
                'Only a fixed number of keys exist, one per order. When they are gone, they are gone.',
                now() + make_interval(secs => $3), $2, 1
         FROM categories WHERE department = 'games' ORDER BY parent_id NULLS FIRST, position, id LIMIT 1
         RETURNING id",
    )
    .bind(&slug)
    .bind(name)
    .bind(launch_in_secs as f64)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO game_details (product_id, genre, publisher, release_date, age_rating)
         VALUES ($1, 'Adventure', 'Pixel Forge', current_date, 'PEGI 12')",
    )
    .bind(product)
    .execute(&mut *tx)
    .await?;
    // Borrow the pictures of an existing game, so the drop's card and page look like the others.
    sqlx::query(
        "INSERT INTO product_images (product_id, position, alt, path_prefix, widths, width, height)
         SELECT $1, i.position, $2, i.path_prefix, i.widths, i.width, i.height FROM product_images i
         WHERE i.product_id = (SELECT p.id FROM products p JOIN product_images pi ON pi.product_id = p.id
                               WHERE p.department = 'games' AND p.id <> $1 ORDER BY p.id LIMIT 1)",
    )
    .bind(product)
    .bind(format!("{name} cover art"))
    .execute(&mut *tx)
    .await?;
    let sku = format!("DROP-{}", slug.rsplit('-').next().unwrap_or("0").to_uppercase());
    let variant: i64 = sqlx::query_scalar(
        "INSERT INTO variants (product_id, sku, price_minor, stock, platform, edition) VALUES ($1, $2, $3, 0, 'PC', 'Founder') RETURNING id",
    )
    .bind(product)
    .bind(&sku)
    .bind(price_minor)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let pool_keys = generate_keys(DROP_PATTERN, keys).expect("the drop pattern is valid");
    import(pool, cipher, variant, &pool_keys).await?;
    Ok((slug, variant))
}
