//! Public pages kept in memory once rendered, dropped the moment a change makes them wrong.
//!
//! The same triggers that queue CDN purges (`cache_purges`, see `app::platform::purge`) also send
//! each path on the `page_cache` channel (`pg_notify`, delivered when the writer commits), and
//! every instance listens. A path stands for itself and all its query variants, as for the CDN.
//!
//! Two rules keep it exact:
//! - A page is stored with the number of the last purge seen before its render began; a purge of
//!   its path after that number (which may have happened while it rendered from older data) means
//!   it is never served.
//! - Pages are served only while the listener is known to hear PostgreSQL: it pings itself every
//!   few seconds (on a connection of its own, outside the pool), and a lost connection forgets
//!   every page (notifications sent meanwhile are lost).
use axum::{body::Bytes, http::HeaderMap, http::StatusCode};
use sqlx::{postgres::PgListener, PgPool};
use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering::SeqCst},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

/// The channel the purge trigger notifies (migration `cache_purge_notify`).
pub const CHANNEL: &str = "page_cache";
/// The listener pings itself this often...
const PING_EVERY: Duration = Duration::from_secs(5);
/// ...and pages are served only if it heard something this recently.
const DEAF_AFTER: Duration = Duration::from_secs(20);
/// A page is rendered again after this long even if nothing purged it (bounds any missed purge,
/// like the CDN's s-maxage, but shorter).
const MAX_AGE: Duration = Duration::from_secs(600);

/// One rendered page: what the response carried, without cookies.
#[derive(Clone)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub etag: String,
    ticket: u64,
    at: Instant,
}

/// Weighs a page by its bytes (the cache's capacity is in bytes).
#[derive(Clone)]
struct PageWeight;

impl quick_cache::Weighter<String, Arc<Page>> for PageWeight {
    fn weight(&self, key: &String, page: &Arc<Page>) -> u64 {
        (key.len() + page.body.len() + page.etag.len() + 512) as u64
    }
}

pub struct PageCache {
    pages: quick_cache::sync::Cache<String, Arc<Page>, PageWeight>,
    /// Counts purges; a render takes the current number as its ticket.
    purges: AtomicU64,
    /// The number of each path's latest purge (and when), pruned past `MAX_AGE`.
    purged: Mutex<HashMap<String, (u64, Instant)>>,
    /// Every page from before this number is void (the listener reconnected).
    purged_all: AtomicU64,
    /// When the listener last heard PostgreSQL, in milliseconds since `born` (0: never).
    heard_ms: AtomicU64,
    born: Instant,
}

/// Taken before a render begins; its number decides whether the render may be stored.
pub struct Ticket(u64);

impl PageCache {
    pub fn new(capacity_bytes: u64) -> Self {
        PageCache {
            pages: quick_cache::sync::Cache::with_weighter(
                (capacity_bytes / 32_768).max(16) as usize,
                capacity_bytes,
                PageWeight,
            ),
            purges: AtomicU64::new(0),
            purged: Mutex::new(HashMap::new()),
            purged_all: AtomicU64::new(0),
            heard_ms: AtomicU64::new(0),
            born: Instant::now(),
        }
    }

    /// Whether pages may be served and stored: the listener heard PostgreSQL recently.
    pub fn live(&self) -> bool {
        let heard = self.heard_ms.load(SeqCst);
        heard > 0 && self.born.elapsed().as_millis() as u64 <= heard + DEAF_AFTER.as_millis() as u64
    }

    fn heard(&self) {
        self.heard_ms.store((self.born.elapsed().as_millis() as u64).max(1), SeqCst);
    }

    /// Before rendering: the number of purges seen so far.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.purges.load(SeqCst))
    }

    /// The page stored under `key` (path and query), if nothing purged it since its render began.
    pub fn get(&self, key: &str) -> Option<Arc<Page>> {
        if !self.live() {
            return None;
        }
        let page = self.pages.get(key)?;
        if page.at.elapsed() > MAX_AGE || !self.still_valid(path_of(key), page.ticket) {
            self.pages.remove(key);
            return None;
        }
        Some(page)
    }

    /// Keeps a render, unless its path was purged after its ticket was taken (the render may
    /// have read the data from before that change).
    pub fn store(&self, key: String, ticket: Ticket, status: StatusCode, headers: HeaderMap, body: Bytes, etag: String) {
        if !self.live() || !self.still_valid(path_of(&key), ticket.0) {
            return;
        }
        let page = Page { status, headers, body, etag, ticket: ticket.0, at: Instant::now() };
        self.pages.insert(key, Arc::new(page));
    }

    fn still_valid(&self, path: &str, ticket: u64) -> bool {
        if self.purged_all.load(SeqCst) > ticket {
            return false;
        }
        let purged = self.purged.lock().unwrap_or_else(|e| e.into_inner());
        purged.get(path).is_none_or(|(n, _)| *n <= ticket)
    }

    /// A change made `path` (and its query variants) wrong.
    pub fn purge(&self, path: &str) {
        let mut purged = self.purged.lock().unwrap_or_else(|e| e.into_inner());
        let n = self.purges.fetch_add(1, SeqCst) + 1;
        purged.insert(path.to_owned(), (n, Instant::now()));
        // Older purges matter only to pages that have expired anyway.
        if purged.len() > 50_000 {
            purged.retain(|_, (_, at)| at.elapsed() <= MAX_AGE);
        }
        // The exact key goes at once (its variants are caught by their ticket when read).
        self.pages.remove(path);
    }

    /// Everything rendered so far is void (notifications may have been missed).
    pub fn purge_all(&self) {
        let n = self.purges.fetch_add(1, SeqCst) + 1;
        self.purged_all.store(n, SeqCst);
        self.pages.clear();
    }

    /// Bytes held (for the bench and tests).
    pub fn weight(&self) -> u64 {
        self.pages.weight()
    }

    /// Listens on the channel for as long as the process runs, reconnecting after a loss, and
    /// pings itself so that a silent connection stops the cache from serving.
    pub fn spawn_listener(self: &Arc<Self>, pool: PgPool) {
        let cache = self.clone();
        let listen_pool = pool.clone();
        tokio::spawn(async move {
            let mut failing = false;
            loop {
                match listen(&cache, &listen_pool).await {
                    Ok(()) => failing = false,
                    Err(e) if !failing => {
                        failing = true;
                        tracing::warn!(error = %e, "page cache: lost the database's notifications; pages are rendered afresh until it is back");
                    }
                    Err(_) => {}
                }
                cache.purge_all();
                cache.heard_ms.store(0, SeqCst);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        // The ping has a connection of its own: when the pool is exhausted (a launch's rush) the
        // cache must keep hearing, or every page would be rendered just when it matters most.
        tokio::spawn(async move {
            use sqlx::Connection as _;
            let mut conn: Option<sqlx::PgConnection> = None;
            loop {
                if conn.is_none() {
                    conn = sqlx::PgConnection::connect_with(&pool.connect_options()).await.ok();
                }
                if let Some(c) = conn.as_mut() {
                    // A failure shows as the cache going deaf (and the listener's own warning).
                    if sqlx::query("SELECT pg_notify($1, '')").bind(CHANNEL).execute(&mut *c).await.is_err() {
                        conn = None;
                    }
                }
                tokio::time::sleep(PING_EVERY).await;
            }
        });
    }
}

/// One connection's life: listen, forget everything from before, then follow the purges.
async fn listen(cache: &PageCache, pool: &PgPool) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    cache.purge_all();
    cache.heard();
    loop {
        match listener.try_recv().await? {
            Some(n) => {
                if !n.payload().is_empty() {
                    cache.purge(n.payload());
                }
                cache.heard();
            }
            // The connection was lost: what was sent meanwhile is gone.
            None => return Err(sqlx::Error::PoolClosed),
        }
    }
}

/// The path of a cache key (`/c/rings?metal=gold` -> `/c/rings`).
fn path_of(key: &str) -> &str {
    key.split_once('?').map_or(key, |(path, _)| path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live_cache() -> PageCache {
        let cache = PageCache::new(1 << 20);
        cache.heard();
        cache
    }

    fn put(cache: &PageCache, key: &str, ticket: Ticket, body: &'static str) {
        cache.store(key.into(), ticket, StatusCode::OK, HeaderMap::new(), Bytes::from_static(body.as_bytes()), "e".into());
    }

    fn body(cache: &PageCache, key: &str) -> Option<Bytes> {
        cache.get(key).map(|p| p.body.clone())
    }

    #[test]
    fn a_purge_drops_the_path_and_its_query_variants_only() {
        let cache = live_cache();
        for key in ["/c/rings", "/c/rings?metal=gold", "/c/rings-sale", "/p/ring"] {
            put(&cache, key, cache.ticket(), "old");
        }
        cache.purge("/c/rings");
        assert_eq!(body(&cache, "/c/rings"), None);
        assert_eq!(body(&cache, "/c/rings?metal=gold"), None);
        assert_eq!(body(&cache, "/c/rings-sale").as_deref(), Some(&b"old"[..]), "another path that shares the prefix");
        assert_eq!(body(&cache, "/p/ring").as_deref(), Some(&b"old"[..]));
        put(&cache, "/c/rings?metal=gold", cache.ticket(), "new");
        assert_eq!(body(&cache, "/c/rings?metal=gold").as_deref(), Some(&b"new"[..]), "rendered after the purge");
    }

    #[test]
    fn a_render_that_began_before_a_purge_is_not_kept() {
        let cache = live_cache();
        let ticket = cache.ticket();
        cache.purge("/p/ring"); // the change committed while the page was rendering
        put(&cache, "/p/ring", ticket, "old price");
        assert_eq!(body(&cache, "/p/ring"), None);
        let ticket = cache.ticket();
        cache.purge("/p/other");
        put(&cache, "/p/ring", ticket, "new price");
        assert_eq!(body(&cache, "/p/ring").as_deref(), Some(&b"new price"[..]), "a purge of another page does not matter");
    }

    #[test]
    fn nothing_is_served_or_kept_while_the_listener_is_deaf() {
        let cache = PageCache::new(1 << 20);
        put(&cache, "/", cache.ticket(), "never heard");
        cache.heard();
        assert_eq!(body(&cache, "/"), None, "stored before the listener was heard");
        put(&cache, "/", cache.ticket(), "home");
        assert!(body(&cache, "/").is_some());
        let ticket = cache.ticket();
        cache.purge_all(); // the listener reconnected
        put(&cache, "/c/games", ticket, "rendered before the reconnection");
        assert_eq!(body(&cache, "/"), None);
        assert_eq!(body(&cache, "/c/games"), None);
        let far = PageCache { born: Instant::now() - DEAF_AFTER - Duration::from_secs(1), ..PageCache::new(1 << 20) };
        far.heard_ms.store(1, SeqCst);
        assert!(!far.live(), "heard longer ago than the limit");
    }

    #[test]
    fn the_capacity_is_in_bytes() {
        let cache = PageCache::new(64 * 1024);
        cache.heard();
        static BIG: [u8; 20_000] = [b'x'; 20_000];
        for i in 0..20 {
            cache.store(format!("/p/{i}"), cache.ticket(), StatusCode::OK, HeaderMap::new(), Bytes::from_static(&BIG), "e".into());
        }
        assert!(cache.weight() <= 64 * 1024, "{} bytes held", cache.weight());
        assert!(cache.weight() > 20_000);
    }
}
