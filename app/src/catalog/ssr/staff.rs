//! The staff side of the catalog: the product list, saving a product (versioned), its status, the
//! variant matrix, prices and stock adjustments. Every change writes its audit row in the same
//! transaction; prices get their history from a trigger; stock changes their ledger rows.
use crate::catalog::edit::*;
use crate::catalog::model::{Department, ProductStatus};
use crate::error::{on_constraint, AppError};
use crate::platform::audit::{self, Actor, Change};
use crate::types::Money;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

fn department(s: &str) -> Department {
    Department::parse(s).unwrap_or(Department::Games)
}

fn status(s: &str) -> ProductStatus {
    ProductStatus::parse(s).unwrap_or(ProductStatus::Draft)
}

fn push_filter(qb: &mut QueryBuilder<'_, Postgres>, f: &StaffFilter) {
    qb.push(" WHERE TRUE");
    if !f.q.is_empty() {
        let like = format!("%{}%", f.q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        // Each alternative can use its trigram index (name, slug, SKU); an IN list rather than a
        // correlated EXISTS lets the SKU match be one index scan.
        qb.push(" AND (lower(p.name) LIKE ")
            .push_bind(like.clone())
            .push(" OR p.slug LIKE ")
            .push_bind(like.clone())
            .push(" OR p.id IN (SELECT sv.product_id FROM variants sv WHERE lower(sv.sku) LIKE ")
            .push_bind(like)
            .push("))");
    }
    if let Some(d) = Department::parse(&f.department) {
        qb.push(" AND p.department = ").push_bind(d.as_str());
    }
    if let Ok(c) = f.category.parse::<i64>() {
        // The category or any of its children.
        qb.push(" AND p.category_id IN (SELECT id FROM categories WHERE id = ")
            .push_bind(c)
            .push(" OR parent_id = ")
            .push_bind(c)
            .push(")");
    }
    if let Some(s) = ProductStatus::parse(&f.status) {
        qb.push(" AND p.status = ").push_bind(s.as_str());
    }
    if f.low_stock {
        qb.push(
            " AND EXISTS (SELECT 1 FROM variants lv WHERE lv.product_id = p.id AND lv.archived_at IS NULL \
             AND lv.stock <= lv.low_stock_threshold)",
        );
    }
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    name: String,
    slug: String,
    department: String,
    category: String,
    status: String,
    variants: i64,
    price_min: Option<i64>,
    price_max: Option<i64>,
    stock: i64,
    low_stock: i64,
    updated: String,
}

/// One page of the staff product list, most recently changed first.
pub async fn list(pool: &PgPool, f: &StaffFilter) -> Result<StaffProductList, sqlx::Error> {
    let mut count = QueryBuilder::new("SELECT count(*) FROM products p");
    push_filter(&mut count, f);
    let mut qb = QueryBuilder::new(
        "SELECT p.id, p.name, p.slug, p.department, c.name AS category, p.status, \
                v.variants, v.price_min, v.price_max, v.stock, v.low_stock, \
                to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS updated \
         FROM products p JOIN categories c ON c.id = p.category_id \
         CROSS JOIN LATERAL (SELECT count(*) AS variants, min(price_minor) AS price_min, max(price_minor) AS price_max, \
                coalesce(sum(stock), 0)::bigint AS stock, count(*) FILTER (WHERE stock <= low_stock_threshold) AS low_stock \
                FROM variants WHERE product_id = p.id AND archived_at IS NULL) v",
    );
    push_filter(&mut qb, f);
    qb.push(" ORDER BY p.updated_at DESC, p.id DESC LIMIT ")
        .push_bind(STAFF_PER_PAGE as i64)
        .push(" OFFSET ")
        .push_bind(((f.page.max(1) - 1) * STAFF_PER_PAGE) as i64);
    let (total, rows) = tokio::try_join!(
        count.build_query_scalar::<i64>().fetch_one(pool),
        qb.build_query_as::<ListRow>().fetch_all(pool),
    )?;
    let money = |m: Option<i64>| m.map(Money::eur);
    Ok(StaffProductList {
        total,
        rows: rows
            .into_iter()
            .map(|r| StaffProductRow {
                id: r.id,
                name: r.name,
                slug: r.slug,
                department: department(&r.department),
                category: r.category,
                status: status(&r.status),
                variants: r.variants,
                price_min: money(r.price_min),
                price_max: money(r.price_max),
                stock: r.stock,
                low_stock: r.low_stock,
                updated: r.updated,
            })
            .collect(),
    })
}

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: i64,
    slug: String,
    name: String,
    department: String,
    parent_id: Option<i64>,
    parent_name: Option<String>,
    products: i64,
}

/// Every category, roots first, each with its path and product count.
pub async fn categories(pool: &PgPool) -> Result<Vec<CategoryOption>, sqlx::Error> {
    let rows: Vec<CategoryRow> = sqlx::query_as(
        "SELECT c.id, c.slug, c.name, c.department, c.parent_id, pc.name AS parent_name, \
                (SELECT count(*) FROM products p WHERE p.category_id = c.id) AS products \
         FROM categories c LEFT JOIN categories pc ON pc.id = c.parent_id \
         ORDER BY c.department, coalesce(pc.position, c.position), coalesce(pc.id, c.id), c.parent_id NULLS FIRST, c.position, c.name",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CategoryOption {
            path: match &r.parent_name {
                Some(p) => format!("{p} › {}", r.name),
                None => r.name.clone(),
            },
            id: r.id,
            slug: r.slug,
            name: r.name,
            department: department(&r.department),
            parent_id: r.parent_id,
            products: r.products,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ProductRow {
    version: i32,
    status: String,
    slug: String,
    name: String,
    department: String,
    category_id: i64,
    summary: String,
    description: String,
    keywords: String,
    max_per_order: i32,
    launch_at: Option<String>,
    featured: bool,
    genre: Option<String>,
    publisher: Option<String>,
    release_date: Option<chrono::NaiveDate>,
    age_rating: Option<String>,
    system_requirements: Option<String>,
    stone: Option<String>,
    carat_hundredths: Option<i32>,
    finish: Option<String>,
    cert_lab: Option<String>,
    cert_number: Option<String>,
    cert_grade: Option<String>,
}

impl ProductRow {
    fn draft(&self) -> ProductDraft {
        ProductDraft {
            name: self.name.clone(),
            slug: self.slug.clone(),
            department: self.department.clone(),
            category_id: self.category_id.to_string(),
            summary: self.summary.clone(),
            description: self.description.clone(),
            keywords: self.keywords.clone(),
            max_per_order: self.max_per_order.to_string(),
            launch_at: self.launch_at.clone().unwrap_or_default(),
            featured: if self.featured { "on".into() } else { String::new() },
            genre: self.genre.clone().unwrap_or_default(),
            publisher: self.publisher.clone().unwrap_or_default(),
            release_date: self.release_date.map(|d| d.to_string()).unwrap_or_default(),
            age_rating: self.age_rating.clone().unwrap_or_default(),
            system_requirements: self.system_requirements.clone().unwrap_or_default(),
            stone: self.stone.clone().unwrap_or_default(),
            carat: self.carat_hundredths.map(|c| format!("{}.{:02}", c / 100, c % 100)).unwrap_or_default(),
            finish: self.finish.clone().unwrap_or_default(),
            cert_lab: self.cert_lab.clone().unwrap_or_default(),
            cert_number: self.cert_number.clone().unwrap_or_default(),
            cert_grade: self.cert_grade.clone().unwrap_or_default(),
        }
    }
}

const PRODUCT_SQL: &str = "SELECT p.version, p.status, p.slug, p.name, p.department, p.category_id, p.summary, \
        p.description, p.keywords, p.max_per_order, \
        to_char(p.launch_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI') AS launch_at, p.featured, \
        gd.genre, gd.publisher, gd.release_date, gd.age_rating, gd.system_requirements, \
        jd.stone, jd.carat_hundredths, jd.finish, jd.cert_lab, jd.cert_number, jd.cert_grade \
     FROM products p LEFT JOIN game_details gd ON gd.product_id = p.id \
     LEFT JOIN jewelry_details jd ON jd.product_id = p.id WHERE p.id = $1";

async fn product_row(conn: &mut PgConnection, id: i64, lock: bool) -> Result<Option<ProductRow>, sqlx::Error> {
    let sql = if lock { format!("{PRODUCT_SQL} FOR UPDATE OF p") } else { PRODUCT_SQL.to_owned() };
    sqlx::query_as(&sql).bind(id).fetch_optional(conn).await
}

#[derive(sqlx::FromRow)]
struct CellRow {
    id: i64,
    a0: Option<String>,
    a1: Option<String>,
    sku: String,
    price_minor: i64,
    compare_at_minor: Option<i64>,
    stock: i32,
    low_stock_threshold: i32,
    keyed: bool,
    archived: bool,
}

fn axis_columns(d: Department) -> (&'static str, &'static str) {
    match d {
        Department::Games => ("platform", "edition"),
        Department::Jewelry => ("metal", "ring_size"),
    }
}

async fn matrix(conn: &mut PgConnection, id: i64, d: Department) -> Result<Matrix, sqlx::Error> {
    let values: Vec<(i16, String)> =
        sqlx::query_as("SELECT axis, value FROM product_option_values WHERE product_id = $1 ORDER BY axis, position, value")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let (c0, c1) = axis_columns(d);
    let cells: Vec<CellRow> = sqlx::query_as(&format!(
        "SELECT id, {c0} AS a0, {c1}::text AS a1, sku, price_minor, compare_at_minor, stock, low_stock_threshold, keyed, \
                archived_at IS NOT NULL AS archived \
         FROM variants WHERE product_id = $1 ORDER BY position, id"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut rows: Vec<String> = values.iter().filter(|(a, _)| *a == 0).map(|(_, v)| v.clone()).collect();
    let mut cols: Vec<String> = values.iter().filter(|(a, _)| *a == 1).map(|(_, v)| v.clone()).collect();
    // A variant whose value is not (or no longer) listed still shows, so nothing is hidden.
    for c in &cells {
        if let Some(v) = &c.a0 {
            if !rows.contains(v) {
                rows.push(v.clone());
            }
        }
        if let Some(v) = &c.a1 {
            if !cols.contains(v) {
                cols.push(v.clone());
            }
        }
    }
    Ok(Matrix {
        row_label: option_axis_label(d, 0).into(),
        col_label: option_axis_label(d, 1).into(),
        rows,
        cols,
        cells: cells
            .into_iter()
            .map(|c| Cell {
                variant_id: c.id,
                row: c.a0.unwrap_or_default(),
                col: c.a1,
                sku: c.sku,
                price: Money::eur(c.price_minor),
                compare_at: c.compare_at_minor.map(Money::eur),
                stock: c.stock,
                low_stock_threshold: c.low_stock_threshold,
                keyed: c.keyed,
                archived: c.archived,
            })
            .collect(),
    })
}

#[derive(sqlx::FromRow)]
struct LedgerRow {
    at: String,
    sku: String,
    delta: i32,
    reason: String,
    staff: Option<String>,
    order_number: Option<i64>,
    note: Option<String>,
}

/// A product's last `limit` stock movements, newest first.
async fn ledger(conn: &mut PgConnection, id: i64, limit: i64) -> Result<Vec<LedgerEntry>, sqlx::Error> {
    let rows: Vec<LedgerRow> = sqlx::query_as(
        "SELECT to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS at, v.sku, l.delta, l.reason, \
                u.email::text AS staff, o.number AS order_number, l.note \
         FROM stock_ledger l JOIN variants v ON v.id = l.variant_id \
         LEFT JOIN users u ON u.id = l.actor_id LEFT JOIN orders o ON o.id = l.order_id \
         WHERE v.product_id = $1 ORDER BY l.id DESC LIMIT $2",
    )
    .bind(id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LedgerEntry {
            at: r.at,
            sku: r.sku,
            delta: r.delta,
            reason: ADJUST_REASONS.iter().find(|(k, _)| *k == r.reason).map_or(r.reason.clone(), |(_, l)| (*l).to_owned()),
            by: r.staff.or(r.order_number.map(|n| format!("order #{n}"))).unwrap_or_default(),
            note: r.note.unwrap_or_default(),
        })
        .collect())
}

/// A product with its matrix and recent stock movements, for its editor.
pub async fn load(pool: &PgPool, id: i64) -> Result<Option<StaffProduct>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let Some(row) = product_row(&mut conn, id, false).await? else { return Ok(None) };
    let d = department(&row.department);
    Ok(Some(StaffProduct {
        id,
        version: row.version,
        status: status(&row.status),
        department: d,
        slug: row.slug.clone(),
        draft: row.draft(),
        matrix: matrix(&mut conn, id, d).await?,
        ledger: ledger(&mut conn, id, 30).await?,
    }))
}

const SLUG_TAKEN: &str = "Another product already uses this address: change the slug.";

/// Checks the category exists and belongs to the product's department.
async fn check_category(conn: &mut PgConnection, input: &ProductInput) -> Result<(), AppError> {
    let d: Option<String> = sqlx::query_scalar("SELECT department FROM categories WHERE id = $1")
        .bind(input.category_id)
        .fetch_optional(conn)
        .await?;
    match d {
        Some(d) if d == input.department.as_str() => Ok(()),
        _ => Err(AppError::Field { field: "category_id".into(), message: "Choose a category of this department.".into() }),
    }
}

async fn write_details(conn: &mut PgConnection, id: i64, input: &ProductInput) -> Result<(), sqlx::Error> {
    match &input.details {
        Details::Game { genre, publisher, release_date, age_rating, system_requirements } => {
            sqlx::query(
                "INSERT INTO game_details (product_id, genre, publisher, release_date, age_rating, system_requirements) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (product_id) DO UPDATE SET genre = $2, publisher = $3, \
                 release_date = $4, age_rating = $5, system_requirements = $6",
            )
            .bind(id)
            .bind(genre)
            .bind(publisher)
            .bind(release_date)
            .bind(age_rating)
            .bind(system_requirements)
            .execute(conn)
            .await?;
        }
        Details::Jewelry { stone, carat_hundredths, finish, certificate } => {
            let (lab, number, grade) = match certificate {
                Some((l, n, g)) => (Some(l), Some(n), g.as_ref()),
                None => (None, None, None),
            };
            sqlx::query(
                "INSERT INTO jewelry_details (product_id, stone, carat_hundredths, finish, cert_lab, cert_number, cert_grade) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (product_id) DO UPDATE SET stone = $2, carat_hundredths = $3, \
                 finish = $4, cert_lab = $5, cert_number = $6, cert_grade = $7",
            )
            .bind(id)
            .bind(stone)
            .bind(carat_hundredths)
            .bind(finish)
            .bind(lab)
            .bind(number)
            .bind(grade)
            .execute(conn)
            .await?;
        }
    }
    Ok(())
}

/// Rebuilds `search_text` from the keywords, the attributes and the option values.
async fn refresh_search_text(conn: &mut PgConnection, id: i64) -> Result<(), sqlx::Error> {
    let Some(row) = product_row(&mut *conn, id, false).await? else { return Ok(()) };
    let values: Vec<String> = sqlx::query_scalar("SELECT value FROM product_option_values WHERE product_id = $1 ORDER BY axis, position")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    let mut phrases: Vec<&str> = row.keywords.split_whitespace().collect();
    let attrs = [&row.genre, &row.publisher, &row.stone, &row.finish];
    phrases.extend(attrs.iter().filter_map(|a| a.as_deref()));
    phrases.extend(values.iter().map(String::as_str));
    let text = search_text(&row.name, &phrases);
    sqlx::query("UPDATE products SET search_text = $2 WHERE id = $1").bind(id).bind(text).execute(conn).await?;
    Ok(())
}

/// Creates a product as a draft (shoppers do not see it until it is published). Returns its id.
pub async fn create(pool: &PgPool, actor: &Actor, input: &ProductInput, draft: &ProductDraft) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    check_category(&mut tx, input).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO products (slug, name, department, category_id, summary, description, keywords, max_per_order, \
                               launch_at, featured, status) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft') RETURNING id",
    )
    .bind(input.slug.as_str())
    .bind(&input.name)
    .bind(input.department.as_str())
    .bind(input.category_id)
    .bind(&input.summary)
    .bind(&input.description)
    .bind(&input.keywords)
    .bind(input.max_per_order)
    .bind(input.launch_at)
    .bind(input.featured)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| on_constraint(e, "products_slug_key", "slug", SLUG_TAKEN))?;
    write_details(&mut tx, id, input).await?;
    refresh_search_text(&mut tx, id).await?;
    let after = ProductDraft { slug: input.slug.as_str().to_owned(), ..draft.clone() };
    audit::record(&mut tx, actor, change("product", id, "create", None, Some(json(&after)))).await?;
    tx.commit().await?;
    Ok(id)
}

fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

fn change(entity: &'static str, id: impl ToString, action: &'static str, before: Option<serde_json::Value>, after: Option<serde_json::Value>) -> Change<'static> {
    Change { entity, entity_id: id.to_string(), action, before, after }
}

/// What saving a product did.
#[derive(Debug)]
pub enum Saved {
    /// Saved as the given new version.
    Version(i32),
    /// Someone saved it since `opened_version`: nothing was written; this is the product now.
    Stale { current: ProductDraft, version: i32 },
}

/// Saves a product's fields if nobody saved it since the editor opened `opened_version`.
pub async fn update(
    pool: &PgPool,
    actor: &Actor,
    id: i64,
    opened_version: i32,
    input: &ProductInput,
) -> Result<Saved, AppError> {
    let mut tx = pool.begin().await?;
    let Some(row) = product_row(&mut tx, id, true).await? else { return Err(AppError::NotFound) };
    if row.version != opened_version {
        return Ok(Saved::Stale { current: row.draft(), version: row.version });
    }
    check_category(&mut tx, input).await?;
    let version: i32 = sqlx::query_scalar(
        "UPDATE products SET slug = $2, name = $3, category_id = $4, summary = $5, description = $6, keywords = $7, \
                max_per_order = $8, launch_at = $9, featured = $10, version = version + 1, updated_at = now() \
         WHERE id = $1 RETURNING version",
    )
    .bind(id)
    .bind(input.slug.as_str())
    .bind(&input.name)
    .bind(input.category_id)
    .bind(&input.summary)
    .bind(&input.description)
    .bind(&input.keywords)
    .bind(input.max_per_order)
    .bind(input.launch_at)
    .bind(input.featured)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| on_constraint(e, "products_slug_key", "slug", SLUG_TAKEN))?;
    write_details(&mut tx, id, input).await?;
    refresh_search_text(&mut tx, id).await?;
    let after = product_row(&mut tx, id, false).await?.map(|r| json(&r.draft()));
    audit::record(&mut tx, actor, change("product", id, "update", Some(json(&row.draft())), after)).await?;
    tx.commit().await?;
    Ok(Saved::Version(version))
}

/// Staff move a product to `to` (publish, withdraw, archive); the change and its audit row
/// commit together. Publishing needs at least one variant on sale. `Ok(None)` when there is no
/// such product; the status it had otherwise (unchanged and unaudited if it already had `to`).
pub async fn set_status(pool: &PgPool, actor: &Actor, id: i64, to: ProductStatus) -> Result<Option<ProductStatus>, AppError> {
    let mut tx = pool.begin().await?;
    let before: Option<String> =
        sqlx::query_scalar("SELECT status FROM products WHERE id = $1 FOR UPDATE").bind(id).fetch_optional(&mut *tx).await?;
    let Some(before) = before.as_deref().and_then(ProductStatus::parse) else { return Ok(None) };
    if before != to {
        if to == ProductStatus::Active {
            let live: i64 = sqlx::query_scalar("SELECT count(*) FROM variants WHERE product_id = $1 AND archived_at IS NULL")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            if live == 0 {
                return Err(AppError::Conflict("Add at least one variant (fill a cell of the matrix) before publishing.".into()));
            }
        }
        sqlx::query("UPDATE products SET status = $2, version = version + 1, updated_at = now() WHERE id = $1")
            .bind(id)
            .bind(to.as_str())
            .execute(&mut *tx)
            .await?;
        let action = match to {
            ProductStatus::Active => "status.publish",
            ProductStatus::Draft => "status.withdraw",
            ProductStatus::Archived => "status.archive",
        };
        let state = |s: ProductStatus| Some(serde_json::json!({ "status": s.as_str() }));
        audit::record(&mut tx, actor, change("product", id, action, state(before), state(to))).await?;
    }
    tx.commit().await?;
    Ok(Some(before))
}

/// The product's department, locking its row (changes to its matrix are serialized per product).
async fn lock_product(conn: &mut PgConnection, id: i64) -> Result<(Department, ProductStatus), AppError> {
    let row: Option<(String, String)> = sqlx::query_as("SELECT department, status FROM products WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    let (d, s) = row.ok_or(AppError::NotFound)?;
    Ok((department(&d), status(&s)))
}

async fn touch(conn: &mut PgConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE products SET updated_at = now() WHERE id = $1").bind(id).execute(conn).await.map(|_| ())
}

/// Adds a value to an option axis (a metal, a ring size…). Nothing is made until a cell is filled.
pub async fn add_option_value(pool: &PgPool, actor: &Actor, id: i64, axis: u8, value: &str) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let (d, _) = lock_product(&mut tx, id).await?;
    let value = parse_option_value(d, axis, value)?;
    // Ring sizes sort by size; anything else goes at the end.
    let position: i32 = if d == Department::Jewelry && axis == 1 {
        value.parse().unwrap_or(0)
    } else {
        sqlx::query_scalar("SELECT coalesce(max(position) + 1, 0) FROM product_option_values WHERE product_id = $1 AND axis = $2")
            .bind(id)
            .bind(axis as i16)
            .fetch_one(&mut *tx)
            .await?
    };
    sqlx::query("INSERT INTO product_option_values (product_id, axis, value, position) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(axis as i16)
        .bind(&value)
        .bind(position)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, "product_option_values_pkey", "value", "That value is there already."))?;
    refresh_search_text(&mut tx, id).await?;
    touch(&mut tx, id).await?;
    let after = serde_json::json!({ "axis": axis, "value": value });
    audit::record(&mut tx, actor, change("product", id, "option.add", None, Some(after))).await?;
    tx.commit().await?;
    Ok(())
}

/// A cell as staff fill it in.
#[derive(Debug, Clone)]
pub struct CellInput {
    pub row: String,
    pub col: Option<String>,
    pub sku: String,
    pub price: Money,
    pub compare_at: Option<Money>,
    pub low_stock_threshold: i32,
    /// The stock a new cell starts with (written to the ledger as "received"); ignored for an
    /// existing cell, whose stock changes by adjustments only.
    pub initial_stock: i32,
}

impl CellInput {
    /// Checks a cell as typed.
    pub fn parse(e: &CellEdit) -> Result<CellInput, AppError> {
        Ok(CellInput {
            sku: parse_sku(&e.sku, "sku")?,
            price: parse_price(&e.price, "price", "Price")?,
            compare_at: match e.compare_at.trim() {
                "" => None,
                c => Some(parse_price(c, "compare_at", "Compare-at price")?),
            },
            low_stock_threshold: parse_count(&e.low_stock_threshold, "low_stock_threshold", "Low-stock threshold")?,
            initial_stock: match e.stock.as_deref().map(str::trim) {
                None | Some("") => 0,
                Some(s) => parse_count(s, "stock", "Stock")?,
            },
            row: e.row.clone(),
            col: e.col.clone().filter(|c| !c.is_empty()),
        })
    }
}

/// Fills a cell of the matrix: creates the variant (or brings back an archived one) or updates its
/// SKU, price, compare-at price and threshold. Returns the variant's id.
pub async fn save_cell(pool: &PgPool, actor: &Actor, id: i64, cell: &CellInput) -> Result<i64, AppError> {
    save_cells(pool, actor, id, std::slice::from_ref(cell)).await.map(|ids| ids[0]).map_err(|(_, e)| e)
}

/// Saves several cells (the editable grid's changes) in one transaction: all or none. A refusal
/// comes with the index of the cell it is about.
pub async fn save_cells(pool: &PgPool, actor: &Actor, id: i64, cells: &[CellInput]) -> Result<Vec<i64>, (usize, AppError)> {
    let whole = |e: AppError| (0, e);
    let mut tx = pool.begin().await.map_err(|e| whole(e.into()))?;
    let (d, _) = lock_product(&mut tx, id).await.map_err(whole)?;
    let listed: Vec<(i16, String)> = sqlx::query_as("SELECT axis, value FROM product_option_values WHERE product_id = $1")
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| whole(e.into()))?;
    let mut ids = Vec::with_capacity(cells.len());
    for (i, cell) in cells.iter().enumerate() {
        ids.push(save_cell_in(&mut tx, d, &listed, actor, id, cell).await.map_err(|e| (i, e))?);
    }
    touch(&mut tx, id).await.map_err(|e| whole(e.into()))?;
    tx.commit().await.map_err(|e| whole(e.into()))?;
    Ok(ids)
}

async fn save_cell_in(tx: &mut PgConnection, d: Department, listed: &[(i16, String)], actor: &Actor, id: i64, cell: &CellInput) -> Result<i64, AppError> {
    let (c0, c1) = axis_columns(d);
    if !listed.iter().any(|(a, v)| *a == 0 && *v == cell.row)
        || cell.col.as_ref().is_some_and(|c| !listed.iter().any(|(a, v)| *a == 1 && v == c))
    {
        return Err(AppError::BadRequest("That option value is not on this product any more: reload the page.".into()));
    }
    if cell.compare_at.is_some_and(|c| c.minor <= cell.price.minor) {
        return Err(AppError::Field { field: "compare_at".into(), message: "The compare-at price must be above the price (or empty).".into() });
    }
    let col_bind: Option<String> = cell.col.clone();
    let existing: Option<(i64, serde_json::Value)> = sqlx::query_as::<_, (i64, String)>(&format!(
        "SELECT id, json_build_object('sku', sku, 'price_minor', price_minor, 'compare_at_minor', compare_at_minor, \
                'low_stock_threshold', low_stock_threshold, 'archived', archived_at IS NOT NULL)::text \
         FROM variants WHERE product_id = $1 AND {c0} = $2 AND {c1}::text IS NOT DISTINCT FROM $3 FOR UPDATE"
    ))
    .bind(id)
    .bind(&cell.row)
    .bind(&col_bind)
    .fetch_optional(&mut *tx)
    .await?
    .map(|(id, j)| (id, serde_json::from_str(&j).unwrap_or_default()));
    let sku_taken = |e| on_constraint(e, "variants_sku_key", "sku", "Another variant already has this SKU.");
    let after = serde_json::json!({
        "row": cell.row, "col": cell.col, "sku": cell.sku, "price_minor": cell.price.minor,
        "compare_at_minor": cell.compare_at.map(|m| m.minor), "low_stock_threshold": cell.low_stock_threshold,
    });
    let variant_id = match existing {
        Some((vid, before)) => {
            sqlx::query(
                "UPDATE variants SET sku = $2, price_minor = $3, compare_at_minor = $4, low_stock_threshold = $5, archived_at = NULL \
                 WHERE id = $1",
            )
            .bind(vid)
            .bind(&cell.sku)
            .bind(cell.price.minor)
            .bind(cell.compare_at.map(|m| m.minor))
            .bind(cell.low_stock_threshold)
            .execute(&mut *tx)
            .await
            .map_err(sku_taken)?;
            audit::record(&mut *tx, actor, change("variant", vid, "variant.update", Some(before), Some(after))).await?;
            vid
        }
        None => {
            let size: Option<i16> = if d == Department::Jewelry { cell.col.as_ref().and_then(|c| c.parse().ok()) } else { None };
            let position: i32 = sqlx::query_scalar("SELECT coalesce(max(position) + 1, 0) FROM variants WHERE product_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            let mut qb = QueryBuilder::<Postgres>::new(format!(
                "INSERT INTO variants (product_id, sku, price_minor, compare_at_minor, low_stock_threshold, stock, position, {c0}, {c1}) VALUES ("
            ));
            let mut sep = qb.separated(", ");
            sep.push_bind(id)
                .push_bind(&cell.sku)
                .push_bind(cell.price.minor)
                .push_bind(cell.compare_at.map(|m| m.minor))
                .push_bind(cell.low_stock_threshold)
                .push_bind(cell.initial_stock)
                .push_bind(position)
                .push_bind(&cell.row);
            match d {
                Department::Games => sep.push_bind(&cell.col),
                Department::Jewelry => sep.push_bind(size),
            };
            qb.push(") RETURNING id");
            let vid: i64 = qb.build_query_scalar().fetch_one(&mut *tx).await.map_err(sku_taken)?;
            if cell.initial_stock > 0 {
                ledger_row(&mut *tx, vid, cell.initial_stock, "received", actor, "Initial stock").await?;
            }
            audit::record(&mut *tx, actor, change("variant", vid, "variant.create", None, Some(after))).await?;
            vid
        }
    };
    Ok(variant_id)
}

async fn ledger_row(conn: &mut PgConnection, variant_id: i64, delta: i32, reason: &str, actor: &Actor, note: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO stock_ledger (variant_id, delta, reason, actor_id, note) VALUES ($1, $2, $3, $4, NULLIF($5, ''))")
        .bind(variant_id)
        .bind(delta)
        .bind(reason)
        .bind(actor.user_id)
        .bind(note)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Empties a cell ("not made"): a variant that orders, keys or the ledger refer to is archived
/// (shoppers no longer see it; past orders keep it); one nobody refers to is deleted.
/// Returns true when it was archived.
pub async fn clear_cell(pool: &PgPool, actor: &Actor, id: i64, variant_id: i64) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let (_, st) = lock_product(&mut tx, id).await?;
    let found: Option<(String, bool)> =
        sqlx::query_as("SELECT sku, archived_at IS NOT NULL FROM variants WHERE id = $1 AND product_id = $2 FOR UPDATE")
            .bind(variant_id)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((sku, already)) = found else { return Err(AppError::NotFound) };
    if already {
        return Ok(true);
    }
    let live: i64 = sqlx::query_scalar("SELECT count(*) FROM variants WHERE product_id = $1 AND archived_at IS NULL")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if st == ProductStatus::Active && live <= 1 {
        return Err(AppError::Conflict("This is the last variant on sale: withdraw the product before removing it.".into()));
    }
    let referenced: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM order_lines WHERE variant_id = $1) OR EXISTS (SELECT 1 FROM license_keys WHERE variant_id = $1) \
             OR EXISTS (SELECT 1 FROM stock_ledger WHERE variant_id = $1)",
    )
    .bind(variant_id)
    .fetch_one(&mut *tx)
    .await?;
    // The product id stays in the row, so the product's history keeps a deleted variant.
    let before = Some(serde_json::json!({ "sku": sku, "product_id": id }));
    if referenced {
        sqlx::query("UPDATE variants SET archived_at = now() WHERE id = $1").bind(variant_id).execute(&mut *tx).await?;
        audit::record(&mut tx, actor, change("variant", variant_id, "variant.archive", before, None)).await?;
    } else {
        sqlx::query("DELETE FROM variants WHERE id = $1").bind(variant_id).execute(&mut *tx).await?;
        audit::record(&mut tx, actor, change("variant", variant_id, "variant.delete", before, None)).await?;
    }
    touch(&mut tx, id).await?;
    tx.commit().await?;
    Ok(referenced)
}

/// Which cells a bulk action applies to: a row (axis 0 value) or a column (axis 1 value).
#[derive(Debug, Clone)]
pub enum Line {
    Row(String),
    Col(String),
}

impl Line {
    /// The variant column this line is on and its value.
    fn column(&self, d: Department) -> (&'static str, &str) {
        let (c0, c1) = axis_columns(d);
        match self {
            Line::Row(v) => (c0, v),
            Line::Col(v) => (c1, v),
        }
    }
}

/// Sets the price of every live cell of a row or column. Returns how many changed.
pub async fn set_line_price(pool: &PgPool, actor: &Actor, id: i64, line: &Line, price: Money) -> Result<u64, AppError> {
    let mut tx = pool.begin().await?;
    let (d, _) = lock_product(&mut tx, id).await?;
    let (col, value) = line.column(d);
    let changed: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "WITH old AS (SELECT id, price_minor FROM variants WHERE product_id = $1 AND {col}::text = $2 AND archived_at IS NULL \
                      AND price_minor <> $3 FOR UPDATE) \
         UPDATE variants v SET price_minor = $3, \
                compare_at_minor = CASE WHEN v.compare_at_minor > $3 THEN v.compare_at_minor END \
         FROM old WHERE v.id = old.id RETURNING v.id, old.price_minor"
    ))
    .bind(id)
    .bind(value)
    .bind(price.minor)
    .fetch_all(&mut *tx)
    .await?;
    for (vid, old) in &changed {
        let (b, a) = (serde_json::json!({ "price_minor": old }), serde_json::json!({ "price_minor": price.minor }));
        audit::record(&mut tx, actor, change("variant", vid, "variant.price", Some(b), Some(a))).await?;
    }
    touch(&mut tx, id).await?;
    tx.commit().await?;
    Ok(changed.len() as u64)
}

/// Counts stock into every live, non-keyed cell of a row or column: each is set to `stock` by a
/// "cycle_count" adjustment (skipped where it is already right). Returns how many changed.
pub async fn set_line_stock(pool: &PgPool, actor: &Actor, id: i64, line: &Line, stock: i32) -> Result<u64, AppError> {
    let mut conn = pool.acquire().await?;
    let d = {
        let row: Option<String> = sqlx::query_scalar("SELECT department FROM products WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?;
        department(&row.ok_or(AppError::NotFound)?)
    };
    let (col, value) = line.column(d);
    let ids: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM variants WHERE product_id = $1 AND {col}::text = $2 AND archived_at IS NULL AND NOT keyed ORDER BY id"
    ))
    .bind(id)
    .bind(value)
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    let mut changed = 0;
    for vid in ids {
        // Each its own transaction, reading the stock under lock, so a checkout in between is counted.
        let mut tx = pool.begin().await?;
        let now: i32 = sqlx::query_scalar("SELECT stock FROM variants WHERE id = $1 FOR UPDATE").bind(vid).fetch_one(&mut *tx).await?;
        if now != stock {
            adjust_in(&mut tx, actor, vid, stock - now, "cycle_count", "Counted (bulk)").await?;
            changed += 1;
        }
        tx.commit().await?;
    }
    Ok(changed)
}

async fn adjust_in(conn: &mut PgConnection, actor: &Actor, variant_id: i64, delta: i32, reason: &str, note: &str) -> Result<i32, AppError> {
    if delta == 0 {
        return Err(AppError::Field { field: "delta".into(), message: "Enter a change other than zero.".into() });
    }
    let reason_ok = ADJUST_REASONS.iter().any(|(k, _)| *k == reason);
    let sign_ok = match reason {
        "received" => delta > 0,
        "damaged" | "shrinkage" => delta < 0,
        _ => true,
    };
    if !reason_ok {
        return Err(AppError::Field { field: "reason".into(), message: "Choose a reason.".into() });
    }
    if !sign_ok {
        let m = if delta > 0 { "Damaged and shrinkage take stock away: enter a negative change." } else { "A delivery adds stock: enter a positive change." };
        return Err(AppError::Field { field: "delta".into(), message: m.into() });
    }
    // One statement: never below zero, whatever checkouts do meanwhile; keyed stock is the key pool.
    let row: Option<(i32, i32)> = sqlx::query_as(
        "UPDATE variants SET stock = stock + $2 WHERE id = $1 AND NOT keyed AND stock + $2 >= 0 RETURNING stock, stock - $2",
    )
    .bind(variant_id)
    .bind(delta)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((after, before)) = row else {
        let keyed: Option<(bool, i32)> =
            sqlx::query_as("SELECT keyed, stock FROM variants WHERE id = $1").bind(variant_id).fetch_optional(&mut *conn).await?;
        return Err(match keyed {
            None => AppError::NotFound,
            Some((true, _)) => AppError::Conflict("This variant's stock is its licence keys: add keys on the Game keys page.".into()),
            Some((false, s)) => AppError::Field { field: "delta".into(), message: format!("Only {s} in stock: it cannot go below zero.") },
        });
    };
    ledger_row(&mut *conn, variant_id, delta, reason, actor, note).await?;
    let (b, a) = (serde_json::json!({ "stock": before }), serde_json::json!({ "stock": after, "reason": reason, "delta": delta, "note": note }));
    audit::record(conn, actor, change("variant", variant_id, "stock.adjust", Some(b), Some(a))).await?;
    Ok(after)
}

/// A stock adjustment with a reason code: the delta, its ledger row and its audit row in one
/// transaction; refused if it would take stock below zero. Returns the new stock.
pub async fn adjust_stock(pool: &PgPool, actor: &Actor, product_id: i64, variant_id: i64, delta: i32, reason: &str, note: &str) -> Result<i32, AppError> {
    let note = note.trim();
    if note.chars().count() > 200 || note.chars().any(char::is_control) {
        return Err(AppError::Field { field: "note".into(), message: "A note is at most 200 characters on one line.".into() });
    }
    let mut tx = pool.begin().await?;
    let belongs: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM variants WHERE id = $1 AND product_id = $2)")
        .bind(variant_id)
        .bind(product_id)
        .fetch_one(&mut *tx)
        .await?;
    if !belongs {
        return Err(AppError::NotFound);
    }
    let after = adjust_in(&mut tx, actor, variant_id, delta, reason, note).await?;
    touch(&mut tx, product_id).await?;
    tx.commit().await?;
    Ok(after)
}

/// Creates a category (under a root of the same department, or as a root).
pub async fn create_category(pool: &PgPool, actor: &Actor, name: &str, slug: &str, department: Department, parent_id: Option<i64>) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    check_parent(&mut tx, parent_id, department, None).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO categories (slug, name, department, parent_id, position) \
         VALUES ($1, $2, $3, $4, (SELECT coalesce(max(position) + 1, 0) FROM categories)) RETURNING id",
    )
    .bind(slug)
    .bind(name)
    .bind(department.as_str())
    .bind(parent_id)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| on_constraint(e, "categories_slug_key", "slug", "Another category already uses this address."))?;
    let after = serde_json::json!({ "name": name, "slug": slug, "department": department.as_str(), "parent_id": parent_id });
    audit::record(&mut tx, actor, change("category", id, "category.create", None, Some(after))).await?;
    tx.commit().await?;
    Ok(id)
}

/// A category's parent must be a root of the same department (the shop's categories are two deep).
async fn check_parent(conn: &mut PgConnection, parent_id: Option<i64>, department: Department, this: Option<i64>) -> Result<(), AppError> {
    let Some(p) = parent_id else { return Ok(()) };
    let parent: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT department, parent_id FROM categories WHERE id = $1").bind(p).fetch_optional(&mut *conn).await?;
    let bad = |m: &str| AppError::Field { field: "parent_id".into(), message: m.into() };
    match parent {
        None => Err(bad("Choose a parent category.")),
        Some((d, _)) if d != department.as_str() => Err(bad("The parent must be in the same department.")),
        Some((_, Some(_))) => Err(bad("Categories are two levels deep: choose a top-level parent.")),
        Some(_) if Some(p) == this => Err(bad("A category cannot be its own parent.")),
        Some(_) => {
            if let Some(t) = this {
                let has_children: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM categories WHERE parent_id = $1)")
                    .bind(t)
                    .fetch_one(conn)
                    .await?;
                if has_children {
                    return Err(bad("This category has sub-categories, so it stays at the top level."));
                }
            }
            Ok(())
        }
    }
}

/// Renames a category and/or moves it under another parent; listing pages follow at once (they
/// read categories on every request). Its address (slug) changes only when given.
pub async fn update_category(pool: &PgPool, actor: &Actor, id: i64, name: &str, slug: &str, parent_id: Option<i64>) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let before: Option<(String, String, String, Option<i64>)> =
        sqlx::query_as("SELECT name, slug, department, parent_id FROM categories WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let (b_name, b_slug, d, b_parent) = before.ok_or(AppError::NotFound)?;
    check_parent(&mut tx, parent_id, department(&d), Some(id)).await?;
    sqlx::query("UPDATE categories SET name = $2, slug = $3, parent_id = $4 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(slug)
        .bind(parent_id)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, "categories_slug_key", "slug", "Another category already uses this address."))?;
    let b = serde_json::json!({ "name": b_name, "slug": b_slug, "parent_id": b_parent });
    let a = serde_json::json!({ "name": name, "slug": slug, "parent_id": parent_id });
    audit::record(&mut tx, actor, change("category", id, "category.update", Some(b), Some(a))).await?;
    tx.commit().await?;
    Ok(())
}

/// A product's change history, newest first: the product, its variants and its photos (a deleted
/// one through the product id its last audit row keeps).
pub async fn history(pool: &PgPool, id: i64, limit: i64) -> Result<Vec<crate::platform::audit::Row>, sqlx::Error> {
    let cols = crate::platform::audit::COLUMNS;
    sqlx::query_as(&format!(
        "SELECT {cols} FROM audit_log WHERE entity = 'product' AND entity_id = $1::text
         UNION
         SELECT {cols} FROM audit_log WHERE entity = 'variant' AND entity_id IN (SELECT id::text FROM variants WHERE product_id = $1)
         UNION
         SELECT {cols} FROM audit_log WHERE entity = 'photo' AND entity_id IN (SELECT id::text FROM product_images WHERE product_id = $1)
         UNION
         SELECT {cols} FROM audit_log WHERE before ? 'product_id' AND before->>'product_id' = $1::text
         ORDER BY id DESC LIMIT $2"
    ))
    .bind(id)
    .bind(limit)
    .fetch_all(pool)
    .await
}
