//! The attacker's findings as tests, each for its whole class: checkout keys, head text, redirect
//! targets, hostile bytes in every server function, discounts, webhook payloads, the refund/key race,
//! sign-up pre-hijack, cart clearing, sold-out counts and sign-in lockout.
mod common;

use app::types::SafePath;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use common::*;
use sqlx::PgPool;
use tower::ServiceExt;

fn location(headers: &axum::http::HeaderMap) -> Option<String> {
    headers.get(header::LOCATION).map(|v| v.to_str().expect("a Location is visible ASCII").to_owned())
}

/// A guest session with `variant` in its cart; returns its cookie.
async fn guest_with_cart(pool: &PgPool, variant: i64) -> String {
    let (status, headers, _) = send(pool, form_post("/api/cart/add", None, &[("variant_id", &variant.to_string()), ("quantity", "1")])).await;
    assert_eq!(status, StatusCode::FOUND);
    session_cookie(&headers).expect("a session").0
}

async fn place(pool: &PgPool, cookie: &str, key: &str, email: &str) -> (StatusCode, Option<String>) {
    let (status, headers, _) =
        send(pool, form_post("/api/checkout/place", Some(cookie), &[("checkout_key", key), ("email", email)])).await;
    (status, location(&headers))
}

// --- 1. Checkout keys ------------------------------------------------------------------------

#[sqlx::test(migrations = "../migrations")]
async fn a_checkout_key_only_ever_finds_its_own_sessions_order(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    let variant = game_variant(&pool, 5999, 10).await;
    let key = uuid::Uuid::new_v4().to_string();
    let alice = guest_with_cart(&pool, variant).await;
    let (status, alice_pay) = place(&pool, &alice, &key, "alice@example.com").await;
    assert_eq!(status, StatusCode::FOUND);
    let alice_pay = alice_pay.unwrap();
    assert!(alice_pay.starts_with("/pay/"), "{alice_pay}");
    // Alice's retry (a double click) is the same order.
    assert_eq!(place(&pool, &alice, &key, "alice@example.com").await.1.as_deref(), Some(alice_pay.as_str()));

    // Mallory, with her own cart, sends Alice's key: she gets an order of her own, as for any new key.
    let mallory = guest_with_cart(&pool, variant).await;
    let (status, mallory_pay) = place(&pool, &mallory, &key, "mallory@example.com").await;
    assert_eq!(status, StatusCode::FOUND);
    let mallory_pay = mallory_pay.unwrap();
    assert_ne!(mallory_pay, alice_pay, "another session's key must not lead to its order");
    let alice_order = alice_pay.trim_start_matches("/pay/");
    for page in [format!("/order/{alice_order}"), format!("/pay/{alice_order}")] {
        assert_eq!(send(&pool, get_with(&page, Some(&mallory))).await.0, StatusCode::NOT_FOUND, "{page}");
        assert_eq!(send(&pool, get_with(&page, Some(&alice))).await.0, StatusCode::OK, "{page}");
    }
    let (status, _, _) = send(&pool, form_post("/api/orders/refund", Some(&mallory), &[("order_id", alice_order), ("reason", "x")])).await;
    assert_ne!(status, StatusCode::OK);
    let emails: Vec<String> = sqlx::query_scalar("SELECT email::text FROM orders ORDER BY created_at").fetch_all(&pool).await.unwrap();
    assert_eq!(emails, ["alice@example.com", "mallory@example.com"]);
}

// --- 2. Head text ----------------------------------------------------------------------------

const HOSTILE_TEXT: &[&str] = &[
    r#"</title><meta http-equiv="refresh" content="0;url=https://elsewhere.example/">"#,
    "</title><svg/onload=alert(1)>",
    "</TITLE ><script>alert(1)</script>",
    r#""><link rel=stylesheet href=//elsewhere.example/x.css>"#,
    "&lt;/title&gt;<!--",
    "<!-- </title> -->",
];

/// The tag names in a page's `<head>`, in order (escaped text has no `<`).
fn head_tags(html: &str) -> Vec<String> {
    let head = &html[html.find("<head").expect("a head")..html.find("</head>").expect("a head end")];
    head.match_indices('<')
        .filter_map(|(i, _)| {
            let name: String = head[i + 1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!').collect();
            (!name.is_empty()).then(|| name.to_ascii_lowercase())
        })
        .collect()
}

fn assert_head_is_clean(html: &str, what: &str) {
    let tags = head_tags(html);
    let allowed = ["head", "meta", "title", "/title", "link", "script", "/script", "style", "/style", "!"];
    for t in &tags {
        assert!(allowed.contains(&t.as_str()), "{what}: unexpected <{t}> in the head: {tags:?}");
    }
    assert_eq!(tags.iter().filter(|t| *t == "title").count(), 1, "{what}: one title: {tags:?}");
    let head = html[..html.find("</head>").unwrap()].to_ascii_lowercase();
    for (i, _) in head.match_indices("<meta") {
        let tag = &head[i..i + head[i..].find('>').unwrap_or(head.len() - i)];
        // Attribute names only: quoted values are text (escaped by Leptos).
        let names: String = tag.split('"').step_by(2).collect();
        assert!(!names.contains("http-equiv"), "{what}: a live {tag}");
    }
    assert!(!head.contains("<svg") && !head.contains("<link rel=stylesheet href=//elsewhere"), "{what}");
}

#[sqlx::test(migrations = "../migrations")]
async fn hostile_text_stays_text_in_every_head(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    category(&pool).await;
    for (i, text) in HOSTILE_TEXT.iter().enumerate() {
        // From the shopper: the search box.
        let q: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
        let (status, _, html) = send(&pool, get(&format!("/search?q={q}"))).await;
        assert!(status.is_success() || status.is_client_error(), "{status}");
        assert_head_is_clean(&html, &format!("search {text}"));
        // From staff: a product's name and summary, and a category's name.
        sqlx::query(
            "INSERT INTO products (slug, name, summary, description, department, category_id)
             SELECT $1, $2, $2, $2, 'games', id FROM categories LIMIT 1",
        )
        .bind(format!("hostile-{i}"))
        .bind(text)
        .execute(&pool)
        .await
        .unwrap();
        let (status, _, html) = send(&pool, get(&format!("/p/hostile-{i}"))).await;
        assert_eq!(status, StatusCode::OK);
        assert_head_is_clean(&html, &format!("product {text}"));
        assert!(html.contains("<title>"), "title present");
        sqlx::query("UPDATE categories SET name = $1, description = $1").bind(text).execute(&pool).await.unwrap();
        let (status, _, html) = send(&pool, get("/c/games")).await;
        assert_eq!(status, StatusCode::OK);
        assert_head_is_clean(&html, &format!("category {text}"));
    }
}

// --- 3. Redirect targets ---------------------------------------------------------------------

/// Targets a browser reads as another site (or that cannot be a header value).
const HOSTILE_TARGETS: &[&str] = &[
    "//evil.example/",
    "/\\evil.example/",
    "/\t/evil.example/",
    "/%2F/evil.example/",
    "/%5Cevil.example/",
    "/%09/evil.example",
    "\u{7f}",
    "/\u{7f}",
    "/\u{1}x",
    "https://evil.example/",
    "javascript:alert(1)",
    "/x\r\nSet-Cookie: a=b",
];

#[sqlx::test(migrations = "../migrations")]
async fn every_redirect_stays_on_the_site(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let (email, password) = server::seed::DEMO_SHOPPER;
    // Many sign-ins of one account in a row: lift its rate limit for this test.
    let mut cfg = config();
    cfg.auth.limits.sign_in_per_account.max = 1000;
    for next in HOSTILE_TARGETS {
        let (status, headers, _) =
            send_with(&cfg, &pool, form_post("/api/account/sign-in", None, &[("email", email), ("password", password), ("next", next)])).await;
        assert_eq!(status, StatusCode::FOUND, "{next:?}");
        assert_eq!(location(&headers).as_deref(), Some("/account"), "sign-in with next={next:?}");
    }
    // A failed post goes back to the page it came from only when that page is ours and safe.
    for path in HOSTILE_TARGETS.iter().chain(&["//evil.example", "/\\evil.example"]) {
        let Ok(referer) = axum::http::HeaderValue::from_str(&format!("{ORIGIN}{path}")) else { continue };
        let mut req = form_post("/api/account/sign-in", None, &[("email", email), ("password", "Wrong-pass-1")]);
        req.headers_mut().insert(header::REFERER, referer);
        let (status, headers, _) = send_with(&cfg, &pool, req).await;
        assert_eq!(status, StatusCode::FOUND, "{path:?}");
        let to = location(&headers).unwrap();
        assert_eq!(to, "/account/sign-in", "referer {path:?}");
    }
    // A safe referer is still honoured (the form keeps its `next`).
    let (_, headers, _) = send(&pool, form_post("/api/account/sign-in", None, &[("email", email), ("password", "Wrong-pass-1")])).await;
    assert_eq!(location(&headers).as_deref(), Some("/account/sign-in?next=%2Fc%2Fgames"));
}

// --- 4. Hostile bytes in every server function ---------------------------------------------

/// Each server function's fields (the money forms accept exactly theirs).
const FIELDS: &[(&str, &[&str])] = &[
    ("/api/catalog/home", &[]),
    ("/api/catalog/category", &["slug"]),
    ("/api/catalog/search", &[]),
    ("/api/catalog/product", &["slug"]),
    ("/api/catalog/stock", &["product_id"]),
    ("/api/library/download", &["key_id"]),
    ("/api/library/reveal", &["key_id"]),
    ("/api/library/redeemed", &["key_id"]),
    ("/api/library/page", &[]),
    ("/api/orders/mine", &[]),
    ("/api/orders/view", &["id", "token"]),
    ("/api/orders/pay-page", &["id"]),
    ("/api/orders/refund", &["order_id", "reason"]),
    ("/api/checkout/page", &[]),
    ("/api/checkout/place", &["checkout_key", "email", "discount_code", "shipping_method", "name", "line1", "line2", "city", "postal_code", "country"]),
    ("/api/pay/card", &["order_id", "card_number"]),
    ("/api/admin/orders", &["query"]),
    ("/api/admin/order", &["id"]),
    ("/api/admin/resend-email", &["order_id", "kind"]),
    ("/api/admin/cancel", &["order_id"]),
    ("/api/admin/customers", &["query"]),
    ("/api/admin/customer", &["id"]),
    ("/api/admin/customer-disable", &["id", "disabled"]),
    ("/api/admin/customer-role", &["id", "role"]),
    ("/api/admin/ship", &["order_id", "tracking_number"]),
    ("/api/admin/refund", &["order_id"]),
    ("/api/admin/refund-part", &["order_id", "request_key", "amount", "reason"]),
    ("/api/admin/refund-request", &["request_id", "decision"]),
    ("/api/admin/discounts", &[]),
    ("/api/admin/discount", &["code"]),
    ("/api/admin/discount-save", &["original", "code", "kind", "value", "min_subtotal", "usage_limit", "per_customer_limit", "starts", "expires", "department", "note"]),
    ("/api/admin/discount-end", &["code"]),
    ("/api/admin/keys", &[]),
    ("/api/admin/keys-import", &["variant_id", "keys"]),
    ("/api/admin/keys-generate", &["variant_id", "count", "pattern"]),
    ("/api/admin/overview", &["from", "to"]),
    ("/api/admin/products", &["query"]),
    ("/api/admin/product", &["id"]),
    ("/api/admin/product-save", &["id", "version", "opened", "draft[name]", "draft[slug]", "draft[department]", "draft[category_id]", "draft[carat]", "draft[launch_at]"]),
    ("/api/admin/product-status", &["id", "to"]),
    ("/api/admin/product-option", &["id", "axis", "value"]),
    ("/api/admin/product-cell", &["id", "row", "col", "sku", "price", "compare_at", "low_stock_threshold", "stock"]),
    ("/api/admin/product-cells", &["id", "cells[0][row]", "cells[0][col]", "cells[0][sku]", "cells[0][price]", "cells[0][compare_at]", "cells[0][low_stock_threshold]", "cells[0][stock]"]),
    ("/api/admin/product-cell-clear", &["id", "variant_id"]),
    ("/api/admin/product-bulk", &["id", "line", "action", "amount"]),
    ("/api/admin/product-stock", &["id", "variant_id", "delta", "reason", "note"]),
    ("/api/admin/photo-save", &["id", "photo_id", "alt", "option_value"]),
    ("/api/admin/photo-move", &["id", "photo_id", "by"]),
    ("/api/admin/photo-delete", &["id", "photo_id"]),
    ("/api/admin/photo-progress", &["id"]),
    ("/api/admin/categories", &[]),
    ("/api/admin/audit", &["query"]),
    ("/api/admin/category-save", &["id", "name", "slug", "department", "parent_id"]),
    ("/api/dev/drop", &["launch_in_secs", "keys"]),
    ("/api/dev/mailbox", &["to"]),
    ("/api/cart/add", &["variant_id", "quantity"]),
    ("/api/cart/add-in-place", &["variant_id", "quantity"]),
    ("/api/cart/update", &["variant_id", "quantity"]),
    ("/api/cart/remove", &["variant_id"]),
    ("/api/cart/count", &[]),
    ("/api/cart/view", &[]),
    ("/api/account/sign-up", &["email", "password"]),
    ("/api/account/confirm", &["email", "code"]),
    ("/api/account/resend-code", &["email"]),
    ("/api/account/sign-in", &["email", "password", "next"]),
    ("/api/account/sign-in-code", &["code"]),
    ("/api/account/new-password", &["password"]),
    ("/api/account/sign-out", &["everywhere"]),
    ("/api/account/forgot-password", &["email"]),
    ("/api/account/reset-password", &["email", "code", "password"]),
    ("/api/account/change-password", &["current_password", "new_password"]),
    ("/api/account/two-factor/begin", &[]),
    ("/api/account/two-factor/enable", &["code"]),
    ("/api/account/two-factor/setup", &[]),
    ("/api/account/form-page", &["form"]),
    ("/api/account/summary", &[]),
];

/// Field values as they travel in a form body (already percent-encoded): control bytes, invalid
/// UTF-8, overlong text, wrong types, redirect tricks, markup.
fn hostile_wire_values() -> Vec<String> {
    let mut v: Vec<String> = [
        "x%7F", "x%01", "%00", "%FF%FE", "%C3%28", "%E2%82", "-1", "1e309", "99999999999999999999", "%2F%2Fevil.example",
        "%2F%09%2Fevil.example%2F", "%2F%7F", "%3C%2Ftitle%3E%3Cscript%3E", "%27%3B+DROP+TABLE+orders%3B--", "%", "%zz", "",
        "00000000-0000-0000-0000-00000000000%7F",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("A".repeat(20_000));
    v
}

/// Every server function, every field set to each hostile value, as a plain form post and as the
/// JavaScript client would send it: never a 5xx, never a dropped connection (a panic fails the test
/// through the in-process call), a message with every 4xx, and only safe Location headers.
#[sqlx::test(migrations = "../migrations")]
async fn every_server_function_answers_hostile_values_with_a_clear_4xx(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    game_variant(&pool, 5999, 10).await;
    // The table covers every registered server function, so a new one cannot be forgotten.
    let registered: std::collections::BTreeSet<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p.to_owned()).collect();
    let listed: std::collections::BTreeSet<String> = FIELDS.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(registered, listed, "list every server function's fields in FIELDS");

    let shopper = sign_in_as(&pool, server::seed::DEMO_SHOPPER).await;
    // Staff functions get the hostile values from an admin too (everyone else stops at the gate).
    let admin = sign_in_as(&pool, server::seed::DEMO_ADMIN).await;
    let router = server::router(&config(), pool.clone(), std::sync::Arc::new(server::builtin_provider(&config(), &pool)), server::Extras::default());
    let mut checked = 0;
    for (path, fields) in FIELDS {
        for value in hostile_wire_values() {
            let body: String = fields.iter().map(|f| format!("{f}={value}")).collect::<Vec<_>>().join("&");
            let mut callers = vec![("text/html", None), ("application/json", Some(shopper.as_str()))];
            if path.starts_with("/api/admin/") {
                callers.extend([("text/html", Some(admin.as_str())), ("application/json", Some(admin.as_str()))]);
            }
            for (accept, cookie) in callers {
                let mut req = Request::post(*path)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::ACCEPT, accept)
                    .header(header::ORIGIN, ORIGIN);
                if let Some(c) = cookie {
                    req = req.header(header::COOKIE, c);
                }
                let res = router.clone().oneshot(req.body(Body::from(body.clone())).unwrap()).await.unwrap();
                let status = res.status();
                let loc = location(res.headers());
                let text = String::from_utf8_lossy(&axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap()).into_owned();
                let what = format!("{path} {accept} {}", &value[..value.len().min(40)]);
                assert!(status.as_u16() < 500, "{what}: {status} {text}");
                if status.is_client_error() {
                    assert!(!text.trim().is_empty(), "{what}: a 4xx says why");
                }
                assert!(!text.contains("panicked") && !text.contains("sqlx") && !text.contains("syntax error"), "{what}: {text}");
                if let Some(loc) = loc {
                    assert!(SafePath::parse(&loc).is_some(), "{what}: unsafe Location {loc:?}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked}");
    // The findings as reported, exactly.
    for (path, body) in [("/api/pay/card", "order_id=x%7F&card_number=4242424242424242"), ("/api/orders/refund", "order_id=x%01&reason=r")] {
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(body))
            .unwrap();
        let (status, _, text) = send(&pool, req).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {text}");
        assert!(text.contains("NotFound"), "{text}");
    }
    assert_eq!(send(&pool, get("/healthz")).await.0, StatusCode::OK, "the server is alive");
}

// --- 9. Sign-up pre-hijack -------------------------------------------------------------------

async fn latest_code(pool: &PgPool, to: &str) -> String {
    let body: String = sqlx::query_scalar("SELECT body FROM dev_mailbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1")
        .bind(to)
        .fetch_one(pool)
        .await
        .unwrap();
    body.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).expect("a six-digit code").to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn whoever_proves_the_mailbox_ends_up_the_only_one_who_can_sign_in(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    let victim = "victim@example.com";
    let (attacker_pw, owner_pw) = ("Attacker-pass-1!", "Owner-pass-2026!");
    // The attacker signs up with the victim's address.
    let (status, headers, _) = send(&pool, form_post("/api/account/sign-up", None, &[("email", victim), ("password", attacker_pw)])).await;
    assert_eq!(status, StatusCode::FOUND);
    let attacker = session_cookie(&headers).unwrap().0;
    // The owner enters the code from their inbox in their own browser: refused, nothing confirmed.
    let code = latest_code(&pool, victim).await;
    let (status, headers, _) = send(&pool, form_post("/api/account/confirm", None, &[("email", victim), ("code", &code)])).await;
    assert_eq!(status, StatusCode::FOUND);
    let owner = session_cookie(&headers).unwrap().0;
    let (status, _, html) = send(&pool, get_with("/account/confirm", Some(&owner))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    assert!(html.contains("sign up now to choose your own password"), "{html}");
    let verified: bool = sqlx::query_scalar("SELECT email_verified FROM builtin_accounts WHERE email = $1").bind(victim).fetch_one(&pool).await.unwrap();
    assert!(!verified);

    // The owner signs up themselves (their password replaces the stranger's), then confirms here.
    let (status, _, _) = send(&pool, form_post("/api/account/sign-up", Some(&owner), &[("email", victim), ("password", owner_pw)])).await;
    assert_eq!(status, StatusCode::FOUND);
    let owner_code = latest_code(&pool, victim).await;
    // The attacker cannot use the owner's attempt from their session, even with the code.
    let (_, _, _) = send(&pool, form_post("/api/account/confirm", Some(&attacker), &[("email", victim), ("code", &owner_code)])).await;
    let verified: bool = sqlx::query_scalar("SELECT email_verified FROM builtin_accounts WHERE email = $1").bind(victim).fetch_one(&pool).await.unwrap();
    assert!(!verified, "the attacker's session confirmed the address");
    let (status, headers, _) = send(&pool, form_post("/api/account/confirm", Some(&owner), &[("email", victim), ("code", &owner_code)])).await;
    assert_eq!((status, location(&headers).as_deref()), (StatusCode::FOUND, Some("/account/sign-in")));

    // Only the owner's password opens the account.
    let (_, headers, _) = send(&pool, form_post("/api/account/sign-in", None, &[("email", victim), ("password", attacker_pw)])).await;
    assert_eq!(location(&headers).as_deref(), Some("/account/sign-in?next=%2Fc%2Fgames"), "the attacker's password fails");
    sign_in_as(&pool, (victim, owner_pw)).await;

    // Unconfirmed sign-ups expire: an old one is swept and the address is free again.
    send(&pool, form_post("/api/account/sign-up", None, &[("email", "late@example.com"), ("password", attacker_pw)])).await;
    sqlx::query("UPDATE builtin_accounts SET created_at = now() - interval '2 days' WHERE email = 'late@example.com'").execute(&pool).await.unwrap();
    sqlx::query("UPDATE signup_attempts SET created_at = now() - interval '2 days'").execute(&pool).await.unwrap();
    assert_eq!(app::accounts::ssr::users::sweep_unconfirmed(&pool).await.unwrap(), 1);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM builtin_accounts WHERE email = 'late@example.com'").fetch_one(&pool).await.unwrap();
    assert_eq!(left, 0);
}

// --- 10. Cart after paying, sold-out counts, lockout ----------------------------------------

#[sqlx::test(migrations = "../migrations")]
async fn paying_takes_only_what_was_ordered_out_of_the_cart(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    let game = game_variant(&pool, 5999, 10).await;
    let pid: i64 = sqlx::query_scalar("SELECT product_id FROM variants WHERE id = $1").bind(game).fetch_one(&pool).await.unwrap();
    let other: i64 = sqlx::query_scalar("INSERT INTO variants (product_id, sku, price_minor, stock, edition) VALUES ($1, 'GAME-2', 7999, 10, 'Deluxe') RETURNING id")
        .bind(pid)
        .fetch_one(&pool)
        .await
        .unwrap();
    let buyer = guest_with_cart(&pool, game).await;
    let (_, pay) = place(&pool, &buyer, &uuid::Uuid::new_v4().to_string(), "buyer@example.com").await;
    let order = pay.unwrap().trim_start_matches("/pay/").to_owned();
    // Added in another tab after the order was placed: one more of the game, and the deluxe edition.
    send(&pool, form_post("/api/cart/add", Some(&buyer), &[("variant_id", &game.to_string()), ("quantity", "1")])).await;
    send(&pool, form_post("/api/cart/add", Some(&buyer), &[("variant_id", &other.to_string()), ("quantity", "1")])).await;
    let (status, headers, _) =
        send(&pool, form_post("/api/pay/card", Some(&buyer), &[("order_id", &order), ("card_number", "4242 4242 4242 4242")])).await;
    assert_eq!((status, location(&headers)), (StatusCode::FOUND, Some(format!("/order/{order}"))));
    let left: Vec<(i64, i32)> = sqlx::query_as("SELECT variant_id, quantity FROM cart_lines ORDER BY variant_id").fetch_all(&pool).await.unwrap();
    assert_eq!(left, vec![(game, 1), (other, 1)], "what was not ordered stays in the cart");
}

#[sqlx::test(migrations = "../migrations")]
async fn asking_for_more_than_is_left_says_how_many_are_left(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    let game = game_variant(&pool, 5999, 10).await;
    let buyer = guest_with_cart(&pool, game).await;
    send(&pool, form_post("/api/cart/update", Some(&buyer), &[("variant_id", &game.to_string()), ("quantity", "3")])).await;
    sqlx::query("UPDATE variants SET stock = 2 WHERE id = $1").bind(game).execute(&pool).await.unwrap();
    let mut req = form_post("/api/checkout/place", Some(&buyer), &[("checkout_key", &uuid::Uuid::new_v4().to_string()), ("email", "b@example.com")]);
    req.headers_mut().insert(header::ACCEPT, "application/json".parse().unwrap());
    let (status, _, body) = send(&pool, req).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("only 2 of A Game are left"), "{body}");
    sqlx::query("UPDATE variants SET stock = 0 WHERE id = $1").bind(game).execute(&pool).await.unwrap();
    let mut req = form_post("/api/checkout/place", Some(&buyer), &[("checkout_key", &uuid::Uuid::new_v4().to_string()), ("email", "b@example.com")]);
    req.headers_mut().insert(header::ACCEPT, "application/json".parse().unwrap());
    let (_, _, body) = send(&pool, req).await;
    assert!(body.contains("just sold out"), "{body}");
}

fn from_ip(mut req: Request<Body>, ip: [u8; 4]) -> Request<Body> {
    req.extensions_mut().insert(ConnectInfo(std::net::SocketAddr::from((ip, 40000))));
    req
}

/// Ten wrong passwords from a stranger's network lock the account there, but its owner still signs
/// in from a network they used before.
#[sqlx::test(migrations = "../migrations")]
async fn a_stranger_cannot_lock_the_owner_out_of_their_usual_network(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let (email, password) = server::seed::DEMO_SHOPPER;
    let home = [198, 51, 100, 7];
    let attempt = |pw: &str, ip| from_ip(form_post("/api/account/sign-in", None, &[("email", email), ("password", pw), ("next", "/account")]), ip);
    let (_, headers, _) = send(&pool, attempt(password, home)).await;
    assert_eq!(location(&headers).as_deref(), Some("/account"), "the owner signs in at home once");

    for i in 0..10u8 {
        let (status, _, _) = send(&pool, attempt("Wrong-pass-1", [203, 0, 113, i])).await;
        assert_eq!(status, StatusCode::FOUND);
    }
    // From the stranger's side the account is now locked, even with the right password.
    let mut req = attempt(password, [203, 0, 113, 200]);
    req.headers_mut().insert(header::ACCEPT, "application/json".parse().unwrap());
    assert_eq!(send(&pool, req).await.0, StatusCode::TOO_MANY_REQUESTS);
    // The owner at home (another address in the same /24) still gets in.
    let (status, headers, _) = send(&pool, attempt(password, [198, 51, 100, 42])).await;
    assert_eq!((status, location(&headers).as_deref()), (StatusCode::FOUND, Some("/account")));
}

// --- Staff functions behind one gate (restructure) ------------------------------------------

/// The staff functions support may call (orders, shipping, refunds within their limit, the
/// dashboard); every other `/api/admin/*` function is for admins only.
const SUPPORT_MAY: &[&str] = &[
    "/api/admin/orders", "/api/admin/order", "/api/admin/ship", "/api/admin/refund", "/api/admin/refund-part",
    "/api/admin/refund-request", "/api/admin/resend-email", "/api/admin/cancel", "/api/admin/overview", "/api/admin/customers", "/api/admin/customer",
];

/// The role matrix: every `/api/admin/*` function, called with plausible fields by an anonymous
/// visitor, a signed-in shopper, a forged cookie and support (for the admin-only ones): 403 each
/// time, and nothing in the database changes. Then support's own functions and every function as an
/// admin get past the role check (whatever the fields then say).
#[sqlx::test(migrations = "../migrations")]
async fn every_staff_function_refuses_who_may_not_and_changes_nothing(pool: PgPool) {
    use app::checkout::ssr::payment::payment_succeeded;
    use app::checkout::ssr::place::{start_checkout, CheckoutRequest};
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let variant = game_variant(&pool, 5999, 10).await;
    let req = CheckoutRequest {
        checkout_key: uuid::Uuid::new_v4(),
        placed_by: "buyer".into(),
        user_id: None,
        email: app::types::Email::parse("buyer@example.com").unwrap(),
        lines: vec![(variant, 1)],
        discount_code: None,
        shipping: None,
    };
    let order = start_checkout(&pool, &req, &Default::default(), 10).await.unwrap();
    let ev = app::payments::PaymentEvent {
        provider: "builtin".into(),
        event_id: "evt_gate".into(),
        provider_ref: "ch_gate".into(),
        order_id: order.order_id,
        amount_minor: order.totals.total_minor,
        currency: "EUR".into(),
    };
    payment_succeeded(&pool, &ev).await.unwrap();
    let request_id: i64 = sqlx::query_scalar("INSERT INTO refund_requests (order_id, reason) VALUES ($1, 'x') RETURNING id")
        .bind(order.order_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let snapshot = || async {
        sqlx::query_as::<_, (String, i64, String, i64, i64, i64, String, i64)>(
            "SELECT (SELECT string_agg(status, ',' ORDER BY id) FROM orders),
                    (SELECT count(*) FROM license_keys),
                    (SELECT string_agg(status, ',' ORDER BY id) FROM refund_requests),
                    (SELECT count(*) FROM jobs),
                    (SELECT coalesce(sum(stock), 0) FROM variants),
                    (SELECT count(*) FROM audit_log),
                    (SELECT string_agg(name || ':' || status || ':' || slug, ',' ORDER BY id) FROM products),
                    (SELECT count(*) FROM categories)",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let before = snapshot().await;
    let value = |field: &str| match field {
        "order_id" => order.order_id.to_string(),
        "request_id" => request_id.to_string(),
        "decision" => "approve".into(),
        "tracking_number" => "TRACK-1".into(),
        "variant_id" => variant.to_string(),
        "keys" => "AAAA-BBBB-CCCC-DDDD\nEEEE-FFFF-GGGG-HHHH".into(),
        "count" => "5".into(),
        "pattern" => "XXXXX-XXXXX-XXXXX-XXXXX".into(),
        "to" => "archived".into(),
        "kind" => "email.order_confirmation".into(),
        _ => "1".into(),
    };
    let call = |path: &'static str, cookie: Option<String>, accept: &'static str| {
        let pool = pool.clone();
        let fields = FIELDS.iter().find(|(p, _)| *p == path).map(|(_, f)| *f).unwrap_or(&[]);
        // A page's query string travels as a list of pairs.
        let owned: Vec<(String, String)> = fields
            .iter()
            .flat_map(|f| match *f {
                "query" => vec![("query[0][0]".to_owned(), "q".to_owned()), ("query[0][1]".to_owned(), "ring".to_owned())],
                f => vec![(f.to_owned(), value(f))],
            })
            .collect();
        async move {
            let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let mut req = form_post(path, cookie.as_deref(), &pairs);
            req.headers_mut().insert(header::ACCEPT, accept.parse().unwrap());
            send(&pool, req).await
        }
    };
    let shopper = sign_in_as(&pool, server::seed::DEMO_SHOPPER).await;
    let support = sign_in_as(&pool, server::seed::DEMO_SUPPORT).await;
    let admin = sign_in_as(&pool, server::seed::DEMO_ADMIN).await;
    let staff_paths: Vec<&'static str> =
        leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p).filter(|p| p.starts_with("/api/admin/")).collect();
    assert!(staff_paths.len() >= 8, "{staff_paths:?}");
    for p in SUPPORT_MAY {
        assert!(staff_paths.contains(p), "{p} is a staff function");
    }
    let mut refused = 0;
    for path in &staff_paths {
        let mut who = vec![("anonymous", None), ("shopper", Some(shopper.clone())), ("forged", Some("shop_session=forged".to_owned()))];
        if !SUPPORT_MAY.contains(path) {
            who.push(("support", Some(support.clone())));
        }
        for (name, cookie) in who {
            for accept in ["text/html", "application/json"] {
                let (status, _, body) = call(path, cookie.clone(), accept).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{path} as {name} ({accept}): {body}");
                assert_eq!(body, r#""Forbidden""#, "{path} as {name}");
                refused += 1;
            }
        }
    }
    assert!(refused > staff_paths.len() * 6, "the admin-only functions were tried as support too");
    assert_eq!(snapshot().await, before, "nothing changed");

    // Past the role check: support on theirs, an admin on every one (reads first, the refund last).
    for (cookie, paths) in [(&support, SUPPORT_MAY.to_vec()), (&admin, staff_paths.clone())] {
        let mut paths = paths;
        paths.sort_by_key(|p| (p.contains("refund"), *p));
        for path in paths {
            let (status, _, body) = call(path, Some(cookie.clone()), "application/json").await;
            assert_ne!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        }
    }
    let mut req = form_post("/api/admin/overview", Some(&admin), &[]);
    req.headers_mut().insert(header::ACCEPT, "application/json".parse().unwrap());
    let (status, _, body) = send(&pool, req).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("admin@example.com") && body.contains("Admin"), "{body}");
}

/// Support may refund up to their limit and no more: a larger refund is refused with a message that
/// says an admin must do it, and changes nothing; an admin can make it. Both refunds are audited.
#[sqlx::test(migrations = "../migrations")]
async fn support_refunds_up_to_their_limit_and_an_admin_above_it(pool: PgPool) {
    use app::checkout::ssr::payment::payment_succeeded;
    use app::checkout::ssr::place::{start_checkout, CheckoutRequest};
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let limit = app::checkout::ssr::OrderSettings::default().support_refund_limit_minor;
    let cheap = game_variant(&pool, limit, 10).await;
    let dear: i64 = sqlx::query_scalar(
        "INSERT INTO variants (product_id, sku, price_minor, stock, edition) SELECT product_id, 'DEAR-1', $1, 5, 'Deluxe' FROM variants WHERE id = $2 RETURNING id",
    )
    .bind(limit + 1)
    .bind(cheap)
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut orders = Vec::new();
    for (i, v) in [cheap, dear].into_iter().enumerate() {
        let req = CheckoutRequest {
            checkout_key: uuid::Uuid::new_v4(),
            placed_by: "buyer".into(),
            user_id: None,
            email: app::types::Email::parse("buyer@example.com").unwrap(),
            lines: vec![(v, 1)],
            discount_code: None,
            shipping: None,
        };
        let o = start_checkout(&pool, &req, &Default::default(), 10).await.unwrap();
        let ev = app::payments::PaymentEvent {
            provider: "builtin".into(),
            event_id: format!("evt_{i}"),
            provider_ref: format!("ch_{i}"),
            order_id: o.order_id,
            amount_minor: o.totals.total_minor,
            currency: "EUR".into(),
        };
        payment_succeeded(&pool, &ev).await.unwrap();
        orders.push(o.order_id);
    }
    let status = |id: uuid::Uuid| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, String>("SELECT status FROM orders WHERE id = $1").bind(id).fetch_one(&pool).await.unwrap() }
    };
    let audits = || async { sqlx::query_scalar::<_, i64>("SELECT count(*) FROM audit_log WHERE action = 'order.refund'").fetch_one(&pool).await.unwrap() };
    let support = sign_in_as(&pool, server::seed::DEMO_SUPPORT).await;
    let admin = sign_in_as(&pool, server::seed::DEMO_ADMIN).await;
    let refund = |cookie: &str, id: uuid::Uuid| {
        let mut req = form_post("/api/admin/refund", Some(cookie), &[("order_id", &id.to_string())]);
        req.headers_mut().insert(header::ACCEPT, "application/json".parse().unwrap());
        send(&pool, req)
    };
    let (code, _, body) = refund(&support, orders[1]).await;
    assert_eq!(code, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("Refunds above €100.00 need an admin"), "{body}");
    assert_eq!((status(orders[1]).await, audits().await), ("paid".to_owned(), 0), "nothing changed");
    let (code, _, body) = refund(&support, orders[0]).await;
    assert!(code.is_success() || code.is_redirection(), "{code} {body}");
    assert_eq!(status(orders[0]).await, "refunded");
    let (code, _, body) = refund(&admin, orders[1]).await;
    assert!(code.is_success() || code.is_redirection(), "{code} {body}");
    assert_eq!(status(orders[1]).await, "refunded");
    let who: Vec<String> = sqlx::query_scalar("SELECT actor_email FROM audit_log WHERE action = 'order.refund' ORDER BY id").fetch_all(&pool).await.unwrap();
    assert_eq!(who, [server::seed::DEMO_SUPPORT.0, server::seed::DEMO_ADMIN.0]);
}

/// A staff form that fails sends the browser back to its page, which shows why (the flash survives
/// the staff frame around the page).
#[sqlx::test(migrations = "../migrations")]
async fn a_failed_staff_form_shows_its_message_on_the_staff_page(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let admin = sign_in_as(&pool, server::seed::DEMO_ADMIN).await;
    let mut req = form_post("/api/admin/ship", Some(&admin), &[("order_id", &uuid::Uuid::new_v4().to_string()), ("tracking_number", "<b>")]);
    req.headers_mut().insert(header::REFERER, format!("{ORIGIN}/admin/orders").parse().unwrap());
    let (status, headers, _) = send(&pool, req).await;
    assert_eq!((status, location(&headers).as_deref()), (StatusCode::FOUND, Some("/admin/orders")));
    let (status, _, html) = send(&pool, get_with("/admin/orders", Some(&admin))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"form-error\"") && html.contains("tracking number"), "{html}");
    assert!(html.contains("data-testid=\"admin-nav\""), "the staff navigation");
}

// --- Every staff change is audited (issue: staff run the business) ----------------------------

/// The staff functions that only read (a successful call writes nothing).
const STAFF_READS: &[&str] = &[
    "/api/admin/orders", "/api/admin/order", "/api/admin/overview", "/api/admin/products", "/api/admin/product",
    "/api/admin/categories", "/api/admin/keys", "/api/admin/audit", "/api/admin/photo-progress", "/api/admin/customers",
    "/api/admin/customer", "/api/admin/discounts", "/api/admin/discount",
];

/// Every staff function that changes something, called successfully by an admin, writes at least
/// one audit row in the same request; the list of calls covers every registered staff function
/// that is not a read, so a new one without an audit row (or without a step here) fails.
#[sqlx::test(migrations = "../migrations")]
async fn every_successful_staff_change_writes_an_audit_row(pool: PgPool) {
    use app::checkout::pricing::ShippingMethod;
    use app::checkout::ssr::payment::payment_succeeded;
    use app::checkout::ssr::place::{start_checkout, Address, CheckoutRequest};
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let admin = sign_in_as(&pool, server::seed::DEMO_ADMIN).await;
    let audits = || async { sqlx::query_scalar::<_, i64>("SELECT count(*) FROM audit_log").fetch_one(&pool).await.unwrap() };
    let scalar = |sql: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap() }
    };
    let mut covered = std::collections::BTreeSet::new();
    let mut step = |path: &'static str, fields: Vec<(&'static str, String)>| {
        covered.insert(path);
        let pool = pool.clone();
        let admin = admin.clone();
        async move {
            let before: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log").fetch_one(&pool).await.unwrap();
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let mut req = form_post(path, Some(&admin), &pairs);
            req.headers_mut().insert(header::ACCEPT, "application/json".parse().unwrap());
            let (status, _, body) = send(&pool, req).await;
            assert!(status.is_success() || status.is_redirection(), "{path} {fields:?}: {status} {body}");
            let after: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log").fetch_one(&pool).await.unwrap();
            assert!(after > before, "{path} succeeded but wrote no audit row");
        }
    };
    let s = |v: &str| v.to_owned();

    // The catalog: a category, a ring with a 1 x 2 matrix, its photos, a cleared cell, stock, publish.
    step("/api/admin/category-save", vec![("name", s("Audit rings")), ("slug", s("audit-rings")), ("department", s("jewelry")), ("parent_id", s(""))]).await;
    let cat = scalar("SELECT id FROM categories WHERE slug = 'audit-rings'").await.to_string();
    step("/api/admin/category-save", vec![("id", cat.clone()), ("name", s("Audited rings")), ("slug", s("audit-rings")), ("parent_id", s(""))]).await;
    let draft = |name: &str| {
        vec![
            ("draft[name]", s(name)), ("draft[department]", s("jewelry")), ("draft[category_id]", cat.clone()),
            ("draft[summary]", s("A ring.")), ("draft[description]", s("Made by hand.")), ("draft[finish]", s("Polished")),
            ("draft[stone]", s("Sapphire")), ("draft[carat]", s("1.2")), ("draft[max_per_order]", s("10")),
        ]
    };
    step("/api/admin/product-save", draft("Audit Ring")).await;
    let pid = scalar("SELECT id FROM products WHERE name = 'Audit Ring'").await.to_string();
    let version = scalar("SELECT version::bigint FROM products WHERE name = 'Audit Ring'").await.to_string();
    let mut update = draft("Audit Ring II");
    update.extend([("id", pid.clone()), ("version", version)]);
    step("/api/admin/product-save", update).await;
    step("/api/admin/product-option", vec![("id", pid.clone()), ("axis", s("0")), ("value", s("Silver"))]).await;
    step("/api/admin/product-option", vec![("id", pid.clone()), ("axis", s("1")), ("value", s("7"))]).await;
    step("/api/admin/product-option", vec![("id", pid.clone()), ("axis", s("1")), ("value", s("8"))]).await;
    let cell = |col: &str, sku: &str, price: &str| {
        vec![
            ("id", pid.clone()), ("row", s("Silver")), ("col", s(col)), ("sku", s(sku)), ("price", s(price)),
            ("compare_at", s("")), ("low_stock_threshold", s("2")), ("stock", s("3")),
        ]
    };
    step("/api/admin/product-cell", cell("7", "AUDIT-RING-7", "100")).await;
    step("/api/admin/product-cell", cell("8", "AUDIT-RING-8", "100")).await;
    step("/api/admin/product-cells", vec![
        ("id", pid.clone()), ("cells[0][row]", s("Silver")), ("cells[0][col]", s("7")), ("cells[0][sku]", s("AUDIT-RING-7")),
        ("cells[0][price]", s("120")), ("cells[0][compare_at]", s("")), ("cells[0][low_stock_threshold]", s("2")),
    ]).await;
    let v8 = scalar("SELECT id FROM variants WHERE sku = 'AUDIT-RING-8'").await.to_string();
    step("/api/admin/product-cell-clear", vec![("id", pid.clone()), ("variant_id", v8)]).await;
    step("/api/admin/product-bulk", vec![("id", pid.clone()), ("line", s("row:Silver")), ("action", s("price")), ("amount", s("130"))]).await;
    let v7 = scalar("SELECT id FROM variants WHERE sku = 'AUDIT-RING-7'").await.to_string();
    step("/api/admin/product-stock", vec![("id", pid.clone()), ("variant_id", v7.clone()), ("delta", s("5")), ("reason", s("received")), ("note", s("PO 1"))]).await;
    for (i, alt) in ["Front", "Side"].iter().enumerate() {
        sqlx::query("INSERT INTO product_images (product_id, position, alt, path_prefix, widths, width, height) VALUES ($1::text::bigint, $2, $3, $4, '{400}', 400, 400)")
            .bind(&pid)
            .bind(i as i32)
            .bind(alt)
            .bind(format!("products/audit-{i}"))
            .execute(&pool)
            .await
            .unwrap();
    }
    let photo = scalar("SELECT min(id) FROM product_images").await.to_string();
    step("/api/admin/photo-save", vec![("id", pid.clone()), ("photo_id", photo.clone()), ("alt", s("The front")), ("option_value", s(""))]).await;
    step("/api/admin/photo-move", vec![("id", pid.clone()), ("photo_id", photo.clone()), ("by", s("1"))]).await;
    step("/api/admin/photo-delete", vec![("id", pid.clone()), ("photo_id", photo)]).await;
    step("/api/admin/product-status", vec![("id", pid.clone()), ("to", s("active"))]).await;

    // Keys for a game.
    let game = game_variant(&pool, 1999, 0).await;
    step("/api/admin/keys-import", vec![("variant_id", game.to_string()), ("keys", s("AUDIT-AAAAA-BBBBB\nAUDIT-CCCCC-DDDDD\nAUDIT-EEEEE-FFFFF"))]).await;
    step("/api/admin/keys-generate", vec![("variant_id", game.to_string()), ("count", s("3")), ("pattern", s("GEN-XXXXX-XXXXX-XXXXX-XXXXX"))]).await;

    // Orders: ship the ring, resend its confirmation, refund a game, approve a refund request.
    let paid = |lines: Vec<(i64, i64)>, ships: bool, n: usize| {
        let pool = pool.clone();
        async move {
            let req = CheckoutRequest {
                checkout_key: uuid::Uuid::new_v4(),
                placed_by: "buyer".into(),
                user_id: None,
                email: app::types::Email::parse("buyer@example.com").unwrap(),
                lines,
                discount_code: None,
                shipping: ships.then(|| {
                    (ShippingMethod::Standard, Address {
                        name: "Ada Lovelace".into(),
                        line1: "1 Analytical Way".into(),
                        line2: String::new(),
                        city: "London".into(),
                        postal_code: "N1 9GU".into(),
                        country: "GB".into(),
                    })
                }),
            };
            let o = start_checkout(&pool, &req, &Default::default(), 10).await.unwrap();
            let ev = app::payments::PaymentEvent {
                provider: "builtin".into(),
                event_id: format!("evt_audit_{n}"),
                provider_ref: format!("ch_audit_{n}"),
                order_id: o.order_id,
                amount_minor: o.totals.total_minor,
                currency: "EUR".into(),
            };
            payment_succeeded(&pool, &ev).await.unwrap();
            o.order_id
        }
    };
    let ring_order = paid(vec![(v7.parse().unwrap(), 1)], true, 1).await;
    step("/api/admin/ship", vec![("order_id", ring_order.to_string()), ("tracking_number", s("1Z999AA10123456784"))]).await;
    step("/api/admin/resend-email", vec![("order_id", ring_order.to_string()), ("kind", s("email.shipped"))]).await;
    let game_order = paid(vec![(game, 1)], false, 2).await;
    step("/api/admin/refund", vec![("order_id", game_order.to_string())]).await;
    let two_units = paid(vec![(game, 2)], false, 4).await;
    step("/api/admin/refund-part", vec![
        ("order_id", two_units.to_string()), ("request_key", s("audit-refund-part-1")), (Box::leak(format!("qty[{game}]").into_boxed_str()), s("1")),
        ("amount", s("")), ("reason", s("one copy was a duplicate")),
    ]).await;
    let asked = paid(vec![(game, 1)], false, 3).await;
    let request = sqlx::query_scalar::<_, i64>("INSERT INTO refund_requests (order_id, reason) VALUES ($1, 'Does not start') RETURNING id")
        .bind(asked)
        .fetch_one(&pool)
        .await
        .unwrap();
    step("/api/admin/refund-request", vec![("request_id", request.to_string()), ("decision", s("decline"))]).await;
    let unpaid = start_checkout(
        &pool,
        &CheckoutRequest {
            checkout_key: uuid::Uuid::new_v4(),
            placed_by: "buyer".into(),
            user_id: None,
            email: app::types::Email::parse("late@example.com").unwrap(),
            lines: vec![(game, 1)],
            discount_code: None,
            shipping: None,
        },
        &Default::default(),
        10,
    )
    .await
    .unwrap();
    step("/api/admin/cancel", vec![("order_id", unpaid.order_id.to_string())]).await;

    // A discount code: created, changed, ended.
    let code = |v: &str| vec![
        ("original", s("")), ("code", s("AUDIT-10")), ("kind", s("percent")), ("value", s(v)), ("min_subtotal", s("")),
        ("usage_limit", s("50")), ("per_customer_limit", s("1")), ("starts", s("")), ("expires", s("2199-01-01T00:00")),
        ("department", s("jewelry")), ("note", s("audit")),
    ];
    step("/api/admin/discount-save", code("10")).await;
    let mut edit = code("15");
    edit[0].1 = s("AUDIT-10");
    step("/api/admin/discount-save", edit).await;
    step("/api/admin/discount-end", vec![("code", s("audit-10"))]).await;

    // A customer's account: turned off and on, given a role.
    sign_in_as(&pool, server::seed::DEMO_SHOPPER).await;
    let shopper: uuid::Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = 'shopper@example.com'").fetch_one(&pool).await.unwrap();
    step("/api/admin/customer-disable", vec![("id", shopper.to_string()), ("disabled", s("true"))]).await;
    step("/api/admin/customer-disable", vec![("id", shopper.to_string()), ("disabled", s("false"))]).await;
    step("/api/admin/customer-role", vec![("id", shopper.to_string()), ("role", s("support"))]).await;

    let staff_changes: std::collections::BTreeSet<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p)
        .filter(|p| p.starts_with("/api/admin/") && !STAFF_READS.contains(p))
        .collect();
    assert_eq!(covered, staff_changes, "every staff function that changes something has a step here");
    // Who and from where, on every row.
    let anonymous: i64 = scalar("SELECT count(*) FROM audit_log WHERE actor_email <> 'admin@example.com' OR actor_id IS NULL").await;
    assert_eq!(anonymous, 0, "every row names the admin");
    assert!(audits().await >= staff_changes.len() as i64);
}

/// A customer's account turned off by an admin: the session they have open ends with the next
/// request, they cannot sign in, and turned on again they can; support may look but not do it; an
/// admin cannot turn themselves off. Each change is audited.
#[sqlx::test(migrations = "../migrations")]
async fn an_account_turned_off_is_signed_out_at_once(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let shopper = sign_in_as(&pool, server::seed::DEMO_SHOPPER).await;
    let admin = sign_in_as(&pool, server::seed::DEMO_ADMIN).await;
    let support = sign_in_as(&pool, server::seed::DEMO_SUPPORT).await;
    let id_of = |email: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM users WHERE email = $1").bind(email).fetch_one(&pool).await.unwrap() }
    };
    let (customer, me) = (id_of("shopper@example.com").await, id_of("admin@example.com").await);
    let (status, _, _) = send(&pool, get_with("/account", Some(&shopper))).await;
    assert_eq!(status, StatusCode::OK);
    let post = |cookie: &str, path: &str, fields: Vec<(&str, String)>| {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut req = form_post(path, Some(cookie), &pairs);
        req.headers_mut().insert(header::ACCEPT, "application/json".parse().unwrap());
        send(&pool, req)
    };
    // Support see the customer, but the switch is not theirs.
    let (status, _, html) = send(&pool, get_with(&format!("/admin/customers/{customer}"), Some(&support))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("shopper@example.com") && !html.contains("Turn the account off"), "{html}");
    let (status, _, _) = post(&support, "/api/admin/customer-disable", vec![("id", customer.to_string()), ("disabled", "true".into())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = send(&pool, get_with("/account", Some(&shopper))).await;
    assert_eq!(status, StatusCode::OK, "still on");

    let (status, _, body) = post(&admin, "/api/admin/customer-disable", vec![("id", customer.to_string()), ("disabled", "true".into())]).await;
    assert!(status.is_success() || status.is_redirection(), "{status} {body}");
    let (status, _, _) = send(&pool, get_with("/account", Some(&shopper))).await;
    assert_ne!(status, StatusCode::OK, "the open session ended");
    let (status, headers, _) = send(
        &pool,
        form_post("/api/account/sign-in", None, &[("email", "shopper@example.com"), ("password", server::seed::DEMO_SHOPPER.1), ("next", "/account")]),
    )
    .await;
    assert_ne!(location(&headers).as_deref(), Some("/account"), "cannot sign in ({status})");
    let (status, _, _) = post(&admin, "/api/admin/customer-disable", vec![("id", customer.to_string()), ("disabled", "false".into())]).await;
    assert!(status.is_success() || status.is_redirection());
    let again = sign_in_as(&pool, server::seed::DEMO_SHOPPER).await;
    let (status, _, _) = send(&pool, get_with("/account", Some(&again))).await;
    assert_eq!(status, StatusCode::OK, "on again");

    let (status, _, body) = post(&admin, "/api/admin/customer-disable", vec![("id", me.to_string()), ("disabled", "true".into())]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity = 'user' ORDER BY id").fetch_all(&pool).await.unwrap();
    assert_eq!(actions, ["user.disable", "user.enable"]);
}
