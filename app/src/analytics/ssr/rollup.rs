//! The daily rollup: `sales_daily` and `sales_daily_products` hold each day's figures in the shop's
//! time zone. Triggers note the moments orders are placed and paid and refunds made
//! (`sales_dirty`); [`refresh`] counts those days again from the orders and refunds, so the rows
//! are exact, and a change of time zone counts every day again. Days are local days: a day with a
//! daylight-saving change is 23 or 25 hours long (PostgreSQL's time zone rules).
use sqlx::{PgConnection, PgPool};

/// The days (in `time_zone`) noted since the last refresh counted again; every day when the rows
/// were counted in another time zone. One refresh at a time (the others wait, then find little
/// to do). Returns how many days were counted.
pub async fn refresh(pool: &PgPool, time_zone: &str) -> sqlx::Result<usize> {
    // Nothing noted and the right time zone: nothing to count, and no lock for dashboards to wait on.
    let (zone, dirty): (Option<String>, bool) =
        sqlx::query_as("SELECT (SELECT time_zone FROM sales_rollup_zone), EXISTS (SELECT 1 FROM sales_dirty)").fetch_one(pool).await?;
    if zone.as_deref() == Some(time_zone) && !dirty {
        return Ok(0);
    }
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('sales_rollup'))").execute(&mut *tx).await?;
    let zone: Option<String> = sqlx::query_scalar("SELECT time_zone FROM sales_rollup_zone").fetch_optional(&mut *tx).await?;
    let last: Option<i64> = sqlx::query_scalar("SELECT max(id) FROM sales_dirty").fetch_one(&mut *tx).await?;
    let days: Vec<chrono::NaiveDate> = if zone.as_deref() == Some(time_zone) {
        let Some(last) = last else { return Ok(0) };
        let days = sqlx::query_scalar("SELECT DISTINCT (at AT TIME ZONE $1)::date FROM sales_dirty WHERE id <= $2")
            .bind(time_zone)
            .bind(last)
            .fetch_all(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sales_dirty WHERE id <= $1").bind(last).execute(&mut *tx).await?;
        days
    } else {
        sqlx::query("DELETE FROM sales_daily").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM sales_daily_products").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM sales_dirty WHERE id <= $1").bind(last.unwrap_or(0)).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO sales_rollup_zone (time_zone) VALUES ($1) ON CONFLICT (one) DO UPDATE SET time_zone = EXCLUDED.time_zone",
        )
        .bind(time_zone)
        .execute(&mut *tx)
        .await?;
        sqlx::query_scalar(
            "SELECT (created_at AT TIME ZONE $1)::date FROM orders
             UNION SELECT (paid_at AT TIME ZONE $1)::date FROM orders WHERE paid_at IS NOT NULL
             UNION SELECT (created_at AT TIME ZONE $1)::date FROM refunds",
        )
        .bind(time_zone)
        .fetch_all(&mut *tx)
        .await?
    };
    count_days(&mut tx, time_zone, &days).await?;
    tx.commit().await?;
    Ok(days.len())
}

/// Counts `days` again from the orders and refunds: each day is the local midnight to the next.
async fn count_days(conn: &mut PgConnection, time_zone: &str, days: &[chrono::NaiveDate]) -> sqlx::Result<()> {
    if days.is_empty() {
        return Ok(());
    }
    sqlx::query("DELETE FROM sales_daily WHERE day = ANY($1)").bind(days).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM sales_daily_products WHERE day = ANY($1)").bind(days).execute(&mut *conn).await?;
    sqlx::query(
        "WITH d AS (SELECT day, day::timestamp AT TIME ZONE $2 AS lo, (day + 1)::timestamp AT TIME ZONE $2 AS hi
                    FROM unnest($1::date[]) AS u(day))
         INSERT INTO sales_daily (day, orders, revenue_minor, discount_minor, units, checkouts, refunds, refunded_minor)
         SELECT d.day, p.orders, p.revenue, p.discount, p.units, c.checkouts, r.refunds, r.refunded
         FROM d,
         LATERAL (SELECT count(*) AS orders, coalesce(sum(o.total_minor), 0) AS revenue, coalesce(sum(o.discount_minor), 0) AS discount,
                         coalesce(sum((SELECT sum(l.quantity) FROM order_lines l WHERE l.order_id = o.id)), 0) AS units
                  FROM orders o WHERE o.paid_at >= d.lo AND o.paid_at < d.hi) p,
         LATERAL (SELECT count(*) AS checkouts FROM orders o WHERE o.created_at >= d.lo AND o.created_at < d.hi) c,
         LATERAL (SELECT count(*) AS refunds, coalesce(sum(amount_minor), 0) AS refunded
                  FROM refunds f WHERE f.created_at >= d.lo AND f.created_at < d.hi) r
         WHERE p.orders > 0 OR c.checkouts > 0 OR r.refunds > 0",
    )
    .bind(days)
    .bind(time_zone)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "WITH d AS (SELECT day, day::timestamp AT TIME ZONE $2 AS lo, (day + 1)::timestamp AT TIME ZONE $2 AS hi
                    FROM unnest($1::date[]) AS u(day))
         INSERT INTO sales_daily_products (day, product_id, name, units, revenue_minor)
         SELECT d.day, v.product_id, (array_agg(l.product_name ORDER BY o.paid_at DESC))[1],
                sum(l.quantity), sum(l.line_total_minor - l.discount_minor)
         FROM d JOIN orders o ON o.paid_at >= d.lo AND o.paid_at < d.hi
         JOIN order_lines l ON l.order_id = o.id JOIN variants v ON v.id = l.variant_id
         GROUP BY d.day, v.product_id",
    )
    .bind(days)
    .bind(time_zone)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
