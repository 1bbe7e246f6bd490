//! The job handler for order side effects: the e-mails, the built-in gateway's late confirmations,
//! and refunds through the payment provider.
use crate::payments::gateway::{BuiltinGateway, GatewayEvent};
use crate::platform::jobs::{Job, JobError, JobHandler};
use super::payment::receive_webhook;
use crate::payments::PaymentProvider;
use crate::mail::ssr::{Mail, Mailer};
use sqlx::{PgConnection, PgPool};
use std::sync::Arc;
use uuid::Uuid;

pub struct OrderEffects {
    pub pool: PgPool,
    pub mailer: Arc<dyn Mailer>,
    pub payments: Arc<dyn PaymentProvider>,
    /// Signing secrets of the built-in gateway (its late confirmations).
    pub webhook_secrets: Vec<String>,
    pub shop_name: String,
    /// Public origin for links in e-mails.
    pub base_url: String,
}

fn field<'a>(job: &'a Job, name: &str) -> Result<&'a serde_json::Value, JobError> {
    job.payload.get(name).ok_or_else(|| bad(job, &format!("no {name}")))
}

fn bad(job: &Job, what: &str) -> JobError {
    JobError::Payload { job: job.id, what: what.to_owned() }
}

/// The order a job is about.
fn order_id(job: &Job) -> Result<Uuid, JobError> {
    field(job, "order_id")?.as_str().and_then(|s| Uuid::parse_str(s).ok()).ok_or_else(|| bad(job, "bad order_id"))
}

fn money(minor: i64, currency: &str) -> String {
    format!("{}.{:02} {currency}", minor / 100, minor % 100)
}

/// The order's status, its row locked for the rest of the job's transaction.
async fn lock_order_status(conn: &mut PgConnection, id: Uuid) -> Result<String, JobError> {
    sqlx::query_scalar("SELECT status FROM orders WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| JobError::Failed(format!("order {id} not found")))
}

/// Whether an order in `status` holds the keys its buyer paid for.
fn holds_keys(status: &str) -> bool {
    crate::orders::model::OrderStatus::parse(status).is_some_and(|s| s.holds_keys())
}

impl OrderEffects {
    async fn order_mail(&self, conn: &mut PgConnection, job: &Job) -> Result<(), JobError> {
        let id = order_id(job)?;
        // "Your keys are ready" only while the order still holds them (a refund may have come first).
        if job.kind == "email.keys_ready" && !holds_keys(&lock_order_status(conn, id).await?) {
            tracing::info!(order = %id, "keys e-mail dropped: the order is no longer paid");
            return Ok(());
        }
        #[derive(sqlx::FromRow)]
        struct Row {
            number: i64,
            email: String,
            total_minor: i64,
            currency: String,
            tracking_number: Option<String>,
            access_token: Option<String>,
        }
        let Row { number, email, total_minor: total, currency, tracking_number: tracking, access_token: access } = sqlx::query_as(
            "SELECT number, email::text AS email, total_minor, currency::text AS currency, tracking_number, access_token
             FROM orders WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        let shop = &self.shop_name;
        // Guests reach their order through this unguessable link; account holders also see it in "My account".
        let link = match access {
            Some(token) => format!("{}/order/{id}?token={token}", self.base_url.trim_end_matches('/')),
            None => format!("{}/order/{id}", self.base_url.trim_end_matches('/')),
        };
        let (subject, body) = match job.kind.as_str() {
            "email.order_confirmation" => (
                format!("Order confirmation #{number} — {shop}"),
                format!("Thank you for your order #{number} at {shop}.\n\nTotal: {}\n\nYour order: {link}\n", money(total, &currency)),
            ),
            "email.payment_received" => (
                format!("Payment received for order #{number} — {shop}"),
                format!("We received your payment of {} for order #{number}.\n\nYour order: {link}\n", money(total, &currency)),
            ),
            "email.shipped" => (
                format!("Order #{number} has shipped — {shop}"),
                format!(
                    "Your order #{number} is on its way.\n\nTracking number: {}\n\nYour order: {link}\n",
                    tracking.unwrap_or_default()
                ),
            ),
            "email.keys_ready" => (
                // Never the key itself: the link leads to the page that reveals it.
                format!("Your game keys for order #{number} are ready — {shop}"),
                format!("The keys for your order #{number} are ready. Reveal them here: {link}\n"),
            ),
            "email.refunded" => {
                let amount = field(job, "amount_minor")?.as_i64().unwrap_or(total);
                // A partial refund names what went back (older jobs carry no list: a whole refund).
                let items: Vec<&str> = job.payload.get("items").and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|i| i.as_str()).collect()).unwrap_or_default();
                let items = if items.is_empty() { String::new() } else { format!("\nRefunded items:\n- {}\n", items.join("\n- ")) };
                (
                    format!("Refund for order #{number} — {shop}"),
                    format!("We refunded {} for order #{number}.\n{items}\nYour order: {link}\n", money(amount, &currency)),
                )
            }
            "email.refund_declined" => (
                format!("Your refund request for order #{number} — {shop}"),
                format!(
                    "We looked at your refund request for order #{number} and cannot refund it: a key was revealed or \
                     the game downloaded. Reply to this e-mail if something is wrong with the game.\n\nYour order: {link}\n"
                ),
            ),
            other => return Err(JobError::UnknownKind(other.to_owned())),
        };
        self.mailer.send(Mail { to: email, subject, body }).await.map_err(JobError::failed)
    }
}

#[async_trait::async_trait]
impl JobHandler for OrderEffects {
    // The job's error is logged here, once, with the job it belongs to; the runner records it.
    #[tracing::instrument(name = "job", skip_all, err, fields(id = job.id, kind = %job.kind, attempt = job.attempts + 1))]
    async fn handle(&self, conn: &mut PgConnection, job: &Job) -> Result<(), JobError> {
        match job.kind.as_str() {
            k if k.starts_with("email.") => self.order_mail(conn, job).await,
            "keys.assign" => {
                // One key per unit, and the "keys are ready" e-mail, commit together with the job.
                let id = order_id(job)?;
                // The order row is locked as a refund locks it, so the two serialize: a refund first
                // leaves nothing to assign; an assignment first is undone by the refund.
                let status = lock_order_status(conn, id).await?;
                if !holds_keys(&status) {
                    tracing::info!(order = %id, %status, "keys not assigned: the order is no longer paid");
                    return Ok(());
                }
                crate::library::keys::ssr::pool::assign_for_order(conn, id).await.map_err(JobError::failed)?;
                crate::platform::jobs::enqueue(conn, "email.keys_ready", job.payload.clone(), Some(&format!("email.keys_ready:{id}")))
                    .await?;
                Ok(())
            }
            "payment.builtin_confirm" => {
                // The event's ids were fixed when the card was taken, so a retry is a replay.
                let event: GatewayEvent = serde_json::from_value(job.payload.clone()).map_err(|e| bad(job, &e.to_string()))?;
                let gateway = BuiltinGateway::new(self.webhook_secrets.clone());
                let now = chrono::Utc::now().timestamp();
                let (header, body) = gateway.sign(&event, now);
                receive_webhook(&self.pool, &gateway, &header, &body, now).await.map_err(JobError::failed)?;
                Ok(())
            }
            "payment.refund" => {
                let provider = field(job, "provider")?.as_str().unwrap_or_default();
                if provider != self.payments.name() {
                    return Err(JobError::Failed(format!("refund for provider {provider}, but {} is configured", self.payments.name())));
                }
                let charge = field(job, "provider_ref")?.as_str().ok_or_else(|| bad(job, "bad provider_ref"))?;
                let amount = field(job, "amount_minor")?.as_i64().ok_or_else(|| bad(job, "bad amount_minor"))?;
                let key = format!("refund-job-{}", job.id);
                self.payments.refund(charge, amount, &key).await.map_err(JobError::failed)
            }
            other => Err(JobError::UnknownKind(other.to_owned())),
        }
    }
}
