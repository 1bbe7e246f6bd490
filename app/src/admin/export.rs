//! What the staff CSV downloads share: plain GET routes (a link works without JavaScript), behind
//! the same role check as the pages they export.
#![cfg(feature = "ssr")]
use crate::accounts::model::Role;
use crate::error::AppError;
use axum::response::{IntoResponse, Response};

/// The state of the export routes.
#[derive(Clone)]
pub struct ExportState {
    pub pool: sqlx::PgPool,
    pub auth: crate::accounts::ssr::AuthState,
    /// The shop's time zone (the analytics' days).
    pub time_zone: String,
}

impl ExportState {
    /// Someone with at least `role` made the request whose parts these are (403 for anyone else,
    /// as for the pages). Takes the parts, not the request: its body may not cross an await.
    pub async fn require(&self, parts: &axum::http::request::Parts, role: Role) -> Result<(), AppError> {
        let ip = crate::platform::request::client_ip(&parts.extensions);
        let session = parts.extensions.get::<tower_sessions::Session>().ok_or(AppError::Forbidden)?;
        self.auth.accounts(&self.pool, session, &ip).require_role(role).await.map(|_| ())
    }
}

/// The answer when an export is refused or its filter is bad: the status and the message as text.
pub fn refusal(e: AppError) -> Response {
    e.log();
    let status = axum::http::StatusCode::from_u16(e.status()).unwrap_or(axum::http::StatusCode::BAD_REQUEST);
    (status, [(axum::http::header::CACHE_CONTROL, "no-store")], e.to_string()).into_response()
}
