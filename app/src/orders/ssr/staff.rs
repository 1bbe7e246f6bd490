//! Orders as staff look for them: a filtered, searched list a page at a time, and one order's
//! timeline of everything that happened to it.
use crate::orders::model::{OrderStatus, OrderSummary, TimelineEvent};
use sqlx::PgPool;
use uuid::Uuid;

/// What the staff order list filters on; `None` or empty matches everything.
#[derive(Debug, Clone, Default)]
pub struct OrderQuery {
    /// An order number ("1042" or "#1042"), a buyer's e-mail (whole, any case) or a SKU.
    pub search: String,
    pub status: Option<OrderStatus>,
    /// "games" or "jewelry": orders with at least one line of it.
    pub department: Option<String>,
    /// Whole UTC days, inclusive.
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub min_total_minor: Option<i64>,
    pub max_total_minor: Option<i64>,
    /// Only orders with a smaller number (the next page).
    pub before_number: Option<i64>,
}

/// What the search text means: an order number, an e-mail address, or a SKU.
fn search_terms(search: &str) -> (Option<i64>, Option<String>, Option<String>) {
    let s = search.trim();
    if s.is_empty() {
        return (None, None, None);
    }
    if let Ok(n) = s.trim_start_matches('#').parse::<i64>() {
        return (Some(n), None, None);
    }
    if s.contains('@') {
        return (None, Some(s.to_owned()), None);
    }
    (None, None, Some(s.to_uppercase()))
}

/// The filter over `orders o` (binding $1..$10, see [`bind_query`]); each part is off when its
/// parameter is NULL; a SKU is found once and matched by variant.
const FILTER: &str = "WITH sku AS (SELECT id FROM variants WHERE sku = $3)
     SELECT {cols} FROM orders o
     WHERE ($1::bigint IS NULL OR o.number = $1)
       AND ($2::citext IS NULL OR o.email = $2::citext)
       AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.variant_id IN (SELECT id FROM sku)))
       AND ($4::text IS NULL OR o.status = $4)
       AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.department = $5))
       AND ($6::date IS NULL OR o.created_at >= ($6::date::timestamp AT TIME ZONE 'UTC'))
       AND ($7::date IS NULL OR o.created_at < (($7::date + 1)::timestamp AT TIME ZONE 'UTC'))
       AND ($8::bigint IS NULL OR o.total_minor >= $8)
       AND ($9::bigint IS NULL OR o.total_minor <= $9)
       AND ($10::bigint IS NULL OR o.number < $10)";

fn filter_sql(cols: &str, tail: &str) -> String {
    format!("{} {tail}", FILTER.replace("{cols}", cols))
}

fn bind_query<'q, O>(
    sql: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    q: &'q OrderQuery,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    let (number, email, sku) = search_terms(&q.search);
    sql.bind(number)
        .bind(email)
        .bind(sku)
        .bind(q.status.map(OrderStatus::as_str))
        .bind(q.department.as_deref())
        .bind(q.from)
        .bind(q.to)
        .bind(q.min_total_minor)
        .bind(q.max_total_minor)
        .bind(q.before_number)
}

/// The newest `limit` orders matching `q`, newest first (by order number, which only grows).
pub async fn search(pool: &PgPool, q: &OrderQuery, limit: i64) -> sqlx::Result<Vec<OrderSummary>> {
    use super::queries::{SummaryRow, SUMMARY_COLUMNS};
    let sql = filter_sql(SUMMARY_COLUMNS, "ORDER BY o.number DESC LIMIT $11");
    let rows: Vec<SummaryRow> = bind_query(sqlx::query_as(&sql), q).bind(limit).fetch_all(pool).await?;
    Ok(rows.into_iter().map(|r| r.summary("%Y-%m-%d %H:%M")).collect())
}

/// How many orders match `q` (the export's progress: rows expected).
pub async fn count(pool: &PgPool, q: &OrderQuery) -> sqlx::Result<i64> {
    let sql = filter_sql("count(*)", "");
    let (n,): (i64,) = bind_query(sqlx::query_as(&sql), q).fetch_one(pool).await?;
    Ok(n)
}

/// An order as the CSV export writes it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportRow {
    pub number: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub paid_at: Option<chrono::DateTime<chrono::Utc>>,
    pub status: String,
    pub email: String,
    pub items: i64,
    pub departments: String,
    pub currency: String,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub shipping_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub refunded_minor: i64,
    pub discount_code: Option<String>,
    pub tracking_number: Option<String>,
    pub country: Option<String>,
}

/// The statement [`export`] runs (kept by the caller for the stream's lifetime).
pub fn export_sql() -> String {
    filter_sql(
        "o.number, o.created_at, o.paid_at, o.status, o.email::text AS email,
         (SELECT coalesce(sum(quantity), 0)::bigint FROM order_lines l WHERE l.order_id = o.id) AS items,
         (SELECT coalesce(string_agg(DISTINCT department, ' '), '') FROM order_lines l WHERE l.order_id = o.id) AS departments,
         o.currency::text AS currency, o.subtotal_minor, o.discount_minor, o.shipping_minor, o.tax_minor, o.total_minor,
         o.refunded_minor, o.discount_code::text AS discount_code, o.tracking_number, o.shipping_address->>'country' AS country",
        "ORDER BY o.number DESC",
    )
}

/// Every order matching `q`, newest first, as a stream (the CSV export: memory stays flat).
pub fn export<'a>(pool: &'a PgPool, q: &'a OrderQuery, sql: &'a str) -> futures_util::stream::BoxStream<'a, sqlx::Result<ExportRow>> {
    bind_query(sqlx::query_as::<_, ExportRow>(sql), q).fetch(pool)
}

/// The id of the order with this number.
pub async fn id_of_number(pool: &PgPool, number: i64) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar("SELECT id FROM orders WHERE number = $1").bind(number).fetch_optional(pool).await
}

/// Everything that happened to an order, oldest first: placed, paid, payments, holds released,
/// e-mails queued and sent (or failing), keys assigned and revealed, downloads, refund requests and
/// their decisions, shipping, and every staff action (the audit log).
pub async fn timeline(pool: &PgPool, id: Uuid) -> sqlx::Result<Vec<TimelineEvent>> {
    // Events of one transaction share a time: the rank puts the cause before its effects.
    let rows: Vec<(chrono::DateTime<chrono::Utc>, i32, String, String)> = sqlx::query_as(
        "SELECT created_at, 0, 'order', 'Order placed by ' || email || ' (' || replace(status, '_', ' ') || ' now)' FROM orders WHERE id = $1
         UNION ALL SELECT created_at, 1, 'payment', 'Payment of ' || to_char(amount_minor / 100.0, 'FM999999990.00') || ' through '
                   || provider || ' (' || provider_ref || '), ' || status || ' now' FROM payments WHERE order_id = $1
         UNION ALL SELECT paid_at, 2, 'payment', 'Paid' FROM orders WHERE id = $1 AND paid_at IS NOT NULL
         UNION ALL SELECT min(assigned_at), 3, 'keys', count(*) || ' key(s) assigned' FROM license_keys
                   WHERE order_id = $1 AND assigned_at IS NOT NULL GROUP BY date_trunc('second', assigned_at)
         UNION ALL SELECT r.revealed_at, 3, 'keys', 'Key #' || k.id || ' revealed' || coalesce(' from ' || host(r.ip), '')
                   FROM key_reveals r JOIN license_keys k ON k.id = r.key_id WHERE k.order_id = $1
         UNION ALL SELECT created_at, 3, 'download', 'Build downloaded' || coalesce(' from ' || host(ip), '') FROM downloads WHERE order_id = $1
         UNION ALL SELECT created_at, 4, 'refund', 'Refund requested: ' || reason FROM refund_requests WHERE order_id = $1
         UNION ALL SELECT decided_at, 4, 'refund', 'Refund request ' || status FROM refund_requests WHERE order_id = $1 AND decided_at IS NOT NULL
         UNION ALL SELECT r.created_at, 4, 'refund', 'Refunded ' || to_char(r.amount_minor / 100.0, 'FM999999990.00')
                   || coalesce(' for ' || (SELECT string_agg(rl.quantity || ' × ' || l.product_name || ' (' || l.variant_label || ')', ', ' ORDER BY rl.variant_id)
                                            FROM refund_lines rl JOIN order_lines l ON l.order_id = rl.order_id AND l.variant_id = rl.variant_id
                                            WHERE rl.refund_id = r.id), '')
                   || CASE WHEN r.restock THEN '' ELSE ', not restocked' END || ': ' || r.reason
                   FROM refunds r WHERE r.order_id = $1
         UNION ALL SELECT at, 5, 'staff', action || ' by ' || actor_email FROM audit_log WHERE entity = 'order' AND entity_id = $1::text
         UNION ALL SELECT shipped_at, 6, 'shipping', 'Shipped with tracking number ' || coalesce(tracking_number, '?')
                   FROM orders WHERE id = $1 AND shipped_at IS NOT NULL
         UNION ALL SELECT created_at, 7, 'email', 'Queued: ' || kind FROM jobs WHERE payload->>'order_id' = $1::text
         UNION ALL SELECT done_at, 8, 'email', 'Done: ' || kind FROM jobs WHERE payload->>'order_id' = $1::text AND status = 'done'
         UNION ALL SELECT coalesce(done_at, run_at), 8, 'problem', 'Failed for good after ' || attempts || ' attempts: ' || kind
                   FROM jobs WHERE payload->>'order_id' = $1::text AND status = 'dead'
         ORDER BY 1, 2",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, _, kind, text)| TimelineEvent { at: at.format("%Y-%m-%d %H:%M:%S").to_string(), kind, text })
        .collect())
}

/// Who placed the order: the account signed in at the time, or a guest.
pub async fn placed_by(pool: &PgPool, id: Uuid) -> sqlx::Result<String> {
    let user: Option<String> =
        sqlx::query_scalar("SELECT u.email::text FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(user.map_or_else(|| "a guest".into(), |email| format!("{email} (signed in)")))
}

/// Where the order ships, as lines for a label (name, street, city and postal code, country).
pub async fn ship_to(pool: &PgPool, id: Uuid) -> sqlx::Result<Vec<String>> {
    let a: Option<serde_json::Value> = sqlx::query_scalar("SELECT shipping_address FROM orders WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?
        .flatten();
    let Some(a) = a else { return Ok(Vec::new()) };
    let f = |k: &str| a.get(k).and_then(|v| v.as_str()).unwrap_or_default().trim().to_owned();
    Ok([f("name"), f("line1"), f("line2"), format!("{} {}", f("postal_code"), f("city")).trim().to_owned(), f("country")]
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect())
}

/// A customer row for the staff list: the account and what they bought.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CustomerRow {
    pub id: Uuid,
    pub email: String,
    pub provider: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_sign_in_at: Option<chrono::DateTime<chrono::Utc>>,
    pub orders: i64,
    /// Paid minus refunded, over every order that was paid.
    pub lifetime_minor: i64,
}

const CUSTOMER_SQL: &str = "SELECT u.id, u.email::text AS email, u.provider, u.created_at, u.last_sign_in_at,
        count(o.id) AS orders,
        coalesce(sum(o.total_minor - o.refunded_minor) FILTER (WHERE o.paid_at IS NOT NULL), 0)::bigint AS lifetime_minor
     FROM users u LEFT JOIN orders o ON o.user_id = u.id";

/// Customers whose address contains `search` (any case), newest first, a page of `limit` from `offset`.
pub async fn customers(pool: &PgPool, search: &str, limit: i64, offset: i64) -> sqlx::Result<Vec<CustomerRow>> {
    sqlx::query_as(&format!(
        "{CUSTOMER_SQL} WHERE $1 = '' OR strpos(lower(u.email::text), lower($1)) > 0
         GROUP BY u.id ORDER BY u.created_at DESC, u.id LIMIT $2 OFFSET $3"
    ))
    .bind(search.trim())
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
}

/// One customer, with the games they own (product names, from paid orders not refunded).
pub async fn customer(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<(CustomerRow, Vec<String>)>> {
    let row: Option<CustomerRow> = sqlx::query_as(&format!("{CUSTOMER_SQL} WHERE u.id = $1 GROUP BY u.id")).bind(id).fetch_optional(pool).await?;
    let Some(row) = row else { return Ok(None) };
    let games: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT DISTINCT l.product_name FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE o.user_id = $1 AND l.department = 'games' AND o.status IN {}
               AND l.refunded_quantity < l.quantity
         ORDER BY 1",
        crate::orders::model::KEY_HOLDING_SQL
    ))
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(Some((row, games)))
}
