//! Glue between server functions and the request: the pool, the session, the client IP, notices,
//! and the answer to a form post (a redirect; with JavaScript off, a failed post is kept as a flash
//! and the browser is sent back to the form).
use super::{platform, FormFlash, Platform};
use crate::error::AppError;
use crate::types::SafePath;
use sqlx::PgPool;
use tower_sessions::Session;

const FLASH: &str = "flash";
const NOTICE: &str = "notice";

/// The address of whoever is asking, worked out once per request by the server (the connecting
/// peer, or the address its trusted proxy forwarded): what rate limits, the audit log, download
/// records and the visit counter see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub std::net::IpAddr);

/// The header carrying a request's id: set on the request (and its response) by the server's
/// outermost layer, read wherever a log line is written outside the request's span.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The request's [`ClientIp`] as text, "unknown" without one (an in-process test, say).
pub fn client_ip(extensions: &http::Extensions) -> String {
    extensions.get::<ClientIp>().map(|c| c.0.to_string()).unwrap_or_else(|| "unknown".into())
}

pub struct RequestCtx {
    platform: Platform,
    session: Session,
    ip: String,
}

/// A session store failure, as the opaque internal error (its cause logged).
pub fn session_err(e: tower_sessions::session::Error) -> AppError {
    AppError::internal(format!("session store: {e}"))
}

impl RequestCtx {
    pub async fn load() -> Result<Self, AppError> {
        let platform = platform()?;
        let session: Session = leptos_axum::extract()
            .await
            .map_err(|e| AppError::internal(format!("session layer missing: {e:?}")))?;
        let ip = leptos::prelude::use_context::<http::request::Parts>()
            .map(|p| client_ip(&p.extensions))
            .unwrap_or_else(|| "unknown".into());
        Ok(RequestCtx { platform, session, ip })
    }

    pub fn pool(&self) -> &PgPool {
        &self.platform.pool
    }

    pub fn platform(&self) -> &Platform {
        &self.platform
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The client's address ("unknown" when not available; see [`ClientIp`]).
    pub fn ip(&self) -> &str {
        &self.ip
    }

    /// Marks this visitor's `stage` in the funnel; a failure is logged here and never fails the
    /// request.
    pub async fn mark_funnel(&self, stage: super::visits::Stage) {
        let ua = leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|p| p.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned))
            .unwrap_or_default();
        if let Err(e) = super::visits::mark(self.pool(), &self.platform.time_zone, stage, &self.ip, &ua).await {
            tracing::warn!(error = %e, "could not mark the funnel");
        }
    }

    /// A message for the next page this browser shows ("Added to your cart").
    pub async fn notice(&self, text: &str) -> Result<(), AppError> {
        notice(&self.session, text).await
    }

    pub async fn take_notice(&self) -> Result<Option<String>, AppError> {
        self.session.remove(NOTICE).await.map_err(session_err)
    }

    pub async fn flash(&self, flash: &FormFlash) -> Result<(), AppError> {
        self.session.insert(FLASH, flash).await.map_err(session_err)
    }

    /// The flash for `form`, if the last failed post came from it (removed once read).
    pub async fn take_flash(&self, form: &str) -> Result<Option<FormFlash>, AppError> {
        take_flash(&self.session, form).await
    }
}

/// A message for the next page this session shows.
pub async fn notice(session: &Session, text: &str) -> Result<(), AppError> {
    session.insert(NOTICE, text).await.map_err(session_err)
}

/// The flash for `form` in this session, if the last failed post came from it (removed once read).
pub async fn take_flash(session: &Session, form: &str) -> Result<Option<FormFlash>, AppError> {
    let flash: Option<FormFlash> = session.get(FLASH).await.map_err(session_err)?;
    match flash {
        Some(f) if f.form == form => {
            session.remove::<FormFlash>(FLASH).await.map_err(session_err)?;
            Ok(Some(f))
        }
        _ => Ok(None),
    }
}

/// A plain HTML form post (JavaScript off) asks for HTML; the server-function client asks for JSON.
fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|p| p.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html")))
        .unwrap_or(false)
}

/// Where to send a failed plain form post back to: the page it came from (same site only, and only
/// when it is a `SafePath`), else `page`.
pub fn back_to(page: &str) -> String {
    let state = platform().ok();
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|p| p.headers.get(http::header::REFERER).and_then(|v| v.to_str().ok()).map(str::to_owned))
        .and_then(|r| {
            let base = state?.base_url;
            let path = r.strip_prefix(base.trim_end_matches('/'))?;
            SafePath::parse(path).map(|p| p.to_string())
        })
        .unwrap_or_else(|| page.to_owned())
}

/// Every server-function redirect goes through here: an unsafe target (built from input) becomes
/// `/` instead of another site or a panic in the header builder.
pub fn redirect(to: &str) {
    let target = SafePath::parse(to).unwrap_or_else(|| {
        tracing::warn!(target = %to.escape_debug(), "refused an unsafe redirect target");
        SafePath::or("/", "/")
    });
    leptos_axum::redirect(target.as_str());
}

/// Turns a service result into the server function's answer: a redirect on success; on failure the
/// typed error, and for a plain form post also a flash and a redirect back to the form.
pub async fn respond(
    ctx: &RequestCtx,
    form: &str,
    page: &str,
    email: Option<&str>,
    result: Result<String, AppError>,
) -> Result<(), AppError> {
    respond_with(ctx, form, Some(page), email, result, true).await
}

/// As `respond`, but a failed post always goes to `page` (not back to the referring page).
pub async fn respond_at(ctx: &RequestCtx, form: &str, page: &str, result: Result<String, AppError>) -> Result<(), AppError> {
    respond_with(ctx, form, Some(page), None, result, false).await
}

async fn respond_with(
    ctx: &RequestCtx,
    form: &str,
    page: Option<&str>,
    email: Option<&str>,
    result: Result<String, AppError>,
    use_referer: bool,
) -> Result<(), AppError> {
    let page = page.unwrap_or("/");
    match result {
        Ok(to) => {
            redirect(&to);
            Ok(())
        }
        Err(e) => {
            if is_plain_form_post() {
                let flash = FormFlash {
                    form: form.to_owned(),
                    message: e.to_string(),
                    status: e.status(),
                    retry_after_secs: e.retry_after_secs(),
                    email: email.map(|s| s.trim().chars().take(254).collect()),
                };
                ctx.flash(&flash).await?;
                redirect(&if use_referer { back_to(page) } else { page.to_owned() });
            }
            Err(e)
        }
    }
}
