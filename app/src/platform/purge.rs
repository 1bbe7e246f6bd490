//! Exact invalidation of cached public pages: the `CachePurge` port and the task that feeds it.
//!
//! Database triggers queue the paths a change touches (`cache_purges`, in the writer's transaction;
//! see the migration). The purge task takes due paths in batches, coalesces duplicates, and hands
//! them to the port: CloudFront invalidations in production (`CloudFrontPurge`), the caching
//! proxy's purge (`ProxyPurge`, Varnish's BAN in the tests), or nothing (`NoCache`, the default
//! when nothing caches the shop). A path is due a second after the change (set by the table's
//! default): a page whose render began before the change committed, and so shows the old data, has
//! been stored by then and goes too.
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use std::{sync::Arc, time::Duration};

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

/// CloudFront: one invalidation per batch (CloudFront charges per path, so the task's coalescing
/// and batching are what keep the bill down; a wildcard path counts as one).
pub struct CloudFrontPurge {
    client: aws_sdk_cloudfront::Client,
    distribution_id: String,
}

impl CloudFrontPurge {
    pub async fn new(s: &CloudFrontSettings) -> Self {
        // CloudFront's API lives in us-east-1 whatever the distribution serves.
        let shared = super::objects::aws_config("us-east-1", s.endpoint_url.as_deref(), s.access_key_id.as_deref(), s.secret_access_key.as_ref()).await;
        CloudFrontPurge { client: aws_sdk_cloudfront::Client::new(&shared), distribution_id: s.distribution_id.clone() }
    }
}

/// CloudFront's paths for ours: `path*` (the page and every query variant of it; it also reaches
/// pages whose address merely starts the same, which is harmless), and home exactly plus its
/// query variants (`/*` would be the whole site).
pub fn invalidation_paths(paths: &[String]) -> Vec<String> {
    let mut out: Vec<String> =
        paths.iter().flat_map(|p| if p == "/" { vec!["/".to_owned(), "/?*".to_owned()] } else { vec![format!("{p}*")] }).collect();
    out.sort();
    out.dedup();
    out
}

#[async_trait::async_trait]
impl CachePurge for CloudFrontPurge {
    async fn purge(&self, paths: &[String]) -> Result<(), PurgeError> {
        use aws_sdk_cloudfront::types::{InvalidationBatch, Paths};
        let items = invalidation_paths(paths);
        let batch = InvalidationBatch::builder()
            .caller_reference(uuid::Uuid::new_v4().to_string())
            .paths(Paths::builder().quantity(items.len() as i32).set_items(Some(items)).build().map_err(|e| PurgeError::Transport(e.to_string()))?)
            .build()
            .map_err(|e| PurgeError::Transport(e.to_string()))?;
        self.client
            .create_invalidation()
            .distribution_id(&self.distribution_id)
            .invalidation_batch(batch)
            .send()
            .await
            .map_err(|e| PurgeError::Transport(aws_sdk_cloudfront::error::DisplayErrorContext(e).to_string()))?;
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
    CloudFront,
}

/// `cache.cloudfront.*`: the distribution in front of the shop. Credentials come from the usual
/// AWS chain (environment, instance role) unless given here (an emulator in the tests).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CloudFrontSettings {
    pub distribution_id: String,
    #[serde(default)]
    pub endpoint_url: Option<String>,
    #[serde(default)]
    pub access_key_id: Option<String>,
    #[serde(default)]
    pub secret_access_key: Option<crate::types::Secret>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CacheSettings {
    #[serde(default)]
    pub purge: PurgeBackend,
    /// The proxy's address for `purge = "proxy"`, e.g. `http://127.0.0.1:6081/`.
    #[serde(default)]
    pub proxy_url: Option<String>,
    /// The distribution for `purge = "cloudfront"`.
    #[serde(default)]
    pub cloudfront: Option<CloudFrontSettings>,
}

impl CacheSettings {
    /// What is wrong with the settings, as (key, why).
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        match self.purge {
            PurgeBackend::Proxy if !self.proxy_url.as_deref().is_some_and(|u| u.starts_with("http://") || u.starts_with("https://")) => {
                Err(("cache.proxy_url", "cache.purge = \"proxy\" needs the proxy's address (http://host:port/)"))
            }
            PurgeBackend::CloudFront if self.cloudfront.as_ref().is_none_or(|c| c.distribution_id.is_empty()) => {
                Err(("cache.cloudfront.distribution_id", "cache.purge = \"cloudfront\" needs the distribution id"))
            }
            _ => Ok(()),
        }
    }

    /// The port for these (validated) settings.
    pub async fn port(&self) -> Arc<dyn CachePurge> {
        match (&self.purge, &self.proxy_url, &self.cloudfront) {
            (PurgeBackend::Proxy, Some(url), _) => Arc::new(ProxyPurge::new(url.clone())),
            (PurgeBackend::CloudFront, _, Some(cf)) => Arc::new(CloudFrontPurge::new(cf).await),
            _ => Arc::new(NoCache),
        }
    }
}

/// Purges one batch of due paths; returns how many queue rows it settled. The rows are deleted in
/// a transaction committed only after the port said yes (a failure leaves them queued).
pub async fn purge_due(pool: &PgPool, port: &dyn CachePurge) -> Result<usize, PurgeTaskError> {
    let mut tx = pool.begin().await?;
    let rows: Vec<String> = sqlx::query_scalar(
        "DELETE FROM cache_purges WHERE id IN (
             SELECT id FROM cache_purges WHERE due_at <= now() ORDER BY due_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING path",
    )
    .bind(BATCH)
    .fetch_all(&mut *tx)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let settled = rows.len();
    let mut paths = rows;
    paths.sort();
    paths.dedup();
    port.purge(&paths).await?;
    tx.commit().await?;
    tracing::debug!(paths = paths.len(), "purged cached pages");
    Ok(settled)
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
    use super::{ban_pattern, invalidation_paths};

    #[test]
    fn cloudfront_paths_cover_query_variants_and_never_the_whole_site() {
        let paths = invalidation_paths(&["/p/ring".into(), "/c/rings".into(), "/".into(), "/search".into(), "/c/rings".into()]);
        assert_eq!(paths, ["/", "/?*", "/c/rings*", "/p/ring*", "/search*"]);
    }

    /// Against moto (the AWS emulator the test command starts): a batch becomes one invalidation of
    /// the distribution with CloudFront's form of each path.
    #[tokio::test]
    async fn a_batch_is_one_cloudfront_invalidation() {
        use super::{CachePurge, CloudFrontPurge, CloudFrontSettings};
        use aws_sdk_cloudfront::types::*;
        let Some(url) = crate::platform::moto_url() else { return };
        let settings = CloudFrontSettings {
            distribution_id: String::new(),
            endpoint_url: Some(url),
            access_key_id: Some("test".into()),
            secret_access_key: Some(crate::types::Secret::new("test")),
        };
        let client = CloudFrontPurge::new(&settings).await.client;
        let origin = Origin::builder()
            .id("shop")
            .domain_name("shop.example")
            .custom_origin_config(
                CustomOriginConfig::builder()
                    .http_port(80)
                    .https_port(443)
                    .origin_protocol_policy(OriginProtocolPolicy::HttpsOnly)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let config = DistributionConfig::builder()
            .caller_reference(uuid::Uuid::new_v4().to_string())
            .comment("shop")
            .enabled(true)
            .origins(Origins::builder().quantity(1).items(origin).build().unwrap())
            .default_cache_behavior(
                DefaultCacheBehavior::builder()
                    .target_origin_id("shop")
                    .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
                    .cache_policy_id("658327ea-f89d-4fab-a63d-7e88639e58f6")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let created = client.create_distribution().distribution_config(config).send().await.unwrap();
        let id = created.distribution().unwrap().id().to_owned();

        let port = CloudFrontPurge::new(&CloudFrontSettings { distribution_id: id.clone(), ..settings.clone() }).await;
        port.purge(&["/p/ring".into(), "/c/rings".into(), "/".into()]).await.unwrap();
        let list = client.list_invalidations().distribution_id(&id).send().await.unwrap();
        let summaries = list.invalidation_list().unwrap().items();
        assert_eq!(summaries.len(), 1, "one invalidation per batch");
        let got = client.get_invalidation().distribution_id(&id).id(summaries[0].id()).send().await.unwrap();
        let mut paths = got.invalidation().unwrap().invalidation_batch().unwrap().paths().unwrap().items().to_vec();
        paths.sort();
        assert_eq!(paths, ["/", "/?*", "/c/rings*", "/p/ring*"]);

        let missing = CloudFrontPurge::new(&CloudFrontSettings { distribution_id: "ENOSUCH".into(), ..settings }).await;
        assert!(missing.purge(&["/".into()]).await.is_err(), "an unknown distribution is an error (the paths stay queued)");
    }

    #[test]
    fn the_ban_pattern_matches_each_path_and_its_queries_only() {
        let p = ban_pattern(&["/c/rings".into(), "/p/ring.v2".into(), "/".into()]);
        assert_eq!(p, r"^(/c/rings|/p/ring\.v2|/)(\?.*)?$");
    }
}
