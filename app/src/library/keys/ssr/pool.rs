//! Key pools in Postgres. A keyed variant's stock is the number of its unassigned keys: an import
//! adds to both in one transaction (with a ledger row), checkout holds stock as for anything else,
//! and after payment the worker assigns one key per unit with `FOR UPDATE SKIP LOCKED`.
use super::crypto::KeyCipher;
use super::import::LineProblem;
use sqlx::{PgConnection, PgPool};
use crate::orders::model::KEY_HOLDING_SQL;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("No such game variant.")]
    UnknownVariant,
    #[error("Only game variants have key pools.")]
    NotAGame,
    #[error("Some keys are already in the pool; nothing was imported.")]
    Duplicates(Vec<LineProblem>),
    #[error("Order {order}: {missing} key(s) short for variant {variant_id}")]
    NotEnoughKeys { order: Uuid, variant_id: i64, missing: i64 },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Adds keys (already parsed, so no blank or repeated lines) to a game variant's pool; the whole
/// batch or nothing. Returns how many were added. Not audited: for the shop's own set-up (demo
/// data, a drop); a person's import goes through [`import_audited`].
pub async fn import(pool: &PgPool, cipher: &KeyCipher, variant_id: i64, keys: &[String]) -> Result<i64, PoolError> {
    import_with(pool, cipher, variant_id, keys, None).await
}

/// As [`import`], audited as `actor`'s in the same transaction (`action` says how: `keys.import`,
/// `keys.generate`).
pub async fn import_audited(
    pool: &PgPool,
    cipher: &KeyCipher,
    variant_id: i64,
    keys: &[String],
    actor: &crate::platform::audit::Actor,
    action: &str,
) -> Result<i64, PoolError> {
    import_with(pool, cipher, variant_id, keys, Some((actor, action))).await
}

async fn import_with(
    pool: &PgPool,
    cipher: &KeyCipher,
    variant_id: i64,
    keys: &[String],
    audit: Option<(&crate::platform::audit::Actor, &str)>,
) -> Result<i64, PoolError> {
    let mut tx = pool.begin().await?;
    let department: Option<String> = sqlx::query_scalar(
        "SELECT p.department FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id = $1 FOR UPDATE OF v",
    )
    .bind(variant_id)
    .fetch_optional(&mut *tx)
    .await?;
    match department.as_deref() {
        None => return Err(PoolError::UnknownVariant),
        Some("games") => {}
        Some(_) => return Err(PoolError::NotAGame),
    }
    let mut duplicates = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let sealed = cipher.seal(variant_id, key);
        let inserted = sqlx::query(
            "INSERT INTO license_keys (variant_id, key_version, nonce, ciphertext, fingerprint)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (fingerprint) DO NOTHING",
        )
        .bind(variant_id)
        .bind(sealed.version)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(cipher.fingerprint(key))
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            duplicates.push(LineProblem { line: i + 1, problem: "already in a key pool".into() });
        }
    }
    if !duplicates.is_empty() {
        return Err(PoolError::Duplicates(duplicates));
    }
    let added = keys.len() as i64;
    // The first import turns the variant into a keyed one: from now on its stock is its pool.
    let (was_keyed, old_stock): (bool, i32) = sqlx::query_as("SELECT keyed, stock FROM variants WHERE id = $1")
        .bind(variant_id)
        .fetch_one(&mut *tx)
        .await?;
    let delta = if was_keyed { added as i32 } else { added as i32 - old_stock };
    sqlx::query("UPDATE variants SET keyed = true, stock = stock + $2 WHERE id = $1")
        .bind(variant_id)
        .bind(delta)
        .execute(&mut *tx)
        .await?;
    if delta != 0 {
        sqlx::query("INSERT INTO stock_ledger (variant_id, delta, reason) VALUES ($1, $2, $3)")
            .bind(variant_id)
            .bind(delta)
            .bind(if was_keyed { "restock" } else { "adjust" })
            .execute(&mut *tx)
            .await?;
    }
    if let Some((actor, action)) = audit {
        // Never the keys themselves: how many, and the pool's size before and after.
        crate::platform::audit::record(&mut tx, actor, crate::platform::audit::Change {
            entity: "variant",
            entity_id: variant_id.to_string(),
            action,
            before: Some(serde_json::json!({ "keyed": was_keyed, "stock": old_stock })),
            after: Some(serde_json::json!({ "keyed": true, "stock": old_stock + delta, "keys_added": added })),
        })
        .await?;
    }
    tx.commit().await?;
    Ok(added)
}

/// Assigns one key per unit of every keyed line of a paid order that has none yet (idempotent: a
/// second run assigns nothing). Keys are taken with `SKIP LOCKED`, so concurrent workers never wait
/// for or share a key. Returns how many keys this call assigned.
pub async fn assign_for_order(conn: &mut PgConnection, order_id: Uuid) -> Result<i64, PoolError> {
    let lines: Vec<(i64, i32, i64)> = sqlx::query_as(
        "SELECT l.variant_id, l.quantity - l.refunded_quantity,
                (SELECT count(*) FROM license_keys k
                 WHERE k.order_id = l.order_id AND k.variant_id = l.variant_id AND k.refunded_at IS NULL)
         FROM order_lines l JOIN variants v ON v.id = l.variant_id
         WHERE l.order_id = $1 AND v.keyed ORDER BY l.variant_id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut assigned = 0;
    for (variant_id, quantity, have) in lines {
        let need = quantity as i64 - have;
        if need <= 0 {
            continue;
        }
        let got = sqlx::query(
            "UPDATE license_keys SET status = 'assigned', order_id = $2, assigned_at = now()
             WHERE id IN (SELECT id FROM license_keys WHERE variant_id = $1 AND status = 'available'
                          ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)",
        )
        .bind(variant_id)
        .bind(order_id)
        .bind(need)
        .execute(&mut *conn)
        .await?
        .rows_affected() as i64;
        if got < need {
            return Err(PoolError::NotEnoughKeys { order: order_id, variant_id, missing: need - got });
        }
        assigned += got;
    }
    Ok(assigned)
}

/// Whether an order holds keyed lines (its payment queues a key assignment).
pub async fn has_keyed_lines(conn: &mut PgConnection, order_id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM order_lines l JOIN variants v ON v.id = l.variant_id WHERE l.order_id = $1 AND v.keyed)",
    )
    .bind(order_id)
    .fetch_one(conn)
    .await
}

/// A stored key, decrypted; a row that does not open (a missing data key, a damaged row) is an error.
fn open_key(cipher: &KeyCipher, variant_id: i64, sealed: super::crypto::Sealed) -> Result<String, PoolError> {
    cipher.open(variant_id, &sealed).map_err(|e| PoolError::Db(sqlx::Error::Protocol(e.to_string())))
}

/// The keys of an order, decrypted (for the buyer's library, after the ownership check).
pub async fn keys_of_order(pool: &PgPool, cipher: &KeyCipher, order_id: Uuid) -> Result<Vec<(i64, i64, String)>, PoolError> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(i64, i64, i16, Vec<u8>, Vec<u8>)> = sqlx::query_as(
        "SELECT id, variant_id, key_version, nonce, ciphertext FROM license_keys WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, variant_id, version, nonce, ciphertext)| {
            let plain = open_key(cipher, variant_id, super::crypto::Sealed { version, nonce, ciphertext })?;
            Ok((id, variant_id, plain))
        })
        .collect()
}

/// A library row as read from the database.
#[derive(sqlx::FromRow)]
struct LibraryRow {
    id: i64,
    variant_id: i64,
    product_name: String,
    variant_label: String,
    order_id: Uuid,
    order_number: i64,
    key_version: i16,
    nonce: Vec<u8>,
    ciphertext: Vec<u8>,
    revealed_at: Option<chrono::DateTime<chrono::Utc>>,
    redeemed: bool,
    build_version: Option<String>,
    build_changelog: Option<String>,
    build_size: Option<i64>,
    build_sha256: Option<Vec<u8>>,
    downloads: i64,
}

/// One key as its owner's library lists it; the key text only once revealed.
pub async fn library(
    pool: &PgPool,
    cipher: &KeyCipher,
    user_id: Option<Uuid>,
    order_ids: &[Uuid],
) -> Result<Vec<crate::library::keys::model::LibraryKey>, PoolError> {
    let rows: Vec<LibraryRow> = sqlx::query_as(&format!(
        "SELECT k.id, k.variant_id, l.product_name, l.variant_label, o.id AS order_id, o.number AS order_number,
                k.key_version, k.nonce, k.ciphertext, k.revealed_at, k.redeemed_at IS NOT NULL AS redeemed,
                b.version AS build_version, b.changelog AS build_changelog, b.size_bytes AS build_size,
                b.sha256 AS build_sha256,
                (SELECT count(*) FROM downloads d WHERE d.key_id = k.id AND d.order_id = k.order_id) AS downloads
         FROM license_keys k JOIN order_lines l ON l.order_id = k.order_id AND l.variant_id = k.variant_id
         JOIN orders o ON o.id = k.order_id
         JOIN variants v ON v.id = k.variant_id
         LEFT JOIN LATERAL (SELECT * FROM builds WHERE product_id = v.product_id ORDER BY id DESC LIMIT 1) b ON true
         WHERE o.status IN {KEY_HOLDING_SQL} AND k.refunded_at IS NULL AND (o.user_id = $1 OR o.id = ANY($2))
         ORDER BY o.created_at DESC, k.id"
    ))
    .bind(user_id)
    .bind(order_ids)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let key = match r.revealed_at {
                Some(_) => {
                    Some(open_key(cipher, r.variant_id, super::crypto::Sealed { version: r.key_version, nonce: r.nonce, ciphertext: r.ciphertext })?)
                }
                None => None,
            };
            let build = match (r.build_version, r.build_changelog, r.build_size, r.build_sha256) {
                (Some(version), Some(changelog), Some(size_bytes), Some(sha)) => Some(crate::library::keys::model::LibraryBuild {
                    version,
                    changelog,
                    size_bytes,
                    sha256: sha.iter().map(|b| format!("{b:02x}")).collect(),
                }),
                _ => None,
            };
            Ok(crate::library::keys::model::LibraryKey {
                id: r.id,
                product_name: r.product_name,
                variant_label: r.variant_label,
                order_id: r.order_id.to_string(),
                order_number: r.order_number,
                key,
                revealed_at: r.revealed_at.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
                redeemed: r.redeemed,
                build,
                downloads: r.downloads,
            })
        })
        .collect()
}

/// The order a key belongs to, if it is assigned and the order is paid.
pub async fn order_of_key(pool: &PgPool, key_id: i64) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar(&format!(
        "SELECT k.order_id FROM license_keys k JOIN orders o ON o.id = k.order_id
         WHERE k.id = $1 AND o.status IN {KEY_HOLDING_SQL} AND k.refunded_at IS NULL"
    ))
    .bind(key_id)
    .fetch_optional(pool)
    .await
}

/// Records a reveal (who, when, from where); the first one also marks the key revealed. False if
/// the key no longer belongs to `order_id` (a refund at the same moment took it back).
pub async fn reveal(pool: &PgPool, key_id: i64, order_id: Uuid, user_id: Option<Uuid>, ip: &str) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let marked = sqlx::query("UPDATE license_keys SET revealed_at = coalesce(revealed_at, now()) WHERE id = $1 AND order_id = $2")
        .bind(key_id)
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
    if marked.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("INSERT INTO key_reveals (key_id, user_id, ip) VALUES ($1, $2, $3::inet)")
        .bind(key_id)
        .bind(user_id)
        .bind(ip.parse::<std::net::IpAddr>().ok().map(|a| a.to_string()))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// The owner says the key is used in the store (it can then no longer be refunded at once).
pub async fn mark_redeemed(pool: &PgPool, key_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE license_keys SET redeemed_at = coalesce(redeemed_at, now()), revealed_at = coalesce(revealed_at, now()) WHERE id = $1")
        .bind(key_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Every game variant with the size of its pool (available and assigned keys), for staff.
pub async fn pools(pool: &PgPool) -> sqlx::Result<Vec<crate::library::keys::model::KeyPoolView>> {
    sqlx::query_as(
        "SELECT v.id AS variant_id, p.name AS product_name, v.sku, concat_ws(' · ', v.platform, v.edition) AS label,
                count(k.id) FILTER (WHERE k.status = 'available') AS available,
                count(k.id) FILTER (WHERE k.status = 'assigned') AS assigned, v.keyed
         FROM variants v JOIN products p ON p.id = v.product_id LEFT JOIN license_keys k ON k.variant_id = v.id
         WHERE p.department = 'games' GROUP BY v.id, p.name ORDER BY p.name, v.id",
    )
    .fetch_all(pool)
    .await
}

/// A refund of `units` units of an order's keyed line, of which `live` units were not refunded
/// before. Units whose key was never assigned go first (the assignment job had not run), then keys
/// never revealed (back to the pool), then revealed ones: those stay with the order, marked refunded,
/// out of the buyer's library. Returns how many units go back into stock (all but the revealed).
pub async fn refund_units(conn: &mut PgConnection, order_id: Uuid, variant_id: i64, live: i32, units: i32) -> sqlx::Result<i32> {
    let keys: Vec<(i64, bool)> = sqlx::query_as(
        "SELECT id, revealed_at IS NOT NULL FROM license_keys
         WHERE order_id = $1 AND variant_id = $2 AND refunded_at IS NULL ORDER BY id FOR UPDATE",
    )
    .bind(order_id)
    .bind(variant_id)
    .fetch_all(&mut *conn)
    .await?;
    let unassigned = (live - keys.len() as i32).max(0);
    let from_unassigned = units.min(unassigned);
    let rest = (units - from_unassigned) as usize;
    let unrevealed: Vec<i64> = keys.iter().filter(|(_, r)| !r).map(|(id, _)| *id).take(rest).collect();
    let revealed: Vec<i64> = keys.iter().filter(|(_, r)| *r).map(|(id, _)| *id).take(rest - unrevealed.len()).collect();
    sqlx::query("UPDATE license_keys SET status = 'available', order_id = NULL, assigned_at = NULL WHERE id = ANY($1)")
        .bind(&unrevealed)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE license_keys SET refunded_at = now() WHERE id = ANY($1)").bind(&revealed).execute(&mut *conn).await?;
    Ok(from_unassigned + unrevealed.len() as i32)
}

/// Locks the order's keys (a reveal at the same moment waits) and says whether any was revealed.
pub async fn lock_and_check_revealed(conn: &mut PgConnection, order_id: Uuid) -> sqlx::Result<bool> {
    let revealed: Vec<bool> = sqlx::query_scalar("SELECT revealed_at IS NOT NULL FROM license_keys WHERE order_id = $1 FOR UPDATE")
        .bind(order_id)
        .fetch_all(conn)
        .await?;
    Ok(revealed.contains(&true))
}
