//! Discount codes as staff run them, on a real database: limits exact under 20 checkouts at once,
//! a start date, a department restriction, ending a code, the usage report, the audit trail.
use super::discounts::{self as codes, DiscountError};
use super::payment::payment_succeeded;
use super::place::{start_checkout, CheckoutError};
use super::tests::{paid_event, request, staff};
use crate::catalog::ssr::tests::product;
use crate::checkout::discounts::{CodeState, DiscountForm};
use crate::checkout::pricing::ShippingRates;
use crate::types::Email;
use sqlx::PgPool;

fn form(code: &str) -> DiscountForm {
    DiscountForm { code: code.into(), kind: "percent".into(), value: "10".into(), ..Default::default() }
}

/// 20 shoppers check out at once with a code for 5 uses: exactly 5 get it, the others are told
/// it is used up; 20 checkouts at once by one shopper with a once-per-customer code: one gets it.
#[sqlx::test(migrations = "../migrations")]
async fn limits_hold_when_twenty_check_out_at_once(pool: PgPool) {
    let game = product(&pool, "games", 10_000, 100).await;
    codes::create(&pool, &staff(), &DiscountForm { usage_limit: "5".into(), ..form("FIVE") }.check().unwrap()).await.unwrap();
    codes::create(&pool, &staff(), &DiscountForm { per_customer_limit: "1".into(), ..form("ONCE") }.check().unwrap()).await.unwrap();
    for (code, same_buyer, winners) in [("FIVE", false, 5), ("ONCE", true, 1)] {
        let tasks: Vec<_> = (0..20)
            .map(|i| {
                let pool = pool.clone();
                let mut req = request(game, 1, false);
                req.discount_code = Some(code.to_lowercase());
                let email = if same_buyer { "same@example.com".to_owned() } else { format!("buyer{i}@example.com") };
                req.email = Email::parse(&email).unwrap();
                tokio::spawn(async move { start_checkout(&pool, &req, &ShippingRates::default(), 10).await })
            })
            .collect();
        let (mut got, mut refused) = (0, 0);
        for t in tasks {
            match t.await.unwrap() {
                Ok(o) => {
                    assert_eq!(o.totals.discount_minor, 1_000);
                    got += 1;
                }
                Err(CheckoutError::Discount(m)) => {
                    assert!(m.contains("used up") || m.contains("already used"), "{m}");
                    refused += 1;
                }
                Err(e) => panic!("{code}: unexpected {e:?}"),
            }
        }
        assert_eq!((got, refused), (winners, 20 - winners), "{code}");
        let used: i32 = sqlx::query_scalar("SELECT used_count FROM discount_codes WHERE code = $1").bind(code).fetch_one(&pool).await.unwrap();
        assert_eq!(used, winners as i32);
    }
}

/// A scheduled code is refused until it starts; a jewelry code is refused for a cart of games and
/// takes its share off the jewelry only; an ended code is refused and says so; a code's limit
/// cannot go below its uses; two codes cannot share a name in any case.
#[sqlx::test(migrations = "../migrations")]
async fn windows_departments_and_edits(pool: PgPool) {
    let game = product(&pool, "games", 10_000, 100).await;
    let ring = product(&pool, "jewelry", 20_000, 100).await;
    let later = DiscountForm { starts: "2199-01-01T00:00".into(), ..form("LATER") };
    codes::create(&pool, &staff(), &later.check().unwrap()).await.unwrap();
    let with = |variant: i64, physical: bool, code: &str| {
        let mut r = request(variant, 1, physical);
        r.discount_code = Some(code.into());
        r
    };
    let rates = ShippingRates::default();
    let e = start_checkout(&pool, &with(game, false, "LATER"), &rates, 10).await.unwrap_err();
    assert!(matches!(&e, CheckoutError::Discount(m) if m.contains("starts on 2199-01-01 00:00")), "{e:?}");
    assert_eq!(codes::get(&pool, "later").await.unwrap().unwrap().state, CodeState::Scheduled);

    codes::create(&pool, &staff(), &DiscountForm { department: "jewelry".into(), ..form("RINGS") }.check().unwrap()).await.unwrap();
    let e = start_checkout(&pool, &with(game, false, "RINGS"), &rates, 10).await.unwrap_err();
    assert!(matches!(&e, CheckoutError::Pricing(_)), "{e:?}");
    let mut mixed = with(ring, true, "RINGS");
    mixed.lines.push((game, 1));
    let o = start_checkout(&pool, &mixed, &rates, 10).await.unwrap();
    assert_eq!(o.totals.discount_minor, 2_000, "10 % of the ring only");
    let shares: Vec<(i64, i64)> = sqlx::query_as("SELECT variant_id, discount_minor FROM order_lines WHERE order_id = $1 ORDER BY variant_id")
        .bind(o.order_id)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(shares, vec![(game.min(ring), if game < ring { 0 } else { 2_000 }), (game.max(ring), if game < ring { 2_000 } else { 0 })]);
    payment_succeeded(&pool, &paid_event(o.order_id, o.totals.total_minor, "ch_rings", "evt_rings")).await.unwrap();

    // The usage report counts the paid order.
    let usage = codes::usage(&pool, "RINGS").await.unwrap();
    assert_eq!((usage.orders, usage.customers, usage.discount.minor, usage.revenue.minor), (1, 1, 2_000, o.totals.total_minor));
    assert_eq!(usage.latest.len(), 1);

    // Edits: the limit cannot go below the uses; the name stays taken whatever its case.
    let mut s = DiscountForm { department: "jewelry".into(), ..form("RINGS") }.check().unwrap();
    s.usage_limit = Some(1);
    codes::update(&pool, &staff(), &s).await.unwrap();
    assert_eq!(codes::get(&pool, "RINGS").await.unwrap().unwrap().state, CodeState::UsedUp);
    let e = codes::create(&pool, &staff(), &form("rings").check().unwrap()).await.unwrap_err();
    assert!(matches!(e, DiscountError::Taken), "{e:?}");
    sqlx::query("UPDATE discount_codes SET used_count = 3 WHERE code = 'RINGS'").execute(&pool).await.unwrap_err(); // the database refuses it too
    s.usage_limit = None;
    codes::update(&pool, &staff(), &s).await.unwrap();
    sqlx::query("UPDATE discount_codes SET used_count = 3 WHERE code = 'RINGS'").execute(&pool).await.unwrap();
    s.usage_limit = Some(2);
    assert!(matches!(codes::update(&pool, &staff(), &s).await, Err(DiscountError::LimitBelowUsed(3))));

    // Ended now: refused at once; a scheduled code ended never starts.
    codes::end_now(&pool, &staff(), "rings").await.unwrap();
    let e = start_checkout(&pool, &with(ring, true, "RINGS"), &rates, 10).await.unwrap_err();
    assert!(matches!(&e, CheckoutError::Discount(m) if m.contains("expired")), "{e:?}");
    codes::end_now(&pool, &staff(), "LATER").await.unwrap();
    assert_eq!(codes::get(&pool, "LATER").await.unwrap().unwrap().state, CodeState::Ended);
    assert!(matches!(codes::end_now(&pool, &staff(), "NOPE").await, Err(DiscountError::NotFound)));

    // Every change is in the audit log, with the code's state before and after.
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE entity = 'discount' ORDER BY id").fetch_all(&pool).await.unwrap();
    assert_eq!(actions, ["discount.create", "discount.create", "discount.update", "discount.update", "discount.end", "discount.end"]);
}
