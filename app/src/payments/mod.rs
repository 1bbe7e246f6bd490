//! The payment port (bottom floor: it knows no domain): a provider starts a payment for an order, turns its signed webhooks into
//! events, and refunds charges. The built-in test gateway (the default) and Stripe implement it; the
//! database side (an order paid once, a second charge refunded) is the same for both.
pub mod gateway;
pub mod signature;
pub mod stripe;
#[cfg(test)]
pub mod stripe_standin;

use serde::{Deserialize, Serialize};
use std::sync::Arc;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentProviderKind {
    /// The shop's own test gateway (the default; no account anywhere).
    Builtin,
    /// Stripe PaymentIntents (`orders.stripe`).
    Stripe,
}

/// The development secret; production must configure its own.
pub const DEV_WEBHOOK_SECRET: &str = "whsec_builtin_development_only";

/// The payment provider a configuration names.
pub fn provider(
    kind: PaymentProviderKind,
    stripe: Option<stripe::StripeSettings>,
    webhook_secrets: Vec<String>,
) -> Result<Arc<dyn PaymentProvider>, String> {
    Ok(match kind {
        PaymentProviderKind::Builtin => Arc::new(gateway::BuiltinGateway::new(webhook_secrets)),
        PaymentProviderKind::Stripe => Arc::new(stripe::StripeProvider::new(stripe.ok_or("orders.stripe is not set")?, webhook_secrets)),
    })
}

/// A provider's word that money arrived.
#[derive(Debug, Clone)]
pub struct PaymentEvent {
    pub provider: String,
    pub event_id: String,
    /// The charge / PaymentIntent id.
    pub provider_ref: String,
    pub order_id: Uuid,
    /// Positive (the providers' parsers refuse anything else).
    pub amount_minor: i64,
    /// ISO 4217 as the provider sent it; compared with the order's, case-insensitively.
    pub currency: String,
}


/// What a provider needs to take money for an order. The amount comes from the order row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    pub order_id: Uuid,
    pub number: i64,
    pub amount_minor: i64,
    /// ISO 4217, upper case as stored.
    pub currency: String,
    pub email: String,
}

/// A started payment: the provider's id for it and, for client-side confirmation, its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedPayment {
    pub provider_ref: String,
    pub client_secret: Option<String>,
}

/// A verified webhook, as the shop understands it.
#[derive(Debug, Clone)]
pub enum WebhookEvent {
    Succeeded(PaymentEvent),
    Failed { event_id: String, order_id: Uuid, provider_ref: String, reason: String },
    /// An event type the shop does not act on (acknowledged so the provider stops sending it).
    Ignored { event_id: String, kind: String },
}

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// The provider said no (a declined card, an invalid request): the message may be shown.
    #[error("{0}")]
    Refused(String),
    /// The provider could not be reached or answered strangely: retry later; the cause is logged.
    #[error("payment provider unavailable: {0}")]
    Unavailable(String),
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("signature: {0}")]
    Signature(#[from] signature::SignatureError),
    #[error("unreadable event: {0}")]
    Body(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

#[async_trait::async_trait]
pub trait PaymentProvider: Send + Sync {
    /// The name stored with payments and used in the webhook route (`/webhooks/<name>`).
    fn name(&self) -> &'static str;
    /// Starts the payment for an order, or returns the one already started (idempotent per order).
    async fn start_payment(&self, req: &PaymentRequest) -> Result<StartedPayment, PaymentError>;
    /// Checks the signature header over the raw body and reads the event.
    fn verify_webhook(&self, header: &str, body: &[u8], now: i64) -> Result<WebhookEvent, WebhookError>;
    /// Refunds `amount_minor` of a charge; the same `idempotency_key` refunds once.
    async fn refund(&self, provider_ref: &str, amount_minor: i64, idempotency_key: &str) -> Result<(), PaymentError>;
    /// The publishable key a browser needs to confirm payments (Stripe.js); none for the built-in gateway.
    fn publishable_key(&self) -> Option<String> {
        None
    }
}

/// The amount and currency of a signed event, or why the event cannot be acted on: a payment is a
/// positive amount in a three-letter currency (`eur` and `EUR` alike).
pub fn checked_money(amount_minor: i64, currency: &str) -> Result<(i64, String), WebhookError> {
    if amount_minor <= 0 {
        return Err(WebhookError::Body(format!("amount {amount_minor} is not a payment")));
    }
    if !(currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_alphabetic())) {
        return Err(WebhookError::Body(format!("currency {:?} is not an ISO 4217 code", currency.escape_debug().to_string())));
    }
    Ok((amount_minor, currency.to_ascii_uppercase()))
}

