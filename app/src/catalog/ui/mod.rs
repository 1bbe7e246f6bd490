//! Catalog pages (server-rendered) and their islands (hydrated in the browser).
mod card;
mod gallery;
mod home;
mod listing;
mod picker;
mod product;

pub use home::HomePage;
pub use listing::{CategoryPage, SearchPage};
pub use product::ProductPage;
