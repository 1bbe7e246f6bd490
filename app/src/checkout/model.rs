//! Checkout wire types.

/// What the checkout page needs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CheckoutPage {
    pub cart: crate::cart::model::CartView,
    pub email: Option<String>,
    /// A fresh idempotency key for this checkout attempt.
    pub checkout_key: String,
    pub standard_shipping: crate::types::Money,
    pub insured_shipping: crate::types::Money,
    pub insured_above: crate::types::Money,
    pub error: Option<String>,
}
