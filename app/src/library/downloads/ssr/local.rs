//! The local-directory store (the default): files live under one directory and the app serves them
//! itself at `/files/<key>` behind an HMAC-signed, expiring link, with HTTP range requests for resuming.
use super::store::{check_key, safe_file_name, ObjectStore, StoreError};
use axum::extract::{Path, Query, Request, State};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use hmac::{Hmac, Mac};
use http::{header, HeaderValue, StatusCode};
use serde::Deserialize;
use sha2::Sha256;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where signed links point.
pub const ROUTE: &str = "/files";

pub struct LocalStore {
    dir: PathBuf,
    secret: Vec<u8>,
}

/// The signed part of a link: the download name, the expiry (Unix seconds) and the signature.
#[derive(Debug, Clone, Deserialize)]
pub struct Link {
    pub name: String,
    pub exp: u64,
    pub sig: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    Expired,
    BadSignature,
}

fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl LocalStore {
    pub fn new(dir: PathBuf, secret: Vec<u8>) -> LocalStore {
        LocalStore { dir, secret }
    }

    fn mac(&self, key: &str, name: &str, exp: u64) -> Hmac<Sha256> {
        let mut m = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
        // Length-prefixed fields: no two (key, name, exp) triples sign the same bytes.
        for field in [key.as_bytes(), name.as_bytes(), exp.to_string().as_bytes()] {
            m.update(&(field.len() as u64).to_be_bytes());
            m.update(field);
        }
        m
    }

    /// The link for `key`, valid until `exp` (Unix seconds).
    pub fn link(&self, key: &str, file_name: &str, exp: u64) -> String {
        let name = safe_file_name(file_name);
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.mac(key, &name, exp).finalize().into_bytes());
        format!("{ROUTE}/{key}?name={name}&exp={exp}&sig={sig}")
    }

    /// The file a link opens at time `now`, if the link is intact and not expired.
    pub fn verify(&self, key: &str, link: &Link, now: u64) -> Result<PathBuf, LinkError> {
        check_key(key).map_err(|_| LinkError::BadSignature)?;
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&link.sig)
            .map_err(|_| LinkError::BadSignature)?;
        // Constant-time comparison.
        self.mac(key, &link.name, link.exp).verify_slice(&sig).map_err(|_| LinkError::BadSignature)?;
        if now > link.exp {
            return Err(LinkError::Expired);
        }
        Ok(self.dir.join(key))
    }
}

#[async_trait::async_trait]
impl ObjectStore for LocalStore {
    fn name(&self) -> &'static str {
        "local"
    }

    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        check_key(key)?;
        let path = self.dir.join(key);
        let io = |e: std::io::Error| StoreError::Io(format!("{}: {e}", path.display()));
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(io)?;
        }
        // Write beside it, then rename: a reader never sees half a file, even after a crash.
        let tmp = path.with_extension(format!("partial-{}", uuid::Uuid::new_v4().simple()));
        tokio::fs::write(&tmp, &bytes).await.map_err(io)?;
        tokio::fs::rename(&tmp, &path).await.map_err(io)
    }

    async fn signed_url(&self, key: &str, file_name: &str, ttl: Duration) -> Result<String, StoreError> {
        check_key(key)?;
        Ok(self.link(key, file_name, now_unix() + ttl.as_secs()))
    }

    fn link_origin(&self) -> Option<String> {
        None
    }
}

/// `GET /files/{*key}`: the file behind a valid link (ranges honoured), else 403 with a reason.
pub async fn serve(
    State(store): State<Arc<LocalStore>>,
    Path(key): Path<String>,
    link: Result<Query<Link>, axum::extract::rejection::QueryRejection>,
    req: Request,
) -> Response {
    let verdict = match &link {
        Ok(Query(link)) => store.verify(&key, link, now_unix()),
        Err(_) => Err(LinkError::BadSignature),
    };
    let no_store = [(header::CACHE_CONTROL, "private, no-store")];
    let path = match verdict {
        Ok(path) => path,
        Err(LinkError::Expired) => {
            return (StatusCode::FORBIDDEN, no_store, "This download link has expired. Open your library for a new one.")
                .into_response();
        }
        Err(LinkError::BadSignature) => {
            return (StatusCode::FORBIDDEN, no_store, "This download link is not valid.").into_response();
        }
    };
    let name = link.map(|Query(l)| l.name).unwrap_or_default();
    let served = tower::ServiceExt::oneshot(tower_http::services::ServeFile::new(path), req).await;
    let mut res = match served {
        Ok(res) => res.into_response(),
        Err(never) => match never {},
    };
    if res.status().is_success() {
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", safe_file_name(&name))) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    res
}
