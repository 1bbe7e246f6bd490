//! The object store port: put a file, mint a link that lets its holder GET it for a while.
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid object key {0:?}")]
    BadKey(String),
    #[error("object store I/O: {0}")]
    Io(String),
}

#[async_trait::async_trait]
pub trait ObjectStore: Send + Sync + 'static {
    fn name(&self) -> &'static str;
    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StoreError>;
    /// A URL (absolute, or a path on this site) that serves the object as a download named
    /// `file_name` until `ttl` has passed, and to nobody who alters it.
    async fn signed_url(&self, key: &str, file_name: &str, ttl: Duration) -> Result<String, StoreError>;
    /// The other origin links point to, if any (the page's form-action must admit it).
    fn link_origin(&self) -> Option<String>;
}

/// Object keys are `a-z0-9._-` segments joined by `/`: safe as S3 keys and as relative paths.
pub fn check_key(key: &str) -> Result<(), StoreError> {
    let ok = !key.is_empty()
        && key.len() <= 512
        && key.split('/').all(|seg| {
            !seg.is_empty()
                && !seg.starts_with('.')
                && seg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        });
    if ok { Ok(()) } else { Err(StoreError::BadKey(key.into())) }
}

/// A file name for Content-Disposition: printable ASCII without quotes or separators.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' })
        .collect();
    let trimmed = cleaned.trim_matches('.');
    if trimmed.is_empty() { "download".into() } else { trimmed.chars().take(120).collect() }
}
