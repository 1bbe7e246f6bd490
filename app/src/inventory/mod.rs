//! Stock, and the ledger that explains every change of it (bottom floor, server only). Each step
//! works on the caller's connection, so the whole checkout or refund stays one transaction.
//! Stock = the sum of the ledger: every change here writes its row.
use sqlx::PgConnection;
use uuid::Uuid;

/// One stock change, with its reason, in the ledger.
pub async fn ledger(conn: &mut PgConnection, variant_id: i64, delta: i32, reason: &str, order_id: Uuid) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO stock_ledger (variant_id, delta, reason, order_id) VALUES ($1, $2, $3, $4)")
        .bind(variant_id)
        .bind(delta)
        .bind(reason)
        .bind(order_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Holds `quantity` for an order, only when that much is left, in one statement (stock can never go
/// below zero, whatever the concurrency); false when there is not enough. Writes the "hold" row.
pub async fn hold(conn: &mut PgConnection, variant_id: i64, quantity: i32, order_id: Uuid) -> sqlx::Result<bool> {
    let held = sqlx::query("UPDATE variants SET stock = stock - $2 WHERE id = $1 AND stock >= $2")
        .bind(variant_id)
        .bind(quantity)
        .execute(&mut *conn)
        .await?;
    if held.rows_affected() == 0 {
        return Ok(false);
    }
    ledger(conn, variant_id, -quantity, "hold", order_id).await?;
    Ok(true)
}

/// How many are left (for "only 2 left").
pub async fn stock(conn: &mut PgConnection, variant_id: i64) -> sqlx::Result<i32> {
    sqlx::query_scalar("SELECT stock FROM variants WHERE id = $1").bind(variant_id).fetch_one(conn).await
}

/// Puts `quantity` back (an expired hold: "release"; a refund: "restock").
pub async fn give_back(conn: &mut PgConnection, variant_id: i64, quantity: i32, reason: &str, order_id: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE variants SET stock = stock + $2 WHERE id = $1")
        .bind(variant_id)
        .bind(quantity)
        .execute(&mut *conn)
        .await?;
    ledger(conn, variant_id, quantity, reason, order_id).await
}
