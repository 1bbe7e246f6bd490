//! Helpers shared by the HTTP test files: the app in-process, requests with a session cookie.
#![allow(dead_code)]
use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use server::config::Config;
use sqlx::PgPool;
use tower::ServiceExt;

pub fn config() -> Config {
    Config {
        database_url: Some("postgres://unused".into()),
        base_url: Some("https://shop.example".into()),
        // Debug builds on two shared cores, next to other tests: a page once took over the
        // production 15 s here (twice in a day, cause not found). A hang still fails, at 60 s.
        request_timeout_secs: 60,
        ..Config::default()
    }
}

pub async fn category(pool: &PgPool) {
    sqlx::query("INSERT INTO categories (slug, name, department, description) VALUES ('games', 'Games', 'games', 'All games.')")
        .execute(pool)
        .await
        .unwrap();
}

/// A pool of one connection to the same database that gives up waiting for it after 200 ms (to
/// hold it and see what a request does without one).
pub async fn one_connection_pool(pool: &PgPool) -> PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_millis(200))
        .connect_with((*pool.connect_options()).clone())
        .await
        .unwrap()
}

pub async fn send(pool: &PgPool, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    send_with(&config(), pool, req).await
}

/// As `send`, with another configuration.
pub async fn send_with(cfg: &Config, pool: &PgPool, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let identity = std::sync::Arc::new(server::builtin_provider(cfg, pool));
    let res = server::router(cfg, pool.clone(), identity, server::Extras::default()).oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = to_bytes(res.into_body(), 4 * 1024 * 1024).await.unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

pub const ORIGIN: &str = "https://shop.example";

pub fn form_post(uri: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Request<Body> {
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    let mut req = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header(header::ORIGIN, ORIGIN)
        .header(header::REFERER, format!("{ORIGIN}/account/sign-in?next=%2Fc%2Fgames"));
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(body)).unwrap()
}

pub fn get_with(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut req = Request::get(uri).header(header::ACCEPT, "text/html");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::empty()).unwrap()
}

/// The `shop_session=…` pair of a response's Set-Cookie, and the whole header.
pub fn session_cookie(headers: &axum::http::HeaderMap) -> Option<(String, String)> {
    headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        v.starts_with("shop_session=").then(|| (v.split(';').next().unwrap().to_owned(), v.to_owned()))
    })
}

pub async fn demo_users(pool: &PgPool) {
    server::seed::seed_demo_users(&server::builtin_provider(&config(), pool)).await.unwrap();
}

pub async fn sign_in_as(pool: &PgPool, (email, password): (&str, &str)) -> String {
    let (status, headers, _) =
        send(pool, form_post("/api/account/sign-in", None, &[("email", email), ("password", password), ("next", "/account")])).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(headers[header::LOCATION], "/account");
    session_cookie(&headers).expect("a session cookie").0
}

pub async fn game_variant(pool: &PgPool, price: i64, stock: i32) -> i64 {
    category(pool).await;
    let pid: i64 = sqlx::query_scalar(
        "INSERT INTO products (slug, name, department, category_id) SELECT 'a-game', 'A Game', 'games', id FROM categories LIMIT 1 RETURNING id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query_scalar("INSERT INTO variants (product_id, sku, price_minor, stock) VALUES ($1, 'GAME-1', $2, $3) RETURNING id")
        .bind(pid)
        .bind(price)
        .bind(stock)
        .fetch_one(pool)
        .await
        .unwrap()
}


/// Collects what the server logs while a guard from `capture` is held on this thread (the
/// in-process tests run the app on the test's own thread).
#[derive(Clone, Default)]
pub struct LogCapture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl LogCapture {
    pub fn capture(&self) -> tracing::subscriber::DefaultGuard {
        let sub = tracing_subscriber::fmt().with_ansi(false).with_max_level(tracing::Level::INFO).with_writer(self.clone()).finish();
        tracing::subscriber::set_default(sub)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
