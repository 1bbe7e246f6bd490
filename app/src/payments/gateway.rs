//! The built-in test gateway (the default provider): a card form served by the shop that accepts
//! the usual test cards and announces the outcome with a signed webhook, exactly as a real provider
//! would, so the whole flow (declines and late confirmations included) runs with no account anywhere.
use super::{PaymentEvent, PaymentError, PaymentProvider, PaymentRequest, StartedPayment, WebhookError, WebhookEvent};
use super::signature;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const PROVIDER: &str = "builtin";

/// What a test card does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestCard {
    Succeeds,
    Declined,
    /// Succeeds a few seconds later (as a bank's extra authentication would), through a queued job.
    Delayed,
}

/// 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined, 4000 0000 0000 3220 (Stripe's
/// "authentication required" card) succeeds after a delay; anything else is not a test card.
pub fn test_card(number: &str) -> Option<TestCard> {
    let digits: String = number.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    match digits.as_str() {
        "4242424242424242" => Some(TestCard::Succeeds),
        "4000000000000002" => Some(TestCard::Declined),
        "4000000000003220" => Some(TestCard::Delayed),
        _ => None,
    }
}

/// Seconds before a delayed test card's payment is confirmed.
pub const DELAY_SECS: i64 = 4;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GatewayEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub data: EventData,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventData {
    pub order_id: Uuid,
    pub amount_minor: i64,
    /// ISO 4217 (`EUR`).
    pub currency: String,
    pub charge: String,
}

impl GatewayEvent {
    /// A new successful charge (fresh charge and event ids).
    pub fn success(order_id: Uuid, amount_minor: i64, currency: &str) -> GatewayEvent {
        GatewayEvent {
            id: format!("evt_{}", Uuid::new_v4().simple()),
            kind: "payment.succeeded".into(),
            data: EventData {
                order_id,
                amount_minor,
                currency: currency.to_owned(),
                charge: format!("ch_{}", Uuid::new_v4().simple()),
            },
        }
    }

    /// The webhook for this event: (header, body).
    pub fn signed(&self, secret: &str, now: i64) -> (String, Vec<u8>) {
        let body = serde_json::to_vec(self).expect("events serialise");
        (signature::sign(secret, now, &body), body)
    }
}

/// The signed webhook for a new successful charge: (header, body).
pub fn signed_success(secret: &str, order_id: Uuid, amount_minor: i64, currency: &str, now: i64) -> (String, Vec<u8>) {
    GatewayEvent::success(order_id, amount_minor, currency).signed(secret, now)
}

/// The built-in gateway as a [`PaymentProvider`]; it signs with the first secret, verifies with all.
pub struct BuiltinGateway {
    secrets: Vec<String>,
}

impl BuiltinGateway {
    pub fn new(secrets: Vec<String>) -> Self {
        BuiltinGateway { secrets }
    }

    /// Plays the gateway's part after a good card: signs the success webhook for `event`.
    pub fn sign(&self, event: &GatewayEvent, now: i64) -> (String, Vec<u8>) {
        event.signed(self.secrets.first().map(String::as_str).unwrap_or_default(), now)
    }
}

#[async_trait::async_trait]
impl PaymentProvider for BuiltinGateway {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    async fn start_payment(&self, req: &PaymentRequest) -> Result<StartedPayment, PaymentError> {
        // The card form is the shop's own page: nothing to create at a provider.
        Ok(StartedPayment { provider_ref: format!("pay_{}", req.order_id.simple()), client_secret: None })
    }

    fn verify_webhook(&self, header: &str, body: &[u8], now: i64) -> Result<WebhookEvent, WebhookError> {
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        signature::verify(&secrets, header, body, now)?;
        let event: GatewayEvent = serde_json::from_slice(body).map_err(|e| WebhookError::Body(e.to_string()))?;
        if event.kind != "payment.succeeded" {
            return Ok(WebhookEvent::Ignored { event_id: event.id, kind: event.kind });
        }
        let (amount_minor, currency) = super::checked_money(event.data.amount_minor, &event.data.currency)?;
        Ok(WebhookEvent::Succeeded(PaymentEvent {
            provider: PROVIDER.into(),
            event_id: event.id,
            provider_ref: event.data.charge,
            order_id: event.data.order_id,
            amount_minor,
            currency,
        }))
    }

    async fn refund(&self, provider_ref: &str, amount_minor: i64, idempotency_key: &str) -> Result<(), PaymentError> {
        // No money moved through the test gateway: the refund is the shop's record of it.
        tracing::info!(charge = provider_ref, amount_minor, idempotency_key, "test gateway refund");
        Ok(())
    }
}
