//! Server-only catalog code: `repo` and `listing` hold the SQL, `service` the rules around it.
pub mod facet_index;
pub mod listing;
#[cfg(test)]
mod listing_tests;
#[cfg(test)]
mod purge_tests;
pub mod photo_files;
pub mod photos;
pub mod repo;
pub mod service;
pub mod staff;
pub mod tokens;
#[cfg(test)]
mod staff_tests;
#[cfg(test)]
pub(crate) mod tests;

/// The catalog's own state in the request context: where photos are stored.
#[derive(Clone)]
pub struct CatalogState {
    pub media: std::sync::Arc<dyn crate::platform::objects::MediaStore>,
}

pub fn state() -> Result<CatalogState, crate::error::AppError> {
    crate::platform::domain_state("catalog")
}

static MEDIA_BASE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Sets where browsers load photos from (`media.base_url`), once, at start-up.
pub fn set_media_base(base: String) {
    let _ = MEDIA_BASE.set(base);
}

/// Where browsers load photos from: `/media` unless configured (the CDN).
pub fn media_base() -> &'static str {
    MEDIA_BASE.get().map_or("/media", String::as_str)
}
