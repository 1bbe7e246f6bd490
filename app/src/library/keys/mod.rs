//! Digital delivery: license key pools per game variant (imported or generated), encrypted at rest,
//! assigned one per unit by the worker after payment, revealed by their owner in the library.
pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod ui;
