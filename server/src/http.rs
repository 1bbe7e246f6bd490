//! Plain axum routes and tower layers around the Leptos app: health, media, security headers,
//! the cross-site request check, limits.
use crate::page_cache::PageCache;
use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use app::accounts::model::Role;
use sqlx::PgPool;
use std::sync::Arc;

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

/// Admission control: at most `in_flight` requests are served at once; up to `queued` more wait,
/// each at most `wait`; the rest are told 503 with `Retry-After` at once. Under overload a shopper
/// gets a quick "try again" instead of a 5 s wait for a database connection ending in an error, and
/// the requests that are admitted keep their usual speed. Health checks are never refused.
#[derive(Clone)]
pub struct Admission {
    /// None: no limit.
    permits: Option<std::sync::Arc<tokio::sync::Semaphore>>,
    waiting: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    queued: usize,
    wait: std::time::Duration,
}

impl Admission {
    /// `in_flight = 0` turns the limit off.
    pub fn new(in_flight: usize, queued: usize, wait: std::time::Duration) -> Self {
        Admission {
            permits: (in_flight > 0).then(|| std::sync::Arc::new(tokio::sync::Semaphore::new(in_flight))),
            waiting: Default::default(),
            queued,
            wait,
        }
    }

    /// Ok when the request may go on (with its permit, unless there is no limit), waiting for a
    /// place if the queue has room; Err when it is to be refused.
    async fn admit(&self) -> Result<Option<tokio::sync::OwnedSemaphorePermit>, ()> {
        use std::sync::atomic::Ordering;
        let Some(permits) = &self.permits else { return Ok(None) };
        if let Ok(permit) = permits.clone().try_acquire_owned() {
            return Ok(Some(permit));
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queued {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(());
        }
        let permit = tokio::time::timeout(self.wait, permits.clone().acquire_owned()).await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        match permit {
            Ok(Ok(permit)) => Ok(Some(permit)),
            _ => Err(()),
        }
    }
}

pub async fn admission(State(gate): State<Admission>, req: Request, next: Next) -> Response {
    if matches!(req.uri().path(), "/healthz" | "/readyz") {
        return next.run(req).await;
    }
    let Ok(permit) = gate.admit().await else {
        tracing::warn!(method = %req.method(), uri = %req.uri(), "refused: too busy");
        return busy();
    };
    let res = next.run(req).await;
    match permit {
        // The permit is held until the body has been sent: a page streams while it renders.
        Some(permit) => res.map(|body| Body::new(Held { body, _permit: permit })),
        None => res,
    }
}

/// The answer to a request refused for overload: quick, small, never cached. (The page is made
/// once: under overload this is the path most requests take.)
fn busy() -> Response {
    static PAGE: std::sync::LazyLock<axum::body::Bytes> = std::sync::LazyLock::new(|| {
        format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
             content=\"width=device-width, initial-scale=1\"><title>Very busy | {}</title></head><body>\
             <h1>We're very busy right now</h1><p>Please try again in a moment.</p></body></html>",
            app::site::SITE_NAME.replace('&', "&amp;")
        )
        .into()
    });
    let mut res =
        (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE.clone()).into_response();
    res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A response body that keeps an admission permit until it is sent (or dropped).
struct Held {
    body: Body,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl http_body::Body for Held {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        http_body::Body::poll_frame(std::pin::Pin::new(&mut self.body), cx)
    }

    fn is_end_stream(&self) -> bool {
        http_body::Body::is_end_stream(&self.body)
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::Body::size_hint(&self.body)
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
    // The whole origin (scheme, host and port) must be the shop's own: `https://<host>` posting to an
    // http shop, or another port on the same host, is another origin.
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same = origin.to_str().is_ok_and(|o| same_origin(o, allowed_origin));
        if !same {
            return true;
        }
    }
    false
}

/// Origins compared as browsers send them: scheme and host case-insensitively, a trailing slash
/// and an explicit default port ignored.
fn same_origin(a: &str, b: &str) -> bool {
    fn norm(o: &str) -> String {
        let o = o.trim_end_matches('/').to_ascii_lowercase();
        o.strip_suffix(":443").filter(|_| o.starts_with("https://"))
            .or_else(|| o.strip_suffix(":80").filter(|_| o.starts_with("http://")))
            .map(str::to_owned)
            .unwrap_or(o)
    }
    norm(a) == norm(b)
}

/// What the staff gate needs to tell staff from everyone else.
#[derive(Clone)]
pub struct StaffGate {
    pub pool: PgPool,
    pub auth: app::accounts::ssr::AuthState,
}

/// `/api/admin/*` answers 403 to anyone who is not staff (anonymous, a shopper, a forged or expired
/// cookie, or when the check itself fails), and to support outside their functions
/// (`app::admin::support_may_call`), before any server function runs. Staff functions still
/// check the role they need themselves (support or admin): this is the outer wall, not the only one.
pub async fn staff_only(State(gate): State<StaffGate>, req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/admin/") {
        return next.run(req).await;
    }
    let ip = app::platform::request::client_ip(req.extensions());
    // Support reach only the order desk; admins every staff function.
    let path = req.uri().path().to_owned();
    let staff = match req.extensions().get::<tower_sessions::Session>() {
        Some(session) => match gate.auth.accounts(&gate.pool, session, &ip).require_staff().await {
            Ok(u) => u.identity.role >= Role::Admin || app::admin::support_may_call(&path),
            Err(_) => false,
        },
        None => false,
    };
    if !staff {
        tracing::warn!(path = %req.uri().path(), %ip, "refused a staff function to a caller without the role");
        return (StatusCode::FORBIDDEN, axum::Json(app::error::AppError::Forbidden)).into_response();
    }
    next.run(req).await
}

/// The answer to a request whose handler panicked (the cause goes to the log, once).
pub fn panic_response(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let text = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = %text, "request handler panicked");
    (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side. Please try again in a moment.").into_response()
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

/// Static files: a name that carries its content's hash (`shop.<hash>.wasm`, written by the build)
/// never changes meaning, so browsers and the CDN keep it a year without asking again; anything
/// else (the favicon, robots.txt) for a day.
pub async fn cache_static(req: Request, next: Next) -> Response {
    let immutable = is_content_addressed(req.uri().path());
    let mut res = next.run(req).await;
    if res.status().is_success() {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if immutable {
                "public, max-age=31536000, immutable"
            } else {
                "public, max-age=86400, stale-while-revalidate=604800"
            }),
        );
    }
    res
}

/// `name.<22-character base64url MD5>.ext`: the content hash cargo-leptos puts in file names.
pub fn is_content_addressed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    file.split('.').any(|part| part.len() == 22 && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        && !file.contains("______________________")
}

/// How long a shared cache (the CDN, the proxy) may keep a public page without asking. Every change
/// a shopper could see purges the pages it touches (`app::platform::purge`), so this only bounds
/// how long a missed purge could show: browsers always revalidate (a 304 costs no rendering).
pub const PUBLIC_PAGE_CACHE: &str = "public, max-age=0, s-maxage=3600, stale-while-revalidate=30";

/// Public pages (`app::site::is_public_page`): rendered without the visitor's cookies (so the
/// bytes are the same for everyone and no session is read or started), stored by shared caches,
/// with an ETag and 304 on `If-None-Match`, and kept in memory when an in-app page cache is given
/// (`crate::page_cache`). Every other page defaults to `no-store`.
pub async fn page_caching(State(pages): State<Option<Arc<PageCache>>>, mut req: Request, next: Next) -> Response {
    let public = matches!(*req.method(), Method::GET | Method::HEAD) && app::site::is_public_page(req.uri().path());
    if !public {
        let mut res = next.run(req).await;
        let html = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
        if html && !res.headers().contains_key(header::CACHE_CONTROL) {
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        return res;
    }
    req.headers_mut().remove(header::COOKIE);
    let if_none_match = req.headers_mut().remove(header::IF_NONE_MATCH);
    let pages = pages.filter(|p| req.method() == Method::GET && p.live());
    let key = req.uri().path_and_query().map_or_else(|| req.uri().path().to_owned(), |pq| pq.as_str().to_owned());
    if let Some(page) = pages.as_ref().and_then(|p| p.get(&key)) {
        let (status, headers) = (page.status, page.headers.clone());
        return public_page(status, headers, page.body.clone(), &page.etag, if_none_match);
    }
    let ticket = pages.as_ref().map(|p| p.ticket());
    let res = next.run(req).await;
    let (mut parts, body) = res.into_parts();
    parts.headers.remove(header::SET_COOKIE);
    // A found page and a "not found" are public (publishing a product purges its URL); anything
    // else (an error, a redirect) is never stored.
    if !matches!(parts.status, StatusCode::OK | StatusCode::NOT_FOUND) {
        parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return Response::from_parts(parts, body);
    }
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response();
    };
    let etag = page_etag(&bytes);
    parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PUBLIC_PAGE_CACHE));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, v);
    }
    if let (Some(pages), Some(ticket)) = (pages, ticket) {
        pages.store(key, ticket, parts.status, parts.headers.clone(), bytes.clone(), etag.clone());
    }
    public_page(parts.status, parts.headers, bytes, &etag, if_none_match)
}

/// A public page's answer: the page, or 304 when the visitor's copy has the same tag.
fn public_page(status: StatusCode, headers: HeaderMap, body: Bytes, etag: &str, if_none_match: Option<HeaderValue>) -> Response {
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    *res.headers_mut() = headers;
    if status == StatusCode::OK && if_none_match.is_some_and(|v| etag_matches(v.as_bytes(), etag)) {
        *res.status_mut() = StatusCode::NOT_MODIFIED;
        res.headers_mut().remove(header::CONTENT_LENGTH);
        *res.body_mut() = Body::empty();
    }
    res
}

/// A weak validator (the bytes may be sent compressed or not): 128 bits of the page's SHA-256.
fn page_etag(body: &[u8]) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(body);
    format!("W/\"{}\"", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16]))
}

/// `If-None-Match` holds `*` or a list of tags; comparison is weak (the `W/` prefix is ignored).
fn etag_matches(header: &[u8], etag: &str) -> bool {
    let Ok(header) = std::str::from_utf8(header) else { return false };
    let ours = etag.trim_start_matches("W/");
    header.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
}

/// The shop's own proxies (load balancer, CDN edge), by address or network: only a request that
/// arrives from one of them may say who the client is (`X-Forwarded-For`) or bring its request id.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<Vec<ipnet::IpNet>>);

impl TrustedProxies {
    /// Addresses (`10.0.0.7`) or networks (`10.0.0.0/16`, `fd00::/8`); the bad entries are named.
    pub fn parse(list: &[String]) -> Result<Self, String> {
        let mut nets = Vec::new();
        let mut bad = Vec::new();
        for entry in list {
            let entry = entry.trim();
            match entry.parse::<ipnet::IpNet>().or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from)) {
                Ok(net) => nets.push(net),
                Err(_) => bad.push(entry.to_owned()),
            }
        }
        if bad.is_empty() { Ok(TrustedProxies(Arc::new(nets))) } else { Err(bad.join(", ")) }
    }

    pub fn trusts(&self, ip: std::net::IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// Who is asking: the peer, unless it is a trusted proxy; then the forwarded addresses are read
    /// from the right (each proxy appends the address it saw) and the first one that is not a
    /// trusted proxy is the client. Anything after an entry that is not an address is not believed.
    pub fn client(&self, peer: std::net::IpAddr, forwarded: &[&str]) -> std::net::IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        for entry in forwarded.iter().rev().flat_map(|h| h.rsplit(',')) {
            let Ok(ip) = entry.trim().parse::<std::net::IpAddr>() else { break };
            client = ip.to_canonical();
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// The header carrying a request's id (sent back on every response, and in every log line of the
/// request through the trace span).
pub const REQUEST_ID: header::HeaderName = header::HeaderName::from_static(app::platform::request::REQUEST_ID_HEADER);

/// Outermost: works out the client's address ([`app::platform::request::ClientIp`]) and the request
/// id once. An id from a trusted proxy (1 to 128 letters, digits, `-`, `_`, `.`) is kept so one
/// request can be followed from the CDN to the logs; any other is replaced by a fresh UUID.
pub async fn request_origin(State(proxies): State<TrustedProxies>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let from_proxy = peer.is_some_and(|p| proxies.trusts(p));
    if let Some(peer) = peer {
        let forwarded: Vec<&str> =
            req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        let client = proxies.client(peer, &forwarded);
        req.extensions_mut().insert(app::platform::request::ClientIp(client));
    }
    let incoming = req.headers().get(&REQUEST_ID).filter(|_| from_proxy).filter(|v| {
        (1..=128).contains(&v.len()) && v.as_bytes().iter().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
    });
    let id = match incoming {
        Some(v) => v.clone(),
        None => HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).expect("a UUID is a header value"),
    };
    req.headers_mut().insert(REQUEST_ID, id.clone());
    let mut res = next.run(req).await;
    res.headers_mut().insert(REQUEST_ID, id);
    res
}

/// The trace span of a request: method, path and request id, so every log line inside carries them.
pub fn request_span(req: &Request) -> tracing::Span {
    let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", method = %req.method(), uri = %req.uri().path(), request_id = %id)
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
        if let Some(secs) = err.retry_after_secs()
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
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
    fn the_client_is_the_peer_unless_a_trusted_proxy_forwards_it() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxies = TrustedProxies::parse(&["10.0.0.0/8".into(), "2001:db8::1".into()]).unwrap();
        let none = TrustedProxies::default();
        // Nobody trusted: what the header says is ignored.
        assert_eq!(none.client(ip("10.1.2.3"), &["203.0.113.9"]), ip("10.1.2.3"));
        // An untrusted peer cannot name someone else.
        assert_eq!(proxies.client(ip("198.51.100.4"), &["203.0.113.9"]), ip("198.51.100.4"));
        // Behind the load balancer: the address it appended.
        assert_eq!(proxies.client(ip("10.0.0.2"), &["203.0.113.9"]), ip("203.0.113.9"));
        // A forged left part is never reached: the nearest untrusted address wins.
        assert_eq!(proxies.client(ip("10.0.0.2"), &["1.1.1.1, 203.0.113.9, 10.0.0.5"]), ip("203.0.113.9"));
        assert_eq!(proxies.client(ip("10.0.0.2"), &["1.1.1.1", "203.0.113.9, 10.0.0.5"]), ip("203.0.113.9"), "two headers");
        // Garbage stops the walk at the last address believed.
        assert_eq!(proxies.client(ip("10.0.0.2"), &["203.0.113.9, nonsense, 10.0.0.5"]), ip("10.0.0.5"));
        assert_eq!(proxies.client(ip("10.0.0.2"), &[]), ip("10.0.0.2"), "no header: the proxy itself");
        // IPv6, and IPv4 seen through an IPv6 socket.
        assert_eq!(proxies.client(ip("2001:db8::1"), &["2001:db8::99"]), ip("2001:db8::99"));
        assert_eq!(proxies.client(ip("::ffff:10.0.0.2"), &["203.0.113.9"]), ip("203.0.113.9"));
        assert_eq!(TrustedProxies::parse(&["10.0.0.0/33".into(), "proxy".into(), "10.0.0.1".into()]).unwrap_err(), "10.0.0.0/33, proxy");
    }

    #[test]
    fn etags_compare_weakly_and_in_lists() {
        let tag = page_etag(b"<p>page</p>");
        assert!(tag.starts_with("W/\"") && tag.len() > 20);
        assert_ne!(tag, page_etag(b"<p>page!</p>"));
        assert!(etag_matches(tag.as_bytes(), &tag));
        assert!(etag_matches(tag.trim_start_matches("W/").as_bytes(), &tag), "a strong copy of the tag");
        assert!(etag_matches(format!("\"x\", {tag}").as_bytes(), &tag));
        assert!(etag_matches(b"*", &tag));
        assert!(!etag_matches(b"W/\"other\"", &tag));
    }

    #[test]
    fn only_content_hashed_names_are_immutable() {
        assert!(is_content_addressed("/pkg/shop.kB2Z3c9Ewd8bQ4aWJ0nLrA.wasm"));
        assert!(is_content_addressed("/pkg/chunk_5.Zx-_9aB2c3D4e5F6g7H8iA.wasm"));
        assert!(!is_content_addressed("/pkg/shop.wasm"), "an unhashed build");
        assert!(!is_content_addressed("/pkg/__wasm_split.______________________.js"), "the placeholder");
        assert!(!is_content_addressed("/favicon.svg"));
        assert!(!is_content_addressed("/pkg/shop.kB2Z3c9Ewd8bQ4aWJ0nLr.wasm"), "21 characters");
    }

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
        let h = headers(&[("origin", "HTTPS://Shop.Example:443/")]);
        assert!(!is_cross_site(&Method::POST, &h, ORIGIN));
        assert!(!is_cross_site(&Method::POST, &HeaderMap::new(), ORIGIN));
    }

    /// The whole origin counts, not just the host: another scheme or port is another site.
    #[test]
    fn another_scheme_or_port_on_the_same_host_is_cross_site() {
        for (origin, host, allowed) in [
            ("https://shop.example", "shop.example", "http://shop.example"),
            ("http://shop.example", "shop.example", ORIGIN),
            ("https://shop.example:8443", "shop.example:8443", ORIGIN),
            ("http://127.0.0.1:3000", "127.0.0.1:3000", ORIGIN),
            ("null", "shop.example", ORIGIN),
            ("https://shop.example.evil.example", "shop.example", ORIGIN),
        ] {
            let h = headers(&[("origin", origin), ("host", host)]);
            assert!(is_cross_site(&Method::POST, &h, allowed), "{origin} posting to {allowed}");
        }
    }

    mod admission {
        use super::super::*;
        use axum::{middleware::from_fn_with_state, routing::get, Router};
        use std::{sync::Arc, time::Duration};
        use tokio::sync::Semaphore;
        use tower::ServiceExt;

        /// A shop whose one page answers when `open` gets a permit, behind `gate`.
        fn shop(gate: Admission, open: Arc<Semaphore>) -> Router {
            Router::new()
                .route(
                    "/page",
                    get(move || {
                        let open = open.clone();
                        async move {
                            open.acquire().await.unwrap().forget();
                            "the page"
                        }
                    }),
                )
                .route("/healthz", get(healthz))
                .layer(from_fn_with_state(gate, admission))
        }

        fn get_req(path: &str) -> Request {
            Request::builder().uri(path).body(Body::empty()).unwrap()
        }

        async fn settle() {
            tokio::time::sleep(Duration::from_millis(30)).await;
        }

        #[tokio::test]
        async fn beyond_the_limit_and_the_queue_a_request_is_told_503_at_once() {
            let open = Arc::new(Semaphore::new(0));
            let app = shop(Admission::new(1, 1, Duration::from_secs(5)), open.clone());
            let first = tokio::spawn(app.clone().oneshot(get_req("/page")));
            settle().await;
            let second = tokio::spawn(app.clone().oneshot(get_req("/page")));
            settle().await;

            let started = std::time::Instant::now();
            let third = app.clone().oneshot(get_req("/page")).await.unwrap();
            assert_eq!(third.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert!(started.elapsed() < Duration::from_secs(1), "refused at once, not after a wait");
            assert_eq!(third.headers()[header::RETRY_AFTER], "1");
            assert_eq!(third.headers()[header::CACHE_CONTROL], "no-store");
            let body = axum::body::to_bytes(third.into_body(), 4096).await.unwrap();
            assert!(String::from_utf8_lossy(&body).contains("try again in a moment"));
            // Health checks are never refused.
            assert_eq!(app.clone().oneshot(get_req("/healthz")).await.unwrap().status(), StatusCode::OK);

            // The first and the queued second are both served once the page can answer (the
            // second once the first's body has been sent).
            open.add_permits(2);
            for r in [first, second] {
                let r = r.await.unwrap().unwrap();
                assert_eq!(r.status(), StatusCode::OK);
                assert_eq!(axum::body::to_bytes(r.into_body(), 4096).await.unwrap(), "the page");
            }
        }

        #[tokio::test]
        async fn a_request_waits_for_a_place_at_most_the_queue_wait() {
            let open = Arc::new(Semaphore::new(0));
            let app = shop(Admission::new(1, 10, Duration::from_millis(200)), open.clone());
            let first = tokio::spawn(app.clone().oneshot(get_req("/page")));
            settle().await;
            let started = std::time::Instant::now();
            let second = app.clone().oneshot(get_req("/page")).await.unwrap();
            assert_eq!(second.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert!(started.elapsed() >= Duration::from_millis(200), "it waited for a place first");
            open.add_permits(1);
            assert_eq!(first.await.unwrap().unwrap().status(), StatusCode::OK);
        }

        #[tokio::test]
        async fn the_place_is_held_until_the_body_is_sent() {
            let open = Arc::new(Semaphore::new(10));
            let app = shop(Admission::new(1, 0, Duration::ZERO), open);
            let first = app.clone().oneshot(get_req("/page")).await.unwrap();
            assert_eq!(first.status(), StatusCode::OK);
            // Its body is not sent yet: the one place is still taken.
            assert_eq!(app.clone().oneshot(get_req("/page")).await.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(axum::body::to_bytes(first.into_body(), 4096).await.unwrap(), "the page");
            assert_eq!(app.clone().oneshot(get_req("/page")).await.unwrap().status(), StatusCode::OK);
        }

        #[tokio::test]
        async fn no_limit_when_in_flight_is_zero() {
            let open = Arc::new(Semaphore::new(0));
            let app = shop(Admission::new(0, 0, Duration::ZERO), open.clone());
            let waiting: Vec<_> = (0..20).map(|_| tokio::spawn(app.clone().oneshot(get_req("/page")))).collect();
            settle().await;
            open.add_permits(20);
            for w in waiting {
                assert_eq!(w.await.unwrap().unwrap().status(), StatusCode::OK);
            }
        }
    }
}

/// The payment provider's webhook (plain axum, raw body): 404 for another provider's route, 400 for
/// a bad signature or body, 200 once acted on (replays included, so the provider stops retrying),
/// 500 for a database failure (the provider retries).
pub async fn payment_webhook(
    State(pool): State<PgPool>,
    State(orders): State<app::checkout::ssr::CheckoutState>,
    State(metrics): State<Option<crate::metrics::Metrics>>,
    axum::extract::Path(provider): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    use app::checkout::ssr::payment::receive_webhook;
    use app::payments::WebhookError;
    if provider != orders.payments.name() {
        return (StatusCode::NOT_FOUND, "no such webhook").into_response();
    }
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let now = chrono::Utc::now().timestamp();
    match receive_webhook(&pool, orders.payments.as_ref(), signature, &body, now).await {
        Ok(outcome) => {
            tracing::info!(?outcome, provider, "webhook handled");
            (StatusCode::OK, "ok").into_response()
        }
        Err(WebhookError::Db(e)) => {
            if let Some(m) = &metrics {
                m.webhook_failed(crate::metrics::WebhookFailure::Error);
            }
            tracing::error!(error = %e, "webhook: database error");
            (StatusCode::INTERNAL_SERVER_ERROR, "try again").into_response()
        }
        Err(e) => {
            if let Some(m) = &metrics {
                m.webhook_failed(crate::metrics::WebhookFailure::Refused);
            }
            tracing::warn!(error = %e, provider, "webhook refused");
            (StatusCode::BAD_REQUEST, "bad webhook").into_response()
        }
    }
}

/// No field of any form needs a NUL byte, and PostgreSQL cannot store one in text: a server-function
/// request carrying one (query, form body, or a JSON `\u0000`) is a 400 before any code runs.
pub async fn refuse_nul_bytes(req: Request, next: Next) -> Response {
    fn has_nul(b: &[u8]) -> bool {
        form_urlencoded::parse(b).any(|(k, v)| k.contains('\0') || v.contains('\0'))
    }
    fn refuse(path: &str) -> Response {
        tracing::warn!(%path, "refused a request with a NUL byte");
        let err = app::error::AppError::BadRequest("The request contains a character we cannot accept.".into());
        (StatusCode::BAD_REQUEST, axum::Json(err)).into_response()
    }
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    if req.uri().query().is_some_and(|q| has_nul(q.as_bytes())) {
        return refuse(req.uri().path());
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        // Over the body limit (the outer layer cut it off) or a broken upload.
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "request too large").into_response(),
    };
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let nul = if content_type.starts_with("application/x-www-form-urlencoded") {
        has_nul(&bytes)
    } else {
        content_type.starts_with("application/json") && bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
    };
    if nul {
        return refuse(parts.uri.path());
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// Money-path forms accept exactly their fields: a request carrying anything else (say `price_minor`)
/// is a 400 before any server function runs.
pub async fn strict_forms(req: Request, next: Next) -> Response {
    let Some((_, allowed)) = app::checkout::api::FORM_FIELDS.iter().find(|(path, _)| *path == req.uri().path()) else {
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

/// Where every shop page's visit pixel points (an `<img>`: no script, no cookie; cached pages
/// still count because the pixel itself is never stored).
pub const VISIT_BEACON: &str = app::site::VISIT_BEACON;

/// The visit pixel: marks the visitor for the funnel (a salted daily hash, see
/// `app::platform::visits`) unless the page was a staff page, and answers a 1×1 transparent GIF
/// that nothing may store. A failed mark is logged; the pixel is answered anyway.
pub async fn visit_beacon(
    axum::extract::State((pool, zone)): axum::extract::State<(PgPool, String)>,
    req: Request,
) -> Response {
    let ip = app::platform::request::client_ip(req.extensions());
    let headers = req.headers();
    const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let staff_page = text(header::REFERER).split_once("://").and_then(|(_, rest)| rest.split_once('/')).is_some_and(|(_, path)| path.starts_with("admin"));
    if !staff_page {
        if let Err(e) = app::platform::visits::mark(&pool, &zone, app::platform::visits::Stage::Visited, &ip, &text(header::USER_AGENT)).await {
            tracing::warn!(error = %e, "could not count a visit");
        }
    }
    ([(header::CONTENT_TYPE, "image/gif"), (header::CACHE_CONTROL, "no-store")], GIF).into_response()
}
