//! Account rules around the identity provider: validation, rate limits, the server-side session
//! (a new id at sign-in, deleted at sign-out), and the messages a user is shown.
use super::provider::*;
use super::rate_limit::{self, AuthLimits, Limit};
use super::users;
use crate::accounts::model::{safe_next, MAX_PASSWORD_LEN};
use crate::types::Email;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tower_sessions::Session;

const USER: &str = "user";
const PENDING: &str = "pending_sign_in";
const FLOW_EMAIL: &str = "flow_email";
const TOTP_SETUP: &str = "totp_setup";
/// (address, attempt id) of the sign-up this browser made: the only one it may confirm.
const SIGNUP: &str = "signup_attempt";

/// A pending second step is abandoned after this long or this many wrong codes.
const PENDING_TTL_SECS: u64 = 300;
const PENDING_MAX_ATTEMPTS: u32 = 5;

/// Who the session belongs to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionUser {
    pub user_id: uuid::Uuid,
    pub identity: Identity,
    pub credentials: Credentials,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingStep {
    Totp,
    NewPassword,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    step: PendingStep,
    challenge: Challenge,
    next: String,
    attempts: u32,
    started_at: u64,
}

/// Everything an account action needs from the request.
pub struct Accounts<'a> {
    pub provider: std::sync::Arc<dyn IdentityProvider>,
    pub pool: &'a PgPool,
    pub limits: std::sync::Arc<AuthLimits>,
    /// Told of every sign-in (see [`super::SignInHook`]).
    pub hooks: super::SignInHooks,
    pub session: &'a Session,
    /// The client's IP address as text (rate-limit key).
    pub ip: &'a str,
}

use crate::platform::request::session_err;

/// The message a user sees for a provider failure.
pub fn user_error(e: AuthError) -> AppError {
    match e {
        AuthError::InvalidCredentials => {
            AppError::Unauthorized("That e-mail address and password don't match an account.".into())
        }
        AuthError::NotConfirmed => AppError::Unauthorized("Please confirm your e-mail address first.".into()),
        AuthError::AccountExists => AppError::Conflict(
            "An account with this e-mail address already exists. Sign in, or reset the password if you forgot it."
                .into(),
        ),
        AuthError::WeakPassword(m) if m.is_empty() => {
            AppError::BadRequest("This password does not meet the password rules.".into())
        }
        AuthError::WeakPassword(m) => AppError::BadRequest(m),
        AuthError::WrongCode => {
            AppError::BadRequest("That code is not right. Check the newest message and try again.".into())
        }
        AuthError::ExpiredCode => AppError::BadRequest(
            "That code has expired or was tried too often. Ask for a new code and try again.".into(),
        ),
        AuthError::Disabled => AppError::Unauthorized("This account is disabled. Please contact support.".into()),
        AuthError::SessionExpired => {
            AppError::Unauthorized("Your sign-in step expired. Please sign in again.".into())
        }
        AuthError::Throttled => AppError::TooManyRequests { retry_after_secs: 60 },
        AuthError::Internal(m) => AppError::internal(format!("identity provider: {m}")),
    }
}

pub fn parse_email(raw: &str) -> Result<Email, AppError> {
    Email::parse(raw).map_err(AppError::BadRequest)
}

fn password_field(p: &str) -> Result<&str, AppError> {
    if p.is_empty() {
        return Err(AppError::BadRequest("Enter your password.".into()));
    }
    if p.len() > MAX_PASSWORD_LEN {
        return Err(AppError::BadRequest(format!("Use at most {MAX_PASSWORD_LEN} characters.")));
    }
    Ok(p)
}

fn code_field(c: &str) -> Result<String, AppError> {
    let c: String = c.chars().filter(|ch| !ch.is_whitespace()).collect();
    if c.is_empty() || c.len() > 64 || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == ':') {
        return Err(AppError::BadRequest("Enter the code exactly as you received it.".into()));
    }
    Ok(c)
}

impl Accounts<'_> {
    async fn limit(&self, key: String, limit: Limit) -> Result<(), AppError> {
        match rate_limit::hit(self.pool, &key, limit).await? {
            Ok(()) => Ok(()),
            Err(retry_after_secs) => {
                // The refusal is logged where it leaves (AppError::log); which limit, only when debugging.
                tracing::debug!(%key, "rate limit reached");
                Err(AppError::TooManyRequests { retry_after_secs })
            }
        }
    }

    async fn limit_ip(&self, action: &str, limit: Limit) -> Result<(), AppError> {
        self.limit(format!("{action}:ip:{}", self.ip), limit).await
    }

    async fn limit_account(&self, action: &str, email: &Email, limit: Limit) -> Result<(), AppError> {
        self.limit(format!("{action}:account:{email}"), limit).await
    }

    /// Both limits of an action: per client IP, then per account.
    async fn limit_both(&self, action: &str, email: &Email, per_ip: Limit, per_account: Limit) -> Result<(), AppError> {
        self.limit_ip(action, per_ip).await?;
        self.limit_account(action, email, per_account).await
    }

    /// The address the current flow (confirm, reset) is about.
    pub async fn flow_email(&self) -> Result<Option<String>, AppError> {
        self.session.get(FLOW_EMAIL).await.map_err(session_err)
    }

    async fn set_flow_email(&self, email: &Email) -> Result<(), AppError> {
        self.session.insert(FLOW_EMAIL, email.as_str()).await.map_err(session_err)
    }

    pub async fn sign_up(&self, email: &str, password: &str) -> Result<String, AppError> {
        let email = parse_email(email)?;
        self.provider.password_policy().check(password).map_err(AppError::BadRequest)?;
        self.limit_ip("sign-up", self.limits.sign_up_per_ip).await?;
        self.provider.sign_up(&email, password).await.map_err(user_error)?;
        self.bind_signup(&email).await?;
        self.set_flow_email(&email).await?;
        crate::platform::request::notice(self.session, &format!("We sent a code to {email}. Enter it below to confirm your address.")).await?;
        Ok("/account/confirm".into())
    }

    /// This browser made the newest sign-up attempt for `email` (or proved its password): it alone
    /// may confirm it, so whoever proves the mailbox confirms their own password, never a
    /// stranger's who typed the address first.
    async fn bind_signup(&self, email: &Email) -> Result<(), AppError> {
        let attempt = users::begin_signup_attempt(self.pool, email.as_str()).await?;
        self.session.insert(SIGNUP, (email.as_str(), attempt)).await.map_err(session_err)
    }

    pub async fn confirm(&self, email: &str, code: &str) -> Result<String, AppError> {
        let email = parse_email(email)?;
        let code = code_field(code)?;
        self.limit_both("code", &email, self.limits.code_per_ip, self.limits.code_per_account).await?;
        let mine: Option<(String, uuid::Uuid)> = self.session.get(SIGNUP).await.map_err(session_err)?;
        let bound = match mine {
            Some((e, attempt)) if e == email.as_str() => users::signup_attempt_is_current(self.pool, e.as_str(), attempt).await?,
            _ => false,
        };
        if !bound {
            return Err(AppError::Conflict(
                "Confirm your address in the browser where you signed up, or sign in there with your password. \
                 If you did not sign up yourself, sign up now to choose your own password."
                    .into(),
            ));
        }
        self.provider.confirm_sign_up(&email, &code).await.map_err(user_error)?;
        users::end_signup_attempt(self.pool, email.as_str()).await?;
        self.session.remove::<(String, uuid::Uuid)>(SIGNUP).await.map_err(session_err)?;
        self.set_flow_email(&email).await?;
        crate::platform::request::notice(self.session, "Your e-mail address is confirmed. You can sign in now.").await?;
        Ok("/account/sign-in".into())
    }

    pub async fn resend_code(&self, email: &str) -> Result<String, AppError> {
        let email = parse_email(email)?;
        self.limit_both("code", &email, self.limits.code_per_ip, self.limits.code_per_account).await?;
        self.provider.resend_confirmation(&email).await.map_err(user_error)?;
        self.set_flow_email(&email).await?;
        crate::platform::request::notice(self.session, &format!("If {email} is waiting for confirmation, a new code is on its way.")).await?;
        Ok("/account/confirm".into())
    }

    pub async fn sign_in(&self, email: &str, password: &str, next: Option<&str>) -> Result<String, AppError> {
        let email = parse_email(email)?;
        let password = password_field(password)?;
        self.limit_ip("sign-in", self.limits.sign_in_per_ip).await?;
        // Guessing is limited per account; attempts from a network the account signed in from
        // before count in a bucket of their own, so a stranger's wrong passwords cannot lock the
        // owner out at home (the trade-off: guesses from inside that network share the owner's bucket).
        let bucket = if users::is_known_network(self.pool, email.as_str(), self.ip).await? { "sign-in-known" } else { "sign-in" };
        self.limit_account(bucket, &email, self.limits.sign_in_per_account).await?;
        let next = safe_next(next);
        match self.provider.sign_in(&email, password).await {
            Ok(step) => self.after_step(step, next).await,
            Err(AuthError::NotConfirmed) => {
                // The password was right: send a fresh code and continue the confirmation here.
                self.bind_signup(&email).await?;
                self.provider.resend_confirmation(&email).await.map_err(user_error)?;
                self.set_flow_email(&email).await?;
                crate::platform::request::notice(self.session, "Please confirm your e-mail address first: we sent you a new code.").await?;
                Ok("/account/confirm".into())
            }
            Err(e) => Err(user_error(e)),
        }
    }

    async fn after_step(&self, step: SignInStep, next: String) -> Result<String, AppError> {
        let (pending_step, challenge) = match step {
            SignInStep::Done(signed) => {
                self.establish(*signed).await?;
                return Ok(next);
            }
            SignInStep::TotpRequired(c) => (PendingStep::Totp, c),
            SignInStep::NewPasswordRequired(c) => (PendingStep::NewPassword, c),
        };
        let pending = Pending {
            step: pending_step,
            challenge,
            next,
            attempts: 0,
            started_at: super::secrets::unix_now(),
        };
        self.session.insert(PENDING, &pending).await.map_err(session_err)?;
        Ok(match pending_step {
            PendingStep::Totp => "/account/sign-in/code".into(),
            PendingStep::NewPassword => "/account/new-password".into(),
        })
    }

    /// Signs the session in: a new session id (no fixation), then the user.
    async fn establish(&self, signed: SignedIn) -> Result<(), AppError> {
        let user_id = users::upsert_on_sign_in(self.pool, self.provider.name(), &signed.identity).await?;
        self.session.cycle_id().await.map_err(session_err)?;
        self.session.remove::<Pending>(PENDING).await.map_err(session_err)?;
        let user = SessionUser { user_id, identity: signed.identity, credentials: signed.credentials };
        self.session.insert(USER, &user).await.map_err(session_err)?;
        // What other homes do at sign-in (the guest cart merges, guest orders join the account):
        // they hear of it through the port, in the order the server wired them.
        for hook in self.hooks.iter() {
            hook.signed_in(self.pool, self.session, user_id, &user.identity.email).await?;
        }
        users::remember_network(self.pool, &user.identity.email, self.ip).await?;
        tracing::info!(%user_id, provider = self.provider.name(), "signed in");
        Ok(())
    }

    async fn pending(&self, step: PendingStep) -> Result<Pending, AppError> {
        let expired = || AppError::Unauthorized("Your sign-in step expired. Please sign in again.".into());
        let pending: Pending = self.session.get(PENDING).await.map_err(session_err)?.ok_or_else(expired)?;
        if pending.step != step || super::secrets::unix_now() > pending.started_at + PENDING_TTL_SECS {
            self.session.remove::<Pending>(PENDING).await.map_err(session_err)?;
            return Err(expired());
        }
        Ok(pending)
    }

    /// Whether a second sign-in step is waiting (for the code and new-password pages).
    pub async fn has_pending(&self, step: PendingStep) -> Result<bool, AppError> {
        Ok(self.pending(step).await.is_ok())
    }

    pub async fn sign_in_code(&self, code: &str) -> Result<String, AppError> {
        let mut pending = self.pending(PendingStep::Totp).await?;
        let code = code_field(code)?;
        let email = parse_email(&pending.challenge.email)?;
        self.limit_account("code", &email, self.limits.code_per_account).await?;
        match self.provider.answer_totp(&pending.challenge, &code).await {
            Ok(step) => self.after_step(step, pending.next).await,
            Err(e @ AuthError::WrongCode) if pending.attempts + 1 < PENDING_MAX_ATTEMPTS => {
                pending.attempts += 1;
                self.session.insert(PENDING, &pending).await.map_err(session_err)?;
                Err(user_error(e))
            }
            Err(e) => {
                // Too many wrong codes, or the provider's step ended: start over.
                self.session.remove::<Pending>(PENDING).await.map_err(session_err)?;
                Err(match e {
                    AuthError::WrongCode => AppError::Unauthorized(
                        "That code was wrong too many times. Please sign in again.".into(),
                    ),
                    e => user_error(e),
                })
            }
        }
    }

    pub async fn new_password(&self, password: &str) -> Result<String, AppError> {
        let pending = self.pending(PendingStep::NewPassword).await?;
        self.provider.password_policy().check(password).map_err(AppError::BadRequest)?;
        let step = self.provider.answer_new_password(&pending.challenge, password).await.map_err(user_error)?;
        self.after_step(step, pending.next).await
    }

    /// The signed-in user, checked with the provider (refreshed tokens are stored); `None` and a
    /// cleared session when the provider no longer vouches for them.
    pub async fn current_user(&self) -> Result<Option<SessionUser>, AppError> {
        let Some(mut user) = self.session.get::<SessionUser>(USER).await.map_err(session_err)? else {
            return Ok(None);
        };
        match self.provider.check(&user.credentials).await.map_err(user_error)? {
            None => {
                self.session.flush().await.map_err(session_err)?;
                Ok(None)
            }
            Some((identity, refreshed)) => {
                let changed = identity != user.identity || refreshed.is_some();
                user.identity = identity;
                if let Some(c) = refreshed {
                    user.credentials = c;
                }
                if changed {
                    self.session.insert(USER, &user).await.map_err(session_err)?;
                }
                Ok(Some(user))
            }
        }
    }

    /// The shop's id for the signed-in user as the session records it (no provider round trip: for
    /// ownership of session-scoped things like the cart, not for authorisation).
    pub async fn session_user_id(&self) -> Result<Option<uuid::Uuid>, AppError> {
        Ok(self.session.get::<SessionUser>(USER).await.map_err(session_err)?.map(|u| u.user_id))
    }

    pub async fn require_user(&self) -> Result<SessionUser, AppError> {
        self.current_user().await?.ok_or_else(|| AppError::Unauthorized("Please sign in to continue.".into()))
    }

    /// Someone with at least `role`; everyone else, signed in or not, gets 403. Fails closed on
    /// any error. The role is the provider's answer for this request (a demotion or a disabled
    /// account takes effect at once).
    pub async fn require_role(&self, role: crate::accounts::model::Role) -> Result<SessionUser, AppError> {
        match self.current_user().await {
            Ok(Some(u)) if u.identity.role >= role => Ok(u),
            Ok(_) => Err(AppError::Forbidden),
            Err(e) => {
                tracing::warn!(error = %e, "role check failed; refusing");
                Err(AppError::Forbidden)
            }
        }
    }

    /// Admins only (see [`Self::require_role`]).
    pub async fn require_admin(&self) -> Result<SessionUser, AppError> {
        self.require_role(crate::accounts::model::Role::Admin).await
    }

    /// Any staff: support or admin (see [`Self::require_role`]).
    pub async fn require_staff(&self) -> Result<SessionUser, AppError> {
        self.require_role(crate::accounts::model::Role::Support).await
    }

    pub async fn sign_out(&self, everywhere: bool) -> Result<String, AppError> {
        if everywhere && let Some(user) = self.session.get::<SessionUser>(USER).await.map_err(session_err)? {
            self.provider.sign_out_everywhere(&user.credentials).await.map_err(user_error)?;
        }
        self.session.flush().await.map_err(session_err)?;
        Ok("/".into())
    }

    pub async fn forgot_password(&self, email: &str) -> Result<String, AppError> {
        let email = parse_email(email)?;
        self.limit_both("reset", &email, self.limits.reset_per_ip, self.limits.reset_per_account).await?;
        self.provider.forgot_password(&email).await.map_err(user_error)?;
        self.set_flow_email(&email).await?;
        crate::platform::request::notice(self.session, &format!(
            "If an account exists for {email}, we sent it a code. Enter it below with your new password."
        ))
        .await?;
        Ok("/account/reset".into())
    }

    pub async fn reset_password(&self, email: &str, code: &str, password: &str) -> Result<String, AppError> {
        let email = parse_email(email)?;
        let code = code_field(code)?;
        self.provider.password_policy().check(password).map_err(AppError::BadRequest)?;
        self.limit_ip("code", self.limits.code_per_ip).await?;
        self.limit_account("reset-code", &email, self.limits.code_per_account).await?;
        self.provider.confirm_forgot_password(&email, &code, password).await.map_err(user_error)?;
        self.set_flow_email(&email).await?;
        crate::platform::request::notice(self.session, "Your password is changed. Sign in with the new password.").await?;
        Ok("/account/sign-in".into())
    }

    pub async fn change_password(&self, old: &str, new: &str) -> Result<String, AppError> {
        let mut user = self.require_user().await?;
        let old = password_field(old)?;
        self.provider.password_policy().check(new).map_err(AppError::BadRequest)?;
        let email = parse_email(&user.identity.email)?;
        self.limit_account("sign-in", &email, self.limits.sign_in_per_account).await?;
        match self.provider.change_password(&user.credentials, old, new).await {
            Ok(fresh) => {
                if let Some(c) = fresh {
                    user.credentials = c;
                }
                // Other sessions were voided; this one continues under a new id.
                self.session.cycle_id().await.map_err(session_err)?;
                self.session.insert(USER, &user).await.map_err(session_err)?;
                crate::platform::request::notice(self.session, "Your password is changed.").await?;
                Ok("/account".into())
            }
            Err(AuthError::InvalidCredentials) => {
                Err(AppError::Unauthorized("Your current password is not right.".into()))
            }
            Err(e) => Err(user_error(e)),
        }
    }

    /// Starts TOTP set-up; the secret waits in the session until a first code confirms it.
    pub async fn begin_two_factor(&self) -> Result<String, AppError> {
        let user = self.require_user().await?;
        if user.identity.two_factor {
            return Err(AppError::Conflict("Two-factor sign-in is already on.".into()));
        }
        let secret = self.provider.begin_totp(&user.credentials).await.map_err(user_error)?;
        self.session.insert(TOTP_SETUP, secret).await.map_err(session_err)?;
        Ok("/account/two-factor".into())
    }

    /// The secret being set up, with the account's address (for the authenticator's label).
    pub async fn two_factor_setup(&self) -> Result<Option<(String, String)>, AppError> {
        let user = self.require_user().await?;
        let secret: Option<String> = self.session.get(TOTP_SETUP).await.map_err(session_err)?;
        Ok(secret.map(|s| (s, user.identity.email)))
    }

    pub async fn enable_two_factor(&self, code: &str) -> Result<String, AppError> {
        let mut user = self.require_user().await?;
        let code = code_field(code)?;
        let email = parse_email(&user.identity.email)?;
        self.limit_account("code", &email, self.limits.code_per_account).await?;
        if self.session.get::<String>(TOTP_SETUP).await.map_err(session_err)?.is_none() {
            return Err(AppError::BadRequest("Start the two-factor set-up again.".into()));
        }
        self.provider.enable_totp(&user.credentials, &code).await.map_err(user_error)?;
        self.session.remove::<String>(TOTP_SETUP).await.map_err(session_err)?;
        user.identity.two_factor = true;
        self.session.insert(USER, &user).await.map_err(session_err)?;
        crate::platform::request::notice(self.session, "Two-factor sign-in is on. You'll need a code from your app each time you sign in.").await?;
        Ok("/account".into())
    }
}
