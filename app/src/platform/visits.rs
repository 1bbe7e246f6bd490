//! The visitor funnel's marks, counted without cookies or personal data: a visitor is the SHA-256 of
//! the day's salt, their address and their browser's name; the salt is random, made for the day
//! and deleted two days later, after which no mark can be tied to an address again. One mark per
//! visitor, stage and day (in the shop's time zone).
use sqlx::PgPool;

/// How far a visitor got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Saw a page.
    Visited = 1,
    /// Added something to the cart.
    AddedToCart = 2,
}

/// Whether a browser's name says it is a crawler or a monitor (not counted).
pub fn is_robot(user_agent: &str) -> bool {
    let ua = user_agent.to_ascii_lowercase();
    ua.is_empty() || ["bot", "crawl", "spider", "slurp", "monitor", "curl/", "wget/", "python-", "go-http", "lighthouse"].iter().any(|w| ua.contains(w))
}

/// Marks `stage` for the visitor behind `ip` and `user_agent` today; robots are not counted.
pub async fn mark(pool: &PgPool, time_zone: &str, stage: Stage, ip: &str, user_agent: &str) -> sqlx::Result<()> {
    if is_robot(user_agent) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO visit_salts (day, salt) VALUES ((now() AT TIME ZONE $1)::date, uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
         ON CONFLICT (day) DO NOTHING",
    )
    .bind(time_zone)
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO funnel_marks (day, stage, visitor)
         SELECT s.day, $2, sha256(s.salt || convert_to($3, 'UTF8')) FROM visit_salts s WHERE s.day = (now() AT TIME ZONE $1)::date
         ON CONFLICT DO NOTHING",
    )
    .bind(time_zone)
    .bind(stage as i16)
    .bind(format!("{ip}\n{}", user_agent.chars().take(512).collect::<String>()))
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets the salts of days before yesterday: their marks can no longer be tied to anyone.
pub async fn forget_old_salts(pool: &PgPool) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM visit_salts WHERE day < (now() AT TIME ZONE 'UTC')::date - 1").execute(pool).await?.rows_affected())
}
