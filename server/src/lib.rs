//! The shop's server: configuration, database start-up, the HTTP stack around the Leptos app.
pub mod config;
pub mod http;
pub mod seed;

use app::state::AppState;
use axum::{
    extract::FromRef,
    middleware,
    routing::get,
    Router,
};
use config::{Config, RunMode};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::{postgres::PgPoolOptions, PgPool};
use std::time::Duration;
use tower_http::{
    compression::{predicate::NotForContentType, CompressionLayer, DefaultPredicate, Predicate},
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
    pub app: AppState,
}

pub async fn connect(config: &Config) -> anyhow::Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(config.db_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect(config.database_url())
        .await?;
    Ok(pool)
}

pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::migrate!("../migrations").run(pool).await?;
    Ok(())
}

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("shop")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .env(if config.env == RunMode::Production { leptos::config::Env::PROD } else { leptos::config::Env::DEV })
        .build()
}

/// The whole HTTP application.
pub fn router(config: &Config, pool: PgPool) -> Router {
    let leptos_options = leptos_options(config);
    let app_state = AppState { pool: pool.clone(), base_url: config.base_url() };
    let state = ServerState { leptos_options: leptos_options.clone(), pool: pool.clone(), app: app_state.clone() };
    let routes = generate_route_list(app::App);

    let context = {
        let app_state = app_state.clone();
        move || provide_context(app_state.clone())
    };
    let site_root = config.site_root.clone();
    let static_files = Router::new()
        .nest_service("/pkg", ServeDir::new(site_root.join("pkg")).precompressed_br().precompressed_gzip())
        .nest_service("/media", ServeDir::new(&config.media_dir))
        .route_service("/favicon.svg", tower_http::services::ServeFile::new(site_root.join("favicon.svg")))
        .route_service("/robots.txt", tower_http::services::ServeFile::new(site_root.join("robots.txt")))
        .layer(middleware::from_fn(http::cache_static));

    // Compress pages and JSON; images are already compressed and /pkg is served precompressed.
    let compress_when = DefaultPredicate::new()
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::const_new("application/wasm"));

    Router::new()
        .route("/healthz", get(http::healthz))
        .route("/readyz", get(http::readyz))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(context, app::shell))
        .merge(static_files)
        .layer(middleware::from_fn(http::server_fn_error_status))
        .layer(middleware::from_fn_with_state(config.base_url(), http::reject_cross_site))
        .layer(RequestBodyLimitLayer::new(config.body_limit_bytes))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(config.request_timeout_secs),
        ))
        .layer(CompressionLayer::new().compress_when(compress_when))
        .layer(middleware::from_fn(http::security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
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
