//! Prints the query plans behind the shopper catalog (EXPLAIN ANALYZE) for bench/catalog-scale.sh.
//! Usage: DATABASE_URL=... catalog_plans [SEARCH WORDS]
use app::catalog::ssr::listing;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL")?;
    let words = std::env::args().nth(1).unwrap_or_else(|| "zeld".to_owned());
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await?;
    let games: i64 = sqlx::query_scalar("SELECT id FROM categories WHERE slug = 'games'")
        .fetch_one(&pool)
        .await?;
    for (name, plan) in listing::explain_plans(&pool, games, &words).await? {
        println!("--- {name}");
        for line in plan {
            println!("{line}");
        }
    }
    Ok(())
}
