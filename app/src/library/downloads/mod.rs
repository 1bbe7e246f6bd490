//! Game downloads: builds kept in an object store (S3 or a local directory), handed to owners through
//! short-lived signed links minted per click after an ownership check.
pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
