//! Facet counts for several values of one facet ("PC or PlayStation 5"), from bitmaps kept in
//! memory: per listing scope, for every facet token (see `tokens`), the set of products that have
//! it. Such counts are unions ("products with a PC or a PS5 variant"), which the look-up table
//! cannot answer and which, counted in PostgreSQL, read every matching product's tokens (over a
//! second at 100,000 products). Here they are a few bitmap unions and intersections: microseconds.
//!
//! Kept exact by the change log (migrations/20261207000002_listing_changes.sql): before counting,
//! one query reads the entries changed since the snapshot the index was last brought up to, so a
//! count never misses a change committed before the request began (the same as reading the
//! tables). A scope is loaded on its first use; its memory is about 2 bytes per product and
//! token (a few MB per 50,000 products). Each instance keeps its own.
use super::listing::Scope;
use super::tokens::{self, Filter, SEP};
use crate::catalog::query::{FacetKey, ListingQuery};
use roaring::RoaringBitmap;
use sqlx::{PgPool, Row};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

/// Past this without catching up, a scope reloads rather than trust the log (which keeps an hour).
const LOG_HORIZON: Duration = Duration::from_secs(30 * 60);

/// One scope's products by token.
struct ScopeIndex {
    /// Every product listed in the scope (a product may have no tokens at all).
    all: RoaringBitmap,
    tokens: HashMap<String, RoaringBitmap>,
    /// The snapshot the index reflects (`pg_current_snapshot()` as text).
    snapshot: String,
    /// The database it was read from: a database dropped and made again under the same name is
    /// another database.
    database: u32,
    /// When the query that brought it up to date was sent.
    synced: Instant,
}

type Slot = Arc<tokio::sync::Mutex<Option<ScopeIndex>>>;

/// Indexes by database (host, port, name) and scope.
static INDEXES: LazyLock<Mutex<HashMap<(String, u16, String, i64), Slot>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn slot(pool: &PgPool, scope: i64) -> Slot {
    let o = pool.connect_options();
    let key = (
        o.get_host().to_owned(),
        o.get_port(),
        o.get_database().unwrap_or_default().to_owned(),
        scope,
    );
    let mut map = INDEXES.lock().unwrap_or_else(|e| e.into_inner());
    map.entry(key).or_default().clone()
}

/// Counts as `listing::counted` gives them (the total, then each facet value's products among those
/// matching every other filter), among the products `within` (a search's matches) if given; or
/// None when the index cannot hold this catalog (product ids beyond 32 bits), for the caller to
/// count in PostgreSQL instead.
pub async fn counts(
    pool: &PgPool,
    scope: &Scope,
    q: &ListingQuery,
    keys: &[FacetKey],
    within: Option<&[i64]>,
) -> Result<Option<(i64, Vec<(FacetKey, String, i64)>)>, sqlx::Error> {
    let asked = Instant::now();
    let within: Option<RoaringBitmap> = match within {
        Some(ids) => match ids.iter().map(|&id| u32::try_from(id)).collect() {
            Ok(ids) => Some(ids),
            Err(_) => return Ok(None),
        },
        None => None,
    };
    let mut total = 0;
    let mut out: Vec<(FacetKey, String, i64)> = Vec::new();
    for &id in &scope.0 {
        let slot = slot(pool, id);
        let mut guard = slot.lock().await;
        // A sync begun after this request was asked saw every change committed before it.
        if !guard.as_ref().is_some_and(|s| s.synced >= asked) {
            let current = guard.take();
            match bring_up_to_date(pool, id, current).await? {
                Some(index) => *guard = Some(index),
                None => return Ok(None),
            }
        }
        let Some(index) = guard.as_ref() else {
            return Ok(None);
        };
        let base = match &within {
            Some(w) => &index.all & w,
            None => index.all.clone(),
        };
        let (n, counts) = index.count(&base, q, keys);
        total += n;
        for (key, value, n) in counts {
            match out.iter_mut().find(|(k, v, _)| *k == key && *v == value) {
                Some(c) => c.2 += n,
                None => out.push((key, value, n)),
            }
        }
    }
    Ok(Some((total, out)))
}

/// The changes since `index`'s snapshot applied to it, or the scope read whole when there is no
/// index yet, the log says to reload, or the index is too old for the log.
async fn bring_up_to_date(
    pool: &PgPool,
    scope: i64,
    index: Option<ScopeIndex>,
) -> Result<Option<ScopeIndex>, sqlx::Error> {
    let synced = Instant::now();
    let Some(mut index) = index.filter(|i| synced.duration_since(i.synced) < LOG_HORIZON) else {
        return load(pool, scope, synced).await;
    };
    // One statement, so the snapshot it reports is the one its rows were read at.
    let rows = sqlx::query(SYNC_SQL)
        .bind(&index.snapshot)
        .bind(scope)
        .fetch_all(pool)
        .await?;
    // Each changed product with its tokens now, or None when it is no longer listed in the scope.
    let mut changed: Vec<(u32, Option<Vec<String>>)> = Vec::new();
    for row in &rows {
        let database: i64 = row.try_get("database")?;
        if database != i64::from(index.database) || row.try_get::<bool, _>("reload")? {
            return load(pool, scope, synced).await;
        }
        if let Some(product) = row.try_get::<Option<i64>, _>("product_id")? {
            let Ok(product) = u32::try_from(product) else {
                return Ok(None);
            };
            let tokens: Option<Vec<String>> = row.try_get("tokens")?;
            let listed: bool = row.try_get("listed")?;
            changed.push((product, tokens.filter(|_| listed)));
        }
    }
    // Many changes at once (a bulk edit): reading the scope again is cheaper than patching.
    if changed.len() as u64 > 1000 + index.all.len() / 8 {
        return load(pool, scope, synced).await;
    }
    if let Some(row) = rows.first() {
        index.snapshot = row.try_get("snapshot")?;
    }
    index.synced = synced;
    for (product, tokens) in changed {
        index.remove(product);
        if let Some(tokens) = tokens {
            index.insert(product, tokens);
        }
    }
    Ok(Some(index))
}

/// The entries of `$2` changed by transactions not visible in snapshot `$1`, each with its tokens
/// now (`listed` false when it is gone), and a `reload` row if the read model was rebuilt. Always
/// at least one row, carrying the snapshot read at.
pub(super) const SYNC_SQL: &str = "\
    WITH now AS (SELECT pg_current_snapshot() AS snap, \
                        (SELECT oid FROM pg_database WHERE datname = current_database())::bigint AS database), \
    changed AS (SELECT DISTINCT c.product_id, c.scope_id IS NULL AS reload FROM listing_changes c \
                WHERE c.xid >= pg_snapshot_xmin($1::text::pg_snapshot) \
                  AND NOT pg_visible_in_snapshot(c.xid, $1::text::pg_snapshot) \
                  AND (c.scope_id = $2 OR c.scope_id IS NULL)) \
    SELECT now.snap::text AS snapshot, now.database, coalesce(ch.reload, false) AS reload, ch.product_id, \
           e.tokens, e.product_id IS NOT NULL AS listed \
    FROM now LEFT JOIN changed ch ON true \
    LEFT JOIN listing_entries e ON e.scope_id = $2 AND e.product_id = ch.product_id";

/// The whole scope, read at one snapshot.
async fn load(
    pool: &PgPool,
    scope: i64,
    synced: Instant,
) -> Result<Option<ScopeIndex>, sqlx::Error> {
    let rows = sqlx::query(
        "WITH now AS (SELECT pg_current_snapshot()::text AS snap, \
                             (SELECT oid FROM pg_database WHERE datname = current_database())::bigint AS database) \
         SELECT now.snap AS snapshot, now.database, e.product_id, e.tokens \
         FROM now LEFT JOIN listing_entries e ON e.scope_id = $1",
    )
    .bind(scope)
    .fetch_all(pool)
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let database: i64 = first.try_get("database")?;
    let mut index = ScopeIndex {
        all: RoaringBitmap::new(),
        tokens: HashMap::new(),
        snapshot: first.try_get("snapshot")?,
        database: u32::try_from(database).unwrap_or(0),
        synced,
    };
    for row in &rows {
        let Some(product) = row.try_get::<Option<i64>, _>("product_id")? else {
            continue;
        };
        let Ok(product) = u32::try_from(product) else {
            return Ok(None);
        };
        index.insert(product, row.try_get("tokens")?);
    }
    tracing::info!(
        scope,
        products = index.all.len(),
        tokens = index.tokens.len(),
        bytes = index.tokens.values().map(RoaringBitmap::serialized_size).sum::<usize>(),
        "facet index loaded"
    );
    Ok(Some(index))
}

impl ScopeIndex {
    fn insert(&mut self, product: u32, tokens: Vec<String>) {
        self.all.insert(product);
        for t in tokens {
            self.tokens.entry(t).or_default().insert(product);
        }
    }

    fn remove(&mut self, product: u32) {
        if self.all.remove(product) {
            self.tokens.retain(|_, b| {
                b.remove(product);
                !b.is_empty()
            });
        }
    }

    /// The products with any of `tokens`.
    fn any(&self, tokens: &[String]) -> RoaringBitmap {
        let mut out = RoaringBitmap::new();
        for t in tokens {
            if let Some(b) = self.tokens.get(t) {
                out |= b;
            }
        }
        out
    }

    /// The products of `base` a filter lets through.
    fn matching(&self, base: &RoaringBitmap, f: &Filter) -> RoaringBitmap {
        let mut out = base.clone();
        for list in &f.any_of {
            out &= self.any(list);
        }
        out
    }

    fn count(&self, base: &RoaringBitmap, q: &ListingQuery, keys: &[FacetKey]) -> (i64, Vec<(FacetKey, String, i64)>) {
        let total = self.matching(base, &tokens::filter(q, None)).len() as i64;
        let mut out = Vec::new();
        let mut passes: Vec<(Filter, RoaringBitmap)> = Vec::new();
        for &key in keys {
            let f = tokens::filter(q, Some(key));
            let i = match passes.iter().position(|(p, _)| *p == f) {
                Some(i) => i,
                None => {
                    let m = self.matching(base, &f);
                    passes.push((f, m));
                    passes.len() - 1
                }
            };
            let ctxs = tokens::scan_contexts(q, key);
            for value in self.values(key) {
                let with: Vec<String> = ctxs.iter().map(|c| tokens::with(c, key, value)).collect();
                let n = passes[i].1.intersection_len(&self.any(&with)) as i64;
                if n > 0 {
                    out.push((key, value.to_owned(), n));
                }
            }
        }
        (total, out)
    }

    /// Every value `key` has in the scope.
    fn values(&self, key: FacetKey) -> impl Iterator<Item = &str> {
        let prefix = format!("{}=", key.key());
        self.tokens
            .keys()
            .filter(move |t| !t.contains(SEP) && t.starts_with(&prefix))
            .map(move |t| &t[key.key().len() + 1..])
    }
}
