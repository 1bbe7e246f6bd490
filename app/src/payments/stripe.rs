//! Stripe over its HTTP API: a PaymentIntent per order (created with an idempotency key, so a
//! retried checkout never makes a second intent), `Stripe-Signature` webhooks, and refunds.
use super::{PaymentEvent, PaymentError, PaymentProvider, PaymentRequest, StartedPayment, WebhookError, WebhookEvent};
use super::signature;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;
use uuid::Uuid;

pub const PROVIDER: &str = "stripe";

/// `orders.stripe.*`; webhook secrets are `orders.webhook_secrets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StripeSettings {
    /// `https://api.stripe.com` in production; a local stand-in in tests.
    #[serde(default = "default_api_base")]
    pub api_base: String,
    pub secret_key: crate::types::Secret,
    pub publishable_key: String,
}

fn default_api_base() -> String {
    "https://api.stripe.com".into()
}

pub struct StripeProvider {
    settings: StripeSettings,
    webhook_secrets: Vec<String>,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct Intent {
    id: String,
    client_secret: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: IntentObject,
}

#[derive(Deserialize)]
struct IntentObject {
    id: String,
    #[serde(default)]
    amount: i64,
    #[serde(default)]
    amount_received: i64,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    metadata: HashMap<String, String>,
    last_payment_error: Option<ErrorDetail>,
}

impl StripeProvider {
    pub fn new(settings: StripeSettings, webhook_secrets: Vec<String>) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .expect("an HTTP client with timeouts builds");
        StripeProvider { settings, webhook_secrets, http }
    }

    async fn post<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        idempotency_key: &str,
        form: &[(&str, String)],
    ) -> Result<T, PaymentError> {
        let url = format!("{}{path}", self.settings.api_base.trim_end_matches('/'));
        let res = self
            .http
            .post(&url)
            .bearer_auth(self.settings.secret_key.expose())
            .header("Idempotency-Key", idempotency_key)
            .form(form)
            .send()
            .await
            .map_err(|e| PaymentError::Unavailable(e.to_string()))?;
        let status = res.status();
        let body = res.bytes().await.map_err(|e| PaymentError::Unavailable(e.to_string()))?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| PaymentError::Unavailable(format!("unreadable answer: {e}")));
        }
        let message = serde_json::from_slice::<ErrorBody>(&body).map(|b| b.error.message).unwrap_or_default();
        if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 401 {
            // 401 is the shop's misconfiguration: not the shopper's to fix, so not shown.
            Err(PaymentError::Unavailable(format!("{status}: {message}")))
        } else {
            Err(PaymentError::Refused(if message.is_empty() { status.to_string() } else { message }))
        }
    }
}

fn order_id(object: &IntentObject) -> Result<Uuid, WebhookError> {
    object
        .metadata
        .get("order_id")
        .and_then(|v| Uuid::parse_str(v).ok())
        .ok_or_else(|| WebhookError::Body(format!("payment intent {} has no order_id", object.id)))
}

#[async_trait::async_trait]
impl PaymentProvider for StripeProvider {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    async fn start_payment(&self, req: &PaymentRequest) -> Result<StartedPayment, PaymentError> {
        let form = [
            ("amount", req.amount_minor.to_string()),
            ("currency", req.currency.to_lowercase()),
            ("automatic_payment_methods[enabled]", "true".to_owned()),
            ("metadata[order_id]", req.order_id.to_string()),
            ("metadata[order_number]", req.number.to_string()),
            ("receipt_email", req.email.clone()),
        ];
        // One intent per order, whatever the retries: the order id is the idempotency key.
        let intent: Intent = self.post("/v1/payment_intents", &format!("order-{}", req.order_id), &form).await?;
        Ok(StartedPayment { provider_ref: intent.id, client_secret: intent.client_secret })
    }

    fn verify_webhook(&self, header: &str, body: &[u8], now: i64) -> Result<WebhookEvent, WebhookError> {
        let secrets: Vec<&str> = self.webhook_secrets.iter().map(String::as_str).collect();
        signature::verify(&secrets, header, body, now)?;
        let event: Event = serde_json::from_slice(body).map_err(|e| WebhookError::Body(e.to_string()))?;
        let object = event.data.object;
        match event.kind.as_str() {
            "payment_intent.succeeded" => {
                let amount = if object.amount_received != 0 { object.amount_received } else { object.amount };
                let (amount_minor, currency) = super::checked_money(amount, &object.currency)?;
                Ok(WebhookEvent::Succeeded(PaymentEvent {
                    provider: PROVIDER.into(),
                    event_id: event.id,
                    order_id: order_id(&object)?,
                    amount_minor,
                    currency,
                    provider_ref: object.id,
                }))
            }
            "payment_intent.payment_failed" => Ok(WebhookEvent::Failed {
                event_id: event.id,
                order_id: order_id(&object)?,
                reason: object.last_payment_error.map(|e| e.message).unwrap_or_default(),
                provider_ref: object.id,
            }),
            _ => Ok(WebhookEvent::Ignored { event_id: event.id, kind: event.kind }),
        }
    }

    async fn refund(&self, provider_ref: &str, amount_minor: i64, idempotency_key: &str) -> Result<(), PaymentError> {
        let form = [("payment_intent", provider_ref.to_owned()), ("amount", amount_minor.to_string())];
        let _: serde_json::Value = self.post("/v1/refunds", idempotency_key, &form).await?;
        Ok(())
    }

    fn publishable_key(&self) -> Option<String> {
        Some(self.settings.publishable_key.clone())
    }
}
