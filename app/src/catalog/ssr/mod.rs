//! Server-only catalog code: `repo` holds the SQL, `service` the rules around it.
pub mod photo_files;
pub mod photos;
pub mod repo;
pub mod service;
pub mod staff;
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
