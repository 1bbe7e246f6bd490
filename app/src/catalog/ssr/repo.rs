//! Catalog SQL: categories, the product page and stock levels (listings and search: `listing`).
use crate::catalog::model::*;
use crate::types::{Currency, Money};
use sqlx::{PgPool, Row};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CategoryRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub department: String,
    pub parent_id: Option<i64>,
    pub description: String,
}

fn currency(code: &str) -> Currency {
    Currency::parse(code).unwrap_or(Currency::Eur)
}

pub(super) fn card_from_row(row: &sqlx::postgres::PgRow) -> Result<ProductCard, sqlx::Error> {
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

/// Every category, in display order. The tree is small; pages take what they need from one query.
pub async fn categories(pool: &PgPool) -> Result<Vec<CategoryRow>, sqlx::Error> {
    sqlx::query_as::<_, CategoryRow>(
        "SELECT id, slug, name, department, parent_id, description FROM categories ORDER BY position, name",
    )
    .fetch_all(pool)
    .await
}

/// The product page's three reads: each by the product's address or id, whatever the catalog's size.
const PRODUCT_SQL: &str = "SELECT p.id, p.slug, p.name, p.department, p.summary, p.description, p.currency, \
                ceil(extract(epoch FROM p.launch_at))::bigint AS launch_at, \
                c.slug AS category_slug, c.name AS category_name, \
                gd.genre, gd.publisher, gd.release_date, gd.age_rating, gd.system_requirements, \
                jd.stone, jd.carat_hundredths, jd.finish, jd.cert_lab, jd.cert_number, jd.cert_grade \
         FROM shop_products p JOIN categories c ON c.id = p.category_id \
         LEFT JOIN game_details gd ON gd.product_id = p.id \
         LEFT JOIN jewelry_details jd ON jd.product_id = p.id \
         WHERE p.slug = $1";
const VARIANTS_SQL: &str = "SELECT id, sku, price_minor, stock, platform, edition, metal, ring_size, \
                CASE WHEN compare_at_minor > price_minor THEN compare_at_minor END AS compare_at_minor, \
                CASE WHEN compare_at_minor > price_minor THEN lowest_prior_price(id) END AS lowest_prior_minor \
         FROM shop_variants WHERE product_id = $1 ORDER BY position, id";
const IMAGES_SQL: &str = "SELECT path_prefix, widths, width, height, alt, formats, option_value FROM shop_images WHERE product_id = $1 ORDER BY position, id";
#[cfg(test)]
pub(super) const PRODUCT_PAGE_SQL: [(&str, &str); 3] = [(PRODUCT_SQL, "product"), (VARIANTS_SQL, "variants"), (IMAGES_SQL, "photos")];

pub async fn product_by_slug(pool: &PgPool, slug: &str) -> Result<Option<ProductDetail>, sqlx::Error> {
    // The launch is rounded up to the second: rounded to nearest, a drop's page could open up to half
    // a second before the server sells it (seen once as a refused add in the drop test).
    let Some(row) = sqlx::query(PRODUCT_SQL)
    .bind(slug)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    let department = Department::parse(row.try_get("department")?).unwrap_or(Department::Games);
    let cur = currency(row.try_get::<&str, _>("currency")?);

    let variant_rows = sqlx::query(VARIANTS_SQL)
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

    let images = sqlx::query(IMAGES_SQL)
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
