//! The order desk's rules against a real database: finding orders and reading their timeline.
use crate::checkout::pricing::ShippingMethod;
use crate::checkout::ssr::payment::payment_succeeded;
use crate::checkout::ssr::place::{start_checkout, CheckoutRequest};
use crate::orders::model::OrderStatus;
use crate::orders::ssr::staff::{search, timeline, OrderQuery};
use crate::types::Email;
use sqlx::PgPool;
use uuid::Uuid;

async fn order(pool: &PgPool, variant: i64, qty: i64, email: &str, physical: bool, pay: bool) -> (Uuid, i64) {
    let req = CheckoutRequest {
        checkout_key: Uuid::new_v4(),
        placed_by: "desk-test".into(),
        user_id: None,
        email: Email::parse(email).unwrap(),
        lines: vec![(variant, qty)],
        discount_code: None,
        shipping: physical.then(|| (ShippingMethod::Standard, crate::checkout::ssr::tests::address())),
    };
    let o = start_checkout(pool, &req, &Default::default(), 10).await.unwrap();
    if pay {
        let ev = crate::payments::PaymentEvent {
            provider: "builtin".into(),
            event_id: format!("evt_{}", o.order_id),
            provider_ref: format!("ch_{}", o.order_id),
            order_id: o.order_id,
            amount_minor: o.totals.total_minor,
            currency: "EUR".into(),
        };
        payment_succeeded(pool, &ev).await.unwrap();
    }
    let number: i64 = sqlx::query_scalar("SELECT number FROM orders WHERE id = $1").bind(o.order_id).fetch_one(pool).await.unwrap();
    (o.order_id, number)
}

async fn numbers(pool: &PgPool, q: OrderQuery) -> Vec<i64> {
    search(pool, &q, 50).await.unwrap().into_iter().map(|o| o.number).collect()
}

async fn sku(pool: &PgPool, variant: i64) -> String {
    sqlx::query_scalar("SELECT sku FROM variants WHERE id = $1").bind(variant).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_find_orders_by_number_email_sku_and_filters(pool: PgPool) {
    let ring = crate::catalog::ssr::tests::product(&pool, "jewelry", 25_000, 10).await;
    let game = crate::catalog::ssr::tests::product(&pool, "games", 1_999, 10).await;
    let (_, a) = order(&pool, ring, 1, "ann@example.com", true, true).await;
    let (_, b) = order(&pool, game, 2, "bob@example.com", false, true).await;
    let (_, c) = order(&pool, game, 1, "Ann@Example.com", false, false).await;
    let all = numbers(&pool, OrderQuery::default()).await;
    assert_eq!(all, [c, b, a], "newest first");

    // The search box: an e-mail (any case, whole), a number (with or without #), a SKU (any case).
    let q = |search: &str| OrderQuery { search: search.into(), ..Default::default() };
    assert_eq!(numbers(&pool, q("ANN@example.com")).await, [c, a]);
    assert_eq!(numbers(&pool, q("ann@example")).await, Vec::<i64>::new(), "a whole address, not a part");
    assert_eq!(numbers(&pool, q(&format!("#{b}"))).await, [b]);
    assert_eq!(numbers(&pool, q(&b.to_string())).await, [b]);
    assert_eq!(numbers(&pool, q(&sku(&pool, ring).await.to_lowercase())).await, [a]);
    assert_eq!(numbers(&pool, q(&sku(&pool, game).await)).await, [c, b]);
    assert_eq!(numbers(&pool, q("NO-SUCH-SKU")).await, Vec::<i64>::new());

    // Filters, alone and together.
    let paid = OrderQuery { status: Some(OrderStatus::Paid), ..Default::default() };
    assert_eq!(numbers(&pool, paid.clone()).await, [b, a]);
    assert_eq!(numbers(&pool, OrderQuery { department: Some("jewelry".into()), ..Default::default() }).await, [a]);
    assert_eq!(numbers(&pool, OrderQuery { department: Some("games".into()), ..paid.clone() }).await, [b]);
    let today = chrono::Utc::now().date_naive();
    let day = chrono::Duration::days(1);
    assert_eq!(numbers(&pool, OrderQuery { from: Some(today), to: Some(today), ..Default::default() }).await, [c, b, a]);
    assert!(numbers(&pool, OrderQuery { from: Some(today + day), ..Default::default() }).await.is_empty());
    assert!(numbers(&pool, OrderQuery { to: Some(today - day), ..Default::default() }).await.is_empty());
    // Totals: the ring order is 250.00 plus shipping; the games 39.98 and 19.99.
    assert_eq!(numbers(&pool, OrderQuery { min_total_minor: Some(3_998), ..Default::default() }).await, [b, a]);
    assert_eq!(numbers(&pool, OrderQuery { min_total_minor: Some(1_999), max_total_minor: Some(3_998), ..Default::default() }).await, [c, b]);
    // Pages: everything older than a given number.
    assert_eq!(numbers(&pool, OrderQuery { before_number: Some(b), ..Default::default() }).await, [a]);
    assert_eq!(search(&pool, &OrderQuery::default(), 2).await.unwrap().len(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_orders_timeline_tells_what_happened_in_order(pool: PgPool) {
    let ring = crate::catalog::ssr::tests::product(&pool, "jewelry", 25_000, 10).await;
    let (id, _) = order(&pool, ring, 1, "ann@example.com", true, true).await;
    let staff = crate::platform::audit::Actor { user_id: None, email: "desk@example.com".into(), ip: None };
    crate::checkout::ssr::fulfilment::ship(&pool, id, "1Z999AA10123456784", &staff).await.unwrap();
    crate::checkout::ssr::fulfilment::resend_email(&pool, id, "email.shipped", &staff).await.unwrap();
    crate::checkout::ssr::fulfilment::refund(&pool, id, &staff, None).await.unwrap();
    let events = timeline(&pool, id).await.unwrap();
    let texts: Vec<String> = events.iter().map(|e| format!("{}: {}", e.kind, e.text)).collect();
    let at = |needle: &str| texts.iter().position(|t| t.contains(needle)).unwrap_or_else(|| panic!("{needle} missing from {texts:#?}"));
    assert!(at("Order placed by ann@example.com") < at("payment: Paid"));
    assert!(at("payment: Paid") < at("Shipped with tracking number 1Z999AA10123456784"));
    assert!(at("staff: order.ship by desk@example.com") < at("staff: order.resend_email by desk@example.com"));
    assert!(at("staff: order.resend_email") < at("staff: order.refund by desk@example.com"));
    assert!(texts.iter().filter(|t| t.contains("Queued: email.shipped")).count() == 2, "sent, then sent again: {texts:#?}");
    at("Queued: email.refunded");
    assert!(at("Order placed") < at("through builtin"));
    assert!(at("through builtin") < at("email: Queued: email.order_confirmation"), "the cause before its effects");
    assert!(events.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");
    // An e-mail the order never had cannot be resent.
    let e = crate::checkout::ssr::fulfilment::resend_email(&pool, id, "email.keys_ready", &staff).await.unwrap_err();
    assert!(matches!(e, crate::checkout::ssr::fulfilment::FulfilmentError::NoSuchEmail));
}

/// The audit log's filters: who (part of the address, any case), what and which, the action's
/// start, whole UTC days, and pages.
#[sqlx::test(migrations = "../migrations")]
async fn the_audit_log_filters(pool: PgPool) {
    use crate::platform::audit::{list, record, Actor, Change, Query};
    let ann = Actor { user_id: None, email: "ann@example.com".into(), ip: Some("192.0.2.1".into()) };
    let bob = Actor { user_id: None, email: "bob@example.com".into(), ip: None };
    let mut tx = pool.begin().await.unwrap();
    for (who, entity, id, action) in [(&ann, "product", "1", "product.create"), (&bob, "order", "x", "order.refund"), (&ann, "order", "x", "order.ship")] {
        let c = Change { entity, entity_id: id.into(), action, before: None, after: Some(serde_json::json!({ "k": 1 })) };
        record(&mut tx, who, c).await.unwrap();
    }
    tx.commit().await.unwrap();
    let actions = |q: Query| {
        let pool = pool.clone();
        async move { list(&pool, &q, 10).await.unwrap().into_iter().map(|r| r.action).collect::<Vec<_>>() }
    };
    assert_eq!(actions(Query::default()).await, ["order.ship", "order.refund", "product.create"]);
    assert_eq!(actions(Query { who: "ANN@".into(), ..Default::default() }).await, ["order.ship", "product.create"]);
    assert_eq!(actions(Query { entity: "order".into(), entity_id: "x".into(), ..Default::default() }).await, ["order.ship", "order.refund"]);
    assert_eq!(actions(Query { action: "order.".into(), who: "bob".into(), ..Default::default() }).await, ["order.refund"]);
    let today = chrono::Utc::now().date_naive();
    assert_eq!(actions(Query { from: Some(today), to: Some(today), ..Default::default() }).await.len(), 3);
    assert!(actions(Query { from: Some(today + chrono::Duration::days(1)), ..Default::default() }).await.is_empty());
    let newest = list(&pool, &Query::default(), 1).await.unwrap()[0].id;
    assert_eq!(actions(Query { before: Some(newest), ..Default::default() }).await, ["order.refund", "product.create"]);
    // The address is kept as given; the changes are what the page shows.
    let rows = list(&pool, &Query { who: "ann".into(), ..Default::default() }, 10).await.unwrap();
    assert_eq!(rows[1].ip.as_deref(), Some("192.0.2.1"));
    let entry: super::audit::AuditEntry = rows[1].clone().into();
    assert_eq!(entry.changes, [("k".to_owned(), "—".to_owned(), "1".to_owned())]);
}

/// Staff cancel an unpaid order: its held stock is back at once, the cancel is audited, a paid
/// order cannot be cancelled, and money that arrives afterwards goes back to the buyer.
#[sqlx::test(migrations = "../migrations")]
async fn cancelling_an_unpaid_order_gives_its_stock_back(pool: PgPool) {
    use crate::checkout::ssr::fulfilment::{cancel, FulfilmentError};
    let game = crate::catalog::ssr::tests::product(&pool, "games", 1_999, 5).await;
    let stock = || async { sqlx::query_scalar::<_, i32>("SELECT stock FROM variants WHERE id = $1").bind(game).fetch_one(&pool).await.unwrap() };
    let (unpaid, _) = order(&pool, game, 2, "late@example.com", false, false).await;
    assert_eq!(stock().await, 3, "held");
    let staff = crate::platform::audit::Actor { user_id: None, email: "desk@example.com".into(), ip: None };
    cancel(&pool, unpaid, &staff).await.unwrap();
    assert_eq!(stock().await, 5, "given back at once");
    let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1").bind(unpaid).fetch_one(&pool).await.unwrap();
    assert_eq!(status, "cancelled");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'order.cancel' AND entity_id = $1::text")
        .bind(unpaid)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(audited, 1);
    // Twice: refused, nothing moves.
    assert!(matches!(cancel(&pool, unpaid, &staff).await, Err(FulfilmentError::NotAllowed(..))));
    assert_eq!(stock().await, 5);
    // A paid order is refunded, never cancelled.
    let (paid, _) = order(&pool, game, 1, "paid@example.com", false, true).await;
    assert!(matches!(cancel(&pool, paid, &staff).await, Err(FulfilmentError::NotAllowed(..))));
    // The buyer pays the cancelled order after all: the money is sent back, the stock stays.
    let ev = crate::payments::PaymentEvent {
        provider: "builtin".into(),
        event_id: "evt_late".into(),
        provider_ref: "ch_late".into(),
        order_id: unpaid,
        amount_minor: 2 * 1_999,
        currency: "EUR".into(),
    };
    payment_succeeded(&pool, &ev).await.unwrap();
    let refunds: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE kind = 'payment.refund' AND payload->>'provider_ref' = 'ch_late'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(refunds, 1, "the late payment goes back");
    assert_eq!(stock().await, 4, "only the paid order's unit is gone");
}
