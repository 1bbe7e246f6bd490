//! Catalog rules: which facets a listing offers, how counts become facet values, what a page is titled.
use super::listing::{self, Scope};
use super::repo::{self, CategoryRow};
use crate::catalog::model::*;
use crate::catalog::query::{price_bucket_label, FacetKey, ListingQuery, PER_PAGE, PRICE_BUCKETS};
use crate::error::AppError;
use crate::types::Slug;
use sqlx::PgPool;

fn links(categories: &[CategoryRow], parent_id: i64) -> Vec<CategoryLink> {
    categories
        .iter()
        .filter(|c| c.parent_id == Some(parent_id))
        .map(|c| CategoryLink { slug: c.slug.clone(), name: c.name.clone() })
        .collect()
}

pub async fn home(pool: &PgPool) -> Result<HomePage, AppError> {
    let categories = repo::categories(pool).await?;
    let (game_roots, jewelry_roots) = (Scope(roots(&categories, "games")), Scope(roots(&categories, "jewelry")));
    let (games, jewelry) =
        tokio::try_join!(listing::featured(pool, &game_roots, 8), listing::featured(pool, &jewelry_roots, 8))?;
    let mut game_categories = Vec::new();
    let mut jewelry_categories = Vec::new();
    for root in categories.iter().filter(|c| c.parent_id.is_none()) {
        match root.department.as_str() {
            "games" => game_categories.extend(links(&categories, root.id)),
            _ => jewelry_categories.extend(links(&categories, root.id)),
        }
    }
    Ok(HomePage { games, jewelry, game_categories, jewelry_categories })
}

/// The top categories of a department (or of both, for "").
fn roots(categories: &[CategoryRow], department: &str) -> Vec<i64> {
    categories
        .iter()
        .filter(|c| c.parent_id.is_none() && (department.is_empty() || c.department == department))
        .map(|c| c.id)
        .collect()
}

fn facet_keys(departments: &[Department]) -> Vec<FacetKey> {
    let mut keys = Vec::new();
    if departments.contains(&Department::Games) {
        keys.extend([FacetKey::Platform, FacetKey::Genre]);
    }
    if departments.contains(&Department::Jewelry) {
        keys.extend([FacetKey::Metal, FacetKey::Stone]);
    }
    keys.extend([FacetKey::Price, FacetKey::InStock]);
    keys
}

/// Turns raw counts into facets: every value with results, plus selected values even at zero
/// (so a shopper can always switch a filter off).
fn build_facets(keys: &[FacetKey], counts: Vec<(FacetKey, String, i64)>, q: &ListingQuery) -> Vec<Facet> {
    keys.iter()
        .map(|key| {
            let selected = q.values(*key);
            let mut values: Vec<FacetValue> = counts
                .iter()
                .filter(|(k, _, n)| k == key && *n > 0)
                .map(|(_, v, n)| FacetValue {
                    value: v.clone(),
                    label: label_for(*key, v),
                    count: *n,
                    selected: if *key == FacetKey::InStock { q.in_stock } else { selected.contains(v) },
                })
                .collect();
            for s in selected {
                if !values.iter().any(|v| &v.value == s) {
                    values.push(FacetValue { value: s.clone(), label: label_for(*key, s), count: 0, selected: true });
                }
            }
            if *key == FacetKey::InStock && values.is_empty() && q.in_stock {
                values.push(FacetValue { value: "1".into(), label: label_for(*key, "1"), count: 0, selected: true });
            }
            match key {
                FacetKey::Price => values.sort_by_key(|v| {
                    PRICE_BUCKETS.iter().position(|b| b.0 == v.value).unwrap_or(usize::MAX)
                }),
                _ => values.sort_by(|a, b| a.label.cmp(&b.label)),
            }
            Facet { key: key.key().into(), label: key.label().into(), values }
        })
        .filter(|f| !f.values.is_empty())
        .collect()
}

fn label_for(key: FacetKey, value: &str) -> String {
    match key {
        FacetKey::Price => {
            let l = price_bucket_label(value);
            if l.is_empty() { value.to_owned() } else { l.to_owned() }
        }
        FacetKey::InStock => "In stock only".into(),
        _ => value.to_owned(),
    }
}

pub async fn category_listing(pool: &PgPool, slug: &str, q: ListingQuery) -> Result<Listing, AppError> {
    let slug = Slug::parse(slug).ok_or(AppError::NotFound)?;
    let categories = repo::categories(pool).await?;
    let cat = categories.iter().find(|c| c.slug == slug.as_str()).ok_or(AppError::NotFound)?;
    let subcategories = links(&categories, cat.id);
    let breadcrumb: Vec<CategoryLink> = cat
        .parent_id
        .and_then(|pid| categories.iter().find(|c| c.id == pid))
        .map(|p| CategoryLink { slug: p.slug.clone(), name: p.name.clone() })
        .into_iter()
        .collect();
    let department = Department::parse(&cat.department).unwrap_or(Department::Games);
    // A category's listing holds its sub-categories' products too.
    let scope = Scope(vec![cat.id]);
    let keys = facet_keys(&[department]);
    let found = listing::listing(pool, &scope, &q, &keys).await?;
    let facets = build_facets(&keys, found.counts, &q);
    Ok(Listing {
        title: cat.name.clone(),
        description: cat.description.clone(),
        path: format!("/c/{}", cat.slug),
        query: q,
        products: found.cards,
        total: found.total,
        more: found.more,
        per_page: PER_PAGE,
        facets,
        subcategories,
        breadcrumb,
    })
}

pub async fn search(pool: &PgPool, q: ListingQuery) -> Result<Listing, AppError> {
    let scope = Scope(roots(&repo::categories(pool).await?, ""));
    let keys = facet_keys(&[Department::Games, Department::Jewelry]);
    let found = listing::search(pool, &scope, &q, &keys).await?;
    let facets = build_facets(&keys, found.counts, &q);
    let title = match &q.q {
        Some(text) => format!("Search results for “{text}”"),
        None => "Search".to_owned(),
    };
    Ok(Listing {
        title,
        description: "Search games and jewelry.".into(),
        path: "/search".into(),
        query: q,
        products: found.cards,
        total: found.total,
        more: found.more,
        per_page: PER_PAGE,
        facets,
        subcategories: Vec::new(),
        breadcrumb: Vec::new(),
    })
}

pub async fn product(pool: &PgPool, slug: &str) -> Result<ProductDetail, AppError> {
    let slug = Slug::parse(slug).ok_or(AppError::NotFound)?;
    repo::product_by_slug(pool, slug.as_str()).await?.ok_or(AppError::NotFound)
}
