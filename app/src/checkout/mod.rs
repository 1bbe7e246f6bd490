//! THE orchestrator: the checkout and payment pages, placing an order (stock holds through
//! inventory), payment events (through payments), key assignment and refunds (through library),
//! shipping, and the jobs that carry their side effects. The only home that touches several domains
//! in one operation; each keeps its own tables.
pub mod api;
pub mod discounts;
pub mod model;
pub mod pricing;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod ui;
