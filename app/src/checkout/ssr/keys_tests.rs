//! Checkout flows that move game keys: payment assigns them, refunds return them, refund requests
//! follow what the buyer used, and a refund racing the assignment job leaves every key sellable.
use crate::library::keys::ssr::pool::{assign_for_order, import, keys_of_order};
use crate::library::keys::ssr::import::generate;
use crate::library::keys::ssr::tests::{cipher, game, paid_order, pending_order};
use sqlx::PgPool;
use uuid::Uuid;

#[sqlx::test(migrations = "../migrations")]
async fn payment_leads_to_an_assigned_key_and_an_email_without_it(pool: PgPool) {
    use crate::checkout::ssr::payment::payment_succeeded;
    use crate::payments::PaymentEvent;
        use crate::payments::gateway::BuiltinGateway;
    use crate::platform::jobs;
    use std::sync::Arc;
    let c = cipher();
    let v = game(&pool, 0, "games").await;
    import(&pool, &c, v, &["PIXEL-AAAAA-BBBBB-CCCCC".into()]).await.unwrap();
    let order = pending_order(&pool, v, 1).await;
    let ev = PaymentEvent {
        provider: "builtin".into(),
        event_id: "evt_keys".into(),
        provider_ref: "ch_keys".into(),
        order_id: order,
        amount_minor: 1999,
        currency: "EUR".into(),
    };
    payment_succeeded(&pool, &ev).await.unwrap();
    let effects = super::tests::effects(&pool, Arc::new(BuiltinGateway::new(vec![crate::payments::DEV_WEBHOOK_SECRET.into()])));
    while jobs::run_one(&pool, &effects).await.unwrap() {}
    let keys = keys_of_order(&pool, &c, order).await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].2, "PIXEL-AAAAA-BBBBB-CCCCC");
    let body: String = sqlx::query_scalar("SELECT body FROM dev_mailbox WHERE subject LIKE 'Your game keys%'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(body.contains(&format!("/order/{order}?token=")), "{body}");
    assert!(!body.contains("PIXEL-AAAAA"), "the e-mail must not carry the key");
    let not_done: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status <> 'done'").fetch_one(&pool).await.unwrap();
    assert_eq!(not_done, 0);
}

/// The library shows a key only after its owner reveals it; every reveal is logged; other users'
/// keys and unpaid orders' keys are not listed.

#[sqlx::test(migrations = "../migrations")]
async fn refunds_return_only_unrevealed_keys(pool: PgPool) {
    use crate::library::keys::ssr::pool::{library, reveal};
    use crate::checkout::ssr::fulfilment::refund;
    let c = cipher();
    let v = game(&pool, 0, "games").await;
    import(&pool, &c, v, &["PF-11111-AAAAA".into(), "PF-22222-BBBBB".into(), "PF-33333-CCCCC".into()]).await.unwrap();
    sqlx::query("UPDATE variants SET stock = stock - 3 WHERE id = $1").bind(v).execute(&pool).await.unwrap(); // held and sold
    let order = paid_order(&pool, v, 3).await;
    let mut conn = pool.acquire().await.unwrap();
    assign_for_order(&mut conn, order).await.unwrap();
    let keys = library(&pool, &c, None, &[order]).await.unwrap();
    reveal(&pool, keys[0].id, order, None, "198.51.100.1").await.unwrap();
    refund(&pool, order, &crate::checkout::ssr::tests::staff(), None).await.unwrap();
    let (stock, available): (i32, i64) = sqlx::query_as(
        "SELECT v.stock, (SELECT count(*) FROM license_keys WHERE variant_id = v.id AND status = 'available') FROM variants v WHERE v.id = $1",
    )
    .bind(v)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((stock, available), (2, 2), "the two unrevealed keys are for sale again");
    let revealed_still_assigned: i64 =
        sqlx::query_scalar("SELECT count(*) FROM license_keys WHERE id = $1 AND order_id IS NOT NULL").bind(keys[0].id).fetch_one(&pool).await.unwrap();
    assert_eq!(revealed_still_assigned, 1);
}

/// A buyer's refund request: nothing used → refunded at once, the key back in the pool and the
/// download gone; a revealed key or a downloaded build → the request waits for staff, who approve
/// or decline it once.

#[sqlx::test(migrations = "../migrations")]
async fn refund_requests_follow_what_the_buyer_used(pool: PgPool) {
    use crate::library::keys::ssr::pool::{library, order_of_key, reveal};
    use crate::checkout::ssr::fulfilment::{decide_refund_request, request_refund, FulfilmentError, RefundOutcome};
    let c = cipher();
    let v = game(&pool, 0, "games").await;
    let keys: Vec<String> = (0..3).map(|_| generate("RF-XXXXX-XXXXX-XXXXX-XXXXX")).collect();
    import(&pool, &c, v, &keys).await.unwrap();
    let mut orders = Vec::new();
    for _ in 0..3 {
        let o = paid_order(&pool, v, 1).await;
        sqlx::query("UPDATE variants SET stock = stock - 1 WHERE id = $1").bind(v).execute(&pool).await.unwrap();
        let mut conn = pool.acquire().await.unwrap();
        assign_for_order(&mut conn, o).await.unwrap();
        orders.push(o);
    }
    let key_of = |o: Uuid| {
        let (pool, c) = (pool.clone(), cipher());
        async move { library(&pool, &c, None, &[o]).await.unwrap()[0].id }
    };
    let (untouched, revealed, downloaded) = (orders[0], orders[1], orders[2]);
    let (k0, k1, k2) = (key_of(untouched).await, key_of(revealed).await, key_of(downloaded).await);
    assert!(matches!(request_refund(&pool, untouched, "  ").await, Err(FulfilmentError::Reason)));

    // Untouched: refunded at once; the key is for sale again and no longer opens anything.
    assert_eq!(request_refund(&pool, untouched, "Bought the wrong game").await.unwrap(), RefundOutcome::Refunded(1999));
    assert_eq!(order_of_key(&pool, k0).await.unwrap(), None);
    let available: i64 = sqlx::query_scalar("SELECT count(*) FROM license_keys WHERE status = 'available'").fetch_one(&pool).await.unwrap();
    assert_eq!(available, 1);
    assert!(!reveal(&pool, k0, untouched, None, "198.51.100.1").await.unwrap(), "a refunded key cannot be revealed");
    assert!(matches!(request_refund(&pool, untouched, "again").await, Err(FulfilmentError::NotAllowed(..))));

    // Revealed, or downloaded without revealing: staff review.
    reveal(&pool, k1, revealed, None, "198.51.100.1").await.unwrap();
    sqlx::query(
        "INSERT INTO builds (product_id, version, object_key, file_name, size_bytes, sha256)
         SELECT product_id, '1.0', 'builds/x', 'x.bin', 1, sha256('x') FROM variants WHERE id = $1",
    )
    .bind(v)
    .execute(&pool)
    .await
    .unwrap();
    let limit = crate::library::downloads::ssr::builds::RateLimit { max: 5, window: std::time::Duration::from_secs(60) };
    crate::library::downloads::ssr::builds::start_download(&pool, k2, None, "198.51.100.2", limit).await.unwrap();
    for o in [revealed, downloaded] {
        assert_eq!(request_refund(&pool, o, "Does not run on my machine").await.unwrap(), RefundOutcome::AwaitingReview);
        // Asking twice keeps one open request.
        assert_eq!(request_refund(&pool, o, "Still does not run").await.unwrap(), RefundOutcome::AwaitingReview);
    }
    let open: Vec<(i64, Uuid, String)> =
        sqlx::query_as("SELECT id, order_id, reason FROM refund_requests WHERE status = 'open' ORDER BY id").fetch_all(&pool).await.unwrap();
    assert_eq!(open.iter().map(|r| (r.1, r.2.as_str())).collect::<Vec<_>>(), [(revealed, "Still does not run"), (downloaded, "Still does not run")]);
    let status = |o: Uuid| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, String>("SELECT status FROM orders WHERE id = $1").bind(o).fetch_one(&pool).await.unwrap() }
    };
    assert_eq!(status(revealed).await, "paid", "nothing happens before staff decide");

    let staff = crate::checkout::ssr::tests::staff();
    assert_eq!(decide_refund_request(&pool, open[0].0, true, &staff, None).await.unwrap(), revealed);
    assert_eq!(status(revealed).await, "refunded");
    assert_eq!(order_of_key(&pool, k1).await.unwrap(), None, "the refunded purchase loses its key page and download");
    let burned: Option<Uuid> = sqlx::query_scalar("SELECT order_id FROM license_keys WHERE id = $1").bind(k1).fetch_one(&pool).await.unwrap();
    assert_eq!(burned, Some(revealed), "a revealed key is never sold again");
    decide_refund_request(&pool, open[1].0, false, &staff, None).await.unwrap();
    assert_eq!(status(downloaded).await, "paid");
    let declined_mail: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE kind = 'email.refund_declined' AND payload->>'order_id' = $1")
        .bind(downloaded.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(declined_mail, 1, "the buyer is told of a decline");
    assert!(matches!(decide_refund_request(&pool, open[1].0, true, &staff, None).await, Err(FulfilmentError::Decided)));
    // A refunded purchase cannot download.
    let after = crate::library::downloads::ssr::builds::start_download(&pool, k1, None, "198.51.100.2", limit).await;
    assert!(after.is_err());
}

/// A guest's game joins the account that signs in with the same (confirmed) address, and only
/// that account; orders of other addresses or other users stay where they are.

/// Pay, then refund before the key-assignment job runs: the job finds the order refunded and assigns
/// nothing, no "keys are ready" e-mail goes out, and every key stays sellable (stock = free keys).
/// The other order (job first, then refund) gets its unrevealed key back into the pool.
#[sqlx::test(migrations = "../migrations")]
async fn a_refund_before_key_assignment_keeps_every_key_in_the_pool(pool: PgPool) {
    use crate::types::Email;
    use crate::checkout::ssr::payment::payment_succeeded;
    use crate::checkout::ssr::place::{start_checkout, CheckoutRequest};
    use crate::payments::PaymentEvent;
    use crate::checkout::ssr::fulfilment;
    use crate::payments::gateway::BuiltinGateway;
    use crate::platform::jobs;
    use std::sync::Arc;
    let c = cipher();
    let v = game(&pool, 0, "games").await;
    let keys: Vec<String> = (0..4).map(|i| format!("RACE-{i}AAAA-BBBBB-CCCCC")).collect();
    import(&pool, &c, v, &keys).await.unwrap();
    let effects = super::tests::effects(&pool, Arc::new(BuiltinGateway::new(vec![crate::payments::DEV_WEBHOOK_SECRET.into()])));
    let free_keys = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM license_keys WHERE variant_id = $1 AND status = 'available'")
            .bind(v)
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let stock = || async {
        sqlx::query_scalar::<_, i32>("SELECT stock FROM variants WHERE id = $1").bind(v).fetch_one(&pool).await.unwrap() as i64
    };
    let buy = |n: u8| {
        let pool = pool.clone();
        async move {
            let req = CheckoutRequest {
                checkout_key: Uuid::new_v4(),
                placed_by: format!("buyer-{n}"),
                user_id: None,
                email: Email::parse(&format!("buyer{n}@example.com")).unwrap(),
                lines: vec![(v, 1)],
                discount_code: None,
                shipping: None,
            };
            let o = start_checkout(&pool, &req, &Default::default(), 10).await.unwrap();
            let ev = PaymentEvent {
                provider: "builtin".into(),
                event_id: format!("evt_{n}"),
                provider_ref: format!("ch_{n}"),
                order_id: o.order_id,
                amount_minor: o.totals.total_minor,
                currency: "EUR".into(),
            };
            payment_succeeded(&pool, &ev).await.unwrap();
            o.order_id
        }
    };

    // Refund first, job after.
    let early = buy(1).await;
    fulfilment::refund(&pool, early, &crate::checkout::ssr::tests::staff(), None).await.unwrap();
    while jobs::run_one(&pool, &effects).await.unwrap() {}
    assert_eq!(keys_of_order(&pool, &c, early).await.unwrap().len(), 0, "no key for a refunded order");
    let ready: i64 = sqlx::query_scalar("SELECT count(*) FROM dev_mailbox WHERE to_address = 'buyer1@example.com' AND subject LIKE 'Your game keys%'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(ready, 0, "no 'keys are ready' e-mail for a refunded order");
    assert_eq!((free_keys().await, stock().await), (4, 4), "every key still sellable");

    // Job first, refund after: the unrevealed key goes back.
    let late = buy(2).await;
    while jobs::run_one(&pool, &effects).await.unwrap() {}
    assert_eq!(keys_of_order(&pool, &c, late).await.unwrap().len(), 1);
    assert_eq!((free_keys().await, stock().await), (3, 3));
    fulfilment::refund(&pool, late, &crate::checkout::ssr::tests::staff(), None).await.unwrap();
    while jobs::run_one(&pool, &effects).await.unwrap() {}
    assert_eq!((free_keys().await, stock().await), (4, 4));
    let not_done: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status <> 'done'").fetch_one(&pool).await.unwrap();
    assert_eq!(not_done, 0);
}
