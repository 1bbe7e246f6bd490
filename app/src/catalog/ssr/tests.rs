//! Catalog queries against a real Postgres (one throwaway database per test, via `sqlx::test`).
use super::listing::{self, Scope};
use super::repo;
use super::service;
use crate::catalog::model::Department;
use crate::catalog::query::{FacetKey, ListingQuery, Sort};
use crate::error::AppError;
use sqlx::PgPool;

pub(super) struct Fixture {
    pub(super) games: i64,
    pub(super) action: i64,
    pub(super) rpg: i64,
    pub(super) rings: i64,
}

pub(super) async fn categories(pool: &PgPool) -> Fixture {
    let id = |slug: &'static str, dept: &'static str, parent: Option<i64>| async move {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO categories (slug, name, department, parent_id) VALUES ($1, initcap($1), $2, $3) RETURNING id",
        )
        .bind(slug)
        .bind(dept)
        .bind(parent)
        .fetch_one(pool)
        .await
        .unwrap()
    };
    let games = id("games", "games", None).await;
    let action = id("action", "games", Some(games)).await;
    let rpg = id("rpg", "games", Some(games)).await;
    let jewelry = id("jewelry", "jewelry", None).await;
    let rings = id("rings", "jewelry", Some(jewelry)).await;
    Fixture { games, action, rpg, rings }
}

/// A game with variants `(platform, edition, price_minor, stock)`.
pub(super) async fn game(pool: &PgPool, cat: i64, name: &str, genre: &str, age_days: i32, variants: &[(&str, &str, i64, i32)]) -> i64 {
    let slug = name.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO products (slug, name, department, category_id, summary, description, created_at) \
         VALUES ($1, $2, 'games', $3, 'A game.', 'A fine game to play.', now() - make_interval(days => $4)) RETURNING id",
    )
    .bind(&slug)
    .bind(name)
    .bind(cat)
    .bind(age_days)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO game_details (product_id, genre, publisher, release_date, age_rating) \
         VALUES ($1, $2, 'Test Pub', '2025-01-01', 'PEGI 12')",
    )
    .bind(id)
    .bind(genre)
    .execute(pool)
    .await
    .unwrap();
    for (i, (platform, edition, price, stock)) in variants.iter().enumerate() {
        sqlx::query(
            "INSERT INTO variants (product_id, sku, price_minor, stock, position, platform, edition) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(format!("G{id}-{i}"))
        .bind(price)
        .bind(stock)
        .bind(i as i32)
        .bind(platform)
        .bind(edition)
        .execute(pool)
        .await
        .unwrap();
    }
    id
}

/// A ring with variants `(metal, size, price_minor, stock)`.
pub(super) async fn ring(pool: &PgPool, cat: i64, name: &str, stone: Option<&str>, variants: &[(&str, i16, i64, i32)]) -> i64 {
    let slug = name.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO products (slug, name, department, category_id, search_text) \
         VALUES ($1, $2, 'jewelry', $3, 'ring') RETURNING id",
    )
    .bind(&slug)
    .bind(name)
    .bind(cat)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO jewelry_details (product_id, stone, finish) VALUES ($1, $2, 'Polished')")
        .bind(id)
        .bind(stone)
        .execute(pool)
        .await
        .unwrap();
    for (i, (metal, size, price, stock)) in variants.iter().enumerate() {
        sqlx::query(
            "INSERT INTO variants (product_id, sku, price_minor, stock, position, metal, ring_size) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(format!("J{id}-{i}"))
        .bind(price)
        .bind(stock)
        .bind(i as i32)
        .bind(metal)
        .bind(size)
        .execute(pool)
        .await
        .unwrap();
    }
    id
}

pub(super) fn query(pairs: &[(&str, &str)]) -> ListingQuery {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    ListingQuery::parse(&pairs).unwrap()
}

async fn names(pool: &PgPool, scope: &Scope, q: &ListingQuery) -> Vec<String> {
    listing::listing(pool, scope, q, &[]).await.unwrap().cards.into_iter().map(|c| c.name).collect()
}

/// Three games in two sub-categories: one PC+PS5, one Switch-only and sold out, one PC Deluxe only.
async fn three_games(pool: &PgPool, f: &Fixture) {
    game(pool, f.action, "Star Hopper", "Action", 10, &[("PC", "Standard", 1999, 5), ("PlayStation 5", "Standard", 2999, 5)]).await;
    game(pool, f.action, "Mole Patrol", "Action", 5, &[("Nintendo Switch", "Standard", 999, 0)]).await;
    game(pool, f.rpg, "Deep Vault", "RPG", 1, &[("PC", "Deluxe", 5999, 3)]).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_category_lists_its_subcategories_products(pool: PgPool) {
    let f = categories(&pool).await;
    three_games(&pool, &f).await;
    let listing = service::category_listing(&pool, "games", query(&[])).await.unwrap();
    assert_eq!(listing.total, 3);
    let rpg = service::category_listing(&pool, "rpg", query(&[])).await.unwrap();
    assert_eq!(rpg.products.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Deep Vault"]);
    assert_eq!(rpg.breadcrumb[0].slug, "games");
    let _ = f.games;
}

#[sqlx::test(migrations = "../migrations")]
async fn filters_combine_and_in_stock_hides_sold_out(pool: PgPool) {
    let f = categories(&pool).await;
    three_games(&pool, &f).await;
    let scope = Scope(vec![f.games]);
    let mut by_name = names(&pool, &scope, &query(&[("platform", "PC"), ("sort", "name")])).await;
    by_name.sort();
    assert_eq!(by_name, ["Deep Vault", "Star Hopper"]);
    assert_eq!(names(&pool, &scope, &query(&[("platform", "PC"), ("genre", "RPG")])).await, ["Deep Vault"]);
    let mut in_stock = names(&pool, &scope, &query(&[("in_stock", "1")])).await;
    in_stock.sort();
    assert_eq!(in_stock, ["Deep Vault", "Star Hopper"], "the sold-out game is hidden");
    // Platform and price must hold for the same variant: Star Hopper's PC copy is €19.99, its PS5 copy €29.99.
    assert!(names(&pool, &scope, &query(&[("platform", "PC"), ("price", "25-50")])).await.is_empty());
    assert_eq!(names(&pool, &scope, &query(&[("platform", "PlayStation 5"), ("price", "25-50")])).await, ["Star Hopper"]);
    // An unknown facet value is a clean, empty result.
    assert!(names(&pool, &scope, &query(&[("platform", "Amiga")])).await.is_empty());
    assert!(names(&pool, &scope, &query(&[("price", "9-99")])).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn facet_counts_match_the_results_they_lead_to(pool: PgPool) {
    let f = categories(&pool).await;
    three_games(&pool, &f).await;
    let scope = Scope(vec![f.games]);
    let base = query(&[("genre", "Action")]);
    let keys = [FacetKey::Platform, FacetKey::Genre, FacetKey::Price, FacetKey::InStock];
    let counts = listing::listing(&pool, &scope, &base, &keys).await.unwrap().counts;
    let count = |k: FacetKey, v: &str| counts.iter().find(|c| c.0 == k && c.1 == v).map(|c| c.2).unwrap_or(0);
    // Hand-checked against the fixture.
    assert_eq!(count(FacetKey::Platform, "PC"), 1);
    assert_eq!(count(FacetKey::Platform, "Nintendo Switch"), 1);
    assert_eq!(count(FacetKey::Genre, "Action"), 2);
    assert_eq!(count(FacetKey::Genre, "RPG"), 1, "a facet ignores its own selection");
    assert_eq!(count(FacetKey::InStock, "1"), 1);
    assert_eq!(count(FacetKey::Price, "0-25"), 2);
    // And every count equals the total of the listing filtered by that value alone within its facet
    // (values of one facet combine with OR, facets with AND).
    for (key, value, n) in &counts {
        let mut next = base.clone();
        for selected in base.values(*key) {
            next = next.toggled(*key, selected);
        }
        let next = next.toggled(*key, value);
        let total = listing::listing(&pool, &scope, &next, &[]).await.unwrap().total;
        assert_eq!(total, *n, "{key:?}={value}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn search_tolerates_typos_and_ranks_best_match_first(pool: PgPool) {
    let f = categories(&pool).await;
    game(&pool, f.action, "Zelda's Lantern", "Adventure", 3, &[("Nintendo Switch", "Standard", 4999, 9)]).await;
    game(&pool, f.action, "Lantern Keepers", "Puzzle", 3, &[("PC", "Standard", 1499, 9)]).await;
    ring(&pool, f.rings, "Ceylon Sapphire Solitaire", Some("Sapphire"), &[("Platinum", 7, 189900, 1)]).await;
    ring(&pool, f.rings, "Ruby Halo Ring", Some("Ruby"), &[("White gold", 6, 99900, 1)]).await;
    let search = |q: &'static str| {
        let pool = pool.clone();
        async move {
            service::search(&pool, query(&[("q", q)])).await.unwrap().products.into_iter().map(|p| p.name).collect::<Vec<_>>()
        }
    };
    assert_eq!(search("zeld").await, ["Zelda's Lantern"]);
    assert_eq!(search("saphire").await, ["Ceylon Sapphire Solitaire"]);
    assert_eq!(search("lantern").await.len(), 2);
    assert_eq!(search("zelda lantern").await.first().map(String::as_str), Some("Zelda's Lantern"));
    assert!(search("xylophone").await.is_empty());
    // Punctuation and operators are just text, never an error.
    assert!(service::search(&pool, query(&[("q", "ring & (\"or\" | !) ' --")])).await.is_ok());
}

#[sqlx::test(migrations = "../migrations")]
async fn pagination_edges(pool: PgPool) {
    let f = categories(&pool).await;
    for i in 0..30 {
        game(&pool, f.action, &format!("Game {i:02}"), "Action", i, &[("PC", "Standard", 1000 + i as i64, 1)]).await;
    }
    let page = |p: &'static str| {
        let pool = pool.clone();
        async move { service::category_listing(&pool, "action", query(&[("page", p), ("sort", "price-asc")])).await.unwrap() }
    };
    let first = page("1").await;
    assert_eq!((first.products.len(), first.total, first.page_count()), (24, 30, 2));
    assert_eq!(first.products[0].name, "Game 00");
    let second = page("2").await;
    assert_eq!((second.products.len(), second.total), (6, 30));
    assert_eq!(second.products.last().unwrap().name, "Game 29");
    let beyond = page("3").await;
    assert!(beyond.products.is_empty());
    assert_eq!(beyond.total, 30, "past the end still knows the total");
    let newest = service::category_listing(&pool, "action", query(&[("sort", "newest")])).await.unwrap();
    assert_eq!(newest.products[0].name, "Game 00");
    let q = query(&[("sort", "price-desc")]);
    assert_eq!(q.sort, Sort::PriceDesc);
    let desc = service::category_listing(&pool, "action", q).await.unwrap();
    assert_eq!(desc.products[0].name, "Game 29");
}

#[sqlx::test(migrations = "../migrations")]
async fn product_page_data_and_not_found(pool: PgPool) {
    let f = categories(&pool).await;
    ring(&pool, f.rings, "Twin Band", None, &[("Yellow gold", 5, 49900, 2), ("Platinum", 7, 99900, 0)]).await;
    let p = service::product(&pool, "twin-band").await.unwrap();
    assert_eq!(p.department, Department::Jewelry);
    assert_eq!(p.option_names, ["Metal", "Ring size"]);
    assert_eq!(p.variants[1].options, ["Platinum", "7"]);
    assert_eq!(p.variants[1].stock, 0);
    assert_eq!(service::product(&pool, "no-such-thing").await.unwrap_err(), AppError::NotFound);
    assert_eq!(service::product(&pool, "../etc/passwd").await.unwrap_err(), AppError::NotFound);
    assert_eq!(service::category_listing(&pool, "nope", query(&[])).await.unwrap_err(), AppError::NotFound);
}

#[sqlx::test(migrations = "../migrations")]
async fn database_rejects_impossible_catalog_rows(pool: PgPool) {
    let f = categories(&pool).await;
    let id = ring(&pool, f.rings, "Plain Band", None, &[("Yellow gold", 6, 19900, 1)]).await;
    let insert = |sku: &'static str, price: i64, stock: i32, size: i16| {
        sqlx::query("INSERT INTO variants (product_id, sku, price_minor, stock, metal, ring_size) VALUES ($1,$2,$3,$4,'Platinum',$5)")
            .bind(id)
            .bind(sku)
            .bind(price)
            .bind(stock)
            .bind(size)
            .execute(&pool)
    };
    assert!(insert("NEG-STOCK", 100, -1, 6).await.is_err(), "stock below zero");
    assert!(insert("ZERO-PRICE", 0, 1, 6).await.is_err(), "free by accident");
    assert!(insert("BAD-SIZE", 100, 1, 40).await.is_err(), "ring size out of range");
    assert!(insert("OK-ROW", 100, 1, 6).await.is_ok());
    assert!(insert("DUP-COMBO", 100, 1, 6).await.is_err(), "one row per option combination");
}

/// A product with one variant; returns the variant id.
pub(crate) async fn product(pool: &sqlx::PgPool, department: &str, price: i64, stock: i32) -> i64 {
    let slug = format!("p-{}", uuid::Uuid::new_v4().simple());
    let cat: i64 = sqlx::query_scalar(
        "INSERT INTO categories (slug, name, department, description) VALUES ($1, 'C', $2, '') RETURNING id",
    )
    .bind(format!("c-{}", uuid::Uuid::new_v4().simple()))
    .bind(department)
    .fetch_one(pool)
    .await
    .unwrap();
    let pid: i64 = sqlx::query_scalar(
        "INSERT INTO products (slug, name, department, category_id) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&slug)
    .bind(format!("Item {slug}"))
    .bind(department)
    .bind(cat)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query_scalar("INSERT INTO variants (product_id, sku, price_minor, stock) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(pid)
        .bind(format!("SKU-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]).to_uppercase())
        .bind(price)
        .bind(stock)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A unique violation becomes an error on the form's field (what the staff editors show); another
/// database error stays internal.
#[sqlx::test(migrations = "../migrations")]
async fn a_unique_violation_is_a_field_error(pool: sqlx::PgPool) {
    use crate::error::{on_constraint, AppError};
    let insert = || sqlx::query("INSERT INTO categories (slug, name, department, description) VALUES ('rings', 'Rings', 'jewelry', '')").execute(&pool);
    insert().await.unwrap();
    let err = insert().await.unwrap_err();
    assert_eq!(
        on_constraint(err, "categories_slug_key", "slug", "That address is taken."),
        AppError::Field { field: "slug".into(), message: "That address is taken.".into() }
    );
    assert_eq!(AppError::Field { field: "slug".into(), message: "x".into() }.status(), 422);
    let other = sqlx::query("INSERT INTO categories (slug, name, department, description) VALUES ('Bad Slug', 'x', 'jewelry', '')")
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(on_constraint(other, "categories_slug_key", "slug", "taken"), AppError::internal("any cause"), "a CHECK on another rule");
}

/// Shoppers see active products only, on every catalog path: home, category listing and its
/// count, facet counts, search, the product page (and so its JSON-LD) and the stock poll. A
/// draft or archived product is simply not there (404 on its page).
#[sqlx::test(migrations = "../migrations")]
async fn only_active_products_reach_shoppers(pool: PgPool) {
    let f = categories(&pool).await;
    three_games(&pool, &f).await;
    let hidden = game(&pool, f.rpg, "Secret Vault", "RPG", 2, &[("Nintendo Switch", "Deluxe", 4999, 7)]).await;
    sqlx::query("UPDATE products SET featured = true WHERE id = $1").bind(hidden).execute(&pool).await.unwrap();

    let everything = |pool: PgPool| async move {
        let home = service::home(&pool).await.unwrap();
        let listing = service::category_listing(&pool, "games", query(&[])).await.unwrap();
        let switch = listing.facets.iter().flat_map(|f| &f.values).find(|v| v.value == "Nintendo Switch").map_or(0, |v| v.count);
        let found = service::search(&pool, query(&[("q", "vault")])).await.unwrap();
        (
            home.games.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
            listing.total,
            switch,
            found.products.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
            service::product(&pool, "secret-vault").await.map(|p| p.name),
            repo::stock_levels(&pool, hidden).await.unwrap().len(),
        )
    };

    // Active: there everywhere.
    let (home, total, switch, found, page, stock) = everything(pool.clone()).await;
    assert!(home.contains(&"Secret Vault".to_owned()));
    assert_eq!((total, switch, stock), (4, 2, 1));
    assert!(found.contains(&"Secret Vault".to_owned()));
    assert_eq!(page, Ok("Secret Vault".to_owned()));

    for status in ["draft", "archived"] {
        sqlx::query("UPDATE products SET status = $2 WHERE id = $1").bind(hidden).bind(status).execute(&pool).await.unwrap();
        let (home, total, switch, found, page, stock) = everything(pool.clone()).await;
        assert!(!home.contains(&"Secret Vault".to_owned()), "{status}: home");
        assert_eq!(total, 3, "{status}: listing count");
        assert_eq!(switch, 1, "{status}: facet count");
        assert_eq!(found, ["Deep Vault"], "{status}: search");
        assert_eq!(page, Err(AppError::NotFound), "{status}: product page");
        assert_eq!(stock, 0, "{status}: stock poll");
    }
}

/// Publishing, withdrawing and archiving each write an audit row with the status before and after,
/// in the same transaction; the audit log cannot be changed or deleted afterwards.
#[sqlx::test(migrations = "../migrations")]
async fn status_changes_are_audited_and_the_audit_log_is_append_only(pool: PgPool) {
    use crate::catalog::model::ProductStatus::*;
    use crate::platform::audit::Actor;
    let f = categories(&pool).await;
    let id = game(&pool, f.rpg, "Quiet Vault", "RPG", 1, &[("PC", "Standard", 1999, 3)]).await;
    let staff = Actor { user_id: None, email: "owner@example.com".into(), ip: Some("203.0.113.7".into()) };
    assert_eq!(super::staff::set_status(&pool, &staff, id, Draft).await.unwrap(), Some(Active));
    assert_eq!(super::staff::set_status(&pool, &staff, id, Draft).await.unwrap(), Some(Draft), "no change, no row");
    assert_eq!(super::staff::set_status(&pool, &staff, id, Active).await.unwrap(), Some(Draft));
    assert_eq!(super::staff::set_status(&pool, &staff, id, Archived).await.unwrap(), Some(Active));
    assert_eq!(super::staff::set_status(&pool, &staff, 999_999, Active).await.unwrap(), None);
    let rows: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT action, before->>'status', after->>'status', actor_email, host(ip) FROM audit_log
         WHERE entity = 'product' AND entity_id = $1 ORDER BY id",
    )
    .bind(id.to_string())
    .fetch_all(&pool)
    .await
    .unwrap();
    let who = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned(), "owner@example.com".to_owned(), Some("203.0.113.7".to_owned()));
    assert_eq!(
        rows,
        [who("status.withdraw", "active", "draft"), who("status.publish", "draft", "active"), who("status.archive", "active", "archived")]
    );
    for sql in ["UPDATE audit_log SET actor_email = 'someone-else'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
        let err = sqlx::query(sql).execute(&pool).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log").fetch_one(&pool).await.unwrap();
    assert_eq!(count, 3);
}
