//! The download server function: an ownership check, a rate-limited log entry, then a fresh link.
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use crate::accounts::ssr::AccountsExt;
#[cfg(feature = "ssr")]
use crate::platform::request::{respond_at, RequestCtx};

#[cfg(feature = "ssr")]
impl From<crate::library::downloads::ssr::builds::DownloadError> for AppError {
    fn from(e: crate::library::downloads::ssr::builds::DownloadError) -> Self {
        use crate::library::downloads::ssr::builds::DownloadError as E;
        match e {
            E::NoBuild => AppError::Conflict(e.to_string()),
            E::RateLimited(secs) => AppError::TooManyRequests { retry_after_secs: secs },
            E::Db(e) => AppError::internal(e),
        }
    }
}

/// Sends the owner of purchase `key_id` to a link for the game's newest build (valid a few minutes).
#[server(prefix = "/api/library", endpoint = "download")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/library/download", skip_all))]
pub async fn download_build(key_id: i64) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        crate::library::keys::api::owned_key(&ctx, key_id).await?;
        let user = ctx.accounts().current_user().await?.map(|u| u.user_id);
        let downloads = crate::library::state()?.downloads;
        let grant =
            crate::library::downloads::ssr::builds::start_download(ctx.pool(), key_id, user, ctx.ip(), downloads.limit)
                .await?;
        downloads.store.signed_url(&grant.object_key, &grant.file_name, downloads.link_ttl).await.map_err(AppError::internal)
    }
    .await;
    respond_at(&ctx, crate::library::keys::api::LIBRARY_FORM, "/account/library", r).await
}
