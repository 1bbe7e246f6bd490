//! Exact invalidation of cached public pages: the `CachePurge` port and the task that feeds it.
//!
//! Database triggers queue the paths a change touches (`cache_purges`, in the writer's transaction;
//! see the migration). The purge task takes due paths in batches, coalesces duplicates, and hands
//! them to the port: the caching proxy's purge (`ProxyPurge`, Varnish's BAN in the tests), or
//! nothing (`NoCache`, the default when nothing caches the shop). Each path is purged twice: at
//! once, and again a moment later for a page that was being rendered from the old data while the
//! first purge went out (its render began before the change committed).
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use std::{sync::Arc, time::Duration};

/// How long after the first purge the second goes out: longer than any page render.
pub const SECOND_PASS_DELAY: Duration = Duration::from_secs(2);
/// Paths handed to the port at once (CloudFront takes up to 3,000 paths per invalidation).
const BATCH: i64 = 500;

#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    #[error("cache purge request failed: {0}")]
    Transport(String),
    #[error("cache purge refused with status {0}")]
    Refused(u16),
}

/// Removes pages from the caches in front of the shop. Each path stands for itself and all of its
/// query variants (`/c/rings` also purges `/c/rings?metal=gold`).
#[async_trait::async_trait]
pub trait CachePurge: Send + Sync {
    async fn purge(&self, paths: &[String]) -> Result<(), PurgeError>;
}

/// Nothing caches the shop: paths are dropped (and still counted in the log at debug level).
pub struct NoCache;

#[async_trait::async_trait]
impl CachePurge for NoCache {
    async fn purge(&self, paths: &[String]) -> Result<(), PurgeError> {
        tracing::debug!(count = paths.len(), "no cache to purge");
        Ok(())
    }
}

/// A caching proxy that bans by URL pattern: one `BAN` request with an `X-Ban-Url` regular
/// expression covering the batch (Varnish, with the shop's VCL in `deploy/varnish`).
pub struct ProxyPurge {
    url: String,
    client: reqwest::Client,
}

impl ProxyPurge {
    pub fn new(url: impl Into<String>) -> Self {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_default();
        ProxyPurge { url: url.into(), client }
    }
}

/// One anchored regular expression for the paths: each path, alone or with a query string.
pub fn ban_pattern(paths: &[String]) -> String {
    let alternatives: Vec<String> = paths.iter().map(|p| regex_escape(p)).collect();
    format!("^({})(\\?.*)?$", alternatives.join("|"))
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[async_trait::async_trait]
impl CachePurge for ProxyPurge {
    async fn purge(&self, paths: &[String]) -> Result<(), PurgeError> {
        let res = self
            .client
            .request(reqwest::Method::from_bytes(b"BAN").expect("a valid method"), &self.url)
            .header("x-ban-url", ban_pattern(paths))
            .send()
            .await
            .map_err(|e| PurgeError::Transport(e.to_string()))?;
        if !res.status().is_success() {
            return Err(PurgeError::Refused(res.status().as_u16()));
        }
        Ok(())
    }
}

/// Which port the server uses (`[cache]` in the configuration).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PurgeBackend {
    #[default]
    None,
    Proxy,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CacheSettings {
    #[serde(default)]
    pub purge: PurgeBackend,
    /// The proxy's address for `purge = "proxy"`, e.g. `http://127.0.0.1:6081/`.
    #[serde(default)]
    pub proxy_url: Option<String>,
}

impl CacheSettings {
    pub fn port(&self) -> Result<Arc<dyn CachePurge>, String> {
        match (&self.purge, &self.proxy_url) {
            (PurgeBackend::None, _) => Ok(Arc::new(NoCache)),
            (PurgeBackend::Proxy, Some(url)) if url.starts_with("http://") || url.starts_with("https://") => {
                Ok(Arc::new(ProxyPurge::new(url.clone())))
            }
            (PurgeBackend::Proxy, _) => Err("cache.purge = \"proxy\" needs cache.proxy_url (http://host:port/)".into()),
        }
    }
}

/// Purges one batch of due paths; returns how many queue rows it settled. The rows are deleted in
/// the same transaction, committed only after the port said yes (a failure leaves them queued).
pub async fn purge_due(pool: &PgPool, port: &dyn CachePurge) -> Result<usize, PurgeTaskError> {
    let mut tx = pool.begin().await?;
    let rows: Vec<(String, i16)> = sqlx::query_as(
        "DELETE FROM cache_purges WHERE id IN (
             SELECT id FROM cache_purges WHERE due_at <= now() ORDER BY due_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING path, pass",
    )
    .bind(BATCH)
    .fetch_all(&mut *tx)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut paths: Vec<String> = rows.iter().map(|(p, _)| p.clone()).collect();
    paths.sort();
    paths.dedup();
    port.purge(&paths).await?;
    let mut again: Vec<String> = rows.iter().filter(|(_, pass)| *pass == 1).map(|(p, _)| p.clone()).collect();
    again.sort();
    again.dedup();
    sqlx::query(
        "INSERT INTO cache_purges (path, pass, due_at) SELECT p, 2, now() + make_interval(secs => $2) FROM unnest($1::text[]) p",
    )
    .bind(&again)
    .bind(SECOND_PASS_DELAY.as_secs_f64())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::debug!(paths = paths.len(), "purged cached pages");
    Ok(rows.len())
}

#[derive(Debug, thiserror::Error)]
pub enum PurgeTaskError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Purge(#[from] PurgeError),
}

/// The purge task: every 200 ms (at once again while there is more), backing off up to a minute
/// while the port fails; the cause is logged once per outage.
pub fn spawn_purger(pool: PgPool, port: Arc<dyn CachePurge>) {
    tokio::spawn(async move {
        let mut failing = false;
        let mut wait = Duration::from_millis(200);
        loop {
            match purge_due(&pool, port.as_ref()).await {
                Ok(n) => {
                    if failing {
                        tracing::info!("cache purges go through again");
                    }
                    failing = false;
                    wait = Duration::from_millis(200);
                    if n as i64 >= BATCH {
                        continue;
                    }
                }
                Err(e) => {
                    if !failing {
                        tracing::warn!(error = %e, "cache purge failed; retrying with back-off");
                    }
                    failing = true;
                    wait = (wait * 2).min(Duration::from_secs(60));
                }
            }
            tokio::time::sleep(wait).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::ban_pattern;

    #[test]
    fn the_ban_pattern_matches_each_path_and_its_queries_only() {
        let p = ban_pattern(&["/c/rings".into(), "/p/ring.v2".into(), "/".into()]);
        assert_eq!(p, r"^(/c/rings|/p/ring\.v2|/)(\?.*)?$");
    }
}
