//! The shop's own user rows, one per provider subject.
use super::provider::Identity;
use sqlx::PgPool;

/// Records a sign-in and returns the shop's id for the person.
pub async fn upsert_on_sign_in(pool: &PgPool, provider: &str, identity: &Identity) -> sqlx::Result<uuid::Uuid> {
    sqlx::query_scalar(
        "INSERT INTO users (provider, subject, email, last_sign_in_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (provider, subject) DO UPDATE SET email = EXCLUDED.email, last_sign_in_at = now()
         RETURNING id",
    )
    .bind(provider)
    .bind(&identity.subject)
    .bind(&identity.email)
    .fetch_one(pool)
    .await
}

/// Figures for the admin dashboard.
pub async fn counts(pool: &PgPool) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM products)").fetch_one(pool).await
}

/// How long a sign-up may wait for its confirmation; older attempts (and, with the built-in
/// provider, the unconfirmed accounts behind them) are removed.
pub const SIGNUP_TTL_HOURS: i32 = 24;

/// A new sign-up attempt for `email` (replacing any earlier one): its id goes into the session of
/// the browser that made it, the only one that may then confirm the address.
pub async fn begin_signup_attempt(pool: &PgPool, email: &str) -> sqlx::Result<uuid::Uuid> {
    sqlx::query_scalar(
        "INSERT INTO signup_attempts (email, attempt) VALUES ($1, gen_random_uuid())
         ON CONFLICT (email) DO UPDATE SET attempt = EXCLUDED.attempt, created_at = now()
         RETURNING attempt",
    )
    .bind(email)
    .fetch_one(pool)
    .await
}

/// Whether `attempt` is the newest, unexpired sign-up attempt for `email`.
pub async fn signup_attempt_is_current(pool: &PgPool, email: &str, attempt: uuid::Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM signup_attempts WHERE email = $1 AND attempt = $2
                        AND created_at > now() - make_interval(hours => $3))",
    )
    .bind(email)
    .bind(attempt)
    .bind(SIGNUP_TTL_HOURS)
    .fetch_one(pool)
    .await
}

pub async fn end_signup_attempt(pool: &PgPool, email: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM signup_attempts WHERE email = $1").bind(email).execute(pool).await?;
    Ok(())
}

/// Housekeeping: expired sign-up attempts and the built-in provider's accounts never confirmed
/// within the time (so an address someone else typed is free again); returns the accounts removed.
pub async fn sweep_unconfirmed(pool: &PgPool) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM signup_attempts WHERE created_at < now() - make_interval(hours => $1)")
        .bind(SIGNUP_TTL_HOURS)
        .execute(pool)
        .await?;
    Ok(sqlx::query(
        "DELETE FROM builtin_accounts a WHERE NOT a.email_verified AND a.created_at < now() - make_interval(hours => $1)
           AND NOT EXISTS (SELECT 1 FROM signup_attempts s WHERE s.email = a.email)",
    )
    .bind(SIGNUP_TTL_HOURS)
    .execute(pool)
    .await?
    .rows_affected())
}

/// The network an address belongs to, as "usual network" for sign-in: IPv4 /24, IPv6 /64.
pub fn network_of(ip: &str) -> Option<String> {
    match ip.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            Some(format!("{a}.{b}.{c}.0/24"))
        }
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            Some(format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3]))
        }
    }
}

/// Remembers that the account signed in from this address's network.
pub async fn remember_network(pool: &PgPool, email: &str, ip: &str) -> sqlx::Result<()> {
    let Some(network) = network_of(ip) else { return Ok(()) };
    sqlx::query(
        "INSERT INTO sign_in_networks (email, network) VALUES ($1, $2)
         ON CONFLICT (email, network) DO UPDATE SET last_seen = now()",
    )
    .bind(email)
    .bind(network)
    .execute(pool)
    .await?;
    Ok(())
}

/// Whether the account signed in from this address's network within the last 90 days.
pub async fn is_known_network(pool: &PgPool, email: &str, ip: &str) -> sqlx::Result<bool> {
    let Some(network) = network_of(ip) else { return Ok(false) };
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sign_in_networks WHERE email = $1 AND network = $2
                        AND last_seen > now() - interval '90 days')",
    )
    .bind(email)
    .bind(network)
    .fetch_one(pool)
    .await
}
