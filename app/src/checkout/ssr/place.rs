//! Checkout and payment in the database: an order per checkout key, stock held with a conditional
//! update (never below zero, whatever the concurrency), every stock change in the ledger, payment
//! events acted on once, and the order's side effects queued in the same transaction.
use crate::payments::{PaymentEvent, PaymentProvider, WebhookError, WebhookEvent};
use crate::inventory;
use crate::platform::jobs;
use crate::types::Email;
use crate::checkout::pricing::{self, Discount, DiscountKind, PricedLine, PricingError, Quantity, ShippingMethod, ShippingRates, Totals};
use serde::{Deserialize, Serialize};
use sqlx::{Acquire, PgConnection, PgPool};
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
    usage_limit: Option<i32>,
    per_customer_limit: Option<i32>,
    used_count: i32,
}

async fn discount(conn: &mut PgConnection, code: &str, customer: &Customer) -> Result<Discount, CheckoutError> {
    let row: Option<CodeRow> = sqlx::query_as(
        "SELECT code::text AS code, kind, value, min_subtotal_minor, coalesce(expires_at < now(), false) AS expired,
                usage_limit, per_customer_limit, used_count
         FROM discount_codes WHERE code = $1::citext FOR UPDATE",
    )
    .bind(code.trim())
    .fetch_optional(&mut *conn)
    .await?;
    let invalid = || CheckoutError::Discount("That discount code is not valid.".into());
    let Some(CodeRow { code, kind, value, min_subtotal_minor: min, expired, usage_limit, per_customer_limit: per_customer, used_count: used }) =
        row
    else {
        return Err(invalid());
    };
    if expired {
        return Err(CheckoutError::Discount("That discount code has expired.".into()));
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
    Ok(Discount { code, kind, min_subtotal_minor: min })
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
                CASE WHEN p.launch_at > now() THEN extract(epoch FROM p.launch_at)::bigint END AS launch_at
         FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id = ANY($1)",
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

    for (line, row) in &lines {
        let q = line.quantity.get() as i32;
        sqlx::query(
            "INSERT INTO order_lines (order_id, variant_id, product_name, variant_label, department, unit_price_minor,
                                      quantity, line_total_minor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $6 * $7)",
        )
        .bind(order_id)
        .bind(line.variant_id)
        .bind(&row.product_name)
        .bind(&row.label)
        .bind(&row.department)
        .bind(line.unit_minor)
        .bind(q)
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



#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// The order is paid now; its holds became sales and its e-mails are queued.
    Paid,
    /// This event (or this charge) was seen before: nothing changed.
    AlreadyProcessed,
    /// Money arrived that the order cannot take (wrong amount, order cancelled, second charge): a
    /// refund is queued.
    RefundQueued,
}

/// Records a provider's event id; false when it was seen before (a replay).
async fn first_delivery(conn: &mut PgConnection, provider: &str, event_id: &str) -> sqlx::Result<bool> {
    let fresh = sqlx::query("INSERT INTO webhook_events (provider, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(provider)
        .bind(event_id)
        .execute(conn)
        .await?;
    Ok(fresh.rows_affected() == 1)
}

/// Acts on a payment event exactly once, in one transaction.
pub async fn payment_succeeded(pool: &PgPool, ev: &PaymentEvent) -> Result<PaymentOutcome, sqlx::Error> {
    let mut tx = pool.begin().await?;
    if !first_delivery(&mut tx, &ev.provider, &ev.event_id).await? {
        return Ok(PaymentOutcome::AlreadyProcessed);
    }
    let known: Option<String> =
        sqlx::query_scalar("SELECT status FROM payments WHERE provider = $1 AND provider_ref = $2 FOR UPDATE")
            .bind(&ev.provider)
            .bind(&ev.provider_ref)
            .fetch_optional(&mut *tx)
            .await?;
    if known.as_deref() == Some("succeeded") {
        tx.commit().await?;
        return Ok(PaymentOutcome::AlreadyProcessed);
    }
    let order: Option<(String, i64, String)> =
        sqlx::query_as("SELECT status, total_minor, currency::text FROM orders WHERE id = $1 FOR UPDATE")
            .bind(ev.order_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((status, total, currency)) = order else {
        refund(&mut tx, ev, "no such order").await?;
        tx.commit().await?;
        return Ok(PaymentOutcome::RefundQueued);
    };
    let reason = match status.as_str() {
        "pending_payment" if !ev.currency.eq_ignore_ascii_case(&currency) => Some("currency differs from the order's"),
        "pending_payment" if ev.amount_minor == total => None,
        "pending_payment" => Some("amount differs from the order total"),
        "cancelled" => Some("order was cancelled before the payment arrived"),
        _ => Some("order was already paid"),
    };
    if let Some(reason) = reason {
        refund(&mut tx, ev, reason).await?;
        tx.commit().await?;
        return Ok(PaymentOutcome::RefundQueued);
    }
    record_payment(&mut tx, ev, "succeeded").await?;
    sqlx::query("UPDATE orders SET status = 'paid', paid_at = now() WHERE id = $1")
        .bind(ev.order_id)
        .execute(&mut *tx)
        .await?;
    let sold: Vec<(i64,)> = sqlx::query_as(
        "UPDATE stock_holds SET status = 'sold' WHERE order_id = $1 AND status = 'active' RETURNING variant_id",
    )
    .bind(ev.order_id)
    .fetch_all(&mut *tx)
    .await?;
    for (variant_id,) in sold {
        inventory::ledger(&mut tx, variant_id, 0, "sale", ev.order_id).await?;
    }
    let payload = serde_json::json!({ "order_id": ev.order_id });
    for kind in ["email.order_confirmation", "email.payment_received"] {
        jobs::enqueue(&mut tx, kind, payload.clone(), Some(&format!("{kind}:{}", ev.order_id))).await?;
    }
    if crate::library::keys::ssr::pool::has_keyed_lines(&mut tx, ev.order_id).await? {
        jobs::enqueue(&mut tx, "keys.assign", payload.clone(), Some(&format!("keys.assign:{}", ev.order_id))).await?;
    }
    tx.commit().await?;
    Ok(PaymentOutcome::Paid)
}

async fn record_payment(conn: &mut PgConnection, ev: &PaymentEvent, status: &str) -> sqlx::Result<()> {
    // A late "failed" never overwrites a success (providers do not promise event order).
    sqlx::query(
        "INSERT INTO payments (order_id, provider, provider_ref, amount_minor, status) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (provider, provider_ref) DO UPDATE SET status = EXCLUDED.status, amount_minor = EXCLUDED.amount_minor
         WHERE payments.status <> 'succeeded' OR EXCLUDED.status = 'refunded'",
    )
    .bind(ev.order_id)
    .bind(&ev.provider)
    .bind(&ev.provider_ref)
    .bind(ev.amount_minor)
    .bind(status)
    .execute(conn)
    .await?;
    Ok(())
}

/// Remembers the provider's payment for an order (e.g. a Stripe PaymentIntent) before money moves.
pub async fn payment_started(pool: &PgPool, provider: &str, order_id: Uuid, provider_ref: &str, amount_minor: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO payments (order_id, provider, provider_ref, amount_minor, status)
         VALUES ($1, $2, $3, $4, 'requires_payment') ON CONFLICT (provider, provider_ref) DO NOTHING",
    )
    .bind(order_id)
    .bind(provider)
    .bind(provider_ref)
    .bind(amount_minor)
    .execute(pool)
    .await?;
    Ok(())
}

/// A provider's word that an attempt failed (a declined card): recorded once; the order stays
/// payable until its hold expires.
pub async fn payment_failed(
    pool: &PgPool,
    provider: &str,
    event_id: &str,
    order_id: Uuid,
    provider_ref: &str,
    reason: &str,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    if first_delivery(&mut tx, provider, event_id).await? {
        tracing::info!(order = %order_id, payment = provider_ref, reason, "payment attempt failed");
        sqlx::query(
            "UPDATE payments SET status = 'failed' WHERE provider = $1 AND provider_ref = $2 AND status = 'requires_payment'",
        )
        .bind(provider)
        .bind(provider_ref)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

async fn refund(conn: &mut PgConnection, ev: &PaymentEvent, reason: &str) -> sqlx::Result<()> {
    tracing::warn!(order = %ev.order_id, charge = %ev.provider_ref, reason, "payment cannot be taken; refund queued");
    let mut tx = conn.begin().await?;
    // The charge is recorded as refunded-to-be only when the order exists (payments need one).
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM orders WHERE id = $1)")
        .bind(ev.order_id)
        .fetch_one(&mut *tx)
        .await?;
    if exists {
        record_payment(&mut tx, ev, "refunded").await?;
    }
    let payload = serde_json::json!({
        "provider": ev.provider, "provider_ref": ev.provider_ref, "amount_minor": ev.amount_minor,
        "currency": ev.currency, "reason": reason,
    });
    jobs::enqueue(&mut tx, "payment.refund", payload, Some(&format!("refund:{}:{}", ev.provider, ev.provider_ref))).await?;
    tx.commit().await
}

/// Cancels unpaid orders whose holds expired and gives their stock back; returns how many.
pub async fn release_expired_holds(pool: &PgPool) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    let orders: Vec<(Uuid, Option<String>)> = sqlx::query_as(
        "SELECT o.id, o.discount_code::text FROM orders o
         WHERE o.status = 'pending_payment'
           AND EXISTS (SELECT 1 FROM stock_holds h WHERE h.order_id = o.id AND h.status = 'active' AND h.expires_at < now())
         ORDER BY o.created_at LIMIT 200
         FOR UPDATE OF o SKIP LOCKED",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (order_id, code) in &orders {
        let released: Vec<(i64, i32)> = sqlx::query_as(
            "UPDATE stock_holds SET status = 'released' WHERE order_id = $1 AND status = 'active'
             RETURNING variant_id, quantity",
        )
        .bind(order_id)
        .fetch_all(&mut *tx)
        .await?;
        for (variant_id, q) in released {
            inventory::give_back(&mut tx, variant_id, q, "release", *order_id).await?;
        }
        sqlx::query("UPDATE orders SET status = 'cancelled' WHERE id = $1").bind(order_id).execute(&mut *tx).await?;
        if let Some(c) = code {
            sqlx::query("UPDATE discount_codes SET used_count = used_count - 1 WHERE code = $1 AND used_count > 0")
                .bind(c)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(orders.len() as u64)
}

/// Verifies a webhook and acts on it once (the route and the built-in gateway both come here). A
/// signed event the shop cannot read is recorded in `webhook_refusals` and answered as an error
/// the route turns into a 400 (a provider stops retrying it); an unsigned one is not recorded.
pub async fn receive_webhook(
    pool: &PgPool,
    provider: &dyn PaymentProvider,
    header: &str,
    body: &[u8],
    now: i64,
) -> Result<Option<PaymentOutcome>, WebhookError> {
    let event = match provider.verify_webhook(header, body, now) {
        Ok(event) => event,
        Err(WebhookError::Body(reason)) => {
            tracing::warn!(provider = provider.name(), %reason, "signed webhook refused");
            sqlx::query("INSERT INTO webhook_refusals (provider, reason, body) VALUES ($1, $2, $3)")
                .bind(provider.name())
                .bind(&reason)
                .bind(String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]).as_ref())
                .execute(pool)
                .await?;
            return Err(WebhookError::Body(reason));
        }
        Err(e) => return Err(e),
    };
    match event {
        WebhookEvent::Succeeded(ev) => Ok(Some(payment_succeeded(pool, &ev).await?)),
        WebhookEvent::Failed { event_id, order_id, provider_ref, reason } => {
            payment_failed(pool, provider.name(), &event_id, order_id, &provider_ref, &reason).await?;
            Ok(None)
        }
        WebhookEvent::Ignored { event_id, kind } => {
            tracing::debug!(%event_id, %kind, "webhook event ignored");
            Ok(None)
        }
    }
}
