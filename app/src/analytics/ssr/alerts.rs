//! Staff alerts: variants of products on sale (key pools too: a keyed variant's stock is its keys
//! left) at or below their low-stock threshold, and jobs that failed for good. The dashboard shows
//! them as cards; a daily e-mail (job `alerts.daily`, once per shop day) tells the staff when
//! there is something to tell.
use crate::analytics::{Alerts, LowStock};
use crate::mail::ssr::{Mail, Mailer};
use crate::platform::jobs::{Job, JobError, JobHandler};
use sqlx::{PgConnection, PgPool};
use std::sync::Arc;

/// The job that sends the day's alerts.
pub const DAILY_JOB: &str = "alerts.daily";

/// The alerts as they stand now (at most 50 variants, the emptiest first).
pub async fn current(conn: &mut PgConnection) -> sqlx::Result<Alerts> {
    let low: Vec<(i64, i64, String, i32, i32, bool)> = sqlx::query_as(
        "SELECT v.id, p.id, p.name || coalesce(' · ' || nullif(concat_ws(' · ', v.platform, v.edition, v.metal, 'size ' || v.ring_size), ''), ''),
                v.stock, v.low_stock_threshold, v.keyed
         FROM variants v JOIN products p ON p.id = v.product_id
         WHERE p.status = 'active' AND v.stock <= v.low_stock_threshold
         ORDER BY v.stock, p.name, v.id LIMIT 50",
    )
    .fetch_all(&mut *conn)
    .await?;
    let dead_jobs: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status = 'dead'").fetch_one(&mut *conn).await?;
    let low_stock_count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM variants v JOIN products p ON p.id = v.product_id WHERE p.status = 'active' AND v.stock <= v.low_stock_threshold",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Alerts {
        low_stock: low
            .into_iter()
            .map(|(variant_id, product_id, name, stock, threshold, keyed)| LowStock { variant_id, product_id, name, stock: stock as i64, threshold: threshold as i64, keyed })
            .collect(),
        low_stock_count,
        dead_jobs,
    })
}

/// Queues today's alert e-mail once it is `hour` o'clock or later in the shop's time zone (once
/// per shop day, however often this runs).
pub async fn schedule_daily(pool: &PgPool, time_zone: &str, hour: u32) -> sqlx::Result<bool> {
    let (day, now_hour): (chrono::NaiveDate, i32) =
        sqlx::query_as("SELECT (now() AT TIME ZONE $1)::date, extract(hour FROM now() AT TIME ZONE $1)::int").bind(time_zone).fetch_one(pool).await?;
    if now_hour < hour as i32 {
        return Ok(false);
    }
    let mut conn = pool.acquire().await?;
    crate::platform::jobs::enqueue(&mut conn, DAILY_JOB, serde_json::json!({ "day": day }), Some(&format!("{DAILY_JOB}:{day}"))).await?;
    Ok(true)
}

/// The alert e-mail's text, or none when all is well.
pub fn email_body(a: &Alerts, shop: &str, base_url: &str) -> Option<String> {
    if a.low_stock.is_empty() && a.dead_jobs == 0 {
        return None;
    }
    let base = base_url.trim_end_matches('/');
    let mut body = format!("Good morning from {shop}. Things that need someone:\n");
    if !a.low_stock.is_empty() {
        body.push_str(&format!("\nLow stock (at or below its threshold): {} in all, the emptiest:\n", a.low_stock_count));
        for s in &a.low_stock {
            let what = if s.keyed { "keys left" } else { "in stock" };
            body.push_str(&format!("- {}: {} {what} (threshold {}) {base}/admin/products/{}\n", s.name, s.stock, s.threshold, s.product_id));
        }
    }
    if a.dead_jobs > 0 {
        body.push_str(&format!("\n{} background job(s) failed for good (e-mails, refunds, keys): look at the orders' timelines.\n", a.dead_jobs));
    }
    body.push_str(&format!("\nThe dashboard: {base}/admin\n"));
    Some(body)
}

/// Sends the day's alerts to the staff.
pub struct AlertMail {
    pub pool: PgPool,
    pub mailer: Arc<dyn Mailer>,
    /// Who gets it; empty: the built-in provider's admins.
    pub recipients: Vec<String>,
    pub shop_name: String,
    pub base_url: String,
}

#[async_trait::async_trait]
impl JobHandler for AlertMail {
    #[tracing::instrument(name = "job", skip_all, err, fields(id = job.id, kind = %job.kind, attempt = job.attempts + 1))]
    async fn handle(&self, conn: &mut PgConnection, job: &Job) -> Result<(), JobError> {
        if job.kind != DAILY_JOB {
            return Err(JobError::UnknownKind(job.kind.clone()));
        }
        let alerts = current(conn).await?;
        let Some(body) = email_body(&alerts, &self.shop_name, &self.base_url) else {
            tracing::info!("no alerts today");
            return Ok(());
        };
        let to: Vec<String> = if self.recipients.is_empty() {
            sqlx::query_scalar("SELECT email::text FROM builtin_accounts WHERE role = 'admin' AND NOT disabled ORDER BY email").fetch_all(&mut *conn).await?
        } else {
            self.recipients.clone()
        };
        let subject = format!("{} low-stock item(s), {} failed job(s) — {}", alerts.low_stock_count, alerts.dead_jobs, self.shop_name);
        for address in to {
            self.mailer.send(Mail { to: address, subject: subject.clone(), body: body.clone() }).await.map_err(JobError::failed)?;
        }
        Ok(())
    }
}
