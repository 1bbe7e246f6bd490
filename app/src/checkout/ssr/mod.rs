//! The checkout in the database: place an order (holds, ledger), act on payment events, release
//! expired holds, ship and refund, and the job handler for the order's side effects.
pub mod discounts;
pub mod effects;
pub mod fulfilment;
pub mod payment;
pub mod place;
pub mod refund;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod keys_tests;
#[cfg(test)]
mod refund_tests;
#[cfg(test)]
mod discount_tests;

use crate::checkout::pricing::ShippingRates;
use crate::payments::PaymentProvider;
use serde::{Deserialize, Serialize};
use std::sync::Arc;


/// Checkout settings (configuration `orders.*`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderSettings {
    /// How long stock stays held for an unpaid order.
    pub hold_minutes: i32,
    pub shipping: ShippingRates,
    /// Webhook signing secrets; the first signs, all verify (rotation).
    pub webhook_secrets: Vec<crate::types::Secret>,
    pub payment_provider: crate::payments::PaymentProviderKind,
    pub stripe: Option<crate::payments::stripe::StripeSettings>,
    /// The largest refund (minor units) support staff may make; above it an admin must.
    pub support_refund_limit_minor: i64,
}

/// The checkout's state, provided by the server as its own context.
#[derive(Clone)]
pub struct CheckoutState {
    pub settings: Arc<OrderSettings>,
    /// The built-in test gateway or Stripe, chosen by configuration.
    pub payments: Arc<dyn PaymentProvider>,
}

pub fn state() -> Result<CheckoutState, crate::error::AppError> {
    crate::platform::domain_state("checkout")
}


impl Default for OrderSettings {
    fn default() -> Self {
        OrderSettings {
            hold_minutes: 15,
            shipping: ShippingRates::default(),
            webhook_secrets: vec![crate::payments::DEV_WEBHOOK_SECRET.into()],
            payment_provider: crate::payments::PaymentProviderKind::Builtin,
            stripe: None,
            support_refund_limit_minor: 10_000,
        }
    }
}

impl OrderSettings {
    /// The payment provider these settings name.
    pub fn payment_provider(&self) -> Result<Arc<dyn PaymentProvider>, String> {
        crate::payments::provider(self.payment_provider, self.stripe.clone(), crate::types::expose_all(&self.webhook_secrets))
    }
}
