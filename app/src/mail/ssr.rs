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
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            to_address: String,
            subject: String,
            body: String,
            sent_at: chrono::DateTime<chrono::Utc>,
        }
        let rows: Vec<Row> = sqlx::query_as(
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
            .map(|r| StoredMail {
                id: r.id,
                to: r.to_address,
                subject: r.subject,
                body: r.body,
                sent_at: r.sent_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
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

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    Starttls,
    /// No encryption: only for a relay on the same host or network (and the test server).
    None,
}

/// `mail.smtp.*`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<crate::types::Secret>,
    /// The sender, e.g. `Rust Shop <orders@shop.example>`.
    pub from: String,
}

/// Sends through an SMTP server (lettre, pooled connections).
pub struct SmtpMailer {
    transport: lettre::AsyncSmtpTransport<lettre::Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl SmtpMailer {
    pub fn new(s: &SmtpSettings) -> Result<SmtpMailer, MailError> {
        use lettre::{transport::smtp::authentication::Credentials, AsyncSmtpTransport, Tokio1Executor};
        let err = |e: lettre::transport::smtp::Error| MailError(e.to_string());
        let builder = match s.security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host).map_err(err)?,
            SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host).map_err(err)?,
            SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
        };
        let mut builder = builder.port(s.port).timeout(Some(std::time::Duration::from_secs(20)));
        if let (Some(user), Some(password)) = (&s.username, &s.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        let from = s.from.parse().map_err(|e| MailError(format!("mail.smtp.from: {e}")))?;
        Ok(SmtpMailer { transport: builder.build(), from })
    }
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: Mail) -> Result<(), MailError> {
        use lettre::{message::header::ContentType, AsyncTransport, Message};
        let to = mail.to.parse().map_err(|e| MailError(format!("recipient {}: {e}", mail.to)))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body)
            .map_err(|e| MailError(e.to_string()))?;
        self.transport.send(message).await.map_err(|e| MailError(e.to_string()))?;
        tracing::info!(to = %mail.to, subject = %mail.subject, "mail sent over SMTP");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SMTP server `scripts/test` starts (aiosmtpd writing a maildir), or `None` (skipping)
    /// outside CI when it is not running.
    fn smtp_server() -> Option<(u16, std::path::PathBuf)> {
        match (std::env::var("SHOP_TEST_SMTP_PORT"), std::env::var("SHOP_TEST_SMTP_MAILDIR")) {
            (Ok(port), Ok(dir)) if !port.is_empty() => Some((port.parse().expect("a port"), dir.into())),
            _ if std::env::var("CI").is_ok_and(|v| !v.is_empty()) => {
                panic!("SHOP_TEST_SMTP_PORT is not set: run the tests with scripts/test, which starts the SMTP server")
            }
            _ => {
                eprintln!("skipping an SMTP test: SHOP_TEST_SMTP_PORT is not set (scripts/test sets it)");
                None
            }
        }
    }

    /// Every message in the maildir, raw.
    fn maildir_messages(dir: &std::path::Path) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(dir.join("new")) else { return vec![] };
        entries.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect()
    }

    #[tokio::test]
    async fn a_message_reaches_the_smtp_server_whole() {
        let Some((port, dir)) = smtp_server() else { return };
        let settings = SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            username: None,
            password: None,
            from: "Rust Shop <orders@shop.example>".into(),
        };
        let mailer = SmtpMailer::new(&settings).unwrap();
        let tag = uuid::Uuid::new_v4().simple().to_string();
        let body = format!("Thank you for your order #1001.\n\nTotal: 59.99 EUR — ünïcode ok\nref {tag}\n");
        mailer
            .send(Mail { to: "buyer@example.com".into(), subject: format!("Order confirmation {tag}"), body })
            .await
            .unwrap();
        let found = maildir_messages(&dir).into_iter().find(|m| m.contains(&tag)).expect("the message arrived");
        assert!(found.contains("From: \"Rust Shop\" <orders@shop.example>") || found.contains("From: Rust Shop <orders@shop.example>"), "{found}");
        assert!(found.contains("To: buyer@example.com"), "{found}");
        assert!(found.contains(&format!("Subject: Order confirmation {tag}")), "{found}");
        assert!(found.contains("text/plain"), "{found}");

        // A recipient that is not an address is refused before anything is sent.
        let bad = mailer.send(Mail { to: "not an address".into(), subject: "x".into(), body: "y".into() }).await;
        assert!(bad.is_err());
        // A server that is not there is an error (the job queue retries), not a hang or a panic.
        let gone = SmtpMailer::new(&SmtpSettings { port: 1, ..settings }).unwrap();
        assert!(gone.send(Mail { to: "buyer@example.com".into(), subject: "x".into(), body: "y".into() }).await.is_err());
    }
}
