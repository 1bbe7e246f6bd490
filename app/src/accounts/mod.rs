//! Accounts: sign-up, sign-in (with TOTP), password reset and change, roles, through an identity
//! provider port (Cognito or the built-in provider).
pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod ui;
