//! Cart storage: the cart id lives in the server-side session; lines in Postgres. Adding never
//! reserves stock (checkout does); quantities are bounded by the product's per-order maximum.
use super::model::{CartLine, CartView};
use crate::types::{Quantity, QuantityError};
use crate::types::{Currency, Money};
use sqlx::PgPool;
use tower_sessions::Session;
use uuid::Uuid;

const CART: &str = "cart_id";

#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error("That item is not sold any more.")]
    UnknownVariant,
    #[error("Sorry, that one is sold out.")]
    SoldOut,
    /// A limited drop before its launch (the time, e.g. "2 Dec 2026, 14:00 UTC").
    #[error("Not on sale yet: it launches {0}.")]
    NotOnSale(String),
    #[error("{0}")]
    Quantity(#[from] QuantityError),
    #[error("session: {0}")]
    Session(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn session_err(e: tower_sessions::session::Error) -> CartError {
    CartError::Session(e.to_string())
}

/// The session's cart id, if it has one.
pub async fn cart_id(session: &Session) -> Result<Option<Uuid>, CartError> {
    session.get(CART).await.map_err(session_err)
}

/// The session's cart, created on first use; a signed-in shopper's cart is their saved one.
async fn ensure_cart(pool: &PgPool, session: &Session, user_id: Option<Uuid>) -> Result<Uuid, CartError> {
    if let Some(id) = cart_id(session).await? {
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM carts WHERE id = $1)").bind(id).fetch_one(pool).await?;
        if exists {
            return Ok(id);
        }
    }
    let id: Uuid = match user_id {
        Some(user) => {
            sqlx::query_scalar(
                "INSERT INTO carts (user_id) VALUES ($1)
                 ON CONFLICT (user_id) WHERE user_id IS NOT NULL DO UPDATE SET updated_at = now() RETURNING id",
            )
            .bind(user)
            .fetch_one(pool)
            .await?
        }
        None => sqlx::query_scalar("INSERT INTO carts DEFAULT VALUES RETURNING id").fetch_one(pool).await?,
    };
    session.insert(CART, id).await.map_err(session_err)?;
    Ok(id)
}

/// (max per order, stock) of a variant.
async fn limits(pool: &PgPool, variant_id: i64) -> Result<(i32, i32), CartError> {
    let row: Option<(i32, i32, Option<chrono::DateTime<chrono::Utc>>)> = sqlx::query_as(
        "SELECT p.max_per_order, v.stock, CASE WHEN p.launch_at > now() THEN p.launch_at END
         FROM shop_variants v JOIN shop_products p ON p.id = v.product_id WHERE v.id = $1",
    )
    .bind(variant_id)
    .fetch_optional(pool)
    .await?;
    match row.ok_or(CartError::UnknownVariant)? {
        (_, _, Some(launch)) => Err(CartError::NotOnSale(crate::types::launch_label(launch.timestamp()))),
        (max, stock, None) => Ok((max, stock)),
    }
}

/// Adds `quantity` of a variant (on top of what the cart has); returns the product name.
pub async fn add(
    pool: &PgPool,
    session: &Session,
    user_id: Option<Uuid>,
    variant_id: i64,
    quantity: i64,
) -> Result<String, CartError> {
    let (max, stock) = limits(pool, variant_id).await?;
    if stock <= 0 {
        return Err(CartError::SoldOut);
    }
    Quantity::new(quantity, max as u8)?;
    let cart = ensure_cart(pool, session, user_id).await?;
    let have: Option<i32> = sqlx::query_scalar("SELECT quantity FROM cart_lines WHERE cart_id = $1 AND variant_id = $2")
        .bind(cart)
        .bind(variant_id)
        .fetch_optional(pool)
        .await?;
    let total = Quantity::new(have.unwrap_or(0) as i64 + quantity, max as u8)?;
    set_line(pool, cart, variant_id, total).await?;
    Ok(sqlx::query_scalar("SELECT p.name FROM shop_variants v JOIN shop_products p ON p.id = v.product_id WHERE v.id = $1")
        .bind(variant_id)
        .fetch_one(pool)
        .await?)
}

async fn set_line(pool: &PgPool, cart: Uuid, variant_id: i64, q: Quantity) -> Result<(), CartError> {
    sqlx::query(
        "INSERT INTO cart_lines (cart_id, variant_id, quantity) VALUES ($1, $2, $3)
         ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = EXCLUDED.quantity",
    )
    .bind(cart)
    .bind(variant_id)
    .bind(q.get() as i32)
    .execute(pool)
    .await?;
    sqlx::query("UPDATE carts SET updated_at = now() WHERE id = $1").bind(cart).execute(pool).await?;
    Ok(())
}

/// Sets a line's quantity; 0 removes it.
pub async fn set_quantity(pool: &PgPool, session: &Session, variant_id: i64, quantity: i64) -> Result<(), CartError> {
    let Some(cart) = cart_id(session).await? else { return Ok(()) };
    if quantity == 0 {
        sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1 AND variant_id = $2").bind(cart).bind(variant_id).execute(pool).await?;
        return Ok(());
    }
    let (max, _) = limits(pool, variant_id).await?;
    set_line(pool, cart, variant_id, Quantity::new(quantity, max as u8)?).await
}

/// The lines as (variant, quantity), for checkout and the header's count: active products only
/// (a withdrawn product's line stays in the table and comes back if it is published again).
pub async fn lines(pool: &PgPool, session: &Session) -> Result<Vec<(i64, i64)>, CartError> {
    let Some(cart) = cart_id(session).await? else { return Ok(Vec::new()) };
    let rows: Vec<(i64, i32)> = sqlx::query_as(
        "SELECT l.variant_id, l.quantity FROM cart_lines l
         JOIN shop_variants v ON v.id = l.variant_id JOIN shop_products p ON p.id = v.product_id
         WHERE l.cart_id = $1 ORDER BY l.added_at",
    )
        .bind(cart)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(|(v, q)| (v, q as i64)).collect())
}

/// Empties the cart (after its order is paid).
/// Items in the cart (the header's count).
pub async fn count(pool: &PgPool, session: &Session) -> Result<i64, CartError> {
    Ok(lines(pool, session).await?.iter().map(|(_, q)| q).sum())
}

/// After paying: takes what the order bought out of the cart (a line added after the order was
/// placed, or more of a line than was ordered, stays).
pub async fn remove_ordered(pool: &PgPool, session: &Session, order_id: Uuid) -> Result<(), CartError> {
    if let Some(cart) = cart_id(session).await? {
        sqlx::query(
            "WITH ordered AS (SELECT variant_id, quantity FROM order_lines WHERE order_id = $2),
             lowered AS (
                 UPDATE cart_lines c SET quantity = c.quantity - o.quantity FROM ordered o
                 WHERE c.cart_id = $1 AND c.variant_id = o.variant_id AND c.quantity > o.quantity)
             DELETE FROM cart_lines c USING ordered o
             WHERE c.cart_id = $1 AND c.variant_id = o.variant_id AND c.quantity <= o.quantity",
        )
        .bind(cart)
        .bind(order_id)
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// At sign-in: the guest cart joins the user's saved cart (quantities added, capped at the
/// per-order maximum), and the session continues with the user's cart.
pub async fn attach_to_user(pool: &PgPool, session: &Session, user_id: Uuid) -> Result<(), CartError> {
    let guest = cart_id(session).await?;
    let mut tx = pool.begin().await?;
    let saved: Option<Uuid> = sqlx::query_scalar("SELECT id FROM carts WHERE user_id = $1 FOR UPDATE")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
    let target = match (guest, saved) {
        (Some(g), Some(s)) if g != s => {
            sqlx::query(
                "INSERT INTO cart_lines (cart_id, variant_id, quantity)
                 SELECT $2, l.variant_id, l.quantity FROM cart_lines l WHERE l.cart_id = $1
                 ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = least(
                     cart_lines.quantity + EXCLUDED.quantity,
                     (SELECT p.max_per_order FROM shop_variants v JOIN shop_products p ON p.id = v.product_id
                      WHERE v.id = EXCLUDED.variant_id))",
            )
            .bind(g)
            .bind(s)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM carts WHERE id = $1 AND user_id IS NULL").bind(g).execute(&mut *tx).await?;
            s
        }
        (_, Some(s)) => s,
        (Some(g), None) => {
            sqlx::query("UPDATE carts SET user_id = $2 WHERE id = $1").bind(g).bind(user_id).execute(&mut *tx).await?;
            g
        }
        (None, None) => {
            tx.commit().await?;
            return Ok(());
        }
    };
    tx.commit().await?;
    session.insert(CART, target).await.map_err(session_err)
}

#[derive(sqlx::FromRow)]
struct LineRow {
    variant_id: i64,
    product_name: String,
    product_slug: String,
    variant_label: String,
    price_minor: i64,
    quantity: i32,
    max_per_order: i32,
    department: String,
    currency: String,
    stock: i32,
}

/// The cart as the page shows it.
pub async fn view(pool: &PgPool, session: &Session) -> Result<CartView, CartError> {
    let Some(cart) = cart_id(session).await? else {
        return Ok(CartView { lines: vec![], subtotal: None, needs_shipping: false, notice: None, error: None });
    };
    let rows: Vec<LineRow> = sqlx::query_as(
        "SELECT v.id AS variant_id, p.name AS product_name, p.slug AS product_slug,
                concat_ws(' · ', v.platform, v.edition, v.metal, 'size ' || v.ring_size) AS variant_label,
                v.price_minor, l.quantity, p.max_per_order, p.department, p.currency::text AS currency, v.stock
         FROM cart_lines l JOIN shop_variants v ON v.id = l.variant_id JOIN shop_products p ON p.id = v.product_id
         WHERE l.cart_id = $1 ORDER BY l.added_at, v.id",
    )
    .bind(cart)
    .fetch_all(pool)
    .await?;
    let mut subtotal: Option<Money> = None;
    let lines: Vec<CartLine> = rows
        .into_iter()
        .map(|r| {
            let currency = Currency::parse(&r.currency).unwrap_or(Currency::Eur);
            let line_total = Money { minor: r.price_minor * r.quantity as i64, currency };
            subtotal = Some(Money { minor: subtotal.map(|s| s.minor).unwrap_or(0) + line_total.minor, currency });
            CartLine {
                variant_id: r.variant_id,
                product_name: r.product_name,
                product_slug: r.product_slug,
                variant_label: r.variant_label,
                unit_price: Money { minor: r.price_minor, currency },
                quantity: r.quantity as i64,
                max_quantity: r.max_per_order as i64,
                line_total,
                physical: r.department == "jewelry",
                in_stock: r.stock as i64,
            }
        })
        .collect();
    let needs_shipping = lines.iter().any(|l| l.physical);
    Ok(CartView { lines, subtotal, needs_shipping, notice: None, error: None })
}

/// At sign-in the guest cart joins the account's saved cart.
pub struct MergeGuestCart;

#[async_trait::async_trait]
impl crate::accounts::ssr::SignInHook for MergeGuestCart {
    async fn signed_in(&self, pool: &PgPool, session: &Session, user_id: Uuid, _email: &str) -> Result<(), crate::error::AppError> {
        attach_to_user(pool, session, user_id).await.map_err(|e| crate::error::AppError::internal(format!("cart merge: {e}")))
    }
}
