//! The one error type that crosses the wire. Variants are things a shopper can be shown;
//! the cause of an `Internal` error stays in the server log and never reaches the client.
//!
//! Errors are logged once, where they leave the server (`AppError::log`, called by the server
//! function encoder `ser` (which also covers failed form posts) and by the error page), inside the
//! request's span and the span of the server function (`#[tracing::instrument(skip_all)]`), so the
//! log line says what was being done; never when the value is built.
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
    /// Signed in as staff, but this action is beyond what the role may do; says what is needed.
    #[error("{0}")]
    NotPermitted(String),
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
    /// The shop is too busy to answer now (no database connection came free in time); the client
    /// may try again in a moment.
    #[error("The shop is very busy right now. Please try again in a moment.")]
    Busy,
    /// The shop is down for maintenance (its database is out of reach, or an operator said so).
    #[error("The shop is down for maintenance. Please try again in a few minutes.")]
    Maintenance,
    /// Something failed on our side. The cause is kept for the server log and never serialized.
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal {
        #[serde(skip)]
        cause: Cause,
    },
}

/// Why an internal error happened, for the server log only: it is not serialized, so a client
/// never sees it, and it does not take part in equality (a client cannot tell two apart). Clones
/// share one "logged" mark, so a value rendered twice (server-side rendering may build a view
/// more than once) is still logged once.
#[derive(Clone, Default)]
pub struct Cause(Option<std::sync::Arc<(String, std::sync::atomic::AtomicBool)>>);

impl Cause {
    pub fn new(cause: impl std::fmt::Display) -> Self {
        Cause(Some(std::sync::Arc::new((cause.to_string(), std::sync::atomic::AtomicBool::new(false)))))
    }

    /// True the first time only (for this value and its clones).
    #[cfg(feature = "ssr")]
    fn first_log(&self) -> bool {
        self.0.as_ref().is_none_or(|c| !c.1.swap(true, std::sync::atomic::Ordering::Relaxed))
    }
}

impl PartialEq for Cause {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Cause {}

impl std::fmt::Debug for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.as_ref().map_or("(no cause kept)", |c| c.0.as_str()))
    }
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest(_) => 400,
            AppError::Unauthorized(_) => 401,
            AppError::Forbidden | AppError::NotPermitted(_) => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::Field { .. } => 422,
            AppError::TooManyRequests { .. } => 429,
            AppError::Internal { .. } => 500,
            AppError::Busy | AppError::Maintenance => 503,
        }
    }

    /// How long the client should wait before trying again (the `Retry-After` header), if at all.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
            AppError::Busy => Some(1),
            AppError::Maintenance => Some(30),
            _ => None,
        }
    }

    /// The opaque error the client may see, keeping the real cause for the log (see `log`).
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal { cause: Cause::new(cause) }
    }

    /// Logs this error once, where it leaves the server, in the current span (the server function
    /// or request that failed): an internal error at ERROR with its cause, a refusal for too many
    /// attempts at WARN, any other refusal (bad input, not found, not signed in) at INFO.
    #[cfg(feature = "ssr")]
    pub fn log(&self) {
        match self {
            AppError::Internal { cause } => {
                if cause.first_log() {
                    tracing::error!(?cause, "internal error")
                }
            }
            AppError::TooManyRequests { .. } | AppError::Busy => {
                tracing::warn!(status = self.status(), error = %self, "refused")
            }
            _ => tracing::info!(status = self.status(), error = %self, "refused"),
        }
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
            // The body could not be read (too large, cut off): the client's problem, not ours. The
            // refusal is logged where it is sent (`ser`); the reader's own words only when debugging.
            ServerFnErrorErr::Request(msg) => {
                #[cfg(feature = "ssr")]
                tracing::debug!(error = %msg, "unreadable server function request");
                let _ = msg;
                AppError::BadRequest("The request could not be read.".into())
            }
            other => AppError::internal(format!("server function failure: {other}")),
        }
    }

    /// Encodes the error for the client; on the server this is where a failed server function's
    /// error leaves, so it is logged here, once.
    fn ser(&self) -> leptos::server_fn::Bytes {
        use leptos::server_fn::Encodes;
        #[cfg(feature = "ssr")]
        self.log();
        // As the default: an error that cannot be encoded is sent as the encoding failure.
        JsonEncoding::encode(self).unwrap_or_else(|e| {
            JsonEncoding::encode(&AppError::internal(format!("encoding an error: {e}"))).unwrap_or_default()
        })
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            // Every connection stayed busy for the whole acquire timeout: overload, not a fault.
            sqlx::Error::PoolTimedOut => AppError::Busy,
            e => AppError::internal(e),
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn no_free_database_connection_is_busy_not_a_fault() {
        let busy = AppError::from(sqlx::Error::PoolTimedOut);
        assert_eq!(busy, AppError::Busy);
        assert_eq!((busy.status(), busy.retry_after_secs()), (503, Some(1)));
        let fault = AppError::from(sqlx::Error::RowNotFound);
        assert_eq!((fault.status(), fault.retry_after_secs()), (500, None));
        assert_eq!(AppError::TooManyRequests { retry_after_secs: 90 }.retry_after_secs(), Some(90));
    }
}
