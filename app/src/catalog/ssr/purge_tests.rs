//! Which cached pages a catalog change purges (the triggers in the cache-purge migration), and the
//! purge task's batching: each path once per batch when due, kept while the port fails.
use super::tests::{categories, game, ring};
use crate::platform::purge::{purge_due, CachePurge, PurgeError};
use sqlx::PgPool;
use std::collections::BTreeSet;
use std::sync::Mutex;

/// The distinct paths queued since the last call (and clears the queue).
async fn queued(pool: &PgPool) -> BTreeSet<String> {
    sqlx::query_scalar("DELETE FROM cache_purges RETURNING path").fetch_all(pool).await.unwrap().into_iter().collect()
}

fn set(paths: &[&str]) -> BTreeSet<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

async fn exec(pool: &PgPool, sql: &str) {
    sqlx::query(sql).execute(pool).await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_price_change_purges_the_product_its_categories_search_and_home(pool: PgPool) {
    let f = categories(&pool).await;
    game(&pool, f.rpg, "Deep Vault", "RPG", 1, &[("PC", "Deluxe", 5999, 30)]).await;
    game(&pool, f.action, "Star Hopper", "Action", 2, &[("PC", "Standard", 1999, 30)]).await;
    queued(&pool).await;

    exec(&pool, "UPDATE variants SET price_minor = 4999 WHERE sku LIKE 'G%' AND price_minor = 5999").await;
    assert_eq!(queued(&pool).await, set(&["/", "/c/games", "/c/rpg", "/p/deep-vault", "/search"]));

    // What shoppers do not see purges nothing: the low-stock alert level, a stock change that
    // leaves the product in stock.
    exec(&pool, "UPDATE variants SET low_stock_threshold = 2, stock = 29").await;
    exec(&pool, "UPDATE products SET version = version + 1, updated_at = now()").await;
    assert_eq!(queued(&pool).await, set(&[]));
}

#[sqlx::test(migrations = "../migrations")]
async fn stock_purges_when_sold_out_low_or_back(pool: PgPool) {
    let f = categories(&pool).await;
    let id = ring(&pool, f.rings, "Halo Ring", Some("Diamond"), &[("Gold", 6, 90000, 5)]).await;
    queued(&pool).await;
    let stock = |n: i32| {
        let pool = pool.clone();
        async move {
            sqlx::query("UPDATE variants SET stock = $2 WHERE product_id = $1").bind(id).bind(n).execute(&pool).await.unwrap();
            queued(&pool).await
        }
    };
    let pages = set(&["/", "/c/jewelry", "/c/rings", "/p/halo-ring", "/search"]);
    assert_eq!(stock(4).await, set(&[]), "5 -> 4: still plainly in stock");
    assert_eq!(stock(3).await, pages, "4 -> 3: \"only 3 left\"");
    assert_eq!(stock(2).await, pages, "3 -> 2: \"only 2 left\"");
    assert_eq!(stock(0).await, pages, "sold out");
    assert_eq!(stock(9).await, pages, "back in stock");
}

/// A limited drop's page shows the exact keys left: every sale purges that page (and only it,
/// until a band is crossed); an ordinary product's stock within a band purges nothing.
#[sqlx::test(migrations = "../migrations")]
async fn a_drops_page_is_purged_by_every_stock_change(pool: PgPool) {
    let f = categories(&pool).await;
    let id = game(&pool, f.rpg, "Deep Vault", "RPG", 1, &[("PC", "Deluxe", 5999, 30)]).await;
    game(&pool, f.action, "Star Hopper", "Action", 2, &[("PC", "Standard", 1999, 30)]).await;
    exec(&pool, &format!("UPDATE products SET launch_at = now() - interval '1 minute' WHERE id = {id}")).await;
    queued(&pool).await;
    exec(&pool, "UPDATE variants SET stock = stock - 1").await;
    assert_eq!(queued(&pool).await, set(&["/p/deep-vault"]), "30 -> 29 keys: the drop's page only");
    exec(&pool, &format!("UPDATE variants SET stock = 3 WHERE product_id = {id}")).await;
    assert_eq!(queued(&pool).await, set(&["/", "/c/games", "/c/rpg", "/p/deep-vault", "/search"]), "into \"only 3 left\"");
}

#[sqlx::test(migrations = "../migrations")]
async fn drafts_purge_nothing_and_publish_rename_and_withdraw_purge_old_and_new(pool: PgPool) {
    let f = categories(&pool).await;
    let id = game(&pool, f.rpg, "Deep Vault", "RPG", 1, &[("PC", "Deluxe", 5999, 30)]).await;
    exec(&pool, &format!("UPDATE products SET status = 'draft' WHERE id = {id}")).await;
    queued(&pool).await;

    exec(&pool, &format!("UPDATE products SET description = 'Edited.' WHERE id = {id}")).await;
    exec(&pool, &format!("UPDATE variants SET price_minor = 100 WHERE product_id = {id}")).await;
    assert_eq!(queued(&pool).await, set(&[]), "a draft is seen by nobody");

    exec(&pool, &format!("UPDATE products SET status = 'active' WHERE id = {id}")).await;
    assert_eq!(queued(&pool).await, set(&["/", "/c/games", "/c/rpg", "/p/deep-vault", "/search"]));

    exec(&pool, &format!("UPDATE products SET slug = 'deep-vault-2', category_id = {} WHERE id = {id}", f.action)).await;
    assert_eq!(
        queued(&pool).await,
        set(&["/", "/c/action", "/c/games", "/c/rpg", "/p/deep-vault", "/p/deep-vault-2", "/search"]),
        "the old address and category too"
    );

    exec(&pool, &format!("UPDATE products SET status = 'archived' WHERE id = {id}")).await;
    assert_eq!(queued(&pool).await, set(&["/", "/c/action", "/c/games", "/p/deep-vault-2", "/search"]));
}

#[sqlx::test(migrations = "../migrations")]
async fn photos_purge_when_shoppers_can_see_them(pool: PgPool) {
    let f = categories(&pool).await;
    let id = game(&pool, f.rpg, "Deep Vault", "RPG", 1, &[("PC", "Deluxe", 5999, 30)]).await;
    queued(&pool).await;
    let photo: i64 = sqlx::query_scalar(
        "INSERT INTO product_images (product_id, position, alt, path_prefix, widths, width, height, status) \
         VALUES ($1, 0, 'Cover', 'x/cover', '{}', 1, 1, 'pending') RETURNING id",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    queued(&pool).await;
    exec(&pool, &format!("UPDATE product_images SET status = 'processing', progress = 50 WHERE id = {photo}")).await;
    assert_eq!(queued(&pool).await, set(&[]), "progress is not shown to shoppers");
    exec(&pool, &format!("UPDATE product_images SET status = 'ready', widths = '{{320}}', progress = 100 WHERE id = {photo}")).await;
    assert!(queued(&pool).await.contains("/p/deep-vault"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_renamed_category_purges_its_pages_parent_and_products(pool: PgPool) {
    let f = categories(&pool).await;
    game(&pool, f.rpg, "Deep Vault", "RPG", 1, &[("PC", "Deluxe", 5999, 30)]).await;
    queued(&pool).await;
    exec(&pool, &format!("UPDATE categories SET name = 'Role-playing', slug = 'role-playing' WHERE id = {}", f.rpg)).await;
    assert_eq!(queued(&pool).await, set(&["/", "/c/games", "/c/role-playing", "/c/rpg", "/p/deep-vault", "/search"]));
}

/// Records what it was asked to purge; fails while `fail` is set.
#[derive(Default)]
struct Recorder {
    batches: Mutex<Vec<Vec<String>>>,
    fail: Mutex<bool>,
}

#[async_trait::async_trait]
impl CachePurge for Recorder {
    async fn purge(&self, paths: &[String]) -> Result<(), PurgeError> {
        if *self.fail.lock().unwrap() {
            return Err(PurgeError::Refused(503));
        }
        self.batches.lock().unwrap().push(paths.to_vec());
        Ok(())
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_task_sends_each_path_once_when_due_and_keeps_them_while_the_port_fails(pool: PgPool) {
    exec(&pool, "INSERT INTO cache_purges (path) VALUES ('/p/a'), ('/search'), ('/p/a'), ('/search')").await;
    let port = Recorder::default();
    assert_eq!(purge_due(&pool, &port).await.unwrap(), 0, "due a second after the change");
    exec(&pool, "UPDATE cache_purges SET due_at = now() - interval '1 second'").await;

    *port.fail.lock().unwrap() = true;
    assert!(purge_due(&pool, &port).await.is_err());
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM cache_purges").fetch_one(&pool).await.unwrap();
    assert_eq!(left, 4, "a failed purge leaves the queue as it was");

    *port.fail.lock().unwrap() = false;
    assert_eq!(purge_due(&pool, &port).await.unwrap(), 4);
    assert_eq!(port.batches.lock().unwrap().clone(), vec![vec!["/p/a".to_string(), "/search".to_string()]]);
    assert_eq!(purge_due(&pool, &port).await.unwrap(), 0, "nothing left");
}
