//! Partial refunds on a real database: amounts (the discount's share, shipping with the last unit,
//! never more than paid), the same request twice is one refund, stock and keys per unit, the
//! provider refund retried after a failure, shipping what is left.
use super::fulfilment::{refund_part, ship, FulfilmentError};
use super::payment::payment_succeeded;
use super::place::start_checkout;
use super::refund::{RefundAsk, Refunded};
use super::tests::{assert_ledger_sum, effects, jobs_of, mails_to, paid_event, request, staff, status, stock};
use crate::checkout::pricing::ShippingRates;
use crate::orders::model::OrderStatus;
use crate::payments::gateway::BuiltinGateway;
use crate::payments::{PaymentError, PaymentProvider, PaymentRequest, StartedPayment, WebhookError, WebhookEvent};
use crate::platform::jobs;
use sqlx::PgPool;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

fn ask(lines: &[(i64, i32)], amount: Option<i64>, restock: bool, key: &str) -> RefundAsk {
    RefundAsk { lines: lines.to_vec(), amount_minor: amount, restock, reason: "returned".into(), request_key: key.into() }
}

/// The order's money and its refunds as the database has them.
async fn money(pool: &PgPool, order: Uuid) -> (i64, i64, i64) {
    sqlx::query_as("SELECT total_minor, refunded_minor, (SELECT count(*) FROM refunds WHERE order_id = o.id) FROM orders o WHERE id = $1")
        .bind(order)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Two rings (100.00 and 150.00) with 10 % off and standard shipping, paid.
async fn two_rings(pool: &PgPool) -> (Uuid, i64, i64, i64) {
    let a = crate::catalog::ssr::tests::product(pool, "jewelry", 10_000, 5).await;
    let b = crate::catalog::ssr::tests::product(pool, "jewelry", 15_000, 5).await;
    sqlx::query("INSERT INTO discount_codes (code, kind, value, min_subtotal_minor) VALUES ('TENOFF', 'percent', 10, 0)")
        .execute(pool)
        .await
        .unwrap();
    let mut req = request(a, 1, true);
    req.lines.push((b, 1));
    req.discount_code = Some("TENOFF".into());
    let started = start_checkout(pool, &req, &ShippingRates::default(), 10).await.unwrap();
    assert_eq!(started.totals.total_minor, 25_000 - 2_500 + 495);
    payment_succeeded(pool, &paid_event(started.order_id, started.totals.total_minor, "ch_two", "evt_two")).await.unwrap();
    (started.order_id, started.totals.total_minor, a, b)
}

/// A ring of two: its price less its share of the discount comes back, once however often the
/// form is sent; bad requests change nothing; the other ring still ships, and its refund brings
/// back everything left (shipping too) and makes the order refunded.
#[sqlx::test(migrations = "../migrations")]
async fn one_ring_of_two_then_the_other(pool: PgPool) {
    let (order, total, a, b) = two_rings(&pool).await;
    assert_eq!((stock(&pool, a).await, stock(&pool, b).await), (4, 4));

    let first = refund_part(&pool, order, &ask(&[(a, 1)], None, true, "refund-key-0001"), &staff(), None).await.unwrap();
    assert_eq!((first.amount_minor, first.replay), (9_000, false), "100.00 less its 10.00 share of the discount");
    assert_eq!(status(&pool, order).await, OrderStatus::PartiallyRefunded);
    assert_eq!(stock(&pool, a).await, 5, "the returned ring is back on sale");
    // The same form sent again: the same refund, nothing more.
    let again = refund_part(&pool, order, &ask(&[(a, 1)], None, true, "refund-key-0001"), &staff(), None).await.unwrap();
    assert_eq!(again, Refunded { replay: true, ..first });
    assert_eq!(money(&pool, order).await, (total, 9_000, 1));
    assert_eq!(stock(&pool, a).await, 5);
    assert_eq!(jobs_of(&pool, "payment.refund").await, 1);
    let audits: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'order.refund_part'").fetch_one(&pool).await.unwrap();
    assert_eq!(audits, 1);

    // Refused, and nothing changes: a unit already refunded, an amount above what is left, nothing
    // at all, an item not on the order, above support's limit.
    let refused = [
        (ask(&[(a, 1)], None, true, "refund-key-0002"), "quantity"),
        (ask(&[], Some(total - 9_000 + 1), true, "refund-key-0003"), "amount"),
        (ask(&[(b, 0)], None, true, "refund-key-0004"), "nothing"),
        (ask(&[(a + b + 1000, 1)], None, true, "refund-key-0005"), "line"),
    ];
    for (bad, what) in refused {
        let e = refund_part(&pool, order, &bad, &staff(), None).await.unwrap_err();
        let ok = match what {
            "quantity" => matches!(e, FulfilmentError::RefundQuantity(_, 0)),
            "amount" => matches!(e, FulfilmentError::RefundAmount(left) if left == total - 9_000),
            "nothing" => matches!(e, FulfilmentError::NothingToRefund),
            _ => matches!(e, FulfilmentError::NoSuchLine),
        };
        assert!(ok, "{what}: {e:?}");
    }
    let e = refund_part(&pool, order, &ask(&[(b, 1)], None, true, "refund-key-0006"), &staff(), Some(10_000)).await.unwrap_err();
    assert!(matches!(e, FulfilmentError::AboveLimit(10_000)), "{e:?}");
    assert_eq!(money(&pool, order).await, (total, 9_000, 1));
    assert_eq!((stock(&pool, a).await, stock(&pool, b).await), (5, 4));

    // What is left ships, and the order stays partly refunded.
    ship(&pool, order, "1Z999AA10123456784", &staff()).await.unwrap();
    assert_eq!(status(&pool, order).await, OrderStatus::PartiallyRefunded);
    assert!(matches!(ship(&pool, order, "1Z999AA10123456784", &staff()).await, Err(FulfilmentError::NotAllowed(..))));

    // The second ring came back after shipping and is not put back on sale.
    let last = refund_part(&pool, order, &ask(&[(b, 1)], None, false, "refund-key-0007"), &staff(), None).await.unwrap();
    assert_eq!(last.amount_minor, total - 9_000, "everything left, shipping included");
    assert_eq!(status(&pool, order).await, OrderStatus::Refunded);
    assert_eq!(money(&pool, order).await, (total, total, 2));
    assert_eq!(stock(&pool, b).await, 4);
    assert_ledger_sum(&pool, a, 5).await;
    let payment: String = sqlx::query_scalar("SELECT status FROM payments WHERE order_id = $1").bind(order).fetch_one(&pool).await.unwrap();
    assert_eq!(payment, "refunded");
    assert!(matches!(
        refund_part(&pool, order, &ask(&[], Some(1), true, "refund-key-0008"), &staff(), None).await,
        Err(FulfilmentError::NotAllowed(..))
    ));

    // Each refund reached the provider with its own amount, and the buyer got an e-mail for each.
    let effects = effects(&pool, Arc::new(BuiltinGateway::new(vec![crate::payments::DEV_WEBHOOK_SECRET.into()])));
    while jobs::run_one(&pool, &effects).await.unwrap() {}
    let amounts: Vec<i64> = sqlx::query_scalar("SELECT (payload->>'amount_minor')::bigint FROM jobs WHERE kind = 'payment.refund' AND status = 'done' ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(amounts, vec![9_000, total - 9_000]);
    let mails = mails_to(&pool, "Refund for order #%").await;
    assert_eq!(mails.len(), 2);
    assert!(mails[0].contains("We refunded 90.00 EUR") && mails[0].contains("- 1 × "), "{}", mails[0]);
}

/// An amount alone (goodwill) changes no line; "0" with units gives the units back without money.
#[sqlx::test(migrations = "../migrations")]
async fn an_amount_alone_or_units_alone(pool: PgPool) {
    let (order, total, a, _) = two_rings(&pool).await;
    let goodwill = refund_part(&pool, order, &ask(&[], Some(1_500), true, "goodwill-0001"), &staff(), None).await.unwrap();
    assert_eq!(goodwill.amount_minor, 1_500);
    let lines: i64 = sqlx::query_scalar("SELECT sum(refunded_quantity) FROM order_lines WHERE order_id = $1").bind(order).fetch_one(&pool).await.unwrap();
    assert_eq!(lines, 0);
    refund_part(&pool, order, &ask(&[(a, 1)], Some(0), true, "units-only-01"), &staff(), None).await.unwrap();
    assert_eq!(money(&pool, order).await, (total, 1_500, 2));
    assert_eq!(stock(&pool, a).await, 5);
    assert_eq!(jobs_of(&pool, "payment.refund").await, 1, "no provider refund of nothing");
    assert_eq!(status(&pool, order).await, OrderStatus::PartiallyRefunded);
}

/// Keys per unit: units never assigned go first, then unrevealed keys (back to the pool), then
/// revealed ones (kept by the order, out of the library). The assignment job later assigns only
/// the units not refunded.
#[sqlx::test(migrations = "../migrations")]
async fn keys_come_back_only_unrevealed(pool: PgPool) {
    use crate::library::keys::ssr::pool::{assign_for_order, import, library, reveal};
    use crate::library::keys::ssr::tests::{cipher, game, paid_order};
    let c = cipher();
    let v = game(&pool, 0, "games").await;
    let keys: Vec<String> = (1..=5).map(|i| format!("RF-{i}{i}{i}{i}{i}-AAAAA")).collect();
    import(&pool, &c, v, &keys).await.unwrap();
    sqlx::query("UPDATE variants SET stock = stock - 3 WHERE id = $1").bind(v).execute(&pool).await.unwrap(); // sold
    let order = paid_order(&pool, v, 3).await;
    let mut conn = pool.acquire().await.unwrap();
    assign_for_order(&mut conn, order).await.unwrap();
    let mine = library(&pool, &c, None, &[order]).await.unwrap();
    assert_eq!(mine.len(), 3);
    reveal(&pool, mine[0].id, order, None, "198.51.100.1").await.unwrap();

    // Two units: the two unrevealed keys go back to the pool and on sale.
    refund_part(&pool, order, &ask(&[(v, 2)], None, true, "keys-refund-1"), &staff(), None).await.unwrap();
    let available: i64 = sqlx::query_scalar("SELECT count(*) FROM license_keys WHERE variant_id = $1 AND status = 'available'")
        .bind(v)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((available, stock(&pool, v).await), (4, 4));
    let left = library(&pool, &c, None, &[order]).await.unwrap();
    assert_eq!(left.iter().map(|k| k.id).collect::<Vec<_>>(), vec![mine[0].id], "the revealed key stays in the library");
    // The last unit: the revealed key stays with the order but leaves the library; no stock back.
    refund_part(&pool, order, &ask(&[(v, 1)], None, true, "keys-refund-2"), &staff(), None).await.unwrap();
    assert!(library(&pool, &c, None, &[order]).await.unwrap().is_empty());
    assert_eq!(stock(&pool, v).await, 4);
    let kept: Option<Uuid> = sqlx::query_scalar("SELECT order_id FROM license_keys WHERE id = $1").bind(mine[0].id).fetch_one(&pool).await.unwrap();
    assert_eq!(kept, Some(order));
    assert_eq!(status(&pool, order).await, OrderStatus::Refunded);

    // Units whose keys were not assigned yet: the refund takes them first, the job assigns the rest.
    sqlx::query("UPDATE variants SET stock = stock - 2 WHERE id = $1").bind(v).execute(&pool).await.unwrap();
    let second = paid_order(&pool, v, 2).await;
    refund_part(&pool, second, &ask(&[(v, 1)], Some(0), true, "keys-refund-3"), &staff(), None).await.unwrap();
    assert_eq!(stock(&pool, v).await, 3);
    assert_eq!(assign_for_order(&mut conn, second).await.unwrap(), 1);
    assert_eq!(library(&pool, &c, None, &[second]).await.unwrap().len(), 1);
}

/// A payment provider whose refunds fail the first `fail` times (then succeed), recording each call.
struct FlakyRefunds {
    inner: BuiltinGateway,
    fail: Mutex<u32>,
    calls: Mutex<Vec<(String, i64, String)>>,
}

#[async_trait::async_trait]
impl PaymentProvider for FlakyRefunds {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    async fn start_payment(&self, req: &PaymentRequest) -> Result<StartedPayment, PaymentError> {
        self.inner.start_payment(req).await
    }
    fn verify_webhook(&self, header: &str, body: &[u8], now: i64) -> Result<WebhookEvent, WebhookError> {
        self.inner.verify_webhook(header, body, now)
    }
    async fn refund(&self, provider_ref: &str, amount_minor: i64, idempotency_key: &str) -> Result<(), PaymentError> {
        self.calls.lock().unwrap().push((provider_ref.to_owned(), amount_minor, idempotency_key.to_owned()));
        let mut fail = self.fail.lock().unwrap();
        if *fail > 0 {
            *fail -= 1;
            return Err(PaymentError::Unavailable("connection reset".into()));
        }
        Ok(())
    }
}

/// The provider is down when the refund job first runs: the job is tried again later with the
/// same amount and idempotency key, and succeeds; the refund is not made twice.
#[sqlx::test(migrations = "../migrations")]
async fn a_provider_failure_is_retried_with_the_same_key(pool: PgPool) {
    let (order, _, a, _) = two_rings(&pool).await;
    refund_part(&pool, order, &ask(&[(a, 1)], None, true, "flaky-refund-1"), &staff(), None).await.unwrap();
    let flaky = Arc::new(FlakyRefunds {
        inner: BuiltinGateway::new(vec![crate::payments::DEV_WEBHOOK_SECRET.into()]),
        fail: Mutex::new(1),
        calls: Mutex::new(Vec::new()),
    });
    let effects = effects(&pool, flaky.clone());
    while jobs::run_one(&pool, &effects).await.unwrap() {}
    let state: (String, i32) = sqlx::query_as("SELECT status, attempts FROM jobs WHERE kind = 'payment.refund'").fetch_one(&pool).await.unwrap();
    assert_eq!(state, ("queued".to_owned(), 1), "waiting to be tried again");
    sqlx::query("UPDATE jobs SET run_at = now() WHERE kind = 'payment.refund'").execute(&pool).await.unwrap();
    while jobs::run_one(&pool, &effects).await.unwrap() {}
    let calls = flaky.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0], calls[1], "the same charge, amount and idempotency key");
    assert_eq!((calls[0].0.as_str(), calls[0].1), ("ch_two", 9_000));
    let done: String = sqlx::query_scalar("SELECT status FROM jobs WHERE kind = 'payment.refund'").fetch_one(&pool).await.unwrap();
    assert_eq!(done, "done");
}
