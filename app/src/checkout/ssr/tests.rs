//! Checkout, payment and queue rules on a real database, including the race for the last ring.
use super::payment::*;
use super::place::*;
use crate::payments::PaymentEvent;
use crate::platform::jobs::{self, Job, JobError, JobHandler};
use crate::types::Email;
use crate::error::AppError;
use crate::orders::model::OrderStatus;
use crate::checkout::pricing::{ShippingMethod, ShippingRates};
use sqlx::{PgConnection, PgPool};
use std::sync::Arc;
use crate::catalog::ssr::tests::product;
use uuid::Uuid;

/// A staff member for actions the tests take (audited like anyone's).
pub(crate) fn staff() -> crate::platform::audit::Actor {
    crate::platform::audit::Actor { user_id: None, email: "staff@example.com".into(), ip: Some("192.0.2.10".into()) }
}

pub(crate) fn address() -> Address {
    Address {
        name: "Ada Lovelace".into(),
        line1: "1 Analytical Way".into(),
        line2: String::new(),
        city: "London".into(),
        postal_code: "N1 9GU".into(),
        country: "GB".into(),
    }
}

pub(super) fn request(variant: i64, qty: i64, physical: bool) -> CheckoutRequest {
    CheckoutRequest {
        checkout_key: Uuid::new_v4(),
        placed_by: "buyer-session".into(),
        user_id: None,
        email: Email::parse("buyer@example.com").unwrap(),
        lines: vec![(variant, qty)],
        discount_code: None,
        shipping: physical.then(|| (ShippingMethod::Standard, address())),
    }
}

pub(super) async fn stock(pool: &PgPool, variant: i64) -> i32 {
    sqlx::query_scalar("SELECT stock FROM variants WHERE id = $1").bind(variant).fetch_one(pool).await.unwrap()
}

/// Stock at the start plus every ledger delta is the stock now; holds match the ledger.
async fn assert_ledger_balances(pool: &PgPool, variant: i64, initial: i32) {
    assert_ledger_sum(pool, variant, initial).await;
    let held: i64 = sqlx::query_scalar(
        "SELECT coalesce(sum(quantity), 0) FROM stock_holds WHERE variant_id = $1 AND status IN ('active', 'sold')",
    )
    .bind(variant)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(held, initial as i64 - stock(pool, variant).await as i64, "holds account for every missing unit");
}

pub(super) fn paid_event(order: Uuid, amount: i64, charge: &str, event: &str) -> PaymentEvent {
    PaymentEvent {
        provider: "builtin".into(),
        event_id: event.into(),
        provider_ref: charge.into(),
        order_id: order,
        amount_minor: amount,
        currency: "EUR".into(),
    }
}

pub(super) async fn status(pool: &PgPool, order: Uuid) -> OrderStatus {
    let s: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1").bind(order).fetch_one(pool).await.unwrap();
    OrderStatus::parse(&s).unwrap()
}

pub(super) async fn jobs_of(pool: &PgPool, kind: &str) -> i64 {
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

/// A limited drop cannot be ordered before its launch, and can be from the second it launches.
#[sqlx::test(migrations = "../migrations")]
async fn a_drop_is_not_sold_before_its_launch(pool: PgPool) {
    let rates = ShippingRates::default();
    let game = product(&pool, "games", 2_999, 5).await;
    sqlx::query("UPDATE products SET launch_at = now() + interval '1 hour' FROM variants v WHERE v.id = $1 AND products.id = v.product_id")
        .bind(game)
        .execute(&pool)
        .await
        .unwrap();
    let err = start_checkout(&pool, &request(game, 1, false), &rates, 10).await.unwrap_err();
    assert!(matches!(&err, CheckoutError::NotOnSale { .. }), "{err:?}");
    assert!(err.to_string().contains("not on sale yet: it launches on "), "{err}");
    assert_eq!(stock(&pool, game).await, 5, "nothing held");
    sqlx::query("UPDATE products SET launch_at = now() FROM variants v WHERE v.id = $1 AND products.id = v.product_id")
        .bind(game)
        .execute(&pool)
        .await
        .unwrap();
    start_checkout(&pool, &request(game, 1, false), &rates, 10).await.unwrap();
    assert_eq!(stock(&pool, game).await, 4);
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
    async fn handle(&self, conn: &mut PgConnection, job: &Job) -> Result<(), JobError> {
        // Work done before failing is rolled back with the attempt.
        sqlx::query("INSERT INTO dev_mailbox (to_address, subject, body) VALUES ('x@example.com', 'attempt', '')")
            .execute(&mut *conn)
            .await?;
        if job.attempts < 2 { Err(JobError::Failed("smtp down".into())) } else { Ok(()) }
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
        async fn handle(&self, _: &mut PgConnection, _: &Job) -> Result<(), JobError> {
            Err(JobError::Failed("permanent".into()))
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

/// A game order for one unit, placed; returns (order id, total).
async fn placed_order(pool: &PgPool, department: &str, price: i64, stock: i32) -> (Uuid, i64, i64) {
    let variant = product(pool, department, price, stock).await;
    let started = start_checkout(pool, &request(variant, 1, department == "jewelry"), &ShippingRates::default(), 10)
        .await
        .unwrap();
    (started.order_id, started.totals.total_minor, variant)
}

mod stripe_provider {
    use super::*;
    use super::super::payment::receive_webhook;
    use crate::payments::{PaymentError, PaymentProvider, PaymentRequest};
    use crate::payments::stripe::{StripeProvider, StripeSettings};
    use crate::payments::signature;
    use crate::payments::stripe_standin::StripeStandin;

    const SECRET_KEY: &str = "sk_test_standin_key";
    const WEBHOOK_SECRET: &str = "whsec_standin_signing_secret";

    fn provider(standin: &StripeStandin, key: &str, secrets: &[&str]) -> StripeProvider {
        StripeProvider::new(
            StripeSettings { api_base: standin.base_url.clone(), secret_key: key.into(), publishable_key: "pk_test_x".into() },
            secrets.iter().map(|s| s.to_string()).collect(),
        )
    }

    async fn pay_request(pool: &PgPool, order: Uuid) -> PaymentRequest {
        let (number, total, currency, email): (i64, i64, String, String) =
            sqlx::query_as("SELECT number, total_minor, currency::text, email::text FROM orders WHERE id = $1")
                .bind(order)
                .fetch_one(pool)
                .await
                .unwrap();
        PaymentRequest { order_id: order, number, amount_minor: total, currency, email }
    }

    /// A declined card, then a good one, with the webhooks Stripe would send: one payment, one
    /// intent however often the payment is started, replays change nothing, refunds happen once.
    #[sqlx::test(migrations = "../migrations")]
    async fn payment_intents_webhooks_and_refunds(pool: PgPool) {
        let standin = StripeStandin::start(SECRET_KEY, WEBHOOK_SECRET).await;
        // Rotation: the shop verifies with the new and the old secret.
        let stripe = provider(&standin, SECRET_KEY, &["whsec_the_new_secret_value", WEBHOOK_SECRET]);
        let (order, total, _) = placed_order(&pool, "games", 5_999, 10).await;
        let req = pay_request(&pool, order).await;

        let first = stripe.start_payment(&req).await.unwrap();
        let again = stripe.start_payment(&req).await.unwrap();
        assert_eq!(first, again, "a retried start is the same PaymentIntent");
        assert_eq!(standin.intent_count(), 1);
        assert!(first.client_secret.as_deref().is_some_and(|s| s.starts_with(&first.provider_ref)));
        payment_started(&pool, stripe.name(), order, &first.provider_ref, total).await.unwrap();

        // Declined: the failure is recorded, the order stays payable.
        standin.confirm(&first.provider_ref, "pm_card_chargeDeclined").await;
        for (header, body) in standin.take_events() {
            let now = chrono::Utc::now().timestamp();
            assert_eq!(receive_webhook(&pool, &stripe, &header, &body, now).await.unwrap(), None);
        }
        assert_eq!(status(&pool, order).await, OrderStatus::PendingPayment);
        let failed: String = sqlx::query_scalar("SELECT status FROM payments WHERE provider_ref = $1")
            .bind(&first.provider_ref)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(failed, "failed");

        // A good card: paid once, however often the event is delivered.
        standin.confirm(&first.provider_ref, "pm_card_visa").await;
        let events = standin.take_events();
        assert_eq!(events.len(), 1);
        let (header, body) = &events[0];
        let now = chrono::Utc::now().timestamp();
        assert_eq!(receive_webhook(&pool, &stripe, header, body, now).await.unwrap(), Some(PaymentOutcome::Paid));
        assert_eq!(
            receive_webhook(&pool, &stripe, header, body, now).await.unwrap(),
            Some(PaymentOutcome::AlreadyProcessed)
        );
        assert_eq!(status(&pool, order).await, OrderStatus::Paid);
        let paid: (i64, String) = sqlx::query_as("SELECT amount_minor, status FROM payments WHERE provider_ref = $1")
            .bind(&first.provider_ref)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(paid, (total, "succeeded".into()));

        // A tampered body, a foreign secret, an old timestamp: refused, nothing changes.
        let mut tampered = body.clone();
        let at = tampered.windows(6).position(|w| w == b"amount").unwrap();
        tampered[at] = b'A';
        assert!(receive_webhook(&pool, &stripe, header, &tampered, now).await.is_err());
        let foreign = signature::sign("whsec_not_ours_at_all", now, body);
        assert!(receive_webhook(&pool, &stripe, &foreign, body, now).await.is_err());
        assert!(receive_webhook(&pool, &stripe, header, body, now + 301).await.is_err());

        // Refunds: once per idempotency key, never more than was paid.
        stripe.refund(&first.provider_ref, total, "refund-1").await.unwrap();
        stripe.refund(&first.provider_ref, total, "refund-1").await.unwrap();
        assert_eq!(standin.refunds().len(), 1);
        assert!(matches!(stripe.refund(&first.provider_ref, 1, "refund-2").await, Err(PaymentError::Refused(_))));

        // A wrong API key is the shop's problem, not a message for the shopper.
        let wrong = provider(&standin, "sk_test_wrong", &[WEBHOOK_SECRET]);
        assert!(matches!(wrong.start_payment(&req).await, Err(PaymentError::Unavailable(_))));
        // So is a provider that cannot be reached.
        let down = StripeProvider::new(
            StripeSettings { api_base: "http://127.0.0.1:1".into(), secret_key: SECRET_KEY.into(), publishable_key: "pk".into() },
            vec![WEBHOOK_SECRET.into()],
        );
        assert!(matches!(down.start_payment(&req).await, Err(PaymentError::Unavailable(_))));
    }

    /// The staff refund job goes through the provider, once however often the job runs.
    #[sqlx::test(migrations = "../migrations")]
    async fn a_staff_refund_reaches_stripe_once(pool: PgPool) {
        let standin = StripeStandin::start(SECRET_KEY, WEBHOOK_SECRET).await;
        let stripe = Arc::new(provider(&standin, SECRET_KEY, &[WEBHOOK_SECRET]));
        let (order, total, _) = placed_order(&pool, "games", 2_500, 10).await;
        let started = stripe.start_payment(&pay_request(&pool, order).await).await.unwrap();
        standin.confirm(&started.provider_ref, "pm_card_visa").await;
        let (header, body) = standin.take_events().remove(0);
        receive_webhook(&pool, stripe.as_ref(), &header, &body, chrono::Utc::now().timestamp()).await.unwrap();

        assert_eq!(crate::checkout::ssr::fulfilment::refund(&pool, order, &staff(), None).await.unwrap(), total);
        let effects = effects(&pool, stripe.clone());
        while jobs::run_one(&pool, &effects).await.unwrap() {}
        let refunds = standin.refunds();
        assert_eq!(refunds.len(), 1);
        assert_eq!(refunds[0]["amount"], total);
        assert_eq!(refunds[0]["payment_intent"], started.provider_ref.as_str());
        assert_eq!(status(&pool, order).await, OrderStatus::Refunded);
        // Run the same job again (a crash after the call, before it was marked done): Stripe's
        // idempotency key makes it one refund.
        sqlx::query("UPDATE jobs SET status = 'queued', run_at = now() WHERE kind = 'payment.refund'").execute(&pool).await.unwrap();
        while jobs::run_one(&pool, &effects).await.unwrap() {}
        assert_eq!(standin.refunds().len(), 1);
    }
}

pub(crate) fn effects(pool: &PgPool, payments: Arc<dyn crate::payments::PaymentProvider>) -> super::effects::OrderEffects {
    super::effects::OrderEffects {
        pool: pool.clone(),
        mailer: Arc::new(crate::mail::ssr::DevMailbox::new(pool.clone())),
        payments,
        webhook_secrets: vec![crate::payments::DEV_WEBHOOK_SECRET.into()],
        shop_name: "Test Shop".into(),
        base_url: "https://shop.example".into(),
    }
}

pub(super) async fn mails_to(pool: &PgPool, subject_like: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT body FROM dev_mailbox WHERE subject LIKE $1 ORDER BY id")
        .bind(subject_like)
        .fetch_all(pool)
        .await
        .unwrap()
}

/// The built-in gateway's slow card: the confirmation is a job due a few seconds later; it pays the
/// order once even when the job runs twice.
#[sqlx::test(migrations = "../migrations")]
async fn a_late_confirmation_pays_once(pool: PgPool) {
    use crate::payments::gateway::{BuiltinGateway, GatewayEvent};
    let (order, total, _) = placed_order(&pool, "games", 1_999, 10).await;
    let event = GatewayEvent::success(order, total, "EUR");
    let mut conn = pool.acquire().await.unwrap();
    jobs::enqueue_after(&mut conn, "payment.builtin_confirm", serde_json::to_value(&event).unwrap(), None, 0).await.unwrap();
    jobs::enqueue_after(&mut conn, "payment.builtin_confirm", serde_json::to_value(&event).unwrap(), None, 0).await.unwrap();
    let effects = effects(&pool, Arc::new(BuiltinGateway::new(vec![crate::payments::DEV_WEBHOOK_SECRET.into()])));
    while jobs::run_one(&pool, &effects).await.unwrap() {}
    assert_eq!(status(&pool, order).await, OrderStatus::Paid);
    let payments: i64 = sqlx::query_scalar("SELECT count(*) FROM payments WHERE order_id = $1").bind(order).fetch_one(&pool).await.unwrap();
    assert_eq!(payments, 1);
    assert_eq!(jobs_of(&pool, "payment.refund").await, 0);
    // Its e-mails went out, with the order's unguessable link.
    let token: String = sqlx::query_scalar("SELECT access_token FROM orders WHERE id = $1").bind(order).fetch_one(&pool).await.unwrap();
    assert_eq!(token.len(), 64);
    let confirmation = mails_to(&pool, "Order confirmation%").await;
    assert_eq!(confirmation.len(), 1);
    assert!(confirmation[0].contains(&format!("https://shop.example/order/{order}?token={token}")), "{}", confirmation[0]);
    assert!(crate::orders::ssr::queries::token_matches(&pool, order, &token).await.unwrap());
    assert!(!crate::orders::ssr::queries::token_matches(&pool, order, &token[..63]).await.unwrap());
    assert!(!crate::orders::ssr::queries::token_matches(&pool, order, &"0".repeat(64)).await.unwrap());
}

/// Staff ship a paid ring with a tracking number; refunds return unshipped stock and are final.
#[sqlx::test(migrations = "../migrations")]
async fn shipping_and_refunds_follow_the_rules(pool: PgPool) {
    use super::fulfilment::{refund, ship, FulfilmentError};
    use crate::payments::gateway::BuiltinGateway;
    let effects = effects(&pool, Arc::new(BuiltinGateway::new(vec![crate::payments::DEV_WEBHOOK_SECRET.into()])));

    // Not paid yet: nothing to ship or refund.
    let (ring_order, ring_total, ring) = placed_order(&pool, "jewelry", 24_900, 3).await;
    assert!(matches!(ship(&pool, ring_order, "1Z999AA10123456784", &staff()).await, Err(FulfilmentError::NotAllowed(..))));
    assert!(matches!(refund(&pool, ring_order, &staff(), None).await, Err(FulfilmentError::NotAllowed(..))));
    payment_succeeded(&pool, &paid_event(ring_order, ring_total, "ch_ring", "evt_ring")).await.unwrap();
    assert_eq!(stock(&pool, ring).await, 2);

    // A bad tracking number changes nothing; a good one ships and tells the buyer.
    for bad in ["", "x", "<script>", &"9".repeat(65)] {
        assert!(matches!(ship(&pool, ring_order, bad, &staff()).await, Err(FulfilmentError::Tracking)), "{bad:?}");
    }
    assert_eq!(status(&pool, ring_order).await, OrderStatus::Paid);
    ship(&pool, ring_order, " 1z999aa10123456784 ", &staff()).await.unwrap();
    assert_eq!(status(&pool, ring_order).await, OrderStatus::Shipped);
    assert!(matches!(ship(&pool, ring_order, "1Z999AA10123456784", &staff()).await, Err(FulfilmentError::NotAllowed(..))));
    // Refunding a shipped ring: money back, but the ring is not back on the shelf.
    assert_eq!(refund(&pool, ring_order, &staff(), None).await.unwrap(), ring_total);
    assert_eq!(stock(&pool, ring).await, 2);
    assert!(matches!(refund(&pool, ring_order, &staff(), None).await, Err(FulfilmentError::NotAllowed(..))));

    // A game has nothing to ship; refunding a paid, unshipped ring puts it back in stock.
    let (game_order, game_total, _) = placed_order(&pool, "games", 5_999, 10).await;
    payment_succeeded(&pool, &paid_event(game_order, game_total, "ch_game", "evt_game")).await.unwrap();
    assert!(matches!(ship(&pool, game_order, "1Z999AA10123456784", &staff()).await, Err(FulfilmentError::NothingToShip)));
    let (second, second_total, ring2) = placed_order(&pool, "jewelry", 9_900, 1).await;
    payment_succeeded(&pool, &paid_event(second, second_total, "ch_ring2", "evt_ring2")).await.unwrap();
    assert_eq!(stock(&pool, ring2).await, 0);
    refund(&pool, second, &staff(), None).await.unwrap();
    assert_eq!(stock(&pool, ring2).await, 1);
    assert_ledger_sum(&pool, ring2, 1).await;

    while jobs::run_one(&pool, &effects).await.unwrap() {}
    let shipped = mails_to(&pool, "Order #% has shipped%").await;
    assert_eq!(shipped.len(), 1);
    assert!(shipped[0].contains("Tracking number: 1Z999AA10123456784"), "{}", shipped[0]);
    let refunded = mails_to(&pool, "Refund for order #%").await;
    assert_eq!(refunded.len(), 2);
    assert!(refunded.iter().any(|m| m.contains(&format!("We refunded {}.{:02} EUR", ring_total / 100, ring_total % 100))));
    let dead: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status <> 'done'").fetch_one(&pool).await.unwrap();
    assert_eq!(dead, 0, "every job ran");
}

pub(super) async fn assert_ledger_sum(pool: &PgPool, variant: i64, initial: i32) {
    let sum: i64 = sqlx::query_scalar("SELECT coalesce(sum(delta), 0) FROM stock_ledger WHERE variant_id = $1")
        .bind(variant)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(initial as i64 + sum, stock(pool, variant).await as i64, "ledger balances");
}

// --- Security findings: idempotency per buyer, discounts per customer, webhook payloads ---------

/// The same checkout key from another buyer is another order; from the same buyer, the same one.
#[sqlx::test(migrations = "../migrations")]
async fn a_checkout_key_is_idempotent_per_buyer_only(pool: PgPool) {
    let rates = ShippingRates::default();
    let game = product(&pool, "games", 5999, 10).await;
    let alice = request(game, 1, false);
    let mut mallory = alice.clone();
    mallory.placed_by = "another-session".into();
    mallory.email = Email::parse("mallory@example.com").unwrap();
    let a = start_checkout(&pool, &alice, &rates, 10).await.unwrap();
    let m = start_checkout(&pool, &mallory, &rates, 10).await.unwrap();
    assert!(m.created, "a new order, as for any unknown key");
    assert_ne!(a.order_id, m.order_id);
    assert_eq!(start_checkout(&pool, &alice, &rates, 10).await.unwrap().order_id, a.order_id);
    assert_eq!(start_checkout(&pool, &mallory, &rates, 10).await.unwrap().order_id, m.order_id);
    assert_eq!(stock(&pool, game).await, 8);
}

/// "Once per customer": a signed-in account is one customer whatever e-mail it types; a guest's
/// address counts without case or `+tag`.
#[sqlx::test(migrations = "../migrations")]
async fn once_per_customer_means_the_account_or_the_canonical_address(pool: PgPool) {
    let rates = ShippingRates::default();
    let game = product(&pool, "games", 10_000, 50).await;
    sqlx::query("INSERT INTO discount_codes (code, kind, value, min_subtotal_minor, per_customer_limit) VALUES ('ONCE', 'percent', 10, 0, 1)")
        .execute(&pool)
        .await
        .unwrap();
    let user: Uuid = sqlx::query_scalar("INSERT INTO users (provider, subject, email) VALUES ('builtin', 's1', 'acc@example.com') RETURNING id")
        .fetch_one(&pool)
        .await
        .unwrap();
    let with = |email: &str, user_id: Option<Uuid>| {
        let mut r = request(game, 1, false);
        r.discount_code = Some("ONCE".into());
        r.email = Email::parse(email).unwrap();
        r.user_id = user_id;
        r
    };
    let used = |r: Result<StartedCheckout, CheckoutError>| matches!(r, Err(CheckoutError::Discount(m)) if m.contains("already used"));
    start_checkout(&pool, &with("one@example.com", Some(user)), &rates, 10).await.unwrap();
    for other in ["two@example.com", "three@example.com", "x+1@example.com"] {
        assert!(used(start_checkout(&pool, &with(other, Some(user)), &rates, 10).await), "account typing {other}");
    }
    start_checkout(&pool, &with("Guest+shop@Example.com", None), &rates, 10).await.unwrap();
    for same in ["guest@example.com", "GUEST+other@example.com", "guest+@example.com"] {
        assert!(used(start_checkout(&pool, &with(same, None), &rates, 10).await), "guest {same}");
    }
    start_checkout(&pool, &with("guest2@example.com", None), &rates, 10).await.unwrap();
    assert_eq!(canonical_email("A.B+x+y@Example.COM"), "a.b@example.com");

    // Twenty concurrent uses by one account: one wins.
    let user2: Uuid = sqlx::query_scalar("INSERT INTO users (provider, subject, email) VALUES ('builtin', 's2', 'acc2@example.com') RETURNING id")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (pool, req) = (pool.clone(), with(&format!("typed{i}@example.com"), Some(user2)));
        tasks.push(tokio::spawn(async move { start_checkout(&pool, &req, &rates, 10).await.is_ok() }));
    }
    let mut won = 0;
    for t in tasks {
        won += usize::from(t.await.unwrap());
    }
    assert_eq!(won, 1);
}

/// The right amount in another currency is not a payment for the order: refunded, never paid.
#[sqlx::test(migrations = "../migrations")]
async fn a_payment_in_another_currency_is_refunded_not_accepted(pool: PgPool) {
    let rates = ShippingRates::default();
    let game = product(&pool, "games", 5999, 5).await;
    let o = start_checkout(&pool, &request(game, 1, false), &rates, 10).await.unwrap();
    for (i, currency) in ["USD", "JPY", "GBP"].into_iter().enumerate() {
        let mut ev = paid_event(o.order_id, 5999, &format!("ch_{i}"), &format!("ev_{i}"));
        ev.currency = currency.into();
        assert_eq!(payment_succeeded(&pool, &ev).await.unwrap(), PaymentOutcome::RefundQueued, "{currency}");
        assert_eq!(status(&pool, o.order_id).await, OrderStatus::PendingPayment);
    }
    let mut ok = paid_event(o.order_id, 5999, "ch_ok", "ev_ok");
    ok.currency = "eur".into();
    assert_eq!(payment_succeeded(&pool, &ok).await.unwrap(), PaymentOutcome::Paid, "the same currency in lower case");
}

/// Signed events the shop cannot act on (no positive amount, no currency) answer an error that the
/// route turns into a 400, and are recorded; nothing about the order changes.
#[sqlx::test(migrations = "../migrations")]
async fn signed_but_malformed_payment_events_are_refused_and_recorded(pool: PgPool) {
    use crate::payments::gateway::{BuiltinGateway, GatewayEvent};
    use super::payment::receive_webhook;
    use crate::payments::WebhookError;
    let rates = ShippingRates::default();
    let game = product(&pool, "games", 5999, 5).await;
    let o = start_checkout(&pool, &request(game, 1, false), &rates, 10).await.unwrap();
    let gateway = BuiltinGateway::new(vec![crate::payments::DEV_WEBHOOK_SECRET.into()]);
    let now = chrono::Utc::now().timestamp();
    for (amount, currency) in [(-5999, "EUR"), (0, "EUR"), (i64::MIN, "EUR"), (5999, ""), (5999, "EURO"), (5999, "€UR")] {
        let mut ev = GatewayEvent::success(o.order_id, amount, currency);
        ev.data.currency = currency.into();
        let (header, body) = gateway.sign(&ev, now);
        let r = receive_webhook(&pool, &gateway, &header, &body, now).await;
        assert!(matches!(r, Err(WebhookError::Body(_))), "{amount} {currency}: {r:?}");
    }
    let refused: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_refusals").fetch_one(&pool).await.unwrap();
    assert_eq!(refused, 6);
    assert_eq!(status(&pool, o.order_id).await, OrderStatus::PendingPayment);
    assert_eq!(jobs_of(&pool, "payment.refund").await, 0);
    // An unsigned one is refused without a record (anyone can send those).
    let ev = GatewayEvent::success(o.order_id, -1, "EUR");
    let (_, body) = gateway.sign(&ev, now);
    assert!(receive_webhook(&pool, &gateway, "t=1,v1=00", &body, now).await.is_err());
    let refused: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_refusals").fetch_one(&pool).await.unwrap();
    assert_eq!(refused, 6);
}

/// A product staff withdrew or archived cannot be bought, even from a cart filled before: the
/// checkout reads products through the shoppers' view, and nothing is held.
#[sqlx::test(migrations = "../migrations")]
async fn only_active_products_can_be_checked_out(pool: PgPool) {
    let variant = product(&pool, "games", 1999, 5).await;
    for status in ["draft", "archived"] {
        sqlx::query("UPDATE products SET status = $2 WHERE id = (SELECT product_id FROM variants WHERE id = $1)")
            .bind(variant)
            .bind(status)
            .execute(&pool)
            .await
            .unwrap();
        let refused = start_checkout(&pool, &request(variant, 1, false), &ShippingRates::default(), 10).await;
        assert!(matches!(refused, Err(CheckoutError::UnknownVariant)), "{status}");
        assert_eq!(stock(&pool, variant).await, 5, "{status}: nothing held");
    }
    sqlx::query("UPDATE products SET status = 'active'").execute(&pool).await.unwrap();
    assert!(start_checkout(&pool, &request(variant, 1, false), &ShippingRates::default(), 10).await.is_ok());
}

/// Staff adjust stock while shoppers check out: 20 adjustments (deliveries and shrinkage) race 50
/// checkouts of one ring. Stock never goes below zero, every unit is accounted for, and the stock
/// is the sum of the ledger.
#[sqlx::test(migrations = "../migrations")]
async fn stock_adjustments_racing_checkouts_keep_the_ledger_exact(pool: PgPool) {
    use crate::catalog::ssr::staff::adjust_stock;
    use crate::platform::audit::Actor;
    let rates = ShippingRates::default();
    let initial = 10;
    let ring = product(&pool, "jewelry", 24_900, initial).await;
    let product_id: i64 = sqlx::query_scalar("SELECT product_id FROM variants WHERE id = $1").bind(ring).fetch_one(&pool).await.unwrap();
    let mut checkouts = Vec::new();
    let mut adjustments = Vec::new();
    for i in 0..50 {
        let p = pool.clone();
        let req = request(ring, 1, true);
        checkouts.push(tokio::spawn(async move { start_checkout(&p, &req, &rates, 10).await }));
        if i % 5 == 0 || i % 5 == 2 {
            let pool = pool.clone();
            let (delta, reason) = if i % 5 == 0 { (3, "received") } else { (-2, "shrinkage") };
            let actor = Actor { user_id: None, email: "stock@example.com".into(), ip: None };
            adjustments.push(tokio::spawn(async move { (delta, adjust_stock(&pool, &actor, product_id, ring, delta, reason, "race").await) }));
        }
    }
    assert_eq!(adjustments.len(), 20);
    let mut sold = 0i64;
    for t in checkouts {
        match t.await.unwrap() {
            Ok(_) => sold += 1,
            Err(CheckoutError::SoldOut { .. }) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    let mut adjusted = 0i64;
    for t in adjustments {
        match t.await.unwrap() {
            (delta, Ok(_)) => adjusted += delta as i64,
            (_, Err(AppError::Field { field, .. })) => assert_eq!(field, "delta", "only 'not below zero' may refuse"),
            (_, Err(e)) => panic!("unexpected {e:?}"),
        }
    }
    let now = stock(&pool, ring).await as i64;
    assert!(now >= 0);
    assert_eq!(now, initial as i64 + adjusted - sold, "every unit accounted for");
    assert!(sold > 0);
    assert_ledger_sum(&pool, ring, initial).await;
}
