//! Discount codes in the database as staff manage them: the list, one code, create, change, end
//! now, and what a code brought. Each change is audited in its own transaction. (The checkout
//! applies codes: `place::discount`.)
use crate::catalog::model::Department;
use crate::checkout::discounts::{CodeOrder, CodeState, CodeSummary, CodeUsage, DiscountSettings};
use crate::checkout::pricing::DiscountKind;
use crate::platform::audit::{self, Actor, Change};
use crate::types::Money;
use sqlx::{PgConnection, PgPool};

#[derive(Debug, thiserror::Error)]
pub enum DiscountError {
    #[error("No such discount code.")]
    NotFound,
    #[error("That code exists already: choose another.")]
    Taken,
    /// A total limit below the uses the code has had (this many).
    #[error("The code was used {0} times already: the limit cannot be lower.")]
    LimitBelowUsed(i32),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

#[derive(sqlx::FromRow)]
struct CodeRow {
    code: String,
    kind: String,
    value: i64,
    min_subtotal_minor: i64,
    usage_limit: Option<i32>,
    per_customer_limit: Option<i32>,
    starts: Option<String>,
    expires: Option<String>,
    department: Option<String>,
    note: String,
    used_count: i32,
    state: String,
}

const SELECT: &str = "SELECT code::text AS code, kind, value, min_subtotal_minor, usage_limit, per_customer_limit,
        to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS starts,
        to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS expires,
        department, note, used_count,
        CASE WHEN expires_at <= now() THEN 'ended'
             WHEN usage_limit IS NOT NULL AND used_count >= usage_limit THEN 'used_up'
             WHEN starts_at > now() THEN 'scheduled' ELSE 'active' END AS state
    FROM discount_codes";

impl CodeRow {
    fn summary(self) -> CodeSummary {
        let kind = match self.kind.as_str() {
            "percent" => DiscountKind::Percent(self.value.clamp(1, 100) as u8),
            _ => DiscountKind::Fixed(self.value),
        };
        let state = match self.state.as_str() {
            "ended" => CodeState::Ended,
            "used_up" => CodeState::UsedUp,
            "scheduled" => CodeState::Scheduled,
            _ => CodeState::Active,
        };
        CodeSummary {
            settings: DiscountSettings {
                code: self.code,
                kind,
                min_subtotal_minor: self.min_subtotal_minor,
                usage_limit: self.usage_limit,
                per_customer_limit: self.per_customer_limit,
                starts: self.starts,
                expires: self.expires,
                department: self.department.as_deref().and_then(Department::parse),
                note: self.note,
            },
            state,
            used: self.used_count as i64,
        }
    }
}

/// Every code, newest first.
pub async fn list(pool: &PgPool) -> sqlx::Result<Vec<CodeSummary>> {
    let rows: Vec<CodeRow> = sqlx::query_as(&format!("{SELECT} ORDER BY created_at DESC, code")).fetch_all(pool).await?;
    Ok(rows.into_iter().map(CodeRow::summary).collect())
}

/// One code (any case).
pub async fn get(pool: &PgPool, code: &str) -> sqlx::Result<Option<CodeSummary>> {
    let row: Option<CodeRow> = sqlx::query_as(&format!("{SELECT} WHERE code = $1::citext")).bind(code.trim()).fetch_optional(pool).await?;
    Ok(row.map(CodeRow::summary))
}

/// The code's row as the audit log keeps it.
async fn state(conn: &mut PgConnection, code: &str) -> Result<serde_json::Value, DiscountError> {
    let row: Option<CodeRow> = sqlx::query_as(&format!("{SELECT} WHERE code = $1::citext FOR UPDATE")).bind(code).fetch_optional(&mut *conn).await?;
    let s = row.ok_or(DiscountError::NotFound)?.summary();
    Ok(serde_json::json!({ "settings": s.settings, "used": s.used }))
}

/// Binds a code's settings as `$1`..`$10`: code, kind, value, minimum, limits, start, end (UTC),
/// department, note.
fn bind_settings<'q>(
    q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    s: &'q DiscountSettings,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    let (kind, value) = match s.kind {
        DiscountKind::Percent(p) => ("percent", p as i64),
        DiscountKind::Fixed(v) => ("fixed", v),
    };
    q.bind(&s.code)
        .bind(kind)
        .bind(value)
        .bind(s.min_subtotal_minor)
        .bind(s.usage_limit)
        .bind(s.per_customer_limit)
        .bind(&s.starts)
        .bind(&s.expires)
        .bind(s.department.map(|d| d.as_str()))
        .bind(&s.note)
}

/// A new code; audited as `actor`'s.
pub async fn create(pool: &PgPool, actor: &Actor, s: &DiscountSettings) -> Result<(), DiscountError> {
    let mut tx = pool.begin().await?;
    let made = bind_settings(
        sqlx::query(
            "INSERT INTO discount_codes (code, kind, value, min_subtotal_minor, usage_limit, per_customer_limit,
                                         starts_at, expires_at, department, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7::timestamp AT TIME ZONE 'UTC', $8::timestamp AT TIME ZONE 'UTC', $9, $10)
             ON CONFLICT (code) DO NOTHING",
        ),
        s,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if made == 0 {
        return Err(DiscountError::Taken);
    }
    let after = state(&mut tx, &s.code).await?;
    audit::record(&mut tx, actor, Change { entity: "discount", entity_id: s.code.clone(), action: "discount.create", before: None, after: Some(after) }).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a code's settings (its name stays: orders refer to it); checkouts from now on use them.
pub async fn update(pool: &PgPool, actor: &Actor, s: &DiscountSettings) -> Result<(), DiscountError> {
    let mut tx = pool.begin().await?;
    let before = state(&mut tx, &s.code).await?;
    let used = before["used"].as_i64().unwrap_or(0) as i32;
    if s.usage_limit.is_some_and(|l| l < used) {
        return Err(DiscountError::LimitBelowUsed(used));
    }
    bind_settings(
        sqlx::query(
            "UPDATE discount_codes SET kind = $2, value = $3, min_subtotal_minor = $4, usage_limit = $5, per_customer_limit = $6,
                    starts_at = $7::timestamp AT TIME ZONE 'UTC', expires_at = $8::timestamp AT TIME ZONE 'UTC',
                    department = $9, note = $10
             WHERE code = $1::citext",
        ),
        s,
    )
    .execute(&mut *tx)
    .await?;
    let after = state(&mut tx, &s.code).await?;
    audit::record(&mut tx, actor, Change { entity: "discount", entity_id: s.code.clone(), action: "discount.update", before: Some(before), after: Some(after) }).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends a code now (a scheduled one never starts); orders placed with it keep their discount.
pub async fn end_now(pool: &PgPool, actor: &Actor, code: &str) -> Result<String, DiscountError> {
    let mut tx = pool.begin().await?;
    let before = state(&mut tx, code).await?;
    let code: String = before["settings"]["code"].as_str().unwrap_or(code).to_owned();
    sqlx::query(
        "UPDATE discount_codes SET expires_at = now(), starts_at = CASE WHEN starts_at >= now() THEN NULL ELSE starts_at END
         WHERE code = $1::citext AND (expires_at IS NULL OR expires_at > now())",
    )
    .bind(&code)
    .execute(&mut *tx)
    .await?;
    let after = state(&mut tx, &code).await?;
    audit::record(&mut tx, actor, Change { entity: "discount", entity_id: code.clone(), action: "discount.end", before: Some(before), after: Some(after) }).await?;
    tx.commit().await?;
    Ok(code)
}

/// What a code brought: its paid orders (refunded ones too: it was used), their buyers, what it
/// took off, what they paid less refunds, and the latest 20 orders placed with it.
pub async fn usage(pool: &PgPool, code: &str) -> sqlx::Result<CodeUsage> {
    let (orders, customers, discount, revenue, refunded): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT coalesce(user_id::text, lower(email::text))),
                coalesce(sum(discount_minor), 0)::bigint, coalesce(sum(total_minor - refunded_minor), 0)::bigint,
                coalesce(sum(refunded_minor), 0)::bigint
         FROM orders WHERE discount_code = $1::citext AND paid_at IS NOT NULL",
    )
    .bind(code)
    .fetch_one(pool)
    .await?;
    let latest: Vec<(i64, chrono::DateTime<chrono::Utc>, String, String, i64, i64)> = sqlx::query_as(
        "SELECT number, created_at, email::text, status, total_minor, discount_minor FROM orders
         WHERE discount_code = $1::citext ORDER BY number DESC LIMIT 20",
    )
    .bind(code)
    .fetch_all(pool)
    .await?;
    Ok(CodeUsage {
        orders,
        customers,
        discount: Money::eur(discount),
        revenue: Money::eur(revenue),
        refunded: Money::eur(refunded),
        latest: latest
            .into_iter()
            .map(|(number, at, email, status, total, discount)| CodeOrder {
                number,
                placed: at.format("%Y-%m-%d %H:%M").to_string(),
                email,
                status: crate::orders::model::OrderStatus::parse(&status).map(|s| s.label().to_owned()).unwrap_or(status),
                total: Money::eur(total),
                discount: Money::eur(discount),
            })
            .collect(),
    })
}
