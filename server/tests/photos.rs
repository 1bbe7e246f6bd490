//! Photo uploads through the whole HTTP stack: the route's own limits, staff only, files recognised
//! by content, the rendering job, and what shoppers then see.
mod common;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use sqlx::PgPool;

/// A JPEG of noise (so it does not compress to nothing).
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let img = image::RgbImage::from_fn(w, h, |_, _| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let b = state.to_le_bytes();
        image::Rgb([b[0], b[1], b[2]])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img).unwrap();
    out
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([10, 120, 200]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

const BOUNDARY: &str = "----shop-test-boundary";

/// A multipart body: text fields, then files `(field file name, bytes)` under `photos`.
fn multipart(fields: &[(&str, &str)], files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    for (name, bytes) in files {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n")
                .as_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload(product: i64, cookie: Option<&str>, body: Vec<u8>, accept: &str) -> Request<Body> {
    let mut req = Request::post(format!("/api/admin/photos/{product}"))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::ACCEPT, accept)
        .header(header::ORIGIN, ORIGIN);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(body)).unwrap()
}

/// A published ring in platinum and gold (size 7), with its option values.
async fn ring(pool: &PgPool) -> (i64, i64, i64) {
    let cat: i64 = sqlx::query_scalar("INSERT INTO categories (slug, name, department) VALUES ('rings', 'Rings', 'jewelry') RETURNING id")
        .fetch_one(pool)
        .await
        .unwrap();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO products (slug, name, department, category_id) VALUES ('photo-ring', 'Photo Ring', 'jewelry', $1) RETURNING id",
    )
    .bind(cat)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO jewelry_details (product_id, finish) VALUES ($1, 'Polished')").bind(id).execute(pool).await.unwrap();
    let mut variants = Vec::new();
    for (i, metal) in ["Platinum", "Yellow gold"].iter().enumerate() {
        sqlx::query("INSERT INTO product_option_values (product_id, axis, value, position) VALUES ($1, 0, $2, $3)")
            .bind(id)
            .bind(metal)
            .bind(i as i32)
            .execute(pool)
            .await
            .unwrap();
        let v: i64 = sqlx::query_scalar(
            "INSERT INTO variants (product_id, sku, price_minor, stock, metal, ring_size, position) VALUES ($1, $2, 90000, 3, $3, 7, $4) RETURNING id",
        )
        .bind(id)
        .bind(format!("PHOTO-{i}"))
        .bind(metal)
        .bind(i as i32)
        .fetch_one(pool)
        .await
        .unwrap();
        variants.push(v);
    }
    (id, variants[0], variants[1])
}

#[sqlx::test(migrations = "../migrations")]
async fn photos_are_checked_rendered_and_shown_by_option(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let media = tempfile::tempdir().unwrap();
    let cfg = server::config::Config { media_dir: media.path().join("media"), ..config() };
    let (product, platinum, gold) = ring(&pool).await;
    let admin = sign_in_as(&pool, server::seed::DEMO_ADMIN).await;
    let shopper = sign_in_as(&pool, server::seed::DEMO_SHOPPER).await;
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec();
    let files = || vec![("front.jpg", png(1200, 900)), ("evil.jpg", svg.clone()), ("side.jpg", jpeg(2400, 1600))];

    // Anyone but staff: 403 and nothing written.
    for cookie in [None, Some(shopper.as_str())] {
        let body = multipart(&[("alt", "Photo Ring"), ("option_value", "Platinum")], &files());
        let (status, _, _) = send_with(&cfg, &pool, upload(product, cookie, body, "application/json")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{cookie:?}");
    }
    // Without alt text: refused, nothing written.
    let (status, _, body) = send_with(&cfg, &pool, upload(product, Some(&admin), multipart(&[], &files()), "application/json")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("alt text"), "{body}");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM product_images").fetch_one(&pool).await.unwrap();
    assert_eq!(rows, 0);

    // Staff: the PNG named .jpg and the JPEG are taken, the SVG refused with its reason.
    let body = multipart(&[("alt", "Photo Ring in platinum"), ("option_value", "Platinum")], &files());
    let (status, _, body) = send_with(&cfg, &pool, upload(product, Some(&admin), body, "application/json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let outcomes: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(outcomes.len(), 3);
    assert!(outcomes[0]["id"].is_i64() && outcomes[2]["id"].is_i64(), "{body}");
    assert!(outcomes[1]["error"].as_str().unwrap().contains("not a JPEG, PNG or WebP"), "{body}");
    let pending: Vec<(String, Option<String>)> = sqlx::query_as("SELECT status, original_key FROM product_images ORDER BY position")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(pending.iter().all(|(s, o)| s == "pending" && o.is_some()));
    // One without an option (shown for every metal), by a plain form: a redirect with a notice.
    let body = multipart(&[("alt", "Photo Ring, top view")], &[("top.jpg", jpeg(800, 800))]);
    let (status, headers, _) = send_with(&cfg, &pool, upload(product, Some(&admin), body, "text/html")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], format!("/admin/products/{product}#photos"));

    // Shoppers see nothing until the photos are rendered.
    let (_, _, html) = send_with(&cfg, &pool, get(&format!("/p/photo-ring?variant={platinum}"))).await;
    assert!(!html.contains("/media/products/"), "pending photos are not shown");

    let jobs = app::catalog::ssr::photos::PhotoJobs { pool: pool.clone(), store: server::media_store(&cfg) };
    let mut ran = 0;
    while app::platform::jobs::run_one_in(&pool, &jobs, app::platform::jobs::Lane::Photos).await.unwrap() {
        ran += 1;
    }
    assert_eq!(ran, 3);
    let ready: Vec<(String, Vec<i32>, i32, i32, Option<String>, String)> =
        sqlx::query_as("SELECT status, widths, width, height, original_key, path_prefix FROM product_images ORDER BY position")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(ready[0].1, [320, 640, 960, 1200]);
    assert_eq!(ready[1].1, [320, 640, 960, 1280, 1920]);
    for (status, widths, _, _, original, prefix) in &ready {
        assert_eq!(status, "ready");
        assert!(original.is_none(), "the original (which may carry GPS data) is deleted");
        for w in widths {
            for ext in ["webp", "jpg"] {
                let file = cfg.media_dir.join(format!("{prefix}-{w}.{ext}"));
                assert!(file.exists(), "{}", file.display());
            }
        }
    }
    let originals = std::fs::read_dir(cfg.media_dir.join("originals").join(product.to_string())).map(|d| d.count()).unwrap_or(0);
    assert_eq!(originals, 0);

    // Platinum shows its photos first, as WebP with a JPEG fallback; gold shows only the shared one.
    let (status, _, html) = send_with(&cfg, &pool, get(&format!("/p/photo-ring?variant={platinum}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<source type="image/webp""#), "{html}");
    assert!(html.contains(&format!("/media/{}-320.webp", ready[0].5)));
    assert!(html.contains(&format!("/media/{}-320.jpg", ready[2].5)));
    let (_, _, html) = send_with(&cfg, &pool, get(&format!("/p/photo-ring?variant={gold}"))).await;
    // (The product's JSON-LD lists every photo; the gallery shows gold's.)
    for platinum_photo in [&ready[0].5, &ready[1].5] {
        assert!(!html.contains(&format!("{platinum_photo}-320.webp")), "no platinum photos in gold's gallery");
    }
    assert!(html.contains(&format!("{}-320.webp", ready[2].5)), "the shared photo");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'photo.upload'").fetch_one(&pool).await.unwrap();
    assert_eq!(audited, 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_photo_route_has_its_own_limit_and_the_rest_keep_theirs(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let media = tempfile::tempdir().unwrap();
    let cfg = server::config::Config { media_dir: media.path().join("media"), ..config() };
    let (product, _, _) = ring(&pool).await;
    let admin = sign_in_as(&pool, server::seed::DEMO_ADMIN).await;
    // A 3 MB photo is fine here, while every other route keeps the 1 MB limit.
    let big = jpeg(3000, 2000);
    assert!(big.len() > 1024 * 1024, "{}", big.len());
    let body = multipart(&[("alt", "Big")], &[("big.jpg", big.clone())]);
    let (status, _, body) = send_with(&cfg, &pool, upload(product, Some(&admin), body, "application/json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"id\":"), "{body}");
    let other = Request::post("/api/catalog/search")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, ORIGIN)
        .body(Body::from(vec![b' '; big.len()]))
        .unwrap();
    assert_eq!(send_with(&cfg, &pool, other).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    // A cross-site upload is refused before anything is read.
    let cross = Request::post(format!("/api/admin/photos/{product}"))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, &admin)
        .body(Body::from(multipart(&[("alt", "x")], &[("x.jpg", jpeg(10, 10))])))
        .unwrap();
    assert_eq!(send_with(&cfg, &pool, cross).await.0, StatusCode::FORBIDDEN);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM product_images").fetch_one(&pool).await.unwrap();
    assert_eq!(rows, 1);
}
