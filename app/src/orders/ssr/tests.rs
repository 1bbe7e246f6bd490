//! Checkout, payment and queue rules on a real database, including the race for the last ring.
use super::checkout::*;
use super::jobs::{self, Job, JobHandler};
use crate::accounts::model::Email;
use crate::orders::model::OrderStatus;
use crate::orders::pricing::{ShippingMethod, ShippingRates};
use sqlx::{PgConnection, PgPool};
use std::sync::Arc;
use uuid::Uuid;

/// A product with one variant; returns the variant id.
async fn product(pool: &PgPool, department: &str, price: i64, stock: i32) -> i64 {
    let slug = format!("p-{}", Uuid::new_v4().simple());
    let cat: i64 = sqlx::query_scalar(
        "INSERT INTO categories (slug, name, department, description) VALUES ($1, 'C', $2, '') RETURNING id",
    )
    .bind(format!("c-{}", Uuid::new_v4().simple()))
    .bind(department)
    .fetch_one(pool)
    .await
    .unwrap();
    let pid: i64 = sqlx::query_scalar(
        "INSERT INTO products (slug, name, department, category_id) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&slug)
    .bind(format!("Item {slug}"))
    .bind(department)
    .bind(cat)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query_scalar("INSERT INTO variants (product_id, sku, price_minor, stock) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(pid)
        .bind(format!("SKU-{}", &Uuid::new_v4().simple().to_string()[..12]).to_uppercase())
        .bind(price)
        .bind(stock)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn address() -> Address {
    Address {
        name: "Ada Lovelace".into(),
        line1: "1 Analytical Way".into(),
        line2: String::new(),
        city: "London".into(),
        postal_code: "N1 9GU".into(),
        country: "GB".into(),
    }
}

fn request(variant: i64, qty: i64, physical: bool) -> CheckoutRequest {
    CheckoutRequest {
        checkout_key: Uuid::new_v4(),
        user_id: None,
        email: Email::parse("buyer@example.com").unwrap(),
        lines: vec![(variant, qty)],
        discount_code: None,
        shipping: physical.then(|| (ShippingMethod::Standard, address())),
    }
}

async fn stock(pool: &PgPool, variant: i64) -> i32 {
    sqlx::query_scalar("SELECT stock FROM variants WHERE id = $1").bind(variant).fetch_one(pool).await.unwrap()
}

/// Stock at the start plus every ledger delta is the stock now; holds match the ledger.
async fn assert_ledger_balances(pool: &PgPool, variant: i64, initial: i32) {
    let sum: i64 = sqlx::query_scalar("SELECT coalesce(sum(delta), 0) FROM stock_ledger WHERE variant_id = $1")
        .bind(variant)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(initial as i64 + sum, stock(pool, variant).await as i64, "ledger balances");
    let held: i64 = sqlx::query_scalar(
        "SELECT coalesce(sum(quantity), 0) FROM stock_holds WHERE variant_id = $1 AND status IN ('active', 'sold')",
    )
    .bind(variant)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(held, initial as i64 - stock(pool, variant).await as i64, "holds account for every missing unit");
}

fn paid_event(order: Uuid, amount: i64, charge: &str, event: &str) -> PaymentEvent {
    PaymentEvent {
        provider: "builtin".into(),
        event_id: event.into(),
        provider_ref: charge.into(),
        order_id: order,
        amount_minor: amount,
    }
}

async fn status(pool: &PgPool, order: Uuid) -> OrderStatus {
    let s: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1").bind(order).fetch_one(pool).await.unwrap();
    OrderStatus::parse(&s).unwrap()
}

async fn jobs_of(pool: &PgPool, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM jobs WHERE kind = $1").bind(kind).fetch_one(pool).await.unwrap()
}

/// 50 shoppers press "Pay" at once for a ring with one left, 10 times over: exactly one order holds
/// it each time, the others are told it sold out before paying, and the ledger balances.
#[sqlx::test(migrations = "../migrations")]
async fn fifty_checkouts_for_the_last_ring(pool: PgPool) {
    let rates = ShippingRates::default();
    for round in 0..10 {
        let ring = product(&pool, "jewelry", 24_900, 1).await;
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let pool = pool.clone();
            let req = request(ring, 1, true);
            tasks.push(tokio::spawn(async move { start_checkout(&pool, &req, &rates, 10).await }));
        }
        let mut orders = Vec::new();
        let mut sold_out = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(o) => orders.push(o),
                Err(CheckoutError::SoldOut { .. }) => sold_out += 1,
                Err(e) => panic!("round {round}: unexpected {e:?}"),
            }
        }
        assert_eq!(orders.len(), 1, "round {round}");
        assert_eq!(sold_out, 49, "round {round}");
        assert_eq!(stock(&pool, ring).await, 0);
        let o = &orders[0];
        let outcome = payment_succeeded(&pool, &paid_event(o.order_id, o.totals.total_minor, &format!("ch_{round}"), &format!("ev_{round}")))
            .await
            .unwrap();
        assert_eq!(outcome, PaymentOutcome::Paid);
        assert_eq!(status(&pool, o.order_id).await, OrderStatus::Paid);
        assert_ledger_balances(&pool, ring, 1).await;
        let orders_for_ring: i64 =
            sqlx::query_scalar("SELECT count(*) FROM order_lines WHERE variant_id = $1").bind(ring).fetch_one(&pool).await.unwrap();
        assert_eq!(orders_for_ring, 1, "failed checkouts leave no order behind");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_retried_checkout_is_one_order(pool: PgPool) {
    let rates = ShippingRates::default();
    let game = product(&pool, "games", 5999, 10).await;
    let req = request(game, 2, false);
    let first = start_checkout(&pool, &req, &rates, 10).await.unwrap();
    assert!(first.created);
    assert_eq!(first.totals.total_minor, 11_998);
    let again = start_checkout(&pool, &req, &rates, 10).await.unwrap();
    assert!(!again.created);
    assert_eq!(again.order_id, first.order_id);
    assert_eq!(stock(&pool, game).await, 8, "held once");

    // Ten simultaneous submits of one new key.
    let req = request(game, 1, false);
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (pool, req) = (pool.clone(), req.clone());
        tasks.push(tokio::spawn(async move { start_checkout(&pool, &req, &rates, 10).await.unwrap() }));
    }
    let mut ids = std::collections::HashSet::new();
    for t in tasks {
        ids.insert(t.await.unwrap().order_id);
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(stock(&pool, game).await, 7);
    assert_ledger_balances(&pool, game, 10).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_replayed_webhook_pays_once(pool: PgPool) {
    let rates = ShippingRates::default();
    let game = product(&pool, "games", 5999, 5).await;
    let o = start_checkout(&pool, &request(game, 1, false), &rates, 10).await.unwrap();
    let ev = paid_event(o.order_id, 5999, "ch_1", "ev_1");
    assert_eq!(payment_succeeded(&pool, &ev).await.unwrap(), PaymentOutcome::Paid);
    assert_eq!(payment_succeeded(&pool, &ev).await.unwrap(), PaymentOutcome::AlreadyProcessed);
    // The same charge announced again under a new event id.
    let again = paid_event(o.order_id, 5999, "ch_1", "ev_2");
    assert_eq!(payment_succeeded(&pool, &again).await.unwrap(), PaymentOutcome::AlreadyProcessed);
    assert_eq!(jobs_of(&pool, "email.order_confirmation").await, 1);
    // A second, different charge for a paid order is refunded, never kept.
    let double = paid_event(o.order_id, 5999, "ch_2", "ev_3");
    assert_eq!(payment_succeeded(&pool, &double).await.unwrap(), PaymentOutcome::RefundQueued);
    let succeeded: i64 = sqlx::query_scalar("SELECT count(*) FROM payments WHERE order_id = $1 AND status = 'succeeded'")
        .bind(o.order_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(succeeded, 1);
    assert_eq!(jobs_of(&pool, "payment.refund").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_wrong_amount_is_refunded_not_accepted(pool: PgPool) {
    let rates = ShippingRates::default();
    let game = product(&pool, "games", 5999, 5).await;
    let o = start_checkout(&pool, &request(game, 1, false), &rates, 10).await.unwrap();
    let short = paid_event(o.order_id, 100, "ch_1", "ev_1");
    assert_eq!(payment_succeeded(&pool, &short).await.unwrap(), PaymentOutcome::RefundQueued);
    assert_eq!(status(&pool, o.order_id).await, OrderStatus::PendingPayment);
}

#[sqlx::test(migrations = "../migrations")]
async fn expired_holds_give_stock_back(pool: PgPool) {
    let rates = ShippingRates::default();
    let ring = product(&pool, "jewelry", 24_900, 2).await;
    let o = start_checkout(&pool, &request(ring, 2, true), &rates, 10).await.unwrap();
    assert_eq!(stock(&pool, ring).await, 0);
    assert_eq!(release_expired_holds(&pool).await.unwrap(), 0, "not expired yet");
    sqlx::query("UPDATE stock_holds SET expires_at = now() - interval '1 second'").execute(&pool).await.unwrap();
    assert_eq!(release_expired_holds(&pool).await.unwrap(), 1);
    assert_eq!(stock(&pool, ring).await, 2);
    assert_eq!(status(&pool, o.order_id).await, OrderStatus::Cancelled);
    assert_ledger_balances(&pool, ring, 2).await;
    // Payment arriving after the hold ended is refunded, and the stock stays with the shop.
    let late = paid_event(o.order_id, o.totals.total_minor, "ch_late", "ev_late");
    assert_eq!(payment_succeeded(&pool, &late).await.unwrap(), PaymentOutcome::RefundQueued);
    assert_eq!(status(&pool, o.order_id).await, OrderStatus::Cancelled);
}

#[sqlx::test(migrations = "../migrations")]
async fn prices_and_quantities_come_from_the_database(pool: PgPool) {
    let rates = ShippingRates::default();
    let ring = product(&pool, "jewelry", 24_900, 50).await;
    let mut too_many = request(ring, 11, true);
    assert!(matches!(start_checkout(&pool, &too_many, &rates, 10).await, Err(CheckoutError::Pricing(_))), "max 10 per order");
    too_many.lines = vec![(ring, 0)];
    assert!(matches!(start_checkout(&pool, &too_many, &rates, 10).await, Err(CheckoutError::Pricing(_))));
    let mut no_shipping = request(ring, 1, true);
    no_shipping.shipping = None;
    assert!(matches!(start_checkout(&pool, &no_shipping, &rates, 10).await, Err(CheckoutError::Pricing(_))));
    let mut bad_address = request(ring, 1, true);
    bad_address.shipping.as_mut().unwrap().1.country = "Narnia".into();
    assert!(matches!(start_checkout(&pool, &bad_address, &rates, 10).await, Err(CheckoutError::Address(_))));
    let unknown = request(i64::MAX, 1, false);
    assert!(matches!(start_checkout(&pool, &unknown, &rates, 10).await, Err(CheckoutError::UnknownVariant)));
    assert_eq!(stock(&pool, ring).await, 50, "failed checkouts hold nothing");
    // The database refuses what the code should never write.
    let o = start_checkout(&pool, &request(ring, 1, true), &rates, 10).await.unwrap();
    assert_eq!(o.totals.total_minor, 24_900 + 495);
    let negative = sqlx::query("UPDATE orders SET discount_minor = subtotal_minor + 1 WHERE id = $1").bind(o.order_id).execute(&pool).await;
    assert!(negative.is_err());
    let below_zero = sqlx::query("UPDATE variants SET stock = -1 WHERE id = $1").bind(ring).execute(&pool).await;
    assert!(below_zero.is_err());
}

#[sqlx::test(migrations = "../migrations")]
async fn discount_codes_have_limits(pool: PgPool) {
    let rates = ShippingRates::default();
    let game = product(&pool, "games", 10_000, 50).await;
    sqlx::query(
        "INSERT INTO discount_codes (code, kind, value, min_subtotal_minor, usage_limit, per_customer_limit)
         VALUES ('TEN', 'percent', 10, 5000, 2, 1), ('OLD', 'fixed', 500, 0, NULL, NULL)",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("UPDATE discount_codes SET expires_at = now() - interval '1 day' WHERE code = 'OLD'").execute(&pool).await.unwrap();
    let with = |code: &str, email: &str| {
        let mut r = request(game, 1, false);
        r.discount_code = Some(code.into());
        r.email = Email::parse(email).unwrap();
        r
    };
    let o = start_checkout(&pool, &with("ten", "a@example.com"), &rates, 10).await.unwrap();
    assert_eq!((o.totals.discount_minor, o.totals.total_minor), (1000, 9000));
    assert!(matches!(start_checkout(&pool, &with("TEN", "a@example.com"), &rates, 10).await, Err(CheckoutError::Discount(m)) if m.contains("already used")));
    start_checkout(&pool, &with("TEN", "b@example.com"), &rates, 10).await.unwrap();
    assert!(matches!(start_checkout(&pool, &with("TEN", "c@example.com"), &rates, 10).await, Err(CheckoutError::Discount(m)) if m.contains("used up")));
    assert!(matches!(start_checkout(&pool, &with("OLD", "d@example.com"), &rates, 10).await, Err(CheckoutError::Discount(m)) if m.contains("expired")));
    assert!(matches!(start_checkout(&pool, &with("NOPE", "d@example.com"), &rates, 10).await, Err(CheckoutError::Discount(_))));
}

/// The database's transition table is the same as the code's, and an illegal update fails.
#[sqlx::test(migrations = "../migrations")]
async fn order_transitions_are_enforced_by_the_database(pool: PgPool) {
    for from in OrderStatus::ALL {
        for to in OrderStatus::ALL {
            let db: bool = sqlx::query_scalar("SELECT order_transition_allowed($1, $2)")
                .bind(from.as_str())
                .bind(to.as_str())
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(db, from.can_become(to), "{from:?} -> {to:?}");
        }
    }
    let game = product(&pool, "games", 5999, 5).await;
    let o = start_checkout(&pool, &request(game, 1, false), &ShippingRates::default(), 10).await.unwrap();
    let err = sqlx::query("UPDATE orders SET status = 'shipped' WHERE id = $1").bind(o.order_id).execute(&pool).await.unwrap_err();
    assert!(err.to_string().contains("illegal order transition"), "{err}");
}

struct FailingTwice;

#[async_trait::async_trait]
impl JobHandler for FailingTwice {
    async fn handle(&self, conn: &mut PgConnection, job: &Job) -> Result<(), String> {
        // Work done before failing is rolled back with the attempt.
        sqlx::query("INSERT INTO dev_mailbox (to_address, subject, body) VALUES ('x@example.com', 'attempt', '')")
            .execute(&mut *conn)
            .await
            .map_err(|e| e.to_string())?;
        if job.attempts < 2 { Err("smtp down".into()) } else { Ok(()) }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn jobs_retry_with_backoff_then_succeed_or_die(pool: PgPool) {
    let mut conn = pool.acquire().await.unwrap();
    jobs::enqueue(&mut conn, "email.test", serde_json::json!({}), Some("once")).await.unwrap();
    jobs::enqueue(&mut conn, "email.test", serde_json::json!({}), Some("once")).await.unwrap();
    assert_eq!(jobs_of(&pool, "email.test").await, 1, "deduplicated");
    let handler: Arc<dyn JobHandler> = Arc::new(FailingTwice);
    for attempt in 1..=3 {
        assert!(jobs::run_one(&pool, handler.as_ref()).await.unwrap(), "attempt {attempt}");
        assert!(!jobs::run_one(&pool, handler.as_ref()).await.unwrap(), "not due again before its back-off");
        sqlx::query("UPDATE jobs SET run_at = now()").execute(&pool).await.unwrap();
    }
    let (status, attempts): (String, i32) = sqlx::query_as("SELECT status, attempts FROM jobs").fetch_one(&pool).await.unwrap();
    assert_eq!((status.as_str(), attempts), ("done", 3));
    let mails: i64 = sqlx::query_scalar("SELECT count(*) FROM dev_mailbox").fetch_one(&pool).await.unwrap();
    assert_eq!(mails, 1, "only the successful attempt's work is kept");

    sqlx::query("INSERT INTO jobs (kind, payload, max_attempts) VALUES ('email.test', '{}', 2)").execute(&pool).await.unwrap();
    struct Never;
    #[async_trait::async_trait]
    impl JobHandler for Never {
        async fn handle(&self, _: &mut PgConnection, _: &Job) -> Result<(), String> {
            Err("permanent".into())
        }
    }
    for _ in 0..2 {
        assert!(jobs::run_one(&pool, &Never).await.unwrap());
        sqlx::query("UPDATE jobs SET run_at = now()").execute(&pool).await.unwrap();
    }
    let dead: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status = 'dead'").fetch_one(&pool).await.unwrap();
    assert_eq!(dead, 1);
    assert!(!jobs::run_one(&pool, &Never).await.unwrap(), "dead jobs are not run");
    assert_eq!(jobs::backoff_secs(1), 2);
    assert_eq!(jobs::backoff_secs(40), 3600);
}
