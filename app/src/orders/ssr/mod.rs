//! Server-only order code: checkout and payment in the database, the payment providers, the job queue.
pub mod checkout;
pub mod effects;
pub mod fulfilment;
pub mod gateway;
pub mod payments;
pub mod queries;
pub mod signature;
pub mod stripe;
#[cfg(test)]
pub mod stripe_standin;
#[cfg(test)]
pub(crate) mod tests;

use crate::orders::pricing::ShippingRates;
use payments::PaymentProvider;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentProviderKind {
    /// The shop's own test gateway (the default; no account anywhere).
    Builtin,
    /// Stripe PaymentIntents (`orders.stripe`).
    Stripe,
}

/// Checkout settings (configuration `orders.*`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderSettings {
    /// How long stock stays held for an unpaid order.
    pub hold_minutes: i32,
    pub shipping: ShippingRates,
    /// Webhook signing secrets; the first signs, all verify (rotation).
    pub webhook_secrets: Vec<String>,
    pub payment_provider: PaymentProviderKind,
    pub stripe: Option<stripe::StripeSettings>,
}

/// The orders domain's state, provided by the server as its own context.
#[derive(Clone)]
pub struct OrdersState {
    pub settings: Arc<OrderSettings>,
    /// The built-in test gateway or Stripe, chosen by configuration.
    pub payments: Arc<dyn PaymentProvider>,
}

pub fn state() -> Result<OrdersState, crate::error::AppError> {
    crate::platform::domain_state("orders")
}

/// The development secret; production must configure its own.
pub const DEV_WEBHOOK_SECRET: &str = "whsec_builtin_development_only";

impl Default for OrderSettings {
    fn default() -> Self {
        OrderSettings {
            hold_minutes: 15,
            shipping: ShippingRates::default(),
            webhook_secrets: vec![DEV_WEBHOOK_SECRET.into()],
            payment_provider: PaymentProviderKind::Builtin,
            stripe: None,
        }
    }
}

impl OrderSettings {
    /// The payment provider these settings name.
    pub fn payment_provider(&self) -> Result<Arc<dyn PaymentProvider>, String> {
        Ok(match self.payment_provider {
            PaymentProviderKind::Builtin => Arc::new(gateway::BuiltinGateway::new(self.webhook_secrets.clone())),
            PaymentProviderKind::Stripe => {
                let s = self.stripe.clone().ok_or("orders.stripe is not set")?;
                Arc::new(stripe::StripeProvider::new(s, self.webhook_secrets.clone()))
            }
        })
    }
}
