//! Shared UI: layout, page metadata, request helpers.
pub mod layout;
pub mod page;
#[cfg(feature = "ssr")]
pub mod security;
