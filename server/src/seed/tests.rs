//! The demo seed against a database. `#[sqlx::test]` needs DATABASE_URL to point at a Postgres
//! superuser connection: it creates a throwaway database per test and applies `../migrations`.
//! (The plan itself is tested, without a database, in the `demo` crate.)

use std::collections::{BTreeMap, BTreeSet, HashSet};

use sqlx::{PgPool, Row};

use super::*;

// ---------------------------------------------------------------------------------------------
// Against a database
// ---------------------------------------------------------------------------------------------

async fn department_counts(pool: &PgPool) -> anyhow::Result<BTreeMap<String, (i64, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT p.department,
                count(DISTINCT p.id) AS products,
                count(DISTINCT v.id) AS variants,
                count(DISTINCT i.id) AS images
           FROM products p
           LEFT JOIN variants v ON v.product_id = p.id
           LEFT JOIN product_images i ON i.product_id = p.id
          GROUP BY p.department",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            (
                r.get::<String, _>("department"),
                (r.get("products"), r.get("variants"), r.get("images")),
            )
        })
        .collect())
}

#[sqlx::test(migrations = "../migrations")]
async fn leaves_an_existing_catalog_alone(pool: PgPool) -> anyhow::Result<()> {
    let category: i64 = sqlx::query_scalar(
        "INSERT INTO categories (slug, name, department) VALUES ('misc', 'Misc', 'games') RETURNING id",
    )
    .fetch_one(&pool)
    .await?;
    sqlx::query(
        "INSERT INTO products (slug, name, department, category_id) VALUES ('x', 'X', 'games', $1)",
    )
    .bind(category)
    .execute(&pool)
    .await?;
    let media = tempfile::tempdir()?;
    let store = app::platform::objects::LocalMedia::new(media.path().to_owned());
    assert!(!seed_demo(&pool, &store, &media.path().join("scratch")).await?);
    let products: i64 = sqlx::query_scalar("SELECT count(*) FROM products")
        .fetch_one(&pool)
        .await?;
    assert_eq!(products, 1);
    assert_eq!(
        std::fs::read_dir(media.path())?.count(),
        0,
        "no pictures drawn"
    );
    Ok(())
}

/// An S3 API on a free port (s3s-fs: it checks SigV4 signatures like S3), with the media bucket.
async fn s3_media() -> anyhow::Result<(app::platform::objects::S3Media, tempfile::TempDir)> {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    let root = tempfile::tempdir()?;
    let mut builder = s3s::service::S3ServiceBuilder::new(s3s_fs::FileSystem::new(root.path()).map_err(|e| anyhow::anyhow!("{e:?}"))?);
    builder.set_auth(s3s::auth::SimpleAuth::from_single("test-access-key", "test-secret-key"));
    let service = builder.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let service = service.clone();
            tokio::spawn(async move {
                let conn = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                let _ = conn.serve_connection(TokioIo::new(socket), service).await;
            });
        }
    });
    let store = app::platform::objects::S3Media::new(app::platform::objects::S3Settings {
        bucket: "shop-media".into(),
        region: "us-east-1".into(),
        endpoint_url: Some(format!("http://{addr}")),
        force_path_style: true,
        access_key_id: Some("test-access-key".into()),
        secret_access_key: Some("test-secret-key".into()),
    });
    store.ensure_bucket().await?;
    Ok((store, root))
}

/// One seeded database for all the expensive checks (drawing ~230 pictures is the slow part).
/// The pictures go to the S3 bucket the CDN serves photos from, as in production.
#[sqlx::test(migrations = "../migrations")]
async fn seeds_a_complete_catalog_exactly_once(pool: PgPool) -> anyhow::Result<()> {
    use app::platform::objects::MediaStore;
    let (media, _bucket) = s3_media().await?;
    let scratch = tempfile::tempdir()?;
    // Two seeders at once (e.g. two server processes starting): exactly one inserts, and the
    // other waits for it instead of drawing the pictures again.
    let (dir_a, dir_b) = (scratch.path().join("a"), scratch.path().join("b"));
    let (a, b) = tokio::join!(seed_demo(&pool, &media, &dir_a), seed_demo(&pool, &media, &dir_b));
    let (a, b) = (a?, b?);
    assert!(
        a ^ b,
        "exactly one concurrent seed inserts (got {a} and {b})"
    );
    let counts = department_counts(&pool).await?;
    assert_eq!(counts.len(), 2, "both departments seeded");

    // Idempotent: a second call changes nothing.
    assert!(
        !seed_demo(&pool, &media, &scratch.path().join("c")).await?,
        "a seeded catalog is left alone"
    );
    assert_eq!(department_counts(&pool).await?, counts, "no duplicates");
    assert_eq!(std::fs::read_dir(scratch.path())?.count(), 0, "no drawn picture is left behind");
    let categories: i64 = sqlx::query_scalar("SELECT count(*) FROM categories")
        .fetch_one(&pool)
        .await?;
    assert_eq!(categories as usize, demo::categories().len());

    for dept in [GAMES, JEWELRY] {
        let (products, variants, images) = counts.get(dept).copied().unwrap_or_default();
        assert!(products >= 40, "{dept}: {products} products");
        assert!(variants >= products && images >= 2 * products, "{dept}");
    }

    // Every product: a variant, two pictures, the details row of its own department only, and a
    // leaf category of its department.
    let broken: Vec<String> = sqlx::query_scalar(
        "SELECT p.slug FROM products p
           JOIN categories c ON c.id = p.category_id
          WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id)
             OR (SELECT count(*) FROM product_images i WHERE i.product_id = p.id) < 2
             OR c.parent_id IS NULL OR c.department <> p.department
             OR (p.department = 'games') <> EXISTS (SELECT 1 FROM game_details g WHERE g.product_id = p.id)
             OR (p.department = 'jewelry') <> EXISTS (SELECT 1 FROM jewelry_details j WHERE j.product_id = p.id)",
    )
    .fetch_all(&pool)
    .await?;
    assert!(broken.is_empty(), "incomplete products: {broken:?}");

    // Option columns belong to the department.
    let misplaced: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM variants v JOIN products p ON p.id = v.product_id
          WHERE (p.department = 'games' AND (v.platform IS NULL OR v.edition IS NULL OR v.metal IS NOT NULL))
             OR (p.department = 'jewelry' AND (v.metal IS NULL OR v.platform IS NOT NULL OR v.edition IS NOT NULL))",
    )
    .fetch_one(&pool)
    .await?;
    assert_eq!(misplaced, 0);

    // Every picture exists at every width; one size per product is decoded and measured.
    let rows = sqlx::query(
        "SELECT p.slug, i.position, i.path_prefix, i.widths, i.width, i.height
           FROM product_images i JOIN products p ON p.id = i.product_id
          ORDER BY p.slug, i.position",
    )
    .fetch_all(&pool)
    .await?;
    let mut decoded = HashSet::new();
    for (k, row) in rows.iter().enumerate() {
        let slug: String = row.get("slug");
        let prefix: String = row.get("path_prefix");
        let widths: Vec<i32> = row.get("widths");
        let (width, height): (i32, i32) = (row.get("width"), row.get("height"));
        assert_eq!(
            widths.iter().max(),
            Some(&width),
            "{prefix}: width is the largest file"
        );
        assert_eq!(width * 3, height * 4, "{prefix}: 4:3");
        assert!(prefix.starts_with(&format!("products/{slug}-")), "{prefix}");
        for &w in &widths {
            let key = format!("{prefix}-{w}.jpg");
            let bytes = media.get(&key).await.unwrap_or_else(|e| panic!("{key}: {e}"));
            assert_eq!(bytes[..3], [0xFF, 0xD8, 0xFF], "{key} is a JPEG");
        }
        if decoded.insert(slug.clone()) {
            let w = widths[k % widths.len()] as u32;
            let img = image::load_from_memory(&media.get(&format!("{prefix}-{w}.jpg")).await?)?;
            assert_eq!(
                (img.width(), img.height()),
                (w, w * height as u32 / width as u32),
                "{prefix}-{w}"
            );
        }
    }
    assert_eq!(
        decoded.len() as i64,
        counts.values().map(|c| c.0).sum::<i64>()
    );

    // Each department has something fully sold out.
    let sold_out: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT p.department FROM products p
          WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.stock > 0)",
    )
    .fetch_all(&pool)
    .await?;
    assert!(
        sold_out.contains(&GAMES.to_string()) && sold_out.contains(&JEWELRY.to_string()),
        "{sold_out:?}"
    );

    // Rings: sizes depend on the metal, so not every metal x size combination exists.
    let rows = sqlx::query(
        "SELECT p.slug, v.metal, v.ring_size FROM variants v
           JOIN products p ON p.id = v.product_id
           JOIN categories c ON c.id = p.category_id
          WHERE c.slug = 'rings'",
    )
    .fetch_all(&pool)
    .await?;
    let mut sizes: BTreeMap<String, BTreeMap<String, BTreeSet<i16>>> = BTreeMap::new();
    for row in &rows {
        let size: Option<i16> = row.get("ring_size");
        sizes
            .entry(row.get("slug"))
            .or_default()
            .entry(row.get("metal"))
            .or_default()
            .insert(size.expect("every ring variant has a size"));
    }
    assert!(
        sizes.values().any(|by_metal| {
            let sets: BTreeSet<_> = by_metal.values().collect();
            by_metal.len() > 1 && sets.len() > 1
        }),
        "some ring offers different sizes in different metals"
    );

    // The words the search tests rely on are findable through the generated search vector.
    let zelda: Vec<String> = sqlx::query_scalar(
        "SELECT department FROM products WHERE search_vector @@ websearch_to_tsquery('english', 'zelda')",
    )
    .fetch_all(&pool)
    .await?;
    assert_eq!(zelda, vec![GAMES.to_string()]);
    let sapphire: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM products
          WHERE department = 'jewelry' AND search_vector @@ websearch_to_tsquery('english', 'sapphire')",
    )
    .fetch_one(&pool)
    .await?;
    assert!(sapphire >= 2);
    Ok(())
}
