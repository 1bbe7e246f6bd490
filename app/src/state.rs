//! Server state handed to server functions through Leptos context.
use crate::accounts::ssr::{provider::IdentityProvider, rate_limit::AuthLimits};
use crate::orders::ssr::{payments::PaymentProvider, OrderSettings};
use sqlx::PgPool;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    /// Public origin for canonical URLs, e.g. `https://shop.example`.
    pub base_url: String,
    /// Cognito or the built-in provider, chosen by configuration.
    pub identity: Arc<dyn IdentityProvider>,
    pub auth_limits: Arc<AuthLimits>,
    pub orders: Arc<OrderSettings>,
    /// Encrypts and decrypts license keys.
    pub keys: Arc<crate::library::keys::ssr::crypto::KeyCipher>,
    /// Game builds: the object store and the download limits.
    pub downloads: crate::library::downloads::ssr::Downloads,
    /// The built-in test gateway or Stripe, chosen by configuration.
    pub payments: Arc<dyn PaymentProvider>,
    /// Development helpers such as the dev mailbox (never on in production).
    pub dev_tools: bool,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("base_url", &self.base_url)
            .field("identity", &self.identity.name())
            .field("dev_tools", &self.dev_tools)
            .finish_non_exhaustive()
    }
}

/// The request's state; an internal error if the server forgot to provide it.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| crate::error::AppError::internal("AppState missing from context"))
}
