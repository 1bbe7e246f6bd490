//! The built-in test payment gateway (the default provider): a card form served by the shop that
//! accepts the usual test cards and announces success with a signed webhook, exactly as a real
//! provider would, so the whole flow runs with no account anywhere.
use super::checkout::{payment_succeeded, PaymentEvent, PaymentOutcome};
use super::signature;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

pub const PROVIDER: &str = "builtin";

/// What a test card does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestCard {
    Succeeds,
    Declined,
}

/// 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined; anything else is not a test card.
pub fn test_card(number: &str) -> Option<TestCard> {
    let digits: String = number.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    match digits.as_str() {
        "4242424242424242" => Some(TestCard::Succeeds),
        "4000000000000002" => Some(TestCard::Declined),
        _ => None,
    }
}

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
    pub charge: String,
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("signature: {0}")]
    Signature(#[from] signature::SignatureError),
    #[error("unreadable event: {0}")]
    Body(#[from] serde_json::Error),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The signed webhook for a successful charge: (header, body).
pub fn signed_success(secret: &str, order_id: Uuid, amount_minor: i64, now: i64) -> (String, Vec<u8>) {
    let charge = format!("ch_{}", Uuid::new_v4().simple());
    let event = GatewayEvent {
        id: format!("evt_{}", Uuid::new_v4().simple()),
        kind: "payment.succeeded".into(),
        data: EventData { order_id, amount_minor, charge },
    };
    let body = serde_json::to_vec(&event).expect("events serialise");
    (signature::sign(secret, now, &body), body)
}

/// Verifies and acts on a webhook (the route and the gateway both come here).
pub async fn receive(
    pool: &PgPool,
    secrets: &[&str],
    header: &str,
    body: &[u8],
    now: i64,
) -> Result<Option<PaymentOutcome>, WebhookError> {
    signature::verify(secrets, header, body, now)?;
    let event: GatewayEvent = serde_json::from_slice(body)?;
    if event.kind != "payment.succeeded" {
        return Ok(None);
    }
    let outcome = payment_succeeded(
        pool,
        &PaymentEvent {
            provider: PROVIDER.into(),
            event_id: event.id,
            provider_ref: event.data.charge,
            order_id: event.data.order_id,
            amount_minor: event.data.amount_minor,
        },
    )
    .await?;
    Ok(Some(outcome))
}
