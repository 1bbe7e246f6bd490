//! Maintenance mode: while the database is out of reach, or an operator has created the flag file
//! (`maintenance_flag`), pages answer the static maintenance page (`public/maintenance.html`, the
//! same file the CDN serves from S3 when the origin is down) with 503 and `Retry-After`, and server
//! functions answer the typed `AppError::Maintenance`. Health checks and the site's files still
//! answer. Nothing needs to be switched back: the watcher looks again every second.
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sqlx::PgPool;
use std::{
    path::PathBuf,
    sync::{
        atomic::{AtomicU8, Ordering::Relaxed},
        Arc,
    },
    time::Duration,
};

/// How often the flag file and the database are looked at.
const LOOK_EVERY: Duration = Duration::from_secs(1);
/// A database that does not answer `SELECT 1` this fast counts as out of reach...
const DB_TIMEOUT: Duration = Duration::from_secs(3);
/// ...after this many looks in a row (one slow moment is not an outage).
const DB_FAILURES: u32 = 2;
/// What clients are told to wait.
pub const RETRY_AFTER_SECS: u64 = 30;

/// Why the shop is in maintenance (0: it is not).
const OFF: u8 = 0;
const OPERATOR: u8 = 1;
const DATABASE: u8 = 2;

#[derive(Clone)]
pub struct Maintenance {
    state: Arc<AtomicU8>,
    page: axum::body::Bytes,
}

impl Maintenance {
    /// Reads the page from the site (a built-in copy if the site has none).
    pub fn new(site_root: &std::path::Path) -> Self {
        let page = std::fs::read(site_root.join("maintenance.html"))
            .unwrap_or_else(|_| include_bytes!("../../public/maintenance.html").to_vec());
        Maintenance { state: Arc::new(AtomicU8::new(OFF)), page: page.into() }
    }

    pub fn on(&self) -> bool {
        self.state.load(Relaxed) != OFF
    }

    fn set(&self, operator: bool, database_down: bool) {
        let next = if operator { OPERATOR } else if database_down { DATABASE } else { OFF };
        let before = self.state.swap(next, Relaxed);
        if before != next {
            match next {
                OPERATOR => tracing::warn!("maintenance mode on: the operator's flag file is there"),
                DATABASE => tracing::error!("maintenance mode on: the database is out of reach"),
                _ => tracing::warn!("maintenance mode off: serving again"),
            }
        }
    }

    /// Looks at the flag file and the database every second, on a connection of its own (a pool
    /// with every connection busy is a rush, not an outage).
    pub fn spawn_watch(&self, pool: &PgPool, flag: Option<PathBuf>) {
        let me = self.clone();
        let options = pool.connect_options();
        tokio::spawn(async move {
            use sqlx::Connection as _;
            let mut conn: Option<sqlx::PgConnection> = None;
            let mut failures = 0u32;
            loop {
                let operator = flag.as_ref().is_some_and(|f| f.exists());
                let answered = tokio::time::timeout(DB_TIMEOUT, async {
                    if conn.is_none() {
                        conn = Some(sqlx::PgConnection::connect_with(&options).await?);
                    }
                    let c = conn.as_mut().expect("connected above");
                    sqlx::query("SELECT 1").execute(&mut *c).await.map(|_| ())
                })
                .await;
                if matches!(answered, Ok(Ok(()))) {
                    failures = 0;
                } else {
                    conn = None;
                    failures += 1;
                }
                me.set(operator, failures >= DB_FAILURES);
                tokio::time::sleep(LOOK_EVERY).await;
            }
        });
    }
}

/// What still answers in maintenance: health checks (the load balancer must see the instance) and
/// the site's own files.
fn always_served(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/favicon.svg" | "/robots.txt") || path.starts_with("/pkg/")
}

/// The maintenance page for pages, `AppError::Maintenance` for server functions, while on.
pub async fn gate(State(m): State<Maintenance>, req: Request, next: Next) -> Response {
    if !m.on() || always_served(req.uri().path()) {
        return next.run(req).await;
    }
    let retry = HeaderValue::from(RETRY_AFTER_SECS);
    if req.uri().path().starts_with("/api/") || req.uri().path().starts_with("/webhooks/") {
        let mut res = (StatusCode::SERVICE_UNAVAILABLE, axum::Json(app::error::AppError::Maintenance)).into_response();
        res.headers_mut().insert(header::RETRY_AFTER, retry);
        return res;
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::RETRY_AFTER, retry),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            // A static page: no script at all, its own inline style only.
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
            ),
        ],
        m.page.clone(),
    )
        .into_response()
}
