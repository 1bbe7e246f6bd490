//! The job handler for order side effects: the e-mails, and refunds of charges an order could not take.
use super::jobs::{Job, JobHandler};
use crate::mail::ssr::{Mail, Mailer};
use sqlx::PgConnection;
use std::sync::Arc;

pub struct OrderEffects {
    pub mailer: Arc<dyn Mailer>,
    pub shop_name: String,
}

#[async_trait::async_trait]
impl JobHandler for OrderEffects {
    async fn handle(&self, conn: &mut PgConnection, job: &Job) -> Result<(), String> {
        match job.kind.as_str() {
            "email.order_confirmation" | "email.payment_received" => {
                let id = job.payload.get("order_id").and_then(|v| v.as_str()).ok_or("no order_id")?;
                let id = uuid::Uuid::parse_str(id).map_err(|e| e.to_string())?;
                let (number, email, total, currency): (i64, String, i64, String) = sqlx::query_as(
                    "SELECT number, email::text, total_minor, currency::text FROM orders WHERE id = $1",
                )
                .bind(id)
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| e.to_string())?;
                let amount = format!("{}.{:02} {currency}", total / 100, total % 100);
                let (subject, body) = if job.kind == "email.order_confirmation" {
                    (
                        format!("Order confirmation #{number} — {}", self.shop_name),
                        format!("Thank you for your order #{number} at {}.\n\nTotal: {amount}\n", self.shop_name),
                    )
                } else {
                    (
                        format!("Payment received for order #{number} — {}", self.shop_name),
                        format!("We received your payment of {amount} for order #{number}.\n"),
                    )
                };
                self.mailer.send(Mail { to: email, subject, body }).await.map_err(|e| e.to_string())
            }
            "payment.refund" => {
                // The built-in gateway holds no money: the refund is recorded (payments row) and logged.
                tracing::warn!(payload = %job.payload, "refund of a charge the order could not take");
                Ok(())
            }
            other => Err(format!("unknown job kind {other}")),
        }
    }
}
