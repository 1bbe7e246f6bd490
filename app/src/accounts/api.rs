//! Account server functions. Forms post to them directly (JavaScript off or on); each answers with
//! a redirect, or a typed error (kept as a flash for a plain form post). No SQL here.
use crate::accounts::model::{AccountSummary, FormPage, TotpSetup};
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use crate::accounts::ssr::{service::PendingStep, AccountsExt};
#[cfg(feature = "ssr")]
use crate::platform::request::{respond, RequestCtx};

/// Form ids: which page a flash belongs to.
pub mod forms {
    pub const SIGN_IN: &str = "sign-in";
    pub const SIGN_UP: &str = "sign-up";
    pub const CONFIRM: &str = "confirm";
    pub const CODE: &str = "sign-in-code";
    pub const NEW_PASSWORD: &str = "new-password";
    pub const FORGOT: &str = "forgot";
    pub const RESET: &str = "reset";
    pub const CHANGE_PASSWORD: &str = "change-password";
    pub const TWO_FACTOR: &str = "two-factor";
    pub const ACCOUNT: &str = "account";
}

#[server(prefix = "/api/account", endpoint = "sign-up")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/sign-up", skip_all))]
pub async fn sign_up(email: String, password: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = ctx.accounts().sign_up(&email, &password).await;
    respond(&ctx, forms::SIGN_UP, "/account/sign-up", Some(&email), r).await
}

#[server(prefix = "/api/account", endpoint = "confirm")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/confirm", skip_all))]
pub async fn confirm_email(email: String, code: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = ctx.accounts().confirm(&email, &code).await;
    respond(&ctx, forms::CONFIRM, "/account/confirm", Some(&email), r).await
}

#[server(prefix = "/api/account", endpoint = "resend-code")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/resend-code", skip_all))]
pub async fn resend_code(email: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = ctx.accounts().resend_code(&email).await;
    respond(&ctx, forms::CONFIRM, "/account/confirm", Some(&email), r).await
}

#[server(prefix = "/api/account", endpoint = "sign-in")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/sign-in", skip_all))]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = ctx.accounts().sign_in(&email, &password, next.as_deref()).await;
    respond(&ctx, forms::SIGN_IN, "/account/sign-in", Some(&email), r).await
}

#[server(prefix = "/api/account", endpoint = "sign-in-code")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/sign-in-code", skip_all))]
pub async fn sign_in_code(code: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = ctx.accounts().sign_in_code(&code).await;
    // A step that ended goes back to the start; a wrong code stays on the code page.
    let page = if matches!(r, Err(AppError::Unauthorized(_))) { "/account/sign-in" } else { "/account/sign-in/code" };
    let form = if page == "/account/sign-in" { forms::SIGN_IN } else { forms::CODE };
    respond_to(&ctx, form, page, r).await
}

#[server(prefix = "/api/account", endpoint = "new-password")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/new-password", skip_all))]
pub async fn choose_new_password(password: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = ctx.accounts().new_password(&password).await;
    let (form, page) = if matches!(r, Err(AppError::Unauthorized(_))) {
        (forms::SIGN_IN, "/account/sign-in")
    } else {
        (forms::NEW_PASSWORD, "/account/new-password")
    };
    respond_to(&ctx, form, page, r).await
}

#[server(prefix = "/api/account", endpoint = "sign-out")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/sign-out", skip_all))]
pub async fn sign_out(everywhere: Option<String>) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = ctx.accounts().sign_out(everywhere.is_some()).await;
    respond(&ctx, forms::ACCOUNT, "/account", None, r).await
}

#[server(prefix = "/api/account", endpoint = "forgot-password")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/forgot-password", skip_all))]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = ctx.accounts().forgot_password(&email).await;
    respond(&ctx, forms::FORGOT, "/account/forgot", Some(&email), r).await
}

#[server(prefix = "/api/account", endpoint = "reset-password")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/reset-password", skip_all))]
pub async fn reset_password(email: String, code: String, password: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = ctx.accounts().reset_password(&email, &code, &password).await;
    respond(&ctx, forms::RESET, "/account/reset", Some(&email), r).await
}

#[server(prefix = "/api/account", endpoint = "change-password")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/change-password", skip_all))]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = ctx.accounts().change_password(&current_password, &new_password).await;
    respond_to(&ctx, forms::CHANGE_PASSWORD, "/account/password", r).await
}

#[server(prefix = "/api/account", endpoint = "two-factor/begin")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/two-factor/begin", skip_all))]
pub async fn begin_two_factor() -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = ctx.accounts().begin_two_factor().await;
    respond_to(&ctx, forms::ACCOUNT, "/account", r).await
}

#[server(prefix = "/api/account", endpoint = "two-factor/enable")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/two-factor/enable", skip_all))]
pub async fn enable_two_factor(code: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = ctx.accounts().enable_two_factor(&code).await;
    respond_to(&ctx, forms::TWO_FACTOR, "/account/two-factor", r).await
}

/// A form without an e-mail field.
#[cfg(feature = "ssr")]
async fn respond_to(ctx: &RequestCtx, form: &str, page: &str, r: Result<String, AppError>) -> Result<(), AppError> {
    respond(ctx, form, page, None, r).await
}

/// What a form page shows: its flash (answering with the failed post's status), any notice, the
/// password rules and the address of the flow in progress.
#[server(prefix = "/api/account", endpoint = "form-page")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/form-page", skip_all))]
pub async fn get_form_page(form: String) -> Result<FormPage, AppError> {
    let ctx = RequestCtx::load().await?;
    let acc = ctx.accounts();
    let flash = ctx.take_flash(&form).await?;
    let notice = ctx.take_notice().await?;
    let signed_in = acc.current_user().await?.is_some();
    // The second sign-in steps make sense only while one is pending.
    let step = match form.as_str() {
        forms::CODE => Some(PendingStep::Totp),
        forms::NEW_PASSWORD => Some(PendingStep::NewPassword),
        _ => None,
    };
    if let Some(step) = step
        && !acc.has_pending(step).await?
        && flash.is_none()
    {
        crate::platform::request::redirect("/account/sign-in");
    }
    Ok(FormPage {
        flash,
        notice,
        policy: crate::accounts::ssr::state()?.identity.password_policy().clone(),
        email: acc.flow_email().await?,
        signed_in,
    })
}

/// "My account"; 401 when nobody is signed in (the page sends them to sign in).
#[server(prefix = "/api/account", endpoint = "summary")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/summary", skip_all))]
pub async fn get_account() -> Result<(AccountSummary, Option<String>), AppError> {
    let ctx = RequestCtx::load().await?;
    let acc = ctx.accounts();
    let user = acc.require_user().await?;
    let notice = ctx.take_notice().await?;
    let flash = ctx.take_flash(forms::ACCOUNT).await?;
    let summary = AccountSummary {
        email: user.identity.email,
        two_factor: user.identity.two_factor,
        role: user.identity.role,
    };
    Ok((summary, flash.map(|f| f.message).or(notice)))
}

/// The TOTP set-up in progress: the secret as text and as a QR code.
#[server(prefix = "/api/account", endpoint = "two-factor/setup")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/account/two-factor/setup", skip_all))]
pub async fn get_two_factor_setup() -> Result<Option<TotpSetup>, AppError> {
    use crate::accounts::ssr::secrets::totp_uri;
    let ctx = RequestCtx::load().await?;
    let Some((secret, email)) = ctx.accounts().two_factor_setup().await? else { return Ok(None) };
    let uri = totp_uri(&secret, crate::site::SITE_NAME, &email)
        .ok_or_else(|| AppError::internal("provider returned an unusable TOTP secret"))?;
    let qr = qrcode::QrCode::new(uri.as_bytes()).map_err(AppError::internal)?;
    let qr_svg = qr
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .dark_color(qrcode::render::svg::Color("#1d1b3a"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    // Four-letter groups are easier to type into an app.
    let grouped = secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ");
    Ok(Some(TotpSetup { secret: grouped, otpauth_uri: uri, qr_svg }))
}
