//! Server-only download code: the object store port and its two adapters, builds, the download log.
pub mod builds;
pub mod local;
pub mod s3;
pub mod store;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use store::ObjectStore;

/// Where builds are kept (`downloads.backend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// A directory on this server; the app serves files itself behind signed links.
    Local,
    /// An S3 bucket; links are S3 pre-signed GET URLs.
    S3,
}

/// `downloads.*`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DownloadSettings {
    pub backend: StoreKind,
    /// The local directory (backend `local`).
    pub local_dir: PathBuf,
    /// Signs local links (backend `local`); production must set its own.
    pub signing_secret: crate::types::Secret,
    /// How long a minted link works.
    pub link_ttl_secs: u64,
    /// At most this many downloads of one purchase per window.
    pub max_per_window: u32,
    pub window_secs: u64,
    pub s3: Option<s3::S3Settings>,
}

/// Development-only signing secret (refused in production).
pub const DEV_SIGNING_SECRET: &str = "development-only-download-signing-secret";

impl Default for DownloadSettings {
    fn default() -> Self {
        DownloadSettings {
            backend: StoreKind::Local,
            local_dir: PathBuf::from(".data/downloads"),
            signing_secret: DEV_SIGNING_SECRET.into(),
            link_ttl_secs: 300,
            max_per_window: 5,
            window_secs: 3600,
            s3: None,
        }
    }
}

/// What server functions need: the store and the limits.
#[derive(Clone)]
pub struct Downloads {
    pub store: Arc<dyn ObjectStore>,
    pub link_ttl: Duration,
    pub limit: builds::RateLimit,
}

impl DownloadSettings {
    /// Checks the settings: the setting that is wrong and why.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if !(10..=3600).contains(&self.link_ttl_secs) {
            return Err(("downloads.link_ttl_secs", "must be between 10 and 3600"));
        }
        if self.max_per_window == 0 || self.window_secs == 0 {
            return Err(("downloads.max_per_window", "and downloads.window_secs must be positive"));
        }
        match self.backend {
            StoreKind::Local if self.signing_secret.expose().len() < 32 => {
                Err(("downloads.signing_secret", "needs 32 characters or more"))
            }
            StoreKind::S3 if self.s3.as_ref().is_none_or(|s| s.bucket.is_empty()) => {
                Err(("downloads.s3.bucket", "must be set when downloads.backend is 's3'"))
            }
            _ => Ok(()),
        }
    }

    pub fn uses_dev_values(&self) -> bool {
        self.backend == StoreKind::Local && self.signing_secret.expose() == DEV_SIGNING_SECRET
    }

    /// The local store, when that is the backend (the server mounts its file route).
    pub fn local_store(&self) -> Option<Arc<local::LocalStore>> {
        (self.backend == StoreKind::Local)
            .then(|| Arc::new(local::LocalStore::new(self.local_dir.clone(), self.signing_secret.expose().as_bytes().to_vec())))
    }

    pub fn downloads(&self) -> Downloads {
        let store: Arc<dyn ObjectStore> = match (self.backend, &self.s3) {
            (StoreKind::S3, Some(s3)) => Arc::new(s3::S3Store::new(s3.clone())),
            _ => self.local_store().expect("backend is local"),
        };
        Downloads {
            store,
            link_ttl: Duration::from_secs(self.link_ttl_secs),
            limit: builds::RateLimit { max: self.max_per_window as i64, window: Duration::from_secs(self.window_secs) },
        }
    }
}
