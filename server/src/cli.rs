//! Command-line tasks for operators: `server keys generate SKU COUNT PATTERN` and
//! `server keys import SKU FILE` fill a game variant's key pool (the same rules as the admin page).
use crate::config::Config;
use anyhow::{anyhow, bail, Context};

pub const KEYS_USAGE: &str = "usage: server keys generate SKU COUNT PATTERN | server keys import SKU FILE";

/// Runs `server keys …`; returns what to print.
pub async fn keys(config: &Config, args: &[String]) -> anyhow::Result<String> {
    use app::library::keys::ssr::{import, pool};
    let (Some(cmd), Some(sku)) = (args.first(), args.get(1)) else { bail!(KEYS_USAGE) };
    let keys: Vec<String> = match (cmd.as_str(), &args[2..]) {
        ("generate", [count, pattern]) => {
            let count: usize = count.parse().ok().filter(|n| (1..=100_000).contains(n)).context("COUNT must be 1 to 100000")?;
            import::generate_keys(pattern, count).map_err(|e| anyhow!("PATTERN: {e}"))?
        }
        ("import", [file]) => {
            let text = std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?;
            import::parse_keys(&text).map_err(|problems| {
                let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
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
    // An operator's import is a staff change like any other: audited, from the command line.
    let operator = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    let actor = app::platform::audit::Actor { user_id: None, email: format!("{operator} (command line)"), ip: None };
    let added = pool::import_audited(&db, &cipher, variant, &keys, &actor, "keys.import").await.map_err(|e| anyhow!("{e}"))?;
    Ok(format!("{added} keys added to the pool of {sku}"))
}

pub const BUILDS_USAGE: &str = "usage: server builds add PRODUCT_SLUG VERSION FILE [CHANGELOG_FILE]";

/// Runs `server builds add …`: publishes a new build of a game (its owners get it from now on).
pub async fn builds(config: &Config, args: &[String]) -> anyhow::Result<String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let ["add", slug, version, file, ref rest @ ..] = args[..] else { bail!(BUILDS_USAGE) };
    if rest.len() > 1 {
        bail!(BUILDS_USAGE);
    }
    let changelog = match rest.first() {
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?,
        None => String::new(),
    };
    let db = crate::connect(config).await.context("connecting to the database")?;
    crate::migrate(&db).await.context("running migrations")?;
    let downloads = config.downloads.downloads();
    publish_build(&db, downloads.store.as_ref(), slug, version, std::path::Path::new(file), changelog.trim()).await
}

/// Stores the file as the newest build of the game `slug`.
pub async fn publish_build(
    db: &sqlx::PgPool,
    store: &dyn app::library::downloads::ssr::store::ObjectStore,
    slug: &str,
    version: &str,
    file: &std::path::Path,
    changelog: &str,
) -> anyhow::Result<String> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let size = bytes.len();
    let product: i64 = sqlx::query_scalar("SELECT id FROM products WHERE slug = $1")
        .bind(slug)
        .fetch_optional(db)
        .await?
        .with_context(|| format!("no product has the slug {slug}"))?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("build.bin");
    app::library::downloads::ssr::builds::add_build(db, store, product, version, changelog, name, bytes).await.map_err(|e| anyhow!("{e}"))?;
    Ok(format!("{slug} {version} stored ({size} bytes) with {} store; its owners download it from now on", store.name()))
}

#[cfg(test)]
mod tests {
    use super::publish_build;
    use app::library::downloads::ssr::local::LocalStore;

    #[sqlx::test(migrations = "../migrations")]
    async fn a_published_build_is_the_one_owners_get(pool: sqlx::PgPool) -> anyhow::Result<()> {
        let category: i64 =
            sqlx::query_scalar("INSERT INTO categories (slug, name, department) VALUES ('g', 'G', 'games') RETURNING id")
                .fetch_one(&pool)
                .await?;
        sqlx::query("INSERT INTO products (slug, name, department, category_id) VALUES ('star-game', 'Star', 'games', $1)")
            .bind(category)
            .execute(&pool)
            .await?;
        let dir = tempfile::tempdir()?;
        let store = LocalStore::new(dir.path().join("store"), b"cli-test-signing-secret-0123456789".to_vec());
        let file = dir.path().join("star-2.0.0.zip");
        std::fs::write(&file, b"build bytes")?;

        let done = publish_build(&pool, &store, "star-game", "2.0.0", &file, "New levels.").await?;
        assert!(done.contains("star-game 2.0.0 stored (11 bytes)"), "{done}");
        let (key, name, changelog): (String, String, String) =
            sqlx::query_as("SELECT object_key, file_name, changelog FROM builds WHERE version = '2.0.0'").fetch_one(&pool).await?;
        assert_eq!((name.as_str(), changelog.as_str()), ("star-2.0.0.zip", "New levels."));
        assert_eq!(std::fs::read(dir.path().join("store").join(key))?, b"build bytes");

        let again = publish_build(&pool, &store, "star-game", "2.0.0", &file, "").await.unwrap_err();
        assert!(again.to_string().contains("already has a build 2.0.0"), "{again}");
        let unknown = publish_build(&pool, &store, "no-such-game", "1.0.0", &file, "").await.unwrap_err();
        assert!(unknown.to_string().contains("no product has the slug"), "{unknown}");
        Ok(())
    }
}
