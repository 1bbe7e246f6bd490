//! Facts about the site that every floor may name (the bottom floor: it imports nothing).

/// The shop's name, in titles, the header, e-mails and authenticator labels.
pub const SITE_NAME: &str = "Pixel & Facet";

/// The visit pixel every shop page carries (the funnel's visits; see `platform::visits`).
pub const VISIT_BEACON: &str = "/v.gif";

/// The pages every visitor gets the same bytes of, so a CDN may keep them: home, listings (with
/// their facet queries), search and product pages. The server renders them without the visitor's
/// cookies; what is personal (the cart count) arrives after load. Every other page is private.
pub fn is_public_page(path: &str) -> bool {
    fn one_segment_under(path: &str, prefix: &str) -> bool {
        path.strip_prefix(prefix).is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
    }
    path == "/" || path == "/search" || one_segment_under(path, "/c/") || one_segment_under(path, "/p/")
}

#[cfg(test)]
mod tests {
    use super::is_public_page;

    #[test]
    fn only_catalog_pages_are_public() {
        for path in ["/", "/search", "/c/games", "/p/zelda-tears"] {
            assert!(is_public_page(path), "{path}");
        }
        for path in ["/cart", "/checkout", "/account", "/admin", "/admin/products", "/c/", "/p/a/b", "/order/1", "/api/cart/count", "/search/x"] {
            assert!(!is_public_page(path), "{path}");
        }
    }
}
