//! The audit log: every staff change writes one append-only row (who, from where, what, before and
//! after) through the caller's transaction, so the change and its record commit together or not at
//! all. The table refuses updates, deletes and truncation.
use sqlx::PgConnection;
use uuid::Uuid;

/// Who made a change, as they were at the time.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub email: String,
    /// The client's address as text; anything that is not an IP address is stored as NULL.
    pub ip: Option<String>,
}

/// One change: `entity` and `action` are short snake_case words (`product`, `status.publish`),
/// `before`/`after` the entity's state as JSON (`None` for a creation or a deletion).
pub struct Change<'a> {
    pub entity: &'a str,
    pub entity_id: String,
    pub action: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Writes the change's row on `conn` (the caller's transaction). Returns the row's id.
pub async fn record(conn: &mut PgConnection, actor: &Actor, change: Change<'_>) -> sqlx::Result<i64> {
    let ip = actor.ip.as_deref().and_then(|s| s.parse::<std::net::IpAddr>().ok()).map(|ip| ip.to_string());
    // As text cast to jsonb in SQL (no `json` feature of sqlx needed).
    let json = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
    sqlx::query_scalar(
        "INSERT INTO audit_log (actor_id, actor_email, ip, entity, entity_id, action, before, after)
         VALUES ($1, $2, $3::inet, $4, $5, $6, $7::jsonb, $8::jsonb) RETURNING id",
    )
    .bind(actor.user_id)
    .bind(&actor.email)
    .bind(ip)
    .bind(change.entity)
    .bind(&change.entity_id)
    .bind(change.action)
    .bind(json(change.before))
    .bind(json(change.after))
    .fetch_one(conn)
    .await
}

/// One row of the log as read back (JSON as text, the address as text).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor_email: String,
    pub ip: Option<String>,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What the log page filters on; empty fields match everything. Dates are whole UTC days.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Part of the actor's e-mail, any case.
    pub who: String,
    pub entity: String,
    pub entity_id: String,
    /// The start of the action (`product` finds `product.create` and `product.update`).
    pub action: String,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    /// Only rows older than this id (the next page).
    pub before: Option<i64>,
}

/// The columns of a [`Row`], for a domain's own history query.
pub const COLUMNS: &str = "id, at, actor_email, host(ip) AS ip, entity, entity_id, action, before::text AS before, after::text AS after";

/// The filter as SQL over `audit_log`, binding $1..$7 (see [`bind`]).
const WHERE: &str = "($1 = '' OR strpos(lower(actor_email), lower($1)) > 0)
       AND ($2 = '' OR entity = $2)
       AND ($3 = '' OR entity_id = $3)
       AND ($4 = '' OR starts_with(action, $4))
       AND ($5::date IS NULL OR at >= ($5::date::timestamp AT TIME ZONE 'UTC'))
       AND ($6::date IS NULL OR at < (($6::date + 1)::timestamp AT TIME ZONE 'UTC'))
       AND ($7::bigint IS NULL OR id < $7)";

fn bind<'q, O>(
    q: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    f: &'q Query,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    q.bind(&f.who).bind(&f.entity).bind(&f.entity_id).bind(&f.action).bind(f.from).bind(f.to).bind(f.before)
}

/// The newest `limit` rows matching `f`, newest first.
pub async fn list(pool: &sqlx::PgPool, f: &Query, limit: i64) -> sqlx::Result<Vec<Row>> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE {WHERE} ORDER BY id DESC LIMIT $8");
    bind(sqlx::query_as::<_, Row>(&sql), f).bind(limit).fetch_all(pool).await
}

/// Every row matching `f`, newest first, as a stream (the CSV export: memory stays flat).
pub fn stream<'a>(pool: &'a sqlx::PgPool, f: &'a Query, sql: &'a str) -> futures_util::stream::BoxStream<'a, sqlx::Result<Row>> {
    bind(sqlx::query_as::<_, Row>(sql), f).fetch(pool)
}

/// The statement [`stream`] runs.
pub fn stream_sql() -> String {
    format!("SELECT {COLUMNS} FROM audit_log WHERE {WHERE} ORDER BY id DESC")
}
