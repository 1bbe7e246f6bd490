//! The page's Content-Security-Policy. Private pages allow the per-response nonce Leptos puts on
//! its scripts; public pages (the same bytes for every visitor, so a CDN may keep them) carry no
//! nonce and allow the hydration bootstrap by its hash (the same for a whole build) and the bundle it
//! imports from the shop's own origin.
use leptos::prelude::*;
use std::sync::OnceLock;

pub fn csp(nonce: &str) -> String {
    csp_with(&nonced(nonce), "", "", "")
}

/// A private page's script sources: the response's nonce, and what nonced scripts load.
fn nonced(nonce: &str) -> String {
    format!("'nonce-{nonce}' 'strict-dynamic'")
}

/// `'sha256-…'` of each inline script a public page carries, set once at start-up (`hash_bootstrap`).
static PUBLIC_SCRIPT_HASHES: OnceLock<String> = OnceLock::new();

/// The hydration data Leptos writes into every page: in islands mode nothing is serialized, so
/// these two scripts are the same on every page. (A page that did serialize data would have it
/// refused by the public policy, and its islands would show it: the end-to-end tests cover them.)
const EMPTY_HYDRATION_DATA: [&str; 2] =
    ["__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];", "__INCOMPLETE_CHUNKS=[];"];

/// Hashes the inline script `HydrationScripts` writes for these options: the bootstrap is rendered
/// here once, by the same component the pages use, so the hash follows the build's file names.
/// (Once per process: the options are the same for every router built.)
pub fn hash_bootstrap(options: &leptos::config::LeptosOptions) {
    use base64::Engine as _;
    use sha2::Digest as _;
    PUBLIC_SCRIPT_HASHES.get_or_init(|| {
        let html = Owner::new().with(|| view! { <HydrationScripts options=options.clone() islands=true/> }.to_html());
        let bootstrap = inline_script(&html).unwrap_or_default();
        let hashes: Vec<String> = std::iter::once(bootstrap)
            .chain(EMPTY_HYDRATION_DATA)
            .map(|script| format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script.as_bytes()))))
            .collect();
        hashes.join(" ")
    });
}

/// The text of the first inline `<script …>…</script>` (no `src`) in a fragment of HTML.
fn inline_script(html: &str) -> Option<&str> {
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let tag_end = start + rest[start..].find('>')?;
        let body_end = tag_end + 1 + rest[tag_end + 1..].find("</script>")?;
        if !rest[start..tag_end].contains(" src=") {
            return Some(&rest[tag_end + 1..body_end]);
        }
        rest = &rest[body_end..];
    }
    None
}

/// The policy of a public page: the hashed inline scripts run, and scripts from the shop's own
/// origin (the bundle the bootstrap imports: a dynamic import inherits a nonce but not a hash, so
/// `strict-dynamic` would refuse it); an injected inline script matches no hash and is refused.
pub fn public_csp() -> String {
    let hashes = PUBLIC_SCRIPT_HASHES.get().map(String::as_str).unwrap_or("'none'");
    csp_with(&format!("'self' {hashes}"), "", "", "")
}

/// The policy with these script sources, extra `connect-src` and `frame-src` sources (Stripe's
/// payment form needs them) and `form-action` targets (a form that redirects to another origin
/// needs it listed).
fn csp_with(scripts: &str, connect: &str, frames: &str, forms: &str) -> String {
    let media = use_context::<crate::platform::Platform>().and_then(|p| p.media_origin).map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src {scripts} 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:{media}{connect_img}; connect-src 'self'{connect}; font-src 'self'; \
         frame-src 'self'{frames}; object-src 'none'; base-uri 'self'; form-action 'self'{forms}; frame-ancestors 'none'",
        connect_img = if connect.is_empty() { "" } else { " https://*.stripe.com" },
    )
}

/// Sets the response's policy, made from its nonce.
fn set_policy(make: impl Fn(&str) -> String) {
    if let Some(nonce) = leptos::nonce::use_nonce() {
        insert_policy(&make(&nonce));
    }
}

fn insert_policy(policy: &str) {
    if let (Some(res), Ok(value)) = (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(policy)) {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

pub fn set_csp_header() {
    let public = use_context::<http::request::Parts>().is_some_and(|p| crate::site::is_public_page(p.uri.path()));
    if public {
        insert_policy(&public_csp());
    } else {
        set_policy(csp);
    }
}

/// On the Stripe pay page: Stripe.js (loaded by a nonced script, so `strict-dynamic` admits it) talks
/// to Stripe's API and draws the card fields in its own frames.
pub fn allow_stripe() {
    set_policy(|nonce| {
        csp_with(&nonced(nonce), " https://api.stripe.com https://m.stripe.network", " https://js.stripe.com https://hooks.stripe.com", "")
    });
}

/// On the library page when builds live in S3: the download form redirects to a pre-signed URL
/// on the bucket's origin.
pub fn allow_form_target(origin: &str) {
    let forms = format!(" {origin}");
    set_policy(move |nonce| csp_with(&nonced(nonce), "", "", &forms));
}

#[cfg(test)]
mod tests {
    use super::inline_script;

    #[test]
    fn finds_the_inline_script_not_the_linked_one() {
        let html = r#"<link rel="modulepreload" href="/pkg/a.js"><script src="/x.js"></script><script type="module">boot("a")</script>"#;
        assert_eq!(inline_script(html), Some(r#"boot("a")"#));
        assert_eq!(inline_script("<p>no script</p>"), None);
    }
}
