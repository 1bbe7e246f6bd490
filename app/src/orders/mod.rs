//! Orders: pricing, the order state machine, checkout with stock holds, payments and the job queue.
pub mod api;
pub mod model;
pub mod pricing;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod ui;
