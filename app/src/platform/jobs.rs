//! A durable job queue in Postgres. Jobs are written in the same transaction as the change that
//! causes them (so a committed order always has its e-mails queued), claimed with
//! `FOR UPDATE SKIP LOCKED` (so several workers never run one job twice at once), retried with
//! exponential back-off, and parked as `dead` after `max_attempts`.
//!
//! Hand-written rather than a queue crate: enqueueing must join the caller's transaction and the
//! handler's own database work must commit atomically with the job's completion; that is the whole
//! of it, in about a hundred lines.
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use std::time::Duration;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: Value,
    pub attempts: i32,
    pub max_attempts: i32,
}

/// Queues a job inside the caller's transaction. With a `dedupe_key` the same effect is queued once.
pub async fn enqueue(conn: &mut PgConnection, kind: &str, payload: Value, dedupe_key: Option<&str>) -> sqlx::Result<()> {
    enqueue_after(conn, kind, payload, dedupe_key, 0).await
}

/// As [`enqueue`], due `delay_secs` from now.
pub async fn enqueue_after(
    conn: &mut PgConnection,
    kind: &str,
    payload: Value,
    dedupe_key: Option<&str>,
    delay_secs: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO jobs (kind, payload, dedupe_key, run_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(kind)
    .bind(payload)
    .bind(dedupe_key)
    .bind(delay_secs as f64)
    .execute(conn)
    .await?;
    Ok(())
}

/// Why one attempt of a job failed: recorded in `last_error` and logged once by the worker; the job
/// is retried with back-off until it is dead.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// The payload lacks a field or has a wrong one (retrying will not help; it dies after its tries).
    #[error("job {job}: bad payload: {what}")]
    Payload { job: i64, what: String },
    #[error("unknown job kind {0}")]
    UnknownKind(String),
    /// An adapter said no or could not be reached (mail server, payment provider, key pool).
    #[error("{0}")]
    Failed(String),
}

impl JobError {
    pub fn failed(e: impl std::fmt::Display) -> JobError {
        JobError::Failed(e.to_string())
    }
}

/// Does a job's work. Database changes made through `conn` commit together with the job's completion.
#[async_trait::async_trait]
pub trait JobHandler: Send + Sync {
    async fn handle(&self, conn: &mut PgConnection, job: &Job) -> Result<(), JobError>;
}

/// Seconds to wait before attempt `n + 1`: 2, 4, 8 … up to an hour.
pub fn backoff_secs(attempts: i32) -> i64 {
    2i64.saturating_pow(attempts.clamp(1, 30) as u32).min(3600)
}

/// Runs one due job if there is one; `Ok(true)` when a job was run (whatever its outcome).
/// Which jobs a worker takes: photo rendering (seconds of CPU each) has its own lane, so it never
/// holds up order e-mails and key assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    General,
    Photos,
}

/// Runs the next due job of the general lane (see [`run_one_in`]).
pub async fn run_one(pool: &PgPool, handler: &dyn JobHandler) -> sqlx::Result<bool> {
    run_one_in(pool, handler, Lane::General).await
}

pub async fn run_one_in(pool: &PgPool, handler: &dyn JobHandler, lane: Lane) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let job: Option<Job> = sqlx::query_as(
        "SELECT id, kind, payload, attempts, max_attempts FROM jobs
         WHERE status = 'queued' AND run_at <= now() AND (kind LIKE 'photo.%') = $1
         ORDER BY run_at, id FOR UPDATE SKIP LOCKED LIMIT 1",
    )
    .bind(lane == Lane::Photos)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(job) = job else { return Ok(false) };
    // The handler's database work is in a savepoint: on failure it is undone, the retry is recorded.
    let mut work = sqlx::Acquire::begin(&mut *tx).await?;
    match handler.handle(&mut work, &job).await {
        Ok(()) => {
            work.commit().await?;
            sqlx::query("UPDATE jobs SET status = 'done', attempts = attempts + 1, done_at = now(), last_error = NULL WHERE id = $1")
                .bind(job.id)
                .execute(&mut *tx)
                .await?;
        }
        Err(error) => {
            work.rollback().await?;
            let attempts = job.attempts + 1;
            let dead = attempts >= job.max_attempts;
            // The handler logged the error (its `#[instrument(err)]`); this is only the outcome.
            if dead {
                tracing::error!(job = job.id, kind = %job.kind, attempts, "job given up: no attempts left");
            }
            sqlx::query(
                "UPDATE jobs SET attempts = $2, last_error = $3,
                   status = CASE WHEN $4 THEN 'dead' ELSE 'queued' END,
                   run_at = now() + make_interval(secs => $5)
                 WHERE id = $1",
            )
            .bind(job.id)
            .bind(attempts)
            .bind(error.to_string().chars().take(2000).collect::<String>())
            .bind(dead)
            .bind(backoff_secs(attempts) as f64)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// Runs jobs until the process stops: busy while there is work, a short nap when there is none.
pub fn spawn_worker(pool: PgPool, handler: std::sync::Arc<dyn JobHandler>) {
    spawn_worker_in(pool, handler, Lane::General)
}

pub fn spawn_worker_in(pool: PgPool, handler: std::sync::Arc<dyn JobHandler>, lane: Lane) {
    tokio::spawn(async move {
        loop {
            match run_one_in(&pool, handler.as_ref(), lane).await {
                Ok(true) => continue,
                Ok(false) => tokio::time::sleep(Duration::from_millis(500)).await,
                Err(e) => {
                    tracing::error!(error = %e, "job worker: database error");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
            }
        }
    });
}
