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
