//! The plumbing every domain shares: the request context (pool, session, client IP), the answer to
//! a form post (redirect, or flash and back), notices, the durable job queue, the audit log and the
//! purge of cached pages.
//!
//! Each domain keeps its own state (identity provider, payment provider, key cipher…), provided by
//! the server as a separate context; this module knows none of them.
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod csv_export;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod objects;
#[cfg(feature = "ssr")]
pub mod purge;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod visits;

/// A failed form post kept for the page it came from (JavaScript off): the message, the status the
/// re-shown page answers with, and the e-mail typed (never a password or a code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFlash {
    pub form: String,
    pub message: String,
    pub status: u16,
    pub retry_after_secs: Option<u64>,
    pub email: Option<String>,
}

/// What every request may use: the pool, the public origin and whether development tools are on.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct Platform {
    pub pool: sqlx::PgPool,
    /// Public origin for canonical URLs and links, e.g. `https://shop.example`.
    pub base_url: String,
    /// Development helpers such as the dev mailbox (never on in production).
    pub dev_tools: bool,
    /// The origin photos are served from when it is not this site (the CDN), for the CSP.
    pub media_origin: Option<String>,
    /// The shop's time zone (IANA name): its days for the analytics and the funnel.
    pub time_zone: String,
}

/// The request's platform context; an internal error if the server forgot to provide it.
#[cfg(feature = "ssr")]
pub fn platform() -> Result<Platform, crate::error::AppError> {
    leptos::prelude::use_context::<Platform>().ok_or_else(|| crate::error::AppError::internal("Platform missing from context"))
}

/// A domain's own state from the request context (provided by the server next to `Platform`).
#[cfg(feature = "ssr")]
pub fn domain_state<T: Clone + Send + Sync + 'static>(name: &str) -> Result<T, crate::error::AppError> {
    leptos::prelude::use_context::<T>()
        .ok_or_else(|| crate::error::AppError::internal(format!("{name} state missing from context")))
}

/// The AWS emulator's URL (moto, started by the test command: Cognito, S3, CloudFront), or `None`
/// (skipping) when it is not configured and this is not CI.
#[cfg(all(test, feature = "ssr"))]
pub(crate) fn moto_url() -> Option<String> {
    match std::env::var("SHOP_TEST_MOTO_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ if std::env::var("CI").is_ok_and(|v| !v.is_empty()) => {
            panic!("SHOP_TEST_MOTO_URL is not set: run the tests with scripts/test, which starts the emulator")
        }
        _ => {
            eprintln!("skipping an emulator test: SHOP_TEST_MOTO_URL is not set (scripts/test sets it)");
            None
        }
    }
}
