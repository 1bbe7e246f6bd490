//! The media store port: where product photos live (the local media directory by default, served at
//! `/media`), by key. Keys are `a-z0-9._-` segments joined by `/`.
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ObjectError {
    #[error("invalid object key {0:?}")]
    BadKey(String),
    #[error("object store I/O on {key}: {cause}")]
    Io { key: String, cause: String },
}

/// Keys are `a-z0-9._-` segments joined by `/`: safe as S3 keys and as relative paths.
pub fn check_key(key: &str) -> Result<(), ObjectError> {
    let ok = !key.is_empty()
        && key.len() <= 512
        && key.split('/').all(|seg| {
            !seg.is_empty() && !seg.starts_with('.') && seg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        });
    if ok { Ok(()) } else { Err(ObjectError::BadKey(key.into())) }
}

#[async_trait::async_trait]
pub trait MediaStore: Send + Sync + 'static {
    /// Stores `bytes` under `key` (whole or not at all: readers never see half a file).
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), ObjectError>;
    /// Stores the file at `path` under `key`, streaming it.
    async fn put_file(&self, key: &str, path: &Path, content_type: &str) -> Result<(), ObjectError>;
    async fn get(&self, key: &str) -> Result<Vec<u8>, ObjectError>;
    /// Removes `key`; a missing key is not an error.
    async fn delete(&self, key: &str) -> Result<(), ObjectError>;
    /// Every key under the folder `prefix` (say "originals"), with when it was written.
    async fn list(&self, prefix: &str) -> Result<Vec<(String, std::time::SystemTime)>, ObjectError>;
}

/// The local media directory (the default): files under one directory, written to a temporary
/// name and renamed into place.
pub struct LocalMedia {
    dir: PathBuf,
}

impl LocalMedia {
    pub fn new(dir: PathBuf) -> LocalMedia {
        LocalMedia { dir }
    }

    fn path(&self, key: &str) -> Result<PathBuf, ObjectError> {
        check_key(key)?;
        Ok(self.dir.join(key))
    }
}

fn io(key: &str, e: std::io::Error) -> ObjectError {
    ObjectError::Io { key: key.to_owned(), cause: e.to_string() }
}

#[async_trait::async_trait]
impl MediaStore for LocalMedia {
    async fn put(&self, key: &str, bytes: Vec<u8>, _content_type: &str) -> Result<(), ObjectError> {
        let path = self.path(key)?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(|e| io(key, e))?;
        }
        let tmp = path.with_extension(format!("tmp-{}", uuid::Uuid::new_v4().simple()));
        tokio::fs::write(&tmp, bytes).await.map_err(|e| io(key, e))?;
        tokio::fs::rename(&tmp, &path).await.map_err(|e| io(key, e))
    }

    async fn put_file(&self, key: &str, from: &Path, _content_type: &str) -> Result<(), ObjectError> {
        let path = self.path(key)?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(|e| io(key, e))?;
        }
        let tmp = path.with_extension(format!("tmp-{}", uuid::Uuid::new_v4().simple()));
        tokio::fs::copy(from, &tmp).await.map_err(|e| io(key, e))?;
        tokio::fs::rename(&tmp, &path).await.map_err(|e| io(key, e))
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, ObjectError> {
        let path = self.path(key)?;
        tokio::fs::read(path).await.map_err(|e| io(key, e))
    }

    async fn delete(&self, key: &str) -> Result<(), ObjectError> {
        let path = self.path(key)?;
        match tokio::fs::remove_file(path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(key, e)),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<(String, std::time::SystemTime)>, ObjectError> {
        let mut out = Vec::new();
        let mut dirs = vec![self.path(prefix)?];
        while let Some(dir) = dirs.pop() {
            let mut entries = match tokio::fs::read_dir(&dir).await {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io(prefix, e)),
            };
            while let Some(entry) = entries.next_entry().await.map_err(|e| io(prefix, e))? {
                let meta = entry.metadata().await.map_err(|e| io(prefix, e))?;
                if meta.is_dir() {
                    dirs.push(entry.path());
                } else if let Ok(rel) = entry.path().strip_prefix(&self.dir) {
                    let key = rel.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
                    out.push((key, meta.modified().map_err(|e| io(prefix, e))?));
                }
            }
        }
        Ok(out)
    }
}

/// An S3 bucket's settings (`media.s3.*`, `downloads.s3.*`). Credentials come from the usual AWS
/// chain (environment, instance role) unless an S3-compatible service needs explicit ones.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    pub bucket: String,
    pub region: String,
    /// Another S3 API (a local emulator, an S3-compatible service).
    #[serde(default)]
    pub endpoint_url: Option<String>,
    /// `endpoint/bucket/key` instead of `bucket.endpoint/key`.
    #[serde(default)]
    pub force_path_style: bool,
    #[serde(default)]
    pub access_key_id: Option<String>,
    #[serde(default)]
    pub secret_access_key: Option<crate::types::Secret>,
}

/// AWS settings for a region: another endpoint (an emulator, an S3-compatible service) and
/// explicit credentials when given, the usual AWS chain otherwise.
pub async fn aws_config(
    region: &str,
    endpoint_url: Option<&str>,
    access_key_id: Option<&str>,
    secret_access_key: Option<&crate::types::Secret>,
) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest()).region(aws_config::Region::new(region.to_owned()));
    if let Some(url) = endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let (Some(id), Some(secret)) = (access_key_id, secret_access_key) {
        loader = loader.credentials_provider(aws_sdk_s3::config::Credentials::new(id, secret.expose(), None, None, "shop-config"));
    }
    loader.load().await
}

/// An S3 client for `s`.
pub async fn s3_client(s: &S3Settings) -> aws_sdk_s3::Client {
    let shared = aws_config(&s.region, s.endpoint_url.as_deref(), s.access_key_id.as_deref(), s.secret_access_key.as_ref()).await;
    let conf = aws_sdk_s3::config::Builder::from(&shared).force_path_style(s.force_path_style).build();
    aws_sdk_s3::Client::from_conf(conf)
}

/// Where photos are kept (`media.backend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaBackend {
    /// The media directory, served by the app at `/media`.
    #[default]
    Local,
    /// An S3 bucket (in production behind the CDN).
    S3,
}

/// `media.*`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MediaSettings {
    pub backend: MediaBackend,
    pub s3: Option<S3Settings>,
    /// Where browsers load photos from: `/media` (this server) by default, the CDN in production
    /// (for example `https://d111111abcdef8.cloudfront.net` in front of the bucket).
    pub base_url: Option<String>,
}

impl MediaSettings {
    pub fn base(&self) -> String {
        self.base_url.as_deref().map(|b| b.trim_end_matches('/').to_owned()).filter(|b| !b.is_empty()).unwrap_or_else(|| "/media".into())
    }

    /// The origin of an absolute base URL (the page's CSP must admit its images).
    pub fn origin(&self) -> Option<String> {
        let base = self.base();
        let (scheme, rest) = base.split_once("://")?;
        Some(format!("{scheme}://{}", rest.split('/').next().unwrap_or(rest)))
    }
}

/// Photos in an S3 bucket: rendered images public and cached for a year (their keys never change),
/// originals private.
pub struct S3Media {
    settings: S3Settings,
    client: tokio::sync::OnceCell<aws_sdk_s3::Client>,
}

fn s3_err(key: &str, e: impl std::fmt::Display) -> ObjectError {
    ObjectError::Io { key: key.to_owned(), cause: e.to_string() }
}

fn cache_control(content_type: &str) -> &'static str {
    if content_type.starts_with("image/") { "public, max-age=31536000, immutable" } else { "private, no-store" }
}

impl S3Media {
    pub fn new(settings: S3Settings) -> S3Media {
        S3Media { settings, client: tokio::sync::OnceCell::new() }
    }

    async fn client(&self) -> &aws_sdk_s3::Client {
        self.client.get_or_init(|| s3_client(&self.settings)).await
    }

    /// Creates the bucket if it is missing (demo and tests; production buckets are made by the operator).
    pub async fn ensure_bucket(&self) -> Result<(), ObjectError> {
        let client = self.client().await;
        if client.head_bucket().bucket(&self.settings.bucket).send().await.is_ok() {
            return Ok(());
        }
        client
            .create_bucket()
            .bucket(&self.settings.bucket)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| s3_err(&self.settings.bucket, aws_sdk_s3::error::DisplayErrorContext(e)))
    }

    async fn put_body(&self, key: &str, body: aws_sdk_s3::primitives::ByteStream, content_type: &str) -> Result<(), ObjectError> {
        check_key(key)?;
        self.client()
            .await
            .put_object()
            .bucket(&self.settings.bucket)
            .key(key)
            .content_type(content_type)
            .cache_control(cache_control(content_type))
            .body(body)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| s3_err(key, aws_sdk_s3::error::DisplayErrorContext(e)))
    }
}

#[async_trait::async_trait]
impl MediaStore for S3Media {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), ObjectError> {
        self.put_body(key, bytes.into(), content_type).await
    }

    async fn put_file(&self, key: &str, path: &Path, content_type: &str) -> Result<(), ObjectError> {
        let body = aws_sdk_s3::primitives::ByteStream::from_path(path).await.map_err(|e| s3_err(key, e))?;
        self.put_body(key, body, content_type).await
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, ObjectError> {
        check_key(key)?;
        let out = self
            .client()
            .await
            .get_object()
            .bucket(&self.settings.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| s3_err(key, aws_sdk_s3::error::DisplayErrorContext(e)))?;
        let bytes = out.body.collect().await.map_err(|e| s3_err(key, e))?;
        Ok(bytes.into_bytes().to_vec())
    }

    async fn delete(&self, key: &str) -> Result<(), ObjectError> {
        check_key(key)?;
        self.client()
            .await
            .delete_object()
            .bucket(&self.settings.bucket)
            .key(key)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| s3_err(key, aws_sdk_s3::error::DisplayErrorContext(e)))
    }

    async fn list(&self, prefix: &str) -> Result<Vec<(String, std::time::SystemTime)>, ObjectError> {
        check_key(prefix)?;
        let mut pages = self.client().await.list_objects_v2().bucket(&self.settings.bucket).prefix(format!("{prefix}/")).into_paginator().send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| s3_err(prefix, aws_sdk_s3::error::DisplayErrorContext(e)))?;
            for o in page.contents() {
                if let (Some(key), Some(at)) = (o.key(), o.last_modified().and_then(|t| std::time::SystemTime::try_from(*t).ok())) {
                    out.push((key.to_owned(), at));
                }
            }
        }
        Ok(out)
    }
}

/// An S3 API on a free port for tests (s3s-fs: it checks SigV4 signatures and pre-signed expiry
/// like S3). Returns its URL and the directory behind it.
#[cfg(test)]
pub(crate) async fn s3_emulator() -> (String, tempfile::TempDir) {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    let root = tempfile::tempdir().unwrap();
    let fs = s3s_fs::FileSystem::new(root.path()).unwrap();
    let mut builder = s3s::service::S3ServiceBuilder::new(fs);
    builder.set_auth(s3s::auth::SimpleAuth::from_single("test-access-key", "test-secret-key"));
    let service = builder.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { continue };
            let service = service.clone();
            tokio::spawn(async move {
                let conn = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                let _ = conn.serve_connection(TokioIo::new(socket), service).await;
            });
        }
    });
    (format!("http://{addr}"), root)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(endpoint: &str, secret: &str) -> S3Settings {
        S3Settings {
            bucket: "shop-media".into(),
            region: "us-east-1".into(),
            endpoint_url: Some(endpoint.into()),
            force_path_style: true,
            access_key_id: Some("test-access-key".into()),
            secret_access_key: Some(secret.into()),
        }
    }

    #[test]
    fn the_media_base_is_this_site_unless_a_cdn_is_configured() {
        let local = MediaSettings::default();
        assert_eq!((local.base(), local.origin()), ("/media".to_owned(), None));
        let cdn = MediaSettings { base_url: Some("https://d1.cloudfront.net/media/".into()), ..Default::default() };
        assert_eq!(cdn.base(), "https://d1.cloudfront.net/media");
        assert_eq!(cdn.origin().as_deref(), Some("https://d1.cloudfront.net"));
    }

    /// Both stores keep, return and delete photos by key, and refuse keys that could escape.
    #[tokio::test]
    async fn local_and_s3_media_stores_keep_photos_by_key() {
        let (endpoint, _root) = s3_emulator().await;
        let s3 = S3Media::new(settings(&endpoint, "test-secret-key"));
        s3.ensure_bucket().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let local = LocalMedia::new(dir.path().to_owned());
        let file = dir.path().join("upload.tmp");
        std::fs::write(&file, b"original bytes").unwrap();
        for store in [&s3 as &dyn MediaStore, &local] {
            store.put("products/7/abc-320.webp", b"webp bytes".to_vec(), "image/webp").await.unwrap();
            store.put_file("originals/7/abc.jpg", &file, "application/octet-stream").await.unwrap();
            assert_eq!(store.get("products/7/abc-320.webp").await.unwrap(), b"webp bytes");
            assert_eq!(store.get("originals/7/abc.jpg").await.unwrap(), b"original bytes");
            store.delete("originals/7/abc.jpg").await.unwrap();
            assert!(store.get("originals/7/abc.jpg").await.is_err(), "deleted");
            store.delete("originals/7/abc.jpg").await.unwrap();
            for bad in ["../etc/passwd", "/abs", "a//b", "Upper/x", ".hidden"] {
                assert!(matches!(store.put(bad, vec![1], "image/jpeg").await, Err(ObjectError::BadKey(_))), "{bad}");
            }
        }
        // Public, long-cached renditions; private originals.
        let http = reqwest::Client::new();
        let res = http.get(format!("{endpoint}/shop-media/products/7/abc-320.webp")).send().await.unwrap();
        assert_eq!(res.status(), 403, "the emulator checks signatures: nothing is read unsigned");
        assert_eq!(cache_control("image/webp"), "public, max-age=31536000, immutable");
        assert_eq!(cache_control("application/octet-stream"), "private, no-store");
        // The wrong secret is refused by the S3 API.
        let wrong = S3Media::new(settings(&endpoint, "not-the-secret"));
        assert!(wrong.put("products/7/x-320.jpg", vec![1], "image/jpeg").await.is_err());
    }
}
