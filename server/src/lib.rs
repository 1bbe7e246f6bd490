//! The shop's server: configuration, database start-up, the HTTP stack around the Leptos app.
pub mod cli;
pub mod config;
pub mod http;
pub mod maintenance;
pub mod metrics;
pub mod page_cache;
#[cfg(feature = "demo")]
pub mod seed;

use app::accounts::ssr::{
    builtin::BuiltinProvider, cognito::CognitoProvider, provider::IdentityProvider,
};
use app::mail::ssr::{DevMailbox, Mailer, SmtpMailer};
use std::sync::Arc;
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;
use axum::{
    extract::FromRef,
    middleware,
    routing::get,
    Router,
};
use config::{Config, ProviderKind, RunMode};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::{postgres::PgPoolOptions, PgPool};
use std::time::Duration;
use tower_http::{
    compression::{predicate::NotForContentType, CompressionLayer, DefaultPredicate, Predicate},
    CompressionLevel,
    limit::RequestBodyLimitLayer,
    services::ServeDir,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

/// Everything a request handler may need.
#[derive(Clone, FromRef)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub orders: app::checkout::ssr::CheckoutState,
    pub metrics: Option<metrics::Metrics>,
}

/// What an instance adds to the router besides the configuration: its in-app page cache, its
/// metrics and its maintenance watch (all off in the in-process tests unless a test turns them on).
#[derive(Clone, Default)]
pub struct Extras {
    pub pages: Option<Arc<page_cache::PageCache>>,
    pub metrics: Option<metrics::Metrics>,
    pub maintenance: Option<maintenance::Maintenance>,
}

/// Maintenance mode, watching the database and the operator's flag file.
pub fn maintenance(config: &Config, pool: &PgPool) -> maintenance::Maintenance {
    let m = maintenance::Maintenance::new(&config.site_root);
    m.spawn_watch(pool, config.maintenance_flag.clone());
    m
}

pub async fn connect(config: &Config) -> anyhow::Result<PgPool> {
    // No parallel workers for a request's query: under load they take the cores other requests need.
    let options = config
        .database_url()
        .parse::<sqlx::postgres::PgConnectOptions>()?
        .options([("max_parallel_workers_per_gather", "0")]);
    let pool = PgPoolOptions::new()
        .max_connections(config.db_max_connections)
        .acquire_timeout(Duration::from_secs(config.db_acquire_timeout_secs))
        .connect_with(options)
        .await?;
    Ok(pool)
}

pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::migrate!("../migrations").run(pool).await?;
    PostgresStore::new(pool.clone()).migrate().await?;
    Ok(())
}

/// The mail transport the configuration names (the dev mailbox unless SMTP is configured).
pub fn mailer(config: &Config, pool: &PgPool) -> Arc<dyn Mailer> {
    match (&config.mail.transport, &config.mail.smtp) {
        (config::MailTransport::Smtp, Some(smtp)) => Arc::new(SmtpMailer::new(smtp).expect("the configuration was validated")),
        _ => Arc::new(DevMailbox::new(pool.clone())),
    }
}

/// The built-in identity provider, its codes sent by the configured mail transport.
pub fn builtin_provider(config: &Config, pool: &PgPool) -> BuiltinProvider {
    BuiltinProvider::new(
        pool.clone(),
        mailer(config, pool),
        config.auth.password_policy.clone(),
        app::site::SITE_NAME.to_owned(),
    )
}

/// The identity provider the configuration names.
pub async fn identity_provider(config: &Config, pool: &PgPool) -> anyhow::Result<Arc<dyn IdentityProvider>> {
    Ok(match config.auth.provider {
        ProviderKind::Builtin => {
            if config.env == RunMode::Production && config.mail.transport == config::MailTransport::DevMailbox {
                tracing::warn!("mail stays in the dev mailbox until SMTP is configured (mail.transport = 'smtp')");
            }
            Arc::new(builtin_provider(config, pool))
        }
        ProviderKind::Cognito => {
            let settings = config.auth.cognito.clone().ok_or_else(|| anyhow::anyhow!("auth.cognito is not set"))?;
            Arc::new(CognitoProvider::connect(settings, config.auth.password_policy.clone()).await)
        }
    })
}

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("shop")
        // A cargo-leptos build writes hash.txt beside the server: the site's files have content hashes.
        .hash_files(hashed_site())
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .env(if config.env == RunMode::Production { leptos::config::Env::PROD } else { leptos::config::Env::DEV })
        .build()
}

/// Whether the site was built with content-hashed file names (cargo-leptos `hash-files`).
fn hashed_site() -> bool {
    std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt").is_file())).unwrap_or(false)
}

/// What happens at sign-in besides the session: the guest cart merges into the account's, then
/// guest orders of the address join the account.
pub fn sign_in_hooks() -> app::accounts::ssr::SignInHooks {
    Arc::new(vec![Arc::new(app::cart::ssr::MergeGuestCart), Arc::new(app::orders::ssr::queries::ClaimGuestOrders)])
}

/// The in-app cache of public pages (`page_cache_mb`), listening for purges; None when it is off.
pub fn page_cache(config: &Config, pool: &PgPool) -> Option<Arc<page_cache::PageCache>> {
    (config.page_cache_mb > 0).then(|| {
        let cache = Arc::new(page_cache::PageCache::new(config.page_cache_mb * 1024 * 1024));
        cache.spawn_listener(pool.clone());
        cache
    })
}

/// The metrics (`metrics_listen`): served on their own listener, never through the shop's port;
/// None when not configured.
pub async fn serve_metrics(config: &Config, pool: &PgPool) -> anyhow::Result<Option<metrics::Metrics>> {
    use anyhow::Context;
    let Some(addr) = config.metrics_listen else { return Ok(None) };
    let m = metrics::Metrics::new(pool.clone(), config.db_max_connections);
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding metrics_listen {addr}"))?;
    tracing::info!("metrics on http://{addr}/metrics");
    let app = metrics::router(m.clone());
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    });
    Ok(Some(m))
}

/// The whole HTTP application.
pub fn router(config: &Config, pool: PgPool, identity: Arc<dyn IdentityProvider>, extras: Extras) -> Router {
    let Extras { pages, metrics, maintenance } = extras;
    let leptos_options = leptos_options(config);
    // One context per concern: the platform, then each domain's own state.
    let platform = app::platform::Platform {
        pool: pool.clone(),
        base_url: config.base_url(),
        dev_tools: config.env != RunMode::Production,
        media_origin: config.media.origin(),
        time_zone: config.time_zone.clone(),
    };
    app::catalog::ssr::set_media_base(config.media.base());
    let auth = app::accounts::ssr::AuthState {
        identity,
        limits: Arc::new(config.auth.limits.clone()),
        hooks: sign_in_hooks(),
    };
    let orders = app::checkout::ssr::CheckoutState {
        settings: Arc::new(config.orders.clone()),
        payments: config.orders.payment_provider().expect("the configuration was validated"),
    };
    let library = app::library::LibraryState {
        keys: Arc::new(config.licenses.cipher().expect("the configuration was validated")),
        downloads: config.downloads.downloads(),
    };
    // Server-side sessions: only an id in the cookie, HttpOnly, SameSite=Lax, Secure in production.
    let sessions = SessionManagerLayer::new(PostgresStore::new(pool.clone()))
        .with_name("shop_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.env == RunMode::Production)
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::days(
            config.auth.session_days.into(),
        )));
    let gate = http::StaffGate { pool: pool.clone(), auth: auth.clone() };
    let exports = app::admin::export::ExportState { pool: pool.clone(), auth: auth.clone(), time_zone: config.time_zone.clone() };
    let catalog = app::catalog::ssr::CatalogState { media: media_store(config) };
    // Photo uploads: a route of its own, with its own body limit (the 1 MB limit stays for
    // everything else) and without the layers that read whole bodies; streamed to disk.
    let photos = app::catalog::ssr::photos::PhotoState {
        pool: pool.clone(),
        store: catalog.media.clone(),
        auth: auth.clone(),
        staging_dir: photo_staging_dir(config),
        max_file_bytes: PHOTO_MAX_FILE_BYTES,
        max_files: PHOTO_MAX_FILES,
    };
    let uploads = Router::new()
        .route(app::catalog::ssr::photos::UPLOAD_ROUTE, axum::routing::post(app::catalog::ssr::photos::upload))
        .with_state(photos)
        .layer(middleware::from_fn_with_state(gate.clone(), http::staff_only))
        .layer(sessions.clone())
        .layer(middleware::from_fn_with_state(config.base_url(), http::reject_cross_site))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(PHOTO_MAX_FILE_BYTES as usize * PHOTO_MAX_FILES + 1024 * 1024));
    let state = ServerState { leptos_options: leptos_options.clone(), pool: pool.clone(), orders: orders.clone(), metrics: metrics.clone() };
    let routes = generate_route_list(app::App);

    app::ui::security::hash_bootstrap(&leptos_options);
    let context = {
        move || {
            // A public page carries no nonce (its bytes are the same for everyone; its policy
            // allows the bootstrap by hash), so the per-response one is replaced by an empty value.
            if use_context::<::http::request::Parts>().is_some_and(|p| app::site::is_public_page(p.uri.path())) {
                provide_context(leptos::nonce::Nonce::from_value(""));
            }
            provide_context(platform.clone());
            provide_context(auth.clone());
            provide_context(orders.clone());
            provide_context(library.clone());
            provide_context(catalog.clone());
        }
    };
    let site_root = config.site_root.clone();
    let static_files = Router::new()
        .nest_service("/pkg", ServeDir::new(site_root.join("pkg")).precompressed_br().precompressed_gzip())
        .nest_service("/media", ServeDir::new(&config.media_dir))
        .route_service("/favicon.svg", tower_http::services::ServeFile::new(site_root.join("favicon.svg")))
        .route_service("/robots.txt", tower_http::services::ServeFile::new(site_root.join("robots.txt")))
        .layer(middleware::from_fn(http::cache_static));
    // Game builds behind signed links, when they are kept in a local directory.
    let files = match config.downloads.local_store() {
        Some(store) => Router::new()
            .route(&format!("{}/{{*key}}", app::library::downloads::ssr::local::ROUTE), get(app::library::downloads::ssr::local::serve))
            .with_state(store),
        None => Router::new(),
    };

    // Compress pages and JSON; images are already compressed and /pkg is served precompressed.
    let level = config.compression_level;
    let compress_when = DefaultPredicate::new()
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::const_new("application/wasm"))
        .and(NotForContentType::const_new("application/octet-stream"))
        .and(move |_: axum::http::StatusCode, _: axum::http::Version, _: &axum::http::HeaderMap, _: &axum::http::Extensions| level > 0);

    let app = Router::new()
        .route("/healthz", get(http::healthz))
        .route("/readyz", get(http::readyz))
        .route(http::VISIT_BEACON, get(http::visit_beacon).with_state((pool.clone(), config.time_zone.clone())))
        .route("/webhooks/{provider}", axum::routing::post(http::payment_webhook))
        // Staff CSV downloads (each checks the role itself; streamed).
        .route(app::admin::audit::AUDIT_CSV_ROUTE, get(app::admin::audit::audit_csv).with_state(exports.clone()))
        .route(app::admin::orders::ORDERS_CSV_ROUTE, get(app::admin::orders::orders_csv).with_state(exports.clone()))
        .route(app::admin::overview::ANALYTICS_CSV_ROUTE, get(app::admin::overview::analytics_csv).with_state(exports))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(context, app::shell))
        // Staff functions: 403 for everyone who is not staff before any server function runs
        // (inside the session layer, which it needs; each function checks again).
        .layer(middleware::from_fn_with_state(gate, http::staff_only))
        .layer(sessions)
        // Outside the sessions: a public page's cookies are gone before a session could be read.
        .layer(middleware::from_fn_with_state(pages, http::page_caching))
        // Admission control for pages, server functions and webhooks (static files and photo
        // uploads have their own limits).
        .layer(middleware::from_fn_with_state(
            http::Admission::new(config.max_in_flight, config.max_queued, Duration::from_millis(config.queue_wait_ms)),
            http::admission,
        ))
        .merge(static_files)
        .merge(files)
        .layer(middleware::from_fn(http::strict_forms))
        .layer(middleware::from_fn(http::refuse_nul_bytes))
        .layer(middleware::from_fn(http::server_fn_error_status))
        .layer(middleware::from_fn_with_state(config.base_url(), http::reject_cross_site))
        .layer(RequestBodyLimitLayer::new(config.body_limit_bytes))
        .merge(uploads);
    // Maintenance answers before anything reaches the database.
    let app = match maintenance {
        Some(m) => app.layer(middleware::from_fn_with_state(m, maintenance::gate)),
        None => app,
    };
    let app = app
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(config.request_timeout_secs),
        ))
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(level.max(1) as i32)).compress_when(compress_when))
        // A bug must never drop the connection without an answer: a panic is a logged 500.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(http::panic_response))
        .layer(middleware::from_fn(http::security_headers))
        // Every log line inside a request carries its method and path (errors are logged once, where
        // they leave: this span says which request it was).
        // (A 500's status line is DEBUG: its cause was logged at ERROR where the error left.)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(http::request_span)
                .on_failure(tower_http::trace::DefaultOnFailure::new().level(tracing::Level::DEBUG)),
        );
    // Counted by the route that matched (a layer of the router runs after routing).
    let app = match metrics {
        Some(m) => app.layer(middleware::from_fn_with_state(m, metrics::count_requests)),
        None => app,
    };
    // Outermost: the client's address and the request id, before anything logs or limits.
    app.layer(middleware::from_fn_with_state(config.trusted_proxies(), http::request_origin)).with_state(state)
}

/// Waits for Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

/// Photos: at most 10 files of 25 MB in one upload.
pub const PHOTO_MAX_FILE_BYTES: u64 = 25 * 1024 * 1024;
pub const PHOTO_MAX_FILES: usize = 10;

/// Where product photos are stored: the media directory (served at `/media`) or an S3 bucket.
pub fn media_store(config: &Config) -> Arc<dyn app::platform::objects::MediaStore> {
    use app::platform::objects::{LocalMedia, MediaBackend, S3Media};
    match (&config.media.backend, &config.media.s3) {
        (MediaBackend::S3, Some(s3)) => Arc::new(S3Media::new(s3.clone())),
        _ => Arc::new(LocalMedia::new(config.media_dir.clone())),
    }
}

/// Uploads are streamed here before they are checked (temporary files, each removed when done).
pub fn photo_staging_dir(config: &Config) -> std::path::PathBuf {
    config.media_dir.with_file_name(".photo-uploads")
}

/// The photo worker: renders uploaded photos in its own lane of the job queue.
pub fn spawn_photo_worker(config: &Config, pool: PgPool, metrics: Option<metrics::Metrics>) {
    // Uploads cut off by a crash leave their temporary files: anything an hour old goes.
    if let Ok(entries) = std::fs::read_dir(photo_staging_dir(config)) {
        for e in entries.flatten() {
            let old = e.metadata().and_then(|m| m.modified()).map(|t| t.elapsed().unwrap_or_default() > Duration::from_secs(3600));
            if old.unwrap_or(false) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let store = media_store(config);
    let jobs = app::catalog::ssr::photos::PhotoJobs { pool: pool.clone(), store: store.clone() };
    app::platform::jobs::spawn_worker_in(pool.clone(), Arc::new(Counted { inner: jobs, metrics }), app::platform::jobs::Lane::Photos);
    // Hourly, files no photo wants any more (a crash between storing and recording, a failed delete).
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match app::catalog::ssr::photos::sweep_orphans(&pool, store.as_ref(), Duration::from_secs(3600)).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(files = n, "swept orphaned photo files"),
                Err(e) => tracing::warn!(error = ?e, "sweeping orphaned photo files failed"),
            }
        }
    });
}

/// A job handler whose runs count in the `jobs_running` metric.
struct Counted<H> {
    inner: H,
    metrics: Option<metrics::Metrics>,
}

#[async_trait::async_trait]
impl<H: app::platform::jobs::JobHandler> app::platform::jobs::JobHandler for Counted<H> {
    async fn handle(&self, conn: &mut sqlx::PgConnection, job: &app::platform::jobs::Job) -> Result<(), app::platform::jobs::JobError> {
        let _running = self.metrics.as_ref().map(metrics::Metrics::job_running);
        self.inner.handle(conn, job).await
    }
}

/// The queue's handlers but photos: staff alerts by their kind, the order's side effects otherwise.
struct Jobs {
    effects: app::checkout::ssr::effects::OrderEffects,
    alerts: app::analytics::ssr::alerts::AlertMail,
}

#[async_trait::async_trait]
impl app::platform::jobs::JobHandler for Jobs {
    async fn handle(&self, conn: &mut sqlx::PgConnection, job: &app::platform::jobs::Job) -> Result<(), app::platform::jobs::JobError> {
        if job.kind.starts_with("alerts.") { self.alerts.handle(conn, job).await } else { self.effects.handle(conn, job).await }
    }
}

/// The order side-effect worker and the release of expired stock holds.
pub fn spawn_order_workers(config: &Config, pool: PgPool, metrics: Option<metrics::Metrics>) {
    let effects = app::checkout::ssr::effects::OrderEffects {
        pool: pool.clone(),
        mailer: mailer(config, &pool),
        payments: config.orders.payment_provider().expect("the configuration was validated"),
        webhook_secrets: app::types::expose_all(&config.orders.webhook_secrets),
        shop_name: app::site::SITE_NAME.to_owned(),
        base_url: config.base_url(),
    };
    let alerts = app::analytics::ssr::alerts::AlertMail {
        pool: pool.clone(),
        mailer: mailer(config, &pool),
        recipients: config.alert_emails.clone(),
        shop_name: app::site::SITE_NAME.to_owned(),
        base_url: config.base_url(),
    };
    app::platform::jobs::spawn_worker(pool.clone(), Arc::new(Counted { inner: Jobs { effects, alerts }, metrics }));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(20));
        loop {
            tick.tick().await;
            match app::checkout::ssr::payment::release_expired_holds(&pool).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(orders = n, "released expired stock holds"),
                Err(e) => tracing::warn!(error = %e, "releasing expired holds failed"),
            }
        }
    });
}

/// The purge task: sends the paths queued by catalog changes to what caches the shop.
pub async fn spawn_cache_purger(config: &Config, pool: PgPool) {
    app::platform::purge::spawn_purger(pool, config.cache.port().await);
}

/// The listing read model's upkeep: products a race left marked, and drops just launched, are
/// refreshed within a second; count deltas are folded every half minute.
pub fn spawn_listing_upkeep(pool: PgPool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut ticks: u64 = 0;
        loop {
            tick.tick().await;
            ticks += 1;
            if let Err(e) = app::catalog::ssr::listing::heal(&pool).await {
                tracing::warn!(error = %e, "refreshing marked listing entries failed");
            }
            if ticks % 30 == 0 {
                if let Err(e) = app::catalog::ssr::listing::compact(&pool).await {
                    tracing::warn!(error = %e, "folding listing counts failed");
                }
            }
        }
    });
}

/// Refuses a time zone PostgreSQL does not know (the analytics count days with its rules).
pub async fn check_time_zone(config: &Config, pool: &PgPool) -> anyhow::Result<()> {
    let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)")
        .bind(&config.time_zone)
        .fetch_one(pool)
        .await?;
    anyhow::ensure!(known, "time_zone {:?} is not a time zone PostgreSQL knows (try Europe/Berlin)", config.time_zone);
    Ok(())
}

/// The sales rollup kept fresh every minute (the dashboard also refreshes it when it loads), and
/// the daily staff alerts queued once the shop's day reaches `alert_hour`.
pub fn spawn_sales_rollup(config: &Config, pool: PgPool) {
    let zone = config.time_zone.clone();
    let hour = config.alert_hour;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = app::analytics::ssr::rollup::refresh(&pool, &zone).await {
                tracing::warn!(error = %e, "refreshing the sales rollup failed");
            }
            if let Err(e) = app::analytics::ssr::alerts::schedule_daily(&pool, &zone, hour).await {
                tracing::warn!(error = %e, "queueing the daily alerts failed");
            }
        }
    });
}

/// Hourly clean-up: expired sessions and old rate-limit windows.
pub fn spawn_housekeeping(pool: PgPool) {
    tokio::spawn(async move {
        let store = PostgresStore::new(pool.clone());
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            use tower_sessions::ExpiredDeletion;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "deleting expired sessions failed");
            }
            if let Err(e) = app::accounts::ssr::rate_limit::sweep(&pool).await {
                tracing::warn!(error = %e, "sweeping rate limits failed");
            }
            if let Err(e) = app::platform::visits::forget_old_salts(&pool).await {
                tracing::warn!(error = %e, "forgetting old visitor salts failed");
            }
            match app::accounts::ssr::users::sweep_unconfirmed(&pool).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(accounts = n, "removed sign-ups never confirmed"),
                Err(e) => tracing::warn!(error = %e, "removing unconfirmed sign-ups failed"),
            }
        }
    });
}
