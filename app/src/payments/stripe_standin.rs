//! A local stand-in for the parts of Stripe's API the shop uses, for tests: it checks the secret
//! key, honours `Idempotency-Key` as Stripe does (same key and body: the first answer again; same
//! key, other body: an error), moves PaymentIntents through confirmation with Stripe's test payment
//! methods, and signs the webhooks it would send with the `Stripe-Signature` scheme.
use super::signature;
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Inner {
    secret_key: String,
    webhook_secret: String,
    intents: Mutex<HashMap<String, Value>>,
    /// idempotency key → (request path and body, answer)
    idempotency: Mutex<HashMap<String, (String, StatusCode, Value)>>,
    /// Signed webhooks, oldest first: (Stripe-Signature header, body).
    events: Mutex<Vec<(String, Vec<u8>)>>,
    refunds: Mutex<Vec<Value>>,
}

#[derive(Clone)]
pub struct StripeStandin {
    pub base_url: String,
    inner: Arc<Inner>,
}

fn error(status: StatusCode, kind: &str, message: &str) -> (StatusCode, Value) {
    (status, json!({ "error": { "type": kind, "message": message } }))
}

fn form(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

impl StripeStandin {
    pub async fn start(secret_key: &str, webhook_secret: &str) -> StripeStandin {
        let inner = Arc::new(Inner {
            secret_key: secret_key.into(),
            webhook_secret: webhook_secret.into(),
            ..Default::default()
        });
        let app = Router::new()
            .route("/v1/payment_intents", post(create_intent))
            .route("/v1/payment_intents/{id}/confirm", post(confirm_intent))
            .route("/v1/refunds", post(create_refund))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("bound"));
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        StripeStandin { base_url, inner }
    }

    /// The webhooks sent so far (and forgets them).
    pub fn take_events(&self) -> Vec<(String, Vec<u8>)> {
        std::mem::take(&mut *self.inner.events.lock().unwrap())
    }

    pub fn intent_count(&self) -> usize {
        self.inner.intents.lock().unwrap().len()
    }

    pub fn refunds(&self) -> Vec<Value> {
        self.inner.refunds.lock().unwrap().clone()
    }

    /// What Stripe.js does in the shopper's browser: confirm the intent with a payment method
    /// (`pm_card_visa` succeeds, `pm_card_chargeDeclined` is declined).
    pub async fn confirm(&self, intent_id: &str, payment_method: &str) -> Value {
        reqwest::Client::new()
            .post(format!("{}/v1/payment_intents/{intent_id}/confirm", self.base_url))
            .bearer_auth(&self.inner.secret_key)
            .form(&[("payment_method", payment_method)])
            .send()
            .await
            .expect("the stand-in answers")
            .json()
            .await
            .expect("JSON")
    }
}

impl Inner {
    fn authorised(&self, headers: &HeaderMap) -> bool {
        headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {}", self.secret_key))
    }

    /// Runs `make` once per idempotency key, as Stripe does.
    fn idempotent(
        &self,
        headers: &HeaderMap,
        request: String,
        make: impl FnOnce() -> (StatusCode, Value),
    ) -> Response {
        if !self.authorised(headers) {
            let (s, v) = error(StatusCode::UNAUTHORIZED, "invalid_request_error", "Invalid API Key provided");
            return (s, Json(v)).into_response();
        }
        let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let Some(key) = key else {
            let (s, v) = make();
            return (s, Json(v)).into_response();
        };
        let mut seen = self.idempotency.lock().unwrap();
        let (s, v) = match seen.get(&key) {
            Some((req, s, v)) if *req == request => (*s, v.clone()),
            Some(_) => error(
                StatusCode::BAD_REQUEST,
                "idempotency_error",
                "Keys for idempotent requests can only be used with the same parameters they were first used with.",
            ),
            None => {
                let (s, v) = make();
                seen.insert(key, (request, s, v.clone()));
                (s, v)
            }
        };
        (s, Json(v)).into_response()
    }

    fn send_event(&self, kind: &str, object: &Value) {
        let body = serde_json::to_vec(&json!({
            "id": new_id("evt"), "object": "event", "type": kind, "data": { "object": object },
        }))
        .expect("JSON");
        let header = signature::sign(&self.webhook_secret, chrono::Utc::now().timestamp(), &body);
        self.events.lock().unwrap().push((header, body));
    }
}

async fn create_intent(State(s): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> Response {
    let f = form(&body);
    let request = format!("POST /v1/payment_intents {}", String::from_utf8_lossy(&body));
    s.clone().idempotent(&headers, request, || {
        let amount: i64 = match f.get("amount").and_then(|a| a.parse().ok()) {
            Some(a) if a >= 50 => a,
            _ => return error(StatusCode::BAD_REQUEST, "invalid_request_error", "Amount must be at least 50 cents"),
        };
        let id = new_id("pi");
        let metadata: HashMap<&str, &String> =
            f.iter().filter_map(|(k, v)| Some((k.strip_prefix("metadata[")?.strip_suffix(']')?, v))).collect();
        let intent = json!({
            "id": id, "object": "payment_intent", "amount": amount, "amount_received": 0,
            "currency": f.get("currency"), "status": "requires_payment_method",
            "client_secret": format!("{id}_secret_{}", uuid::Uuid::new_v4().simple()), "metadata": metadata,
        });
        s.intents.lock().unwrap().insert(id, intent.clone());
        (StatusCode::OK, intent)
    })
}

async fn confirm_intent(State(s): State<Arc<Inner>>, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let f = form(&body);
    let request = format!("POST /v1/payment_intents/{id}/confirm {}", String::from_utf8_lossy(&body));
    s.clone().idempotent(&headers, request, || {
        let mut intents = s.intents.lock().unwrap();
        let Some(intent) = intents.get_mut(&id) else {
            return error(StatusCode::NOT_FOUND, "invalid_request_error", "No such payment_intent");
        };
        if intent["status"] == "succeeded" {
            return error(StatusCode::BAD_REQUEST, "invalid_request_error", "This PaymentIntent has already succeeded");
        }
        match f.get("payment_method").map(String::as_str) {
            Some("pm_card_visa") => {
                intent["status"] = json!("succeeded");
                intent["amount_received"] = intent["amount"].clone();
                intent["last_payment_error"] = Value::Null;
                s.send_event("payment_intent.succeeded", intent);
                (StatusCode::OK, intent.clone())
            }
            Some("pm_card_chargeDeclined") => {
                intent["status"] = json!("requires_payment_method");
                intent["last_payment_error"] = json!({ "type": "card_error", "message": "Your card was declined." });
                s.send_event("payment_intent.payment_failed", intent);
                error(StatusCode::PAYMENT_REQUIRED, "card_error", "Your card was declined.")
            }
            _ => error(StatusCode::BAD_REQUEST, "invalid_request_error", "No such PaymentMethod"),
        }
    })
}

async fn create_refund(State(s): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> Response {
    let f = form(&body);
    let request = format!("POST /v1/refunds {}", String::from_utf8_lossy(&body));
    s.clone().idempotent(&headers, request, || {
        let intents = s.intents.lock().unwrap();
        let Some(intent) = f.get("payment_intent").and_then(|id| intents.get(id)) else {
            return error(StatusCode::NOT_FOUND, "invalid_request_error", "No such payment_intent");
        };
        let received = intent["amount_received"].as_i64().unwrap_or(0);
        let amount: i64 = f.get("amount").and_then(|a| a.parse().ok()).unwrap_or(received);
        let refunded: i64 = s
            .refunds
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r["payment_intent"] == intent["id"])
            .filter_map(|r| r["amount"].as_i64())
            .sum();
        if amount <= 0 || refunded + amount > received {
            return error(StatusCode::BAD_REQUEST, "invalid_request_error", "Refund amount is greater than unrefunded amount");
        }
        let refund = json!({ "id": new_id("re"), "object": "refund", "amount": amount, "payment_intent": intent["id"], "status": "succeeded" });
        s.refunds.lock().unwrap().push(refund.clone());
        (StatusCode::OK, refund)
    })
}
