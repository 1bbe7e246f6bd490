//! The built-in identity provider (the default): accounts in Postgres, argon2id hashes, e-mail codes
//! through the mail port, TOTP per RFC 6238.
use super::provider::*;
use super::secrets::{self, code_hash, constant_time_eq, unix_now};
use crate::accounts::model::{PasswordPolicy, Role};
use crate::types::Email;
use crate::mail::ssr::{Mail, Mailer};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::sync::Arc;

/// A code is good for this long and this many wrong tries.
const CODE_TTL_MINUTES: i64 = 15;
const CODE_MAX_ATTEMPTS: i32 = 5;

pub struct BuiltinProvider {
    pool: PgPool,
    mailer: Arc<dyn Mailer>,
    policy: PasswordPolicy,
    issuer: String,
}

#[derive(sqlx::FromRow)]
struct Account {
    id: uuid::Uuid,
    email: String,
    password_hash: String,
    email_verified: bool,
    role: String,
    disabled: bool,
    totp_secret: Option<String>,
    totp_enabled: bool,
}

const ACCOUNT_COLUMNS: &str =
    "id, email::text AS email, password_hash, email_verified, role, disabled, totp_secret, totp_enabled";

#[derive(Clone, Copy)]
enum Purpose {
    Confirm,
    Reset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Confirm => "confirm",
            Purpose::Reset => "reset",
        }
    }
}

fn db(e: sqlx::Error) -> AuthError {
    AuthError::Internal(e.to_string())
}

impl BuiltinProvider {
    pub fn new(pool: PgPool, mailer: Arc<dyn Mailer>, policy: PasswordPolicy, issuer: String) -> Self {
        BuiltinProvider { pool, mailer, policy, issuer }
    }

    /// Creates a confirmed account directly (demo seed and tests).
    pub async fn create_confirmed(&self, email: &Email, password: &str, role: Role) -> Result<(), AuthError> {
        let hash = secrets::hash_password(password).await.map_err(AuthError::Internal)?;
        sqlx::query(
            "INSERT INTO builtin_accounts (email, password_hash, email_verified, role) VALUES ($1, $2, true, $3)
             ON CONFLICT (email) DO NOTHING",
        )
        .bind(email.as_str())
        .bind(hash)
        .bind(role.as_str())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }


    /// Runs a one-row UPDATE keyed by the account id.
    async fn update(&self, sql: &str, id: uuid::Uuid) -> Result<(), AuthError> {
        sqlx::query(sql).bind(id).execute(&self.pool).await.map_err(db)?;
        Ok(())
    }

    async fn by_email(&self, email: &Email) -> Result<Option<Account>, AuthError> {
        sqlx::query_as(&format!("SELECT {ACCOUNT_COLUMNS} FROM builtin_accounts WHERE email = $1"))
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)
    }

    async fn by_id(&self, id: &str) -> Result<Option<Account>, AuthError> {
        let Ok(id) = uuid::Uuid::parse_str(id) else { return Ok(None) };
        sqlx::query_as(&format!("SELECT {ACCOUNT_COLUMNS} FROM builtin_accounts WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)
    }

    async fn by_credentials(&self, credentials: &Credentials) -> Result<Option<Account>, AuthError> {
        let Credentials::Builtin { account_id, issued_at_micros } = credentials else {
            return Err(AuthError::SessionExpired);
        };
        let Ok(id) = uuid::Uuid::parse_str(account_id) else { return Ok(None) };
        sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM builtin_accounts
             WHERE id = $1 AND NOT disabled AND sessions_valid_after <= to_timestamp($2::float8 / 1e6)"
        ))
        .bind(id)
        .bind(*issued_at_micros as f64)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)
    }

    async fn signed_in(&self, account: &Account) -> Result<SignInStep, AuthError> {
        let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(&self.pool).await.map_err(db)?;
        Ok(SignInStep::Done(Box::new(SignedIn {
            identity: identity(account),
            credentials: Credentials::Builtin {
                account_id: account.id.to_string(),
                issued_at_micros: now.timestamp_micros(),
            },
        })))
    }

    async fn send_code(&self, account: &Account, purpose: Purpose) -> Result<(), AuthError> {
        let code = secrets::new_email_code();
        sqlx::query(
            "INSERT INTO builtin_codes (account_id, purpose, code_hash, expires_at)
             VALUES ($1, $2, $3, now() + make_interval(mins => $4))
             ON CONFLICT (account_id, purpose) DO UPDATE
               SET code_hash = EXCLUDED.code_hash, expires_at = EXCLUDED.expires_at, attempts = 0",
        )
        .bind(account.id)
        .bind(purpose.as_str())
        .bind(code_hash(&account.id.to_string(), &code))
        .bind(CODE_TTL_MINUTES as i32)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        let (subject, what) = match purpose {
            Purpose::Confirm => ("Confirm your e-mail address", "confirm your e-mail address"),
            Purpose::Reset => ("Reset your password", "choose a new password"),
        };
        let body = format!(
            "Your code to {what} at {issuer} is:\n\n    {code}\n\nIt expires in {CODE_TTL_MINUTES} minutes. \
             If you did not ask for it, you can ignore this message.\n",
            issuer = self.issuer
        );
        self.mailer
            .send(Mail { to: account.email.clone(), subject: format!("{subject} — {}", self.issuer), body })
            .await
            .map_err(|e| AuthError::Internal(e.to_string()))
    }

    /// Checks and consumes a code in one transaction; wrong tries are counted.
    async fn use_code(&self, account: &Account, purpose: Purpose, code: &str) -> Result<(), AuthError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let row: Option<(String, bool, i32)> = sqlx::query_as(
            "SELECT code_hash, expires_at < now(), attempts FROM builtin_codes
             WHERE account_id = $1 AND purpose = $2 FOR UPDATE",
        )
        .bind(account.id)
        .bind(purpose.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some((stored, expired, attempts)) = row else { return Err(AuthError::ExpiredCode) };
        if expired || attempts >= CODE_MAX_ATTEMPTS {
            return Err(AuthError::ExpiredCode);
        }
        let given = code_hash(&account.id.to_string(), code);
        if !constant_time_eq(given.as_bytes(), stored.as_bytes()) {
            sqlx::query("UPDATE builtin_codes SET attempts = attempts + 1 WHERE account_id = $1 AND purpose = $2")
                .bind(account.id)
                .bind(purpose.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            tx.commit().await.map_err(db)?;
            return Err(AuthError::WrongCode);
        }
        sqlx::query("DELETE FROM builtin_codes WHERE account_id = $1 AND purpose = $2")
            .bind(account.id)
            .bind(purpose.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    /// Accepts a TOTP code once: the step it belongs to must be later than the last one used.
    async fn use_totp(&self, account: &Account, secret: &str, code: &str) -> Result<(), AuthError> {
        let step = secrets::totp_step(secret, code, unix_now()).ok_or(AuthError::WrongCode)?;
        let updated = sqlx::query(
            "UPDATE builtin_accounts SET totp_last_step = $2
             WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        )
        .bind(account.id)
        .bind(step as i64)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        if updated.rows_affected() == 1 { Ok(()) } else { Err(AuthError::WrongCode) }
    }

    async fn set_password(&self, id: uuid::Uuid, password: &str) -> Result<DateTime<Utc>, AuthError> {
        let hash = secrets::hash_password(password).await.map_err(AuthError::Internal)?;
        sqlx::query_scalar(
            "UPDATE builtin_accounts SET password_hash = $2, sessions_valid_after = now() WHERE id = $1
             RETURNING sessions_valid_after",
        )
        .bind(id)
        .bind(hash)
        .fetch_one(&self.pool)
        .await
        .map_err(db)
    }
}

fn identity(a: &Account) -> Identity {
    // An unknown stored name cannot happen (CHECK) and would grant nothing.
    let role = Role::parse(&a.role).unwrap_or_default();
    Identity { subject: a.id.to_string(), email: a.email.clone(), role, two_factor: a.totp_enabled }
}

#[async_trait::async_trait]
impl IdentityProvider for BuiltinProvider {
    fn name(&self) -> &'static str {
        "builtin"
    }

    fn password_policy(&self) -> &PasswordPolicy {
        &self.policy
    }

    async fn sign_up(&self, email: &Email, password: &str) -> Result<(), AuthError> {
        let hash = secrets::hash_password(password).await.map_err(AuthError::Internal)?;
        // Signing up again for an address nobody has confirmed replaces the password (and the code):
        // the person who then proves the mailbox is the one whose password counts.
        let inserted: Option<uuid::Uuid> = sqlx::query_scalar(
            "INSERT INTO builtin_accounts (email, password_hash) VALUES ($1, $2)
             ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, created_at = now()
             WHERE NOT builtin_accounts.email_verified
             RETURNING id",
        )
        .bind(email.as_str())
        .bind(hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        if inserted.is_none() {
            return Err(AuthError::AccountExists);
        }
        let account = self.by_email(email).await?.ok_or_else(|| AuthError::Internal("account vanished".into()))?;
        self.send_code(&account, Purpose::Confirm).await
    }

    async fn confirm_sign_up(&self, email: &Email, code: &str) -> Result<(), AuthError> {
        let Some(account) = self.by_email(email).await? else { return Err(AuthError::WrongCode) };
        if account.email_verified {
            return Ok(());
        }
        self.use_code(&account, Purpose::Confirm, code).await?;
        self.update("UPDATE builtin_accounts SET email_verified = true WHERE id = $1", account.id).await?;
        Ok(())
    }

    async fn resend_confirmation(&self, email: &Email) -> Result<(), AuthError> {
        match self.by_email(email).await? {
            Some(account) if !account.email_verified => self.send_code(&account, Purpose::Confirm).await,
            _ => Ok(()),
        }
    }

    async fn sign_in(&self, email: &Email, password: &str) -> Result<SignInStep, AuthError> {
        let account = self.by_email(email).await?;
        let ok = secrets::verify_password(password, account.as_ref().map(|a| a.password_hash.clone())).await;
        let Some(account) = account.filter(|_| ok) else { return Err(AuthError::InvalidCredentials) };
        if account.disabled {
            return Err(AuthError::Disabled);
        }
        if !account.email_verified {
            return Err(AuthError::NotConfirmed);
        }
        if account.totp_enabled {
            return Ok(SignInStep::TotpRequired(Challenge { email: account.email, token: account.id.to_string() }));
        }
        self.signed_in(&account).await
    }

    async fn answer_totp(&self, challenge: &Challenge, code: &str) -> Result<SignInStep, AuthError> {
        let Some(account) = self.by_id(&challenge.token).await? else { return Err(AuthError::SessionExpired) };
        if account.disabled {
            return Err(AuthError::Disabled);
        }
        let secret = account.totp_secret.clone().filter(|_| account.totp_enabled).ok_or(AuthError::SessionExpired)?;
        self.use_totp(&account, &secret, code).await?;
        self.signed_in(&account).await
    }

    async fn answer_new_password(&self, _: &Challenge, _: &str) -> Result<SignInStep, AuthError> {
        // The built-in provider never asks for one.
        Err(AuthError::SessionExpired)
    }

    async fn check(&self, credentials: &Credentials) -> Result<Option<(Identity, Option<Credentials>)>, AuthError> {
        Ok(self.by_credentials(credentials).await?.map(|a| (identity(&a), None)))
    }

    async fn sign_out_everywhere(&self, credentials: &Credentials) -> Result<(), AuthError> {
        if let Credentials::Builtin { account_id, .. } = credentials
            && let Ok(id) = uuid::Uuid::parse_str(account_id)
        {
            self.update("UPDATE builtin_accounts SET sessions_valid_after = now() WHERE id = $1", id).await?;
        }
        Ok(())
    }

    async fn forgot_password(&self, email: &Email) -> Result<(), AuthError> {
        match self.by_email(email).await? {
            Some(account) if !account.disabled => self.send_code(&account, Purpose::Reset).await,
            _ => Ok(()),
        }
    }

    async fn confirm_forgot_password(&self, email: &Email, code: &str, new_password: &str) -> Result<(), AuthError> {
        let Some(account) = self.by_email(email).await? else { return Err(AuthError::WrongCode) };
        self.use_code(&account, Purpose::Reset, code).await?;
        self.set_password(account.id, new_password).await?;
        // Receiving the code proved the address.
        self.update("UPDATE builtin_accounts SET email_verified = true WHERE id = $1", account.id).await?;
        Ok(())
    }

    async fn change_password(
        &self,
        credentials: &Credentials,
        old_password: &str,
        new_password: &str,
    ) -> Result<Option<Credentials>, AuthError> {
        let account = self.by_credentials(credentials).await?.ok_or(AuthError::SessionExpired)?;
        if !secrets::verify_password(old_password, Some(account.password_hash.clone())).await {
            return Err(AuthError::InvalidCredentials);
        }
        let valid_after = self.set_password(account.id, new_password).await?;
        Ok(Some(Credentials::Builtin {
            account_id: account.id.to_string(),
            issued_at_micros: valid_after.timestamp_micros(),
        }))
    }

    async fn begin_totp(&self, credentials: &Credentials) -> Result<String, AuthError> {
        let account = self.by_credentials(credentials).await?.ok_or(AuthError::SessionExpired)?;
        if account.totp_enabled {
            return Err(AuthError::Internal("two-factor sign-in is already on".into()));
        }
        let secret = secrets::new_totp_secret();
        sqlx::query("UPDATE builtin_accounts SET totp_secret = $2 WHERE id = $1 AND NOT totp_enabled")
            .bind(account.id)
            .bind(&secret)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(secret)
    }

    async fn enable_totp(&self, credentials: &Credentials, code: &str) -> Result<(), AuthError> {
        let account = self.by_credentials(credentials).await?.ok_or(AuthError::SessionExpired)?;
        let secret = account.totp_secret.clone().ok_or(AuthError::SessionExpired)?;
        self.use_totp(&account, &secret, code).await?;
        self.update("UPDATE builtin_accounts SET totp_enabled = true WHERE id = $1", account.id).await?;
        Ok(())
    }

    async fn account_state(&self, email: &Email) -> Result<Option<AccountState>, AuthError> {
        Ok(self.by_email(email).await?.map(|a| AccountState {
            disabled: a.disabled,
            confirmed: a.email_verified,
            two_factor: a.totp_enabled,
            role: Role::parse(&a.role).unwrap_or_default(),
        }))
    }

    async fn set_disabled(&self, email: &Email, disabled: bool) -> Result<(), AuthError> {
        // Sessions issued before now are void either way: a disabled account is signed out at once.
        let done = sqlx::query("UPDATE builtin_accounts SET disabled = $2, sessions_valid_after = now() WHERE email = $1")
            .bind(email.as_str())
            .bind(disabled)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 { Err(AuthError::InvalidCredentials) } else { Ok(()) }
    }

    async fn set_role(&self, email: &Email, role: Role) -> Result<(), AuthError> {
        // The role is read on every request, so it applies at once without ending sessions.
        let done = sqlx::query("UPDATE builtin_accounts SET role = $2 WHERE email = $1")
            .bind(email.as_str())
            .bind(role.as_str())
            .execute(&self.pool)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 { Err(AuthError::InvalidCredentials) } else { Ok(()) }
    }
}
