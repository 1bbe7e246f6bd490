//! Reading orders for their pages.
use crate::orders::model::{OrderLineView, OrderStatus, OrderView};
use crate::types::{Currency, Money};
use sqlx::PgPool;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct OrderRow {
    number: i64,
    status: String,
    email: String,
    currency: String,
    subtotal_minor: i64,
    discount_minor: i64,
    discount_code: Option<String>,
    shipping_minor: i64,
    shipping_method: Option<String>,
    tax_minor: i64,
    total_minor: i64,
    refunded_minor: i64,
    tracking_number: Option<String>,
    shipped: bool,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    variant_id: i64,
    department: String,
    refunded_quantity: i32,
    product_name: String,
    variant_label: String,
    unit_price_minor: i64,
    quantity: i32,
    line_total_minor: i64,
}

pub async fn order_view(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<OrderView>> {
    let row: Option<OrderRow> = sqlx::query_as(
        "SELECT number, status, email::text AS email, currency::text AS currency, subtotal_minor, discount_minor,
                discount_code::text AS discount_code, shipping_minor, shipping_method, tax_minor, total_minor, refunded_minor,
                tracking_number, shipped_at IS NOT NULL AS shipped
         FROM orders WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    let Some(o) = row else { return Ok(None) };
    let currency = Currency::parse(&o.currency).unwrap_or(Currency::Eur);
    let money = |minor| Money { minor, currency };
    let lines: Vec<LineRow> = sqlx::query_as(
        "SELECT variant_id, department, refunded_quantity, product_name, variant_label, unit_price_minor, quantity, line_total_minor
         FROM order_lines WHERE order_id = $1 ORDER BY variant_id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(Some(OrderView {
        id: id.to_string(),
        number: o.number,
        status: OrderStatus::parse(&o.status).unwrap_or(OrderStatus::PendingPayment),
        email: o.email,
        lines: lines
            .into_iter()
            .map(|l| OrderLineView {
                variant_id: l.variant_id,
                refunded_quantity: l.refunded_quantity as i64,
                physical: l.department == "jewelry",
                product_name: l.product_name,
                variant_label: l.variant_label,
                unit_price: money(l.unit_price_minor),
                quantity: l.quantity as i64,
                line_total: money(l.line_total_minor),
            })
            .collect(),
        subtotal: money(o.subtotal_minor),
        discount: money(o.discount_minor),
        discount_code: o.discount_code,
        shipping: money(o.shipping_minor),
        shipping_method: o.shipping_method,
        tax: money(o.tax_minor),
        total: money(o.total_minor),
        refunded: money(o.refunded_minor),
        tracking_number: o.tracking_number,
        shipped: o.shipped,
        stripe: None,
        message: None,
        refund_request: sqlx::query_scalar("SELECT status FROM refund_requests WHERE order_id = $1 ORDER BY id DESC LIMIT 1")
            .bind(id)
            .fetch_optional(pool)
            .await?,
        refund_error: None,
    }))
}

/// An order in a list, as read (the columns [`SUMMARY_COLUMNS`] selects from `orders o`).
#[derive(sqlx::FromRow)]
pub(crate) struct SummaryRow {
    id: Uuid,
    number: i64,
    created_at: chrono::DateTime<chrono::Utc>,
    status: String,
    total_minor: i64,
    currency: String,
    email: String,
    ships: bool,
}

pub(crate) const SUMMARY_COLUMNS: &str = "o.id, o.number, o.created_at, o.status, o.total_minor, o.currency::text AS currency,
    o.email::text AS email, EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.department = 'jewelry') AS ships";

impl SummaryRow {
    /// The row for a list; `placed` formatted with `time` (a date, or a date and time for staff).
    pub(crate) fn summary(self, time: &str) -> crate::orders::model::OrderSummary {
        crate::orders::model::OrderSummary {
            id: self.id.to_string(),
            number: self.number,
            placed: self.created_at.format(time).to_string(),
            status: OrderStatus::parse(&self.status).unwrap_or(OrderStatus::PendingPayment),
            total: Money { minor: self.total_minor, currency: Currency::parse(&self.currency).unwrap_or(Currency::Eur) },
            email: self.email,
            ships: self.ships,
        }
    }
}

/// Orders newest first: a user's own (those placed while signed in), or every order (admin).
pub async fn summaries(pool: &PgPool, user_id: Option<Uuid>, limit: i64) -> sqlx::Result<Vec<crate::orders::model::OrderSummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM orders o WHERE $1::uuid IS NULL OR o.user_id = $1 ORDER BY o.created_at DESC LIMIT $2"
    ))
    .bind(user_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.summary("%Y-%m-%d")).collect())
}

/// Whether `token` is the order's e-mailed access token (compared in constant time).
pub async fn token_matches(pool: &PgPool, id: Uuid, token: &str) -> sqlx::Result<bool> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT access_token FROM orders WHERE id = $1").bind(id).fetch_optional(pool).await?;
    Ok(stored.is_some_and(|s| {
        s.len() == token.len() && s.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }))
}

/// The user an order was placed by, if any.
pub async fn owner_of(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<Uuid>> {
    Ok(sqlx::query_scalar::<_, Option<Uuid>>("SELECT user_id FROM orders WHERE id = $1").bind(id).fetch_optional(pool).await?.flatten())
}

/// Open refund requests, oldest first, with how many keys the buyer revealed and builds downloaded.
pub async fn open_refund_requests(pool: &PgPool) -> sqlx::Result<Vec<crate::orders::model::RefundRequestView>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        number: i64,
        email: String,
        total_minor: i64,
        currency: String,
        reason: String,
        created_at: chrono::DateTime<chrono::Utc>,
        keys_revealed: i64,
        downloads: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.id, o.number, o.email::text AS email, o.total_minor, o.currency::text AS currency, r.reason, r.created_at,
                (SELECT count(*) FROM license_keys k WHERE k.order_id = o.id AND k.revealed_at IS NOT NULL) AS keys_revealed,
                (SELECT count(*) FROM downloads d WHERE d.order_id = o.id) AS downloads
         FROM refund_requests r JOIN orders o ON o.id = r.order_id WHERE r.status = 'open' ORDER BY r.id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| crate::orders::model::RefundRequestView {
            id: r.id,
            order_number: r.number,
            email: r.email,
            total: Money { minor: r.total_minor, currency: Currency::parse(&r.currency).unwrap_or(Currency::Eur) },
            reason: r.reason,
            requested: r.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            keys_revealed: r.keys_revealed,
            downloads: r.downloads,
        })
        .collect())
}

/// Orders placed as a guest with `email` join the account of that (verified) address: its owner
/// finds them, and their game keys, in the account. Returns how many joined.
pub async fn claim_guest_orders(pool: &PgPool, user_id: Uuid, email: &str) -> sqlx::Result<u64> {
    Ok(sqlx::query("UPDATE orders SET user_id = $1 WHERE user_id IS NULL AND email = $2::citext")
        .bind(user_id)
        .bind(email)
        .execute(pool)
        .await?
        .rows_affected())
}

/// At sign-in, guest orders placed with the account's address join the account (only a confirmed
/// address can sign in).
pub struct ClaimGuestOrders;

#[async_trait::async_trait]
impl crate::accounts::ssr::SignInHook for ClaimGuestOrders {
    async fn signed_in(
        &self,
        pool: &PgPool,
        _session: &tower_sessions::Session,
        user_id: Uuid,
        email: &str,
    ) -> Result<(), crate::error::AppError> {
        let joined = claim_guest_orders(pool, user_id, email).await?;
        if joined > 0 {
            tracing::info!(%user_id, joined_orders = joined, "guest orders joined the account");
        }
        Ok(())
    }
}
