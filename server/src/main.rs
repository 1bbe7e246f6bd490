//! config -> telemetry -> database (migrate, seed) -> serve, with graceful shutdown.
use server::config::{Config, LogFormat};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    match config.log_format {
        LogFormat::Json => tracing_subscriber::fmt().json().with_env_filter(filter).init(),
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).init(),
    }
    // `server keys …` / `server builds …`: operator tasks from the command line, then exit.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = match args.first().map(String::as_str) {
        Some("keys") => Some(server::cli::keys(&config, &args[1..]).await),
        Some("builds") => Some(server::cli::builds(&config, &args[1..]).await),
        _ => None,
    };
    if let Some(result) = task {
        match result {
            Ok(done) => println!("{done}"),
            Err(e) => {
                eprintln!("error: {e:#}");
                std::process::exit(1);
            }
        }
        return;
    }
    if let Err(e) = run(config).await {
        tracing::error!(error = %format!("{e:#}"), "server stopped with an error");
        std::process::exit(1);
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    use anyhow::Context;
    for switch in config.unsafe_staging_switches() {
        if config.env == server::config::RunMode::Production {
            tracing::warn!(%switch, "UNSAFE STAGING SWITCH ON: this production-mode shop is not safe for real customers");
        }
    }
    let pool = server::connect(&config).await.context("connecting to the database")?;
    server::migrate(&pool).await.context("running migrations")?;
    server::check_time_zone(&config, &pool).await?;
    let identity = server::identity_provider(&config, &pool).await.context("setting up the identity provider")?;
    // Without the `demo` feature, the configuration check has already refused seed_demo = true.
    #[cfg(feature = "demo")]
    if config.seed_demo {
        server::seed::seed_demo_data(&config, &pool).await?;
    }
    server::spawn_housekeeping(pool.clone());
    server::spawn_listing_upkeep(pool.clone());
    server::spawn_sales_rollup(&config, pool.clone());
    server::spawn_cache_purger(&config, pool.clone()).await;
    let extras = server::Extras {
        pages: server::page_cache(&config, &pool),
        metrics: server::serve_metrics(&config, &pool).await?,
        maintenance: Some(server::maintenance(&config, &pool)),
    };
    server::spawn_order_workers(&config, pool.clone(), extras.metrics.clone());
    server::spawn_photo_worker(&config, pool.clone(), extras.metrics.clone());
    let app = server::router(&config, pool, identity, extras);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    tracing::info!("listening on http://{}", config.listen);
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(server::shutdown_signal()).await?;
    Ok(())
}
