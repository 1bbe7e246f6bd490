//! Placing an order in the database: an order per checkout key, stock held with a conditional
//! update (never below zero, whatever the concurrency), every stock change in the ledger, and the
//! order's side effects queued in the same transaction. (What a payment does: `payment.rs`.)
use crate::inventory;
use crate::types::Email;
use crate::checkout::pricing::{self, Discount, DiscountKind, PricedLine, PricingError, Quantity, ShippingMethod, ShippingRates, Totals};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A shipping address, checked field by field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

impl Address {
    pub fn validate(&self) -> Result<(), String> {
        let field = |v: &str, label: &str, max: usize| -> Result<(), String> {
            let t = v.trim();
            if t.is_empty() {
                return Err(format!("Enter the {label}."));
            }
            if t.chars().count() > max || t.chars().any(char::is_control) {
                return Err(format!("The {label} is too long or has characters we can't print on a label."));
            }
            Ok(())
        };
        field(&self.name, "recipient's name", 100)?;
        field(&self.line1, "street address", 200)?;
        if self.line2.chars().count() > 200 || self.line2.chars().any(char::is_control) {
            return Err("The second address line is too long.".into());
        }
        field(&self.city, "city", 100)?;
        field(&self.postal_code, "postal code", 20)?;
        if !(self.country.len() == 2 && self.country.chars().all(|c| c.is_ascii_uppercase())) {
            return Err("Choose a country.".into());
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    /// One per checkout attempt (a double submit or a retry sends the same key).
    pub checkout_key: Uuid,
    /// Who is checking out (a hash of the session's buyer token): the key is idempotent for them
    /// only, so another browser sending the same key gets an order of its own, never this one.
    pub placed_by: String,
    pub user_id: Option<Uuid>,
    pub email: Email,
    /// (variant id, quantity) as in the cart; prices come from the database.
    pub lines: Vec<(i64, i64)>,
    pub discount_code: Option<String>,
    pub shipping: Option<(ShippingMethod, Address)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartedCheckout {
    pub order_id: Uuid,
    pub number: i64,
    pub currency: String,
    pub totals: Totals,
    /// False when the key had already made this order (a retry).
    pub created: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    #[error("{}", sold_out_text(product, *left))]
    SoldOut { product: String, left: i32 },
    #[error("{product} is not on sale yet: it launches {launch}.")]
    NotOnSale { product: String, launch: String },
    #[error("Something in your cart is no longer sold.")]
    UnknownVariant,
    #[error("{0}")]
    Pricing(#[from] PricingError),
    #[error("{0}")]
    Discount(String),
    #[error("{0}")]
    Address(String),
    #[error("All items in one order must be in one currency.")]
    MixedCurrency,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn sold_out_text(product: &str, left: i32) -> String {
    match left {
        i32::MIN..=0 => format!("Sorry, {product} just sold out."),
        1 => format!("Sorry, only 1 of {product} is left. Lower the quantity to buy it."),
        n => format!("Sorry, only {n} of {product} are left. Lower the quantity to buy them."),
    }
}

#[derive(sqlx::FromRow)]
struct VariantRow {
    id: i64,
    price_minor: i64,
    product_name: String,
    label: String,
    department: String,
    max_per_order: i32,
    currency: String,
    /// Unix seconds, only while a drop has not launched yet.
    launch_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ExistingOrder {
    id: Uuid,
    number: i64,
    currency: String,
    subtotal_minor: i64,
    discount_minor: i64,
    shipping_minor: i64,
    tax_minor: i64,
    total_minor: i64,
}

async fn existing(conn: &mut PgConnection, key: Uuid, placed_by: &str) -> sqlx::Result<Option<StartedCheckout>> {
    let row: Option<ExistingOrder> = sqlx::query_as(
        "SELECT id, number, currency::text AS currency, subtotal_minor, discount_minor, shipping_minor, tax_minor, total_minor
         FROM orders WHERE checkout_key = $1 AND placed_by = $2",
    )
    .bind(key)
    .bind(placed_by)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|o| StartedCheckout {
        order_id: o.id,
        number: o.number,
        currency: o.currency,
        totals: Totals {
            subtotal_minor: o.subtotal_minor,
            discount_minor: o.discount_minor,
            shipping_minor: o.shipping_minor,
            tax_minor: o.tax_minor,
            total_minor: o.total_minor,
        },
        created: false,
    }))
}

/// Who "once per customer" counts: the account for a signed-in buyer; for a guest the address,
/// case-insensitively and without a `+tag` (`Ada+x@example.com` is `ada@example.com`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Customer {
    Account(Uuid),
    Guest(String),
}

impl Customer {
    pub fn of(user_id: Option<Uuid>, email: &Email) -> Customer {
        match user_id {
            Some(id) => Customer::Account(id),
            None => Customer::Guest(canonical_email(email.as_str())),
        }
    }
}

/// The address without a `+tag` in its local part, lower case (the same rule as the SQL below).
pub fn canonical_email(email: &str) -> String {
    let email = email.to_lowercase();
    match email.split_once('@') {
        Some((local, domain)) => format!("{}@{domain}", local.split('+').next().unwrap_or(local)),
        None => email,
    }
}

#[derive(sqlx::FromRow)]
struct CodeRow {
    code: String,
    kind: String,
    value: i64,
    min_subtotal_minor: i64,
    expired: bool,
    /// When it starts, if that is still to come (UTC, for the message).
    starts: Option<String>,
    department: Option<String>,
    usage_limit: Option<i32>,
    per_customer_limit: Option<i32>,
    used_count: i32,
}

async fn discount(conn: &mut PgConnection, code: &str, customer: &Customer) -> Result<Discount, CheckoutError> {
    let row: Option<CodeRow> = sqlx::query_as(
        "SELECT code::text AS code, kind, value, min_subtotal_minor, coalesce(expires_at <= now(), false) AS expired,
                CASE WHEN starts_at > now() THEN to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') END AS starts,
                department, usage_limit, per_customer_limit, used_count
         FROM discount_codes WHERE code = $1::citext FOR UPDATE",
    )
    .bind(code.trim())
    .fetch_optional(&mut *conn)
    .await?;
    let invalid = || CheckoutError::Discount("That discount code is not valid.".into());
    let Some(CodeRow { code, kind, value, min_subtotal_minor: min, expired, starts, department, usage_limit, per_customer_limit: per_customer, used_count: used }) =
        row
    else {
        return Err(invalid());
    };
    if expired {
        return Err(CheckoutError::Discount("That discount code has expired.".into()));
    }
    if let Some(starts) = starts {
        return Err(CheckoutError::Discount(format!("That discount code starts on {starts} UTC.")));
    }
    if usage_limit.is_some_and(|l| used >= l) {
        return Err(CheckoutError::Discount("That discount code has been used up.".into()));
    }
    if let Some(limit) = per_customer {
        // The code's row is locked above, so concurrent checkouts with one code count one by one.
        let mine: i64 = match customer {
            Customer::Account(user_id) => sqlx::query_scalar(
                "SELECT count(*) FROM orders WHERE discount_code = $1 AND user_id = $2 AND status <> 'cancelled'",
            )
            .bind(&code)
            .bind(user_id),
            Customer::Guest(email) => sqlx::query_scalar(
                "SELECT count(*) FROM orders WHERE discount_code = $1 AND status <> 'cancelled'
                   AND regexp_replace(lower(email::text), '\\+[^@]*@', '@') = $2",
            )
            .bind(&code)
            .bind(email),
        }
        .fetch_one(&mut *conn)
        .await?;
        if mine >= limit as i64 {
            return Err(CheckoutError::Discount("You have already used that discount code.".into()));
        }
    }
    let kind = match kind.as_str() {
        "percent" => DiscountKind::Percent(u8::try_from(value).map_err(|_| invalid())?),
        _ => DiscountKind::Fixed(value),
    };
    let department = department.as_deref().and_then(crate::catalog::model::Department::parse);
    Ok(Discount { code, kind, min_subtotal_minor: min, department })
}

/// Creates the order for a checkout key and holds its stock for `hold_minutes`; a retry with the same
/// key returns the same order. Sold-out lines fail the whole checkout before any payment.
pub async fn start_checkout(
    pool: &PgPool,
    req: &CheckoutRequest,
    rates: &ShippingRates,
    hold_minutes: i32,
) -> Result<StartedCheckout, CheckoutError> {
    if let Some((_, address)) = &req.shipping {
        address.validate().map_err(CheckoutError::Address)?;
    }
    let mut tx = pool.begin().await?;
    if let Some(done) = existing(&mut tx, req.checkout_key, &req.placed_by).await? {
        return Ok(done);
    }
    let ids: Vec<i64> = req.lines.iter().map(|(id, _)| *id).collect();
    let rows: Vec<VariantRow> = sqlx::query_as(
        "SELECT v.id, v.price_minor, p.name AS product_name,
                concat_ws(' · ', v.platform, v.edition, v.metal, 'size ' || v.ring_size) AS label,
                p.department, p.max_per_order, p.currency::text AS currency,
                CASE WHEN p.launch_at > now() THEN ceil(extract(epoch FROM p.launch_at))::bigint END AS launch_at
         FROM shop_variants v JOIN shop_products p ON p.id = v.product_id WHERE v.id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?;
    let mut lines: Vec<(PricedLine, &VariantRow)> = Vec::with_capacity(req.lines.len());
    for (id, qty) in &req.lines {
        let row = rows.iter().find(|r| r.id == *id).ok_or(CheckoutError::UnknownVariant)?;
        if let Some(at) = row.launch_at {
            let launch = crate::types::launch_label(at);
            return Err(CheckoutError::NotOnSale { product: row.product_name.clone(), launch });
        }
        let quantity = Quantity::new(*qty, row.max_per_order.clamp(1, 99) as u8).map_err(PricingError::from)?;
        lines.push((
            PricedLine { variant_id: row.id, unit_minor: row.price_minor, quantity, physical: row.department == "jewelry" },
            row,
        ));
    }
    if lines.is_empty() {
        return Err(PricingError::Empty.into());
    }
    let currency = lines[0].1.currency.clone();
    if lines.iter().any(|(_, r)| r.currency != currency) {
        return Err(CheckoutError::MixedCurrency);
    }
    // Lock in a fixed order so concurrent checkouts of the same variants cannot deadlock.
    lines.sort_by_key(|(l, _)| l.variant_id);
    let priced: Vec<PricedLine> = lines.iter().map(|(l, _)| l.clone()).collect();
    let code = match req.discount_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(discount(&mut tx, c, &Customer::of(req.user_id, &req.email)).await?),
        None => None,
    };
    let totals = pricing::totals(&priced, code.as_ref(), req.shipping.as_ref().map(|(m, _)| *m), rates)?;

    let inserted: Option<(Uuid, i64)> = sqlx::query_as(
        "INSERT INTO orders (checkout_key, user_id, email, currency, subtotal_minor, discount_minor, shipping_minor,
                             tax_minor, total_minor, discount_code, shipping_method, shipping_address, lines_fingerprint,
                             placed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (checkout_key, placed_by) DO NOTHING RETURNING id, number",
    )
    .bind(req.checkout_key)
    .bind(req.user_id)
    .bind(req.email.as_str())
    .bind(&currency)
    .bind(totals.subtotal_minor)
    .bind(totals.discount_minor)
    .bind(totals.shipping_minor)
    .bind(totals.tax_minor)
    .bind(totals.total_minor)
    .bind(code.as_ref().map(|c| c.code.clone()))
    .bind(req.shipping.as_ref().map(|(m, _)| match m {
        ShippingMethod::Standard => "standard",
        ShippingMethod::Insured => "insured",
    }))
    .bind(req.shipping.as_ref().map(|(_, a)| serde_json::to_value(a).unwrap_or_default()))
    .bind(pricing::fingerprint(&priced))
    .bind(&req.placed_by)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((order_id, number)) = inserted else {
        // Another request with this key won the race; its order is the answer.
        drop(tx);
        let mut conn = pool.acquire().await?;
        return existing(&mut conn, req.checkout_key, &req.placed_by).await?.ok_or(CheckoutError::UnknownVariant);
    };

    let shares = pricing::allocate_discount(&priced, code.as_ref(), totals.discount_minor);
    for ((line, row), share) in lines.iter().zip(shares) {
        let q = line.quantity.get() as i32;
        sqlx::query(
            "INSERT INTO order_lines (order_id, variant_id, product_name, variant_label, department, unit_price_minor,
                                      quantity, line_total_minor, discount_minor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $6 * $7, $8)",
        )
        .bind(order_id)
        .bind(line.variant_id)
        .bind(&row.product_name)
        .bind(&row.label)
        .bind(&row.department)
        .bind(line.unit_minor)
        .bind(q)
        .bind(share)
        .execute(&mut *tx)
        .await?;
        // The hold: only when enough is left, so stock can never go below zero.
        if !inventory::hold(&mut tx, line.variant_id, q, order_id).await? {
            let left = inventory::stock(&mut tx, line.variant_id).await?;
            return Err(CheckoutError::SoldOut { product: row.product_name.clone(), left });
        }
        sqlx::query(
            "INSERT INTO stock_holds (order_id, variant_id, quantity, expires_at)
             VALUES ($1, $2, $3, now() + make_interval(mins => $4))",
        )
        .bind(order_id)
        .bind(line.variant_id)
        .bind(q)
        .bind(hold_minutes)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(c) = &code {
        sqlx::query("UPDATE discount_codes SET used_count = used_count + 1 WHERE code = $1")
            .bind(&c.code)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(StartedCheckout { order_id, number, currency, totals, created: true })
}
