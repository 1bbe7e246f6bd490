//! The page's Content-Security-Policy, with the per-response nonce Leptos puts on its scripts.
use leptos::prelude::*;

pub fn csp(nonce: &str) -> String {
    csp_with(nonce, "", "", "")
}

/// The policy with extra `connect-src` and `frame-src` sources (Stripe's payment form needs them)
/// and `form-action` targets (a form that redirects to another origin needs it listed).
fn csp_with(nonce: &str, connect: &str, frames: &str, forms: &str) -> String {
    let media = use_context::<crate::platform::Platform>().and_then(|p| p.media_origin).map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:{media}{connect_img}; connect-src 'self'{connect}; font-src 'self'; \
         frame-src 'self'{frames}; object-src 'none'; base-uri 'self'; form-action 'self'{forms}; frame-ancestors 'none'",
        connect_img = if connect.is_empty() { "" } else { " https://*.stripe.com" },
    )
}

fn set_policy(make: impl Fn(&str) -> String) {
    let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&make(&nonce)) {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

pub fn set_csp_header() {
    set_policy(csp);
}

/// On the Stripe pay page: Stripe.js (loaded by a nonced script, so `strict-dynamic` admits it) talks
/// to Stripe's API and draws the card fields in its own frames.
pub fn allow_stripe() {
    set_policy(|nonce| {
        csp_with(nonce, " https://api.stripe.com https://m.stripe.network", " https://js.stripe.com https://hooks.stripe.com", "")
    });
}

/// On the library page when builds live in S3: the download form redirects to a pre-signed URL
/// on the bucket's origin.
pub fn allow_form_target(origin: &str) {
    let forms = format!(" {origin}");
    set_policy(move |nonce| csp_with(nonce, "", "", &forms));
}
