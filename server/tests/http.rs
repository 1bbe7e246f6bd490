//! The whole HTTP stack (router, layers, Leptos pages, server functions) against a real database,
//! driven in-process with `tower::ServiceExt::oneshot`.
mod common;

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use common::*;
use sqlx::PgPool;
use tower::ServiceExt;

#[sqlx::test(migrations = "../migrations")]
async fn health_and_readiness(pool: PgPool) {
    assert_eq!(send(&pool, get("/healthz")).await.0, StatusCode::OK);
    assert_eq!(send(&pool, get("/readyz")).await.0, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_have_status_title_and_a_csp(pool: PgPool) {
    category(&pool).await;
    let (status, headers, body) = send(&pool, get("/c/games")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<title>Games | "), "{body}");
    assert!(body.contains(r#"<link href="https://shop.example/c/games" rel="canonical">"#), "canonical");
    // A public page: no nonce anywhere (its bytes are the same for everyone), scripts allowed by hash.
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self' 'sha256-") && !csp.contains("'nonce-") && !csp.contains("unsafe-inline"), "{csp}");
    assert!(!body.contains("nonce=\"") || body.matches("nonce=\"\"").count() == body.matches("nonce=\"").count(), "no nonce value");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");

    // A private page keeps a per-response nonce.
    let (_, headers, body) = send(&pool, get("/cart")).await;
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("nonce in CSP");
    assert!(body.contains(&format!("nonce=\"{nonce}\"")), "scripts carry the CSP nonce");

    let (status, _, body) = send(&pool, get("/c/no-such-category")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("We couldn&#39;t find that page") || body.contains("We couldn't find that page"));
    assert_eq!(send(&pool, get("/p/no-such-product")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(send(&pool, get("/no/such/path")).await.0, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn public_pages_are_the_same_for_everyone_cacheable_and_revalidate_with_304(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    game_variant(&pool, 1999, 5).await;
    let cookie = sign_in_as(&pool, server::seed::DEMO_SHOPPER).await;
    for path in ["/", "/c/games", "/p/a-game", "/search?q=game"] {
        let (status, anon, body) = send(&pool, get_with(path, None)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(anon[header::CACHE_CONTROL], server::http::PUBLIC_PAGE_CACHE, "{path}");
        let etag = anon[header::ETAG].to_str().unwrap().to_owned();
        assert!(etag.starts_with("W/\""), "{path}: {etag}");

        // A signed-in visitor gets the same bytes, and no cookie is set or read.
        let (_, signed_in, same) = send(&pool, get_with(path, Some(&cookie))).await;
        assert_eq!(same, body, "{path}: the page does not depend on who asks");
        assert_eq!(signed_in[header::ETAG].to_str().unwrap(), etag);
        assert!(signed_in.get(header::SET_COOKIE).is_none(), "{path}");

        let mut again = get_with(path, None);
        again.headers_mut().insert(header::IF_NONE_MATCH, etag.parse().unwrap());
        let (status, headers, body) = send(&pool, again).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(body.is_empty());
        assert_eq!(headers[header::ETAG].to_str().unwrap(), etag);

        let mut stale = get_with(path, None);
        stale.headers_mut().insert(header::IF_NONE_MATCH, "W/\"older\"".parse().unwrap());
        assert_eq!(send(&pool, stale).await.0, StatusCode::OK, "{path}");
    }
    // A change shoppers see changes the validator.
    let (_, before, _) = send(&pool, get("/p/a-game")).await;
    sqlx::query("UPDATE variants SET price_minor = 1499").execute(&pool).await.unwrap();
    let (_, after, _) = send(&pool, get("/p/a-game")).await;
    assert_ne!(before[header::ETAG], after[header::ETAG]);

    // Private pages are never stored, whoever asks.
    for path in ["/cart", "/account", "/checkout", "/admin", "/account/sign-in"] {
        let (_, headers, _) = send(&pool, get_with(path, Some(&cookie))).await;
        assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{path}");
        assert!(headers.get(header::ETAG).is_none(), "{path}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_is_a_clear_400_not_a_500(pool: PgPool) {
    category(&pool).await;
    for uri in ["/c/games?page=-1", "/c/games?page=abc", "/c/games?sort=x"] {
        let (status, _, body) = send(&pool, get(uri)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(!body.contains("sqlx") && !body.contains("panicked"), "{uri}");
    }
    let long = format!("/search?q={}", "a".repeat(10 * 1024));
    let (status, _, body) = send(&pool, get(&long)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("too long"), "explains why");
    assert_eq!(send(&pool, get("/c/games?platform=Amiga&colour=red")).await.0, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn cross_site_posts_are_refused_and_bodies_are_limited(pool: PgPool) {
    let cross = Request::post("/api/catalog/home")
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&pool, cross).await.0, StatusCode::FORBIDDEN);
    let same = Request::post("/api/catalog/home")
        .header("origin", "https://shop.example")
        .header("sec-fetch-site", "same-origin")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&pool, same).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let big = Request::post("/api/catalog/search")
        .header("content-type", "application/json")
        .header("content-length", 2 * 1024 * 1024)
        .body(Body::from(vec![b' '; 2 * 1024 * 1024]))
        .unwrap();
    assert_eq!(send(&pool, big).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    // Without a length up front (chunked), the limit still stops the read: a client error, not a 500.
    let chunked = Request::post("/api/catalog/search")
        .header("content-type", "application/json")
        .body(Body::from_stream(futures_util_stream(2 * 1024 * 1024)))
        .unwrap();
    let (status, _, body) = send(&pool, chunked).await;
    assert!(status.is_client_error(), "{status} {body}");
}

/// A body of `n` spaces in 64 KiB chunks, with no length known in advance.
fn futures_util_stream(n: usize) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..n / 65536).map(|_| Ok(vec![b' '; 65536])).collect();
    tokio_stream::iter(chunks)
}

#[sqlx::test(migrations = "../migrations")]
async fn server_function_errors_are_typed_and_leak_nothing(pool: PgPool) {
    let req = Request::post("/api/catalog/search")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"params":[["page","-5"]]}"#))
        .unwrap();
    let (status, _, body) = send(&pool, req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("BadRequest") && body.contains("page number"), "{body}");
    let req = Request::post("/api/catalog/search")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"params": 5}"#))
        .unwrap();
    let (status, _, body) = send(&pool, req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("BadRequest"), "{body}");
    let req = Request::post("/api/catalog/product")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("slug=no-such-thing"))
        .unwrap();
    let (status, _, body) = send(&pool, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

// ---------------------------------------------------------------------------------------------
// Accounts over HTTP: forms, the session cookie, roles, rate limits.

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_uses_a_fresh_http_only_session_and_sign_out_deletes_it(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let (email, _) = server::seed::DEMO_SHOPPER;

    // A failed sign-in: back to the form (with `next` kept), the message shown with status 401.
    let (status, headers, _) =
        send(&pool, form_post("/api/account/sign-in", None, &[("email", email), ("password", "Wrong-pass-1")])).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(headers[header::LOCATION], "/account/sign-in?next=%2Fc%2Fgames");
    let (anonymous, set_cookie) = session_cookie(&headers).expect("the flash needs a session");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "plain http in development: {set_cookie}");
    let (status, _, html) = send(&pool, get_with("/account/sign-in?next=%2Fc%2Fgames", Some(&anonymous))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("That e-mail address and password don&#x27;t match an account.") || html.contains("match an account"), "{html}");
    assert!(html.contains(&format!("value=\"{email}\"")), "the address is kept");
    assert!(!html.contains("Wrong-pass-1"), "the password is never echoed");

    // The right password, on the same browser: a new session id (no fixation), then the account.
    let (status, headers, _) = send(
        &pool,
        form_post("/api/account/sign-in", Some(&anonymous), &[("email", email), ("password", server::seed::DEMO_SHOPPER.1), ("next", "/c/games")]),
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(headers[header::LOCATION], "/c/games");
    let (signed_in, _) = session_cookie(&headers).expect("a new session cookie");
    assert_ne!(signed_in, anonymous, "the session id changes at sign-in");
    let (status, _, html) = send(&pool, get_with("/account", Some(&signed_in))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(email));
    let (status, _, _) = send(&pool, get_with("/account", Some(&anonymous))).await;
    assert_eq!(status, StatusCode::FOUND, "the old id is not signed in");

    // Sign out: the session row is gone and the cookie no longer works.
    let (status, headers, _) = send(&pool, form_post("/api/account/sign-out", Some(&signed_in), &[])).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(headers[header::LOCATION], "/");
    let (status, headers, _) = send(&pool, get_with("/account", Some(&signed_in))).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(headers[header::LOCATION], "/account/sign-in?next=%2Faccount");
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM tower_sessions.session").fetch_one(&pool).await.unwrap();
    assert_eq!(sessions, 0, "sign-in moved the anonymous session to the new id; sign-out deleted it");
}

#[sqlx::test(migrations = "../migrations")]
async fn admin_pages_and_functions_refuse_everyone_but_admins(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let shopper = sign_in_as(&pool, server::seed::DEMO_SHOPPER).await;
    let admin = sign_in_as(&pool, server::seed::DEMO_ADMIN).await;

    for cookie in [None, Some(shopper.as_str())] {
        let (status, _, html) = send(&pool, get_with("/admin", cookie)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{cookie:?}");
        assert!(html.contains("You don&#x27;t have access") || html.contains("have access"), "{html}");
        let mut req = Request::post("/api/admin/overview").header(header::ORIGIN, ORIGIN);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let (status, _, body) = send(&pool, req.body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{cookie:?}");
        assert_eq!(body, r#""Forbidden""#);
    }
    // A forged cookie is just anonymous.
    let (status, _, _) = send(&pool, get_with("/admin", Some("shop_session=forged"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, _, html) = send(&pool, get_with("/admin", Some(&admin))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Staff dashboard") && html.contains(server::seed::DEMO_ADMIN.0));
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_attempts_are_rate_limited_with_a_retry_hint(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let mut cfg = config();
    cfg.auth.limits.sign_in_per_account.max = 2;
    let router = |pool: &PgPool| {
        server::router(&cfg, pool.clone(), std::sync::Arc::new(server::builtin_provider(&cfg, pool)), server::Extras::default())
    };
    let attempt = || {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("email", server::seed::DEMO_SHOPPER.0), ("password", "Wrong-pass-1")])
            .finish();
        Request::post("/api/account/sign-in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, ORIGIN)
            .body(Body::from(body))
            .unwrap()
    };
    for _ in 0..2 {
        let res = router(&pool).oneshot(attempt()).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = router(&pool).oneshot(attempt()).await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = res.headers()[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry), "{retry}");
    let body = to_bytes(res.into_body(), 1 << 16).await.unwrap();
    assert!(String::from_utf8_lossy(&body).contains("TooManyRequests"));
    // Even the right password waits now.
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("email", server::seed::DEMO_SHOPPER.0), ("password", server::seed::DEMO_SHOPPER.1)])
        .finish();
    let req = Request::post("/api/account/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, ORIGIN)
        .body(Body::from(body))
        .unwrap();
    assert_eq!(router(&pool).oneshot(req).await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test(migrations = "../migrations")]
async fn production_has_secure_cookies_and_no_dev_mailbox(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    let mut cfg = config();
    cfg.env = server::config::RunMode::Production;
    let router = server::router(&cfg, pool.clone(), std::sync::Arc::new(server::builtin_provider(&cfg, &pool)), server::Extras::default());
    let res = router.clone().oneshot(get_with("/dev/mailbox", None)).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = router.oneshot(form_post("/api/account/sign-in", None, &[("email", "x@example.com"), ("password", "Wrong-pass-1")])).await.unwrap();
    let (_, set_cookie) = session_cookie(res.headers()).unwrap();
    assert!(set_cookie.contains("Secure"), "{set_cookie}");
    // Development shows the mailbox.
    assert_eq!(send(&pool, get_with("/dev/mailbox", None)).await.0, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// Money paths over HTTP: the webhook route and strict forms.

#[sqlx::test(migrations = "../migrations")]
async fn webhooks_need_a_valid_signature_and_act_once(pool: PgPool) {
    use app::checkout::ssr::place as checkout;
    use app::payments::{gateway, DEV_WEBHOOK_SECRET};
    server::migrate(&pool).await.unwrap();
    let variant = game_variant(&pool, 5999, 3).await;
    let req = checkout::CheckoutRequest {
        checkout_key: uuid::Uuid::new_v4(),
        placed_by: "buyer-session".into(),
        user_id: None,
        email: app::types::Email::parse("x@example.com").unwrap(),
        lines: vec![(variant, 1)],
        discount_code: None,
        shipping: None,
    };
    let order = checkout::start_checkout(&pool, &req, &Default::default(), 10).await.unwrap();
    let now = chrono::Utc::now().timestamp();
    let (header, body) = gateway::signed_success(DEV_WEBHOOK_SECRET, order.order_id, 5999, "EUR", now);
    let post = |sig: String, body: Vec<u8>| {
        Request::post("/webhooks/builtin").header("stripe-signature", sig).body(Body::from(body)).unwrap()
    };
    let (status, _, _) = send(&pool, post(header.replace("v1=", "v1=00"), body.clone())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a bad signature");
    // Only the configured provider's route exists (here the built-in one, so Stripe's is a 404).
    let to_stripe = Request::post("/webhooks/stripe").header("stripe-signature", header.clone()).body(Body::from(body.clone())).unwrap();
    assert_eq!(send(&pool, to_stripe).await.0, StatusCode::NOT_FOUND, "another provider's route");
    let (forged, _) = gateway::signed_success("whsec_someone_else_entirely", order.order_id, 5999, "EUR", now);
    assert_eq!(send(&pool, post(forged, body.clone())).await.0, StatusCode::BAD_REQUEST, "another secret");
    let status_of = || async {
        sqlx::query_scalar::<_, String>("SELECT status FROM orders WHERE id = $1").bind(order.order_id).fetch_one(&pool).await.unwrap()
    };
    assert_eq!(status_of().await, "pending_payment");
    for _ in 0..3 {
        assert_eq!(send(&pool, post(header.clone(), body.clone())).await.0, StatusCode::OK);
    }
    assert_eq!(status_of().await, "paid");
    let charges: i64 = sqlx::query_scalar("SELECT count(*) FROM payments").fetch_one(&pool).await.unwrap();
    assert_eq!(charges, 1, "replays change nothing");
    let stale = gateway::signed_success(DEV_WEBHOOK_SECRET, order.order_id, 5999, "EUR", now - 600);
    assert_eq!(send(&pool, post(stale.0, stale.1)).await.0, StatusCode::BAD_REQUEST, "too old");
}

#[sqlx::test(migrations = "../migrations")]
async fn money_forms_refuse_unknown_fields(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    let variant = game_variant(&pool, 5999, 3).await;
    let form = |fields: &[(&str, &str)]| {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        Request::post("/api/cart/add")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, ORIGIN)
            .body(Body::from(body))
            .unwrap()
    };
    let v = variant.to_string();
    let (status, _, body) = send(&pool, form(&[("variant_id", &v), ("quantity", "1"), ("price_minor", "1")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("price_minor"), "{body}");
    let (status, _, body) = send(&pool, form(&[("variant_id", &v), ("quantity", "11")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("between 1 and 10"), "{body}");
    let (status, _, _) = send(&pool, form(&[("variant_id", &v), ("quantity", "2")])).await;
    assert_eq!(status, StatusCode::OK);
    let lines: i64 = sqlx::query_scalar("SELECT count(*) FROM cart_lines").fetch_one(&pool).await.unwrap();
    assert_eq!(lines, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_guest_cart_joins_the_account_at_sign_in(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let game = game_variant(&pool, 5999, 30).await;
    let pid: i64 = sqlx::query_scalar("SELECT product_id FROM variants WHERE id = $1").bind(game).fetch_one(&pool).await.unwrap();
    let other: i64 = sqlx::query_scalar(
        "INSERT INTO variants (product_id, sku, price_minor, stock, edition) VALUES ($1, 'GAME-2', 7999, 30, 'Deluxe') RETURNING id",
    )
    .bind(pid)
    .fetch_one(&pool)
    .await
    .unwrap();
    let add = |cookie: Option<&str>, variant: i64, qty: &str| form_post("/api/cart/add", cookie, &[("variant_id", &variant.to_string()), ("quantity", qty)]);

    // On another device, the shopper saved 9 of the game in their cart.
    let device = sign_in_as(&pool, server::seed::DEMO_SHOPPER).await;
    let (status, _, _) = send(&pool, add(Some(&device), game, "9")).await;
    assert_eq!(status, StatusCode::FOUND);

    // As a guest here: 3 of the game and 1 of the deluxe edition.
    let (_, headers, _) = send(&pool, add(None, game, "3")).await;
    let (guest, _) = session_cookie(&headers).unwrap();
    send(&pool, add(Some(&guest), other, "1")).await;

    let (status, headers, _) = send(
        &pool,
        form_post("/api/account/sign-in", Some(&guest), &[("email", server::seed::DEMO_SHOPPER.0), ("password", server::seed::DEMO_SHOPPER.1), ("next", "/cart")]),
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    let (signed_in, _) = session_cookie(&headers).unwrap();
    let (_, _, html) = send(&pool, get_with("/cart", Some(&signed_in))).await;
    assert_eq!(html.matches("data-testid=\"cart-line\"").count(), 2, "{html}");
    let quantities: Vec<(i64, i32)> = sqlx::query_as("SELECT variant_id, quantity FROM cart_lines ORDER BY variant_id").fetch_all(&pool).await.unwrap();
    assert_eq!(quantities, vec![(game, 10), (other, 1)], "merged, capped at the per-order maximum of 10");
    let carts: i64 = sqlx::query_scalar("SELECT count(*) FROM carts").fetch_one(&pool).await.unwrap();
    assert_eq!(carts, 1, "the guest cart was folded into the saved one");
}

/// The password policy is checked once, by the account service, whichever way a password comes
/// in (the adapters no longer check it again): each is refused with the policy's message, and
/// nothing changes.
#[sqlx::test(migrations = "../migrations")]
async fn weak_passwords_are_refused_on_every_way_in_and_change_nothing(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let (email, password) = server::seed::DEMO_SHOPPER;

    // Each form posted from its own page (a failed post goes back there with its message).
    let from = |page: &str, uri: &str, cookie: Option<&str>, fields: &[(&str, &str)]| {
        let mut req = form_post(uri, cookie, fields);
        req.headers_mut().insert(header::REFERER, format!("{ORIGIN}{page}").parse().unwrap());
        req
    };

    // Sign-up: back to the form with the message, and no account.
    let (status, headers, _) =
        send(&pool, from("/account/sign-up", "/api/account/sign-up", None, &[("email", "new@example.com"), ("password", "short")])).await;
    assert_eq!(status, StatusCode::FOUND);
    let (browser, _) = session_cookie(&headers).expect("the flash needs a session");
    let (_, _, html) = send(&pool, get_with(headers[header::LOCATION].to_str().unwrap(), Some(&browser))).await;
    assert!(html.contains("too weak"), "{html}");
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM builtin_accounts WHERE email = 'new@example.com'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(accounts, 0);

    // Reset: refused before the code is even looked at (so the message is about the password).
    let (status, headers, _) = send(
        &pool,
        from("/account/reset", "/api/account/reset-password", Some(&browser), &[("email", email), ("code", "123456"), ("password", "weak")]),
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    let (_, _, html) = send(&pool, get_with(headers[header::LOCATION].to_str().unwrap(), Some(&browser))).await;
    assert!(html.contains("too weak"), "{html}");

    // Change: refused, and the old password still signs in.
    let shopper = sign_in_as(&pool, server::seed::DEMO_SHOPPER).await;
    let (status, headers, _) = send(
        &pool,
        from("/account/password", "/api/account/change-password", Some(&shopper), &[("current_password", password), ("new_password", "weak")]),
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    let (_, _, html) = send(&pool, get_with(headers[header::LOCATION].to_str().unwrap(), Some(&shopper))).await;
    assert!(html.contains("too weak"), "{html}");
    sign_in_as(&pool, server::seed::DEMO_SHOPPER).await;
}

/// An internal error is logged once, where it leaves the server, with its cause and what was being
/// done (the request, or the page); the client sees neither the cause nor a stack of log lines.
#[sqlx::test(migrations = "../migrations")]
async fn an_internal_error_is_logged_once_with_its_cause_and_never_sent(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    // A department, so the home page reads its featured products; then every catalog query that
    // reads products fails inside the database.
    sqlx::query("INSERT INTO categories (slug, name, department) VALUES ('games', 'Games', 'games')").execute(&pool).await.unwrap();
    sqlx::query("DROP VIEW shop_products").execute(&pool).await.unwrap();
    let server_fn = Request::post("/api/catalog/home")
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .unwrap();
    for (what, req, context) in [("server function", server_fn, "/api/catalog/home"), ("page", get("/"), "page{path=/ ")] {
        let logs = LogCapture::default();
        let (status, headers, body) = {
            let _guard = logs.capture();
            send(&pool, req).await
        };
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{what}");
        let request_id = headers["x-request-id"].to_str().unwrap().to_owned();
        assert!(!body.contains("does not exist") && !body.contains("shop_products"), "{what}: the cause is not sent: {body}");
        let text = logs.text();
        let errors: Vec<&str> = text.lines().filter(|l| l.contains("internal error")).collect();
        assert_eq!(errors.len(), 1, "{what}: logged once: {text}");
        assert!(errors[0].contains("relation \"shop_products\" does not exist"), "{what}: with its cause: {text}");
        assert!(errors[0].contains(context), "{what}: with what was being done ({context}): {text}");
        assert!(errors[0].contains(&format!("request_id={request_id}")), "{what}: with the request's id: {text}");
    }
}

/// The cart sees active products only: a withdrawn product cannot be added (404, nothing in the
/// cart), and one already in a cart drops out of it (count, page) until it is published again.
#[sqlx::test(migrations = "../migrations")]
async fn the_cart_sees_active_products_only(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    let variant = game_variant(&pool, 2999, 10).await;
    let set_status = |status: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query("UPDATE products SET status = $2 WHERE id = (SELECT product_id FROM variants WHERE id = $1)")
                .bind(variant)
                .bind(status)
                .execute(&pool)
                .await
                .unwrap();
        }
    };
    let add = |cookie: Option<&str>| form_post("/api/cart/add", cookie, &[("variant_id", &variant.to_string()), ("quantity", "1")]);
    let count = |cookie: String| {
        let pool = pool.clone();
        async move {
            let mut req = form_post("/api/cart/count", Some(&cookie), &[]);
            req.headers_mut().remove(header::ACCEPT);
            let (status, _, body) = send(&pool, req).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body
        }
    };

    // In the cart while active.
    let (status, headers, _) = send(&pool, add(None)).await;
    assert_eq!(status, StatusCode::FOUND);
    let (cookie, _) = session_cookie(&headers).expect("a cart session");
    assert_eq!(count(cookie.clone()).await, "1");

    // Withdrawn: gone from the cart, and cannot be added again.
    set_status("draft").await;
    assert_eq!(count(cookie.clone()).await, "0");
    let mut req = add(Some(&cookie));
    req.headers_mut().remove(header::ACCEPT);
    let (status, _, body) = send(&pool, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(count(cookie.clone()).await, "0");

    // Published again: the line it had is back.
    set_status("active").await;
    assert_eq!(count(cookie).await, "1");
}

/// When every database connection stays busy past the acquire timeout, a page says "very busy"
/// with 503 and when to come back, not a 500.
#[sqlx::test(migrations = "../migrations")]
async fn a_page_without_a_free_connection_says_when_to_come_back(pool: PgPool) {
    category(&pool).await;
    let tiny = one_connection_pool(&pool).await;
    let held = tiny.acquire().await.unwrap();
    let (status, headers, body) = send(&tiny, get("/c/games")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(headers[header::RETRY_AFTER], "1");
    assert!(body.contains("very busy"), "{body}");
    drop(held);
    let (status, _, _) = send(&tiny, get("/c/games")).await;
    assert_eq!(status, StatusCode::OK);
}

/// The audit log's CSV export: admins get every entry the page's filter matches (the same rows,
/// newest first, however many pages the page would need), as an attachment; support, shoppers and
/// visitors get 403; a bad date is a clear 422.
#[sqlx::test(migrations = "../migrations")]
async fn the_audit_csv_holds_what_the_filter_matches_and_only_admins_get_it(pool: PgPool) {
    use app::platform::audit::{list, record, Actor, Change, Query};
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let actor = Actor { user_id: None, email: "owner@example.com".into(), ip: Some("192.0.2.5".into()) };
    let mut tx = pool.begin().await.unwrap();
    // More rows than a page holds, with a cell a spreadsheet would run as a formula.
    for i in 0..120 {
        let (entity, action) = if i % 3 == 0 { ("order", "order.ship") } else { ("product", "product.update") };
        let entity_id = if i == 7 { "=HYPERLINK(\"evil\")".to_owned() } else { i.to_string() };
        let after = serde_json::json!({ "name": format!("N{i}") });
        record(&mut tx, &actor, Change { entity, entity_id, action, before: None, after: Some(after) }).await.unwrap();
    }
    tx.commit().await.unwrap();
    let admin = sign_in_as(&pool, server::seed::DEMO_ADMIN).await;
    let (status, headers, body) = send(&pool, get_with("/admin/audit.csv?entity=product&who=OWNER", Some(&admin))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment; filename=\"audit-"));
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let mut lines = body.split("\r\n").filter(|l| !l.is_empty());
    assert_eq!(lines.next(), Some("id,at_utc,actor,ip,entity,entity_id,action,before,after"));
    let ids: Vec<i64> = lines.map(|l| l.split(',').next().unwrap().parse().unwrap()).collect();
    let q = Query { entity: "product".into(), who: "OWNER".into(), ..Default::default() };
    let expected: Vec<i64> = list(&pool, &q, 1000).await.unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), 80);
    assert_eq!(ids, expected, "the same rows as the page's filter, in its order");
    assert!(body.contains(",product,1,product.update,,\"{\"\"name\"\": \"\"N1\"\"}\"\r\n"), "JSON quoted as one cell: {body}");
    let evil = body.lines().find(|l| l.contains("HYPERLINK")).unwrap();
    assert!(evil.contains(",\"'=HYPERLINK(\"\"evil\"\")\","), "a formula is shown as text: {evil}");

    for who in [None, Some(sign_in_as(&pool, server::seed::DEMO_SUPPORT).await), Some(sign_in_as(&pool, server::seed::DEMO_SHOPPER).await)] {
        let (status, _, body) = send(&pool, get_with("/admin/audit.csv", who.as_deref())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who:?}: {body}");
        assert!(!body.contains("order.ship"));
    }
    let (status, _, body) = send(&pool, get_with("/admin/audit.csv?from=yesterday", Some(&admin))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, "Enter a date as YYYY-MM-DD.");
}

/// A streamed download through the compression layer, as a browser asks for it: the body arrives
/// whole (a stream polled after its end once panicked here and cut the connection).
#[sqlx::test(migrations = "../migrations")]
async fn the_audit_csv_arrives_whole_when_compressed(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let admin = sign_in_as(&pool, server::seed::DEMO_ADMIN).await;
    let mut req = get_with("/admin/audit.csv", Some(&admin));
    req.headers_mut().insert(header::ACCEPT_ENCODING, "gzip".parse().unwrap());
    let router = server::router(&config(), pool.clone(), std::sync::Arc::new(server::builtin_provider(&config(), &pool)), server::Extras::default());
    let res = router.oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
    let body = to_bytes(res.into_body(), usize::MAX).await.expect("the whole body");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&body[..]), &mut text).unwrap();
    assert!(text.starts_with("id,at_utc,actor,ip,entity,entity_id,action,before,after\r\n"), "{text}");
}

/// The order list's CSV: every order the filter matches (more than a page), the same orders as the
/// list in the same order, the row count announced first; support may export, a shopper may not;
/// a bad filter is a clear 422.
#[sqlx::test(migrations = "../migrations")]
async fn the_orders_csv_equals_the_filtered_list(pool: PgPool) {
    use app::checkout::ssr::place::{start_checkout, CheckoutRequest};
    use app::orders::ssr::staff::{search, OrderQuery};
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let game = game_variant(&pool, 1_250, 1_000).await;
    for i in 0..60 {
        let req = CheckoutRequest {
            checkout_key: uuid::Uuid::new_v4(),
            placed_by: "csv".into(),
            user_id: None,
            email: app::types::Email::parse(if i % 4 == 0 { "rare@example.com" } else { "often@example.com" }).unwrap(),
            lines: vec![(game, 1 + (i % 3))],
            discount_code: None,
            shipping: None,
        };
        start_checkout(&pool, &req, &Default::default(), 10).await.unwrap();
    }
    let support = sign_in_as(&pool, server::seed::DEMO_SUPPORT).await;
    let (status, headers, body) = send(&pool, get_with("/admin/orders.csv?q=OFTEN%40example.com&min_total=25", Some(&support))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let q = OrderQuery { search: "often@example.com".into(), min_total_minor: Some(2_500), ..Default::default() };
    let expected: Vec<i64> = search(&pool, &q, 1_000).await.unwrap().into_iter().map(|o| o.number).collect();
    assert!(expected.len() > 20, "{}", expected.len());
    assert_eq!(headers["x-total-rows"], expected.len().to_string().as_str());
    let mut lines = body.split("\r\n").filter(|l| !l.is_empty());
    assert!(lines.next().unwrap().starts_with("number,placed_utc,paid_utc,status,email,items,"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.iter().map(|r| r[0].parse::<i64>().unwrap()).collect::<Vec<_>>(), expected);
    // Amounts as decimals: two or three games of 12.50.
    assert!(rows.iter().all(|r| r[4] == "often@example.com" && (r[12] == "25.00" || r[12] == "37.50")), "{rows:?}");

    let shopper = sign_in_as(&pool, server::seed::DEMO_SHOPPER).await;
    let (status, _, _) = send(&pool, get_with("/admin/orders.csv", Some(&shopper))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, body) = send(&pool, get_with("/admin/orders.csv?min_total=lots", Some(&support))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("The smallest total"), "{body}");
}

/// The dashboard and its CSV tell the same figures: paid orders today in the shop's time zone, a
/// refund, the funnel's visitors (the pixel counts a browser once a day, never a robot or a staff
/// page, and is never stored). Support see no analytics and get no CSV.
#[sqlx::test(migrations = "../migrations")]
async fn the_dashboard_and_its_csv_show_the_same_figures(pool: PgPool) {
    use app::checkout::ssr::payment::payment_succeeded;
    use app::checkout::ssr::place::{start_checkout, CheckoutRequest};
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    let game = game_variant(&pool, 2_000, 100).await;
    for i in 0..3 {
        let req = CheckoutRequest {
            checkout_key: uuid::Uuid::new_v4(),
            placed_by: "dash".into(),
            user_id: None,
            email: app::types::Email::parse("dash@example.com").unwrap(),
            lines: vec![(game, 1 + i)],
            discount_code: None,
            shipping: None,
        };
        let o = start_checkout(&pool, &req, &Default::default(), 10).await.unwrap();
        let ev = app::payments::PaymentEvent {
            provider: "builtin".into(),
            event_id: format!("evt_dash_{i}"),
            provider_ref: format!("ch_dash_{i}"),
            order_id: o.order_id,
            amount_minor: o.totals.total_minor,
            currency: "EUR".into(),
        };
        payment_succeeded(&pool, &ev).await.unwrap();
    }
    // The pixel: two browsers, one of them twice, a robot, and a view of a staff page.
    let pixel = |ua: &str, referer: &str| {
        let req = Request::get("/v.gif").header(header::USER_AGENT, ua).header(header::REFERER, referer).body(Body::empty()).unwrap();
        send(&pool, req)
    };
    for (ua, referer) in [
        ("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", "https://shop.example/c/games"),
        ("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", "https://shop.example/p/zelda"),
        ("Mozilla/5.0 (iPhone) Safari/604.1", "https://shop.example/"),
        ("Googlebot/2.1 (+http://www.google.com/bot.html)", "https://shop.example/"),
        ("Mozilla/5.0 (Macintosh) Chrome/140.0", "https://shop.example/admin/orders"),
    ] {
        let (status, headers, _) = pixel(ua, referer).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert_eq!(headers[header::CONTENT_TYPE], "image/gif");
    }
    let marks: i64 = sqlx::query_scalar("SELECT count(*) FROM funnel_marks WHERE stage = 1").fetch_one(&pool).await.unwrap();
    assert_eq!(marks, 2);

    let admin = sign_in_as(&pool, server::seed::DEMO_ADMIN).await;
    let (status, _, html) = send(&pool, get_with("/admin", Some(&admin))).await;
    assert_eq!(status, StatusCode::OK);
    // The text of the element with this test id.
    let shown = |id: &str| {
        let at = html.find(&format!("data-testid=\"{id}\"")).unwrap_or_else(|| panic!("no {id}"));
        let rest = &html[at..];
        let start = rest.find('>').unwrap() + 1;
        rest[start..start + rest[start..].find('<').unwrap()].to_owned()
    };
    // 20.00 + 40.00 + 60.00 paid today.
    assert_eq!(shown("kpi-revenue-value"), "€120.00");
    assert_eq!(shown("kpi-orders-value"), "3");
    assert_eq!(shown("kpi-aov-value"), "€40.00");
    assert!(html.contains("<title id=\"chart-revenue-title\">Revenue and refunds per day"), "the chart has a title");
    let (status, _, csv) = send(&pool, get_with("/admin/analytics.csv?table=days", Some(&admin))).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "day,orders,revenue,refunds,refunded,units,checkouts");
    assert_eq!(lines.len(), 31, "a row for each of the 30 days");
    assert!(lines[30].ends_with(",3,120.00,0,0.00,6,3"), "{}", lines[30]);
    let (_, _, funnel) = send(&pool, get_with("/admin/analytics.csv?table=funnel", Some(&admin))).await;
    assert!(funnel.contains("visitors,2,0\r\n") && funnel.contains("paid,3,0\r\n"), "{funnel}");
    let (status, _, _) = send(&pool, get_with("/admin/analytics.csv?table=days&from=2026-12-09&to=2026-12-01", Some(&admin))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let support = sign_in_as(&pool, server::seed::DEMO_SUPPORT).await;
    let (status, _, html) = send(&pool, get_with("/admin", Some(&support))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("kpi-revenue"), "no analytics for support");
    let (status, _, _) = send(&pool, get_with("/admin/analytics.csv?table=days", Some(&support))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The in-app page cache: a public page rendered once is served from memory (here while the
/// router's only database connection is held, when rendering would answer 503), its query
/// variants are pages of their own, and a price change drops it as soon as the change commits.
#[sqlx::test(migrations = "../migrations")]
async fn the_page_cache_serves_from_memory_until_a_change_purges_the_page(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    game_variant(&pool, 1999, 5).await;
    let cfg = config();
    let pages = server::page_cache(&cfg, &pool).expect("the page cache is on by default");
    for _ in 0..100 {
        if pages.live() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(pages.live(), "the listener never heard the database");
    let tiny = one_connection_pool(&pool).await;
    let router = server::router(&cfg, tiny.clone(), std::sync::Arc::new(server::builtin_provider(&cfg, &tiny)), server::Extras { pages: Some(pages.clone()), ..Default::default() });
    let fetch = |path: &'static str| {
        let router = router.clone();
        async move {
            let res = router.oneshot(get(path)).await.unwrap();
            let status = res.status();
            let etag = res.headers().get(header::ETAG).map(|v| v.to_str().unwrap().to_owned());
            let body = String::from_utf8_lossy(&axum::body::to_bytes(res.into_body(), 4 << 20).await.unwrap()).into_owned();
            (status, etag, body)
        }
    };
    let (status, etag, first) = fetch("/p/a-game").await;
    assert_eq!(status, StatusCode::OK);
    assert!(first.contains("19.99"), "{first}");
    assert!(pages.weight() > first.len() as u64, "the page was kept");

    let held = tiny.acquire().await.unwrap();
    let (status, again_etag, again) = fetch("/p/a-game").await;
    assert_eq!((status, &again_etag), (StatusCode::OK, &etag), "served from memory without the database");
    assert_eq!(again, first);
    let mut revalidate = get("/p/a-game");
    revalidate.headers_mut().insert(header::IF_NONE_MATCH, etag.clone().unwrap().parse().unwrap());
    assert_eq!(router.clone().oneshot(revalidate).await.unwrap().status(), StatusCode::NOT_MODIFIED);
    let (status, _, _) = fetch("/p/a-game?from=list").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "a query variant is rendered (and here finds no connection)");
    drop(held);

    // The change purges the page when it commits; the next render shows the new price.
    sqlx::query("UPDATE variants SET price_minor = 1499").execute(&pool).await.unwrap();
    let mut shown = String::new();
    for _ in 0..40 {
        shown = fetch("/p/a-game").await.2;
        if !shown.contains("19.99") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(shown.contains("14.99") && !shown.contains("19.99"), "the old price outlived the change: {shown}");
}

/// The client's address behind the shop's own proxies: a trusted proxy's `X-Forwarded-For` names
/// the client (each client behind the load balancer has its own sign-in limit), anyone else's is
/// ignored (everyone arriving from one untrusted address shares its limit, whatever they claim).
#[sqlx::test(migrations = "../migrations")]
async fn the_client_address_is_believed_only_from_trusted_proxies(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    demo_users(&pool).await;
    // As the page's script sends it (a form post from a page without JavaScript is answered with a
    // redirect back to the form, whatever the error).
    let attempt = |peer: &str, forwarded: &str| {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("email", server::seed::DEMO_SHOPPER.0), ("password", "Wrong-pass-1")])
            .finish();
        let mut req = Request::post("/api/account/sign-in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, ORIGIN)
            .header("x-forwarded-for", forwarded)
            .body(Body::from(body))
            .unwrap();
        req.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::new(peer.parse().unwrap(), 40000)));
        req
    };
    let mut cfg = config();
    cfg.auth.limits.sign_in_per_ip.max = 2;
    cfg.auth.limits.sign_in_per_account.max = 1000;
    cfg.trusted_proxies = vec!["10.0.0.0/8".into()];
    let limited = |status: StatusCode| status == StatusCode::TOO_MANY_REQUESTS;
    for _ in 0..2 {
        assert!(!limited(send_with(&cfg, &pool, attempt("10.0.0.2", "203.0.113.7")).await.0));
    }
    assert!(limited(send_with(&cfg, &pool, attempt("10.0.0.3", "203.0.113.7")).await.0), "the same client through another proxy");
    assert!(!limited(send_with(&cfg, &pool, attempt("10.0.0.2", "203.0.113.8")).await.0), "another client behind the same proxy");

    cfg.trusted_proxies = Vec::new();
    for claimed in ["203.0.113.20", "203.0.113.21"] {
        assert!(!limited(send_with(&cfg, &pool, attempt("198.51.100.4", claimed)).await.0));
    }
    assert!(
        limited(send_with(&cfg, &pool, attempt("198.51.100.4", "203.0.113.22")).await.0),
        "an untrusted peer cannot escape its limit by naming another address"
    );
}

/// Every response carries a request id; one sent by a trusted proxy is kept (to follow a request
/// from the CDN to the logs), anyone else's is replaced.
#[sqlx::test(migrations = "../migrations")]
async fn every_response_has_a_request_id_and_only_proxies_choose_it(pool: PgPool) {
    let mut cfg = config();
    cfg.trusted_proxies = vec!["10.0.0.2".into()];
    let from = |peer: &str, id: Option<&str>| {
        let mut req = get("/healthz");
        if let Some(id) = id {
            req.headers_mut().insert("x-request-id", id.parse().unwrap());
        }
        req.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::new(peer.parse().unwrap(), 40000)));
        req
    };
    let id = |headers: &axum::http::HeaderMap| headers["x-request-id"].to_str().unwrap().to_owned();
    let (_, a, _) = send_with(&cfg, &pool, from("198.51.100.4", None)).await;
    let (_, b, _) = send_with(&cfg, &pool, from("198.51.100.4", None)).await;
    assert!(uuid::Uuid::parse_str(&id(&a)).is_ok() && id(&a) != id(&b), "fresh ids: {} {}", id(&a), id(&b));
    let (_, kept, _) = send_with(&cfg, &pool, from("10.0.0.2", Some("cf-abc.123_x"))).await;
    assert_eq!(id(&kept), "cf-abc.123_x");
    let (_, replaced, _) = send_with(&cfg, &pool, from("198.51.100.4", Some("chosen-by-me"))).await;
    assert_ne!(id(&replaced), "chosen-by-me");
    let (_, odd, _) = send_with(&cfg, &pool, from("10.0.0.2", Some("has space"))).await;
    assert_ne!(id(&odd), "has space", "not an id we log");
}

/// Metrics: requests counted by the route that matched (never the raw path), the database's
/// figures read at the scrape, the text accepted by `promtool check metrics`, and 10,000 requests to
/// random unknown paths adding no series.
#[sqlx::test(migrations = "../migrations")]
async fn metrics_count_routes_not_paths_and_pass_promtool(pool: PgPool) {
    use futures::StreamExt as _;
    server::migrate(&pool).await.unwrap();
    game_variant(&pool, 1999, 5).await;
    sqlx::query("INSERT INTO jobs (kind, payload, status) VALUES ('mail.test', '{}', 'dead'), ('mail.test', '{}', 'queued')")
        .execute(&pool)
        .await
        .unwrap();
    let cfg = config();
    let metrics = server::metrics::Metrics::new(pool.clone(), cfg.db_max_connections);
    let extras = server::Extras { metrics: Some(metrics.clone()), ..Default::default() };
    let router = server::router(&cfg, pool.clone(), std::sync::Arc::new(server::builtin_provider(&cfg, &pool)), extras);
    for path in ["/p/a-game", "/p/a-game", "/healthz", "/p/no-such-game"] {
        router.clone().oneshot(get(path)).await.unwrap();
    }
    let text = metrics.render().await.unwrap();
    for line in [
        r#"shop_http_requests_total{route="/p/{slug}",method="GET",status="2xx"} 2"#,
        r#"shop_http_requests_total{route="/p/{slug}",method="GET",status="4xx"} 1"#,
        r#"shop_http_requests_total{route="/healthz",method="GET",status="2xx"} 1"#,
        r#"shop_jobs{state="dead"} 1"#,
        r#"shop_jobs{state="ready"} 1"#,
        "shop_checkouts_started_total 0",
        "shop_db_pool_max_connections 10",
    ] {
        assert!(text.lines().any(|l| l == line), "no line `{line}` in:\n{text}");
    }
    assert!(text.contains(r#"shop_http_request_duration_seconds_bucket{le="0.001",route="/p/{slug}",method="GET"}"#), "{text}");

    let mut promtool = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool (Debian package prometheus; scripts/test installs it)");
    use std::io::Write as _;
    promtool.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = promtool.wait_with_output().unwrap();
    assert!(out.status.success(), "promtool: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));

    let series = |t: &str| t.lines().filter(|l| !l.starts_with('#')).count();
    let before = series(&text);
    futures::stream::iter(0..10_000)
        .map(|i| {
            let router = router.clone();
            async move { router.oneshot(get(&format!("/{}-{i}/{}", uuid::Uuid::new_v4().simple(), i * 7))).await.unwrap().status() }
        })
        .buffer_unordered(16)
        .for_each(|status| async move { assert_eq!(status, StatusCode::NOT_FOUND) })
        .await;
    let after = metrics.render().await.unwrap();
    // The first unknown path opens the `unmatched` series (a counter and a histogram); the rest add none.
    let histogram_lines = 15 + 3;
    assert!(series(&after) <= before + 1 + histogram_lines, "{} series before, {} after", before, series(&after));
    assert!(after.lines().any(|l| l == r#"shop_http_requests_total{route="unmatched",method="GET",status="4xx"} 10000"#), "{after}");
}

/// Maintenance mode, started by the operator's flag file and ended by removing it: pages answer
/// the static maintenance page with 503 and Retry-After, server functions the typed error, health
/// checks still answer; nothing to switch back.
#[sqlx::test(migrations = "../migrations")]
async fn the_operators_flag_puts_the_shop_in_maintenance_and_back(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    category(&pool).await;
    let dir = tempfile::tempdir().unwrap();
    let flag = dir.path().join("maintenance");
    let m = server::maintenance::Maintenance::new(dir.path());
    m.spawn_watch(&pool, Some(flag.clone()));
    let cfg = config();
    let extras = server::Extras { maintenance: Some(m.clone()), ..Default::default() };
    let router = server::router(&cfg, pool.clone(), std::sync::Arc::new(server::builtin_provider(&cfg, &pool)), extras);
    let status_of = |path: &'static str| {
        let router = router.clone();
        async move { router.oneshot(get(path)).await.unwrap().status() }
    };
    assert_eq!(status_of("/c/games").await, StatusCode::OK);

    std::fs::write(&flag, "").unwrap();
    wait_for(|| m.on(), "maintenance on").await;
    let res = router.clone().oneshot(get("/c/games")).await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[header::RETRY_AFTER], "30");
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    let page = String::from_utf8_lossy(&to_bytes(res.into_body(), 1 << 16).await.unwrap()).into_owned();
    assert!(page.contains("Down for maintenance") && !page.contains("<script"), "{page}");
    let res = router.clone().oneshot(form_post("/api/cart/add", None, &[("variant_id", "1")])).await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = to_bytes(res.into_body(), 1 << 16).await.unwrap();
    assert_eq!(serde_json::from_slice::<app::error::AppError>(&body).unwrap(), app::error::AppError::Maintenance);
    assert_eq!(status_of("/healthz").await, StatusCode::OK);
    assert_eq!(status_of("/readyz").await, StatusCode::OK);

    std::fs::remove_file(&flag).unwrap();
    wait_for(|| !m.on(), "maintenance off").await;
    assert_eq!(status_of("/c/games").await, StatusCode::OK);
}

/// The database out of reach (its connections cut, new ones refused) puts the shop in maintenance
/// within a few seconds; when it answers again the shop serves again by itself.
#[sqlx::test(migrations = "../migrations")]
async fn an_unreachable_database_means_maintenance_until_it_answers(pool: PgPool) {
    server::migrate(&pool).await.unwrap();
    let db_port = pool.connect_options().get_port();
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_addr = proxy.local_addr().unwrap();
    // A TCP relay in front of PostgreSQL, which the test can cut.
    let relay = |listener: tokio::net::TcpListener| {
        tokio::spawn(async move {
            let mut conns = tokio::task::JoinSet::new();
            loop {
                let Ok((mut client, _)) = listener.accept().await else { break };
                conns.spawn(async move {
                    if let Ok(mut db) = tokio::net::TcpStream::connect(("127.0.0.1", db_port)).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut db).await;
                    }
                });
            }
        })
    };
    let running = relay(proxy);
    let through_relay = sqlx::postgres::PgPoolOptions::new()
        .connect_lazy_with((*pool.connect_options()).clone().host("127.0.0.1").port(proxy_addr.port()));
    let m = server::maintenance::Maintenance::new(std::path::Path::new("/nonexistent"));
    m.spawn_watch(&through_relay, None);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(!m.on(), "the database answers");

    running.abort(); // the listener and every relayed connection go
    wait_for(|| m.on(), "maintenance on").await;
    let relay_again = tokio::net::TcpListener::bind(proxy_addr).await.unwrap();
    let _running = relay(relay_again);
    wait_for(|| !m.on(), "maintenance off").await;
}

/// Waits up to 10 s for `done`.
async fn wait_for(done: impl Fn() -> bool, what: &str) {
    for _ in 0..100 {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{what}: not within 10 s");
}
