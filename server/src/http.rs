//! Plain axum routes and tower layers around the Leptos app: health, media, security headers,
//! the cross-site request check, limits.
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sqlx::PgPool;

pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers.
pub async fn readyz(State(pool): State<PgPool>) -> Response {
    match sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&pool).await {
        Ok(_) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Rejects state-changing requests that a browser marks as cross-site (server functions have no
/// CSRF defence of their own). Requests without these headers (curl, server-to-server) pass.
pub async fn reject_cross_site(State(allowed_origin): State<String>, req: Request, next: Next) -> Response {
    if is_cross_site(req.method(), req.headers(), &allowed_origin) {
        tracing::warn!(method = %req.method(), uri = %req.uri(), "rejected cross-site request");
        return (StatusCode::FORBIDDEN, "Cross-site requests are not allowed.").into_response();
    }
    next.run(req).await
}

pub fn is_cross_site(method: &Method, headers: &axum::http::HeaderMap, allowed_origin: &str) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let same_host = origin.split_once("://").map(|(_, h)| h == host).unwrap_or(false);
        if origin != allowed_origin && !same_host {
            return true;
        }
    }
    false
}

/// Headers every response carries. Pages set their own CSP (with a nonce); everything else gets
/// a deny-all policy.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
        );
    }
    res
}

/// Long-lived caching for static files whose names change when their content does.
pub async fn cache_static(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if res.status().is_success() {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400, stale-while-revalidate=604800"));
    }
    res
}

/// Server functions answer every error with 500; give typed errors their real status (400, 404…)
/// so clients, caches and logs see the truth. The body (the typed error) is unchanged.
pub async fn server_fn_error_status(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_api || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let app::error::AppError::TooManyRequests { retry_after_secs } = err
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            parts.headers.insert(header::RETRY_AFTER, v);
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    const ORIGIN: &str = "https://shop.example";

    #[test]
    fn reads_are_never_blocked() {
        let h = headers(&[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")]);
        assert!(!is_cross_site(&Method::GET, &h, ORIGIN));
    }

    #[test]
    fn cross_site_posts_are_blocked() {
        let h = headers(&[("sec-fetch-site", "cross-site"), ("host", "shop.example")]);
        assert!(is_cross_site(&Method::POST, &h, ORIGIN));
        let h = headers(&[("origin", "https://evil.example"), ("host", "shop.example")]);
        assert!(is_cross_site(&Method::POST, &h, ORIGIN));
        let h = headers(&[("sec-fetch-site", "same-site"), ("origin", "https://cdn.shop.example")]);
        assert!(is_cross_site(&Method::DELETE, &h, ORIGIN));
    }

    #[test]
    fn same_origin_and_non_browser_posts_pass() {
        let h = headers(&[("sec-fetch-site", "same-origin"), ("origin", "https://shop.example")]);
        assert!(!is_cross_site(&Method::POST, &h, ORIGIN));
        let h = headers(&[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")]);
        assert!(!is_cross_site(&Method::POST, &h, ORIGIN));
        assert!(!is_cross_site(&Method::POST, &HeaderMap::new(), ORIGIN));
    }
}

/// The payment provider's webhook (plain axum, raw body): 404 for another provider's route, 400 for
/// a bad signature or body, 200 once acted on (replays included, so the provider stops retrying),
/// 500 for a database failure (the provider retries).
pub async fn payment_webhook(
    State(app): State<app::state::AppState>,
    axum::extract::Path(provider): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    use app::orders::ssr::payments::{receive_webhook, WebhookError};
    if provider != app.payments.name() {
        return (StatusCode::NOT_FOUND, "no such webhook").into_response();
    }
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let now = chrono::Utc::now().timestamp();
    match receive_webhook(&app.pool, app.payments.as_ref(), signature, &body, now).await {
        Ok(outcome) => {
            tracing::info!(?outcome, provider, "webhook handled");
            (StatusCode::OK, "ok").into_response()
        }
        Err(WebhookError::Db(e)) => {
            tracing::error!(error = %e, "webhook: database error");
            (StatusCode::INTERNAL_SERVER_ERROR, "try again").into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, provider, "webhook refused");
            (StatusCode::BAD_REQUEST, "bad webhook").into_response()
        }
    }
}

/// Money-path forms accept exactly their fields: a request carrying anything else (say `price_minor`)
/// is a 400 before any server function runs.
pub async fn strict_forms(req: Request, next: Next) -> Response {
    let Some((_, allowed)) = app::orders::api::FORM_FIELDS.iter().find(|(path, _)| *path == req.uri().path()) else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request too large").into_response();
    };
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let unknown: Vec<String> = if is_form {
        form_urlencoded::parse(&bytes).map(|(k, _)| k.into_owned()).filter(|k| !allowed.contains(&k.as_str())).collect()
    } else {
        vec!["(not a form)".into()]
    };
    if !unknown.is_empty() {
        tracing::warn!(path = %parts.uri.path(), ?unknown, "refused unknown form fields");
        let err = app::error::AppError::BadRequest(format!("Unexpected fields: {}", unknown.join(", ")));
        return (StatusCode::BAD_REQUEST, axum::Json(err)).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}
