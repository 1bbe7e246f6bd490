//! Key pools on a real database: encryption at rest, import rules, assignment under concurrency.
use super::crypto::{CryptoError, KeyCipher};
use super::import::{check_pattern, generate, parse_keys, PatternError};
use super::pool::{assign_for_order, import, keys_of_order, PoolError};
use base64::Engine;
use sqlx::PgPool;
use uuid::Uuid;

fn key_entry(version: i16, byte: u8) -> String {
    format!("{version}:{}", base64::engine::general_purpose::STANDARD.encode([byte; 32]))
}

pub(crate) fn cipher() -> KeyCipher {
    KeyCipher::new(&[key_entry(2, 7), key_entry(1, 3)], "fingerprint-secret-for-tests-0123456789").unwrap()
}

#[test]
fn keys_round_trip_and_the_ciphertext_is_not_the_key() {
    let c = cipher();
    let sealed = c.seal(42, "ABCDE-FGHJK-LMNPQ");
    assert_eq!(sealed.version, 2, "the first configured key encrypts");
    assert!(!sealed.ciphertext.windows(5).any(|w| w == b"ABCDE"), "plain text must not show");
    assert_eq!(c.open(42, &sealed).unwrap(), "ABCDE-FGHJK-LMNPQ");
    // The same key twice: different nonces, different ciphertexts, same fingerprint.
    let again = c.seal(42, "ABCDE-FGHJK-LMNPQ");
    assert_ne!(again.ciphertext, sealed.ciphertext);
    assert_eq!(c.fingerprint("abcde-fghjk-lmnpq "), c.fingerprint("ABCDE-FGHJK-LMNPQ"));
    // Bound to its variant; a flipped bit or an unknown key version does not open.
    assert_eq!(c.open(43, &sealed), Err(CryptoError::Decrypt));
    let mut tampered = sealed.clone();
    tampered.ciphertext[0] ^= 1;
    assert_eq!(c.open(42, &tampered), Err(CryptoError::Decrypt));
    // Rotation: a row sealed under the old key still opens while that key is configured.
    let old = KeyCipher::new(&[key_entry(1, 3)], "fingerprint-secret-for-tests-0123456789").unwrap();
    let old_row = old.seal(42, "OLD-KEY-0000000000");
    assert_eq!(c.open(42, &old_row).unwrap(), "OLD-KEY-0000000000");
    let newer = KeyCipher::new(&[key_entry(3, 9)], "fingerprint-secret-for-tests-0123456789").unwrap();
    assert_eq!(newer.open(42, &old_row), Err(CryptoError::UnknownVersion(1)));
    assert!(matches!(KeyCipher::new(&["1:short".into()], "x"), Err(CryptoError::BadKey(_))));
    assert!(matches!(KeyCipher::new(&[], "x"), Err(CryptoError::NoKey)));
}

#[test]
fn an_import_file_with_bad_lines_is_refused_with_a_report() {
    assert_eq!(parse_keys("AAAA-1111\nBBBB-2222\r\n\"CCCC-3333\",note\n").unwrap(), ["AAAA-1111", "BBBB-2222", "CCCC-3333"]);
    let report = parse_keys("AAAA-1111\n\nBBBB-2222\naaaa-1111\nhas space\n").unwrap_err();
    let lines: Vec<(usize, &str)> = report.iter().map(|p| (p.line, p.problem.as_str())).collect();
    assert_eq!(
        lines,
        [(2, "blank line"), (4, "duplicate of line 1"), (5, "has spaces or characters other than printable ASCII")]
    );
    assert!(parse_keys(&"K".repeat(129)).is_err());
}

#[test]
fn generated_keys_follow_the_pattern_and_do_not_repeat() {
    assert_eq!(check_pattern("XXXX-XXXX"), Err(PatternError::TooFewRandom));
    assert_eq!(check_pattern("XXXXX XXXXX XXXXX XXXXX"), Err(PatternError::BadCharacter));
    let pattern = "PF-XXXXX-XXXXX-XXXXX-XXXXX";
    check_pattern(pattern).unwrap();
    let keys: std::collections::HashSet<String> = (0..10_000).map(|_| generate(pattern)).collect();
    assert_eq!(keys.len(), 10_000);
    for k in keys.iter().take(100) {
        assert_eq!(k.len(), pattern.len());
        assert!(k.starts_with("PF-"));
        assert!(k.chars().all(|c| c == '-' || (c.is_ascii_alphanumeric() && !"01OIL".contains(c))), "{k}");
    }
}

/// A product with one variant at 19.99 and `stock` units; returns the variant id.
pub(crate) async fn game(pool: &PgPool, stock: i32, department: &str) -> i64 {
    crate::catalog::ssr::tests::product(pool, department, 1999, stock).await
}

/// A paid order for `quantity` of a variant (as checkout and payment leave it).
pub(crate) async fn paid_order(pool: &PgPool, variant: i64, quantity: i32) -> Uuid {
    let id = pending_order(pool, variant, quantity).await;
    sqlx::query("UPDATE orders SET status = 'paid' WHERE id = $1").bind(id).execute(pool).await.unwrap();
    id
}

/// An order waiting for payment, for `quantity` of a variant.
pub(crate) async fn pending_order(pool: &PgPool, variant: i64, quantity: i32) -> Uuid {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO orders (checkout_key, email, currency, subtotal_minor, discount_minor, shipping_minor, tax_minor,
                             total_minor, lines_fingerprint)
         VALUES (gen_random_uuid(), 'k@example.com', 'EUR', $1, 0, 0, 0, $1, 'x') RETURNING id",
    )
    .bind(1999 * quantity as i64)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO order_lines (order_id, variant_id, product_name, variant_label, department, unit_price_minor, quantity, line_total_minor)
         VALUES ($1, $2, 'Game', '', 'games', 1999, $3, 1999 * $3)",
    )
    .bind(id)
    .bind(variant)
    .bind(quantity)
    .execute(pool)
    .await
    .unwrap();
    id
}

#[sqlx::test(migrations = "../migrations")]
async fn imports_are_whole_encrypted_and_make_the_stock(pool: PgPool) {
    let c = cipher();
    let v = game(&pool, 7, "games").await;
    assert_eq!(import(&pool, &c, v, &["AAAA-1111-BBBB".into(), "CCCC-2222-DDDD".into()]).await.unwrap(), 2);
    let stock: i32 = sqlx::query_scalar("SELECT stock FROM variants WHERE id = $1").bind(v).fetch_one(&pool).await.unwrap();
    assert_eq!(stock, 2, "a keyed variant's stock is its pool");
    // A batch with one known key adds nothing.
    let err = import(&pool, &c, v, &["EEEE-3333-FFFF".into(), "cccc-2222-dddd".into()]).await.unwrap_err();
    assert!(matches!(&err, PoolError::Duplicates(d) if d.len() == 1 && d[0].line == 2), "{err:?}");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM license_keys").fetch_one(&pool).await.unwrap();
    assert_eq!(count, 2);
    // The table holds no plain key.
    let leaked: bool = sqlx::query_scalar(
        "SELECT bool_or(position('AAAA'::bytea IN ciphertext) > 0 OR position('AAAA'::bytea IN fingerprint) > 0) FROM license_keys",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(!leaked);
    let ring = game(&pool, 1, "jewelry").await;
    assert!(matches!(import(&pool, &c, ring, &["GGGG-4444-HHHH".into()]).await, Err(PoolError::NotAGame)));
    // The ledger explains the stock: 7 at the start, -5 when the pool took over.
    let ledger: i64 = sqlx::query_scalar("SELECT sum(delta) FROM stock_ledger WHERE variant_id = $1").bind(v).fetch_one(&pool).await.unwrap();
    assert_eq!(7 + ledger, 2);
}

/// 30 paid orders, 2 keys each, assigned by 8 concurrent workers from a pool of 60: every unit gets
/// its own key, no key serves two orders, running the assignment again changes nothing.
#[sqlx::test(migrations = "../migrations")]
async fn concurrent_assignment_gives_every_unit_its_own_key(pool: PgPool) {
    let c = cipher();
    let v = game(&pool, 0, "games").await;
    let keys: Vec<String> = (0..60).map(|_| generate("XXXXX-XXXXX-XXXXX-XXXXX")).collect();
    import(&pool, &c, v, &keys).await.unwrap();
    let mut orders = Vec::new();
    for _ in 0..30 {
        orders.push(paid_order(&pool, v, 2).await);
    }
    let mut tasks = Vec::new();
    for chunk in orders.chunks(4) {
        let pool = pool.clone();
        let chunk = chunk.to_vec();
        tasks.push(tokio::spawn(async move {
            for o in chunk {
                let mut tx = pool.begin().await.unwrap();
                assert_eq!(assign_for_order(&mut tx, o).await.unwrap(), 2);
                tx.commit().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut all = std::collections::HashSet::new();
    for o in &orders {
        let mut conn = pool.acquire().await.unwrap();
        assert_eq!(assign_for_order(&mut conn, *o).await.unwrap(), 0, "a second run assigns nothing");
        let mine = keys_of_order(&pool, &c, *o).await.unwrap();
        assert_eq!(mine.len(), 2);
        for (_, _, k) in mine {
            assert!(keys.contains(&k));
            assert!(all.insert(k), "a key went to two orders");
        }
    }
    assert_eq!(all.len(), 60);
    // An order beyond the pool is an error (the job retries), never a shared key.
    let late = paid_order(&pool, v, 1).await;
    let mut conn = pool.acquire().await.unwrap();
    assert!(matches!(assign_for_order(&mut conn, late).await, Err(PoolError::NotEnoughKeys { missing: 1, .. })));
}

/// Payment of a game with a key pool queues the assignment with the order; the worker assigns the
/// key and sends the "keys are ready" e-mail, which never contains the key.
#[sqlx::test(migrations = "../migrations")]
async fn keys_stay_hidden_until_revealed_and_reveals_are_logged(pool: PgPool) {
    use super::pool::{library, mark_redeemed, order_of_key, reveal};
    let c = cipher();
    let v = game(&pool, 0, "games").await;
    import(&pool, &c, v, &["PF-AAAAA-BBBBB-CCCCC-DDDDD".into(), "PF-EEEEE-FFFFF-GGGGG-HHHHH".into()]).await.unwrap();
    let mine = paid_order(&pool, v, 1).await;
    let theirs = paid_order(&pool, v, 1).await;
    for o in [mine, theirs] {
        let mut conn = pool.acquire().await.unwrap();
        assign_for_order(&mut conn, o).await.unwrap();
    }
    let listed = library(&pool, &c, None, &[mine]).await.unwrap();
    assert_eq!(listed.len(), 1, "only this browser's order");
    assert_eq!(listed[0].key, None, "hidden until revealed");
    let key_id = listed[0].id;
    assert_eq!(order_of_key(&pool, key_id).await.unwrap(), Some(mine));

    assert!(reveal(&pool, key_id, mine, None, "203.0.113.7").await.unwrap());
    assert!(reveal(&pool, key_id, mine, None, "203.0.113.8").await.unwrap());
    assert!(!reveal(&pool, key_id, theirs, None, "203.0.113.9").await.unwrap(), "not through another order");
    let listed = library(&pool, &c, None, &[mine]).await.unwrap();
    assert_eq!(listed[0].key.as_deref(), Some("PF-AAAAA-BBBBB-CCCCC-DDDDD"));
    let log: Vec<String> = sqlx::query_scalar("SELECT host(ip) FROM key_reveals WHERE key_id = $1 ORDER BY id")
        .bind(key_id)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(log, ["203.0.113.7", "203.0.113.8"]);
    mark_redeemed(&pool, key_id).await.unwrap();
    assert!(library(&pool, &c, None, &[mine]).await.unwrap()[0].redeemed);

    // A refunded order's keys leave the library.
    sqlx::query("UPDATE orders SET status = 'refunded' WHERE id = $1").bind(mine).execute(&pool).await.unwrap();
    assert!(library(&pool, &c, None, &[mine]).await.unwrap().is_empty());
    assert_eq!(order_of_key(&pool, key_id).await.unwrap(), None);
}

/// A refund returns unrevealed keys to the pool (and the stock); a revealed key is not reused.
#[sqlx::test(migrations = "../migrations")]
async fn guest_purchases_join_the_account_of_their_address(pool: PgPool) {
    use super::pool::library;
    use crate::orders::ssr::queries::claim_guest_orders;
    let c = cipher();
    let v = game(&pool, 0, "games").await;
    import(&pool, &c, v, &["JOIN-AAAAA-BBBBB-CCCCC".into(), "JOIN-DDDDD-EEEEE-FFFFF".into()]).await.unwrap();
    let guest = paid_order(&pool, v, 1).await; // placed by k@example.com
    let other = paid_order(&pool, v, 1).await;
    sqlx::query("UPDATE orders SET email = 'someone@example.com' WHERE id = $1").bind(other).execute(&pool).await.unwrap();
    for o in [guest, other] {
        let mut conn = pool.acquire().await.unwrap();
        assign_for_order(&mut conn, o).await.unwrap();
    }
    let user: Uuid = sqlx::query_scalar("INSERT INTO users (provider, subject, email) VALUES ('builtin', 'u1', 'K@Example.com') RETURNING id")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(library(&pool, &c, Some(user), &[]).await.unwrap().is_empty());
    assert_eq!(claim_guest_orders(&pool, user, "K@Example.com").await.unwrap(), 1, "the address matches whatever its case");
    let mine = library(&pool, &c, Some(user), &[]).await.unwrap();
    assert_eq!(mine.iter().map(|k| k.order_id.clone()).collect::<Vec<_>>(), [guest.to_string()]);
    // Signing in again changes nothing; another account with the address cannot take the order over.
    assert_eq!(claim_guest_orders(&pool, user, "k@example.com").await.unwrap(), 0);
    let thief: Uuid = sqlx::query_scalar("INSERT INTO users (provider, subject, email) VALUES ('cognito', 'u2', 'k@example.com') RETURNING id")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(claim_guest_orders(&pool, thief, "k@example.com").await.unwrap(), 0);
}
