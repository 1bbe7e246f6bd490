//! Listing and search SQL over the listing read model (listing_entries, listing_counts,
//! search_words: see migrations/20261206000001_listing_index.sql). A page reads about as many
//! rows as it shows; facet counts are looked up, not counted, whenever each facet has at most one
//! value chosen, and counted in memory (facet_index) when a facet has several; search keeps its
//! best `SEARCH_CAP` matches. So no request's cost in PostgreSQL grows with the catalog.
use super::repo::card_from_row;
use super::tokens::{self, Filter};
use crate::catalog::model::*;
use crate::catalog::query::{FacetKey, ListingQuery, PER_PAGE, Sort};
use sqlx::{PgPool, Postgres, QueryBuilder, Row};

/// Which products a listing draws from: categories whose listings do not overlap. A category's
/// listing holds its sub-categories' products too; search takes the department roots.
#[derive(Debug, Clone)]
pub struct Scope(pub Vec<i64>);

/// A search keeps at most this many matches (name matches first) and says there are more.
pub const SEARCH_CAP: i64 = 500;

/// One page, the number of matches and the facet counts.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub cards: Vec<ProductCard>,
    pub total: i64,
    /// A search had more than `SEARCH_CAP` matches: `total` and the counts are of the best ones.
    pub more: bool,
    pub counts: Vec<(FacetKey, String, i64)>,
}

/// A search, ready to read: the matching products (at most `SEARCH_CAP`) and their ranks.
pub(super) struct Search {
    ids: Vec<i64>,
    ranks: Vec<f32>,
}

const CARD_COLUMNS: &str = "SELECT p.id, p.slug, p.name, p.department, p.summary, p.currency, \
     e.min_price, e.max_price, e.in_stock, coalesce(e.launch_at > now(), false) AS coming_soon, \
     img.path_prefix, img.widths, img.width, img.height, img.alt, img.formats";

const CARD_JOINS: &str = " JOIN shop_products p ON p.id = e.product_id \
     LEFT JOIN LATERAL (SELECT path_prefix, widths, width, height, alt, formats FROM shop_images \
       WHERE product_id = p.id AND option_value IS NULL ORDER BY position LIMIT 1) img ON TRUE";

fn order_by(sort: Sort, searching: bool) -> &'static str {
    match sort {
        Sort::Relevance if searching => "e.rank DESC, e.featured DESC, e.product_id",
        Sort::Relevance => "e.featured DESC, e.created_at DESC, e.product_id",
        Sort::PriceAsc => "e.min_price, e.product_id",
        Sort::PriceDesc => "e.min_price DESC, e.product_id DESC",
        Sort::Newest => "e.created_at DESC, e.product_id",
        Sort::Name => "e.name_key, e.product_id",
    }
}

/// `e.scope_id = ... AND <filter>` on listing_entries `e`.
fn push_where(
    qb: &mut QueryBuilder<'_, Postgres>,
    scopes: &[i64],
    search: Option<&Search>,
    f: &Filter,
) {
    if let [one] = scopes {
        qb.push(" e.scope_id = ").push_bind(*one);
    } else {
        qb.push(" e.scope_id = ANY(")
            .push_bind(scopes.to_vec())
            .push(")");
    }
    if let Some(s) = search {
        qb.push(" AND e.product_id = ANY(")
            .push_bind(s.ids.clone())
            .push(")");
    }
    for list in &f.any_of {
        qb.push(" AND e.tokens && ").push_bind(list.clone());
    }
}

/// The cards of one page, in order.
async fn page(
    pool: &PgPool,
    scope: &Scope,
    search: Option<&Search>,
    q: &ListingQuery,
    limit: i64,
) -> Result<Vec<ProductCard>, sqlx::Error> {
    if scope.0.is_empty() {
        return Ok(Vec::new());
    }
    // A listing is planned for these very values (not a generic plan): whether a filter matches
    // few or many products decides between walking the sort index and reading the token index. A
    // search page always reads its few matches by key: one plan, prepared once per connection.
    let rows = page_query("", scope, search, q, limit)
        .build()
        .persistent(search.is_some())
        .fetch_all(pool)
        .await?;
    rows.iter().map(card_from_row).collect()
}

/// The page's SQL after `head` (the plan tests put EXPLAIN there).
pub(super) fn page_query(
    head: &str,
    scope: &Scope,
    search: Option<&Search>,
    q: &ListingQuery,
    limit: i64,
) -> QueryBuilder<'static, Postgres> {
    let f = tokens::filter(q, None);
    let order = order_by(q.sort, search.is_some());
    let offset = ((q.page.max(1) - 1) * PER_PAGE) as i64;
    let mut qb = QueryBuilder::<Postgres>::new(format!("{head}{CARD_COLUMNS}"));
    qb.push(" FROM (");
    match search {
        Some(s) => {
            // Among the (few) matches, with the ranks the match query gave them.
            qb.push("SELECT * FROM (SELECT e.*, m.rank FROM unnest(")
                .push_bind(s.ids.clone())
                .push("::bigint[], ")
                .push_bind(s.ranks.clone())
                .push("::real[]) AS m(product_id, rank) JOIN listing_entries e ON e.product_id = m.product_id WHERE");
            push_where(&mut qb, &scope.0, None, &f);
            qb.push(") e");
        }
        None if scope.0.len() == 1 => {
            // One sort index, read in order: about PER_PAGE rows past the offset.
            qb.push("SELECT * FROM listing_entries e WHERE");
            push_where(&mut qb, &scope.0, None, &f);
        }
        None => {
            // Several scopes: the first offset+PER_PAGE of each, merged.
            qb.push("SELECT * FROM (");
            for (i, s) in scope.0.iter().enumerate() {
                if i > 0 {
                    qb.push(" UNION ALL ");
                }
                qb.push("(SELECT * FROM listing_entries e WHERE");
                push_where(&mut qb, std::slice::from_ref(s), None, &f);
                qb.push(" ORDER BY ")
                    .push(order)
                    .push(" LIMIT ")
                    .push_bind(offset + limit)
                    .push(")");
            }
            qb.push(") e");
        }
    }
    qb.push(" ORDER BY ").push(order);
    qb.push(" LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    qb.push(") e")
        .push(CARD_JOINS)
        .push(" ORDER BY ")
        .push(order);
    qb
}

/// The number of matches and every facet's counts.
async fn counts(
    pool: &PgPool,
    scope: &Scope,
    search: Option<&Search>,
    q: &ListingQuery,
    keys: &[FacetKey],
) -> Result<(i64, Vec<(FacetKey, String, i64)>), sqlx::Error> {
    if scope.0.is_empty() {
        return Ok((0, Vec::new()));
    }
    if let (None, Some(c)) = (search, contexts(q, keys)) {
        return looked_up(pool, scope, c).await;
    }
    // Several values of one facet (unions the look-up table cannot answer), or among a search's
    // matches: counted in memory (facet_index), or from the matching products' tokens when the
    // index cannot hold the catalog.
    match super::facet_index::counts(pool, scope, q, keys, search.map(|s| s.ids.as_slice())).await? {
        Some(counted) => Ok(counted),
        None => counted(pool, scope, search, q, keys).await,
    }
}

/// The contexts a look-up reads: all selections (for the total) and, per facet, all but its own.
struct Contexts {
    all: String,
    per_key: Vec<(FacetKey, String)>,
    ctxs: Vec<String>,
}

/// None when a facet has several values chosen (the look-up table has no context for that).
fn contexts(q: &ListingQuery, keys: &[FacetKey]) -> Option<Contexts> {
    let all = tokens::context(q, None)?;
    let per_key: Vec<(FacetKey, String)> = keys
        .iter()
        .map(|k| (*k, tokens::context(q, Some(*k)).unwrap_or_default()))
        .collect();
    let mut ctxs: Vec<String> = per_key.iter().map(|(_, c)| c.clone()).collect();
    ctxs.push(all.clone());
    ctxs.sort();
    ctxs.dedup();
    Some(Contexts { all, per_key, ctxs })
}

/// Counts read from listing_counts (each facet has at most one value chosen).
async fn looked_up(
    pool: &PgPool,
    scope: &Scope,
    c: Contexts,
) -> Result<(i64, Vec<(FacetKey, String, i64)>), sqlx::Error> {
    let rows = looked_up_sql("", scope, &c.ctxs)
        .build()
        .fetch_all(pool)
        .await?;
    let mut total = 0;
    let mut out = Vec::new();
    for row in rows {
        let (ctx, facet, value, n): (String, String, String, i64) = (
            row.try_get("ctx")?,
            row.try_get("facet")?,
            row.try_get("value")?,
            row.try_get("n")?,
        );
        if facet.is_empty() {
            if ctx == c.all {
                total = n;
            }
            continue;
        }
        if let Some((key, _)) = c
            .per_key
            .iter()
            .find(|(k, cx)| k.key() == facet && *cx == ctx)
        {
            out.push((*key, value, n));
        }
    }
    Ok((total, out))
}

fn looked_up_sql(head: &str, scope: &Scope, ctxs: &[String]) -> QueryBuilder<'static, Postgres> {
    let mut qb = QueryBuilder::<Postgres>::new(format!(
        "{head}SELECT ctx, facet, value, sum(n)::bigint AS n FROM listing_counts WHERE scope_id = ANY("
    ));
    qb.push_bind(scope.0.clone())
        .push(") AND ctx = ANY(")
        .push_bind(ctxs.to_vec());
    qb.push(") GROUP BY 1, 2, 3 HAVING sum(n) > 0");
    qb
}

pub(super) fn looked_up_query(
    head: &str,
    scope: &Scope,
    q: &ListingQuery,
    keys: &[FacetKey],
) -> QueryBuilder<'static, Postgres> {
    looked_up_sql(head, scope, &contexts(q, keys).expect("single values").ctxs)
}

#[cfg(test)]
pub(super) async fn looked_up_for_test(
    pool: &PgPool,
    scope: &Scope,
    q: &ListingQuery,
    keys: &[FacetKey],
) -> (i64, Vec<(FacetKey, String, i64)>) {
    looked_up(pool, scope, contexts(q, keys).expect("single values"))
        .await
        .unwrap()
}

#[cfg(test)]
pub(super) async fn counted_for_test(
    pool: &PgPool,
    scope: &Scope,
    q: &ListingQuery,
    keys: &[FacetKey],
) -> (i64, Vec<(FacetKey, String, i64)>) {
    counted(pool, scope, None, q, keys).await.unwrap()
}

/// A search's counts from the in-memory index and from the matching products' tokens.
#[cfg(test)]
pub(super) async fn search_counts_both_ways_for_test(
    pool: &PgPool,
    scope: &Scope,
    q: &ListingQuery,
    keys: &[FacetKey],
) -> ((i64, Vec<(FacetKey, String, i64)>), (i64, Vec<(FacetKey, String, i64)>)) {
    let text = q.q.clone().unwrap_or_default();
    let tsquery = full_text_query(pool, &text).await.unwrap().unwrap();
    let (s, _) = matches(pool, &tsquery, &text).await.unwrap();
    let in_memory = super::facet_index::counts(pool, scope, q, keys, Some(&s.ids))
        .await
        .unwrap()
        .unwrap();
    (in_memory, counted(pool, scope, Some(&s), q, keys).await.unwrap())
}

/// Counts by reading the matching products' tokens (several values of one facet, or a search): for
/// each facet, the products matching every other filter, by which of the facet's values their
/// tokens give it. Facets with the same other filters share one pass over the products.
async fn counted(
    pool: &PgPool,
    scope: &Scope,
    search: Option<&Search>,
    q: &ListingQuery,
    keys: &[FacetKey],
) -> Result<(i64, Vec<(FacetKey, String, i64)>), sqlx::Error> {
    let present = values_in_scope(pool, scope, keys).await?;
    let rows = counted_query("", scope, search, q, keys, &present)
        .build()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let mut total = 0;
    let mut out = Vec::new();
    for row in rows {
        let (facet, value, n): (String, String, i64) = (
            row.try_get("facet")?,
            row.try_get("value")?,
            row.try_get("n")?,
        );
        match keys.iter().find(|k| k.key() == facet) {
            Some(key) if n > 0 => out.push((*key, value, n)),
            Some(_) => {}
            None => total = n,
        }
    }
    Ok((total, out))
}

/// Every value each facet has in `scope` (from the look-up table, unfiltered).
async fn values_in_scope(
    pool: &PgPool,
    scope: &Scope,
    keys: &[FacetKey],
) -> Result<Vec<(FacetKey, String)>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT facet, value FROM listing_counts WHERE scope_id = ANY($1) AND ctx = '' AND facet <> '' \
         GROUP BY 1, 2 HAVING sum(n) > 0",
    )
    .bind(&scope.0)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(f, v)| keys.iter().find(|k| k.key() == f).map(|k| (*k, v)))
        .collect())
}

pub(super) fn counted_query(
    head: &str,
    scope: &Scope,
    search: Option<&Search>,
    q: &ListingQuery,
    keys: &[FacetKey],
    present: &[(FacetKey, String)],
) -> QueryBuilder<'static, Postgres> {
    // One pass per distinct "every other filter": (filter, tokens, their facet, their value).
    let mut passes: Vec<(Filter, Vec<String>, Vec<String>, Vec<String>)> = Vec::new();
    for key in keys {
        let f = tokens::filter(q, Some(*key));
        let i = match passes.iter().position(|p| p.0 == f) {
            Some(i) => i,
            None => {
                passes.push((f, Vec::new(), Vec::new(), Vec::new()));
                passes.len() - 1
            }
        };
        let ctxs = tokens::scan_contexts(q, *key);
        for (_, value) in present.iter().filter(|(k, _)| k == key) {
            for ctx in &ctxs {
                passes[i].1.push(tokens::with(ctx, *key, value));
                passes[i].2.push(key.key().to_owned());
                passes[i].3.push(value.clone());
            }
        }
    }
    let all = tokens::filter(q, None);
    let mut qb = QueryBuilder::<Postgres>::new(format!(
        "{head}SELECT ''::text AS facet, ''::text AS value, "
    ));
    match search {
        // Unfiltered, a search lists every match it kept.
        Some(s) if all.any_of.is_empty() => {
            qb.push_bind(s.ids.len() as i64).push("::bigint AS n");
        }
        _ => {
            qb.push("count(*) AS n FROM listing_entries e WHERE");
            push_where(&mut qb, &scope.0, search, &all);
        }
    }
    for (f, toks, facets, values) in passes.into_iter().filter(|p| !p.1.is_empty()) {
        qb.push(
            " UNION ALL (SELECT m.facet, m.value, count(DISTINCT e.product_id) FROM listing_entries e \
             CROSS JOIN LATERAL unnest(e.tokens) AS t(tok) JOIN unnest(",
        );
        qb.push_bind(toks)
            .push("::text[], ")
            .push_bind(facets)
            .push("::text[], ")
            .push_bind(values);
        qb.push("::text[]) AS m(tok, facet, value) ON m.tok = t.tok WHERE");
        push_where(&mut qb, &scope.0, search, &f);
        qb.push(" GROUP BY 1, 2)");
    }
    qb
}

/// A category listing (or search without words): a page, the total and the facet counts.
pub async fn listing(
    pool: &PgPool,
    scope: &Scope,
    q: &ListingQuery,
    keys: &[FacetKey],
) -> Result<Found, sqlx::Error> {
    let (cards, (total, counts)) = tokio::try_join!(
        page(pool, scope, None, q, PER_PAGE as i64),
        counts(pool, scope, None, q, keys)
    )?;
    Ok(Found {
        cards,
        total,
        more: false,
        counts,
    })
}

/// Featured products first, then the newest, across `scope`.
pub async fn featured(
    pool: &PgPool,
    scope: &Scope,
    limit: i64,
) -> Result<Vec<ProductCard>, sqlx::Error> {
    let q = ListingQuery {
        page: 1,
        ..Default::default()
    };
    page(pool, scope, None, &q, limit).await
}

/// The words of a search, lower-cased, split on anything but letters and digits (at most 8).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(8)
        .collect()
}

/// The full-text query for `text`: every word must match, as itself, as the start of a word,
/// or as a catalog word it is a likely typo of. None when the text has no words.
async fn full_text_query(pool: &PgPool, text: &str) -> Result<Option<String>, sqlx::Error> {
    let words = words(text);
    if words.is_empty() {
        return Ok(None);
    }
    // Typos only for words long enough to have them ("zeld" -> zelda, "saphire" -> sapphire).
    let long: Vec<String> = words
        .iter()
        .filter(|w| w.chars().count() >= 4)
        .cloned()
        .collect();
    // A word the catalog has is taken as meant ("ring" does not also look for "engineering").
    let near: Vec<(String, String)> = sqlx::query_as(
        "SELECT w.q, d.word FROM unnest($1::text[]) AS w(q) CROSS JOIN LATERAL ( \
           SELECT s.word FROM search_words s \
           WHERE (s.word % w.q AND similarity(s.word, w.q) >= 0.4) OR w.q <% s.word \
           ORDER BY greatest(similarity(s.word, w.q), word_similarity(w.q, s.word)) DESC, s.word LIMIT 4) d \
         WHERE NOT EXISTS (SELECT 1 FROM search_words x WHERE x.word = w.q)",
    )
    .bind(&long)
    .fetch_all(pool)
    .await?;
    let groups: Vec<String> = words
        .iter()
        .map(|w| {
            let mut terms = vec![if w.chars().count() >= 3 {
                format!("{w}:*")
            } else {
                w.clone()
            }];
            for (_, alt) in near
                .iter()
                .filter(|(q, alt)| q == w && alt != w && alt.chars().all(char::is_alphanumeric))
            {
                terms.push(alt.clone());
            }
            format!("({})", terms.join(" | "))
        })
        .collect();
    Ok(Some(groups.join(" & ")))
}

/// Name matches (tier 0), then, only if there are fewer than `SEARCH_CAP` of those, matches
/// anywhere (tier 1); each with its rank: full-text rank plus how close the name is to the words,
/// worked out here on the rows already read.
pub(super) fn matches_query(head: &str, tsquery: &str, text: &str) -> QueryBuilder<'static, Postgres> {
    // The query is bound as a value each time (not read from a CTE): a constant lets the
    // planner and the GIN index see its terms (about 2.5x faster at 100,000 products).
    let rank = |qb: &mut QueryBuilder<'static, Postgres>| {
        qb.push("(ts_rank(p.search_vector, to_tsquery('english', ")
            .push_bind(tsquery.to_owned())
            .push(")) + word_similarity(lower(")
            .push_bind(text.to_owned())
            .push("), lower(p.name)))::real");
    };
    let mut qb = QueryBuilder::<Postgres>::new(format!("{head}WITH names AS MATERIALIZED (SELECT p.id, 0 AS tier, "));
    rank(&mut qb);
    qb.push(" AS rank FROM shop_products p WHERE to_tsvector('english', p.name) @@ to_tsquery('english', ")
        .push_bind(tsquery.to_owned())
        .push(") LIMIT ")
        .push_bind(SEARCH_CAP)
        .push(") SELECT id, tier, rank FROM names UNION ALL (SELECT p.id, 1, ");
    rank(&mut qb);
    qb.push(" FROM shop_products p WHERE (SELECT count(*) FROM names) < ")
        .push_bind(SEARCH_CAP)
        .push(" AND p.search_vector @@ to_tsquery('english', ")
        .push_bind(tsquery.to_owned())
        .push(") LIMIT ")
        .push_bind(SEARCH_CAP)
        .push(")");
    qb
}

/// The products a search matches: name matches first, at most `SEARCH_CAP`, with their ranks; and
/// whether there are more.
async fn matches(pool: &PgPool, tsquery: &str, text: &str) -> Result<(Search, bool), sqlx::Error> {
    // Planned for this very query: a rare word reads its index, a common one the first rows.
    let rows: Vec<(i64, i32, f32)> = matches_query("", tsquery, text)
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let cap = SEARCH_CAP as usize;
    let full = |tier: i32| rows.iter().filter(|r| r.1 == tier).count() >= cap;
    let mut s = Search { ids: Vec::with_capacity(rows.len().min(cap)), ranks: Vec::new() };
    let mut seen = std::collections::HashSet::new();
    for (id, _, rank) in &rows {
        if seen.insert(*id) {
            s.ids.push(*id);
            s.ranks.push(*rank);
        }
    }
    let more = full(0) || full(1) || s.ids.len() > cap;
    s.ids.truncate(cap);
    s.ranks.truncate(cap);
    Ok((s, more))
}

/// Search results: ranked, filtered and counted among the matches.
pub async fn search(
    pool: &PgPool,
    scope: &Scope,
    q: &ListingQuery,
    keys: &[FacetKey],
) -> Result<Found, sqlx::Error> {
    let text = q.q.clone().unwrap_or_default();
    let Some(tsquery) = full_text_query(pool, &text).await? else {
        return listing(pool, scope, q, keys).await;
    };
    let (s, more) = matches(pool, &tsquery, &text).await?;
    if s.ids.is_empty() {
        return Ok(Found::default());
    }
    let (cards, (total, counts)) = tokio::try_join!(
        page(pool, scope, Some(&s), q, PER_PAGE as i64),
        counts(pool, scope, Some(&s), q, keys)
    )?;
    Ok(Found {
        cards,
        total,
        more,
        counts,
    })
}

/// EXPLAIN ANALYZE of the queries behind a category listing (`category`: a department root), a
/// filtered one, its counts, several values of one facet, and a search for `words`: what
/// bench/catalog-scale.sh prints beside its figures.
pub async fn explain_plans(
    pool: &PgPool,
    category: i64,
    words: &str,
) -> Result<Vec<(String, Vec<String>)>, sqlx::Error> {
    const EXPLAIN: &str = "EXPLAIN (ANALYZE, COSTS OFF) ";
    let scope = Scope(vec![category]);
    let keys = [
        FacetKey::Platform,
        FacetKey::Genre,
        FacetKey::Price,
        FacetKey::InStock,
    ];
    let parse = |pairs: &[(&str, &str)]| {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ListingQuery::parse(&pairs).unwrap_or_default()
    };
    let plain = parse(&[]);
    let filtered = parse(&[("genre", "RPG"), ("in_stock", "1")]);
    let mut plans: Vec<(String, QueryBuilder<'static, Postgres>)> = vec![
        ("listing page 1".into(), page_query(EXPLAIN, &scope, None, &plain, PER_PAGE as i64)),
        ("listing counts".into(), looked_up_query(EXPLAIN, &scope, &plain, &keys)),
        (
            "filtered page (genre + in stock)".into(),
            page_query(EXPLAIN, &scope, None, &filtered, PER_PAGE as i64),
        ),
        ("filtered counts".into(), looked_up_query(EXPLAIN, &scope, &filtered, &keys)),
    ];
    if let Some(tsquery) = full_text_query(pool, words).await? {
        plans.push((format!("search {words:?} = {tsquery}: matches"), matches_query(EXPLAIN, &tsquery, words)));
        let (s, _) = matches(pool, &tsquery, words).await?;
        let q = parse(&[("q", words)]);
        plans.push(("search page".into(), page_query(EXPLAIN, &scope, Some(&s), &q, PER_PAGE as i64)));
        // Its counts are worked out in memory (facet_index), like those of several values of one facet.
    }
    let mut out = Vec::with_capacity(plans.len() + 1);
    for (name, mut qb) in plans {
        out.push((name, qb.build_query_scalar::<String>().fetch_all(pool).await?));
    }
    // Several values of one facet are counted in memory; what reaches PostgreSQL per request is
    // the index's catch-up on the change log (the plan when nothing new has to be applied).
    let snapshot: String = sqlx::query_scalar("SELECT pg_current_snapshot()::text").fetch_one(pool).await?;
    let plan = sqlx::query_scalar(&format!("{EXPLAIN}{}", super::facet_index::SYNC_SQL))
        .bind(snapshot)
        .bind(category)
        .fetch_all(pool)
        .await?;
    out.push(("several values of one facet: the in-memory index catching up on changes".into(), plan));
    Ok(out)
}

/// Refreshes the products a race left marked (see the migration): the background task, each second.
pub async fn heal(pool: &PgPool) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar("SELECT listing_refresh_dirty()")
        .fetch_one(pool)
        .await
}

/// Folds count deltas into one row per key, so a look-up reads one row per value.
pub async fn compact(pool: &PgPool) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar("SELECT listing_compact_counts()")
        .fetch_one(pool)
        .await
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn search_words_are_letters_and_digits_only() {
        assert_eq!(words("Zelda's Lantern: 2"), ["zelda", "s", "lantern", "2"]);
        assert_eq!(words("ring & (\"or\" | !) ' --"), ["ring", "or"]);
        assert!(words(" -- '' ").is_empty());
    }
}
