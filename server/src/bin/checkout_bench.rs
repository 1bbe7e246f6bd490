//! Checkout benchmark driver: `clients` concurrent tasks run the real `start_checkout` (price from the
//! database, order + line, stock hold with the conditional UPDATE, hold row, ledger row) for
//! `seconds`, against one variant with ample stock, and print throughput and latency percentiles.
//! bench/checkout.sh runs it beside pgbench executing the same SQL statements.
//!
//! Usage: DATABASE_URL=… checkout_bench <clients> <seconds> <variant_id>
use app::types::Email;
use app::checkout::pricing::ShippingRates;
use app::checkout::ssr::place::{start_checkout, CheckoutRequest};
use sqlx::postgres::PgPoolOptions;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let clients: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(16);
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let variant: i64 = args.get(3).and_then(|s| s.parse().ok()).ok_or_else(|| anyhow::anyhow!("variant id needed"))?;
    let pool = PgPoolOptions::new()
        .max_connections(clients as u32)
        .connect(&std::env::var("DATABASE_URL")?)
        .await?;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let rates = ShippingRates::default();
            let email = Email::parse("bench@example.com").expect("valid");
            let mut latencies = Vec::new();
            let mut failures = 0u64;
            while Instant::now() < deadline {
                let req = CheckoutRequest {
                    checkout_key: uuid::Uuid::new_v4(),
                    placed_by: "bench".into(),
                    user_id: None,
                    email: email.clone(),
                    lines: vec![(variant, 1)],
                    discount_code: None,
                    shipping: None,
                };
                let t = Instant::now();
                match start_checkout(&pool, &req, &rates, 15).await {
                    Ok(_) => latencies.push(t.elapsed()),
                    Err(_) => failures += 1,
                }
            }
            (latencies, failures)
        }));
    }
    let mut all = Vec::new();
    let mut failures = 0;
    for t in tasks {
        let (l, f) = t.await?;
        all.extend(l);
        failures += f;
    }
    all.sort();
    let pct = |p: f64| all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or_default();
    println!(
        "checkouts={} failures={} tps={:.1} p50_ms={:.2} p99_ms={:.2}",
        all.len(),
        failures,
        all.len() as f64 / seconds as f64,
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0
    );
    Ok(())
}
