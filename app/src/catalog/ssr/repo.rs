//! Catalog SQL. Listing filters are built once (`push_filters`) and reused by the product query and
//! every facet count, so a facet count is always the number of results its link leads to.
use crate::catalog::model::*;
use crate::catalog::query::{price_bucket, FacetKey, ListingQuery, Sort, PER_PAGE, PRICE_BUCKETS};
use crate::types::{Currency, Money};
use sqlx::{PgPool, Postgres, QueryBuilder, Row};

/// Which products a listing draws from.
#[derive(Debug, Clone)]
pub enum Scope {
    /// A category and its sub-categories.
    Categories(Vec<i64>),
    /// Every product (search).
    All,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CategoryRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub department: String,
    pub parent_id: Option<i64>,
    pub description: String,
}

/// Word-similarity thresholds for typo-tolerant matching ("zeld" -> "Zelda", "saphire" -> "Sapphire").
const NAME_SIMILARITY: f32 = 0.45;
const TEXT_SIMILARITY: f32 = 0.6;

fn push_search(qb: &mut QueryBuilder<'_, Postgres>, q: &str) {
    qb.push(" AND (p.search_vector @@ websearch_to_tsquery('english', ")
        .push_bind(q.to_owned())
        .push(") OR word_similarity(lower(")
        .push_bind(q.to_owned())
        .push("), lower(p.name)) >= ")
        .push_bind(NAME_SIMILARITY)
        .push(" OR word_similarity(lower(")
        .push_bind(q.to_owned())
        .push("), lower(p.search_text)) >= ")
        .push_bind(TEXT_SIMILARITY)
        .push(")");
}

/// Variant-level conditions on alias `v`, except the facet being counted.
fn push_variant_conditions(qb: &mut QueryBuilder<'_, Postgres>, q: &ListingQuery, except: Option<FacetKey>) {
    if except != Some(FacetKey::Platform) && !q.platforms.is_empty() {
        qb.push(" AND v.platform = ANY(").push_bind(q.platforms.clone()).push(")");
    }
    if except != Some(FacetKey::Metal) && !q.metals.is_empty() {
        qb.push(" AND v.metal = ANY(").push_bind(q.metals.clone()).push(")");
    }
    if except != Some(FacetKey::InStock) && q.in_stock {
        // Buyable now: a drop before its launch is not.
        qb.push(" AND v.stock > 0 AND NOT EXISTS (SELECT 1 FROM shop_products lp WHERE lp.id = v.product_id AND lp.launch_at > now())");
    }
    if except != Some(FacetKey::Price) && !q.prices.is_empty() {
        qb.push(" AND (FALSE");
        for key in &q.prices {
            // An unknown range adds nothing: it matches no product.
            if let Some((lo, hi)) = price_bucket(key) {
                qb.push(" OR (v.price_minor >= ").push_bind(lo);
                if let Some(hi) = hi {
                    qb.push(" AND v.price_minor < ").push_bind(hi);
                }
                qb.push(")");
            }
        }
        qb.push(")");
    }
}

fn has_variant_conditions(q: &ListingQuery, except: Option<FacetKey>) -> bool {
    (except != Some(FacetKey::Platform) && !q.platforms.is_empty())
        || (except != Some(FacetKey::Metal) && !q.metals.is_empty())
        || (except != Some(FacetKey::InStock) && q.in_stock)
        || (except != Some(FacetKey::Price) && !q.prices.is_empty())
}

/// `FROM ... WHERE ...` for products in scope matching the query (all filters but `except`).
/// With `join_variants`, variant conditions apply to the joined row `v` (for per-variant facet counts);
/// otherwise to "some variant" of the product.
fn push_from_where(
    qb: &mut QueryBuilder<'_, Postgres>,
    scope: &Scope,
    q: &ListingQuery,
    except: Option<FacetKey>,
    join_variants: bool,
) {
    qb.push(
        " FROM shop_products p LEFT JOIN game_details gd ON gd.product_id = p.id \
          LEFT JOIN jewelry_details jd ON jd.product_id = p.id",
    );
    if join_variants {
        qb.push(" JOIN shop_variants v ON v.product_id = p.id");
    }
    qb.push(" WHERE TRUE");
    if let Scope::Categories(ids) = scope {
        qb.push(" AND p.category_id = ANY(").push_bind(ids.clone()).push(")");
    }
    if let Some(text) = &q.q {
        push_search(qb, text);
    }
    if except != Some(FacetKey::Genre) && !q.genres.is_empty() {
        qb.push(" AND gd.genre = ANY(").push_bind(q.genres.clone()).push(")");
    }
    if except != Some(FacetKey::Stone) && !q.stones.is_empty() {
        qb.push(" AND jd.stone = ANY(").push_bind(q.stones.clone()).push(")");
    }
    if join_variants {
        push_variant_conditions(qb, q, except);
    } else if has_variant_conditions(q, except) {
        qb.push(" AND EXISTS (SELECT 1 FROM shop_variants v WHERE v.product_id = p.id");
        push_variant_conditions(qb, q, except);
        qb.push(")");
    }
}

fn currency(code: &str) -> Currency {
    Currency::parse(code).unwrap_or(Currency::Eur)
}

const CARD_COLUMNS: &str = "SELECT p.id, p.slug, p.name, p.department, p.summary, p.currency, \
     pr.min_price, pr.max_price, pr.in_stock, coalesce(p.launch_at > now(), false) AS coming_soon, \
     img.path_prefix, img.widths, img.width, img.height, img.alt, img.formats";

const CARD_JOINS: &str = " CROSS JOIN LATERAL (SELECT min(price_minor) AS min_price, max(price_minor) AS max_price, \
       coalesce(bool_or(stock > 0), false) AS in_stock FROM shop_variants WHERE product_id = p.id) pr \
     LEFT JOIN LATERAL (SELECT path_prefix, widths, width, height, alt, formats FROM shop_images \
       WHERE product_id = p.id AND option_value IS NULL ORDER BY position LIMIT 1) img ON TRUE";

fn card_from_row(row: &sqlx::postgres::PgRow) -> Result<ProductCard, sqlx::Error> {
    let cur = currency(row.try_get::<&str, _>("currency")?);
    let min: Option<i64> = row.try_get("min_price")?;
    let max: Option<i64> = row.try_get("max_price")?;
    let prefix: Option<String> = row.try_get("path_prefix")?;
    let image = match prefix {
        Some(path_prefix) => Some(ImageRef {
            base: super::media_base().to_owned(),
            path_prefix,
            widths: row.try_get("widths")?,
            width: row.try_get("width")?,
            height: row.try_get("height")?,
            alt: row.try_get("alt")?,
            formats: row.try_get("formats")?,
            option: None,
        }),
        None => None,
    };
    Ok(ProductCard {
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        department: Department::parse(row.try_get("department")?).unwrap_or(Department::Games),
        summary: row.try_get("summary")?,
        price_from: Money { minor: min.unwrap_or(0), currency: cur },
        price_varies: min != max,
        in_stock: row.try_get("in_stock")?,
        coming_soon: row.try_get("coming_soon")?,
        image,
    })
}

/// One page of products in scope matching `q`, and the total number of matches.
pub async fn list_products(
    pool: &PgPool,
    scope: &Scope,
    q: &ListingQuery,
) -> Result<(Vec<ProductCard>, i64), sqlx::Error> {
    // Filter in a sub-select (the one filter builder), then add price and image per card.
    let mut qb = QueryBuilder::<Postgres>::new(CARD_COLUMNS);
    qb.push(", count(*) OVER () AS total FROM (SELECT p.*");
    push_from_where(&mut qb, scope, q, None, false);
    qb.push(") p");
    qb.push(CARD_JOINS);
    qb.push(" ORDER BY ");
    match (q.sort, &q.q) {
        (Sort::Relevance, Some(text)) => {
            qb.push("ts_rank(p.search_vector, websearch_to_tsquery('english', ")
                .push_bind(text.clone())
                .push(")) + word_similarity(lower(")
                .push_bind(text.clone())
                .push("), lower(p.name)) DESC, p.featured DESC");
        }
        (Sort::Relevance, None) => {
            qb.push("p.featured DESC, p.created_at DESC");
        }
        (Sort::PriceAsc, _) => {
            qb.push("pr.min_price ASC");
        }
        (Sort::PriceDesc, _) => {
            qb.push("pr.min_price DESC");
        }
        (Sort::Newest, _) => {
            qb.push("p.created_at DESC");
        }
        (Sort::Name, _) => {
            qb.push("lower(p.name) ASC");
        }
    }
    qb.push(", p.id ASC LIMIT ")
        .push_bind(PER_PAGE as i64)
        .push(" OFFSET ")
        .push_bind(((q.page.max(1) - 1) * PER_PAGE) as i64);
    let rows = qb.build().fetch_all(pool).await?;
    let total = match rows.first() {
        Some(r) => r.try_get::<i64, _>("total")?,
        None if q.page > 1 => count_products(pool, scope, q).await?,
        None => 0,
    };
    let cards = rows.iter().map(card_from_row).collect::<Result<Vec<_>, _>>()?;
    Ok((cards, total))
}

async fn count_products(pool: &PgPool, scope: &Scope, q: &ListingQuery) -> Result<i64, sqlx::Error> {
    let mut qb = QueryBuilder::<Postgres>::new("SELECT count(*)");
    push_from_where(&mut qb, scope, q, None, false);
    qb.build_query_scalar::<i64>().fetch_one(pool).await
}

/// Counts for every facet that applies to the departments in scope, in one round trip.
/// Each facet is counted with every other filter applied but its own (so values can be combined).
pub async fn facet_counts(
    pool: &PgPool,
    scope: &Scope,
    q: &ListingQuery,
    keys: &[FacetKey],
) -> Result<Vec<(FacetKey, String, i64)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Postgres>::new("");
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            qb.push(" UNION ALL ");
        }
        qb.push("(SELECT ").push_bind(key.key()).push("::text AS k, ");
        match key {
            FacetKey::Platform => {
                qb.push("v.platform AS val, count(DISTINCT p.id) AS n");
                push_from_where(&mut qb, scope, q, Some(*key), true);
                qb.push(" AND v.platform IS NOT NULL GROUP BY v.platform");
            }
            FacetKey::Metal => {
                qb.push("v.metal AS val, count(DISTINCT p.id) AS n");
                push_from_where(&mut qb, scope, q, Some(*key), true);
                qb.push(" AND v.metal IS NOT NULL GROUP BY v.metal");
            }
            FacetKey::Genre => {
                qb.push("gd.genre AS val, count(*) AS n");
                push_from_where(&mut qb, scope, q, Some(*key), false);
                qb.push(" AND gd.genre IS NOT NULL GROUP BY gd.genre");
            }
            FacetKey::Stone => {
                qb.push("coalesce(jd.stone, 'No stone') AS val, count(*) AS n");
                push_from_where(&mut qb, scope, q, Some(*key), false);
                qb.push(" AND jd.product_id IS NOT NULL GROUP BY 2");
            }
            FacetKey::Price => {
                qb.push("CASE");
                for (name, _, lo, hi) in PRICE_BUCKETS.iter() {
                    qb.push(" WHEN v.price_minor >= ").push_bind(*lo);
                    if let Some(hi) = hi {
                        qb.push(" AND v.price_minor < ").push_bind(*hi);
                    }
                    qb.push(" THEN ").push_bind(*name);
                }
                qb.push(" END AS val, count(DISTINCT p.id) AS n");
                push_from_where(&mut qb, scope, q, Some(*key), true);
                qb.push(" GROUP BY 2");
            }
            FacetKey::InStock => {
                qb.push("'1' AS val, count(DISTINCT p.id) AS n");
                push_from_where(&mut qb, scope, q, Some(*key), true);
                qb.push(" AND v.stock > 0");
            }
        }
        qb.push(")");
    }
    let rows = qb.build().fetch_all(pool).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let k: String = row.try_get("k")?;
        let Some(key) = keys.iter().copied().find(|f| f.key() == k) else { continue };
        let val: Option<String> = row.try_get("val")?;
        if let Some(val) = val {
            out.push((key, val, row.try_get::<i64, _>("n")?));
        }
    }
    Ok(out)
}

/// Every category, in display order. The tree is small; pages take what they need from one query.
pub async fn categories(pool: &PgPool) -> Result<Vec<CategoryRow>, sqlx::Error> {
    sqlx::query_as::<_, CategoryRow>(
        "SELECT id, slug, name, department, parent_id, description FROM categories ORDER BY position, name",
    )
    .fetch_all(pool)
    .await
}

pub async fn featured(pool: &PgPool, department: Department, limit: i64) -> Result<Vec<ProductCard>, sqlx::Error> {
    let sql = format!(
        "{CARD_COLUMNS} FROM shop_products p {CARD_JOINS} WHERE p.department = $1 \
         ORDER BY p.featured DESC, p.created_at DESC, p.id LIMIT $2"
    );
    let rows = sqlx::query(&sql).bind(department.as_str()).bind(limit).fetch_all(pool).await?;
    rows.iter().map(card_from_row).collect()
}

pub async fn product_by_slug(pool: &PgPool, slug: &str) -> Result<Option<ProductDetail>, sqlx::Error> {
    // The launch is rounded up to the second: rounded to nearest, a drop's page could open up to half
    // a second before the server sells it (seen once as a refused add in the drop test).
    let Some(row) = sqlx::query(
        "SELECT p.id, p.slug, p.name, p.department, p.summary, p.description, p.currency, \
                ceil(extract(epoch FROM p.launch_at))::bigint AS launch_at, \
                c.slug AS category_slug, c.name AS category_name, \
                gd.genre, gd.publisher, gd.release_date, gd.age_rating, gd.system_requirements, \
                jd.stone, jd.carat_hundredths, jd.finish, jd.cert_lab, jd.cert_number, jd.cert_grade \
         FROM shop_products p JOIN categories c ON c.id = p.category_id \
         LEFT JOIN game_details gd ON gd.product_id = p.id \
         LEFT JOIN jewelry_details jd ON jd.product_id = p.id \
         WHERE p.slug = $1",
    )
    .bind(slug)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    let department = Department::parse(row.try_get("department")?).unwrap_or(Department::Games);
    let cur = currency(row.try_get::<&str, _>("currency")?);

    let variant_rows = sqlx::query(
        "SELECT id, sku, price_minor, stock, platform, edition, metal, ring_size, \
                CASE WHEN compare_at_minor > price_minor THEN compare_at_minor END AS compare_at_minor, \
                CASE WHEN compare_at_minor > price_minor THEN lowest_prior_price(id) END AS lowest_prior_minor \
         FROM shop_variants WHERE product_id = $1 ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let has_sizes = variant_rows.iter().any(|r| r.try_get::<Option<i16>, _>("ring_size").ok().flatten().is_some());
    let mut variants = Vec::with_capacity(variant_rows.len());
    for r in &variant_rows {
        let options = match department {
            Department::Games => vec![
                r.try_get::<Option<String>, _>("platform")?.unwrap_or_default(),
                r.try_get::<Option<String>, _>("edition")?.unwrap_or_default(),
            ],
            Department::Jewelry => {
                let mut o = vec![r.try_get::<Option<String>, _>("metal")?.unwrap_or_default()];
                if has_sizes {
                    o.push(r.try_get::<Option<i16>, _>("ring_size")?.map(|s| s.to_string()).unwrap_or_default());
                }
                o
            }
        };
        variants.push(Variant {
            id: r.try_get("id")?,
            sku: r.try_get("sku")?,
            price: Money { minor: r.try_get("price_minor")?, currency: cur },
            stock: r.try_get("stock")?,
            options,
            // EU rule: a "was" price only with the lowest price of the 30 days before this one (the
            // current price itself when it had no other).
            was: r.try_get::<Option<i64>, _>("compare_at_minor")?.map(|compare_at| {
                let price: i64 = r.try_get("price_minor").unwrap_or_default();
                let lowest = r.try_get::<Option<i64>, _>("lowest_prior_minor").ok().flatten().unwrap_or(price);
                WasPrice { compare_at: Money { minor: compare_at, currency: cur }, lowest_30_days: Money { minor: lowest, currency: cur } }
            }),
        });
    }
    let option_names: Vec<String> = match department {
        Department::Games => vec!["Platform".into(), "Edition".into()],
        Department::Jewelry if has_sizes => vec!["Metal".into(), "Ring size".into()],
        Department::Jewelry => vec!["Metal".into()],
    };

    let images = sqlx::query(
        "SELECT path_prefix, widths, width, height, alt, formats, option_value FROM shop_images WHERE product_id = $1 ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(ImageRef {
            base: super::media_base().to_owned(),
            path_prefix: r.try_get("path_prefix")?,
            widths: r.try_get("widths")?,
            width: r.try_get("width")?,
            height: r.try_get("height")?,
            alt: r.try_get("alt")?,
            formats: r.try_get("formats")?,
            option: r.try_get("option_value")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;

    let mut attributes = Vec::new();
    let mut certificate = None;
    let mut brand = None;
    let mut attr = |label: &str, value: String| {
        if !value.is_empty() {
            attributes.push(Attribute { label: label.into(), value });
        }
    };
    match department {
        Department::Games => {
            let mut platforms: Vec<String> = Vec::new();
            for v in &variants {
                if !platforms.contains(&v.options[0]) {
                    platforms.push(v.options[0].clone());
                }
            }
            attr("Platforms", platforms.join(", "));
            attr("Genre", row.try_get::<Option<String>, _>("genre")?.unwrap_or_default());
            let publisher = row.try_get::<Option<String>, _>("publisher")?.unwrap_or_default();
            attr("Publisher", publisher.clone());
            if let Some(d) = row.try_get::<Option<chrono::NaiveDate>, _>("release_date")? {
                attr("Release date", d.format("%-d %B %Y").to_string());
            }
            attr("Age rating", row.try_get::<Option<String>, _>("age_rating")?.unwrap_or_default());
            attr("System requirements", row.try_get::<Option<String>, _>("system_requirements")?.unwrap_or_default());
            attr("Delivery", "Digital licence key, no shipping".into());
            brand = Some(publisher).filter(|p| !p.is_empty());
        }
        Department::Jewelry => {
            let mut metals: Vec<String> = Vec::new();
            for v in &variants {
                if !metals.contains(&v.options[0]) {
                    metals.push(v.options[0].clone());
                }
            }
            attr("Metal", metals.join(", "));
            attr("Stone", row.try_get::<Option<String>, _>("stone")?.unwrap_or_else(|| "None".into()));
            if let Some(c) = row.try_get::<Option<i32>, _>("carat_hundredths")? {
                attr("Carat", format!("{}.{:02} ct", c / 100, c % 100));
            }
            attr("Finish", row.try_get::<Option<String>, _>("finish")?.unwrap_or_default());
            if has_sizes {
                attr("Ring sizes", "US sizes; not every size is made in every metal".into());
            }
            attr("Delivery", "Shipped insured in a gift box".into());
            if let (Some(lab), Some(number)) = (
                row.try_get::<Option<String>, _>("cert_lab")?,
                row.try_get::<Option<String>, _>("cert_number")?,
            ) {
                certificate = Some(Certificate { lab, number, grade: row.try_get("cert_grade")? });
            }
        }
    }

    Ok(Some(ProductDetail {
        id,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        department,
        category: CategoryLink { slug: row.try_get("category_slug")?, name: row.try_get("category_name")? },
        summary: row.try_get("summary")?,
        description: row.try_get("description")?,
        option_names,
        variants,
        images,
        attributes,
        certificate,
        brand,
        launch_at: row.try_get("launch_at")?,
    }))
}

/// Each variant's stock (for a keyed game, the keys left): what a drop's page polls.
pub async fn stock_levels(pool: &PgPool, product_id: i64) -> Result<Vec<(i64, i32)>, sqlx::Error> {
    sqlx::query_as("SELECT v.id, v.stock FROM shop_variants v JOIN shop_products p ON p.id = v.product_id WHERE v.product_id = $1 ORDER BY v.id")
        .bind(product_id)
        .fetch_all(pool)
        .await
}
