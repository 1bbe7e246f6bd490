//! The Amazon Cognito adapter (aws-sdk-cognitoidentityprovider). The e-mail address is the
//! username; Cognito sends the codes. Tokens stay in the server-side session.
use super::jwt::{Claims, JwtVerifier, TokenError, TokenUse};
use super::provider::*;
use crate::accounts::model::{PasswordPolicy, Role};
use crate::types::Email;
use aws_sdk_cognitoidentityprovider::{
    error::{ProvideErrorMetadata, SdkError},
    types::{AuthFlowType, AuthenticationResultType, ChallengeNameType, SoftwareTokenMfaSettingsType},
    Client,
};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CognitoSettings {
    pub region: String,
    pub user_pool_id: String,
    pub client_id: String,
    /// Set when the app client has a secret (every call then carries a SECRET_HASH).
    pub client_secret: Option<crate::types::Secret>,
    /// Another endpoint than AWS's (a local emulator in tests).
    pub endpoint_url: Option<String>,
    /// Defaults to `https://cognito-idp.<region>.amazonaws.com/<pool>`.
    pub issuer: Option<String>,
    /// Defaults to `<issuer>/.well-known/jwks.json`.
    pub jwks_url: Option<String>,
    /// The group whose members reach /admin.
    #[serde(default = "default_admin_group")]
    pub admin_group: String,
    /// The group whose members are support staff (orders, customers, small refunds).
    #[serde(default = "default_support_group")]
    pub support_group: String,
}

fn default_admin_group() -> String {
    "admin".into()
}

fn default_support_group() -> String {
    "support".into()
}

impl CognitoSettings {
    /// The highest role any of the user's groups gives.
    pub fn role_of(&self, groups: &[String]) -> Role {
        if groups.iter().any(|g| g == &self.admin_group) {
            Role::Admin
        } else if groups.iter().any(|g| g == &self.support_group) {
            Role::Support
        } else {
            Role::Shopper
        }
    }

    pub fn issuer(&self) -> String {
        self.issuer
            .clone()
            .unwrap_or_else(|| format!("https://cognito-idp.{}.amazonaws.com/{}", self.region, self.user_pool_id))
    }

    pub fn jwks_url(&self) -> String {
        self.jwks_url.clone().unwrap_or_else(|| format!("{}/.well-known/jwks.json", self.issuer()))
    }
}

pub struct CognitoProvider {
    client: Client,
    settings: CognitoSettings,
    verifier: JwtVerifier,
    policy: PasswordPolicy,
}

/// Maps Cognito's error codes onto what the shop tells a user; the raw error goes to the log.
fn map_err<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(e: SdkError<E, R>) -> AuthError {
    let code = e.code().unwrap_or_default().to_owned();
    let message = e.message().unwrap_or_default().to_owned();
    match code.as_str() {
        "UsernameExistsException" | "AliasExistsException" => AuthError::AccountExists,
        "InvalidPasswordException" => AuthError::WeakPassword(message),
        "CodeMismatchException" | "EnableSoftwareTokenMFAException" => AuthError::WrongCode,
        "ExpiredCodeException" => AuthError::ExpiredCode,
        "UserNotConfirmedException" => AuthError::NotConfirmed,
        "UserNotFoundException" => AuthError::InvalidCredentials,
        "NotAuthorizedException" if message.to_lowercase().contains("disabled") => AuthError::Disabled,
        "NotAuthorizedException" if message.to_lowercase().contains("session") => AuthError::SessionExpired,
        "NotAuthorizedException" => AuthError::InvalidCredentials,
        "ResourceNotFoundException" => AuthError::SessionExpired,
        "TooManyRequestsException" | "LimitExceededException" | "TooManyFailedAttemptsException" => {
            AuthError::Throttled
        }
        _ => AuthError::Internal(format!("{code}: {message} ({e:?})")),
    }
}

impl CognitoProvider {
    /// Builds the client (credentials from the usual AWS chain) and reads the pool's password policy
    /// when the credentials allow it; `fallback` otherwise.
    pub async fn connect(settings: CognitoSettings, fallback: PasswordPolicy) -> Self {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new(settings.region.clone()));
        if let Some(url) = &settings.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let client = Client::new(&loader.load().await);
        Self::with_client(client, settings, fallback).await
    }

    pub async fn with_client(client: Client, settings: CognitoSettings, fallback: PasswordPolicy) -> Self {
        let policy = match client.describe_user_pool().user_pool_id(&settings.user_pool_id).send().await {
            Ok(out) => out
                .user_pool()
                .and_then(|p| p.policies())
                .and_then(|p| p.password_policy())
                .map(|p| PasswordPolicy {
                    min_length: p.minimum_length().unwrap_or(8).max(1) as u32,
                    require_lowercase: p.require_lowercase(),
                    require_uppercase: p.require_uppercase(),
                    require_number: p.require_numbers(),
                    require_symbol: p.require_symbols(),
                })
                .unwrap_or(fallback),
            Err(e) => {
                tracing::warn!(error = ?e, "could not read the user pool's password policy; using the configured one");
                fallback
            }
        };
        let verifier = JwtVerifier::new(settings.issuer(), settings.jwks_url(), settings.client_id.clone());
        CognitoProvider { client, settings, verifier, policy }
    }

    pub fn verifier(&self) -> &JwtVerifier {
        &self.verifier
    }

    pub fn settings(&self) -> &CognitoSettings {
        &self.settings
    }

    /// Cognito's SECRET_HASH: Base64(HMAC-SHA256(client secret, username + client id)).
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        let secret = self.settings.client_secret.as_ref()?;
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.expose().as_bytes()).ok()?;
        mac.update(username.as_bytes());
        mac.update(self.settings.client_id.as_bytes());
        Some(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
    }

    /// Verifies fresh tokens and builds the identity (e-mail from the ID token, groups from the
    /// access token, two-factor status from GetUser, which also rejects revoked tokens).
    async fn identity(&self, access_token: &str, id_token: &str) -> Result<(Identity, String), AuthError> {
        let access = self.verifier.verify(access_token, TokenUse::Access).await.map_err(token_err)?;
        let id = self.verifier.verify(id_token, TokenUse::Id).await.map_err(token_err)?;
        if id.sub != access.sub {
            return Err(AuthError::SessionExpired);
        }
        let user = self.client.get_user().access_token(access_token).send().await.map_err(map_err)?;
        let two_factor = user.user_mfa_setting_list().iter().any(|m| m == "SOFTWARE_TOKEN_MFA");
        let identity = Identity {
            subject: access.sub.clone(),
            email: id.email.clone().unwrap_or_else(|| username(&access)),
            role: self.settings.role_of(&access.groups),
            two_factor,
        };
        Ok((identity, username(&access)))
    }

    async fn finish(&self, result: Option<&AuthenticationResultType>, refresh: Option<&str>) -> Result<SignedIn, AuthError> {
        let r = result.ok_or_else(|| AuthError::Internal("no authentication result".into()))?;
        let (Some(access), Some(id)) = (r.access_token(), r.id_token()) else {
            return Err(AuthError::Internal("tokens missing".into()));
        };
        let refresh_token = r.refresh_token().or(refresh).unwrap_or_default().to_owned();
        let (identity, username) = self.identity(access, id).await?;
        Ok(SignedIn {
            identity,
            credentials: Credentials::Cognito {
                username,
                access_token: access.to_owned(),
                refresh_token,
                id_token: id.to_owned(),
            },
        })
    }

    /// New access and ID tokens from the refresh token (REFRESH_TOKEN_AUTH; with a client secret the
    /// SECRET_HASH is keyed by the username the tokens were issued to).
    pub async fn refresh(&self, credentials: &Credentials) -> Result<SignedIn, AuthError> {
        let (user, _, refresh, _) = self.tokens(credentials)?;
        let mut req = self
            .client
            .initiate_auth()
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .client_id(&self.settings.client_id)
            .auth_parameters("REFRESH_TOKEN", refresh);
        if let Some(h) = self.secret_hash(user) {
            req = req.auth_parameters("SECRET_HASH", h);
        }
        let out = req.send().await.map_err(map_err)?;
        self.finish(out.authentication_result(), Some(refresh)).await
    }

    fn step(
        &self,
        email: &str,
        challenge: Option<&ChallengeNameType>,
        session: Option<&str>,
    ) -> Result<SignInStep, AuthError> {
        let challenge_for = |session: Option<&str>| Challenge {
            email: email.to_owned(),
            token: session.unwrap_or_default().to_owned(),
        };
        match challenge {
            Some(ChallengeNameType::SoftwareTokenMfa) => Ok(SignInStep::TotpRequired(challenge_for(session))),
            Some(ChallengeNameType::NewPasswordRequired) => Ok(SignInStep::NewPasswordRequired(challenge_for(session))),
            other => Err(AuthError::Internal(format!("unsupported challenge {other:?}"))),
        }
    }

    async fn respond(&self, challenge: &Challenge, name: ChallengeNameType, key: &str, value: &str) -> Result<SignInStep, AuthError> {
        let mut req = self
            .client
            .respond_to_auth_challenge()
            .client_id(&self.settings.client_id)
            .challenge_name(name)
            .session(&challenge.token)
            .challenge_responses("USERNAME", &challenge.email)
            .challenge_responses(key, value);
        if let Some(h) = self.secret_hash(&challenge.email) {
            req = req.challenge_responses("SECRET_HASH", h);
        }
        let out = req.send().await.map_err(map_err)?;
        if out.authentication_result().is_some() {
            return Ok(SignInStep::Done(Box::new(self.finish(out.authentication_result(), None).await?)));
        }
        self.step(&challenge.email, out.challenge_name(), out.session())
    }

    /// (username, access, refresh, id)
    fn tokens<'a>(&self, credentials: &'a Credentials) -> Result<(&'a str, &'a str, &'a str, &'a str), AuthError> {
        match credentials {
            Credentials::Cognito { username, access_token, refresh_token, id_token } => {
                Ok((username, access_token, refresh_token, id_token))
            }
            Credentials::Builtin { .. } => Err(AuthError::SessionExpired),
        }
    }
}

fn username(c: &Claims) -> String {
    c.username.clone().or_else(|| c.cognito_username.clone()).unwrap_or_else(|| c.sub.clone())
}

fn token_err(e: TokenError) -> AuthError {
    match e {
        TokenError::Jwks(m) => AuthError::Internal(m),
        other => {
            tracing::warn!(error = %other, "rejected a Cognito token");
            AuthError::SessionExpired
        }
    }
}

#[async_trait::async_trait]
impl IdentityProvider for CognitoProvider {
    fn name(&self) -> &'static str {
        "cognito"
    }

    fn password_policy(&self) -> &PasswordPolicy {
        &self.policy
    }

    async fn sign_up(&self, email: &Email, password: &str) -> Result<(), AuthError> {
        let attr = aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
            .name("email")
            .value(email.as_str())
            .build()
            .map_err(|e| AuthError::Internal(e.to_string()))?;
        self.client
            .sign_up()
            .client_id(&self.settings.client_id)
            .set_secret_hash(self.secret_hash(email.as_str()))
            .username(email.as_str())
            .password(password)
            .user_attributes(attr)
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn confirm_sign_up(&self, email: &Email, code: &str) -> Result<(), AuthError> {
        match self
            .client
            .confirm_sign_up()
            .client_id(&self.settings.client_id)
            .set_secret_hash(self.secret_hash(email.as_str()))
            .username(email.as_str())
            .confirmation_code(code.trim())
            .send()
            .await
            .map_err(map_err)
        {
            Ok(_) => Ok(()),
            Err(AuthError::InvalidCredentials) => Err(AuthError::WrongCode),
            Err(e) => Err(e),
        }
    }

    async fn resend_confirmation(&self, email: &Email) -> Result<(), AuthError> {
        match self
            .client
            .resend_confirmation_code()
            .client_id(&self.settings.client_id)
            .set_secret_hash(self.secret_hash(email.as_str()))
            .username(email.as_str())
            .send()
            .await
            .map_err(map_err)
        {
            // Unknown or already confirmed: say nothing.
            Ok(_) | Err(AuthError::InvalidCredentials) => Ok(()),
            Err(AuthError::Internal(m)) if m.starts_with("InvalidParameterException") => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn sign_in(&self, email: &Email, password: &str) -> Result<SignInStep, AuthError> {
        let mut req = self
            .client
            .initiate_auth()
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .client_id(&self.settings.client_id)
            .auth_parameters("USERNAME", email.as_str())
            .auth_parameters("PASSWORD", password);
        if let Some(h) = self.secret_hash(email.as_str()) {
            req = req.auth_parameters("SECRET_HASH", h);
        }
        let out = req.send().await.map_err(map_err)?;
        if out.authentication_result().is_some() {
            return Ok(SignInStep::Done(Box::new(self.finish(out.authentication_result(), None).await?)));
        }
        self.step(email.as_str(), out.challenge_name(), out.session())
    }

    async fn answer_totp(&self, challenge: &Challenge, code: &str) -> Result<SignInStep, AuthError> {
        self.respond(challenge, ChallengeNameType::SoftwareTokenMfa, "SOFTWARE_TOKEN_MFA_CODE", code.trim()).await
    }

    async fn answer_new_password(&self, challenge: &Challenge, new_password: &str) -> Result<SignInStep, AuthError> {
        self.respond(challenge, ChallengeNameType::NewPasswordRequired, "NEW_PASSWORD", new_password).await
    }

    async fn check(&self, credentials: &Credentials) -> Result<Option<(Identity, Option<Credentials>)>, AuthError> {
        let (_, access, _, id) = self.tokens(credentials)?;
        let fresh = self.verifier.verify(access, TokenUse::Access).await;
        match fresh {
            Ok(_) => match self.identity(access, id).await {
                Ok((identity, _)) => Ok(Some((identity, None))),
                Err(AuthError::SessionExpired | AuthError::InvalidCredentials | AuthError::Disabled) => Ok(None),
                Err(e) => Err(e),
            },
            Err(TokenError::Expired) => match self.refresh(credentials).await {
                Ok(signed) => Ok(Some((signed.identity, Some(signed.credentials)))),
                Err(AuthError::Internal(m)) => Err(AuthError::Internal(m)),
                Err(_) => Ok(None),
            },
            Err(TokenError::Jwks(m)) => Err(AuthError::Internal(m)),
            Err(_) => Ok(None),
        }
    }

    async fn sign_out_everywhere(&self, credentials: &Credentials) -> Result<(), AuthError> {
        let (_, access, _, _) = self.tokens(credentials)?;
        match self.client.global_sign_out().access_token(access).send().await.map_err(map_err) {
            // Already revoked or expired: the goal is reached.
            Ok(_) | Err(AuthError::InvalidCredentials | AuthError::SessionExpired) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn forgot_password(&self, email: &Email) -> Result<(), AuthError> {
        match self
            .client
            .forgot_password()
            .client_id(&self.settings.client_id)
            .set_secret_hash(self.secret_hash(email.as_str()))
            .username(email.as_str())
            .send()
            .await
            .map_err(map_err)
        {
            // Never reveal whether the address is registered.
            Ok(_) | Err(AuthError::InvalidCredentials | AuthError::NotConfirmed) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn confirm_forgot_password(&self, email: &Email, code: &str, new_password: &str) -> Result<(), AuthError> {
        match self
            .client
            .confirm_forgot_password()
            .client_id(&self.settings.client_id)
            .set_secret_hash(self.secret_hash(email.as_str()))
            .username(email.as_str())
            .confirmation_code(code.trim())
            .password(new_password)
            .send()
            .await
            .map_err(map_err)
        {
            Ok(_) => Ok(()),
            Err(AuthError::InvalidCredentials) => Err(AuthError::WrongCode),
            Err(e) => Err(e),
        }
    }

    async fn change_password(
        &self,
        credentials: &Credentials,
        old_password: &str,
        new_password: &str,
    ) -> Result<Option<Credentials>, AuthError> {
        let (_, access, _, _) = self.tokens(credentials)?;
        self.client
            .change_password()
            .access_token(access)
            .previous_password(old_password)
            .proposed_password(new_password)
            .send()
            .await
            .map_err(map_err)?;
        Ok(None)
    }

    async fn begin_totp(&self, credentials: &Credentials) -> Result<String, AuthError> {
        let (_, access, _, _) = self.tokens(credentials)?;
        let out = self.client.associate_software_token().access_token(access).send().await.map_err(map_err)?;
        out.secret_code().map(str::to_owned).ok_or_else(|| AuthError::Internal("no secret returned".into()))
    }

    async fn enable_totp(&self, credentials: &Credentials, code: &str) -> Result<(), AuthError> {
        let (_, access, _, _) = self.tokens(credentials)?;
        let out = self
            .client
            .verify_software_token()
            .access_token(access)
            .user_code(code.trim())
            .friendly_device_name("Authenticator")
            .send()
            .await
            .map_err(map_err)?;
        if out.status().map(|s| s.as_str()) != Some("SUCCESS") {
            return Err(AuthError::WrongCode);
        }
        self.client
            .set_user_mfa_preference()
            .access_token(access)
            .software_token_mfa_settings(
                SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build(),
            )
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn account_state(&self, email: &Email) -> Result<Option<AccountState>, AuthError> {
        let pool = &self.settings.user_pool_id;
        let user = match self.client.admin_get_user().user_pool_id(pool).username(email.as_str()).send().await.map_err(map_err) {
            Ok(u) => u,
            Err(AuthError::InvalidCredentials) => return Ok(None),
            Err(e) => return Err(e),
        };
        let groups = self
            .client
            .admin_list_groups_for_user()
            .user_pool_id(pool)
            .username(email.as_str())
            .send()
            .await
            .map_err(map_err)?;
        let names: Vec<String> = groups.groups().iter().filter_map(|g| g.group_name().map(str::to_owned)).collect();
        Ok(Some(AccountState {
            disabled: !user.enabled(),
            confirmed: user.user_status().is_some_and(|s| s.as_str() == "CONFIRMED"),
            two_factor: user.user_mfa_setting_list().iter().any(|m| m == "SOFTWARE_TOKEN_MFA"),
            role: self.settings.role_of(&names),
        }))
    }

    async fn set_disabled(&self, email: &Email, disabled: bool) -> Result<(), AuthError> {
        let pool = &self.settings.user_pool_id;
        if disabled {
            self.client.admin_disable_user().user_pool_id(pool).username(email.as_str()).send().await.map_err(map_err)?;
            // Revokes the refresh tokens too; GetUser then refuses the access token, so the next
            // request of any session is signed out.
            self.client.admin_user_global_sign_out().user_pool_id(pool).username(email.as_str()).send().await.map_err(map_err)?;
        } else {
            self.client.admin_enable_user().user_pool_id(pool).username(email.as_str()).send().await.map_err(map_err)?;
        }
        Ok(())
    }

    async fn set_role(&self, email: &Email, role: Role) -> Result<(), AuthError> {
        let pool = &self.settings.user_pool_id;
        for (group, member) in [(&self.settings.admin_group, role == Role::Admin), (&self.settings.support_group, role == Role::Support)] {
            if member {
                self.client.admin_add_user_to_group().user_pool_id(pool).username(email.as_str()).group_name(group).send().await.map_err(map_err)?;
            } else {
                self.client.admin_remove_user_from_group().user_pool_id(pool).username(email.as_str()).group_name(group).send().await.map_err(map_err)?;
            }
        }
        // Groups travel in the tokens: the user signs in again to carry the new role.
        self.client.admin_user_global_sign_out().user_pool_id(pool).username(email.as_str()).send().await.map_err(map_err)?;
        Ok(())
    }
}
