//! Staff actions on paid orders: shipping with a tracking number, and refunds. Each is one
//! transaction with the state change, the stock and the queued effects (e-mail, provider refund).
use crate::inventory;
use crate::library::keys::ssr::pool as keys;
use crate::platform::jobs;
use crate::orders::model::OrderStatus;
use crate::platform::audit::{self, Actor, Change};
use crate::types::Money;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum FulfilmentError {
    #[error("No such order.")]
    NotFound,
    #[error("An order that is {0} cannot be {1}.")]
    NotAllowed(&'static str, &'static str),
    #[error("Enter the tracking number (3 to 64 letters, digits or dashes).")]
    Tracking,
    #[error("This order has nothing to ship.")]
    NothingToShip,
    #[error("Tell us in a few words why you want a refund (up to 1000 characters).")]
    Reason,
    #[error("This refund request was already decided.")]
    Decided,
    #[error("This order has had no such e-mail.")]
    NoSuchEmail,
    /// A refund larger than the staff member may make (support's limit); the amount is the limit.
    #[error("Refunds above {} need an admin.", Money::eur(*.0).display())]
    AboveLimit(i64),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<OrderStatus, FulfilmentError> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    status.as_deref().and_then(OrderStatus::parse).ok_or(FulfilmentError::NotFound)
}

/// A tracking number as carriers print them: letters, digits, dashes and spaces.
pub fn tracking_number(input: &str) -> Result<String, FulfilmentError> {
    let t = input.trim().to_uppercase();
    let ok = (3..=64).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ');
    if ok { Ok(t) } else { Err(FulfilmentError::Tracking) }
}

/// An order's state as the audit log records it around a staff action.
async fn order_state(conn: &mut PgConnection, id: Uuid) -> Result<serde_json::Value, FulfilmentError> {
    let (status, refunded, tracking): (String, i64, Option<String>) =
        sqlx::query_as("SELECT status, refunded_minor, tracking_number FROM orders WHERE id = $1")
            .bind(id)
            .fetch_one(conn)
            .await?;
    Ok(serde_json::json!({ "status": status, "refunded_minor": refunded, "tracking_number": tracking }))
}

/// Marks a paid order shipped and queues the "shipped" e-mail with its tracking number; audited as
/// `actor`'s.
pub async fn ship(pool: &PgPool, id: Uuid, tracking: &str, actor: &Actor) -> Result<(), FulfilmentError> {
    let tracking = tracking_number(tracking)?;
    let mut tx = pool.begin().await?;
    let status = lock(&mut tx, id).await?;
    if !status.can_become(OrderStatus::Shipped) || status == OrderStatus::Shipped {
        return Err(FulfilmentError::NotAllowed(status.label(), "shipped"));
    }
    let physical: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM order_lines WHERE order_id = $1 AND department = 'jewelry')")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if !physical {
        return Err(FulfilmentError::NothingToShip);
    }
    let before = order_state(&mut tx, id).await?;
    sqlx::query("UPDATE orders SET status = 'shipped', tracking_number = $2, shipped_at = now() WHERE id = $1")
        .bind(id)
        .bind(&tracking)
        .execute(&mut *tx)
        .await?;
    jobs::enqueue(&mut tx, "email.shipped", serde_json::json!({ "order_id": id }), Some(&format!("email.shipped:{id}"))).await?;
    let after = order_state(&mut tx, id).await?;
    audit::record(&mut tx, actor, Change { entity: "order", entity_id: id.to_string(), action: "order.ship", before: Some(before), after: Some(after) }).await?;
    tx.commit().await?;
    Ok(())
}

/// Refunds what is left of a paid order: the provider refund and the e-mail are queued, items that
/// never left the shop go back into stock, and game keys never revealed go back to their pool.
/// `limit`: the most `actor` may refund (support's limit), checked on the locked order; audited.
pub async fn refund(pool: &PgPool, id: Uuid, actor: &Actor, limit: Option<i64>) -> Result<i64, FulfilmentError> {
    let mut tx = pool.begin().await?;
    let status = lock(&mut tx, id).await?;
    check_limit(&mut tx, id, limit).await?;
    let before = order_state(&mut tx, id).await?;
    let amount = refund_locked(&mut tx, id, status, "refunded by staff").await?;
    let after = order_state(&mut tx, id).await?;
    audit::record(&mut tx, actor, Change { entity: "order", entity_id: id.to_string(), action: "order.refund", before: Some(before), after: Some(after) }).await?;
    tx.commit().await?;
    Ok(amount)
}

/// Staff cancel an order that was never paid: its held stock goes back and its discount code use
/// is given back, at once rather than when the hold expires; audited.
pub async fn cancel(pool: &PgPool, id: Uuid, actor: &Actor) -> Result<(), FulfilmentError> {
    let mut tx = pool.begin().await?;
    let status = lock(&mut tx, id).await?;
    if status != OrderStatus::PendingPayment {
        return Err(FulfilmentError::NotAllowed(status.label(), "cancelled"));
    }
    let before = order_state(&mut tx, id).await?;
    let code: Option<String> = sqlx::query_scalar("SELECT discount_code::text FROM orders WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
    super::payment::cancel_locked(&mut tx, id, code.as_deref()).await?;
    let after = order_state(&mut tx, id).await?;
    audit::record(&mut tx, actor, Change { entity: "order", entity_id: id.to_string(), action: "order.cancel", before: Some(before), after: Some(after) }).await?;
    tx.commit().await?;
    Ok(())
}

/// Sends an order's e-mail of `kind` again (the buyer lost it): a new job with the payload of the
/// last one of that kind, so it says what it said then; audited.
pub async fn resend_email(pool: &PgPool, id: Uuid, kind: &str, actor: &Actor) -> Result<(), FulfilmentError> {
    let mut tx = pool.begin().await?;
    lock(&mut tx, id).await?;
    let payload: Option<serde_json::Value> = sqlx::query_scalar(
        "SELECT payload FROM jobs WHERE payload->>'order_id' = $1::text AND kind = $2 AND kind LIKE 'email.%' ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .bind(kind)
    .fetch_optional(&mut *tx)
    .await?;
    let payload = payload.ok_or(FulfilmentError::NoSuchEmail)?;
    let key = format!("{kind}:{id}:resend:{}", Uuid::new_v4());
    jobs::enqueue(&mut tx, kind, payload, Some(&key)).await?;
    let after = serde_json::json!({ "email": kind });
    audit::record(&mut tx, actor, Change { entity: "order", entity_id: id.to_string(), action: "order.resend_email", before: None, after: Some(after) }).await?;
    tx.commit().await?;
    Ok(())
}

/// The e-mails an order has had (the kinds a staff member may send again), in the order first sent.
pub async fn sent_emails(pool: &PgPool, id: Uuid) -> Result<Vec<String>, FulfilmentError> {
    Ok(sqlx::query_scalar(
        "SELECT kind FROM jobs WHERE payload->>'order_id' = $1::text AND kind LIKE 'email.%' GROUP BY kind ORDER BY min(id)",
    )
    .bind(id)
    .fetch_all(pool)
    .await?)
}

/// Refuses a refund of what is left of the (locked) order when it is above `limit`.
async fn check_limit(conn: &mut PgConnection, id: Uuid, limit: Option<i64>) -> Result<(), FulfilmentError> {
    let Some(limit) = limit else { return Ok(()) };
    let left: i64 = sqlx::query_scalar("SELECT total_minor - refunded_minor FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await?;
    if left > limit { Err(FulfilmentError::AboveLimit(limit)) } else { Ok(()) }
}

/// What became of a buyer's refund request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundOutcome {
    /// Nothing was used: refunded at once (this amount).
    Refunded(i64),
    /// A key was revealed or a build downloaded: staff will decide.
    AwaitingReview,
}

/// A buyer asks for their money back. With no key revealed and no build downloaded the refund is
/// made at once (unrevealed keys go back to the pool); otherwise the request waits for staff. The
/// order's keys are locked first, so a reveal at the same moment waits and then finds no key.
pub async fn request_refund(pool: &PgPool, id: Uuid, reason: &str) -> Result<RefundOutcome, FulfilmentError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(FulfilmentError::Reason);
    }
    let mut tx = pool.begin().await?;
    let status = lock(&mut tx, id).await?;
    if status != OrderStatus::Paid {
        return Err(FulfilmentError::NotAllowed(status.label(), "refunded on request"));
    }
    let revealed = keys::lock_and_check_revealed(&mut tx, id).await?;
    let downloaded = crate::library::downloads::ssr::builds::downloaded(&mut tx, id).await?;
    if revealed || downloaded {
        sqlx::query(
            "INSERT INTO refund_requests (order_id, reason) VALUES ($1, $2)
             ON CONFLICT (order_id) WHERE status = 'open' DO UPDATE SET reason = EXCLUDED.reason",
        )
        .bind(id)
        .bind(reason)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(RefundOutcome::AwaitingReview);
    }
    let amount = refund_locked(&mut tx, id, status, "requested by the buyer").await?;
    tx.commit().await?;
    Ok(RefundOutcome::Refunded(amount))
}

/// Staff decide an open refund request: approve (the order is refunded, within `limit` as for
/// [`refund`]) or decline; audited as `actor`'s.
pub async fn decide_refund_request(
    pool: &PgPool,
    request_id: i64,
    approve: bool,
    actor: &Actor,
    limit: Option<i64>,
) -> Result<Uuid, FulfilmentError> {
    let mut tx = pool.begin().await?;
    let order: Option<(Uuid, String)> = sqlx::query_as("SELECT order_id, status FROM refund_requests WHERE id = $1 FOR UPDATE")
        .bind(request_id)
        .fetch_optional(&mut *tx)
        .await?;
    let (order_id, req_status) = order.ok_or(FulfilmentError::NotFound)?;
    if req_status != "open" {
        return Err(FulfilmentError::Decided);
    }
    let status = lock(&mut tx, order_id).await?;
    let before = order_state(&mut tx, order_id).await?;
    if approve {
        check_limit(&mut tx, order_id, limit).await?;
        refund_locked(&mut tx, order_id, status, "refund request approved").await?;
    } else {
        // The "refunded" e-mail tells an approval; a decline gets its own.
        let mail = serde_json::json!({ "order_id": order_id });
        jobs::enqueue(&mut tx, "email.refund_declined", mail, Some(&format!("email.refund_declined:{request_id}"))).await?;
    }
    sqlx::query("UPDATE refund_requests SET status = $2, decided_at = now(), decided_by = $3 WHERE id = $1")
        .bind(request_id)
        .bind(if approve { "approved" } else { "declined" })
        .bind(actor.user_id)
        .execute(&mut *tx)
        .await?;
    let mut after = order_state(&mut tx, order_id).await?;
    after["refund_request"] = serde_json::json!({ "id": request_id, "decision": if approve { "approved" } else { "declined" } });
    let action = if approve { "refund_request.approve" } else { "refund_request.decline" };
    audit::record(&mut tx, actor, Change { entity: "order", entity_id: order_id.to_string(), action, before: Some(before), after: Some(after) }).await?;
    tx.commit().await?;
    Ok(order_id)
}

/// The refund itself, inside the caller's transaction with the order row locked.
async fn refund_locked(tx: &mut PgConnection, id: Uuid, status: OrderStatus, reason: &str) -> Result<i64, FulfilmentError> {
    if !status.can_become(OrderStatus::Refunded) || status == OrderStatus::Refunded {
        return Err(FulfilmentError::NotAllowed(status.label(), "refunded"));
    }
    let (total, refunded): (i64, i64) = sqlx::query_as("SELECT total_minor, refunded_minor FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let amount = total - refunded;
    let charge: Option<(String, String)> = sqlx::query_as(
        "UPDATE payments SET status = 'refunded' WHERE order_id = $1 AND status = 'succeeded' RETURNING provider, provider_ref",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query("UPDATE orders SET status = 'refunded', refunded_minor = total_minor WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if status == OrderStatus::Paid {
        let lines: Vec<(i64, i32)> =
            sqlx::query_as("SELECT variant_id, quantity FROM order_lines WHERE order_id = $1 AND department = 'jewelry'")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
        for (variant_id, q) in lines {
            inventory::give_back(tx, variant_id, q, "restock", id).await?;
        }
    }
    // Keyed units whose keys were never assigned (the assignment job had not run): their hold
    // came out of the pool's stock, so it goes back; the job, run later, finds the order refunded.
    if matches!(status, OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Fulfilled | OrderStatus::Delivered) {
        for (variant_id, q) in keys::unassigned_units(tx, id).await? {
            inventory::give_back(tx, variant_id, q, "restock", id).await?;
        }
    }
    // Keys never shown go back to their pool (and their stock); revealed ones stay with the
    // refunded order, out of its buyer's library.
    for variant_id in keys::return_unrevealed(tx, id).await? {
        inventory::give_back(tx, variant_id, 1, "restock", id).await?;
    }
    if let Some((provider, provider_ref)) = charge {
        let payload = serde_json::json!({
            "provider": provider, "provider_ref": provider_ref, "amount_minor": amount, "reason": reason,
        });
        jobs::enqueue(tx, "payment.refund", payload, Some(&format!("refund:{provider}:{provider_ref}"))).await?;
    }
    let mail = serde_json::json!({ "order_id": id, "amount_minor": amount });
    jobs::enqueue(tx, "email.refunded", mail, Some(&format!("email.refunded:{id}"))).await?;
    Ok(amount)
}
