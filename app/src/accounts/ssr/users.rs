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
