//! Fixed-window rate limits kept in Postgres, so every server process shares them.
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    pub max: u32,
    pub window_secs: u32,
}

/// The limits on account actions, per client IP and per account (e-mail address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthLimits {
    pub sign_in_per_ip: Limit,
    pub sign_in_per_account: Limit,
    pub sign_up_per_ip: Limit,
    pub code_per_ip: Limit,
    pub code_per_account: Limit,
    pub reset_per_ip: Limit,
    pub reset_per_account: Limit,
}

impl Default for AuthLimits {
    fn default() -> Self {
        let l = |max, window_secs| Limit { max, window_secs };
        AuthLimits {
            sign_in_per_ip: l(30, 600),
            sign_in_per_account: l(10, 600),
            sign_up_per_ip: l(10, 3600),
            code_per_ip: l(30, 600),
            code_per_account: l(10, 600),
            reset_per_ip: l(10, 3600),
            reset_per_account: l(5, 3600),
        }
    }
}

/// Counts a hit on `key`; `Err(seconds)` when the window is full, with the time until it resets.
pub async fn hit(pool: &PgPool, key: &str, limit: Limit) -> sqlx::Result<Result<(), u64>> {
    let (hits, reset_in): (i32, f64) = sqlx::query_as(
        "INSERT INTO rate_limits AS r (key, window_start, hits) VALUES ($1, now(), 1)
         ON CONFLICT (key) DO UPDATE SET
           window_start = CASE WHEN r.window_start + make_interval(secs => $2) <= now()
                               THEN now() ELSE r.window_start END,
           hits = CASE WHEN r.window_start + make_interval(secs => $2) <= now()
                       THEN 1 ELSE r.hits + 1 END
         RETURNING hits, extract(epoch FROM window_start + make_interval(secs => $2) - now())::float8",
    )
    .bind(key)
    .bind(limit.window_secs as f64)
    .fetch_one(pool)
    .await?;
    if hits as u32 > limit.max { Ok(Err(reset_in.ceil().max(1.0) as u64)) } else { Ok(Ok(())) }
}

/// Removes windows that ended long ago (called now and then by the server).
pub async fn sweep(pool: &PgPool) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM rate_limits WHERE window_start < now() - interval '1 day'")
        .execute(pool)
        .await?
        .rows_affected())
}
