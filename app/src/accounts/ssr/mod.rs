//! Server-only account code: the provider port and its adapters, sessions, rate limits.
pub mod builtin;
pub mod cognito;
pub mod jwt;
pub mod provider;
pub mod rate_limit;
pub mod secrets;
pub mod service;
pub mod users;
#[cfg(test)]
pub(crate) mod tests;

use provider::IdentityProvider;
use rate_limit::AuthLimits;
use std::sync::Arc;

/// The accounts domain's state, provided by the server as its own context.
#[derive(Clone)]
pub struct AuthState {
    /// Cognito or the built-in provider, chosen by configuration.
    pub identity: Arc<dyn IdentityProvider>,
    pub limits: Arc<AuthLimits>,
    pub hooks: SignInHooks,
}

/// A home above accounts that acts when someone signs in (the cart merges the guest cart, orders
/// claim guest orders of the address). Accounts defines the port; the server wires the adapters.
#[async_trait::async_trait]
pub trait SignInHook: Send + Sync {
    /// Runs after the session belongs to `user_id` (a confirmed `email`); an error fails the sign-in.
    async fn signed_in(
        &self,
        pool: &sqlx::PgPool,
        session: &tower_sessions::Session,
        user_id: uuid::Uuid,
        email: &str,
    ) -> Result<(), crate::error::AppError>;
}

pub type SignInHooks = Arc<Vec<Arc<dyn SignInHook>>>;

pub fn state() -> Result<AuthState, crate::error::AppError> {
    crate::platform::domain_state("accounts")
}

/// `ctx.accounts()`: the account service for this request.
pub trait AccountsExt {
    fn accounts(&self) -> service::Accounts<'_>;
}

impl AuthState {
    /// The account service for one request (a server function's, or the server's staff gate's).
    pub fn accounts<'a>(&self, pool: &'a sqlx::PgPool, session: &'a tower_sessions::Session, ip: &'a str) -> service::Accounts<'a> {
        service::Accounts {
            provider: self.identity.clone(),
            pool,
            limits: self.limits.clone(),
            hooks: self.hooks.clone(),
            session,
            ip,
        }
    }
}

impl AccountsExt for crate::platform::request::RequestCtx {
    fn accounts(&self) -> service::Accounts<'_> {
        // The server provides AuthState with every request; without it nothing here can work, and
        // the panic is answered as a logged 500 (never as access granted).
        state().expect("the server provides AuthState").accounts(self.pool(), self.session(), self.ip())
    }
}
