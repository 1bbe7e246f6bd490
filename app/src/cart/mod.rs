//! The cart: add from the product page, change quantities, remove lines. No reservation here:
//! stock is held when payment starts (see `orders`).
pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod ui;
