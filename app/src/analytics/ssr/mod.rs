//! The analytics in the database: the daily rollup kept up to date, the report for a range, and
//! the funnel marks.
pub mod alerts;
pub mod rollup;
#[cfg(test)]
mod tests;

use super::{DayFigures, Funnel, PoolFigures, ProductFigures, Range, Report, Totals};
use crate::types::Money;
use sqlx::PgPool;

/// Today in the shop's time zone.
pub async fn today(pool: &PgPool, time_zone: &str) -> sqlx::Result<chrono::NaiveDate> {
    sqlx::query_scalar("SELECT (now() AT TIME ZONE $1)::date").bind(time_zone).fetch_one(pool).await
}

#[derive(sqlx::FromRow)]
struct DayRow {
    day: chrono::NaiveDate,
    orders: i64,
    revenue_minor: i64,
    discount_minor: i64,
    units: i64,
    checkouts: i64,
    refunds: i64,
    refunded_minor: i64,
}

/// Every day of the range (days without sales as zeros), oldest first.
async fn days(pool: &PgPool, r: Range) -> sqlx::Result<Vec<DayRow>> {
    sqlx::query_as(
        "SELECT g.day::date AS day, coalesce(s.orders, 0)::bigint AS orders, coalesce(s.revenue_minor, 0) AS revenue_minor,
                coalesce(s.discount_minor, 0) AS discount_minor, coalesce(s.units, 0)::bigint AS units,
                coalesce(s.checkouts, 0)::bigint AS checkouts, coalesce(s.refunds, 0)::bigint AS refunds,
                coalesce(s.refunded_minor, 0) AS refunded_minor
         FROM generate_series($1::date, $2::date, interval '1 day') AS g(day)
         LEFT JOIN sales_daily s ON s.day = g.day::date
         ORDER BY 1",
    )
    .bind(r.from)
    .bind(r.to)
    .fetch_all(pool)
    .await
}

fn totals(rows: &[DayRow]) -> Totals {
    let sum = |f: fn(&DayRow) -> i64| rows.iter().map(f).sum::<i64>();
    let (orders, revenue, refunded) = (sum(|d| d.orders), sum(|d| d.revenue_minor), sum(|d| d.refunded_minor));
    Totals {
        orders,
        revenue: Money::eur(revenue),
        net: Money::eur(revenue - refunded),
        refunded: Money::eur(refunded),
        refunds: sum(|d| d.refunds),
        discount: Money::eur(sum(|d| d.discount_minor)),
        average_order: Money::eur(if orders > 0 { revenue / orders } else { 0 }),
        units: sum(|d| d.units),
    }
}

/// The ten best-selling products of the range, by units or by revenue.
async fn top_products(pool: &PgPool, r: Range, by_revenue: bool) -> sqlx::Result<Vec<ProductFigures>> {
    let order = if by_revenue { "revenue DESC, units DESC" } else { "units DESC, revenue DESC" };
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT product_id, (array_agg(name ORDER BY day DESC))[1], sum(units)::bigint AS units, sum(revenue_minor)::bigint AS revenue
         FROM sales_daily_products WHERE day BETWEEN $1 AND $2
         GROUP BY product_id ORDER BY {order}, product_id LIMIT 10"
    ))
    .bind(r.from)
    .bind(r.to)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(product_id, name, units, revenue)| ProductFigures { product_id, name, units, revenue: Money::eur(revenue) }).collect())
}

/// Each key pool, the emptiest first: keys sold in the range (assigned to an order) and keys left now.
async fn pools(pool: &PgPool, r: Range, time_zone: &str) -> sqlx::Result<Vec<PoolFigures>> {
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT v.id, p.name || coalesce(' · ' || nullif(concat_ws(' · ', v.platform, v.edition), ''), ''),
                (SELECT count(*) FROM license_keys k WHERE k.variant_id = v.id
                    AND k.assigned_at >= $1::timestamp AT TIME ZONE $3 AND k.assigned_at < ($2::date + 1)::timestamp AT TIME ZONE $3),
                (SELECT count(*) FROM license_keys k WHERE k.variant_id = v.id AND k.status = 'available')
         FROM variants v JOIN products p ON p.id = v.product_id
         WHERE v.keyed ORDER BY 4, p.name, v.id",
    )
    .bind(r.from)
    .bind(r.to)
    .bind(time_zone)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(variant_id, name, sold, left)| PoolFigures { variant_id, name, sold, left }).collect())
}

/// The funnel over a range: unique visitors and cart adders per day summed, checkouts, paid orders.
async fn funnel(pool: &PgPool, r: Range, day_rows: &[DayRow]) -> sqlx::Result<Funnel> {
    let (visitors, carts): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE stage = 1), count(*) FILTER (WHERE stage = 2) FROM funnel_marks WHERE day BETWEEN $1 AND $2",
    )
    .bind(r.from)
    .bind(r.to)
    .fetch_one(pool)
    .await?;
    Ok(Funnel {
        visitors,
        carts,
        checkouts: day_rows.iter().map(|d| d.checkouts).sum(),
        paid: day_rows.iter().map(|d| d.orders).sum(),
    })
}

/// The dashboard's report for `r` and the period before it, the rollup brought up to date first.
pub async fn report(pool: &PgPool, time_zone: &str, r: Range) -> sqlx::Result<Report> {
    rollup::refresh(pool, time_zone).await?;
    let before_range = r.previous();
    let (now_rows, before_rows, top_by_units, top_by_revenue, pools) = tokio::try_join!(
        days(pool, r),
        days(pool, before_range),
        top_products(pool, r, false),
        top_products(pool, r, true),
        pools(pool, r, time_zone),
    )?;
    let (funnel_now, funnel_before) = tokio::try_join!(funnel(pool, r, &now_rows), funnel(pool, before_range, &before_rows))?;
    Ok(Report {
        range: r,
        time_zone: time_zone.to_owned(),
        totals: totals(&now_rows),
        before: totals(&before_rows),
        days: now_rows
            .iter()
            .map(|d| DayFigures {
                day: d.day,
                orders: d.orders,
                revenue: Money::eur(d.revenue_minor),
                refunded: Money::eur(d.refunded_minor),
                refunds: d.refunds,
                units: d.units,
                checkouts: d.checkouts,
            })
            .collect(),
        top_by_units,
        top_by_revenue,
        pools,
        funnel: funnel_now,
        funnel_before,
    })
}
