//! What a payment event does, in the database: acted on exactly once (the provider's event id is
//! recorded), the order paid and its holds turned into sales, money that cannot be taken refunded
//! through the durable queue, and expired holds given back.
use crate::inventory;
use crate::payments::{PaymentEvent, PaymentProvider, WebhookError, WebhookEvent};
use crate::platform::jobs;
use sqlx::{Acquire, PgConnection, PgPool};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// The order is paid now; its holds became sales and its e-mails are queued.
    Paid,
    /// This event (or this charge) was seen before: nothing changed.
    AlreadyProcessed,
    /// Money arrived that the order cannot take (wrong amount, order cancelled, second charge): a
    /// refund is queued.
    RefundQueued,
}

/// Records a provider's event id; false when it was seen before (a replay).
async fn first_delivery(conn: &mut PgConnection, provider: &str, event_id: &str) -> sqlx::Result<bool> {
    let fresh = sqlx::query("INSERT INTO webhook_events (provider, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(provider)
        .bind(event_id)
        .execute(conn)
        .await?;
    Ok(fresh.rows_affected() == 1)
}

/// Acts on a payment event exactly once, in one transaction.
pub async fn payment_succeeded(pool: &PgPool, ev: &PaymentEvent) -> Result<PaymentOutcome, sqlx::Error> {
    let mut tx = pool.begin().await?;
    if !first_delivery(&mut tx, &ev.provider, &ev.event_id).await? {
        return Ok(PaymentOutcome::AlreadyProcessed);
    }
    let known: Option<String> =
        sqlx::query_scalar("SELECT status FROM payments WHERE provider = $1 AND provider_ref = $2 FOR UPDATE")
            .bind(&ev.provider)
            .bind(&ev.provider_ref)
            .fetch_optional(&mut *tx)
            .await?;
    if known.as_deref() == Some("succeeded") {
        tx.commit().await?;
        return Ok(PaymentOutcome::AlreadyProcessed);
    }
    let order: Option<(String, i64, String)> =
        sqlx::query_as("SELECT status, total_minor, currency::text FROM orders WHERE id = $1 FOR UPDATE")
            .bind(ev.order_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((status, total, currency)) = order else {
        refund(&mut tx, ev, "no such order").await?;
        tx.commit().await?;
        return Ok(PaymentOutcome::RefundQueued);
    };
    let reason = match status.as_str() {
        "pending_payment" if !ev.currency.eq_ignore_ascii_case(&currency) => Some("currency differs from the order's"),
        "pending_payment" if ev.amount_minor == total => None,
        "pending_payment" => Some("amount differs from the order total"),
        "cancelled" => Some("order was cancelled before the payment arrived"),
        _ => Some("order was already paid"),
    };
    if let Some(reason) = reason {
        refund(&mut tx, ev, reason).await?;
        tx.commit().await?;
        return Ok(PaymentOutcome::RefundQueued);
    }
    record_payment(&mut tx, ev, "succeeded").await?;
    sqlx::query("UPDATE orders SET status = 'paid', paid_at = now() WHERE id = $1")
        .bind(ev.order_id)
        .execute(&mut *tx)
        .await?;
    let sold: Vec<(i64,)> = sqlx::query_as(
        "UPDATE stock_holds SET status = 'sold' WHERE order_id = $1 AND status = 'active' RETURNING variant_id",
    )
    .bind(ev.order_id)
    .fetch_all(&mut *tx)
    .await?;
    for (variant_id,) in sold {
        inventory::ledger(&mut tx, variant_id, 0, "sale", ev.order_id).await?;
    }
    let payload = serde_json::json!({ "order_id": ev.order_id });
    for kind in ["email.order_confirmation", "email.payment_received"] {
        jobs::enqueue(&mut tx, kind, payload.clone(), Some(&format!("{kind}:{}", ev.order_id))).await?;
    }
    if crate::library::keys::ssr::pool::has_keyed_lines(&mut tx, ev.order_id).await? {
        jobs::enqueue(&mut tx, "keys.assign", payload.clone(), Some(&format!("keys.assign:{}", ev.order_id))).await?;
    }
    tx.commit().await?;
    Ok(PaymentOutcome::Paid)
}

async fn record_payment(conn: &mut PgConnection, ev: &PaymentEvent, status: &str) -> sqlx::Result<()> {
    // A late "failed" never overwrites a success (providers do not promise event order).
    sqlx::query(
        "INSERT INTO payments (order_id, provider, provider_ref, amount_minor, status) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (provider, provider_ref) DO UPDATE SET status = EXCLUDED.status, amount_minor = EXCLUDED.amount_minor
         WHERE payments.status <> 'succeeded' OR EXCLUDED.status = 'refunded'",
    )
    .bind(ev.order_id)
    .bind(&ev.provider)
    .bind(&ev.provider_ref)
    .bind(ev.amount_minor)
    .bind(status)
    .execute(conn)
    .await?;
    Ok(())
}

/// Remembers the provider's payment for an order (e.g. a Stripe PaymentIntent) before money moves.
pub async fn payment_started(pool: &PgPool, provider: &str, order_id: Uuid, provider_ref: &str, amount_minor: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO payments (order_id, provider, provider_ref, amount_minor, status)
         VALUES ($1, $2, $3, $4, 'requires_payment') ON CONFLICT (provider, provider_ref) DO NOTHING",
    )
    .bind(order_id)
    .bind(provider)
    .bind(provider_ref)
    .bind(amount_minor)
    .execute(pool)
    .await?;
    Ok(())
}

/// A provider's word that an attempt failed (a declined card): recorded once; the order stays
/// payable until its hold expires.
pub async fn payment_failed(
    pool: &PgPool,
    provider: &str,
    event_id: &str,
    order_id: Uuid,
    provider_ref: &str,
    reason: &str,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    if first_delivery(&mut tx, provider, event_id).await? {
        tracing::info!(order = %order_id, payment = provider_ref, reason, "payment attempt failed");
        sqlx::query(
            "UPDATE payments SET status = 'failed' WHERE provider = $1 AND provider_ref = $2 AND status = 'requires_payment'",
        )
        .bind(provider)
        .bind(provider_ref)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

async fn refund(conn: &mut PgConnection, ev: &PaymentEvent, reason: &str) -> sqlx::Result<()> {
    tracing::warn!(order = %ev.order_id, charge = %ev.provider_ref, reason, "payment cannot be taken; refund queued");
    let mut tx = conn.begin().await?;
    // The charge is recorded as refunded-to-be only when the order exists (payments need one).
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM orders WHERE id = $1)")
        .bind(ev.order_id)
        .fetch_one(&mut *tx)
        .await?;
    if exists {
        record_payment(&mut tx, ev, "refunded").await?;
    }
    let payload = serde_json::json!({
        "provider": ev.provider, "provider_ref": ev.provider_ref, "amount_minor": ev.amount_minor,
        "currency": ev.currency, "reason": reason,
    });
    jobs::enqueue(&mut tx, "payment.refund", payload, Some(&format!("refund:{}:{}", ev.provider, ev.provider_ref))).await?;
    tx.commit().await
}

/// Cancels unpaid orders whose holds expired and gives their stock back; returns how many.
pub async fn release_expired_holds(pool: &PgPool) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    let orders: Vec<(Uuid, Option<String>)> = sqlx::query_as(
        "SELECT o.id, o.discount_code::text FROM orders o
         WHERE o.status = 'pending_payment'
           AND EXISTS (SELECT 1 FROM stock_holds h WHERE h.order_id = o.id AND h.status = 'active' AND h.expires_at < now())
         ORDER BY o.created_at LIMIT 200
         FOR UPDATE OF o SKIP LOCKED",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (order_id, code) in &orders {
        cancel_locked(&mut tx, *order_id, code.as_deref()).await?;
    }
    tx.commit().await?;
    Ok(orders.len() as u64)
}

/// Cancels an unpaid order whose row the caller has locked: its holds go back into stock and its
/// discount code use is given back. A payment that arrives later is refunded (see
/// [`payment_succeeded`]).
pub async fn cancel_locked(tx: &mut sqlx::PgConnection, order_id: Uuid, code: Option<&str>) -> sqlx::Result<()> {
    let released: Vec<(i64, i32)> = sqlx::query_as(
        "UPDATE stock_holds SET status = 'released' WHERE order_id = $1 AND status = 'active'
         RETURNING variant_id, quantity",
    )
    .bind(order_id)
    .fetch_all(&mut *tx)
    .await?;
    for (variant_id, q) in released {
        inventory::give_back(tx, variant_id, q, "release", order_id).await?;
    }
    sqlx::query("UPDATE orders SET status = 'cancelled' WHERE id = $1").bind(order_id).execute(&mut *tx).await?;
    if let Some(c) = code {
        sqlx::query("UPDATE discount_codes SET used_count = used_count - 1 WHERE code = $1 AND used_count > 0")
            .bind(c)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Verifies a webhook and acts on it once (the route and the built-in gateway both come here). A
/// signed event the shop cannot read is recorded in `webhook_refusals` and answered as an error
/// the route turns into a 400 (a provider stops retrying it); an unsigned one is not recorded.
pub async fn receive_webhook(
    pool: &PgPool,
    provider: &dyn PaymentProvider,
    header: &str,
    body: &[u8],
    now: i64,
) -> Result<Option<PaymentOutcome>, WebhookError> {
    let event = match provider.verify_webhook(header, body, now) {
        Ok(event) => event,
        Err(WebhookError::Body(reason)) => {
            tracing::warn!(provider = provider.name(), %reason, "signed webhook refused");
            sqlx::query("INSERT INTO webhook_refusals (provider, reason, body) VALUES ($1, $2, $3)")
                .bind(provider.name())
                .bind(&reason)
                .bind(String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]).as_ref())
                .execute(pool)
                .await?;
            return Err(WebhookError::Body(reason));
        }
        Err(e) => return Err(e),
    };
    match event {
        WebhookEvent::Succeeded(ev) => Ok(Some(payment_succeeded(pool, &ev).await?)),
        WebhookEvent::Failed { event_id, order_id, provider_ref, reason } => {
            payment_failed(pool, provider.name(), &event_id, order_id, &provider_ref, &reason).await?;
            Ok(None)
        }
        WebhookEvent::Ignored { event_id, kind } => {
            tracing::debug!(%event_id, %kind, "webhook event ignored");
            Ok(None)
        }
    }
}
