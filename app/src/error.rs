//! The one error type that crosses the wire. Variants are things a shopper can be shown;
//! the cause of an `Internal` error stays in the server log and never reaches the client.
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request itself is malformed (bad page number, search text too long…).
    #[error("{0}")]
    BadRequest(String),
    /// The thing asked for does not exist.
    #[error("We couldn't find that page.")]
    NotFound,
    /// Sign-in is needed, or what was given does not prove who you are.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed here.
    #[error("You don't have access to this page.")]
    Forbidden,
    /// The thing cannot be created because it exists already.
    #[error("{0}")]
    Conflict(String),
    /// One field of a form is not acceptable (taken, out of range): the form shows `message` next to
    /// the field named `field`.
    #[error("{message}")]
    Field { field: String, message: String },
    /// Too many attempts; the client may try again after the given number of seconds.
    #[error("Too many attempts. Please wait {} and try again.", wait_text(*retry_after_secs))]
    TooManyRequests { retry_after_secs: u64 },
    /// Something failed on our side; details are in the server log.
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest(_) => 400,
            AppError::Unauthorized(_) => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::Field { .. } => 422,
            AppError::TooManyRequests { .. } => 429,
            AppError::Internal => 500,
        }
    }

    /// Logs the real cause and returns the opaque error the client may see.
    #[cfg(feature = "ssr")]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        AppError::Internal
    }
}

/// The shop's result type: the error is `AppError` unless said otherwise.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// A database error, with the violation of `constraint` (a unique index, a CHECK) turned into an
/// error on the form's `field`; any other database error is internal (its cause logged).
#[cfg(feature = "ssr")]
pub fn on_constraint(e: sqlx::Error, constraint: &str, field: &str, message: &str) -> AppError {
    match &e {
        sqlx::Error::Database(db) if db.constraint() == Some(constraint) => {
            AppError::Field { field: field.to_owned(), message: message.to_owned() }
        }
        _ => AppError::internal(e),
    }
}

fn wait_text(secs: u64) -> String {
    match secs {
        0..=60 => "a minute".to_owned(),
        s => format!("{} minutes", s.div_ceil(60)),
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg) => {
                AppError::BadRequest(format!("Invalid request: {msg}"))
            }
            // The body could not be read (too large, cut off): the client's problem, not ours.
            ServerFnErrorErr::Request(msg) => {
                #[cfg(feature = "ssr")]
                tracing::warn!(error = %msg, "unreadable server function request");
                let _ = msg;
                AppError::BadRequest("The request could not be read.".into())
            }
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failure");
                let _ = other;
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::internal(e)
    }
}
