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
}
