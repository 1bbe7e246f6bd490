//! Builds of a game (SQL here) and the download log that counts and limits each purchase's links.
use super::store::{ObjectStore, StoreError};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("The version must be 1 to 40 letters, digits, dots, plus or minus signs.")]
    BadVersion,
    #[error("The build file is empty.")]
    Empty,
    #[error("The changelog is longer than 4000 characters.")]
    LongChangelog,
    #[error("That product is not a game.")]
    NotAGame,
    #[error("This game already has a build {0}.")]
    DuplicateVersion(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub fn check_version(v: &str) -> Result<(), BuildError> {
    let ok = (1..=40).contains(&v.len())
        && v.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b));
    if ok { Ok(()) } else { Err(BuildError::BadVersion) }
}

/// Stores a new build of a game; from now on its owners download this one.
pub async fn add_build(
    pool: &PgPool,
    store: &dyn ObjectStore,
    product_id: i64,
    version: &str,
    changelog: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<i64, BuildError> {
    check_version(version)?;
    if bytes.is_empty() {
        return Err(BuildError::Empty);
    }
    if changelog.chars().count() > 4000 {
        return Err(BuildError::LongChangelog);
    }
    let game: Option<bool> = sqlx::query_scalar("SELECT department = 'games' FROM products WHERE id = $1")
        .bind(product_id)
        .fetch_optional(pool)
        .await?;
    if game != Some(true) {
        return Err(BuildError::NotAGame);
    }
    let taken: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM builds WHERE product_id = $1 AND version = $2)")
        .bind(product_id)
        .bind(version)
        .fetch_one(pool)
        .await?;
    if taken {
        return Err(BuildError::DuplicateVersion(version.into()));
    }
    let sha = Sha256::digest(&bytes).to_vec();
    let size = bytes.len() as i64;
    // A fresh key per upload: the object is written before the row, so a crash in between leaves
    // only an unreferenced object, never a row without its file.
    let key = format!("builds/{product_id}/{}", uuid::Uuid::new_v4().simple());
    store.put(&key, bytes).await?;
    let id = sqlx::query_scalar(
        "INSERT INTO builds (product_id, version, changelog, object_key, file_name, size_bytes, sha256)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(product_id)
    .bind(version)
    .bind(changelog)
    .bind(&key)
    .bind(super::store::safe_file_name(file_name))
    .bind(size)
    .bind(sha)
    .fetch_one(pool)
    .await
    .map_err(|e| match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => BuildError::DuplicateVersion(version.into()),
        e => BuildError::Db(e),
    })?;
    Ok(id)
}

/// At most `max` links per purchase within `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: i64,
    pub window: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("There is no build of this game to download yet.")]
    NoBuild,
    /// The purchase's links for this window are used up; seconds until one frees.
    #[error("too many downloads; retry in {0} s")]
    RateLimited(u64),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// What a minted link opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub object_key: String,
    pub file_name: String,
}

/// Logs a download of the newest build for the purchase `key_id` (ownership already checked),
/// unless its rate limit is used up or the order was refunded meanwhile. The key row lock makes
/// concurrent clicks count one by one (and a refund, which locks the keys too, wait or win).
pub async fn start_download(
    pool: &PgPool,
    key_id: i64,
    user_id: Option<uuid::Uuid>,
    ip: &str,
    limit: RateLimit,
) -> Result<Grant, DownloadError> {
    let mut tx = pool.begin().await?;
    let build: Option<(Uuid, i64, String, String)> = sqlx::query_as(&format!(
        "SELECT k.order_id, b.id, b.object_key, b.file_name
         FROM (SELECT variant_id, order_id FROM license_keys
               WHERE id = $1 AND order_id IS NOT NULL AND refunded_at IS NULL FOR UPDATE) k
         JOIN orders o ON o.id = k.order_id AND o.status IN {}
         JOIN variants v ON v.id = k.variant_id
         JOIN LATERAL (SELECT * FROM builds WHERE product_id = v.product_id ORDER BY id DESC LIMIT 1) b ON true",
        crate::orders::model::KEY_HOLDING_SQL
    ))
    .bind(key_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (order_id, build_id, object_key, file_name) = build.ok_or(DownloadError::NoBuild)?;
    let window_secs = limit.window.as_secs() as f64;
    let (recent, oldest_age): (i64, Option<f64>) = sqlx::query_as(
        "SELECT count(*), extract(epoch FROM now() - min(created_at))::float8 FROM downloads
         WHERE key_id = $1 AND order_id = $2 AND created_at > now() - make_interval(secs => $3)",
    )
    .bind(key_id)
    .bind(order_id)
    .bind(window_secs)
    .fetch_one(&mut *tx)
    .await?;
    if recent >= limit.max {
        let wait = window_secs - oldest_age.unwrap_or(0.0);
        return Err(DownloadError::RateLimited(wait.ceil().max(1.0) as u64));
    }
    sqlx::query("INSERT INTO downloads (key_id, order_id, build_id, user_id, ip) VALUES ($1, $2, $3, $4, $5::inet)")
        .bind(key_id)
        .bind(order_id)
        .bind(build_id)
        .bind(user_id)
        .bind(ip.parse::<std::net::IpAddr>().ok().map(|a| a.to_string()))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Grant { object_key, file_name })
}

/// Whether any build was downloaded for the order (a refund then needs staff review).
pub async fn downloaded(conn: &mut sqlx::PgConnection, order_id: uuid::Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM downloads WHERE order_id = $1)").bind(order_id).fetch_one(conn).await
}
