//! Refunds, whole or in part, inside the caller's transaction with the order row locked: which units
//! go back (jewelry to stock if staff say so, keys to their pool unless revealed), how much money
//! (never more than is left), the provider refund and the buyer's e-mail through the job queue.
use super::fulfilment::FulfilmentError;
use crate::checkout::pricing::{suggested_refund, RefundLine};
use crate::inventory;
use crate::library::keys::ssr::pool as keys;
use crate::orders::model::OrderStatus;
use crate::platform::jobs;
use sqlx::PgConnection;
use uuid::Uuid;

/// What to refund.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefundAsk {
    /// Units per line: (variant id, quantity).
    pub lines: Vec<(i64, i32)>,
    /// The money; `None`: what the buyer paid for the units (everything left when no unit is left).
    pub amount_minor: Option<i64>,
    /// Whether returned jewelry goes back on sale (keys never revealed always go back to their pool).
    pub restock: bool,
    pub reason: String,
    /// Chosen by the form that asked: the same key again is the same refund, made once.
    pub request_key: String,
}

/// A refund made (or found: `replay`, the same request key again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refunded {
    pub id: i64,
    pub amount_minor: i64,
    pub replay: bool,
}

#[derive(sqlx::FromRow)]
struct Line {
    variant_id: i64,
    department: String,
    keyed: bool,
    unit_price_minor: i64,
    quantity: i32,
    refunded_quantity: i32,
    discount_minor: i64,
    product_name: String,
    variant_label: String,
}

impl Line {
    fn left(&self) -> i32 {
        self.quantity - self.refunded_quantity
    }
}

/// A request key as forms send it: 8 to 64 letters, digits and dashes.
pub fn request_key(input: &str) -> Result<String, FulfilmentError> {
    let k = input.trim();
    let ok = (8..=64).contains(&k.len()) && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok { Ok(k.to_owned()) } else { Err(FulfilmentError::RequestKey) }
}

/// Makes the refund `ask` describes of order `id` (locked by the caller, in `status`). `limit`: the
/// most this staff member may refund at once. `by`: who (none: the buyer's own request).
pub(super) async fn apply(
    tx: &mut PgConnection,
    id: Uuid,
    status: OrderStatus,
    ask: &RefundAsk,
    limit: Option<i64>,
    by: Option<Uuid>,
) -> Result<Refunded, FulfilmentError> {
    let done: Option<(i64, i64)> = sqlx::query_as("SELECT id, amount_minor FROM refunds WHERE order_id = $1 AND request_key = $2")
        .bind(id)
        .bind(&ask.request_key)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some((id, amount_minor)) = done {
        return Ok(Refunded { id, amount_minor, replay: true });
    }
    if !status.holds_keys() {
        return Err(FulfilmentError::NotAllowed(status.label(), "refunded"));
    }
    let (total, refunded): (i64, i64) =
        sqlx::query_as("SELECT total_minor, refunded_minor FROM orders WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let lines: Vec<Line> = sqlx::query_as(
        "SELECT l.variant_id, l.department, v.keyed, l.unit_price_minor, l.quantity, l.refunded_quantity,
                l.discount_minor, l.product_name, l.variant_label
         FROM order_lines l JOIN variants v ON v.id = l.variant_id
         WHERE l.order_id = $1 ORDER BY l.variant_id FOR UPDATE OF l",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    // Units per line index, checked against what is left of each line.
    let mut take = vec![0i32; lines.len()];
    for &(variant_id, q) in &ask.lines {
        if q == 0 {
            continue;
        }
        let i = lines.iter().position(|l| l.variant_id == variant_id).ok_or(FulfilmentError::NoSuchLine)?;
        let l = &lines[i];
        if q < 0 || take[i] + q > l.left() {
            return Err(FulfilmentError::RefundQuantity(l.product_name.clone(), l.left()));
        }
        take[i] += q;
    }
    let units_after: i32 = lines.iter().enumerate().map(|(i, l)| l.left() - take[i]).sum();
    let left = total - refunded;
    let parts: Vec<RefundLine> = lines
        .iter()
        .zip(&take)
        .map(|(l, &q)| RefundLine {
            unit_minor: l.unit_price_minor,
            quantity: l.quantity as i64,
            discount_minor: l.discount_minor,
            refunded_before: l.refunded_quantity as i64,
            units: q as i64,
        })
        .collect();
    let amount = ask.amount_minor.unwrap_or_else(|| suggested_refund(&parts, left, units_after == 0));
    if amount < 0 || amount > left {
        return Err(FulfilmentError::RefundAmount(left));
    }
    if amount == 0 && take.iter().all(|&q| q == 0) {
        return Err(FulfilmentError::NothingToRefund);
    }
    if let Some(limit) = limit.filter(|&l| amount > l) {
        return Err(FulfilmentError::AboveLimit(limit));
    }
    // Everything paid goes back, or every unit with all the money left: the order is refunded
    // whole, and what is left of it goes back with it.
    let whole = amount == left && (amount > 0 || units_after == 0);
    if whole {
        for (i, l) in lines.iter().enumerate() {
            take[i] = l.left();
        }
    }
    let reason = ask.reason.trim();
    let reason = if reason.is_empty() { "refund" } else { reason };
    let refund_id: i64 = sqlx::query_scalar(
        "INSERT INTO refunds (order_id, request_key, amount_minor, restock, reason, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(&ask.request_key)
    .bind(amount)
    .bind(ask.restock)
    .bind(reason)
    .bind(by)
    .fetch_one(&mut *tx)
    .await?;
    let mut items = Vec::new();
    for (l, &q) in lines.iter().zip(&take).filter(|(_, q)| **q > 0) {
        sqlx::query("INSERT INTO refund_lines (refund_id, order_id, variant_id, quantity) VALUES ($1, $2, $3, $4)")
            .bind(refund_id)
            .bind(id)
            .bind(l.variant_id)
            .bind(q)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE order_lines SET refunded_quantity = refunded_quantity + $3 WHERE order_id = $1 AND variant_id = $2")
            .bind(id)
            .bind(l.variant_id)
            .bind(q)
            .execute(&mut *tx)
            .await?;
        let back = if l.keyed {
            keys::refund_units(tx, id, l.variant_id, l.left(), q).await?
        } else if l.department == "jewelry" && ask.restock {
            q
        } else {
            0
        };
        if back > 0 {
            inventory::give_back(tx, l.variant_id, back, "restock", id).await?;
        }
        items.push(format!("{q} × {} ({})", l.product_name, l.variant_label));
    }
    let to = if whole { OrderStatus::Refunded } else { OrderStatus::PartiallyRefunded };
    sqlx::query("UPDATE orders SET status = $2, refunded_minor = refunded_minor + $3 WHERE id = $1")
        .bind(id)
        .bind(to.as_str())
        .bind(amount)
        .execute(&mut *tx)
        .await?;
    let charge: Option<(String, String)> =
        sqlx::query_as("SELECT provider, provider_ref FROM payments WHERE order_id = $1 AND status = 'succeeded' FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    if whole {
        sqlx::query("UPDATE payments SET status = 'refunded' WHERE order_id = $1 AND status = 'succeeded'").bind(id).execute(&mut *tx).await?;
    }
    if let (Some((provider, provider_ref)), true) = (charge, amount > 0) {
        let payload = serde_json::json!({
            "order_id": id, "refund_id": refund_id, "provider": provider, "provider_ref": provider_ref,
            "amount_minor": amount, "reason": reason,
        });
        jobs::enqueue(tx, "payment.refund", payload, Some(&format!("refund:{refund_id}"))).await?;
    }
    let mail = serde_json::json!({ "order_id": id, "refund_id": refund_id, "amount_minor": amount, "items": items });
    jobs::enqueue(tx, "email.refunded", mail, Some(&format!("email.refunded:{refund_id}"))).await?;
    Ok(Refunded { id: refund_id, amount_minor: amount, replay: false })
}

/// A whole refund: everything left of the order, with a fresh request key (a second whole refund
/// finds the order refunded). Jewelry goes back on sale only if it never shipped.
pub(super) async fn whole(tx: &mut PgConnection, id: Uuid, status: OrderStatus, reason: &str, limit: Option<i64>, by: Option<Uuid>) -> Result<i64, FulfilmentError> {
    if !status.holds_keys() {
        return Err(FulfilmentError::NotAllowed(status.label(), "refunded"));
    }
    let (left, shipped): (i64, bool) = sqlx::query_as("SELECT total_minor - refunded_minor, shipped_at IS NOT NULL FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let lines: Vec<(i64, i32)> = sqlx::query_as("SELECT variant_id, quantity - refunded_quantity FROM order_lines WHERE order_id = $1")
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
    let ask = RefundAsk {
        lines,
        amount_minor: Some(left),
        restock: !shipped,
        reason: reason.to_owned(),
        request_key: format!("whole-{}", Uuid::new_v4()),
    };
    Ok(apply(tx, id, status, &ask, limit, by).await?.amount_minor)
}
