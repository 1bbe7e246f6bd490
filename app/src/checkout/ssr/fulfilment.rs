//! Staff actions on orders: shipping with a tracking number, refunds (whole or in part), cancelling,
//! e-mails sent again, and buyers' refund requests. Each is one
//! transaction with the state change, the stock and the queued effects (e-mail, provider refund).
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
    #[error("That item is not on this order.")]
    NoSuchLine,
    /// Asked to refund more units of a line than are left of it (the item, how many are left).
    #[error("You can refund at most {1} of {0}.")]
    RefundQuantity(String, i32),
    /// A refund amount below zero or above what is left to refund (this much).
    #[error("Enter an amount from 0 up to {} (what is left to refund).", Money::eur(*.0).display())]
    RefundAmount(i64),
    #[error("Choose the items or enter an amount to refund.")]
    NothingToRefund,
    #[error("This form is out of date: reload the page and try again.")]
    RequestKey,
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
    // A partly refunded order ships what is left of it and stays partly refunded (its shipping
    // date says it shipped).
    let shipped: bool = sqlx::query_scalar("SELECT shipped_at IS NOT NULL FROM orders WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
    let to = if status == OrderStatus::PartiallyRefunded { status } else { OrderStatus::Shipped };
    if shipped || !matches!(status, OrderStatus::Paid | OrderStatus::PartiallyRefunded) {
        return Err(FulfilmentError::NotAllowed(status.label(), "shipped"));
    }
    let physical: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM order_lines WHERE order_id = $1 AND department = 'jewelry' AND refunded_quantity < quantity)",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if !physical {
        return Err(FulfilmentError::NothingToShip);
    }
    let before = order_state(&mut tx, id).await?;
    sqlx::query("UPDATE orders SET status = $2, tracking_number = $3, shipped_at = now() WHERE id = $1")
        .bind(id)
        .bind(to.as_str())
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
    let before = order_state(&mut tx, id).await?;
    let amount = super::refund::whole(&mut tx, id, status, "refunded by staff", limit, actor.user_id).await?;
    let after = order_state(&mut tx, id).await?;
    audit::record(&mut tx, actor, Change { entity: "order", entity_id: id.to_string(), action: "order.refund", before: Some(before), after: Some(after) }).await?;
    tx.commit().await?;
    Ok(amount)
}

/// Staff refund part of a paid order: units of its lines and/or an amount (`ask`); audited. The
/// same request key again is the same refund: the first one is returned and nothing changes.
pub async fn refund_part(
    pool: &PgPool,
    id: Uuid,
    ask: &super::refund::RefundAsk,
    actor: &Actor,
    limit: Option<i64>,
) -> Result<super::refund::Refunded, FulfilmentError> {
    let mut tx = pool.begin().await?;
    let status = lock(&mut tx, id).await?;
    let before = order_state(&mut tx, id).await?;
    let done = super::refund::apply(&mut tx, id, status, ask, limit, actor.user_id).await?;
    if done.replay {
        return Ok(done);
    }
    let mut after = order_state(&mut tx, id).await?;
    after["refund"] = serde_json::json!({
        "id": done.id, "amount_minor": done.amount_minor, "restock": ask.restock,
        "lines": ask.lines.iter().filter(|(_, q)| *q > 0).map(|(v, q)| serde_json::json!({ "variant_id": v, "quantity": q })).collect::<Vec<_>>(),
    });
    audit::record(&mut tx, actor, Change { entity: "order", entity_id: id.to_string(), action: "order.refund_part", before: Some(before), after: Some(after) }).await?;
    tx.commit().await?;
    Ok(done)
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
    let amount = super::refund::whole(&mut tx, id, status, "requested by the buyer", None, None).await?;
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
        super::refund::whole(&mut tx, order_id, status, "refund request approved", limit, actor.user_id).await?;
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
