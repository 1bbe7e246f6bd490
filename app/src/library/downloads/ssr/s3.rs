//! The S3 store: builds in a bucket, links are S3 pre-signed GET URLs (SigV4) that expire.
use super::store::{check_key, safe_file_name, ObjectStore, StoreError};
use aws_sdk_s3::presigning::PresigningConfig;
use std::time::Duration;

/// `downloads.s3.*` (the same settings as the media store's).
pub use crate::platform::objects::S3Settings;

pub struct S3Store {
    settings: S3Settings,
    client: tokio::sync::OnceCell<aws_sdk_s3::Client>,
}

impl S3Store {
    pub fn new(settings: S3Settings) -> S3Store {
        S3Store { settings, client: tokio::sync::OnceCell::new() }
    }

    /// Built on first use: loading the AWS configuration is async.
    async fn client(&self) -> &aws_sdk_s3::Client {
        self.client.get_or_init(|| crate::platform::objects::s3_client(&self.settings)).await
    }

    /// Creates the bucket if it is missing (demo and tests; production buckets are made by the operator).
    pub async fn ensure_bucket(&self) -> Result<(), StoreError> {
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
            .map_err(|e| StoreError::Io(format!("create bucket: {}", aws_sdk_s3::error::DisplayErrorContext(e))))
    }
}

#[async_trait::async_trait]
impl ObjectStore for S3Store {
    fn name(&self) -> &'static str {
        "s3"
    }

    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        check_key(key)?;
        self.client()
            .await
            .put_object()
            .bucket(&self.settings.bucket)
            .key(key)
            .content_type("application/octet-stream")
            .body(bytes.into())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| StoreError::Io(format!("put {key}: {}", aws_sdk_s3::error::DisplayErrorContext(e))))
    }

    async fn signed_url(&self, key: &str, file_name: &str, ttl: Duration) -> Result<String, StoreError> {
        check_key(key)?;
        let config = PresigningConfig::expires_in(ttl).map_err(|e| StoreError::Io(e.to_string()))?;
        let req = self
            .client()
            .await
            .get_object()
            .bucket(&self.settings.bucket)
            .key(key)
            .response_content_disposition(format!("attachment; filename=\"{}\"", safe_file_name(file_name)))
            .response_cache_control("private, no-store")
            .presigned(config)
            .await
            .map_err(|e| StoreError::Io(format!("presign {key}: {}", aws_sdk_s3::error::DisplayErrorContext(e))))?;
        Ok(req.uri().to_string())
    }

    fn link_origin(&self) -> Option<String> {
        let s = &self.settings;
        Some(match &s.endpoint_url {
            Some(url) if s.force_path_style => url.trim_end_matches('/').to_owned(),
            Some(url) => {
                let (scheme, host) = url.trim_end_matches('/').split_once("://").unwrap_or(("https", url));
                format!("{scheme}://{}.{host}", s.bucket)
            }
            None => format!("https://{}.s3.{}.amazonaws.com", s.bucket, s.region),
        })
    }
}
