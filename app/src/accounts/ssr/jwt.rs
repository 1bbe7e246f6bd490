//! Cognito token verification: RS256 signature against the pool's JWKS (cached; refetched once on an
//! unknown key id, with back-off), issuer, client, `token_use` and expiry.
use jsonwebtoken::{decode, decode_header, jwk::JwkSet, Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// A refetch for an unknown key id happens at most this often, doubling after each failure.
const MIN_REFETCH: Duration = Duration::from_secs(30);
const MAX_BACKOFF: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    Access,
    Id,
}

impl TokenUse {
    fn as_str(self) -> &'static str {
        match self {
            TokenUse::Access => "access",
            TokenUse::Id => "id",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub exp: u64,
    pub token_use: String,
    /// Access tokens name the app client here…
    pub client_id: Option<String>,
    /// …ID tokens here.
    pub aud: Option<String>,
    pub email: Option<String>,
    pub username: Option<String>,
    #[serde(rename = "cognito:username")]
    pub cognito_username: Option<String>,
    #[serde(rename = "cognito:groups", default)]
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token: {0}")]
    Malformed(String),
    #[error("unknown signing key")]
    UnknownKey,
    #[error("bad signature or claims: {0}")]
    Invalid(String),
    #[error("wrong issuer")]
    WrongIssuer,
    #[error("issued to another client")]
    WrongClient,
    #[error("wrong token use")]
    WrongUse,
    #[error("expired")]
    Expired,
    #[error("key set unavailable: {0}")]
    Jwks(String),
}

#[derive(Default)]
struct KeyCache {
    keys: HashMap<String, DecodingKey>,
    last_fetch: Option<Instant>,
    backoff: Duration,
}

pub struct JwtVerifier {
    issuer: String,
    jwks_url: String,
    client_id: String,
    http: reqwest::Client,
    cache: Mutex<KeyCache>,
}

impl JwtVerifier {
    pub fn new(issuer: String, jwks_url: String, client_id: String) -> Self {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap_or_default();
        JwtVerifier { issuer, jwks_url, client_id, http, cache: Mutex::new(KeyCache::default()) }
    }

    pub async fn verify(&self, token: &str, expected: TokenUse) -> Result<Claims, TokenError> {
        self.verify_at(token, expected, super::secrets::unix_now()).await
    }

    /// As `verify`, with the clock given (expiry is checked against `now`, in Unix seconds).
    pub async fn verify_at(&self, token: &str, expected: TokenUse, now: u64) -> Result<Claims, TokenError> {
        let header = decode_header(token).map_err(|e| TokenError::Malformed(e.to_string()))?;
        if header.alg != Algorithm::RS256 {
            return Err(TokenError::Invalid(format!("algorithm {:?}", header.alg)));
        }
        let kid = header.kid.ok_or_else(|| TokenError::Malformed("no key id".into()))?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        // Expiry and audience are checked below against our own clock and client.
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims = ["exp", "iss", "sub"].iter().map(|s| s.to_string()).collect();
        let claims = decode::<Claims>(token, &key, &validation)
            .map_err(|e| TokenError::Invalid(e.to_string()))?
            .claims;
        if claims.iss != self.issuer {
            return Err(TokenError::WrongIssuer);
        }
        if claims.token_use != expected.as_str() {
            return Err(TokenError::WrongUse);
        }
        let client = match expected {
            TokenUse::Access => claims.client_id.as_deref(),
            TokenUse::Id => claims.aud.as_deref(),
        };
        if client != Some(self.client_id.as_str()) {
            return Err(TokenError::WrongClient);
        }
        if claims.exp <= now {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, TokenError> {
        let mut cache = self.cache.lock().await;
        if let Some(k) = cache.keys.get(kid) {
            return Ok(k.clone());
        }
        let wait = cache.backoff.max(MIN_REFETCH);
        if cache.last_fetch.is_some_and(|t| t.elapsed() < wait) {
            return Err(TokenError::UnknownKey);
        }
        cache.last_fetch = Some(Instant::now());
        match self.fetch().await {
            Ok(keys) => {
                cache.keys = keys;
                cache.backoff = Duration::ZERO;
            }
            Err(e) => {
                cache.backoff = (cache.backoff * 2).clamp(MIN_REFETCH, MAX_BACKOFF);
                return Err(e);
            }
        }
        cache.keys.get(kid).cloned().ok_or(TokenError::UnknownKey)
    }

    async fn fetch(&self) -> Result<HashMap<String, DecodingKey>, TokenError> {
        let jwks = |e: reqwest::Error| TokenError::Jwks(e.to_string());
        let set: JwkSet =
            self.http.get(&self.jwks_url).send().await.map_err(jwks)?.error_for_status().map_err(jwks)?.json().await.map_err(jwks)?;
        let keys = set
            .keys
            .iter()
            .filter_map(|jwk| Some((jwk.common.key_id.clone()?, DecodingKey::from_jwk(jwk).ok()?)))
            .collect::<HashMap<_, _>>();
        tracing::info!(url = %self.jwks_url, keys = keys.len(), "fetched the Cognito key set");
        Ok(keys)
    }
}
