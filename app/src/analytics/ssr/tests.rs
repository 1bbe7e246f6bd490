//! The dashboard's figures against ground truth worked out here, independently of PostgreSQL's
//! time zone rules: orders around the spring daylight-saving change in Berlin (a 23-hour day), a
//! refund made just after midnight, and 300 generated orders.
use super::rollup::refresh;
use super::report;
use crate::analytics::Range;
use crate::catalog::ssr::tests::product;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sqlx::PgPool;
use std::collections::BTreeMap;
use uuid::Uuid;

const BERLIN: &str = "Europe/Berlin";

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Berlin's date of a moment in March 2026, worked out by hand: UTC+1 until the clocks go
/// forward at 01:00 UTC on 29 March, UTC+2 after.
fn berlin_day(at: DateTime<Utc>) -> NaiveDate {
    let change = utc("2026-03-29T01:00:00Z");
    let offset = if at >= change { Duration::hours(2) } else { Duration::hours(1) };
    (at + offset).date_naive()
}

/// A paid order of `quantity` units of `variant` at `price`, placed and paid at `at`.
async fn order(pool: &PgPool, variant: i64, price: i64, quantity: i32, at: DateTime<Utc>) -> Uuid {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO orders (checkout_key, email, currency, subtotal_minor, discount_minor, shipping_minor, tax_minor,
                             total_minor, lines_fingerprint, status, created_at, paid_at)
         VALUES (gen_random_uuid(), 'a@example.com', 'EUR', $1, 0, 0, 0, $1, 'x', 'paid', $2, $2) RETURNING id",
    )
    .bind(price * quantity as i64)
    .bind(at)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO order_lines (order_id, variant_id, product_name, variant_label, department, unit_price_minor, quantity, line_total_minor)
         VALUES ($1, $2, 'Item', '', 'games', $3, $4, $3 * $4)",
    )
    .bind(id)
    .bind(variant)
    .bind(price)
    .bind(quantity)
    .execute(pool)
    .await
    .unwrap();
    id
}

async fn refund(pool: &PgPool, order: Uuid, amount: i64, at: DateTime<Utc>) {
    sqlx::query("INSERT INTO refunds (order_id, request_key, amount_minor, restock, reason, created_at) VALUES ($1, $2, $3, false, 'test', $4)")
        .bind(order)
        .bind(Uuid::new_v4().to_string())
        .bind(amount)
        .bind(at)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE orders SET refunded_minor = refunded_minor + $2 WHERE id = $1").bind(order).bind(amount).execute(pool).await.unwrap();
}

async fn daily(pool: &PgPool) -> BTreeMap<NaiveDate, (i64, i64, i64, i64)> {
    let rows: Vec<(NaiveDate, i32, i64, i32, i64)> =
        sqlx::query_as("SELECT day, orders, revenue_minor, refunds, refunded_minor FROM sales_daily ORDER BY day").fetch_all(pool).await.unwrap();
    rows.into_iter().map(|(d, o, r, n, f)| (d, (o as i64, r, n as i64, f))).collect()
}

/// Orders either side of midnight on the day the clocks go forward, and a refund at 00:30 the day
/// after the order's: each falls on its Berlin day, the refund on its own day; in UTC the same
/// orders fall on other days, and changing the shop's time zone counts every day again.
#[sqlx::test(migrations = "../migrations")]
async fn days_follow_the_shops_clock_through_daylight_saving(pool: PgPool) {
    let v = product(&pool, "games", 1_000, 100).await;
    let a = order(&pool, v, 1_000, 1, utc("2026-03-28T22:30:00Z")).await; // 23:30 on the 28th (UTC+1)
    order(&pool, v, 2_000, 1, utc("2026-03-28T23:30:00Z")).await; // 00:30 on the 29th (still UTC+1)
    order(&pool, v, 3_000, 1, utc("2026-03-29T21:59:00Z")).await; // 23:59 on the 29th (UTC+2 now)
    order(&pool, v, 4_000, 1, utc("2026-03-29T22:00:00Z")).await; // 00:00 on the 30th
    refund(&pool, a, 400, utc("2026-03-30T22:30:00Z")).await; // 00:30 on the 31st
    refresh(&pool, BERLIN).await.unwrap();
    let expected: BTreeMap<NaiveDate, (i64, i64, i64, i64)> = [
        (day("2026-03-28"), (1, 1_000, 0, 0)),
        (day("2026-03-29"), (2, 5_000, 0, 0)),
        (day("2026-03-30"), (1, 4_000, 0, 0)),
        (day("2026-03-31"), (0, 0, 1, 400)),
    ]
    .into();
    assert_eq!(daily(&pool).await, expected);

    // The same orders in UTC.
    refresh(&pool, "UTC").await.unwrap();
    let utc_days: Vec<(NaiveDate, i64)> = daily(&pool).await.into_iter().map(|(d, (o, ..))| (d, o)).collect();
    assert_eq!(utc_days, vec![(day("2026-03-28"), 2), (day("2026-03-29"), 2), (day("2026-03-30"), 0)]);

    // Back in Berlin; a later order is counted by the next refresh, on its day only.
    refresh(&pool, BERLIN).await.unwrap();
    order(&pool, v, 500, 2, utc("2026-03-29T10:00:00Z")).await;
    assert_eq!(refresh(&pool, BERLIN).await.unwrap(), 1);
    assert_eq!(daily(&pool).await[&day("2026-03-29")], (3, 6_000, 0, 0));
    assert_eq!(refresh(&pool, BERLIN).await.unwrap(), 0, "nothing new");

    // The report over the four days, against the four days before (none).
    let r = report(&pool, BERLIN, Range { from: day("2026-03-28"), to: day("2026-03-31") }).await.unwrap();
    assert_eq!(r.days.len(), 4);
    assert_eq!((r.totals.orders, r.totals.revenue.minor, r.totals.refunded.minor, r.totals.net.minor), (5, 11_000, 400, 10_600));
    assert_eq!(r.totals.average_order.minor, 2_200);
    assert_eq!(r.totals.units, 6);
    assert_eq!(r.before.orders, 0);
    assert_eq!(r.top_by_units[0].units, 6);
    assert_eq!(r.funnel.paid, 5);
}

/// 300 orders at random moments of March 2026 and refunds some hours later: every day's figures
/// equal the sums worked out here from the same orders.
#[sqlx::test(migrations = "../migrations")]
async fn generated_orders_add_up_day_by_day(pool: PgPool) {
    use rand::Rng;
    let v = product(&pool, "games", 1_000, 100).await;
    let mut rng = rand::rng();
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let mut truth: BTreeMap<NaiveDate, (i64, i64, i64, i64)> = BTreeMap::new();
    for _ in 0..300 {
        let at = start + Duration::seconds(rng.random_range(0..31 * 86_400));
        let price = rng.random_range(100..50_000);
        let id = order(&pool, v, price, 1, at).await;
        let e = truth.entry(berlin_day(at)).or_default();
        e.0 += 1;
        e.1 += price;
        if rng.random_bool(0.2) {
            let when = at + Duration::minutes(rng.random_range(1..3_000));
            let amount = rng.random_range(1..=price);
            refund(&pool, id, amount, when).await;
            let e = truth.entry(berlin_day(when)).or_default();
            e.2 += 1;
            e.3 += amount;
        }
    }
    // Refunds past the end of March fall under the summer rule too (UTC+2 until October).
    refresh(&pool, BERLIN).await.unwrap();
    assert_eq!(daily(&pool).await, truth);
    let r = report(&pool, BERLIN, Range { from: day("2026-03-01"), to: day("2026-04-02") }).await.unwrap();
    assert_eq!(r.totals.orders, 300);
    assert_eq!(r.totals.revenue.minor, truth.values().map(|t| t.1).sum::<i64>());
    assert_eq!(r.totals.refunded.minor, truth.values().map(|t| t.3).sum::<i64>());
}

/// The daily alerts: a variant at its threshold and a job that failed for good make an e-mail to
/// the staff, queued once per shop day however often the scheduler runs; nothing to tell, no e-mail.
#[sqlx::test(migrations = "../migrations")]
async fn low_stock_and_failed_jobs_are_mailed_once_a_day(pool: PgPool) {
    use super::alerts::{current, schedule_daily, AlertMail, DAILY_JOB};
    use crate::platform::jobs;
    use std::sync::Arc;
    let plenty = product(&pool, "jewelry", 10_000, 50).await;
    let handler = AlertMail {
        pool: pool.clone(),
        mailer: Arc::new(crate::mail::ssr::DevMailbox::new(pool.clone())),
        recipients: vec!["owner@example.com".into()],
        shop_name: "Test Shop".into(),
        base_url: "https://shop.example".into(),
    };
    // All is well: the job runs and sends nothing.
    assert!(schedule_daily(&pool, "UTC", 0).await.unwrap());
    while jobs::run_one(&pool, &handler).await.unwrap() {}
    let mails = || async { sqlx::query_scalar::<_, String>("SELECT body FROM dev_mailbox ORDER BY id").fetch_all(&pool).await.unwrap() };
    assert!(mails().await.is_empty());

    // A ring at its threshold (3) and a dead job.
    let low = product(&pool, "jewelry", 10_000, 3).await;
    sqlx::query("INSERT INTO jobs (kind, payload, status) VALUES ('email.test', '{}', 'dead')").execute(&pool).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let a = current(&mut conn).await.unwrap();
    assert_eq!(a.low_stock.iter().map(|s| s.variant_id).collect::<Vec<_>>(), vec![low]);
    assert!(!a.low_stock.iter().any(|s| s.variant_id == plenty));
    assert_eq!(a.dead_jobs, 1);
    // Today's job ran already: scheduling again queues nothing; tomorrow's would.
    schedule_daily(&pool, "UTC", 0).await.unwrap();
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE kind = $1").bind(DAILY_JOB).fetch_one(&pool).await.unwrap();
    assert_eq!(queued, 1);
    sqlx::query("UPDATE jobs SET dedupe_key = 'alerts.daily:yesterday' WHERE kind = $1").bind(DAILY_JOB).execute(&pool).await.unwrap();
    schedule_daily(&pool, "UTC", 0).await.unwrap();
    while jobs::run_one(&pool, &handler).await.unwrap() {}
    let sent = mails().await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains("3 in stock (threshold 3)") && sent[0].contains("1 background job(s) failed"), "{}", sent[0]);
    let to: String = sqlx::query_scalar("SELECT to_address FROM dev_mailbox").fetch_one(&pool).await.unwrap();
    assert_eq!(to, "owner@example.com");
    // Before the hour, nothing is queued.
    assert!(!schedule_daily(&pool, "UTC", 24).await.unwrap());
    // Without configured recipients: the built-in provider's admins who are not turned off.
    sqlx::query(
        "INSERT INTO builtin_accounts (email, password_hash, role, disabled) VALUES
         ('boss@example.com', 'x', 'admin', false), ('gone@example.com', 'x', 'admin', true), ('help@example.com', 'x', 'support', false)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let admins = AlertMail { recipients: Vec::new(), ..handler };
    sqlx::query("UPDATE jobs SET dedupe_key = NULL WHERE kind = $1").bind(DAILY_JOB).execute(&pool).await.unwrap();
    schedule_daily(&pool, "UTC", 0).await.unwrap();
    while jobs::run_one(&pool, &admins).await.unwrap() {}
    let to: Vec<String> = sqlx::query_scalar("SELECT to_address FROM dev_mailbox ORDER BY id").fetch_all(&pool).await.unwrap();
    assert_eq!(to, ["owner@example.com", "boss@example.com"]);
}
