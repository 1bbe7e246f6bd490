//! Server-only account code: the provider port and its adapters, sessions, rate limits.
pub mod builtin;
pub mod cognito;
pub mod jwt;
pub mod provider;
pub mod rate_limit;
pub mod request;
pub mod secrets;
pub mod service;
pub mod users;
#[cfg(test)]
pub(crate) mod tests;
