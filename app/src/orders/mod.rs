//! Orders as records: the order state machine, the buyer's view of an order, My orders, and who may
//! see an order.
pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod ui;
