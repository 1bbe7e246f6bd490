//! Command-line tasks for operators: `server keys generate SKU COUNT PATTERN` and
//! `server keys import SKU FILE` fill a game variant's key pool (the same rules as the admin page).
use crate::config::Config;
use anyhow::{anyhow, bail, Context};

pub const KEYS_USAGE: &str = "usage: server keys generate SKU COUNT PATTERN | server keys import SKU FILE";

/// Runs `server keys …`; returns what to print.
pub async fn keys(config: &Config, args: &[String]) -> anyhow::Result<String> {
    use app::licenses::ssr::{import, pool};
    let (Some(cmd), Some(sku)) = (args.first(), args.get(1)) else { bail!(KEYS_USAGE) };
    let keys: Vec<String> = match (cmd.as_str(), &args[2..]) {
        ("generate", [count, pattern]) => {
            let count: usize = count.parse().ok().filter(|n| (1..=100_000).contains(n)).context("COUNT must be 1 to 100000")?;
            import::check_pattern(pattern).map_err(|e| anyhow!("PATTERN: {e}"))?;
            (0..count).map(|_| import::generate(pattern)).collect()
        }
        ("import", [file]) => {
            let text = std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?;
            import::parse_keys(&text).map_err(|problems| {
                let lines: Vec<String> = problems.iter().map(|p| format!("line {}: {}", p.line, p.problem)).collect();
                anyhow!("{file} was not imported:\n  {}", lines.join("\n  "))
            })?
        }
        _ => bail!(KEYS_USAGE),
    };
    let db = crate::connect(config).await.context("connecting to the database")?;
    crate::migrate(&db).await.context("running migrations")?;
    let variant: i64 = sqlx::query_scalar("SELECT id FROM variants WHERE sku = $1")
        .bind(sku)
        .fetch_optional(&db)
        .await?
        .with_context(|| format!("no variant has the SKU {sku}"))?;
    let cipher = config.licenses.cipher().context("licenses.encryption_keys")?;
    let added = pool::import(&db, &cipher, variant, &keys).await.map_err(|e| anyhow!("{e}"))?;
    Ok(format!("{added} keys added to the pool of {sku}"))
}
