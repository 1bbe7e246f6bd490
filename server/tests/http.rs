//! The whole HTTP stack (router, layers, Leptos pages, server functions) against a real database,
//! driven in-process with `tower::ServiceExt::oneshot`.
use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use server::config::Config;
use sqlx::PgPool;
use tower::ServiceExt;

fn config() -> Config {
    Config {
        database_url: Some("postgres://unused".into()),
        base_url: Some("https://shop.example".into()),
        ..Config::default()
    }
}

async fn category(pool: &PgPool) {
    sqlx::query("INSERT INTO categories (slug, name, department, description) VALUES ('games', 'Games', 'games', 'All games.')")
        .execute(pool)
        .await
        .unwrap();
}

async fn send(pool: &PgPool, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let identity = std::sync::Arc::new(server::builtin_provider(&config(), pool));
    let res = server::router(&config(), pool.clone(), identity).oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = to_bytes(res.into_body(), 4 * 1024 * 1024).await.unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn health_and_readiness(pool: PgPool) {
    assert_eq!(send(&pool, get("/healthz")).await.0, StatusCode::OK);
    assert_eq!(send(&pool, get("/readyz")).await.0, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_have_status_title_and_a_nonce_csp(pool: PgPool) {
    category(&pool).await;
    let (status, headers, body) = send(&pool, get("/c/games")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<title>Games | "), "{body}");
    assert!(body.contains(r#"<link href="https://shop.example/c/games" rel="canonical">"#), "canonical");
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("nonce in CSP");
    assert!(body.contains(&format!("nonce=\"{nonce}\"")), "scripts carry the CSP nonce");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");

    let (status, _, body) = send(&pool, get("/c/no-such-category")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("We couldn&#39;t find that page") || body.contains("We couldn't find that page"));
    assert_eq!(send(&pool, get("/p/no-such-product")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(send(&pool, get("/no/such/path")).await.0, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_is_a_clear_400_not_a_500(pool: PgPool) {
    category(&pool).await;
    for uri in ["/c/games?page=-1", "/c/games?page=abc", "/c/games?sort=x"] {
        let (status, _, body) = send(&pool, get(uri)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(!body.contains("sqlx") && !body.contains("panicked"), "{uri}");
    }
    let long = format!("/search?q={}", "a".repeat(10 * 1024));
    let (status, _, body) = send(&pool, get(&long)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("too long"), "explains why");
    assert_eq!(send(&pool, get("/c/games?platform=Amiga&colour=red")).await.0, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn cross_site_posts_are_refused_and_bodies_are_limited(pool: PgPool) {
    let cross = Request::post("/api/catalog/home")
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&pool, cross).await.0, StatusCode::FORBIDDEN);
    let same = Request::post("/api/catalog/home")
        .header("origin", "https://shop.example")
        .header("sec-fetch-site", "same-origin")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&pool, same).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let big = Request::post("/api/catalog/search")
        .header("content-type", "application/json")
        .header("content-length", 2 * 1024 * 1024)
        .body(Body::from(vec![b' '; 2 * 1024 * 1024]))
        .unwrap();
    assert_eq!(send(&pool, big).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    // Without a length up front (chunked), the limit still stops the read: a client error, not a 500.
    let chunked = Request::post("/api/catalog/search")
        .header("content-type", "application/json")
        .body(Body::from_stream(futures_util_stream(2 * 1024 * 1024)))
        .unwrap();
    let (status, _, body) = send(&pool, chunked).await;
    assert!(status.is_client_error(), "{status} {body}");
}

/// A body of `n` spaces in 64 KiB chunks, with no length known in advance.
fn futures_util_stream(n: usize) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..n / 65536).map(|_| Ok(vec![b' '; 65536])).collect();
    tokio_stream::iter(chunks)
}

#[sqlx::test(migrations = "../migrations")]
async fn server_function_errors_are_typed_and_leak_nothing(pool: PgPool) {
    let req = Request::post("/api/catalog/search")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"params":[["page","-5"]]}"#))
        .unwrap();
    let (status, _, body) = send(&pool, req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("BadRequest") && body.contains("page number"), "{body}");
    let req = Request::post("/api/catalog/search")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"params": 5}"#))
        .unwrap();
    let (status, _, body) = send(&pool, req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("BadRequest"), "{body}");
    let req = Request::post("/api/catalog/product")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("slug=no-such-thing"))
        .unwrap();
    let (status, _, body) = send(&pool, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}
