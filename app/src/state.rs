//! Server state handed to server functions through Leptos context.
use sqlx::PgPool;

#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: PgPool,
    /// Public origin for canonical URLs, e.g. `https://shop.example`.
    pub base_url: String,
}

/// The request's state; an internal error if the server forgot to provide it.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| crate::error::AppError::internal("AppState missing from context"))
}
