//! The listing read model against a generated catalog of a few thousand products (the bench's
//! generator, bench/scale/generate.sql): the plans use the indexes and read about a page of rows,
//! upkeep by triggers equals a rebuild, looked-up counts equal counted ones, and a race between two
//! writers of one product heals.
use super::listing::{self, Scope};
use super::tests::{categories, query};
use crate::catalog::query::{FacetKey, PRICE_BUCKETS};
use sqlx::{PgPool, Postgres, QueryBuilder};

const KEYS: [FacetKey; 4] = [
    FacetKey::Platform,
    FacetKey::Genre,
    FacetKey::Price,
    FacetKey::InStock,
];

async fn generate(pool: &PgPool, products: u32) {
    let sql: String = include_str!("../../../../bench/scale/generate.sql")
        .lines()
        .filter(|l| !l.starts_with('\\'))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("(1, :n)", &format!("(1, {products})"));
    sqlx::raw_sql(&sql).execute(pool).await.unwrap();
}

/// EXPLAIN ANALYZE of a query, as text lines.
async fn explain(pool: &PgPool, mut qb: QueryBuilder<'static, Postgres>) -> Vec<String> {
    qb.build_query_scalar::<String>()
        .fetch_all(pool)
        .await
        .unwrap()
}

/// Rows the plan read from `table` (actual rows x loops of every node on it).
fn rows_read(plan: &[String], table: &str) -> i64 {
    plan.iter()
        .filter(|l| l.contains(&format!(" on {table} ")) || l.ends_with(&format!(" on {table}")))
        .filter_map(|l| {
            let after = l.split("actual time=").nth(1)?;
            let rows: i64 = after
                .split("rows=")
                .nth(1)?
                .split(' ')
                .next()?
                .parse()
                .ok()?;
            let loops: i64 = after
                .split("loops=")
                .nth(1)?
                .trim_end_matches(')')
                .parse()
                .ok()?;
            Some(rows * loops)
        })
        .sum()
}

fn assert_no_seq_scan(plan: &[String], what: &str) {
    for table in [
        "listing_entries",
        "listing_counts",
        "products",
        "variants",
        "price_history",
    ] {
        assert!(
            !plan
                .iter()
                .any(|l| l.contains(&format!("Seq Scan on {table}"))),
            "{what}: scans {table} whole:\n{}",
            plan.join("\n")
        );
    }
}

const EXPLAIN: &str = "EXPLAIN (ANALYZE, COSTS OFF) ";

/// Counts in one order, to compare two ways of counting.
fn by_key(a: &(FacetKey, String, i64), b: &(FacetKey, String, i64)) -> std::cmp::Ordering {
    (a.0.key(), &a.1).cmp(&(b.0.key(), &b.1))
}

#[sqlx::test(migrations = "../migrations")]
async fn plans_use_the_indexes_and_read_about_a_page(pool: PgPool) {
    let f = categories(&pool).await;
    generate(&pool, 3000).await;
    let scope = Scope(vec![f.games]);
    for sort in ["relevance", "price-asc", "price-desc", "newest", "name"] {
        for page in ["1", "5"] {
            let q = query(&[("sort", sort), ("page", page)]);
            let plan = explain(&pool, listing::page_query(EXPLAIN, &scope, None, &q, 24)).await;
            assert_no_seq_scan(&plan, &format!("page {page} by {sort}"));
            let read = rows_read(&plan, "listing_entries");
            let shown = 24 * page.parse::<i64>().unwrap();
            assert!(
                read > 0 && read <= shown + 24,
                "page {page} by {sort} read {read} entries:\n{}",
                plan.join("\n")
            );
        }
    }
    // A filtered page and the counts of a single-value filter: index lookups only.
    let q = query(&[("platform", "PC"), ("in_stock", "1")]);
    let plan = explain(&pool, listing::page_query(EXPLAIN, &scope, None, &q, 24)).await;
    assert_no_seq_scan(&plan, "filtered page");
    let plan = explain(&pool, listing::looked_up_query(EXPLAIN, &scope, &q, &KEYS)).await;
    assert_no_seq_scan(&plan, "looked-up counts");
    assert!(
        rows_read(&plan, "listing_counts") < 200,
        "counts read:\n{}",
        plan.join("\n")
    );
    // Search: candidates through the full-text indexes, never a similarity scan of the catalog. At
    // 3,000 rows reading the table is honestly cheaper for the planner, so this checks what matters at
    // 100,000 (where it picks them itself, see bench/catalog-scale.sh): that both predicates can use
    // their index at all.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SET LOCAL enable_seqscan = off")
        .execute(&mut *tx)
        .await
        .unwrap();
    let plan: Vec<String> = listing::matches_query(EXPLAIN, "(zeld:* | zelda)", "zeld")
        .build_query_scalar()
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_no_seq_scan(&plan, "search");
    assert!(
        plan.iter().any(|l| l.contains("products_name_fts_idx")),
        "{}",
        plan.join("\n")
    );
    assert!(
        plan.iter().any(|l| l.contains("products_search_idx")),
        "{}",
        plan.join("\n")
    );
    // The product page: by its address, then its own variants, prices and photos.
    let (id, slug): (i64, String) =
        sqlx::query_as("SELECT id, slug FROM shop_products ORDER BY id DESC LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    for (sql, what) in super::repo::PRODUCT_PAGE_SQL {
        let plan: Vec<String> = if sql.contains("p.slug = $1") {
            sqlx::query_scalar(&format!("{EXPLAIN}{sql}"))
                .bind(&slug)
                .fetch_all(&pool)
                .await
                .unwrap()
        } else {
            sqlx::query_scalar(&format!("{EXPLAIN}{sql}"))
                .bind(id)
                .fetch_all(&pool)
                .await
                .unwrap()
        };
        assert_no_seq_scan(&plan, what);
    }
}

/// Every entry and count after a day of writes equals what a rebuild from the catalog gives.
#[sqlx::test(migrations = "../migrations")]
async fn upkeep_by_triggers_equals_a_rebuild(pool: PgPool) {
    let f = categories(&pool).await;
    generate(&pool, 600).await;
    for sql in [
        "UPDATE variants SET stock = 0 WHERE id IN (SELECT id FROM variants WHERE stock > 0 ORDER BY id LIMIT 80)",
        "UPDATE variants SET stock = 4 WHERE id IN (SELECT id FROM variants WHERE stock = 0 ORDER BY id DESC LIMIT 30)",
        "UPDATE variants SET stock = stock - 1 WHERE id IN (SELECT id FROM variants WHERE stock > 1 ORDER BY id LIMIT 50)",
        "UPDATE variants SET price_minor = price_minor * 3 WHERE id IN (SELECT id FROM variants ORDER BY id DESC LIMIT 60)",
        "UPDATE variants SET archived_at = now() WHERE id IN (SELECT id FROM variants ORDER BY id LIMIT 20 OFFSET 100)",
        "DELETE FROM variants WHERE id IN (SELECT id FROM variants v WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.variant_id = v.id) ORDER BY id LIMIT 10 OFFSET 300)",
        "UPDATE products SET status = 'draft' WHERE id IN (SELECT id FROM products WHERE status = 'active' ORDER BY id LIMIT 15 OFFSET 40)",
        "UPDATE products SET status = 'active' WHERE id IN (SELECT id FROM products WHERE status <> 'active' ORDER BY id LIMIT 10)",
        "UPDATE products SET featured = NOT featured, name = name || ' II' WHERE id IN (SELECT id FROM products ORDER BY id LIMIT 10 OFFSET 200)",
        "UPDATE game_details SET genre = 'Horror' WHERE product_id IN (SELECT product_id FROM game_details ORDER BY 1 LIMIT 12)",
        "UPDATE jewelry_details SET stone = NULL, carat_hundredths = NULL WHERE product_id IN (SELECT product_id FROM jewelry_details WHERE stone IS NOT NULL ORDER BY 1 LIMIT 12)",
        "UPDATE products SET launch_at = now() + interval '1 day' WHERE id IN (SELECT id FROM products ORDER BY id LIMIT 5 OFFSET 60)",
    ] {
        sqlx::query(sql)
            .execute(&pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    // A category moved under another parent takes its products' listings with it.
    sqlx::query("UPDATE categories SET parent_id = $1 WHERE id = $2")
        .bind(f.rings)
        .bind(f.rpg)
        .execute(&pool)
        .await
        .unwrap();
    let folded: i32 = sqlx::query_scalar("SELECT listing_compact_counts()")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(folded > 0, "the writes left deltas to fold");

    let snapshot = "CREATE TABLE snap_entries AS SELECT * FROM listing_entries; \
                    CREATE TABLE snap_counts AS SELECT scope_id, ctx, facet, value, sum(n) AS n FROM listing_counts GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0";
    sqlx::raw_sql(snapshot).execute(&pool).await.unwrap();
    sqlx::query("SELECT listing_rebuild()")
        .execute(&pool)
        .await
        .unwrap();
    let differ = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        differ("SELECT count(*) FROM ((SELECT * FROM snap_entries EXCEPT SELECT * FROM listing_entries) \
                UNION ALL (SELECT * FROM listing_entries EXCEPT SELECT * FROM snap_entries)) d").await,
        0
    );
    assert_eq!(
        differ("SELECT count(*) FROM ((SELECT * FROM snap_counts EXCEPT SELECT scope_id, ctx, facet, value, n FROM listing_counts) \
                UNION ALL (SELECT scope_id, ctx, facet, value, n FROM listing_counts EXCEPT SELECT * FROM snap_counts)) d").await,
        0
    );
    let moved: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM listing_entries e JOIN products p ON p.id = e.product_id WHERE p.category_id = $1 AND e.scope_id = $2",
    )
    .bind(f.rpg)
    .bind(f.rings)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        moved > 0,
        "the moved category's products are listed under its new parent"
    );
}

/// The two ways of counting agree (and so the cheap one can be trusted), and each count is the
/// number of products the filter it leads to lists.
#[sqlx::test(migrations = "../migrations")]
async fn looked_up_counts_equal_counted_ones(pool: PgPool) {
    let f = categories(&pool).await;
    generate(&pool, 800).await;
    sqlx::query("UPDATE products SET launch_at = now() + interval '1 day' WHERE id IN (SELECT id FROM shop_products ORDER BY id LIMIT 9)")
        .execute(&pool)
        .await
        .unwrap();
    let scope = Scope(vec![f.games]);
    let queries = [
        vec![],
        vec![("in_stock", "1")],
        vec![("genre", "RPG")],
        vec![("platform", "PC"), ("price", "25-50")],
        vec![
            ("genre", "Action"),
            ("platform", "Nintendo Switch"),
            ("in_stock", "1"),
        ],
        vec![("price", "0-25"), ("in_stock", "1")],
    ];
    for pairs in &queries {
        let q = query(pairs);
        let (total, mut looked) = listing::looked_up_for_test(&pool, &scope, &q, &KEYS).await;
        let (counted_total, mut counted) =
            listing::counted_for_test(&pool, &scope, &q, &KEYS).await;
        looked.sort_by(by_key);
        counted.sort_by(by_key);
        assert_eq!((total, &looked), (counted_total, &counted), "{pairs:?}");
        // The plain truth, from the catalog tables themselves.
        let mut truth = QueryBuilder::<Postgres>::new(
            "SELECT count(*) FROM shop_products p JOIN categories c ON c.id = p.category_id \
             LEFT JOIN game_details g ON g.product_id = p.id WHERE (c.id = ",
        );
        truth
            .push_bind(f.games)
            .push(" OR c.parent_id = ")
            .push_bind(f.games)
            .push(")");
        if !q.genres.is_empty() {
            truth
                .push(" AND g.genre = ANY(")
                .push_bind(q.genres.clone())
                .push(")");
        }
        if !q.platforms.is_empty() || !q.prices.is_empty() || q.in_stock {
            truth.push(" AND EXISTS (SELECT 1 FROM shop_variants v WHERE v.product_id = p.id");
            if !q.platforms.is_empty() {
                truth
                    .push(" AND v.platform = ANY(")
                    .push_bind(q.platforms.clone())
                    .push(")");
            }
            for key in &q.prices {
                let (_, _, lo, hi) = PRICE_BUCKETS.iter().find(|b| b.0 == key).unwrap();
                truth.push(" AND v.price_minor >= ").push_bind(*lo);
                if let Some(hi) = hi {
                    truth.push(" AND v.price_minor < ").push_bind(*hi);
                }
            }
            if q.in_stock {
                truth.push(" AND v.stock > 0 AND NOT coalesce(p.launch_at > now(), false)");
            }
            truth.push(")");
        }
        let truth: i64 = truth.build_query_scalar().fetch_one(&pool).await.unwrap();
        assert_eq!(
            total, truth,
            "{pairs:?}: the total is what the catalog holds"
        );
    }
    // Several values of one facet: counted in memory, the same as counting the matching products'
    // tokens, and each count is the total of the listing its link leads to.
    let q = query(&[
        ("platform", "PC"),
        ("platform", "PlayStation 5"),
        ("in_stock", "1"),
    ]);
    let found = listing::listing(&pool, &scope, &q, &KEYS).await.unwrap();
    let (counted_total, mut counted) = listing::counted_for_test(&pool, &scope, &q, &KEYS).await;
    let mut in_memory = found.counts.clone();
    in_memory.sort_by(by_key);
    counted.sort_by(by_key);
    assert_eq!((found.total, &in_memory), (counted_total, &counted));
    assert!(in_memory.iter().any(|(k, _, _)| *k == FacetKey::Platform), "the platforms' own counts are there");
    for (key, value, n) in &found.counts {
        let mut next = q.clone();
        for selected in q.values(*key) {
            next = next.toggled(*key, selected);
        }
        let next = if *key == FacetKey::InStock {
            next
        } else {
            next.toggled(*key, value)
        };
        assert_eq!(
            listing::listing(&pool, &scope, &next, &[])
                .await
                .unwrap()
                .total,
            *n,
            "{key:?}={value}"
        );
    }
}

/// The price buckets of the database are the shop's.
#[sqlx::test(migrations = "../migrations")]
async fn price_buckets_agree_with_the_shop(pool: PgPool) {
    for (key, _, lo, hi) in PRICE_BUCKETS {
        let at_lo: String = sqlx::query_scalar("SELECT price_bucket($1)")
            .bind(lo)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(at_lo, key);
        if let Some(hi) = hi {
            let below: String = sqlx::query_scalar("SELECT price_bucket($1)")
                .bind(hi - 1)
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(below, key);
        }
    }
}

/// Two checkouts sell the last two in-stock variants of one product at the same moment: the second
/// cannot refresh the listing while the first holds it, marks it instead, and the background task
/// puts it right from committed data.
#[sqlx::test(migrations = "../migrations")]
async fn a_race_between_two_writers_heals(pool: PgPool) {
    let f = categories(&pool).await;
    let id = super::tests::game(
        &pool,
        f.action,
        "Twin Keys",
        "Action",
        1,
        &[
            ("PC", "Standard", 1999, 1),
            ("PlayStation 5", "Standard", 1999, 1),
        ],
    )
    .await;
    let variants: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM variants WHERE product_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&pool)
            .await
            .unwrap();
    let in_stock = |pool: PgPool| async move {
        sqlx::query_scalar::<_, bool>(
            "SELECT bool_and(in_stock) FROM listing_entries WHERE product_id = $1",
        )
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let mut first = pool.begin().await.unwrap();
    let mut second = pool.begin().await.unwrap();
    sqlx::query("UPDATE variants SET stock = 0 WHERE id = $1")
        .bind(variants[0])
        .execute(&mut *first)
        .await
        .unwrap();
    sqlx::query("UPDATE variants SET stock = 0 WHERE id = $1")
        .bind(variants[1])
        .execute(&mut *second)
        .await
        .unwrap();
    first.commit().await.unwrap();
    second.commit().await.unwrap();
    assert!(
        in_stock(pool.clone()).await,
        "each saw the other's copy still in stock"
    );
    let healed: i32 = sqlx::query_scalar("SELECT listing_refresh_dirty()")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(healed, 1);
    assert!(
        !in_stock(pool.clone()).await,
        "sold out once the background task has run"
    );
    let counted = listing::listing(
        &pool,
        &Scope(vec![f.games]),
        &query(&[("in_stock", "1")]),
        &KEYS,
    )
    .await
    .unwrap();
    assert_eq!(counted.total, 0);
}

/// A word half the catalog has keeps the best matches and says there are more; a rarer word is
/// found exactly, typo or not.
#[sqlx::test(migrations = "../migrations")]
async fn a_broad_search_keeps_its_best_matches(pool: PgPool) {
    let f = categories(&pool).await;
    generate(&pool, 3000).await;
    let roots = Scope(vec![
        f.games,
        sqlx::query_scalar("SELECT id FROM categories WHERE slug = 'jewelry'")
            .fetch_one(&pool)
            .await
            .unwrap(),
    ]);
    let broad = listing::search(&pool, &roots, &query(&[("q", "game")]), &KEYS)
        .await
        .unwrap();
    assert!(broad.more);
    assert_eq!((broad.total, broad.cards.len()), (listing::SEARCH_CAP, 24));
    let zelda: i64 =
        sqlx::query_scalar("SELECT count(*) FROM shop_products WHERE name ILIKE '%zelda%'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(
        zelda > 24,
        "the generator names a few dozen products after Zelda"
    );
    // Counted in memory among the matches, as counting their tokens in PostgreSQL gives.
    let both = [FacetKey::Platform, FacetKey::Genre, FacetKey::Metal, FacetKey::Stone, FacetKey::Price, FacetKey::InStock];
    for pairs in [
        vec![("q", "game")],
        vec![("q", "zeld"), ("in_stock", "1")],
        vec![("q", "ring"), ("metal", "Yellow gold"), ("metal", "Platinum")],
        vec![("q", "game"), ("platform", "PC"), ("price", "25-50")],
    ] {
        let ((total, mut in_memory), (counted_total, mut counted)) =
            listing::search_counts_both_ways_for_test(&pool, &roots, &query(&pairs), &both).await;
        in_memory.sort_by(by_key);
        counted.sort_by(by_key);
        assert!(total > 0, "{pairs:?} matches something");
        assert_eq!((total, in_memory), (counted_total, counted), "{pairs:?}");
    }
    for typed in ["zelda", "zeld", "zelds"] {
        let found = listing::search(&pool, &roots, &query(&[("q", typed)]), &KEYS)
            .await
            .unwrap();
        assert!(!found.more, "{typed}");
        assert_eq!(found.total, zelda, "{typed}");
        assert!(
            found.cards.iter().all(|c| c.name.contains("Zelda")),
            "{typed}"
        );
    }
}

/// A drop is "in stock" nowhere before its launch, and everywhere within a second after it (the
/// background task refreshes it; here called by hand).
#[sqlx::test(migrations = "../migrations")]
async fn a_drop_comes_into_stock_at_its_launch(pool: PgPool) {
    let f = categories(&pool).await;
    let id = super::tests::game(
        &pool,
        f.action,
        "Night Drop",
        "Action",
        1,
        &[("PC", "Standard", 1999, 5)],
    )
    .await;
    let in_stock = |pool: PgPool| async move {
        let q = query(&[("in_stock", "1")]);
        let found = listing::listing(&pool, &Scope(vec![f.games]), &q, &KEYS)
            .await
            .unwrap();
        let counted = listing::counted_for_test(&pool, &Scope(vec![f.games]), &q, &KEYS)
            .await
            .0;
        assert_eq!(found.total, counted);
        found.total
    };
    assert_eq!(in_stock(pool.clone()).await, 1);
    sqlx::query(
        "UPDATE products SET launch_at = now() + interval '1500 milliseconds' WHERE id = $1",
    )
    .bind(id)
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(
        in_stock(pool.clone()).await,
        0,
        "not on sale before its launch"
    );
    assert_eq!(
        listing::heal(&pool).await.unwrap(),
        0,
        "nothing to do before the launch"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    assert_eq!(listing::heal(&pool).await.unwrap(), 1);
    assert_eq!(in_stock(pool.clone()).await, 1, "on sale once launched");
}

/// Counts of several values of one facet: from the in-memory index, the same as counting the
/// matching products in PostgreSQL, for every query asked.
async fn assert_index_agrees(pool: &PgPool, scope: &Scope, when: &str) {
    let queries = [
        vec![("platform", "PC"), ("platform", "PlayStation 5")],
        vec![("platform", "PC"), ("platform", "Nintendo Switch"), ("in_stock", "1")],
        vec![("genre", "RPG"), ("genre", "Action"), ("price", "25-50")],
        vec![("price", "0-25"), ("price", "50-100"), ("platform", "PC"), ("platform", "Xbox Series X|S")],
    ];
    for pairs in &queries {
        let q = query(pairs);
        let (total, mut counts) = super::facet_index::counts(pool, scope, &q, &KEYS, None)
            .await
            .unwrap()
            .expect("the index holds the generated catalog");
        let (counted_total, mut counted) = listing::counted_for_test(pool, scope, &q, &KEYS).await;
        counts.sort_by(by_key);
        counted.sort_by(by_key);
        assert!(counted_total > 0, "{when} {pairs:?}: the query matches something");
        assert_eq!((total, &counts), (counted_total, &counted), "{when} {pairs:?}");
    }
}

/// A generated catalog of `products`, its games counted in memory once (the index loaded).
async fn games_counted_in_memory(pool: &PgPool, products: u32) -> (super::tests::Fixture, Scope) {
    let f = categories(pool).await;
    generate(pool, products).await;
    let scope = Scope(vec![f.games]);
    assert_index_agrees(pool, &scope, "loaded").await;
    (f, scope)
}

/// The in-memory index follows every kind of change to the listing (stock selling out and coming
/// back, prices, archiving, a product withdrawn, a category moved, a rebuild), read-your-writes.
#[sqlx::test(migrations = "../migrations")]
async fn several_values_are_counted_in_memory_and_follow_changes(pool: PgPool) {
    let (f, scope) = games_counted_in_memory(&pool, 800).await;
    for sql in [
        "UPDATE variants SET stock = 0 WHERE id IN (SELECT id FROM variants WHERE stock > 0 ORDER BY id LIMIT 80)",
        "UPDATE variants SET stock = 4 WHERE id IN (SELECT id FROM variants WHERE stock = 0 ORDER BY id DESC LIMIT 30)",
        "UPDATE variants SET price_minor = price_minor * 3 WHERE id IN (SELECT id FROM variants ORDER BY id DESC LIMIT 60)",
        "UPDATE variants SET archived_at = now() WHERE id IN (SELECT id FROM variants ORDER BY id LIMIT 20 OFFSET 100)",
        "UPDATE products SET status = 'draft' WHERE id IN (SELECT id FROM products WHERE status = 'active' AND department = 'games' ORDER BY id LIMIT 15)",
        "UPDATE game_details SET genre = 'RPG' WHERE product_id IN (SELECT product_id FROM game_details WHERE genre <> 'RPG' ORDER BY 1 LIMIT 12)",
        "UPDATE products SET launch_at = now() + interval '1 day' WHERE id IN (SELECT id FROM products WHERE department = 'games' ORDER BY id LIMIT 5 OFFSET 60)",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert_index_agrees(&pool, &scope, sql).await;
    }
    // A sub-category moved out of the scope takes its products with it.
    sqlx::query("UPDATE categories SET parent_id = $1 WHERE id = $2")
        .bind(f.rings)
        .bind(f.rpg)
        .execute(&pool)
        .await
        .unwrap();
    assert_index_agrees(&pool, &scope, "category moved").await;
    // A rebuild writes no row per entry, only "reload".
    sqlx::query("UPDATE categories SET parent_id = $1 WHERE id = $2")
        .bind(f.games)
        .bind(f.rpg)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::raw_sql("BEGIN; SET LOCAL shop.listing_sync = 'off'; \
                   UPDATE variants SET stock = 0 WHERE id IN (SELECT id FROM variants WHERE stock > 0 ORDER BY id DESC LIMIT 200); \
                   SELECT listing_rebuild(); COMMIT")
        .execute(&pool)
        .await
        .unwrap();
    assert_index_agrees(&pool, &scope, "rebuilt").await;
}

/// A transaction that began writing first but commits last has the lower id: the index must not
/// take "I have seen up to this id" for "I have seen everything before it".
#[sqlx::test(migrations = "../migrations")]
async fn the_index_sees_a_change_that_commits_late(pool: PgPool) {
    let (f, scope) = games_counted_in_memory(&pool, 300).await;
    // Two games with a PC copy in stock, on sale now.
    let products: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT v.product_id FROM shop_variants v JOIN listing_entries e ON e.product_id = v.product_id \
         WHERE e.scope_id = $1 AND v.platform = 'PC' AND v.stock > 0 AND NOT e.launch_pending ORDER BY 1 LIMIT 2",
    )
    .bind(f.games)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(products.len(), 2);
    let in_stock = query(&[("platform", "PC"), ("platform", "PlayStation 5"), ("in_stock", "1")]);
    let index_total = |pool: PgPool| {
        let (scope, q) = (scope.clone(), in_stock.clone());
        async move { super::facet_index::counts(&pool, &scope, &q, &KEYS, None).await.unwrap().unwrap().0 }
    };
    let sell_out = "UPDATE variants SET stock = 0 WHERE product_id = $1";
    let mut early = pool.begin().await.unwrap();
    sqlx::query(sell_out).bind(products[0]).execute(&mut *early).await.unwrap();
    let mut late = pool.begin().await.unwrap();
    sqlx::query(sell_out).bind(products[1]).execute(&mut *late).await.unwrap();
    late.commit().await.unwrap();
    assert_index_agrees(&pool, &scope, "the later writer committed").await;
    let before = index_total(pool.clone()).await;
    early.commit().await.unwrap();
    assert_index_agrees(&pool, &scope, "the earlier writer committed").await;
    let after = index_total(pool.clone()).await;
    assert_eq!(after, before - 1, "the game that sold out first is no longer counted");
}
