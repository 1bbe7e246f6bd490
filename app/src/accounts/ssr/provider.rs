//! The identity-provider port: what the shop asks of Cognito or of the built-in provider.
use crate::accounts::model::PasswordPolicy;
use crate::types::Email;
use serde::{Deserialize, Serialize};

/// Who is signed in, as the provider vouches for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// The provider's stable id for the person (Cognito `sub`, built-in account id).
    pub subject: String,
    pub email: String,
    pub role: crate::accounts::model::Role,
    pub two_factor: bool,
}

/// What the server-side session keeps to act for the user with the provider. Never sent to the
/// browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Credentials {
    /// Valid while the account's `sessions_valid_after` is not later than `issued_at` (µs).
    Builtin { account_id: String, issued_at_micros: i64 },
    Cognito { username: String, access_token: String, refresh_token: String, id_token: String },
}

/// A completed sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub identity: Identity,
    pub credentials: Credentials,
}

/// An unfinished sign-in, kept in the session until the next step is answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    pub email: String,
    /// Cognito's challenge session, or the built-in account id.
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    Done(Box<SignedIn>),
    TotpRequired(Challenge),
    NewPasswordRequired(Challenge),
}

/// Failures a user can be told about. `InvalidCredentials` covers unknown e-mail and wrong
/// password alike, so sign-in never reveals whether an address is registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("e-mail not confirmed")]
    NotConfirmed,
    #[error("account exists")]
    AccountExists,
    #[error("weak password: {0}")]
    WeakPassword(String),
    #[error("wrong code")]
    WrongCode,
    #[error("expired code")]
    ExpiredCode,
    #[error("account disabled")]
    Disabled,
    /// The sign-in step or the session is no longer valid; start again.
    #[error("session expired")]
    SessionExpired,
    /// The provider's own limit was hit.
    #[error("provider rate limit")]
    Throttled,
    #[error("provider failure: {0}")]
    Internal(String),
}

#[async_trait::async_trait]
pub trait IdentityProvider: Send + Sync {
    fn name(&self) -> &'static str;
    fn password_policy(&self) -> &PasswordPolicy;

    /// Registers an unconfirmed account and sends a confirmation code to the address.
    async fn sign_up(&self, email: &Email, password: &str) -> Result<(), AuthError>;
    async fn confirm_sign_up(&self, email: &Email, code: &str) -> Result<(), AuthError>;
    /// Sends a new confirmation code; silently does nothing for unknown or confirmed addresses.
    async fn resend_confirmation(&self, email: &Email) -> Result<(), AuthError>;

    async fn sign_in(&self, email: &Email, password: &str) -> Result<SignInStep, AuthError>;
    async fn answer_totp(&self, challenge: &Challenge, code: &str) -> Result<SignInStep, AuthError>;
    async fn answer_new_password(&self, challenge: &Challenge, new_password: &str) -> Result<SignInStep, AuthError>;

    /// Checks the credentials (and refreshes them when the provider's tokens expired). `Ok(None)`:
    /// no longer valid, the session must end. `Some((identity, Some(new)))`: store the new credentials.
    async fn check(&self, credentials: &Credentials) -> Result<Option<(Identity, Option<Credentials>)>, AuthError>;
    /// Ends every session of the user (global sign-out).
    async fn sign_out_everywhere(&self, credentials: &Credentials) -> Result<(), AuthError>;

    /// Sends a reset code; answers the same whether or not the address is registered.
    async fn forgot_password(&self, email: &Email) -> Result<(), AuthError>;
    async fn confirm_forgot_password(&self, email: &Email, code: &str, new_password: &str) -> Result<(), AuthError>;
    /// Returns fresh credentials when the change voided the current ones.
    async fn change_password(
        &self,
        credentials: &Credentials,
        old_password: &str,
        new_password: &str,
    ) -> Result<Option<Credentials>, AuthError>;

    /// Starts TOTP set-up; returns the base32 secret for the authenticator app.
    async fn begin_totp(&self, credentials: &Credentials) -> Result<String, AuthError>;
    /// Verifies a first code and turns TOTP on for sign-in.
    async fn enable_totp(&self, credentials: &Credentials, code: &str) -> Result<(), AuthError>;

    // Staff operations on someone else's account, found by its address.

    /// The account as staff see it; `None` if the provider does not know the address.
    async fn account_state(&self, email: &Email) -> Result<Option<AccountState>, AuthError>;
    /// Turns the account off (every session ends at once: the next request is signed out) or on.
    async fn set_disabled(&self, email: &Email, disabled: bool) -> Result<(), AuthError>;
    /// Gives the account a role (its sessions end, so the next sign-in carries the new role).
    async fn set_role(&self, email: &Email, role: crate::accounts::model::Role) -> Result<(), AuthError>;
}

/// An account as its provider keeps it, for the staff customer page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountState {
    pub disabled: bool,
    pub confirmed: bool,
    pub two_factor: bool,
    pub role: crate::accounts::model::Role,
}
