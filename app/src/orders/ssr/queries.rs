//! Reading orders for their pages.
use crate::orders::model::{OrderLineView, OrderStatus, OrderView};
use crate::types::{Currency, Money};
use sqlx::PgPool;
use uuid::Uuid;

#[allow(clippy::type_complexity)]
pub async fn order_view(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<OrderView>> {
    let row: Option<(i64, String, String, String, i64, i64, Option<String>, i64, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT number, status, email::text, currency::text, subtotal_minor, discount_minor, discount_code::text,
                shipping_minor, shipping_method, tax_minor, total_minor
         FROM orders WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    let Some((number, status, email, currency, subtotal, discount, discount_code, shipping, shipping_method, tax, total)) = row
    else {
        return Ok(None);
    };
    let currency = Currency::parse(&currency).unwrap_or(Currency::Eur);
    let money = |minor| Money { minor, currency };
    let lines: Vec<(String, String, i64, i32, i64)> = sqlx::query_as(
        "SELECT product_name, variant_label, unit_price_minor, quantity, line_total_minor
         FROM order_lines WHERE order_id = $1 ORDER BY variant_id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(Some(OrderView {
        id: id.to_string(),
        number,
        status: OrderStatus::parse(&status).unwrap_or(OrderStatus::PendingPayment),
        email,
        lines: lines
            .into_iter()
            .map(|(product_name, variant_label, unit, q, line)| OrderLineView {
                product_name,
                variant_label,
                unit_price: money(unit),
                quantity: q as i64,
                line_total: money(line),
            })
            .collect(),
        subtotal: money(subtotal),
        discount: money(discount),
        discount_code,
        shipping: money(shipping),
        shipping_method,
        tax: money(tax),
        total: money(total),
        message: None,
    }))
}

/// A user's orders, newest first (orders placed while signed in).
pub async fn orders_of(pool: &PgPool, user_id: Uuid) -> sqlx::Result<Vec<crate::orders::model::OrderSummary>> {
    let rows: Vec<(Uuid, i64, chrono::DateTime<chrono::Utc>, String, i64, String)> = sqlx::query_as(
        "SELECT id, number, created_at, status, total_minor, currency::text FROM orders
         WHERE user_id = $1 ORDER BY created_at DESC LIMIT 100",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, number, created, status, total, currency)| crate::orders::model::OrderSummary {
            id: id.to_string(),
            number,
            placed: created.format("%Y-%m-%d").to_string(),
            status: OrderStatus::parse(&status).unwrap_or(OrderStatus::PendingPayment),
            total: Money { minor: total, currency: Currency::parse(&currency).unwrap_or(Currency::Eur) },
        })
        .collect())
}

/// The user an order was placed by, if any.
pub async fn owner_of(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<Uuid>> {
    Ok(sqlx::query_scalar::<_, Option<Uuid>>("SELECT user_id FROM orders WHERE id = $1").bind(id).fetch_optional(pool).await?.flatten())
}
