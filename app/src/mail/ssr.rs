use super::StoredMail;
use sqlx::PgPool;

/// One plain-text message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
#[error("mail could not be sent: {0}")]
pub struct MailError(pub String);

#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: Mail) -> Result<(), MailError>;
}

/// Stores every message in `dev_mailbox` instead of sending it.
#[derive(Clone, Debug)]
pub struct DevMailbox {
    pool: PgPool,
}

impl DevMailbox {
    pub fn new(pool: PgPool) -> Self {
        DevMailbox { pool }
    }

    /// The newest messages, optionally for one recipient.
    pub async fn recent(pool: &PgPool, to: Option<&str>, limit: i64) -> sqlx::Result<Vec<StoredMail>> {
        let rows: Vec<(i64, String, String, String, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
            "SELECT id, to_address, subject, body, sent_at FROM dev_mailbox
             WHERE $1::text IS NULL OR lower(to_address) = lower($1)
             ORDER BY id DESC LIMIT $2",
        )
        .bind(to)
        .bind(limit)
        .fetch_all(pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, to, subject, body, sent_at)| StoredMail {
                id,
                to,
                subject,
                body,
                sent_at: sent_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            })
            .collect())
    }
}

#[async_trait::async_trait]
impl Mailer for DevMailbox {
    async fn send(&self, mail: Mail) -> Result<(), MailError> {
        sqlx::query("INSERT INTO dev_mailbox (to_address, subject, body) VALUES ($1, $2, $3)")
            .bind(&mail.to)
            .bind(&mail.subject)
            .bind(&mail.body)
            .execute(&self.pool)
            .await
            .map_err(|e| MailError(e.to_string()))?;
        tracing::info!(to = %mail.to, subject = %mail.subject, "mail stored in the dev mailbox");
        Ok(())
    }
}
