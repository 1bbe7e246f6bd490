//! The mail port. Production sends through SMTP (`SmtpMailer`, lettre); development, tests
//! and the demo use the dev mailbox: mail stored in Postgres and shown at `/dev/mailbox`.
#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

/// A message as shown in the dev mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub sent_at: String,
}
