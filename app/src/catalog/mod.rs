//! Catalog: products of both departments, listings with facets, search and product pages.
pub mod api;
pub mod edit;
pub mod model;
pub mod picker;
pub mod query;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod ui;
