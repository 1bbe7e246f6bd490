//! Server-only order code: checkout and payment in the database, the job queue.
pub mod checkout;
pub mod effects;
pub mod gateway;
pub mod queries;
pub mod jobs;
pub mod signature;
#[cfg(test)]
mod tests;

use crate::orders::pricing::ShippingRates;
use serde::{Deserialize, Serialize};

/// Checkout settings (configuration `orders.*`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderSettings {
    /// How long stock stays held for an unpaid order.
    pub hold_minutes: i32,
    pub shipping: ShippingRates,
    /// Webhook signing secrets; the first signs, all verify (rotation).
    pub webhook_secrets: Vec<String>,
}

/// The development secret; production must configure its own.
pub const DEV_WEBHOOK_SECRET: &str = "whsec_builtin_development_only";

impl Default for OrderSettings {
    fn default() -> Self {
        OrderSettings { hold_minutes: 15, shipping: ShippingRates::default(), webhook_secrets: vec![DEV_WEBHOOK_SECRET.into()] }
    }
}

impl OrderSettings {
    pub fn secrets(&self) -> Vec<&str> {
        self.webhook_secrets.iter().map(String::as_str).collect()
    }
}
