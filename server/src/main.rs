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
    if config.seed_demo {
        let started = std::time::Instant::now();
        if server::seed::seed_demo(&pool, &config.media_dir).await.context("seeding demo data")? {
            tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "seeded the demo catalog");
        }
        server::seed::seed_demo_discounts(&pool).await.context("seeding demo discount codes")?;
        let cipher = config.licenses.cipher().context("licenses.encryption_keys")?;
        let keys = server::seed::seed_demo_keys(&pool, &cipher).await.context("seeding demo license keys")?;
        if keys > 0 {
            tracing::info!(keys, "seeded demo license keys");
        }
        if let Some(slug) = server::seed::seed_demo_drop(&pool, &cipher).await.context("seeding the demo drop")? {
            tracing::info!(%slug, "seeded a limited drop launching in 15 minutes");
        }
        let downloads = config.downloads.downloads();
        let builds = server::seed::seed_demo_builds(&pool, downloads.store.as_ref()).await.context("seeding demo game builds")?;
        if builds > 0 {
            tracing::info!(builds, store = downloads.store.name(), "seeded demo game builds");
        }
    }
    let identity = server::identity_provider(&config, &pool).await.context("setting up the identity provider")?;
    if config.seed_demo && config.auth.provider == server::config::ProviderKind::Builtin {
        server::seed::seed_demo_users(&server::builtin_provider(&config, &pool)).await.context("seeding demo users")?;
    }
    server::spawn_housekeeping(pool.clone());
    server::spawn_order_workers(&config, pool.clone());
    let app = server::router(&config, pool, identity);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    tracing::info!("listening on http://{}", config.listen);
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(server::shutdown_signal()).await?;
    Ok(())
}
